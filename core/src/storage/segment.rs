//! Segment files: naming, reading batches at byte positions, and the read-only walk that
//! recovery, `wal inspect` and `wal verify` share.
//!
//! A partition directory holds `<base>.log`, `<base>.index` and `<base>.timeindex` per segment,
//! where `<base>` is the first offset the segment holds, printed as 20 decimal digits so that a
//! plain sort of names is a sort by offset. Bytes cut off a torn tail are kept in
//! `<base>.log.torn-<first lost offset>`.
//!
//! A segment log is its batches back to back, from byte 0. The active segment's file may be
//! longer: disk reserved ahead of the appends (`fallocate`), all zeros. A batch never starts with
//! a zero byte (its magic), so the first position from which only zeros follow is the end of the
//! segment ([`is_reserved_tail`]); sealed segments and closed logs are trimmed to their batches.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::format::{self, Batch, BatchHeader, DecodeError, HEADER_LEN, MAGIC};

/// File name of a segment's log.
#[must_use]
pub fn log_file_name(base: u64) -> String {
    format!("{base:020}.log")
}

/// File name of a segment's offset index.
#[must_use]
pub fn index_file_name(base: u64) -> String {
    format!("{base:020}.index")
}

/// File name of a segment's time index.
#[must_use]
pub fn timeindex_file_name(base: u64) -> String {
    format!("{base:020}.timeindex")
}

/// Parses `<20 digits>.log` into its base offset.
#[must_use]
pub fn parse_log_file_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".log")?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `(base offset, path)` of each segment log, sorted by base offset.
pub type SegmentList = Vec<(u64, PathBuf)>;

/// The segment logs in `dir`, sorted by base offset, with `.log` files whose names are not
/// segment names returned separately (reported by `wal verify`, ignored by recovery).
pub fn list_segments(dir: &Path) -> io::Result<(SegmentList, Vec<PathBuf>)> {
    let mut segments = Vec::new();
    let mut strays = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if let Some(base) = parse_log_file_name(&name) {
            segments.push((base, entry.path()));
        } else if name.ends_with(".log") {
            strays.push(entry.path());
        }
    }
    segments.sort_by_key(|(base, _)| *base);
    strays.sort();
    Ok((segments, strays))
}

/// Reads the batch starting at byte `position` of `file` (whose length is `file_len`) into `buf`,
/// checking its CRC. `Incomplete` means the file ends inside the batch.
pub fn read_batch_at(
    file: &File,
    position: u64,
    file_len: u64,
    buf: &mut Vec<u8>,
) -> io::Result<Result<BatchHeader, DecodeError>> {
    match read_header_at(file, position, file_len, buf)? {
        Ok(header) => read_rest_of_batch(file, position, file_len, header, buf),
        Err(e) => Ok(Err(e)),
    }
}

/// Reads and decodes only the header of the batch at `position` into `buf` (nothing checked by
/// the CRC yet): a reader looking for a later offset skips the batch by its length without
/// reading the rest.
pub fn read_header_at(
    file: &File,
    position: u64,
    file_len: u64,
    buf: &mut Vec<u8>,
) -> io::Result<Result<BatchHeader, DecodeError>> {
    let available = file_len.saturating_sub(position);
    let head_len = available.min(HEADER_LEN as u64) as usize;
    buf.clear();
    buf.resize(head_len, 0);
    file.read_exact_at(buf, position)?;
    Ok(format::decode_header(buf))
}

/// Completes in `buf` the batch whose header [`read_header_at`] read there, and checks its CRC.
pub fn read_rest_of_batch(
    file: &File,
    position: u64,
    file_len: u64,
    header: BatchHeader,
    buf: &mut Vec<u8>,
) -> io::Result<Result<BatchHeader, DecodeError>> {
    let available = file_len.saturating_sub(position);
    let len = header.length as usize;
    if (len as u64) > available {
        return Ok(Err(DecodeError::Incomplete {
            needed: len,
            available: available as usize,
        }));
    }
    buf.resize(len, 0);
    file.read_exact_at(&mut buf[HEADER_LEN..], position + HEADER_LEN as u64)?;
    let actual = format::batch_crc(buf);
    if actual != header.crc {
        return Ok(Err(DecodeError::Corrupt(format!(
            "checksum mismatch: header says {:#010x}, bytes give {actual:#010x}",
            header.crc
        ))));
    }
    Ok(Ok(header))
}

/// Whether bytes `from..len` of `file` are all zero: disk an active segment reserved ahead of its
/// appends (`PartitionLog::reserve` extends the file with `fallocate`) that no batch reached.
/// Zeros are never a batch (a batch starts with its magic), so the log ends where they start.
pub fn is_reserved_tail(file: &File, from: u64, len: u64) -> io::Result<bool> {
    const CHUNK: u64 = 64 * 1024;
    let mut buf = vec![0u8; CHUNK as usize];
    let mut at = from;
    while at < len {
        let n = (len - at).min(CHUNK) as usize;
        file.read_exact_at(&mut buf[..n], at)?;
        if buf[..n].iter().any(|b| *b != 0) {
            return Ok(false);
        }
        at += n as u64;
    }
    Ok(true)
}

/// The end of the last byte in `from..len` that is not zero (`from` if none is).
pub fn written_end(file: &File, from: u64, len: u64) -> io::Result<u64> {
    const CHUNK: u64 = 64 * 1024;
    let mut buf = vec![0u8; CHUNK as usize];
    let mut end = len;
    while end > from {
        let start = end.saturating_sub(CHUNK).max(from);
        let chunk = &mut buf[..(end - start) as usize];
        file.read_exact_at(chunk, start)?;
        if let Some(i) = chunk.iter().rposition(|b| *b != 0) {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(from)
}

/// Whether the segment log at `path` holds no batch: empty, or nothing but reserved space.
pub fn holds_no_batch(path: &Path) -> io::Result<bool> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    is_reserved_tail(&file, 0, len)
}

/// Looks for a batch with a valid checksum starting anywhere after `from`. A bad batch followed by
/// a good one is damage in the middle of the log; a bad batch followed by nothing valid is a torn
/// tail. Reads in bounded chunks so a long tail does not need memory of its size.
pub fn find_valid_batch_after(file: &File, from: u64, file_len: u64) -> io::Result<Option<u64>> {
    const CHUNK: usize = 1 << 20;
    let mut chunk = vec![0u8; CHUNK + MAGIC.len()];
    let mut batch_buf = Vec::new();
    let mut start = from + 1;
    while start + MAGIC.len() as u64 <= file_len {
        let n = ((file_len - start) as usize).min(chunk.len());
        let window = &mut chunk[..n];
        file.read_exact_at(window, start)?;
        for i in 0..n.saturating_sub(MAGIC.len() - 1) {
            if window[i..i + MAGIC.len()] == MAGIC {
                let position = start + i as u64;
                if let Ok(Ok(_)) = read_batch_at(file, position, file_len, &mut batch_buf) {
                    return Ok(Some(position));
                }
            }
        }
        start += CHUNK as u64;
    }
    Ok(None)
}

/// What the read-only walk found at one position of a segment.
#[derive(Debug)]
pub enum WalkItem {
    /// A batch that decoded; `crc_ok` is false when only the checksum is wrong.
    Batch {
        position: u64,
        batch: Batch,
        crc_ok: bool,
    },
    /// A header that decodes and fits the file, over bytes that fail their checksum and do not
    /// decode into records. The walk goes on after it, trusting the header's length.
    Damaged {
        position: u64,
        header: BatchHeader,
        error: DecodeError,
    },
    /// Bytes that are not a batch (and not only zeros: the walk ends quietly at reserved space).
    /// The walk stops here.
    Bad {
        position: u64,
        error: DecodeError,
        /// Where a valid batch starts again, if anywhere: `None` means a torn tail.
        valid_batch_after: Option<u64>,
    },
}

/// Walks every batch of one segment file without modifying it, decoding damaged batches as far
/// as their structure allows.
pub struct SegmentWalker {
    file: File,
    len: u64,
    /// Where the walk met reserved space (zeros to the end of the file), if it did.
    reserved_from: Option<u64>,
    position: u64,
    done: bool,
    buf: Vec<u8>,
}

impl SegmentWalker {
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(Self {
            file,
            len,
            reserved_from: None,
            position: 0,
            done: false,
            buf: Vec::new(),
        })
    }

    /// Starts the walk at `position` (which must be a batch start, e.g. from the index).
    pub fn seek(&mut self, position: u64) {
        self.position = position;
    }

    #[must_use]
    pub fn len(&self) -> u64 {
        self.len
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file's bytes before the reserved space the walk ended at (all of them, until then).
    #[must_use]
    pub fn data_len(&self) -> u64 {
        self.reserved_from.unwrap_or(self.len)
    }

    fn step(&mut self) -> io::Result<Option<WalkItem>> {
        if self.done || self.position >= self.len {
            return Ok(None);
        }
        let position = self.position;
        let available = (self.len - position) as usize;
        let head = available.min(HEADER_LEN);
        self.buf.resize(head, 0);
        self.file.read_exact_at(&mut self.buf, position)?;
        let header = format::decode_header(&self.buf);
        let decoded = match header {
            Ok(h) if (h.length as usize) <= available => {
                self.buf.resize(h.length as usize, 0);
                self.file
                    .read_exact_at(&mut self.buf[HEADER_LEN..], position + HEADER_LEN as u64)?;
                let lenient = format::decode_batch_lenient(&self.buf);
                if let Err(error) = &lenient
                    && format::batch_crc(&self.buf) != h.crc
                {
                    self.position += u64::from(h.length);
                    return Ok(Some(WalkItem::Damaged {
                        position,
                        header: h,
                        error: error.clone(),
                    }));
                }
                lenient
            }
            Ok(h) => Err(DecodeError::Incomplete {
                needed: h.length as usize,
                available,
            }),
            Err(e) => Err(e),
        };
        match decoded {
            Ok((batch, len, crc_ok)) => {
                self.position += len as u64;
                Ok(Some(WalkItem::Batch {
                    position,
                    batch,
                    crc_ok,
                }))
            }
            Err(_) if is_reserved_tail(&self.file, position, self.len)? => {
                self.done = true;
                self.reserved_from = Some(position);
                Ok(None)
            }
            Err(error) => {
                self.done = true;
                let valid_batch_after = find_valid_batch_after(&self.file, position, self.len)?;
                Ok(Some(WalkItem::Bad {
                    position,
                    error,
                    valid_batch_after,
                }))
            }
        }
    }
}

impl Iterator for SegmentWalker {
    type Item = io::Result<WalkItem>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.step() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
