//! What the dashboard renders: the API's own wire types (`driftq_core::api`), the same ones the
//! server encodes. A failed message waiting to retry is a row of `/debug/messages/state`.

pub use driftq_core::api::debug::MessageStateRow as Retry;
pub use driftq_core::api::groups::InflightLease as Lease;
pub use driftq_core::api::stats::{
    ConsumerSummary, DiskSummary, DlqSummary, GroupPartitionSummary, GroupSummary,
    PartitionSummary, Stats, TopicSummary,
};
