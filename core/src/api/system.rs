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

/// `GET /v1/whoami`: who the server takes the caller for, and how it is protected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct WhoAmI {
    /// Whether the server checks tokens (it has an auth file).
    pub auth: bool,
    /// Whether clients must present a certificate.
    pub mutual_tls: bool,
    /// What the caller may do (empty when auth is off: everything).
    pub permissions: Vec<GrantedPermission>,
    /// The caller's principal; none when auth is off.
    pub principal: Option<String>,
    /// Whether the connection is TLS.
    pub tls: bool,
    /// What an operator should know (e.g. anonymous access off loopback).
    pub warnings: Vec<String>,
}

/// One permission of the caller, as the auth file grants it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct GrantedPermission {
    /// `produce`, `consume`, `admin` or `read`.
    pub action: String,
    /// Topic glob.
    pub topics: String,
    /// Group glob (consume only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<String>,
}

impl From<crate::auth::Permission> for GrantedPermission {
    fn from(p: crate::auth::Permission) -> Self {
        Self {
            action: p.action.as_str().to_owned(),
            topics: p.topics,
            groups: p.groups,
        }
    }
}
