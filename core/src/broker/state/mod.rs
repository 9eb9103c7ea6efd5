//! The broker's state log: every change that matters, as records in the same segment/batch format
//! as message logs (one [`StateRecord`] per storage record: its key is the type name, its value
//! the encoding below, its timestamp the broker's `now`).
//!
//! ```text
//! StateRecord v1 = | u8 version = 1 | u8 type | fields… |   (strings: u32 len + UTF-8)
//!  1 TopicCreated  str name, u32 partitions, opt i64 retention_age_ms, opt u64 retention_bytes
//!  2 TopicDeleted  str name
//!  3 GroupCreated  str topic, str group, u64s floors (one per partition)
//!  4 Acked         str topic, str group, u32 partition, u64s offsets, strs idempotency scopes, bool skipped
//!  5 Failed        str topic, str group, u32 partition, u64 offset, u32 attempts,
//!                  i64 next_eligible_ms, str error, u8 cause (0 lease expired, 1 nack),
//!                  bool exhausted (past max_attempts in a dlq.* topic: kept, not moved)
//!  6 DeadLettered  str topic, str group, u32 partition, u64 offset, u32 attempts,
//!                  u32 dlq_partition, u64 dlq_offset (its attempts were used up)
//!  7 Seek          str topic, str group, u32 partition, u64 floor, u8 cause (0 user, 1 retention)
//!  8 ProducerKey   str scope, u32 partition, u64 offset, i64 expires_ms
//!  9 Replayed      str dlq_topic, u32 partition, u64s offsets, bool moved
//! 10 Snapshot      the whole state (see `encode_snapshot`)
//! 11 GroupDeleted  str topic, str group
//! 12 RetentionSet  str topic, opt i64 retention_age_ms, opt u64 retention_bytes
//!                  (replaces both limits; `TopicCreated` and snapshots carry the current ones)
//! 13 PartitionsGrown str topic, u32 partitions (the new total; snapshots carry the current one)
//! 14 RetryPolicySet  str topic, opt { u32 max_attempts, u64 backoff_ms, u64 max_backoff_ms }
//!                  (the topic's default retry policy; replaces it, `None` removes it)
//! 15 OrderingSet     str topic, u8 ordering (0 none, 1 by key): written with the topic's
//!                  creation, in the same batch (a topic's ordering never changes after)
//! 16 DeadLetterNacked  the fields of 6, for a message a consumer's dead-letter nack moved
//!                  (one record type per cause, so no record of type 6 changed)
//!
//! A snapshot ends with optional sections, each absent from snapshots written before it existed:
//! u32 n, n × (str topic, u32 max_attempts, u64 backoff_ms, u64 max_backoff_ms) — the topics'
//! default retry policies (record type 14); then u32 n, n × str topic — the topics ordered by
//! key (record type 15); then u32 n, n × (str topic, str group, u32 partition, u64 count) — the
//! group partitions' `dead_letter_nacks` counters that are not zero (record type 16).
//! ```
//!
//! A reader that meets a type it does not know refuses the log: a build older than a record type
//! cannot open a data directory a newer build has written it into.
//!
//! Replaying these records in order, starting from the last snapshot, rebuilds exactly the state
//! the broker had (leases excepted: they are not recorded, so their messages become eligible again
//! with their failed-attempt counts kept).

use super::codec::{CodecError, Reader, Writer};

use super::envelope::RetryPolicy;

mod snapshot;

pub use snapshot::{GroupPartitionSnapshot, GroupSnapshot, Snapshot};
use snapshot::{get_snapshot, put_snapshot};

/// Why a delivery failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FailCause {
    LeaseExpired,
    Nack,
}

/// Why a message went to `dlq.<topic>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum DeadLetterCause {
    /// Its last attempt failed (a nack, or a lease that expired).
    AttemptsUsedUp,
    /// A consumer's dead-letter nack, whatever attempts were left.
    Nack,
}

/// Why a group's position moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SeekCause {
    User,
    Retention,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopicMeta {
    pub name: String,
    pub partitions: u32,
    pub retention_age_ms: Option<i64>,
    pub retention_bytes: Option<u64>,
    /// The retry policy of messages produced without one (SQS's redrive policy). Not part of
    /// `TopicCreated`'s encoding, which predates it: a `RetryPolicySet` record follows the
    /// creation, and snapshots carry it in their trailing section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryPolicy>,
    /// Whether a group delivers a key's messages one at a time, in order. Not part of
    /// `TopicCreated`'s encoding either: an `OrderingSet` record follows the creation.
    pub ordering: TopicOrdering,
}

/// How a topic's groups order deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TopicOrdering {
    /// Any ready message may be leased while others are in flight (Kafka's consumers within a
    /// partition, SQS standard queues).
    #[default]
    None,
    /// Per key (SQS FIFO's message group): a group leases a message only when every earlier
    /// message with its key in its partition is done (acked, dead-lettered or skipped); a
    /// failed one is retried before the next is delivered. Keyless messages are not ordered.
    Key,
}

impl TopicOrdering {
    /// The wire name (`none`, `key`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Key => "key",
        }
    }

    /// Parses the wire name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::None, Self::Key]
            .into_iter()
            .find(|o| o.as_str() == s)
    }

    fn code(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Key => 1,
        }
    }

    fn from_code(code: u8) -> Result<Self, CodecError> {
        match code {
            0 => Ok(Self::None),
            1 => Ok(Self::Key),
            c => Err(CodecError(format!("unknown ordering {c}"))),
        }
    }
}

/// A failed-but-not-done message waiting for its next delivery.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct RetryEntry {
    /// Failed deliveries so far.
    pub attempts: u32,
    pub next_eligible_ms: i64,
    /// Most recent last; bounded.
    pub errors: Vec<String>,
}

/// Cumulative per-(topic, group, partition) counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Counters {
    pub acks: u64,
    pub nacks: u64,
    pub lease_timeouts: u64,
    pub redeliveries: u64,
    pub dead_lettered: u64,
    /// Of `dead_lettered`, those a consumer's dead-letter nack moved.
    pub dead_letter_nacks: u64,
    pub skipped_duplicates: u64,
    pub skipped_by_retention: u64,
    /// Failures past `max_attempts` inside a `dlq.*` topic: kept, never dropped.
    pub exhausted: u64,
}

/// Serializes (for `wal inspect -o json`) as an object tagged by `"type"`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type")]
pub enum StateRecord {
    TopicCreated(TopicMeta),
    TopicDeleted {
        name: String,
    },
    GroupCreated {
        topic: String,
        group: String,
        floors: Vec<u64>,
    },
    Acked {
        topic: String,
        group: String,
        partition: u32,
        offsets: Vec<u64>,
        scopes: Vec<String>,
        skipped: bool,
    },
    Failed {
        topic: String,
        group: String,
        partition: u32,
        offset: u64,
        attempts: u32,
        next_eligible_ms: i64,
        error: String,
        cause: FailCause,
        exhausted: bool,
    },
    DeadLettered {
        topic: String,
        group: String,
        partition: u32,
        offset: u64,
        attempts: u32,
        dlq_partition: u32,
        dlq_offset: u64,
        cause: DeadLetterCause,
    },
    Seek {
        topic: String,
        group: String,
        partition: u32,
        floor: u64,
        cause: SeekCause,
    },
    ProducerKey {
        scope: String,
        partition: u32,
        offset: u64,
        expires_ms: i64,
    },
    Replayed {
        dlq_topic: String,
        partition: u32,
        offsets: Vec<u64>,
        moved: bool,
    },
    Snapshot(Box<Snapshot>),
    /// The group and everything it remembered (positions, retries, counters) are gone; a later
    /// consumer of that name starts a new group.
    GroupDeleted {
        topic: String,
        group: String,
    },
    /// A topic's retention limits, both replaced (`None`: no limit of that kind).
    RetentionSet {
        topic: String,
        retention_age_ms: Option<i64>,
        retention_bytes: Option<u64>,
    },
    /// A topic grew to `partitions` partitions (never shrinks).
    PartitionsGrown {
        topic: String,
        partitions: u32,
    },
    /// A topic's default retry policy, replaced (`None`: messages without one retry forever).
    RetryPolicySet {
        topic: String,
        policy: Option<RetryPolicy>,
    },
    /// A new topic's ordering (logged with its creation).
    OrderingSet {
        topic: String,
        ordering: TopicOrdering,
    },
}

const VERSION: u8 = 1;

impl StateRecord {
    /// The record type's name (the storage record's key; what `wal inspect` shows).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::TopicCreated(_) => "TopicCreated",
            Self::TopicDeleted { .. } => "TopicDeleted",
            Self::GroupCreated { .. } => "GroupCreated",
            Self::Acked { .. } => "Acked",
            Self::Failed { .. } => "Failed",
            Self::DeadLettered {
                cause: DeadLetterCause::AttemptsUsedUp,
                ..
            } => "DeadLettered",
            Self::DeadLettered {
                cause: DeadLetterCause::Nack,
                ..
            } => "DeadLetterNacked",
            Self::Seek { .. } => "Seek",
            Self::ProducerKey { .. } => "ProducerKey",
            Self::Replayed { .. } => "Replayed",
            Self::Snapshot(_) => "Snapshot",
            Self::GroupDeleted { .. } => "GroupDeleted",
            Self::RetentionSet { .. } => "RetentionSet",
            Self::PartitionsGrown { .. } => "PartitionsGrown",
            Self::RetryPolicySet { .. } => "RetryPolicySet",
            Self::OrderingSet { .. } => "OrderingSet",
        }
    }

    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(VERSION);
        match self {
            Self::TopicCreated(t) => {
                w.u8(1);
                put_topic(&mut w, t);
            }
            Self::TopicDeleted { name } => {
                w.u8(2).str(name);
            }
            Self::GroupCreated {
                topic,
                group,
                floors,
            } => {
                w.u8(3).str(topic).str(group).u64s(floors);
            }
            Self::Acked { .. }
            | Self::Failed { .. }
            | Self::DeadLettered { .. }
            | Self::Seek { .. } => self.put_settlement(&mut w),
            Self::ProducerKey {
                scope,
                partition,
                offset,
                expires_ms,
            } => {
                w.u8(8)
                    .str(scope)
                    .u32(*partition)
                    .u64(*offset)
                    .i64(*expires_ms);
            }
            Self::Replayed {
                dlq_topic,
                partition,
                offsets,
                moved,
            } => {
                w.u8(9)
                    .str(dlq_topic)
                    .u32(*partition)
                    .u64s(offsets)
                    .bool(*moved);
            }
            Self::Snapshot(s) => {
                w.u8(10);
                put_snapshot(&mut w, s);
            }
            Self::GroupDeleted { topic, group } => {
                w.u8(11).str(topic).str(group);
            }
            Self::RetentionSet {
                topic,
                retention_age_ms,
                retention_bytes,
            } => {
                w.u8(12)
                    .str(topic)
                    .opt_i64(*retention_age_ms)
                    .opt_u64(*retention_bytes);
            }
            Self::PartitionsGrown { topic, partitions } => {
                w.u8(13).str(topic).u32(*partitions);
            }
            Self::RetryPolicySet { topic, policy } => {
                w.u8(14).str(topic);
                match policy {
                    Some(p) => {
                        w.u8(1);
                        put_policy(&mut w, p);
                    }
                    None => {
                        w.u8(0);
                    }
                }
            }
            Self::OrderingSet { topic, ordering } => {
                w.u8(15).str(topic).u8(ordering.code());
            }
        }
        w.buf
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, CodecError> {
        let mut r = Reader::new(bytes);
        let version = r.u8()?;
        if version != VERSION {
            return Err(CodecError(format!(
                "unknown state record version {version}"
            )));
        }
        let rec = match r.u8()? {
            1 => Self::TopicCreated(get_topic(&mut r)?),
            2 => Self::TopicDeleted { name: r.str()? },
            3 => Self::GroupCreated {
                topic: r.str()?,
                group: r.str()?,
                floors: r.u64s()?,
            },
            code @ (4..=7 | 16) => Self::get_settlement(code, &mut r)?,
            8 => Self::ProducerKey {
                scope: r.str()?,
                partition: r.u32()?,
                offset: r.u64()?,
                expires_ms: r.i64()?,
            },
            9 => Self::Replayed {
                dlq_topic: r.str()?,
                partition: r.u32()?,
                offsets: r.u64s()?,
                moved: r.bool()?,
            },
            10 => Self::Snapshot(Box::new(get_snapshot(&mut r)?)),
            11 => Self::GroupDeleted {
                topic: r.str()?,
                group: r.str()?,
            },
            12 => Self::RetentionSet {
                topic: r.str()?,
                retention_age_ms: r.opt_i64()?,
                retention_bytes: r.opt_u64()?,
            },
            13 => Self::PartitionsGrown {
                topic: r.str()?,
                partitions: r.u32()?,
            },
            14 => Self::RetryPolicySet {
                topic: r.str()?,
                policy: match r.u8()? {
                    0 => None,
                    _ => Some(get_policy(&mut r)?),
                },
            },
            15 => Self::OrderingSet {
                topic: r.str()?,
                ordering: TopicOrdering::from_code(r.u8()?)?,
            },
            t => return Err(CodecError(format!("unknown state record type {t}"))),
        };
        if !r.is_done() {
            return Err(CodecError("trailing bytes after state record".into()));
        }
        Ok(rec)
    }

    /// The records of a group's deliveries (ack, failure, dead letter, seek): most of the log.
    fn put_settlement(&self, w: &mut Writer) {
        match self {
            Self::Acked {
                topic,
                group,
                partition,
                offsets,
                scopes,
                skipped,
            } => {
                w.u8(4)
                    .str(topic)
                    .str(group)
                    .u32(*partition)
                    .u64s(offsets)
                    .strs(scopes)
                    .bool(*skipped);
            }
            Self::Failed {
                topic,
                group,
                partition,
                offset,
                attempts,
                next_eligible_ms,
                error,
                cause,
                exhausted,
            } => {
                w.u8(5)
                    .str(topic)
                    .str(group)
                    .u32(*partition)
                    .u64(*offset)
                    .u32(*attempts)
                    .i64(*next_eligible_ms)
                    .str(error)
                    .u8(match cause {
                        FailCause::LeaseExpired => 0,
                        FailCause::Nack => 1,
                    })
                    .bool(*exhausted);
            }
            Self::DeadLettered {
                topic,
                group,
                partition,
                offset,
                attempts,
                dlq_partition,
                dlq_offset,
                cause,
            } => {
                w.u8(match cause {
                    DeadLetterCause::AttemptsUsedUp => 6,
                    DeadLetterCause::Nack => 16,
                })
                .str(topic)
                .str(group)
                .u32(*partition)
                .u64(*offset)
                .u32(*attempts)
                .u32(*dlq_partition)
                .u64(*dlq_offset);
            }
            Self::Seek {
                topic,
                group,
                partition,
                floor,
                cause,
            } => {
                w.u8(7)
                    .str(topic)
                    .str(group)
                    .u32(*partition)
                    .u64(*floor)
                    .u8(match cause {
                        SeekCause::User => 0,
                        SeekCause::Retention => 1,
                    });
            }
            _ => {}
        }
    }

    fn get_settlement(code: u8, r: &mut Reader<'_>) -> Result<Self, CodecError> {
        Ok(match code {
            4 => Self::Acked {
                topic: r.str()?,
                group: r.str()?,
                partition: r.u32()?,
                offsets: r.u64s()?,
                scopes: r.strs()?,
                skipped: r.bool()?,
            },
            5 => Self::Failed {
                topic: r.str()?,
                group: r.str()?,
                partition: r.u32()?,
                offset: r.u64()?,
                attempts: r.u32()?,
                next_eligible_ms: r.i64()?,
                error: r.str()?,
                cause: if r.u8()? == 0 {
                    FailCause::LeaseExpired
                } else {
                    FailCause::Nack
                },
                exhausted: r.bool()?,
            },
            code @ (6 | 16) => Self::DeadLettered {
                topic: r.str()?,
                group: r.str()?,
                partition: r.u32()?,
                offset: r.u64()?,
                attempts: r.u32()?,
                dlq_partition: r.u32()?,
                dlq_offset: r.u64()?,
                cause: if code == 6 {
                    DeadLetterCause::AttemptsUsedUp
                } else {
                    DeadLetterCause::Nack
                },
            },
            7 => Self::Seek {
                topic: r.str()?,
                group: r.str()?,
                partition: r.u32()?,
                floor: r.u64()?,
                cause: if r.u8()? == 0 {
                    SeekCause::User
                } else {
                    SeekCause::Retention
                },
            },
            t => return Err(CodecError(format!("unknown state record type {t}"))),
        })
    }

    /// One line for `wal inspect`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Snapshot(s) => format!(
                "Snapshot {{ topics: {}, groups: {}, producer_keys: {}, replayed: {} }}",
                s.topics.len(),
                s.groups.len(),
                s.producer_keys.len(),
                s.replayed.len()
            ),
            other => format!("{other:?}"),
        }
    }
}

fn put_policy(w: &mut Writer, p: &RetryPolicy) {
    w.u32(p.max_attempts)
        .u64(p.backoff_ms)
        .u64(p.max_backoff_ms);
}

fn get_policy(r: &mut Reader<'_>) -> Result<RetryPolicy, CodecError> {
    Ok(RetryPolicy {
        max_attempts: r.u32()?,
        backoff_ms: r.u64()?,
        max_backoff_ms: r.u64()?,
    })
}

fn put_topic(w: &mut Writer, t: &TopicMeta) {
    w.str(&t.name)
        .u32(t.partitions)
        .opt_i64(t.retention_age_ms)
        .opt_u64(t.retention_bytes);
}

fn get_topic(r: &mut Reader<'_>) -> Result<TopicMeta, CodecError> {
    Ok(TopicMeta {
        name: r.str()?,
        partitions: r.u32()?,
        retention_age_ms: r.opt_i64()?,
        retention_bytes: r.opt_u64()?,
        retry: None,
        ordering: TopicOrdering::None,
    })
}

#[cfg(test)]
mod tests;
