//! What `consume` and `read` print of a message: the `--format` template, the default line,
//! and the `--filter` globs read a leased [`Delivery`] and a stored [`StoredMessage`] alike,
//! as a `Shown`.

use driftq_core::api::messages::{Delivery, StoredMessage};
use driftq_core::api::{Bytes, Header};

use crate::output::printable;

/// A message as the templates read it: a delivery's or a stored message's fields, borrowed.
pub(crate) struct Shown<'a> {
    topic: &'a str,
    partition: u32,
    offset: u64,
    key: Option<&'a Bytes>,
    value: Option<&'a Bytes>,
    headers: &'a [Header],
    /// RFC 3339.
    timestamp: &'a str,
    /// How often it was delivered; a stored message was not.
    attempts: Option<u32>,
    last_error: &'a str,
}

impl<'a> From<&'a Delivery<'_>> for Shown<'a> {
    fn from(d: &'a Delivery<'_>) -> Self {
        Self {
            topic: &d.topic,
            partition: d.partition,
            offset: d.offset,
            key: d.key.as_ref(),
            value: d.value.as_ref(),
            headers: &d.headers,
            timestamp: &d.timestamp,
            attempts: Some(d.attempts),
            last_error: &d.last_error,
        }
    }
}

impl<'a> From<&'a StoredMessage> for Shown<'a> {
    fn from(m: &'a StoredMessage) -> Self {
        Self {
            topic: &m.topic,
            partition: m.partition,
            offset: m.offset,
            key: m.key.as_ref(),
            value: m.value.as_ref(),
            headers: &m.headers,
            timestamp: &m.timestamp,
            attempts: None,
            last_error: "",
        }
    }
}

/// What the filters read.
impl<'a> Shown<'a> {
    pub(crate) fn key(&self) -> Option<&'a Bytes> {
        self.key
    }

    pub(crate) fn value(&self) -> Option<&'a Bytes> {
        self.value
    }

    pub(crate) fn headers(&self) -> &'a [Header] {
        self.headers
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
pub(crate) fn render(template: &str, m: &Shown<'_>, escaped: bool) -> String {
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
            Some('t') => out.push_str(m.topic),
            Some('p') => out.push_str(&m.partition.to_string()),
            Some('o') => out.push_str(&m.offset.to_string()),
            Some('k') => out.push_str(&show(m.key)),
            Some('v') => out.push_str(&show(m.value)),
            Some('T') => out.push_str(m.timestamp),
            // A stored message was never delivered: `null`, as its JSON would say.
            Some('a') => out.push_str(&m.attempts.map_or("null".into(), |a| a.to_string())),
            Some('e') => out.push_str(m.last_error),
            Some('h') => {
                let hs: Vec<String> = m
                    .headers
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
