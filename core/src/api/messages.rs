//! Messages on the wire: a stored message (reads, DLQ peeks) and a delivery (polls, the
//! consume stream), with the metadata both carry.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Bytes, Header, WireEnvelope, format_rfc3339_ms};
use crate::broker;

/// How the router labelled a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct RoutingInfo {
    pub label: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

impl From<&broker::Routing> for RoutingInfo {
    fn from(r: &broker::Routing) -> Self {
        Self {
            label: r.label.clone(),
            meta: r.meta.iter().cloned().collect(),
        }
    }
}

/// Where a dead-lettered message came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DeadLetterOrigin {
    pub attempts: u32,
    pub errors: Vec<String>,
    pub group: String,
    /// The errors joined with ` | `.
    pub last_error: String,
    pub offset: u64,
    pub partition: u32,
    /// RFC 3339.
    pub routed_at: String,
    pub routed_at_ms: i64,
    pub topic: String,
}

impl From<&broker::DlqOrigin> for DeadLetterOrigin {
    fn from(d: &broker::DlqOrigin) -> Self {
        Self {
            attempts: d.attempts,
            errors: d.errors.clone(),
            group: d.group.clone(),
            last_error: d.errors.join(" | "),
            offset: d.offset,
            partition: d.partition,
            routed_at: format_rfc3339_ms(d.routed_at_ms),
            routed_at_ms: d.routed_at_ms,
            topic: d.topic.clone(),
        }
    }
}

/// The DLQ message a replay put back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReplayedFrom {
    pub offset: u64,
    pub partition: u32,
    pub topic: String,
}

impl From<&broker::ReplayMark> for ReplayedFrom {
    fn from(r: &broker::ReplayMark) -> Self {
        Self {
            offset: r.offset,
            partition: r.partition,
            topic: r.dlq_topic.clone(),
        }
    }
}

fn headers(h: &[(String, Vec<u8>)]) -> Vec<Header> {
    h.iter()
        .map(|(name, value)| Header {
            name: name.clone(),
            value: Bytes::from_bytes(value),
        })
        .collect()
}

/// A stored message, binary-safe: a partition read or a DLQ peek (which adds `replayed` and
/// `moved`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct StoredMessage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq: Option<DeadLetterOrigin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envelope: Option<WireEnvelope>,
    pub headers: Vec<Header>,
    pub key: Option<Bytes>,
    /// DLQ peek: a move replay took it out of the DLQ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<bool>,
    pub offset: u64,
    pub partition: u32,
    /// DLQ peek: a replay put it back already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replayed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replayed_from: Option<ReplayedFrom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingInfo>,
    /// RFC 3339.
    pub timestamp: String,
    pub timestamp_ms: i64,
    pub topic: String,
    pub value: Option<Bytes>,
}

impl From<&broker::Message> for StoredMessage {
    fn from(m: &broker::Message) -> Self {
        Self {
            dlq: m.meta.dlq.as_ref().map(DeadLetterOrigin::from),
            envelope: m.meta.envelope.as_ref().map(WireEnvelope::from_envelope),
            headers: headers(&m.headers),
            key: m.key.as_deref().map(Bytes::from_bytes),
            moved: None,
            offset: m.offset,
            partition: m.partition,
            replayed: None,
            replayed_from: m.meta.replay.as_ref().map(ReplayedFrom::from),
            routing: m.meta.routing.as_ref().map(RoutingInfo::from),
            timestamp: format_rfc3339_ms(m.timestamp_ms),
            timestamp_ms: m.timestamp_ms,
            topic: m.topic.clone(),
            value: Some(Bytes::from_bytes(&m.value)),
        }
    }
}

impl From<&broker::DlqMessage> for StoredMessage {
    fn from(m: &broker::DlqMessage) -> Self {
        Self {
            moved: Some(m.moved),
            replayed: Some(m.replayed),
            ..Self::from(&m.message)
        }
    }
}

/// `{"messages": […]}`: a partition read or a DLQ peek.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MessageList {
    pub messages: Vec<StoredMessage>,
}

/// A message leased to a consumer: a line of the consume stream or an item of a poll reply.
/// Borrows what it can from the broker's delivery, as consume is a hot path. Its two
/// dialects differ only in `key`/`value`: DriftQ's stream sends them as text (lossy for
/// invalid UTF-8, with `key_base64` / `value_base64` beside them), the extensions send
/// binary-safe [`Bytes`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Delivery<'a> {
    #[schema(value_type = String)]
    pub topic: Cow<'a, str>,
    #[schema(value_type = String)]
    pub group: Cow<'a, str>,
    #[schema(value_type = String)]
    pub owner: Cow<'a, str>,
    pub partition: u32,
    pub offset: u64,
    /// 1 on first delivery.
    pub attempts: u32,
    pub timestamp_ms: i64,
    /// RFC 3339.
    pub timestamp: String,
    pub lease_deadline_ms: i64,
    pub key: Option<Bytes>,
    /// Left out only by the binary-safe poll reply's writer, which writes the value itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_base64: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_base64: Option<Bytes>,
    pub headers: Vec<Header>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envelope: Option<WireEnvelope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq: Option<DeadLetterOrigin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replayed_from: Option<ReplayedFrom>,
    /// Error history, oldest first.
    #[schema(value_type = Vec<String>)]
    pub errors: Cow<'a, [String]>,
    pub last_error: String,
}

/// How a delivery's key and value go on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// DriftQ's stream: text, lossy, with a base64 twin when not UTF-8.
    Text,
    /// Binary-safe [`Bytes`].
    Bytes,
    /// Binary-safe key, no value (its writer adds the value).
    KeyOnly,
}

impl<'a> Delivery<'a> {
    #[must_use]
    pub fn new(d: &'a broker::Delivery, payload: Payload) -> Self {
        let m = &d.message;
        let (key, value, key_base64, value_base64) = match payload {
            Payload::Text => {
                let lossy = |b: &[u8]| Bytes::Text(String::from_utf8_lossy(b).into_owned());
                let raw = |b: &[u8]| {
                    std::str::from_utf8(b)
                        .is_err()
                        .then(|| Bytes::from_bytes(b))
                };
                let key = m.key.as_deref().unwrap_or_default();
                (
                    Some(lossy(key)),
                    Some(lossy(&m.value)),
                    raw(key),
                    raw(&m.value),
                )
            }
            Payload::Bytes | Payload::KeyOnly => (
                m.key.as_deref().map(Bytes::from_bytes),
                (payload == Payload::Bytes).then(|| Bytes::from_bytes(&m.value)),
                None,
                None,
            ),
        };
        Self {
            topic: Cow::Borrowed(&m.topic),
            group: Cow::Borrowed(&d.group),
            owner: Cow::Borrowed(&d.owner),
            partition: m.partition,
            offset: m.offset,
            attempts: d.attempts,
            timestamp_ms: m.timestamp_ms,
            timestamp: format_rfc3339_ms(m.timestamp_ms),
            lease_deadline_ms: d.lease_deadline_ms,
            key,
            value,
            key_base64,
            value_base64,
            headers: headers(&m.headers),
            envelope: m.meta.envelope.as_ref().map(WireEnvelope::from_envelope),
            routing: m.meta.routing.as_ref().map(RoutingInfo::from),
            dlq: m.meta.dlq.as_ref().map(DeadLetterOrigin::from),
            replayed_from: m.meta.replay.as_ref().map(ReplayedFrom::from),
            errors: Cow::Borrowed(&d.errors),
            last_error: d.errors.join(" | "),
        }
    }
}

/// `POST /v1/topics/{topic}/groups/{group}/poll` → `{"messages": […]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PollReply<'a> {
    pub messages: Vec<Delivery<'a>>,
}
