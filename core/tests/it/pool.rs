//! Durability without a parked thread per waiter: [`DurableWait`] futures and the
//! [`SyncPool`] that runs the group commits they claim.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Wake, Waker};

use driftq_core::storage::format::Record;
use driftq_core::storage::{
    Durability, DurablePoll, DurableWait, LogConfig, PartitionLog, StorageError, SyncFault,
    SyncPool,
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
        fs_watch: None,
        ..LogConfig::default()
    }
}

/// A fault hook that runs in each fdatasync's place and records the thread it ran on.
fn thread_recording_hook() -> (SyncFault, Arc<std::sync::Mutex<Vec<std::thread::ThreadId>>>) {
    let synced_on = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorder = Arc::clone(&synced_on);
    let hook = SyncFault(Arc::new(move |_: &std::path::Path, _| {
        recorder
            .lock()
            .expect("lock")
            .push(std::thread::current().id());
        Ok(())
    }));
    (hook, synced_on)
}

/// A log under `always` in `dir`, shared as the broker shares it.
fn open_always(dir: &std::path::Path, sync_fault: Option<SyncFault>) -> Arc<PartitionLog> {
    Arc::new(PartitionLog::open(dir, always(sync_fault)).expect("open").0)
}

fn record(i: usize) -> Record {
    Record::new(0, format!("value-{i}").into_bytes())
}

#[test]
fn async_and_thread_waiters_share_group_commits_and_each_sees_its_append_durable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open_always(dir.path(), None);
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
    let log = open_always(dir.path(), Some(fault));
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
    let log = open_always(dir.path(), None);
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

/// A waker that counts its wake-ups.
#[derive(Default)]
struct CountingWaker(std::sync::atomic::AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Appends A, claims its sync and runs it while the fdatasync hook appends B (`b_len` value
/// bytes) and registers B's waiter: the situation of a busy partition, where the next group
/// forms during the current fdatasync. Returns the log, whether the claim was kept, B's end.
fn sync_with_an_append_during_it(
    dir: &std::path::Path,
    b_len: usize,
) -> (Arc<PartitionLog>, bool, u64) {
    let cell: Arc<std::sync::OnceLock<Arc<PartitionLog>>> = Arc::default();
    let b_waker = Arc::new(CountingWaker::default());
    let b_end = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let hook = {
        let (cell, b_waker, b_end) = (Arc::clone(&cell), Arc::clone(&b_waker), Arc::clone(&b_end));
        SyncFault(Arc::new(move |_: &std::path::Path, _| {
            let Some(log) = cell.get() else { return Ok(()) };
            if b_end.load(Ordering::SeqCst) == 0 {
                let b = log
                    .append_deferred(&[Record::new(0, vec![b'b'; b_len])], 0)
                    .expect("append B");
                b_end.store(b.next_offset, Ordering::SeqCst);
                let waker = Waker::from(Arc::clone(&b_waker));
                match log.poll_durable(b.next_offset, &waker) {
                    DurablePoll::Pending { must_lead, .. } => {
                        assert!(!must_lead, "A's sync is running: B must not claim another");
                    }
                    DurablePoll::Ready(r) => panic!("B cannot be durable yet: {r:?}"),
                }
            }
            Ok(())
        }))
    };
    let log = Arc::new(PartitionLog::open(dir, always(Some(hook))).expect("open").0);
    let _ = cell.set(Arc::clone(&log));
    let a = log.append_deferred(&[record(0)], 0).expect("append A");
    let a_waker = Waker::from(Arc::new(CountingWaker::default()));
    assert!(matches!(
        log.poll_durable(a.next_offset, &a_waker),
        DurablePoll::Pending {
            must_lead: true,
            alone: true
        }
    ));
    let kept = log.lead_claimed_sync();
    assert_eq!(b_waker.0.load(Ordering::SeqCst), 1, "B's waiter was woken");
    assert_eq!(
        log.high_watermark(),
        a.next_offset,
        "A is durable, B not yet"
    );
    (log, kept, b_end.load(Ordering::SeqCst))
}

#[test]
fn a_claimed_sync_keeps_the_claim_while_a_large_append_written_during_it_waits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, kept, b_next) = sync_with_an_append_during_it(dir.path(), 40 * 1024);
    assert!(
        kept,
        "40 KiB written during the sync wait: the claim is kept"
    );
    let other = Waker::from(Arc::new(CountingWaker::default()));
    assert!(
        matches!(
            log.poll_durable(b_next, &other),
            DurablePoll::Pending {
                must_lead: false,
                ..
            }
        ),
        "while the claim is kept, nobody else claims a sync"
    );
    assert!(!log.lead_claimed_sync(), "nothing is left to sync");
    assert_eq!(log.high_watermark(), b_next);
    assert!(matches!(
        log.poll_durable(b_next, &other),
        DurablePoll::Ready(Ok(()))
    ));
    assert_eq!(log.sync_count(), 2);
}

#[test]
fn a_small_append_written_during_a_claimed_sync_claims_the_next_one_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, kept, b_next) = sync_with_an_append_during_it(dir.path(), 100);
    assert!(
        !kept,
        "a small group is left to form until its waiter claims the sync"
    );
    let woken_b = Waker::from(Arc::new(CountingWaker::default()));
    assert!(matches!(
        log.poll_durable(b_next, &woken_b),
        DurablePoll::Pending {
            must_lead: true,
            alone: true
        }
    ));
    assert!(!log.lead_claimed_sync());
    assert_eq!(log.high_watermark(), b_next);
}

#[test]
fn a_lone_append_syncs_on_the_thread_that_waits_for_it() {
    // The fault hook runs in the fdatasync's place: it tells on which thread that is.
    let (hook, synced_on) = thread_recording_hook();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open_always(dir.path(), Some(hook));
    let pool = SyncPool::new(2);
    for i in 0..3 {
        append_async(&log, &pool, &[record(i)]).expect("durable");
    }
    let me = std::thread::current().id();
    let threads = synced_on.lock().expect("lock").clone();
    assert_eq!(threads.len(), 3, "one fdatasync per lone append");
    assert!(
        threads.iter().all(|t| *t == me),
        "no hand-off to a pool thread: {threads:?} vs {me:?}"
    );
}

#[test]
fn a_lone_append_synced_inline_does_not_wake_its_own_task() {
    // Its task is running and polls again by itself: a wake would schedule it once more and
    // make the runtime wake an idle worker to steal it.
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open_always(dir.path(), None);
    let pool = SyncPool::new(2);
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    for i in 0..3 {
        let appended = log.append_deferred(&[record(i)], 0).expect("append");
        let mut wait = std::pin::pin!(DurableWait::new(
            Arc::clone(&pool),
            vec![(Arc::clone(&log), appended.next_offset)],
        ));
        match wait.as_mut().poll(&mut cx) {
            Poll::Ready(results) => assert!(results.iter().all(Result::is_ok), "{results:?}"),
            Poll::Pending => panic!("a lone append is durable within its first poll"),
        }
    }
    assert_eq!(counter.0.load(Ordering::SeqCst), 0, "woken needlessly");
}

#[test]
fn a_lone_append_syncs_inline_only_while_its_thread_serves_nothing_else() {
    // A server thread that owns connections counts them: with another one open, an fdatasync
    // on the thread would hold it up, so the pool takes the sync.
    let (hook, synced_on) = thread_recording_hook();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open_always(dir.path(), Some(hook));
    let pool = SyncPool::new(2);
    // Its connection and its request; then another connection too.
    let load = Arc::new(std::sync::atomic::AtomicUsize::new(2));
    SyncPool::count_load_on_this_thread(Arc::clone(&load), 2);
    append_async(&log, &pool, &[record(0)]).expect("durable");
    load.store(3, Ordering::SeqCst);
    append_async(&log, &pool, &[record(1)]).expect("durable");
    let me = std::thread::current().id();
    let threads = synced_on.lock().expect("lock").clone();
    assert_eq!(threads.len(), 2, "one fdatasync per lone append");
    assert_eq!(threads[0], me, "alone on its thread: synced inline");
    assert_ne!(
        threads[1], me,
        "another connection on the thread: synced by the pool"
    );
}
