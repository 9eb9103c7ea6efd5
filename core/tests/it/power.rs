//! Simulated power loss: a `SyncFault` hook records the length every fdatasync made durable,
//! and [`PowerLoss::cut`] then throws away what no fdatasync covered, as a machine that lost
//! power would.

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use driftq_core::storage::SyncFault;

#[derive(Clone, Default)]
pub struct PowerLoss {
    synced: Arc<Mutex<HashMap<PathBuf, u64>>>,
}

impl PowerLoss {
    /// The hook to put in a log's or broker's config.
    pub fn hook(&self) -> SyncFault {
        let synced = Arc::clone(&self.synced);
        SyncFault(Arc::new(move |path, len| {
            let mut m = synced.lock().expect("lock");
            let slot = m.entry(path.to_path_buf()).or_insert(0);
            *slot = (*slot).max(len);
            Ok(())
        }))
    }

    /// The durable lengths as of now.
    pub fn synced(&self) -> HashMap<PathBuf, u64> {
        self.synced.lock().expect("lock").clone()
    }

    /// Cuts every segment of the log in `dir` back to its length in `synced`. With `seed`, the
    /// last synced segment keeps a seed-chosen part of its unsynced tail instead (partial
    /// writeback). Segments after the last synced one are emptied: their creation synced the
    /// directory, nothing synced their bytes.
    pub fn cut(dir: &Path, synced: &HashMap<PathBuf, u64>, seed: Option<u64>) {
        let segments = crate::storage::log_files(dir);
        let last_synced = segments
            .iter()
            .rposition(|p| synced.get(p).is_some_and(|&l| l > 0));
        for (i, seg) in segments.iter().enumerate() {
            let len = fs::metadata(seg).expect("stat").len();
            let keep = match (synced.get(seg), last_synced) {
                (_, None) => 0,
                (_, Some(last)) if i > last => 0,
                (Some(&durable), Some(last)) if i == last && len > durable => seed
                    .map_or(durable, |s| {
                        durable + (s * 7919 + len) % (len - durable + 1)
                    }),
                (Some(&durable), _) => durable,
                (None, _) => 0,
            };
            assert!(keep <= len, "{} synced past its end", seg.display());
            OpenOptions::new()
                .write(true)
                .open(seg)
                .and_then(|f| f.set_len(keep))
                .expect("cut");
        }
    }
}
