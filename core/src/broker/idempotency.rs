//! Producer idempotency: keys scoped by (tenant, topic, key), pending while their message is
//! written, committed to the state log only once it is durable, and recovered from message
//! envelopes after a crash between the two.

use std::collections::hash_map::Entry;
use std::sync::Arc;

use super::envelope::MessageMeta;
use super::error::Result;
use super::journal::Deferred;
use super::state::StateRecord;
use super::topic::Topic;
use super::{Broker, lock, read};

/// The messages are durable already when their keys are committed: a failed key commit only
/// weakens dedupe, so it is logged rather than failing the produce.
pub(super) fn log_key_commit(outcome: Result<()>) {
    if let Err(e) = outcome {
        tracing::error!(error = %e, "could not record idempotency keys");
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ProducerKey {
    Pending,
    Committed {
        partition: u32,
        offset: u64,
        expires_ms: i64,
    },
}

/// How long before its partition's last message a keyed message may have been appended and
/// still have lost its key record in a crash: far more than the fdatasync between the two
/// writes takes, and short enough that [`Broker::recover_producer_keys`] reads only a recent
/// tail of each partition.
pub(super) const KEY_RECOVERY_WINDOW_MS: i64 = 5_000;

pub(super) fn idempotency_scope(tenant: &str, topic: &str, key: &str) -> String {
    format!("{tenant}\u{0}{topic}\u{0}{key}")
}

/// Whether an [`idempotency_scope`] is about `topic`. Topic names hold no NUL, but tenants and
/// keys may: any inner field equal to the name counts, so a strange tenant can at worst make
/// a key be forgotten early (a retry is then stored twice), never kept too long.
pub(super) fn scope_names_topic(scope: &str, topic: &str) -> bool {
    let fields: Vec<&str> = scope.split('\u{0}').collect();
    fields.len() >= 3 && fields[1..fields.len() - 1].contains(&topic)
}

impl Broker {
    /// Re-derives producer idempotency keys from each partition's last messages. A produce
    /// makes its messages durable first and its key records second, so a crash in between
    /// leaves a keyed message without its key; its producer got no reply and will retry, which
    /// must be a duplicate. The key is in the message's own envelope (DriftQ v1 rebuilt its keys
    /// from its WAL the same way). Only messages within [`KEY_RECOVERY_WINDOW_MS`] of their
    /// partition's last one can have lost their key record, and only unexpired ones matter, so
    /// open reads a short tail of each partition. Keys already known keep their entry unless
    /// this message is newer.
    pub(super) fn recover_producer_keys(&self, now_ms: i64) -> Result<()> {
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

    /// Records committed producer idempotency keys, in memory and appended to the state log; the
    /// caller waits for them to be durable.
    pub(super) fn commit_producer_keys(
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
}
