//! Consume: the request of a poll and of DriftQ's stream (the same names as query parameters).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/topics/{topic}/groups/{group}/poll` as JSON, and `GET /v1/consume`'s query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ConsumeRequest {
    /// DriftQ's stream only (a poll names it in the path).
    pub topic: String,
    /// DriftQ's stream only (a poll names it in the path).
    pub group: String,
    pub owner: String,
    /// The lease each delivery gets (default 2000 ms, at most 12 h).
    pub lease_ms: Option<i64>,
    /// A poll's most messages (at most 10,000).
    pub max: Option<usize>,
    /// A poll waits this long for messages (at most 30,000).
    pub wait_ms: Option<u64>,
    /// Consume streams only: most unacked leases the stream may hold (default 256).
    pub prefetch: Option<usize>,
}
