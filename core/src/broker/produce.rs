//! Produce: each message is planned in steps (delay, route, deadline, partition, idempotency,
//! backpressure), then messages bound for one partition are appended as one batch. Results
//! hold once [`DeferredProduce`] says the batches are durable.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::config::MAX_DELAY_MS;
use super::envelope::{Envelope, MessageMeta, Routing};
use super::error::{BrokerError, Result, append_failure, same_failure};
use super::idempotency::{ProducerKey, idempotency_scope, log_key_commit};
use super::journal::{Deferred, DeferredProduce};
use super::router::RouteInput;
use super::state::StateRecord;
use super::topic::{Partition, Partitions, Topic};
use super::{Broker, as_i64, key_partition, lock};
use crate::storage::Record;

/// One message to produce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProduceMessage {
    pub key: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub value: Vec<u8>,
    pub envelope: Option<Envelope>,
    /// Explicit partition (the envelope's `partition_override` and a router win over it).
    pub partition: Option<u32>,
    /// No group gets the message until this long after it is produced (SQS's `DelaySeconds`;
    /// at most [`MAX_DELAY_MS`]). Messages behind it are not held up.
    pub delay_ms: Option<u64>,
}

impl ProduceMessage {
    /// The log record of this message with `meta` as its metadata, stamped `now_ms`.
    pub(super) fn into_record(self, meta: &MessageMeta, now_ms: i64) -> Record {
        Record {
            timestamp: now_ms,
            key: self.key,
            headers: self.headers,
            value: self.value,
            metadata: meta.encode(),
        }
    }
}

/// A message as another broker stored it, for [`Broker::restore_messages`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoredMessage {
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
    pub meta: MessageMeta,
}

/// Where a produced message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// The final topic (after `target_topic` / router).
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    /// The idempotency key was seen within the TTL: nothing was written, this is the first
    /// write's position.
    pub duplicate: bool,
}

/// Per-call memory of a produce: the sticky partition of keyless messages per topic, and the
/// backlog per (topic, partition).
#[derive(Default)]
pub(super) struct ProduceCall {
    /// Every topic this call has looked up, with its partitions as the call first saw them.
    /// Most calls name one topic and every message after the first finds both here without
    /// taking a lock; holding them also keeps their addresses (the keys below) from being
    /// reused while the call runs.
    pub(super) topics: Vec<(Arc<Topic>, Partitions)>,
    /// Sticky partition per topic, keyed by the topic's address: no name cloned or hashed per
    /// message.
    pub(super) sticky: HashMap<usize, u32>,
    pub(super) backlog: HashMap<(usize, u32), Backlog>,
    /// Idempotency scopes this call writes → the index of the message that writes it.
    pub(super) scopes: HashMap<String, usize>,
}

/// What one produce call counts against a partition's backpressure limits.
#[derive(Default)]
pub(super) struct Backlog {
    /// Bytes stored behind the slowest group, once looked up.
    pub(super) stored_bytes: Option<u64>,
    /// Messages (and their key + value bytes) this call will write to the partition.
    pub(super) planned_msgs: u64,
    pub(super) planned_bytes: u64,
}

impl ProduceCall {
    /// The index of `name` in [`Self::topics`], looked up once per call.
    pub(super) fn topic(&mut self, broker: &Broker, name: &str) -> Result<usize> {
        if let Some(i) = self.topics.iter().position(|(t, _)| t.meta.name == name) {
            return Ok(i);
        }
        let t = broker.topic(name)?;
        let parts = t.parts();
        self.topics.push((t, parts));
        Ok(self.topics.len() - 1)
    }
}

/// A topic's identity within one produce call (see [`ProduceCall::topics`]).
pub(super) fn topic_key(topic: &Arc<Topic>) -> usize {
    Arc::as_ptr(topic) as usize
}

pub(super) enum PlanOutcome {
    Duplicate(Produced),
    /// The same idempotency key as an earlier message of this call (its index): stored once,
    /// answered with that message's position.
    DuplicateInCall(usize),
    Write {
        topic: Arc<Topic>,
        partition: u32,
        record: Record,
        scope: Option<String>,
    },
}

impl Broker {
    /// Produces messages to `topic`; each gets its own result. Messages bound for the same
    /// partition are written as one batch. Returns once they are appended (never blocking on the
    /// disk): the results hold once [`DeferredProduce::durable`] (async, no thread parked per
    /// call) or [`DeferredProduce::wait`] returns, which also commit idempotency keys after the
    /// messages they name are durable.
    pub fn produce(
        &self,
        topic: &str,
        messages: Vec<ProduceMessage>,
        now_ms: i64,
    ) -> DeferredProduce {
        self.produce_inner(topic, messages, now_ms, true)
    }

    pub(super) fn produce_inner(
        &self,
        requested_topic: &str,
        messages: Vec<ProduceMessage>,
        now_ms: i64,
        use_router: bool,
    ) -> DeferredProduce {
        let mut results: Vec<Option<Result<Produced>>> =
            (0..messages.len()).map(|_| None).collect();
        let mut planned: Vec<Planned> = Vec::with_capacity(messages.len());
        // Keyless messages of one call stick to one partition per topic (as Kafka's sticky
        // partitioner does): one batch, one fsync, instead of one per partition.
        let mut call = ProduceCall::default();
        let mut in_call_duplicates: Vec<(usize, usize)> = Vec::new();
        for (index, msg) in messages.into_iter().enumerate() {
            match self.plan_message(requested_topic, msg, now_ms, use_router, &mut call) {
                Ok(PlanOutcome::Duplicate(p)) => results[index] = Some(Ok(p)),
                Ok(PlanOutcome::DuplicateInCall(first)) => in_call_duplicates.push((index, first)),
                Ok(PlanOutcome::Write {
                    topic,
                    partition,
                    record,
                    scope,
                }) => {
                    if let Some(scope) = &scope {
                        call.scopes.insert(scope.clone(), index);
                    }
                    planned.push(Planned {
                        index,
                        topic,
                        partition,
                        record,
                        scope,
                    });
                }
                Err(e) => results[index] = Some(Err(e)),
            }
        }
        let targets = by_partition(planned);
        let mut batches = Vec::new();
        // (batch, scope, partition, offset) of keyed messages written
        let mut scoped: Vec<(usize, String, u32, u64)> = Vec::new();
        for mut group in targets {
            let Some(first) = group.first() else {
                continue;
            };
            let topic = Arc::clone(&first.topic);
            let partition = first.partition;
            let part = &topic.parts()[partition as usize];
            let records: Vec<Record> = group
                .iter_mut()
                .map(|p| std::mem::take(&mut p.record))
                .collect();
            match part.log.append_deferred(&records, now_ms) {
                Ok(a) => {
                    part.count_produced(&records);
                    let mut indices = Vec::with_capacity(group.len());
                    for (i, p) in group.into_iter().enumerate() {
                        let offset = a.base_offset + i as u64;
                        if let Some(scope) = p.scope {
                            scoped.push((batches.len(), scope, p.partition, offset));
                        }
                        results[p.index] = Some(Ok(Produced {
                            topic: topic.meta.name.clone(),
                            partition: p.partition,
                            offset,
                            duplicate: false,
                        }));
                        indices.push(p.index);
                    }
                    batches.push((Arc::clone(&part.log), a, indices));
                }
                Err(e) => {
                    let mut keys = lock(&self.producer_keys);
                    for p in group {
                        if let Some(scope) = &p.scope {
                            keys.remove(scope);
                        }
                        results[p.index] = Some(Err(append_failure(&e)));
                    }
                }
            }
        }
        DeferredProduce {
            results: settle_results(results, &in_call_duplicates),
            batches,
            keys: scoped,
            now_ms,
        }
    }

    /// Appends `messages` to one partition as they are (a migration from another broker): no
    /// router, deadline, idempotency check or target-topic redirect applies, and backpressure
    /// does not either. Envelope idempotency keys are committed as a produce would commit them
    /// (not those of DLQ copies and replays, which a produce never writes), so dedupe holds
    /// across the move. Returns the offset of the first message.
    pub fn restore_messages(
        &self,
        topic: &str,
        partition: u32,
        messages: Vec<RestoredMessage>,
        now_ms: i64,
    ) -> Result<u64> {
        let t = self.topic(topic)?;
        let part = t.partition(partition)?;
        let mut scopes = Vec::with_capacity(messages.len());
        let records: Vec<Record> = messages
            .into_iter()
            .map(|m| {
                let written_by_produce = m.meta.dlq.is_none() && m.meta.replay.is_none();
                scopes.push(m.meta.envelope.as_ref().and_then(|e| {
                    (written_by_produce && !e.idempotency_key.is_empty())
                        .then(|| idempotency_scope(&e.tenant_id, topic, &e.idempotency_key))
                }));
                Record {
                    timestamp: now_ms,
                    key: m.key,
                    headers: Vec::new(),
                    value: m.value,
                    metadata: m.meta.encode(),
                }
            })
            .collect();
        let appended = part.log.append(&records, now_ms)?;
        part.count_produced(&records);
        let key_records: Vec<StateRecord> = scopes
            .into_iter()
            .enumerate()
            .filter_map(|(i, scope)| {
                Some(StateRecord::ProducerKey {
                    scope: scope?,
                    partition,
                    offset: appended.base_offset + i as u64,
                    expires_ms: now_ms.saturating_add(self.config.idempotency_ttl_ms),
                })
            })
            .collect();
        log_key_commit(
            self.commit_producer_keys(&key_records, now_ms)
                .and_then(Deferred::wait),
        );
        Ok(appended.base_offset)
    }

    /// Plans one message of a produce call, step by step: delay, route, deadline, partition,
    /// idempotency, backpressure. Nothing is written here; a planned write holds its
    /// idempotency key as pending.
    pub(super) fn plan_message(
        &self,
        requested_topic: &str,
        mut msg: ProduceMessage,
        now_ms: i64,
        use_router: bool,
        call: &mut ProduceCall,
    ) -> Result<PlanOutcome> {
        let deliver_at_ms = delivery_time(msg.delay_ms, now_ms)?;
        let mut envelope = msg.envelope.take().unwrap_or_default();
        let (routing, router_partition) = if use_router {
            self.route(requested_topic, &msg, &mut envelope)
        } else {
            (None, None)
        };
        check_deadline(&envelope, now_ms)?;
        let index = if envelope.target_topic.is_empty() {
            call.topic(self, requested_topic)?
        } else {
            call.topic(self, &envelope.target_topic)?
        };
        let (topic, parts) = &call.topics[index];
        let final_topic = topic.meta.name.as_str();
        let n = u32::try_from(parts.len()).unwrap_or(u32::MAX);
        let explicit = router_partition
            .or(envelope.partition_override)
            .or(msg.partition);
        let partition = explicit.unwrap_or_else(|| {
            keyed_or_sticky_partition(&mut call.sticky, topic, msg.key.as_deref(), n)
        });
        let Some(part) = parts.get(partition as usize) else {
            return Err(BrokerError::PartitionOutOfRange {
                topic: final_topic.to_owned(),
                partition,
                partitions: n,
            });
        };
        let scope = (!envelope.idempotency_key.is_empty()).then(|| {
            idempotency_scope(&envelope.tenant_id, final_topic, &envelope.idempotency_key)
        });
        if let Some(&first) = scope.as_ref().and_then(|s| call.scopes.get(s)) {
            return Ok(PlanOutcome::DuplicateInCall(first));
        }
        let backlog = call
            .backlog
            .entry((topic_key(topic), partition))
            .or_default();
        let incoming = self.check_backpressure(part, &msg, backlog)?;
        if let Some(scope) = &scope
            && let Some(first) = self.claim_producer_key(scope, final_topic, now_ms)?
        {
            return Ok(PlanOutcome::Duplicate(first));
        }
        let meta = MessageMeta {
            envelope: (!envelope.is_empty()).then_some(envelope),
            routing,
            dlq: None,
            replay: None,
            deliver_at_ms,
        };
        let record = msg.into_record(&meta, now_ms);
        // Counted only once the message will be written: a duplicate or a refused one takes
        // no room from the rest of the batch.
        backlog.planned_msgs += 1;
        backlog.planned_bytes += incoming;
        Ok(PlanOutcome::Write {
            topic: Arc::clone(topic),
            partition,
            record,
            scope,
        })
    }

    /// The router's decision for `msg` (its target topic goes into `envelope`): the routing
    /// label to record and the partition it chose. A failing router is counted and logged, and
    /// the message goes on unrouted.
    fn route(
        &self,
        requested_topic: &str,
        msg: &ProduceMessage,
        envelope: &mut Envelope,
    ) -> (Option<Routing>, Option<u32>) {
        let Some(router) = &self.router else {
            return (None, None);
        };
        let input = RouteInput {
            topic: requested_topic,
            key: msg.key.as_deref(),
            headers: &msg.headers,
            value: &msg.value,
        };
        match router.route(&input) {
            Ok(Some(d)) => {
                if let Some(t) = &d.target_topic {
                    envelope.target_topic = t.clone();
                }
                let routing = Routing {
                    label: d.label,
                    meta: d.meta,
                };
                (Some(routing), d.partition)
            }
            Ok(None) => (None, None),
            Err(e) => {
                self.router_errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(topic = requested_topic, error = %e, "router failed; message produced without routing");
                *lock(&self.last_router_error) = Some(e);
                (None, None)
            }
        }
    }

    /// Marks `scope` pending for this write, or answers with the first write's position when
    /// the key was committed within its TTL. A key another call is still writing is refused.
    fn claim_producer_key(
        &self,
        scope: &str,
        final_topic: &str,
        now_ms: i64,
    ) -> Result<Option<Produced>> {
        let mut keys = lock(&self.producer_keys);
        match keys.get(scope) {
            Some(ProducerKey::Committed {
                partition,
                offset,
                expires_ms,
            }) if *expires_ms > now_ms => Ok(Some(Produced {
                topic: final_topic.to_owned(),
                partition: *partition,
                offset: *offset,
                duplicate: true,
            })),
            Some(ProducerKey::Pending) => Err(BrokerError::IdempotencyInFlight),
            _ => {
                keys.insert(scope.to_owned(), ProducerKey::Pending);
                Ok(None)
            }
        }
    }

    /// Refuses `msg` when the partition, with what this call already plans to write to it, would
    /// hold more than the limits behind its slowest group; returns the bytes it counts for.
    /// `backlog` caches the stored bytes behind that group for the rest of the call (the index
    /// lookups should not be repeated for every message of a batch).
    pub(super) fn check_backpressure(
        &self,
        part: &Partition,
        msg: &ProduceMessage,
        backlog: &mut Backlog,
    ) -> Result<u64> {
        let incoming = msg.value.len() as u64 + msg.key.as_ref().map_or(0, |k| k.len() as u64);
        let min_floor = part.min_floor.load(Ordering::Acquire);
        if min_floor == u64::MAX {
            return Ok(incoming);
        }
        let hw = part.log.high_watermark();
        let stored = hw.saturating_sub(min_floor);
        if stored + backlog.planned_msgs + 1 > self.config.max_partition_msgs {
            return Err(BrokerError::Overloaded {
                reason: "partition_buffer_full",
                retry_after_ms: 1000,
            });
        }
        let stored_bytes = match backlog.stored_bytes {
            Some(b) => b,
            None if stored == 0 => 0,
            None => {
                let b = part.log.bytes_from(min_floor)?;
                backlog.stored_bytes = Some(b);
                b
            }
        };
        if stored_bytes + backlog.planned_bytes + incoming > self.config.max_partition_bytes {
            return Err(BrokerError::Overloaded {
                reason: "partition_buffer_bytes_full",
                retry_after_ms: 1000,
            });
        }
        Ok(incoming)
    }
}

/// When a message produced with `delay_ms` becomes deliverable (`None`: at once).
fn delivery_time(delay_ms: Option<u64>, now_ms: i64) -> Result<Option<i64>> {
    match delay_ms {
        Some(d) if d > MAX_DELAY_MS => Err(BrokerError::InvalidArgument(format!(
            "delay of {d} ms is longer than the maximum of {MAX_DELAY_MS} ms (15 min)"
        ))),
        Some(d) if d > 0 => Ok(Some(now_ms.saturating_add(as_i64(d)))),
        _ => Ok(None),
    }
}

/// A message whose envelope deadline has passed is refused, not stored.
fn check_deadline(envelope: &Envelope, now_ms: i64) -> Result<()> {
    match envelope.deadline_ns {
        Some(deadline_ns) if deadline_ns / 1_000_000 < now_ms => Err(BrokerError::DeadlineExceeded),
        _ => Ok(()),
    }
}

/// A keyed message's partition is its key's hash; keyless messages of one call stick to one
/// partition per topic, taken round-robin across calls.
fn keyed_or_sticky_partition(
    sticky: &mut HashMap<usize, u32>,
    topic: &Arc<Topic>,
    key: Option<&[u8]>,
    partitions: u32,
) -> u32 {
    match key {
        Some(k) if !k.is_empty() => key_partition(k, partitions),
        _ => *sticky.entry(topic_key(topic)).or_insert_with(|| {
            (topic.round_robin.fetch_add(1, Ordering::Relaxed) % u64::from(partitions)) as u32
        }),
    }
}

/// A message of a produce call that will be written.
struct Planned {
    index: usize,
    topic: Arc<Topic>,
    partition: u32,
    record: Record,
    scope: Option<String>,
}

/// One batch per (topic, partition), in the order messages came. `planned` holds every topic's
/// `Arc`, so the addresses used as keys stay unique while this runs.
fn by_partition(planned: Vec<Planned>) -> Vec<Vec<Planned>> {
    let mut targets: Vec<Vec<Planned>> = Vec::new();
    let mut target_of: HashMap<(usize, u32), usize> = HashMap::new();
    for p in planned {
        let slot = *target_of
            .entry((topic_key(&p.topic), p.partition))
            .or_insert_with(|| {
                targets.push(Vec::new());
                targets.len() - 1
            });
        targets[slot].push(p);
    }
    targets
}

/// Every message's result: a repeat of a key within the call answers as its first message
/// did (a duplicate of it, or the same failure).
fn settle_results(
    mut results: Vec<Option<Result<Produced>>>,
    in_call_duplicates: &[(usize, usize)],
) -> Vec<Result<Produced>> {
    let unprocessed = || BrokerError::InvalidArgument("message was not processed".into());
    for &(index, first) in in_call_duplicates {
        results[index] = Some(match &results[first] {
            Some(Ok(p)) => Ok(Produced {
                duplicate: true,
                ..p.clone()
            }),
            Some(Err(e)) => Err(same_failure(e)),
            None => Err(unprocessed()),
        });
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(unprocessed())))
        .collect()
}
