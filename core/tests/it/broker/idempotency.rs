//! Idempotency: producer keys within their TTL, across restarts and crashes, within a batch; consumer-side keys; keys die with their topic.

use super::*;

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
