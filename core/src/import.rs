//! Importing DriftQ v1's write-ahead log — JSON Lines, one record per line, `[]byte` fields in
//! standard base64, almost everything `omitempty` (the v1 API contract, §6) — into a new driftq
//! data directory, so that someone replacing `driftqd` keeps their topics, messages and group
//! positions.
//!
//! What carries over: topics with their partition counts (the larger of a topic record's count
//! and the highest partition a message names), every message in its partition's order (key,
//! value, envelope, routing, DLQ origin; offsets renumbered densely from 0, which is what the
//! newest DriftQ wrote anyway), and each group's last acked offset per partition, which becomes
//! the group's position. What does not, counted in the report instead: retry state (DriftQ only
//! seeded `last_error` into the next delivery), consume-scope idempotency records, and message
//! `labels` (internal to DriftQ and not part of its HTTP API).
//!
//! Invariants: the input file is only read. The target directory must not exist; the import is
//! built in a sibling directory and renamed into place once everything is written and synced,
//! so a failed import leaves nothing behind. A last line that does not decode is a torn tail (a
//! crash in the middle of an append; DriftQ itself refused to start on one — the contract's
//! bug 13): it is reported and skipped. Any other line that does not decode fails the import
//! with its line number. Time is the caller's `now_ms`.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Deserialize;

use crate::broker::{
    Broker, BrokerConfig, BrokerError, DlqOrigin, Envelope, MessageMeta, RestoredMessage,
    RetryPolicy, Routing, SeekTo,
};
use crate::storage::Durability;
use crate::storage::log::sync_dir;

/// The longest line DriftQ wrote (its reader's limit): a longer one is not a v1 record.
const MAX_LINE_BYTES: usize = 10 << 20;
/// Messages buffered across partitions before they are written.
const FLUSH_BYTES: usize = 32 << 20;
/// Messages per partition batch.
const BATCH_MESSAGES: usize = 1024;

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{} already exists: import into a new directory (nothing was changed)", .0.display())]
    TargetExists(PathBuf),
    #[error("{}: line {line}: {reason}", path.display())]
    BadLine {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("writing the import: {0}")]
    Broker(#[from] BrokerError),
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub lines: u64,
    /// Topic name → partition count.
    pub topics: BTreeMap<String, u32>,
    pub messages: u64,
    /// (topic, group) pairs whose positions were set.
    pub groups: u64,
    pub skipped_retry_states: u64,
    pub skipped_consume_keys: u64,
    pub skipped_unknown_records: u64,
    /// Messages whose DriftQ-internal `labels` were dropped.
    pub dropped_labels: u64,
    /// Line number and length of an undecodable last line that was skipped.
    pub torn_tail: Option<TornLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TornLine {
    pub line: u64,
    pub bytes: u64,
}

/// One v1 WAL record, every field optional as Go's `omitempty` wrote it. Unknown fields are
/// ignored, as Go's decoder ignores them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct V1Record {
    #[serde(rename = "type")]
    kind: u8,
    topic: String,
    partition: i64,
    offset: i64,
    group: String,
    key: Option<String>,
    value: Option<String>,
    routing_label: String,
    routing_meta: BTreeMap<String, String>,
    run_id: String,
    step_id: String,
    parent_step_id: String,
    tenant_id: String,
    idempotency_key: String,
    target_topic: String,
    partition_override: Option<i64>,
    deadline: Option<String>,
    retry_max_attempts: i64,
    retry_backoff_ms: i64,
    retry_max_backoff_ms: i64,
    labels: Option<serde_json::Value>,
    dlq_original_topic: String,
    dlq_original_partition: i64,
    dlq_original_offset: i64,
    dlq_attempts: i64,
    dlq_last_error: String,
    dlq_routed_at_ms: i64,
}

const MESSAGE: u8 = 1;
const OFFSET: u8 = 2;
const TOPIC: u8 = 3;
const RETRY_STATE: u8 = 4;
const CONSUME_IDEMPOTENCY: u8 = 5;

/// Imports the DriftQ v1 WAL at `wal` into the new data directory `target`.
pub fn import_v1_wal(wal: &Path, target: &Path, now_ms: i64) -> Result<ImportReport, ImportError> {
    if target.exists() {
        return Err(ImportError::TargetExists(target.to_path_buf()));
    }
    let plan = scan(wal)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "driftq-data".into());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let building = parent.join(format!(".{name}.importing-{}", std::process::id()));
    let result = write(wal, &building, &plan, now_ms);
    match result {
        Ok(report) => {
            let io = |source| ImportError::Io {
                path: target.to_path_buf(),
                source,
            };
            fs::rename(&building, target).map_err(io)?;
            sync_dir(&parent).map_err(BrokerError::from)?;
            Ok(report)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&building);
            Err(e)
        }
    }
}

/// What the first pass learns: topic sizes, each partition's v1 offsets in order, and each
/// group's last acked offset per partition.
#[derive(Default)]
struct Plan {
    report: ImportReport,
    /// (topic, partition) → v1 offsets in file order.
    offsets: HashMap<(String, u32), Vec<u64>>,
    /// (topic, group) → partition → last acked v1 offset.
    acked: BTreeMap<(String, String), BTreeMap<u32, u64>>,
    /// Lines to read in the second pass (a torn last line is not among them).
    good_lines: u64,
}

/// The file's lines with their 1-based numbers.
fn numbered_lines(
    path: &Path,
) -> Result<impl Iterator<Item = Result<(u64, Vec<u8>), ImportError>>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?);
    let mut line_no = 0u64;
    Ok(std::iter::from_fn(move || {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(_) => {
                line_no += 1;
                Some(Ok((line_no, line)))
            }
            Err(e) => Some(Err(io(e))),
        }
    }))
}

fn parse(line: &[u8]) -> Result<V1Record, String> {
    if line.len() > MAX_LINE_BYTES {
        return Err(format!("line is longer than {MAX_LINE_BYTES} bytes"));
    }
    serde_json::from_slice(line).map_err(|e| e.to_string())
}

fn partition_of(rec: &V1Record, what: &str) -> Result<u32, String> {
    u32::try_from(rec.partition).map_err(|_| format!("{what} has partition {}", rec.partition))
}

fn scan(wal: &Path) -> Result<Plan, ImportError> {
    let mut plan = Plan::default();
    let mut pending_bad: Option<(u64, u64, String)> = None;
    for item in numbered_lines(wal)? {
        let (line_no, line) = item?;
        plan.report.lines = line_no;
        if let Some((n, _, reason)) = pending_bad.take() {
            // Something follows the bad line, so it was not a torn tail.
            return Err(ImportError::BadLine {
                path: wal.to_path_buf(),
                line: n,
                reason,
            });
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            plan.good_lines = line_no;
            continue;
        }
        let rec = match parse(&line) {
            Ok(r) => r,
            Err(reason) => {
                pending_bad = Some((line_no, line.len() as u64, reason));
                continue;
            }
        };
        let bad = |reason: String| ImportError::BadLine {
            path: wal.to_path_buf(),
            line: line_no,
            reason,
        };
        match rec.kind {
            MESSAGE => {
                let partition = partition_of(&rec, "message").map_err(bad)?;
                let topic = plan.report.topics.entry(rec.topic.clone()).or_insert(0);
                *topic = (*topic).max(partition + 1);
                plan.offsets
                    .entry((rec.topic, partition))
                    .or_default()
                    .push(u64::try_from(rec.offset).unwrap_or(0));
            }
            TOPIC => {
                let count = u32::try_from(rec.partition)
                    .map_err(|_| bad(format!("topic has {} partitions", rec.partition)))?;
                let topic = plan.report.topics.entry(rec.topic).or_insert(0);
                *topic = (*topic).max(count.max(1));
            }
            OFFSET => {
                let partition = partition_of(&rec, "offset record").map_err(bad)?;
                let acked = u64::try_from(rec.offset).unwrap_or(0);
                let slot = plan
                    .acked
                    .entry((rec.topic, rec.group))
                    .or_default()
                    .entry(partition)
                    .or_insert(acked);
                *slot = (*slot).max(acked);
            }
            RETRY_STATE => plan.report.skipped_retry_states += 1,
            CONSUME_IDEMPOTENCY => plan.report.skipped_consume_keys += 1,
            _ => plan.report.skipped_unknown_records += 1,
        }
        plan.good_lines = line_no;
    }
    if let Some((line, bytes, _)) = pending_bad {
        plan.report.torn_tail = Some(TornLine { line, bytes });
    }
    Ok(plan)
}

fn decode_bytes(field: &str, text: Option<&str>) -> Result<Option<Vec<u8>>, String> {
    match text {
        None | Some("") => Ok(None),
        Some(t) => base64::engine::general_purpose::STANDARD
            .decode(t)
            .map(Some)
            .map_err(|e| format!("{field} is not base64: {e}")),
    }
}

fn to_restored(rec: V1Record) -> Result<RestoredMessage, String> {
    let key = decode_bytes("key", rec.key.as_deref())?;
    let value = decode_bytes("value", rec.value.as_deref())?.unwrap_or_default();
    let deadline_ns = match rec.deadline.as_deref() {
        None | Some("") | Some("0001-01-01T00:00:00Z") => None,
        Some(d) => Some(
            time::OffsetDateTime::parse(d, &time::format_description::well_known::Rfc3339)
                .map_err(|e| format!("deadline {d:?}: {e}"))
                .map(|t| i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX))?,
        ),
    };
    let non_negative = |v: i64| u64::try_from(v).unwrap_or(0);
    let retry_policy =
        (rec.retry_max_attempts > 0 || rec.retry_backoff_ms > 0 || rec.retry_max_backoff_ms > 0)
            .then(|| RetryPolicy {
                max_attempts: u32::try_from(rec.retry_max_attempts.max(0)).unwrap_or(u32::MAX),
                backoff_ms: non_negative(rec.retry_backoff_ms),
                max_backoff_ms: non_negative(rec.retry_max_backoff_ms),
            });
    let partition_override = match rec.partition_override {
        None => None,
        Some(p) => Some(u32::try_from(p).map_err(|_| format!("partition_override {p}"))?),
    };
    let envelope = Envelope {
        run_id: rec.run_id,
        step_id: rec.step_id,
        parent_step_id: rec.parent_step_id,
        tenant_id: rec.tenant_id,
        idempotency_key: rec.idempotency_key,
        target_topic: rec.target_topic,
        partition_override,
        deadline_ns,
        retry_policy,
    };
    let routing =
        (!rec.routing_label.is_empty() || !rec.routing_meta.is_empty()).then(|| Routing {
            label: rec.routing_label,
            meta: rec.routing_meta.into_iter().collect(),
        });
    let dlq = (!rec.dlq_original_topic.is_empty()).then(|| DlqOrigin {
        topic: rec.dlq_original_topic,
        group: String::new(),
        partition: u32::try_from(rec.dlq_original_partition).unwrap_or(0),
        offset: non_negative(rec.dlq_original_offset),
        attempts: u32::try_from(rec.dlq_attempts.max(0)).unwrap_or(u32::MAX),
        errors: if rec.dlq_last_error.is_empty() {
            Vec::new()
        } else {
            vec![rec.dlq_last_error]
        },
        routed_at_ms: rec.dlq_routed_at_ms,
    });
    Ok(RestoredMessage {
        key,
        value,
        meta: MessageMeta {
            envelope: (!envelope.is_empty()).then_some(envelope),
            routing,
            dlq,
            replay: None,
            deliver_at_ms: None,
        },
    })
}

/// Messages waiting to be written, per partition.
#[derive(Default)]
struct Buffered {
    by_partition: HashMap<(String, u32), Vec<RestoredMessage>>,
    bytes: usize,
}

impl Buffered {
    fn flush(&mut self, broker: &Broker, now_ms: i64) -> Result<(), ImportError> {
        for ((topic, partition), messages) in self.by_partition.drain() {
            if !messages.is_empty() {
                broker.restore_messages(&topic, partition, messages, now_ms)?;
            }
        }
        self.bytes = 0;
        Ok(())
    }
}

fn write(wal: &Path, dir: &Path, plan: &Plan, now_ms: i64) -> Result<ImportReport, ImportError> {
    let mut report = plan.report.clone();
    let mut config = BrokerConfig::new(dir);
    config.durability = Durability::Always;
    let broker = Broker::open(config, None, now_ms)?;
    for (topic, partitions) in &report.topics {
        broker.create_topic(topic, *partitions, None, None, now_ms)?;
    }
    let mut buffered = Buffered::default();
    for item in numbered_lines(wal)? {
        let (line_no, line) = item?;
        if line_no > plan.good_lines {
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bad = |reason: String| ImportError::BadLine {
            path: wal.to_path_buf(),
            line: line_no,
            reason,
        };
        let rec = parse(&line).map_err(bad)?;
        if rec.kind != MESSAGE {
            continue;
        }
        if rec.labels.as_ref().is_some_and(|l| !l.is_null()) {
            report.dropped_labels += 1;
        }
        let partition = partition_of(&rec, "message").map_err(bad)?;
        let topic = rec.topic.clone();
        let message = to_restored(rec).map_err(bad)?;
        buffered.bytes += message.value.len() + message.key.as_ref().map_or(0, Vec::len);
        let queue = buffered.by_partition.entry((topic, partition)).or_default();
        queue.push(message);
        report.messages += 1;
        if queue.len() >= BATCH_MESSAGES || buffered.bytes >= FLUSH_BYTES {
            buffered.flush(&broker, now_ms)?;
        }
    }
    buffered.flush(&broker, now_ms)?;
    for ((topic, group), acked) in &plan.acked {
        let Some(&partitions) = report.topics.get(topic) else {
            // Positions in a topic that holds no messages and has no topic record: nothing to
            // position against.
            continue;
        };
        for partition in 0..partitions {
            let floor = acked.get(&partition).map_or(0, |&last_acked| {
                plan.offsets
                    .get(&(topic.clone(), partition))
                    .map_or(0, |offsets| {
                        offsets.iter().filter(|&&o| o <= last_acked).count() as u64
                    })
            });
            broker.seek(
                topic,
                group,
                Some(partition),
                SeekTo::Offset(floor),
                true,
                now_ms,
            )?;
        }
        report.groups += 1;
    }
    broker.close()?;
    sync_dir(dir).map_err(BrokerError::from)?;
    Ok(report)
}
