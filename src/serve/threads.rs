//! Connection threads: each accepted connection is served, for its whole life, by one of a few
//! threads, each running its own single-threaded runtime.
//!
//! Why: on a work-stealing runtime every request that finds the workers idle wakes a second
//! worker to keep searching for work (tokio's rule against lost wake-ups); on a two-core machine
//! that worker's wake-up and search take the core the client needs, which measured ~40 µs of a
//! single-message produce's ~250 µs. A thread that owns its connections wakes nobody.
//!
//! Each thread counts its open connections and their requests in progress and tells the
//! storage's sync pool ([`driftq_core::storage::SyncPool::count_load_on_this_thread`]), so that a
//! lone append syncs on the thread only while it is all the thread has — one connection, one
//! request: an fdatasync there would hold up everything else on the thread. Requests alone are
//! not enough to count (another connection's next request may not have been read yet), nor
//! connections alone (one HTTP/2 connection carries many requests).
//!
//! Invariant: a job given to a thread runs on it; if the thread is gone, [`ConnThreads::deal`]
//! gives the job back and the caller runs it where it is.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use driftq_core::storage::SyncPool;
use tokio::sync::mpsc;

/// Work for a connection thread: runs in its runtime's context (`tokio::spawn` spawns there).
pub(crate) type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// Open connections plus requests in progress on this connection thread (`None` elsewhere).
    static LOAD: RefCell<Option<Arc<AtomicUsize>>> = const { RefCell::new(None) };
}

/// The calling thread's count of open connections plus requests in progress, if it is a
/// connection thread.
pub(crate) fn this_thread_load() -> Option<Arc<AtomicUsize>> {
    LOAD.with(|l| l.borrow().clone())
}

/// More connection threads than this is a typo, not a tuning.
const MAX_THREADS: usize = 1024;

/// How many connection threads `--conn-threads` asks for: one per core when it does not say.
pub(crate) fn checked_count(asked: Option<usize>) -> Result<usize, String> {
    match asked {
        Some(n) if n > MAX_THREADS => Err(format!(
            "--conn-threads {n}: at most {MAX_THREADS} (0 serves every connection on the shared runtime)"
        )),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)),
    }
}

/// The threads, each dealt the next connection when it is the least loaded.
pub(crate) struct ConnThreads {
    threads: Vec<Thread>,
    /// Where the search for the least loaded thread starts: ties go round in turn.
    next: AtomicUsize,
}

struct Thread {
    queue: mpsc::UnboundedSender<Job>,
    /// Its open connections plus requests in progress (the counter it tells the sync pool).
    load: Arc<AtomicUsize>,
    /// Connections dealt to it and not yet running there: a burst of accepts must not all go to
    /// the thread that looked idle first.
    arriving: Arc<AtomicUsize>,
}

impl Thread {
    fn weight(&self) -> usize {
        self.load.load(Ordering::Acquire) + self.arriving.load(Ordering::Acquire)
    }
}

impl ConnThreads {
    /// Starts `count` threads. A thread that cannot start is left out; with none at all every
    /// job runs where it is dealt.
    pub(crate) fn start(count: usize) -> Self {
        let mut threads = Vec::new();
        for i in 0..count {
            let (queue, receive) = mpsc::unbounded_channel::<Job>();
            let load = Arc::new(AtomicUsize::new(0));
            let for_thread = Arc::clone(&load);
            let started = std::thread::Builder::new()
                .name(format!("driftq-conn-{i}"))
                .spawn(move || run(receive, for_thread));
            match started {
                Ok(_) => threads.push(Thread {
                    queue,
                    load,
                    arriving: Arc::new(AtomicUsize::new(0)),
                }),
                Err(e) => tracing::warn!(error = %e, "cannot start a connection thread"),
            }
        }
        Self {
            threads,
            next: AtomicUsize::new(0),
        }
    }

    /// Gives `job` to the least loaded thread (round robin among equals): without work stealing
    /// between threads, two busy connections on one thread while the other idles would halve
    /// what they get. Back to the caller when no thread takes it.
    pub(crate) fn deal(&self, job: Job) -> Result<(), Job> {
        let n = self.threads.len();
        if n == 0 {
            return Err(job);
        }
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        let Some(thread) = (0..n)
            .map(|i| &self.threads[(first + i) % n])
            .min_by_key(|t| t.weight())
        else {
            return Err(job);
        };
        thread.arriving.fetch_add(1, Ordering::AcqRel);
        let arrived = Arc::clone(&thread.arriving);
        let job: Job = Box::new(move || {
            arrived.fetch_sub(1, Ordering::AcqRel);
            job();
        });
        // Given back, the job still takes itself off `arriving` wherever it runs.
        thread.queue.send(job).map_err(|e| e.0)
    }
}

/// A connection thread: runs the jobs it is given until every sender is gone. The connections
/// they spawned have ended by then (the server drops its senders after its graceful stop).
fn run(mut jobs: mpsc::UnboundedReceiver<Job>, load: Arc<AtomicUsize>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a connection thread's runtime");
            return;
        }
    };
    // Alone: the caller's connection and its request.
    SyncPool::count_load_on_this_thread(Arc::clone(&load), 2);
    LOAD.with(|l| *l.borrow_mut() = Some(load));
    runtime.block_on(async move {
        while let Some(job) = jobs.recv().await {
            job();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deals one job and returns the name of the thread it ran on.
    fn dealt_to(threads: &ConnThreads) -> String {
        let (tx, rx) = std::sync::mpsc::channel();
        let job: Job = Box::new(move || {
            let name = std::thread::current().name().unwrap_or_default().to_owned();
            let _ = tx.send(name);
        });
        assert!(threads.deal(job).is_ok(), "a thread takes it");
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the job ran")
    }

    #[test]
    fn a_connection_goes_to_the_least_loaded_thread_and_equals_take_turns() {
        let threads = ConnThreads::start(2);
        let a = dealt_to(&threads);
        let b = dealt_to(&threads);
        assert_ne!(a, b, "equal threads take turns");
        // The first thread now carries a busy connection: the next ones go to the other.
        let busy = threads
            .threads
            .iter()
            .position(|t| t.load.load(Ordering::Acquire) == 0)
            .expect("a thread");
        threads.threads[busy].load.fetch_add(3, Ordering::AcqRel);
        let idle = format!("driftq-conn-{}", 1 - busy);
        assert_eq!(dealt_to(&threads), idle);
        assert_eq!(dealt_to(&threads), idle);
    }

    #[test]
    fn without_threads_a_job_is_given_back() {
        let threads = ConnThreads::start(0);
        let job: Job = Box::new(|| {});
        assert!(threads.deal(job).is_err());
    }
}
