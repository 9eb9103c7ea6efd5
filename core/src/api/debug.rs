//! DriftQ v1's debug views (`/debug/*`), which its dashboard and `driftqctl topics peek|lag`
//! read. Fields are in DriftQ's order (alphabetical: Go's maps); a field DriftQ leaves out when
//! empty is an `Option` skipped when `None`. Keys and values are text as in DriftQ's stream,
//! with `key_base64` / `value_base64` beside them when the bytes are not UTF-8.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::Bytes;
use super::messages::RoutingInfo;

/// `GET /debug/runs`: driftq has no workflow engine, so no runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Runs {
    pub limit: u64,
    pub ok: bool,
    #[schema(value_type = Vec<Object>)]
    pub runs: Vec<Value>,
}

/// `GET /debug/topics`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Topics {
    pub ok: bool,
    pub topics: Vec<TopicCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TopicCount {
    /// Stored now: high − low watermark, summed over partitions.
    pub messages: u64,
    pub topic: String,
}

/// `GET /debug/topics/peek`: newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Peek {
    pub limit: usize,
    pub messages: Vec<PeekedMessage>,
    pub ok: bool,
    pub topic: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PeekedMessage {
    /// The most any group has tried it.
    pub attempts: u32,
    /// DriftQ's internal envelope: the v1 envelope plus, on a DLQ copy, `dlq`.
    #[schema(value_type = Option<Object>)]
    pub envelope: Option<Value>,
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_base64: Option<Bytes>,
    pub last_error: String,
    pub offset: u64,
    pub partition: u32,
    pub routing: Option<RoutingInfo>,
    pub timestamp: String,
    pub timestamp_ms: i64,
    pub topic: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_base64: Option<Bytes>,
}

/// `GET /debug/topics/lag`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Lag {
    pub group: String,
    pub ok: bool,
    pub rows: Vec<LagRow>,
    pub topic: String,
}

/// One partition of a group's lag; the `lease_*` fields describe its oldest lease.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct LagRow {
    /// The group's ack floor.
    pub committed_offset: u64,
    pub group: String,
    pub head_offset: u64,
    pub inflight: u64,
    pub lag: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_delivered_at_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_duration_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_expires_at_ms: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lease_owners: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_lease_age_ms: Option<i64>,
    pub partition: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stalled: Option<bool>,
    pub topic: String,
}

/// `GET /debug/messages/state`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MessageStates {
    pub group: String,
    pub ok: bool,
    pub owner: String,
    pub rows: Vec<MessageStateRow>,
    pub status: String,
    pub topic: String,
}

/// One message as a group sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MessageStateRow {
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliver_at_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub envelope: Option<Value>,
    pub group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_base64: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_delivered_at_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_age_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_duration_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_expires_at_ms: Option<i64>,
    pub offset: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub partition: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stalled: Option<bool>,
    /// `queued`, `in_flight`, `retried`, `acked`, `dead_lettered`, `delayed`, `blocked_by_key`.
    pub state: String,
    pub topic: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_base64: Option<Bytes>,
}

/// A key or value as DriftQ's stream gives it: text (lossy), and the exact bytes beside it
/// when they are not UTF-8.
#[must_use]
pub fn text_and_base64(bytes: &[u8]) -> (String, Option<Bytes>) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let raw = std::str::from_utf8(bytes)
        .is_err()
        .then(|| Bytes::from_bytes(bytes));
    (text, raw)
}
