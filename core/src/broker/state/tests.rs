//! Round trips of every record type, old snapshots without their newer sections, torn and
//! trailing bytes.

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
