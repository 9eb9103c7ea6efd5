//! DriftQ v1's broker debug endpoints (`/debug/topics`, `/debug/topics/peek`,
//! `/debug/topics/lag`, `/debug/messages/state`), which its dashboard and `driftqctl topics
//! peek|lag` read. Same paths, parameters and shapes (`{"ok": true, …}`, pretty-printed);
//! errors are our JSON `{"error","message"}` instead of DriftQ's plain text, which those clients
//! print as they are.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use driftq_core::api::debug::{self, text_and_base64};
use driftq_core::api::messages::RoutingInfo;
use driftq_core::api::system::ErrorBody;
use driftq_core::api::{WireEnvelope, format_rfc3339_ms};
use driftq_core::broker::inspect::{LagRow, MessageState, MessageStateRow, PeekRow, StateQuery};
use driftq_core::broker::{DlqOrigin, Message};
use serde_json::{Map, Value, json};

use crate::serve::auth::Caller;
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{ApiQuery, Params, blocking};
use crate::serve::state::AppState;
use driftq_core::auth::{Action, Scope};

/// DriftQ's dashboard polls its v2 engine's runs (`/debug/runs?limit=10`) every few seconds and
/// shows an error banner on a 404. driftq has no workflow engine, so it has no runs: an empty
/// list in the shape the dashboard reads.
#[utoipa::path(get, path = "/debug/runs", tag = "debug", params(("limit" = Option<u64>, Query)), responses((status = 200, description = "DriftQ's dashboard shape: no runs", body = debug::Runs)))]
pub(crate) async fn runs(caller: Caller, ApiQuery(query): ApiQuery<Params>) -> ApiResult<Response> {
    caller.require(Action::Read, Scope::Everything)?;
    let limit = query
        .get("limit")
        .and_then(|l| l.trim().parse::<u64>().ok())
        .unwrap_or(10);
    Ok(pretty(&debug::Runs {
        limit,
        ok: true,
        runs: Vec::new(),
    }))
}

/// DriftQ writes these with Go's `json.Encoder` and a two-space indent: one object, a newline.
fn pretty(v: &impl serde::Serialize) -> Response {
    let mut body = serde_json::to_vec_pretty(v).unwrap_or_default();
    body.push(b'\n');
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

#[utoipa::path(get, path = "/debug/topics", tag = "debug", responses((status = 200, body = debug::Topics)))]
pub(crate) async fn topics(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    caller.require(Action::Read, Scope::Everything)?;
    let stats = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
    let mut topics: Vec<debug::TopicCount> = stats
        .topics
        .iter()
        .map(|t| debug::TopicCount {
            messages: t
                .partitions
                .iter()
                .map(|p| p.high_watermark - p.low_watermark)
                .sum(),
            topic: t.name.clone(),
        })
        .collect();
    topics.sort_by(|a, b| a.topic.cmp(&b.topic));
    Ok(pretty(&debug::Topics { ok: true, topics }))
}

#[utoipa::path(get, path = "/debug/topics/peek", tag = "debug", params(("topic" = String, Query), ("limit" = Option<u64>, Query)), responses((status = 200, description = "newest first", body = debug::Peek), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn peek(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<Params>,
) -> ApiResult<Response> {
    caller.require(Action::Read, Scope::Everything)?;
    let topic = query.required("topic")?;
    // DriftQ ignores a limit it cannot parse and clamps the rest to 1..=100.
    let limit = query
        .get("limit")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(10)
        .clamp(1, driftq_core::broker::inspect::MAX_PEEK as i64) as usize;
    let t = topic.clone();
    let rows = blocking(&state, Dialect::Resource, move |b, _| {
        b.peek_newest(&t, limit)
    })
    .await?;
    let messages = rows.iter().map(peeked).collect();
    Ok(pretty(&debug::Peek {
        limit,
        messages,
        ok: true,
        topic,
    }))
}

fn peeked(r: &PeekRow) -> debug::PeekedMessage {
    let m = &r.message;
    let (key, key_base64) = text_and_base64(m.key.as_deref().unwrap_or_default());
    let (value, value_base64) = text_and_base64(&m.value);
    debug::PeekedMessage {
        attempts: r.attempts,
        envelope: internal_envelope(m),
        key,
        key_base64,
        last_error: r.last_error.clone().unwrap_or_default(),
        offset: m.offset,
        partition: m.partition,
        routing: m.meta.routing.as_ref().map(RoutingInfo::from),
        timestamp: format_rfc3339_ms(m.timestamp_ms),
        timestamp_ms: m.timestamp_ms,
        topic: m.topic.clone(),
        value,
        value_base64,
    }
}

#[utoipa::path(get, path = "/debug/topics/lag", tag = "debug", params(("group" = String, Query), ("topic" = Option<String>, Query), ("partition" = Option<u32>, Query)), responses((status = 200, body = debug::Lag), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn lag(State(state): State<AppState>, view: GroupView) -> ApiResult<Response> {
    let partition = view
        .query
        .get("partition")
        .map(|p| {
            p.parse::<u32>()
                .map_err(|_| ApiError::bad_request("invalid partition"))
        })
        .transpose()?;
    let (g, t) = (view.group.clone(), view.topic.clone());
    let (rows, now) = blocking(&state, Dialect::Resource, move |b, now| {
        Ok((b.group_lag(&g, t.as_deref(), partition, now)?, now))
    })
    .await?;
    let rows = rows.iter().map(|r| lag_row(&view.group, r, now)).collect();
    Ok(pretty(&debug::Lag {
        group: view.group,
        ok: true,
        rows,
        topic: view.topic.unwrap_or_default(),
    }))
}

/// The query of a view of one group, from a caller who may read everything: `group`
/// required, `topic` optional, the rest in `query`.
pub(crate) struct GroupView {
    group: String,
    topic: Option<String>,
    query: Params,
}

impl FromRequestParts<AppState> for GroupView {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let ApiQuery(query) = ApiQuery::<Params>::from_request_parts(parts, state).await?;
        caller.require(Action::Read, Scope::Everything)?;
        Ok(Self {
            group: query.required("group")?,
            topic: query.get("topic").map(str::to_owned),
            query,
        })
    }
}

fn lag_row(group: &str, r: &LagRow, now: i64) -> debug::LagRow {
    debug::LagRow {
        committed_offset: r.committed_offset,
        group: group.to_owned(),
        head_offset: r.head_offset,
        inflight: r.inflight,
        lag: r.lag,
        last_delivered_at_ms: r.last_delivered_ms,
        last_owner: r.last_owner.clone(),
        lease_duration_ms: r.oldest_lease_duration_ms,
        lease_expires_at_ms: r.oldest_lease_deadline_ms,
        lease_owners: r.lease_owners.clone(),
        oldest_lease_age_ms: r.oldest_lease_delivered_ms.map(|at| age_since(now, at)),
        partition: r.partition,
        stalled: r.stalled.then_some(true),
        topic: r.topic.clone(),
    }
}

#[utoipa::path(get, path = "/debug/messages/state", tag = "debug", params(("group" = String, Query), ("topic" = Option<String>, Query), ("status" = Option<String>, Query), ("owner" = Option<String>, Query), ("limit" = Option<u64>, Query)), responses((status = 200, body = debug::MessageStates), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn message_states(
    State(state): State<AppState>,
    view: GroupView,
) -> ApiResult<Response> {
    let GroupView {
        group,
        topic,
        query,
    } = view;
    let status = query.get("status").unwrap_or_default().to_owned();
    let state_filter = match status.as_str() {
        "" | "all" => None,
        s => Some(MessageState::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!(
                "invalid status {s:?} (queued, in_flight, retried, acked, dead_lettered or all)"
            ))
        })?),
    };
    let owner = query.get("owner").map(str::to_owned);
    let limit = match query.get("limit") {
        None => 100,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| ApiError::bad_request("invalid limit"))?,
    };
    let (g, t, o) = (group.clone(), topic.clone(), owner.clone());
    let (rows, now) = blocking(&state, Dialect::Resource, move |b, now| {
        let q = StateQuery {
            group: &g,
            topic: t.as_deref(),
            state: state_filter,
            owner: o.as_deref(),
            limit,
        };
        Ok((b.message_states(&q, now)?, now))
    })
    .await?;
    let rows = rows.iter().map(|r| state_row(&group, r, now)).collect();
    Ok(pretty(&debug::MessageStates {
        group,
        ok: true,
        owner: owner.unwrap_or_default(),
        rows,
        status,
        topic: topic.unwrap_or_default(),
    }))
}

fn state_row(group: &str, r: &MessageStateRow, now: i64) -> debug::MessageStateRow {
    let m = &r.message;
    let (key, key_base64) = text_and_base64(m.key.as_deref().unwrap_or_default());
    let (value, value_base64) = text_and_base64(&m.value);
    // DriftQ leaves out what is empty.
    let present = |s: String| (!s.is_empty()).then_some(s);
    debug::MessageStateRow {
        attempts: r.attempts,
        deliver_at_ms: m.meta.deliver_at_ms,
        envelope: internal_envelope(m),
        group: group.to_owned(),
        key: present(key),
        key_base64,
        last_delivered_at_ms: r.delivered_ms,
        last_error: r.last_error.clone(),
        lease_age_ms: r.delivered_ms.map(|at| age_since(now, at)),
        lease_duration_ms: r
            .delivered_ms
            .zip(r.lease_deadline_ms)
            .map(|(at, until)| until - at),
        lease_expires_at_ms: r.lease_deadline_ms,
        offset: m.offset,
        owner: r.owner.clone(),
        partition: m.partition,
        routing: m.meta.routing.as_ref().map(RoutingInfo::from),
        stalled: r.stalled.then_some(true),
        state: r.state.as_str().to_owned(),
        topic: m.topic.clone(),
        value: present(value),
        value_base64,
    }
}

/// Milliseconds from `at` to `now` (never negative: clocks step).
fn age_since(now: i64, at: i64) -> i64 {
    now.saturating_sub(at).max(0)
}

/// DriftQ's internal envelope: the v1 envelope plus, on a DLQ copy, where it came from.
fn internal_envelope(m: &Message) -> Option<Value> {
    let mut v = match &m.meta.envelope {
        Some(e) => serde_json::to_value(WireEnvelope::from_envelope(e)).ok()?,
        None if m.meta.dlq.is_none() => return None,
        None => Value::Object(Map::new()),
    };
    if let Some(d) = &m.meta.dlq {
        v["dlq"] = dlq_origin(d);
    }
    Some(v)
}

fn dlq_origin(d: &DlqOrigin) -> Value {
    json!({
        "original_topic": d.topic,
        "original_partition": d.partition,
        "original_offset": d.offset,
        "attempts": d.attempts,
        "last_error": d.errors.join(" | "),
        "routed_at_ms": d.routed_at_ms,
    })
}
