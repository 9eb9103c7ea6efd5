//! Waiting for durability without a thread per waiter.
//!
//! [`DurableWait`] is a future over (log, end offset) pairs: it resolves once each log has synced
//! past its end. A waiter that finds no sync running claims the next one
//! ([`super::log::DurablePoll::Pending`] with `must_lead`) and hands it to the [`SyncPool`], whose
//! threads run the fdatasyncs; the sync's end wakes every registered waker. An async server thus
//! pays one thread hand-off per group commit instead of one per request — and none for a lone
//! append (no other waiter on its log), which runs its fdatasync on the polling thread.
//!
//! Invariants:
//! - a claimed sync always runs: the pool runs whatever it was given before its threads exit,
//!   and runs it on the submitting thread once it is closed or cannot start a thread;
//! - the pool runs at most `max_threads` fdatasyncs at once, one per log at a time (a log's
//!   `syncing` flag, not the pool, guarantees the latter).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll};

use super::StorageError;
use super::log::{DurablePoll, PartitionLog};

thread_local! {
    /// This thread's load and the load at which a caller is alone on it, when the server
    /// counts them (see [`SyncPool::count_load_on_this_thread`]).
    static THREAD_LOAD: RefCell<Option<(Arc<AtomicUsize>, usize)>> = const { RefCell::new(None) };
}

/// Threads that run group commits claimed by async waiters.
#[derive(Debug)]
pub struct SyncPool {
    max_threads: usize,
    /// Group commits claimed and not finished, on pool threads or inline: a lone append syncs
    /// inline only when this is zero (see [`DurableWait`]).
    running: AtomicUsize,
    queue: Mutex<Queue>,
    ready: Condvar,
}

#[derive(Debug, Default)]
struct Queue {
    logs: VecDeque<Arc<PartitionLog>>,
    idle: usize,
    threads: Vec<std::thread::JoinHandle<()>>,
    closed: bool,
}

fn lock(m: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    // The queue is plain data; a panic elsewhere while it was held leaves it usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SyncPool {
    /// A pool that starts threads as syncs need them, up to `max_threads` (at least one).
    #[must_use]
    pub fn new(max_threads: usize) -> Arc<Self> {
        Arc::new(Self {
            max_threads: max_threads.max(1),
            running: AtomicUsize::new(0),
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
        })
    }

    /// Runs `log`'s claimed sync on a pool thread.
    fn submit(self: &Arc<Self>, log: Arc<PartitionLog>) {
        self.running.fetch_add(1, Ordering::AcqRel);
        let mut q = lock(&self.queue);
        if q.closed {
            drop(q);
            self.sync_here(&log, None);
            return;
        }
        q.logs.push_back(log);
        if q.idle > 0 {
            drop(q);
            self.ready.notify_one();
            return;
        }
        if q.threads.len() < self.max_threads {
            let pool = Arc::clone(self);
            match std::thread::Builder::new()
                .name("driftq-sync".into())
                .spawn(move || pool.work())
            {
                Ok(handle) => q.threads.push(handle),
                Err(e) if q.threads.is_empty() => {
                    // No thread will ever take it: run it here rather than strand its waiters.
                    tracing::warn!(error = %e, "cannot start a sync thread; syncing inline");
                    let queued: Vec<_> = q.logs.drain(..).collect();
                    drop(q);
                    for log in queued {
                        self.sync_here(&log, None);
                    }
                }
                // The running threads will get to it.
                Err(e) => tracing::warn!(error = %e, "cannot start another sync thread"),
            }
        }
    }

    fn work(&self) {
        loop {
            let log = {
                let mut q = lock(&self.queue);
                loop {
                    if let Some(log) = q.logs.pop_front() {
                        break log;
                    }
                    if q.closed {
                        return;
                    }
                    q.idle += 1;
                    q = self
                        .ready
                        .wait(q)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    q.idle -= 1;
                }
            };
            if log.lead_claimed_sync() {
                // The next sync of this log is due at once. Behind the logs already queued, so
                // one busy log cannot starve the others; this thread usually takes it next,
                // without a wake-up.
                lock(&self.queue).logs.push_back(log);
            } else {
                self.running.fetch_sub(1, Ordering::AcqRel);
            }
        }
    }

    /// Claims the right to sync inline: granted only while no other group commit runs in the
    /// process, so that one thread blocked in an fdatasync never holds up another log's, and —
    /// on a thread whose load is counted — while the caller is alone on it.
    fn try_inline(&self) -> bool {
        let alone_here = THREAD_LOAD.with(|load| {
            load.borrow()
                .as_ref()
                .is_none_or(|(n, alone)| n.load(Ordering::Acquire) <= *alone)
        });
        alone_here
            && self
                .running
                .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// Runs a claimed (and counted) sync of `log` on this thread to its end, and counts it done.
    /// `own`: the waker of the async waiter running it inside its poll, which is not woken.
    fn sync_here(&self, log: &PartitionLog, own: Option<&std::task::Waker>) {
        match own {
            Some(own) => while log.lead_claimed_sync_inline(own) {},
            None => while log.lead_claimed_sync() {},
        }
        self.running.fetch_sub(1, Ordering::AcqRel);
    }

    /// Tells every pool that `load` counts the work open on the calling thread (a server thread
    /// with connections of its own: connections and requests in progress), and that a caller is
    /// alone on it while `load` is at most `alone` (its own connection and request): a lone append
    /// then syncs inline only then, as an fdatasync on the thread would hold up the rest.
    pub fn count_load_on_this_thread(load: Arc<AtomicUsize>, alone: usize) {
        THREAD_LOAD.with(|l| *l.borrow_mut() = Some((load, alone)));
    }

    /// Runs what is queued, stops the threads and waits for them. Syncs claimed later run on
    /// the claiming thread.
    pub fn close(&self) {
        let threads = {
            let mut q = lock(&self.queue);
            q.closed = true;
            std::mem::take(&mut q.threads)
        };
        self.ready.notify_all();
        for t in threads {
            let _ = t.join();
        }
    }
}

/// Resolves when each log has synced past its end offset, to one result per pair (in order).
#[derive(Debug)]
pub struct DurableWait {
    pool: Arc<SyncPool>,
    waits: Vec<(Arc<PartitionLog>, u64)>,
    results: Vec<Option<Result<(), StorageError>>>,
}

impl DurableWait {
    #[must_use]
    pub fn new(pool: Arc<SyncPool>, waits: Vec<(Arc<PartitionLog>, u64)>) -> Self {
        let results = waits.iter().map(|_| None).collect();
        Self {
            pool,
            waits,
            results,
        }
    }
}

impl Future for DurableWait {
    type Output = Vec<Result<(), StorageError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut pending = false;
        // Every log is polled each time, so the syncs of all of them run at once.
        for ((log, end), result) in this.waits.iter().zip(this.results.iter_mut()) {
            if result.is_some() {
                continue;
            }
            loop {
                match log.poll_durable(*end, cx.waker()) {
                    DurablePoll::Ready(r) => *result = Some(r),
                    // A lone append (one connection producing one message at a time) syncs on
                    // this thread, as Redis's event loop does: handing the fdatasync to a pool
                    // thread and waking this one after costs two thread hand-offs, about a
                    // tenth of a single-message produce. With company on its log, or any other
                    // group commit running in the process, the sync goes to the pool: a worker
                    // blocked in an fdatasync holds up every request it would have served
                    // (with many partitions every append is alone on its log, and inline syncs
                    // cost a third of the SDK pattern's rate).
                    DurablePoll::Pending {
                        must_lead: true,
                        alone: true,
                    } if this.pool.try_inline() => {
                        this.pool.sync_here(log, Some(cx.waker()));
                        continue;
                    }
                    DurablePoll::Pending { must_lead, .. } => {
                        if must_lead {
                            this.pool.submit(Arc::clone(log));
                        }
                        pending = true;
                    }
                }
                break;
            }
        }
        if pending {
            return Poll::Pending;
        }
        Poll::Ready(
            std::mem::take(&mut this.results)
                .into_iter()
                .map(|r| r.unwrap_or(Ok(())))
                .collect(),
        )
    }
}
