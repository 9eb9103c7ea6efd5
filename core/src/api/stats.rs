//! `GET /v1/stats`: the snapshot behind the dashboard, `status`, `check` and `group describe`.
//!
//! Fields are declared in the order they have always been sent (alphabetical: the server once
//! built these replies as JSON maps); clients read them by name. Every reply type defaults its
//! missing fields, so a newer client reads an older server's reply.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::broker;

/// The whole snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Stats {
    /// The data directory's disk (servers before the free-space floor send none).
    pub disk: Option<DiskSummary>,
    pub dlq: Vec<DlqSummary>,
    pub groups: Vec<GroupSummary>,
    pub last_router_error: Option<String>,
    pub now_ms: i64,
    pub recovery: Recovery,
    pub router_errors: u64,
    pub topics: Vec<TopicSummary>,
    pub uptime_ms: u64,
    pub version: String,
}

impl Stats {
    /// The broker's snapshot with what the server adds: uptime, version, disk, recovery.
    #[must_use]
    pub fn new(s: &broker::Stats, uptime_ms: u64, version: &str, disk: DiskSummary) -> Self {
        Self {
            disk: Some(disk),
            dlq: s.dlq.iter().map(DlqSummary::from).collect(),
            groups: s.groups.iter().map(GroupSummary::from).collect(),
            last_router_error: s.last_router_error.clone(),
            now_ms: s.now_ms,
            recovery: Recovery::default(),
            router_errors: s.router_errors,
            topics: s.topics.iter().map(TopicSummary::from).collect(),
            uptime_ms,
            version: version.to_owned(),
        }
    }
}

/// Free space on the data directory's disk against the produce floor (`--min-free-bytes`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DiskSummary {
    pub free_bytes: u64,
    /// Produces are refused (507 `disk_full`).
    pub full: bool,
    pub min_free_bytes: u64,
    pub total_bytes: u64,
}

/// What the last start cut from torn log tails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Recovery {
    pub truncated_records: u64,
    pub truncated_tails: Vec<TruncatedTail>,
}

impl Recovery {
    #[must_use]
    pub fn new(cut: &[broker::Truncation]) -> Self {
        Self {
            truncated_records: cut.iter().map(|t| t.records).sum(),
            truncated_tails: cut.iter().map(TruncatedTail::from).collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TruncatedTail {
    pub bytes: u64,
    pub first_lost_offset: u64,
    /// Where the cut bytes were kept.
    pub kept_at: String,
    /// `state`, or `<topic>/<partition>`.
    pub log: String,
    pub records: u64,
}

impl From<&broker::Truncation> for TruncatedTail {
    fn from(t: &broker::Truncation) -> Self {
        Self {
            bytes: t.bytes,
            first_lost_offset: t.first_lost_offset,
            kept_at: t.kept_at.display().to_string(),
            log: t.log.clone(),
            records: t.records,
        }
    }
}

/// A topic's retry policy: messages produced without one of their own get it (`max_attempts`
/// ≥ 1; after the last, the message goes to `dlq.<topic>`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicRetryPolicy {
    pub max_attempts: u32,
    #[serde(default)]
    pub backoff_ms: u64,
    #[serde(default)]
    pub max_backoff_ms: u64,
}

impl From<broker::RetryPolicy> for TopicRetryPolicy {
    fn from(p: broker::RetryPolicy) -> Self {
        Self {
            max_attempts: p.max_attempts,
            backoff_ms: p.backoff_ms,
            max_backoff_ms: p.max_backoff_ms,
        }
    }
}

impl From<TopicRetryPolicy> for broker::RetryPolicy {
    fn from(p: TopicRetryPolicy) -> Self {
        Self {
            max_attempts: p.max_attempts,
            backoff_ms: p.backoff_ms,
            max_backoff_ms: p.max_backoff_ms,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TopicSummary {
    pub bytes: u64,
    /// The groups that consume it.
    pub groups: Vec<String>,
    pub messages: u64,
    pub name: String,
    /// `none` or `key`.
    pub ordering: String,
    pub partitions: Vec<PartitionSummary>,
    pub produced_messages: u64,
    pub retention_age_ms: Option<i64>,
    pub retention_bytes: Option<u64>,
    pub retry_policy: Option<TopicRetryPolicy>,
}

impl TopicSummary {
    /// Sum of high watermarks: durable, so rates survive server restarts.
    #[must_use]
    pub fn written(&self) -> u64 {
        self.partitions.iter().map(|p| p.high_watermark).sum()
    }
}

impl From<&broker::TopicStats> for TopicSummary {
    fn from(t: &broker::TopicStats) -> Self {
        let partitions: Vec<PartitionSummary> =
            t.partitions.iter().map(PartitionSummary::from).collect();
        Self {
            bytes: partitions.iter().map(|p| p.bytes).sum(),
            groups: t.groups.clone(),
            messages: partitions.iter().map(|p| p.messages).sum(),
            name: t.name.clone(),
            ordering: t.ordering.as_str().to_owned(),
            produced_messages: partitions.iter().map(|p| p.produced_messages).sum(),
            partitions,
            retention_age_ms: t.retention_age_ms,
            retention_bytes: t.retention_bytes,
            retry_policy: t.retry.map(TopicRetryPolicy::from),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartitionSummary {
    pub bytes: u64,
    pub high_watermark: u64,
    pub low_watermark: u64,
    /// Stored now: high − low watermark.
    pub messages: u64,
    pub partition: u32,
    pub produced_bytes: u64,
    pub produced_messages: u64,
    pub segments: usize,
}

impl From<&broker::PartitionStats> for PartitionSummary {
    fn from(p: &broker::PartitionStats) -> Self {
        Self {
            bytes: p.bytes,
            high_watermark: p.high_watermark,
            low_watermark: p.low_watermark,
            messages: p.high_watermark - p.low_watermark,
            partition: p.partition,
            produced_bytes: p.produced_bytes,
            produced_messages: p.produced_messages,
            segments: p.segments,
        }
    }
}

/// A (topic, group): totals over its partitions, its consumers, and each partition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupSummary {
    pub acks: u64,
    /// Topics ordered by key: waiting for an earlier message of their key.
    pub blocked_by_key: u64,
    /// Owners that polled lately or hold leases, most recently seen first.
    pub consumers: Vec<ConsumerSummary>,
    /// Held back by a produce delay that has not passed.
    pub delayed: u64,
    pub dlq: u64,
    /// Messages waiting in the topic's DLQ (all groups): `GET /v1/topics/{topic}/groups/{group}`
    /// only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq_depth: Option<u64>,
    pub group: String,
    pub inflight: u64,
    pub lag: u64,
    /// Who polled last (since the server started).
    pub last_owner: Option<String>,
    pub last_poll_age_ms: Option<i64>,
    pub lease_timeouts: u64,
    pub nacks: u64,
    pub oldest_unacked_age_ms: Option<i64>,
    pub partitions: Vec<GroupPartitionSummary>,
    pub ready: u64,
    pub redeliveries: u64,
    pub topic: String,
}

impl From<&broker::GroupStats> for GroupSummary {
    fn from(g: &broker::GroupStats) -> Self {
        let ps = &g.partitions;
        let sum = |f: fn(&broker::GroupPartitionStats) -> u64| ps.iter().map(f).sum();
        Self {
            acks: sum(|p| p.counters.acks),
            blocked_by_key: sum(|p| p.blocked_by_key),
            consumers: g.consumers.iter().map(ConsumerSummary::from).collect(),
            delayed: sum(|p| p.delayed),
            dlq: sum(|p| p.counters.dead_lettered),
            dlq_depth: None,
            group: g.group.clone(),
            inflight: sum(|p| p.inflight),
            lag: sum(|p| p.lag),
            last_owner: g.last_owner.clone(),
            last_poll_age_ms: g.last_poll_age_ms,
            lease_timeouts: sum(|p| p.counters.lease_timeouts),
            nacks: sum(|p| p.counters.nacks),
            oldest_unacked_age_ms: ps.iter().filter_map(|p| p.oldest_unacked_age_ms).max(),
            partitions: ps.iter().map(GroupPartitionSummary::from).collect(),
            ready: sum(|p| p.ready),
            redeliveries: sum(|p| p.counters.redeliveries),
            topic: g.topic.clone(),
        }
    }
}

/// One consumer (lease owner) of a group. Memory only: a restart starts the list empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ConsumerSummary {
    /// Its last stream closed: what it holds was written to a client that went away.
    pub gone: bool,
    pub inflight: u64,
    pub last_poll_age_ms: Option<i64>,
    pub owner: String,
    /// Consume streams it has open now.
    pub streams: u32,
}

impl From<&broker::ConsumerStats> for ConsumerSummary {
    fn from(c: &broker::ConsumerStats) -> Self {
        Self {
            gone: c.gone,
            inflight: c.inflight,
            last_poll_age_ms: c.last_poll_age_ms,
            owner: c.owner.clone(),
            streams: c.streams,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupPartitionSummary {
    pub acks: u64,
    pub blocked_by_key: u64,
    /// The ack floor: every offset below it is done.
    pub committed: u64,
    pub delayed: u64,
    pub dlq: u64,
    pub exhausted: u64,
    pub high_watermark: u64,
    pub inflight: u64,
    pub lag: u64,
    pub lease_timeouts: u64,
    pub nacks: u64,
    pub oldest_unacked_age_ms: Option<i64>,
    pub partition: u32,
    pub ready: u64,
    pub redeliveries: u64,
    pub skipped_by_retention: u64,
    pub skipped_duplicates: u64,
    pub waiting_retry: u64,
}

impl From<&broker::GroupPartitionStats> for GroupPartitionSummary {
    fn from(p: &broker::GroupPartitionStats) -> Self {
        let c = &p.counters;
        Self {
            acks: c.acks,
            blocked_by_key: p.blocked_by_key,
            committed: p.floor,
            delayed: p.delayed,
            dlq: c.dead_lettered,
            exhausted: c.exhausted,
            high_watermark: p.high_watermark,
            inflight: p.inflight,
            lag: p.lag,
            lease_timeouts: c.lease_timeouts,
            nacks: c.nacks,
            oldest_unacked_age_ms: p.oldest_unacked_age_ms,
            partition: p.partition,
            ready: p.ready,
            redeliveries: c.redeliveries,
            skipped_by_retention: c.skipped_by_retention,
            skipped_duplicates: c.skipped_duplicates,
            waiting_retry: p.waiting_retry,
        }
    }
}

/// A dead-letter topic and how much of it waits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DlqSummary {
    /// Messages not moved out by a replay.
    pub depth: u64,
    pub dlq_topic: String,
    pub replayed: u64,
    pub source_topic: String,
}

impl From<&broker::DlqStats> for DlqSummary {
    fn from(d: &broker::DlqStats) -> Self {
        Self {
            depth: d.depth,
            dlq_topic: d.dlq_topic.clone(),
            replayed: d.replayed,
            source_topic: d.source_topic.clone(),
        }
    }
}
