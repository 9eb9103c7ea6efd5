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

/// A delivery. `v1` keeps DriftQ's NDJSON shape (key and value as plain strings, lossy for
/// invalid UTF-8, with `value_base64` / `key_base64` beside them when they are not text); the
/// extensions use binary-safe values.
pub(crate) fn delivery(d: &Delivery, v1: bool) -> Value {
    let m = &d.message;
    let mut v = message(m);
    v["group"] = json!(d.group);
    v["owner"] = json!(d.owner);
    v["attempts"] = json!(d.attempts);
    v["lease_deadline_ms"] = json!(d.lease_deadline_ms);
    v["errors"] = json!(d.errors);
    v["last_error"] = json!(d.errors.join(" | "));
    if v1 {
        let key = m.key.clone().unwrap_or_default();
        v["key"] = json!(String::from_utf8_lossy(&key));
        v["value"] = json!(String::from_utf8_lossy(&m.value));
        if std::str::from_utf8(&key).is_err() {
            v["key_base64"] = json!(Bytes::from_bytes(&key));
        }
        if std::str::from_utf8(&m.value).is_err() {
            v["value_base64"] = json!(Bytes::from_bytes(&m.value));
        }
    }
    v
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
