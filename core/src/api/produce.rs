//! Produce: DriftQ's one-message request and the batch endpoint's reply.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::system::ErrorBody;
use super::{Header, WireEnvelope};

/// `POST /v1/produce` as JSON (DriftQ's shape: key and value are text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProduceRequest {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub envelope: Option<WireEnvelope>,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(default)]
    pub partition: Option<i64>,
    /// Hold the message back from every group for this long (at most 15 minutes).
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

/// `POST /v1/produce` → 200.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProduceReply {
    /// The idempotency key was seen within its TTL: nothing was written.
    pub duplicate: bool,
    /// The topic it went to (after `target_topic` or the router).
    pub final_topic: String,
    pub offset: u64,
    pub partition: u32,
    /// `"produced"`.
    pub status: String,
    /// The topic asked for.
    pub topic: String,
}

/// Where one message of a batch went. (No field defaults: a reply item decodes as this or as
/// an [`ErrorBody`], never both.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProducedItem {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    #[serde(default)]
    pub duplicate: bool,
}

/// One message's outcome in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum BatchResult {
    Produced(ProducedItem),
    Failed(ErrorBody),
}

/// `POST /v1/topics/{topic}/messages` → one result per message, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct BatchReply {
    pub results: Vec<BatchResult>,
    pub produced: u64,
    pub failed: u64,
}
