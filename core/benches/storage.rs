//! Storage benchmarks: append (1 KiB records; batches of 1, 16, 256; `never` and `always`; 1 and
//! 16 concurrent writers) and sequential read. Figures and the disk baseline they are compared
//! with are in `docs/PERFORMANCE.md`.
//!
//! Run: `cargo bench -p driftq-core --bench storage`

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use driftq_core::storage::{Durability, LogConfig, PartitionLog, Record};

const RECORD_BYTES: usize = 1024;

fn records(n: usize) -> Vec<Record> {
    (0..n)
        .map(|i| Record {
            timestamp: 1_700_000_000_000 + i as i64,
            key: Some(format!("key-{i}").into_bytes()),
            headers: Vec::new(),
            value: vec![b'x'; RECORD_BYTES],
            metadata: None,
        })
        .collect()
}

fn open(dir: &std::path::Path, durability: Durability) -> PartitionLog {
    PartitionLog::open(
        dir,
        LogConfig {
            durability,
            segment_age_ms: None,
            ..LogConfig::default()
        },
    )
    .expect("open")
    .0
}

fn append(c: &mut Criterion) {
    let mut group = c.benchmark_group("append");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    for durability in [Durability::Never, Durability::Always] {
        for batch in [1usize, 16, 256] {
            for writers in [1usize, 16] {
                let id = BenchmarkId::new(
                    format!("{durability}/writers={writers}"),
                    format!("batch={batch}"),
                );
                group.throughput(Throughput::Elements((batch * writers) as u64));
                let batch_records = Arc::new(records(batch));
                group.bench_function(id, |b| {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let log = Arc::new(open(dir.path(), durability));
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        std::thread::scope(|s| {
                            for _ in 0..writers {
                                let log = Arc::clone(&log);
                                let recs = Arc::clone(&batch_records);
                                s.spawn(move || {
                                    for _ in 0..iters {
                                        black_box(log.append(&recs, 0).expect("append"));
                                    }
                                });
                            }
                        });
                        start.elapsed()
                    });
                    log.close().expect("close");
                });
            }
        }
    }
    group.finish();
}

fn sequential_read(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), Durability::Never);
    let batch = records(256);
    for _ in 0..200 {
        log.append(&batch, 0).expect("append");
    }
    let total = log.high_watermark();
    let mut group = c.benchmark_group("read");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    group.throughput(Throughput::Elements(total));
    group.bench_function("sequential/51200x1KiB", |b| {
        b.iter(|| {
            let mut next = 0;
            while next < total {
                let got = log.read(next, 1024, 1 << 20).expect("read");
                next = got.last().map_or(total, |r| r.offset + 1);
                black_box(got);
            }
        });
    });
    group.finish();
}

criterion_group!(benches, append, sequential_read);
criterion_main!(benches);
