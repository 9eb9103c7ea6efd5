//! A failed delivery: backoff, the topic's retry policy, dead-letter nacks, lease expiry, nack reasons.

use super::*;

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
