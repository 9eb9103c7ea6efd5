//! Topics and groups: create, delete (and create again), grow, purge, seek, delete a group, a data directory's lock, a missing partition directory.

use super::*;

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
fn purging_a_topic_deletes_its_messages_keeps_offsets_and_moves_groups_past_them() {
    let mut h = Harness::new();
    h.topic("t", 2);
    h.produce_n("t", 6);
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

/// A partition directory deleted behind the broker's back: the start is refused, naming it and
/// the offsets at stake, and the disk is left as it was; with repair the partition comes back
/// empty at the next offset the state log knows, so no offset is handed out twice.
#[test]
fn a_missing_partition_directory_is_refused_and_repair_continues_its_offsets() {
    let mut h = Harness::new();
    h.topic("t", 2);
    h.produce_n("t", 10);
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
