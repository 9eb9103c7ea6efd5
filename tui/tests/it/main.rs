//! Dashboard tests: rendering into `TestBackend` (insta snapshots) and app-state behaviour.

mod app_state;
mod render;

use driftq_tui::stats::{
    ConsumerSummary, DlqSummary, GroupPartitionSummary, GroupSummary, PartitionSummary, Stats,
    TopicSummary,
};

/// A fixed snapshot at `now_ms` with `written` messages in `orders` and the given acks.
pub(crate) fn snapshot(now_ms: i64, written: u64, acks: u64, lag: u64, dlq_depth: u64) -> Stats {
    Stats {
        version: "0.1.0".into(),
        now_ms,
        uptime_ms: 3_723_000,
        topics: sample_topics(written, dlq_depth),
        groups: sample_groups(written, acks, lag, dlq_depth),
        dlq: vec![DlqSummary {
            source_topic: "orders".into(),
            dlq_topic: "dlq.orders".into(),
            depth: dlq_depth,
            replayed: 0,
        }],
        disk: None,
        ..Default::default()
    }
}

/// A partition holding `messages` from offset 0, in `bytes`.
fn partition(partition: u32, messages: u64, bytes: u64) -> PartitionSummary {
    PartitionSummary {
        partition,
        high_watermark: messages,
        messages,
        bytes,
        ..PartitionSummary::default()
    }
}

/// `orders` (two partitions, `written` messages) and its DLQ.
fn sample_topics(written: u64, dlq_depth: u64) -> Vec<TopicSummary> {
    vec![
        TopicSummary {
            name: "orders".into(),
            partitions: vec![
                partition(0, written / 2, written * 512),
                partition(1, written - written / 2, written * 512),
            ],
            messages: written,
            bytes: written * 1024,
            ..Default::default()
        },
        TopicSummary {
            name: "audit".into(),
            partitions: vec![partition(0, 7, 700)],
            messages: 7,
            bytes: 700,
            ..Default::default()
        },
        TopicSummary {
            name: "dlq.orders".into(),
            partitions: vec![partition(0, dlq_depth, 0)],
            messages: dlq_depth,
            bytes: 0,
            ..Default::default()
        },
    ]
}

/// `billing` on `orders` with two consumers, and a second group.
fn sample_groups(written: u64, acks: u64, lag: u64, dlq_depth: u64) -> Vec<GroupSummary> {
    vec![
        GroupSummary {
            topic: "orders".into(),
            group: "billing".into(),
            lag,
            ready: lag.saturating_sub(3),
            inflight: 3,
            oldest_unacked_age_ms: Some(45_000),
            acks,
            nacks: 2,
            redeliveries: 4,
            dlq: dlq_depth,
            last_poll_age_ms: Some(1_500),
            last_owner: Some("worker-7".into()),
            consumers: vec![
                ConsumerSummary {
                    owner: "worker-7".into(),
                    last_poll_age_ms: Some(1_500),
                    inflight: 2,
                    streams: 1,
                    gone: false,
                },
                ConsumerSummary {
                    owner: "worker-8".into(),
                    last_poll_age_ms: None,
                    inflight: 1,
                    streams: 0,
                    gone: true,
                },
            ],
            delayed: 2,
            blocked_by_key: 0,
            partitions: vec![
                GroupPartitionSummary {
                    partition: 0,
                    committed: 10,
                    high_watermark: written / 2,
                    lag: lag / 2,
                    ready: 1,
                    inflight: 2,
                    oldest_unacked_age_ms: Some(45_000),
                    acks: acks / 2,
                    dlq: 0,
                    ..Default::default()
                },
                GroupPartitionSummary {
                    partition: 1,
                    committed: 11,
                    high_watermark: written - written / 2,
                    lag: lag - lag / 2,
                    ready: 0,
                    inflight: 1,
                    oldest_unacked_age_ms: Some(1_500),
                    acks: acks - acks / 2,
                    dlq: dlq_depth,
                    ..Default::default()
                },
            ],
            ..Default::default()
        },
        GroupSummary {
            topic: "audit".into(),
            group: "archiver".into(),
            lag: 0,
            acks: 7,
            last_poll_age_ms: Some(2_500),
            last_owner: Some("archiver-1".into()),
            consumers: vec![ConsumerSummary {
                owner: "archiver-1".into(),
                last_poll_age_ms: Some(2_500),
                inflight: 0,
                ..ConsumerSummary::default()
            }],
            delayed: 4,
            blocked_by_key: 3,
            ..GroupSummary::default()
        },
    ]
}
