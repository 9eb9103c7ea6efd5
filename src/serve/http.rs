//! Routes and handlers. Handlers are thin: parse (body or query, strictly), call the broker on
//! the blocking pool, map the result. See `docs/API.md` for the contract.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use driftq_core::api::{
    Bytes as WireBytes, Header, WireEnvelope, WireMessage, WireRetryPolicy, binary,
    parse_rfc3339_ns,
};
use driftq_core::broker::release::HeldLease;
use driftq_core::broker::{
    Broker, BrokerError, Deferred, Envelope, LeaseRef, NackAction, ProduceMessage, Produced,
    ReadFrom, ReplayRequest, RetryPolicy, SeekTo, TopicChange, TopicMeta, TopicOrdering,
    dlq_topic_for,
};
use driftq_core::storage::Durability;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::conn::Peer;
use super::consume;
use super::error::{ApiError, ApiResult};
use super::{AppState, json as wire, now_ms};

const DEFAULT_LEASE_MS: i64 = 2_000;

pub(crate) fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    let access_log = state.config.access_log;
    let router = Router::new()
        .route("/v1/healthz", get(healthz))
        .route("/v1/version", get(version))
        .route("/v1/config", get(config))
        .route("/v1/stats", get(stats))
        .route("/v1/topics", get(list_topics).post(create_topic))
        .route(
            "/v1/topics/{topic}",
            get(describe_topic).patch(alter_topic).delete(delete_topic),
        )
        .route(
            "/v1/topics/{topic}/messages",
            post(produce_batch).delete(purge_topic),
        )
        .route(
            "/v1/topics/{topic}/partitions/{partition}/messages",
            get(read_partition),
        )
        .route(
            "/v1/topics/{topic}/groups/{group}",
            get(describe_group).delete(delete_group),
        )
        .route(
            "/v1/topics/{topic}/groups/{group}/inflight",
            get(list_inflight),
        )
        .route("/v1/topics/{topic}/groups/{group}/poll", post(poll))
        .route("/v1/topics/{topic}/groups/{group}/acks", post(ack_batch))
        .route("/v1/topics/{topic}/groups/{group}/release", post(release))
        .route("/v1/topics/{topic}/groups/{group}/seek", post(seek))
        .route("/v1/groups", get(list_groups))
        .route("/v1/produce", post(produce))
        .route("/v1/consume", get(consume))
        .route("/v1/ack", post(ack))
        .route("/v1/ack-cumulative", post(ack_cumulative))
        .route("/v1/nack", post(nack))
        .route("/v1/extend", post(extend))
        .route("/v1/dlq", get(list_dlq))
        .route("/v1/dlq/{topic}/messages", get(peek_dlq))
        .route("/v1/dlq/{topic}/replay", post(replay_dlq))
        .route("/metrics", get(metrics))
        .merge(super::debug::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(body_limit));
    let router = if access_log {
        router.layer(middleware::from_fn(log_access))
    } else {
        router
    };
    router.with_state(state)
}

/// `Path`, refused in the API's JSON error shape (axum's own rejection is plain text): a
/// partition that is not a number, or a segment that is not UTF-8 once decoded.
pub(super) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Self(v))
            .map_err(|e| ApiError::bad_request(format!("invalid path: {}", e.body_text())))
    }
}

/// `Query`, refused in the API's JSON error shape (a value that is not UTF-8 once decoded).
pub(super) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Self(v))
            .map_err(|e| ApiError::bad_request(format!("invalid query: {}", e.body_text())))
    }
}

/// DriftQ's request middleware: echoes `X-Request-Id` / `X-Trace-Id` (or creates them, 24 hex
/// characters) and logs one `http` line per request, at error level for 5xx.
async fn log_access(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let req_id = request_id(&req, "x-request-id");
    let trace_id = request_id(&req, "x-trace-id");
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let remote_ip = req
        .extensions()
        .get::<axum::extract::ConnectInfo<Peer>>()
        .map(|c| c.0.addr.ip().to_string())
        .unwrap_or_default();
    let mut resp = next.run(req).await;
    for (name, id) in [("x-request-id", &req_id), ("x-trace-id", &trace_id)] {
        if let Ok(v) = HeaderValue::from_str(id) {
            resp.headers_mut().insert(name, v);
        }
    }
    let status = resp.status().as_u16();
    // Streams have no known size; they log 0 bytes, as DriftQ's counting writer did at start.
    let bytes = axum::body::HttpBody::size_hint(resp.body())
        .exact()
        .unwrap_or(0);
    let duration_ms = started.elapsed().as_secs_f64() * 1e3;
    if status >= 500 {
        tracing::error!(trace_id, req_id, method = %method, path, status, bytes, duration_ms, remote_ip, "http");
    } else {
        tracing::info!(trace_id, req_id, method = %method, path, status, bytes, duration_ms, remote_ip, "http");
    }
    resp
}

/// The client's id when it sent a sane one, else a new one.
fn request_id(req: &Request, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(new_id, str::to_owned)
}

/// 24 hex characters, unique per process (a counter) and unpredictable across processes (std's
/// randomly keyed hasher).
fn new_id() -> String {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static KEYS: OnceLock<RandomState> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let keys = KEYS.get_or_init(RandomState::new);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let high = keys.hash_one((n, 0u8));
    let low = keys.hash_one((n, 1u8)) as u32;
    format!("{high:016x}{low:08x}")
}

async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let resp = next.run(req).await;
    let labels = vec![
        ("route".to_owned(), route),
        ("method".to_owned(), method),
        ("status".to_owned(), resp.status().as_u16().to_string()),
    ];
    state.metrics.http_requests.get_or_create(&labels).inc();
    resp
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint: use the /v1/* endpoints (see docs/API.md)")
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("method {method} not allowed here"),
    )
}

/// Runs a blocking broker call on the blocking pool.
pub(super) async fn blocking<T: Send + 'static>(
    state: &AppState,
    v1: bool,
    f: impl FnOnce(&Broker, i64) -> Result<T, BrokerError> + Send + 'static,
) -> ApiResult<T> {
    let broker = std::sync::Arc::clone(&state.broker);
    tokio::task::spawn_blocking(move || f(&broker, now_ms()))
        .await
        .map_err(|e| ApiError::internal(format!("handler panicked: {e}")))?
        .map_err(|e| ApiError::from_broker(e, v1))
}

/// Produces `msgs`: appended on this worker (an append only copies into the group commit's
/// buffer), then durable — idempotency keys after their messages — without a thread parked per
/// request: on two cores the blocking pool's hand-offs cost more than the append.
async fn produce_messages(
    state: &AppState,
    topic: String,
    msgs: Vec<ProduceMessage>,
) -> Vec<Result<Produced, BrokerError>> {
    state
        .broker
        .produce_deferred(&topic, msgs, now_ms())
        .durable(&state.broker)
        .await
}

/// Awaits a deferred broker call; failing to append or to make it durable is the call's error.
async fn durable<T>(deferred: Result<Deferred<T>, BrokerError>, v1: bool) -> ApiResult<T> {
    let outcome = match deferred {
        Ok(d) => d.durable().await,
        Err(e) => Err(e),
    };
    outcome.map_err(|e| ApiError::from_broker(e, v1))
}

/// Body bytes, with 413 (as JSON) for bodies past the limit.
fn body_bytes(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(format!("request body too large: {}", e.body_text()))
        } else {
            ApiError::bad_request(e.body_text())
        }
    })
}

/// Strict JSON: unknown fields and wrong types are a 400 naming the problem.
fn parse_json<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid json body: {e}")))
}

fn q<'a>(query: &'a HashMap<String, String>, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| query.get(*n))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

fn q_int<T: std::str::FromStr>(
    query: &HashMap<String, String>,
    name: &str,
) -> ApiResult<Option<T>> {
    match q(query, &[name]) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("invalid {name}"))),
    }
}

fn ok_json(v: Value) -> Response {
    Json(v).into_response()
}

/// A 200 whose JSON body was written by hand (hot paths that skip building a `Value`).
fn json_text(body: impl IntoResponse) -> Response {
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

// ---- small endpoints ------------------------------------------------------------------------

async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn version() -> Json<Value> {
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "commit": option_env!("DRIFTQ_COMMIT").unwrap_or("unknown"),
        "wal_enabled": true,
    }))
}

async fn config(State(state): State<AppState>) -> Json<Value> {
    let c = &state.config;
    let mut v = serde_json::to_value(c.as_ref()).unwrap_or_else(|_| json!({}));
    // DriftQ's names for the same settings, for its tools.
    v["wal_path"] = json!(c.data_dir.display().to_string());
    // A Go duration: "0s" is DriftQ's fsync-every-append; `never` has no DriftQ spelling.
    v["wal_sync_interval"] = json!(match c.fsync.parse::<Durability>() {
        Ok(Durability::Always) => "0s".to_owned(),
        Ok(Durability::Interval(d)) if d.as_millis() % 1000 == 0 => format!("{}s", d.as_secs()),
        Ok(Durability::Interval(d)) => format!("{}ms", d.as_millis()),
        _ => c.fsync.clone(),
    });
    // DriftQ's engine settings, with driftq's honest values: one storage engine (segmented,
    // checksummed logs), the broker's state log as its WAL, no artifacts, and no write buffer
    // of its own (appends go to the page cache and group commit).
    v["engine_store"] = json!("segmented-log");
    v["engine_wal"] = json!("state-log");
    v["artifacts_dir"] = json!("");
    v["wal_buffer_bytes"] = json!(0);
    Json(v)
}

async fn stats(State(state): State<AppState>) -> ApiResult<Response> {
    let uptime = u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let s = blocking(&state, false, |b, now| Ok(b.stats(now))).await?;
    let mut v = wire::stats(&s, uptime, env!("CARGO_PKG_VERSION"));
    let (free, floor, total, full) = state.disk.state();
    v["disk"] = json!({
        "free_bytes": free,
        "min_free_bytes": floor,
        "total_bytes": total,
        "full": full,
    });
    let cut = state.broker.truncations();
    v["recovery"] = json!({
        "truncated_records": cut.iter().map(|t| t.records).sum::<u64>(),
        "truncated_tails": cut.iter().map(|t| json!({
            "log": t.log,
            "first_lost_offset": t.first_lost_offset,
            "records": t.records,
            "bytes": t.bytes,
            "kept_at": t.kept_at.display().to_string(),
        })).collect::<Vec<_>>(),
    });
    Ok(ok_json(v))
}

async fn metrics(State(state): State<AppState>) -> ApiResult<Response> {
    let m = std::sync::Arc::clone(&state.metrics);
    let text = tokio::task::spawn_blocking(move || m.encode())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut resp = text.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(resp)
}

// ---- topics ---------------------------------------------------------------------------------

async fn list_topics(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"topics": state.broker.list_topics()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateTopicJson {
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
struct TopicRetryJson {
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

async fn create_topic(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let req = if body.is_empty() {
        CreateTopicJson {
            name: q(&query, &["name"]).unwrap_or_default().to_owned(),
            partitions: q_int(&query, "partitions")
                .map_err(|_| ApiError::bad_request("invalid partitions"))?,
            retention_ms: q_int(&query, "retention_ms")?,
            retention_bytes: q_int(&query, "retention_bytes")?,
            retry_policy: None,
            ordering: q(&query, &["ordering"]).map(str::to_owned),
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
    let meta = blocking(&state, true, move |b, now| b.create_topic_from(meta, now)).await?;
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

async fn describe_topic(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Response> {
    let t = topic.clone();
    let s = blocking(&state, false, move |b, now| {
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
struct AlterTopicJson {
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
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

async fn alter_topic(
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
    blocking(&state, false, move |b, now| b.alter_topic(&t, &change, now)).await?;
    describe_topic(State(state), ApiPath(topic)).await
}

/// `DELETE /v1/topics/{topic}/messages`: every message stored so far is deleted; the topic,
/// its offsets, settings and groups stay.
async fn purge_topic(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Response> {
    let t = topic.clone();
    let purged = blocking(&state, false, move |b, now| b.purge_topic(&t, now)).await?;
    Ok(ok_json(json!({"topic": topic, "purged": purged})))
}

async fn delete_topic(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
) -> ApiResult<Response> {
    blocking(&state, false, move |b, now| b.delete_topic(&topic, now)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- produce --------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProduceJson {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    envelope: Option<WireEnvelope>,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(default)]
    partition: Option<i64>,
    #[serde(default)]
    delay_ms: Option<u64>,
}

/// Builds an envelope from DriftQ's query parameters; `None` when none is given.
fn envelope_from_query(query: &HashMap<String, String>) -> ApiResult<Option<WireEnvelope>> {
    let s = |names: &[&str]| q(query, names).unwrap_or_default().to_owned();
    let deadline = if let Some(v) = q(query, &["deadline_rfc3339", "deadline"]) {
        parse_rfc3339_ns(v)
            .map_err(|e| ApiError::bad_request(format!("invalid deadline_rfc3339: {e}")))?;
        Some(v.to_owned())
    } else if let Some(v) = q(query, &["deadline_ms"]) {
        let ms: i64 = v
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid deadline_ms: {v}")))?;
        Some(driftq_core::api::format_rfc3339_ms(ms))
    } else {
        None
    };
    let attempts: Option<i64> = q_int(query, "retry_max_attempts")?;
    let backoff: Option<i64> = q_int(query, "retry_backoff_ms")?;
    let max_backoff: Option<i64> = q_int(query, "retry_max_backoff_ms")?;
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
    let partition_override = match q(query, &["partition_override"]) {
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
fn check_size(state: &AppState, m: &ProduceMessage) -> ApiResult<()> {
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

fn to_produce_message(
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

fn note_rejection(state: &AppState, e: &ApiError) {
    if let Some((reason, _)) = e.overload {
        state
            .metrics
            .produce_rejected
            .get_or_create(&vec![("reason".to_owned(), reason.to_owned())])
            .inc();
    }
}

async fn produce(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    if let Err(e) = state
        .disk
        .check_produce(body.as_ref().map_or(0, |b| b.len() as u64))
    {
        note_rejection(&state, &e);
        return Err(e);
    }
    let body = body_bytes(body)?;
    let (topic, msg) = if body.is_empty() {
        let topic = q(&query, &["topic"]).unwrap_or_default().to_owned();
        let value = query.get("value").cloned().unwrap_or_default();
        if topic.is_empty() || value.is_empty() {
            return Err(ApiError::bad_request("topic and value are required"));
        }
        let envelope = envelope_from_query(&query)?;
        let key = query
            .get("key")
            .filter(|k| !k.is_empty())
            .map(|k| k.as_bytes().to_vec());
        let partition = q_int(&query, "partition")?;
        let delay_ms = q_int::<u64>(&query, "delay_ms")?;
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
        let req: ProduceJson = parse_json(&body)?;
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
    let started = Instant::now();
    let t = topic.clone();
    let mut results = produce_messages(&state, t, vec![msg]).await;
    state
        .metrics
        .append_seconds
        .observe(started.elapsed().as_secs_f64());
    state.activity.notify_waiters();
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
            let err = ApiError::from_broker(e, true);
            note_rejection(&state, &err);
            Err(err)
        }
    }
}

/// Parses a batch body: a JSON array of messages, or NDJSON (one message per line).
fn parse_batch(body: &[u8]) -> ApiResult<Vec<WireMessage>> {
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

async fn produce_batch(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    if let Err(e) = state
        .disk
        .check_produce(body.as_ref().map_or(0, |b| b.len() as u64))
    {
        note_rejection(&state, &e);
        return Err(e);
    }
    // The path names a resource: a topic that does not exist is a 404 for the whole request,
    // not one per-message failure per message under a 200. (Messages may still be redirected
    // elsewhere by their envelope or the router; those targets fail one by one.)
    state
        .broker
        .topic_meta(&topic)
        .map_err(|e| ApiError::from_broker(e, false))?;
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
    let started = Instant::now();
    let t = topic.clone();
    let results = produce_messages(&state, t, msgs).await;
    state
        .metrics
        .append_seconds
        .observe(started.elapsed().as_secs_f64());
    state.activity.notify_waiters();
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
                let err = ApiError::from_broker(e, false);
                note_rejection(&state, &err);
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

// ---- reading --------------------------------------------------------------------------------

async fn read_partition(
    State(state): State<AppState>,
    ApiPath((topic, partition)): ApiPath<(String, u32)>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> ApiResult<Response> {
    let max: usize = q_int(&query, "max")?.unwrap_or(100).min(10_000);
    let from = match (q_int::<u64>(&query, "offset")?, q(&query, &["timestamp"])) {
        (Some(o), _) => ReadFrom::Offset(o),
        (None, Some(ts)) => ReadFrom::Timestamp(parse_time_ms(ts)?),
        (None, None) => ReadFrom::Offset(0),
    };
    let msgs = blocking(&state, false, move |b, _| {
        b.read(&topic, partition, from, max, 8 << 20)
    })
    .await?;
    Ok(ok_json(
        json!({"messages": msgs.iter().map(wire::message).collect::<Vec<_>>()}),
    ))
}

/// Unix milliseconds or RFC 3339.
fn parse_time_ms(s: &str) -> ApiResult<i64> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    parse_rfc3339_ns(s).map(|ns| ns / 1_000_000).map_err(|e| {
        ApiError::bad_request(format!("invalid time {s:?}: {e} (use unix ms or RFC 3339)"))
    })
}

// ---- consuming ------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConsumeJson {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    lease_ms: Option<i64>,
    #[serde(default)]
    max: Option<usize>,
    #[serde(default)]
    wait_ms: Option<u64>,
    /// Consume streams only: most unacked leases the stream may hold.
    #[serde(default)]
    prefetch: Option<usize>,
}

fn consume_params(query: &HashMap<String, String>, body: &[u8]) -> ApiResult<ConsumeJson> {
    let req = if body.is_empty() {
        ConsumeJson {
            topic: q(query, &["topic"]).unwrap_or_default().to_owned(),
            group: q(query, &["group"]).unwrap_or_default().to_owned(),
            owner: q(query, &["owner"]).unwrap_or_default().to_owned(),
            lease_ms: q_int(query, "lease_ms")
                .map_err(|_| ApiError::bad_request("invalid lease_ms"))?,
            max: q_int(query, "max")?,
            wait_ms: q_int(query, "wait_ms")?,
            prefetch: q_int(query, "prefetch")?,
        }
    } else {
        parse_json(body)?
    };
    if req.lease_ms.is_some_and(|l| l < 0) {
        return Err(ApiError::bad_request("invalid lease_ms"));
    }
    Ok(req)
}

fn lease_of(req: &ConsumeJson) -> i64 {
    match req.lease_ms {
        None | Some(0) => DEFAULT_LEASE_MS,
        Some(l) => l,
    }
}

/// The connection a request came on, when the server knows it (it always does outside tests
/// that drive the router directly).
type ConnOf = Option<axum::Extension<axum::extract::ConnectInfo<Peer>>>;

fn conn_of(peer: ConnOf) -> Option<super::conn::Conn> {
    peer.map(|axum::Extension(axum::extract::ConnectInfo(p))| p.conn)
}

async fn consume(
    State(state): State<AppState>,
    peer: ConnOf,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let req = consume_params(&query, &body)?;
    let (topic, group, owner) = (
        req.topic.trim().to_owned(),
        req.group.trim().to_owned(),
        req.owner.trim().to_owned(),
    );
    if topic.is_empty() || group.is_empty() || owner.is_empty() {
        return Err(ApiError::bad_request(
            "topic, group, and owner are required",
        ));
    }
    // Checked before the stream starts: once it has, errors have nowhere to go.
    driftq_core::broker::validate_group_name(&group)
        .and_then(|()| driftq_core::broker::validate_owner(&owner))
        .map_err(|e| ApiError::from_broker(e, true))?;
    state
        .broker
        .topic_meta(&topic)
        .map_err(|e| ApiError::from_broker(e, true))?;
    let lease_ms = lease_of(&req);
    let prefetch = req.prefetch.unwrap_or(consume::DEFAULT_PREFETCH);
    if !(1..=consume::MAX_PREFETCH).contains(&prefetch) {
        return Err(ApiError::bad_request(format!(
            "invalid prefetch: 1 to {}",
            consume::MAX_PREFETCH
        )));
    }
    let who = consume::Consumer {
        topic,
        group,
        owner,
    };
    let feed = consume::ConsumeStream::new(state, who, lease_ms, prefetch, conn_of(peer));
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

async fn poll(
    State(state): State<AppState>,
    peer: ConnOf,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body_bytes(body)?;
    let binary_reply = accepts_binary(&headers);
    let mut req = consume_params(&query, &body)?;
    if req.owner.trim().is_empty() {
        return Err(ApiError::bad_request("owner is required"));
    }
    req.topic = topic;
    req.group = group;
    let max = req.max.unwrap_or(100).clamp(1, 10_000);
    let wait = Duration::from_millis(req.wait_ms.unwrap_or(0).min(30_000));
    let lease_ms = lease_of(&req);
    let deadline = Instant::now() + wait;
    let who = consume::Consumer {
        topic: req.topic,
        group: req.group,
        owner: req.owner.trim().to_owned(),
    };
    // A client that disconnects while this waits makes hyper drop this future: it takes nothing.
    // Woken by another connection, the poll asks the socket too, as the stream does.
    let conn = conn_of(peer);
    loop {
        let notified = state.activity.notified();
        let ds = consume::lease(&state, false, &who, max, lease_ms).await?;
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
        tokio::select! {
            () = notified => {}
            () = tokio::time::sleep((deadline - now).min(Duration::from_millis(250))) => {}
            _ = shutdown.changed() => {}
        }
        // Woken, maybe by another connection's ack or produce: a close that came before it
        // may not have reached hyper yet, so ask the socket before leasing.
        if conn.as_ref().is_some_and(super::conn::Conn::client_gone) {
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
fn accepts_binary(headers: &axum::http::HeaderMap) -> bool {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AckJson {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    owner: String,
    partition: Option<i64>,
    offset: Option<i64>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    delay_ms: Option<i64>,
    #[serde(default)]
    dead_letter: Option<bool>,
    #[serde(default)]
    lease_ms: Option<i64>,
}

/// Parsed ack/nack/extend request: the lease it names plus the optional extras.
struct AckRequest {
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

fn ack_request(query: &HashMap<String, String>, body: &[u8]) -> ApiResult<AckRequest> {
    let req: AckJson = if body.is_empty() {
        let (p, o) = (q(query, &["partition"]), q(query, &["offset"]));
        if p.is_none() || o.is_none() {
            return Err(ApiError::bad_request("partition and offset are required"));
        }
        AckJson {
            topic: q(query, &["topic"]).unwrap_or_default().to_owned(),
            group: q(query, &["group"]).unwrap_or_default().to_owned(),
            owner: q(query, &["owner"]).unwrap_or_default().to_owned(),
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
            reason: q(query, &["reason"]).map(str::to_owned),
            error: q(query, &["error"]).map(str::to_owned),
            delay_ms: q_int(query, "delay_ms")?,
            dead_letter: q_int(query, "dead_letter")?,
            lease_ms: q_int(query, "lease_ms")?,
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
    let (topic, group, owner) = (
        req.topic.trim().to_owned(),
        req.group.trim().to_owned(),
        req.owner.trim().to_owned(),
    );
    if topic.is_empty() || group.is_empty() || owner.is_empty() {
        return Err(ApiError::bad_request(
            "topic, group, and owner are required",
        ));
    }
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

async fn ack(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let r = ack_request(&query, &body_bytes(body)?)?;
    // Appended on this worker, durable without a parked thread (see `produce_messages`).
    durable(state.broker.ack_deferred(&r.lease(), now_ms()), true).await?;
    // An ack may release the next message of its key (topics ordered by key).
    state.activity.notify_waiters();
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn ack_cumulative(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let r = ack_request(&query, &body_bytes(body)?)?;
    blocking(&state, true, move |b, now| {
        b.ack_cumulative(&r.lease(), now)
    })
    .await?;
    state.activity.notify_waiters();
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn nack(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let r = ack_request(&query, &body_bytes(body)?)?;
    let action = nack_action(r.dead_letter, r.delay_ms)?;
    blocking(&state, true, move |b, now| {
        let lease = r.lease();
        b.nack_with(&lease, &r.reason, action, now)
    })
    .await?;
    state.activity.notify_waiters();
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn extend(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let r = ack_request(&query, &body_bytes(body)?)?;
    let lease_ms = r.lease_ms.unwrap_or(30_000);
    let deadline = blocking(&state, true, move |b, now| {
        let lease = r.lease();
        b.extend(&lease, lease_ms, now)
    })
    .await?;
    Ok(ok_json(json!({"lease_deadline_ms": deadline})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AckItem {
    partition: i64,
    offset: i64,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    nack: bool,
    #[serde(default)]
    reason: Option<String>,
    /// A nack's redelivery delay instead of the retry backoff.
    #[serde(default)]
    delay_ms: Option<u64>,
    /// A nack that dead-letters now.
    #[serde(default)]
    dead_letter: bool,
}

/// A nack's `dead_letter` and `delay_ms` as the broker's action (they exclude each other).
fn nack_action(dead_letter: bool, delay_ms: Option<u64>) -> ApiResult<NackAction> {
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
struct Settlement {
    partition: u32,
    offset: u64,
    owner: std::sync::Arc<str>,
    /// `Some((reason, action))` for a nack.
    nack: Option<(String, NackAction)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AckBatchJson {
    #[serde(default)]
    owner: String,
    items: Vec<AckItem>,
}

/// A batch with nacks: acks in one state-log batch (one fsync), nacks one by one, on the
/// blocking pool.
async fn ack_and_nack(
    state: &AppState,
    topic: String,
    group: String,
    items: Vec<Settlement>,
) -> ApiResult<Vec<Result<(), BrokerError>>> {
    blocking(state, false, move |b, now| {
        // Acks go in one state-log batch (one fsync); nacks one by one.
        let acks: Vec<(&str, u32, u64)> = items
            .iter()
            .filter(|it| it.nack.is_none())
            .map(|it| (&*it.owner, it.partition, it.offset))
            .collect();
        let mut ack_results = b.ack_batch(&topic, &group, &acks, now)?.into_iter();
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
                    b.nack_with(&lease, reason, *action, now)
                }
                None => ack_results.next().unwrap_or(Ok(())),
            })
            .collect::<Vec<_>>())
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseJson {
    owner: String,
    items: Vec<ReleaseItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseItem {
    partition: u32,
    offset: u64,
    #[serde(default)]
    attempts: Option<u32>,
}

/// Gives back leases a consumer took and never processed (a CLI interrupted before printing
/// them): not an attempt, no error. Leases not held as named are skipped.
async fn release(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: ReleaseJson = parse_json(&body_bytes(body)?)?;
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
        .map_err(|e| ApiError::from_broker(e, false))?;
    state.activity.notify_waiters();
    Ok(ok_json(json!({
        "released": released,
        "skipped": leases.len() - released,
    })))
}

async fn ack_batch(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: AckBatchJson = parse_json(&body_bytes(body)?)?;
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
    let results = if items.iter().all(|it| it.nack.is_none()) {
        // Acks only: appended on this worker, durable without a parked thread.
        let acks: Vec<(&str, u32, u64)> = items
            .iter()
            .map(|it| (&*it.owner, it.partition, it.offset))
            .collect();
        let deferred = state
            .broker
            .ack_batch_deferred(&topic, &group, &acks, now_ms());
        durable(deferred, false).await?
    } else {
        ack_and_nack(&state, topic, group, items).await?
    };
    state.activity.notify_waiters();
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
                items.push_str(&ApiError::from_broker(e, false).body().to_string());
            }
        }
    }
    Ok(json_text(format!(
        "{{\"acked\":{},\"failed\":{failed},\"results\":[{items}]}}",
        total - failed
    )))
}

// ---- groups ---------------------------------------------------------------------------------

async fn list_groups(State(state): State<AppState>) -> ApiResult<Response> {
    let s = blocking(&state, false, |b, now| Ok(b.stats(now))).await?;
    let groups: Vec<Value> = s.groups.iter().map(wire::group).collect();
    Ok(ok_json(json!({"groups": groups})))
}

async fn describe_group(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let t = topic.clone();
    let s = blocking(&state, false, move |b, now| {
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

async fn list_inflight(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let leases = blocking(&state, false, move |b, _| b.inflight(&topic, &group)).await?;
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
struct SeekJson {
    to: Value,
    #[serde(default)]
    partition: Option<u32>,
    #[serde(default)]
    force: bool,
}

fn parse_seek_to(v: &Value) -> ApiResult<SeekTo> {
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

async fn seek(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let req: SeekJson = parse_json(&body_bytes(body)?)?;
    let to = parse_seek_to(&req.to)?;
    let moves = blocking(&state, false, move |b, now| {
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

async fn delete_group(
    State(state): State<AppState>,
    ApiPath((topic, group)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> ApiResult<Response> {
    let force = match q(&query, &["force"]) {
        None => false,
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        Some(_) => return Err(ApiError::bad_request("invalid force: use true or false")),
    };
    let (t, g) = (topic.clone(), group.clone());
    let dropped = blocking(&state, false, move |b, now| {
        b.delete_group(&t, &g, force, now)
    })
    .await?;
    // Producers it held back may go on.
    state.activity.notify_waiters();
    Ok(ok_json(
        json!({"topic": topic, "group": group, "dropped_leases": dropped}),
    ))
}

// ---- DLQ ------------------------------------------------------------------------------------

async fn list_dlq(State(state): State<AppState>) -> ApiResult<Response> {
    let s = blocking(&state, false, |b, now| Ok(b.stats(now))).await?;
    let rows: Vec<Value> = s
        .dlq
        .iter()
        .map(|d| json!({"source_topic": d.source_topic, "dlq_topic": d.dlq_topic, "depth": d.depth, "replayed": d.replayed}))
        .collect();
    Ok(ok_json(json!({"dlq": rows})))
}

async fn peek_dlq(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> ApiResult<Response> {
    let max: usize = q_int(&query, "max")?.unwrap_or(100).min(10_000);
    let msgs = blocking(&state, false, move |b, _| b.dlq_peek(&topic, max)).await?;
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
struct ReplayJson {
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

async fn replay_dlq(
    State(state): State<AppState>,
    ApiPath(topic): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    if let Err(e) = state
        .disk
        .check_produce(body.as_ref().map_or(0, |b| b.len() as u64))
    {
        note_rejection(&state, &e);
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
    let items = blocking(&state, false, move |b, now| b.dlq_replay(&req, now)).await?;
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
