//! Settling leases: ack (single, batch, cumulative), nack and extend. Only the owner of a
//! lease may settle it.

use std::collections::BTreeMap;

use super::config::{check_lease, cut_reason};
use super::error::{BrokerError, Result, group_not_found};
use super::group::{Group, GroupPartition};
use super::journal::Deferred;
use super::state::{FailCause, StateRecord};
use super::topic::Topic;
use super::{Broker, lock, read};

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

/// Names one leased message: the consumer's handle for ack, nack and extend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseRef<'a> {
    pub topic: &'a str,
    pub group: &'a str,
    pub owner: &'a str,
    pub partition: u32,
    pub offset: u64,
}

impl<'a> LeaseRef<'a> {
    /// Topic, group, owner, partition and offset, for a destructuring `let`.
    #[must_use]
    pub fn parts(&self) -> (&'a str, &'a str, &'a str, u32, u64) {
        (
            self.topic,
            self.group,
            self.owner,
            self.partition,
            self.offset,
        )
    }
}

impl Broker {
    pub(super) fn check_owner<'a>(
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

    /// Runs `f` on an existing group under its topic's lock, then applies and logs the records
    /// `f` wrote; the value holds once they are durable.
    pub(super) fn with_group<R>(
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

    /// Acks one message held by `owner`; holds once the ack is durable.
    pub fn ack(&self, r: &LeaseRef<'_>, now_ms: i64) -> Result<Deferred<()>> {
        let (topic, group, owner, partition, offset) = r.parts();
        self.with_group(topic, group, now_ms, |t, g, records| {
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
    ) -> Result<Deferred<Vec<Result<()>>>> {
        self.with_group(topic, group, now_ms, |t, g, records| {
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
        let (topic, group, owner, partition, offset) = r.parts();
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
        })?
        .wait()
    }

    /// Fails one delivery and asks for what comes next (see [`NackAction`]). Dead-lettering a
    /// message of a `dlq.*` topic is refused: it is there already (ack it to drop it, or replay
    /// it).
    pub fn nack(
        &self,
        r: &LeaseRef<'_>,
        reason: &str,
        action: NackAction,
        now_ms: i64,
    ) -> Result<()> {
        let (topic, group, owner, partition, offset) = r.parts();
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
        let (topic, group, owner, partition, offset) = r.parts();
        check_lease(lease_ms)?;
        self.with_group(topic, group, now_ms, |t, g, _| {
            let gp = Self::check_owner(t, g, partition, offset, owner)?;
            let deadline = now_ms.saturating_add(lease_ms);
            if let Some(l) = gp.inflight.get_mut(&offset) {
                l.deadline_ms = deadline;
            }
            Ok(deadline)
        })?
        .wait()
    }
}
