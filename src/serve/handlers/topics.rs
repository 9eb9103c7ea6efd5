//! Topics: list, create, describe, alter, purge, delete, and reading a partition by offset
//! without a group.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use driftq_core::broker::{ReadFrom, RetryPolicy, TopicChange, TopicMeta, TopicOrdering};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, blocking, body_bytes, ok_json, parse_json, parse_time_ms,
};
use crate::serve::json as wire;
use crate::serve::state::AppState;

// ---- topics ---------------------------------------------------------------------------------

pub(crate) async fn list_topics(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"topics": state.broker.list_topics()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateTopicJson {
    name: String,
    #[serde(default)]
    partitions: Option<i64>,
    #[serde(default)]
    retention_ms: Option<i64>,
    #[serde(default)]
    retention_bytes: Option<u64>,
    #[serde(default)]
    retry_policy: Option<TopicRetryJson>,
    /// `"key"` or `"none"` (the default).
    #[serde(default)]
    ordering: Option<String>,
}

/// A topic's retry policy on the wire (the envelope's `retry_policy` shape; `max_attempts` ≥ 1).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopicRetryJson {
    max_attempts: u32,
    #[serde(default)]
    backoff_ms: u64,
    #[serde(default)]
    max_backoff_ms: u64,
}

impl TopicRetryJson {
    fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts,
            backoff_ms: self.backoff_ms,
            max_backoff_ms: self.max_backoff_ms,
        }
    }
}

pub(crate) async fn create_topic(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<Params>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let req = if body.is_empty() {
        CreateTopicJson {
            name: query.text("name"),
            partitions: query
                .int("partitions")
                .map_err(|_| ApiError::bad_request("invalid partitions"))?,
            retention_ms: query.int("retention_ms")?,
            retention_bytes: query.int("retention_bytes")?,
            retry_policy: None,
            ordering: query.get("ordering").map(str::to_owned),
        }
    } else {
        parse_json(&body)?
    };
    let name = req.name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    let partitions = match req.partitions {
        None | Some(0) => 1,
        Some(p) => u32::try_from(p).map_err(|_| ApiError::bad_request("invalid partitions"))?,
    };
    let ordering = match req.ordering.as_deref() {
        None => TopicOrdering::None,
        Some(o) => TopicOrdering::parse(o).ok_or_else(|| {
            ApiError::bad_request(format!("invalid ordering {o:?}: use \"key\" or \"none\""))
        })?,
    };
    let meta = TopicMeta {
        name,
        partitions,
        retention_age_ms: req.retention_ms,
        retention_bytes: req.retention_bytes,
        retry: req.retry_policy.as_ref().map(TopicRetryJson::policy),
        ordering,
    };
    let meta = blocking(&state, Dialect::DriftQ, move |b, now| {
        b.create_topic_from(meta, now)
    })
    .await?;
    state
        .metrics
        .topic_created
        .get_or_create(&vec![("topic".to_owned(), meta.name.clone())])
        .inc();
    Ok((
        StatusCode::CREATED,
        Json(json!({"status": "created", "name": meta.name, "partitions": meta.partitions})),
    )
        .into_response())
}

pub(crate) async fn describe_topic(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Response> {
    let t = topic.clone();
    let s = blocking(&state, Dialect::Resource, move |b, now| {
        b.topic_meta(&t)?;
        Ok(b.stats(now))
    })
    .await?;
    let uptime = u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let all = wire::stats(&s, uptime, env!("CARGO_PKG_VERSION"));
    let topic_json = all["topics"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["name"] == topic.as_str()).cloned())
        .ok_or_else(|| ApiError::not_found(format!("topic {topic} does not exist")))?;
    let groups: Vec<Value> = all["groups"]
        .as_array()
        .map(|gs| {
            gs.iter()
                .filter(|g| g["topic"] == topic.as_str())
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut v = topic_json;
    v["groups"] = json!(groups);
    v["dlq"] = all["dlq"]
        .as_array()
        .and_then(|d| {
            d.iter()
                .find(|d| d["source_topic"] == topic.as_str())
                .cloned()
        })
        .unwrap_or(Value::Null);
    Ok(ok_json(v))
}

/// `PATCH /v1/topics/{topic}`: a field left out keeps its value, `null` removes the limit;
/// `partitions` is the new total (only ever larger).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlterTopicJson {
    #[serde(default)]
    partitions: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    retention_ms: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    retention_bytes: Option<Option<u64>>,
    #[serde(default, deserialize_with = "present")]
    retry_policy: Option<Option<TopicRetryJson>>,
    /// Refused with a reason: a topic's ordering is chosen when it is created.
    #[serde(default)]
    ordering: Option<Value>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, by `default`).
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

pub(crate) async fn alter_topic(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let req: AlterTopicJson = parse_json(&body)?;
    if req.ordering.is_some() {
        // As with SQS FIFO queues: switching a live topic would leave messages already in
        // flight outside the order it promises.
        return Err(ApiError::bad_request(
            "a topic's ordering is chosen when it is created and cannot be changed: create a new topic with the ordering you need",
        ));
    }
    let change = TopicChange {
        partitions: req.partitions,
        retention_age_ms: req.retention_ms,
        retention_bytes: req.retention_bytes,
        retry: req
            .retry_policy
            .map(|p| p.as_ref().map(TopicRetryJson::policy)),
    };
    if change == TopicChange::default() {
        return Err(ApiError::bad_request(
            "nothing to change: send partitions, retention_ms, retention_bytes and/or retry_policy (null removes a limit or the policy)",
        ));
    }
    let t = topic.clone();
    blocking(&state, Dialect::Resource, move |b, now| {
        b.alter_topic(&t, &change, now)
    })
    .await?;
    describe_topic(State(state), ApiPath(topic)).await
}

/// `DELETE /v1/topics/{topic}/messages`: every message stored so far is deleted; the topic,
/// its offsets, settings and groups stay.
pub(crate) async fn purge_topic(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Response> {
    let t = topic.clone();
    let purged = blocking(&state, Dialect::Resource, move |b, now| {
        b.purge_topic(&t, now)
    })
    .await?;
    Ok(ok_json(json!({"topic": topic, "purged": purged})))
}

pub(crate) async fn delete_topic(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Response> {
    blocking(&state, Dialect::Resource, move |b, now| {
        b.delete_topic(&topic, now)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- reading --------------------------------------------------------------------------------

pub(crate) async fn read_partition(
    State(state): State<AppState>,
    ApiPath((topic, partition)): ApiPath<(String, u32)>,
    ApiQuery(query): ApiQuery<Params>,
) -> ApiResult<Response> {
    let max: usize = query.int("max")?.unwrap_or(100).min(10_000);
    let from = match (query.int::<u64>("offset")?, query.get("timestamp")) {
        (Some(o), _) => ReadFrom::Offset(o),
        (None, Some(ts)) => ReadFrom::Timestamp(parse_time_ms(ts)?),
        (None, None) => ReadFrom::Offset(0),
    };
    let msgs = blocking(&state, Dialect::Resource, move |b, _| {
        b.read(&topic, partition, from, max, 8 << 20)
    })
    .await?;
    Ok(ok_json(
        json!({"messages": msgs.iter().map(wire::message).collect::<Vec<_>>()}),
    ))
}
