//! Produce: DriftQ's one-message `POST /v1/produce` and the batch `POST /v1/topics/{t}/messages`.

use std::fmt::Write as _;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::Response;
use driftq_core::api::produce::ProduceRequest;
use driftq_core::api::produce::{BatchReply, ProduceReply};
use driftq_core::api::system::ErrorBody;
use driftq_core::api::{
    Bytes as WireBytes, Header, WireEnvelope, WireMessage, WireRetryPolicy, parse_rfc3339_ns,
};
use driftq_core::broker::{BrokerError, Envelope, ProduceMessage, Produced};
use serde_json::json;

use crate::serve::auth::Caller;
use crate::serve::clock::now_ms;
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{
    ApiPath, ApiQuery, Params, body_bytes, json_text, ok_json, parse_json,
};
use crate::serve::state::AppState;
use driftq_core::auth::{Action, Scope};

/// Produces `msgs`: appended on this worker (an append only copies into the group commit's
/// buffer), then durable — idempotency keys after their messages — without a thread parked per
/// request: on two cores the blocking pool's hand-offs cost more than the append.
pub(crate) async fn produce_messages(
    state: &AppState,
    topic: String,
    msgs: Vec<ProduceMessage>,
) -> Vec<Result<Produced, BrokerError>> {
    let results = state
        .broker
        .produce(&topic, msgs, now_ms())
        .durable(&state.broker)
        .await;
    wake_consumers(state, &results);
    results
}

/// Wakes a consumer per message produced, in each group of the topic it landed on (a router
/// or a target topic may have sent it elsewhere than asked).
fn wake_consumers(state: &AppState, results: &[Result<Produced, BrokerError>]) {
    let mut landed = results.iter().filter_map(|r| r.as_ref().ok());
    let Some(first) = landed.next() else {
        return;
    };
    let mut run = (first.topic.as_str(), 1);
    for p in landed {
        if p.topic == run.0 {
            run.1 += 1;
        } else {
            state.wakeups.arrived(run.0, run.1);
            run = (p.topic.as_str(), 1);
        }
    }
    state.wakeups.arrived(run.0, run.1);
}

// ---- produce --------------------------------------------------------------------------------

/// Builds an envelope from DriftQ's query parameters; `None` when none is given.
pub(crate) fn envelope_from_query(query: &Params) -> ApiResult<Option<WireEnvelope>> {
    let s = |names: &[&str]| query.any(names).unwrap_or_default().to_owned();
    let deadline = if let Some(v) = query.any(&["deadline_rfc3339", "deadline"]) {
        parse_rfc3339_ns(v)
            .map_err(|e| ApiError::bad_request(format!("invalid deadline_rfc3339: {e}")))?;
        Some(v.to_owned())
    } else if let Some(v) = query.get("deadline_ms") {
        let ms: i64 = v
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid deadline_ms: {v}")))?;
        Some(driftq_core::api::format_rfc3339_ms(ms))
    } else {
        None
    };
    let attempts: Option<i64> = query.int("retry_max_attempts")?;
    let backoff: Option<i64> = query.int("retry_backoff_ms")?;
    let max_backoff: Option<i64> = query.int("retry_max_backoff_ms")?;
    for (name, v) in [
        ("retry_max_attempts", attempts),
        ("retry_backoff_ms", backoff),
        ("retry_max_backoff_ms", max_backoff),
    ] {
        if v.is_some_and(|v| v < 0) {
            return Err(ApiError::bad_request(format!("invalid {name}")));
        }
    }
    if (backoff.is_some() || max_backoff.is_some()) && attempts.unwrap_or(0) <= 0 {
        return Err(ApiError::bad_request(
            "retry_max_attempts must be > 0 when using retry backoff params",
        ));
    }
    let retry_policy =
        (attempts.is_some() || backoff.is_some() || max_backoff.is_some()).then(|| {
            WireRetryPolicy {
                max_attempts: attempts.unwrap_or(0),
                backoff_ms: backoff.unwrap_or(0),
                max_backoff_ms: max_backoff.unwrap_or(0),
            }
        });
    let partition_override = match query.get("partition_override") {
        None => None,
        Some(v) => Some(
            v.parse::<u32>()
                .map(i64::from)
                .map_err(|_| ApiError::bad_request("invalid partition_override"))?,
        ),
    };
    let e = WireEnvelope {
        run_id: s(&["run_id"]),
        step_id: s(&["step_id"]),
        parent_step_id: s(&["parent_step_id"]),
        tenant_id: s(&["tenant_id", "tenant"]),
        idempotency_key: s(&["idempotency_key", "idem_key"]),
        target_topic: s(&["target_topic"]),
        partition_override,
        deadline,
        retry_policy,
    };
    Ok((e != WireEnvelope::default()).then_some(e))
}

/// Key, value, headers and the envelope's text count against `--max-message-bytes` (Kafka's
/// `max.message.bytes` counts the whole record): headers or a run id alone could otherwise fill
/// a body.
pub(crate) fn check_size(state: &AppState, m: &ProduceMessage) -> ApiResult<()> {
    let headers: usize = m.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    let envelope = m.envelope.as_ref().map_or(0, Envelope::text_bytes);
    let size = m.value.len() + m.key.as_ref().map_or(0, Vec::len) + headers + envelope;
    if size > state.config.max_message_bytes {
        return Err(ApiError::too_large(format!(
            "message of {size} bytes exceeds the {}-byte limit (--max-message-bytes)",
            state.config.max_message_bytes
        )));
    }
    Ok(())
}

pub(crate) fn to_produce_message(
    key: Option<Vec<u8>>,
    value: Vec<u8>,
    headers: Vec<Header>,
    partition: Option<i64>,
    envelope: Option<&WireEnvelope>,
    delay_ms: Option<u64>,
) -> ApiResult<ProduceMessage> {
    let headers = headers
        .into_iter()
        .map(|h| {
            h.value
                .into_bytes()
                .map(|v| (h.name, v))
                .map_err(ApiError::bad_request)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let partition = match partition {
        None => None,
        Some(p) => Some(u32::try_from(p).map_err(|_| ApiError::bad_request("invalid partition"))?),
    };
    let envelope = envelope
        .map(WireEnvelope::to_envelope)
        .transpose()
        .map_err(ApiError::bad_request)?;
    Ok(ProduceMessage {
        key,
        headers,
        value,
        envelope,
        partition,
        delay_ms,
    })
}

#[utoipa::path(post, path = "/v1/produce", tag = "produce", request_body(content = Option<ProduceRequest>, description = "or the same names as query parameters (DriftQ's form)"), responses((status = 200, body = ProduceReply), (status = 400, description = "invalid request", body = ErrorBody), (status = 429, description = "backpressure: retry after retry_after_ms", body = ErrorBody), (status = 507, description = "disk below the free-space floor", body = ErrorBody), (status = 503, description = "out of open files or disk space", body = ErrorBody)))]
pub(crate) async fn produce(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<Params>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    state.admit_write(&body)?;
    let body = body_bytes(body)?;
    let (topic, msg) = if body.is_empty() {
        let topic = query.text("topic");
        let value = query.raw("value").unwrap_or_default().to_owned();
        if topic.is_empty() || value.is_empty() {
            return Err(ApiError::bad_request("topic and value are required"));
        }
        let envelope = envelope_from_query(&query)?;
        let key = query
            .get("key")
            .filter(|k| !k.is_empty())
            .map(|k| k.as_bytes().to_vec());
        let partition = query.int("partition")?;
        let delay_ms = query.int::<u64>("delay_ms")?;
        (
            topic,
            to_produce_message(
                key,
                value.into_bytes(),
                Vec::new(),
                partition,
                envelope.as_ref(),
                delay_ms,
            )?,
        )
    } else {
        let req: ProduceRequest = parse_json(&body)?;
        let topic = req.topic.trim().to_owned();
        let value = req.value.unwrap_or_default();
        if topic.is_empty() || value.is_empty() {
            return Err(ApiError::bad_request("topic and value are required"));
        }
        let key = req.key.filter(|k| !k.is_empty()).map(String::into_bytes);
        (
            topic,
            to_produce_message(
                key,
                value.into_bytes(),
                req.headers,
                req.partition,
                req.envelope.as_ref(),
                req.delay_ms,
            )?,
        )
    };
    check_size(&state, &msg)?;
    require_produce(&caller, &topic, std::slice::from_ref(&msg))?;
    let started = Instant::now();
    let t = topic.clone();
    let mut results = produce_messages(&state, t, vec![msg]).await;
    state
        .metrics
        .append_seconds
        .observe(started.elapsed().as_secs_f64());
    let result = results
        .pop()
        .ok_or_else(|| ApiError::internal("no produce result"))?;
    match result {
        Ok(p) => Ok(ok_json(json!({
            "status": "produced",
            "topic": topic,
            "final_topic": p.topic,
            "partition": p.partition,
            "offset": p.offset,
            "duplicate": p.duplicate,
        }))),
        Err(e) => {
            let err = ApiError::from_broker(e, Dialect::DriftQ);
            state.metrics.count_produce_rejection(&err);
            Err(err)
        }
    }
}

/// 403 unless the caller may produce to `topic` and to every topic a message's envelope
/// sends it to (the router's redirects are the operator's and are not checked).
pub(crate) fn require_produce(
    caller: &Caller,
    topic: &str,
    msgs: &[ProduceMessage],
) -> ApiResult<()> {
    caller.require(Action::Produce, Scope::Topic(topic))?;
    msgs.iter()
        .filter_map(|m| m.envelope.as_ref())
        .filter(|e| !e.target_topic.is_empty() && e.target_topic != topic)
        .try_for_each(|e| caller.require(Action::Produce, Scope::Topic(&e.target_topic)))
}

/// Parses a batch body: a JSON array of messages, or NDJSON (one message per line).
pub(crate) fn parse_batch(body: &[u8]) -> ApiResult<Vec<WireMessage>> {
    // No whole-body UTF-8 pass: the JSON parser validates every string it reads anyway.
    if body.trim_ascii_start().starts_with(b"[") {
        return parse_json(body);
    }
    body.split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.trim_ascii().is_empty())
        .map(|(i, l)| {
            serde_json::from_slice(l)
                .map_err(|e| ApiError::bad_request(format!("invalid json on line {}: {e}", i + 1)))
        })
        .collect()
}

#[utoipa::path(post, path = "/v1/topics/{topic}/messages", tag = "produce", params(("topic" = String, Path, description = "topic name")), request_body(content = Vec<WireMessage>, description = "a JSON array, or NDJSON (application/x-ndjson)"), responses((status = 200, body = BatchReply), (status = 400, description = "invalid request", body = ErrorBody), (status = 404, description = "no such topic or group", body = ErrorBody), (status = 429, description = "backpressure: retry after retry_after_ms", body = ErrorBody), (status = 507, description = "disk below the free-space floor", body = ErrorBody), (status = 503, description = "out of open files or disk space", body = ErrorBody)))]
pub(crate) async fn produce_batch(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(topic): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    caller.require(Action::Produce, Scope::Topic(&topic))?;
    state.admit_write(&body)?;
    // The path names a resource: a topic that does not exist is a 404 for the whole request,
    // not one per-message failure per message under a 200. (Messages may still be redirected
    // elsewhere by their envelope or the router; those targets fail one by one.)
    state
        .broker
        .topic_meta(&topic)
        .map_err(|e| ApiError::from_broker(e, Dialect::Resource))?;
    let body = body_bytes(body)?;
    let wire_msgs = parse_batch(&body)?;
    if wire_msgs.is_empty() {
        return Err(ApiError::bad_request("no messages in the body"));
    }
    let mut msgs = Vec::with_capacity(wire_msgs.len());
    for (i, m) in wire_msgs.into_iter().enumerate() {
        let value = m
            .value
            .ok_or_else(|| ApiError::bad_request(format!("message {i}: value is required")))?
            .into_bytes()
            .map_err(|e| ApiError::bad_request(format!("message {i}: {e}")))?;
        let key = m
            .key
            .map(WireBytes::into_bytes)
            .transpose()
            .map_err(|e| ApiError::bad_request(format!("message {i}: {e}")))?;
        let pm = to_produce_message(
            key,
            value,
            m.headers,
            m.partition,
            m.envelope.as_ref(),
            m.delay_ms,
        )?;
        check_size(&state, &pm)?;
        msgs.push(pm);
    }
    require_produce(&caller, &topic, &msgs)?;
    let started = Instant::now();
    let t = topic.clone();
    let results = produce_messages(&state, t, msgs).await;
    state
        .metrics
        .append_seconds
        .observe(started.elapsed().as_secs_f64());
    // Written as text directly: this response is on the hot path of batch produce.
    let total = results.len();
    let mut failed = 0usize;
    let mut body = String::with_capacity(64 + total * 64);
    body.push_str("{\"results\":[");
    // Every result of a call names the same topic (or a few, with a router): quote it once.
    let mut quoted: Option<(String, String)> = None;
    for (i, r) in results.into_iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        match r {
            Ok(p) => {
                if quoted.as_ref().is_none_or(|(name, _)| *name != p.topic) {
                    let json = serde_json::to_string(&p.topic).unwrap_or_default();
                    quoted = Some((p.topic.clone(), json));
                }
                let topic = quoted.as_ref().map_or("\"\"", |(_, json)| json.as_str());
                let _ = write!(
                    body,
                    "{{\"topic\":{topic},\"partition\":{},\"offset\":{},\"duplicate\":{}}}",
                    p.partition, p.offset, p.duplicate
                );
            }
            Err(e) => {
                failed += 1;
                let err = ApiError::from_broker(e, Dialect::Resource);
                state.metrics.count_produce_rejection(&err);
                body.push_str(&err.body().to_string());
            }
        }
    }
    let _ = write!(
        body,
        "],\"produced\":{},\"failed\":{failed}}}",
        total - failed
    );
    Ok(json_text(body))
}
