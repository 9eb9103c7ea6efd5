//! The data directory's free space. The server's ticker measures it; produce checks it.
//!
//! Invariants:
//! - Below the floor (`--min-free-bytes`; by default 1 GiB or 5 % of the disk, whichever is
//!   smaller) produces are refused with 507 `disk_full` and `Retry-After`, so the disk never
//!   fills under the broker's own writes; acks, nacks, extends and deletes go on — they are
//!   small, and deleting is how space comes back.
//! - Produces resume on their own at the first measurement above the floor: nothing is sticky.
//! - Free space is an input from outside like the clock: measured here, in the server, never
//!   inside the broker.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axum::http::StatusCode;

use super::error::ApiError;

/// Most that the default floor keeps free.
const DEFAULT_FLOOR_CAP: u64 = 1 << 30;
/// How long a refused producer is told to wait before trying again.
const RETRY_AFTER_MS: u64 = 1_000;

#[derive(Debug)]
pub(crate) struct DiskGuard {
    dir: PathBuf,
    /// `None`: 5 % of the disk, at most [`DEFAULT_FLOOR_CAP`].
    configured: Option<u64>,
    floor: AtomicU64,
    free: AtomicU64,
    /// Free bytes as last measured, less the produce bodies admitted since: a fast producer
    /// fills a disk between two measurements.
    estimate: AtomicU64,
    total: AtomicU64,
    full: AtomicBool,
}

impl DiskGuard {
    pub(crate) fn new(dir: PathBuf, configured: Option<u64>) -> Self {
        let guard = Self {
            dir,
            configured,
            floor: AtomicU64::new(0),
            free: AtomicU64::new(u64::MAX),
            estimate: AtomicU64::new(u64::MAX),
            total: AtomicU64::new(0),
            full: AtomicBool::new(false),
        };
        guard.refresh();
        guard
    }

    /// Measures the disk again (the ticker calls this); logs when produces stop or resume.
    pub(crate) fn refresh(&self) {
        let Ok(st) = rustix::fs::statvfs(&self.dir) else {
            return; // unknown: keep the last answer
        };
        let block = st.f_frsize.max(1);
        let free = st.f_bavail.saturating_mul(block);
        let total = st.f_blocks.saturating_mul(block);
        let floor = self
            .configured
            .unwrap_or_else(|| (total / 20).min(DEFAULT_FLOOR_CAP));
        self.free.store(free, Ordering::Relaxed);
        self.estimate.store(free, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.floor.store(floor, Ordering::Relaxed);
        // Produces resume a tenth of the floor above it, so the answer does not flap.
        let was = self.full.load(Ordering::Relaxed);
        let full = floor > 0 && (free < floor || (was && free < floor.saturating_add(floor / 10)));
        self.full.store(full, Ordering::Relaxed);
        if full && !was {
            self.say_full(free, floor);
        } else if was && !full {
            tracing::info!(
                free_bytes = free,
                min_free_bytes = floor,
                "disk space is back above the floor: produces resume"
            );
        }
    }

    fn say_full(&self, free: u64, floor: u64) {
        tracing::warn!(free_bytes = free, min_free_bytes = floor, dir = %self.dir.display(), "disk nearly full: produces are refused until space is freed (acks and deletes go on)");
    }

    /// 507 `disk_full` while the disk is below the floor, or when admitting `bytes` more would
    /// take it there before the next measurement.
    pub(crate) fn check_produce(&self, bytes: u64) -> Result<(), ApiError> {
        let floor = self.floor.load(Ordering::Relaxed);
        if !self.full.load(Ordering::Relaxed) {
            // Stored bytes exceed the body by their framing: count twice the body, to be safe.
            let need = bytes.saturating_mul(2);
            let before = self
                .estimate
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |e| {
                    Some(e.saturating_sub(need))
                })
                .unwrap_or(0);
            if floor == 0 || before.saturating_sub(need) >= floor {
                return Ok(());
            }
            if !self.full.swap(true, Ordering::Relaxed) {
                self.say_full(before, floor);
            }
        }
        Err(ApiError {
            status: StatusCode::INSUFFICIENT_STORAGE,
            code: "RESOURCE_EXHAUSTED",
            message: format!(
                "disk_full: {} bytes free on the data directory's disk, below --min-free-bytes {}; produces resume once space is freed (delete or purge topics, lower retention)",
                self.free.load(Ordering::Relaxed),
                self.floor.load(Ordering::Relaxed)
            ),
            overload: Some(("disk_full", RETRY_AFTER_MS)),
        })
    }

    /// Free bytes, the floor, the disk's size, and whether produces are refused.
    pub(crate) fn state(&self) -> (u64, u64, u64, bool) {
        (
            self.free.load(Ordering::Relaxed),
            self.floor.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            self.full.load(Ordering::Relaxed),
        )
    }
}
