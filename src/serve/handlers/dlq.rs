//! Dead-letter queues: list, peek, replay.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::Response;
use driftq_core::broker::{ReplayRequest, dlq_topic_for};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, blocking, body_bytes, ok_json, parse_json, parse_time_ms,
};
use crate::serve::json as wire;
use crate::serve::state::AppState;

// ---- DLQ ------------------------------------------------------------------------------------

pub(crate) async fn list_dlq(State(state): State<AppState>) -> ApiResult<Response> {
    let s = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
    let rows: Vec<Value> = s
        .dlq
        .iter()
        .map(|d| json!({"source_topic": d.source_topic, "dlq_topic": d.dlq_topic, "depth": d.depth, "replayed": d.replayed}))
        .collect();
    Ok(ok_json(json!({"dlq": rows})))
}

pub(crate) async fn peek_dlq(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
    ApiQuery(query): ApiQuery<Params>,
) -> ApiResult<Response> {
    let max: usize = query.int("max")?.unwrap_or(100).min(10_000);
    let msgs = blocking(&state, Dialect::Resource, move |b, _| {
        b.dlq_peek(&topic, max)
    })
    .await?;
    let rows: Vec<Value> = msgs
        .iter()
        .map(|m| {
            let mut v = wire::message(&m.message);
            v["replayed"] = json!(m.replayed);
            v["moved"] = json!(m.moved);
            v
        })
        .collect();
    Ok(ok_json(json!({"messages": rows})))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplayJson {
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    partition: Option<u32>,
    #[serde(default)]
    offset_from: Option<u64>,
    #[serde(default)]
    offset_to: Option<u64>,
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    header: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    copy: bool,
    #[serde(default)]
    include_replayed: bool,
}

pub(crate) async fn replay_dlq(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    if let Err(e) = state
        .disk
        .check_produce(body.as_ref().map_or(0, |b| b.len() as u64))
    {
        state.metrics.count_produce_rejection(&e);
        return Err(e);
    }
    let body = body_bytes(body)?;
    let r: ReplayJson = if body.is_empty() {
        ReplayJson::default()
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
    state.activity.notify_waiters();
    let failed = items.iter().filter(|i| i.error.is_some()).count();
    let rows: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({
                "dlq_topic": i.dlq_topic,
                "dlq_partition": i.dlq_partition,
                "dlq_offset": i.dlq_offset,
                "target_topic": i.target_topic,
                "partition": i.produced.as_ref().map(|p| p.partition),
                "offset": i.produced.as_ref().map(|p| p.offset),
                "error": i.error,
            })
        })
        .collect();
    Ok(ok_json(json!({
        "dry_run": r.dry_run,
        "selected": items.len(),
        "replayed": if r.dry_run { 0 } else { items.len() - failed },
        "failed": failed,
        "items": rows,
    })))
}
