//! One writer per data directory.
//!
//! Two brokers on one data directory would append to the same segments at positions each
//! believes it owns, and every acknowledged message of both could be overwritten. So opening a
//! data directory for writing takes an exclusive advisory lock (`flock`) on `<data-dir>/lock`
//! and holds it until the [`DataDirLock`] is dropped — for a broker, until it is dropped.
//!
//! Invariants:
//! - the lock is taken before anything under the directory is created, read for recovery or
//!   written, so a refused second opener has touched nothing;
//! - the kernel drops the lock with the last descriptor, so a crashed or killed broker never
//!   leaves a stale lock behind (unlike a pid file); the pid written into the file is only for
//!   the error message;
//! - readers (`driftq wal inspect|verify`) never take it: they only read.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The lock file's name inside a data directory.
pub const LOCK_FILE: &str = "lock";

/// Someone else holds the data directory.
#[derive(Debug, thiserror::Error)]
#[error(
    "data directory {} is in use by another driftq process{}; stop it first, or give this one another --data-dir",
    dir.display(),
    holder.as_deref().map(|pid| format!(" (pid {pid})")).unwrap_or_default()
)]
pub struct DataDirInUse {
    pub dir: PathBuf,
    /// What the holder wrote into the lock file (its pid), if it could be read.
    pub holder: Option<String>,
}

/// Why a data directory could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(transparent)]
    InUse(#[from] DataDirInUse),
    #[error("lock {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Exclusive use of a data directory while it lives.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Creates `dir` if needed and locks it, or says who holds it.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        // A failure here (a file in the way, no permission) is reported by the open below, which
        // names the lock file and gives the kernel's reason for it.
        let _ = std::fs::create_dir_all(dir);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path)
                    .ok()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty());
                return Err(DataDirInUse {
                    dir: dir.to_path_buf(),
                    holder,
                }
                .into());
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Only for the message a second opener prints; never read to decide anything.
        file.set_len(0).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(Self { _file: file })
    }
}
