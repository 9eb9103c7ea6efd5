//! `driftq wal inspect` and `driftq wal verify`: offline, read-only views of a data directory,
//! a partition directory or a single segment file; they never open a file for writing.
//! `driftq wal import` builds a *new* data directory from a DriftQ v1 WAL and touches nothing
//! else.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use driftq_core::broker::{MessageMeta, StateRecord};
use driftq_core::import::import_v1_wal;
use driftq_core::storage::format::StoredRecord;
use driftq_core::storage::index;
use driftq_core::storage::segment::{
    SegmentWalker, WalkItem, index_file_name, list_segments, parse_log_file_name,
    timeindex_file_name,
};
use driftq_core::storage::verify::{Problem, VerifyReport, verify_partition, verify_segment_file};
use serde_json::{Value, json};

use crate::output::{bytes_to_json, preview, rfc3339_ms};
use crate::{ExitError, OutputFormat, exit, plural};

#[derive(Debug, Subcommand)]
pub enum WalCommand {
    /// Print every record: offset, byte position, timestamp, size, CRC, key, headers, value.
    Inspect(InspectArgs),
    /// Check checksums, offsets, file names, indexes and tails; exit 4 when anything is wrong.
    Verify(VerifyArgs),
    /// Import a DriftQ v1 WAL (JSON Lines, `driftqd -wal`) into a new data directory: topics,
    /// messages and group positions.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The DriftQ v1 WAL file (read only).
    pub wal: PathBuf,
    /// The data directory to create; it must not exist.
    #[arg(long, value_name = "DIR", default_value = "./driftq-data")]
    pub data_dir: PathBuf,
    /// Output format (json: the report as one object).
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Data directory, partition directory, or one `.log` segment file.
    pub path: PathBuf,
    /// Start at this offset.
    #[arg(long, value_name = "OFFSET")]
    pub from: Option<u64>,
    /// Stop after this many records.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Print keys, headers, values and state records in full instead of a preview.
    #[arg(long)]
    pub full: bool,
    /// Dump index and time-index entries instead of records.
    #[arg(long)]
    pub index: bool,
    /// Output format (json: one object per line, binary-safe).
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Data directory, partition directory, or one `.log` segment file.
    pub path: PathBuf,
    /// Output format (json: the whole report as one object).
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Runs a `wal` command, writing to `out`; returns the exit code.
pub fn run(cmd: &WalCommand, out: &mut dyn Write) -> anyhow::Result<u8> {
    match cmd {
        WalCommand::Inspect(args) => inspect(args, out),
        WalCommand::Verify(args) => verify(args, out),
        WalCommand::Import(args) => import(args, out),
    }
}

fn import(args: &ImportArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    if !args.wal.is_file() {
        return Err(ExitError::not_found(format!("{} is not a file", args.wal.display())).into());
    }
    let now_ms = i64::try_from(crate::since_epoch().as_millis()).unwrap_or(i64::MAX);
    let report = import_v1_wal(&args.wal, &args.data_dir, now_ms).map_err(|e| ExitError {
        code: exit::ERROR,
        message: format!("import failed: {e}"),
    })?;
    if args.output.is_structured() {
        let mut v = serde_json::to_value(&report)?;
        v["wal"] = json!(args.wal.display().to_string());
        v["data_dir"] = json!(args.data_dir.display().to_string());
        writeln!(out, "{v}")?;
        return Ok(exit::OK);
    }
    writeln!(
        out,
        "imported {} messages in {} topics and {} group positions from {} ({} lines) into {}",
        report.messages,
        report.topics.len(),
        report.groups,
        args.wal.display(),
        report.lines,
        args.data_dir.display()
    )?;
    for (topic, partitions) in &report.topics {
        writeln!(out, "  topic {topic}: {partitions} partitions")?;
    }
    if let Some(torn) = &report.torn_tail {
        writeln!(
            out,
            "skipped a torn last line (line {}, {} bytes): a write DriftQ never finished",
            torn.line, torn.bytes
        )?;
    }
    for (count, what) in [
        (
            report.skipped_retry_states,
            "retry-state records (last_error hints)",
        ),
        (
            report.skipped_consume_keys,
            "consume-scope idempotency records",
        ),
        (report.skipped_unknown_records, "records of unknown types"),
        (report.dropped_labels, "messages' internal labels"),
    ] {
        if count > 0 {
            writeln!(out, "not imported: {count} {what}")?;
        }
    }
    Ok(exit::OK)
}

/// What a path given to `wal` names.
enum Target {
    Segment(PathBuf),
    Partitions(Vec<PathBuf>),
}

fn resolve(path: &Path) -> anyhow::Result<Target> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ExitError::not_found(format!("cannot read {}: {e}", path.display())))?;
    if meta.is_file() {
        return Ok(Target::Segment(path.to_path_buf()));
    }
    let mut dirs = Vec::new();
    collect_partition_dirs(path, &mut dirs)?;
    dirs.sort();
    if dirs.is_empty() {
        return Err(ExitError::not_found(format!(
            "no segment files (*.log) under {}",
            path.display()
        ))
        .into());
    }
    Ok(Target::Partitions(dirs))
}

/// Every directory at or below `dir` that holds `.log` files.
fn collect_partition_dirs(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut has_log = false;
    let mut children = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        if ft.is_dir() {
            children.push(entry.path());
        } else if entry.file_name().to_string_lossy().ends_with(".log") {
            has_log = true;
        }
    }
    if has_log {
        out.push(dir.to_path_buf());
    }
    for child in children {
        collect_partition_dirs(&child, out)?;
    }
    Ok(())
}

fn segment_files(target: &Target) -> anyhow::Result<Vec<(u64, PathBuf)>> {
    match target {
        Target::Segment(p) => {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(vec![(parse_log_file_name(&name).unwrap_or(0), p.clone())])
        }
        Target::Partitions(dirs) => {
            let mut all = Vec::new();
            for d in dirs {
                all.extend(list_segments(d)?.0);
            }
            Ok(all)
        }
    }
}

/// A state record's preview is this many times a value's (it carries names and numbers, not
/// payload).
const STATE_PREVIEW_FACTOR: usize = 3;

/// A batch whose checksum fails and whose records do not decode, as `inspect` shows it.
fn write_damaged(
    out: &mut dyn Write,
    path: &Path,
    position: u64,
    header: &driftq_core::storage::format::BatchHeader,
    error: &impl std::fmt::Display,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        let v = json!({
            "file": path.display().to_string(),
            "position": position,
            "offset": header.base_offset,
            "records": header.record_count,
            "error": "checksum",
            "message": error.to_string(),
        });
        writeln!(out, "{v}")?;
    } else {
        writeln!(
            out,
            "!! damaged batch at byte {position} (offsets {}..{}): checksum mismatch; {error}",
            header.base_offset,
            header.next_offset()
        )?;
    }
    Ok(())
}

/// Bytes that are no batch: corruption when a valid batch follows, else a torn tail.
fn write_bad(
    out: &mut dyn Write,
    path: &Path,
    position: u64,
    error: &impl std::fmt::Display,
    valid_batch_after: Option<u64>,
    json: bool,
) -> anyhow::Result<()> {
    let what = if valid_batch_after.is_some() {
        "corrupt"
    } else {
        "torn tail"
    };
    if json {
        let v = json!({
            "file": path.display().to_string(),
            "position": position,
            "error": what,
            "message": error.to_string(),
            "valid_batch_after": valid_batch_after,
        });
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "!! {what} at byte {position}: {error}")?;
    }
    Ok(())
}

fn inspect(args: &InspectArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let target = resolve(&args.path)?;
    let segments = segment_files(&target)?;
    let json = args.output.is_structured();
    if args.index {
        for (base, path) in &segments {
            dump_index(*base, path, json, out)?;
        }
        return Ok(exit::OK);
    }
    let max_preview = if args.full { None } else { Some(64) };
    let mut printed = 0u64;
    let mut damaged = false;
    'segments: for (base, path) in &segments {
        if let Some(from) = args.from {
            // Skip whole segments that end before `from`: the next segment's base tells us.
            let next_base = segments
                .iter()
                .find(|(b, p)| *b > *base && p.parent() == path.parent())
                .map(|(b, _)| *b);
            if next_base.is_some_and(|nb| nb <= from) {
                continue;
            }
        }
        if !json {
            writeln!(out, "# {}", path.display())?;
        }
        let mut walker = SegmentWalker::open(path)?;
        if let Some(from) = args.from {
            walker.seek(indexed_position(*base, path, from));
        }
        for item in walker {
            match item? {
                WalkItem::Batch {
                    position,
                    batch,
                    crc_ok,
                } => {
                    for r in &batch.records {
                        if args.from.is_some_and(|f| r.offset < f) {
                            continue;
                        }
                        if args.limit.is_some_and(|l| printed >= l) {
                            break 'segments;
                        }
                        printed += 1;
                        write_record(out, path, position, crc_ok, r, json, max_preview)?;
                    }
                }
                WalkItem::Damaged {
                    position,
                    header,
                    error,
                } => {
                    damaged = true;
                    write_damaged(out, path, position, &header, &error, json)?;
                }
                WalkItem::Bad {
                    position,
                    error,
                    valid_batch_after,
                } => {
                    damaged = true;
                    write_bad(out, path, position, &error, valid_batch_after, json)?;
                }
            }
        }
    }
    let _ = damaged; // inspect shows damage; `verify` is the command that judges it.
    Ok(exit::OK)
}

/// Position of the last indexed batch at or before `offset`, from the segment's index file (0
/// when there is none or it is unreadable: the walk then starts at the beginning).
fn indexed_position(base: u64, log_path: &Path, offset: u64) -> u64 {
    let Some(dir) = log_path.parent() else {
        return 0;
    };
    let bytes = std::fs::read(dir.join(index_file_name(base))).unwrap_or_default();
    let len = std::fs::metadata(log_path).map_or(0, |m| m.len());
    index::decode_offset_entries(base, &bytes)
        .into_iter()
        .take_while(|e| e.offset <= offset && e.position < len)
        .last()
        .map_or(0, |e| e.position)
}

fn write_record(
    out: &mut dyn Write,
    path: &Path,
    position: u64,
    crc_ok: bool,
    r: &StoredRecord,
    json: bool,
    max_preview: Option<usize>,
) -> anyhow::Result<()> {
    let rec = &r.record;
    let size = rec.encoded_len();
    // (type, one-line text for people, structured fields for `-o json`)
    let state = is_state_log(path).then(|| match StateRecord::decode(&rec.value) {
        Ok(s) => (
            s.type_name().to_owned(),
            s.describe(),
            serde_json::to_value(&s).unwrap_or(Value::Null),
        ),
        Err(e) => (
            "undecodable".to_owned(),
            e.to_string(),
            json!(e.to_string()),
        ),
    });
    // What every line says, state record or message.
    let mut v = json!({
        "file": path.display().to_string(),
        "offset": r.offset,
        "position": position,
        "timestamp": rfc3339_ms(rec.timestamp),
        "timestamp_ms": rec.timestamp,
        "size": size,
        "crc_ok": crc_ok,
    });
    let line_start = format!(
        "offset={} pos={position} ts={} size={size} crc={}",
        r.offset,
        rfc3339_ms(rec.timestamp),
        if crc_ok { "ok" } else { "BAD" },
    );
    if let Some((kind, text, fields)) = &state {
        if json {
            v["state"] = json!({"type": kind, "record": fields});
            writeln!(out, "{v}")?;
        } else {
            // A state record can list thousands of offsets: one line stays one screen line.
            let shown = match max_preview {
                Some(n) if text.chars().count() > n * STATE_PREVIEW_FACTOR => {
                    let cut: String = text.chars().take(n * STATE_PREVIEW_FACTOR).collect();
                    format!("{cut}… (--full shows all)")
                }
                _ => text.clone(),
            };
            writeln!(out, "{line_start} state={shown}")?;
        }
        return Ok(());
    }
    let meta = MessageMeta::decode(rec.metadata.as_deref())
        .ok()
        .filter(|m| !m.is_empty());
    if json {
        let headers: Vec<Value> = rec
            .headers
            .iter()
            .map(|(n, v)| json!({"name": n, "value": bytes_to_json(v)}))
            .collect();
        v["key"] = json!(rec.key.as_deref().map(bytes_to_json));
        v["headers"] = Value::Array(headers);
        v["value"] = bytes_to_json(&rec.value);
        v["metadata"] = json!(rec.metadata.as_deref().map(bytes_to_json));
        v["envelope"] = json!(meta.as_ref().map(|m| format!("{m:?}")));
        writeln!(out, "{v}")?;
        return Ok(());
    }
    let key = rec
        .key
        .as_deref()
        .map_or("-".to_owned(), |k| preview(k, max_preview));
    let headers = if rec.headers.is_empty() {
        "-".to_owned()
    } else {
        rec.headers
            .iter()
            .map(|(n, v)| format!("{}={}", n.escape_default(), preview(v, max_preview)))
            .collect::<Vec<_>>()
            .join(",")
    };
    let meta = match (&meta, rec.metadata.as_deref()) {
        (Some(m), _) => format!(" meta={}", describe_meta(m)),
        (None, Some(raw)) => format!(" meta={}", preview(raw, max_preview)),
        (None, None) => String::new(),
    };
    writeln!(
        out,
        "{line_start} key={key} headers={headers} value={}{meta}",
        preview(&rec.value, max_preview),
    )?;
    Ok(())
}

/// The broker's state log lives in `<data-dir>/state/`.
fn is_state_log(segment: &Path) -> bool {
    segment
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "state")
}

/// The envelope, routing, DLQ origin, replay mark and delivery time of a message, compactly.
fn describe_meta(m: &MessageMeta) -> String {
    let mut parts = Vec::new();
    if let Some(e) = &m.envelope {
        let mut f = Vec::new();
        for (k, v) in [
            ("run", &e.run_id),
            ("step", &e.step_id),
            ("tenant", &e.tenant_id),
            ("idem", &e.idempotency_key),
            ("target", &e.target_topic),
        ] {
            if !v.is_empty() {
                f.push(format!("{k}={v}"));
            }
        }
        if let Some(p) = e.retry_policy {
            f.push(format!(
                "retry={}x{}ms..{}ms",
                p.max_attempts, p.backoff_ms, p.max_backoff_ms
            ));
        }
        if let Some(d) = e.deadline_ns {
            f.push(format!("deadline={}", rfc3339_ms(d / 1_000_000)));
        }
        parts.push(format!("envelope{{{}}}", f.join(",")));
    }
    if let Some(r) = &m.routing {
        parts.push(format!("routing{{label={}}}", r.label));
    }
    if let Some(d) = &m.dlq {
        parts.push(format!(
            "dlq{{from={}/{}@{},attempts={},errors={}}}",
            d.topic,
            d.partition,
            d.offset,
            d.attempts,
            d.errors.join("|")
        ));
    }
    if let Some(r) = &m.replay {
        parts.push(format!(
            "replayed{{from={}/{}@{}}}",
            r.dlq_topic, r.partition, r.offset
        ));
    }
    if let Some(at) = m.deliver_at_ms {
        parts.push(format!("delayed{{until={}}}", rfc3339_ms(at)));
    }
    parts.join(" ")
}

fn dump_index(base: u64, log_path: &Path, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = log_path.parent().unwrap_or(Path::new("."));
    let idx_path = dir.join(index_file_name(base));
    let time_path = dir.join(timeindex_file_name(base));
    let idx = std::fs::read(&idx_path).unwrap_or_default();
    let times = std::fs::read(&time_path).unwrap_or_default();
    if !json {
        writeln!(out, "# {}", idx_path.display())?;
    }
    for e in index::decode_offset_entries(base, &idx) {
        if json {
            let v = json!({"file": idx_path.display().to_string(), "kind": "index", "offset": e.offset, "position": e.position});
            writeln!(out, "{v}")?;
        } else {
            writeln!(out, "offset={} pos={}", e.offset, e.position)?;
        }
    }
    if !json {
        writeln!(out, "# {}", time_path.display())?;
    }
    for e in index::decode_time_entries(base, &times) {
        if json {
            let v = json!({"file": time_path.display().to_string(), "kind": "timeindex", "timestamp": rfc3339_ms(e.timestamp), "timestamp_ms": e.timestamp, "offset": e.offset});
            writeln!(out, "{v}")?;
        } else {
            writeln!(
                out,
                "ts={} ({}) offset={}",
                rfc3339_ms(e.timestamp),
                e.timestamp,
                e.offset
            )?;
        }
    }
    Ok(())
}

fn verify(args: &VerifyArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let mut report = match resolve(&args.path)? {
        Target::Segment(p) => verify_segment_file(&p),
        Target::Partitions(dirs) => {
            let mut all = VerifyReport::default();
            for d in dirs {
                all.merge(verify_partition(&d));
            }
            all
        }
    };
    // A data directory: every partition its state log names must be on the disk.
    for dir in driftq_core::broker::missing::missing_partition_dirs(&args.path) {
        report.problems.push(Problem {
            file: dir,
            position: None,
            offset: None,
            kind: "missing_partition",
            expected: "the partition directory the state log names".into(),
            found: "no such directory (serve refuses to start; --repair recreates it at the next known offset)".into(),
        });
    }
    if args.output.is_structured() {
        writeln!(out, "{}", report_json(&args.path, &report))?;
    } else {
        for p in &report.problems {
            writeln!(out, "{}", problem_line(p))?;
        }
        writeln!(
            out,
            "{}: {} segment{}, {} batch{}, {} record{}, {} bytes, {} problem{}",
            if report.problems.is_empty() {
                "clean"
            } else {
                "DAMAGED"
            },
            report.segments,
            plural(report.segments, "s"),
            report.batches,
            plural(report.batches, "es"),
            report.records,
            plural(report.records, "s"),
            report.bytes,
            report.problems.len(),
            plural(report.problems.len() as u64, "s"),
        )?;
    }
    Ok(if report.problems.is_empty() {
        exit::OK
    } else {
        exit::NOT_FOUND_OR_FAILED_CHECK
    })
}

fn problem_line(p: &Problem) -> String {
    let pos = p.position.map_or("-".into(), |x| x.to_string());
    let off = p.offset.map_or("-".into(), |x| x.to_string());
    format!(
        "{}: {} at byte {pos}, offset {off}: expected {}, found {}",
        p.file.display(),
        p.kind,
        p.expected,
        p.found
    )
}

fn report_json(path: &Path, r: &VerifyReport) -> Value {
    json!({
        "path": path.display().to_string(),
        "clean": r.problems.is_empty(),
        "segments": r.segments,
        "batches": r.batches,
        "records": r.records,
        "bytes": r.bytes,
        "problems": r.problems.iter().map(|p| json!({
            "file": p.file.display().to_string(),
            "kind": p.kind,
            "position": p.position,
            "offset": p.offset,
            "expected": p.expected,
            "found": p.found,
        })).collect::<Vec<_>>(),
    })
}
