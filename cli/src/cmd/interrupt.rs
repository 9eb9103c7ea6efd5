//! Ctrl-C (SIGINT) and SIGTERM for a command that holds leases: it must not leave behind
//! leases of messages it never printed.
//!
//! - While **waiting** (a long poll in progress, nothing in hand), a signal ends the process at
//!   once with exit code 130, after any ack in flight has settled. The kernel closes the poll's
//!   connection and the server, seeing its client gone, leases nothing for that poll.
//! - While **holding** a poll's messages, a signal is noted: the command finishes the message it
//!   is printing, acks what it printed (unless `--no-ack`), gives the rest back to the server
//!   (not counted as an attempt) and exits 130.
//! - A second signal ends the process at once, whatever it holds (a stalled stdout pipe must not
//!   keep it alive); those leases come back when they expire.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The exit code of a command ended by a signal (128 + SIGINT), as shells report it.
pub const INTERRUPTED: u8 = 130;

const WAITING: u8 = 0;
const HOLDING: u8 = 1;
const EXITING: u8 = 2;
/// Longest an ending process waits for its acks in flight.
const SETTLE_LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct Inner {
    phase: AtomicU8,
    signals: AtomicUsize,
    acks_in_flight: AtomicUsize,
}

/// Shared between the command and its signal thread.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    inner: Arc<Inner>,
}

impl Interrupt {
    /// Takes over SIGINT and SIGTERM for the rest of the process. When the handlers cannot be
    /// installed, the signals keep their default (the process ends; what it held expires).
    #[must_use]
    pub fn install() -> Self {
        let me = Self::default();
        let inner = Arc::clone(&me.inner);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || watch_signals(&inner, &ready_tx));
        if spawned.is_ok() {
            // Returns once the handlers are in place (or failed to be): a signal from here on
            // is ours.
            let _ = ready_rx.recv();
        }
        me
    }

    /// Nothing in hand from here on: a signal ends the process at once.
    pub fn waiting(&self) {
        self.inner.phase.store(WAITING, Ordering::SeqCst);
    }

    /// Messages in hand from here on. `false`: a signal is ending the process, the caller must
    /// not act on what it holds.
    #[must_use]
    pub fn holding(&self) -> bool {
        self.inner
            .phase
            .compare_exchange(WAITING, HOLDING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    #[must_use]
    pub fn interrupted(&self) -> bool {
        self.inner.signals.load(Ordering::SeqCst) > 0
    }

    /// Counts an ack in flight until the returned guard drops: a signal waits for it.
    #[must_use]
    pub fn ack_in_flight(&self) -> AckInFlight {
        self.inner.acks_in_flight.fetch_add(1, Ordering::SeqCst);
        AckInFlight {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// See [`Interrupt::ack_in_flight`].
#[derive(Debug)]
pub struct AckInFlight {
    inner: Arc<Inner>,
}

impl Drop for AckInFlight {
    fn drop(&mut self) {
        self.inner.acks_in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn watch_signals(inner: &Inner, ready: &std::sync::mpsc::Sender<bool>) {
    use tokio::signal::unix::{SignalKind, signal};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let Ok(runtime) = runtime else {
        let _ = ready.send(false);
        return;
    };
    runtime.block_on(async {
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            let _ = ready.send(false);
            return;
        };
        let _ = ready.send(true);
        loop {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            on_signal(inner);
        }
    });
}

fn on_signal(inner: &Inner) {
    let earlier = inner.signals.fetch_add(1, Ordering::SeqCst);
    let waiting = inner
        .phase
        .compare_exchange(WAITING, EXITING, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok();
    if earlier > 0 || waiting {
        let deadline = Instant::now() + SETTLE_LIMIT;
        while waiting
            && inner.acks_in_flight.load(Ordering::SeqCst) > 0
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::process::exit(i32::from(INTERRUPTED));
    }
}
