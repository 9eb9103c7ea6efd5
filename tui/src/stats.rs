//! What the dashboard renders: the API's own wire types (`driftq_core::api`), the same ones the
//! server encodes, plus the one debug row it reads.

use serde::Deserialize;

pub use driftq_core::api::groups::InflightLease as Lease;
pub use driftq_core::api::stats::{
    ConsumerSummary, DiskSummary, DlqSummary, GroupPartitionSummary, GroupSummary,
    PartitionSummary, Stats, TopicSummary,
};

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
