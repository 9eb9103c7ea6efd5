//! Per-(topic, group, partition) delivery state: the ack floor, acked offsets above it, failed
//! messages waiting for redelivery, and the leases of messages in flight.
//!
//! Invariants:
//! - every offset below `floor` is done (acked, dead-lettered, skipped or sought past);
//! - `acked` holds only offsets ≥ `floor`, and `floor` is never in `acked` (it is advanced);
//! - an offset is in at most one of `acked`, `retries`, `inflight`, `delayed`;
//! - `cursor` ≥ `floor`: offsets at or past it were never handed out since the last restart or
//!   seek; offsets below it are done, in flight, in `retries` or in `delayed`;
//! - `delayed` (messages produced with a delay that the cursor passed before they were due) is
//!   memory only: it is rebuilt from the messages themselves, as a restart or seek puts the
//!   cursor back at the floor and the next polls pass them again.
//!
//! - on a topic ordered by key, at most one message per key is *outstanding* (its key's head:
//!   in flight, waiting to retry, delayed or released), and it is the lowest not-done offset of
//!   that key the cursor passed; later messages of the key wait in `order` until it is done.
//!   `order` is memory only, like `delayed`: after a restart or seek the cursor passes the
//!   messages again and finds the same heads, because every earlier message of a head's key
//!   was done (acked, dead-lettered or skipped — all recorded) when the head was first leased.
//!
//! Acks never jump: acking offset 9 marks 9 alone; the floor moves only over a contiguous run.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ConsumerStats;
use super::envelope::RetryPolicy;
use super::state::{Counters, GroupPartitionSnapshot, RetryEntry};

/// How many past errors a message keeps.
pub const MAX_ERRORS_KEPT: usize = 10;

/// A message handed to one consumer until `deadline_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub owner: String,
    pub deadline_ms: i64,
    pub delivered_ms: i64,
    /// Deliveries so far, this one included (1 on first delivery).
    pub attempts: u32,
    pub errors: Vec<String>,
    pub policy: RetryPolicy,
    /// Consumer-side idempotency scope of the message, if it has a key.
    pub scope: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupPartition {
    pub floor: u64,
    pub acked: BTreeSet<u64>,
    pub retries: BTreeMap<u64, RetryEntry>,
    pub inflight: BTreeMap<u64, Lease>,
    pub cursor: u64,
    pub counters: Counters,
    /// Delayed messages passed by the cursor: offset → when it is due (private: it and
    /// `delayed_due` change together).
    delayed: BTreeMap<u64, i64>,
    /// The same, ordered by when each is due.
    delayed_due: BTreeSet<(i64, u64)>,
    /// Per-key order on a topic ordered by key (empty otherwise).
    order: KeyOrder,
}

/// Which message of each key may be outstanding, and which wait behind it. Keys are kept as
/// 64-bit hashes: two keys that collide are ordered as one, which delays a message but never
/// breaks an order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct KeyOrder {
    /// Key → the offset of its head (the one message of the key that may be outstanding).
    head_of: HashMap<u64, u64>,
    /// The same, from the head's offset.
    key_of_head: HashMap<u64, u64>,
    /// Messages the cursor passed while their key's head was not done: offset → key.
    held: BTreeMap<u64, u64>,
    /// The same per key, lowest first.
    waiting: HashMap<u64, BTreeSet<u64>>,
    /// Held messages that became their key's head (the one before was done): ready to be
    /// leased by the next poll, before never-delivered ones.
    released: BTreeSet<u64>,
}

/// What a group does with a message of an ordered topic that its cursor passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTurn {
    /// It is its key's head: deliver it (unless it is already in flight, retried or delayed).
    Head,
    /// An earlier message of its key is not done: it waits (held) until that one is.
    Wait,
    /// It is already outstanding although another message heads its key. Cannot happen while
    /// the invariant holds; left as it is rather than taken back.
    Outstanding,
}

/// The hash a key is ordered by.
#[must_use]
pub fn order_key(key: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same on every run, so nothing depends on a random seed.
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

impl GroupPartition {
    #[must_use]
    pub fn starting_at(floor: u64) -> Self {
        Self {
            floor,
            cursor: floor,
            ..Self::default()
        }
    }

    #[must_use]
    pub fn is_done(&self, offset: u64) -> bool {
        offset < self.floor || self.acked.contains(&offset)
    }

    /// The lowest offset waiting for a retry whose backoff has passed at `now_ms`.
    #[must_use]
    pub fn first_due_retry(&self, now_ms: i64) -> Option<u64> {
        self.retries
            .iter()
            .find(|(_, e)| e.next_eligible_ms <= now_ms)
            .map(|(offset, _)| *offset)
    }

    /// Holds `offset`, passed by the cursor before it is due, until `due_ms`.
    pub fn hold_delayed(&mut self, offset: u64, due_ms: i64) {
        if let Some(old) = self.delayed.insert(offset, due_ms) {
            self.delayed_due.remove(&(old, offset));
        }
        self.delayed_due.insert((due_ms, offset));
    }

    /// Takes the delayed message that came due first by `now_ms`, if any.
    pub fn take_due_delayed(&mut self, now_ms: i64) -> Option<u64> {
        let &(due, offset) = self.delayed_due.first()?;
        if due > now_ms {
            return None;
        }
        self.delayed_due.pop_first();
        self.delayed.remove(&offset);
        Some(offset)
    }

    /// Whether `offset` is a delayed message the cursor passed.
    #[must_use]
    pub fn is_delayed(&self, offset: u64) -> bool {
        self.delayed.contains_key(&offset)
    }

    /// The delayed messages the cursor passed, ascending.
    pub fn delayed_offsets(&self) -> impl Iterator<Item = u64> + '_ {
        self.delayed.keys().copied()
    }

    /// Delayed messages passed by the cursor that are not due at `now_ms`.
    #[must_use]
    pub fn delayed_not_due(&self, now_ms: i64) -> u64 {
        self.delayed_due
            .range((now_ms.saturating_add(1), 0)..)
            .count() as u64
    }

    fn forget_delayed(&mut self, offset: u64) {
        if let Some(due) = self.delayed.remove(&offset) {
            self.delayed_due.remove(&(due, offset));
        }
    }

    /// Marks `offset` done and advances the floor over any contiguous run.
    pub fn mark_done(&mut self, offset: u64) {
        self.retries.remove(&offset);
        self.inflight.remove(&offset);
        self.forget_delayed(offset);
        self.next_in_key_order(offset);
        if offset >= self.floor {
            self.acked.insert(offset);
        }
        while self.acked.remove(&self.floor) {
            self.floor += 1;
        }
        self.cursor = self.cursor.max(self.floor);
    }

    /// Moves the floor to `floor`, forgetting everything about offsets before and after it
    /// (a seek: everything from `floor` on will be delivered again).
    pub fn reset_to(&mut self, floor: u64) {
        self.floor = floor;
        self.cursor = floor;
        self.acked.clear();
        self.retries.clear();
        self.inflight.clear();
        self.delayed.clear();
        self.delayed_due.clear();
        self.order = KeyOrder::default();
    }

    /// Moves the floor up to `low` because retention deleted what was below; returns how many
    /// not-done messages were skipped.
    pub fn skip_to(&mut self, low: u64) -> u64 {
        if low <= self.floor {
            return 0;
        }
        let already_done = self.acked.range(..low).count() as u64;
        let skipped = low - self.floor - already_done;
        self.acked = self.acked.split_off(&low);
        self.retries = self.retries.split_off(&low);
        self.inflight = self.inflight.split_off(&low);
        self.delayed = self.delayed.split_off(&low);
        self.delayed_due.retain(|&(_, offset)| offset >= low);
        let gone: Vec<u64> = self
            .order
            .key_of_head
            .keys()
            .chain(self.order.held.keys())
            .copied()
            .filter(|offset| *offset < low)
            .collect();
        for offset in gone {
            self.next_in_key_order(offset);
        }
        self.floor = low;
        while self.acked.remove(&self.floor) {
            self.floor += 1;
        }
        self.cursor = self.cursor.max(self.floor);
        skipped
    }

    /// Messages not yet done.
    #[must_use]
    pub fn lag(&self, high_watermark: u64) -> u64 {
        high_watermark
            .saturating_sub(self.floor)
            .saturating_sub(self.acked.len() as u64)
    }

    /// Messages that could be delivered at `now_ms`.
    #[must_use]
    pub fn ready(&self, high_watermark: u64, now_ms: i64) -> u64 {
        let known =
            self.acked.range(self.cursor..).count() + self.retries.range(self.cursor..).count();
        let fresh = high_watermark
            .saturating_sub(self.cursor)
            .saturating_sub(known as u64);
        let retry = self
            .retries
            .values()
            .filter(|e| e.next_eligible_ms <= now_ms)
            .count() as u64;
        let delayed_due = self.delayed.len() as u64 - self.delayed_not_due(now_ms);
        fresh + retry + delayed_due + self.order.released.len() as u64
    }

    /// Where the message at `offset` with key hash `key`, just passed by the cursor, stands in
    /// its key's order (ordered topics only).
    pub fn key_turn(&mut self, offset: u64, key: u64) -> KeyTurn {
        let o = &mut self.order;
        match o.head_of.get(&key) {
            Some(head) if *head == offset => KeyTurn::Head,
            Some(_)
                if self.inflight.contains_key(&offset)
                    || self.retries.contains_key(&offset)
                    || self.delayed.contains_key(&offset) =>
            {
                KeyTurn::Outstanding
            }
            Some(_) => {
                o.held.insert(offset, key);
                o.waiting.entry(key).or_default().insert(offset);
                KeyTurn::Wait
            }
            None => {
                o.head_of.insert(key, offset);
                o.key_of_head.insert(offset, key);
                KeyTurn::Head
            }
        }
    }

    /// `offset` is done or gone: if it headed its key, the key's next held message becomes the
    /// head and is released; if it was held, it stops waiting.
    fn next_in_key_order(&mut self, offset: u64) {
        let o = &mut self.order;
        o.released.remove(&offset);
        if let Some(key) = o.held.remove(&offset) {
            if let Some(w) = o.waiting.get_mut(&key) {
                w.remove(&offset);
                if w.is_empty() {
                    o.waiting.remove(&key);
                }
            }
            return;
        }
        let Some(key) = o.key_of_head.remove(&offset) else {
            return;
        };
        let next = o.waiting.get_mut(&key).and_then(BTreeSet::pop_first);
        if o.waiting.get(&key).is_some_and(BTreeSet::is_empty) {
            o.waiting.remove(&key);
        }
        match next {
            Some(next) => {
                o.held.remove(&next);
                o.head_of.insert(key, next);
                o.key_of_head.insert(next, key);
                o.released.insert(next);
            }
            None => {
                o.head_of.remove(&key);
            }
        }
    }

    /// `offset` left the log (retention): it no longer holds its key's order up.
    pub fn forget_key_order(&mut self, offset: u64) {
        self.next_in_key_order(offset);
    }

    /// Takes up to `max` released heads (messages that waited for their key), lowest first.
    pub fn take_released(&mut self, max: usize) -> Vec<u64> {
        let mut taken = Vec::with_capacity(max.min(self.order.released.len()));
        while taken.len() < max {
            let Some(offset) = self.order.released.pop_first() else {
                break;
            };
            taken.push(offset);
        }
        taken
    }

    /// The lowest released head, if any.
    #[must_use]
    pub fn first_released(&self) -> Option<u64> {
        self.order.released.first().copied()
    }

    /// Puts heads taken by [`Self::take_released`] and not leased back.
    pub fn release_again(&mut self, offsets: &[u64]) {
        self.order.released.extend(offsets.iter().copied());
    }

    /// Whether `offset` waits for an earlier message of its key.
    #[must_use]
    pub fn is_key_blocked(&self, offset: u64) -> bool {
        self.order.held.contains_key(&offset)
    }

    /// Messages waiting for an earlier message of their key, ascending.
    pub fn key_blocked_offsets(&self) -> impl Iterator<Item = u64> + '_ {
        self.order.held.keys().copied()
    }

    /// How many messages wait for an earlier message of their key.
    #[must_use]
    pub fn key_blocked(&self) -> u64 {
        self.order.held.len() as u64
    }

    /// Records a failed delivery: the message waits in `retries` until `next_eligible_ms`.
    pub fn schedule_retry(
        &mut self,
        offset: u64,
        attempts: u32,
        next_eligible_ms: i64,
        errors: Vec<String>,
    ) {
        self.inflight.remove(&offset);
        self.retries.insert(
            offset,
            RetryEntry {
                attempts,
                next_eligible_ms,
                errors,
            },
        );
    }

    #[must_use]
    pub fn snapshot(&self) -> GroupPartitionSnapshot {
        // In-flight messages are snapshotted as what replay would make of them: their failed
        // attempts (deliveries − 1) kept, eligible at once.
        let mut retries: BTreeMap<u64, RetryEntry> = self.retries.clone();
        for (offset, lease) in &self.inflight {
            if lease.attempts > 1 {
                retries.insert(
                    *offset,
                    RetryEntry {
                        attempts: lease.attempts - 1,
                        next_eligible_ms: lease.delivered_ms,
                        errors: lease.errors.clone(),
                    },
                );
            }
        }
        GroupPartitionSnapshot {
            floor: self.floor,
            acked: self.acked.iter().copied().collect(),
            retries: retries.into_iter().collect(),
            counters: self.counters,
        }
    }

    #[must_use]
    pub fn from_snapshot(s: &GroupPartitionSnapshot) -> Self {
        Self {
            floor: s.floor,
            cursor: s.floor,
            acked: s.acked.iter().copied().collect(),
            retries: s.retries.iter().cloned().collect(),
            inflight: BTreeMap::new(),
            counters: s.counters,
            delayed: BTreeMap::new(),
            delayed_due: BTreeSet::new(),
            order: KeyOrder::default(),
        }
    }
}

/// Appends `error` to a bounded history.
pub fn push_error(errors: &mut Vec<String>, error: String) {
    errors.push(error);
    if errors.len() > MAX_ERRORS_KEPT {
        let excess = errors.len() - MAX_ERRORS_KEPT;
        errors.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_never_jump_the_floor() {
        let mut gp = GroupPartition::starting_at(0);
        gp.mark_done(9);
        assert_eq!(gp.floor, 0);
        assert!(!gp.is_done(3));
        assert_eq!(gp.lag(10), 9);
        for o in 0..9 {
            gp.mark_done(o);
        }
        assert_eq!(gp.floor, 10);
        assert!(gp.acked.is_empty());
    }

    #[test]
    fn retention_skip_counts_only_undone_messages() {
        let mut gp = GroupPartition::starting_at(0);
        gp.mark_done(2);
        gp.mark_done(7);
        assert_eq!(gp.skip_to(5), 4);
        assert_eq!(gp.floor, 5);
        assert_eq!(gp.acked.iter().copied().collect::<Vec<_>>(), vec![7]);
    }
}

/// A consumer not seen polling for this long, and holding no lease, leaves the group's list.
pub const CONSUMER_IDLE_MS: i64 = 5 * 60 * 1000;

/// Most consumers a group remembers; past it, the longest idle are forgotten first.
pub(super) const MAX_CONSUMERS: usize = 1024;

#[derive(Debug, Default)]
pub(super) struct Group {
    pub(super) partitions: Vec<GroupPartition>,
    /// Consumer-side idempotency: scopes acked by this group → expiry.
    pub(super) committed_scopes: HashMap<String, i64>,
    pub(super) next_partition: usize,
    /// When and by whom the group was last polled (memory only): a group polled lately has
    /// live consumers, which a delete would surprise (see [`Broker::delete_group`]).
    pub(super) last_poll: Option<(i64, String)>,
    /// Every owner that polled lately → when (memory only; see [`ConsumerStats`]).
    pub(super) consumers: HashMap<String, i64>,
    /// Consume streams open per owner (memory only).
    pub(super) streams: HashMap<String, u32>,
    /// Owners whose last stream closed → when; they show as gone until they poll again.
    pub(super) gone: HashMap<String, i64>,
}

impl Group {
    pub(super) fn saw_consumer(&mut self, owner: &str, now_ms: i64) {
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

    pub(super) fn stream_opened(&mut self, owner: &str) {
        *self.streams.entry(owner.to_owned()).or_default() += 1;
        self.gone.remove(owner);
    }

    pub(super) fn stream_closed(&mut self, owner: &str, now_ms: i64) {
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
    pub(super) fn consumer_stats(&self, now_ms: i64) -> Vec<ConsumerStats> {
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
