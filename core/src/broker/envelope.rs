//! What the broker stores with each message, in the storage record's metadata blob.
//!
//! ```text
//! MessageMeta v1
//! | u8 version = 1 | u8 flags: 1 envelope, 2 routing, 4 dlq origin, 8 replay mark,
//!                             16 delivery time | sections… |
//! envelope:  str run_id, str step_id, str parent_step_id, str tenant_id, str idempotency_key,
//!            str target_topic, opt u32 partition_override, opt i64 deadline (unix ns),
//!            opt { u32 max_attempts, u64 backoff_ms, u64 max_backoff_ms } retry_policy
//! routing:   str label, u32 n, n × (str name, str value)
//! dlq:       str topic, str group, u32 partition, u64 offset, u32 attempts, strs errors,
//!            i64 routed_at_ms
//! replay:    str dlq_topic, u32 partition, u64 offset
//! delivery:  i64 deliver_at_ms (no group gets the message before then: a produce delay)
//! ```
//!
//! Sections appear in flag order. A reader ignores flags it does not know and what follows the
//! sections it knows (a build older than the delivery time delivers such messages at once).

use super::codec::{CodecError, Reader, Writer};

/// Retry policy a producer attaches to a message (or a topic sets for messages without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct RetryPolicy {
    /// Deliveries allowed; 0 = unlimited. After the last failed delivery the message goes to the
    /// DLQ.
    pub max_attempts: u32,
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
}

impl RetryPolicy {
    /// Delay before delivery `failed + 1` after `failed` failed deliveries:
    /// `min(max_backoff_ms, backoff_ms · 2^(failed−1))`, 0 without a base (max applies when set).
    ///
    /// ```
    /// use driftq_core::broker::RetryPolicy;
    /// let p = RetryPolicy { max_attempts: 5, backoff_ms: 100, max_backoff_ms: 300 };
    /// assert_eq!([1, 2, 3, 4].map(|n| p.backoff_ms(n)), [100, 200, 300, 300]);
    /// ```
    #[must_use]
    pub fn backoff_ms(&self, failed: u32) -> u64 {
        if self.backoff_ms == 0 || failed == 0 {
            return 0;
        }
        let exp = (failed - 1).min(32);
        let raw = self.backoff_ms.saturating_mul(1u64 << exp);
        if self.max_backoff_ms > 0 {
            raw.min(self.max_backoff_ms)
        } else {
            raw
        }
    }
}

/// The agent envelope (DriftQ v1 HTTP subset).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    pub run_id: String,
    pub step_id: String,
    pub parent_step_id: String,
    pub tenant_id: String,
    pub idempotency_key: String,
    pub target_topic: String,
    pub partition_override: Option<u32>,
    /// Unix nanoseconds.
    pub deadline_ns: Option<i64>,
    pub retry_policy: Option<RetryPolicy>,
}

impl Envelope {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Bytes of its text fields: what it adds to a stored message beyond a few fixed fields.
    #[must_use]
    pub fn text_bytes(&self) -> usize {
        [
            &self.run_id,
            &self.step_id,
            &self.parent_step_id,
            &self.tenant_id,
            &self.idempotency_key,
            &self.target_topic,
        ]
        .iter()
        .map(|s| s.len())
        .sum()
    }
}

/// A router's label for a message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Routing {
    pub label: String,
    pub meta: Vec<(String, String)>,
}

/// Where a dead-lettered message came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DlqOrigin {
    pub topic: String,
    pub group: String,
    pub partition: u32,
    pub offset: u64,
    pub attempts: u32,
    pub errors: Vec<String>,
    pub routed_at_ms: i64,
}

/// Marks a message that a DLQ replay put back, naming the DLQ message it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplayMark {
    pub dlq_topic: String,
    pub partition: u32,
    pub offset: u64,
}

/// Everything the broker keeps in a message's metadata blob.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageMeta {
    pub envelope: Option<Envelope>,
    pub routing: Option<Routing>,
    pub dlq: Option<DlqOrigin>,
    pub replay: Option<ReplayMark>,
    /// No group is handed the message before this time (a produce delay; SQS's `DelaySeconds`).
    pub deliver_at_ms: Option<i64>,
}

const META_VERSION: u8 = 1;

impl MessageMeta {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Encodes; `None` when there is nothing to store.
    #[must_use]
    pub fn encode(&self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let mut w = Writer::default();
        let flags = u8::from(self.envelope.is_some())
            | u8::from(self.routing.is_some()) << 1
            | u8::from(self.dlq.is_some()) << 2
            | u8::from(self.replay.is_some()) << 3
            | u8::from(self.deliver_at_ms.is_some()) << 4;
        w.u8(META_VERSION).u8(flags);
        if let Some(e) = &self.envelope {
            w.str(&e.run_id)
                .str(&e.step_id)
                .str(&e.parent_step_id)
                .str(&e.tenant_id)
                .str(&e.idempotency_key)
                .str(&e.target_topic)
                .opt_u32(e.partition_override)
                .opt_i64(e.deadline_ns);
            match e.retry_policy {
                Some(p) => w
                    .u8(1)
                    .u32(p.max_attempts)
                    .u64(p.backoff_ms)
                    .u64(p.max_backoff_ms),
                None => w.u8(0),
            };
        }
        if let Some(r) = &self.routing {
            w.str(&r.label).count(r.meta.len());
            for (k, v) in &r.meta {
                w.str(k).str(v);
            }
        }
        if let Some(d) = &self.dlq {
            w.str(&d.topic)
                .str(&d.group)
                .u32(d.partition)
                .u64(d.offset)
                .u32(d.attempts)
                .strs(&d.errors)
                .i64(d.routed_at_ms);
        }
        if let Some(r) = &self.replay {
            w.str(&r.dlq_topic).u32(r.partition).u64(r.offset);
        }
        if let Some(at) = self.deliver_at_ms {
            w.i64(at);
        }
        Some(w.buf)
    }

    /// Decodes a metadata blob (`None` = a message without metadata).
    pub fn decode(blob: Option<&[u8]>) -> Result<Self, CodecError> {
        let Some(blob) = blob else {
            return Ok(Self::default());
        };
        let mut r = Reader::new(blob);
        let version = r.u8()?;
        if version != META_VERSION {
            return Err(CodecError(format!(
                "unknown message metadata version {version}"
            )));
        }
        let flags = r.u8()?;
        let mut meta = Self::default();
        if flags & 1 != 0 {
            meta.envelope = Some(Envelope {
                run_id: r.str()?,
                step_id: r.str()?,
                parent_step_id: r.str()?,
                tenant_id: r.str()?,
                idempotency_key: r.str()?,
                target_topic: r.str()?,
                partition_override: r.opt_u32()?,
                deadline_ns: r.opt_i64()?,
                retry_policy: match r.u8()? {
                    0 => None,
                    _ => Some(RetryPolicy {
                        max_attempts: r.u32()?,
                        backoff_ms: r.u64()?,
                        max_backoff_ms: r.u64()?,
                    }),
                },
            });
        }
        if flags & 2 != 0 {
            let label = r.str()?;
            let n = r.count()?;
            let meta_pairs = (0..n)
                .map(|_| Ok((r.str()?, r.str()?)))
                .collect::<Result<_, CodecError>>()?;
            meta.routing = Some(Routing {
                label,
                meta: meta_pairs,
            });
        }
        if flags & 4 != 0 {
            meta.dlq = Some(DlqOrigin {
                topic: r.str()?,
                group: r.str()?,
                partition: r.u32()?,
                offset: r.u64()?,
                attempts: r.u32()?,
                errors: r.strs()?,
                routed_at_ms: r.i64()?,
            });
        }
        if flags & 8 != 0 {
            meta.replay = Some(ReplayMark {
                dlq_topic: r.str()?,
                partition: r.u32()?,
                offset: r.u64()?,
            });
        }
        if flags & 16 != 0 {
            meta.deliver_at_ms = Some(r.i64()?);
        }
        Ok(meta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_follows_the_contract() {
        let p = |b, m| RetryPolicy {
            max_attempts: 5,
            backoff_ms: b,
            max_backoff_ms: m,
        };
        assert_eq!([1, 2, 3].map(|k| p(100, 0).backoff_ms(k)), [100, 200, 400]);
        assert_eq!(p(200, 150).backoff_ms(1), 150);
        assert_eq!(
            [1, 2, 3].map(|k| p(100, 150).backoff_ms(k)),
            [100, 150, 150]
        );
        assert_eq!(p(0, 150).backoff_ms(3), 0);
        assert_eq!(p(100, 0).backoff_ms(200), 100 << 32);
    }

    #[test]
    fn meta_round_trips() {
        let meta = MessageMeta {
            envelope: Some(Envelope {
                run_id: "r".into(),
                tenant_id: "t".into(),
                idempotency_key: "k".into(),
                partition_override: Some(3),
                deadline_ns: Some(-5),
                retry_policy: Some(RetryPolicy {
                    max_attempts: 2,
                    backoff_ms: 10,
                    max_backoff_ms: 20,
                }),
                ..Envelope::default()
            }),
            routing: Some(Routing {
                label: "l".into(),
                meta: vec![("a".into(), "b".into())],
            }),
            dlq: Some(DlqOrigin {
                topic: "x".into(),
                errors: vec!["e1".into(), "e2".into()],
                ..DlqOrigin::default()
            }),
            replay: Some(ReplayMark {
                dlq_topic: "dlq.x".into(),
                partition: 1,
                offset: 9,
            }),
            deliver_at_ms: Some(1_700_000_000_000),
        };
        let blob = meta.encode().expect("non-empty");
        assert_eq!(MessageMeta::decode(Some(&blob)), Ok(meta));
        assert_eq!(MessageMeta::default().encode(), None);
        assert!(MessageMeta::decode(Some(&blob[..blob.len() - 1])).is_err());
    }
}
