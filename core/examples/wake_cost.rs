//! What one thread hand-off costs on this machine: two threads ping-pong with `park`/`unpark`
//! and the example prints the wall time per hand-off (one wake-up and one context switch each
//! way). Group commit pays about one hand-off per record per sync (the waiter parks, the sync's
//! leader unparks it), so this bounds how cheap a 16-writer cycle can be (docs/PERFORMANCE.md,
//! "Group commit under `always`"). Run under `perf stat -e task-clock` for the CPU side.
//!
//! Run: `cargo run --release -p driftq-core --example wake_cost -- 100000`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

fn main() {
    let rounds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    // Odd values: the other thread's turn; even: the main thread's.
    let turn = Arc::new(AtomicU64::new(0));
    let main_thread = std::thread::current();
    let other_turn = Arc::clone(&turn);
    let other = std::thread::spawn(move || {
        for i in 0..rounds {
            while other_turn.load(Ordering::Acquire) != 2 * i + 1 {
                std::thread::park();
            }
            other_turn.store(2 * i + 2, Ordering::Release);
            main_thread.unpark();
        }
    });
    let other_thread = other.thread().clone();
    let start = Instant::now();
    for i in 0..rounds {
        turn.store(2 * i + 1, Ordering::Release);
        other_thread.unpark();
        while turn.load(Ordering::Acquire) != 2 * i + 2 {
            std::thread::park();
        }
    }
    let elapsed = start.elapsed();
    other.join().expect("the other thread ends");
    println!(
        "hand-offs={} mean={:.2}us (wake-up + context switch)",
        2 * rounds,
        elapsed.as_secs_f64() * 1e6 / (2 * rounds) as f64
    );
}
