//! Dead-letter queues: list, replay.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::stats::DlqSummary;

/// `GET /v1/dlq`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DlqList {
    pub dlq: Vec<DlqSummary>,
}

/// `POST /v1/dlq/{topic}/replay`: which messages, where to, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// Default: each message's origin topic.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub partition: Option<u32>,
    #[serde(default)]
    pub offset_from: Option<u64>,
    #[serde(default)]
    pub offset_to: Option<u64>,
    /// Unix ms or RFC 3339.
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    /// Glob on the key.
    #[serde(default)]
    pub key: Option<String>,
    /// `name=GLOB`.
    #[serde(default)]
    pub header: Option<String>,
    /// Glob on the errors.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub dry_run: bool,
    /// Leave the DLQ depth as it is (a move takes the message out).
    #[serde(default)]
    pub copy: bool,
    #[serde(default)]
    pub include_replayed: bool,
}

/// One message a replay moved (or would move).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReplayedItem {
    pub dlq_offset: u64,
    pub dlq_partition: u32,
    pub dlq_topic: String,
    pub error: Option<String>,
    /// Where it went (not on a dry run or a failure).
    pub offset: Option<u64>,
    pub partition: Option<u32>,
    pub target_topic: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReplayReply {
    pub dry_run: bool,
    pub failed: u64,
    pub items: Vec<ReplayedItem>,
    pub replayed: u64,
    pub selected: u64,
}
