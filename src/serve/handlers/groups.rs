//! Consumer groups: list, describe, in-flight leases, seek, delete.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::Response;
use driftq_core::broker::SeekTo;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::serve::clock::now_ms;
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, blocking, body_bytes, ok_json, parse_json, parse_time_ms,
};
use crate::serve::json as wire;
use crate::serve::state::AppState;

// ---- groups ---------------------------------------------------------------------------------

pub(crate) async fn list_groups(State(state): State<AppState>) -> ApiResult<Response> {
    let s = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
    let groups: Vec<Value> = s.groups.iter().map(wire::group).collect();
    Ok(ok_json(json!({"groups": groups})))
}

pub(crate) async fn describe_group(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
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
    let mut v = wire::group(g);
    v["dlq_depth"] = s
        .dlq
        .iter()
        .find(|d| d.source_topic == topic)
        .map_or(json!(0), |d| json!(d.depth));
    Ok(ok_json(v))
}

pub(crate) async fn list_inflight(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let leases = blocking(&state, Dialect::Resource, move |b, _| {
        b.inflight(&topic, &group)
    })
    .await?;
    let now = now_ms();
    let rows: Vec<Value> = leases
        .iter()
        .map(|l| {
            json!({
                "partition": l.partition,
                "offset": l.offset,
                "owner": l.owner,
                "attempts": l.attempts,
                "lease_deadline_ms": l.lease_deadline_ms,
                "lease_remaining_ms": l.lease_deadline_ms - now,
                "last_error": l.last_error,
            })
        })
        .collect();
    Ok(ok_json(json!({"inflight": rows})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeekJson {
    to: Value,
    #[serde(default)]
    partition: Option<u32>,
    #[serde(default)]
    force: bool,
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

pub(crate) async fn seek(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: SeekJson = parse_json(&body_bytes(body)?)?;
    let to = parse_seek_to(&req.to)?;
    let moves = blocking(&state, Dialect::Resource, move |b, now| {
        b.seek(&topic, &group, req.partition, to, req.force, now)
    })
    .await?;
    state.activity.notify_waiters();
    let rows: Vec<Value> = moves
        .iter()
        .map(|(p, from, to)| json!({"partition": p, "from": from, "to": to}))
        .collect();
    Ok(ok_json(json!({"moved": rows})))
}

pub(crate) async fn delete_group(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<Params>,
) -> ApiResult<Response> {
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
    state.activity.notify_waiters();
    Ok(ok_json(
        json!({"topic": topic, "group": group, "dropped_leases": dropped}),
    ))
}
