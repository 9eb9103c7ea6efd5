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

pub mod codec;
pub mod dirlock;
pub mod envelope;
pub mod group;
pub mod inspect;
pub mod missing;
pub mod release;
pub mod router;
pub mod state;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::storage::{
    Appended, Durability, DurableWait, LogConfig, PartitionLog, Record, StorageError, StoredRecord,
    SyncPool,
};
pub use envelope::{DlqOrigin, Envelope, MessageMeta, ReplayMark, RetryPolicy, Routing};
use group::{GroupPartition, KeyTurn, Lease, order_key, push_error};
pub use router::{RouteDecision, RouteInput, Router, RuleRouter, glob_match};
pub use state::{
    Counters, DeadLetterCause, FailCause, SeekCause, StateRecord, TopicMeta, TopicOrdering,
};

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
const FORMAT_FILE: &str = "meta";
const FORMAT_LINE: &str = "driftq data format 1";

/// Broker settings. Limits apply per partition.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    pub data_dir: PathBuf,
    pub durability: Durability,
    pub segment_bytes: u64,
    /// Leases a group may hold per partition at once.
    pub max_inflight: usize,
    /// Unacked messages (relative to the slowest group) before produce is refused.
    pub max_partition_msgs: u64,
    /// Unacked bytes (relative to the slowest group) before produce is refused.
    pub max_partition_bytes: u64,
    pub idempotency_ttl_ms: i64,
    /// Write a snapshot (and drop the state log before it) after this many state records.
    pub snapshot_every: u64,
    /// Truncate damaged logs at the damage instead of refusing to start.
    pub repair: bool,
    /// Told the duration of every fdatasync (metrics).
    pub on_sync: Option<crate::storage::SyncObserver>,
    /// Fault injection for tests of a failing disk (see [`crate::storage::SyncFault`]).
    pub sync_fault: Option<crate::storage::SyncFault>,
    /// Told of every name operation and directory fsync (tests of power loss; see
    /// [`crate::storage::FsWatch`]).
    pub fs_watch: Option<crate::storage::FsWatch>,
}

impl BrokerConfig {
    #[must_use]
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            durability: Durability::Always,
            segment_bytes: 64 * 1024 * 1024,
            max_inflight: 1024,
            max_partition_msgs: 1_000_000,
            max_partition_bytes: 1 << 30,
            idempotency_ttl_ms: 10 * 60 * 1000,
            snapshot_every: 100_000,
            repair: false,
            on_sync: None,
            sync_fault: None,
            fs_watch: None,
        }
    }

    fn log_config(&self) -> LogConfig {
        LogConfig {
            segment_bytes: self.segment_bytes,
            segment_age_ms: None,
            durability: self.durability,
            repair: self.repair,
            on_sync: self.on_sync.clone(),
            sync_fault: self.sync_fault.clone(),
            fs_watch: self.fs_watch.clone(),
        }
    }
}

/// Everything the broker can refuse with. [`BrokerError::code`] is the stable wire code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrokerError {
    #[error("topic {0} does not exist")]
    TopicNotFound(String),
    #[error("topic {0} already exists")]
    TopicExists(String),
    #[error("consumer group {group} has never consumed from topic {topic}")]
    GroupNotFound { topic: String, group: String },
    #[error("{0}")]
    InvalidArgument(String),
    #[error("partition {partition} out of range: topic {topic} has {partitions} partitions")]
    PartitionOutOfRange {
        topic: String,
        partition: u32,
        partitions: u32,
    },
    #[error("offset {offset} of {topic}/{partition} is not in flight for this group ({why})")]
    NotInflight {
        topic: String,
        partition: u32,
        offset: u64,
        why: &'static str,
    },
    #[error("offset {offset} of {topic}/{partition} is leased to {holder}, not to {owner}")]
    WrongOwner {
        topic: String,
        partition: u32,
        offset: u64,
        holder: String,
        owner: String,
    },
    #[error("message deadline exceeded")]
    DeadlineExceeded,
    #[error("idempotency: key already in-flight")]
    IdempotencyInFlight,
    #[error("producer overload: {reason}")]
    Overloaded {
        reason: &'static str,
        retry_after_ms: u64,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    /// A message's write or fdatasync failed: the storage error's text, once per message of
    /// the batch (the storage error itself is not `Clone`).
    #[error("storage: {0}")]
    WriteFailed(String),
    /// The machine ran out of something storage needs: nothing stored was harmed, and the
    /// operator can fix it (the storage error's text, once per message of a batch).
    #[error("storage: {message}")]
    OutOfResources {
        message: String,
        resource: OsResource,
    },
    #[error("state log: {0}")]
    State(#[from] codec::CodecError),
    #[error(transparent)]
    DataDir(#[from] dirlock::LockError),
    /// Directories the state log knows are gone from the disk (see `Broker::open`).
    #[error("{0}")]
    MissingPartitions(String),
}

impl BrokerError {
    /// Stable code for the wire (`{"error": CODE}`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::TopicNotFound(_) | Self::GroupNotFound { .. } => "NOT_FOUND",
            Self::TopicExists(_) => "ALREADY_EXISTS",
            Self::InvalidArgument(_)
            | Self::PartitionOutOfRange { .. }
            | Self::NotInflight { .. }
            | Self::DeadlineExceeded
            | Self::IdempotencyInFlight => "INVALID_ARGUMENT",
            Self::WrongOwner { .. } | Self::Conflict(_) => "FAILED_PRECONDITION",
            Self::Overloaded { .. } => "RESOURCE_EXHAUSTED",
            Self::DataDir(dirlock::LockError::InUse(_)) => "FAILED_PRECONDITION",
            Self::OutOfResources { .. } => "UNAVAILABLE",
            Self::MissingPartitions(_) => "FAILED_PRECONDITION",
            Self::Storage(_)
            | Self::WriteFailed(_)
            | Self::State(_)
            | Self::DataDir(dirlock::LockError::Io { .. }) => "INTERNAL",
        }
    }
}

pub type Result<T, E = BrokerError> = std::result::Result<T, E>;

/// What the machine ran out of (see [`BrokerError::OutOfResources`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsResource {
    /// The open-file limit (EMFILE, ENFILE).
    FileDescriptors,
    /// Disk space or quota (ENOSPC, EDQUOT).
    DiskSpace,
}

impl OsResource {
    /// What `e` ran out of, if it is the machine's limit rather than a fault.
    #[must_use]
    pub fn of(e: &std::io::Error) -> Option<Self> {
        match e.raw_os_error()? {
            libc_errno::EMFILE | libc_errno::ENFILE => Some(Self::FileDescriptors),
            libc_errno::ENOSPC | libc_errno::EDQUOT => Some(Self::DiskSpace),
            _ => None,
        }
    }
}

/// The Linux errno values [`OsResource::of`] tells apart.
mod libc_errno {
    pub const ENFILE: i32 = 23;
    pub const EMFILE: i32 = 24;
    pub const ENOSPC: i32 = 28;
    pub const EDQUOT: i32 = 122;
}

/// One message to produce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProduceMessage {
    pub key: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub value: Vec<u8>,
    pub envelope: Option<Envelope>,
    /// Explicit partition (the envelope's `partition_override` and a router win over it).
    pub partition: Option<u32>,
    /// No group gets the message until this long after it is produced (SQS's `DelaySeconds`;
    /// at most [`MAX_DELAY_MS`]). Messages behind it are not held up.
    pub delay_ms: Option<u64>,
}

/// Changes to a live topic ([`Broker::alter_topic`]); a field left `None` keeps its setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicChange {
    /// Grow to this many partitions (Kafka's `kafka-topics --alter --partitions`); a topic never
    /// shrinks, since that would drop messages and offsets. Every group starts the new
    /// partitions at their beginning, so nothing produced there is skipped. Keys hash over the
    /// new count from then on: a key's later messages may land on another partition than its
    /// earlier ones, so per-key order holds only within each side of the change (as in Kafka).
    pub partitions: Option<u32>,
    /// `Some(None)` removes the age limit, `Some(Some(ms))` sets it; the next tick applies it.
    pub retention_age_ms: Option<Option<i64>>,
    /// `Some(None)` removes the size limit, `Some(Some(bytes))` sets it.
    pub retention_bytes: Option<Option<u64>>,
    /// The retry policy of messages produced without one — SQS's redrive policy: after
    /// `max_attempts` failed deliveries such a message goes to `dlq.<topic>`; a message's own
    /// policy wins; it applies from each message's next delivery. `Some(None)` removes it.
    pub retry: Option<Option<RetryPolicy>>,
}

/// What a nack asks for after the failed delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NackAction {
    /// Redeliver after the message's retry backoff (dead-letter once its attempts are used up).
    Retry,
    /// Redeliver after this many milliseconds instead of the backoff.
    RetryAfter(u64),
    /// Dead-letter now, whatever attempts remain: the consumer knows retrying cannot help
    /// (NATS's `AckTerm`, with the DLQ copy a queue user expects).
    DeadLetter,
}

/// The longest produce delay: 15 minutes, SQS's maximum. A group keeps each delayed message it
/// has passed in memory until it is due, so the bound also bounds that memory by the produce
/// rate.
pub const MAX_DELAY_MS: u64 = 15 * 60 * 1000;

/// Produce results that hold only once their messages are durable (see
/// [`Broker::produce_deferred`]).
#[derive(Debug)]
#[must_use = "the results hold only once the messages are durable"]
pub struct DeferredProduce {
    results: Vec<Result<Produced>>,
    /// Per appended batch: its log, its end, and the results it decides.
    batches: Vec<(Arc<PartitionLog>, Appended, Vec<usize>)>,
    /// Keyed messages written, as (batch, scope, partition, offset): their key records go to
    /// the state log once their batch is durable — never before, or a crash could leave a key
    /// that dedupes the retry of a message that was lost.
    keys: Vec<(usize, String, u32, u64)>,
    now_ms: i64,
}

impl DeferredProduce {
    /// Blocks until the messages (and their idempotency keys) are durable; one result per
    /// message, in order.
    pub fn wait(self, broker: &Broker) -> Vec<Result<Produced>> {
        let outcomes = self
            .batches
            .iter()
            .map(|(log, a, _)| log.wait_durable_for(a))
            .collect();
        let (results, keys) = self.finish(outcomes, broker);
        if let Some(keys) = keys {
            log_key_commit(keys.and_then(Deferred::wait));
        }
        results
    }

    /// Resolves once the messages (and their idempotency keys) are durable, without parking a
    /// thread per call.
    pub async fn durable(self, broker: &Broker) -> Vec<Result<Produced>> {
        let waits = self
            .batches
            .iter()
            .map(|(log, a, _)| (Arc::clone(log), a.next_offset))
            .collect();
        let outcomes = DurableWait::new(Arc::clone(&broker.sync_pool), waits).await;
        let (results, keys) = self.finish(outcomes, broker);
        if let Some(keys) = keys {
            let committed = match keys {
                Ok(deferred) => deferred.durable().await,
                Err(e) => Err(e),
            };
            log_key_commit(committed);
        }
        results
    }

    /// Applies the durability outcomes to the results and commits the keys of the messages
    /// that made it (appended, not yet durable); forgets the keys of those that did not.
    fn finish(
        mut self,
        outcomes: Vec<std::result::Result<(), StorageError>>,
        broker: &Broker,
    ) -> (Vec<Result<Produced>>, Option<Result<Deferred<()>>>) {
        let mut durable = Vec::with_capacity(outcomes.len());
        for ((_, _, indices), outcome) in self.batches.iter().zip(outcomes) {
            durable.push(outcome.is_ok());
            if let Err(e) = outcome {
                let msg = e.to_string();
                for &i in indices {
                    self.results[i] = Err(write_failure(&msg));
                }
            }
        }
        if self.keys.is_empty() {
            return (self.results, None);
        }
        let mut key_records = Vec::new();
        {
            let mut known = lock(&broker.producer_keys);
            for (batch, scope, partition, offset) in self.keys {
                if durable.get(batch).copied().unwrap_or(false) {
                    key_records.push(StateRecord::ProducerKey {
                        scope,
                        partition,
                        offset,
                        expires_ms: self.now_ms.saturating_add(broker.config.idempotency_ttl_ms),
                    });
                } else {
                    known.remove(&scope);
                }
            }
        }
        let committed = broker.commit_producer_keys(&key_records, self.now_ms);
        (self.results, Some(committed))
    }
}

/// The messages are durable already when their keys are committed: a failed key commit only
/// weakens dedupe, so it is logged rather than failing the produce.
fn log_key_commit(outcome: Result<()>) {
    if let Err(e) = outcome {
        tracing::error!(error = %e, "could not record idempotency keys");
    }
}

/// A message's write failed (one error per message of a failed batch).
fn group_not_found(topic: &str, group: &str) -> BrokerError {
    BrokerError::GroupNotFound {
        topic: topic.to_owned(),
        group: group.to_owned(),
    }
}

fn write_failure(msg: &str) -> BrokerError {
    BrokerError::WriteFailed(msg.to_owned())
}

/// A failed append, for each message of its batch: what the machine ran out of stays visible.
fn append_failure(e: &StorageError) -> BrokerError {
    match e {
        StorageError::Io { source, .. } => match OsResource::of(source) {
            Some(resource) => BrokerError::OutOfResources {
                message: e.to_string(),
                resource,
            },
            None => write_failure(&e.to_string()),
        },
        _ => write_failure(&e.to_string()),
    }
}

/// The same failure for another message (a duplicate within one call).
fn same_failure(e: &BrokerError) -> BrokerError {
    match e {
        BrokerError::OutOfResources { message, resource } => BrokerError::OutOfResources {
            message: message.clone(),
            resource: *resource,
        },
        other => write_failure(&other.to_string()),
    }
}

/// A broker result that holds only once the state records behind it are durable.
#[derive(Debug)]
#[must_use = "the result holds only once durable"]
pub struct Deferred<T> {
    value: T,
    appended: Option<(Arc<PartitionLog>, Appended)>,
    pool: Arc<SyncPool>,
}

impl<T> Deferred<T> {
    /// The result, before it is durable: what a caller must undo if it gives up waiting.
    pub fn pending(&self) -> &T {
        &self.value
    }

    /// Blocks until durable.
    pub fn wait(self) -> Result<T> {
        if let Some((log, a)) = &self.appended {
            log.wait_durable_for(a)?;
        }
        Ok(self.value)
    }

    /// Resolves once durable, without parking a thread per call.
    pub async fn durable(self) -> Result<T> {
        if let Some((log, a)) = self.appended {
            let outcomes = DurableWait::new(self.pool, vec![(log, a.next_offset)]).await;
            for outcome in outcomes {
                outcome?;
            }
        }
        Ok(self.value)
    }
}

/// A message as another broker stored it, for [`Broker::restore_messages`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoredMessage {
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
    pub meta: MessageMeta,
}

/// Where a produced message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// The final topic (after `target_topic` / router).
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    /// The idempotency key was seen within the TTL: nothing was written, this is the first
    /// write's position.
    pub duplicate: bool,
}

/// A stored message with its broker metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub timestamp_ms: i64,
    pub key: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub value: Vec<u8>,
    pub meta: MessageMeta,
}

/// A message leased to a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub message: Message,
    pub group: String,
    pub owner: String,
    /// 1 on first delivery.
    pub attempts: u32,
    pub lease_deadline_ms: i64,
    /// Error history, oldest first.
    pub errors: Vec<String>,
}

/// Names one leased message: the consumer's handle for ack, nack and extend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseRef<'a> {
    pub topic: &'a str,
    pub group: &'a str,
    pub owner: &'a str,
    pub partition: u32,
    pub offset: u64,
}

/// Where to move a group's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeekTo {
    Start,
    End,
    Offset(u64),
    Timestamp(i64),
}

/// Where to start reading a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    Offset(u64),
    Timestamp(i64),
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub leases_expired: u64,
    pub dead_lettered: u64,
    pub segments_deleted: u64,
    pub skipped_by_retention: u64,
    pub snapshot_written: bool,
}

/// Selection and mode of a DLQ replay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayRequest {
    /// Source topic (`jobs`) or DLQ topic (`dlq.jobs`).
    pub topic: String,
    /// Where to put the messages; default: each message's origin topic.
    pub to: Option<String>,
    pub partition: Option<u32>,
    /// Inclusive range of DLQ offsets.
    pub offsets: Option<(u64, u64)>,
    /// DLQ write time range, inclusive, ms.
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub key_glob: Option<String>,
    pub header_glob: Option<(String, String)>,
    pub error_glob: Option<String>,
    pub limit: Option<usize>,
    pub dry_run: bool,
    /// Copy leaves the DLQ depth as it is; move takes the message out of it. Both mark the
    /// message replayed.
    pub copy: bool,
    /// Replay messages already replayed before.
    pub include_replayed: bool,
}

/// One message a replay moved (or would move).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayItem {
    pub dlq_topic: String,
    pub dlq_partition: u32,
    pub dlq_offset: u64,
    pub target_topic: String,
    /// Set when the replay was done (not a dry run) and the write succeeded.
    pub produced: Option<Produced>,
    pub error: Option<String>,
}

/// A DLQ message as `dlq peek` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlqMessage {
    pub message: Message,
    pub replayed: bool,
    pub moved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionStats {
    pub partition: u32,
    pub low_watermark: u64,
    pub high_watermark: u64,
    pub bytes: u64,
    pub segments: usize,
    pub produced_messages: u64,
    pub produced_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicStats {
    pub name: String,
    pub partitions: Vec<PartitionStats>,
    pub retention_age_ms: Option<i64>,
    pub retention_bytes: Option<u64>,
    /// The retry policy of messages produced without one.
    pub retry: Option<RetryPolicy>,
    pub ordering: TopicOrdering,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPartitionStats {
    pub partition: u32,
    pub floor: u64,
    pub high_watermark: u64,
    pub lag: u64,
    pub ready: u64,
    pub inflight: u64,
    pub waiting_retry: u64,
    /// Produced with a delay that has not passed (counted once a poll has passed them).
    pub delayed: u64,
    /// On a topic ordered by key: passed by a poll, waiting for an earlier message of their key.
    pub blocked_by_key: u64,
    pub oldest_unacked_age_ms: Option<i64>,
    pub counters: Counters,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupStats {
    pub topic: String,
    pub group: String,
    pub partitions: Vec<GroupPartitionStats>,
    /// How long ago, and by which owner, the group was last polled (since this broker started).
    pub last_poll_age_ms: Option<i64>,
    pub last_owner: Option<String>,
    /// Its consumers: owners that polled within [`CONSUMER_IDLE_MS`] or still hold leases,
    /// most recently seen first.
    pub consumers: Vec<ConsumerStats>,
}

/// One consumer (lease owner) of a group, as `kafka-consumer-groups --describe --members` lists
/// them. Memory only, like leases: a restart starts the list empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerStats {
    pub owner: String,
    /// Since its last poll (`None`: a holder of leases the bounded list has forgotten).
    pub last_poll_age_ms: Option<i64>,
    /// Leases it holds now, over all partitions.
    pub inflight: u64,
    /// Consume streams it has open now.
    pub streams: u32,
    /// Its last consume stream closed and it has not polled since: what it still holds was
    /// written to a client that went away, and comes back when the leases run out.
    pub gone: bool,
}

/// A consumer not seen polling for this long, and holding no lease, leaves the group's list.
pub const CONSUMER_IDLE_MS: i64 = 5 * 60 * 1000;

/// Most consumers a group remembers; past it, the longest idle are forgotten first.
const MAX_CONSUMERS: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlqStats {
    pub source_topic: String,
    pub dlq_topic: String,
    /// Messages in the DLQ topic not moved out by a replay.
    pub depth: u64,
    pub replayed: u64,
}

/// The snapshot behind `/v1/stats`, `group describe` and `driftq top`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub now_ms: i64,
    pub topics: Vec<TopicStats>,
    pub groups: Vec<GroupStats>,
    pub dlq: Vec<DlqStats>,
    pub router_errors: u64,
    pub last_router_error: Option<String>,
}

/// A lease as `group inflight` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InflightInfo {
    pub partition: u32,
    pub offset: u64,
    pub owner: String,
    pub attempts: u32,
    pub lease_deadline_ms: i64,
    pub last_error: Option<String>,
}

#[derive(Debug)]
struct Partition {
    log: Arc<PartitionLog>,
    produced_messages: AtomicU64,
    produced_bytes: AtomicU64,
    /// Smallest ack floor among the topic's groups (`u64::MAX` without groups), for backpressure.
    min_floor: AtomicU64,
    /// Records a poll decoded but did not hand out, starting at the offset the next poll of
    /// that group asks for: a poll for one message would otherwise decode (and checksum) its
    /// whole batch again each time. Records are immutable, so whatever is here is still right.
    read_ahead: Mutex<Vec<StoredRecord>>,
}

/// The longest lease a poll or extend grants: 12 hours, SQS's maximum visibility timeout. A
/// consumer that needs longer extends; an unbounded lease would hold a message out of its group
/// for good after a typo.
pub const MAX_LEASE_MS: i64 = 12 * 60 * 60 * 1000;

fn check_lease(lease_ms: i64) -> Result<()> {
    if lease_ms <= 0 {
        return Err(BrokerError::InvalidArgument(
            "lease must be positive".into(),
        ));
    }
    if lease_ms > MAX_LEASE_MS {
        return Err(BrokerError::InvalidArgument(format!(
            "lease of {lease_ms} ms is longer than the maximum of {MAX_LEASE_MS} ms (12 h); extend the lease instead"
        )));
    }
    Ok(())
}

/// At most this many decoded records, and this many bytes of them, wait in a partition's
/// read-ahead: a few small messages are what it is for.
const READ_AHEAD_RECORDS: usize = 64;
const READ_AHEAD_BYTES: usize = 256 * 1024;

impl Partition {
    /// Up to `want` records from `from` for a poll, taking what an earlier poll read past first.
    fn read_for_poll(&self, from: u64, want: usize) -> Result<Vec<StoredRecord>> {
        {
            let mut ahead = lock(&self.read_ahead);
            if ahead.first().is_some_and(|r| r.offset == from) {
                let n = want.min(ahead.len());
                return Ok(ahead.drain(..n).collect());
            }
        }
        Ok(self.log.read(from, want.max(16), 4 << 20)?)
    }

    /// Keeps records a poll read but did not hand out, for the poll that continues there.
    fn keep_read_ahead(&self, rest: Vec<StoredRecord>) {
        let bytes: usize = rest
            .iter()
            .map(|r| r.record.value.len() + r.record.key.as_ref().map_or(0, Vec::len))
            .sum();
        if !rest.is_empty() && rest.len() <= READ_AHEAD_RECORDS && bytes <= READ_AHEAD_BYTES {
            *lock(&self.read_ahead) = rest;
        }
    }

    /// Counts appended produce records (messages, key + value bytes) for the metrics.
    fn count_produced(&self, records: &[Record]) {
        let bytes: u64 = records
            .iter()
            .map(|r| r.value.len() as u64 + r.key.as_ref().map_or(0, |k| k.len() as u64))
            .sum();
        self.produced_messages
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        self.produced_bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// One poll's request, handed down its locked steps.
#[derive(Debug)]
struct PollRequest<'a> {
    topic: &'a Topic,
    group: &'a str,
    owner: &'a str,
    max: usize,
    lease_ms: i64,
    now_ms: i64,
    /// Key and value bytes leased so far (see [`REPLY_BYTES`]).
    leased_bytes: std::cell::Cell<usize>,
    /// The topic's retry policy for messages without their own, as the poll began.
    default_retry: Option<RetryPolicy>,
    /// Whether the topic is ordered by key.
    ordered: bool,
}

impl PollRequest<'_> {
    /// Whether the poll has handed out all it may: `max` messages, or [`REPLY_BYTES`].
    fn is_full(&self, delivered: usize) -> bool {
        delivered >= self.max || self.leased_bytes.get() >= REPLY_BYTES
    }
}

/// Most key + value bytes one poll hands out or one DLQ peek returns, beyond the message that
/// crosses it (a message bigger than this still goes out, alone). A count limit alone let
/// 10,000 one-MiB messages become a 10 GiB reply; Kafka bounds a fetch by `fetch.max.bytes`
/// for the same reason.
pub const REPLY_BYTES: usize = 16 << 20;

fn payload_bytes(m: &Message) -> usize {
    m.value.len() + m.key.as_ref().map_or(0, Vec::len)
}

#[derive(Debug, Default)]
struct Group {
    partitions: Vec<GroupPartition>,
    /// Consumer-side idempotency: scopes acked by this group → expiry.
    committed_scopes: HashMap<String, i64>,
    next_partition: usize,
    /// When and by whom the group was last polled (memory only): a group polled lately has
    /// live consumers, which a delete would surprise (see [`Broker::delete_group`]).
    last_poll: Option<(i64, String)>,
    /// Every owner that polled lately → when (memory only; see [`ConsumerStats`]).
    consumers: HashMap<String, i64>,
    /// Consume streams open per owner (memory only).
    streams: HashMap<String, u32>,
    /// Owners whose last stream closed → when; they show as gone until they poll again.
    gone: HashMap<String, i64>,
}

impl Group {
    fn saw_consumer(&mut self, owner: &str, now_ms: i64) {
        if !self.gone.is_empty() {
            self.gone.remove(owner);
        }
        if let Some(at) = self.consumers.get_mut(owner) {
            *at = now_ms;
            return;
        }
        if self.consumers.len() >= MAX_CONSUMERS {
            self.consumers
                .retain(|_, at| now_ms.saturating_sub(*at) < CONSUMER_IDLE_MS);
            if self.consumers.len() >= MAX_CONSUMERS
                && let Some(oldest) = self
                    .consumers
                    .iter()
                    .min_by_key(|(_, at)| **at)
                    .map(|(o, _)| o.clone())
            {
                self.consumers.remove(&oldest);
            }
        }
        self.consumers.insert(owner.to_owned(), now_ms);
    }

    fn stream_opened(&mut self, owner: &str) {
        *self.streams.entry(owner.to_owned()).or_default() += 1;
        self.gone.remove(owner);
    }

    fn stream_closed(&mut self, owner: &str, now_ms: i64) {
        let Some(open) = self.streams.get_mut(owner) else {
            return;
        };
        *open = open.saturating_sub(1);
        if *open > 0 {
            return;
        }
        self.streams.remove(owner);
        self.consumers.remove(owner);
        if self.gone.len() >= MAX_CONSUMERS
            && let Some(oldest) = self
                .gone
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(o, _)| o.clone())
        {
            self.gone.remove(&oldest);
        }
        self.gone.insert(owner.to_owned(), now_ms);
    }

    /// Consumers polling lately or holding leases, most recently seen first.
    fn consumer_stats(&self, now_ms: i64) -> Vec<ConsumerStats> {
        let mut held: HashMap<&str, u64> = HashMap::new();
        for gp in &self.partitions {
            for lease in gp.inflight.values() {
                *held.entry(lease.owner.as_str()).or_default() += 1;
            }
        }
        let mut out: Vec<ConsumerStats> = self
            .consumers
            .iter()
            .filter(|(owner, at)| {
                now_ms.saturating_sub(**at) < CONSUMER_IDLE_MS || held.contains_key(owner.as_str())
            })
            .map(|(owner, at)| ConsumerStats {
                owner: owner.clone(),
                last_poll_age_ms: Some(now_ms.saturating_sub(*at).max(0)),
                inflight: held.get(owner.as_str()).copied().unwrap_or(0),
                streams: self.streams.get(owner).copied().unwrap_or(0),
                gone: false,
            })
            .collect();
        for (owner, n) in &held {
            if !self.consumers.contains_key(*owner) {
                out.push(ConsumerStats {
                    owner: (*owner).to_owned(),
                    last_poll_age_ms: None,
                    inflight: *n,
                    streams: 0,
                    gone: self.gone.contains_key(*owner),
                });
            }
        }
        out.sort_by(|a, b| {
            a.last_poll_age_ms
                .unwrap_or(i64::MAX)
                .cmp(&b.last_poll_age_ms.unwrap_or(i64::MAX))
                .then_with(|| a.owner.cmp(&b.owner))
        });
        out
    }
}

/// A topic's partitions at one moment (see [`Topic::partitions`]).
type Partitions = Arc<Vec<Arc<Partition>>>;

#[derive(Debug)]
struct Topic {
    /// As created; the retention limits in it are not updated (see `retention`).
    meta: TopicMeta,
    /// The retention limits now: `driftq topic alter` changes them on a live topic.
    retention: Mutex<Retention>,
    /// The retry policy of messages produced without one, now (`topic alter` changes it).
    retry: Mutex<Option<RetryPolicy>>,
    /// Ordered by key ([`TopicOrdering::Key`]): set by the `OrderingSet` record that follows
    /// the creation, never changed after.
    ordered_by_key: AtomicBool,
    dir: PathBuf,
    /// The partitions now: `driftq topic alter --partitions` adds some to a live topic. A call
    /// works on the snapshot it took ([`Topic::parts`]); partitions are only ever added, and
    /// each group's partitions are extended before the topic's (under `groups`), so a group
    /// always has at least as many partitions as any snapshot a caller holds.
    partitions: RwLock<Partitions>,
    groups: Mutex<BTreeMap<String, Group>>,
    round_robin: AtomicU64,
    deleted: AtomicBool,
}

/// A topic's retention limits (`None`: no limit of that kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Retention {
    age_ms: Option<i64>,
    bytes: Option<u64>,
}

impl Topic {
    /// The topic's metadata with its current partition count and retention limits.
    fn current_meta(&self) -> TopicMeta {
        let r = *lock(&self.retention);
        TopicMeta {
            partitions: self.partition_count(),
            retention_age_ms: r.age_ms,
            retention_bytes: r.bytes,
            retry: *lock(&self.retry),
            ordering: self.ordering(),
            ..self.meta.clone()
        }
    }

    fn ordering(&self) -> TopicOrdering {
        if self.ordered_by_key.load(Ordering::Acquire) {
            TopicOrdering::Key
        } else {
            TopicOrdering::None
        }
    }

    /// The partitions as they are now (a cheap snapshot: one reference count).
    fn parts(&self) -> Partitions {
        Arc::clone(&read(&self.partitions))
    }

    fn partition_count(&self) -> u32 {
        u32::try_from(read(&self.partitions).len()).unwrap_or(u32::MAX)
    }

    fn is_dlq(&self) -> bool {
        self.meta.name.starts_with(DLQ_PREFIX)
    }

    fn partition(&self, p: u32) -> Result<Arc<Partition>> {
        let parts = read(&self.partitions);
        parts
            .get(p as usize)
            .cloned()
            .ok_or_else(|| BrokerError::PartitionOutOfRange {
                topic: self.meta.name.clone(),
                partition: p,
                partitions: u32::try_from(parts.len()).unwrap_or(u32::MAX),
            })
    }

    fn refresh_min_floors(&self, groups: &BTreeMap<String, Group>) {
        for (i, part) in self.parts().iter().enumerate() {
            let min = groups
                .iter()
                .filter(|(name, _)| !is_ephemeral_group(name))
                .filter_map(|(_, g)| g.partitions.get(i).map(|gp| gp.floor))
                .min()
                .unwrap_or(u64::MAX);
            part.min_floor.store(min, Ordering::Release);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ProducerKey {
    Pending,
    Committed {
        partition: u32,
        offset: u64,
        expires_ms: i64,
    },
}

/// On a topic ordered by key, the most messages a group keeps waiting for an earlier message of
/// their key, per partition. Past it the group reads no further until some are delivered: other
/// keys' messages then wait too, but memory stays bounded whatever one key's backlog is.
pub const MAX_KEY_BLOCKED: u64 = 100_000;

/// Most partitions a topic may have.
pub const MAX_PARTITIONS: u32 = 10_000;

fn validate_partition_count(partitions: u32) -> Result<()> {
    if partitions == 0 || partitions > MAX_PARTITIONS {
        return Err(BrokerError::InvalidArgument(format!(
            "invalid partitions {partitions}: use 1 to {MAX_PARTITIONS}"
        )));
    }
    Ok(())
}

/// A topic's default retry policy must end somewhere: "retry forever" is no policy at all.
fn validate_topic_retry(p: &RetryPolicy) -> Result<()> {
    if p.max_attempts == 0 {
        return Err(BrokerError::InvalidArgument(
            "a topic's retry policy needs max_attempts of at least 1 (remove the policy to retry forever)".into(),
        ));
    }
    Ok(())
}

fn check_growth(t: &Topic, total: u32) -> Result<()> {
    validate_partition_count(total)?;
    let now = t.partition_count();
    let name = &t.meta.name;
    match total.cmp(&now) {
        std::cmp::Ordering::Greater => Ok(()),
        std::cmp::Ordering::Equal => Err(BrokerError::InvalidArgument(format!(
            "topic {name} already has {now} partitions"
        ))),
        std::cmp::Ordering::Less => Err(BrokerError::InvalidArgument(format!(
            "topic {name} has {now} partitions; partitions can be added, never removed (removing one would drop its messages)"
        ))),
    }
}

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

/// A torn tail recovery cut from a log when the broker started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncation {
    /// `state`, or `<topic>/<partition>`.
    pub log: String,
    pub first_lost_offset: u64,
    /// Records the cut batch said it held (0 when even its header was torn).
    pub records: u64,
    pub bytes: u64,
    /// Where the cut bytes were kept.
    pub kept_at: PathBuf,
}

impl Truncation {
    fn of(log: String, t: &crate::storage::log::TornTail) -> Self {
        Self {
            log,
            first_lost_offset: t.first_lost_offset,
            records: t.records,
            bytes: t.bytes,
            kept_at: t.kept_at.clone(),
        }
    }
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

/// Topic names: `[A-Za-z0-9._-]{1,249}`.
/// Longest nack reason kept: a message keeps its last ten errors in every lease, state record and
/// DLQ copy, and a client that sends a whole stack trace should not multiply it by ten.
pub const MAX_REASON_BYTES: usize = 2048;

/// `reason` cut to [`MAX_REASON_BYTES`] at a character boundary.
fn cut_reason(reason: &str) -> &str {
    if reason.len() <= MAX_REASON_BYTES {
        return reason;
    }
    let mut end = MAX_REASON_BYTES;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

/// Group names: 1 to 249 bytes, like topic names, of any characters but control characters,
/// and no whitespace at either end (DriftQ's v1 API trims names, so " g" and "g" would be two
/// names for one group). Every state record of a group carries its name.
pub fn validate_group_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 249
        && name.trim() == name
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(BrokerError::InvalidArgument(format!(
            "invalid group name {:?}: use 1 to 249 bytes, no control characters, no spaces at either end",
            name.chars().take(64).collect::<String>()
        )))
    }
}

/// Owners (consumer names): 1 to 1024 bytes, no control characters. Every lease keeps one.
pub fn validate_owner(owner: &str) -> Result<()> {
    let ok = !owner.is_empty() && owner.len() <= 1024 && !owner.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(BrokerError::InvalidArgument(format!(
            "invalid owner {:?}: use 1 to 1024 bytes, no control characters",
            owner.chars().take(64).collect::<String>()
        )))
    }
}

pub fn validate_topic_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(BrokerError::InvalidArgument(format!(
            "invalid topic name {name:?}: use 1 to 249 of A-Z a-z 0-9 . _ -"
        )))
    }
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

/// Deterministic jitter of up to 10 % of `backoff_ms`, from the message's identity.
fn jitter_ms(backoff_ms: u64, partition: u32, offset: u64, attempts: u32) -> u64 {
    if backoff_ms < 10 {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in offset
        .to_le_bytes()
        .into_iter()
        .chain(partition.to_le_bytes())
        .chain(attempts.to_le_bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % (backoff_ms / 10 + 1)
}

/// How long before its partition's last message a keyed message may have been appended and
/// still have lost its key record in a crash: far more than the fdatasync between the two
/// writes takes, and short enough that [`Broker::recover_producer_keys`] reads only a recent
/// tail of each partition.
const KEY_RECOVERY_WINDOW_MS: i64 = 5_000;

/// How many fdatasyncs of different logs the sync pool runs at once for async waiters
/// (concurrent fdatasyncs of different files overlap on the device).
const SYNC_POOL_THREADS: usize = 8;

fn idempotency_scope(tenant: &str, topic: &str, key: &str) -> String {
    format!("{tenant}\u{0}{topic}\u{0}{key}")
}

/// Whether an [`idempotency_scope`] is about `topic`. Topic names hold no NUL, but tenants and
/// keys may: any inner field equal to the name counts, so a strange tenant can at worst make
/// a key be forgotten early (a retry is then stored twice), never kept too long.
fn scope_names_topic(scope: &str, topic: &str) -> bool {
    let fields: Vec<&str> = scope.split('\u{0}').collect();
    fields.len() >= 3 && fields[1..fields.len() - 1].contains(&topic)
}

fn as_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Source topic of a DLQ name or the name itself.
#[must_use]
pub fn dlq_topic_for(source_or_dlq: &str) -> String {
    if source_or_dlq.starts_with(DLQ_PREFIX) {
        source_or_dlq.to_owned()
    } else {
        format!("{DLQ_PREFIX}{source_or_dlq}")
    }
}

impl Broker {
    /// The torn tails this broker's start cut from its logs.
    pub fn truncations(&self) -> Vec<Truncation> {
        lock(&self.truncated).clone()
    }

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

    /// Names directories under `topics/` that no topic owns — left by a crash during a delete
    /// whose record a snapshot has since compacted away. They are not removed here (the broker
    /// never deletes what it cannot account for); creating a topic of that name replaces one.
    fn warn_about_stray_topic_dirs(&self) {
        let Ok(entries) = std::fs::read_dir(self.config.data_dir.join("topics")) else {
            return;
        };
        let topics = read(&self.topics);
        for entry in entries.filter_map(std::result::Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() && !topics.contains_key(&name) {
                tracing::warn!(dir = %entry.path().display(), "directory of no topic (a delete interrupted by a crash?); driftq does not use it");
            }
        }
    }

    /// Calls `f` with every stored state record, in order; returns how many there were.
    fn each_state_record(&self, mut f: impl FnMut(StoredRecord) -> Result<()>) -> Result<u64> {
        let end = self.state_log.high_watermark();
        let mut next = self.state_log.low_watermark();
        let mut seen = 0u64;
        while next < end {
            let batch = self.state_log.read(next, 4096, 8 << 20)?;
            let Some(last) = batch.last() else { break };
            next = last.offset + 1;
            for stored in batch {
                f(stored)?;
                seen += 1;
            }
        }
        Ok(seen)
    }

    fn replay(&self, now_ms: i64) -> Result<()> {
        // Two passes: the first learns which topic incarnations survive to the end, so that
        // the second opens only those. A topic deleted and created again under the same name
        // has one directory, holding the *last* incarnation's data; replaying the first
        // incarnation's deletion must not remove it (it did: acknowledged data was lost).
        let mut plan = ReplayPlan::default();
        self.each_state_record(|stored| {
            // The record's key names its type: only records that open or delete topics (or a
            // key-less one, to be safe) are decoded in this pass, not every ack twice.
            let key = stored.record.key.as_deref();
            if key.is_none_or(|k| ReplayPlan::TOPIC_RECORDS.contains(&k)) {
                plan.note(stored.offset, &StateRecord::decode(&stored.record.value)?);
            }
            Ok(())
        })?;
        let applied = self.each_state_record(|stored| {
            let rec = StateRecord::decode(&stored.record.value)?;
            self.apply_replayed(stored.offset, rec, stored.record.timestamp, &plan)
        })?;
        self.recover_producer_keys(now_ms)?;
        self.settle_missing_partitions()?;
        // Clamp positions to what the logs hold now (a `never`-mode crash can lose a tail).
        for topic in read(&self.topics).values() {
            let mut groups = lock(&topic.groups);
            for g in groups.values_mut() {
                for (i, gp) in g.partitions.iter_mut().enumerate() {
                    if let Some(part) = topic.parts().get(i) {
                        let hw = part.log.high_watermark();
                        if gp.floor > hw {
                            gp.reset_to(hw);
                        }
                        gp.cursor = gp.floor;
                    }
                }
                g.committed_scopes.retain(|_, exp| *exp > now_ms);
            }
            topic.refresh_min_floors(&groups);
        }
        lock(&self.producer_keys).retain(|_, k| match k {
            ProducerKey::Committed { expires_ms, .. } => *expires_ms > now_ms,
            ProducerKey::Pending => false,
        });
        self.records_since_snapshot
            .store(applied, Ordering::Relaxed);
        self.warn_about_stray_topic_dirs();
        tracing::info!(
            records = applied,
            topics = read(&self.topics).len(),
            "state replayed"
        );
        Ok(())
    }

    /// Re-derives producer idempotency keys from each partition's last messages. A produce
    /// makes its messages durable first and its key records second, so a crash in between
    /// leaves a keyed message without its key; its producer got no reply and will retry, which
    /// must be a duplicate. The key is in the message's own envelope (DriftQ v1 rebuilt its keys
    /// from its WAL the same way). Only messages within [`KEY_RECOVERY_WINDOW_MS`] of their
    /// partition's last one can have lost their key record, and only unexpired ones matter, so
    /// open reads a short tail of each partition. Keys already known keep their entry unless
    /// this message is newer.
    fn recover_producer_keys(&self, now_ms: i64) -> Result<()> {
        let ttl = self.config.idempotency_ttl_ms;
        let mut recovered = 0u64;
        let topics: Vec<Arc<Topic>> = read(&self.topics).values().cloned().collect();
        for topic in topics {
            for (p, part) in topic.parts().iter().enumerate() {
                let partition = u32::try_from(p).unwrap_or(u32::MAX);
                // The newest segment that holds anything (a just-rolled one is empty).
                let segments = part.log.segments();
                let Some(last_ms) = segments.iter().rev().find_map(|s| s.max_timestamp) else {
                    continue;
                };
                let window_start = last_ms
                    .saturating_sub(KEY_RECOVERY_WINDOW_MS)
                    .max(now_ms.saturating_sub(ttl));
                let mut next = part.log.offset_for_timestamp(window_start)?;
                let end = part.log.high_watermark();
                while next < end {
                    let batch = part.log.read(next, 4096, 8 << 20)?;
                    let Some(last) = batch.last() else { break };
                    next = last.offset + 1;
                    let mut keys = lock(&self.producer_keys);
                    for stored in batch {
                        let Ok(meta) = MessageMeta::decode(stored.record.metadata.as_deref())
                        else {
                            continue;
                        };
                        // DLQ copies and replays are written without producer idempotency.
                        if meta.dlq.is_some() || meta.replay.is_some() {
                            continue;
                        }
                        let Some(env) = meta.envelope.filter(|e| !e.idempotency_key.is_empty())
                        else {
                            continue;
                        };
                        let scope = idempotency_scope(
                            &env.tenant_id,
                            &topic.meta.name,
                            &env.idempotency_key,
                        );
                        let expires_ms = stored.record.timestamp.saturating_add(ttl);
                        let key = ProducerKey::Committed {
                            partition,
                            offset: stored.offset,
                            expires_ms,
                        };
                        match keys.entry(scope) {
                            Entry::Vacant(slot) => {
                                slot.insert(key);
                                recovered += 1;
                            }
                            // A newer message under the same key (the older key had expired
                            // when it was produced) is the one a retry refers to.
                            Entry::Occupied(mut slot) => {
                                if matches!(slot.get(), ProducerKey::Committed { expires_ms: e, .. } if *e < expires_ms)
                                {
                                    slot.insert(key);
                                }
                            }
                        }
                    }
                }
            }
        }
        if recovered > 0 {
            tracing::info!(
                keys = recovered,
                "producer idempotency keys recovered from message envelopes"
            );
        }
        Ok(())
    }

    fn apply_replayed(
        &self,
        offset: u64,
        rec: StateRecord,
        at_ms: i64,
        plan: &ReplayPlan,
    ) -> Result<()> {
        match rec {
            StateRecord::TopicCreated(meta) => {
                // An incarnation deleted later is not opened: its directory is gone or belongs
                // to a later incarnation, and its records until then are dropped with it.
                if plan.survives(&meta.name, offset) {
                    let topic = self.open_topic(meta)?;
                    write(&self.topics).insert(topic.meta.name.clone(), topic);
                }
            }
            StateRecord::TopicDeleted { name } => {
                write(&self.topics).remove(&name);
                self.forget_topic(&name);
                // A crash between the durable deletion and the directory's removal leaves the
                // directory behind; it is removed now unless a later incarnation owns it.
                if !plan.created_after(&name, offset) {
                    remove_topic_dir(
                        &self.config.data_dir.join("topics").join(&name),
                        self.config.fs_watch.as_ref(),
                    );
                }
            }
            StateRecord::Snapshot(snap) => self.restore_snapshot(offset, &snap, plan)?,
            StateRecord::RetentionSet {
                topic,
                retention_age_ms,
                retention_bytes,
            } => {
                if let Some(t) = read(&self.topics).get(&topic) {
                    *lock(&t.retention) = Retention {
                        age_ms: retention_age_ms,
                        bytes: retention_bytes,
                    };
                }
            }
            StateRecord::RetryPolicySet { topic, policy } => {
                if let Some(t) = read(&self.topics).get(&topic) {
                    *lock(&t.retry) = policy;
                }
            }
            StateRecord::OrderingSet { topic, ordering } => {
                if let Some(t) = read(&self.topics).get(&topic) {
                    t.ordered_by_key
                        .store(ordering == TopicOrdering::Key, Ordering::Release);
                }
            }
            StateRecord::PartitionsGrown { topic, partitions } => {
                let t = read(&self.topics).get(&topic).cloned();
                if let Some(t) = t {
                    let parts = self.grown_partitions(&t, partitions)?;
                    self.publish_partitions(&t, &mut lock(&t.groups), parts);
                }
            }
            StateRecord::ProducerKey {
                scope,
                partition,
                offset,
                expires_ms,
            } => {
                lock(&self.producer_keys).insert(
                    scope,
                    ProducerKey::Committed {
                        partition,
                        offset,
                        expires_ms,
                    },
                );
            }
            StateRecord::Replayed {
                dlq_topic,
                partition,
                offsets,
                moved,
            } => {
                let mut r = lock(&self.replayed);
                for o in offsets {
                    r.insert((dlq_topic.clone(), partition, o), moved);
                }
            }
            other => {
                let topic_name = match &other {
                    StateRecord::GroupCreated { topic, .. }
                    | StateRecord::Acked { topic, .. }
                    | StateRecord::Failed { topic, .. }
                    | StateRecord::DeadLettered { topic, .. }
                    | StateRecord::Seek { topic, .. }
                    | StateRecord::GroupDeleted { topic, .. } => topic.clone(),
                    _ => return Ok(()),
                };
                let topic = read(&self.topics).get(&topic_name).cloned();
                if let Some(topic) = topic {
                    let mut groups = lock(&topic.groups);
                    self.apply_group_record(&topic, &mut groups, &other, at_ms);
                }
            }
        }
        Ok(())
    }

    fn restore_snapshot(
        &self,
        offset: u64,
        snap: &state::Snapshot,
        plan: &ReplayPlan,
    ) -> Result<()> {
        let mut topics = BTreeMap::new();
        for meta in snap
            .topics
            .iter()
            .filter(|m| plan.survives(&m.name, offset))
        {
            let t = self.open_topic(meta.clone())?;
            topics.insert(meta.name.clone(), t);
        }
        for g in &snap.groups {
            if let Some(t) = topics.get(&g.topic) {
                let mut groups = lock(&t.groups);
                groups.insert(
                    g.group.clone(),
                    Group {
                        partitions: g
                            .partitions
                            .iter()
                            .map(GroupPartition::from_snapshot)
                            .collect(),
                        committed_scopes: g.committed_keys.iter().cloned().collect(),
                        next_partition: 0,
                        ..Group::default()
                    },
                );
            }
        }
        *write(&self.topics) = topics;
        *lock(&self.producer_keys) = snap
            .producer_keys
            .iter()
            .map(|(s, p, o, e)| {
                (
                    s.clone(),
                    ProducerKey::Committed {
                        partition: *p,
                        offset: *o,
                        expires_ms: *e,
                    },
                )
            })
            .collect();
        *lock(&self.replayed) = snap
            .replayed
            .iter()
            .map(|(t, p, o, m)| ((t.clone(), *p, *o), *m))
            .collect();
        Ok(())
    }

    fn open_topic(&self, meta: TopicMeta) -> Result<Arc<Topic>> {
        let dir = self.config.data_dir.join("topics").join(&meta.name);
        let partitions = (0..meta.partitions)
            .map(|p| self.open_partition(&meta.name, &dir, p))
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(Topic {
            retention: Mutex::new(Retention {
                age_ms: meta.retention_age_ms,
                bytes: meta.retention_bytes,
            }),
            retry: Mutex::new(meta.retry),
            ordered_by_key: AtomicBool::new(meta.ordering == TopicOrdering::Key),
            meta,
            dir,
            partitions: RwLock::new(Arc::new(partitions)),
            groups: Mutex::new(BTreeMap::new()),
            round_robin: AtomicU64::new(0),
            deleted: AtomicBool::new(false),
        }))
    }

    fn open_partition(&self, topic: &str, dir: &Path, p: u32) -> Result<Arc<Partition>> {
        let path = dir.join(p.to_string());
        if self.replaying.load(Ordering::Acquire) && !path.is_dir() {
            lock(&self.missing).push((topic.to_owned(), p));
        }
        let (log, report) = PartitionLog::open(&path, self.config.log_config())?;
        if let Some(t) = &report.torn_tail {
            tracing::warn!(topic = %topic, partition = p, first_lost_offset = t.first_lost_offset, records = t.records, bytes = t.bytes, kept_at = %t.kept_at.display(), "torn tail truncated");
            lock(&self.truncated).push(Truncation::of(format!("{topic}/{p}"), t));
        }
        Ok(Arc::new(Partition {
            log: Arc::new(log),
            produced_messages: AtomicU64::new(0),
            produced_bytes: AtomicU64::new(0),
            min_floor: AtomicU64::new(u64::MAX),
            read_ahead: Mutex::new(Vec::new()),
        }))
    }

    /// `topic`'s partitions grown to `total`, the new ones' logs opened but not yet published
    /// (see [`Self::publish_partitions`]). A partition directory that exists already (left by a
    /// crash between opening and logging the growth) holds nothing and is used as it is.
    fn grown_partitions(&self, topic: &Topic, total: u32) -> Result<Vec<Arc<Partition>>> {
        let mut parts = (*topic.parts()).clone();
        for p in u32::try_from(parts.len()).unwrap_or(u32::MAX)..total {
            parts.push(self.open_partition(&topic.meta.name, &topic.dir, p)?);
        }
        Ok(parts)
    }

    /// Makes `parts` the topic's partitions (the one code path for live growth and replay):
    /// every group gets a cursor at the start of each new one first.
    fn publish_partitions(
        &self,
        topic: &Topic,
        groups: &mut BTreeMap<String, Group>,
        parts: Vec<Arc<Partition>>,
    ) {
        for g in groups.values_mut() {
            while g.partitions.len() < parts.len() {
                let low = parts[g.partitions.len()].log.low_watermark();
                g.partitions.push(GroupPartition::starting_at(low));
            }
        }
        *write(&topic.partitions) = Arc::new(parts);
        topic.refresh_min_floors(groups);
    }

    /// Applies a group-level record to a topic's groups (the one code path for live changes and
    /// replay).
    fn apply_group_record(
        &self,
        topic: &Topic,
        groups: &mut BTreeMap<String, Group>,
        rec: &StateRecord,
        at_ms: i64,
    ) {
        let ttl = self.config.idempotency_ttl_ms;
        match rec {
            StateRecord::GroupCreated { group, floors, .. } => {
                groups.entry(group.clone()).or_insert_with(|| Group {
                    partitions: (0..topic.parts().len())
                        .map(|i| GroupPartition::starting_at(floors.get(i).copied().unwrap_or(0)))
                        .collect(),
                    ..Group::default()
                });
            }
            StateRecord::Acked {
                group,
                partition,
                offsets,
                scopes,
                skipped,
                ..
            } => {
                if let Some(g) = groups.get_mut(group) {
                    for s in scopes {
                        g.committed_scopes
                            .insert(s.clone(), at_ms.saturating_add(ttl));
                    }
                    if let Some(gp) = g.partitions.get_mut(*partition as usize) {
                        for o in offsets {
                            gp.mark_done(*o);
                        }
                        if *skipped {
                            gp.counters.skipped_duplicates += offsets.len() as u64;
                        } else {
                            gp.counters.acks += offsets.len() as u64;
                        }
                    }
                }
            }
            StateRecord::Failed {
                group,
                partition,
                offset,
                attempts,
                next_eligible_ms,
                error,
                cause,
                exhausted,
                ..
            } => {
                if let Some(gp) = groups
                    .get_mut(group)
                    .and_then(|g| g.partitions.get_mut(*partition as usize))
                {
                    let mut errors = gp
                        .inflight
                        .get(offset)
                        .map(|l| l.errors.clone())
                        .or_else(|| gp.retries.get(offset).map(|r| r.errors.clone()))
                        .unwrap_or_default();
                    push_error(&mut errors, error.clone());
                    gp.schedule_retry(*offset, *attempts, *next_eligible_ms, errors);
                    match cause {
                        FailCause::Nack => gp.counters.nacks += 1,
                        FailCause::LeaseExpired => gp.counters.lease_timeouts += 1,
                    }
                    gp.counters.redeliveries += 1;
                    if *exhausted {
                        gp.counters.exhausted += 1;
                    }
                }
            }
            StateRecord::DeadLettered {
                group,
                partition,
                offset,
                cause,
                ..
            } => {
                if let Some(gp) = groups
                    .get_mut(group)
                    .and_then(|g| g.partitions.get_mut(*partition as usize))
                {
                    gp.mark_done(*offset);
                    gp.counters.dead_lettered += 1;
                    if *cause == DeadLetterCause::Nack {
                        gp.counters.dead_letter_nacks += 1;
                    }
                }
            }
            StateRecord::Seek {
                group,
                partition,
                floor,
                cause,
                ..
            } => {
                if let Some(gp) = groups
                    .get_mut(group)
                    .and_then(|g| g.partitions.get_mut(*partition as usize))
                {
                    match cause {
                        SeekCause::User => gp.reset_to(*floor),
                        SeekCause::Retention => {
                            let skipped = gp.skip_to(*floor);
                            gp.counters.skipped_by_retention += skipped;
                        }
                    }
                }
            }
            StateRecord::GroupDeleted { group, .. } => {
                groups.remove(group);
            }
            _ => {}
        }
    }

    /// Appends state records (not waiting for durability); the caller holds the locks that order
    /// them and waits with [`Self::wait_state`] after releasing them.
    fn log_state(
        &self,
        records: &[StateRecord],
        now_ms: i64,
    ) -> Result<Option<crate::storage::Appended>> {
        if records.is_empty() {
            return Ok(None);
        }
        let recs: Vec<Record> = records
            .iter()
            .map(|r| Record {
                timestamp: now_ms,
                key: Some(r.type_name().as_bytes().to_vec()),
                headers: Vec::new(),
                value: r.encode(),
                metadata: None,
            })
            .collect();
        let appended = self.state_log.append_deferred(&recs, now_ms)?;
        self.records_since_snapshot
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        Ok(Some(appended))
    }

    /// `value`, holding once the state records appended for it (if any) are durable.
    fn after_state<T>(&self, value: T, appended: Option<Appended>) -> Deferred<T> {
        Deferred {
            value,
            appended: appended.map(|a| (Arc::clone(&self.state_log), a)),
            pool: Arc::clone(&self.sync_pool),
        }
    }

    fn wait_state(&self, appended: Option<crate::storage::Appended>) -> Result<()> {
        if let Some(a) = appended {
            self.state_log.wait_durable_for(&a)?;
        }
        Ok(())
    }

    /// Waits until every DLQ copy an operation appended is durable. The first wait on a
    /// partition's log syncs every copy appended to it so far, so the later ones return at once.
    fn wait_dead_letters(dead_letters: &[(Arc<PartitionLog>, Appended)]) -> Result<()> {
        for (log, a) in dead_letters {
            log.wait_durable_for(a)?;
        }
        Ok(())
    }

    fn topic(&self, name: &str) -> Result<Arc<Topic>> {
        read(&self.topics)
            .get(name)
            .cloned()
            .ok_or_else(|| BrokerError::TopicNotFound(name.to_owned()))
    }

    // ---- topics -------------------------------------------------------------------------

    /// Creates a topic with `partitions` partitions (≥ 1).
    pub fn create_topic(
        &self,
        name: &str,
        partitions: u32,
        retention_age_ms: Option<i64>,
        retention_bytes: Option<u64>,
        now_ms: i64,
    ) -> Result<TopicMeta> {
        self.create_topic_from(
            TopicMeta {
                name: name.to_owned(),
                partitions,
                retention_age_ms,
                retention_bytes,
                retry: None,
                ordering: TopicOrdering::None,
            },
            now_ms,
        )
    }

    /// Creates a topic with everything `meta` sets (partitions, retention, default retry
    /// policy, ordering).
    pub fn create_topic_from(&self, meta: TopicMeta, now_ms: i64) -> Result<TopicMeta> {
        let name = meta.name.as_str();
        validate_topic_name(name)?;
        validate_partition_count(meta.partitions)?;
        validate_retention(meta.retention_age_ms, meta.retention_bytes)?;
        if let Some(p) = &meta.retry {
            validate_topic_retry(p)?;
        }
        let mut records = vec![StateRecord::TopicCreated(TopicMeta {
            retry: None,
            ordering: TopicOrdering::None,
            ..meta.clone()
        })];
        if meta.retry.is_some() {
            records.push(StateRecord::RetryPolicySet {
                topic: name.to_owned(),
                policy: meta.retry,
            });
        }
        if meta.ordering != TopicOrdering::None {
            records.push(StateRecord::OrderingSet {
                topic: name.to_owned(),
                ordering: meta.ordering,
            });
        }
        let _snap = read(&self.snapshot);
        let appended = {
            let mut topics = write(&self.topics);
            if topics.contains_key(name) {
                return Err(BrokerError::TopicExists(name.to_owned()));
            }
            // A leftover directory from an interrupted delete must not leak old data in.
            let dir = self.config.data_dir.join("topics").join(name);
            remove_topic_dir(&dir, self.config.fs_watch.as_ref());
            // Files first, record second: a topic whose partitions cannot be opened (out of
            // file descriptors, a full disk) must not be in the state log, or it would appear
            // at the next start after its creation was refused. A crash between the two leaves
            // a stray directory, which start-up reports and the next create removes.
            let topic = match self.open_topic(meta.clone()) {
                Ok(topic) => topic,
                Err(e) => {
                    remove_topic_dir(&dir, self.config.fs_watch.as_ref());
                    return Err(e);
                }
            };
            let appended = match self.log_state(&records, now_ms) {
                Ok(appended) => appended,
                Err(e) => {
                    for p in topic.parts().iter() {
                        let _ = p.log.close();
                    }
                    remove_topic_dir(&dir, self.config.fs_watch.as_ref());
                    return Err(e);
                }
            };
            topics.insert(name.to_owned(), topic);
            appended
        };
        self.wait_state(appended)?;
        Ok(meta)
    }

    /// Changes a live topic as one step (a PATCH): every change is checked before any is made,
    /// and their records go into the state log together, so a refused change or a crash never
    /// leaves half of them. See [`TopicChange`] for what each field does.
    pub fn alter_topic(&self, name: &str, change: &TopicChange, now_ms: i64) -> Result<TopicMeta> {
        let t = self.topic(name)?;
        if let Some(Some(p)) = &change.retry {
            validate_topic_retry(p)?;
        }
        let _snap = read(&self.snapshot);
        {
            // Held from reading to publishing, so two changes cannot lose one another and the
            // records keep the order memory saw them in (groups first, as every path takes it).
            let mut groups = lock(&t.groups);
            let mut retention = lock(&t.retention);
            let mut retry = lock(&t.retry);
            let mut records = Vec::new();
            let next_retention = Retention {
                age_ms: change.retention_age_ms.unwrap_or(retention.age_ms),
                bytes: change.retention_bytes.unwrap_or(retention.bytes),
            };
            if change.retention_age_ms.is_some() || change.retention_bytes.is_some() {
                validate_retention(next_retention.age_ms, next_retention.bytes)?;
                records.push(StateRecord::RetentionSet {
                    topic: name.to_owned(),
                    retention_age_ms: next_retention.age_ms,
                    retention_bytes: next_retention.bytes,
                });
            }
            if let Some(policy) = change.retry {
                records.push(StateRecord::RetryPolicySet {
                    topic: name.to_owned(),
                    policy,
                });
            }
            // New partitions are opened first, so a failure leaves nothing logged; published
            // only once the record is durable, so nothing acknowledged on a new partition can
            // outlive a crash that forgets the partition.
            let grown = match change.partitions {
                Some(total) => {
                    check_growth(&t, total)?;
                    records.push(StateRecord::PartitionsGrown {
                        topic: name.to_owned(),
                        partitions: total,
                    });
                    Some(self.grown_partitions(&t, total)?)
                }
                None => None,
            };
            if records.is_empty() {
                return Err(BrokerError::InvalidArgument("nothing to change".into()));
            }
            let appended = {
                // A delete logs under the map's write lock: holding the read lock while logging
                // puts these records either before the deletion or not at all.
                let topics = read(&self.topics);
                if !topics.get(name).is_some_and(|now| Arc::ptr_eq(now, &t)) {
                    return Err(BrokerError::TopicNotFound(name.to_owned()));
                }
                self.log_state(&records, now_ms)?
            };
            self.wait_state(appended)?;
            *retention = next_retention;
            if let Some(policy) = change.retry {
                *retry = policy;
            }
            if let Some(parts) = grown {
                self.publish_partitions(&t, &mut groups, parts);
            }
        }
        Ok(t.current_meta())
    }

    /// Changes a topic's retention limits: for each, `None` keeps it, `Some(None)` removes it,
    /// `Some(Some(v))` sets it (a PATCH). The next tick applies them; shortening one deletes
    /// what is now past it, as creating the topic with it would have.
    pub fn set_retention(
        &self,
        name: &str,
        age_ms: Option<Option<i64>>,
        bytes: Option<Option<u64>>,
        now_ms: i64,
    ) -> Result<TopicMeta> {
        let change = TopicChange {
            retention_age_ms: age_ms,
            retention_bytes: bytes,
            ..TopicChange::default()
        };
        self.alter_topic(name, &change, now_ms)
    }

    /// Sets (`Some`) or removes (`None`) the retry policy of `name`'s messages produced without
    /// one (see [`TopicChange::retry`]).
    pub fn set_retry_policy(
        &self,
        name: &str,
        policy: Option<RetryPolicy>,
        now_ms: i64,
    ) -> Result<TopicMeta> {
        let change = TopicChange {
            retry: Some(policy),
            ..TopicChange::default()
        };
        self.alter_topic(name, &change, now_ms)
    }

    /// Grows a live topic to `total` partitions (see [`TopicChange::partitions`]).
    pub fn grow_topic(&self, name: &str, total: u32, now_ms: i64) -> Result<TopicMeta> {
        let change = TopicChange {
            partitions: Some(total),
            ..TopicChange::default()
        };
        self.alter_topic(name, &change, now_ms)
    }

    /// Deletes every message stored in a topic so far and keeps the topic, its settings and its
    /// groups (SQS's `PurgeQueue`, NATS's `stream purge`): each partition's active segment is
    /// sealed and every segment is deleted; offsets continue where they were, and groups move
    /// past what was deleted (counted as skipped by retention; leases on it end). Returns how many
    /// messages were deleted.
    pub fn purge_topic(&self, name: &str, now_ms: i64) -> Result<u64> {
        let t = self.topic(name)?;
        let mut deleted = 0;
        for part in t.parts().iter() {
            let before = part.log.low_watermark();
            part.log.roll_segment()?;
            part.log.delete_before(part.log.active_base_offset())?;
            deleted += part.log.low_watermark().saturating_sub(before);
        }
        // Groups move now, not at the next tick: a poll in between would look for offsets
        // that are gone.
        let _snap = read(&self.snapshot);
        let appended = {
            let mut groups = lock(&t.groups);
            let mut skipped = 0;
            let records = skips_past_deleted(&t, &groups, &mut skipped);
            for rec in &records {
                self.apply_group_record(&t, &mut groups, rec, now_ms);
            }
            t.refresh_min_floors(&groups);
            self.log_state(&records, now_ms)?
        };
        self.wait_state(appended)?;
        Ok(deleted)
    }

    /// Deletes a topic and its data; its consumers get `TopicNotFound` from then on.
    pub fn delete_topic(&self, name: &str, now_ms: i64) -> Result<()> {
        let _snap = read(&self.snapshot);
        let (appended, topic) = {
            let mut topics = write(&self.topics);
            let topic = topics
                .remove(name)
                .ok_or_else(|| BrokerError::TopicNotFound(name.to_owned()))?;
            topic.deleted.store(true, Ordering::Release);
            // Under the map's lock, so no new incarnation can record a key before this runs.
            self.forget_topic(name);
            (
                self.log_state(
                    &[StateRecord::TopicDeleted {
                        name: name.to_owned(),
                    }],
                    now_ms,
                )?,
                topic,
            )
        };
        self.wait_state(appended)?;
        for p in topic.parts().iter() {
            let _ = p.log.close();
        }
        remove_topic_dir(&topic.dir, self.config.fs_watch.as_ref());
        Ok(())
    }

    /// Drops what outlives a topic's groups: its producers' idempotency keys and, for a DLQ,
    /// its replay marks. A topic created later under the same name starts at offset 0, so a
    /// remembered key would answer "duplicate" for a message never written there, and a replay
    /// mark would hide a new dead letter from replay.
    fn forget_topic(&self, name: &str) {
        lock(&self.producer_keys).retain(|scope, _| !scope_names_topic(scope, name));
        lock(&self.replayed).retain(|(topic, _, _), _| topic != name);
    }

    /// Topic names, sorted.
    #[must_use]
    pub fn list_topics(&self) -> Vec<String> {
        read(&self.topics).keys().cloned().collect()
    }

    pub fn topic_meta(&self, name: &str) -> Result<TopicMeta> {
        Ok(self.topic(name)?.current_meta())
    }

    // ---- produce ------------------------------------------------------------------------

    /// Produces messages to `topic`; each gets its own result. Messages bound for the same
    /// partition are written as one batch.
    pub fn produce(
        &self,
        topic: &str,
        messages: Vec<ProduceMessage>,
        now_ms: i64,
    ) -> Vec<Result<Produced>> {
        self.produce_inner(topic, messages, now_ms, true).wait(self)
    }

    /// Like [`Self::produce`] but returns once the messages are appended (never blocking on the
    /// disk): their results hold once [`DeferredProduce::durable`] (async, no thread parked per
    /// call) or [`DeferredProduce::wait`] returns, which also commit idempotency keys after the
    /// messages they name are durable.
    pub fn produce_deferred(
        &self,
        topic: &str,
        messages: Vec<ProduceMessage>,
        now_ms: i64,
    ) -> DeferredProduce {
        self.produce_inner(topic, messages, now_ms, true)
    }

    fn produce_inner(
        &self,
        requested_topic: &str,
        messages: Vec<ProduceMessage>,
        now_ms: i64,
        use_router: bool,
    ) -> DeferredProduce {
        struct Planned {
            index: usize,
            topic: Arc<Topic>,
            partition: u32,
            record: Record,
            scope: Option<String>,
        }
        let mut results: Vec<Option<Result<Produced>>> =
            (0..messages.len()).map(|_| None).collect();
        let mut planned: Vec<Planned> = Vec::with_capacity(messages.len());
        // Keyless messages of one call stick to one partition per topic (as Kafka's sticky
        // partitioner does): one batch, one fsync, instead of one per partition.
        let mut call = ProduceCall::default();
        let mut in_call_duplicates: Vec<(usize, usize)> = Vec::new();
        for (index, msg) in messages.into_iter().enumerate() {
            match self.plan_message(requested_topic, msg, now_ms, use_router, &mut call) {
                Ok(PlanOutcome::Duplicate(p)) => results[index] = Some(Ok(p)),
                Ok(PlanOutcome::DuplicateInCall(first)) => in_call_duplicates.push((index, first)),
                Ok(PlanOutcome::Write {
                    topic,
                    partition,
                    record,
                    scope,
                }) => {
                    if let Some(scope) = &scope {
                        call.scopes.insert(scope.clone(), index);
                    }
                    planned.push(Planned {
                        index,
                        topic,
                        partition,
                        record,
                        scope,
                    });
                }
                Err(e) => results[index] = Some(Err(e)),
            }
        }
        // One batch per (topic, partition), in the order messages came. `planned` holds every
        // topic's `Arc`, so the addresses used as keys stay unique while this runs.
        let mut targets: Vec<Vec<Planned>> = Vec::new();
        let mut target_of: HashMap<(usize, u32), usize> = HashMap::new();
        for p in planned {
            let slot = *target_of
                .entry((topic_key(&p.topic), p.partition))
                .or_insert_with(|| {
                    targets.push(Vec::new());
                    targets.len() - 1
                });
            targets[slot].push(p);
        }
        let mut batches = Vec::new();
        // (batch, scope, partition, offset) of keyed messages written
        let mut scoped: Vec<(usize, String, u32, u64)> = Vec::new();
        for mut group in targets {
            let Some(first) = group.first() else {
                continue;
            };
            let topic = Arc::clone(&first.topic);
            let partition = first.partition;
            let part = &topic.parts()[partition as usize];
            let records: Vec<Record> = group
                .iter_mut()
                .map(|p| std::mem::take(&mut p.record))
                .collect();
            match part.log.append_deferred(&records, now_ms) {
                Ok(a) => {
                    part.count_produced(&records);
                    let mut indices = Vec::with_capacity(group.len());
                    for (i, p) in group.into_iter().enumerate() {
                        let offset = a.base_offset + i as u64;
                        if let Some(scope) = p.scope {
                            scoped.push((batches.len(), scope, p.partition, offset));
                        }
                        results[p.index] = Some(Ok(Produced {
                            topic: topic.meta.name.clone(),
                            partition: p.partition,
                            offset,
                            duplicate: false,
                        }));
                        indices.push(p.index);
                    }
                    batches.push((Arc::clone(&part.log), a, indices));
                }
                Err(e) => {
                    let mut keys = lock(&self.producer_keys);
                    for p in group {
                        if let Some(scope) = &p.scope {
                            keys.remove(scope);
                        }
                        results[p.index] = Some(Err(append_failure(&e)));
                    }
                }
            }
        }
        for (index, first) in in_call_duplicates {
            results[index] = Some(match &results[first] {
                Some(Ok(p)) => Ok(Produced {
                    duplicate: true,
                    ..p.clone()
                }),
                Some(Err(e)) => Err(same_failure(e)),
                None => Err(BrokerError::InvalidArgument(
                    "message was not processed".into(),
                )),
            });
        }
        DeferredProduce {
            results: results
                .into_iter()
                .map(|r| {
                    r.unwrap_or_else(|| {
                        Err(BrokerError::InvalidArgument(
                            "message was not processed".into(),
                        ))
                    })
                })
                .collect(),
            batches,
            keys: scoped,
            now_ms,
        }
    }

    /// Records committed producer idempotency keys, in memory and appended to the state log; the
    /// caller waits for them to be durable.
    fn commit_producer_keys(
        &self,
        key_records: &[StateRecord],
        now_ms: i64,
    ) -> Result<Deferred<()>> {
        let _snap = read(&self.snapshot);
        let mut keys = lock(&self.producer_keys);
        for r in key_records {
            if let StateRecord::ProducerKey {
                scope,
                partition,
                offset,
                expires_ms,
            } = r
            {
                keys.insert(
                    scope.clone(),
                    ProducerKey::Committed {
                        partition: *partition,
                        offset: *offset,
                        expires_ms: *expires_ms,
                    },
                );
            }
        }
        let appended = self.log_state(key_records, now_ms)?;
        Ok(self.after_state((), appended))
    }

    /// Appends `messages` to one partition as they are (a migration from another broker): no
    /// router, deadline, idempotency check or target-topic redirect applies, and backpressure
    /// does not either. Envelope idempotency keys are committed as a produce would commit them
    /// (not those of DLQ copies and replays, which a produce never writes), so dedupe holds
    /// across the move. Returns the offset of the first message.
    pub fn restore_messages(
        &self,
        topic: &str,
        partition: u32,
        messages: Vec<RestoredMessage>,
        now_ms: i64,
    ) -> Result<u64> {
        let t = self.topic(topic)?;
        let part = t.partition(partition)?;
        let mut scopes = Vec::with_capacity(messages.len());
        let records: Vec<Record> = messages
            .into_iter()
            .map(|m| {
                let written_by_produce = m.meta.dlq.is_none() && m.meta.replay.is_none();
                scopes.push(m.meta.envelope.as_ref().and_then(|e| {
                    (written_by_produce && !e.idempotency_key.is_empty())
                        .then(|| idempotency_scope(&e.tenant_id, topic, &e.idempotency_key))
                }));
                Record {
                    timestamp: now_ms,
                    key: m.key,
                    headers: Vec::new(),
                    value: m.value,
                    metadata: m.meta.encode(),
                }
            })
            .collect();
        let appended = part.log.append(&records, now_ms)?;
        part.count_produced(&records);
        let key_records: Vec<StateRecord> = scopes
            .into_iter()
            .enumerate()
            .filter_map(|(i, scope)| {
                Some(StateRecord::ProducerKey {
                    scope: scope?,
                    partition,
                    offset: appended.base_offset + i as u64,
                    expires_ms: now_ms.saturating_add(self.config.idempotency_ttl_ms),
                })
            })
            .collect();
        log_key_commit(
            self.commit_producer_keys(&key_records, now_ms)
                .and_then(Deferred::wait),
        );
        Ok(appended.base_offset)
    }

    fn plan_message(
        &self,
        requested_topic: &str,
        msg: ProduceMessage,
        now_ms: i64,
        use_router: bool,
        call: &mut ProduceCall,
    ) -> Result<PlanOutcome> {
        let mut msg = msg;
        let deliver_at_ms = match msg.delay_ms {
            Some(d) if d > MAX_DELAY_MS => {
                return Err(BrokerError::InvalidArgument(format!(
                    "delay of {d} ms is longer than the maximum of {MAX_DELAY_MS} ms (15 min)"
                )));
            }
            Some(d) if d > 0 => Some(now_ms.saturating_add(as_i64(d))),
            _ => None,
        };
        let mut envelope = msg.envelope.take().unwrap_or_default();
        let mut routing = None;
        let mut router_partition = None;
        if use_router && let Some(router) = &self.router {
            let input = RouteInput {
                topic: requested_topic,
                key: msg.key.as_deref(),
                headers: &msg.headers,
                value: &msg.value,
            };
            match router.route(&input) {
                Ok(Some(d)) => {
                    if let Some(t) = &d.target_topic {
                        envelope.target_topic = t.clone();
                    }
                    router_partition = d.partition;
                    routing = Some(Routing {
                        label: d.label,
                        meta: d.meta,
                    });
                }
                Ok(None) => {}
                Err(e) => {
                    self.router_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(topic = requested_topic, error = %e, "router failed; message produced without routing");
                    *lock(&self.last_router_error) = Some(e);
                }
            }
        }
        if let Some(deadline_ns) = envelope.deadline_ns
            && deadline_ns / 1_000_000 < now_ms
        {
            return Err(BrokerError::DeadlineExceeded);
        }
        let index = if envelope.target_topic.is_empty() {
            call.topic(self, requested_topic)?
        } else {
            call.topic(self, &envelope.target_topic)?
        };
        let (topic, parts) = &call.topics[index];
        let final_topic = topic.meta.name.as_str();
        let n = u32::try_from(parts.len()).unwrap_or(u32::MAX);
        let partition = match router_partition
            .or(envelope.partition_override)
            .or(msg.partition)
        {
            Some(p) => p,
            None => match msg.key.as_deref() {
                Some(k) if !k.is_empty() => key_partition(k, n),
                _ => *call.sticky.entry(topic_key(topic)).or_insert_with(|| {
                    (topic.round_robin.fetch_add(1, Ordering::Relaxed) % u64::from(n)) as u32
                }),
            },
        };
        let Some(part) = parts.get(partition as usize) else {
            return Err(BrokerError::PartitionOutOfRange {
                topic: final_topic.to_owned(),
                partition,
                partitions: n,
            });
        };
        let scope = (!envelope.idempotency_key.is_empty()).then(|| {
            idempotency_scope(&envelope.tenant_id, final_topic, &envelope.idempotency_key)
        });
        if let Some(&first) = scope.as_ref().and_then(|s| call.scopes.get(s)) {
            return Ok(PlanOutcome::DuplicateInCall(first));
        }
        let backlog = call
            .backlog
            .entry((topic_key(topic), partition))
            .or_default();
        let incoming = self.check_backpressure(part, &msg, backlog)?;
        if let Some(scope) = &scope {
            let mut keys = lock(&self.producer_keys);
            match keys.get(scope) {
                Some(ProducerKey::Committed {
                    partition,
                    offset,
                    expires_ms,
                }) if *expires_ms > now_ms => {
                    return Ok(PlanOutcome::Duplicate(Produced {
                        topic: final_topic.to_owned(),
                        partition: *partition,
                        offset: *offset,
                        duplicate: true,
                    }));
                }
                Some(ProducerKey::Pending) => return Err(BrokerError::IdempotencyInFlight),
                _ => {
                    keys.insert(scope.clone(), ProducerKey::Pending);
                }
            }
        }
        let meta = MessageMeta {
            envelope: (!envelope.is_empty()).then_some(envelope),
            routing,
            dlq: None,
            replay: None,
            deliver_at_ms,
        };
        let record = Record {
            timestamp: now_ms,
            key: msg.key,
            headers: msg.headers,
            value: msg.value,
            metadata: meta.encode(),
        };
        // Counted only once the message will be written: a duplicate or a refused one takes
        // no room from the rest of the batch.
        backlog.planned_msgs += 1;
        backlog.planned_bytes += incoming;
        Ok(PlanOutcome::Write {
            topic: Arc::clone(topic),
            partition,
            record,
            scope,
        })
    }

    /// Refuses `msg` when the partition, with what this call already plans to write to it, would
    /// hold more than the limits behind its slowest group; returns the bytes it counts for.
    /// `backlog` caches the stored bytes behind that group for the rest of the call (the index
    /// lookups should not be repeated for every message of a batch).
    fn check_backpressure(
        &self,
        part: &Partition,
        msg: &ProduceMessage,
        backlog: &mut Backlog,
    ) -> Result<u64> {
        let incoming = msg.value.len() as u64 + msg.key.as_ref().map_or(0, |k| k.len() as u64);
        let min_floor = part.min_floor.load(Ordering::Acquire);
        if min_floor == u64::MAX {
            return Ok(incoming);
        }
        let hw = part.log.high_watermark();
        let stored = hw.saturating_sub(min_floor);
        if stored + backlog.planned_msgs + 1 > self.config.max_partition_msgs {
            return Err(BrokerError::Overloaded {
                reason: "partition_buffer_full",
                retry_after_ms: 1000,
            });
        }
        let stored_bytes = match backlog.stored_bytes {
            Some(b) => b,
            None if stored == 0 => 0,
            None => {
                let b = part.log.bytes_from(min_floor)?;
                backlog.stored_bytes = Some(b);
                b
            }
        };
        if stored_bytes + backlog.planned_bytes + incoming > self.config.max_partition_bytes {
            return Err(BrokerError::Overloaded {
                reason: "partition_buffer_bytes_full",
                retry_after_ms: 1000,
            });
        }
        Ok(incoming)
    }

    // ---- reading ------------------------------------------------------------------------

    fn to_message(topic: &str, partition: u32, stored: StoredRecord) -> Message {
        let r = stored.record;
        let meta = MessageMeta::decode(r.metadata.as_deref()).unwrap_or_else(|e| {
            tracing::warn!(topic, partition, offset = stored.offset, error = %e, "undecodable message metadata");
            MessageMeta::default()
        });
        Message {
            topic: topic.to_owned(),
            partition,
            offset: stored.offset,
            timestamp_ms: r.timestamp,
            key: r.key,
            headers: r.headers,
            value: r.value,
            meta,
        }
    }

    /// Reads a partition without leases (a log reader), from an offset or timestamp.
    pub fn read(
        &self,
        topic: &str,
        partition: u32,
        from: ReadFrom,
        max: usize,
        max_bytes: usize,
    ) -> Result<Vec<Message>> {
        let t = self.topic(topic)?;
        let part = t.partition(partition)?;
        let start = match from {
            ReadFrom::Offset(o) => o,
            ReadFrom::Timestamp(ts) => part.log.offset_for_timestamp(ts)?,
        };
        Ok(part
            .log
            .read(start, max, max_bytes)?
            .into_iter()
            .map(|s| Self::to_message(topic, partition, s))
            .collect())
    }

    // ---- consuming ----------------------------------------------------------------------

    /// Leases up to `max` messages of `topic` to `owner` in `group` for `lease_ms`. Creates the
    /// group (at each partition's start) on first use.
    pub fn poll(
        &self,
        topic: &str,
        group: &str,
        owner: &str,
        max: usize,
        lease_ms: i64,
        now_ms: i64,
    ) -> Result<Vec<Delivery>> {
        self.poll_deferred(topic, group, owner, max, lease_ms, now_ms)?
            .wait()
    }

    /// Whether a poll of `group` would start reading below some partition's active segment
    /// (its cursor, a due retry or a released head is there; a group not created yet starts at the low
    /// watermark). Such reads may go to the disk, so an async caller runs the poll where it may
    /// block. Only a hint: the answer may change before the poll runs.
    pub fn poll_reads_sealed(&self, topic: &str, group: &str, now_ms: i64) -> bool {
        let Ok(t) = self.topic(topic) else {
            return false;
        };
        let groups = lock(&t.groups);
        t.parts().iter().enumerate().any(|(p, part)| {
            let next = match groups.get(group).and_then(|g| g.partitions.get(p)) {
                Some(gp) => gp
                    .first_due_retry(now_ms)
                    .into_iter()
                    .chain(gp.first_released())
                    .fold(gp.cursor, u64::min),
                None => part.log.low_watermark(),
            };
            next < part.log.high_watermark() && next < part.log.active_base_offset()
        })
    }

    /// [`Self::poll`] whose caller waits for durability (of the group's creation, when this
    /// poll created it).
    pub fn poll_deferred(
        &self,
        topic: &str,
        group: &str,
        owner: &str,
        max: usize,
        lease_ms: i64,
        now_ms: i64,
    ) -> Result<Deferred<Vec<Delivery>>> {
        validate_group_name(group)?;
        validate_owner(owner)?;
        check_lease(lease_ms)?;
        let t = self.topic(topic)?;
        let _snap = read(&self.snapshot);
        let req = PollRequest {
            topic: &t,
            group,
            owner,
            max,
            lease_ms,
            now_ms,
            leased_bytes: std::cell::Cell::new(0),
            default_retry: *lock(&t.retry),
            ordered: t.ordering() == TopicOrdering::Key,
        };
        let mut records = Vec::new();
        let mut out = Vec::with_capacity(max.min(1024));
        let mut appended = None;
        let mut groups = lock(&t.groups);
        records.extend(self.create_group_if_missing(&t, &mut groups, group, now_ms));
        let parts = t.parts();
        let n = parts.len();
        let start = groups.get_mut(group).map_or(0, |g| {
            g.last_poll = Some((now_ms, owner.to_owned()));
            g.saw_consumer(owner, now_ms);
            let s = g.next_partition % n.max(1);
            g.next_partition = s + 1;
            s
        });
        for i in 0..n {
            if req.is_full(out.len()) {
                break;
            }
            let p = (start + i) % n;
            let part = &parts[p];
            let mut next =
                self.poll_partition(&mut groups, &req, p as u32, &mut out, &mut records)?;
            while let Some((cursor, room)) = next {
                // Reading and decoding the log is most of a poll's work, so it runs without the
                // groups lock and other polls and acks of the topic go on meanwhile. What this
                // poll changed so far is logged first: the state log keeps the order in which
                // changes were applied.
                if let Some(a) = self.log_state(&records, now_ms)? {
                    appended = Some(a);
                }
                records.clear();
                drop(groups);
                let batch = part.read_for_poll(cursor, room);
                groups = lock(&t.groups);
                next = self.lease_read(
                    &mut groups,
                    &req,
                    p as u32,
                    (cursor, batch?),
                    &mut out,
                    &mut records,
                );
            }
        }
        t.refresh_min_floors(&groups);
        if let Some(a) = self.log_state(&records, now_ms)? {
            appended = Some(a);
        }
        drop(groups);
        Ok(self.after_state(out, appended))
    }

    /// Creates `group` at each partition's low watermark when it does not exist yet; returns the
    /// applied record, for the caller to log under the same lock.
    fn create_group_if_missing(
        &self,
        t: &Topic,
        groups: &mut BTreeMap<String, Group>,
        group: &str,
        now_ms: i64,
    ) -> Option<StateRecord> {
        if groups.contains_key(group) {
            return None;
        }
        let rec = StateRecord::GroupCreated {
            topic: t.meta.name.clone(),
            group: group.to_owned(),
            floors: t.parts().iter().map(|p| p.log.low_watermark()).collect(),
        };
        self.apply_group_record(t, groups, &rec, now_ms);
        Some(rec)
    }

    /// The locked part of polling one partition: a retention skip-ahead and due redeliveries.
    /// Returns where to read never-delivered messages and how many fit, if any do.
    fn poll_partition(
        &self,
        groups: &mut BTreeMap<String, Group>,
        req: &PollRequest<'_>,
        p: u32,
        out: &mut Vec<Delivery>,
        records: &mut Vec<StateRecord>,
    ) -> Result<Option<(u64, usize)>> {
        let &PollRequest {
            topic: t,
            group,
            now_ms,
            ..
        } = req;
        let part = &t.parts()[p as usize];
        let low = part.log.low_watermark();
        let Some(g) = groups.get(group) else {
            return Ok(None);
        };
        let floor = g.partitions.get(p as usize).map_or(0, |gp| gp.floor);
        if floor < low {
            let rec = StateRecord::Seek {
                topic: t.meta.name.clone(),
                group: group.to_owned(),
                partition: p,
                floor: low,
                cause: SeekCause::Retention,
            };
            tracing::warn!(topic = %t.meta.name, group, partition = p, from = floor, to = low, "retention deleted unconsumed messages; group skips ahead");
            self.apply_group_record(t, groups, &rec, now_ms);
            records.push(rec);
        }
        // Redeliveries first, oldest offset first.
        loop {
            let Some(g) = groups.get_mut(group) else {
                return Ok(None);
            };
            let Some(gp) = g.partitions.get_mut(p as usize) else {
                return Ok(None);
            };
            if req.is_full(out.len()) || gp.inflight.len() >= self.config.max_inflight {
                return Ok(None);
            }
            // Then delayed messages that came due, in the order they did.
            let Some(offset) = gp
                .first_due_retry(now_ms)
                .or_else(|| gp.take_due_delayed(now_ms))
            else {
                break;
            };
            let Some(stored) = part
                .log
                .read(offset, 1, usize::MAX)?
                .into_iter()
                .find(|s| s.offset == offset)
            else {
                // Gone by retention: the group skips past it at its next poll.
                gp.retries.remove(&offset);
                gp.forget_key_order(offset);
                continue;
            };
            let msg = Self::to_message(&t.meta.name, p, stored);
            self.lease(g, req, p, msg, out, records);
        }
        // Then (on a topic ordered by key) messages whose key's previous message is done.
        self.lease_released(groups, req, p, out, records)?;
        // Then messages never delivered since the last restart or seek.
        Ok(self.room_to_read(groups, req, p, out.len()))
    }

    /// Leases the released heads of a topic ordered by key, lowest offsets first, as far as
    /// room allows. They are read in spans — one read for a run of nearby offsets — because the
    /// heads an ack releases usually lie close together, and a read decodes whole batches.
    fn lease_released(
        &self,
        groups: &mut BTreeMap<String, Group>,
        req: &PollRequest<'_>,
        p: u32,
        out: &mut Vec<Delivery>,
        records: &mut Vec<StateRecord>,
    ) -> Result<()> {
        /// A span read covers at most this many offsets and (past its first record) bytes.
        const SPAN_RECORDS: u64 = 1024;
        const SPAN_BYTES: usize = 4 << 20;
        let part = &req.topic.parts()[p as usize];
        let Some(g) = groups.get_mut(req.group) else {
            return Ok(());
        };
        let Some(gp) = g.partitions.get_mut(p as usize) else {
            return Ok(());
        };
        let room = req
            .max
            .saturating_sub(out.len())
            .min(self.config.max_inflight.saturating_sub(gp.inflight.len()));
        let taken = gp.take_released(room);
        let mut i = 0;
        while i < taken.len() {
            let start = taken[i];
            let span = (taken[taken.len() - 1] - start + 1).min(SPAN_RECORDS);
            let read = part.log.read(
                start,
                usize::try_from(span).unwrap_or(usize::MAX),
                SPAN_BYTES,
            );
            let read = match read {
                Ok(read) => read,
                Err(e) => {
                    // Nothing is lost: what was not leased is released again.
                    if let Some(gp) = groups
                        .get_mut(req.group)
                        .and_then(|g| g.partitions.get_mut(p as usize))
                    {
                        gp.release_again(&taken[i..]);
                    }
                    return Err(e.into());
                }
            };
            let covered_to = read.last().map_or(start, |r| r.offset);
            let mut read = read.into_iter().peekable();
            while i < taken.len() && taken[i] <= covered_to {
                let offset = taken[i];
                let Some(g) = groups.get_mut(req.group) else {
                    return Ok(());
                };
                let Some(gp) = g.partitions.get_mut(p as usize) else {
                    return Ok(());
                };
                if req.is_full(out.len()) {
                    gp.release_again(&taken[i..]);
                    return Ok(());
                }
                i += 1;
                while read.next_if(|r| r.offset < offset).is_some() {}
                let Some(stored) = read.next_if(|r| r.offset == offset) else {
                    // Gone by retention: the group skips past it at its next poll.
                    gp.forget_key_order(offset);
                    continue;
                };
                let msg = Self::to_message(&req.topic.meta.name, p, stored);
                // A released message may have been produced with a delay that has not passed.
                if let Some(due) = msg.meta.deliver_at_ms.filter(|due| *due > req.now_ms) {
                    gp.hold_delayed(offset, due);
                    continue;
                }
                self.lease(g, req, p, msg, out, records);
            }
        }
        Ok(())
    }

    /// Where to read never-delivered messages of partition `p` next and how many fit.
    fn room_to_read(
        &self,
        groups: &BTreeMap<String, Group>,
        req: &PollRequest<'_>,
        p: u32,
        delivered: usize,
    ) -> Option<(u64, usize)> {
        let gp = groups.get(req.group)?.partitions.get(p as usize)?;
        let room = req
            .max
            .saturating_sub(delivered)
            .min(self.config.max_inflight.saturating_sub(gp.inflight.len()));
        let hw = req.topic.parts()[p as usize].log.high_watermark();
        let may_pass = !req.ordered || gp.key_blocked() < MAX_KEY_BLOCKED;
        (room > 0 && may_pass && !req.is_full(delivered) && gp.cursor < hw)
            .then_some((gp.cursor, room))
    }

    /// Leases records read from `read_from` without the groups lock. Another poll of the group
    /// may have moved the cursor meanwhile: forward (it handed out some of these records, which
    /// are skipped) or, by a seek, backward (the batch is dropped and reading starts over at the
    /// new cursor). Returns where to read next, if anything is left to read and room is left.
    fn lease_read(
        &self,
        groups: &mut BTreeMap<String, Group>,
        req: &PollRequest<'_>,
        p: u32,
        (read_from, batch): (u64, Vec<StoredRecord>),
        out: &mut Vec<Delivery>,
        records: &mut Vec<StateRecord>,
    ) -> Option<(u64, usize)> {
        let &PollRequest {
            topic: t, group, ..
        } = req;
        let part = &t.parts()[p as usize];
        let cursor_now = groups.get(group)?.partitions.get(p as usize)?.cursor;
        if batch.is_empty() || cursor_now < read_from {
            return (!batch.is_empty())
                .then(|| self.room_to_read(groups, req, p, out.len()))
                .flatten();
        }
        let mut batch = batch.into_iter();
        while let Some(stored) = batch.next() {
            let g = groups.get_mut(group)?;
            let gp = g.partitions.get_mut(p as usize)?;
            if req.is_full(out.len())
                || gp.inflight.len() >= self.config.max_inflight
                || (req.ordered && gp.key_blocked() >= MAX_KEY_BLOCKED)
            {
                part.keep_read_ahead(std::iter::once(stored).chain(batch).collect());
                return None;
            }
            let offset = stored.offset;
            if offset < gp.cursor && gp.cursor > read_from {
                continue; // another poll got here first
            }
            gp.cursor = gp.cursor.max(offset + 1);
            if gp.is_done(offset) {
                continue;
            }
            if req.ordered
                && let Some(key) = &stored.record.key
                && gp.key_turn(offset, order_key(key)) != KeyTurn::Head
            {
                continue;
            }
            if gp.inflight.contains_key(&offset)
                || gp.retries.contains_key(&offset)
                || gp.is_delayed(offset)
            {
                continue;
            }
            let msg = Self::to_message(&t.meta.name, p, stored);
            if let Some(due) = msg.meta.deliver_at_ms.filter(|due| *due > req.now_ms) {
                gp.hold_delayed(offset, due);
                continue;
            }
            self.lease(g, req, p, msg, out, records);
        }
        self.room_to_read(groups, req, p, out.len())
    }

    /// Hands `msg` to `owner`, or skips it when the group already acked its idempotency scope.
    fn lease(
        &self,
        g: &mut Group,
        req: &PollRequest<'_>,
        p: u32,
        msg: Message,
        out: &mut Vec<Delivery>,
        records: &mut Vec<StateRecord>,
    ) {
        let &PollRequest {
            topic: t,
            group,
            owner,
            lease_ms,
            now_ms,
            ..
        } = req;
        let envelope = msg.meta.envelope.clone().unwrap_or_default();
        let scope = (!envelope.idempotency_key.is_empty()).then(|| {
            idempotency_scope(&envelope.tenant_id, &t.meta.name, &envelope.idempotency_key)
        });
        if let Some(s) = &scope
            && g.committed_scopes.get(s).is_some_and(|exp| *exp > now_ms)
        {
            let rec = StateRecord::Acked {
                topic: t.meta.name.clone(),
                group: group.to_owned(),
                partition: p,
                offsets: vec![msg.offset],
                scopes: Vec::new(),
                skipped: true,
            };
            if let Some(gp) = g.partitions.get_mut(p as usize) {
                gp.mark_done(msg.offset);
                gp.counters.skipped_duplicates += 1;
            }
            records.push(rec);
            return;
        }
        let Some(gp) = g.partitions.get_mut(p as usize) else {
            return;
        };
        let previous = gp.retries.remove(&msg.offset).unwrap_or_default();
        let attempts = previous.attempts + 1;
        let deadline = now_ms.saturating_add(lease_ms);
        gp.inflight.insert(
            msg.offset,
            Lease {
                owner: owner.to_owned(),
                deadline_ms: deadline,
                delivered_ms: now_ms,
                attempts,
                errors: previous.errors.clone(),
                policy: envelope
                    .retry_policy
                    .or(req.default_retry)
                    .unwrap_or_default(),
                scope,
            },
        );
        req.leased_bytes
            .set(req.leased_bytes.get() + payload_bytes(&msg));
        out.push(Delivery {
            message: msg,
            group: group.to_owned(),
            owner: owner.to_owned(),
            attempts,
            lease_deadline_ms: deadline,
            errors: previous.errors,
        });
    }

    fn check_owner<'a>(
        t: &Topic,
        g: &'a mut Group,
        p: u32,
        offset: u64,
        owner: &str,
    ) -> Result<&'a mut GroupPartition> {
        let name = &t.meta.name;
        let gp =
            g.partitions
                .get_mut(p as usize)
                .ok_or_else(|| BrokerError::PartitionOutOfRange {
                    topic: name.clone(),
                    partition: p,
                    partitions: t.partition_count(),
                })?;
        match gp.inflight.get(&offset) {
            Some(l) if l.owner == owner => Ok(gp),
            Some(l) => Err(BrokerError::WrongOwner {
                topic: name.clone(),
                partition: p,
                offset,
                holder: l.owner.clone(),
                owner: owner.to_owned(),
            }),
            None => Err(BrokerError::NotInflight {
                topic: name.clone(),
                partition: p,
                offset,
                why: if gp.is_done(offset) {
                    "already acked or dead-lettered"
                } else {
                    "not delivered, or its lease expired and it awaits redelivery"
                },
            }),
        }
    }

    fn with_group<R>(
        &self,
        topic: &str,
        group: &str,
        now_ms: i64,
        f: impl FnOnce(&Topic, &mut Group, &mut Vec<StateRecord>) -> Result<R>,
    ) -> Result<R> {
        self.with_group_deferred(topic, group, now_ms, f)?.wait()
    }

    /// [`Self::with_group`] whose caller waits for the state records to be durable.
    fn with_group_deferred<R>(
        &self,
        topic: &str,
        group: &str,
        now_ms: i64,
        f: impl FnOnce(&Topic, &mut Group, &mut Vec<StateRecord>) -> Result<R>,
    ) -> Result<Deferred<R>> {
        let t = self.topic(topic)?;
        let _snap = read(&self.snapshot);
        let mut records = Vec::new();
        let mut groups = lock(&t.groups);
        let g = groups
            .get_mut(group)
            .ok_or_else(|| group_not_found(topic, group))?;
        let value = f(&t, g, &mut records)?;
        for rec in &records {
            self.apply_group_record(&t, &mut groups, rec, now_ms);
        }
        t.refresh_min_floors(&groups);
        let appended = self.log_state(&records, now_ms)?;
        Ok(self.after_state(value, appended))
    }

    /// Acks one message held by `owner`.
    pub fn ack(&self, r: &LeaseRef<'_>, now_ms: i64) -> Result<()> {
        self.ack_deferred(r, now_ms)?.wait()
    }

    /// [`Self::ack`] whose caller waits for durability.
    pub fn ack_deferred(&self, r: &LeaseRef<'_>, now_ms: i64) -> Result<Deferred<()>> {
        let LeaseRef {
            topic,
            group,
            owner,
            partition,
            offset,
        } = *r;
        self.with_group_deferred(topic, group, now_ms, |t, g, records| {
            let gp = Self::check_owner(t, g, partition, offset, owner)?;
            let scopes = gp
                .inflight
                .get(&offset)
                .and_then(|l| l.scope.clone())
                .into_iter()
                .collect();
            records.push(StateRecord::Acked {
                topic: topic.to_owned(),
                group: group.to_owned(),
                partition,
                offsets: vec![offset],
                scopes,
                skipped: false,
            });
            Ok(())
        })
    }

    /// Acks many messages of one topic and group in one state-log batch (one fsync). Each item
    /// is checked like [`Self::ack`] and gets its own result; failures do not stop the others.
    pub fn ack_batch(
        &self,
        topic: &str,
        group: &str,
        items: &[(&str, u32, u64)],
        now_ms: i64,
    ) -> Result<Vec<Result<()>>> {
        self.ack_batch_deferred(topic, group, items, now_ms)?.wait()
    }

    /// [`Self::ack_batch`] whose caller waits for durability.
    pub fn ack_batch_deferred(
        &self,
        topic: &str,
        group: &str,
        items: &[(&str, u32, u64)],
        now_ms: i64,
    ) -> Result<Deferred<Vec<Result<()>>>> {
        self.with_group_deferred(topic, group, now_ms, |t, g, records| {
            let mut by_partition: BTreeMap<u32, (Vec<u64>, Vec<String>)> = BTreeMap::new();
            let mut results = Vec::with_capacity(items.len());
            let mut taken: std::collections::BTreeSet<(u32, u64)> =
                std::collections::BTreeSet::new();
            for (owner, partition, offset) in items {
                let checked = Self::check_owner(t, g, *partition, *offset, owner)
                    .map(|gp| gp.inflight.get(offset).and_then(|l| l.scope.clone()));
                match checked {
                    Ok(_) if !taken.insert((*partition, *offset)) => {
                        results.push(Err(BrokerError::NotInflight {
                            topic: topic.to_owned(),
                            partition: *partition,
                            offset: *offset,
                            why: "acked twice in one batch",
                        }))
                    }
                    Ok(scope) => {
                        let entry = by_partition.entry(*partition).or_default();
                        entry.0.push(*offset);
                        entry.1.extend(scope);
                        results.push(Ok(()));
                    }
                    Err(e) => results.push(Err(e)),
                }
            }
            for (partition, (offsets, scopes)) in by_partition {
                records.push(StateRecord::Acked {
                    topic: topic.to_owned(),
                    group: group.to_owned(),
                    partition,
                    offsets,
                    scopes,
                    skipped: false,
                });
            }
            Ok(results)
        })
    }

    /// Acks every offset of `partition` up to and including `offset`; each one must be done
    /// already or held by `owner`. Returns how many were acked.
    pub fn ack_cumulative(&self, r: &LeaseRef<'_>, now_ms: i64) -> Result<u64> {
        let LeaseRef {
            topic,
            group,
            owner,
            partition,
            offset,
        } = *r;
        self.with_group(topic, group, now_ms, |t, g, records| {
            let name = t.meta.name.clone();
            let gp = g.partitions.get_mut(partition as usize).ok_or_else(|| {
                BrokerError::PartitionOutOfRange {
                    topic: name.clone(),
                    partition,
                    partitions: t.partition_count(),
                }
            })?;
            if offset < gp.floor {
                return Ok(0);
            }
            let mut offsets = Vec::new();
            let mut scopes = Vec::new();
            for o in gp.floor..=offset {
                if gp.acked.contains(&o) {
                    continue;
                }
                match gp.inflight.get(&o) {
                    Some(l) if l.owner == owner => {
                        offsets.push(o);
                        scopes.extend(l.scope.clone());
                    }
                    Some(l) => {
                        return Err(BrokerError::WrongOwner {
                            topic: name,
                            partition,
                            offset: o,
                            holder: l.owner.clone(),
                            owner: owner.to_owned(),
                        });
                    }
                    None => {
                        return Err(BrokerError::NotInflight {
                            topic: name,
                            partition,
                            offset: o,
                            why: "the range is not fully in flight",
                        });
                    }
                }
            }
            let n = offsets.len() as u64;
            if n > 0 {
                records.push(StateRecord::Acked {
                    topic: name,
                    group: group.to_owned(),
                    partition,
                    offsets,
                    scopes,
                    skipped: false,
                });
            }
            Ok(n)
        })
    }

    /// Fails one delivery: the message is redelivered after its backoff (or `delay_ms`), or goes
    /// to the DLQ when it has used its attempts.
    pub fn nack(
        &self,
        r: &LeaseRef<'_>,
        reason: &str,
        delay_ms: Option<u64>,
        now_ms: i64,
    ) -> Result<()> {
        let action = delay_ms.map_or(NackAction::Retry, NackAction::RetryAfter);
        self.nack_with(r, reason, action, now_ms)
    }

    /// Fails one delivery and asks for what comes next (see [`NackAction`]). Dead-lettering a
    /// message of a `dlq.*` topic is refused: it is there already (ack it to drop it, or replay
    /// it).
    pub fn nack_with(
        &self,
        r: &LeaseRef<'_>,
        reason: &str,
        action: NackAction,
        now_ms: i64,
    ) -> Result<()> {
        let LeaseRef {
            topic,
            group,
            owner,
            partition,
            offset,
        } = *r;
        let reason = if reason.trim().is_empty() {
            "nack"
        } else {
            cut_reason(reason)
        };
        let t = self.topic(topic)?;
        if action == NackAction::DeadLetter && t.is_dlq() {
            return Err(BrokerError::InvalidArgument(format!(
                "{topic} is a dead-letter topic already: ack the message to drop it, or replay it"
            )));
        }
        let _snap = read(&self.snapshot);
        let appended = {
            let mut groups = lock(&t.groups);
            let g = groups
                .get_mut(group)
                .ok_or_else(|| group_not_found(topic, group))?;
            let gp = Self::check_owner(&t, g, partition, offset, owner)?;
            let lease = gp.inflight.get(&offset).cloned();
            let mut records = Vec::new();
            let mut dead_letters = Vec::new();
            if let Some(lease) = lease {
                self.fail_delivery(
                    &t,
                    group,
                    partition,
                    offset,
                    &lease,
                    FailCause::Nack,
                    reason,
                    action,
                    now_ms,
                    &mut records,
                    &mut dead_letters,
                )?;
            }
            Self::wait_dead_letters(&dead_letters)?;
            for rec in &records {
                self.apply_group_record(&t, &mut groups, rec, now_ms);
            }
            t.refresh_min_floors(&groups);
            self.log_state(&records, now_ms)?
        };
        self.wait_state(appended)
    }

    /// Extends a lease held by `owner` to `now + lease_ms`; returns the new deadline.
    pub fn extend(&self, r: &LeaseRef<'_>, lease_ms: i64, now_ms: i64) -> Result<i64> {
        let LeaseRef {
            topic,
            group,
            owner,
            partition,
            offset,
        } = *r;
        check_lease(lease_ms)?;
        self.with_group(topic, group, now_ms, |t, g, _| {
            let gp = Self::check_owner(t, g, partition, offset, owner)?;
            let deadline = now_ms.saturating_add(lease_ms);
            if let Some(l) = gp.inflight.get_mut(&offset) {
                l.deadline_ms = deadline;
            }
            Ok(deadline)
        })
    }

    /// Builds the record for a failed delivery (and appends the DLQ copy when attempts are used
    /// up, adding it to `dead_letters`). The caller waits for `dead_letters` to be durable
    /// ([`Self::wait_dead_letters`]) before it logs the records, then applies them.
    #[expect(
        clippy::too_many_arguments,
        reason = "internal step of a locked operation; the arguments are its context"
    )]
    fn fail_delivery(
        &self,
        t: &Topic,
        group: &str,
        partition: u32,
        offset: u64,
        lease: &Lease,
        cause: FailCause,
        error: &str,
        action: NackAction,
        now_ms: i64,
        records: &mut Vec<StateRecord>,
        dead_letters: &mut Vec<(Arc<PartitionLog>, Appended)>,
    ) -> Result<()> {
        let policy = lease.policy;
        let used_up = action == NackAction::DeadLetter
            || (policy.max_attempts > 0 && lease.attempts >= policy.max_attempts);
        if used_up && !t.is_dlq() {
            let mut errors = lease.errors.clone();
            push_error(&mut errors, error.to_owned());
            let (dlq_partition, dlq_offset) = self.write_dead_letter(
                t,
                group,
                partition,
                offset,
                lease.attempts,
                errors,
                now_ms,
                dead_letters,
            )?;
            records.push(StateRecord::DeadLettered {
                topic: t.meta.name.clone(),
                group: group.to_owned(),
                partition,
                offset,
                attempts: lease.attempts,
                dlq_partition,
                dlq_offset,
                // The consumer's word wins when it asked at the last attempt too.
                cause: if action == NackAction::DeadLetter {
                    DeadLetterCause::Nack
                } else {
                    DeadLetterCause::AttemptsUsedUp
                },
            });
            return Ok(());
        }
        let backoff = match action {
            NackAction::RetryAfter(ms) => ms,
            NackAction::Retry | NackAction::DeadLetter => {
                let b = policy.backoff_ms(lease.attempts);
                b + jitter_ms(b, partition, offset, lease.attempts)
            }
        };
        records.push(StateRecord::Failed {
            topic: t.meta.name.clone(),
            group: group.to_owned(),
            partition,
            offset,
            attempts: lease.attempts,
            next_eligible_ms: now_ms.saturating_add(as_i64(backoff)),
            error: error.to_owned(),
            cause,
            exhausted: used_up,
        });
        Ok(())
    }

    /// Appends a copy of a message to `dlq.<topic>` (created on demand with the source's
    /// partition count) and adds it to `dead_letters`: the copy must be durable before the
    /// source group may count the message done, so the caller waits for all of an operation's
    /// copies at once — one group commit, not one fdatasync per message under the groups lock.
    #[expect(
        clippy::too_many_arguments,
        reason = "internal step of a locked operation; the arguments are its context"
    )]
    fn write_dead_letter(
        &self,
        t: &Topic,
        group: &str,
        partition: u32,
        offset: u64,
        attempts: u32,
        errors: Vec<String>,
        now_ms: i64,
        dead_letters: &mut Vec<(Arc<PartitionLog>, Appended)>,
    ) -> Result<(u32, u64)> {
        let part = t.partition(partition)?;
        let stored = part
            .log
            .read(offset, 1, usize::MAX)?
            .into_iter()
            .find(|s| s.offset == offset)
            .ok_or_else(|| {
                BrokerError::Conflict(format!(
                    "message {offset} of {}/{partition} is gone (retention)",
                    t.meta.name
                ))
            })?;
        let dlq_name = dlq_topic_for(&t.meta.name);
        let dlq = match self.topic(&dlq_name) {
            Ok(d) => d,
            Err(_) => {
                let meta = TopicMeta {
                    name: dlq_name.clone(),
                    partitions: t.partition_count(),
                    retention_age_ms: None,
                    retention_bytes: None,
                    retry: None,
                    ordering: TopicOrdering::None,
                };
                let mut topics = write(&self.topics);
                if let Some(d) = topics.get(&dlq_name) {
                    Arc::clone(d)
                } else {
                    // As in `create_topic`: no leftover of an interrupted delete leaks in.
                    remove_topic_dir(
                        &self.config.data_dir.join("topics").join(&dlq_name),
                        self.config.fs_watch.as_ref(),
                    );
                    // Files first, record second, as `create_topic` does: a partition the
                    // state log knows always has its directory.
                    let d = self.open_topic(meta.clone())?;
                    let appended = self.log_state(&[StateRecord::TopicCreated(meta)], now_ms)?;
                    self.wait_state(appended)?;
                    topics.insert(dlq_name.clone(), Arc::clone(&d));
                    d
                }
            }
        };
        let mut meta = MessageMeta::decode(stored.record.metadata.as_deref()).unwrap_or_default();
        meta.dlq = Some(DlqOrigin {
            topic: t.meta.name.clone(),
            group: group.to_owned(),
            partition,
            offset,
            attempts,
            errors,
            routed_at_ms: now_ms,
        });
        meta.replay = None;
        meta.deliver_at_ms = None;
        let dlq_partition = partition % dlq.partition_count().max(1);
        let record = Record {
            timestamp: now_ms,
            key: stored.record.key,
            headers: stored.record.headers,
            value: stored.record.value,
            metadata: meta.encode(),
        };
        let dpart = dlq.partition(dlq_partition)?;
        let a = dpart
            .log
            .append_deferred(std::slice::from_ref(&record), now_ms)?;
        dead_letters.push((Arc::clone(&dpart.log), a));
        dpart.produced_messages.fetch_add(1, Ordering::Relaxed);
        dpart
            .produced_bytes
            .fetch_add(record.value.len() as u64, Ordering::Relaxed);
        tracing::info!(topic = %t.meta.name, group, partition, offset, attempts, dlq = %dlq_name, "message dead-lettered");
        Ok((dlq_partition, a.base_offset))
    }

    /// Moves a group's position (all partitions, or one) to `to`. Refused while the group holds
    /// leases, unless `force`. Returns (partition, old floor, new floor).
    pub fn seek(
        &self,
        topic: &str,
        group: &str,
        partition: Option<u32>,
        to: SeekTo,
        force: bool,
        now_ms: i64,
    ) -> Result<Vec<(u32, u64, u64)>> {
        validate_group_name(group)?;
        let t = self.topic(topic)?;
        if let Some(p) = partition {
            t.partition(p)?;
        }
        let _snap = read(&self.snapshot);
        let (moves, appended) = {
            let mut groups = lock(&t.groups);
            if let Some(rec) = self.create_group_if_missing(&t, &mut groups, group, now_ms) {
                let a = self.log_state(&[rec], now_ms)?;
                self.wait_state(a)?;
            }
            let g = groups
                .get_mut(group)
                .ok_or_else(|| group_not_found(topic, group))?;
            let targets: Vec<u32> =
                partition.map_or_else(|| (0..t.partition_count()).collect(), |p| vec![p]);
            let held: usize = targets
                .iter()
                .filter_map(|p| g.partitions.get(*p as usize))
                .map(|gp| gp.inflight.len())
                .sum();
            if held > 0 && !force {
                return Err(BrokerError::Conflict(format!(
                    "group {group} holds {held} lease{} on {topic}; wait until they are settled or expire, or force the seek (`driftq group seek --force`, `\"force\": true`)",
                    if held == 1 { "" } else { "s" }
                )));
            }
            let mut records = Vec::new();
            let mut moves = Vec::new();
            for p in targets {
                let part = t.partition(p)?;
                let (low, hw) = (part.log.low_watermark(), part.log.high_watermark());
                let floor = match to {
                    SeekTo::Start => low,
                    SeekTo::End => hw,
                    SeekTo::Offset(o) => o.clamp(low, hw),
                    SeekTo::Timestamp(ts) => part.log.offset_for_timestamp(ts)?.clamp(low, hw),
                };
                let old = g.partitions.get(p as usize).map_or(0, |gp| gp.floor);
                moves.push((p, old, floor));
                records.push(StateRecord::Seek {
                    topic: topic.to_owned(),
                    group: group.to_owned(),
                    partition: p,
                    floor,
                    cause: SeekCause::User,
                });
            }
            for rec in &records {
                self.apply_group_record(&t, &mut groups, rec, now_ms);
            }
            t.refresh_min_floors(&groups);
            (moves, self.log_state(&records, now_ms)?)
        };
        self.wait_state(appended)?;
        Ok(moves)
    }

    /// Deletes a consumer group of `topic`: its positions, retries and counters. Refused while
    /// it holds leases or was polled within the last 30 s unless `force` (the
    /// leases then end with it; their consumers' acks fail).
    /// A consumer that later uses the name starts a new group at the beginning, like any new
    /// group. Returns how many leases were dropped.
    pub fn delete_group(
        &self,
        topic: &str,
        group: &str,
        force: bool,
        now_ms: i64,
    ) -> Result<usize> {
        let t = self.topic(topic)?;
        let _snap = read(&self.snapshot);
        let (dropped, appended) = {
            let mut groups = lock(&t.groups);
            let g = groups
                .get(group)
                .ok_or_else(|| group_not_found(topic, group))?;
            let held: usize = g.partitions.iter().map(|gp| gp.inflight.len()).sum();
            if held > 0 && !force {
                return Err(BrokerError::Conflict(format!(
                    "group {group} holds {held} lease{} on {topic}; wait until they are settled or expire, or force the delete (`driftq group delete --force`, `?force=true`)",
                    if held == 1 { "" } else { "s" }
                )));
            }
            // A consumer that polls again after the delete starts a new group at the beginning
            // and is handed everything again: with consumers still polling, refuse (as Kafka
            // refuses to delete a group with members).
            if let Some((at, owner)) = &g.last_poll
                && now_ms.saturating_sub(*at) < ACTIVE_GROUP_WINDOW_MS
                && !force
            {
                return Err(BrokerError::Conflict(format!(
                    "group {group} of {topic} was polled {} ms ago by {owner}: stop its consumers first (one that polls again starts over from the beginning), or force the delete",
                    now_ms.saturating_sub(*at)
                )));
            }
            let rec = StateRecord::GroupDeleted {
                topic: topic.to_owned(),
                group: group.to_owned(),
            };
            self.apply_group_record(&t, &mut groups, &rec, now_ms);
            // The group no longer holds producers back.
            t.refresh_min_floors(&groups);
            (held, self.log_state(&[rec], now_ms)?)
        };
        self.wait_state(appended)?;
        Ok(dropped)
    }

    // ---- timers -------------------------------------------------------------------------

    /// Expires leases, applies retention, expires idempotency keys and snapshots the state log
    /// when due. The owner calls it on a timer (every 100–250 ms is plenty).
    pub fn tick(&self, now_ms: i64) -> Result<TickReport> {
        let mut report = TickReport::default();
        let topics: Vec<Arc<Topic>> = read(&self.topics).values().cloned().collect();
        for t in &topics {
            if t.deleted.load(Ordering::Acquire) {
                continue;
            }
            // Retention first, so expired leases of deleted messages are not dead-lettered.
            let retention = *lock(&t.retention);
            if retention != Retention::default() {
                for part in t.parts().iter() {
                    // As Kafka does: an active segment whose newest record has aged past
                    // retention is sealed so retention can delete it. Without this a quiet
                    // topic, which never fills a segment, kept everything forever.
                    if let Some(age) = retention.age_ms {
                        let expired = part
                            .log
                            .active_max_timestamp()
                            .is_some_and(|newest| now_ms.saturating_sub(newest) > age);
                        if expired {
                            part.log.roll_segment()?;
                        }
                    }
                    let r = part
                        .log
                        .apply_retention(now_ms, retention.age_ms, retention.bytes)?;
                    report.segments_deleted += r.segments_deleted as u64;
                }
            }
            let _snap = read(&self.snapshot);
            let appended = {
                let mut groups = lock(&t.groups);
                let mut records = skips_past_deleted(t, &groups, &mut report.skipped_by_retention);
                let mut dead_letters = Vec::new();
                for (name, g) in groups.iter() {
                    for (p, gp) in g.partitions.iter().enumerate() {
                        for (offset, lease) in
                            gp.inflight.iter().filter(|(_, l)| l.deadline_ms <= now_ms)
                        {
                            report.leases_expired += 1;
                            let before = records.len();
                            self.fail_delivery(
                                t,
                                name,
                                p as u32,
                                *offset,
                                lease,
                                FailCause::LeaseExpired,
                                LEASE_EXPIRED_ERROR,
                                NackAction::Retry,
                                now_ms,
                                &mut records,
                                &mut dead_letters,
                            )?;
                            if matches!(records.get(before), Some(StateRecord::DeadLettered { .. }))
                            {
                                report.dead_lettered += 1;
                            }
                        }
                    }
                }
                Self::wait_dead_letters(&dead_letters)?;
                for rec in &records {
                    self.apply_group_record(t, &mut groups, rec, now_ms);
                }
                for g in groups.values_mut() {
                    g.committed_scopes.retain(|_, exp| *exp > now_ms);
                }
                t.refresh_min_floors(&groups);
                self.log_state(&records, now_ms)?
            };
            self.wait_state(appended)?;
        }
        lock(&self.producer_keys).retain(
            |_, k| !matches!(k, ProducerKey::Committed { expires_ms, .. } if *expires_ms <= now_ms),
        );
        if self.records_since_snapshot.load(Ordering::Relaxed) >= self.config.snapshot_every {
            self.write_snapshot(now_ms)?;
            report.snapshot_written = true;
        }
        Ok(report)
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

    /// Writes the whole state as one record at the start of a fresh state-log segment, then
    /// deletes the segments before it: a restart replays only from there.
    pub fn write_snapshot(&self, now_ms: i64) -> Result<()> {
        let _exclusive = write(&self.snapshot);
        let snap = self.build_snapshot();
        self.state_log.roll_segment()?;
        let appended = self.log_state(&[StateRecord::Snapshot(Box::new(snap))], now_ms)?;
        self.wait_state(appended)?;
        if let Some(a) = appended {
            self.state_log.delete_before(a.base_offset)?;
        }
        self.records_since_snapshot.store(0, Ordering::Relaxed);
        tracing::info!("state snapshot written");
        Ok(())
    }

    fn build_snapshot(&self) -> state::Snapshot {
        let mut snap = state::Snapshot::default();
        for t in read(&self.topics).values() {
            snap.topics.push(t.current_meta());
            for (name, g) in lock(&t.groups).iter() {
                snap.groups.push(state::GroupSnapshot {
                    topic: t.meta.name.clone(),
                    group: name.clone(),
                    partitions: g.partitions.iter().map(GroupPartition::snapshot).collect(),
                    committed_keys: g
                        .committed_scopes
                        .iter()
                        .map(|(k, v)| (k.clone(), *v))
                        .collect(),
                });
            }
        }
        for (scope, k) in lock(&self.producer_keys).iter() {
            if let ProducerKey::Committed {
                partition,
                offset,
                expires_ms,
            } = k
            {
                snap.producer_keys
                    .push((scope.clone(), *partition, *offset, *expires_ms));
            }
        }
        snap.producer_keys.sort();
        snap.replayed = lock(&self.replayed)
            .iter()
            .map(|((t, p, o), m)| (t.clone(), *p, *o, *m))
            .collect();
        snap
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

    // ---- DLQ ----------------------------------------------------------------------------

    /// The DLQ topic of `topic` (`jobs` or `dlq.jobs`), or `None` while nothing has been
    /// dead-lettered from it: a DLQ is created by its first message, so its absence is an empty
    /// DLQ when the source topic exists, and the source's absence is what to report otherwise.
    fn dlq_of(&self, topic: &str) -> Result<(String, Option<Arc<Topic>>)> {
        let dlq_name = dlq_topic_for(topic);
        match self.topic(&dlq_name) {
            Ok(t) => Ok((dlq_name, Some(t))),
            Err(BrokerError::TopicNotFound(_)) => {
                self.topic(&dlq_name[DLQ_PREFIX.len()..])?;
                Ok((dlq_name, None))
            }
            Err(e) => Err(e),
        }
    }

    /// Messages of the DLQ of `topic` (`jobs` or `dlq.jobs`), oldest first, from every partition.
    pub fn dlq_peek(&self, topic: &str, max: usize) -> Result<Vec<DlqMessage>> {
        let (dlq_name, t) = self.dlq_of(topic)?;
        let Some(t) = t else { return Ok(Vec::new()) };
        let replayed = lock(&self.replayed).clone();
        let mut out = Vec::new();
        let mut bytes = 0;
        for (p, part) in t.parts().iter().enumerate() {
            let mut next = part.log.low_watermark();
            while out.len() < max && bytes < REPLY_BYTES && next < part.log.high_watermark() {
                let batch = part.log.read(next, 1024, 8 << 20)?;
                let Some(last) = batch.last() else { break };
                next = last.offset + 1;
                for s in batch {
                    if out.len() >= max || bytes >= REPLY_BYTES {
                        break;
                    }
                    bytes += s.record.value.len() + s.record.key.as_ref().map_or(0, Vec::len);
                    let moved = replayed
                        .get(&(dlq_name.clone(), p as u32, s.offset))
                        .copied();
                    out.push(DlqMessage {
                        message: Self::to_message(&dlq_name, p as u32, s),
                        replayed: moved.is_some(),
                        moved: moved.unwrap_or(false),
                    });
                }
            }
        }
        out.sort_by_key(|m| {
            (
                m.message.timestamp_ms,
                m.message.partition,
                m.message.offset,
            )
        });
        Ok(out)
    }

    /// Replays DLQ messages back to their origin (or `to`). Returns what moved, or with
    /// `dry_run` what would.
    pub fn dlq_replay(&self, req: &ReplayRequest, now_ms: i64) -> Result<Vec<ReplayItem>> {
        let (dlq_name, t) = self.dlq_of(&req.topic)?;
        if let (Some(t), Some(p)) = (&t, req.partition) {
            t.partition(p)?;
        }
        if let Some(to) = &req.to {
            self.topic(to)?;
            if *to == dlq_name {
                return Err(BrokerError::InvalidArgument(format!(
                    "cannot replay {dlq_name} into itself: name the topic the messages should go back to"
                )));
            }
        }
        if let (Some(since), Some(until)) = (req.since_ms, req.until_ms)
            && since > until
        {
            return Err(BrokerError::InvalidArgument(
                "the time range ends before it starts (since is after until)".into(),
            ));
        }
        let Some(t) = t else { return Ok(Vec::new()) };
        let replayed = lock(&self.replayed).clone();
        let limit = req.limit.unwrap_or(usize::MAX);
        let mut selected: Vec<Message> = Vec::new();
        'parts: for (p, part) in t.parts().iter().enumerate() {
            if req.partition.is_some_and(|x| x as usize != p) {
                continue;
            }
            let mut next = part.log.low_watermark().max(req.offsets.map_or(0, |r| r.0));
            let end = part
                .log
                .high_watermark()
                .min(req.offsets.map_or(u64::MAX, |r| r.1.saturating_add(1)));
            while next < end {
                let batch = part.log.read(next, 1024, 8 << 20)?;
                let Some(last) = batch.last() else { break };
                next = last.offset + 1;
                for s in batch {
                    if selected.len() >= limit {
                        break 'parts;
                    }
                    // The offset range is per partition: past its end, go on with the next one.
                    if s.offset >= end {
                        continue 'parts;
                    }
                    if !req.include_replayed
                        && replayed.contains_key(&(dlq_name.clone(), p as u32, s.offset))
                    {
                        continue;
                    }
                    let m = Self::to_message(&dlq_name, p as u32, s);
                    if replay_matches(req, &m) {
                        selected.push(m);
                    }
                }
            }
        }
        let mut items = Vec::new();
        let mut done: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
        for m in selected {
            let origin = m.meta.dlq.clone().unwrap_or_default();
            let target = req.to.clone().unwrap_or_else(|| {
                if origin.topic.is_empty() {
                    req.topic.trim_start_matches(DLQ_PREFIX).to_owned()
                } else {
                    origin.topic.clone()
                }
            });
            let mut item = ReplayItem {
                dlq_topic: dlq_name.clone(),
                dlq_partition: m.partition,
                dlq_offset: m.offset,
                target_topic: target.clone(),
                produced: None,
                error: None,
            };
            if !req.dry_run {
                let msg = ProduceMessage {
                    key: m.key.clone(),
                    headers: m.headers.clone(),
                    value: m.value.clone(),
                    envelope: None,
                    partition: Some(origin.partition),
                    delay_ms: None,
                };
                match self.produce_replayed(&target, msg, &m, now_ms) {
                    Ok(p) => {
                        done.entry(m.partition).or_default().push(m.offset);
                        item.produced = Some(p);
                    }
                    Err(e) => item.error = Some(e.to_string()),
                }
            }
            items.push(item);
        }
        if !done.is_empty() {
            let records: Vec<StateRecord> = done
                .into_iter()
                .map(|(partition, offsets)| StateRecord::Replayed {
                    dlq_topic: dlq_name.clone(),
                    partition,
                    offsets,
                    moved: !req.copy,
                })
                .collect();
            let _snap = read(&self.snapshot);
            let appended = {
                let mut r = lock(&self.replayed);
                for rec in &records {
                    if let StateRecord::Replayed {
                        dlq_topic,
                        partition,
                        offsets,
                        moved,
                    } = rec
                    {
                        for o in offsets {
                            r.insert((dlq_topic.clone(), *partition, *o), *moved);
                        }
                    }
                }
                self.log_state(&records, now_ms)?
            };
            self.wait_state(appended)?;
        }
        Ok(items)
    }

    fn produce_replayed(
        &self,
        target: &str,
        msg: ProduceMessage,
        dlq_msg: &Message,
        now_ms: i64,
    ) -> Result<Produced> {
        let t = self.topic(target)?;
        let partition = msg
            .partition
            .filter(|p| *p < t.partition_count())
            .unwrap_or_else(|| match msg.key.as_deref() {
                Some(k) if !k.is_empty() => key_partition(k, t.partition_count()),
                _ => 0,
            });
        let part = t.partition(partition)?;
        let mut meta = dlq_msg.meta.clone();
        meta.dlq = None;
        meta.replay = Some(ReplayMark {
            dlq_topic: dlq_msg.topic.clone(),
            partition: dlq_msg.partition,
            offset: dlq_msg.offset,
        });
        let record = Record {
            timestamp: now_ms,
            key: msg.key,
            headers: msg.headers,
            value: msg.value,
            metadata: meta.encode(),
        };
        let a = part.log.append(std::slice::from_ref(&record), now_ms)?;
        part.produced_messages.fetch_add(1, Ordering::Relaxed);
        part.produced_bytes
            .fetch_add(record.value.len() as u64, Ordering::Relaxed);
        Ok(Produced {
            topic: target.to_owned(),
            partition,
            offset: a.base_offset,
            duplicate: false,
        })
    }

    // ---- stats --------------------------------------------------------------------------

    /// One consistent-enough snapshot of everything the CLI and dashboard show. Cheap: no
    /// message is read except the oldest unacked one per (group, partition) with lag.
    #[must_use]
    pub fn stats(&self, now_ms: i64) -> Stats {
        let topics: Vec<Arc<Topic>> = read(&self.topics).values().cloned().collect();
        let replayed = lock(&self.replayed).clone();
        let mut out = Stats {
            now_ms,
            topics: Vec::new(),
            groups: Vec::new(),
            dlq: Vec::new(),
            router_errors: self.router_errors.load(Ordering::Relaxed),
            last_router_error: lock(&self.last_router_error).clone(),
        };
        for t in &topics {
            let retention = *lock(&t.retention);
            let groups = lock(&t.groups);
            let parts = t.parts();
            out.topics.push(TopicStats {
                name: t.meta.name.clone(),
                partitions: parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PartitionStats {
                        partition: i as u32,
                        low_watermark: p.log.low_watermark(),
                        high_watermark: p.log.high_watermark(),
                        bytes: p.log.size_bytes(),
                        segments: p.log.segments().len(),
                        produced_messages: p.produced_messages.load(Ordering::Relaxed),
                        produced_bytes: p.produced_bytes.load(Ordering::Relaxed),
                    })
                    .collect(),
                retention_age_ms: retention.age_ms,
                retention_bytes: retention.bytes,
                retry: *lock(&t.retry),
                ordering: t.ordering(),
                groups: groups.keys().cloned().collect(),
            });
            for (name, g) in groups.iter() {
                // Under the groups lock a group has exactly the topic's partitions.
                let partitions = g
                    .partitions
                    .iter()
                    .zip(parts.iter())
                    .enumerate()
                    .map(|(i, (gp, part))| {
                        let log = &part.log;
                        let hw = log.high_watermark();
                        let lag = gp.lag(hw);
                        let oldest = if lag > 0 {
                            log.read(gp.floor, 1, usize::MAX).ok().and_then(|v| {
                                v.first()
                                    .map(|r| now_ms.saturating_sub(r.record.timestamp).max(0))
                            })
                        } else {
                            None
                        };
                        GroupPartitionStats {
                            partition: i as u32,
                            floor: gp.floor,
                            high_watermark: hw,
                            lag,
                            ready: gp.ready(hw, now_ms),
                            inflight: gp.inflight.len() as u64,
                            waiting_retry: gp
                                .retries
                                .values()
                                .filter(|e| e.next_eligible_ms > now_ms)
                                .count() as u64,
                            delayed: gp.delayed_not_due(now_ms),
                            blocked_by_key: gp.key_blocked(),
                            oldest_unacked_age_ms: oldest,
                            counters: gp.counters,
                        }
                    })
                    .collect();
                out.groups.push(GroupStats {
                    topic: t.meta.name.clone(),
                    group: name.clone(),
                    partitions,
                    last_poll_age_ms: g.last_poll.as_ref().map(|(at, _)| now_ms - at),
                    last_owner: g.last_poll.as_ref().map(|(_, owner)| owner.clone()),
                    consumers: g.consumer_stats(now_ms),
                });
            }
            if t.is_dlq() {
                let total: u64 = t
                    .parts()
                    .iter()
                    .map(|p| p.log.high_watermark() - p.log.low_watermark())
                    .sum();
                let mine = replayed.iter().filter(|((n, _, _), _)| n == &t.meta.name);
                let (mut moved, mut count) = (0u64, 0u64);
                for ((_, p, o), m) in mine {
                    count += 1;
                    // A moved message that retention or a purge has deleted since is no
                    // longer in `total` either.
                    let stored = t
                        .parts()
                        .get(*p as usize)
                        .is_some_and(|part| *o >= part.log.low_watermark());
                    moved += u64::from(*m && stored);
                }
                out.dlq.push(DlqStats {
                    source_topic: t.meta.name.trim_start_matches(DLQ_PREFIX).to_owned(),
                    dlq_topic: t.meta.name.clone(),
                    depth: total.saturating_sub(moved),
                    replayed: count,
                });
            }
        }
        out
    }

    /// Leases a group holds on a topic, by partition and offset.
    pub fn inflight(&self, topic: &str, group: &str) -> Result<Vec<InflightInfo>> {
        let t = self.topic(topic)?;
        let groups = lock(&t.groups);
        let g = groups
            .get(group)
            .ok_or_else(|| group_not_found(topic, group))?;
        Ok(g.partitions
            .iter()
            .enumerate()
            .flat_map(|(p, gp)| {
                gp.inflight.iter().map(move |(o, l)| InflightInfo {
                    partition: p as u32,
                    offset: *o,
                    owner: l.owner.clone(),
                    attempts: l.attempts,
                    lease_deadline_ms: l.deadline_ms,
                    last_error: l.errors.last().cloned(),
                })
            })
            .collect())
    }

    /// Group names per topic.
    #[must_use]
    pub fn list_groups(&self) -> Vec<(String, String)> {
        // Release the topic map before taking group locks: a tick holding a group lock may need
        // the map to create a DLQ topic (lock order: topics are never held across groups).
        let topics: Vec<Arc<Topic>> = read(&self.topics).values().cloned().collect();
        topics
            .iter()
            .flat_map(|t| {
                lock(&t.groups)
                    .keys()
                    .map(|g| (t.meta.name.clone(), g.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Seek records that move every group of `t` still behind a partition's first stored offset up
/// to it (retention or a purge deleted what was below); adds the messages they skip to
/// `skipped`.
fn skips_past_deleted(
    t: &Topic,
    groups: &BTreeMap<String, Group>,
    skipped: &mut u64,
) -> Vec<StateRecord> {
    let mut records = Vec::new();
    for (name, g) in groups {
        for (p, gp) in g.partitions.iter().enumerate() {
            let Some(part) = t.parts().get(p).cloned() else {
                continue;
            };
            let low = part.log.low_watermark();
            if gp.floor < low {
                let high = part.log.high_watermark();
                *skipped += gp.lag(high).saturating_sub(high.saturating_sub(low));
                records.push(StateRecord::Seek {
                    topic: t.meta.name.clone(),
                    group: name.clone(),
                    partition: p as u32,
                    floor: low,
                    cause: SeekCause::Retention,
                });
            }
        }
    }
    records
}

fn validate_retention(age_ms: Option<i64>, bytes: Option<u64>) -> Result<()> {
    if age_ms.is_some_and(|a| a <= 0) {
        return Err(BrokerError::InvalidArgument(
            "retention age must be positive".into(),
        ));
    }
    if bytes == Some(0) {
        return Err(BrokerError::InvalidArgument(
            "retention bytes must be positive".into(),
        ));
    }
    Ok(())
}

/// A group polled within this long has consumers (a stream polls every 250 ms; a pull consumer
/// waits at most 30 s per poll).
const ACTIVE_GROUP_WINDOW_MS: i64 = 30_000;

/// Per-call memory of a produce: the sticky partition of keyless messages per topic, and the
/// backlog per (topic, partition).
#[derive(Default)]
struct ProduceCall {
    /// Every topic this call has looked up, with its partitions as the call first saw them.
    /// Most calls name one topic and every message after the first finds both here without
    /// taking a lock; holding them also keeps their addresses (the keys below) from being
    /// reused while the call runs.
    topics: Vec<(Arc<Topic>, Partitions)>,
    /// Sticky partition per topic, keyed by the topic's address: no name cloned or hashed per
    /// message.
    sticky: HashMap<usize, u32>,
    backlog: HashMap<(usize, u32), Backlog>,
    /// Idempotency scopes this call writes → the index of the message that writes it.
    scopes: HashMap<String, usize>,
}

/// What one produce call counts against a partition's backpressure limits.
#[derive(Default)]
struct Backlog {
    /// Bytes stored behind the slowest group, once looked up.
    stored_bytes: Option<u64>,
    /// Messages (and their key + value bytes) this call will write to the partition.
    planned_msgs: u64,
    planned_bytes: u64,
}

impl ProduceCall {
    /// The index of `name` in [`Self::topics`], looked up once per call.
    fn topic(&mut self, broker: &Broker, name: &str) -> Result<usize> {
        if let Some(i) = self.topics.iter().position(|(t, _)| t.meta.name == name) {
            return Ok(i);
        }
        let t = broker.topic(name)?;
        let parts = t.parts();
        self.topics.push((t, parts));
        Ok(self.topics.len() - 1)
    }
}

/// A topic's identity within one produce call (see [`ProduceCall::topics`]).
fn topic_key(topic: &Arc<Topic>) -> usize {
    Arc::as_ptr(topic) as usize
}

enum PlanOutcome {
    Duplicate(Produced),
    /// The same idempotency key as an earlier message of this call (its index): stored once,
    /// answered with that message's position.
    DuplicateInCall(usize),
    Write {
        topic: Arc<Topic>,
        partition: u32,
        record: Record,
        scope: Option<String>,
    },
}

fn replay_matches(req: &ReplayRequest, m: &Message) -> bool {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if req.since_ms.is_some_and(|s| m.timestamp_ms < s)
        || req.until_ms.is_some_and(|u| m.timestamp_ms > u)
    {
        return false;
    }
    if let Some(g) = &req.key_glob
        && !m.key.as_deref().is_some_and(|k| glob_match(g, &text(k)))
    {
        return false;
    }
    if let Some((name, g)) = &req.header_glob
        && !m
            .headers
            .iter()
            .any(|(n, v)| n == name && glob_match(g, &text(v)))
    {
        return false;
    }
    if let Some(g) = &req.error_glob {
        let errors = m
            .meta
            .dlq
            .as_ref()
            .map(|d| d.errors.clone())
            .unwrap_or_default();
        if !errors.iter().any(|e| glob_match(g, e)) {
            return false;
        }
    }
    true
}

fn storage_io(context: String, e: std::io::Error) -> BrokerError {
    BrokerError::Storage(StorageError::Io { context, source: e })
}

fn check_format_file(dir: &Path, watch: Option<&crate::storage::FsWatch>) -> Result<()> {
    let path = dir.join(FORMAT_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim() == FORMAT_LINE => Ok(()),
        Ok(text) => Err(BrokerError::InvalidArgument(format!(
            "{} says {:?}; this build reads {FORMAT_LINE:?}",
            path.display(),
            text.trim()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::storage::log::rewrite_file_watched(
                dir,
                &path,
                format!("{FORMAT_LINE}\n").as_bytes(),
                watch,
            )?;
            Ok(())
        }
        Err(e) => Err(storage_io(format!("read {}", path.display()), e)),
    }
}

/// What the first pass of a replay learns: for each topic name, the state-log offset of its
/// last opening (a `TopicCreated`, or a snapshot that lists it) and of its last deletion.
#[derive(Debug, Default)]
struct ReplayPlan {
    last_opened: HashMap<String, u64>,
    last_deleted: HashMap<String, u64>,
}

impl ReplayPlan {
    /// Keys ([`StateRecord::type_name`]) of the records [`Self::note`] looks at.
    const TOPIC_RECORDS: [&'static [u8]; 3] = [b"TopicCreated", b"TopicDeleted", b"Snapshot"];

    fn note(&mut self, offset: u64, rec: &StateRecord) {
        match rec {
            StateRecord::TopicCreated(meta) => {
                self.last_opened.insert(meta.name.clone(), offset);
            }
            StateRecord::Snapshot(snap) => {
                for meta in &snap.topics {
                    self.last_opened.insert(meta.name.clone(), offset);
                }
            }
            StateRecord::TopicDeleted { name } => {
                self.last_deleted.insert(name.clone(), offset);
            }
            _ => {}
        }
    }

    /// Whether the topic `name` opened at `offset` is the one that exists when replay ends:
    /// nothing opens or deletes that name later.
    fn survives(&self, name: &str, offset: u64) -> bool {
        self.last_opened.get(name) == Some(&offset)
            && self.last_deleted.get(name).is_none_or(|d| *d < offset)
    }

    /// Whether `name` is opened again after `offset`.
    fn created_after(&self, name: &str, offset: u64) -> bool {
        self.last_opened.get(name).is_some_and(|o| *o > offset)
    }
}

/// Removes a deleted topic's directory. A power loss before the parent's fsync may bring the
/// directory back; that is safe: the state log records the delete, and replay removes a
/// directory no surviving incarnation owns (see `ReplayPlan`).
fn remove_topic_dir(dir: &Path, watch: Option<&crate::storage::FsWatch>) {
    if dir.exists() {
        crate::storage::log::tell(watch, crate::storage::FsEvent::Removing(dir));
        if let Err(e) = std::fs::remove_dir_all(dir) {
            tracing::error!(dir = %dir.display(), error = %e, "could not remove a deleted topic's directory");
        } else if let Some(parent) = dir.parent() {
            let _ = crate::storage::log::sync_dir_watched(parent, watch);
        }
    }
}
