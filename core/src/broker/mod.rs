//! The broker: topics, partitions, consumer groups with leases, retries, DLQ, idempotency — as a
//! deterministic state machine over logs.
//!
//! Inputs are method calls and an injected clock (`now_ms` on every call); outputs are log records
//! (message batches in partition logs, [`state::StateRecord`]s in the state log) and replies.
//! Nothing in here reads the wall clock or sleeps: lease expiry, retention and snapshots happen in
//! [`Broker::tick`], which the owner calls on its timer.
//!
//! Invariants:
//! - a state change is applied in memory and appended to the state log under the same lock, so
//!   the log's order is the order changes happened; the caller's reply waits until the record is
//!   durable (under `fsync always`);
//! - replaying the state log from its last snapshot rebuilds the same state, except leases, which
//!   are never logged: after a restart their messages are eligible again, failed attempts kept;
//! - a delivery counts as an attempt only once it fails (lease expiry or nack): a delivery cut
//!   short by a broker restart is not held against the message;
//! - the produce path takes no broker-wide lock: a read lock on the topic map and the partition's
//!   own log lock (plus the idempotency map for keyed messages);
//! - nothing is dropped silently: failures past `max_attempts` go to `dlq.<topic>` before they
//!   count as done; inside a `dlq.*` topic they are kept and counted as exhausted.
//!
//! Lock order: `snapshot` (read) → a topic's `groups` → `topics` (only to create a DLQ topic) →
//! `producer_keys` / `replayed`. The topic map is never held while a `groups` lock is taken
//! (callers clone the `Arc<Topic>`s first), except by the snapshot, which holds `snapshot`
//! exclusively so no group lock is held by anyone else. The state log and partition logs have
//! their own internal locks and are taken last.
//!
//! File map (`Broker` is one struct; each file holds the `impl Broker` block of one concern,
//! beside the value types it uses):
//! - `config` limits and validation · `error` refusals · `topic` topics and partitions in
//!   memory · `group` a group's per-partition delivery state and its consumers;
//! - `journal` change → record → apply → append → wait, snapshots · `recovery` start-up replay ·
//!   `idempotency` producer keys;
//! - `admin` topic and group administration · `produce` · `poll` reads and leases · `settle`
//!   ack / nack / extend · `release` leases never written · `retry` retry or dead-letter ·
//!   `tick` timers · `dlq` peek and replay · `stats` and `inspect` what operators see ·
//!   `missing` partition directories lost from the disk;
//! - `state`, `envelope`, `codec` the state-log and message-metadata encodings · `router`
//!   routing rules · `dirlock` exclusive use of the data directory.

pub mod codec;
pub mod dirlock;
pub mod envelope;
pub mod group;
pub mod inspect;
pub mod missing;
pub mod release;
pub mod router;
pub mod state;

mod admin;
mod config;
mod dlq;
mod error;
mod idempotency;
mod journal;
mod poll;
mod produce;
mod recovery;
mod retry;
mod settle;
mod stats;
mod tick;
mod topic;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::storage::{PartitionLog, SyncPool};

pub use admin::{SeekTo, TopicChange};
pub use config::{
    BrokerConfig, MAX_DELAY_MS, MAX_KEY_BLOCKED, MAX_LEASE_MS, MAX_PARTITIONS, MAX_REASON_BYTES,
    REPLY_BYTES, validate_group_name, validate_owner, validate_topic_name,
};
pub use dlq::{DlqMessage, ReplayItem, ReplayRequest, dlq_topic_for};
pub use envelope::{DlqOrigin, Envelope, MessageMeta, ReplayMark, RetryPolicy, Routing};
pub use error::{BrokerError, OsResource, Result};
pub use group::CONSUMER_IDLE_MS;
pub use journal::{Deferred, DeferredProduce};
pub use poll::{Delivery, Message, ReadFrom};
pub use produce::{ProduceMessage, Produced, RestoredMessage};
pub use recovery::Truncation;
pub use router::{RouteDecision, RouteInput, Router, RuleRouter, glob_match};
pub use settle::{LeaseRef, NackAction};
pub use state::{
    Counters, DeadLetterCause, FailCause, SeekCause, StateRecord, TopicMeta, TopicOrdering,
};
pub use stats::{
    ConsumerStats, DlqStats, GroupPartitionStats, GroupStats, InflightInfo, PartitionStats, Stats,
    TopicStats,
};
pub use tick::TickReport;

use group::Group;
use idempotency::ProducerKey;
use recovery::check_format_file;
use topic::Topic;

/// Whether a group is ephemeral: a name starting with `_` (driftqctl's `topics peek` reads as
/// `_peek`). Such a group never holds producers back: backpressure counts only the others.
#[must_use]
pub fn is_ephemeral_group(name: &str) -> bool {
    name.starts_with('_')
}

/// Prefix of dead-letter topics.
pub const DLQ_PREFIX: &str = "dlq.";

/// Error recorded when a lease runs out (DriftQ's name for it).
pub const LEASE_EXPIRED_ERROR: &str = "ack_timeout";

/// The broker. Share it behind an `Arc`; every method takes `&self`.
#[derive(Debug)]
pub struct Broker {
    config: BrokerConfig,
    state_log: Arc<PartitionLog>,
    /// Runs the group commits that async waiters ([`Deferred`]) claim.
    sync_pool: Arc<SyncPool>,
    topics: RwLock<BTreeMap<String, Arc<Topic>>>,
    producer_keys: Mutex<HashMap<String, ProducerKey>>,
    /// (dlq topic, partition, offset) → moved
    replayed: Mutex<BTreeMap<(String, u32, u64), bool>>,
    router: Option<Arc<dyn Router>>,
    router_errors: AtomicU64,
    last_router_error: Mutex<Option<String>>,
    records_since_snapshot: AtomicU64,
    /// State writers hold it shared; a snapshot holds it exclusively to see a consistent state.
    snapshot: RwLock<()>,
    /// Exclusive use of the data directory, released when the broker is dropped.
    _dir_lock: dirlock::DataDirLock,
    /// Set while the state log is replayed: a partition opened then must have its directory.
    replaying: AtomicBool,
    /// Partitions the state log knows whose directory was missing at replay.
    missing: Mutex<Vec<(String, u32)>>,
    /// Torn tails the last start cut from its logs.
    truncated: Mutex<Vec<Truncation>>,
}

impl Drop for Broker {
    fn drop(&mut self) {
        // The pool's threads hold it alive; a broker dropped without `close` still stops them.
        self.sync_pool.close();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// FNV-1a 32 of the key, as DriftQ partitions.
#[must_use]
pub fn key_partition(key: &[u8], partitions: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in key {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % partitions.max(1)
}

/// How many fdatasyncs of different logs the sync pool runs at once for async waiters
/// (concurrent fdatasyncs of different files overlap on the device).
const SYNC_POOL_THREADS: usize = 8;

fn as_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Broker {
    /// Opens the data directory (creating it), replays the state log and opens every topic.
    /// Fails with [`BrokerError::DataDir`] while another broker has it open.
    pub fn open(
        config: BrokerConfig,
        router: Option<Arc<dyn Router>>,
        now_ms: i64,
    ) -> Result<Self> {
        let dir = &config.data_dir;
        let dir_lock = dirlock::DataDirLock::acquire(dir)?;
        let watch = config.fs_watch.as_ref();
        crate::storage::log::create_dir_durably(&dir.join("topics"), watch)?;
        check_format_file(dir, watch)?;
        let (state_log, report) = PartitionLog::open(&dir.join("state"), config.log_config())?;
        if let Some(t) = &report.torn_tail {
            tracing::warn!(
                first_lost_offset = t.first_lost_offset,
                bytes = t.bytes,
                "state log torn tail truncated"
            );
        }
        let broker = Self {
            config,
            state_log: Arc::new(state_log),
            sync_pool: SyncPool::new(SYNC_POOL_THREADS),
            topics: RwLock::new(BTreeMap::new()),
            producer_keys: Mutex::new(HashMap::new()),
            replayed: Mutex::new(BTreeMap::new()),
            router,
            router_errors: AtomicU64::new(0),
            last_router_error: Mutex::new(None),
            records_since_snapshot: AtomicU64::new(0),
            snapshot: RwLock::new(()),
            _dir_lock: dir_lock,
            replaying: AtomicBool::new(true),
            missing: Mutex::new(Vec::new()),
            truncated: Mutex::new(
                report
                    .torn_tail
                    .iter()
                    .map(|t| Truncation::of("state".into(), t))
                    .collect(),
            ),
        };
        broker.replay(now_ms)?;
        broker.replaying.store(false, Ordering::Release);
        Ok(broker)
    }

    #[must_use]
    pub fn config(&self) -> &BrokerConfig {
        &self.config
    }

    /// Forces everything to disk (the owner calls this on its timer under `fsync interval`).
    pub fn sync(&self) -> Result<()> {
        self.state_log.sync()?;
        for t in read(&self.topics).values() {
            for p in t.parts().iter() {
                p.log.sync()?;
            }
        }
        Ok(())
    }

    /// Syncs every log and refuses further writes.
    pub fn close(&self) -> Result<()> {
        self.sync()?;
        for t in read(&self.topics).values() {
            for p in t.parts().iter() {
                p.log.close()?;
            }
        }
        self.state_log.close()?;
        self.sync_pool.close();
        Ok(())
    }
}
