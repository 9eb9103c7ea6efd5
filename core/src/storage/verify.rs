//! Read-only verification of logs on disk: what `driftq wal verify` reports.
//!
//! Checks every batch's checksum and structure, offset continuity inside and across segments,
//! segment file names against the offsets they hold, both indexes against the entries the log
//! implies (see [`super::index::IndexPlanner`]), and torn tails. Never writes to any file.

use std::fs;
use std::path::{Path, PathBuf};

use super::format::{BatchHeader, DecodeError};
use super::index::{self, IndexPlanner, OFFSET_ENTRY_LEN, OffsetEntry, TIME_ENTRY_LEN, TimeEntry};
use super::segment::{
    self, SegmentWalker, WalkItem, index_file_name, list_segments, parse_log_file_name,
    timeindex_file_name,
};

/// One thing wrong, located as precisely as the data allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub position: Option<u64>,
    pub offset: Option<u64>,
    /// Stable identifier: `checksum`, `corrupt_batch`, `torn_tail`, `offset_gap`,
    /// `file_name`, `index_entry`, `index_partial_entry`, `timeindex_entry`, `io`,
    /// `missing_partition` (`wal verify` on a data directory).
    pub kind: &'static str,
    pub expected: String,
    pub found: String,
}

/// Totals and problems for everything verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub segments: u64,
    pub batches: u64,
    pub records: u64,
    pub bytes: u64,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    fn problem(
        &mut self,
        file: &Path,
        position: Option<u64>,
        offset: Option<u64>,
        kind: &'static str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        self.problems.push(Problem {
            file: file.to_path_buf(),
            position,
            offset,
            kind,
            expected: expected.into(),
            found: found.into(),
        });
    }

    /// Adds another report's totals and problems to this one.
    pub fn merge(&mut self, other: Self) {
        self.segments += other.segments;
        self.batches += other.batches;
        self.records += other.records;
        self.bytes += other.bytes;
        self.problems.extend(other.problems);
    }
}

/// Verifies every segment of one partition directory, in offset order.
#[must_use]
pub fn verify_partition(dir: &Path) -> VerifyReport {
    let mut report = VerifyReport::default();
    let (segments, strays) = match list_segments(dir) {
        Ok(x) => x,
        Err(e) => {
            report.problem(dir, None, None, "io", "a readable directory", e.to_string());
            return report;
        }
    };
    for stray in strays {
        report.problem(
            &stray,
            None,
            None,
            "file_name",
            "<20-digit base offset>.log",
            stray
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    let mut expected_next: Option<u64> = None;
    // Empty segments at the end (or holding only reserved space) are what a crash right after
    // a roll leaves (open removes them): the segment before them is the end of the log, where a
    // torn tail may be.
    let count = segments
        .iter()
        .rposition(|(_, p)| !segment::holds_no_batch(p).unwrap_or(false))
        .map_or(1, |i| i + 1);
    for (i, (base, path)) in segments.iter().enumerate() {
        if i >= count {
            report.segments += 1;
            continue;
        }
        if let Some(next) = expected_next
            && next != *base
        {
            report.problem(
                path,
                Some(0),
                Some(next),
                "offset_gap",
                format!("segment starting at offset {next}"),
                format!("segment starting at offset {base}"),
            );
        }
        expected_next = Some(verify_segment(path, *base, i + 1 == count, &mut report));
    }
    report
}

/// Verifies one segment file on its own (its indexes are looked for beside it).
#[must_use]
pub fn verify_segment_file(path: &Path) -> VerifyReport {
    let mut report = VerifyReport::default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = parse_log_file_name(&name);
    if base.is_none() {
        report.problem(
            path,
            None,
            None,
            "file_name",
            "<20-digit base offset>.log",
            name,
        );
    }
    // A lone file is treated as a tail: damage at its end reads as a torn tail.
    verify_segment(path, base.unwrap_or(0), true, &mut report);
    report
}

/// Reports a batch that does not decode: a torn tail when it is the last segment's end and
/// nothing valid follows, corruption otherwise.
fn report_bad_batch(
    path: &Path,
    position: u64,
    next: u64,
    error: &DecodeError,
    valid_batch_after: Option<u64>,
    is_last: bool,
    report: &mut VerifyReport,
) {
    let torn = is_last
        && valid_batch_after.is_none()
        && std::fs::File::open(path)
            .and_then(|f| {
                let len = f.metadata()?.len();
                super::log::tail_is_torn(&f, position, len, error)
            })
            .unwrap_or(true);
    let found = match (error, valid_batch_after) {
        (_, Some(p)) => format!("{error}; a valid batch follows at byte {p}"),
        (DecodeError::Incomplete { .. }, None) => error.to_string(),
        (DecodeError::Corrupt(_), None) => format!("{error} up to the end of the file"),
    };
    report.problem(
        path,
        Some(position),
        Some(next),
        if torn { "torn_tail" } else { "corrupt_batch" },
        "a complete, valid batch",
        format!(
            "{found} ({} bytes to the end)",
            walker_len_hint(path, position)
        ),
    );
}

/// Reports a batch whose checksum fails (its header whole), with `undecodable` when its records
/// do not decode either: a torn tail when open would call it one — the last batch of the last
/// segment, with zeros where its write never landed (in space reserved ahead a torn write keeps
/// its length) — and a checksum problem otherwise. Whether it was torn.
fn report_checksum_failure(
    path: &Path,
    position: u64,
    header: &BatchHeader,
    is_last: bool,
    undecodable: Option<&DecodeError>,
    report: &mut VerifyReport,
) -> bool {
    let base_offset = header.base_offset;
    let mismatch = DecodeError::Corrupt("checksum mismatch".into());
    let torn = is_last
        && std::fs::File::open(path)
            .and_then(|f| {
                let len = f.metadata()?.len();
                Ok(
                    segment::find_valid_batch_after(&f, position, len)?.is_none()
                        && super::log::tail_is_torn(&f, position, len, &mismatch)?,
                )
            })
            .unwrap_or(false);
    if torn {
        report_bad_batch(path, position, base_offset, &mismatch, None, true, report);
        return true;
    }
    let found = match undecodable {
        None => "a CRC mismatch (bytes changed after they were written)".to_owned(),
        Some(e) => format!("a CRC mismatch, and the records do not decode ({e})"),
    };
    report.problem(
        path,
        Some(position),
        Some(base_offset),
        "checksum",
        "a batch whose CRC32C matches its bytes",
        found,
    );
    false
}

/// Reports a batch that does not start at the offset the one before it ends at (or, first in
/// its segment, at the segment's base offset).
fn check_offset(
    path: &Path,
    position: u64,
    base_offset: u64,
    next: u64,
    first: bool,
    report: &mut VerifyReport,
) {
    if base_offset != next {
        let kind = if first { "file_name" } else { "offset_gap" };
        report.problem(
            path,
            Some(position),
            Some(base_offset),
            kind,
            format!("batch at offset {next}"),
            format!("batch at offset {base_offset}"),
        );
    }
}

/// Checks a segment's offset and time indexes against the entries its batches call for.
fn check_indexes(
    path: &Path,
    base: u64,
    is_last: bool,
    mut expected_index: Vec<OffsetEntry>,
    mut expected_times: Vec<TimeEntry>,
    report: &mut VerifyReport,
) {
    let dir = path.parent().unwrap_or(Path::new("."));
    // The active segment's index entries are written in chunks, so a live or crashed
    // partition's last index may stop short of the log; open completes it. Only there is a
    // missing tail of entries normal.
    if is_last {
        let written = count_entries(&dir.join(index_file_name(base)), OFFSET_ENTRY_LEN);
        expected_index.truncate(written.min(expected_index.len()));
        let written = count_entries(&dir.join(timeindex_file_name(base)), TIME_ENTRY_LEN);
        expected_times.truncate(written.min(expected_times.len()));
    }
    check_index(
        &dir.join(index_file_name(base)),
        base,
        &expected_index,
        report,
    );
    check_timeindex(
        &dir.join(timeindex_file_name(base)),
        base,
        &expected_times,
        report,
    );
}

/// Verifies one segment; returns the offset the next segment should start at.
fn verify_segment(path: &Path, base: u64, is_last: bool, report: &mut VerifyReport) -> u64 {
    report.segments += 1;
    let mut walker = match SegmentWalker::open(path) {
        Ok(w) => w,
        Err(e) => {
            report.problem(path, None, None, "io", "a readable segment", e.to_string());
            return base;
        }
    };
    let mut planner = IndexPlanner::default();
    let mut expected_index = Vec::new();
    let mut expected_times = Vec::new();
    let mut next = base;
    let mut first = true;
    let mut clean_end = true;
    for item in &mut walker {
        match item {
            Err(e) => {
                report.problem(
                    path,
                    None,
                    Some(next),
                    "io",
                    "readable bytes",
                    e.to_string(),
                );
                clean_end = false;
                break;
            }
            Ok(WalkItem::Batch {
                position,
                batch,
                crc_ok,
            }) => {
                let h = batch.header;
                report.batches += 1;
                report.records += batch.records.len() as u64;
                if !crc_ok && report_checksum_failure(path, position, &h, is_last, None, report) {
                    // A torn tail, as open will cut it: nothing after it is data.
                    clean_end = false;
                    break;
                }
                check_offset(path, position, h.base_offset, next, first, report);
                first = false;
                let (oe, te) = planner.next_batch(position, h.base_offset, h.max_timestamp);
                expected_index.extend(oe);
                expected_times.extend(te);
                next = h.next_offset();
            }
            Ok(WalkItem::Damaged {
                position,
                header,
                error,
            }) => {
                clean_end = false;
                report.batches += 1;
                if report_checksum_failure(path, position, &header, is_last, Some(&error), report) {
                    break;
                }
                first = false;
                next = header.next_offset();
            }
            Ok(WalkItem::Bad {
                position,
                error,
                valid_batch_after,
            }) => {
                clean_end = false;
                report_bad_batch(
                    path,
                    position,
                    next,
                    &error,
                    valid_batch_after,
                    is_last,
                    report,
                );
            }
        }
    }
    report.bytes += walker.data_len();
    if clean_end {
        check_indexes(path, base, is_last, expected_index, expected_times, report);
    }
    next
}

/// Whole entries in an index file (0 when it is missing or unreadable: the check reports that).
fn count_entries(path: &Path, entry_len: usize) -> usize {
    fs::metadata(path).map_or(0, |m| {
        usize::try_from(m.len()).unwrap_or(usize::MAX) / entry_len
    })
}

/// Bytes written from `position` on (reserved zeros after them are not counted).
fn walker_len_hint(path: &Path, position: u64) -> u64 {
    std::fs::File::open(path)
        .and_then(|f| {
            let len = f.metadata()?.len();
            segment::written_end(&f, position, len)
        })
        .map_or(0, |end| end.saturating_sub(position))
}

fn read_or_empty(path: &Path) -> Result<Vec<u8>, String> {
    match fs::read(path) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

fn check_index(path: &Path, base: u64, expected: &[index::OffsetEntry], report: &mut VerifyReport) {
    let bytes = match read_or_empty(path) {
        Ok(b) => b,
        Err(e) => return report.problem(path, None, None, "io", "a readable index", e),
    };
    if bytes.len() % OFFSET_ENTRY_LEN != 0 {
        report.problem(
            path,
            Some((bytes.len() - bytes.len() % OFFSET_ENTRY_LEN) as u64),
            None,
            "index_partial_entry",
            format!("a multiple of {OFFSET_ENTRY_LEN} bytes"),
            format!("{} bytes", bytes.len()),
        );
    }
    let actual = index::decode_offset_entries(base, &bytes);
    for i in 0..expected.len().max(actual.len()) {
        let (e, a) = (expected.get(i), actual.get(i));
        if e != a {
            report.problem(
                path,
                Some((i * OFFSET_ENTRY_LEN) as u64),
                e.or(a).map(|x| x.offset),
                "index_entry",
                e.map_or("no entry".into(), |e| {
                    format!("offset {} at byte {}", e.offset, e.position)
                }),
                a.map_or("no entry".into(), |a| {
                    format!("offset {} at byte {}", a.offset, a.position)
                }),
            );
        }
    }
}

fn check_timeindex(
    path: &Path,
    base: u64,
    expected: &[index::TimeEntry],
    report: &mut VerifyReport,
) {
    let bytes = match read_or_empty(path) {
        Ok(b) => b,
        Err(e) => return report.problem(path, None, None, "io", "a readable time index", e),
    };
    if bytes.len() % TIME_ENTRY_LEN != 0 {
        report.problem(
            path,
            Some((bytes.len() - bytes.len() % TIME_ENTRY_LEN) as u64),
            None,
            "index_partial_entry",
            format!("a multiple of {TIME_ENTRY_LEN} bytes"),
            format!("{} bytes", bytes.len()),
        );
    }
    let actual = index::decode_time_entries(base, &bytes);
    for i in 0..expected.len().max(actual.len()) {
        let (e, a) = (expected.get(i), actual.get(i));
        if e != a {
            report.problem(
                path,
                Some((i * TIME_ENTRY_LEN) as u64),
                e.or(a).map(|x| x.offset),
                "timeindex_entry",
                e.map_or("no entry".into(), |e| {
                    format!("timestamp {} at offset {}", e.timestamp, e.offset)
                }),
                a.map_or("no entry".into(), |a| {
                    format!("timestamp {} at offset {}", a.timestamp, a.offset)
                }),
            );
        }
    }
}
