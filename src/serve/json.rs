//! Broker values as JSON for the wire.

use driftq_core::api::{Bytes, WireEnvelope, binary, format_rfc3339_ms};
use driftq_core::broker::{
    Delivery, DlqOrigin, GroupPartitionStats, GroupStats, Message, ReplayMark, Routing, Stats,
};
use serde_json::{Value, json};

use crate::serve::dialect::Dialect;

fn headers(h: &[(String, Vec<u8>)]) -> Value {
    Value::Array(
        h.iter()
            .map(|(n, v)| json!({"name": n, "value": Bytes::from_bytes(v)}))
            .collect(),
    )
}

pub(crate) fn routing(r: &Routing) -> Value {
    let meta: serde_json::Map<String, Value> =
        r.meta.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let mut v = json!({"label": r.label});
    if !meta.is_empty() {
        v["meta"] = Value::Object(meta);
    }
    v
}

fn origin(d: &DlqOrigin) -> Value {
    json!({
        "topic": d.topic,
        "group": d.group,
        "partition": d.partition,
        "offset": d.offset,
        "attempts": d.attempts,
        "errors": d.errors,
        "last_error": d.errors.join(" | "),
        "routed_at_ms": d.routed_at_ms,
        "routed_at": format_rfc3339_ms(d.routed_at_ms),
    })
}

fn replayed_from(r: &ReplayMark) -> Value {
    json!({"topic": r.dlq_topic, "partition": r.partition, "offset": r.offset})
}

/// A stored message (binary-safe).
pub(crate) fn message(m: &Message) -> Value {
    let mut v = json!({
        "topic": m.topic,
        "partition": m.partition,
        "offset": m.offset,
        "timestamp_ms": m.timestamp_ms,
        "timestamp": format_rfc3339_ms(m.timestamp_ms),
        "key": m.key.as_deref().map(Bytes::from_bytes),
        "value": Bytes::from_bytes(&m.value),
        "headers": headers(&m.headers),
    });
    if let Some(e) = &m.meta.envelope {
        v["envelope"] = json!(WireEnvelope::from_envelope(e));
    }
    if let Some(r) = &m.meta.routing {
        v["routing"] = routing(r);
    }
    if let Some(d) = &m.meta.dlq {
        v["dlq"] = origin(d);
    }
    if let Some(r) = &m.meta.replay {
        v["replayed_from"] = replayed_from(r);
    }
    v
}

/// A delivery on the wire. A typed struct rather than a `json!` value: consume is a hot path and
/// building `Value` maps dominated its CPU.
#[derive(serde::Serialize)]
pub(crate) struct WireDelivery<'a> {
    topic: &'a str,
    group: &'a str,
    owner: &'a str,
    partition: u32,
    offset: u64,
    attempts: u32,
    timestamp_ms: i64,
    timestamp: String,
    lease_deadline_ms: i64,
    key: Option<Bytes>,
    /// `None` only for [`deliveries_reply`], which writes the value itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_base64: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_base64: Option<Bytes>,
    headers: Vec<Header<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    envelope: Option<WireEnvelope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    routing: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dlq: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replayed_from: Option<Value>,
    errors: &'a [String],
    last_error: String,
}

#[derive(serde::Serialize)]
struct Header<'a> {
    name: &'a str,
    value: Bytes,
}

/// A delivery. `v1` keeps DriftQ's NDJSON shape (key and value as plain strings, lossy for
/// invalid UTF-8, with `value_base64` / `key_base64` beside them when they are not text); the
/// extensions use binary-safe values.
pub(crate) fn delivery(d: &Delivery, dialect: Dialect) -> WireDelivery<'_> {
    delivery_with(d, dialect, true)
}

/// The pull-consume reply `{"messages": [...]}`, binary-safe. Values are most of its bytes, so
/// each is copied verbatim when it is text that needs no JSON escaping (checked 32 bytes at a
/// time) instead of going through serde's byte-by-byte escaper; anything else is serialized.
pub(crate) fn deliveries_reply(ds: &[Delivery]) -> Vec<u8> {
    let values: usize = ds.iter().map(|d| d.message.value.len()).sum();
    let mut out = Vec::with_capacity(values + ds.len() * 320 + 16);
    out.extend_from_slice(b"{\"messages\":[");
    for (i, d) in ds.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let start = out.len();
        if serde_json::to_writer(&mut out, &delivery_with(d, Dialect::Resource, false)).is_err() {
            out.truncate(start);
            continue;
        }
        // The object ends with `}`: put `"value": …` before it.
        out.pop();
        out.extend_from_slice(b",\"value\":");
        let value = &d.message.value;
        match std::str::from_utf8(value) {
            Ok(text) if !needs_json_escape(text.as_bytes()) => {
                out.push(b'"');
                out.extend_from_slice(text.as_bytes());
                out.push(b'"');
            }
            _ => {
                if serde_json::to_writer(&mut out, &Bytes::from_bytes(value)).is_err() {
                    out.extend_from_slice(b"null");
                }
            }
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    out
}

/// What a delivery carries beyond its fixed fields, for the binary reply's `extra` object:
/// the JSON reply's names and shapes.
#[derive(serde::Serialize)]
struct DeliveryExtra<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    envelope: Option<WireEnvelope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    routing: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dlq: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replayed_from: Option<Value>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    errors: &'a [String],
    #[serde(skip_serializing_if = "String::is_empty")]
    last_error: String,
}

/// The pull-consume reply in the binary framing of [`binary`]: values go out as raw bytes.
pub(crate) fn deliveries_binary(ds: &[Delivery]) -> Result<Vec<u8>, binary::FrameError> {
    let values: usize = ds.iter().map(|d| d.message.value.len()).sum();
    let mut out = binary::Encoder::with_capacity(values + ds.len() * 64 + 16);
    let mut extra = Vec::new();
    for d in ds {
        let m = &d.message;
        extra.clear();
        if !m.meta.is_empty() || !d.errors.is_empty() {
            let e = DeliveryExtra {
                envelope: m.meta.envelope.as_ref().map(WireEnvelope::from_envelope),
                routing: m.meta.routing.as_ref().map(routing),
                dlq: m.meta.dlq.as_ref().map(origin),
                replayed_from: m.meta.replay.as_ref().map(replayed_from),
                errors: &d.errors,
                last_error: d.errors.join(" | "),
            };
            if serde_json::to_writer(&mut extra, &e).is_err() {
                extra.clear();
            }
        }
        out.push(&binary::OutMessage {
            partition: m.partition,
            offset: m.offset,
            attempts: d.attempts,
            timestamp_ms: m.timestamp_ms,
            lease_deadline_ms: d.lease_deadline_ms,
            key: m.key.as_deref(),
            headers: &m.headers,
            extra: &extra,
            value: &m.value,
        })?;
    }
    Ok(out.finish())
}

/// Whether JSON needs any byte of `s` escaped (control characters, `"` and `\\`).
fn needs_json_escape(s: &[u8]) -> bool {
    let bad = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let mut chunks = s.chunks_exact(32);
    // No early exit inside a chunk, so the compiler can check it with vector instructions.
    let any_bad = chunks
        .by_ref()
        .any(|c| c.iter().fold(false, |acc, &b| acc | bad(b)));
    any_bad || chunks.remainder().iter().any(|&b| bad(b))
}

fn delivery_with(d: &Delivery, dialect: Dialect, with_value: bool) -> WireDelivery<'_> {
    let m = &d.message;
    let (key, value, key_base64, value_base64) = if dialect == Dialect::DriftQ {
        let key = m.key.as_deref().unwrap_or_default();
        let lossy = |b: &[u8]| Bytes::Text(String::from_utf8_lossy(b).into_owned());
        let raw = |b: &[u8]| {
            std::str::from_utf8(b)
                .is_err()
                .then(|| Bytes::from_bytes(b))
        };
        (
            Some(lossy(key)),
            Some(lossy(&m.value)),
            raw(key),
            raw(&m.value),
        )
    } else {
        (
            m.key.as_deref().map(Bytes::from_bytes),
            with_value.then(|| Bytes::from_bytes(&m.value)),
            None,
            None,
        )
    };
    WireDelivery {
        topic: &m.topic,
        group: &d.group,
        owner: &d.owner,
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
        headers: m
            .headers
            .iter()
            .map(|(n, v)| Header {
                name: n,
                value: Bytes::from_bytes(v),
            })
            .collect(),
        envelope: m.meta.envelope.as_ref().map(WireEnvelope::from_envelope),
        routing: m.meta.routing.as_ref().map(routing),
        dlq: m.meta.dlq.as_ref().map(origin),
        replayed_from: m.meta.replay.as_ref().map(replayed_from),
        errors: &d.errors,
        last_error: d.errors.join(" | "),
    }
}

pub(crate) fn group_partition(p: &GroupPartitionStats) -> Value {
    let c = &p.counters;
    json!({
        "partition": p.partition,
        "committed": p.floor,
        "high_watermark": p.high_watermark,
        "lag": p.lag,
        "ready": p.ready,
        "inflight": p.inflight,
        "waiting_retry": p.waiting_retry,
        "delayed": p.delayed,
        "blocked_by_key": p.blocked_by_key,
        "oldest_unacked_age_ms": p.oldest_unacked_age_ms,
        "acks": c.acks,
        "nacks": c.nacks,
        "redeliveries": c.redeliveries,
        "lease_timeouts": c.lease_timeouts,
        "dlq": c.dead_lettered,
        "skipped_duplicates": c.skipped_duplicates,
        "skipped_by_retention": c.skipped_by_retention,
        "exhausted": c.exhausted,
    })
}

fn sum<F: Fn(&GroupPartitionStats) -> u64>(ps: &[GroupPartitionStats], f: F) -> u64 {
    ps.iter().map(f).sum()
}

/// Per-(group, topic) totals and partitions.
pub(crate) fn group(g: &GroupStats) -> Value {
    let ps = &g.partitions;
    json!({
        "topic": g.topic,
        "group": g.group,
        "last_poll_age_ms": g.last_poll_age_ms,
        "last_owner": g.last_owner,
        "consumers": g.consumers.iter().map(|c| json!({
            "owner": c.owner,
            "last_poll_age_ms": c.last_poll_age_ms,
            "inflight": c.inflight,
            "streams": c.streams,
            "gone": c.gone,
        })).collect::<Vec<_>>(),
        "lag": sum(ps, |p| p.lag),
        "ready": sum(ps, |p| p.ready),
        "inflight": sum(ps, |p| p.inflight),
        "delayed": sum(ps, |p| p.delayed),
        "blocked_by_key": sum(ps, |p| p.blocked_by_key),
        "oldest_unacked_age_ms": ps.iter().filter_map(|p| p.oldest_unacked_age_ms).max(),
        "acks": sum(ps, |p| p.counters.acks),
        "nacks": sum(ps, |p| p.counters.nacks),
        "redeliveries": sum(ps, |p| p.counters.redeliveries),
        "lease_timeouts": sum(ps, |p| p.counters.lease_timeouts),
        "dlq": sum(ps, |p| p.counters.dead_lettered),
        "partitions": ps.iter().map(group_partition).collect::<Vec<_>>(),
    })
}

/// The dashboard snapshot.
pub(crate) fn stats(s: &Stats, uptime_ms: u64, version: &str) -> Value {
    let topics: Vec<Value> = s
        .topics
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "partitions": t.partitions.iter().map(|p| json!({
                    "partition": p.partition,
                    "low_watermark": p.low_watermark,
                    "high_watermark": p.high_watermark,
                    "messages": p.high_watermark - p.low_watermark,
                    "bytes": p.bytes,
                    "segments": p.segments,
                    "produced_messages": p.produced_messages,
                    "produced_bytes": p.produced_bytes,
                })).collect::<Vec<_>>(),
                "messages": t.partitions.iter().map(|p| p.high_watermark - p.low_watermark).sum::<u64>(),
                "bytes": t.partitions.iter().map(|p| p.bytes).sum::<u64>(),
                "produced_messages": t.partitions.iter().map(|p| p.produced_messages).sum::<u64>(),
                "retention_age_ms": t.retention_age_ms,
                "retention_bytes": t.retention_bytes,
                "retry_policy": t.retry.map(|p| json!({
                    "max_attempts": p.max_attempts,
                    "backoff_ms": p.backoff_ms,
                    "max_backoff_ms": p.max_backoff_ms,
                })),
                "ordering": t.ordering.as_str(),
                "groups": t.groups,
            })
        })
        .collect();
    json!({
        "version": version,
        "now_ms": s.now_ms,
        "uptime_ms": uptime_ms,
        "topics": topics,
        "groups": s.groups.iter().map(group).collect::<Vec<_>>(),
        "dlq": s.dlq.iter().map(|d| json!({
            "source_topic": d.source_topic,
            "dlq_topic": d.dlq_topic,
            "depth": d.depth,
            "replayed": d.replayed,
        })).collect::<Vec<_>>(),
        "router_errors": s.router_errors,
        "last_router_error": s.last_router_error,
    })
}

#[cfg(test)]
mod tests {
    use super::needs_json_escape;

    #[test]
    fn escape_check_agrees_with_serde_json_at_every_position() {
        for len in [0usize, 1, 31, 32, 33, 63, 64, 65, 100] {
            let plain = "a".repeat(len);
            assert!(!needs_json_escape(plain.as_bytes()));
            for at in 0..len {
                for bad in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
                    let mut s: Vec<char> = plain.chars().collect();
                    s[at] = bad;
                    let s: String = s.into_iter().collect();
                    let escaped = serde_json::to_string(&s).expect("json");
                    assert_ne!(escaped, format!("\"{s}\""), "serde escapes {bad:?}");
                    assert!(needs_json_escape(s.as_bytes()), "len {len} at {at} {bad:?}");
                }
            }
        }
        for fine in ["héllo wörld ✓", "\u{7f}", "' / <>"] {
            assert_eq!(
                serde_json::to_string(fine).expect("json"),
                format!("\"{fine}\"")
            );
            assert!(!needs_json_escape(fine.as_bytes()), "{fine:?}");
        }
    }
}
