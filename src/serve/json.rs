//! Hand-written encoders of the hot reply shapes: the poll reply (values copied verbatim) and
//! its binary framing. Both write the fields of [`driftq_core::api::messages::Delivery`]; every
//! other reply is a typed value of `driftq_core::api` serialized as it is.

use driftq_core::api::messages::{
    DeadLetterOrigin, Delivery as WireDelivery, Payload, ReplayedFrom, RoutingInfo,
};
use driftq_core::api::{Bytes, WireEnvelope, binary};
use driftq_core::broker::Delivery;

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
        if serde_json::to_writer(&mut out, &WireDelivery::new(d, Payload::KeyOnly)).is_err() {
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
    routing: Option<RoutingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dlq: Option<DeadLetterOrigin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replayed_from: Option<ReplayedFrom>,
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
                routing: m.meta.routing.as_ref().map(RoutingInfo::from),
                dlq: m.meta.dlq.as_ref().map(DeadLetterOrigin::from),
                replayed_from: m.meta.replay.as_ref().map(ReplayedFrom::from),
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
