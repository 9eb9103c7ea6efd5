//! The `/v1/stats` snapshot, typed for the dashboard.

use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Stats {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub now_ms: i64,
    #[serde(default)]
    pub uptime_ms: u64,
    #[serde(default)]
    pub topics: Vec<TopicStat>,
    #[serde(default)]
    pub groups: Vec<GroupStat>,
    #[serde(default)]
    pub dlq: Vec<DlqStat>,
    /// The data directory's disk (servers before the free-space floor send none).
    #[serde(default)]
    pub disk: Option<DiskStat>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct DiskStat {
    #[serde(default)]
    pub free_bytes: u64,
    #[serde(default)]
    pub min_free_bytes: u64,
    /// Produces are refused (507 `disk_full`).
    #[serde(default)]
    pub full: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct TopicStat {
    pub name: String,
    #[serde(default)]
    pub partitions: Vec<PartitionStat>,
    #[serde(default)]
    pub messages: u64,
    #[serde(default)]
    pub bytes: u64,
}

impl TopicStat {
    /// Sum of high watermarks: durable, so rates survive server restarts.
    #[must_use]
    pub fn written(&self) -> u64 {
        self.partitions.iter().map(|p| p.high_watermark).sum()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PartitionStat {
    pub partition: u32,
    #[serde(default)]
    pub low_watermark: u64,
    #[serde(default)]
    pub high_watermark: u64,
    #[serde(default)]
    pub messages: u64,
    #[serde(default)]
    pub bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GroupStat {
    pub topic: String,
    pub group: String,
    #[serde(default)]
    pub lag: u64,
    #[serde(default)]
    pub ready: u64,
    #[serde(default)]
    pub inflight: u64,
    #[serde(default)]
    pub oldest_unacked_age_ms: Option<i64>,
    #[serde(default)]
    pub acks: u64,
    #[serde(default)]
    pub nacks: u64,
    #[serde(default)]
    pub redeliveries: u64,
    #[serde(default)]
    pub dlq: u64,
    /// Who polled the group last and how long ago (servers before 0.1 omit them).
    #[serde(default)]
    pub last_poll_age_ms: Option<i64>,
    #[serde(default)]
    pub last_owner: Option<String>,
    /// Owners that polled lately or hold leases (servers before 0.1 omit them).
    #[serde(default)]
    pub consumers: Vec<ConsumerStat>,
    /// Messages held back by a produce delay that has not passed.
    #[serde(default)]
    pub delayed: u64,
    /// Messages of a topic ordered by key waiting for an earlier message of their key.
    #[serde(default)]
    pub blocked_by_key: u64,
    #[serde(default)]
    pub partitions: Vec<GroupPartitionStat>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ConsumerStat {
    pub owner: String,
    #[serde(default)]
    pub last_poll_age_ms: Option<i64>,
    #[serde(default)]
    pub inflight: u64,
    #[serde(default)]
    pub streams: u32,
    #[serde(default)]
    pub gone: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GroupPartitionStat {
    pub partition: u32,
    #[serde(default)]
    pub committed: u64,
    #[serde(default)]
    pub high_watermark: u64,
    #[serde(default)]
    pub lag: u64,
    #[serde(default)]
    pub ready: u64,
    #[serde(default)]
    pub inflight: u64,
    #[serde(default)]
    pub oldest_unacked_age_ms: Option<i64>,
    #[serde(default)]
    pub acks: u64,
    #[serde(default)]
    pub dlq: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct DlqStat {
    pub source_topic: String,
    pub dlq_topic: String,
    #[serde(default)]
    pub depth: u64,
    #[serde(default)]
    pub replayed: u64,
}

/// A message that failed and waits for its next delivery, for the group drill-down (a row of
/// `/debug/messages/state?status=retried`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Retry {
    pub partition: u32,
    pub offset: u64,
    pub attempts: u32,
    #[serde(default)]
    pub last_error: Option<String>,
}

/// One lease, for the group drill-down.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Lease {
    pub partition: u32,
    pub offset: u64,
    pub owner: String,
    pub attempts: u32,
    #[serde(default)]
    pub lease_remaining_ms: i64,
    #[serde(default)]
    pub last_error: Option<String>,
}
