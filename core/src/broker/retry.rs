//! A failed delivery (nack or lease expiry): schedule a retry with backoff and jitter, or
//! dead-letter the message into `dlq.<topic>` once its attempts are used up.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::storage::{Appended, PartitionLog, Record};

use super::dlq::dlq_topic_for;
use super::envelope::{DlqOrigin, MessageMeta};
use super::error::{BrokerError, Result};
use super::group::{Lease, push_error};
use super::settle::NackAction;
use super::state::{DeadLetterCause, FailCause, StateRecord, TopicMeta, TopicOrdering};
use super::topic::{Topic, remove_topic_dir};
use super::{Broker, as_i64, write};

/// Deterministic jitter of up to 10 % of `backoff_ms`, from the message's identity.
pub(super) fn jitter_ms(backoff_ms: u64, partition: u32, offset: u64, attempts: u32) -> u64 {
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

impl Broker {
    /// Builds the record for a failed delivery (and appends the DLQ copy when attempts are used
    /// up, adding it to `dead_letters`). The caller waits for `dead_letters` to be durable
    /// ([`Self::wait_dead_letters`]) before it logs the records, then applies them.
    #[expect(
        clippy::too_many_arguments,
        reason = "internal step of a locked operation; the arguments are its context"
    )]
    pub(super) fn fail_delivery(
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
    pub(super) fn write_dead_letter(
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
}
