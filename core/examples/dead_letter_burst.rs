//! What a burst of dead-lettering costs under `fsync always`: N messages that allow one attempt
//! are leased by a consumer that then goes away; one `tick` after their leases expire moves them
//! all to `dlq.<topic>` while it holds the topic's groups lock (every poll and ack of the topic
//! waits for it). Prints how long that tick took, per message, and the fdatasyncs it ran.
//!
//! Run: `cargo run --release -p driftq-core --example dead_letter_burst -- 1000`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use driftq_core::broker::{
    Broker, BrokerConfig, Deferred, Envelope, LeaseRef, NackAction, ProduceMessage, RetryPolicy,
};
use driftq_core::storage::{Durability, SyncObserver};

fn main() {
    let messages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = BrokerConfig::new(dir.path());
    config.durability = Durability::Always;
    let syncs = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let counted = Arc::clone(&syncs);
    config.on_sync = Some(SyncObserver(Arc::new(move |took| {
        counted.0.fetch_add(1, Ordering::Relaxed);
        counted.1.fetch_add(
            u64::try_from(took.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    })));
    let mut now = 1_700_000_000_000_i64;
    let broker = Broker::open(config, None, now).expect("open");
    broker
        .create_topic("jobs", 1, None, None, now)
        .expect("create topic");
    let one_attempt = Envelope {
        retry_policy: Some(RetryPolicy {
            max_attempts: 1,
            backoff_ms: 0,
            max_backoff_ms: 0,
        }),
        ..Envelope::default()
    };
    let batch: Vec<ProduceMessage> = (0..messages)
        .map(|i| ProduceMessage {
            value: format!("job {i}").into_bytes(),
            envelope: Some(one_attempt.clone()),
            ..ProduceMessage::default()
        })
        .collect();
    for r in broker.produce("jobs", batch, now).wait(&broker) {
        r.expect("produce");
    }
    // The DLQ topic exists before the burst, as it would after the first failure.
    let first = broker
        .poll("jobs", "workers", "w1", 1, 1_000, now)
        .and_then(Deferred::wait)
        .expect("poll");
    for d in &first {
        broker
            .nack(
                &LeaseRef {
                    topic: "jobs",
                    group: "workers",
                    owner: "w1",
                    partition: d.message.partition,
                    offset: d.message.offset,
                },
                "warm-up",
                NackAction::Retry,
                now,
            )
            .expect("nack");
    }
    let mut leased = 0;
    while leased < messages.saturating_sub(first.len()) {
        let got = broker
            .poll("jobs", "workers", "w1", 500, 1_000, now)
            .and_then(Deferred::wait)
            .expect("poll");
        if got.is_empty() {
            break;
        }
        leased += got.len();
    }
    now += 2_000;
    syncs.0.store(0, Ordering::Relaxed);
    syncs.1.store(0, Ordering::Relaxed);
    let started = Instant::now();
    let report = broker.tick(now).expect("tick");
    let took = started.elapsed();
    let (count, nanos) = (
        syncs.0.load(Ordering::Relaxed),
        syncs.1.load(Ordering::Relaxed),
    );
    println!(
        "dead-lettered={} tick={:.1}ms per-message={:.1}us fdatasyncs={count} mean-fdatasync={:.0}us",
        report.dead_lettered,
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e6 / report.dead_lettered.max(1) as f64,
        nanos as f64 / count.max(1) as f64 / 1e3,
    );
    broker.close().expect("close");
}
