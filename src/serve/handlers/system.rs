//! The server itself: health, version, effective configuration, stats and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use driftq_core::api::stats::{DiskSummary, Recovery, Stats};
use driftq_core::api::system::{Health, VersionInfo};
use driftq_core::storage::Durability;
use serde_json::{Value, json};

use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::blocking;
use crate::serve::state::AppState;

// ---- small endpoints ------------------------------------------------------------------------

#[utoipa::path(get, path = "/v1/healthz", tag = "system", responses((status = 200, body = Health)))]
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
pub(crate) async fn config(State(state): State<AppState>) -> Json<Value> {
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

#[utoipa::path(get, path = "/v1/stats", tag = "system", responses((status = 200, body = Stats)))]
pub(crate) async fn stats(State(state): State<AppState>) -> ApiResult<Json<Stats>> {
    let s = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
    Ok(Json(stats_reply(&state, &s)))
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
pub(crate) async fn metrics(State(state): State<AppState>) -> ApiResult<Response> {
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
