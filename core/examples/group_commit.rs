//! Shows group commit at work: N writer threads append 1 KiB records under `fsync always` and
//! the example prints records/s and records per fdatasync.
//!
//! Run: `cargo run --release -p driftq-core --example group_commit -- 16 500`

use std::sync::Arc;
use std::time::Instant;

use driftq_core::storage::{Durability, LogConfig, PartitionLog, Record};

fn main() {
    let mut args = std::env::args().skip(1);
    let writers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);
    let per_writer: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = LogConfig {
        durability: Durability::Always,
        ..LogConfig::default()
    };
    let log = Arc::new(PartitionLog::open(dir.path(), config).expect("open").0);
    let record = Record::new(0, vec![b'x'; 1024]);
    let start = Instant::now();
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
    let secs = start.elapsed().as_secs_f64();
    let total = (writers * per_writer) as f64;
    let syncs = log.sync_count();
    println!(
        "writers={writers} records={total} records/s={:.0} fdatasyncs={syncs} records/fdatasync={:.1} \
         time in fdatasync={:.0}% mean fdatasync={:.0}us",
        total / secs,
        total / syncs.max(1) as f64,
        100.0 * log.sync_time().as_secs_f64() / secs,
        log.sync_time().as_secs_f64() * 1e6 / syncs.max(1) as f64,
    );
}
