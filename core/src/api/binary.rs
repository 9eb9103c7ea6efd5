//! The binary poll reply: `application/vnd.driftq.messages`.
//!
//! A pull consumer that sends `Accept: application/vnd.driftq.messages` to
//! `POST /v1/topics/{topic}/groups/{group}/poll` gets its messages in this framing instead of
//! JSON. Values travel as raw bytes behind a length, so neither side scans, escapes or
//! base64-encodes them; JSON spent most of both sides' CPU on exactly that (docs/PERFORMANCE.md).
//! Errors are still JSON, with the usual status codes.
//!
//! # Layout
//!
//! All integers little-endian. Topic, group and owner are not repeated: the request names them.
//!
//! ```text
//! reply    := header message{count}
//! header   := magic "DQMB" | version u8 (= 1) | reserved [u8; 3] (zero) | count u32
//! message  := partition u32 | offset u64 | attempts u32
//!           | timestamp_ms i64 | lease_deadline_ms i64
//!           | key_len u32 | key [u8; key_len]          key_len = 0xFFFF_FFFF: no key
//!           | header_count u32 | header{header_count}
//!           | extra_len u32 | extra [u8; extra_len]    a JSON object, or nothing when 0
//!           | value_len u32 | value [u8; value_len]
//! header   := name_len u32 | name [u8; name_len] (UTF-8) | value_len u32 | value [u8; value_len]
//! ```
//!
//! `extra` carries what most messages lack, with the same field names and shapes as the JSON
//! poll reply: `envelope`, `routing`, `dlq`, `replayed_from`, `errors`, `last_error`.
//!
//! # Invariants
//! - The decoder borrows every byte string from the reply; it copies nothing.
//! - Any byte string decodes to messages or to a [`FrameError`]; it never panics and never
//!   reads past the end.

/// The media type a client asks for with `Accept` and the server answers with.
pub const CONTENT_TYPE: &str = "application/vnd.driftq.messages";

const MAGIC: [u8; 4] = *b"DQMB";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 12;
const NO_KEY: u32 = u32::MAX;

/// One message of a frame; its headers are `H`: owned pairs to encode, borrowed ones decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramedMessage<'a, H> {
    pub partition: u32,
    pub offset: u64,
    pub attempts: u32,
    pub timestamp_ms: i64,
    pub lease_deadline_ms: i64,
    pub key: Option<&'a [u8]>,
    pub headers: H,
    /// A JSON object, or empty.
    pub extra: &'a [u8],
    pub value: &'a [u8],
}

/// One message to encode.
pub type OutMessage<'a> = FramedMessage<'a, &'a [(String, Vec<u8>)]>;

/// One decoded message, borrowed from the reply.
pub type PolledMessage<'a> = FramedMessage<'a, Vec<(&'a str, &'a [u8])>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("not a driftq message reply (magic {0:02x?})")]
    BadMagic([u8; 4]),
    #[error("message reply version {0} is not supported (this build reads version {VERSION})")]
    UnsupportedVersion(u8),
    #[error("message reply ends at byte {at} inside a field of {needed} bytes")]
    Truncated { at: usize, needed: usize },
    #[error("header name at byte {at} is not UTF-8")]
    NotUtf8 { at: usize },
    #[error("{0} bytes after the last message")]
    TrailingBytes(usize),
    #[error("a field of {0} bytes does not fit the reply's 32-bit lengths")]
    TooLarge(usize),
}

/// Builds a reply; [`Encoder::finish`] writes the message count into the header.
#[derive(Debug)]
pub struct Encoder {
    buf: Vec<u8>,
    count: u32,
}

impl Encoder {
    /// `capacity` is a hint in bytes.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity.max(HEADER_LEN));
        buf.extend_from_slice(&MAGIC);
        buf.extend_from_slice(&[VERSION, 0, 0, 0]);
        buf.extend_from_slice(&0u32.to_le_bytes());
        Self { buf, count: 0 }
    }

    /// Appends one message. On error nothing of it stays in the reply.
    pub fn push(&mut self, m: &OutMessage<'_>) -> Result<(), FrameError> {
        let start = self.buf.len();
        let result = self.write(m);
        if result.is_err() {
            self.buf.truncate(start);
        }
        result
    }

    fn write(&mut self, m: &OutMessage<'_>) -> Result<(), FrameError> {
        let count = self.count.checked_add(1).ok_or(FrameError::TooLarge(0))?;
        let b = &mut self.buf;
        b.extend_from_slice(&m.partition.to_le_bytes());
        b.extend_from_slice(&m.offset.to_le_bytes());
        b.extend_from_slice(&m.attempts.to_le_bytes());
        b.extend_from_slice(&m.timestamp_ms.to_le_bytes());
        b.extend_from_slice(&m.lease_deadline_ms.to_le_bytes());
        match m.key {
            Some(k) if k.len() >= NO_KEY as usize => return Err(FrameError::TooLarge(k.len())),
            Some(k) => put_bytes(b, k)?,
            None => b.extend_from_slice(&NO_KEY.to_le_bytes()),
        }
        put_len(b, m.headers.len())?;
        for (name, value) in m.headers {
            put_bytes(b, name.as_bytes())?;
            put_bytes(b, value)?;
        }
        put_bytes(b, m.extra)?;
        put_bytes(b, m.value)?;
        self.count = count;
        Ok(())
    }

    /// The reply's bytes.
    #[must_use]
    pub fn finish(mut self) -> Vec<u8> {
        self.buf[8..HEADER_LEN].copy_from_slice(&self.count.to_le_bytes());
        self.buf
    }
}

fn put_len(b: &mut Vec<u8>, len: usize) -> Result<(), FrameError> {
    let len = u32::try_from(len).map_err(|_| FrameError::TooLarge(len))?;
    b.extend_from_slice(&len.to_le_bytes());
    Ok(())
}

fn put_bytes(b: &mut Vec<u8>, bytes: &[u8]) -> Result<(), FrameError> {
    put_len(b, bytes.len())?;
    b.extend_from_slice(bytes);
    Ok(())
}

/// Decodes a whole reply.
pub fn decode(buf: &[u8]) -> Result<Vec<PolledMessage<'_>>, FrameError> {
    let mut r = Cursor { buf, pos: 0 };
    let magic = r.array::<4>()?;
    if magic != MAGIC {
        return Err(FrameError::BadMagic(magic));
    }
    let [version, ..] = r.array::<4>()?;
    if version != VERSION {
        return Err(FrameError::UnsupportedVersion(version));
    }
    let count = r.u32()?;
    // Every message takes at least 44 bytes, so a lying count cannot make us allocate much.
    let mut out = Vec::with_capacity((count as usize).min(buf.len() / 44));
    for _ in 0..count {
        let partition = r.u32()?;
        let offset = u64::from_le_bytes(r.array()?);
        let attempts = r.u32()?;
        let timestamp_ms = i64::from_le_bytes(r.array()?);
        let lease_deadline_ms = i64::from_le_bytes(r.array()?);
        let key_len = r.u32()?;
        let key = if key_len == NO_KEY {
            None
        } else {
            Some(r.bytes(key_len as usize)?)
        };
        let header_count = r.u32()?;
        let mut headers = Vec::with_capacity((header_count as usize).min(r.remaining() / 8));
        for _ in 0..header_count {
            let at = r.pos;
            let name = std::str::from_utf8(r.sized()?).map_err(|_| FrameError::NotUtf8 { at })?;
            headers.push((name, r.sized()?));
        }
        let extra = r.sized()?;
        let value = r.sized()?;
        out.push(PolledMessage {
            partition,
            offset,
            attempts,
            timestamp_ms,
            lease_deadline_ms,
            key,
            headers,
            extra,
            value,
        });
    }
    if r.remaining() > 0 {
        return Err(FrameError::TrailingBytes(r.remaining()));
    }
    Ok(out)
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        let truncated = FrameError::Truncated {
            at: self.pos,
            needed: n,
        };
        let end = self.pos.checked_add(n).ok_or(truncated.clone())?;
        let out = self.buf.get(self.pos..end).ok_or(truncated)?;
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FrameError> {
        let mut a = [0; N];
        a.copy_from_slice(self.bytes(N)?);
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, FrameError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A length-prefixed byte string.
    fn sized(&mut self) -> Result<&'a [u8], FrameError> {
        let n = self.u32()?;
        self.bytes(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Generated = (
        u32,
        u64,
        u32,
        i64,
        i64,
        Option<Vec<u8>>,
        Vec<(String, Vec<u8>)>,
        Vec<u8>,
        Vec<u8>,
    );

    fn owned(m: &PolledMessage<'_>) -> Generated {
        (
            m.partition,
            m.offset,
            m.attempts,
            m.timestamp_ms,
            m.lease_deadline_ms,
            m.key.map(<[u8]>::to_vec),
            m.headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.to_vec()))
                .collect(),
            m.extra.to_vec(),
            m.value.to_vec(),
        )
    }

    fn message() -> impl Strategy<Value = Generated> {
        (
            any::<u32>(),
            any::<u64>(),
            any::<u32>(),
            any::<i64>(),
            any::<i64>(),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
            proptest::collection::vec(
                (".{0,8}", proptest::collection::vec(any::<u8>(), 0..16)),
                0..4,
            ),
            proptest::collection::vec(any::<u8>(), 0..24),
            proptest::collection::vec(any::<u8>(), 0..200),
        )
    }

    fn encode(ms: &[Generated]) -> Vec<u8> {
        let mut e = Encoder::with_capacity(0);
        for (partition, offset, attempts, ts, deadline, key, headers, extra, value) in ms {
            e.push(&OutMessage {
                partition: *partition,
                offset: *offset,
                attempts: *attempts,
                timestamp_ms: *ts,
                lease_deadline_ms: *deadline,
                key: key.as_deref(),
                headers,
                extra,
                value,
            })
            .expect("small fields fit");
        }
        e.finish()
    }

    proptest! {
        #[test]
        fn replies_decode_to_what_was_encoded(ms in proptest::collection::vec(message(), 0..8)) {
            let buf = encode(&ms);
            let back: Vec<Generated> = decode(&buf).expect("decodes").iter().map(owned).collect();
            prop_assert_eq!(back, ms);
        }

        #[test]
        fn arbitrary_bytes_never_panic_the_decoder(buf in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&buf);
        }

        #[test]
        fn every_cut_of_a_reply_is_truncated(ms in proptest::collection::vec(message(), 1..4), cut in any::<prop::sample::Index>()) {
            let buf = encode(&ms);
            let at = cut.index(buf.len());
            prop_assert!(
                matches!(decode(&buf[..at]), Err(FrameError::Truncated { .. })),
                "cut at {} of {}", at, buf.len()
            );
        }
    }

    #[test]
    fn empty_replies_foreign_bytes_and_trailing_garbage_are_told_apart() {
        let empty = Encoder::with_capacity(0).finish();
        assert_eq!(empty.len(), HEADER_LEN);
        assert_eq!(decode(&empty), Ok(Vec::new()));
        assert_eq!(
            decode(b"{\"messages\":[]}"),
            Err(FrameError::BadMagic(*b"{\"me"))
        );
        let mut newer = empty.clone();
        newer[4] = 2;
        assert_eq!(decode(&newer), Err(FrameError::UnsupportedVersion(2)));
        let mut trailing = empty;
        trailing.push(0);
        assert_eq!(decode(&trailing), Err(FrameError::TrailingBytes(1)));
    }

    #[test]
    fn an_absent_key_and_an_empty_key_stay_different() {
        let mut e = Encoder::with_capacity(0);
        for key in [None, Some(&b""[..])] {
            e.push(&OutMessage {
                partition: 0,
                offset: 0,
                attempts: 1,
                timestamp_ms: 0,
                lease_deadline_ms: 0,
                key,
                headers: &[],
                extra: b"",
                value: b"v",
            })
            .expect("fits");
        }
        let buf = e.finish();
        let decoded = decode(&buf).expect("decodes");
        assert_eq!(decoded[0].key, None);
        assert_eq!(decoded[1].key, Some(&b""[..]));
    }
}
