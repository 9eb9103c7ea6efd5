//! Read-only views of one group's delivery state, message by message: what DriftQ v1's debug
//! endpoints (`/debug/topics/lag`, `/debug/messages/state`, `/debug/topics/peek`) show, and
//! what its dashboard and `driftqctl` read.
//!
//! Invariants:
//! - Nothing here changes state or writes a record: a view of a group that does not exist shows
//!   it as a group created now would start (at each partition's first stored message, nothing
//!   delivered) and does not create it.
//! - Work is bounded by the row limit, not by the size of the log: offsets are picked from the
//!   group's in-memory state first, and only the records of picked offsets are read.
//! - A message is in exactly one state for a group: `acked` (below the floor or acked above it),
//!   `in_flight` (leased), `retried` (failed, waiting for redelivery) or `queued` (never
//!   delivered, or delivered before a restart); every message of a `dlq.*` topic is
//!   `dead_lettered`.

use std::sync::Arc;

use super::config::{ACTIVE_GROUP_WINDOW_MS, REPLY_BYTES};
use super::error::Result;
use super::group::GroupPartition;
use super::poll::{Message, payload_bytes};
use super::topic::Topic;
use super::{Broker, lock, read};
use crate::storage::{PartitionLog, StoredRecord};

/// Most rows one message-state view returns.
pub const MAX_STATE_ROWS: usize = 1_000;
/// Most messages one peek returns (DriftQ's clamp).
pub const MAX_PEEK: usize = 100;
/// How many records of one DLQ partition a message-state view looks through for the group's
/// dead-lettered messages.
const DLQ_SCAN: u64 = 10_000;
/// Bytes one log read may return: views of big messages read in several steps.
const READ_BUDGET: usize = 8 << 20;

/// Where a message stands for one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    Queued,
    InFlight,
    Retried,
    Acked,
    DeadLettered,
    /// Produced with a delay that a poll found not yet passed (one no poll has reached yet is
    /// still `queued`; its row carries the delivery time either way).
    Delayed,
    /// On a topic ordered by key: waits until an earlier message with its key is done (one no
    /// poll has reached yet is still `queued`).
    BlockedByKey,
}

impl MessageState {
    /// Every state, in the order the CLI lists them.
    pub const ALL: [Self; 7] = [
        Self::Queued,
        Self::InFlight,
        Self::Retried,
        Self::Acked,
        Self::DeadLettered,
        Self::Delayed,
        Self::BlockedByKey,
    ];

    /// DriftQ's names.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::InFlight => "in_flight",
            Self::Retried => "retried",
            Self::Acked => "acked",
            Self::DeadLettered => "dead_lettered",
            Self::Delayed => "delayed",
            Self::BlockedByKey => "blocked_by_key",
        }
    }

    /// Parses DriftQ's names; `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// What a message-state view selects.
#[derive(Debug, Clone, Copy)]
pub struct StateQuery<'a> {
    pub group: &'a str,
    /// One topic, or every topic.
    pub topic: Option<&'a str>,
    /// One state, or all of them.
    pub state: Option<MessageState>,
    /// Only messages leased to this owner.
    pub owner: Option<&'a str>,
    /// At most this many rows (capped at [`MAX_STATE_ROWS`]).
    pub limit: usize,
}

/// One message as a group sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageStateRow {
    pub state: MessageState,
    pub message: Message,
    /// Deliveries so far (0 before the first).
    pub attempts: u32,
    pub owner: Option<String>,
    pub last_error: Option<String>,
    /// When the current lease began and ends (in-flight messages only).
    pub delivered_ms: Option<i64>,
    pub lease_deadline_ms: Option<i64>,
    /// A lease past its deadline that no redelivery has taken back yet.
    pub stalled: bool,
}

/// One partition of a group's position, with its leases summarised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LagRow {
    pub topic: String,
    pub partition: u32,
    /// One past the last readable offset.
    pub head_offset: u64,
    /// The next offset the group has not acked (its ack floor).
    pub committed_offset: u64,
    pub lag: u64,
    pub inflight: u64,
    /// Owners of the partition's leases, sorted, each once.
    pub lease_owners: Vec<String>,
    /// Who polled the group last (since this broker started).
    pub last_owner: Option<String>,
    /// The newest lease's start.
    pub last_delivered_ms: Option<i64>,
    /// The oldest lease: when it began, how long it was granted for, when it ends.
    pub oldest_lease_delivered_ms: Option<i64>,
    pub oldest_lease_duration_ms: Option<i64>,
    pub oldest_lease_deadline_ms: Option<i64>,
    /// Messages are waiting and nobody is taking them: a lease is past its deadline, or the
    /// group has lag and was not polled within the last 30 s.
    pub stalled: bool,
}

/// A stored message with the most any group has tried it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeekRow {
    pub message: Message,
    pub attempts: u32,
    pub last_error: Option<String>,
}

impl Broker {
    fn topics_sorted(&self, only: Option<&str>) -> Result<Vec<Arc<Topic>>> {
        if let Some(name) = only {
            return Ok(vec![self.topic(name)?]);
        }
        let mut topics: Vec<Arc<Topic>> = read(&self.topics).values().cloned().collect();
        topics.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        Ok(topics)
    }

    /// Per-partition position of `group` on `topic`, or on every topic it has consumed.
    pub fn group_lag(
        &self,
        group: &str,
        topic: Option<&str>,
        partition: Option<u32>,
        now_ms: i64,
    ) -> Result<Vec<LagRow>> {
        let mut rows = Vec::new();
        for t in self.topics_sorted(topic)? {
            let groups = lock(&t.groups);
            let g = groups.get(group);
            if g.is_none() && topic.is_none() {
                continue;
            }
            let last_poll = g.and_then(|g| g.last_poll.clone());
            let idle = last_poll
                .as_ref()
                .is_none_or(|(at, _)| now_ms.saturating_sub(*at) >= ACTIVE_GROUP_WINDOW_MS);
            for (i, part) in t.parts().iter().enumerate() {
                let p = i as u32;
                if partition.is_some_and(|only| only != p) {
                    continue;
                }
                let head = part.log.high_watermark();
                let fresh;
                let gp = match g.and_then(|g| g.partitions.get(i)) {
                    Some(gp) => gp,
                    None => {
                        fresh = GroupPartition::starting_at(part.log.low_watermark());
                        &fresh
                    }
                };
                let mut owners: Vec<String> =
                    gp.inflight.values().map(|l| l.owner.clone()).collect();
                owners.sort();
                owners.dedup();
                let oldest = gp.inflight.values().min_by_key(|l| l.delivered_ms);
                let lag = gp.lag(head);
                let expired = gp.inflight.values().any(|l| l.deadline_ms < now_ms);
                rows.push(LagRow {
                    topic: t.meta.name.clone(),
                    partition: p,
                    head_offset: head,
                    committed_offset: gp.floor,
                    lag,
                    inflight: gp.inflight.len() as u64,
                    lease_owners: owners,
                    last_owner: last_poll.as_ref().map(|(_, owner)| owner.clone()),
                    last_delivered_ms: gp.inflight.values().map(|l| l.delivered_ms).max(),
                    oldest_lease_delivered_ms: oldest.map(|l| l.delivered_ms),
                    oldest_lease_duration_ms: oldest.map(|l| l.deadline_ms - l.delivered_ms),
                    oldest_lease_deadline_ms: oldest.map(|l| l.deadline_ms),
                    stalled: expired || (lag > gp.inflight.len() as u64 && idle),
                });
            }
        }
        Ok(rows)
    }

    /// Messages as `q.group` sees them, by topic, partition and offset. Acked messages are
    /// shown from at most `limit` before the group's floor on: the recent past, not the whole
    /// log.
    pub fn message_states(&self, q: &StateQuery<'_>, now_ms: i64) -> Result<Vec<MessageStateRow>> {
        let limit = q.limit.clamp(1, MAX_STATE_ROWS);
        let mut rows = Vec::new();
        // Rows carry their values: past REPLY_BYTES of them the view ends early.
        let mut bytes = 0;
        for t in self.topics_sorted(q.topic)? {
            if rows.len() >= limit {
                break;
            }
            if t.is_dlq() {
                if q.owner.is_none() && q.state.is_none_or(|s| s == MessageState::DeadLettered) {
                    self.dead_lettered_rows(&t, q.group, limit, &mut rows, &mut bytes)?;
                }
                continue;
            }
            if q.state == Some(MessageState::DeadLettered) {
                continue;
            }
            // Pick offsets under the group lock, read records after releasing it.
            let picked: Vec<(u32, Vec<(u64, Pick)>)> = {
                let groups = lock(&t.groups);
                let g = groups.get(q.group);
                let mut picked = Vec::new();
                let mut budget = limit - rows.len();
                for (i, part) in t.parts().iter().enumerate() {
                    if budget == 0 {
                        break;
                    }
                    let low = part.log.low_watermark();
                    let fresh;
                    let gp = match g.and_then(|g| g.partitions.get(i)) {
                        Some(gp) => gp,
                        None => {
                            fresh = GroupPartition::starting_at(low);
                            &fresh
                        }
                    };
                    let offsets = pick_offsets(gp, q, low, part.log.high_watermark(), budget);
                    budget -= offsets.len();
                    picked.push((i as u32, offsets));
                }
                picked
            };
            for (p, offsets) in picked {
                let part = t.partition(p)?;
                let runs = contiguous_runs(&offsets.iter().map(|(o, _)| *o).collect::<Vec<_>>());
                let mut picks = offsets.into_iter().peekable();
                for run in runs {
                    for_each_record(&part.log, run.0, run.1, |stored| {
                        // Picks whose records retention deleted since are passed over.
                        while picks.next_if(|(o, _)| *o < stored.offset).is_some() {}
                        if let Some((_, pick)) = picks.next_if(|(o, _)| *o == stored.offset) {
                            let m = Self::to_message(&t.meta.name, p, stored);
                            bytes += payload_bytes(&m);
                            rows.push(pick.row(m, now_ms));
                        }
                        bytes < REPLY_BYTES
                    })?;
                    if bytes >= REPLY_BYTES {
                        return Ok(rows);
                    }
                }
            }
        }
        rows.truncate(limit);
        Ok(rows)
    }

    fn dead_lettered_rows(
        &self,
        t: &Topic,
        group: &str,
        limit: usize,
        rows: &mut Vec<MessageStateRow>,
        bytes: &mut usize,
    ) -> Result<()> {
        for (i, part) in t.parts().iter().enumerate() {
            if rows.len() >= limit || *bytes >= REPLY_BYTES {
                return Ok(());
            }
            let low = part.log.low_watermark();
            let end = part.log.high_watermark().min(low + DLQ_SCAN);
            if end == low {
                continue;
            }
            for_each_record(&part.log, low, end - 1, |stored| {
                let m = Self::to_message(&t.meta.name, i as u32, stored);
                if let Some(origin) = m.meta.dlq.as_ref().filter(|o| o.group == group) {
                    let (attempts, last_error) = (origin.attempts, origin.errors.last().cloned());
                    *bytes += payload_bytes(&m);
                    rows.push(MessageStateRow {
                        state: MessageState::DeadLettered,
                        message: m,
                        attempts,
                        owner: None,
                        last_error,
                        delivered_ms: None,
                        lease_deadline_ms: None,
                        stalled: false,
                    });
                }
                rows.len() < limit && *bytes < REPLY_BYTES
            })?;
        }
        Ok(())
    }

    /// The newest `limit` messages of a topic (capped at [`MAX_PEEK`]), newest first, each with
    /// the most attempts any group has made on it.
    pub fn peek_newest(&self, topic: &str, limit: usize) -> Result<Vec<PeekRow>> {
        let limit = limit.clamp(1, MAX_PEEK);
        let t = self.topic(topic)?;
        let mut messages = Vec::new();
        // Each partition's newest `limit` in a share of REPLY_BYTES (at least one message).
        let parts = t.parts();
        let share = REPLY_BYTES / parts.len().max(1);
        for (i, part) in parts.iter().enumerate() {
            let high = part.log.high_watermark();
            let mut want = limit as u64;
            let newest = loop {
                let from = high.saturating_sub(want).max(part.log.low_watermark());
                let got = part.log.read(from, want as usize, share)?;
                // A read cut short by the share returns the oldest of the window; ask again for
                // as many as fitted, counted back from the end, until the newest are in.
                match got.last() {
                    Some(last) if last.offset + 1 < high && (got.len() as u64) < want => {
                        want = got.len() as u64;
                    }
                    _ => break got,
                }
            };
            messages.extend(
                newest
                    .into_iter()
                    .map(|s| Self::to_message(topic, i as u32, s)),
            );
        }
        messages.sort_by(|a, b| {
            (b.timestamp_ms, b.offset, b.partition).cmp(&(a.timestamp_ms, a.offset, a.partition))
        });
        messages.truncate(limit);
        let groups = lock(&t.groups);
        Ok(messages
            .into_iter()
            .map(|m| {
                let tries = groups.values().filter_map(|g| {
                    let gp = g.partitions.get(m.partition as usize)?;
                    if let Some(l) = gp.inflight.get(&m.offset) {
                        return Some((l.attempts, l.errors.last().cloned()));
                    }
                    gp.retries
                        .get(&m.offset)
                        .map(|r| (r.attempts, r.errors.last().cloned()))
                });
                let (attempts, last_error) = tries
                    .max_by_key(|(attempts, _)| *attempts)
                    .unwrap_or((0, None));
                PeekRow {
                    message: m,
                    attempts,
                    last_error,
                }
            })
            .collect())
    }
}

/// What the group state said about a picked offset, kept until its record is read.
#[derive(Debug, Clone)]
enum Pick {
    Queued,
    Acked,
    InFlight {
        owner: String,
        attempts: u32,
        last_error: Option<String>,
        delivered_ms: i64,
        deadline_ms: i64,
    },
    Retried {
        attempts: u32,
        last_error: Option<String>,
    },
    Delayed,
    BlockedByKey,
}

impl Pick {
    fn of(gp: &GroupPartition, offset: u64) -> Self {
        if gp.is_done(offset) {
            Self::Acked
        } else if let Some(l) = gp.inflight.get(&offset) {
            Self::InFlight {
                owner: l.owner.clone(),
                attempts: l.attempts,
                last_error: l.errors.last().cloned(),
                delivered_ms: l.delivered_ms,
                deadline_ms: l.deadline_ms,
            }
        } else if let Some(r) = gp.retries.get(&offset) {
            Self::Retried {
                attempts: r.attempts,
                last_error: r.errors.last().cloned(),
            }
        } else if gp.is_delayed(offset) {
            Self::Delayed
        } else if gp.is_key_blocked(offset) {
            Self::BlockedByKey
        } else {
            Self::Queued
        }
    }

    fn state(&self) -> MessageState {
        match self {
            Self::Queued => MessageState::Queued,
            Self::Acked => MessageState::Acked,
            Self::InFlight { .. } => MessageState::InFlight,
            Self::Retried { .. } => MessageState::Retried,
            Self::Delayed => MessageState::Delayed,
            Self::BlockedByKey => MessageState::BlockedByKey,
        }
    }

    fn owner(&self) -> Option<&str> {
        match self {
            Self::InFlight { owner, .. } => Some(owner),
            _ => None,
        }
    }

    fn row(&self, message: Message, now_ms: i64) -> MessageStateRow {
        let mut row = MessageStateRow {
            state: self.state(),
            message,
            attempts: 0,
            owner: None,
            last_error: None,
            delivered_ms: None,
            lease_deadline_ms: None,
            stalled: false,
        };
        match self {
            Self::Queued | Self::Acked | Self::Delayed | Self::BlockedByKey => {}
            Self::InFlight {
                owner,
                attempts,
                last_error,
                delivered_ms,
                deadline_ms,
            } => {
                row.owner = Some(owner.clone());
                row.attempts = *attempts;
                row.last_error.clone_from(last_error);
                row.delivered_ms = Some(*delivered_ms);
                row.lease_deadline_ms = Some(*deadline_ms);
                row.stalled = *deadline_ms < now_ms;
            }
            Self::Retried {
                attempts,
                last_error,
            } => {
                row.attempts = *attempts;
                row.last_error.clone_from(last_error);
            }
        }
        row
    }
}

/// Up to `budget` offsets of one partition that match `q`, ascending, with their state.
fn pick_offsets(
    gp: &GroupPartition,
    q: &StateQuery<'_>,
    low: u64,
    high: u64,
    budget: usize,
) -> Vec<(u64, Pick)> {
    let keep = |pick: &Pick| {
        q.state.is_none_or(|s| s == pick.state()) && q.owner.is_none_or(|o| pick.owner() == Some(o))
    };
    let candidates: Box<dyn Iterator<Item = u64> + '_> = match q.state {
        // Leases and retries are in the maps: no need to walk the offsets between them.
        _ if q.owner.is_some() => Box::new(gp.inflight.keys().copied()),
        Some(MessageState::InFlight) => Box::new(gp.inflight.keys().copied()),
        Some(MessageState::Retried) => Box::new(gp.retries.keys().copied()),
        Some(MessageState::Delayed) => Box::new(gp.delayed_offsets()),
        Some(MessageState::BlockedByKey) => Box::new(gp.key_blocked_offsets()),
        Some(MessageState::Queued) => Box::new(gp.floor.max(low)..high),
        Some(MessageState::Acked) => {
            let recent = gp.floor.saturating_sub(budget as u64).max(low)..gp.floor;
            Box::new(recent.chain(gp.acked.iter().copied()))
        }
        Some(MessageState::DeadLettered) => Box::new(std::iter::empty()),
        None => {
            // What is still to do comes first; room left shows the acked messages just before.
            let ahead = walk(
                Box::new(gp.floor.max(low)..high),
                gp,
                low,
                high,
                budget,
                keep,
            );
            let room = (budget - ahead.len()) as u64;
            let floor = gp.floor.max(low);
            let before = (floor.saturating_sub(room).max(low)..floor).map(|o| (o, Pick::Acked));
            return before.chain(ahead).collect();
        }
    };
    walk(candidates, gp, low, high, budget, keep)
}

fn walk(
    candidates: Box<dyn Iterator<Item = u64> + '_>,
    gp: &GroupPartition,
    low: u64,
    high: u64,
    budget: usize,
    keep: impl Fn(&Pick) -> bool,
) -> Vec<(u64, Pick)> {
    let mut picked = Vec::new();
    for offset in candidates {
        if picked.len() >= budget {
            break;
        }
        if offset < low || offset >= high {
            continue;
        }
        let pick = Pick::of(gp, offset);
        if keep(&pick) {
            picked.push((offset, pick));
        }
    }
    picked
}

/// Ascending offsets as runs of consecutive ones, `(first, last)`: one log read each.
fn contiguous_runs(offsets: &[u64]) -> Vec<(u64, u64)> {
    offsets
        .chunk_by(|a, b| *b == *a + 1)
        .filter_map(|run| Some((*run.first()?, *run.last()?)))
        .collect()
}

/// Calls `f` with each record from `first` through `last` (fewer where retention deleted
/// some), reading at most [`READ_BUDGET`] bytes at a time; stops early when `f` says so.
fn for_each_record(
    log: &PartitionLog,
    first: u64,
    last: u64,
    mut f: impl FnMut(StoredRecord) -> bool,
) -> Result<()> {
    let mut next = first;
    while next <= last {
        let records = log.read(next, (last - next + 1) as usize, READ_BUDGET)?;
        let Some(end) = records.last().map(|r| r.offset + 1) else {
            return Ok(());
        };
        for r in records {
            if r.offset > last {
                return Ok(());
            }
            if !f(r) {
                return Ok(());
            }
        }
        next = end;
    }
    Ok(())
}
