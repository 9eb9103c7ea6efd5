//! The server itself: health, version, and the one error shape every refusal has.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /v1/healthz` → `{"status":"ok"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Health {
    pub status: String,
}

/// `GET /v1/version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct VersionInfo {
    pub commit: String,
    pub version: String,
    /// Always true: every accepted message is in the log (DriftQ's field).
    pub wal_enabled: bool,
}

/// Every error: `{"error": CODE, "message": text}`; a 429 or 507 adds `reason` and
/// `retry_after_ms` (and a `Retry-After` header).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// `INVALID_ARGUMENT`, `NOT_FOUND`, `ALREADY_EXISTS`, `FAILED_PRECONDITION`,
    /// `RESOURCE_EXHAUSTED`, `UNAVAILABLE`, `INTERNAL`, …
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}
