//! What `consume` and `read` print of a message: the `--format` template, the default line,
//! and the `--filter` globs read a leased [`Delivery`] and a stored [`StoredMessage`] alike,
//! through [`Shown`].

use driftq_core::api::messages::{Delivery, StoredMessage};
use driftq_core::api::{Bytes, Header};

use crate::output::printable;

/// A message as the templates read it.
pub(crate) trait Shown {
    fn topic(&self) -> &str;
    fn partition(&self) -> u32;
    fn offset(&self) -> u64;
    fn key(&self) -> Option<&Bytes>;
    fn value(&self) -> Option<&Bytes>;
    fn headers(&self) -> &[Header];
    /// RFC 3339.
    fn timestamp(&self) -> &str;
    /// How often it was delivered; a stored message was not.
    fn attempts(&self) -> Option<u32>;
    fn last_error(&self) -> &str;
}

impl Shown for Delivery<'_> {
    fn topic(&self) -> &str {
        &self.topic
    }
    fn partition(&self) -> u32 {
        self.partition
    }
    fn offset(&self) -> u64 {
        self.offset
    }
    fn key(&self) -> Option<&Bytes> {
        self.key.as_ref()
    }
    fn value(&self) -> Option<&Bytes> {
        self.value.as_ref()
    }
    fn headers(&self) -> &[Header] {
        &self.headers
    }
    fn timestamp(&self) -> &str {
        &self.timestamp
    }
    fn attempts(&self) -> Option<u32> {
        Some(self.attempts)
    }
    fn last_error(&self) -> &str {
        &self.last_error
    }
}

impl Shown for StoredMessage {
    fn topic(&self) -> &str {
        &self.topic
    }
    fn partition(&self) -> u32 {
        self.partition
    }
    fn offset(&self) -> u64 {
        self.offset
    }
    fn key(&self) -> Option<&Bytes> {
        self.key.as_ref()
    }
    fn value(&self) -> Option<&Bytes> {
        self.value.as_ref()
    }
    fn headers(&self) -> &[Header] {
        &self.headers
    }
    fn timestamp(&self) -> &str {
        &self.timestamp
    }
    fn attempts(&self) -> Option<u32> {
        None
    }
    fn last_error(&self) -> &str {
        ""
    }
}

/// The exact bytes (none for a missing key, or base64 that does not decode).
pub(crate) fn raw(b: Option<&Bytes>) -> Vec<u8> {
    b.and_then(|b| b.to_bytes().ok()).unwrap_or_default()
}

/// The bytes as text, invalid UTF-8 replaced.
pub(crate) fn text(b: Option<&Bytes>) -> String {
    String::from_utf8_lossy(&raw(b)).into_owned()
}

/// Fills a `--format` template. `escaped`: keys, values and headers go through [`printable`]
/// (the default line); otherwise they are written as text, as the template asked.
pub(crate) fn render(template: &str, m: &dyn Shown, escaped: bool) -> String {
    let show = |b: Option<&Bytes>| {
        if escaped { printable(&raw(b)) } else { text(b) }
    };
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
            continue;
        }
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push_str(m.topic()),
            Some('p') => out.push_str(&m.partition().to_string()),
            Some('o') => out.push_str(&m.offset().to_string()),
            Some('k') => out.push_str(&show(m.key())),
            Some('v') => out.push_str(&show(m.value())),
            Some('T') => out.push_str(m.timestamp()),
            // A stored message was never delivered: `null`, as its JSON would say.
            Some('a') => out.push_str(&m.attempts().map_or("null".into(), |a| a.to_string())),
            Some('e') => out.push_str(m.last_error()),
            Some('h') => {
                let hs: Vec<String> = m
                    .headers()
                    .iter()
                    .map(|h| format!("{}={}", h.name, show(Some(&h.value))))
                    .collect();
                out.push_str(&hs.join(","));
            }
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}
