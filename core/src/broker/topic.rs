//! In-memory topics and partitions: opening their logs, growing a topic, the per-partition
//! read-ahead and produce counters, and removing a topic's directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::storage::{PartitionLog, Record, StoredRecord};

use super::envelope::RetryPolicy;
use super::error::{BrokerError, Result};
use super::group::{Group, GroupPartition};
use super::recovery::Truncation;
use super::state::{TopicMeta, TopicOrdering};
use super::{Broker, DLQ_PREFIX, is_ephemeral_group, lock, read, write};

#[derive(Debug)]
pub(super) struct Partition {
    pub(super) log: Arc<PartitionLog>,
    pub(super) produced_messages: AtomicU64,
    pub(super) produced_bytes: AtomicU64,
    /// Smallest ack floor among the topic's groups (`u64::MAX` without groups), for backpressure.
    pub(super) min_floor: AtomicU64,
    /// Records a poll decoded but did not hand out, starting at the offset the next poll of
    /// that group asks for: a poll for one message would otherwise decode (and checksum) its
    /// whole batch again each time. Records are immutable, so whatever is here is still right.
    pub(super) read_ahead: Mutex<Vec<StoredRecord>>,
}

/// At most this many decoded records, and this many bytes of them, wait in a partition's
/// read-ahead: a few small messages are what it is for.
pub(super) const READ_AHEAD_RECORDS: usize = 64;

pub(super) const READ_AHEAD_BYTES: usize = 256 * 1024;

impl Partition {
    /// Up to `want` records from `from` for a poll, taking what an earlier poll read past first.
    pub(super) fn read_for_poll(&self, from: u64, want: usize) -> Result<Vec<StoredRecord>> {
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
    pub(super) fn keep_read_ahead(&self, rest: Vec<StoredRecord>) {
        let bytes: usize = rest
            .iter()
            .map(|r| r.record.value.len() + r.record.key.as_ref().map_or(0, Vec::len))
            .sum();
        if !rest.is_empty() && rest.len() <= READ_AHEAD_RECORDS && bytes <= READ_AHEAD_BYTES {
            *lock(&self.read_ahead) = rest;
        }
    }

    /// Counts appended produce records (messages, key + value bytes) for the metrics.
    pub(super) fn count_produced(&self, records: &[Record]) {
        let bytes: u64 = records
            .iter()
            .map(|r| r.value.len() as u64 + r.key.as_ref().map_or(0, |k| k.len() as u64))
            .sum();
        self.produced_messages
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        self.produced_bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// A topic's partitions at one moment (see [`Topic::partitions`]).
pub(super) type Partitions = Arc<Vec<Arc<Partition>>>;

#[derive(Debug)]
pub(super) struct Topic {
    /// As created; the retention limits in it are not updated (see `retention`).
    pub(super) meta: TopicMeta,
    /// The retention limits now: `driftq topic alter` changes them on a live topic.
    pub(super) retention: Mutex<Retention>,
    /// The retry policy of messages produced without one, now (`topic alter` changes it).
    pub(super) retry: Mutex<Option<RetryPolicy>>,
    /// Ordered by key ([`TopicOrdering::Key`]): set by the `OrderingSet` record that follows
    /// the creation, never changed after.
    pub(super) ordered_by_key: AtomicBool,
    pub(super) dir: PathBuf,
    /// The partitions now: `driftq topic alter --partitions` adds some to a live topic. A call
    /// works on the snapshot it took ([`Topic::parts`]); partitions are only ever added, and
    /// each group's partitions are extended before the topic's (under `groups`), so a group
    /// always has at least as many partitions as any snapshot a caller holds.
    pub(super) partitions: RwLock<Partitions>,
    pub(super) groups: Mutex<BTreeMap<String, Group>>,
    pub(super) round_robin: AtomicU64,
    pub(super) deleted: AtomicBool,
}

/// A topic's retention limits (`None`: no limit of that kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Retention {
    pub(super) age_ms: Option<i64>,
    pub(super) bytes: Option<u64>,
}

impl Topic {
    /// The topic's metadata with its current partition count and retention limits.
    pub(super) fn current_meta(&self) -> TopicMeta {
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

    pub(super) fn ordering(&self) -> TopicOrdering {
        if self.ordered_by_key.load(Ordering::Acquire) {
            TopicOrdering::Key
        } else {
            TopicOrdering::None
        }
    }

    /// The partitions as they are now (a cheap snapshot: one reference count).
    pub(super) fn parts(&self) -> Partitions {
        Arc::clone(&read(&self.partitions))
    }

    pub(super) fn partition_count(&self) -> u32 {
        u32::try_from(read(&self.partitions).len()).unwrap_or(u32::MAX)
    }

    pub(super) fn is_dlq(&self) -> bool {
        self.meta.name.starts_with(DLQ_PREFIX)
    }

    pub(super) fn partition(&self, p: u32) -> Result<Arc<Partition>> {
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

    pub(super) fn refresh_min_floors(&self, groups: &BTreeMap<String, Group>) {
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

/// Removes a deleted topic's directory. A power loss before the parent's fsync may bring the
/// directory back; that is safe: the state log records the delete, and replay removes a
/// directory no surviving incarnation owns (see `ReplayPlan`).
pub(super) fn remove_topic_dir(dir: &Path, watch: Option<&crate::storage::FsWatch>) {
    if dir.exists() {
        crate::storage::log::tell(watch, crate::storage::FsEvent::Removing(dir));
        if let Err(e) = std::fs::remove_dir_all(dir) {
            tracing::error!(dir = %dir.display(), error = %e, "could not remove a deleted topic's directory");
        } else if let Some(parent) = dir.parent() {
            let _ = crate::storage::log::sync_dir_watched(parent, watch);
        }
    }
}

impl Broker {
    pub(super) fn open_topic(&self, meta: TopicMeta) -> Result<Arc<Topic>> {
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

    pub(super) fn open_partition(&self, topic: &str, dir: &Path, p: u32) -> Result<Arc<Partition>> {
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
    pub(super) fn grown_partitions(
        &self,
        topic: &Topic,
        total: u32,
    ) -> Result<Vec<Arc<Partition>>> {
        let mut parts = (*topic.parts()).clone();
        for p in u32::try_from(parts.len()).unwrap_or(u32::MAX)..total {
            parts.push(self.open_partition(&topic.meta.name, &topic.dir, p)?);
        }
        Ok(parts)
    }

    /// Makes `parts` the topic's partitions (the one code path for live growth and replay):
    /// every group gets a cursor at the start of each new one first.
    pub(super) fn publish_partitions(
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

    pub(super) fn topic(&self, name: &str) -> Result<Arc<Topic>> {
        read(&self.topics)
            .get(name)
            .cloned()
            .ok_or_else(|| BrokerError::TopicNotFound(name.to_owned()))
    }
}
