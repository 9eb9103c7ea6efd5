//! Dead-letter queues: list, peek, replay.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use driftq_core::api::dlq::{
    DlqList, ReplayReply, ReplayRequest as WireReplayRequest, ReplayedItem,
};
use driftq_core::api::messages::{MessageList, StoredMessage};
use driftq_core::api::stats::DlqSummary;
use driftq_core::api::system::ErrorBody;
use driftq_core::broker::{ReplayRequest, dlq_topic_for};

use crate::serve::auth::{Caller, owning_topic};
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, blocking, body_bytes, parse_json, parse_time_ms,
};
use crate::serve::state::AppState;
use driftq_core::auth::{Action, Scope};

// ---- DLQ ------------------------------------------------------------------------------------

#[utoipa::path(get, path = "/v1/dlq", tag = "dlq", responses((status = 200, body = DlqList)))]
pub(crate) async fn list_dlq(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<DlqList>> {
    let s = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
    Ok(Json(DlqList {
        dlq: s
            .dlq
            .iter()
            .filter(|d| caller.can(Action::Read, Scope::Topic(&d.source_topic)))
            .map(DlqSummary::from)
            .collect(),
    }))
}

#[utoipa::path(get, path = "/v1/dlq/{topic}/messages", tag = "dlq", params(("topic" = String, Path, description = "source topic or its dlq.<topic>"), ("max" = Option<usize>, Query)), responses((status = 200, body = MessageList), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn peek_dlq(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(topic): ApiPath<String>,
    ApiQuery(query): ApiQuery<Params>,
) -> ApiResult<Json<MessageList>> {
    caller.require(Action::Read, Scope::Topic(owning_topic(&topic)))?;
    let max: usize = query.int("max")?.unwrap_or(100).min(10_000);
    let msgs = blocking(&state, Dialect::Resource, move |b, _| {
        b.dlq_peek(&topic, max)
    })
    .await?;
    Ok(Json(MessageList {
        messages: msgs.iter().map(StoredMessage::from).collect(),
    }))
}

#[utoipa::path(post, path = "/v1/dlq/{topic}/replay", tag = "dlq", params(("topic" = String, Path, description = "source topic or its dlq.<topic>")), request_body(content = Option<WireReplayRequest>), responses((status = 200, body = ReplayReply), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody), (status = 507, description = "disk below the free-space floor", body = ErrorBody)))]
pub(crate) async fn replay_dlq(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(topic): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ReplayReply>> {
    caller.require(Action::Admin, Scope::Topic(owning_topic(&topic)))?;
    state.admit_write(&body)?;
    let body = body_bytes(body)?;
    let r: WireReplayRequest = if body.is_empty() {
        WireReplayRequest::default()
    } else {
        parse_json(&body)?
    };
    let header_glob = match &r.header {
        None => None,
        Some(h) => {
            let (n, g) = h
                .split_once('=')
                .ok_or_else(|| ApiError::bad_request("header filter is name=GLOB"))?;
            Some((n.to_owned(), g.to_owned()))
        }
    };
    let offsets = match (r.offset_from, r.offset_to) {
        (None, None) => None,
        (Some(from), Some(to)) if from > to => {
            return Err(ApiError::bad_request(format!(
                "offset_from {from} is after offset_to {to}"
            )));
        }
        (a, b) => Some((a.unwrap_or(0), b.unwrap_or(u64::MAX))),
    };
    let req = ReplayRequest {
        topic: dlq_topic_for(&topic),
        to: r.to.clone(),
        partition: r.partition,
        offsets,
        since_ms: r.since.as_deref().map(parse_time_ms).transpose()?,
        until_ms: r.until.as_deref().map(parse_time_ms).transpose()?,
        key_glob: r.key.clone(),
        header_glob,
        error_glob: r.error.clone(),
        limit: r.limit,
        dry_run: r.dry_run,
        copy: r.copy,
        include_replayed: r.include_replayed,
    };
    let items = blocking(&state, Dialect::Resource, move |b, now| {
        b.dlq_replay(&req, now)
    })
    .await?;
    state.wakeups.everyone();
    let failed = items.iter().filter(|i| i.error.is_some()).count();
    let selected = items.len();
    let items: Vec<ReplayedItem> = items
        .into_iter()
        .map(|i| ReplayedItem {
            dlq_offset: i.dlq_offset,
            dlq_partition: i.dlq_partition,
            dlq_topic: i.dlq_topic,
            error: i.error,
            offset: i.produced.as_ref().map(|p| p.offset),
            partition: i.produced.as_ref().map(|p| p.partition),
            target_topic: i.target_topic,
        })
        .collect();
    Ok(Json(ReplayReply {
        dry_run: r.dry_run,
        failed: failed as u64,
        items,
        replayed: if r.dry_run {
            0
        } else {
            (selected - failed) as u64
        },
        selected: selected as u64,
    }))
}
