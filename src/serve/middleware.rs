//! Request middleware: request ids and the access log, per-route request counts, and the
//! JSON 404 / 405 fallbacks.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::serve::AppState;
use crate::serve::conn::{Peer, RequestGuard};
use crate::serve::error::ApiError;

/// DriftQ's request middleware: echoes `X-Request-Id` / `X-Trace-Id` (or creates them, 24 hex
/// characters) and logs one `http` line per request, at error level for 5xx.
pub(crate) async fn log_access(req: Request, next: Next) -> Response {
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
    let principal = resp
        .extensions()
        .get::<crate::serve::auth::PrincipalName>()
        .map(|p| p.0.clone())
        .unwrap_or_default();
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
        tracing::error!(trace_id, req_id, method = %method, path, status, bytes, duration_ms, remote_ip, principal, "http");
    } else {
        tracing::info!(trace_id, req_id, method = %method, path, status, bytes, duration_ms, remote_ip, principal, "http");
    }
    resp
}

/// Marks the request in progress on its connection until its response body is dropped, so
/// the connection's watchdog leaves it alone (see `listen.rs`).
pub(crate) async fn track_request(req: Request, next: Next) -> Response {
    let guard = req
        .extensions()
        .get::<axum::extract::ConnectInfo<Peer>>()
        .map(|c| c.0.conn.request_started());
    let resp = next.run(req).await;
    match guard {
        None => resp,
        Some(guard) => resp.map(|body| {
            axum::body::Body::new(Guarded {
                body,
                _guard: guard,
            })
        }),
    }
}

/// A response body that holds its request's guard until hyper is done with it.
struct Guarded {
    body: axum::body::Body,
    _guard: RequestGuard,
}

impl http_body::Body for Guarded {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The client's id when it sent a sane one, else a new one.
pub(crate) fn request_id(req: &Request, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(new_id, str::to_owned)
}

/// 24 hex characters, unique per process (a counter) and unpredictable across processes (std's
/// randomly keyed hasher).
pub(crate) fn new_id() -> String {
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

pub(crate) async fn count_requests(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
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

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint: use the /v1/* endpoints (see docs/API.md)")
}

pub(crate) async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("method {method} not allowed here"),
    )
}
