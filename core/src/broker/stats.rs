//! The numbers behind `/v1/stats`, `group describe` and `driftq top`, and how they are computed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::envelope::RetryPolicy;
use super::error::{Result, group_not_found};
use super::group::GroupPartition;
use super::state::{Counters, TopicOrdering};
use super::topic::{Partition, Topic};
use super::{Broker, DLQ_PREFIX, lock, read};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionStats {
    pub partition: u32,
    pub low_watermark: u64,
    pub high_watermark: u64,
    pub bytes: u64,
    pub segments: usize,
    pub produced_messages: u64,
    pub produced_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicStats {
    pub name: String,
    pub partitions: Vec<PartitionStats>,
    pub retention_age_ms: Option<i64>,
    pub retention_bytes: Option<u64>,
    /// The retry policy of messages produced without one.
    pub retry: Option<RetryPolicy>,
    pub ordering: TopicOrdering,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPartitionStats {
    pub partition: u32,
    pub floor: u64,
    pub high_watermark: u64,
    pub lag: u64,
    pub ready: u64,
    pub inflight: u64,
    pub waiting_retry: u64,
    /// Produced with a delay that has not passed (counted once a poll has passed them).
    pub delayed: u64,
    /// On a topic ordered by key: passed by a poll, waiting for an earlier message of their key.
    pub blocked_by_key: u64,
    pub oldest_unacked_age_ms: Option<i64>,
    pub counters: Counters,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupStats {
    pub topic: String,
    pub group: String,
    pub partitions: Vec<GroupPartitionStats>,
    /// How long ago, and by which owner, the group was last polled (since this broker started).
    pub last_poll_age_ms: Option<i64>,
    pub last_owner: Option<String>,
    /// Its consumers: owners that polled within [`CONSUMER_IDLE_MS`](super::group::CONSUMER_IDLE_MS) or still hold leases,
    /// most recently seen first.
    pub consumers: Vec<ConsumerStats>,
}

/// One consumer (lease owner) of a group, as `kafka-consumer-groups --describe --members` lists
/// them. Memory only, like leases: a restart starts the list empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerStats {
    pub owner: String,
    /// Since its last poll (`None`: a holder of leases the bounded list has forgotten).
    pub last_poll_age_ms: Option<i64>,
    /// Leases it holds now, over all partitions.
    pub inflight: u64,
    /// Consume streams it has open now.
    pub streams: u32,
    /// Its last consume stream closed and it has not polled since: what it still holds was
    /// written to a client that went away, and comes back when the leases run out.
    pub gone: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlqStats {
    pub source_topic: String,
    pub dlq_topic: String,
    /// Messages in the DLQ topic not moved out by a replay.
    pub depth: u64,
    pub replayed: u64,
}

/// The snapshot behind `/v1/stats`, `group describe` and `driftq top`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub now_ms: i64,
    pub topics: Vec<TopicStats>,
    pub groups: Vec<GroupStats>,
    pub dlq: Vec<DlqStats>,
    pub router_errors: u64,
    pub last_router_error: Option<String>,
}

/// A lease as `group inflight` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InflightInfo {
    pub partition: u32,
    pub offset: u64,
    pub owner: String,
    pub attempts: u32,
    pub lease_deadline_ms: i64,
    pub last_error: Option<String>,
}

impl Broker {
    /// One consistent-enough snapshot of everything the CLI and dashboard show. Cheap: no
    /// message is read except the oldest unacked one per (group, partition) with lag.
    #[must_use]
    pub fn stats(&self, now_ms: i64) -> Stats {
        let topics: Vec<Arc<Topic>> = read(&self.topics).values().cloned().collect();
        let replayed = lock(&self.replayed).clone();
        let mut out = Stats {
            now_ms,
            topics: Vec::new(),
            groups: Vec::new(),
            dlq: Vec::new(),
            router_errors: self.router_errors.load(Ordering::Relaxed),
            last_router_error: lock(&self.last_router_error).clone(),
        };
        for t in &topics {
            let retention = *lock(&t.retention);
            let groups = lock(&t.groups);
            let parts = t.parts();
            out.topics.push(TopicStats {
                name: t.meta.name.clone(),
                partitions: parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PartitionStats {
                        partition: i as u32,
                        low_watermark: p.log.low_watermark(),
                        high_watermark: p.log.high_watermark(),
                        bytes: p.log.size_bytes(),
                        segments: p.log.segments().len(),
                        produced_messages: p.produced_messages.load(Ordering::Relaxed),
                        produced_bytes: p.produced_bytes.load(Ordering::Relaxed),
                    })
                    .collect(),
                retention_age_ms: retention.age_ms,
                retention_bytes: retention.bytes,
                retry: *lock(&t.retry),
                ordering: t.ordering(),
                groups: groups.keys().cloned().collect(),
            });
            for (name, g) in groups.iter() {
                // Under the groups lock a group has exactly the topic's partitions.
                let partitions = g
                    .partitions
                    .iter()
                    .zip(parts.iter())
                    .enumerate()
                    .map(|(i, (gp, part))| group_partition_stats(i as u32, gp, part, now_ms))
                    .collect();
                out.groups.push(GroupStats {
                    topic: t.meta.name.clone(),
                    group: name.clone(),
                    partitions,
                    last_poll_age_ms: g.last_poll.as_ref().map(|(at, _)| now_ms - at),
                    last_owner: g.last_poll.as_ref().map(|(_, owner)| owner.clone()),
                    consumers: g.consumer_stats(now_ms),
                });
            }
            if t.is_dlq() {
                out.dlq.push(dlq_stats(t, &replayed));
            }
        }
        out
    }

    /// Leases a group holds on a topic, by partition and offset.
    pub fn inflight(&self, topic: &str, group: &str) -> Result<Vec<InflightInfo>> {
        let t = self.topic(topic)?;
        let groups = lock(&t.groups);
        let g = groups
            .get(group)
            .ok_or_else(|| group_not_found(topic, group))?;
        Ok(g.partitions
            .iter()
            .enumerate()
            .flat_map(|(p, gp)| {
                gp.inflight.iter().map(move |(o, l)| InflightInfo {
                    partition: p as u32,
                    offset: *o,
                    owner: l.owner.clone(),
                    attempts: l.attempts,
                    lease_deadline_ms: l.deadline_ms,
                    last_error: l.errors.last().cloned(),
                })
            })
            .collect())
    }

    /// Group names per topic.
    #[must_use]
    pub fn list_groups(&self) -> Vec<(String, String)> {
        // Release the topic map before taking group locks: a tick holding a group lock may need
        // the map to create a DLQ topic (lock order: topics are never held across groups).
        let topics: Vec<Arc<Topic>> = read(&self.topics).values().cloned().collect();
        topics
            .iter()
            .flat_map(|t| {
                lock(&t.groups)
                    .keys()
                    .map(|g| (t.meta.name.clone(), g.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// A group's position and backlog on one partition. Reads at most the oldest unacked message.
fn group_partition_stats(
    partition: u32,
    gp: &GroupPartition,
    part: &Partition,
    now_ms: i64,
) -> GroupPartitionStats {
    let log = &part.log;
    let hw = log.high_watermark();
    let lag = gp.lag(hw);
    let oldest = if lag > 0 {
        log.read(gp.floor, 1, usize::MAX).ok().and_then(|v| {
            v.first()
                .map(|r| now_ms.saturating_sub(r.record.timestamp).max(0))
        })
    } else {
        None
    };
    GroupPartitionStats {
        partition,
        floor: gp.floor,
        high_watermark: hw,
        lag,
        ready: gp.ready(hw, now_ms),
        inflight: gp.inflight.len() as u64,
        waiting_retry: gp
            .retries
            .values()
            .filter(|e| e.next_eligible_ms > now_ms)
            .count() as u64,
        delayed: gp.delayed_not_due(now_ms),
        blocked_by_key: gp.key_blocked(),
        oldest_unacked_age_ms: oldest,
        counters: gp.counters,
    }
}

/// How much of a DLQ topic waits: what it stores, less what move replays took out.
fn dlq_stats(t: &Topic, replayed: &BTreeMap<(String, u32, u64), bool>) -> DlqStats {
    let total: u64 = t
        .parts()
        .iter()
        .map(|p| p.log.high_watermark() - p.log.low_watermark())
        .sum();
    let mine = replayed.iter().filter(|((n, _, _), _)| n == &t.meta.name);
    let (mut moved, mut count) = (0u64, 0u64);
    for ((_, p, o), m) in mine {
        count += 1;
        // A moved message that retention or a purge has deleted since is no
        // longer in `total` either.
        let stored = t
            .parts()
            .get(*p as usize)
            .is_some_and(|part| *o >= part.log.low_watermark());
        moved += u64::from(*m && stored);
    }
    DlqStats {
        source_topic: t.meta.name.trim_start_matches(DLQ_PREFIX).to_owned(),
        dlq_topic: t.meta.name.clone(),
        depth: total.saturating_sub(moved),
        replayed: count,
    }
}
