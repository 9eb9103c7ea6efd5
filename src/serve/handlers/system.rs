//! The server itself: health, version, effective configuration, stats and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use driftq_core::storage::Durability;
use serde_json::{Value, json};

use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::extract::{blocking, ok_json};
use crate::serve::json as wire;
use crate::serve::state::AppState;

// ---- small endpoints ------------------------------------------------------------------------

pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

pub(crate) async fn version() -> Json<Value> {
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "commit": option_env!("DRIFTQ_COMMIT").unwrap_or("unknown"),
        "wal_enabled": true,
    }))
}

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

pub(crate) async fn stats(State(state): State<AppState>) -> ApiResult<Response> {
    let uptime = u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let s = blocking(&state, Dialect::Resource, |b, now| Ok(b.stats(now))).await?;
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
