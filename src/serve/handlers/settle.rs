//! Settling leases: ack, nack, extend (one message each, DriftQ's shape), cumulative ack, the
//! batch `acks` endpoint, and giving back leases never written (`release`).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use driftq_core::api::settle::{AckBatchReply, Extended, Released};
use driftq_core::api::settle::{AckBatchRequest, LeaseRequest, ReleaseRequest};
use driftq_core::api::system::ErrorBody;
use driftq_core::broker::release::HeldLease;
use driftq_core::broker::{BrokerError, LeaseRef, NackAction, dlq_topic_for};
use serde_json::json;

use crate::serve::auth::Caller;
use crate::serve::clock::now_ms;
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, blocking, body_bytes, durable, json_text, lease_names, ok_json,
    parse_json,
};
use crate::serve::state::AppState;
use driftq_core::auth::Action;

/// Parsed ack/nack/extend request: the lease it names plus the optional extras.
pub(crate) struct AckRequest {
    topic: String,
    group: String,
    owner: String,
    partition: u32,
    offset: u64,
    reason: String,
    delay_ms: Option<u64>,
    /// A nack that dead-letters now (our extension).
    dead_letter: bool,
    lease_ms: Option<i64>,
}

impl AckRequest {
    fn lease(&self) -> LeaseRef<'_> {
        LeaseRef {
            topic: &self.topic,
            group: &self.group,
            owner: &self.owner,
            partition: self.partition,
            offset: self.offset,
        }
    }
}

/// An ack/nack/extend request, from its query or JSON body, whose caller may consume from its
/// group: parsed and checked before the handler runs.
pub(crate) struct Settle(AckRequest);

impl FromRequest<AppState> for Settle {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts(&mut parts, state).await?;
        let ApiQuery(query) = ApiQuery::<Params>::from_request_parts(&mut parts, state).await?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state).await;
        let r = ack_request(&query, &body_bytes(body)?)?;
        caller.require_group(Action::Consume, &r.topic, &r.group)?;
        Ok(Self(r))
    }
}

/// A JSON body for `/v1/topics/{topic}/groups/{group}/…`, whose caller may consume from the
/// group: checked, then parsed, before the handler runs.
pub(crate) struct ConsumeBody<T> {
    topic: String,
    group: String,
    req: T,
}

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for ConsumeBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts(&mut parts, state).await?;
        let ApiPath((topic, group)) =
            ApiPath::<(String, String)>::from_request_parts(&mut parts, state).await?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state).await;
        caller.require_group(Action::Consume, &topic, &group)?;
        let req = parse_json(&body_bytes(body)?)?;
        Ok(Self { topic, group, req })
    }
}

fn ack_request(query: &Params, body: &[u8]) -> ApiResult<AckRequest> {
    let req: LeaseRequest = if body.is_empty() {
        let (p, o) = (query.get("partition"), query.get("offset"));
        if p.is_none() || o.is_none() {
            return Err(ApiError::bad_request("partition and offset are required"));
        }
        LeaseRequest {
            topic: query.text("topic"),
            group: query.text("group"),
            owner: query.text("owner"),
            partition: Some(
                p.unwrap_or_default()
                    .parse()
                    .map_err(|_| ApiError::bad_request("invalid partition"))?,
            ),
            offset: Some(
                o.unwrap_or_default()
                    .parse()
                    .map_err(|_| ApiError::bad_request("invalid offset"))?,
            ),
            reason: query.get("reason").map(str::to_owned),
            error: query.get("error").map(str::to_owned),
            delay_ms: query.int("delay_ms")?,
            dead_letter: query.int("dead_letter")?,
            lease_ms: query.int("lease_ms")?,
        }
    } else {
        serde_json::from_slice(body).map_err(|e| {
            let text = e.to_string();
            match text
                .strip_prefix("unknown field `")
                .and_then(|r| r.split('`').next())
            {
                Some(field) => ApiError::bad_request(format!("unknown field: {field}")),
                None => ApiError::bad_request(format!("invalid json body: {text}")),
            }
        })?
    };
    let (topic, group, owner) = lease_names(&req.topic, &req.group, &req.owner)?;
    let (Some(p), Some(o)) = (req.partition, req.offset) else {
        return Err(ApiError::bad_request("partition and offset are required"));
    };
    let partition =
        u32::try_from(p).map_err(|_| ApiError::bad_request("partition cannot be negative"))?;
    let offset =
        u64::try_from(o).map_err(|_| ApiError::bad_request("offset cannot be negative"))?;
    let delay_ms = match req.delay_ms {
        None => None,
        Some(d) => Some(
            u64::try_from(d).map_err(|_| ApiError::bad_request("delay_ms cannot be negative"))?,
        ),
    };
    Ok(AckRequest {
        topic,
        group,
        owner,
        partition,
        offset,
        reason: req.reason.or(req.error).unwrap_or_default(),
        delay_ms,
        dead_letter: req.dead_letter.unwrap_or(false),
        lease_ms: req.lease_ms,
    })
}

#[utoipa::path(post, path = "/v1/ack", tag = "settle", request_body(content = Option<LeaseRequest>, description = "or the same names as query parameters"), responses((status = 204, description = "acked"), (status = 400, description = "invalid request", body = ErrorBody), (status = 409, description = "conflict", body = ErrorBody)))]
pub(crate) async fn ack(State(state): State<AppState>, Settle(r): Settle) -> ApiResult<Response> {
    // Appended on this worker, durable without a parked thread (see `produce_messages`).
    durable(state.broker.ack(&r.lease(), now_ms()), Dialect::DriftQ).await?;
    wake_after_settling(&state, &r.topic, &r.group, 0);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/v1/ack-cumulative", tag = "settle", request_body(content = Option<LeaseRequest>), responses((status = 204, description = "acked up to offset"), (status = 400, description = "invalid request", body = ErrorBody), (status = 409, description = "conflict", body = ErrorBody)))]
pub(crate) async fn ack_cumulative(
    State(state): State<AppState>,
    Settle(r): Settle,
) -> ApiResult<Response> {
    let (topic, group) = (r.topic.clone(), r.group.clone());
    blocking(&state, Dialect::DriftQ, move |b, now| {
        b.ack_cumulative(&r.lease(), now)
    })
    .await?;
    wake_after_settling(&state, &topic, &group, 0);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/v1/nack", tag = "settle", request_body(content = Option<LeaseRequest>), responses((status = 204, description = "nacked"), (status = 400, description = "invalid request", body = ErrorBody), (status = 409, description = "conflict", body = ErrorBody)))]
pub(crate) async fn nack(State(state): State<AppState>, Settle(r): Settle) -> ApiResult<Response> {
    let action = nack_action(r.dead_letter, r.delay_ms)?;
    let (topic, group) = (r.topic.clone(), r.group.clone());
    blocking(&state, Dialect::DriftQ, move |b, now| {
        let lease = r.lease();
        b.nack(&lease, &r.reason, action, now)
    })
    .await?;
    wake_after_settling(&state, &topic, &group, 1);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/v1/extend", tag = "settle", request_body(content = Option<LeaseRequest>), responses((status = 200, body = Extended), (status = 400, description = "invalid request", body = ErrorBody), (status = 409, description = "conflict", body = ErrorBody)))]
pub(crate) async fn extend(
    State(state): State<AppState>,
    Settle(r): Settle,
) -> ApiResult<Response> {
    let lease_ms = r.lease_ms.unwrap_or(30_000);
    let deadline = blocking(&state, Dialect::DriftQ, move |b, now| {
        let lease = r.lease();
        b.extend(&lease, lease_ms, now)
    })
    .await?;
    Ok(ok_json(json!({"lease_deadline_ms": deadline})))
}

/// A nack's `dead_letter` and `delay_ms` as the broker's action (they exclude each other).
pub(crate) fn nack_action(dead_letter: bool, delay_ms: Option<u64>) -> ApiResult<NackAction> {
    match (dead_letter, delay_ms) {
        (true, Some(_)) => Err(ApiError::bad_request(
            "dead_letter and delay_ms exclude each other: a dead-lettered message is not redelivered",
        )),
        (true, None) => Ok(NackAction::DeadLetter),
        (false, Some(ms)) => Ok(NackAction::RetryAfter(ms)),
        (false, None) => Ok(NackAction::Retry),
    }
}

/// One item of a batch ack/nack, checked.
pub(crate) struct Settlement {
    partition: u32,
    offset: u64,
    owner: std::sync::Arc<str>,
    /// `Some((reason, action))` for a nack.
    nack: Option<(String, NackAction)>,
}

/// A batch with nacks: acks in one state-log batch (one fsync), nacks one by one, on the
/// blocking pool.
pub(crate) async fn ack_and_nack(
    state: &AppState,
    topic: String,
    group: String,
    items: Vec<Settlement>,
) -> ApiResult<Vec<Result<(), BrokerError>>> {
    blocking(state, Dialect::Resource, move |b, now| {
        // Acks go in one state-log batch (one fsync); nacks one by one.
        let acks: Vec<(&str, u32, u64)> = items
            .iter()
            .filter(|it| it.nack.is_none())
            .map(|it| (&*it.owner, it.partition, it.offset))
            .collect();
        let mut ack_results = b.ack_batch(&topic, &group, &acks, now)?.wait()?.into_iter();
        Ok(items
            .iter()
            .map(|it| match &it.nack {
                Some((reason, action)) => {
                    let lease = LeaseRef {
                        topic: &topic,
                        group: &group,
                        owner: &it.owner,
                        partition: it.partition,
                        offset: it.offset,
                    };
                    b.nack(&lease, reason, *action, now)
                }
                None => ack_results.next().unwrap_or(Ok(())),
            })
            .collect::<Vec<_>>())
    })
    .await
}

/// Wakes the consumers of `group` that settling may let go on: those waiting for room or for
/// messages the group held back, one per nacked message (back for redelivery), and one per
/// nack on the DLQ (where a last attempt goes).
fn wake_after_settling(state: &AppState, topic: &str, group: &str, nacks: usize) {
    state.wakeups.settled(topic, group, nacks);
    if nacks > 0 {
        state.wakeups.arrived(&dlq_topic_for(topic), nacks);
    }
}

/// Gives back leases a consumer took and never processed (a CLI interrupted before printing
/// them): not an attempt, no error. Leases not held as named are skipped.
#[utoipa::path(post, path = "/v1/topics/{topic}/groups/{group}/release", tag = "settle", params(("topic" = String, Path, description = "topic name"), ("group" = String, Path, description = "consumer group")), request_body = ReleaseRequest, responses((status = 200, body = Released), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn release(
    State(state): State<AppState>,
    ConsumeBody { topic, group, req }: ConsumeBody<ReleaseRequest>,
) -> ApiResult<Response> {
    if req.owner.trim().is_empty() {
        return Err(ApiError::bad_request("owner is required"));
    }
    let leases: Vec<HeldLease> = req
        .items
        .iter()
        .map(|it| HeldLease {
            partition: it.partition,
            offset: it.offset,
            attempts: it.attempts,
        })
        .collect();
    let released = state
        .broker
        .release(&topic, &group, req.owner.trim(), &leases, now_ms())
        .map_err(|e| ApiError::from_broker(e, Dialect::Resource))?;
    state.wakeups.settled(&topic, &group, released);
    Ok(ok_json(json!({
        "released": released,
        "skipped": leases.len() - released,
    })))
}

#[utoipa::path(post, path = "/v1/topics/{topic}/groups/{group}/acks", tag = "settle", params(("topic" = String, Path, description = "topic name"), ("group" = String, Path, description = "consumer group")), request_body = AckBatchRequest, responses((status = 200, body = AckBatchReply), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody)))]
pub(crate) async fn ack_batch(
    State(state): State<AppState>,
    ConsumeBody { topic, group, req }: ConsumeBody<AckBatchRequest>,
) -> ApiResult<Response> {
    // Most batches name the owner once: items share it instead of cloning it each.
    let batch_owner: std::sync::Arc<str> = std::sync::Arc::from(req.owner);
    let mut items = Vec::with_capacity(req.items.len());
    for it in req.items {
        let partition = u32::try_from(it.partition)
            .map_err(|_| ApiError::bad_request("partition cannot be negative"))?;
        let offset = u64::try_from(it.offset)
            .map_err(|_| ApiError::bad_request("offset cannot be negative"))?;
        let owner = match it.owner {
            Some(owner) => std::sync::Arc::from(owner),
            None => std::sync::Arc::clone(&batch_owner),
        };
        if owner.trim().is_empty() {
            return Err(ApiError::bad_request(
                "owner is required (per item or for the batch)",
            ));
        }
        if !it.nack && (it.reason.is_some() || it.delay_ms.is_some() || it.dead_letter) {
            return Err(ApiError::bad_request(
                "reason, delay_ms and dead_letter belong to nacks (\"nack\": true)",
            ));
        }
        let nack = if it.nack {
            Some((
                it.reason.unwrap_or_default(),
                nack_action(it.dead_letter, it.delay_ms)?,
            ))
        } else {
            None
        };
        items.push(Settlement {
            partition,
            offset,
            owner,
            nack,
        });
    }
    let nacks = items.iter().filter(|it| it.nack.is_some()).count();
    let results = if nacks == 0 {
        // Acks only: appended on this worker, durable without a parked thread.
        let acks: Vec<(&str, u32, u64)> = items
            .iter()
            .map(|it| (&*it.owner, it.partition, it.offset))
            .collect();
        let deferred = state.broker.ack_batch(&topic, &group, &acks, now_ms());
        durable(deferred, Dialect::Resource).await?
    } else {
        ack_and_nack(&state, topic.clone(), group.clone(), items).await?
    };
    wake_after_settling(&state, &topic, &group, nacks);
    // Written directly: a consumer acks every message, and a `Value` per item was measurable.
    let total = results.len();
    let mut failed = 0;
    let mut items = String::with_capacity(total * 12);
    for (i, r) in results.into_iter().enumerate() {
        if i > 0 {
            items.push(',');
        }
        match r {
            Ok(()) => items.push_str("{\"ok\":true}"),
            Err(e) => {
                failed += 1;
                items.push_str(
                    &ApiError::from_broker(e, Dialect::Resource)
                        .body()
                        .to_string(),
                );
            }
        }
    }
    Ok(json_text(format!(
        "{{\"acked\":{},\"failed\":{failed},\"results\":[{items}]}}",
        total - failed
    )))
}
