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

/// A strict POSIX file system at a power loss (ALICE's model): every file keeps only what its
/// fdatasyncs covered (the rest reads as zeros, as in space reserved ahead; [`PowerLoss::cut`]
/// models the other outcome, a file cut short), and every name operation — creating a file or directory, a rename, an
/// unlink — is undone unless its parent directory was fsynced after it. Storage tells it of
/// each name operation and directory fsync ([`driftq_core::storage::FsWatch`]) and of each
/// fdatasync ([`SyncFault`]); at the chosen event it copies the data directory as that disk
/// would come back, into `image`.
///
/// Index files are caches, rebuilt on open: the image has them empty.
#[derive(Clone)]
pub struct StrictDisk {
    power: PowerLoss,
    model: Arc<Mutex<Model>>,
}

struct Model {
    root: PathBuf,
    /// Where copies of removed entries are kept, to bring them back.
    attic: PathBuf,
    /// Entries made since their directory's last fsync.
    fresh: std::collections::BTreeSet<PathBuf>,
    /// Entries removed (or renamed away) since their directory's last fsync → a copy.
    gone: std::collections::BTreeMap<PathBuf, PathBuf>,
    events: usize,
    crash_at: Option<usize>,
    image: PathBuf,
    /// How many acknowledgements the workload had counted when the image was taken.
    acknowledged: Arc<std::sync::atomic::AtomicUsize>,
    acknowledged_at_crash: Option<usize>,
}

impl StrictDisk {
    /// Watches `root`; takes the image at event `crash_at` (1-based), if given.
    pub fn new(
        root: &Path,
        attic: &Path,
        image: &Path,
        crash_at: Option<usize>,
        acknowledged: Arc<std::sync::atomic::AtomicUsize>,
    ) -> Self {
        Self {
            power: PowerLoss::default(),
            model: Arc::new(Mutex::new(Model {
                root: root.to_path_buf(),
                attic: attic.to_path_buf(),
                fresh: Default::default(),
                gone: Default::default(),
                events: 0,
                crash_at,
                image: image.to_path_buf(),
                acknowledged,
                acknowledged_at_crash: None,
            })),
        }
    }

    pub fn sync_fault(&self) -> SyncFault {
        let (power, me) = (self.power.hook(), self.clone());
        SyncFault(Arc::new(move |path, len| {
            (power.0)(path, len)?;
            me.event();
            Ok(())
        }))
    }

    pub fn fs_watch(&self) -> driftq_core::storage::FsWatch {
        let me = self.clone();
        driftq_core::storage::FsWatch(Arc::new(move |e| me.on_fs(e)))
    }

    /// Events seen so far (a run without a crash point counts them).
    pub fn events(&self) -> usize {
        self.model.lock().expect("model").events
    }

    /// Acknowledgements counted when the image was taken; `None` if it was not.
    pub fn acknowledged_at_crash(&self) -> Option<usize> {
        self.model.lock().expect("model").acknowledged_at_crash
    }

    fn on_fs(&self, e: driftq_core::storage::FsEvent<'_>) {
        use driftq_core::storage::FsEvent;
        {
            let mut m = self.model.lock().expect("model");
            match e {
                FsEvent::Creating(p) => {
                    m.fresh.insert(p.to_path_buf());
                }
                FsEvent::Removing(p) => m.remove(p),
                FsEvent::Renaming { from, to } => {
                    m.remove(to);
                    m.remove(from);
                    m.fresh.insert(to.to_path_buf());
                }
                FsEvent::DirSynced(d) => {
                    m.fresh.retain(|p| p.parent() != Some(d));
                    m.gone.retain(|p, _| p.parent() != Some(d));
                }
            }
        }
        self.event();
    }

    fn event(&self) {
        let mut m = self.model.lock().expect("model");
        m.events += 1;
        if m.crash_at == Some(m.events) {
            let synced = self.power.synced();
            m.take_image(&synced);
        }
    }
}

impl Model {
    /// `p` is about to go: a durable entry is kept in the attic until its directory's fsync.
    fn remove(&mut self, p: &Path) {
        if !p.exists() || self.fresh.remove(p) {
            return;
        }
        let copy = self.attic.join(self.gone.len().to_string());
        copy_tree(p, &copy);
        self.gone.entry(p.to_path_buf()).or_insert(copy);
    }

    fn take_image(&mut self, synced: &HashMap<PathBuf, u64>) {
        self.acknowledged_at_crash =
            Some(self.acknowledged.load(std::sync::atomic::Ordering::SeqCst));
        let image = self.image.clone();
        copy_tree(&self.root, &image);
        let at = |p: &Path| image.join(p.strip_prefix(&self.root).expect("under the root"));
        for p in self.fresh.iter().rev() {
            let i = at(p);
            if i.is_dir() {
                fs::remove_dir_all(&i).expect("drop a directory entry");
            } else if i.exists() {
                fs::remove_file(&i).expect("drop a file entry");
            }
        }
        for (p, copy) in &self.gone {
            let i = at(p);
            if !i.exists() && i.parent().is_some_and(Path::is_dir) {
                copy_tree(copy, &i);
            }
        }
        for file in files_under(&image) {
            let name = file.to_string_lossy().into_owned();
            let original = self
                .root
                .join(file.strip_prefix(&image).expect("in the image"));
            let f = OpenOptions::new().write(true).open(&file).expect("open");
            let len = f.metadata().expect("stat").len();
            if name.ends_with(".log") {
                // The file keeps its size (space reserved ahead of the appends is allocated
                // with it); what no fdatasync covered reads back as zeros.
                let keep = synced.get(&original).copied().unwrap_or(0).min(len);
                let zeros = vec![0u8; usize::try_from(len - keep).expect("fits")];
                std::os::unix::fs::FileExt::write_all_at(&f, &zeros, keep).expect("zero");
            } else if name.ends_with(".index") || name.ends_with(".timeindex") {
                f.set_len(0).expect("cut");
            }
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).expect("mkdir");
        for e in fs::read_dir(from).expect("ls") {
            let e = e.expect("entry");
            copy_tree(&e.path(), &to.join(e.file_name()));
        }
    } else if from.exists() {
        fs::copy(from, to).expect("copy");
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("ls") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
