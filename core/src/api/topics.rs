//! Topics: list, create, describe, alter, purge.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::stats::{DlqSummary, GroupSummary, PartitionSummary, TopicRetryPolicy, TopicSummary};

/// `GET /v1/topics` → the names, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TopicList {
    pub topics: Vec<String>,
}

/// `POST /v1/topics` as JSON (the query form has the same names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTopicRequest {
    pub name: String,
    /// Default 1.
    #[serde(default)]
    pub partitions: Option<i64>,
    #[serde(default)]
    pub retention_ms: Option<i64>,
    #[serde(default)]
    pub retention_bytes: Option<u64>,
    #[serde(default)]
    pub retry_policy: Option<TopicRetryPolicy>,
    /// `"key"` or `"none"` (the default).
    #[serde(default)]
    pub ordering: Option<String>,
}

/// `POST /v1/topics` → 201.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TopicCreated {
    pub name: String,
    pub partitions: u32,
    /// `"created"`.
    pub status: String,
}

/// `PATCH /v1/topics/{topic}`: a field left out keeps its value, `null` removes the limit or
/// the policy; `partitions` is the new total (only ever larger).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlterTopicRequest {
    #[serde(default)]
    pub partitions: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub retention_ms: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u64>)]
    pub retention_bytes: Option<Option<u64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<TopicRetryPolicy>)]
    pub retry_policy: Option<Option<TopicRetryPolicy>>,
    /// Refused with a reason: a topic's ordering is chosen when it is created.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub ordering: Option<serde_json::Value>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, by `default`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// `GET /v1/topics/{topic}` (and `PATCH`'s reply): the topic's summary with its groups in
/// full and its DLQ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TopicDescription {
    pub bytes: u64,
    pub dlq: Option<DlqSummary>,
    pub groups: Vec<GroupSummary>,
    pub messages: u64,
    pub name: String,
    pub ordering: String,
    pub partitions: Vec<PartitionSummary>,
    pub produced_messages: u64,
    pub retention_age_ms: Option<i64>,
    pub retention_bytes: Option<u64>,
    pub retry_policy: Option<TopicRetryPolicy>,
}

impl TopicDescription {
    #[must_use]
    pub fn new(t: TopicSummary, groups: Vec<GroupSummary>, dlq: Option<DlqSummary>) -> Self {
        Self {
            bytes: t.bytes,
            dlq,
            groups,
            messages: t.messages,
            name: t.name,
            ordering: t.ordering,
            partitions: t.partitions,
            produced_messages: t.produced_messages,
            retention_age_ms: t.retention_age_ms,
            retention_bytes: t.retention_bytes,
            retry_policy: t.retry_policy,
        }
    }
}

/// `DELETE /v1/topics/{topic}/messages`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Purged {
    pub purged: u64,
    pub topic: String,
}
