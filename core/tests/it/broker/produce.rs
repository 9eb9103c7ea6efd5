//! Produce: partitioning, batches over topics, deadlines, backpressure, routing, delays.

use super::*;

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

/// A broker under `always` that counts its fdatasyncs.
fn counting_syncs() -> (Harness, std::sync::Arc<std::sync::atomic::AtomicU64>) {
    let syncs = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = std::sync::Arc::clone(&syncs);
    let h = Harness::with(|c| {
        c.durability = Durability::Always;
        c.on_sync = Some(driftq_core::storage::SyncObserver(std::sync::Arc::new(
            move |_| {
                counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
        )));
    });
    (h, syncs)
}

#[test]
fn a_lone_produce_under_always_costs_one_fdatasync_and_concurrent_ones_share_them() {
    use std::sync::atomic::Ordering::Relaxed;
    let (h, syncs) = counting_syncs();
    h.topic("t", 1);
    h.produce("t", msg("warm-up")); // creates nothing more, but settles the topic's files
    for i in 0..5 {
        syncs.store(0, Relaxed);
        h.produce("t", msg(&format!("lone {i}")));
        assert_eq!(
            syncs.load(Relaxed),
            1,
            "one single-message produce, one fdatasync"
        );
    }
    // 16 producers at once, each waiting as the server does: fewer fdatasyncs than messages.
    syncs.store(0, Relaxed);
    let rounds = 20;
    std::thread::scope(|s| {
        for p in 0..16 {
            let h = &h;
            s.spawn(move || {
                for i in 0..rounds {
                    h.produce("t", msg(&format!("p{p} m{i}")));
                }
            });
        }
    });
    let n = syncs.load(Relaxed);
    assert!(
        n < 16 * rounds,
        "{n} fdatasyncs for {} messages: concurrent produces must share them",
        16 * rounds
    );
}
