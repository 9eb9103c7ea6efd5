//! Broker semantics against real logs in a temp directory, with an injected clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use driftq_core::broker::REPLY_BYTES;
use driftq_core::broker::inspect::{MAX_STATE_ROWS, MessageState, StateQuery};

use driftq_core::broker::{
    Broker, BrokerConfig, BrokerError, Deferred, Delivery, Envelope, GroupStats, LeaseRef,
    NackAction, ProduceMessage, Produced, ReadFrom, ReplayItem, ReplayRequest, RetryPolicy,
    RuleRouter, SeekTo, Stats, TopicChange, TopicMeta, TopicOrdering,
};

use driftq_core::storage::Durability;
use proptest::prelude::*;

struct Harness {
    dir: tempfile::TempDir,
    config: BrokerConfig,
    broker: Option<Broker>,
    now: i64,
}

impl Harness {
    fn new() -> Self {
        Self::with(|_| {})
    }

    fn with(tweak: impl FnOnce(&mut BrokerConfig)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = BrokerConfig::new(dir.path());
        config.durability = Durability::Never;
        tweak(&mut config);
        let now = 1_700_000_000_000;
        let broker = Broker::open(config.clone(), None, now).expect("open");
        Self {
            dir,
            config,
            broker: Some(broker),
            now,
        }
    }

    fn b(&self) -> &Broker {
        self.broker.as_ref().expect("open broker")
    }

    fn restart(&mut self) {
        if let Some(b) = self.broker.take() {
            b.close().expect("close");
        }
        self.broker = Some(Broker::open(self.config.clone(), None, self.now).expect("reopen"));
    }

    /// Drops the broker without closing it, as a crash would (with `never` the page cache keeps
    /// what was written, like a SIGKILL).
    fn crash(&mut self) {
        self.broker = None;
        self.broker = Some(Broker::open(self.config.clone(), None, self.now).expect("reopen"));
    }

    fn topic(&self, name: &str, partitions: u32) {
        self.b()
            .create_topic(name, partitions, None, None, self.now)
            .expect("create");
    }

    fn produce(&self, topic: &str, msg: ProduceMessage) -> (u32, u64, bool) {
        let r = self.try_produce(topic, msg).expect("produced");
        (r.partition, r.offset, r.duplicate)
    }

    /// Produces `n` messages `m0`, `m1`, … to `topic`, one at a time.
    fn produce_n(&self, topic: &str, n: usize) {
        for i in 0..n {
            self.produce(topic, msg(&format!("m{i}")));
        }
    }

    /// Produces the way the server does: appended, then awaited (keys committed after the
    /// message is durable). Tests that call `Broker::produce` directly cover the blocking path.
    fn try_produce(&self, topic: &str, msg: ProduceMessage) -> Result<Produced, BrokerError> {
        let deferred = self.b().produce(topic, vec![msg], self.now);
        crate::pool::block_on(deferred.durable(self.b()))
            .pop()
            .expect("one result per message")
    }

    fn poll(&self, topic: &str, group: &str, owner: &str, max: usize) -> Vec<Delivery> {
        self.b()
            .poll(topic, group, owner, max, 1_000, self.now)
            .and_then(Deferred::wait)
            .expect("poll")
    }

    fn ack(&self, d: &Delivery) -> Result<(), BrokerError> {
        self.b()
            .ack(&lease_ref(d), self.now)
            .and_then(Deferred::wait)
    }

    /// A DLQ replay at the harness's time.
    fn replay(&self, req: ReplayRequest) -> Vec<ReplayItem> {
        self.b().dlq_replay(&req, self.now).expect("replay")
    }

    fn tick(&mut self, advance_ms: i64) {
        self.now += advance_ms;
        self.b().tick(self.now).expect("tick");
    }

    fn stats(&self) -> Stats {
        self.b().stats(self.now)
    }

    fn _path(&self) -> &Path {
        self.dir.path()
    }
}

fn lease_ref(d: &Delivery) -> LeaseRef<'_> {
    LeaseRef {
        topic: &d.message.topic,
        group: &d.group,
        owner: &d.owner,
        partition: d.message.partition,
        offset: d.message.offset,
    }
}

fn msg(value: &str) -> ProduceMessage {
    ProduceMessage {
        value: value.as_bytes().to_vec(),
        ..ProduceMessage::default()
    }
}

fn keyed(key: &str, value: &str) -> ProduceMessage {
    ProduceMessage {
        key: Some(key.as_bytes().to_vec()),
        ..msg(value)
    }
}

fn with_policy(value: &str, max_attempts: u32, backoff_ms: u64) -> ProduceMessage {
    ProduceMessage {
        envelope: Some(Envelope {
            retry_policy: Some(RetryPolicy {
                max_attempts,
                backoff_ms,
                max_backoff_ms: 0,
            }),
            ..Envelope::default()
        }),
        ..msg(value)
    }
}

fn lag(stats: &Stats, topic: &str, group: &str) -> u64 {
    stats
        .groups
        .iter()
        .filter(|g| g.topic == topic && g.group == group)
        .flat_map(|g| g.partitions.iter().map(|p| p.lag))
        .sum()
}

fn msg_bytes(value: Vec<u8>) -> ProduceMessage {
    ProduceMessage {
        value,
        ..ProduceMessage::default()
    }
}

fn ordered_topic(h: &Harness, name: &str, partitions: u32) {
    h.b()
        .create_topic_from(
            TopicMeta {
                name: name.into(),
                partitions,
                retention_age_ms: None,
                retention_bytes: None,
                retry: None,
                ordering: TopicOrdering::Key,
            },
            h.now,
        )
        .expect("create ordered");
}

fn values(ds: &[Delivery]) -> Vec<String> {
    ds.iter()
        .map(|d| String::from_utf8_lossy(&d.message.value).into_owned())
        .collect()
}

mod admin;
mod dlq;
mod idempotency;
mod model;
mod ordering;
mod produce;
mod recovery;
mod retry;
mod settle;
mod tick;
