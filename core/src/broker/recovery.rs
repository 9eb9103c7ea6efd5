//! Start-up: the data format check, replay of the state log from its last snapshot (two
//! passes, so only surviving topic incarnations are opened), and the torn tails cut on the way.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use crate::storage::StoredRecord;

use super::error::{BrokerError, Result, storage_io};
use super::group::{Group, GroupPartition};
use super::idempotency::ProducerKey;
use super::state::{StateRecord, TopicOrdering};
use super::topic::{Retention, remove_topic_dir};
use super::{Broker, lock, read, state, write};

pub(super) const FORMAT_FILE: &str = "meta";

pub(super) const FORMAT_LINE: &str = "driftq data format 1";

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
    pub(super) fn of(log: String, t: &crate::storage::log::TornTail) -> Self {
        Self {
            log,
            first_lost_offset: t.first_lost_offset,
            records: t.records,
            bytes: t.bytes,
            kept_at: t.kept_at.clone(),
        }
    }
}

pub(super) fn check_format_file(dir: &Path, watch: Option<&crate::storage::FsWatch>) -> Result<()> {
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
pub(super) struct ReplayPlan {
    pub(super) last_opened: HashMap<String, u64>,
    pub(super) last_deleted: HashMap<String, u64>,
}

impl ReplayPlan {
    /// Keys ([`StateRecord::type_name`]) of the records [`Self::note`] looks at.
    const TOPIC_RECORDS: [&'static [u8]; 3] = [b"TopicCreated", b"TopicDeleted", b"Snapshot"];

    pub(super) fn note(&mut self, offset: u64, rec: &StateRecord) {
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
    pub(super) fn survives(&self, name: &str, offset: u64) -> bool {
        self.last_opened.get(name) == Some(&offset)
            && self.last_deleted.get(name).is_none_or(|d| *d < offset)
    }

    /// Whether `name` is opened again after `offset`.
    pub(super) fn created_after(&self, name: &str, offset: u64) -> bool {
        self.last_opened.get(name).is_some_and(|o| *o > offset)
    }
}

impl Broker {
    /// The torn tails this broker's start cut from its logs.
    pub fn truncations(&self) -> Vec<Truncation> {
        lock(&self.truncated).clone()
    }

    /// Names directories under `topics/` that no topic owns — left by a crash during a delete
    /// whose record a snapshot has since compacted away. They are not removed here (the broker
    /// never deletes what it cannot account for); creating a topic of that name replaces one.
    pub(super) fn warn_about_stray_topic_dirs(&self) {
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
    pub(super) fn each_state_record(
        &self,
        mut f: impl FnMut(StoredRecord) -> Result<()>,
    ) -> Result<u64> {
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

    pub(super) fn replay(&self, now_ms: i64) -> Result<()> {
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

    pub(super) fn apply_replayed(
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

    pub(super) fn restore_snapshot(
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
}
