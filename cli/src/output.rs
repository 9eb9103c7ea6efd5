//! Rendering helpers shared by commands: binary-safe JSON for bytes, previews, timestamps.

use base64::Engine as _;
use serde_json::{Value, json};

/// Bytes as JSON, losslessly: a string when they are valid UTF-8, otherwise
/// `{"base64": "<standard base64>"}` — the marker tells a reader to decode.
#[must_use]
pub fn bytes_to_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(s) => Value::String(s.to_owned()),
        Err(_) => json!({ "base64": base64::engine::general_purpose::STANDARD.encode(bytes) }),
    }
}

/// The inverse of [`bytes_to_json`].
pub fn bytes_from_json(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::String(s) => Ok(s.as_bytes().to_vec()),
        Value::Object(m) if m.len() == 1 => {
            let b64 = m
                .get("base64")
                .and_then(Value::as_str)
                .ok_or("expected a string or {\"base64\": …}")?;
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("invalid base64: {e}"))
        }
        _ => Err("expected a string or {\"base64\": …}".into()),
    }
}

/// Escaped, truncated preview of bytes for one-line output (`max` characters; `None` = all).
#[must_use]
pub fn preview(bytes: &[u8], max: Option<usize>) -> String {
    let text: String = bytes.escape_ascii().to_string();
    match max {
        Some(n) if text.chars().count() > n => {
            let cut: String = text.chars().take(n).collect();
            format!("{cut}…(+{} bytes)", bytes.len().saturating_sub(n))
        }
        _ => text,
    }
}

/// Bytes as one printable line or table cell: valid UTF-8 stays as it is, control characters
/// and bytes that are not UTF-8 are escaped (`\n`, `\u{1b}`, `\xff`), so a value can neither
/// break the one-message-per-line output nor send escape sequences to the terminal.
#[must_use]
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Milliseconds since the epoch as RFC 3339 (UTC, millisecond precision).
#[must_use]
pub fn rfc3339_ms(ms: i64) -> String {
    if ms < 0 {
        return format!("{ms}ms");
    }
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.unsigned_abs());
    humantime::format_rfc3339_millis(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_through_json() {
        for b in [b"plain".to_vec(), vec![0xff, 0x00, 0xfe], Vec::new()] {
            assert_eq!(bytes_from_json(&bytes_to_json(&b)), Ok(b));
        }
        assert_eq!(bytes_to_json(&[0xff]), json!({"base64": "/w=="}));
    }

    #[test]
    fn previews_escape_and_truncate() {
        assert_eq!(preview(b"a\nb", None), "a\\nb");
        assert_eq!(preview(b"abcdef", Some(3)), "abc…(+3 bytes)");
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
    }
}
