//! The core path of every state change: a change becomes a [`StateRecord`], is applied in
//! memory (one code path for live calls and replay) and appended to the state log under the
//! same lock; the caller waits for durability through [`Deferred`] once the locks are released.
//! Snapshots are written here too.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::storage::{Appended, DurableWait, PartitionLog, Record, StorageError, SyncPool};

use super::error::{Result, write_failure};
use super::group::{Group, GroupPartition, push_error};
use super::idempotency::{ProducerKey, log_key_commit};
use super::produce::Produced;
use super::state::{DeadLetterCause, FailCause, SeekCause, StateRecord};
use super::topic::Topic;
use super::{Broker, lock, read, state, write};

/// A broker result that holds only once the state records behind it are durable.
#[derive(Debug)]
#[must_use = "the result holds only once durable"]
pub struct Deferred<T> {
    pub(super) value: T,
    pub(super) appended: Option<(Arc<PartitionLog>, Appended)>,
    pub(super) pool: Arc<SyncPool>,
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

impl Broker {
    /// Applies a group-level record to a topic's groups (the one code path for live changes and
    /// replay).
    pub(super) fn apply_group_record(
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
                group, partition, ..
            }
            | StateRecord::DeadLettered {
                group, partition, ..
            }
            | StateRecord::Seek {
                group, partition, ..
            } => {
                if let Some(gp) = groups
                    .get_mut(group)
                    .and_then(|g| g.partitions.get_mut(*partition as usize))
                {
                    apply_to_partition(gp, rec);
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
    pub(super) fn log_state(
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
    pub(super) fn after_state<T>(&self, value: T, appended: Option<Appended>) -> Deferred<T> {
        Deferred {
            value,
            appended: appended.map(|a| (Arc::clone(&self.state_log), a)),
            pool: Arc::clone(&self.sync_pool),
        }
    }

    pub(super) fn wait_state(&self, appended: Option<crate::storage::Appended>) -> Result<()> {
        if let Some(a) = appended {
            self.state_log.wait_durable_for(&a)?;
        }
        Ok(())
    }

    /// Waits until every DLQ copy an operation appended is durable. The first wait on a
    /// partition's log syncs every copy appended to it so far, so the later ones return at once.
    pub(super) fn wait_dead_letters(dead_letters: &[(Arc<PartitionLog>, Appended)]) -> Result<()> {
        for (log, a) in dead_letters {
            log.wait_durable_for(a)?;
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

    pub(super) fn build_snapshot(&self) -> state::Snapshot {
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
}

/// Applies a record about one message of a group partition (a failure, a dead letter, a seek).
fn apply_to_partition(gp: &mut GroupPartition, rec: &StateRecord) {
    match rec {
        StateRecord::Failed {
            offset,
            attempts,
            next_eligible_ms,
            error,
            cause,
            exhausted,
            ..
        } => {
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
        StateRecord::DeadLettered { offset, cause, .. } => {
            gp.mark_done(*offset);
            gp.counters.dead_lettered += 1;
            if *cause == DeadLetterCause::Nack {
                gp.counters.dead_letter_nacks += 1;
            }
        }
        StateRecord::Seek { floor, cause, .. } => match cause {
            SeekCause::User => gp.reset_to(*floor),
            SeekCause::Retention => {
                let skipped = gp.skip_to(*floor);
                gp.counters.skipped_by_retention += skipped;
            }
        },
        _ => {}
    }
}

/// Produce results that hold only once their messages are durable (see
/// [`Broker::produce`]).
#[derive(Debug)]
#[must_use = "the results hold only once the messages are durable"]
pub struct DeferredProduce {
    pub(super) results: Vec<Result<Produced>>,
    /// Per appended batch: its log, its end, and the results it decides.
    pub(super) batches: Vec<(Arc<PartitionLog>, Appended, Vec<usize>)>,
    /// Keyed messages written, as (batch, scope, partition, offset): their key records go to
    /// the state log once their batch is durable — never before, or a crash could leave a key
    /// that dedupes the retry of a message that was lost.
    pub(super) keys: Vec<(usize, String, u32, u64)>,
    pub(super) now_ms: i64,
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
    pub(super) fn finish(
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
