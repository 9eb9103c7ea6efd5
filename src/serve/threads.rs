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

/// The threads, dealt connections in turn.
pub(crate) struct ConnThreads {
    queues: Vec<mpsc::UnboundedSender<Job>>,
    next: AtomicUsize,
}

impl ConnThreads {
    /// Starts `count` threads. A thread that cannot start is left out; with none at all every
    /// job runs where it is dealt.
    pub(crate) fn start(count: usize) -> Self {
        let mut queues = Vec::new();
        for i in 0..count {
            let (send, receive) = mpsc::unbounded_channel::<Job>();
            let started = std::thread::Builder::new()
                .name(format!("driftq-conn-{i}"))
                .spawn(move || run(receive));
            match started {
                Ok(_) => queues.push(send),
                Err(e) => tracing::warn!(error = %e, "cannot start a connection thread"),
            }
        }
        Self {
            queues,
            next: AtomicUsize::new(0),
        }
    }

    /// Gives `job` to the next thread in turn; back to the caller when no thread takes it.
    pub(crate) fn deal(&self, job: Job) -> Result<(), Job> {
        if self.queues.is_empty() {
            return Err(job);
        }
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.queues.len();
        self.queues[turn].send(job).map_err(|e| e.0)
    }
}

/// A connection thread: runs the jobs it is given until every sender is gone. The connections
/// they spawned have ended by then (the server drops its senders after its graceful stop).
fn run(mut jobs: mpsc::UnboundedReceiver<Job>) {
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
    let load = Arc::new(AtomicUsize::new(0));
    // Alone: the caller's connection and its request.
    SyncPool::count_load_on_this_thread(Arc::clone(&load), 2);
    LOAD.with(|l| *l.borrow_mut() = Some(load));
    runtime.block_on(async move {
        while let Some(job) = jobs.recv().await {
            job();
        }
    });
}
