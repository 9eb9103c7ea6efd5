//! Topics: list, create, describe, alter, purge, delete, and reading a partition by offset
//! without a group.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use driftq_core::api::messages::{MessageList, StoredMessage};
use driftq_core::api::stats::{DlqSummary, GroupSummary, TopicSummary};
use driftq_core::api::system::ErrorBody;
use driftq_core::api::topics::{
    AlterTopicRequest, CreateTopicRequest, Purged, TopicCreated, TopicDescription, TopicList,
};
use driftq_core::broker::{ReadFrom, RetryPolicy, TopicChange, TopicMeta, TopicOrdering};

use crate::serve::auth::{Caller, owning_topic};
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, blocking, body_bytes, parse_json, parse_time_ms,
};
use crate::serve::state::AppState;
use driftq_core::auth::{Action, Scope};

// ---- topics ---------------------------------------------------------------------------------

#[utoipa::path(get, path = "/v1/topics", tag = "topics", responses((status = 200, body = TopicList)))]
pub(crate) async fn list_topics(State(state): State<AppState>, caller: Caller) -> Json<TopicList> {
    let mut topics = state.broker.list_topics();
    topics.retain(|t| caller.can(Action::Read, Scope::Topic(owning_topic(t))));
    Json(TopicList { topics })
}

#[utoipa::path(post, path = "/v1/topics", tag = "topics", request_body(content = Option<CreateTopicRequest>, description = "or the same names as query parameters"), responses((status = 201, body = TopicCreated), (status = 400, description = "invalid request", body = ErrorBody), (status = 409, description = "conflict", body = ErrorBody)))]
pub(crate) async fn create_topic(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<Params>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let req = if body.is_empty() {
        CreateTopicRequest {
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
    caller.require(Action::Admin, Scope::Topic(&name))?;
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
        retry: req.retry_policy.as_ref().map(|p| RetryPolicy::from(*p)),
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
        Json(TopicCreated {
            name: meta.name,
            partitions: meta.partitions,
            status: "created".into(),
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/v1/topics/{topic}", tag = "topics", params(("topic" = String, Path, description = "topic name")), responses((status = 200, body = TopicDescription), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn describe_topic(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Json<TopicDescription>> {
    caller.require(Action::Read, Scope::Topic(&topic))?;
    let t = topic.clone();
    let s = blocking(&state, Dialect::Resource, move |b, now| {
        b.topic_meta(&t)?;
        Ok(b.stats(now))
    })
    .await?;
    let summary = s
        .topics
        .iter()
        .find(|t| t.name == topic)
        .map(TopicSummary::from)
        .ok_or_else(|| ApiError::not_found(format!("topic {topic} does not exist")))?;
    let groups = s
        .groups
        .iter()
        .filter(|g| g.topic == topic)
        .map(GroupSummary::from)
        .collect();
    let dlq = s
        .dlq
        .iter()
        .find(|d| d.source_topic == topic)
        .map(DlqSummary::from);
    Ok(Json(TopicDescription::new(summary, groups, dlq)))
}

#[utoipa::path(patch, path = "/v1/topics/{topic}", tag = "topics", params(("topic" = String, Path, description = "topic name")), request_body = AlterTopicRequest, responses((status = 200, body = TopicDescription), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn alter_topic(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(topic): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<TopicDescription>> {
    caller.require(Action::Admin, Scope::Topic(&topic))?;
    let body = body_bytes(body)?;
    let req: AlterTopicRequest = parse_json(&body)?;
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
        retry: req.retry_policy.map(|p| p.map(RetryPolicy::from)),
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
    describe_topic(State(state), caller, ApiPath(topic)).await
}

/// `DELETE /v1/topics/{topic}/messages`: every message stored so far is deleted; the topic,
/// its offsets, settings and groups stay.
#[utoipa::path(delete, path = "/v1/topics/{topic}/messages", tag = "topics", params(("topic" = String, Path, description = "topic name")), responses((status = 200, body = Purged), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn purge_topic(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Json<Purged>> {
    caller.require(Action::Admin, Scope::Topic(&topic))?;
    let t = topic.clone();
    let purged = blocking(&state, Dialect::Resource, move |b, now| {
        b.purge_topic(&t, now)
    })
    .await?;
    Ok(Json(Purged { purged, topic }))
}

#[utoipa::path(delete, path = "/v1/topics/{topic}", tag = "topics", params(("topic" = String, Path, description = "topic name")), responses((status = 204, description = "deleted"), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn delete_topic(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Response> {
    caller.require(Action::Admin, Scope::Topic(&topic))?;
    blocking(&state, Dialect::Resource, move |b, now| {
        b.delete_topic(&topic, now)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- reading --------------------------------------------------------------------------------

#[utoipa::path(get, path = "/v1/topics/{topic}/partitions/{partition}/messages", tag = "topics", params(("topic" = String, Path, description = "topic name"), ("partition" = u32, Path), ("offset" = Option<u64>, Query), ("timestamp" = Option<String>, Query, description = "unix ms or RFC 3339"), ("max" = Option<usize>, Query)), responses((status = 200, body = MessageList), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn read_partition(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((topic, partition)): ApiPath<(String, u32)>,
    ApiQuery(query): ApiQuery<Params>,
) -> ApiResult<Json<MessageList>> {
    caller.require(Action::Read, Scope::Topic(&topic))?;
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
    Ok(Json(MessageList {
        messages: msgs.iter().map(StoredMessage::from).collect(),
    }))
}
