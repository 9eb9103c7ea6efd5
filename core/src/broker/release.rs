//! Consumer sessions: what a consume stream gives back when its client goes away, which of its
//! leases it still holds, and whether its owner is still connected.
//!
//! Invariants:
//! - A released lease leaves no trace: the message waits for redelivery with the attempts and
//!   errors it had before that lease, eligible at once. Leases are never logged, so a release is
//!   not either: a crash right after it replays to the same state a crash before it would.
//! - Only the lease named is released: one that was acked, expired, or leased again (to anyone,
//!   with a different attempt count) since is left alone, so a late release never undoes another
//!   consumer's delivery.
//! - Streams open per owner are counted in memory; an owner whose last stream closed shows as
//!   gone in the group's consumer list until it polls again.

use super::error::Result;
use super::group::Lease;
use super::poll::Delivery;
use super::state::RetryEntry;
use super::{Broker, lock, read};

/// One lease as a consume stream handed it out: enough to tell it from a later lease of the
/// same message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldLease {
    pub partition: u32,
    pub offset: u64,
    /// The delivery count the lease was taken with (`None`: whichever lease `owner` holds).
    pub attempts: Option<u32>,
}

impl HeldLease {
    #[must_use]
    pub fn of(d: &Delivery) -> Self {
        Self {
            partition: d.message.partition,
            offset: d.message.offset,
            attempts: Some(d.attempts),
        }
    }

    /// Whether `lease` is this one, held by `owner`.
    fn names(&self, lease: &Lease, owner: &str) -> bool {
        lease.owner == owner && self.attempts.is_none_or(|a| a == lease.attempts)
    }
}

impl Broker {
    /// Gives back leases `owner` took but never handed to its consumer: each message waits for
    /// redelivery as it did before the lease, not counted as an attempt and with no error
    /// added. Returns how many were released (leases no longer held as named are skipped).
    pub fn release(
        &self,
        topic: &str,
        group: &str,
        owner: &str,
        leases: &[HeldLease],
        now_ms: i64,
    ) -> Result<usize> {
        if leases.is_empty() {
            return Ok(0);
        }
        let t = self.topic(topic)?;
        let _snap = read(&self.snapshot);
        let mut groups = lock(&t.groups);
        let g = groups
            .get_mut(group)
            .ok_or_else(|| super::error::group_not_found(topic, group))?;
        let mut released = 0;
        for l in leases {
            let Some(gp) = g.partitions.get_mut(l.partition as usize) else {
                continue;
            };
            let held = gp
                .inflight
                .get(&l.offset)
                .is_some_and(|lease| l.names(lease, owner));
            let Some(lease) = held.then(|| gp.inflight.remove(&l.offset)).flatten() else {
                continue;
            };
            // Back among the redeliveries, which a poll serves first: the cursor has passed it.
            gp.retries.insert(
                l.offset,
                RetryEntry {
                    attempts: lease.attempts.saturating_sub(1),
                    next_eligible_ms: now_ms,
                    errors: lease.errors,
                },
            );
            released += 1;
        }
        // Floors are untouched: a released message was not done, and is not now.
        Ok(released)
    }

    /// Keeps in `leases` only those `owner` still holds as named (not acked, nacked, expired
    /// or leased again since).
    pub fn retain_held(&self, topic: &str, group: &str, owner: &str, leases: &mut Vec<HeldLease>) {
        let Ok(t) = self.topic(topic) else {
            leases.clear();
            return;
        };
        let groups = lock(&t.groups);
        let Some(g) = groups.get(group) else {
            leases.clear();
            return;
        };
        leases.retain(|l| {
            g.partitions
                .get(l.partition as usize)
                .and_then(|gp| gp.inflight.get(&l.offset))
                .is_some_and(|lease| l.names(lease, owner))
        });
    }

    /// A consume stream of `owner` opened on `group` (which may not exist yet: it is counted
    /// once it does, by the stream's first poll).
    pub fn stream_opened(&self, topic: &str, group: &str, owner: &str) {
        self.with_consumers(topic, group, |g| g.stream_opened(owner));
    }

    /// A consume stream of `owner` closed: when it was the owner's last, the owner shows as
    /// gone until it polls again.
    pub fn stream_closed(&self, topic: &str, group: &str, owner: &str, now_ms: i64) {
        self.with_consumers(topic, group, |g| g.stream_closed(owner, now_ms));
    }

    fn with_consumers(&self, topic: &str, group: &str, f: impl FnOnce(&mut super::Group)) {
        let Ok(t) = self.topic(topic) else {
            return;
        };
        let mut groups = lock(&t.groups);
        if let Some(g) = groups.get_mut(group) {
            f(g);
        }
    }
}
