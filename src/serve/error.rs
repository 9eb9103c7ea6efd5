//! Every error leaves the server as `{"error": CODE, "message": text}` with a status that says
//! who is at fault; 429s add `reason`, `retry_after_ms` and a `Retry-After` header.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use driftq_core::broker::{BrokerError, OsResource};
use driftq_core::storage::StorageError;
use serde_json::json;

use crate::serve::dialect::Dialect;

#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub overload: Option<(&'static str, u64)>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            overload: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    pub(crate) fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", message)
    }

    /// Maps a broker error. On DriftQ v1 endpoints an unknown topic or group is a 400 (as DriftQ
    /// answers); on the resource-style extensions it is a 404.
    pub(crate) fn from_broker(e: BrokerError, dialect: Dialect) -> Self {
        let message = e.to_string();
        match e {
            BrokerError::TopicNotFound(_) | BrokerError::GroupNotFound { .. }
                if dialect == Dialect::DriftQ =>
            {
                Self::bad_request(message)
            }
            BrokerError::TopicNotFound(_) | BrokerError::GroupNotFound { .. } => {
                Self::not_found(message)
            }
            BrokerError::TopicExists(_) => {
                Self::new(StatusCode::CONFLICT, "ALREADY_EXISTS", message)
            }
            BrokerError::WrongOwner { .. } | BrokerError::Conflict(_) => {
                Self::new(StatusCode::CONFLICT, "FAILED_PRECONDITION", message)
            }
            BrokerError::Overloaded {
                reason,
                retry_after_ms,
            } => Self {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "RESOURCE_EXHAUSTED",
                message,
                overload: Some((reason, retry_after_ms)),
            },
            BrokerError::Storage(StorageError::Io { ref source, .. })
                if out_of_os_resources(source).is_some() =>
            {
                let hint = out_of_os_resources(source).unwrap_or_default();
                tracing::warn!(error = %message, "out of a system resource");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "UNAVAILABLE",
                    format!("{message}; {hint}"),
                )
            }
            BrokerError::OutOfResources { resource, .. } => {
                tracing::warn!(error = %message, "out of a system resource");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "UNAVAILABLE",
                    format!("{message}; {}", resource_hint(resource)),
                )
            }
            BrokerError::Storage(_) | BrokerError::WriteFailed(_) | BrokerError::State(_) => {
                tracing::error!(error = %message, "storage failure");
                Self::internal(message)
            }
            _ => Self::bad_request(message),
        }
    }

    /// The JSON body (also used for per-message results of batch calls).
    pub(crate) fn body(&self) -> serde_json::Value {
        let mut v = json!({ "error": self.code, "message": self.message });
        if let Some((reason, retry)) = self.overload {
            v["reason"] = json!(reason);
            v["retry_after_ms"] = json!(retry);
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body())).into_response();
        if let Some((_, retry_ms)) = self.overload {
            let secs = retry_ms.div_ceil(1000).max(1);
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

/// For errors that are the machine's limits rather than the server's fault (a 503 the operator
/// can fix, nothing stored was harmed): what to do about it.
fn out_of_os_resources(e: &std::io::Error) -> Option<&'static str> {
    OsResource::of(e).map(resource_hint)
}

fn resource_hint(r: OsResource) -> &'static str {
    match r {
        OsResource::FileDescriptors => {
            "each partition keeps 3 files open: raise the open-file limit (`ulimit -n`, systemd's LimitNOFILE) and restart, or use fewer partitions"
        }
        OsResource::DiskSpace => "free space on the data directory's disk",
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;
