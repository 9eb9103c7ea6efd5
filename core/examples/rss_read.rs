//! Shows that memory does not grow with stored data: writes a partition of N MiB of 1 KiB
//! records, reopens it (the recovery scan reads every byte), reads it start to end, and prints
//! the process's resident memory after each step.
//!
//! Run: `cargo run --release -p driftq-core --example rss_read -- 1024` (and `-- 16` to compare).

use driftq_core::storage::{Durability, LogConfig, PartitionLog, Record};

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mib: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = LogConfig {
        durability: Durability::Never,
        segment_age_ms: None,
        ..LogConfig::default()
    };
    {
        let (log, _) = PartitionLog::open(dir.path(), config.clone()).expect("open");
        let batch: Vec<Record> = (0..256).map(|i| Record::new(i, vec![b'x'; 1024])).collect();
        while log.size_bytes() < mib * 1024 * 1024 {
            log.append(&batch, 0).expect("append");
        }
        log.close().expect("close");
    }
    println!("wrote {mib} MiB; rss {} KiB", rss_kib("VmRSS:"));
    let (log, report) = PartitionLog::open(dir.path(), config).expect("reopen");
    println!(
        "reopened ({} segments, {} batches scanned); rss {} KiB",
        report.segments,
        report.batches,
        rss_kib("VmRSS:")
    );
    let before_read = rss_kib("VmRSS:");
    let (mut next, mut records, mut bytes) = (0u64, 0u64, 0u64);
    let end = log.high_watermark();
    while next < end {
        let got = log.read(next, 4096, 1 << 20).expect("read");
        records += got.len() as u64;
        bytes += got.iter().map(|r| r.record.value.len() as u64).sum::<u64>();
        next = got.last().map_or(end, |r| r.offset + 1);
    }
    println!(
        "read {records} records ({} MiB of values); rss before read {before_read} KiB, after {} KiB, peak {} KiB",
        bytes >> 20,
        rss_kib("VmRSS:"),
        rss_kib("VmHWM:")
    );
}
