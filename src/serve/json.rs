//! Broker values as JSON for the wire.

use driftq_core::api::{Bytes, WireEnvelope, format_rfc3339_ms};
use driftq_core::broker::{Delivery, DlqOrigin, GroupPartitionStats, Message, Routing, Stats};
use serde_json::{Value, json};

fn headers(h: &[(String, Vec<u8>)]) -> Value {
    Value::Array(
        h.iter()
            .map(|(n, v)| json!({"name": n, "value": Bytes::from_bytes(v)}))
            .collect(),
    )
}

fn routing(r: &Routing) -> Value {
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
        v["replayed_from"] =
            json!({"topic": r.dlq_topic, "partition": r.partition, "offset": r.offset});
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
    value: Bytes,
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
pub(crate) fn delivery(d: &Delivery, v1: bool) -> WireDelivery<'_> {
    let m = &d.message;
    let (key, value, key_base64, value_base64) = if v1 {
        let key = m.key.as_deref().unwrap_or_default();
        let lossy = |b: &[u8]| Bytes::Text(String::from_utf8_lossy(b).into_owned());
        let raw = |b: &[u8]| {
            std::str::from_utf8(b)
                .is_err()
                .then(|| Bytes::from_bytes(b))
        };
        (Some(lossy(key)), lossy(&m.value), raw(key), raw(&m.value))
    } else {
        (
            m.key.as_deref().map(Bytes::from_bytes),
            Bytes::from_bytes(&m.value),
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
        replayed_from: m
            .meta
            .replay
            .as_ref()
            .map(|r| json!({"topic": r.dlq_topic, "partition": r.partition, "offset": r.offset})),
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
pub(crate) fn group(topic: &str, group: &str, ps: &[GroupPartitionStats]) -> Value {
    json!({
        "topic": topic,
        "group": group,
        "lag": sum(ps, |p| p.lag),
        "ready": sum(ps, |p| p.ready),
        "inflight": sum(ps, |p| p.inflight),
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
                "groups": t.groups,
            })
        })
        .collect();
    json!({
        "version": version,
        "now_ms": s.now_ms,
        "uptime_ms": uptime_ms,
        "topics": topics,
        "groups": s.groups.iter().map(|g| group(&g.topic, &g.group, &g.partitions)).collect::<Vec<_>>(),
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
