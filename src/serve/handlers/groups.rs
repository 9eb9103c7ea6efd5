//! Consumer groups: list, describe, in-flight leases, seek, delete.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use driftq_core::api::groups::{
    GroupDeleted, GroupList, InflightLease, InflightList, Move, SeekReply, SeekRequest,
};
use driftq_core::api::stats::GroupSummary;
use driftq_core::api::system::ErrorBody;
use driftq_core::broker::SeekTo;
use serde_json::Value;

use crate::serve::auth::Caller;
use crate::serve::clock::now_ms;
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, blocking, body_bytes, parse_json, parse_time_ms,
};
use crate::serve::state::AppState;
use driftq_core::auth::{Action, Scope};

// ---- groups ---------------------------------------------------------------------------------

#[utoipa::path(get, path = "/v1/groups", tag = "groups", responses((status = 200, body = GroupList)))]
pub(crate) async fn list_groups(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<GroupList>> {
    let s = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
    Ok(Json(GroupList {
        groups: s
            .groups
            .iter()
            .filter(|g| caller.can(Action::Read, Scope::Topic(&g.topic)))
            .map(GroupSummary::from)
            .collect(),
    }))
}

#[utoipa::path(get, path = "/v1/topics/{topic}/groups/{group}", tag = "groups", params(("topic" = String, Path, description = "topic name"), ("group" = String, Path, description = "consumer group")), responses((status = 200, body = GroupSummary), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn describe_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((topic, group)): ApiPath<(String, String)>,
) -> ApiResult<Json<GroupSummary>> {
    caller.require_group(Action::Read, &topic, &group)?;
    let t = topic.clone();
    let s = blocking(&state, Dialect::Resource, move |b, now| {
        b.topic_meta(&t)?;
        Ok(b.stats(now))
    })
    .await?;
    let g = s
        .groups
        .iter()
        .find(|g| g.topic == topic && g.group == group)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "consumer group {group} has never consumed from topic {topic}"
            ))
        })?;
    let dlq_depth = s
        .dlq
        .iter()
        .find(|d| d.source_topic == topic)
        .map_or(0, |d| d.depth);
    Ok(Json(GroupSummary {
        dlq_depth: Some(dlq_depth),
        ..GroupSummary::from(g)
    }))
}

#[utoipa::path(get, path = "/v1/topics/{topic}/groups/{group}/inflight", tag = "groups", params(("topic" = String, Path, description = "topic name"), ("group" = String, Path, description = "consumer group")), responses((status = 200, body = InflightList), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn list_inflight(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((topic, group)): ApiPath<(String, String)>,
) -> ApiResult<Json<InflightList>> {
    caller.require_group(Action::Read, &topic, &group)?;
    let leases = blocking(&state, Dialect::Resource, move |b, _| {
        b.inflight(&topic, &group)
    })
    .await?;
    let now = now_ms();
    let inflight = leases
        .into_iter()
        .map(|l| InflightLease {
            attempts: l.attempts,
            last_error: l.last_error,
            lease_deadline_ms: l.lease_deadline_ms,
            lease_remaining_ms: l.lease_deadline_ms - now,
            offset: l.offset,
            owner: l.owner,
            partition: l.partition,
        })
        .collect();
    Ok(Json(InflightList { inflight }))
}

pub(crate) fn parse_seek_to(v: &Value) -> ApiResult<SeekTo> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(SeekTo::Offset)
            .ok_or_else(|| ApiError::bad_request("offset cannot be negative")),
        Value::String(s) => match s.as_str() {
            "start" | "beginning" | "earliest" => Ok(SeekTo::Start),
            "end" | "latest" => Ok(SeekTo::End),
            other => match other.strip_prefix('@') {
                Some(ts) => parse_time_ms(ts).map(SeekTo::Timestamp),
                None => other.parse().map(SeekTo::Offset).map_err(|_| {
                    ApiError::bad_request(format!(
                        "invalid seek target {other:?}: use start, end, an offset or @time"
                    ))
                }),
            },
        },
        _ => Err(ApiError::bad_request(
            "to must be start, end, an offset or @time",
        )),
    }
}

#[utoipa::path(post, path = "/v1/topics/{topic}/groups/{group}/seek", tag = "groups", params(("topic" = String, Path, description = "topic name"), ("group" = String, Path, description = "consumer group")), request_body = SeekRequest, responses((status = 200, body = SeekReply), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody), (status = 409, description = "conflict", body = ErrorBody)))]
pub(crate) async fn seek(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<SeekReply>> {
    caller.require_group(Action::Admin, &topic, &group)?;
    let req: SeekRequest = parse_json(&body_bytes(body)?)?;
    let to = parse_seek_to(&req.to)?;
    let moves = blocking(&state, Dialect::Resource, move |b, now| {
        b.seek(&topic, &group, req.partition, to, req.force, now)
    })
    .await?;
    state.wakeups.everyone();
    let moved = moves
        .into_iter()
        .map(|(partition, from, to)| Move {
            from,
            partition,
            to,
        })
        .collect();
    Ok(Json(SeekReply { moved }))
}

#[utoipa::path(delete, path = "/v1/topics/{topic}/groups/{group}", tag = "groups", params(("topic" = String, Path, description = "topic name"), ("group" = String, Path, description = "consumer group"), ("force" = Option<bool>, Query)), responses((status = 200, body = GroupDeleted), (status = 404, description = "no such topic or group", body = ErrorBody), (status = 409, description = "conflict", body = ErrorBody)))]
pub(crate) async fn delete_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<Params>,
) -> ApiResult<Json<GroupDeleted>> {
    caller.require_group(Action::Admin, &topic, &group)?;
    let force = match query.get("force") {
        None => false,
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        Some(_) => return Err(ApiError::bad_request("invalid force: use true or false")),
    };
    let (t, g) = (topic.clone(), group.clone());
    let dropped = blocking(&state, Dialect::Resource, move |b, now| {
        b.delete_group(&t, &g, force, now)
    })
    .await?;
    // Producers it held back may go on.
    state.wakeups.everyone();
    Ok(Json(GroupDeleted {
        dropped_leases: dropped as u64,
        group,
        topic,
    }))
}
