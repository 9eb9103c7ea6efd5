//! Durability without a parked thread per waiter: [`DurableWait`] futures and the
//! [`SyncPool`] that runs the group commits they claim.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Wake, Waker};

use driftq_core::storage::format::Record;
use driftq_core::storage::{
    Durability, DurableWait, LogConfig, PartitionLog, StorageError, SyncFault, SyncPool,
};

/// Wakes a parked thread: the smallest executor that can drive a future to completion.
struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` on this thread, parking between polls.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// Appends `records` and waits for them through the pool, as the server does.
pub(crate) fn append_async(
    log: &Arc<PartitionLog>,
    pool: &Arc<SyncPool>,
    records: &[Record],
) -> Result<driftq_core::storage::Appended, StorageError> {
    let appended = log.append_deferred(records, 0)?;
    let outcome = block_on(DurableWait::new(
        Arc::clone(pool),
        vec![(Arc::clone(log), appended.next_offset)],
    ));
    for r in outcome {
        r?;
    }
    Ok(appended)
}

fn always(sync_fault: Option<SyncFault>) -> LogConfig {
    LogConfig {
        durability: Durability::Always,
        segment_age_ms: None,
        sync_fault,
        ..LogConfig::default()
    }
}

fn record(i: usize) -> Record {
    Record::new(0, format!("value-{i}").into_bytes())
}

#[test]
fn async_and_thread_waiters_share_group_commits_and_each_sees_its_append_durable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Arc::new(
        PartitionLog::open(dir.path(), always(None))
            .expect("open")
            .0,
    );
    let pool = SyncPool::new(2);
    let offsets: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8usize)
            .map(|w| {
                let (log, pool) = (Arc::clone(&log), Arc::clone(&pool));
                s.spawn(move || {
                    (0..100)
                        .map(|i| {
                            let r = record(w * 1000 + i);
                            // Half the writers wait as threads, half as futures: both kinds
                            // are woken by whichever sync covers them.
                            let a = if w % 2 == 0 {
                                append_async(&log, &pool, std::slice::from_ref(&r))
                            } else {
                                log.append(std::slice::from_ref(&r), 0)
                            }
                            .expect("append");
                            assert!(log.high_watermark() >= a.next_offset, "acked = durable");
                            a.base_offset
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("writer"))
            .collect()
    });
    let mut sorted = offsets;
    sorted.sort_unstable();
    assert_eq!(sorted, (0..800).collect::<Vec<u64>>());
    pool.close();
    log.close().expect("close");
    drop(log);
    let (log, _) = PartitionLog::open(dir.path(), always(None)).expect("reopen");
    assert_eq!(
        log.read(0, usize::MAX, usize::MAX).expect("read").len(),
        800
    );
}

#[test]
fn a_failed_fdatasync_fails_every_async_waiter_of_its_group_and_stays_failed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (failing, fault) = crate::storage::failing_syncs();
    let log = Arc::new(
        PartitionLog::open(dir.path(), always(Some(fault)))
            .expect("open")
            .0,
    );
    let pool = SyncPool::new(1);
    append_async(&log, &pool, &[record(0)]).expect("before the fault");
    failing.store(true, Ordering::SeqCst);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let (log, pool) = (Arc::clone(&log), Arc::clone(&pool));
                s.spawn(move || append_async(&log, &pool, &[record(i + 1)]))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer"))
            .collect()
    });
    for r in &results {
        assert!(
            matches!(r, Err(StorageError::FsyncFailed { .. })),
            "expected FsyncFailed, got {r:?}"
        );
    }
    assert_eq!(log.high_watermark(), 1, "nothing unsynced becomes visible");
    failing.store(false, Ordering::SeqCst);
    assert!(matches!(
        append_async(&log, &pool, &[record(9)]),
        Err(StorageError::FsyncFailed { .. })
    ));
    pool.close();
}

#[test]
fn a_closed_pool_still_runs_the_syncs_claimed_after_it_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Arc::new(
        PartitionLog::open(dir.path(), always(None))
            .expect("open")
            .0,
    );
    let pool = SyncPool::new(1);
    append_async(&log, &pool, &[record(0)]).expect("through the pool");
    pool.close();
    // A waiter that claims a sync now runs it itself instead of waiting forever.
    let a = append_async(&log, &pool, &[record(1)]).expect("after close");
    assert_eq!(a.base_offset, 1);
    assert_eq!(log.high_watermark(), 2);
}

#[test]
fn without_always_an_append_is_ready_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = LogConfig {
        durability: Durability::Never,
        ..always(None)
    };
    let log = Arc::new(PartitionLog::open(dir.path(), cfg).expect("open").0);
    let pool = SyncPool::new(1);
    let a = append_async(&log, &pool, &[record(0)]).expect("append");
    assert_eq!((a.base_offset, log.sync_count()), (0, 0));
}
