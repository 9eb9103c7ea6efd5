//! Reading and leasing: log reads without a group, and polls that lease messages to an owner
//! (due retries first, then released heads, then new messages at the cursor).

use std::collections::BTreeMap;

use crate::storage::StoredRecord;

use super::config::{
    MAX_KEY_BLOCKED, REPLY_BYTES, check_lease, validate_group_name, validate_owner,
};
use super::envelope::{MessageMeta, RetryPolicy};
use super::error::Result;
use super::group::{Group, KeyTurn, Lease, order_key};
use super::idempotency::idempotency_scope;
use super::journal::Deferred;
use super::state::{SeekCause, StateRecord, TopicOrdering};
use super::topic::Topic;
use super::{Broker, lock, read};

/// A stored message with its broker metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub timestamp_ms: i64,
    pub key: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub value: Vec<u8>,
    pub meta: MessageMeta,
}

/// A message leased to a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub message: Message,
    pub group: String,
    pub owner: String,
    /// 1 on first delivery.
    pub attempts: u32,
    pub lease_deadline_ms: i64,
    /// Error history, oldest first.
    pub errors: Vec<String>,
}

/// Where to start reading a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    Offset(u64),
    Timestamp(i64),
}

/// One poll's request, handed down its locked steps.
#[derive(Debug)]
pub(super) struct PollRequest<'a> {
    pub(super) topic: &'a Topic,
    pub(super) group: &'a str,
    pub(super) owner: &'a str,
    pub(super) max: usize,
    pub(super) lease_ms: i64,
    pub(super) now_ms: i64,
    /// Key and value bytes leased so far (see [`REPLY_BYTES`]).
    pub(super) leased_bytes: std::cell::Cell<usize>,
    /// The topic's retry policy for messages without their own, as the poll began.
    pub(super) default_retry: Option<RetryPolicy>,
    /// Whether the topic is ordered by key.
    pub(super) ordered: bool,
}

/// What a poll has done so far: its deliveries, and the state records it applied and has not
/// logged yet.
#[derive(Debug, Default)]
pub(super) struct Polled {
    pub(super) out: Vec<Delivery>,
    pub(super) records: Vec<StateRecord>,
}

impl PollRequest<'_> {
    /// Whether the poll has handed out all it may: `max` messages, or [`REPLY_BYTES`].
    pub(super) fn is_full(&self, delivered: usize) -> bool {
        delivered >= self.max || self.leased_bytes.get() >= REPLY_BYTES
    }
}

pub(super) fn payload_bytes(m: &Message) -> usize {
    m.value.len() + m.key.as_ref().map_or(0, Vec::len)
}

impl Broker {
    pub(super) fn to_message(topic: &str, partition: u32, stored: StoredRecord) -> Message {
        let r = stored.record;
        let meta = MessageMeta::decode(r.metadata.as_deref()).unwrap_or_else(|e| {
            tracing::warn!(topic, partition, offset = stored.offset, error = %e, "undecodable message metadata");
            MessageMeta::default()
        });
        Message {
            topic: topic.to_owned(),
            partition,
            offset: stored.offset,
            timestamp_ms: r.timestamp,
            key: r.key,
            headers: r.headers,
            value: r.value,
            meta,
        }
    }

    /// Reads a partition without leases (a log reader), from an offset or timestamp.
    pub fn read(
        &self,
        topic: &str,
        partition: u32,
        from: ReadFrom,
        max: usize,
        max_bytes: usize,
    ) -> Result<Vec<Message>> {
        let t = self.topic(topic)?;
        let part = t.partition(partition)?;
        let start = match from {
            ReadFrom::Offset(o) => o,
            ReadFrom::Timestamp(ts) => part.log.offset_for_timestamp(ts)?,
        };
        Ok(part
            .log
            .read(start, max, max_bytes)?
            .into_iter()
            .map(|s| Self::to_message(topic, partition, s))
            .collect())
    }

    /// Whether `group` may hold messages back until some of its leases are settled: a partition
    /// is at the in-flight bound, or the topic is ordered by key and a key's next message waits
    /// for the ack of the one leased. A consumer that found nothing then waits for settlements
    /// as well as for new messages. Only a hint: the answer may change at once.
    pub fn waits_on_settling(&self, topic: &str, group: &str) -> bool {
        let Ok(t) = self.topic(topic) else {
            return false;
        };
        let ordered = t.ordering() == TopicOrdering::Key;
        let groups = lock(&t.groups);
        groups.get(group).is_some_and(|g| {
            g.partitions.iter().any(|gp| {
                gp.inflight.len() >= self.config.max_inflight
                    || (ordered && !gp.inflight.is_empty())
            })
        })
    }

    /// Whether a poll of `group` would start reading below some partition's active segment
    /// (its cursor, a due retry or a released head is there; a group not created yet starts at the low
    /// watermark). Such reads may go to the disk, so an async caller runs the poll where it may
    /// block. Only a hint: the answer may change before the poll runs.
    pub fn poll_reads_sealed(&self, topic: &str, group: &str, now_ms: i64) -> bool {
        let Ok(t) = self.topic(topic) else {
            return false;
        };
        let groups = lock(&t.groups);
        t.parts().iter().enumerate().any(|(p, part)| {
            let next = match groups.get(group).and_then(|g| g.partitions.get(p)) {
                Some(gp) => gp
                    .first_due_retry(now_ms)
                    .into_iter()
                    .chain(gp.first_released())
                    .fold(gp.cursor, u64::min),
                None => part.log.low_watermark(),
            };
            next < part.log.high_watermark() && next < part.log.active_base_offset()
        })
    }

    /// Leases up to `max` messages of `topic` to `owner` in `group` for `lease_ms`. Creates the
    /// group (at each partition's start) on first use; the deliveries hold once that creation is
    /// durable ([`Deferred::wait`] or [`Deferred::durable`]).
    pub fn poll(
        &self,
        topic: &str,
        group: &str,
        owner: &str,
        max: usize,
        lease_ms: i64,
        now_ms: i64,
    ) -> Result<Deferred<Vec<Delivery>>> {
        validate_group_name(group)?;
        validate_owner(owner)?;
        check_lease(lease_ms)?;
        let t = self.topic(topic)?;
        let _snap = read(&self.snapshot);
        let req = PollRequest {
            topic: &t,
            group,
            owner,
            max,
            lease_ms,
            now_ms,
            leased_bytes: std::cell::Cell::new(0),
            default_retry: *lock(&t.retry),
            ordered: t.ordering() == TopicOrdering::Key,
        };
        let mut acc = Polled {
            out: Vec::with_capacity(max.min(1024)),
            records: Vec::new(),
        };
        let mut appended = None;
        let mut groups = lock(&t.groups);
        acc.records
            .extend(self.create_group_if_missing(&t, &mut groups, group, now_ms));
        let parts = t.parts();
        let n = parts.len();
        let start = groups.get_mut(group).map_or(0, |g| {
            g.last_poll = Some((now_ms, owner.to_owned()));
            g.saw_consumer(owner, now_ms);
            let s = g.next_partition % n.max(1);
            g.next_partition = s + 1;
            s
        });
        for i in 0..n {
            if req.is_full(acc.out.len()) {
                break;
            }
            let p = (start + i) % n;
            let part = &parts[p];
            let mut next = self.poll_partition(&mut groups, &req, p as u32, &mut acc)?;
            while let Some((cursor, room)) = next {
                // Reading and decoding the log is most of a poll's work, so it runs without the
                // groups lock and other polls and acks of the topic go on meanwhile. What this
                // poll changed so far is logged first: the state log keeps the order in which
                // changes were applied.
                if let Some(a) = self.log_state(&acc.records, now_ms)? {
                    appended = Some(a);
                }
                acc.records.clear();
                drop(groups);
                let batch = part.read_for_poll(cursor, room);
                groups = lock(&t.groups);
                next = self.lease_read(&mut groups, &req, p as u32, (cursor, batch?), &mut acc);
            }
        }
        t.refresh_min_floors(&groups);
        if let Some(a) = self.log_state(&acc.records, now_ms)? {
            appended = Some(a);
        }
        drop(groups);
        Ok(self.after_state(acc.out, appended))
    }

    /// Creates `group` at each partition's low watermark when it does not exist yet; returns the
    /// applied record, for the caller to log under the same lock.
    pub(super) fn create_group_if_missing(
        &self,
        t: &Topic,
        groups: &mut BTreeMap<String, Group>,
        group: &str,
        now_ms: i64,
    ) -> Option<StateRecord> {
        if groups.contains_key(group) {
            return None;
        }
        let rec = StateRecord::GroupCreated {
            topic: t.meta.name.clone(),
            group: group.to_owned(),
            floors: t.parts().iter().map(|p| p.log.low_watermark()).collect(),
        };
        self.apply_group_record(t, groups, &rec, now_ms);
        Some(rec)
    }

    /// The locked part of polling one partition: a retention skip-ahead and due redeliveries.
    /// Returns where to read never-delivered messages and how many fit, if any do.
    pub(super) fn poll_partition(
        &self,
        groups: &mut BTreeMap<String, Group>,
        req: &PollRequest<'_>,
        p: u32,
        acc: &mut Polled,
    ) -> Result<Option<(u64, usize)>> {
        let &PollRequest {
            topic: t,
            group,
            now_ms,
            ..
        } = req;
        let part = &t.parts()[p as usize];
        let low = part.log.low_watermark();
        let Some(g) = groups.get(group) else {
            return Ok(None);
        };
        let floor = g.partitions.get(p as usize).map_or(0, |gp| gp.floor);
        if floor < low {
            let rec = StateRecord::Seek {
                topic: t.meta.name.clone(),
                group: group.to_owned(),
                partition: p,
                floor: low,
                cause: SeekCause::Retention,
            };
            tracing::warn!(topic = %t.meta.name, group, partition = p, from = floor, to = low, "retention deleted unconsumed messages; group skips ahead");
            self.apply_group_record(t, groups, &rec, now_ms);
            acc.records.push(rec);
        }
        // Redeliveries first, oldest offset first.
        loop {
            let Some(g) = groups.get_mut(group) else {
                return Ok(None);
            };
            let Some(gp) = g.partitions.get_mut(p as usize) else {
                return Ok(None);
            };
            if req.is_full(acc.out.len()) || gp.inflight.len() >= self.config.max_inflight {
                return Ok(None);
            }
            // Then delayed messages that came due, in the order they did.
            let Some(offset) = gp
                .first_due_retry(now_ms)
                .or_else(|| gp.take_due_delayed(now_ms))
            else {
                break;
            };
            let Some(stored) = part
                .log
                .read(offset, 1, usize::MAX)?
                .into_iter()
                .find(|s| s.offset == offset)
            else {
                // Gone by retention: the group skips past it at its next poll.
                gp.retries.remove(&offset);
                gp.forget_key_order(offset);
                continue;
            };
            let msg = Self::to_message(&t.meta.name, p, stored);
            self.lease(g, req, p, msg, acc);
        }
        // Then (on a topic ordered by key) messages whose key's previous message is done.
        if let Some(g) = groups.get_mut(req.group) {
            self.lease_released(g, req, p, acc)?;
        }
        // Then messages never delivered since the last restart or seek.
        Ok(self.room_to_read(groups, req, p, acc.out.len()))
    }

    /// Leases the released heads of a topic ordered by key, lowest offsets first, as far as
    /// room allows. They are read in spans — one read for a run of nearby offsets — because the
    /// heads an ack releases usually lie close together, and a read decodes whole batches.
    pub(super) fn lease_released(
        &self,
        g: &mut Group,
        req: &PollRequest<'_>,
        p: u32,
        acc: &mut Polled,
    ) -> Result<()> {
        /// A span read covers at most this many offsets and (past its first record) bytes.
        const SPAN_RECORDS: u64 = 1024;
        const SPAN_BYTES: usize = 4 << 20;
        let part = &req.topic.parts()[p as usize];
        let Some(gp) = g.partitions.get_mut(p as usize) else {
            return Ok(());
        };
        let room = req
            .max
            .saturating_sub(acc.out.len())
            .min(self.config.max_inflight.saturating_sub(gp.inflight.len()));
        let taken = gp.take_released(room);
        let mut i = 0;
        while i < taken.len() {
            let start = taken[i];
            let span = (taken[taken.len() - 1] - start + 1).min(SPAN_RECORDS);
            let read = part.log.read(
                start,
                usize::try_from(span).unwrap_or(usize::MAX),
                SPAN_BYTES,
            );
            let read = match read {
                Ok(read) => read,
                Err(e) => {
                    // Nothing is lost: what was not leased is released again.
                    if let Some(gp) = g.partitions.get_mut(p as usize) {
                        gp.release_again(&taken[i..]);
                    }
                    return Err(e.into());
                }
            };
            let covered_to = read.last().map_or(start, |r| r.offset);
            let mut read = read.into_iter().peekable();
            while i < taken.len() && taken[i] <= covered_to {
                let offset = taken[i];
                let Some(gp) = g.partitions.get_mut(p as usize) else {
                    return Ok(());
                };
                if req.is_full(acc.out.len()) {
                    gp.release_again(&taken[i..]);
                    return Ok(());
                }
                i += 1;
                while read.next_if(|r| r.offset < offset).is_some() {}
                let Some(stored) = read.next_if(|r| r.offset == offset) else {
                    // Gone by retention: the group skips past it at its next poll.
                    gp.forget_key_order(offset);
                    continue;
                };
                let msg = Self::to_message(&req.topic.meta.name, p, stored);
                // A released message may have been produced with a delay that has not passed.
                if let Some(due) = msg.meta.deliver_at_ms.filter(|due| *due > req.now_ms) {
                    gp.hold_delayed(offset, due);
                    continue;
                }
                self.lease(g, req, p, msg, acc);
            }
        }
        Ok(())
    }

    /// Where to read never-delivered messages of partition `p` next and how many fit.
    pub(super) fn room_to_read(
        &self,
        groups: &BTreeMap<String, Group>,
        req: &PollRequest<'_>,
        p: u32,
        delivered: usize,
    ) -> Option<(u64, usize)> {
        let gp = groups.get(req.group)?.partitions.get(p as usize)?;
        let room = req
            .max
            .saturating_sub(delivered)
            .min(self.config.max_inflight.saturating_sub(gp.inflight.len()));
        let hw = req.topic.parts()[p as usize].log.high_watermark();
        let may_pass = !req.ordered || gp.key_blocked() < MAX_KEY_BLOCKED;
        (room > 0 && may_pass && !req.is_full(delivered) && gp.cursor < hw)
            .then_some((gp.cursor, room))
    }

    /// Leases records read from `read_from` without the groups lock. Another poll of the group
    /// may have moved the cursor meanwhile: forward (it handed out some of these records, which
    /// are skipped) or, by a seek, backward (the batch is dropped and reading starts over at the
    /// new cursor). Returns where to read next, if anything is left to read and room is left.
    pub(super) fn lease_read(
        &self,
        groups: &mut BTreeMap<String, Group>,
        req: &PollRequest<'_>,
        p: u32,
        (read_from, batch): (u64, Vec<StoredRecord>),
        acc: &mut Polled,
    ) -> Option<(u64, usize)> {
        let &PollRequest {
            topic: t, group, ..
        } = req;
        let part = &t.parts()[p as usize];
        let cursor_now = groups.get(group)?.partitions.get(p as usize)?.cursor;
        if batch.is_empty() || cursor_now < read_from {
            return (!batch.is_empty())
                .then(|| self.room_to_read(groups, req, p, acc.out.len()))
                .flatten();
        }
        let mut batch = batch.into_iter();
        while let Some(stored) = batch.next() {
            let g = groups.get_mut(group)?;
            let gp = g.partitions.get_mut(p as usize)?;
            if req.is_full(acc.out.len())
                || gp.inflight.len() >= self.config.max_inflight
                || (req.ordered && gp.key_blocked() >= MAX_KEY_BLOCKED)
            {
                part.keep_read_ahead(std::iter::once(stored).chain(batch).collect());
                return None;
            }
            let offset = stored.offset;
            if offset < gp.cursor && gp.cursor > read_from {
                continue; // another poll got here first
            }
            gp.cursor = gp.cursor.max(offset + 1);
            if gp.is_done(offset) {
                continue;
            }
            if req.ordered
                && let Some(key) = &stored.record.key
                && gp.key_turn(offset, order_key(key)) != KeyTurn::Head
            {
                continue;
            }
            if gp.inflight.contains_key(&offset)
                || gp.retries.contains_key(&offset)
                || gp.is_delayed(offset)
            {
                continue;
            }
            let msg = Self::to_message(&t.meta.name, p, stored);
            if let Some(due) = msg.meta.deliver_at_ms.filter(|due| *due > req.now_ms) {
                gp.hold_delayed(offset, due);
                continue;
            }
            self.lease(g, req, p, msg, acc);
        }
        self.room_to_read(groups, req, p, acc.out.len())
    }

    /// Hands `msg` to `owner`, or skips it when the group already acked its idempotency scope.
    pub(super) fn lease(
        &self,
        g: &mut Group,
        req: &PollRequest<'_>,
        p: u32,
        msg: Message,
        acc: &mut Polled,
    ) {
        let &PollRequest {
            topic: t,
            group,
            owner,
            lease_ms,
            now_ms,
            ..
        } = req;
        let envelope = msg.meta.envelope.clone().unwrap_or_default();
        let scope = (!envelope.idempotency_key.is_empty()).then(|| {
            idempotency_scope(&envelope.tenant_id, &t.meta.name, &envelope.idempotency_key)
        });
        if let Some(s) = &scope
            && g.committed_scopes.get(s).is_some_and(|exp| *exp > now_ms)
        {
            let rec = StateRecord::Acked {
                topic: t.meta.name.clone(),
                group: group.to_owned(),
                partition: p,
                offsets: vec![msg.offset],
                scopes: Vec::new(),
                skipped: true,
            };
            if let Some(gp) = g.partitions.get_mut(p as usize) {
                gp.mark_done(msg.offset);
                gp.counters.skipped_duplicates += 1;
            }
            acc.records.push(rec);
            return;
        }
        let Some(gp) = g.partitions.get_mut(p as usize) else {
            return;
        };
        let previous = gp.retries.remove(&msg.offset).unwrap_or_default();
        let attempts = previous.attempts + 1;
        let deadline = now_ms.saturating_add(lease_ms);
        gp.inflight.insert(
            msg.offset,
            Lease {
                owner: owner.to_owned(),
                deadline_ms: deadline,
                delivered_ms: now_ms,
                attempts,
                errors: previous.errors.clone(),
                policy: envelope
                    .retry_policy
                    .or(req.default_retry)
                    .unwrap_or_default(),
                scope,
            },
        );
        req.leased_bytes
            .set(req.leased_bytes.get() + payload_bytes(&msg));
        acc.out.push(Delivery {
            message: msg,
            group: group.to_owned(),
            owner: owner.to_owned(),
            attempts,
            lease_deadline_ms: deadline,
            errors: previous.errors,
        });
    }
}
