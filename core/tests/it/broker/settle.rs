//! Polls, leases and settling them: owners, in-flight limits, cumulative acks and extends, read-ahead, reply bounds, consumers, releases.

use super::*;

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
fn groups_are_independent_and_inflight_is_limited() {
    let h = Harness::with(|c| c.max_inflight = 2);
    h.topic("t", 1);
    for i in 0..5 {
        h.produce("t", msg(&i.to_string()));
    }
    assert!(!h.b().waits_on_settling("t", "g1"), "no group yet");
    let a = h.poll("t", "g1", "o", 10);
    assert_eq!(a.len(), 2, "max_inflight per partition");
    assert!(h.poll("t", "g1", "o", 10).is_empty());
    assert!(
        h.b().waits_on_settling("t", "g1"),
        "a consumer that found nothing waits for an ack too"
    );
    let b = h.poll("t", "g2", "o", 10);
    assert_eq!(
        b.iter().map(|d| d.message.offset).collect::<Vec<_>>(),
        vec![0, 1]
    );
    h.ack(&a[0]).expect("ack");
    assert!(!h.b().waits_on_settling("t", "g1"));
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
fn a_group_lists_its_consumers_with_their_leases_until_they_go_idle() {
    let mut h = Harness::new();
    h.topic("t", 2);
    h.produce_n("t", 4);
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
