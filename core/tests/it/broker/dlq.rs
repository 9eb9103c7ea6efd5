//! Dead-letter queues: copies keep their message and origin, replay selects and marks, depth after a purge.

use super::*;

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

    let dry = h.replay(ReplayRequest {
        topic: "jobs".into(),
        dry_run: true,
        ..ReplayRequest::default()
    });
    assert_eq!(dry.len(), 1);
    assert!(dry[0].produced.is_none());
    assert_eq!(h.stats().dlq[0].depth, 1, "dry run changes nothing");
    let none = h.replay(ReplayRequest {
        topic: "jobs".into(),
        error_glob: Some("nomatch*".into()),
        ..ReplayRequest::default()
    });
    assert!(none.is_empty());
    let done = h.replay(ReplayRequest {
        topic: "dlq.jobs".into(),
        error_glob: Some("e?".into()),
        limit: Some(5),
        ..ReplayRequest::default()
    });
    let produced = done[0].produced.clone().expect("replayed");
    assert_eq!(produced.topic, "jobs");
    assert_eq!(h.stats().dlq[0].depth, 0);
    let again = h.replay(ReplayRequest {
        topic: "jobs".into(),
        ..ReplayRequest::default()
    });
    assert!(
        again.is_empty(),
        "a replayed message does not replay twice by accident"
    );
    h.restart();
    assert!(
        h.replay(ReplayRequest {
            topic: "jobs".into(),
            ..ReplayRequest::default()
        })
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
