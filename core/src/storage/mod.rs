//! Storage: the segmented, checksummed partition log and the read-only tools over it.
//!
//! Knows nothing of brokers: it stores batches of [`Record`]s with opaque metadata and hands
//! them back by offset or timestamp.
//!
//! - [`format`](mod@format): the batch byte layout, encoder and decoder (torn vs corrupt).
//! - [`index`]: sparse offset and time indexes, and the rule that decides their entries.
//! - [`segment`]: segment file names, positional batch reads, the read-only walker.
//! - [`log`]: [`PartitionLog`]: append, read, seek by time, retention, durability, recovery.
//! - [`pool`]: [`DurableWait`], a future for durability, and the [`SyncPool`] that runs the
//!   group commits its waiters claim.
//! - [`verify`]: the offline checks behind `driftq wal verify`.

pub mod format;
pub mod index;
pub mod log;
pub mod pool;
pub mod segment;
pub mod verify;

use std::path::PathBuf;

pub use format::{Record, StoredRecord};
pub use log::{
    Appended, Durability, DurablePoll, FsEvent, FsWatch, LogConfig, PartitionLog, RecoveryReport,
    SegmentInfo, SyncFault, SyncObserver,
};
pub use pool::{DurableWait, SyncPool};

/// Everything the storage layer can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "corrupt log {} at byte {position} (offset {offset}): {reason}; run `driftq wal verify` on it, or open with repair to truncate there",
        file.display()
    )]
    Corrupt {
        file: PathBuf,
        position: u64,
        offset: u64,
        reason: String,
    },
    #[error(
        "log {} refuses writes: an earlier fsync failed ({reason}); restart to recover from what is on disk",
        dir.display()
    )]
    FsyncFailed { dir: PathBuf, reason: String },
    #[error("invalid batch: {0}")]
    InvalidBatch(String),
    #[error("log {} is closed", .0.display())]
    Closed(PathBuf),
}

pub(crate) fn io_err(context: impl Into<String>, source: std::io::Error) -> StorageError {
    StorageError::Io {
        context: context.into(),
        source,
    }
}
