//! Consume: DriftQ's NDJSON stream `GET /v1/consume` and the pull `POST .../poll`.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use driftq_core::api::binary;
use driftq_core::api::consume::ConsumeRequest;
use driftq_core::api::messages::{Delivery, PollReply};
use driftq_core::api::system::ErrorBody;

use crate::serve::auth::Caller;
use crate::serve::conn::Peer;
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, body_bytes, json_text, lease_names, parse_json,
};
use crate::serve::json as wire;
use crate::serve::state::AppState;
use crate::serve::stream;
use crate::serve::wakeups::Wait;
use driftq_core::auth::Action;

pub(crate) const DEFAULT_LEASE_MS: i64 = 2_000;

// ---- consuming ------------------------------------------------------------------------------

pub(crate) fn consume_params(query: &Params, body: &[u8]) -> ApiResult<ConsumeRequest> {
    let req = if body.is_empty() {
        ConsumeRequest {
            topic: query.text("topic"),
            group: query.text("group"),
            owner: query.text("owner"),
            lease_ms: query
                .int("lease_ms")
                .map_err(|_| ApiError::bad_request("invalid lease_ms"))?,
            max: query.int("max")?,
            wait_ms: query.int("wait_ms")?,
            prefetch: query.int("prefetch")?,
        }
    } else {
        parse_json(body)?
    };
    if req.lease_ms.is_some_and(|l| l < 0) {
        return Err(ApiError::bad_request("invalid lease_ms"));
    }
    Ok(req)
}

pub(crate) fn lease_of(req: &ConsumeRequest) -> i64 {
    match req.lease_ms {
        None | Some(0) => DEFAULT_LEASE_MS,
        Some(l) => l,
    }
}

/// The connection a request came on, when the server knows it (it always does outside tests
/// that drive the router directly).
pub(crate) type ConnOf = Option<axum::Extension<axum::extract::ConnectInfo<Peer>>>;

pub(crate) fn conn_of(peer: ConnOf) -> Option<crate::serve::conn::Conn> {
    peer.map(|axum::Extension(axum::extract::ConnectInfo(p))| p.conn)
}

#[utoipa::path(get, path = "/v1/consume", tag = "consume", params(("topic" = String, Query), ("group" = String, Query), ("owner" = String, Query), ("lease_ms" = Option<i64>, Query), ("prefetch" = Option<usize>, Query)), responses((status = 200, description = "NDJSON: one delivery per line, blank lines while idle", content_type = "application/x-ndjson", body = Delivery), (status = 400, description = "invalid request", body = ErrorBody)))]
pub(crate) async fn consume(
    State(state): State<AppState>,
    caller: Caller,
    peer: ConnOf,
    ApiQuery(query): ApiQuery<Params>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let req = consume_params(&query, &body)?;
    let (topic, group, owner) = lease_names(&req.topic, &req.group, &req.owner)?;
    caller.require_group(Action::Consume, &topic, &group)?;
    // Checked before the stream starts: once it has, errors have nowhere to go.
    driftq_core::broker::validate_group_name(&group)
        .and_then(|()| driftq_core::broker::validate_owner(&owner))
        .map_err(|e| ApiError::from_broker(e, Dialect::DriftQ))?;
    state
        .broker
        .topic_meta(&topic)
        .map_err(|e| ApiError::from_broker(e, Dialect::DriftQ))?;
    let lease_ms = lease_of(&req);
    let prefetch = req.prefetch.unwrap_or(stream::DEFAULT_PREFETCH);
    if !(1..=stream::MAX_PREFETCH).contains(&prefetch) {
        return Err(ApiError::bad_request(format!(
            "invalid prefetch: 1 to {}",
            stream::MAX_PREFETCH
        )));
    }
    let who = stream::Consumer {
        topic,
        group,
        owner,
    };
    let access = stream_access(&state, caller, peer.as_ref())?;
    let feed = stream::ConsumeStream::new(state, who, lease_ms, prefetch, conn_of(peer), access);
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        feed.next_chunk()
            .await
            .map(|b| (Ok::<_, Infallible>(b), feed))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson; charset=utf-8"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(resp)
}

/// A slot among the caller's open streams (per principal; per client address when auth is
/// off), or 429 when it holds `--max-streams-per-principal` already.
fn stream_access(
    state: &AppState,
    caller: Caller,
    peer: Option<&axum::Extension<axum::extract::ConnectInfo<Peer>>>,
) -> ApiResult<stream::StreamAccess> {
    let key = match caller.name() {
        Some(name) => format!("principal {name}"),
        None => peer.map_or_else(
            || "anonymous".to_owned(),
            |p| format!("address {}", p.0.0.addr.ip()),
        ),
    };
    let max = state.config.max_streams_per_principal;
    let slot = state.auth.streams().open(key.clone(), max).ok_or_else(|| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RESOURCE_EXHAUSTED",
            format!("{key} holds {max} consume streams already (--max-streams-per-principal): close one first"),
        )
    })?;
    let policy = state.auth.subscribe();
    let checked = std::sync::Arc::clone(&policy.borrow());
    Ok(stream::StreamAccess {
        caller,
        policy,
        checked,
        _slot: slot,
    })
}

#[utoipa::path(post, path = "/v1/topics/{topic}/groups/{group}/poll", tag = "consume", params(("topic" = String, Path, description = "topic name"), ("group" = String, Path, description = "consumer group")), request_body(content = Option<ConsumeRequest>, description = "or the same names as query parameters"), responses((status = 200, body = PollReply, description = "or the binary framing with Accept: application/vnd.driftq.messages"), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn poll(
    State(state): State<AppState>,
    caller: Caller,
    peer: ConnOf,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<Params>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let binary_reply = accepts_binary(&headers);
    let mut req = consume_params(&query, &body)?;
    if req.owner.trim().is_empty() {
        return Err(ApiError::bad_request("owner is required"));
    }
    caller.require_group(Action::Consume, &topic, &group)?;
    req.topic = topic;
    req.group = group;
    let max = req.max.unwrap_or(100).clamp(1, 10_000);
    let wait = Duration::from_millis(req.wait_ms.unwrap_or(0).min(30_000));
    let lease_ms = lease_of(&req);
    let deadline = Instant::now() + wait;
    let who = stream::Consumer {
        topic: req.topic,
        group: req.group,
        owner: req.owner.trim().to_owned(),
    };
    // A client that disconnects while this waits makes hyper drop this future: it takes nothing.
    // Woken by another connection, the poll asks the socket too, as the stream does.
    let conn = conn_of(peer);
    let bell = state.wakeups.bell(&who.topic, &who.group);
    loop {
        // Made and enabled before looking: a ring while this looks is not missed, and a ring
        // that picks this one while it leases anyway is passed on when it is dropped.
        let settled = bell.settled.notified();
        let mut arrived = std::pin::pin!(bell.arrived.notified());
        arrived.as_mut().enable();
        let ds = stream::lease(
            &state,
            Dialect::Resource,
            &who,
            stream::Ask { max, lease_ms },
        )
        .await?;
        let now = Instant::now();
        if !ds.is_empty() || now >= deadline {
            if !binary_reply {
                return Ok(json_text(wire::deliveries_reply(&ds)));
            }
            // The leases are taken: a reply that cannot be framed is a 500 and the messages
            // come back when the leases run out, like any reply the client never reads.
            let body =
                wire::deliveries_binary(&ds).map_err(|e| ApiError::internal(e.to_string()))?;
            let mut resp = body.into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(binary::CONTENT_TYPE),
            );
            return Ok(resp);
        }
        let mut shutdown = state.shutdown.clone();
        let wait = if state.broker.waits_on_settling(&who.topic, &who.group) {
            Wait::Either
        } else {
            Wait::Arrived
        };
        tokio::select! {
            () = wait.until(arrived, settled) => {}
            () = tokio::time::sleep((deadline - now).min(Duration::from_millis(250))) => {}
            _ = shutdown.changed() => {}
        }
        // Woken, maybe by another connection's ack or produce: a close that came before it
        // may not have reached hyper yet, so ask the socket before leasing.
        if conn
            .as_ref()
            .is_some_and(crate::serve::conn::Conn::client_gone)
        {
            bell.arrived.notify_one();
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "CLIENT_GONE",
                "the client closed the connection",
            ));
        }
    }
}

/// Whether the client's `Accept` names the binary message framing (exactly; no wildcards, so
/// DriftQ clients sending `*/*` keep getting JSON).
pub(crate) fn accepts_binary(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            media
                .split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case(binary::CONTENT_TYPE))
        })
}
