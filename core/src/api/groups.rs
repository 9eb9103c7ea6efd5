//! Consumer groups: list, describe, leases, seek, delete.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::stats::{ConsumerSummary, GroupPartitionSummary, GroupSummary};

/// `GET /v1/groups`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupList {
    pub groups: Vec<GroupSummary>,
}

/// `GET /v1/topics/{topic}/groups/{group}`: the summary plus its DLQ's depth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupDescription {
    pub acks: u64,
    pub blocked_by_key: u64,
    pub consumers: Vec<ConsumerSummary>,
    pub delayed: u64,
    pub dlq: u64,
    /// Messages waiting in the topic's DLQ (all groups).
    pub dlq_depth: u64,
    pub group: String,
    pub inflight: u64,
    pub lag: u64,
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

impl GroupDescription {
    #[must_use]
    pub fn new(g: GroupSummary, dlq_depth: u64) -> Self {
        Self {
            acks: g.acks,
            blocked_by_key: g.blocked_by_key,
            consumers: g.consumers,
            delayed: g.delayed,
            dlq: g.dlq,
            dlq_depth,
            group: g.group,
            inflight: g.inflight,
            lag: g.lag,
            last_owner: g.last_owner,
            last_poll_age_ms: g.last_poll_age_ms,
            lease_timeouts: g.lease_timeouts,
            nacks: g.nacks,
            oldest_unacked_age_ms: g.oldest_unacked_age_ms,
            partitions: g.partitions,
            ready: g.ready,
            redeliveries: g.redeliveries,
            topic: g.topic,
        }
    }
}

/// One lease, as `group inflight` lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct InflightLease {
    pub attempts: u32,
    pub last_error: Option<String>,
    pub lease_deadline_ms: i64,
    pub lease_remaining_ms: i64,
    pub offset: u64,
    pub owner: String,
    pub partition: u32,
}

/// `GET /v1/topics/{topic}/groups/{group}/inflight`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct InflightList {
    pub inflight: Vec<InflightLease>,
}

/// `POST /v1/topics/{topic}/groups/{group}/seek`: `to` is `"start"`, `"end"`, an offset, or
/// `"@time"` (unix ms or RFC 3339).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeekRequest {
    #[schema(value_type = String)]
    pub to: serde_json::Value,
    #[serde(default)]
    pub partition: Option<u32>,
    /// Seek although the group holds leases.
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Move {
    pub from: u64,
    pub partition: u32,
    pub to: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SeekReply {
    pub moved: Vec<Move>,
}

/// `DELETE /v1/topics/{topic}/groups/{group}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupDeleted {
    pub dropped_leases: u64,
    pub group: String,
    pub topic: String,
}
