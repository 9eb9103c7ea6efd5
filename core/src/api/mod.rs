//! Wire types of the HTTP API, shared by the server and the CLI's client. The broker's own
//! types are not `Serialize`; these are, and conversions live here.
//!
//! Bytes travel binary-safe as [`Bytes`]: a JSON string when they are UTF-8, otherwise
//! `{"base64": "…"}` (standard alphabet, padded).

pub mod binary;
pub mod consume;
pub mod debug;
pub mod dlq;
pub mod groups;
pub mod messages;
pub mod produce;
pub mod settle;
pub mod stats;
pub mod system;
pub mod topics;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::broker::{Envelope, RetryPolicy};

/// Binary-safe bytes in JSON.
/// A JSON string when the bytes are UTF-8, else `{"base64": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Bytes {
    Text(String),
    Base64 { base64: String },
}

/// Hand-written so that the common case (a string) is parsed in place; serde's derived untagged
/// enums buffer every value first, which dominated produce-path CPU.
impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or {\"base64\": \"...\"}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Bytes, E> {
                Ok(Bytes::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Bytes, E> {
                Ok(Bytes::Text(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Bytes, A::Error> {
                let mut b64 = None;
                while let Some(k) = map.next_key::<String>()? {
                    if k != "base64" || b64.is_some() {
                        return Err(serde::de::Error::custom(format!(
                            "unexpected field {k:?} in bytes object (only \"base64\")"
                        )));
                    }
                    b64 = Some(map.next_value::<String>()?);
                }
                b64.map(|base64| Bytes::Base64 { base64 }).ok_or_else(|| {
                    serde::de::Error::custom("bytes object needs a \"base64\" field")
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Bytes {
    #[must_use]
    pub fn from_bytes(b: &[u8]) -> Self {
        match std::str::from_utf8(b) {
            Ok(s) => Self::Text(s.to_owned()),
            Err(_) => Self::Base64 {
                base64: base64::engine::general_purpose::STANDARD.encode(b),
            },
        }
    }

    /// Consumes the value without copying text.
    pub fn into_bytes(self) -> Result<Vec<u8>, String> {
        match self {
            Self::Text(s) => Ok(s.into_bytes()),
            other => other.to_bytes(),
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        match self {
            Self::Text(s) => Ok(s.as_bytes().to_vec()),
            Self::Base64 { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(|e| format!("invalid base64: {e}")),
        }
    }
}

/// A header: repeated names are allowed, order is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub name: String,
    pub value: Bytes,
}

/// Retry policy as DriftQ spells it. Signed so that negative numbers are caught and reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WireRetryPolicy {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_attempts: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub backoff_ms: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_backoff_ms: i64,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// The DriftQ v1 HTTP envelope (all fields optional).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WireEnvelope {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub run_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub step_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent_step_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub idempotency_key: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target_topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_override: Option<i64>,
    /// RFC 3339 (any offset, optional fraction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<WireRetryPolicy>,
}

impl WireEnvelope {
    /// Validates and converts; the error text is the one DriftQ gives.
    pub fn to_envelope(&self) -> Result<Envelope, String> {
        let partition_override = match self.partition_override {
            None => None,
            Some(p) => Some(u32::try_from(p).map_err(|_| "invalid partition_override".to_owned())?),
        };
        let deadline_ns = match &self.deadline {
            None => None,
            Some(s) if s.is_empty() => None,
            Some(s) => Some(parse_rfc3339_ns(s).map_err(|e| format!("invalid deadline: {e}"))?),
        };
        let retry_policy = match self.retry_policy {
            None => None,
            Some(p) => Some(RetryPolicy {
                max_attempts: u32::try_from(p.max_attempts)
                    .map_err(|_| "invalid retry_max_attempts".to_owned())?,
                backoff_ms: u64::try_from(p.backoff_ms)
                    .map_err(|_| "invalid retry_backoff_ms".to_owned())?,
                max_backoff_ms: u64::try_from(p.max_backoff_ms)
                    .map_err(|_| "invalid retry_max_backoff_ms".to_owned())?,
            }),
        };
        Ok(Envelope {
            run_id: self.run_id.trim().to_owned(),
            step_id: self.step_id.trim().to_owned(),
            parent_step_id: self.parent_step_id.trim().to_owned(),
            tenant_id: self.tenant_id.trim().to_owned(),
            idempotency_key: self.idempotency_key.clone(),
            target_topic: self.target_topic.trim().to_owned(),
            partition_override,
            deadline_ns,
            retry_policy,
        })
    }

    #[must_use]
    pub fn from_envelope(e: &Envelope) -> Self {
        Self {
            run_id: e.run_id.clone(),
            step_id: e.step_id.clone(),
            parent_step_id: e.parent_step_id.clone(),
            tenant_id: e.tenant_id.clone(),
            idempotency_key: e.idempotency_key.clone(),
            target_topic: e.target_topic.clone(),
            partition_override: e.partition_override.map(i64::from),
            deadline: e.deadline_ns.map(format_rfc3339_ns),
            retry_policy: e.retry_policy.map(|p| WireRetryPolicy {
                max_attempts: i64::from(p.max_attempts),
                backoff_ms: i64::try_from(p.backoff_ms).unwrap_or(i64::MAX),
                max_backoff_ms: i64::try_from(p.max_backoff_ms).unwrap_or(i64::MAX),
            }),
        }
    }
}

/// Parses RFC 3339 (`2025-12-21T12:00:00Z`, `…+00:00`, fractions) to unix nanoseconds.
pub fn parse_rfc3339_ns(s: &str) -> Result<i64, String> {
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    i64::try_from(t.unix_timestamp_nanos()).map_err(|_| "out of range".to_owned())
}

/// Formats unix nanoseconds as RFC 3339 in UTC with the fraction Go's RFC3339Nano would print.
#[must_use]
pub fn format_rfc3339_ns(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ns.to_string())
}

/// Formats unix milliseconds as RFC 3339 UTC.
#[must_use]
pub fn format_rfc3339_ms(ms: i64) -> String {
    format_rfc3339_ns(ms.saturating_mul(1_000_000))
}

/// One message of a batch produce (`POST /v1/topics/{topic}/messages`), and what
/// `driftq consume -o json` prints (extra fields of a delivery are ignored on input).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct WireMessage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<WireEnvelope>,
    /// Hold the message back from every group for this long (at most 15 minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_parse_with_offsets_and_format_in_utc() {
        let z = parse_rfc3339_ns("2025-12-21T12:00:00Z").expect("z");
        assert_eq!(parse_rfc3339_ns("2025-12-21T13:00:00+01:00"), Ok(z));
        assert_eq!(
            parse_rfc3339_ns("2025-12-21T12:00:00.000001+00:00"),
            Ok(z + 1_000)
        );
        assert_eq!(format_rfc3339_ns(z), "2025-12-21T12:00:00Z");
        assert!(parse_rfc3339_ns("yesterday").is_err());
    }

    #[test]
    fn bytes_are_binary_safe() {
        for b in [b"text".to_vec(), vec![0xff, 0xfe, 0]] {
            let j = serde_json::to_string(&Bytes::from_bytes(&b)).expect("json");
            let back: Bytes = serde_json::from_str(&j).expect("parse");
            assert_eq!(back.to_bytes(), Ok(b));
        }
    }

    #[test]
    fn envelope_validation() {
        let bad = WireEnvelope {
            partition_override: Some(-1),
            ..WireEnvelope::default()
        };
        assert!(bad.to_envelope().is_err());
        let neg = WireEnvelope {
            retry_policy: Some(WireRetryPolicy {
                max_attempts: 1,
                backoff_ms: -5,
                max_backoff_ms: 0,
            }),
            ..WireEnvelope::default()
        };
        assert_eq!(
            neg.to_envelope(),
            Err("invalid retry_backoff_ms".to_owned())
        );
        let e: WireEnvelope =
            serde_json::from_str(r#"{"tenant_id":"t","deadline":"2030-01-01T00:00:00Z"}"#)
                .expect("parse");
        assert!(e.to_envelope().expect("valid").deadline_ns.is_some());
        assert!(
            serde_json::from_str::<WireEnvelope>(r#"{"labels":{}}"#).is_err(),
            "unknown fields are refused"
        );
    }
}
