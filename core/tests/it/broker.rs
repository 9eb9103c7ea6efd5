//! Broker semantics against real logs in a temp directory, with an injected clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use driftq_core::broker::REPLY_BYTES;
use driftq_core::broker::inspect::{MAX_STATE_ROWS, MessageState, StateQuery};
use driftq_core::broker::{
    Broker, BrokerConfig, BrokerError, Deferred, Delivery, Envelope, GroupStats, LeaseRef,
    NackAction, ProduceMessage, Produced, ReadFrom, ReplayRequest, RetryPolicy, RuleRouter, SeekTo,
    Stats, TopicChange, TopicMeta, TopicOrdering,
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

#[test]
fn a_data_directory_has_one_broker_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = || {
        let mut c = BrokerConfig::new(dir.path());
        c.durability = Durability::Never;
        c
    };
    let first = Broker::open(config(), None, 0).expect("first");
    first.create_topic("t", 1, None, None, 0).expect("topic");
    let Err(e) = Broker::open(config(), None, 0) else {
        panic!("a second broker opened a data directory in use");
    };
    assert!(matches!(
        &e,
        BrokerError::DataDir(driftq_core::broker::dirlock::LockError::InUse(u))
            if u.holder.as_deref() == Some(std::process::id().to_string().as_str())
    ));
    assert_eq!(e.code(), "FAILED_PRECONDITION");
    assert!(
        e.to_string()
            .contains("is in use by another driftq process"),
        "{e}"
    );
    drop(first);
    let again = Broker::open(config(), None, 0).expect("reopen after the first is gone");
    assert_eq!(again.list_topics(), vec!["t".to_owned()]);
}

#[test]
fn topics_create_list_describe_delete() {
    let h = Harness::new();
    h.topic("orders", 3);
    assert!(matches!(
        h.b().create_topic("orders", 1, None, None, h.now),
        Err(BrokerError::TopicExists(_))
    ));
    assert!(matches!(
        h.b().create_topic("bad name", 1, None, None, h.now),
        Err(BrokerError::InvalidArgument(_))
    ));
    assert!(matches!(
        h.b().create_topic("x", 0, None, None, h.now),
        Err(BrokerError::InvalidArgument(_))
    ));
    h.topic("audit", 1);
    assert_eq!(
        h.b().list_topics(),
        vec!["audit".to_string(), "orders".to_string()]
    );
    assert_eq!(h.b().topic_meta("orders").expect("meta").partitions, 3);
    h.produce("orders", msg("a"));
    h.b().delete_topic("orders", h.now).expect("delete");
    assert!(!h.dir.path().join("topics/orders").exists());
    assert!(matches!(
        h.b()
            .poll("orders", "g", "o", 1, 100, h.now)
            .and_then(Deferred::wait),
        Err(BrokerError::TopicNotFound(_))
    ));
    assert!(matches!(
        h.b().delete_topic("orders", h.now),
        Err(BrokerError::TopicNotFound(_))
    ));
    // Re-created topics start empty.
    h.topic("orders", 1);
    assert!(h.poll("orders", "g", "o", 10).is_empty());
}

#[test]
fn a_topic_deleted_and_created_again_keeps_the_new_data_across_restarts_and_crashes() {
    // Without snapshots, replay sees both incarnations' records; with one every 2 records, a
    // snapshot lists the first incarnation and a later one the second.
    for snapshot_every in [1_000_000, 2] {
        recreated_topic_survives(snapshot_every);
    }
}

fn recreated_topic_survives(snapshot_every: u64) {
    let mut h = Harness::with(|c| c.snapshot_every = snapshot_every);
    h.topic("t", 2);
    h.tick(1);
    h.produce("t", msg("first life"));
    h.b().delete_topic("t", h.now).expect("delete");
    h.topic("t", 1);
    h.produce("t", msg("second life"));
    let d = h.poll("t", "g", "o", 1).pop().expect("delivery");
    h.ack(&d).expect("ack");
    h.produce("t", msg("second life, unread"));
    for round in 0..2 {
        h.restart();
        let meta = h.b().topic_meta("t").expect("the second t exists");
        assert_eq!(meta.partitions, 1, "round {round}");
        let stored = h
            .b()
            .read("t", 0, ReadFrom::Offset(0), 10, 1 << 20)
            .expect("read");
        let values: Vec<&[u8]> = stored.iter().map(|m| m.value.as_slice()).collect();
        assert_eq!(
            values,
            [b"second life".as_slice(), b"second life, unread".as_slice()],
            "round {round}: the second incarnation's data survives its predecessor's deletion"
        );
        let again = h.poll("t", "g", "o2", 10);
        assert_eq!(
            again.iter().map(|d| d.message.offset).collect::<Vec<_>>(),
            [1],
            "round {round}: the ack of the second incarnation is kept"
        );
        h.tick(10_000);
        h.crash();
    }
    // A leftover directory of a deleted topic (a crash before its removal) is cleaned up on
    // open, and does not leak into a topic created later under that name.
    let leftover = h.dir.path().join("topics/gone/0");
    std::fs::create_dir_all(&leftover).expect("mkdir");
    std::fs::write(leftover.join("00000000000000000000.log"), b"").expect("touch");
    h.topic("gone", 1);
    h.b().delete_topic("gone", h.now).expect("delete");
    std::fs::create_dir_all(&leftover).expect("mkdir again");
    h.restart();
    assert!(!h.dir.path().join("topics/gone").exists());
}

#[test]
fn idempotency_keys_and_dlq_replay_marks_die_with_their_topic() {
    let mut h = Harness::new();
    let keyed_once = |key: &str| ProduceMessage {
        envelope: Some(Envelope {
            idempotency_key: key.into(),
            ..Envelope::default()
        }),
        ..msg("value")
    };
    let poison = || ProduceMessage {
        envelope: Some(Envelope {
            retry_policy: Some(RetryPolicy {
                max_attempts: 1,
                backoff_ms: 0,
                max_backoff_ms: 0,
            }),
            ..Envelope::default()
        }),
        ..msg("poison")
    };
    let dead_letter = |h: &Harness| {
        h.produce("jobs", poison());
        let d = h.poll("jobs", "g", "o", 1).pop().expect("delivery");
        h.b()
            .nack(&lease_ref(&d), "bad", NackAction::Retry, h.now)
            .expect("nack");
    };
    h.topic("t", 1);
    h.topic("jobs", 1);
    assert!(!h.produce("t", keyed_once("op-1")).2);
    dead_letter(&h);
    let replayed = h
        .b()
        .dlq_replay(
            &ReplayRequest {
                topic: "jobs".into(),
                ..ReplayRequest::default()
            },
            h.now,
        )
        .expect("replay");
    assert_eq!(replayed.len(), 1);
    h.b().delete_topic("t", h.now).expect("delete t");
    h.b()
        .delete_topic("dlq.jobs", h.now)
        .expect("delete the DLQ");
    h.topic("t", 1);
    let fresh = h.produce("t", keyed_once("op-1"));
    assert_eq!(
        fresh,
        (0, 0, false),
        "the key belonged to the deleted t: this message is new and stored"
    );
    // The next dead letter re-creates dlq.jobs at offset 0, where the replayed one was.
    dead_letter(&h);
    for when in ["live", "after a crash"] {
        assert!(
            !h.b().dlq_peek("jobs", 10).expect("peek")[0].replayed,
            "{when}: the new dead letter is not marked replayed"
        );
        assert_eq!(
            h.produce("t", keyed_once("op-1")),
            (0, 0, true),
            "{when}: the new t's key dedupes"
        );
        assert_eq!(
            h.b()
                .read("t", 0, ReadFrom::Offset(0), 10, 1 << 20)
                .expect("read")
                .len(),
            1,
            "{when}"
        );
        h.crash();
    }
}

#[test]
fn partitioning_by_key_explicit_and_round_robin() {
    let h = Harness::new();
    h.topic("t", 4);
    let (p1, _, _) = h.produce("t", keyed("user-7", "a"));
    let (p2, _, _) = h.produce("t", keyed("user-7", "b"));
    assert_eq!(p1, p2, "same key, same partition");
    let rr: BTreeSet<u32> = (0..4)
        .map(|i| h.produce("t", msg(&i.to_string())).0)
        .collect();
    assert_eq!(rr.len(), 4, "keyless messages spread round-robin");
    let explicit = ProduceMessage {
        partition: Some(2),
        ..msg("x")
    };
    assert_eq!(h.produce("t", explicit).0, 2);
    let out_of_range = ProduceMessage {
        partition: Some(9),
        ..msg("x")
    };
    let r = h
        .b()
        .produce("t", vec![out_of_range], h.now)
        .wait(h.b())
        .pop()
        .expect("one");
    assert!(matches!(r, Err(BrokerError::PartitionOutOfRange { .. })));
}

#[test]
fn one_call_over_two_topics_and_many_partitions_writes_each_message_where_its_result_says() {
    let h = Harness::new();
    h.topic("a", 4);
    h.topic("b", 3);
    let to_b = |value: &str| ProduceMessage {
        envelope: Some(Envelope {
            target_topic: "b".to_owned(),
            ..Envelope::default()
        }),
        ..msg(value)
    };
    let mut batch = Vec::new();
    for i in 0..30 {
        batch.push(match i % 3 {
            0 => msg(&format!("a-{i}")),
            1 => to_b(&format!("b-{i}")),
            _ => keyed(&format!("k{i}"), &format!("k-{i}")),
        });
    }
    let results = h.b().produce("a", batch, h.now).wait(h.b());
    assert_eq!(results.len(), 30);
    let mut sticky = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (i, r) in results.iter().enumerate() {
        let p = r.as_ref().expect("produced");
        assert!(!p.duplicate);
        let expected_topic = if i % 3 == 1 { "b" } else { "a" };
        assert_eq!(p.topic, expected_topic, "message {i}");
        if i % 3 != 2 {
            // Keyless messages of one call stick to one partition per topic.
            assert_eq!(
                *sticky.entry(expected_topic).or_insert(p.partition),
                p.partition
            );
        }
        assert!(
            seen.insert((p.topic.clone(), p.partition, p.offset)),
            "position reused"
        );
        let stored = h
            .b()
            .read(
                &p.topic,
                p.partition,
                ReadFrom::Offset(p.offset),
                1,
                1 << 20,
            )
            .expect("read");
        let prefix = ["a-", "b-", "k-"][i % 3];
        assert_eq!(
            stored[0].value,
            format!("{prefix}{i}").into_bytes(),
            "message {i}"
        );
    }
    // Each (topic, partition) got one batch: its messages hold consecutive offsets, in order.
    let mut by_target: BTreeMap<(String, u32), Vec<u64>> = BTreeMap::new();
    for p in results.iter().flatten() {
        by_target
            .entry((p.topic.clone(), p.partition))
            .or_default()
            .push(p.offset);
    }
    for offsets in by_target.values() {
        let first = offsets[0];
        assert_eq!(
            *offsets,
            (first..first + offsets.len() as u64).collect::<Vec<_>>()
        );
    }
}

#[test]
fn produce_past_deadline_is_rejected_and_batches_get_per_message_results() {
    let h = Harness::new();
    h.topic("t", 1);
    let late = ProduceMessage {
        envelope: Some(Envelope {
            deadline_ns: Some((h.now - 1) * 1_000_000),
            ..Envelope::default()
        }),
        ..msg("late")
    };
    let results = h
        .b()
        .produce("t", vec![msg("a"), late, msg("b")], h.now)
        .wait(h.b());
    assert_eq!(results[0].as_ref().expect("a").offset, 0);
    assert!(matches!(results[1], Err(BrokerError::DeadlineExceeded)));
    assert_eq!(results[2].as_ref().expect("b").offset, 1);
    // A message for an unknown topic is refused; there is no auto-create.
    assert!(matches!(
        h.b().produce("nope", vec![msg("x")], h.now).wait(h.b())[0],
        Err(BrokerError::TopicNotFound(_))
    ));
}

#[test]
fn owners_are_checked_and_errors_are_distinct() {
    let h = Harness::new();
    h.topic("t", 1);
    h.produce("t", msg("a"));
    let d = h.poll("t", "g", "alice", 1).pop().expect("delivery");
    assert_eq!(d.attempts, 1);
    let wrong = LeaseRef {
        owner: "bob",
        ..lease_ref(&d)
    };
    assert!(matches!(
        h.b().ack(&wrong, h.now).and_then(Deferred::wait),
        Err(BrokerError::WrongOwner { .. })
    ));
    assert!(matches!(
        h.b().nack(&wrong, "x", NackAction::Retry, h.now),
        Err(BrokerError::WrongOwner { .. })
    ));
    h.ack(&d).expect("ack");
    assert!(matches!(h.ack(&d), Err(BrokerError::NotInflight { .. })));
    let never = LeaseRef {
        offset: 7,
        ..lease_ref(&d)
    };
    assert!(matches!(
        h.b().ack(&never, h.now).and_then(Deferred::wait),
        Err(BrokerError::NotInflight { .. })
    ));
    let no_group = LeaseRef {
        group: "other",
        ..lease_ref(&d)
    };
    assert!(matches!(
        h.b().ack(&no_group, h.now).and_then(Deferred::wait),
        Err(BrokerError::GroupNotFound { .. })
    ));
}

#[test]
fn a_failed_fdatasync_refuses_produce_until_restart_and_loses_nothing_acknowledged() {
    let failing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&failing);
    let mut h = Harness::with(move |c| {
        c.durability = Durability::Always;
        c.sync_fault = Some(driftq_core::storage::SyncFault(std::sync::Arc::new(
            move |_, _| {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    Err(std::io::Error::other("injected EIO"))
                } else {
                    Ok(())
                }
            },
        )));
    });
    h.topic("t", 2);
    h.produce("t", msg("kept"));
    failing.store(true, std::sync::atomic::Ordering::SeqCst);
    let on = |partition: u32, value: &str| ProduceMessage {
        partition: Some(partition),
        ..msg(value)
    };
    let err = h
        .try_produce("t", on(0, "lost"))
        .expect_err("the fdatasync failed");
    assert_eq!(err.code(), "INTERNAL");
    assert!(err.to_string().contains("injected EIO"), "{err}");
    assert!(!err.to_string().contains("invalid batch"), "{err}");
    // The same through the async path the server takes: appended, then the wait fails.
    let err = crate::pool::block_on(
        h.b()
            .produce("t", vec![on(1, "lost too")], h.now)
            .durable(h.b()),
    )
    .pop()
    .expect("one result")
    .expect_err("the fdatasync failed");
    assert_eq!(err.code(), "INTERNAL");
    assert!(err.to_string().contains("injected EIO"), "{err}");
    failing.store(false, std::sync::atomic::Ordering::SeqCst);
    assert!(
        h.try_produce("t", msg("after"))
            .expect_err("sticky")
            .to_string()
            .contains("refuses writes"),
        "a partition whose fdatasync failed never acknowledges again before a restart"
    );
    // Reads go on: what was acknowledged is delivered, nothing else.
    let got = h.poll("t", "g", "w", 10);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message.value, b"kept");
    h.crash();
    h.produce("t", msg("after restart"));
    let values: Vec<_> = h
        .poll("t", "g2", "w", 10)
        .into_iter()
        .map(|d| d.message.value)
        .collect();
    // (What the failed fdatasyncs wrote may be back too: this crash keeps the page cache.)
    assert!(values.iter().any(|v| v == b"kept"), "{values:?}");
    assert!(values.iter().any(|v| v == b"after restart"), "{values:?}");
}

/// Power loss under load (see `power.rs`): producers, an acking consumer and a ticker writing
/// state snapshots run against one broker; at a moment mid-load the acknowledged produces and acks are taken, then every log
/// (partitions and state) is cut back to what its fdatasyncs covered. After reopening, every
/// acknowledged produce is readable, no acknowledged ack is undone, and every other message
/// comes back.
#[test]
fn power_loss_keeps_acknowledged_produces_and_acks() {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    for seed in [None, Some(3), Some(11)] {
        let power = crate::power::PowerLoss::default();
        let mut h = Harness::with(|c| {
            c.durability = Durability::Always;
            c.segment_bytes = 8 * 1024;
            c.snapshot_every = 50;
            c.sync_fault = Some(power.hook());
        });
        h.topic("p", 2);
        let produced: Mutex<BTreeMap<(u32, u64), Vec<u8>>> = Mutex::default();
        let acked: Mutex<BTreeSet<(u32, u64)>> = Mutex::default();
        let attempted: Mutex<BTreeSet<(u32, u64)>> = Mutex::default();
        let stop = AtomicBool::new(false);
        let stop_ticks = AtomicBool::new(false);
        let (now, b) = (h.now, h.b());
        let snapshot = std::thread::scope(|s| {
            for t in 0..3 {
                let (produced, stop) = (&produced, &stop);
                s.spawn(move || {
                    for i in 0..600 {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let value = format!("t{t}-{i}-{}", "v".repeat(200)).into_bytes();
                        let messages = vec![msg_bytes(value.clone())];
                        // One producer waits the way the server's handlers do.
                        let r = if t == 0 {
                            crate::pool::block_on(b.produce("p", messages, now).durable(b))
                        } else {
                            b.produce("p", messages, now).wait(b)
                        }
                        .pop()
                        .expect("one")
                        .expect("produce");
                        produced
                            .lock()
                            .expect("lock")
                            .insert((r.partition, r.offset), value);
                    }
                });
            }
            {
                let (acked, attempted, stop) = (&acked, &attempted, &stop);
                s.spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        for d in b
                            .poll("p", "g", "w", 20, 600_000, now)
                            .and_then(Deferred::wait)
                            .expect("poll")
                        {
                            let id = (d.message.partition, d.message.offset);
                            if id.1 % 2 == 0 {
                                attempted.lock().expect("lock").insert(id);
                                if id.1 % 4 == 0 {
                                    let deferred = b.ack(&lease_ref(&d), now).expect("ack");
                                    crate::pool::block_on(deferred.durable()).expect("ack durable");
                                } else {
                                    b.ack(&lease_ref(&d), now)
                                        .and_then(Deferred::wait)
                                        .expect("ack");
                                }
                                acked.lock().expect("lock").insert(id);
                            }
                        }
                    }
                });
            }
            // Ticks write snapshots (every 50 state records) and drop the state log before them.
            // They stop before the plug is pulled: a file deleted after that moment would not
            // be missing from a real disk that lost power at it.
            let ticker = {
                let stop_ticks = &stop_ticks;
                s.spawn(move || {
                    while !stop_ticks.load(Ordering::Relaxed) {
                        b.tick(now).expect("tick");
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                })
            };
            let mut waited = 0;
            while (produced.lock().expect("lock").len() < 400
                || acked.lock().expect("lock").len() < 120)
                && waited < 20_000
            {
                std::thread::sleep(std::time::Duration::from_millis(1));
                waited += 1;
            }
            stop_ticks.store(true, Ordering::Relaxed);
            ticker.join().expect("ticker");
            // Acknowledgements first, durable lengths second: every one is covered.
            let taken = (
                produced.lock().expect("lock").clone(),
                acked.lock().expect("lock").clone(),
                power.synced(),
            );
            stop.store(true, Ordering::Relaxed);
            taken
        });
        let (produced, acked, synced) = snapshot;
        let attempted = attempted.into_inner().expect("lock");
        assert!(produced.len() >= 400 && acked.len() >= 120, "load ran");
        // The crash, then what the disk kept.
        h.broker = None;
        let root = h.dir.path().to_path_buf();
        let first_state_segment = std::fs::read_dir(root.join("state"))
            .expect("ls state")
            .filter_map(|e| e.expect("entry").file_name().into_string().ok())
            .filter(|n| n.ends_with(".log"))
            .min()
            .expect("a state segment");
        assert_ne!(
            first_state_segment, "00000000000000000000.log",
            "snapshots dropped the state log's start"
        );
        crate::power::PowerLoss::cut(&root.join("state"), &synced, seed);
        for p in 0..2 {
            crate::power::PowerLoss::cut(&root.join("topics/p").join(p.to_string()), &synced, seed);
        }
        h.now += 1_000;
        h.broker =
            Some(Broker::open(h.config.clone(), None, h.now).expect("reopen after power loss"));
        for ((p, o), value) in &produced {
            let got = h
                .b()
                .read("p", *p, ReadFrom::Offset(*o), 1, 1 << 20)
                .expect("read");
            assert_eq!(
                got.first().map(|m| (m.offset, &m.value)),
                Some((*o, value)),
                "{seed:?}: acknowledged produce {p}/{o} lost"
            );
        }
        let mut back = BTreeSet::new();
        loop {
            let got = h.poll("p", "g", "after", 1000);
            if got.is_empty() {
                break;
            }
            for d in got {
                let id = (d.message.partition, d.message.offset);
                assert!(!acked.contains(&id), "{seed:?}: acked {id:?} redelivered");
                back.insert(id);
            }
        }
        for (p, o) in produced.keys() {
            assert!(
                back.contains(&(*p, *o)) || attempted.contains(&(*p, *o)),
                "{seed:?}: unacked {p}/{o} did not come back"
            );
        }
    }
}

fn msg_bytes(value: Vec<u8>) -> ProduceMessage {
    ProduceMessage {
        value,
        ..ProduceMessage::default()
    }
}

#[test]
fn groups_are_independent_and_inflight_is_limited() {
    let h = Harness::with(|c| c.max_inflight = 2);
    h.topic("t", 1);
    for i in 0..5 {
        h.produce("t", msg(&i.to_string()));
    }
    let a = h.poll("t", "g1", "o", 10);
    assert_eq!(a.len(), 2, "max_inflight per partition");
    assert!(h.poll("t", "g1", "o", 10).is_empty());
    let b = h.poll("t", "g2", "o", 10);
    assert_eq!(
        b.iter().map(|d| d.message.offset).collect::<Vec<_>>(),
        vec![0, 1]
    );
    h.ack(&a[0]).expect("ack");
    let next = h.poll("t", "g1", "o", 10);
    assert_eq!(
        next.iter().map(|d| d.message.offset).collect::<Vec<_>>(),
        vec![2]
    );
}

/// §10 bug 1: an ack of a later offset must not commit earlier unacked ones.
#[test]
fn regression_no_ack_jump_over_unacked_offsets() {
    let mut h = Harness::new();
    h.topic("t", 1);
    for i in 0..3 {
        h.produce("t", msg(&i.to_string()));
    }
    let ds = h.poll("t", "g", "o", 3);
    h.ack(&ds[2]).expect("ack 2");
    assert_eq!(lag(&h.stats(), "t", "g"), 2);
    h.restart();
    let again: Vec<u64> = h
        .poll("t", "g", "o", 10)
        .iter()
        .map(|d| d.message.offset)
        .collect();
    assert_eq!(
        again,
        vec![0, 1],
        "unacked offsets come back after restart; the acked one does not"
    );
}

/// §10 bug 5: leases expire and messages are redelivered with no consumer connected.
#[test]
fn regression_redelivery_without_connected_consumers() {
    let mut h = Harness::new();
    h.topic("t", 1);
    h.produce("t", with_policy("a", 2, 0));
    let d = h.poll("t", "g", "o1", 1).pop().expect("delivery");
    assert_eq!(d.attempts, 1);
    h.tick(1_001); // nobody polls; the tick alone expires the lease
    let s = h.stats();
    let gp = &s.groups[0].partitions[0];
    assert_eq!(
        (gp.inflight, gp.ready, gp.counters.lease_timeouts),
        (0, 1, 1)
    );
    let d2 = h.poll("t", "g", "o2", 1).pop().expect("redelivery");
    assert_eq!(d2.attempts, 2);
    assert_eq!(d2.errors, vec!["ack_timeout".to_string()]);
    h.tick(1_001); // the second failure exhausts max_attempts=2: DLQ, no consumer needed
    let s = h.stats();
    assert_eq!(s.dlq.len(), 1);
    assert_eq!(s.dlq[0].depth, 1);
    assert_eq!(lag(&s, "t", "g"), 0);
}

/// §10 bug 4: nack honours the backoff (and an explicit delay), first retry included.
#[test]
fn regression_nack_honours_backoff() {
    let mut h = Harness::new();
    h.topic("t", 1);
    h.produce("t", with_policy("a", 0, 1_000));
    let d = h.poll("t", "g", "o", 1).pop().expect("delivery");
    h.b()
        .nack(&lease_ref(&d), "boom", NackAction::Retry, h.now)
        .expect("nack");
    assert!(
        h.poll("t", "g", "o", 1).is_empty(),
        "not before the backoff"
    );
    h.now += 999;
    assert!(h.poll("t", "g", "o", 1).is_empty(), "still within backoff");
    h.now += 200; // backoff 1000 ms + up to 10 % jitter
    let d = h.poll("t", "g", "o", 1).pop().expect("after backoff");
    assert_eq!(d.attempts, 2);
    assert_eq!(d.errors, vec!["boom".to_string()]);
    // Second failure: 2000 ms; an explicit delay overrides it.
    h.b()
        .nack(&lease_ref(&d), "again", NackAction::RetryAfter(50), h.now)
        .expect("nack");
    h.now += 49;
    assert!(h.poll("t", "g", "o", 1).is_empty());
    h.now += 1;
    assert_eq!(
        h.poll("t", "g", "o", 1)
            .pop()
            .expect("after delay")
            .attempts,
        3
    );
}

/// §10 bug 6: a message failing inside a dlq.* topic is kept and counted, never dropped.
#[test]
fn regression_no_silent_dlq_of_dlq_drop() {
    let mut h = Harness::new();
    h.topic("jobs", 1);
    h.produce("jobs", with_policy("poison", 1, 0));
    let d = h.poll("jobs", "w", "o", 1).pop().expect("delivery");
    h.b()
        .nack(&lease_ref(&d), "bad input", NackAction::Retry, h.now)
        .expect("nack → DLQ");
    // Consume the DLQ copy and fail it past its max_attempts.
    let dd = h
        .poll("dlq.jobs", "ops", "o", 1)
        .pop()
        .expect("dlq delivery");
    assert_eq!(
        dd.message.meta.dlq.as_ref().expect("origin").errors,
        vec!["bad input".to_string()]
    );
    h.b()
        .nack(&lease_ref(&dd), "still bad", NackAction::Retry, h.now)
        .expect("nack in dlq");
    assert!(!h.b().list_topics().contains(&"dlq.dlq.jobs".to_string()));
    let s = h.stats();
    let ops = s
        .groups
        .iter()
        .find(|g| g.group == "ops")
        .expect("ops group");
    assert_eq!(ops.partitions[0].counters.exhausted, 1);
    assert_eq!(ops.partitions[0].lag, 1, "kept, not dropped");
    h.tick(1);
    assert_eq!(
        h.poll("dlq.jobs", "ops", "o", 1)
            .pop()
            .expect("kept")
            .attempts,
        2
    );
}

/// Dead-letters `per_partition` messages in each partition of `topic` (one attempt each).
fn dead_letter_in_every_partition(h: &Harness, topic: &str, partitions: u32, per_partition: u32) {
    for p in 0..partitions {
        for i in 0..per_partition {
            h.produce(
                topic,
                ProduceMessage {
                    partition: Some(p),
                    ..with_policy(&format!("{p}-{i}"), 1, 0)
                },
            );
        }
    }
    for d in h.poll(topic, "g", "o", (partitions * per_partition) as usize) {
        h.b()
            .nack(&lease_ref(&d), "boom", NackAction::Retry, h.now)
            .expect("nack");
    }
}

#[test]
fn a_replay_offset_range_without_a_partition_applies_to_every_partition() {
    let h = Harness::new();
    h.topic("jobs", 2);
    dead_letter_in_every_partition(&h, "jobs", 2, 3);
    let items = h
        .b()
        .dlq_replay(
            &ReplayRequest {
                topic: "jobs".into(),
                offsets: Some((0, 0)),
                dry_run: true,
                ..ReplayRequest::default()
            },
            h.now,
        )
        .expect("dry run");
    let picked: Vec<(u32, u64)> = items
        .iter()
        .map(|i| (i.dlq_partition, i.dlq_offset))
        .collect();
    assert_eq!(picked, vec![(0, 0), (1, 0)]);
}

#[test]
fn a_replay_into_the_dead_letter_topic_itself_or_with_an_inverted_time_range_is_refused() {
    let h = Harness::new();
    h.topic("jobs", 1);
    dead_letter_in_every_partition(&h, "jobs", 1, 1);
    for req in [
        ReplayRequest {
            topic: "jobs".into(),
            to: Some("dlq.jobs".into()),
            ..ReplayRequest::default()
        },
        ReplayRequest {
            topic: "dlq.jobs".into(),
            since_ms: Some(h.now),
            until_ms: Some(h.now - 1),
            ..ReplayRequest::default()
        },
    ] {
        let err = h.b().dlq_replay(&req, h.now).expect_err("refused");
        assert!(
            matches!(err, BrokerError::InvalidArgument(_)),
            "{req:?}: {err}"
        );
    }
    assert_eq!(h.stats().dlq[0].depth, 1, "nothing replayed");
}

#[test]
fn dlq_copy_keeps_message_and_origin_and_replay_marks_it() {
    let mut h = Harness::new();
    h.topic("jobs", 2);
    let m = ProduceMessage {
        key: Some(b"k1".to_vec()),
        headers: vec![("h".into(), vec![0xff, 0])],
        envelope: Some(Envelope {
            tenant_id: "acme".into(),
            retry_policy: Some(RetryPolicy {
                max_attempts: 2,
                backoff_ms: 0,
                max_backoff_ms: 0,
            }),
            ..Envelope::default()
        }),
        ..msg("payload")
    };
    let (p, o, _) = h.produce("jobs", m);
    for reason in ["e1", "e2"] {
        let d = h.poll("jobs", "g", "o", 1).pop().expect("delivery");
        h.b()
            .nack(&lease_ref(&d), reason, NackAction::Retry, h.now)
            .expect("nack");
    }
    let peek = h.b().dlq_peek("jobs", 10).expect("peek");
    assert_eq!(peek.len(), 1);
    let dm = &peek[0].message;
    assert_eq!(h.b().topic_meta("dlq.jobs").expect("dlq").partitions, 2);
    assert_eq!(dm.key.as_deref(), Some(&b"k1"[..]));
    assert_eq!(dm.headers, vec![("h".to_string(), vec![0xff, 0])]);
    let origin = dm.meta.dlq.as_ref().expect("origin");
    assert_eq!(
        (
            origin.topic.as_str(),
            origin.partition,
            origin.offset,
            origin.attempts
        ),
        ("jobs", p, o, 2)
    );
    assert_eq!(origin.errors, vec!["e1".to_string(), "e2".to_string()]);
    assert_eq!(
        dm.meta.envelope.as_ref().expect("envelope").tenant_id,
        "acme"
    );

    let dry = h
        .b()
        .dlq_replay(
            &ReplayRequest {
                topic: "jobs".into(),
                dry_run: true,
                ..ReplayRequest::default()
            },
            h.now,
        )
        .expect("dry run");
    assert_eq!(dry.len(), 1);
    assert!(dry[0].produced.is_none());
    assert_eq!(h.stats().dlq[0].depth, 1, "dry run changes nothing");
    let none = h
        .b()
        .dlq_replay(
            &ReplayRequest {
                topic: "jobs".into(),
                error_glob: Some("nomatch*".into()),
                ..ReplayRequest::default()
            },
            h.now,
        )
        .expect("filtered");
    assert!(none.is_empty());
    let done = h
        .b()
        .dlq_replay(
            &ReplayRequest {
                topic: "dlq.jobs".into(),
                error_glob: Some("e?".into()),
                limit: Some(5),
                ..ReplayRequest::default()
            },
            h.now,
        )
        .expect("replay");
    let produced = done[0].produced.clone().expect("replayed");
    assert_eq!(produced.topic, "jobs");
    assert_eq!(h.stats().dlq[0].depth, 0);
    let again = h
        .b()
        .dlq_replay(
            &ReplayRequest {
                topic: "jobs".into(),
                ..ReplayRequest::default()
            },
            h.now,
        )
        .expect("second replay");
    assert!(
        again.is_empty(),
        "a replayed message does not replay twice by accident"
    );
    h.restart();
    assert!(
        h.b()
            .dlq_replay(
                &ReplayRequest {
                    topic: "jobs".into(),
                    ..ReplayRequest::default()
                },
                h.now
            )
            .expect("after restart")
            .is_empty()
    );
    let back = h.poll("jobs", "g", "o", 10);
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].message.value, b"payload");
    assert_eq!(
        back[0].message.meta.replay.as_ref().expect("marked").offset,
        0
    );
}

#[test]
fn producer_idempotency_dedupes_within_ttl_and_survives_restart() {
    let mut h = Harness::new();
    h.topic("t", 2);
    let m = |tenant: &str| ProduceMessage {
        envelope: Some(Envelope {
            tenant_id: tenant.into(),
            idempotency_key: "op-1".into(),
            ..Envelope::default()
        }),
        ..msg("v")
    };
    let (p, o, dup) = h.produce("t", m("a"));
    assert!(!dup);
    assert_eq!(h.produce("t", m("a")), (p, o, true));
    assert!(!h.produce("t", m("b")).2, "tenants are independent");
    h.crash();
    assert_eq!(
        h.produce("t", m("a")),
        (p, o, true),
        "dedupe survives a crash"
    );
    h.now += 10 * 60 * 1000 + 1;
    assert!(
        !h.produce("t", m("a")).2,
        "after the TTL the key is new again"
    );
    let total: u64 = h.stats().topics[0]
        .partitions
        .iter()
        .map(|p| p.high_watermark)
        .sum();
    assert_eq!(total, 3);
}

#[test]
fn a_key_repeated_within_one_batch_is_stored_once_and_answered_as_a_duplicate() {
    let mut h = Harness::new();
    h.topic("t", 1);
    let keyed_msg = |key: &str, value: &str| ProduceMessage {
        envelope: Some(Envelope {
            idempotency_key: key.into(),
            ..Envelope::default()
        }),
        ..msg(value)
    };
    let batch = vec![
        keyed_msg("k1", "first"),
        keyed_msg("k1", "again"),
        keyed_msg("k2", "other"),
        keyed_msg("k1", "third time"),
    ];
    let deferred = h.b().produce("t", batch, h.now);
    let results: Vec<Produced> = crate::pool::block_on(deferred.durable(h.b()))
        .into_iter()
        .map(|r| r.expect("every message answered"))
        .collect();
    let positions: Vec<(u64, bool)> = results.iter().map(|p| (p.offset, p.duplicate)).collect();
    assert_eq!(positions, [(0, false), (0, true), (1, false), (0, true)]);
    let stored = h
        .b()
        .read("t", 0, ReadFrom::Offset(0), 10, 1 << 20)
        .expect("read");
    let values: Vec<&[u8]> = stored.iter().map(|m| m.value.as_slice()).collect();
    assert_eq!(values, [&b"first"[..], b"other"]);
    // The key is committed like any other: a retry after a crash is a duplicate too.
    h.crash();
    assert_eq!(h.produce("t", keyed_msg("k1", "retry")), (0, 0, true));
}

#[test]
fn a_crash_between_a_keyed_message_and_its_key_record_still_dedupes_the_retry() {
    let mut h = Harness::with(|c| c.durability = Durability::Always);
    h.topic("t", 2);
    let keyed = |value: &str| ProduceMessage {
        envelope: Some(Envelope {
            tenant_id: "acme".into(),
            idempotency_key: "order-7".into(),
            ..Envelope::default()
        }),
        ..msg(value)
    };
    let (partition, offset, duplicate) = h.produce("t", keyed("first"));
    assert!(!duplicate);
    // The crash: the message's fdatasync happened, the key record's did not. Cut the state
    // log's last batch, which must be that key record.
    h.broker
        .take()
        .expect("open broker")
        .close()
        .expect("close");
    let state_dir = h.dir.path().join("state");
    let segment = std::fs::read_dir(&state_dir)
        .expect("ls state")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .max()
        .expect("a state segment");
    let mut last = None;
    for item in driftq_core::storage::segment::SegmentWalker::open(&segment).expect("walk") {
        if let driftq_core::storage::segment::WalkItem::Batch {
            position, batch, ..
        } = item.expect("read")
        {
            last = Some((position, batch));
        }
    }
    let (position, batch) = last.expect("a state batch");
    let record = driftq_core::broker::StateRecord::decode(&batch.records[0].record.value)
        .expect("state record");
    assert!(
        matches!(record, driftq_core::broker::StateRecord::ProducerKey { .. }),
        "{record:?}"
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(&segment)
        .expect("open segment")
        .set_len(position)
        .expect("cut the key record");
    h.now += 1_000;
    h.broker = Some(Broker::open(h.config.clone(), None, h.now).expect("reopen"));
    let retried = h.produce("t", keyed("retry"));
    assert_eq!(
        retried,
        (partition, offset, true),
        "the retry is a duplicate of the message the crash kept"
    );
    let stored: usize = (0..2)
        .map(|p| {
            h.b()
                .read("t", p, ReadFrom::Offset(0), 10, 1 << 20)
                .expect("read")
                .len()
        })
        .sum();
    assert_eq!(stored, 1, "nothing was written twice");
}

#[test]
fn consumer_side_idempotency_skips_keys_a_group_acked() {
    let mut h = Harness::new();
    h.topic("t", 1);
    let ttl = h.config.idempotency_ttl_ms;
    let m = || ProduceMessage {
        envelope: Some(Envelope {
            idempotency_key: "effect-9".into(),
            ..Envelope::default()
        }),
        ..msg("v")
    };
    h.produce("t", m());
    h.now += ttl - 1;
    let d = h.poll("t", "g", "o", 1).pop().expect("first");
    h.ack(&d).expect("ack");
    // The producer's dedupe window has passed: the same effect is written again...
    h.now += 2;
    let (_, offset, duplicate) = h.produce("t", m());
    assert_eq!((offset, duplicate), (1, false));
    h.restart();
    // ...but the group that acked it skips it (durably, across the restart).
    assert!(h.poll("t", "g", "o", 10).is_empty());
    let s = h.stats();
    let gp = &s
        .groups
        .iter()
        .find(|g| g.group == "g")
        .expect("g")
        .partitions[0];
    assert_eq!((gp.lag, gp.counters.skipped_duplicates), (0, 1));
    // Another group has not acked it and gets both copies.
    assert_eq!(h.poll("t", "g2", "o", 10).len(), 2);
}

#[test]
fn seek_refused_with_leases_unless_forced_and_by_time() {
    let mut h = Harness::new();
    h.topic("t", 1);
    for i in 0..5 {
        h.produce("t", msg(&i.to_string()));
        h.now += 1_000;
    }
    let t2 = 1_700_000_002_000;
    let ds = h.poll("t", "g", "o", 5);
    for d in &ds[..3] {
        h.ack(d).expect("ack");
    }
    assert!(matches!(
        h.b().seek("t", "g", None, SeekTo::Start, false, h.now),
        Err(BrokerError::Conflict(_))
    ));
    let moves = h
        .b()
        .seek("t", "g", None, SeekTo::Timestamp(t2), true, h.now)
        .expect("forced");
    assert_eq!(moves, vec![(0, 3, 2)]);
    let again: Vec<u64> = h
        .poll("t", "g", "o", 10)
        .iter()
        .map(|d| d.message.offset)
        .collect();
    assert_eq!(again, vec![2, 3, 4]);
    h.restart();
    let again: Vec<u64> = h
        .poll("t", "g", "o", 10)
        .iter()
        .map(|d| d.message.offset)
        .collect();
    assert_eq!(again, vec![2, 3, 4], "seek is durable");
    assert_eq!(
        h.b()
            .seek("t", "g", Some(0), SeekTo::End, true, h.now)
            .expect("end"),
        vec![(0, 2, 5)]
    );
    assert_eq!(lag(&h.stats(), "t", "g"), 0);
}

#[test]
fn a_deleted_group_is_gone_across_restarts_and_snapshots_and_stops_holding_producers_back() {
    for snapshot_every in [100_000, 1] {
        let mut h = Harness::with(|c| {
            c.max_partition_msgs = 2;
            c.snapshot_every = snapshot_every;
        });
        h.topic("t", 1);
        h.poll("t", "stale", "o", 1); // creates the group at 0
        h.poll("t", "live", "o", 1);
        h.produce("t", msg("a"));
        h.produce("t", msg("b"));
        let held = h.poll("t", "stale", "o", 1);
        assert_eq!(held.len(), 1);
        for d in h.poll("t", "live", "o", 2) {
            h.ack(&d).expect("ack");
        }
        // "stale" is 2 behind: the partition is full for producers.
        assert!(matches!(
            h.try_produce("t", msg("c")),
            Err(BrokerError::Overloaded { .. })
        ));
        let refused = h.b().delete_group("t", "stale", false, h.now);
        assert!(
            matches!(&refused, Err(BrokerError::Conflict(m)) if m.contains("holds 1 lease")),
            "{refused:?}"
        );
        assert_eq!(
            h.b()
                .delete_group("t", "stale", true, h.now)
                .expect("forced"),
            1
        );
        assert!(
            matches!(h.ack(&held[0]), Err(BrokerError::GroupNotFound { .. })),
            "its leases ended with it"
        );
        h.produce("t", msg("c"));
        assert!(matches!(
            h.b().delete_group("t", "stale", false, h.now),
            Err(BrokerError::GroupNotFound { .. })
        ));
        h.tick(1); // lets a due snapshot happen
        for restart in [Harness::restart, Harness::crash] {
            restart(&mut h);
            let groups: Vec<String> = h.stats().groups.iter().map(|g| g.group.clone()).collect();
            assert_eq!(
                groups,
                vec!["live".to_owned()],
                "snapshot_every {snapshot_every}"
            );
        }
        // The name is free: a new group of it starts at the beginning.
        let again = h.poll("t", "stale", "o2", 10);
        assert_eq!(
            again.iter().map(|d| d.message.offset).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }
}

#[test]
fn a_group_polled_lately_is_not_deleted_unless_forced() {
    let mut h = Harness::new();
    h.topic("t", 1);
    assert!(
        h.poll("t", "idle", "worker-1", 10).is_empty(),
        "caught up, no leases"
    );
    let refused = h.b().delete_group("t", "idle", false, h.now + 5_000);
    assert!(
        matches!(&refused, Err(BrokerError::Conflict(m)) if m.contains("polled 5000 ms ago by worker-1")),
        "{refused:?}"
    );
    h.now += 30_000;
    assert_eq!(
        h.b()
            .delete_group("t", "idle", false, h.now)
            .expect("quiet for 30 s"),
        0
    );
}

#[test]
fn backpressure_relative_to_the_slowest_group() {
    let h = Harness::with(|c| {
        c.max_partition_msgs = 3;
        c.max_partition_bytes = 1 << 20;
    });
    h.topic("t", 1);
    for i in 0..5 {
        h.produce("t", msg(&i.to_string())); // no group yet: nothing to fall behind
    }
    let ds = h.poll("t", "g", "o", 10); // group starts at 0: 5 unacked
    let r = h
        .b()
        .produce("t", vec![msg("x")], h.now)
        .wait(h.b())
        .pop()
        .expect("one");
    match r {
        Err(BrokerError::Overloaded {
            reason,
            retry_after_ms,
        }) => {
            assert_eq!(reason, "partition_buffer_full");
            assert!(retry_after_ms > 0);
        }
        other => panic!("expected overload, got {other:?}"),
    }
    for d in &ds {
        h.ack(d).expect("ack");
    }
    h.produce("t", msg("fits again"));
    // One batch cannot overshoot the limit either: its own earlier messages count.
    let ds = h.poll("t", "g", "o", 10);
    assert_eq!(ds.len(), 1, "the group holds one unacked message");
    let results = h
        .b()
        .produce("t", (0..5).map(|i| msg(&format!("b{i}"))).collect(), h.now)
        .wait(h.b());
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(accepted, 2, "1 unacked + 2 = the limit of 3: {results:?}");
    assert!(results[2..].iter().all(|r| matches!(
        r,
        Err(BrokerError::Overloaded {
            reason: "partition_buffer_full",
            ..
        })
    )));
    let hb = Harness::with(|c| c.max_partition_bytes = 10);
    hb.topic("t", 1);
    hb.poll("t", "g", "o", 1);
    hb.produce("t", msg("12345"));
    let r = hb
        .b()
        .produce("t", vec![msg("67890")], hb.now)
        .wait(hb.b())
        .pop()
        .expect("one");
    assert!(
        matches!(
            r,
            Err(BrokerError::Overloaded {
                reason: "partition_buffer_bytes_full",
                ..
            })
        ),
        "{r:?}"
    );
    let hc = Harness::with(|c| c.max_partition_bytes = 10);
    hc.topic("t", 1);
    hc.poll("t", "g", "o", 1);
    let results = hc
        .b()
        .produce("t", vec![msg("1234"), msg("5678"), msg("901")], hc.now)
        .wait(hc.b());
    assert!(results[0].is_ok() && results[1].is_ok(), "{results:?}");
    assert!(
        matches!(
            results[2],
            Err(BrokerError::Overloaded {
                reason: "partition_buffer_bytes_full",
                ..
            })
        ),
        "8 bytes planned + 3 > 10: {results:?}"
    );
}

#[test]
fn router_labels_and_reroutes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = BrokerConfig::new(dir.path());
    config.durability = Durability::Never;
    let router = RuleRouter::parse(
        "topic=orders key=vip-* => topic=orders.vip partition=1 label=vip meta:source=rules",
    )
    .expect("rules");
    let b = Broker::open(config, Some(std::sync::Arc::new(router)), 0).expect("open");
    b.create_topic("orders", 1, None, None, 0).expect("create");
    b.create_topic("orders.vip", 2, None, None, 0)
        .expect("create");
    let r = b
        .produce("orders", vec![keyed("vip-1", "x")], 0)
        .wait(&b)
        .pop()
        .expect("one")
        .expect("ok");
    assert_eq!((r.topic.as_str(), r.partition), ("orders.vip", 1));
    let m = b
        .read("orders.vip", 1, ReadFrom::Offset(0), 1, usize::MAX)
        .expect("read")
        .pop()
        .expect("msg");
    let routing = m.meta.routing.expect("routing");
    assert_eq!(routing.label, "vip");
    assert_eq!(
        routing.meta,
        vec![("source".to_string(), "rules".to_string())]
    );
    let plain = b
        .produce("orders", vec![keyed("joe", "y")], 0)
        .wait(&b)
        .pop()
        .expect("one")
        .expect("ok");
    assert_eq!(plain.topic, "orders");
}

#[test]
fn ack_cumulative_and_extend() {
    let mut h = Harness::new();
    h.topic("t", 1);
    for i in 0..4 {
        h.produce("t", msg(&i.to_string()));
    }
    let ds = h.poll("t", "g", "o", 4);
    let upto = LeaseRef {
        offset: 2,
        ..lease_ref(&ds[0])
    };
    assert!(matches!(
        h.b()
            .ack_cumulative(&LeaseRef { owner: "x", ..upto }, h.now),
        Err(BrokerError::WrongOwner { .. })
    ));
    assert_eq!(h.b().ack_cumulative(&upto, h.now).expect("cumulative"), 3);
    assert_eq!(lag(&h.stats(), "t", "g"), 1);
    let deadline = h
        .b()
        .extend(&lease_ref(&ds[3]), 60_000, h.now)
        .expect("extend");
    assert_eq!(deadline, h.now + 60_000);
    h.tick(5_000);
    assert_eq!(
        h.b().inflight("t", "g").expect("inflight").len(),
        1,
        "extended lease did not expire"
    );
}

#[test]
fn retention_moves_groups_forward_and_counts_the_skip() {
    let mut h = Harness::with(|c| c.segment_bytes = 200);
    h.b()
        .create_topic("t", 1, Some(10_000), None, h.now)
        .expect("create");
    for i in 0..10 {
        h.produce("t", msg(&format!("message number {i}")));
    }
    h.poll("t", "g", "o", 1).pop().expect("one");
    h.tick(20_000);
    let s = h.stats();
    let low = s.topics[0].partitions[0].low_watermark;
    assert!(low > 0, "segments were deleted");
    let gp = &s.groups[0].partitions[0];
    assert_eq!(gp.floor, low);
    assert_eq!(gp.counters.skipped_by_retention, low);
}

#[test]
fn polls_that_start_in_a_sealed_segment_are_told_apart_from_polls_at_the_head() {
    // Every message fills a segment: offsets below the last one are in sealed segments.
    let mut h = Harness::with(|c| c.segment_bytes = 100);
    h.topic("t", 1);
    h.produce("t", msg("first message, long enough to fill a segment"));
    h.produce("t", msg("second message, long enough to fill a segment"));
    h.produce("t", msg("third message, long enough to fill a segment"));
    let b = h.b();
    assert!(
        b.poll_reads_sealed("t", "new-group", h.now),
        "a new group starts at the low watermark, in a sealed segment"
    );
    let first = h.poll("t", "g", "o", 2);
    assert_eq!(first.len(), 2);
    assert!(
        !h.b().poll_reads_sealed("t", "g", h.now),
        "the cursor reached the active segment"
    );
    h.b()
        .nack(
            &lease_ref(&first[0]),
            "again",
            NackAction::RetryAfter(0),
            h.now,
        )
        .expect("nack");
    assert!(
        h.b().poll_reads_sealed("t", "g", h.now),
        "a due retry of offset 0 is read from a sealed segment"
    );
    let again = h.poll("t", "g", "o", 10);
    let offsets: Vec<u64> = again.iter().map(|d| d.message.offset).collect();
    assert_eq!(offsets, [0, 2], "the retry first, then the rest");
    for d in again.iter().chain(&first[1..]) {
        h.ack(d).expect("ack");
    }
    assert!(!h.b().poll_reads_sealed("t", "g", h.now), "caught up");
    h.tick(1);
    assert!(
        !h.b().poll_reads_sealed("no-such-topic", "g", h.now),
        "an unknown topic is the poll's error to report, not a reason to block"
    );
}

#[test]
fn retention_by_age_empties_a_quiet_topic_that_never_filled_a_segment() {
    let mut h = Harness::new();
    h.b()
        .create_topic("quiet", 1, Some(60_000), None, h.now)
        .expect("create");
    for i in 0..3 {
        h.produce("quiet", msg(&format!("old {i}")));
    }
    h.poll("quiet", "g", "o", 1).pop().expect("one leased");
    h.tick(30_000);
    assert_eq!(
        h.stats().topics[0].partitions[0].low_watermark,
        0,
        "younger than the retention: kept"
    );
    h.tick(31_000);
    let s = h.stats();
    let p = &s.topics[0].partitions[0];
    assert_eq!(
        (p.low_watermark, p.high_watermark),
        (3, 3),
        "older than the retention: gone, although they were all in the active segment"
    );
    assert_eq!(s.groups[0].partitions[0].counters.skipped_by_retention, 3);
    let (_, offset, _) = h.produce("quiet", msg("new"));
    assert_eq!(offset, 3, "offsets continue");
    let next = h.poll("quiet", "g", "o", 10);
    assert_eq!(
        next.iter().map(|d| d.message.offset).collect::<Vec<_>>(),
        [3]
    );
    h.restart();
    assert_eq!(h.stats().topics[0].partitions[0].low_watermark, 3);
}

#[test]
fn snapshot_bounds_the_state_log_and_restart_replays_the_tail() {
    let mut h = Harness::with(|c| c.snapshot_every = 50);
    h.topic("t", 2);
    for i in 0..200 {
        h.produce("t", msg(&i.to_string()));
    }
    for _ in 0..20 {
        for d in h.poll("t", "g", "o", 7) {
            h.ack(&d).expect("ack");
        }
        h.tick(1);
    }
    let state_dir = h.dir.path().join("state");
    let before = h.stats();
    let logs = std::fs::read_dir(&state_dir)
        .expect("state dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "log"))
        })
        .count();
    assert!(
        logs <= 2,
        "old state segments are deleted after a snapshot ({logs})"
    );
    h.restart();
    assert_eq!(kept(&h.stats().groups), kept(&before.groups));
}

/// What a restart keeps of the groups: everything but who polled lately (memory only, like
/// leases).
fn kept(groups: &[GroupStats]) -> Vec<GroupStats> {
    groups
        .iter()
        .map(|g| GroupStats {
            last_poll_age_ms: None,
            last_owner: None,
            consumers: Vec::new(),
            ..g.clone()
        })
        .collect()
}

fn delivery_key(d: &Delivery) -> (u32, u64, u32) {
    (d.message.partition, d.message.offset, d.attempts)
}

#[test]
fn restart_equivalence_same_stats_and_next_deliveries() {
    let mut h = Harness::new();
    h.topic("t", 3);
    for i in 0..30 {
        h.produce("t", with_policy(&i.to_string(), 3, 100));
    }
    let ds = h.poll("t", "g", "o", 12);
    for d in ds.iter().step_by(2) {
        h.ack(d).expect("ack");
    }
    for d in ds.iter().skip(1).step_by(4) {
        h.b()
            .nack(&lease_ref(d), "x", NackAction::RetryAfter(0), h.now)
            .expect("nack");
    }
    // Give back the remaining leases so the comparison is not about leases (never restored).
    h.tick(1_001);
    let before = h.stats();
    let next_before: Vec<_> = h
        .b()
        .poll("t", "g2", "p", 50, 1_000, h.now)
        .and_then(Deferred::wait)
        .expect("poll")
        .iter()
        .map(delivery_key)
        .collect();
    h.restart();
    let after = h.stats();
    assert_eq!(
        kept(&after.groups).iter().find(|g| g.group == "g"),
        kept(&before.groups).iter().find(|g| g.group == "g")
    );
    let next_after: Vec<_> = h.poll("t", "g", "o", 50).iter().map(delivery_key).collect();
    h.crash();
    let next_after_crash: Vec<_> = h.poll("t", "g", "o", 50).iter().map(delivery_key).collect();
    assert_eq!(next_after, next_after_crash);
    assert!(!next_before.is_empty());
}

// ---- model test ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Produce {
        key: Option<u8>,
        max_attempts: u32,
        delay_ms: Option<u64>,
    },
    Poll {
        owner: u8,
        max: usize,
    },
    Ack {
        pick: usize,
    },
    Nack {
        pick: usize,
    },
    Advance {
        ms: i64,
    },
    Restart,
    Crash,
    Replay,
    Grow,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (proptest::option::of(0u8..4), 0u32..4, proptest::option::weighted(0.2, 1u64..5_000)).prop_map(|(key, max_attempts, delay_ms)| Op::Produce { key, max_attempts, delay_ms }),
        3 => (0u8..2, 1usize..5).prop_map(|(owner, max)| Op::Poll { owner, max }),
        3 => any::<usize>().prop_map(|pick| Op::Ack { pick }),
        2 => any::<usize>().prop_map(|pick| Op::Nack { pick }),
        2 => (1i64..3_000).prop_map(|ms| Op::Advance { ms }),
        1 => Just(Op::Restart),
        1 => Just(Op::Crash),
        1 => Just(Op::Replay),
        1 => Just(Op::Grow),
    ]
}

/// What the model knows: every message, the ones acked, dead-lettered, and the leases the
/// broker handed out (and that are still valid in the model's view).
#[derive(Default)]
struct Model {
    produced: BTreeSet<(u32, u64)>,
    acked: BTreeSet<(u32, u64)>,
    dead: BTreeSet<(u32, u64)>,
    held: Vec<Delivery>,
    max_attempts_seen: BTreeMap<(u32, u64), u32>,
    acks: u64,
}

fn check_delivery(model: &mut Model, d: &Delivery) -> Result<(), TestCaseError> {
    let id = (d.message.partition, d.message.offset);
    prop_assert!(
        !model.acked.contains(&id),
        "acked message {id:?} redelivered"
    );
    prop_assert!(
        !model.dead.contains(&id),
        "dead-lettered message {id:?} redelivered"
    );
    let seen = model.max_attempts_seen.entry(id).or_insert(0);
    prop_assert!(
        d.attempts >= *seen,
        "attempts went down for {id:?}: {} < {}",
        d.attempts,
        seen
    );
    *seen = d.attempts;
    Ok(())
}

fn record_dead(model: &mut Model, h: &Harness) {
    if let Ok(peek) = h.b().dlq_peek("t", 10_000) {
        for m in peek {
            if let Some(o) = m.message.meta.dlq {
                model.dead.insert((o.partition, o.offset));
            }
        }
    }
}

/// The per-message view (`/debug/messages/state`) agrees with the model and with the group's
/// counts: every stored message once, in exactly one state; what is done is `acked`; in flight,
/// retried and queued add up to the lag; each state's filter returns exactly its rows; the DLQ
/// rows are the model's dead-lettered messages.
fn check_message_states(h: &Harness, m: &Model, s: &Stats) -> Result<(), TestCaseError> {
    let query = |state: Option<MessageState>, topic: Option<&'static str>| StateQuery {
        group: "g",
        topic,
        state,
        owner: None,
        limit: MAX_STATE_ROWS,
    };
    let rows = h
        .b()
        .message_states(&query(None, Some("t")), h.now)
        .expect("states");
    let ids: Vec<(u32, u64)> = rows
        .iter()
        .map(|r| (r.message.partition, r.message.offset))
        .collect();
    let unique: BTreeSet<(u32, u64)> = ids.iter().copied().collect();
    prop_assert_eq!(unique.len(), ids.len(), "a message listed twice");
    prop_assert_eq!(&unique, &m.produced);
    let in_state = |st: MessageState| -> BTreeSet<(u32, u64)> {
        rows.iter()
            .filter(|r| r.state == st)
            .map(|r| (r.message.partition, r.message.offset))
            .collect()
    };
    let done: BTreeSet<(u32, u64)> = m.acked.union(&m.dead).copied().collect();
    prop_assert_eq!(in_state(MessageState::Acked), done);
    let g = s
        .groups
        .iter()
        .find(|g| g.topic == "t" && g.group == "g")
        .expect("group g");
    let inflight: u64 = g.partitions.iter().map(|p| p.inflight).sum();
    prop_assert_eq!(in_state(MessageState::InFlight).len() as u64, inflight);
    let outstanding = rows
        .iter()
        .filter(|r| r.state != MessageState::Acked)
        .count() as u64;
    prop_assert_eq!(outstanding, lag(s, "t", "g"));
    // Retried: failed at least once and waiting; every retry still in its backoff is one.
    let waiting: u64 = g.partitions.iter().map(|p| p.waiting_retry).sum();
    prop_assert!(in_state(MessageState::Retried).len() as u64 >= waiting);
    // Delayed: held by the group; every one not due yet is one.
    let delayed: u64 = g.partitions.iter().map(|p| p.delayed).sum();
    prop_assert!(in_state(MessageState::Delayed).len() as u64 >= delayed);
    for r in rows.iter().filter(|r| r.state == MessageState::Delayed) {
        prop_assert!(
            r.message.meta.deliver_at_ms.is_some() && r.attempts == 0,
            "{:?}",
            r
        );
    }
    for r in &rows {
        match r.state {
            MessageState::Retried => {
                prop_assert!(r.attempts >= 1 && r.last_error.is_some(), "{:?}", r);
            }
            MessageState::InFlight => {
                prop_assert!(
                    r.attempts >= 1 && r.owner.is_some() && r.lease_deadline_ms.is_some(),
                    "{:?}",
                    r
                );
            }
            _ => prop_assert!(
                r.owner.is_none() && r.lease_deadline_ms.is_none(),
                "{:?}",
                r
            ),
        }
    }
    for st in [
        MessageState::Queued,
        MessageState::InFlight,
        MessageState::Retried,
        MessageState::Acked,
    ] {
        let only: BTreeSet<(u32, u64)> = h
            .b()
            .message_states(&query(Some(st), Some("t")), h.now)
            .expect("filtered")
            .iter()
            .map(|r| (r.message.partition, r.message.offset))
            .collect();
        prop_assert_eq!(only, in_state(st), "{:?}", st);
    }
    let dead: BTreeSet<(u32, u64)> = h
        .b()
        .message_states(&query(Some(MessageState::DeadLettered), None), h.now)
        .expect("dead")
        .iter()
        .filter_map(|r| r.message.meta.dlq.as_ref().map(|o| (o.partition, o.offset)))
        .collect();
    prop_assert_eq!(&dead, &m.dead);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn model_no_acked_redelivery_everything_ends_acked_or_dead(ops in proptest::collection::vec(op(), 1..60)) {
        let mut h = Harness::new();
        h.topic("t", 2);
        let mut m = Model::default();
        for op in ops {
            match op {
                Op::Produce { key, max_attempts, delay_ms } => {
                    let mut pm = with_policy("v", max_attempts, 50);
                    pm.key = key.map(|k| vec![k]);
                    pm.delay_ms = delay_ms;
                    let (p, o, _) = h.produce("t", pm);
                    m.produced.insert((p, o));
                }
                Op::Poll { owner, max } => {
                    let ds = h.b().poll("t", "g", &format!("o{owner}"), max, 1_000, h.now).and_then(Deferred::wait).expect("poll");
                    for d in ds {
                        check_delivery(&mut m, &d)?;
                        prop_assert!(d.message.meta.deliver_at_ms.is_none_or(|at| at <= h.now), "delivered before its delay passed: {:?}", d);
                        m.held.push(d);
                    }
                }
                Op::Ack { pick } if !m.held.is_empty() => {
                    let d = m.held.remove(pick % m.held.len());
                    if h.ack(&d).is_ok() {
                        m.acked.insert((d.message.partition, d.message.offset));
                        m.acks += 1;
                    }
                }
                Op::Nack { pick } if !m.held.is_empty() => {
                    let d = m.held.remove(pick % m.held.len());
                    let _ = h.b().nack(&lease_ref(&d), "model", NackAction::Retry, h.now);
                    record_dead(&mut m, &h);
                }
                Op::Advance { ms } => {
                    h.tick(ms);
                    record_dead(&mut m, &h);
                }
                Op::Grow => {
                    let now = h.b().topic_meta("t").expect("meta").partitions;
                    if now < 5 {
                        h.b().grow_topic("t", now + 1, h.now).expect("grow");
                    }
                }
                Op::Restart => { h.restart(); m.held.clear(); }
                Op::Crash => { h.crash(); m.held.clear(); }
                Op::Replay => {
                    let items = match h.b().dlq_replay(&ReplayRequest { topic: "t".into(), ..ReplayRequest::default() }, h.now) {
                        Err(BrokerError::TopicNotFound(_)) => Vec::new(), // nothing dead-lettered yet
                        other => other.expect("replay"),
                    };
                    for it in items {
                        if let Some(p) = it.produced {
                            m.produced.insert((p.partition, p.offset));
                        }
                    }
                }
                _ => {}
            }
            // Lag and ack counter agree with the model at every step.
            let s = h.stats();
            let expected_lag = m.produced.len() as u64 - m.acked.len() as u64 - m.dead.len() as u64;
            if s.groups.iter().any(|g| g.group == "g") {
                prop_assert_eq!(lag(&s, "t", "g"), expected_lag);
                let acks: u64 = s.groups.iter().filter(|g| g.topic == "t" && g.group == "g").flat_map(|g| g.partitions.iter().map(|p| p.counters.acks)).sum();
                prop_assert_eq!(acks, m.acks);
                check_message_states(&h, &m, &s)?;
            }
        }
        // Drain: every produced message ends acked or in the DLQ.
        for _ in 0..200 {
            h.tick(60_000);
            record_dead(&mut m, &h);
            let ds = h.b().poll("t", "g", "drain", 100, 1_000, h.now).and_then(Deferred::wait).expect("poll");
            for d in ds {
                check_delivery(&mut m, &d)?;
                h.ack(&d).expect("drain ack");
                m.acked.insert((d.message.partition, d.message.offset));
            }
            if m.acked.len() + m.dead.len() >= m.produced.len() { break; }
        }
        let done: BTreeSet<(u32, u64)> = m.acked.union(&m.dead).copied().collect();
        prop_assert_eq!(done, m.produced.clone());
        if h.b().list_groups().iter().any(|(_, g)| g == "g") {
            prop_assert_eq!(lag(&h.stats(), "t", "g"), 0);
        }
    }
}

/// One-message polls out of one large batch, two groups interleaved and one consumer that lets
/// its lease lapse: every message reaches every group exactly once, in order, and the expired one
/// comes back — whatever a poll decoded past its `max` and kept for the next one.
#[test]
fn one_message_polls_of_a_large_batch_deliver_each_message_once_per_group() {
    let mut h = Harness::new();
    h.topic("big", 1);
    let values: Vec<String> = (0..150).map(|i| format!("m{i}")).collect();
    let results = h
        .b()
        .produce("big", values.iter().map(|v| msg(v)).collect(), h.now)
        .wait(h.b());
    assert!(results.iter().all(Result::is_ok));
    let mut seen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut held = None;
    for round in 0..150 {
        for group in ["a", "b"] {
            let got = h.poll("big", group, "w", 1);
            assert_eq!(got.len(), 1, "round {round}, group {group}");
            let d = &got[0];
            // Group b leaves message 40 unacked: its lease runs out and it comes back.
            if group == "b" && d.message.offset == 40 && held.is_none() {
                held = Some(d.message.offset);
                continue;
            }
            h.ack(d).expect("ack");
            seen.entry(group)
                .or_default()
                .push(String::from_utf8(d.message.value.clone()).expect("utf8"));
        }
    }
    assert_eq!(seen["a"], values);
    assert_eq!(seen["b"].len(), 149);
    h.tick(2_000);
    let back = h.poll("big", "b", "w", 10);
    assert_eq!(back.len(), 1);
    assert_eq!((back[0].message.offset, back[0].attempts), (40, 2));
}

/// Polls read the log without the groups lock, so concurrent polls of one group race for the
/// same records: each record must still go to exactly one of them, and none may be skipped.
#[test]
fn concurrent_polls_of_one_group_hand_out_every_message_exactly_once() {
    let h = Harness::with(|c| c.max_inflight = 100_000);
    h.topic("t", 2);
    let total = 3_000;
    for chunk in (0..total).collect::<Vec<_>>().chunks(100) {
        let msgs = chunk.iter().map(|i| msg(&i.to_string())).collect();
        let deferred = h.b().produce("t", msgs, h.now);
        for r in crate::pool::block_on(deferred.durable(h.b())) {
            r.expect("produced");
        }
    }
    let delivered: Vec<Vec<(u32, u64)>> = std::thread::scope(|s| {
        let pollers: Vec<_> = (0..4)
            .map(|i| {
                let b = h.b();
                let now = h.now;
                s.spawn(move || {
                    let owner = format!("o{i}");
                    let mut got = Vec::new();
                    let mut empty = 0;
                    while empty < 3 {
                        let ds = b
                            .poll("t", "g", &owner, 7, 60_000, now)
                            .and_then(Deferred::wait)
                            .expect("poll");
                        if ds.is_empty() {
                            empty += 1;
                        }
                        for d in &ds {
                            got.push((d.message.partition, d.message.offset));
                            if d.message.offset % 2 == 0 {
                                b.ack(&lease_ref(d), now)
                                    .and_then(Deferred::wait)
                                    .expect("ack");
                            }
                        }
                    }
                    got
                })
            })
            .collect();
        pollers
            .into_iter()
            .map(|p| p.join().expect("poller"))
            .collect()
    });
    let all: Vec<(u32, u64)> = delivered.into_iter().flatten().collect();
    let distinct: BTreeSet<(u32, u64)> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "a message was handed out twice");
    assert_eq!(distinct.len(), total, "a message was never handed out");
    let g = h.stats();
    let inflight: u64 = g
        .groups
        .iter()
        .filter(|s| s.group == "g")
        .flat_map(|s| s.partitions.iter().map(|p| p.inflight))
        .sum();
    assert_eq!(
        inflight as usize,
        total - total / 2,
        "odd offsets stay leased"
    );
}

#[test]
fn retention_set_on_a_live_topic_applies_at_the_next_tick_and_survives_restarts_and_snapshots() {
    for snapshot_every in [100_000, 1] {
        let mut h = Harness::with(|c| c.snapshot_every = snapshot_every);
        h.topic("t", 1);
        for i in 0..3 {
            h.produce("t", msg(&format!("m{i}")));
        }
        let low = |h: &Harness| h.stats().topics[0].partitions[0].low_watermark;
        h.tick(120_000);
        assert_eq!(low(&h), 0, "no retention: everything kept");
        let meta = h
            .b()
            .set_retention("t", Some(Some(60_000)), None, h.now)
            .expect("set");
        assert_eq!(
            (meta.retention_age_ms, meta.retention_bytes),
            (Some(60_000), None)
        );
        for (age, bytes) in [
            (Some(Some(0)), None),
            (Some(Some(-5)), None),
            (None, Some(Some(0))),
        ] {
            assert!(
                matches!(
                    h.b().set_retention("t", age, bytes, h.now),
                    Err(BrokerError::InvalidArgument(_))
                ),
                "{age:?} {bytes:?}"
            );
        }
        assert!(matches!(
            h.b().set_retention("nope", Some(None), None, h.now),
            Err(BrokerError::TopicNotFound(_))
        ));
        assert_eq!(
            h.stats().topics[0].retention_age_ms,
            Some(60_000),
            "a refused change changed nothing"
        );
        h.tick(1);
        assert_eq!(
            low(&h),
            3,
            "older than the new limit: deleted at the next tick"
        );
        let m = h
            .b()
            .set_retention("t", None, Some(Some(1 << 30)), h.now)
            .expect("add a size limit");
        assert_eq!(
            (m.retention_age_ms, m.retention_bytes),
            (Some(60_000), Some(1 << 30)),
            "a limit not named is kept"
        );
        h.b()
            .set_retention("t", Some(None), None, h.now)
            .expect("remove the age limit");
        h.tick(1); // lets a due snapshot happen
        for restart in [Harness::restart, Harness::crash] {
            restart(&mut h);
            let m = h.b().topic_meta("t").expect("meta");
            assert_eq!(
                (m.retention_age_ms, m.retention_bytes),
                (None, Some(1 << 30)),
                "snapshot_every {snapshot_every}"
            );
        }
        h.produce("t", msg("new"));
        h.tick(120_000);
        assert_eq!(low(&h), 3, "the age limit is gone: new messages are kept");
    }
}

#[test]
fn purging_a_topic_deletes_its_messages_keeps_offsets_and_moves_groups_past_them() {
    let mut h = Harness::new();
    h.topic("t", 2);
    for i in 0..6 {
        h.produce("t", msg(&format!("m{i}")));
    }
    let leased = h.poll("t", "g", "o", 1);
    assert_eq!(leased.len(), 1);
    assert_eq!(h.b().purge_topic("t", h.now).expect("purge"), 6);
    let s = h.stats();
    for p in &s.topics[0].partitions {
        assert_eq!((p.low_watermark, p.high_watermark), (3, 3), "offsets kept");
    }
    assert_eq!(
        lag(&s, "t", "g"),
        0,
        "the group moved past what was deleted"
    );
    let skipped: u64 = s.groups[0]
        .partitions
        .iter()
        .map(|p| p.counters.skipped_by_retention)
        .sum();
    assert_eq!(skipped, 6);
    assert!(h.ack(&leased[0]).is_err(), "leases on purged messages end");
    assert!(matches!(
        h.b().purge_topic("nope", h.now),
        Err(BrokerError::TopicNotFound(_))
    ));
    assert_eq!(h.b().purge_topic("t", h.now).expect("again"), 0);
    let (p, offset, _) = h.produce("t", msg("after"));
    assert_eq!(offset, 3, "offsets continue");
    for restart in [Harness::restart, Harness::crash] {
        restart(&mut h);
        assert_eq!(lag(&h.stats(), "t", "g"), 1);
    }
    let got = h.poll("t", "g", "o", 10);
    assert_eq!(
        got.iter()
            .map(|d| (d.message.partition, d.message.offset))
            .collect::<Vec<_>>(),
        [(p, 3)]
    );
}

#[test]
fn a_purged_dlq_counts_only_what_it_still_holds() {
    let mut h = Harness::new();
    h.topic("t", 1);
    let dead_letter = |h: &Harness, value: &str| {
        h.produce("t", with_policy(value, 1, 0));
        let d = h.poll("t", "g", "o", 1).pop().expect("leased");
        h.b()
            .nack(&lease_ref(&d), "bad", NackAction::Retry, h.now)
            .expect("nack");
    };
    dead_letter(&h, "first");
    let moved = h
        .b()
        .dlq_replay(
            &ReplayRequest {
                topic: "t".into(),
                ..ReplayRequest::default()
            },
            h.now,
        )
        .expect("replay");
    assert_eq!(moved.len(), 1);
    let depth = |h: &Harness| h.stats().dlq.first().map(|d| d.depth);
    assert_eq!(depth(&h), Some(0), "moved out");
    // The replayed copy is consumed; then the DLQ is purged and a new message dies.
    let again = h.poll("t", "g", "o", 1).pop().expect("replayed copy");
    h.ack(&again).expect("ack");
    assert_eq!(h.b().purge_topic("dlq.t", h.now).expect("purge"), 1);
    dead_letter(&h, "second");
    h.tick(1);
    assert_eq!(
        depth(&h),
        Some(1),
        "a moved message purged since is not subtracted from what is there now"
    );
}

#[test]
fn polls_and_dlq_peeks_stop_at_reply_bytes_and_the_rest_follows() {
    let h = Harness::new();
    h.topic("big", 1);
    let mib = |i: u8| ProduceMessage {
        value: vec![i; 1 << 20],
        envelope: with_policy("", 1, 0).envelope,
        ..ProduceMessage::default()
    };
    for i in 0..24 {
        h.produce("big", mib(i));
    }
    let payload = |ds: &[Delivery]| ds.iter().map(|d| d.message.value.len()).sum::<usize>();
    let first = h.poll("big", "g", "o", 10_000);
    assert!(
        !first.is_empty() && first.len() < 24,
        "a count limit of 10,000 does not hand out 24 MiB at once: {}",
        first.len()
    );
    assert!(
        payload(&first) >= REPLY_BYTES && payload(&first) <= REPLY_BYTES + (4 << 20),
        "{} bytes",
        payload(&first)
    );
    let rest = h.poll("big", "g", "o", 10_000);
    let mut offsets: Vec<u64> = first
        .iter()
        .chain(&rest)
        .map(|d| d.message.offset)
        .collect();
    offsets.sort_unstable();
    assert_eq!(offsets, (0..24).collect::<Vec<_>>(), "the rest follows");
    // Dead-letter them all: a peek stops at the budget too.
    for d in first.iter().chain(&rest) {
        h.b()
            .nack(&lease_ref(d), "too big", NackAction::Retry, h.now)
            .expect("nack");
    }
    let peeked = h.b().dlq_peek("big", 10_000).expect("peek");
    let bytes: usize = peeked.iter().map(|m| m.message.value.len()).sum();
    assert!(
        !peeked.is_empty() && peeked.len() < 24 && bytes <= REPLY_BYTES + (1 << 20),
        "{} messages, {bytes} bytes",
        peeked.len()
    );
    // The newest-first peek of the debug view keeps the newest when it cannot take them all.
    let newest = h.b().peek_newest("big", 100).expect("peek newest");
    assert_eq!(newest.first().map(|r| r.message.offset), Some(23));
    assert!(newest.len() < 24, "{}", newest.len());
}

#[test]
fn a_long_nack_reason_is_cut_at_a_character_boundary() {
    let h = Harness::new();
    h.topic("t", 1);
    h.produce("t", with_policy("v", 5, 0));
    let d = h.poll("t", "g", "o", 1).pop().expect("leased");
    let trace = "é".repeat(5_000); // 10,000 bytes of two-byte characters
    h.b()
        .nack(
            &lease_ref(&d),
            &format!("x{trace}"),
            NackAction::Retry,
            h.now,
        )
        .expect("nack");
    let again = h.poll("t", "g", "o", 1).pop().expect("redelivered");
    let kept = again.errors.last().expect("the reason");
    assert!(
        kept.len() <= driftq_core::broker::MAX_REASON_BYTES && kept.len() > 2_000,
        "{} bytes kept",
        kept.len()
    );
    assert!(kept.starts_with("xé"));
}

#[test]
fn a_topic_grows_partitions_live_groups_read_the_new_ones_and_the_growth_survives_restarts() {
    for snapshot_every in [100_000, 1] {
        let mut h = Harness::with(|c| c.snapshot_every = snapshot_every);
        h.topic("t", 2);
        h.produce("t", msg("before"));
        let first = h.poll("t", "g", "c1", 10);
        assert_eq!(first.len(), 1);
        h.ack(&first[0]).expect("ack");
        for (total, why) in [(2, "already has 2"), (1, "never removed"), (0, "use 1 to")] {
            match h.b().grow_topic("t", total, h.now) {
                Err(BrokerError::InvalidArgument(m)) => assert!(m.contains(why), "{total}: {m}"),
                other => panic!("growing to {total}: {other:?}"),
            }
        }
        assert!(matches!(
            h.b().grow_topic("nope", 4, h.now),
            Err(BrokerError::TopicNotFound(_))
        ));
        let refused = h.b().alter_topic(
            "t",
            &TopicChange {
                partitions: Some(8),
                retention_age_ms: Some(Some(0)),
                ..TopicChange::default()
            },
            h.now,
        );
        assert!(matches!(refused, Err(BrokerError::InvalidArgument(_))));
        assert_eq!(
            h.b().topic_meta("t").expect("meta").partitions,
            2,
            "one refused change of a PATCH refuses all of it"
        );
        let meta = h.b().grow_topic("t", 4, h.now).expect("grow");
        assert_eq!(meta.partitions, 4);
        assert_eq!(h.stats().topics[0].partitions.len(), 4);
        assert_eq!(
            h.produce(
                "t",
                ProduceMessage {
                    partition: Some(3),
                    ..msg("on a new partition")
                }
            ),
            (3, 0, false)
        );
        let used: BTreeSet<u32> = (0..8)
            .map(|i| h.produce("t", msg(&format!("rr{i}"))).0)
            .collect();
        assert_eq!(
            used.len(),
            4,
            "keyless produce spreads over the new partitions too"
        );
        let got = h.poll("t", "g", "c1", 100);
        assert_eq!(
            got.len(),
            9,
            "the old group reads the new partitions from their start"
        );
        for d in &got {
            h.ack(d).expect("ack");
        }
        assert_eq!(
            h.poll("t", "late", "c2", 100).len(),
            10,
            "a new group gets all four"
        );
        h.tick(1); // lets a due snapshot happen
        for restart in [Harness::restart, Harness::crash] {
            restart(&mut h);
            assert_eq!(h.b().topic_meta("t").expect("meta").partitions, 4);
            assert!(
                h.poll("t", "g", "c1", 100).is_empty(),
                "acks on new partitions kept"
            );
        }
        assert_eq!(
            h.produce(
                "t",
                ProduceMessage {
                    partition: Some(3),
                    ..msg("after the restarts")
                }
            ),
            (3, 3, false),
            "offsets on a new partition continue"
        );
        let grown = h.b().grow_topic("t", 6, h.now).expect("grow again");
        assert_eq!(grown.partitions, 6);
        h.restart();
        assert_eq!(h.stats().topics[0].partitions.len(), 6);
        let after = h.poll("t", "g", "c1", 100);
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].message.partition, 3);
    }
}

#[test]
fn a_delayed_message_waits_for_its_time_without_holding_up_the_rest_even_across_restarts() {
    let mut h = Harness::with(|c| c.snapshot_every = 1);
    h.topic("t", 1);
    let delayed = |value: &str, ms: u64| ProduceMessage {
        delay_ms: Some(ms),
        ..msg(value)
    };
    h.produce("t", delayed("in 10 s", 10_000));
    h.produce("t", msg("now"));
    h.produce("t", delayed("in 5 s", 5_000));
    assert!(matches!(
        h.try_produce("t", delayed("too late", 15 * 60 * 1000 + 1)),
        Err(BrokerError::InvalidArgument(m)) if m.contains("maximum of 900000 ms")
    ));
    let values = |ds: &[Delivery]| -> Vec<String> {
        ds.iter()
            .map(|d| String::from_utf8_lossy(&d.message.value).into_owned())
            .collect()
    };
    let first = h.poll("t", "g", "c", 10);
    assert_eq!(values(&first), ["now"], "the rest is not held up");
    h.ack(&first[0]).expect("ack");
    let gs = |h: &Harness| h.stats().groups[0].partitions[0].clone();
    assert_eq!((gs(&h).delayed, gs(&h).lag, gs(&h).ready), (2, 2, 0));
    let rows = h
        .b()
        .message_states(
            &StateQuery {
                group: "g",
                topic: Some("t"),
                state: Some(MessageState::Delayed),
                owner: None,
                limit: 10,
            },
            h.now,
        )
        .expect("states");
    assert_eq!(
        rows.iter().map(|r| r.message.offset).collect::<Vec<_>>(),
        [0, 2]
    );
    assert_eq!(rows[0].message.meta.deliver_at_ms, Some(h.now + 10_000));
    h.tick(4_999);
    assert!(h.poll("t", "g", "c", 10).is_empty(), "not due yet");
    // A restart forgets nothing: the delivery time is in the message, not in memory.
    h.crash();
    assert!(h.poll("t", "g", "c", 10).is_empty(), "still not due");
    assert_eq!(gs(&h).delayed, 2, "the poll passed them again");
    h.tick(1);
    let due = h.poll("t", "g", "c", 10);
    assert_eq!(values(&due), ["in 5 s"], "due first, delivered first");
    assert_eq!(due[0].attempts, 1);
    h.ack(&due[0]).expect("ack");
    h.tick(5_000);
    let later = h.poll("t", "g", "c", 10);
    assert_eq!(values(&later), ["in 10 s"]);
    h.ack(&later[0]).expect("ack");
    assert_eq!(gs(&h).delayed, 0);
    // Another group, created late, finds them due at once.
    assert_eq!(h.poll("t", "late", "c", 10).len(), 3);
    // A seek back delays nothing again that is due.
    h.b()
        .seek("t", "g", None, SeekTo::Start, true, h.now)
        .expect("seek");
    assert_eq!(h.poll("t", "g", "c", 10).len(), 3);
}

#[test]
fn a_topics_retry_policy_dead_letters_messages_without_their_own_and_survives_restarts() {
    for snapshot_every in [100_000, 1] {
        let mut h = Harness::with(|c| c.snapshot_every = snapshot_every);
        let policy = RetryPolicy {
            max_attempts: 2,
            backoff_ms: 0,
            max_backoff_ms: 0,
        };
        let meta = h
            .b()
            .create_topic_from(
                driftq_core::broker::TopicMeta {
                    name: "t".into(),
                    partitions: 1,
                    retention_age_ms: None,
                    retention_bytes: None,
                    retry: Some(policy),
                    ordering: TopicOrdering::None,
                },
                h.now,
            )
            .expect("create");
        assert_eq!(meta.retry, Some(policy));
        assert!(matches!(
            h.b().set_retry_policy(
                "t",
                Some(RetryPolicy {
                    max_attempts: 0,
                    ..policy
                }),
                h.now
            ),
            Err(BrokerError::InvalidArgument(_))
        ));
        h.tick(1); // lets a due snapshot happen
        for restart in [Harness::restart, Harness::crash] {
            restart(&mut h);
            assert_eq!(h.b().topic_meta("t").expect("meta").retry, Some(policy));
        }
        h.produce("t", msg("plain"));
        h.produce("t", with_policy("own", 5, 0));
        let mut attempts: BTreeMap<String, u32> = BTreeMap::new();
        for _ in 0..3 {
            for d in h.poll("t", "g", "c", 10) {
                attempts.insert(String::from_utf8_lossy(&d.message.value).into(), d.attempts);
                h.b()
                    .nack(&lease_ref(&d), "boom", NackAction::Retry, h.now)
                    .expect("nack");
            }
            h.tick(1);
        }
        assert_eq!(
            attempts,
            BTreeMap::from([("own".to_owned(), 3), ("plain".to_owned(), 2)]),
            "the topic's policy stops at 2 deliveries; the message's own policy wins"
        );
        let dead = h.poll("dlq.t", "ops", "c", 10);
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].message.value, b"plain");
        h.ack(&dead[0]).expect("ack the dead letter");
        let meta = h.b().set_retry_policy("t", None, h.now).expect("remove");
        assert_eq!(meta.retry, None);
        h.restart();
        assert_eq!(h.b().topic_meta("t").expect("meta").retry, None);
        h.produce("t", msg("forever"));
        for _ in 0..4 {
            for d in h.poll("t", "g", "c", 10) {
                if d.message.value == b"forever" {
                    h.b()
                        .nack(&lease_ref(&d), "boom", NackAction::Retry, h.now)
                        .expect("nack");
                }
            }
            h.tick(1);
        }
        assert_eq!(
            h.poll("dlq.t", "ops", "c", 10).len(),
            0,
            "no policy: never dead-lettered"
        );
    }
}

#[test]
fn a_group_lists_its_consumers_with_their_leases_until_they_go_idle() {
    let mut h = Harness::new();
    h.topic("t", 2);
    for i in 0..4 {
        h.produce("t", msg(&format!("m{i}")));
    }
    let a = h.poll("t", "g", "alice", 3);
    h.tick(10);
    let b = h.poll("t", "g", "bob", 3);
    assert_eq!((a.len(), b.len()), (3, 1));
    let consumers = |h: &Harness| -> Vec<(String, Option<i64>, u64)> {
        h.stats().groups[0]
            .consumers
            .iter()
            .map(|c| (c.owner.clone(), c.last_poll_age_ms, c.inflight))
            .collect()
    };
    assert_eq!(
        consumers(&h),
        [
            ("bob".to_owned(), Some(0), 1),
            ("alice".to_owned(), Some(10), 3)
        ],
        "most recently seen first, with the leases each holds"
    );
    h.ack(&b[0]).expect("ack");
    // Leases run out long before a consumer counts as gone; a poll keeps one listed.
    h.tick(driftq_core::broker::CONSUMER_IDLE_MS - 100);
    let again = h.poll("t", "g", "bob", 10);
    assert_eq!(again.len(), 3, "alice's expired leases come back to bob");
    assert_eq!(
        consumers(&h),
        [
            ("bob".to_owned(), Some(0), 3),
            (
                "alice".to_owned(),
                Some(driftq_core::broker::CONSUMER_IDLE_MS - 90),
                0
            )
        ]
    );
    h.tick(200);
    assert_eq!(
        consumers(&h),
        [("bob".to_owned(), Some(200), 3)],
        "idle and holding nothing: gone"
    );
    h.restart();
    assert!(consumers(&h).is_empty(), "memory only, like leases");
}

#[test]
fn a_dead_letter_nack_moves_the_message_at_once_whatever_attempts_it_has_left() {
    let mut h = Harness::new();
    h.topic("t", 1);
    h.produce("t", with_policy("unparseable", 5, 0));
    h.produce("t", msg("no policy"));
    let got = h.poll("t", "g", "c", 10);
    assert_eq!(got.len(), 2);
    for d in &got {
        h.b()
            .nack(&lease_ref(d), "cannot parse", NackAction::DeadLetter, h.now)
            .expect("dead-letter");
    }
    h.tick(60_000);
    assert!(h.poll("t", "g", "c", 10).is_empty(), "neither comes back");
    let dead = h.poll("dlq.t", "ops", "c", 10);
    assert_eq!(dead.len(), 2);
    let origin = dead[0].message.meta.dlq.as_ref().expect("origin");
    assert_eq!(
        (origin.attempts, origin.errors.last().map(String::as_str)),
        (1, Some("cannot parse"))
    );
    assert!(matches!(
        h.b().nack(&lease_ref(&dead[0]), "again", NackAction::DeadLetter, h.now),
        Err(BrokerError::InvalidArgument(m)) if m.contains("dead-letter topic already")
    ));
    let g = h
        .stats()
        .groups
        .into_iter()
        .find(|g| g.topic == "t")
        .expect("group");
    assert_eq!(g.partitions[0].lag, 0);
    h.crash();
    assert!(
        h.poll("t", "g", "c", 10).is_empty(),
        "still done after a crash"
    );
    // Counted apart from messages whose attempts ran out, through replay and snapshots.
    h.produce("t", with_policy("last try", 1, 0));
    let got = h.poll("t", "g", "c", 10);
    h.b()
        .nack(&lease_ref(&got[0]), "boom", NackAction::Retry, h.now)
        .expect("nack");
    let counted = |h: &Harness| {
        let c = h
            .stats()
            .groups
            .into_iter()
            .find(|g| g.topic == "t")
            .expect("group")
            .partitions[0]
            .counters;
        (c.dead_lettered, c.dead_letter_nacks)
    };
    assert_eq!(counted(&h), (3, 2));
    h.crash();
    assert_eq!(counted(&h), (3, 2), "replayed");
    h.b().write_snapshot(h.now).expect("snapshot");
    h.restart();
    assert_eq!(counted(&h), (3, 2), "from a snapshot");
}

#[test]
fn leases_expiring_together_go_to_the_dlq_with_one_fdatasync_for_all_their_copies() {
    let syncs = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = std::sync::Arc::clone(&syncs);
    let mut h = Harness::with(|c| {
        c.durability = Durability::Always;
        c.on_sync = Some(driftq_core::storage::SyncObserver(std::sync::Arc::new(
            move |_| {
                counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
        )));
    });
    h.topic("t", 1);
    for i in 0..41 {
        h.produce("t", with_policy(&format!("job {i}"), 1, 0));
    }
    // The first failure creates dlq.t; the burst below finds it.
    let first = h.poll("t", "g", "gone", 1);
    h.b()
        .nack(&lease_ref(&first[0]), "boom", NackAction::Retry, h.now)
        .expect("nack");
    assert_eq!(h.poll("t", "g", "gone", 100).len(), 40);
    syncs.store(0, std::sync::atomic::Ordering::Relaxed);
    h.now += 2_000;
    let report = h.b().tick(h.now).expect("tick");
    assert_eq!((report.leases_expired, report.dead_lettered), (40, 40));
    assert_eq!(
        syncs.load(std::sync::atomic::Ordering::Relaxed),
        2,
        "one fdatasync for the 40 DLQ copies, one for the state records that count them done"
    );
    h.crash();
    assert!(h.poll("t", "g", "c", 100).is_empty(), "done after a crash");
    let dead = h.poll("dlq.t", "ops", "c", 100);
    assert_eq!(dead.len(), 41, "and every copy is in the DLQ");
}

#[test]
fn a_power_loss_after_a_dead_letter_burst_keeps_every_copy_the_source_counts_done() {
    for seed in [None, Some(5)] {
        let power = crate::power::PowerLoss::default();
        let mut h = Harness::with(|c| {
            c.durability = Durability::Always;
            c.sync_fault = Some(power.hook());
        });
        h.topic("t", 1);
        for i in 0..30 {
            h.produce("t", with_policy(&format!("job {i}"), 1, 0));
        }
        assert_eq!(h.poll("t", "g", "gone", 100).len(), 30);
        h.now += 2_000;
        assert_eq!(h.b().tick(h.now).expect("tick").dead_lettered, 30);
        let synced = power.synced();
        h.broker = None;
        let root = h.dir.path().to_path_buf();
        for dir in ["state", "topics/t/0", "topics/dlq.t/0"] {
            crate::power::PowerLoss::cut(&root.join(dir), &synced, seed);
        }
        h.broker = Some(Broker::open(h.config.clone(), None, h.now).expect("reopen"));
        assert!(
            h.poll("t", "g", "after", 100).is_empty(),
            "{seed:?}: the source counts all 30 done"
        );
        let dead = values(&h.poll("dlq.t", "ops", "c", 100));
        let expected: Vec<String> = (0..30).map(|i| format!("job {i}")).collect();
        assert_eq!(dead, expected, "{seed:?}: so the DLQ holds every one");
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

#[test]
fn a_topic_ordered_by_key_hands_out_each_keys_messages_one_at_a_time_in_order_across_restarts() {
    for snapshot_every in [100_000, 1] {
        let mut h = Harness::with(|c| c.snapshot_every = snapshot_every);
        ordered_topic(&h, "o", 1);
        h.topic("plain", 1);
        for (k, v) in [
            ("a", "a1"),
            ("a", "a2"),
            ("b", "b1"),
            ("a", "a3"),
            ("b", "b2"),
        ] {
            h.produce("o", keyed(k, v));
            h.produce("plain", keyed(k, v));
        }
        h.produce("o", msg("x1"));
        h.produce("o", msg("x2"));
        assert_eq!(
            values(&h.poll("plain", "g", "c", 10)).len(),
            5,
            "an unordered topic hands out every key's messages at once"
        );
        h.tick(1); // lets a due snapshot happen
        for restart in [Harness::restart, Harness::crash] {
            restart(&mut h);
            assert_eq!(
                h.b().topic_meta("o").expect("meta").ordering,
                TopicOrdering::Key
            );
            assert_eq!(
                h.b().topic_meta("plain").expect("meta").ordering,
                TopicOrdering::None
            );
        }
        let first = h.poll("o", "g", "c", 10);
        assert_eq!(
            values(&first),
            ["a1", "b1", "x1", "x2"],
            "one per key; keyless messages are not ordered"
        );
        assert!(h.poll("o", "g", "c2", 10).is_empty());
        let gs = |h: &Harness| {
            h.stats()
                .groups
                .iter()
                .find(|g| g.topic == "o")
                .expect("group")
                .partitions[0]
                .clone()
        };
        assert_eq!(
            (gs(&h).blocked_by_key, gs(&h).ready, gs(&h).inflight),
            (3, 0, 4)
        );
        let blocked = |h: &Harness| {
            h.b()
                .message_states(
                    &StateQuery {
                        group: "g",
                        topic: Some("o"),
                        state: Some(MessageState::BlockedByKey),
                        owner: None,
                        limit: 10,
                    },
                    h.now,
                )
                .expect("states")
                .iter()
                .map(|r| r.message.offset)
                .collect::<Vec<_>>()
        };
        assert_eq!(blocked(&h), [1, 3, 4]);
        // A failed head is retried before the next message of its key.
        h.b()
            .nack(
                &lease_ref(&first[0]),
                "boom",
                NackAction::RetryAfter(0),
                h.now,
            )
            .expect("nack");
        let again = h.poll("o", "g", "c", 10);
        assert_eq!(values(&again), ["a1"]);
        assert_eq!(again[0].attempts, 2);
        h.ack(&again[0]).expect("ack a1");
        assert_eq!(gs(&h).ready, 1, "a2 is released");
        let next = h.poll("o", "g", "c", 10);
        assert_eq!(values(&next), ["a2"]);
        // A restart forgets the leases, not the order: a2 and b1 come back, a3 and b2 wait.
        h.crash();
        let back = h.poll("o", "g", "c", 10);
        assert_eq!(values(&back), ["a2", "b1", "x1", "x2"]);
        assert_eq!(blocked(&h), [3, 4]);
        // A dead-lettered head releases its key's next message too.
        h.b()
            .nack(
                &lease_ref(&back[0]),
                "poison",
                NackAction::DeadLetter,
                h.now,
            )
            .expect("dead-letter a2");
        for d in &back[1..] {
            h.ack(d).expect("ack");
        }
        let last = h.poll("o", "g", "c", 10);
        assert_eq!(values(&last), ["a3", "b2"]);
        for d in &last {
            h.ack(d).expect("ack");
        }
        // Another group keeps its own order.
        assert_eq!(
            values(&h.poll("o", "other", "c", 10)),
            ["a1", "b1", "x1", "x2"]
        );
        // A delayed head holds its key back until it is delivered and done.
        let delayed = ProduceMessage {
            delay_ms: Some(1_000),
            ..keyed("c", "c1")
        };
        h.produce("o", delayed);
        h.produce("o", keyed("c", "c2"));
        assert!(h.poll("o", "g", "c", 10).is_empty());
        h.tick(1_000);
        let c1 = h.poll("o", "g", "c", 10);
        assert_eq!(values(&c1), ["c1"]);
        h.ack(&c1[0]).expect("ack c1");
        assert_eq!(values(&h.poll("o", "g", "c", 10)), ["c2"]);
        // A seek starts the order over from the new position.
        h.b()
            .seek("o", "g", None, SeekTo::Start, true, h.now)
            .expect("seek");
        assert_eq!(
            values(&h.poll("o", "g", "c", 10)),
            ["a1", "b1", "x1", "x2", "c1"]
        );
    }
}

#[test]
fn a_delayed_message_released_by_its_keys_head_still_waits_for_its_time() {
    let mut h = Harness::new();
    ordered_topic(&h, "o", 1);
    h.produce("o", keyed("k", "first"));
    h.produce(
        "o",
        ProduceMessage {
            delay_ms: Some(5_000),
            ..keyed("k", "later")
        },
    );
    let first = h.poll("o", "g", "c", 10);
    assert_eq!(values(&first), ["first"]);
    h.ack(&first[0]).expect("ack");
    assert!(h.poll("o", "g", "c", 10).is_empty(), "released, not due");
    h.tick(5_000);
    assert_eq!(values(&h.poll("o", "g", "c", 10)), ["later"]);
}

#[derive(Debug, Clone)]
enum OrderOp {
    Produce(Option<u8>),
    Poll(u8, usize),
    Ack(usize),
    Nack(usize),
    DeadLetter(usize),
    Expire,
    Restart,
    Crash,
}

fn order_op() -> impl Strategy<Value = OrderOp> {
    prop_oneof![
        6 => prop::option::weighted(0.8, 0u8..4).prop_map(OrderOp::Produce),
        4 => (0u8..3, 1usize..6).prop_map(|(o, m)| OrderOp::Poll(o, m)),
        4 => (0usize..16).prop_map(OrderOp::Ack),
        1 => (0usize..16).prop_map(OrderOp::Nack),
        1 => (0usize..16).prop_map(OrderOp::DeadLetter),
        1 => Just(OrderOp::Expire),
        1 => Just(OrderOp::Restart),
        1 => Just(OrderOp::Crash),
    ]
}

/// What the ordering test knows: each message's key and whether it is done.
#[derive(Default)]
struct OrderModel {
    keys: BTreeMap<(u32, u64), Option<u8>>,
    done: BTreeSet<(u32, u64)>,
    held: Vec<Delivery>,
}

impl OrderModel {
    /// Every earlier message of a delivery's key (in its partition) is done.
    fn check(&self, d: &Delivery) -> Result<(), TestCaseError> {
        let (p, o) = (d.message.partition, d.message.offset);
        let Some(key) = self.keys.get(&(p, o)).copied().flatten() else {
            return Ok(());
        };
        for (&(pp, oo), k) in self.keys.range((p, 0)..(p, o)) {
            prop_assert!(
                pp != p || *k != Some(key) || self.done.contains(&(pp, oo)),
                "{p}/{o} (key {key}) delivered while {pp}/{oo} of the same key is not done"
            );
        }
        Ok(())
    }

    fn take(&mut self, i: usize) -> Option<Delivery> {
        (!self.held.is_empty()).then(|| {
            let i = i % self.held.len();
            self.held.swap_remove(i)
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
    ))]
    #[test]
    fn ordered_by_key_never_delivers_a_message_before_its_keys_earlier_ones_are_done(
        ops in proptest::collection::vec(order_op(), 1..80),
    ) {
        let mut h = Harness::with(|c| c.snapshot_every = 7);
        ordered_topic(&h, "o", 2);
        let mut m = OrderModel::default();
        for op in ops {
            match op {
                OrderOp::Produce(key) => {
                    let message = match key {
                        Some(k) => keyed(&format!("k{k}"), "v"),
                        None => msg("v"),
                    };
                    let (p, o, _) = h.produce("o", message);
                    m.keys.insert((p, o), key);
                }
                OrderOp::Poll(owner, max) => {
                    for d in h.poll("o", "g", &format!("c{owner}"), max) {
                        m.check(&d)?;
                        m.held.push(d);
                    }
                }
                OrderOp::Ack(i) => {
                    if let Some(d) = m.take(i) && h.ack(&d).is_ok() {
                        m.done.insert((d.message.partition, d.message.offset));
                    }
                }
                OrderOp::Nack(i) => {
                    if let Some(d) = m.take(i) {
                        let _ = h.b().nack(&lease_ref(&d), "no", NackAction::RetryAfter(0), h.now);
                    }
                }
                OrderOp::DeadLetter(i) => {
                    if let Some(d) = m.take(i)
                        && h.b().nack(&lease_ref(&d), "no", NackAction::DeadLetter, h.now).is_ok()
                    {
                        m.done.insert((d.message.partition, d.message.offset));
                    }
                }
                OrderOp::Expire => h.tick(1_001),
                OrderOp::Restart => { h.restart(); m.held.clear(); }
                OrderOp::Crash => { h.crash(); m.held.clear(); }
            }
        }
        // Nothing stays blocked: acking whatever comes delivers every message in the end.
        for _ in 0..=m.keys.len() {
            h.tick(1_001);
            let ds = h.poll("o", "g", "drain", 100);
            if ds.is_empty() {
                break;
            }
            for d in ds {
                m.check(&d)?;
                h.ack(&d).map_err(|e| TestCaseError::fail(e.to_string()))?;
                m.done.insert((d.message.partition, d.message.offset));
            }
        }
        prop_assert_eq!(m.done.len(), m.keys.len(), "every message done");
        let s = h.stats();
        let g = s.groups.iter().find(|g| g.group == "g");
        prop_assert!(g.is_none_or(|g| g.partitions.iter().all(|p| p.lag == 0 && p.blocked_by_key == 0)));
    }
}

#[test]
fn released_heads_far_apart_are_all_read_and_leased() {
    let h = Harness::new();
    ordered_topic(&h, "o", 1);
    h.produce("o", keyed("a", "a1"));
    for i in 1..=1_500 {
        h.produce("o", keyed("b", &format!("b{i}")));
    }
    h.produce("o", keyed("a", "a2"));
    let first = h.poll("o", "g", "c", 10);
    assert_eq!(values(&first), ["a1", "b1"]);
    assert_eq!(h.stats().groups[0].partitions[0].blocked_by_key, 1_500);
    for d in &first {
        h.ack(d).expect("ack");
    }
    let next = h.poll("o", "g", "c", 10);
    assert_eq!(
        values(&next),
        ["b2", "a2"],
        "offsets 2 and 1,501, two spans apart"
    );
}

/// A consume stream whose client went away gives back what it never wrote: not an attempt, no
/// error, the message first in line again; a lease taken again since is never released.
#[test]
fn a_released_lease_leaves_no_trace_and_a_stale_release_touches_nothing() {
    use driftq_core::broker::release::HeldLease;
    let mut h = Harness::new();
    h.topic("t", 1);
    h.produce("t", with_policy("a", 2, 0));
    h.produce("t", msg("b"));
    let first = h.poll("t", "g", "o1", 2);
    assert_eq!(first.len(), 2);
    let held: Vec<HeldLease> = first.iter().map(HeldLease::of).collect();
    // Someone else's name releases nothing.
    assert_eq!(
        h.b()
            .release("t", "g", "o2", &held, h.now)
            .expect("release"),
        0
    );
    assert_eq!(
        h.b()
            .release("t", "g", "o1", &held, h.now)
            .expect("release"),
        2
    );
    let again = h.poll("t", "g", "o2", 2);
    let seen: Vec<(u64, u32, usize)> = again
        .iter()
        .map(|d| (d.message.offset, d.attempts, d.errors.len()))
        .collect();
    assert_eq!(seen, vec![(0, 1, 0), (1, 1, 0)]);
    // o1's old handle names leases o2 holds now: still nothing released.
    assert_eq!(
        h.b()
            .release("t", "g", "o1", &held, h.now)
            .expect("release"),
        0
    );
    // A lease that expired once and was released keeps that one failure.
    h.tick(30_001);
    let redelivered = h.poll("t", "g", "o3", 1).pop().expect("redelivery");
    assert_eq!((redelivered.attempts, redelivered.errors.len()), (2, 1));
    let released = h
        .b()
        .release("t", "g", "o3", &[HeldLease::of(&redelivered)], h.now)
        .expect("release");
    assert_eq!(released, 1);
    let mut kept = vec![HeldLease::of(&redelivered)];
    h.b().retain_held("t", "g", "o3", &mut kept);
    assert!(kept.is_empty(), "released leases are not held");
    // Across a restart too: the release is as if the lease had never been taken.
    h.restart();
    let after = h.poll("t", "g", "o4", 2);
    let seen: Vec<(u64, u32)> = after
        .iter()
        .map(|d| (d.message.offset, d.attempts))
        .collect();
    assert_eq!(seen, vec![(0, 2), (1, 2)]);
}

/// A partition directory deleted behind the broker's back: the start is refused, naming it and
/// the offsets at stake, and the disk is left as it was; with repair the partition comes back
/// empty at the next offset the state log knows, so no offset is handed out twice.
#[test]
fn a_missing_partition_directory_is_refused_and_repair_continues_its_offsets() {
    let mut h = Harness::new();
    h.topic("t", 2);
    for i in 0..10 {
        h.produce("t", msg(&format!("m{i}")));
    }
    for d in h.poll("t", "g", "o", 10) {
        if d.message.partition == 0 && d.message.offset < 3 {
            h.b()
                .ack(&lease_ref(&d), h.now)
                .and_then(Deferred::wait)
                .expect("ack");
        }
    }
    h.broker = None;
    let gone = h.dir.path().join("topics/t/0");
    std::fs::remove_dir_all(&gone).expect("remove the partition");
    let Err(refused) = Broker::open(h.config.clone(), None, h.now) else {
        panic!("a missing partition directory must refuse the start");
    };
    let text = refused.to_string();
    assert!(text.contains(&gone.display().to_string()), "{text}");
    // What the state log knows: the group acked 0..3 (offsets 3 and 4 were leased, which is
    // never logged).
    assert!(text.contains("offsets 0..3 at stake"), "{text}");
    assert!(text.contains("--repair"), "{text}");
    assert!(
        !gone.exists(),
        "a refused start leaves the disk as it found it"
    );
    h.config.repair = true;
    h.broker = Some(Broker::open(h.config.clone(), None, h.now).expect("repair"));
    let r = h
        .b()
        .produce(
            "t",
            vec![ProduceMessage {
                partition: Some(0),
                ..msg("after")
            }],
            h.now,
        )
        .wait(h.b())
        .pop()
        .expect("one")
        .expect("produce");
    assert_eq!(
        (r.partition, r.offset),
        (0, 3),
        "offsets continue where the group acked"
    );
    // Partition 1 kept everything; partition 0 starts at 3.
    let got: Vec<(u32, u64)> = h
        .poll("t", "g2", "o", 100)
        .iter()
        .map(|d| (d.message.partition, d.message.offset))
        .filter(|(p, _)| *p == 0)
        .collect();
    assert_eq!(got, vec![(0, 3)]);
    h.restart();
    assert_eq!(
        h.b()
            .read("t", 0, ReadFrom::Offset(0), 10, 1 << 20)
            .expect("read")[0]
            .offset,
        3
    );
}
