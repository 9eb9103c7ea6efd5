//! Consumer groups: list, describe, leases, seek, delete.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::stats::GroupSummary;

/// `GET /v1/groups`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupList {
    pub groups: Vec<GroupSummary>,
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
