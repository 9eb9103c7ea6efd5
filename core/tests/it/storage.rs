//! Storage engine tests: format properties, recovery from torn tails and damage, indexes,
//! rotation, retention and timestamp seeks, all against real files in a temp directory.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use driftq_core::storage::format::{self, DecodeError, Record};
use driftq_core::storage::verify::verify_partition;
use driftq_core::storage::{Durability, LogConfig, PartitionLog, StorageError};
use proptest::prelude::*;

fn config(segment_bytes: u64, durability: Durability) -> LogConfig {
    LogConfig {
        segment_bytes,
        segment_age_ms: None,
        durability,
        repair: false,
        on_sync: None,
        sync_fault: None,
        fs_watch: None,
    }
}

fn rec(ts: i64, i: usize) -> Record {
    Record {
        timestamp: ts,
        key: Some(format!("key-{i}").into_bytes()),
        headers: vec![("h".into(), vec![i as u8]), ("h".into(), b"again".to_vec())],
        value: format!("value-{i}-{}", "x".repeat(i % 50)).into_bytes(),
        metadata: i.is_multiple_of(3).then(|| vec![1, 2, 3]),
    }
}

fn open(dir: &Path, cfg: LogConfig) -> PartitionLog {
    PartitionLog::open(dir, cfg).expect("open log").0
}

fn read_all(log: &PartitionLog) -> Vec<(u64, Record)> {
    log.read(0, usize::MAX, usize::MAX)
        .expect("read")
        .into_iter()
        .map(|r| (r.offset, r.record))
        .collect()
}

/// A log directory's segment files, oldest first.
pub(crate) fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    v.sort();
    v
}

fn arb_record() -> impl Strategy<Value = Record> {
    (
        any::<i64>(),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        proptest::collection::vec(
            ("[a-z-]{0,8}", proptest::collection::vec(any::<u8>(), 0..16)),
            0..4,
        ),
        proptest::collection::vec(any::<u8>(), 0..200),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..30)),
    )
        .prop_map(|(timestamp, key, headers, value, metadata)| Record {
            timestamp,
            key,
            headers,
            value,
            metadata,
        })
}

proptest! {
    #[test]
    fn batches_round_trip(base in any::<u32>(), records in proptest::collection::vec(arb_record(), 1..20)) {
        let bytes = format::encode_batch(u64::from(base), &records).expect("encode");
        let (batch, used) = format::decode_batch(&bytes).expect("decode");
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(batch.header.base_offset, u64::from(base));
        let decoded: Vec<Record> = batch.records.iter().map(|r| r.record.clone()).collect();
        prop_assert_eq!(decoded, records);
        for (i, r) in batch.records.iter().enumerate() {
            prop_assert_eq!(r.offset, u64::from(base) + i as u64);
        }
    }

    #[test]
    fn a_range_decode_builds_exactly_the_records_asked_for(
        base in any::<u16>(),
        records in proptest::collection::vec(arb_record(), 1..20),
        skip in 0u64..24,
        max in 0usize..24,
    ) {
        let base = u64::from(base);
        let bytes = format::encode_batch(base, &records).expect("encode");
        let (whole, _) = format::decode_batch(&bytes).expect("decode");
        let (range, used) = format::decode_batch_range(&bytes, base + skip, max).expect("range");
        prop_assert_eq!(used, bytes.len());
        let expected: Vec<_> = whole
            .records
            .into_iter()
            .filter(|r| r.offset >= base + skip)
            .take(max)
            .collect();
        prop_assert_eq!(range.records, expected);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        match format::decode_batch(&bytes) {
            Ok(_) | Err(DecodeError::Incomplete { .. } | DecodeError::Corrupt(_)) => {}
        }
    }

    #[test]
    fn every_prefix_is_incomplete_and_every_bit_flip_is_detected(
        records in proptest::collection::vec(arb_record(), 1..4),
        cut in any::<proptest::sample::Index>(),
        flip in any::<proptest::sample::Index>(),
    ) {
        let bytes = format::encode_batch(7, &records).expect("encode");
        let cut = cut.index(bytes.len());
        let incomplete = matches!(format::decode_batch(&bytes[..cut]), Err(DecodeError::Incomplete { .. }));
        prop_assert!(incomplete, "prefix of {} bytes", cut);
        let mut damaged = bytes.clone();
        let at = flip.index(bytes.len() * 8);
        damaged[at / 8] ^= 1 << (at % 8);
        prop_assert!(format::decode_batch(&damaged).is_err());
        // Records a range decode does not build are still checked.
        prop_assert!(format::decode_batch_range(&damaged, u64::MAX, 0).is_err());
    }
}

/// Writes `batches` batches of 3 records; returns the byte length after each batch.
fn write_batches(dir: &Path, batches: usize) -> Vec<u64> {
    let log = open(dir, config(1 << 30, Durability::Never));
    let mut ends = Vec::new();
    for b in 0..batches {
        let recs: Vec<Record> = (0..3).map(|i| rec(1_000 + b as i64, b * 3 + i)).collect();
        log.append(&recs, 0).expect("append");
        ends.push(log.size_bytes());
    }
    log.close().expect("close");
    ends
}

#[test]
fn torn_tail_at_every_byte_of_the_last_batch_recovers_to_the_previous_batch() {
    let src = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(src.path(), 3);
    let seg = log_files(src.path())[0].clone();
    let full = fs::read(&seg).expect("read");
    let (prev_end, last_end) = (ends[1], ends[2]);
    for cut in prev_end + 1..last_end {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(seg.file_name().expect("name"));
        fs::write(&path, &full[..cut as usize]).expect("write");
        let (log, report) =
            PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect("recovers");
        let torn = report.torn_tail.expect("torn tail reported");
        assert_eq!(torn.position, prev_end);
        assert_eq!(torn.first_lost_offset, 6);
        assert_eq!(torn.bytes, cut - prev_end);
        assert_eq!(
            fs::read(&torn.kept_at).expect("kept"),
            &full[prev_end as usize..cut as usize]
        );
        assert_eq!(log.high_watermark(), 6);
        assert_eq!(fs::metadata(&path).expect("stat").len(), prev_end);
        let appended = log.append(&[rec(5, 99)], 0).expect("append after recovery");
        assert_eq!(appended.base_offset, 6);
        let all = read_all(&log);
        assert_eq!(all.len(), 7);
        assert_eq!(all[6].1, rec(5, 99));
        log.close().expect("close");
        assert!(verify_partition(dir.path()).problems.is_empty());
    }
}

#[test]
fn garbage_after_the_last_batch_is_a_torn_tail() {
    let tail = b"\xde\xad\xbe\xef garbage that is not a batch".to_vec();
    let dir = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(dir.path(), 2);
    let seg = log_files(dir.path())[0].clone();
    append_to(&seg, &tail);
    let report = verify_partition(dir.path());
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(report.problems[0].kind, "torn_tail");
    assert_eq!(report.problems[0].position, Some(ends[1]));
    let (log, rec_report) =
        PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect("open");
    assert_eq!(rec_report.torn_tail.expect("torn").bytes, tail.len() as u64);
    assert_eq!(log.high_watermark(), 6);
}

/// Appends `bytes` to the segment log `seg`.
fn append_to(seg: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .open(seg)
        .and_then(|mut f| f.write_all(bytes))
        .expect("append to the segment");
}

/// Appends `len` zero bytes to `seg`: the space an active segment reserves ahead of its appends,
/// as a crash leaves it.
fn reserve_zeros(seg: &Path, len: usize) {
    append_to(seg, &vec![0u8; len]);
}

#[test]
fn reserved_zeros_after_the_last_batch_end_the_log_quietly_and_are_written_into() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(dir.path(), 2);
    let seg = log_files(dir.path())[0].clone();
    reserve_zeros(&seg, 4 << 20);
    let report = verify_partition(dir.path());
    assert!(report.problems.is_empty(), "{report:?}");
    assert_eq!(report.batches, 2);
    let (log, recovered) =
        PartitionLog::open(dir.path(), config(1 << 30, Durability::Always)).expect("open");
    assert!(recovered.torn_tail.is_none(), "{recovered:?}");
    assert_eq!(log.high_watermark(), 6);
    assert_eq!(log.size_bytes(), ends[1]);
    // The next batch goes where the bytes end, inside the reserved space.
    log.append(&[rec(5, 99)], 0).expect("append");
    assert_eq!(read_all(&log).len(), 7);
    assert_eq!(read_all(&log)[6].1, rec(5, 99));
    let written = log.size_bytes();
    log.close().expect("close");
    assert_eq!(
        fs::metadata(&seg).expect("stat").len(),
        written,
        "a closed log is trimmed to its bytes"
    );
    assert!(verify_partition(dir.path()).problems.is_empty());
}

#[test]
fn the_active_segment_reserves_ahead_and_sealed_segments_are_trimmed_to_their_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), config(2048, Durability::Always));
    for i in 0..100 {
        log.append(&[rec(i, i as usize)], 0).expect("append");
    }
    let segments = log.segments();
    assert!(segments.len() > 2, "rolled");
    let active = segments.len() - 1;
    for (i, info) in segments.iter().enumerate() {
        let len = fs::metadata(&info.path).expect("stat").len();
        if i == active {
            assert!(len > info.bytes, "the active segment reserves ahead: {len}");
        } else {
            assert_eq!(len, info.bytes, "{} is sealed", info.path.display());
        }
    }
    // A crash now leaves the reservation: open reads its zeros as the end of the log.
    drop(log);
    let (log, recovered) =
        PartitionLog::open(dir.path(), config(2048, Durability::Always)).expect("reopen");
    assert!(recovered.torn_tail.is_none(), "{recovered:?}");
    assert_eq!(read_all(&log).len(), 100);
}

#[test]
fn a_write_torn_inside_reserved_space_is_a_torn_tail() {
    // Zeros from inside the last batch to the end (its tail never landed), and a lost sector in
    // the middle of it: both torn, both cut back to the batch before.
    for (zero_from, zero_to) in [(40, None), (300, Some(812))] {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = open(dir.path(), config(1 << 30, Durability::Never));
        log.append(&[rec(1, 1)], 0).expect("append");
        let before = log.size_bytes();
        let big = Record {
            value: vec![7u8; 2000],
            ..rec(2, 2)
        };
        log.append(&[big], 0).expect("append");
        let end = log.size_bytes();
        log.close().expect("close");
        let seg = log_files(dir.path())[0].clone();
        let mut bytes = fs::read(&seg).expect("read");
        let from = before as usize + zero_from;
        let to = zero_to.map_or(end as usize, |t| before as usize + t);
        bytes[from..to].fill(0);
        fs::write(&seg, &bytes).expect("write");
        reserve_zeros(&seg, 1 << 20);
        let verified = verify_partition(dir.path());
        assert_eq!(verified.problems.len(), 1, "{verified:?}");
        assert_eq!(
            verified.problems[0].kind, "torn_tail",
            "case {zero_from}: {verified:?}"
        );
        let hint: u64 = verified.problems[0]
            .found
            .rsplit_once('(')
            .and_then(|(_, h)| h.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a byte count");
        assert!(
            hint <= end - before,
            "the hint counts written bytes, not reserved zeros: {}",
            verified.problems[0].found
        );
        let (log, recovered) =
            PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect("open");
        let torn = recovered.torn_tail.expect("torn tail");
        assert_eq!(torn.position, before);
        assert!(
            torn.bytes <= end - before,
            "the reserved zeros are not kept aside: {} bytes",
            torn.bytes
        );
        assert_eq!(log.high_watermark(), 1);
    }
}

#[test]
fn a_flipped_bit_in_the_last_whole_batch_before_reserved_space_is_damage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(dir.path(), 2);
    flip_bits(dir.path(), ends[0] as usize + 60, 0x01);
    reserve_zeros(&log_files(dir.path())[0], 1 << 20);
    match PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)) {
        Err(StorageError::Corrupt { position, .. }) => assert_eq!(position, ends[0]),
        other => panic!("expected corruption, got {other:?}"),
    }
    let report = verify_partition(dir.path());
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(report.problems[0].kind, "checksum");
}

/// Flips `mask` in the byte at `at` of the first segment under `dir`; returns the segment and
/// its bytes after the flip.
fn flip_bits(dir: &Path, at: usize, mask: u8) -> (PathBuf, Vec<u8>) {
    let seg = log_files(dir)[0].clone();
    let mut bytes = fs::read(&seg).expect("read");
    bytes[at] ^= mask;
    fs::write(&seg, &bytes).expect("write");
    (seg, bytes)
}

#[test]
fn a_bad_batch_followed_by_a_valid_one_in_the_tail_is_corruption() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(dir.path(), 3);
    // Inside the second batch's records.
    let (seg, bytes) = flip_bits(dir.path(), ends[0] as usize + 60, 0x01);
    let err =
        PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect_err("refuses");
    match err {
        StorageError::Corrupt {
            position, offset, ..
        } => {
            assert_eq!(position, ends[0]);
            assert_eq!(offset, 3);
        }
        other => panic!("unexpected {other}"),
    }
    // Nothing was modified by the refused open.
    assert_eq!(fs::read(&seg).expect("read"), bytes);
    // Repair truncates there and keeps the cut bytes.
    let mut cfg = config(1 << 30, Durability::Never);
    cfg.repair = true;
    let (log, report) = PartitionLog::open(dir.path(), cfg).expect("repair opens");
    assert!(report.repaired.is_some());
    assert_eq!(log.high_watermark(), 3);
}

#[test]
fn a_flipped_bit_in_a_sealed_segment_fails_open_and_verify_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), config(2048, Durability::Never));
    for i in 0..200 {
        log.append(&[rec(i, i as usize)], 0).expect("append");
    }
    log.close().expect("close");
    drop(log);
    let files = log_files(dir.path());
    assert!(files.len() > 3, "rolled into several segments");
    let sealed = &files[1];
    let base: u64 = sealed
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.parse().ok())
        .expect("base");
    // Find the second batch of the sealed segment and flip a bit in its value.
    let bytes = fs::read(sealed).expect("read");
    let (_, first_len) = format::decode_batch(&bytes).expect("first batch");
    let mut damaged = bytes.clone();
    damaged[first_len + 70] ^= 0x10;
    fs::write(sealed, &damaged).expect("write");

    let report = verify_partition(dir.path());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let p = &report.problems[0];
    assert_eq!(p.kind, "checksum");
    assert_eq!(p.position, Some(first_len as u64));
    assert_eq!(p.offset, Some(base + 1));
    assert_eq!(&p.file, sealed);

    match PartitionLog::open(dir.path(), config(2048, Durability::Never)) {
        Err(StorageError::Corrupt {
            file,
            position,
            offset,
            ..
        }) => {
            assert_eq!(&file, sealed);
            assert_eq!(position, first_len as u64);
            assert_eq!(offset, base + 1);
        }
        other => panic!("expected corruption, got {other:?}"),
    }
}

#[test]
fn deleted_or_truncated_indexes_are_rebuilt_and_reads_are_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), config(64 * 1024, Durability::Never));
    for i in 0..2_000 {
        log.append(&[rec(i, i as usize)], 0).expect("append");
    }
    let before = read_all(&log);
    let seek_before: Vec<u64> = (0..2_000)
        .step_by(97)
        .map(|t| log.offset_for_timestamp(t).expect("seek"))
        .collect();
    log.close().expect("close");
    drop(log);
    let indexes: Vec<PathBuf> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "index" || e == "timeindex")
        })
        .collect();
    assert!(indexes.len() >= 4);
    fs::remove_file(&indexes[0]).expect("delete");
    let len = fs::metadata(&indexes[1]).expect("stat").len();
    OpenOptions::new()
        .write(true)
        .open(&indexes[1])
        .expect("open")
        .set_len(len / 2 + 1)
        .expect("truncate");
    OpenOptions::new()
        .append(true)
        .open(&indexes[2])
        .expect("open")
        .write_all(&[9; 8])
        .expect("garbage");
    assert!(!verify_partition(dir.path()).problems.is_empty());

    let (log, report) =
        PartitionLog::open(dir.path(), config(64 * 1024, Durability::Never)).expect("open");
    assert!(report.indexes_rebuilt.len() >= 3, "{report:?}");
    assert_eq!(read_all(&log), before);
    for (i, t) in (0..2_000).step_by(97).enumerate() {
        assert_eq!(log.offset_for_timestamp(t).expect("seek"), seek_before[i]);
    }
    for from in [0, 1, 499, 1_000, 1_999] {
        let got = log.read(from, 5, usize::MAX).expect("read");
        assert_eq!(got.first().map(|r| r.offset), Some(from));
    }
    log.close().expect("close");
    assert!(verify_partition(dir.path()).problems.is_empty());
}

#[test]
fn rotation_and_reopen_after_thousands_of_appends_across_segments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut expected = Vec::new();
    for round in 0..3 {
        let log = open(dir.path(), config(16 * 1024, Durability::Never));
        assert_eq!(log.high_watermark(), expected.len() as u64);
        for i in 0..1_500 {
            let n = round * 1_500 + i;
            let batch: Vec<Record> = (0..(n % 4) + 1).map(|j| rec(n as i64, n + j)).collect();
            let a = log.append(&batch, 0).expect("append");
            assert_eq!(a.base_offset, expected.len() as u64);
            expected.extend(batch);
        }
        log.close().expect("close");
    }
    let log = open(dir.path(), config(16 * 1024, Durability::Never));
    assert!(log.segments().len() > 20);
    let got: Vec<Record> = read_all(&log).into_iter().map(|(_, r)| r).collect();
    assert_eq!(got, expected);
    // Segments line up: each starts where the previous ended.
    let segs = log.segments();
    for w in segs.windows(2) {
        assert_eq!(w[0].next_offset, w[1].base_offset);
    }
    // Budgets: records and bytes.
    assert_eq!(log.read(10, 7, usize::MAX).expect("read").len(), 7);
    let one = log.read(10, 100, 1).expect("read");
    assert_eq!(
        one.len(),
        1,
        "at least one record even over the byte budget"
    );
    assert!(verify_partition(dir.path()).problems.is_empty());
}

/// A read starts where the last one of its segment stopped when it asks for that offset
/// (tailing consumers), inside a batch or at its end; readers at other offsets in between, and
/// segment rolls, never make one start anywhere else.
#[test]
fn reads_that_continue_where_others_stopped_get_exactly_the_records_asked_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), config(8 * 1024, Durability::Never));
    let mut expected = Vec::new();
    let (mut tail, mut behind) = (0u64, 0u64);
    for n in 0..600 {
        let batch: Vec<Record> = (0..(n % 3) + 1).map(|j| rec(n as i64, n + j)).collect();
        log.append(&batch, 0).expect("append");
        expected.extend(batch);
        // One reader keeps up two records at a time (stopping inside batches); another lags
        // and reads five at a time from further back; a third reads from random places.
        for (cursor, max) in [(&mut tail, 2), (&mut behind, 5)] {
            if n % 2 == 0 || max == 2 {
                let got = log.read(*cursor, max, usize::MAX).expect("read");
                for r in &got {
                    assert_eq!(
                        (r.offset, &r.record),
                        (*cursor, &expected[*cursor as usize])
                    );
                    *cursor += 1;
                }
            }
        }
        let at = (n * 7919) % expected.len();
        let got = log.read(at as u64, 1, usize::MAX).expect("read");
        assert_eq!(got[0].record, expected[at]);
    }
    assert!(log.segments().len() > 10);
    let got: Vec<Record> = read_all(&log).into_iter().map(|(_, r)| r).collect();
    assert_eq!(got, expected);
}

#[test]
fn age_based_roll_and_retention_by_age_and_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = config(1 << 30, Durability::Never);
    cfg.segment_age_ms = Some(1_000);
    let log = open(dir.path(), cfg);
    // Ten "seconds", ten records each: an age roll every second of injected time.
    for sec in 0..10i64 {
        for i in 0..10 {
            let now = sec * 1_000 + i * 10;
            log.append(&[rec(now, i as usize)], now).expect("append");
        }
    }
    let segs = log.segments();
    assert_eq!(segs.len(), 10, "{segs:?}");
    // Age: segments whose newest record is older than 3.5 s at t=9.999 s go (newest 0.09 s …
    // 6.09 s), whole segments only.
    let r = log
        .apply_retention(9_999, Some(3_500), None)
        .expect("retention");
    assert_eq!(r.segments_deleted, 7);
    assert_eq!(log.low_watermark(), 70);
    assert_eq!(log.read(0, 1, usize::MAX).expect("read")[0].offset, 70);
    // Size: keep at most two segments' worth of bytes; the active one always stays.
    let seg_size = log.segments()[0].bytes;
    let r = log
        .apply_retention(9_999, None, Some(seg_size * 2))
        .expect("retention");
    assert_eq!(r.segments_deleted, 1);
    assert_eq!(log.segments().len(), 2);
    let r = log
        .apply_retention(1_000_000, Some(0), Some(0))
        .expect("retention");
    assert_eq!(r.segments_deleted, 1);
    assert_eq!(
        log.segments().len(),
        1,
        "the active segment is never deleted"
    );
    assert_eq!(log.low_watermark(), 90);
    assert_eq!(log.high_watermark(), 100);
    let r = log.delete_before(100).expect("delete");
    assert_eq!(r.segments_deleted, 0);
    log.close().expect("close");
    drop(log);
    let log = open(dir.path(), config(1 << 30, Durability::Never));
    assert_eq!((log.low_watermark(), log.high_watermark()), (90, 100));
}

#[test]
fn timestamp_seek_finds_the_first_record_at_or_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), config(8 * 1024, Durability::Never));
    // Timestamps 0, 10, 20, … with a few out-of-order records.
    let mut stamps = Vec::new();
    for i in 0..3_000i64 {
        let ts = if i % 100 == 50 { i * 10 - 300 } else { i * 10 };
        stamps.push(ts);
        log.append(&[rec(ts, i as usize)], 0).expect("append");
    }
    for t in [-5, 0, 1, 10, 495, 4_999, 15_000, 29_990, 29_991, 99_999] {
        let want = stamps
            .iter()
            .position(|&s| s >= t)
            .map_or(3_000, |p| p as u64);
        assert_eq!(log.offset_for_timestamp(t).expect("seek"), want, "t={t}");
    }
}

#[test]
fn the_active_segments_index_is_buffered_and_a_crash_only_costs_a_rebuild() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 1 MiB segments: every index entry of the ~600 KiB written stays in the in-memory chunk.
    let log = open(dir.path(), config(1 << 20, Durability::Never));
    for i in 0..1_000 {
        log.append(&[rec(i * 10, i as usize)], 0).expect("append");
    }
    let index = dir.path().join(format!("{:020}.index", 0));
    assert_eq!(
        fs::metadata(&index).expect("stat").len(),
        0,
        "entries are buffered, not yet written"
    );
    // Reads and seeks use the buffered entries.
    for from in [0, 1, 333, 998, 999] {
        let got = log.read(from, 2, usize::MAX).expect("read");
        assert_eq!(got.first().map(|r| r.offset), Some(from));
    }
    for (t, want) in [(0, 0), (5, 1), (4_990, 499), (9_990, 999), (10_000, 1_000)] {
        assert_eq!(log.offset_for_timestamp(t).expect("seek"), want, "t={t}");
    }
    let before = read_all(&log);
    // A crash: no close, no drop, so the buffered entries never reach the file.
    std::mem::forget(log);
    let report = verify_partition(dir.path());
    assert!(
        report.problems.is_empty(),
        "a short index on the last segment is normal: {report:?}"
    );
    let (log, recovery) =
        PartitionLog::open(dir.path(), config(1 << 20, Durability::Never)).expect("open");
    assert!(recovery.indexes_rebuilt.contains(&index), "{recovery:?}");
    assert!(fs::metadata(&index).expect("stat").len() > 0);
    assert_eq!(read_all(&log), before);
    log.close().expect("close");
    assert!(verify_partition(dir.path()).problems.is_empty());
}

#[test]
fn concurrent_always_appends_share_fsyncs_and_get_dense_offsets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Arc::new(open(dir.path(), config(256 * 1024, Durability::Always)));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| {
                        let a = log
                            .append(&[rec(i, t * 100 + i as usize)], 0)
                            .expect("append");
                        // Acknowledged means visible (durable) to readers.
                        assert!(log.high_watermark() >= a.next_offset);
                        a.base_offset
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut offsets: Vec<u64> = threads
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    offsets.sort_unstable();
    assert_eq!(offsets, (0..400).collect::<Vec<u64>>());
    // Group commit: while one writer's fdatasync runs, the others' appends pile up for the
    // next one (how many share a sync depends on scheduling; that some do does not).
    assert!(
        log.sync_count() < 400,
        "{} fdatasyncs for 400 appends",
        log.sync_count()
    );
    log.close().expect("close");
    assert!(
        log.append(&[rec(0, 0)], 0).is_err(),
        "closed log refuses appends"
    );
    drop(log);
    let log = open(dir.path(), config(256 * 1024, Durability::Always));
    assert_eq!(read_all(&log).len(), 400);
}

#[test]
fn an_empty_batch_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path(), config(1 << 20, Durability::Never));
    assert!(matches!(
        log.append(&[], 0),
        Err(StorageError::InvalidBatch(_))
    ));
    assert_eq!(log.high_watermark(), 0);
}

/// A switchable fault for every fdatasync of a log: what a failing disk would do.
pub(crate) fn failing_syncs() -> (
    Arc<std::sync::atomic::AtomicBool>,
    driftq_core::storage::SyncFault,
) {
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&failing);
    let fault = driftq_core::storage::SyncFault(Arc::new(move |_, _| {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            Err(std::io::Error::other("injected EIO"))
        } else {
            Ok(())
        }
    }));
    (failing, fault)
}

#[test]
fn a_failed_fdatasync_is_sticky_and_acknowledges_nothing_it_did_not_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (failing, fault) = failing_syncs();
    let cfg = LogConfig {
        sync_fault: Some(fault),
        fs_watch: None,
        ..config(1 << 30, Durability::Always)
    };
    let (log, _) = PartitionLog::open(dir.path(), cfg).expect("open");
    let log = Arc::new(log);
    log.append(&[rec(1, 1)], 0)
        .expect("append before the fault");
    failing.store(true, std::sync::atomic::Ordering::SeqCst);
    // Every appender of the failed group commit hears about it, none is acknowledged.
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let log = Arc::clone(&log);
                s.spawn(move || log.append(&[rec(2, 100 + i)], 0))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for r in &results {
        match r {
            Err(StorageError::FsyncFailed { reason, .. }) => assert!(reason.contains("injected")),
            other => panic!("expected FsyncFailed, got {other:?}"),
        }
    }
    assert_eq!(log.high_watermark(), 1, "nothing unsynced becomes visible");
    // The disk "recovers", but the kernel may have dropped the dirty pages: the log must not
    // retry and acknowledge.
    failing.store(false, std::sync::atomic::Ordering::SeqCst);
    let err = log.append(&[rec(3, 3)], 0).expect_err("sticky");
    assert!(matches!(err, StorageError::FsyncFailed { .. }), "{err:?}");
    assert!(err.to_string().contains("refuses writes"), "{err}");
    assert!(matches!(log.sync(), Err(StorageError::FsyncFailed { .. })));
    assert_eq!(read_all(&log).len(), 1);
    assert_eq!(read_all(&log)[0].1, rec(1, 1));
    drop(log);
    // Restarting recovers from what is on disk: the acknowledged record is there, and appends
    // work again.
    let (log, _) =
        PartitionLog::open(dir.path(), config(1 << 30, Durability::Always)).expect("reopen");
    let all = read_all(&log);
    assert_eq!(all[0].1, rec(1, 1));
    let appended = log.append(&[rec(4, 4)], 0).expect("append after restart");
    assert_eq!(appended.base_offset, all.len() as u64);
    log.close().expect("close");
    assert!(verify_partition(dir.path()).problems.is_empty());
}

/// Power loss: everything an fdatasync did not cover may be gone, in any amount. Eight writers
/// (half of them waiting as futures through a sync pool)
/// append under `always` across small segments; at a moment chosen mid-load the acknowledged
/// appends and the synced lengths are taken (in that order, so every acknowledgement is covered);
/// then each segment is cut back to its synced length — exactly there, or at a point inside the
/// unsynced tail of the last synced segment (partial writeback) with every later segment
/// emptied. Reopening must keep every acknowledged record, and nothing else is promised.
#[test]
fn power_loss_after_any_acknowledgement_keeps_every_acknowledged_record() {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    for (round, partial) in [(0u64, false), (1, true), (2, true), (3, false)] {
        let dir = tempfile::tempdir().expect("tempdir");
        let power = crate::power::PowerLoss::default();
        let cfg = LogConfig {
            sync_fault: Some(power.hook()),
            fs_watch: None,
            ..config(16 * 1024, Durability::Always)
        };
        let log = Arc::new(open(dir.path(), cfg));
        let pool = driftq_core::storage::SyncPool::new(2);
        let acked: Arc<Mutex<BTreeMap<u64, Record>>> = Arc::default();
        let snapshot = std::thread::scope(|s| {
            for w in 0..8usize {
                let (log, acked, pool) = (Arc::clone(&log), Arc::clone(&acked), Arc::clone(&pool));
                s.spawn(move || {
                    for i in 0..400 {
                        let r = rec(i as i64, w * 1000 + i);
                        // Half the writers are acknowledged the way the server's async
                        // handlers are: through a future and the sync pool.
                        let a = if w % 2 == 0 {
                            crate::pool::append_async(&log, &pool, std::slice::from_ref(&r))
                        } else {
                            log.append(std::slice::from_ref(&r), 0)
                        }
                        .expect("append");
                        acked.lock().expect("lock").insert(a.base_offset, r);
                    }
                });
            }
            // Pull the plug once a varying amount is acknowledged. The writers go on, so the
            // files run ahead of what was synced then, as a disk's would.
            let target = 300 + 250 * round as usize;
            while acked.lock().expect("lock").len() < target {
                std::thread::yield_now();
            }
            let acknowledged = acked.lock().expect("lock").clone();
            (acknowledged, power.synced())
        });
        let (acknowledged, lengths) = snapshot;
        // A crash: no close. Then what the disk kept.
        pool.close();
        drop(Arc::try_unwrap(log).map(std::mem::forget));
        let segments = log_files(dir.path());
        crate::power::PowerLoss::cut(dir.path(), &lengths, partial.then_some(round));
        // What `wal verify` makes of it: a torn tail and stale index entries at most — never
        // damage in the middle of the log.
        let found = verify_partition(dir.path());
        assert!(
            found.problems.iter().all(|p| matches!(
                p.kind,
                "torn_tail" | "index_entry" | "index_partial_entry" | "timeindex_entry"
            )),
            "round {round}: {:?}",
            found.problems
        );
        let (log, _) = PartitionLog::open(dir.path(), config(16 * 1024, Durability::Always))
            .expect("reopens after power loss");
        let stored: BTreeMap<u64, Record> = read_all(&log).into_iter().collect();
        for (offset, record) in &acknowledged {
            assert_eq!(
                stored.get(offset),
                Some(record),
                "round {round}: acknowledged offset {offset} lost"
            );
        }
        assert!(segments.len() > 2, "the load spanned several segments");
        let appended = log.append(&[rec(9, 9)], 0).expect("append after recovery");
        assert_eq!(appended.base_offset, log.high_watermark() - 1);
        log.close().expect("close");
        assert!(verify_partition(dir.path()).problems.is_empty());
    }
}

#[test]
fn a_torn_tail_before_an_empty_new_segment_is_the_end_of_the_log() {
    // A roll creates the next segment before the previous one's last bytes are synced; a power
    // loss then can leave exactly this.
    let dir = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(dir.path(), 3);
    {
        let (log, _) =
            PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect("open");
        log.roll_segment().expect("roll");
        log.close().expect("close");
    }
    let files = log_files(dir.path());
    assert_eq!(files.len(), 2);
    assert_eq!(fs::metadata(&files[1]).expect("stat").len(), 0);
    OpenOptions::new()
        .write(true)
        .open(&files[0])
        .and_then(|f| f.set_len(ends[1] + 5))
        .expect("tear the last batch");
    let found = verify_partition(dir.path());
    assert!(
        found.problems.iter().any(|p| p.kind == "torn_tail")
            && found.problems.iter().all(|p| p.kind != "offset_gap"),
        "{found:?}"
    );
    let (log, report) =
        PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect("opens");
    assert_eq!(report.torn_tail.expect("torn").first_lost_offset, 6);
    assert_eq!(log_files(dir.path()), files[..1]);
    assert_eq!(log.append(&[rec(1, 1)], 0).expect("append").base_offset, 6);
    log.close().expect("close");
    assert!(verify_partition(dir.path()).problems.is_empty());
}

#[test]
fn under_interval_a_sealed_segment_is_durable_before_the_next_one_gets_a_byte() {
    // Appends write straight to the file under `interval`; without a sync at roll-over a power
    // loss could keep the new segment's bytes but tear the old one's tail.
    let dir = tempfile::tempdir().expect("tempdir");
    let power = crate::power::PowerLoss::default();
    let cfg = LogConfig {
        sync_fault: Some(power.hook()),
        fs_watch: None,
        // A timer that never fires here: only roll-overs sync.
        ..config(
            2048,
            Durability::Interval(std::time::Duration::from_secs(3600)),
        )
    };
    let log = open(dir.path(), cfg);
    for i in 0..60 {
        log.append(&[rec(i, i as usize)], 0).expect("append");
    }
    let segments = log_files(dir.path());
    assert!(segments.len() >= 3, "{segments:?}");
    let synced = power.synced();
    for seg in &segments[..segments.len() - 1] {
        assert_eq!(
            synced.get(seg).copied(),
            Some(fs::metadata(seg).expect("stat").len()),
            "{} sealed without being synced whole",
            seg.display()
        );
    }
    assert!(!synced.contains_key(&segments[segments.len() - 1]));
}

/// A bit flip inside the last batch of the active segment is damage, not a torn write: the
/// batch is whole (its magic, all its bytes) and may have been acknowledged. Opening refuses
/// and `wal verify` reports the checksum; only `repair` cuts it, keeping the bytes aside.
#[test]
fn a_bit_flip_in_the_last_batch_is_damage_not_a_torn_tail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(dir.path(), 2);
    // Inside the last batch's records.
    let (seg, bytes) = flip_bits(dir.path(), ends[0] as usize + 60, 0x10);
    let report = verify_partition(dir.path());
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(report.problems[0].kind, "checksum", "not torn_tail");
    let err =
        PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect_err("refuses");
    assert!(
        matches!(&err, StorageError::Corrupt { position, .. } if *position == ends[0]),
        "{err}"
    );
    assert_eq!(
        fs::read(&seg).expect("read"),
        bytes,
        "a refused open changes nothing"
    );
    let mut repair = config(1 << 30, Durability::Never);
    repair.repair = true;
    let (log, rec) = PartitionLog::open(dir.path(), repair).expect("repair");
    assert!(rec.repaired.is_some(), "{rec:?}");
    assert_eq!(log.high_watermark(), 3);
}

#[test]
fn a_segment_holding_only_reserved_space_after_a_torn_one_leaves_that_one_the_tail() {
    // A crash right after a roll: the new segment exists with its reservation and nothing else,
    // the one before it lost its last write. Open and `wal verify` must agree it is a torn tail.
    let dir = tempfile::tempdir().expect("tempdir");
    let ends = write_batches(dir.path(), 2);
    let seg = log_files(dir.path())[0].clone();
    append_to(&seg, b"\xde\xad torn");
    fs::write(
        dir.path().join(format!("{:020}.log", 6)),
        vec![0u8; 1 << 20],
    )
    .expect("next");
    let report = verify_partition(dir.path());
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(report.problems[0].kind, "torn_tail");
    assert_eq!(
        report.bytes,
        ends[1] + 7,
        "reserved zeros are not counted as data"
    );
    let (log, recovered) =
        PartitionLog::open(dir.path(), config(1 << 30, Durability::Never)).expect("open");
    assert_eq!(recovered.torn_tail.expect("torn").position, ends[1]);
    assert_eq!(log.high_watermark(), 6);
    assert_eq!(
        log_files(dir.path()).len(),
        1,
        "the empty segment is removed"
    );
}
