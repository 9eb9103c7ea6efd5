//! What handlers share: strict path, query and body extractors with JSON errors, one query
//! helper, and the bridges from async handlers to blocking and durable broker calls.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use driftq_core::api::parse_rfc3339_ns;
use driftq_core::broker::{Broker, BrokerError, Deferred};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::serve::clock::now_ms;
use crate::serve::dialect::Dialect;
use crate::serve::error::{ApiError, ApiResult};
use crate::serve::state::AppState;

/// `Path`, refused in the API's JSON error shape (axum's own rejection is plain text): a
/// partition that is not a number, or a segment that is not UTF-8 once decoded.
pub(crate) struct ApiPath<T>(pub T);

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
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Self(v))
            .map_err(|e| ApiError::bad_request(format!("invalid query: {}", e.body_text())))
    }
}

/// Runs a blocking broker call on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    dialect: Dialect,
    f: impl FnOnce(&Broker, i64) -> Result<T, BrokerError> + Send + 'static,
) -> ApiResult<T> {
    let broker = std::sync::Arc::clone(&state.broker);
    tokio::task::spawn_blocking(move || f(&broker, now_ms()))
        .await
        .map_err(|e| ApiError::internal(format!("handler panicked: {e}")))?
        .map_err(|e| ApiError::from_broker(e, dialect))
}

/// Awaits a deferred broker call; failing to append or to make it durable is the call's error.
pub(crate) async fn durable<T>(
    deferred: Result<Deferred<T>, BrokerError>,
    dialect: Dialect,
) -> ApiResult<T> {
    let outcome = match deferred {
        Ok(d) => d.durable().await,
        Err(e) => Err(e),
    };
    outcome.map_err(|e| ApiError::from_broker(e, dialect))
}

/// Body bytes, with 413 (as JSON) for bodies past the limit.
pub(crate) fn body_bytes(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(format!("request body too large: {}", e.body_text()))
        } else if body_timed_out(&e) {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "REQUEST_TIMEOUT",
                "the request body did not arrive within --body-timeout",
            )
        } else {
            ApiError::bad_request(e.body_text())
        }
    })
}

/// Whether the body failed because `--body-timeout` passed.
fn body_timed_out(e: &BytesRejection) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Strict JSON: unknown fields and wrong types are a 400 naming the problem.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid json body: {e}")))
}

/// Query parameters as DriftQ reads them: the first value, trimmed; an empty value is absent.
/// The one way handlers read a query string.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.any(&[name])
    }

    /// The value as sent, not trimmed (a message value, where spaces are data).
    pub(crate) fn raw(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The first of `names` present (a parameter with aliases).
    pub(crate) fn any(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .find_map(|n| self.0.get(*n))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// The parameter as text, empty when absent.
    pub(crate) fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// A number: absent is `None`, anything unparsable a 400 naming the parameter.
    pub(crate) fn int<T: std::str::FromStr>(&self, name: &str) -> ApiResult<Option<T>> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| ApiError::bad_request(format!("invalid {name}")))
            })
            .transpose()
    }

    /// A parameter the endpoint cannot do without: DriftQ's 400 "missing NAME" otherwise.
    pub(crate) fn required(&self, name: &str) -> ApiResult<String> {
        self.get(name)
            .map(str::to_owned)
            .ok_or_else(|| ApiError::bad_request(format!("missing {name}")))
    }
}

pub(crate) fn ok_json(v: Value) -> Response {
    Json(v).into_response()
}

/// A 200 whose JSON body was written by hand (hot paths that skip building a `Value`).
pub(crate) fn json_text(body: impl IntoResponse) -> Response {
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// Unix milliseconds or RFC 3339.
pub(crate) fn parse_time_ms(s: &str) -> ApiResult<i64> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    parse_rfc3339_ns(s).map(|ns| ns / 1_000_000).map_err(|e| {
        ApiError::bad_request(format!("invalid time {s:?}: {e} (use unix ms or RFC 3339)"))
    })
}

/// The topic, group and owner of DriftQ's consume, ack, nack and extend: trimmed (as DriftQ
/// reads them) and all three required.
pub(crate) fn lease_names(
    topic: &str,
    group: &str,
    owner: &str,
) -> ApiResult<(String, String, String)> {
    let (topic, group, owner) = (topic.trim(), group.trim(), owner.trim());
    if topic.is_empty() || group.is_empty() || owner.is_empty() {
        return Err(ApiError::bad_request(
            "topic, group, and owner are required",
        ));
    }
    Ok((topic.to_owned(), group.to_owned(), owner.to_owned()))
}
