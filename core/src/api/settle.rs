//! Settling leases: DriftQ's one-message ack/nack/extend, the batch endpoint, and release.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::system::ErrorBody;

/// `POST /v1/ack`, `/v1/ack-cumulative`, `/v1/nack` and `/v1/extend` as JSON (the query form
/// has the same names). `reason` (alias `error`), `delay_ms` and `dead_letter` are a nack's;
/// `lease_ms` an extend's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub owner: String,
    pub partition: Option<i64>,
    pub offset: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub delay_ms: Option<i64>,
    #[serde(default)]
    pub dead_letter: Option<bool>,
    #[serde(default)]
    pub lease_ms: Option<i64>,
}

/// `POST /v1/extend` → the new deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Extended {
    pub lease_deadline_ms: i64,
}

/// One item of a batch ack/nack.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckItem {
    pub partition: i64,
    pub offset: i64,
    /// Overrides the batch's owner.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub nack: bool,
    #[serde(default)]
    pub reason: Option<String>,
    /// A nack's redelivery delay instead of the retry backoff.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// A nack that dead-letters now.
    #[serde(default)]
    pub dead_letter: bool,
}

/// `POST /v1/topics/{topic}/groups/{group}/acks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckBatchRequest {
    #[serde(default)]
    pub owner: String,
    pub items: Vec<AckItem>,
}

/// One item's outcome: `{"ok": true}` or an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AckResult {
    Ok { ok: bool },
    Failed(ErrorBody),
}

/// The batch's outcomes, in order; the acks of one batch share one fsync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AckBatchReply {
    pub acked: u64,
    pub failed: u64,
    pub results: Vec<AckResult>,
}

/// A lease to give back: `attempts` names the delivery, so a late release never undoes
/// another consumer's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseItem {
    pub partition: u32,
    pub offset: u64,
    #[serde(default)]
    pub attempts: Option<u32>,
}

/// `POST /v1/topics/{topic}/groups/{group}/release`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    pub owner: String,
    pub items: Vec<ReleaseItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Released {
    pub released: u64,
    pub skipped: u64,
}
