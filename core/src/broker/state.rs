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

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct GroupPartitionSnapshot {
    pub floor: u64,
    pub acked: Vec<u64>,
    pub retries: Vec<(u64, RetryEntry)>,
    pub counters: Counters,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct GroupSnapshot {
    pub topic: String,
    pub group: String,
    pub partitions: Vec<GroupPartitionSnapshot>,
    /// Consumer-side idempotency scopes this group acked, with their expiry.
    pub committed_keys: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Snapshot {
    pub topics: Vec<TopicMeta>,
    pub groups: Vec<GroupSnapshot>,
    /// (scope, partition, offset, expires_ms)
    pub producer_keys: Vec<(String, u32, u64, i64)>,
    /// (dlq topic, partition, offset, moved)
    pub replayed: Vec<(String, u32, u64, bool)>,
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

fn put_counters(w: &mut Writer, c: &Counters) {
    for v in [
        c.acks,
        c.nacks,
        c.lease_timeouts,
        c.redeliveries,
        c.dead_lettered,
        c.skipped_duplicates,
        c.skipped_by_retention,
        c.exhausted,
    ] {
        w.u64(v);
    }
}

fn get_counters(r: &mut Reader<'_>) -> Result<Counters, CodecError> {
    Ok(Counters {
        acks: r.u64()?,
        nacks: r.u64()?,
        lease_timeouts: r.u64()?,
        redeliveries: r.u64()?,
        dead_lettered: r.u64()?,
        skipped_duplicates: r.u64()?,
        skipped_by_retention: r.u64()?,
        exhausted: r.u64()?,
        // Carried by the snapshot's last section (older snapshots did not count them apart).
        dead_letter_nacks: 0,
    })
}

/// `| u32 n topics | topics | u32 n groups | groups | u32 n keys | keys | u32 n replayed | … |`
fn put_snapshot(w: &mut Writer, s: &Snapshot) {
    w.count(s.topics.len());
    for t in &s.topics {
        put_topic(w, t);
    }
    w.count(s.groups.len());
    for g in &s.groups {
        w.str(&g.topic).str(&g.group).count(g.partitions.len());
        for p in &g.partitions {
            w.u64(p.floor).u64s(&p.acked).count(p.retries.len());
            for (offset, e) in &p.retries {
                w.u64(*offset)
                    .u32(e.attempts)
                    .i64(e.next_eligible_ms)
                    .strs(&e.errors);
            }
            put_counters(w, &p.counters);
        }
        w.count(g.committed_keys.len());
        for (k, exp) in &g.committed_keys {
            w.str(k).i64(*exp);
        }
    }
    w.count(s.producer_keys.len());
    for (scope, p, o, exp) in &s.producer_keys {
        w.str(scope).u32(*p).u64(*o).i64(*exp);
    }
    w.count(s.replayed.len());
    for (t, p, o, moved) in &s.replayed {
        w.str(t).u32(*p).u64(*o).bool(*moved);
    }
    let with_policy: Vec<(&str, &RetryPolicy)> = s
        .topics
        .iter()
        .filter_map(|t| Some((t.name.as_str(), t.retry.as_ref()?)))
        .collect();
    w.count(with_policy.len());
    for (topic, p) in with_policy {
        w.str(topic);
        put_policy(w, p);
    }
    let ordered: Vec<&str> = s
        .topics
        .iter()
        .filter(|t| t.ordering == TopicOrdering::Key)
        .map(|t| t.name.as_str())
        .collect();
    w.count(ordered.len());
    for topic in ordered {
        w.str(topic);
    }
    let nacked: Vec<(&GroupSnapshot, usize, u64)> = s
        .groups
        .iter()
        .flat_map(|g| {
            g.partitions
                .iter()
                .enumerate()
                .filter(|(_, p)| p.counters.dead_letter_nacks > 0)
                .map(move |(i, p)| (g, i, p.counters.dead_letter_nacks))
        })
        .collect();
    w.count(nacked.len());
    for (g, partition, count) in nacked {
        w.str(&g.topic)
            .str(&g.group)
            .u32(u32::try_from(partition).unwrap_or(u32::MAX))
            .u64(count);
    }
}

fn get_snapshot(r: &mut Reader<'_>) -> Result<Snapshot, CodecError> {
    let mut s = Snapshot::default();
    for _ in 0..r.count()? {
        s.topics.push(get_topic(r)?);
    }
    for _ in 0..r.count()? {
        let mut g = GroupSnapshot {
            topic: r.str()?,
            group: r.str()?,
            ..GroupSnapshot::default()
        };
        for _ in 0..r.count()? {
            let mut p = GroupPartitionSnapshot {
                floor: r.u64()?,
                acked: r.u64s()?,
                ..Default::default()
            };
            for _ in 0..r.count()? {
                let offset = r.u64()?;
                p.retries.push((
                    offset,
                    RetryEntry {
                        attempts: r.u32()?,
                        next_eligible_ms: r.i64()?,
                        errors: r.strs()?,
                    },
                ));
            }
            p.counters = get_counters(r)?;
            g.partitions.push(p);
        }
        for _ in 0..r.count()? {
            g.committed_keys.push((r.str()?, r.i64()?));
        }
        s.groups.push(g);
    }
    for _ in 0..r.count()? {
        s.producer_keys
            .push((r.str()?, r.u32()?, r.u64()?, r.i64()?));
    }
    for _ in 0..r.count()? {
        s.replayed.push((r.str()?, r.u32()?, r.u64()?, r.bool()?));
    }
    // Absent from snapshots written before topics had retry policies.
    if !r.is_done() {
        for _ in 0..r.count()? {
            let topic = r.str()?;
            let policy = get_policy(r)?;
            if let Some(t) = s.topics.iter_mut().find(|t| t.name == topic) {
                t.retry = Some(policy);
            }
        }
    }
    // Absent from snapshots written before topics had an ordering.
    if !r.is_done() {
        for _ in 0..r.count()? {
            let topic = r.str()?;
            if let Some(t) = s.topics.iter_mut().find(|t| t.name == topic) {
                t.ordering = TopicOrdering::Key;
            }
        }
    }
    // Absent from snapshots written before dead-letter nacks were counted apart.
    if !r.is_done() {
        for _ in 0..r.count()? {
            let (topic, group, partition, count) = (r.str()?, r.str()?, r.u32()?, r.u64()?);
            if let Some(p) = s
                .groups
                .iter_mut()
                .find(|g| g.topic == topic && g.group == group)
                .and_then(|g| g.partitions.get_mut(partition as usize))
            {
                p.counters.dead_letter_nacks = count;
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_snapshot() -> Snapshot {
        Snapshot {
            topics: vec![TopicMeta {
                name: "t".into(),
                partitions: 2,
                retention_age_ms: Some(5),
                retention_bytes: None,
                retry: Some(RetryPolicy {
                    max_attempts: 3,
                    backoff_ms: 100,
                    max_backoff_ms: 1_000,
                }),
                ordering: TopicOrdering::Key,
            }],
            groups: vec![GroupSnapshot {
                topic: "t".into(),
                group: "g".into(),
                partitions: vec![GroupPartitionSnapshot {
                    floor: 3,
                    acked: vec![5, 7],
                    retries: vec![(
                        4,
                        RetryEntry {
                            attempts: 2,
                            next_eligible_ms: 9,
                            errors: vec!["e".into()],
                        },
                    )],
                    counters: Counters {
                        acks: 4,
                        dead_lettered: 3,
                        dead_letter_nacks: 2,
                        ..Counters::default()
                    },
                }],
                committed_keys: vec![("t\0k".into(), 99)],
            }],
            producer_keys: vec![("s".into(), 1, 2, 3)],
            replayed: vec![("dlq.t".into(), 0, 1, true)],
        }
    }

    /// One record of every type, with every variant of their causes.
    fn sample_records() -> Vec<StateRecord> {
        let snap = sample_snapshot();
        vec![
            // `TopicCreated` does not carry the retry policy (a `RetryPolicySet` follows it).
            StateRecord::TopicCreated(TopicMeta {
                retry: None,
                ordering: TopicOrdering::None,
                ..snap.topics[0].clone()
            }),
            StateRecord::TopicDeleted { name: "t".into() },
            StateRecord::GroupCreated {
                topic: "t".into(),
                group: "g".into(),
                floors: vec![0, 3],
            },
            StateRecord::Acked {
                topic: "t".into(),
                group: "g".into(),
                partition: 1,
                offsets: vec![1, 2],
                scopes: vec!["x".into()],
                skipped: true,
            },
            StateRecord::Failed {
                topic: "t".into(),
                group: "g".into(),
                partition: 0,
                offset: 4,
                attempts: 2,
                next_eligible_ms: 8,
                error: "boom".into(),
                cause: FailCause::Nack,
                exhausted: true,
            },
            StateRecord::DeadLettered {
                topic: "t".into(),
                group: "g".into(),
                partition: 0,
                offset: 4,
                attempts: 3,
                dlq_partition: 1,
                dlq_offset: 0,
                cause: DeadLetterCause::AttemptsUsedUp,
            },
            StateRecord::DeadLettered {
                topic: "t".into(),
                group: "g".into(),
                partition: 1,
                offset: 9,
                attempts: 1,
                dlq_partition: 1,
                dlq_offset: 1,
                cause: DeadLetterCause::Nack,
            },
            StateRecord::Seek {
                topic: "t".into(),
                group: "g".into(),
                partition: 0,
                floor: 10,
                cause: SeekCause::Retention,
            },
        ]
        .into_iter()
        .chain(sample_topic_records())
        .collect()
    }

    /// The records of producer keys, replays, snapshots and topic settings.
    fn sample_topic_records() -> Vec<StateRecord> {
        vec![
            StateRecord::ProducerKey {
                scope: "s".into(),
                partition: 0,
                offset: 1,
                expires_ms: 2,
            },
            StateRecord::Replayed {
                dlq_topic: "dlq.t".into(),
                partition: 0,
                offsets: vec![3],
                moved: false,
            },
            StateRecord::Snapshot(Box::new(sample_snapshot())),
            StateRecord::GroupDeleted {
                topic: "t".into(),
                group: "g".into(),
            },
            StateRecord::RetentionSet {
                topic: "t".into(),
                retention_age_ms: Some(60_000),
                retention_bytes: None,
            },
            StateRecord::PartitionsGrown {
                topic: "t".into(),
                partitions: 8,
            },
            StateRecord::RetryPolicySet {
                topic: "t".into(),
                policy: Some(RetryPolicy {
                    max_attempts: 5,
                    backoff_ms: 0,
                    max_backoff_ms: 0,
                }),
            },
            StateRecord::RetryPolicySet {
                topic: "t".into(),
                policy: None,
            },
            StateRecord::OrderingSet {
                topic: "t".into(),
                ordering: TopicOrdering::Key,
            },
        ]
    }

    #[test]
    fn records_round_trip() {
        let snap = sample_snapshot();
        // Snapshots written before topics had retry policies, an ordering, or dead-letter nacks
        // counted apart end without those sections.
        let plain = StateRecord::Snapshot(Box::new(Snapshot {
            topics: vec![TopicMeta {
                retry: None,
                ordering: TopicOrdering::None,
                ..snap.topics[0].clone()
            }],
            ..Snapshot::default()
        }));
        let bytes = plain.encode();
        assert_eq!(
            bytes[bytes.len() - 12..],
            [0; 12],
            "empty policy, ordering and dead-letter nack sections"
        );
        for cut in [4, 8, 12] {
            assert_eq!(
                StateRecord::decode(&bytes[..bytes.len() - cut]),
                Ok(plain.clone())
            );
        }
        let records = sample_records();
        for rec in records {
            let bytes = rec.encode();
            assert_eq!(
                StateRecord::decode(&bytes),
                Ok(rec.clone()),
                "{}",
                rec.type_name()
            );
            assert!(StateRecord::decode(&bytes[..bytes.len() - 1]).is_err());
        }
    }
}
