//! The server itself: health, version, effective configuration, stats and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use driftq_core::api::stats::{DiskSummary, Recovery, Stats};
use driftq_core::api::system::{Health, VersionInfo};
use driftq_core::storage::Durability;
use serde_json::{Value, json};

use crate::serve::auth::{Caller, owning_topic};
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::blocking;
use crate::serve::state::AppState;
use crate::serve::state::TlsMode;
use driftq_core::api::system::{ErrorBody, WhoAmI};
use driftq_core::auth::{Action, Scope};

// ---- small endpoints ------------------------------------------------------------------------

#[utoipa::path(get, path = "/v1/healthz", tag = "system", security(()), responses((status = 200, body = Health)))]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

#[utoipa::path(get, path = "/v1/version", tag = "system", responses((status = 200, body = VersionInfo)))]
pub(crate) async fn version() -> Json<VersionInfo> {
    Json(VersionInfo {
        commit: option_env!("DRIFTQ_COMMIT").unwrap_or("unknown").into(),
        version: env!("CARGO_PKG_VERSION").into(),
        wal_enabled: true,
    })
}

#[utoipa::path(get, path = "/v1/config", tag = "system", responses((status = 200, description = "the effective settings, plus DriftQ's names for them", body = Object)))]
pub(crate) async fn config(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Value>> {
    caller.require(Action::Read, Scope::Everything)?;
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
    Ok(Json(v))
}

#[utoipa::path(get, path = "/v1/stats", tag = "system", responses((status = 200, body = Stats)))]
pub(crate) async fn stats(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Stats>> {
    let mut s = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
    // Each caller sees the topics it may read, their groups and their DLQs.
    let can_read = |topic: &str| caller.can(Action::Read, Scope::Topic(topic));
    s.topics.retain(|t| can_read(owning_topic(&t.name)));
    s.groups.retain(|g| can_read(&g.topic));
    s.dlq.retain(|d| can_read(&d.source_topic));
    Ok(Json(stats_reply(&state, &s)))
}

#[utoipa::path(get, path = "/v1/whoami", tag = "system", responses((status = 200, body = WhoAmI), (status = 401, description = "auth is on and no known token or certificate was sent", body = ErrorBody)))]
pub(crate) async fn whoami(State(state): State<AppState>, caller: Caller) -> Json<WhoAmI> {
    let (principal, permissions) = match &caller {
        Caller::Anyone => (None, Vec::new()),
        Caller::Principal(p) => (Some(p.name.clone()), p.permissions.clone()),
    };
    let mut warnings = Vec::new();
    if !state.auth.enabled() && !addr_is_loopback(&state.config.addr) {
        warnings.push(format!(
            "no auth on the non-loopback address {} (--allow-anonymous): anyone who reaches it may do everything",
            state.config.addr
        ));
    }
    Json(WhoAmI {
        auth: state.auth.enabled(),
        mutual_tls: state.tls == TlsMode::Mutual,
        permissions: permissions.into_iter().map(Into::into).collect(),
        principal,
        tls: state.tls != TlsMode::Off,
        warnings,
    })
}

/// Whether `addr` (host:port) listens on loopback only.
pub(crate) fn addr_is_loopback(addr: &str) -> bool {
    addr.parse::<std::net::SocketAddr>()
        .is_ok_and(|a| a.ip().is_loopback())
}

/// The broker's snapshot with the server's additions (uptime, version, disk, recovery).
pub(crate) fn stats_reply(state: &AppState, s: &driftq_core::broker::Stats) -> Stats {
    let uptime = u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (free_bytes, min_free_bytes, total_bytes, full) = state.disk.state();
    let disk = DiskSummary {
        free_bytes,
        full,
        min_free_bytes,
        total_bytes,
    };
    let mut reply = Stats::new(s, uptime, env!("CARGO_PKG_VERSION"), disk);
    reply.recovery = Recovery::new(&state.broker.truncations());
    reply
}

#[utoipa::path(get, path = "/metrics", tag = "system", responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String)))]
pub(crate) async fn metrics(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    caller.require(Action::Read, Scope::Everything)?;
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
