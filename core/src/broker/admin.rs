//! Administration: create, alter (grow, retention, retry policy), purge and delete topics;
//! seek and delete groups. Every change is validated in full before anything is logged.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::config::{
    ACTIVE_GROUP_WINDOW_MS, check_growth, validate_group_name, validate_partition_count,
    validate_retention, validate_topic_name, validate_topic_retry,
};
use super::envelope::RetryPolicy;
use super::error::{BrokerError, Result, group_not_found};
use super::group::Group;
use super::idempotency::scope_names_topic;
use super::state::{SeekCause, StateRecord, TopicMeta, TopicOrdering};
use super::topic::{Retention, Topic, remove_topic_dir};
use super::{Broker, lock, read, write};

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

/// Where to move a group's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeekTo {
    Start,
    End,
    Offset(u64),
    Timestamp(i64),
}

/// Seek records that move every group of `t` still behind a partition's first stored offset up
/// to it (retention or a purge deleted what was below); adds the messages they skip to
/// `skipped`.
pub(super) fn skips_past_deleted(
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

impl Broker {
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
    pub(super) fn forget_topic(&self, name: &str) {
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
}
