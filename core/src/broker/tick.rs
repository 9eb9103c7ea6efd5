//! Timers, driven by the owner's clock: lease expiry, retention, snapshots.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::admin::skips_past_deleted;
use super::error::Result;
use super::idempotency::ProducerKey;
use super::settle::NackAction;
use super::state::{FailCause, StateRecord};
use super::topic::{Retention, Topic};
use super::{Broker, LEASE_EXPIRED_ERROR, lock, read};

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub leases_expired: u64,
    pub dead_lettered: u64,
    pub segments_deleted: u64,
    pub skipped_by_retention: u64,
    pub snapshot_written: bool,
}

impl Broker {
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
}
