//! Shows group commit at work: N writers append 1 KiB records under `fsync always` and the
//! example prints records/s and records per fdatasync. Writers are threads calling the blocking
//! `append` (`threads`, the default) or tasks on a two-worker tokio runtime that append and await
//! a [`DurableWait`] the way the server does (`tasks`).
//!
//! Run: `cargo run --release -p driftq-core --example group_commit -- 16 500 [threads|tasks]`

use std::sync::Arc;
use std::time::Instant;

use driftq_core::storage::{Durability, DurableWait, LogConfig, PartitionLog, Record, SyncPool};

fn main() {
    let mut args = std::env::args().skip(1);
    let writers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);
    let per_writer: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let tasks = args.next().is_some_and(|a| a == "tasks");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = LogConfig {
        durability: Durability::Always,
        ..LogConfig::default()
    };
    let log = Arc::new(PartitionLog::open(dir.path(), config).expect("open").0);
    let record = Record::new(0, vec![b'x'; 1024]);
    let start = Instant::now();
    if tasks {
        let pool = SyncPool::new(8);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let handles: Vec<_> = (0..writers)
                .map(|_| {
                    let log = Arc::clone(&log);
                    let pool = Arc::clone(&pool);
                    let record = record.clone();
                    tokio::spawn(async move {
                        for _ in 0..per_writer {
                            let appended = log
                                .append_deferred(std::slice::from_ref(&record), 0)
                                .expect("append");
                            let wait = DurableWait::new(
                                Arc::clone(&pool),
                                vec![(Arc::clone(&log), appended.next_offset)],
                            );
                            for r in wait.await {
                                r.expect("durable");
                            }
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.expect("writer");
            }
        });
        pool.close();
    } else {
        std::thread::scope(|s| {
            for _ in 0..writers {
                let log = Arc::clone(&log);
                let record = record.clone();
                s.spawn(move || {
                    for _ in 0..per_writer {
                        log.append(std::slice::from_ref(&record), 0)
                            .expect("append");
                    }
                });
            }
        });
    }
    let secs = start.elapsed().as_secs_f64();
    let total = (writers * per_writer) as f64;
    let syncs = log.sync_count();
    println!(
        "mode={} writers={writers} records={total} records/s={:.0} fdatasyncs={syncs} records/fdatasync={:.1} \
         time in fdatasync={:.0}% mean fdatasync={:.0}us",
        if tasks { "tasks" } else { "threads" },
        total / secs,
        total / syncs.max(1) as f64,
        100.0 * log.sync_time().as_secs_f64() / secs,
        log.sync_time().as_secs_f64() * 1e6 / syncs.max(1) as f64,
    );
}
