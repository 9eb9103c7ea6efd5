//! `driftq ack`, `driftq nack`, `driftq extend`: settle leases one at a time, or many from the
//! JSON lines `consume -o json --no-ack` printed (`--stdin`), acked in batches.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use anyhow::Context as _;
use clap::Args;
use serde_json::{Value, json};

use super::parse_duration;
use driftq_core::api::settle::AckResult;

use crate::client::{Client, Lease};
use crate::{OutputFormat, exit};

/// Which leased message to settle: named by flags, or read from stdin.
#[derive(Debug, Args)]
pub struct LeaseArgs {
    /// Topic of the leased message (not needed with --stdin)
    pub topic: Option<String>,
    /// Consumer group holding the lease
    #[arg(short, long)]
    pub group: Option<String>,
    /// Lease owner: the consumer name the message was leased to (`owner` in `consume -o json`)
    #[arg(long)]
    pub owner: Option<String>,
    /// Partition of the leased message
    #[arg(short, long)]
    pub partition: Option<u32>,
    /// Offset of the leased message
    #[arg(long)]
    pub offset: Option<u64>,
    /// Read the messages to settle from stdin, as `consume -o json` prints them (one JSON
    /// object per line; the flags above fill in what a line lacks)
    #[arg(long)]
    pub stdin: bool,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct AckArgs {
    #[command(flatten)]
    pub lease: LeaseArgs,
}

#[derive(Debug, Args)]
pub struct NackArgs {
    #[command(flatten)]
    pub lease: LeaseArgs,
    /// Why: kept with the message, shown by `group inflight` and in the DLQ
    #[arg(long)]
    pub reason: Option<String>,
    /// Redeliver after this long instead of the message's retry backoff
    #[arg(long, value_parser = parse_duration)]
    pub delay: Option<std::time::Duration>,
    /// Send the message to dlq.TOPIC now, whatever attempts it has left (retrying cannot help:
    /// a message that will never parse, say)
    #[arg(long, conflicts_with = "delay")]
    pub dead_letter: bool,
}

#[derive(Debug, Args)]
pub struct ExtendArgs {
    #[command(flatten)]
    pub lease: LeaseArgs,
    /// New lease length, counted from now
    #[arg(long = "lease", value_parser = parse_duration, default_value = "30s")]
    pub length: std::time::Duration,
}

/// What to do with each lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb<'a> {
    Ack,
    Nack {
        reason: &'a str,
        delay_ms: Option<u64>,
        dead_letter: bool,
    },
    Extend {
        lease_ms: i64,
    },
}

impl<'a> Verb<'a> {
    #[must_use]
    pub fn nack(a: &'a NackArgs) -> Self {
        Self::Nack {
            reason: a.reason.as_deref().unwrap_or("nack"),
            delay_ms: a
                .delay
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            dead_letter: a.dead_letter,
        }
    }

    #[must_use]
    pub fn extend(a: &ExtendArgs) -> Self {
        Self::Extend {
            lease_ms: i64::try_from(a.length.as_millis()).unwrap_or(i64::MAX),
        }
    }

    fn past_tense(self) -> &'static str {
        match self {
            Self::Ack => "acked",
            Self::Nack {
                dead_letter: true, ..
            } => "dead-lettered",
            Self::Nack { .. } => "nacked",
            Self::Extend { .. } => "extended",
        }
    }
}

fn one(a: &LeaseArgs) -> anyhow::Result<Lease> {
    let missing =
        |what: &str| crate::ExitError::usage_error(format!("{what} is required (or use --stdin)"));
    Ok(Lease {
        topic: a.topic.clone().ok_or_else(|| missing("TOPIC"))?,
        group: a.group.clone().ok_or_else(|| missing("--group"))?,
        owner: a.owner.clone().ok_or_else(|| missing("--owner"))?,
        partition: a.partition.ok_or_else(|| missing("--partition"))?,
        offset: a.offset.ok_or_else(|| missing("--offset"))?,
    })
}

/// Settles one lease; returns what to print ("acked", "extended to …").
fn settle_one(verb: Verb<'_>, lease: &Lease, client: &Client) -> anyhow::Result<String> {
    Ok(match verb {
        Verb::Ack => {
            client.ack(lease)?;
            "acked".to_owned()
        }
        Verb::Nack {
            reason,
            delay_ms,
            dead_letter,
        } => {
            client.nack(lease, reason, delay_ms, dead_letter)?;
            if dead_letter {
                "dead-lettered".to_owned()
            } else {
                "nacked".to_owned()
            }
        }
        Verb::Extend { lease_ms } => {
            let deadline = client.extend(lease, lease_ms)?;
            format!(
                "extended to {}",
                driftq_core::api::format_rfc3339_ms(deadline)
            )
        }
    })
}

/// What a `--stdin` run settled: counts and the first errors.
#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    /// Failures because the lease was no longer held (expired, or settled already).
    not_held: u64,
    /// The first [`MAX_ERRORS`] failures.
    errors: Vec<Value>,
}

/// Failures a `--stdin` run reports one by one; the rest are counted.
const MAX_ERRORS: usize = 10;

/// Prints the tally of a `--stdin` run — one line, or one JSON object with `-o json`, and one
/// stderr line counting failures — and picks the exit code: all settled, none, or some.
fn summary(
    verb: Verb<'_>,
    output: OutputFormat,
    t: &Tally,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let (ok, failed) = (t.ok, t.failed);
    match output {
        OutputFormat::Table | OutputFormat::Wide => {
            let messages = format!("message{}", crate::plural(ok, "s"));
            let failures = if failed > 0 {
                format!(", {failed} failed")
            } else {
                String::new()
            };
            writeln!(out, "{} {ok} {messages}{failures}", verb.past_tense())?;
        }
        OutputFormat::Json | OutputFormat::Yaml => {
            let mut v = json!({"failed": failed, "errors": t.errors});
            v[verb.past_tense()] = json!(ok);
            writeln!(out, "{v}")?;
        }
    }
    if failed > 0 {
        let first = t
            .errors
            .first()
            .and_then(|e| e["message"].as_str())
            .unwrap_or_default();
        eprintln!(
            "driftq: {failed} of {} not {} ({} no longer held: lease expired or already settled); first: {first}",
            ok + failed,
            verb.past_tense(),
            t.not_held
        );
    }
    Ok(match (ok, failed) {
        (_, 0) => exit::OK,
        (0, _) => exit::ERROR,
        _ => exit::PARTIAL,
    })
}

pub fn run(
    verb: Verb<'_>,
    a: &LeaseArgs,
    client: &Client,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    if !a.stdin {
        let lease = one(a)?;
        let word = settle_one(verb, &lease, client)?;
        match a.output {
            OutputFormat::Json | OutputFormat::Yaml => writeln!(
                out,
                "{}",
                json!({"topic": lease.topic, "partition": lease.partition, "offset": lease.offset, "result": word})
            )?,
            OutputFormat::Table | OutputFormat::Wide => writeln!(
                out,
                "{word} {}/{}@{}",
                lease.topic, lease.partition, lease.offset
            )?,
        }
        return Ok(exit::OK);
    }
    if let Verb::Extend { .. } = verb {
        return extend_each(verb, a, client, out);
    }
    // Group lines by (topic, group) and settle each group's messages in batches.
    let mut pending: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    let mut tally = Tally::default();
    let mut flush = |key: &(String, String), items: &mut Vec<Value>| -> anyhow::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let r = client.ack_batch(&key.0, &key.1, items)?;
        tally.ok += r.acked;
        tally.failed += r.failed;
        for (item, res) in items.iter().zip(&r.results) {
            let AckResult::Failed(e) = res else {
                continue;
            };
            if e.error == "INVALID_ARGUMENT" && e.message.contains("not in flight") {
                tally.not_held += 1;
            }
            if tally.errors.len() < MAX_ERRORS {
                tally.errors.push(json!({
                    "topic": key.0, "group": key.1, "partition": item["partition"],
                    "offset": item["offset"], "error": e.error, "message": e.message,
                }));
            }
        }
        items.clear();
        Ok(())
    };
    for line in stdin_leases(a) {
        let lease = line?;
        let mut item =
            json!({"partition": lease.partition, "offset": lease.offset, "owner": lease.owner});
        if let Verb::Nack {
            reason,
            delay_ms,
            dead_letter,
        } = verb
        {
            item["nack"] = json!(true);
            item["reason"] = json!(reason);
            if let Some(ms) = delay_ms {
                item["delay_ms"] = json!(ms);
            }
            if dead_letter {
                item["dead_letter"] = json!(true);
            }
        }
        let key = (lease.topic, lease.group);
        let items = pending.entry(key.clone()).or_default();
        items.push(item);
        if items.len() >= 500 {
            let mut batch = std::mem::take(items);
            flush(&key, &mut batch)?;
        }
    }
    for (key, mut items) in std::mem::take(&mut pending) {
        flush(&key, &mut items)?;
    }
    summary(verb, a.output, &tally, out)
}

/// The leases named by stdin's JSON lines (`consume -o json`), the flags filling in what a line
/// lacks.
fn stdin_leases(a: &LeaseArgs) -> impl Iterator<Item = anyhow::Result<Lease>> + '_ {
    std::io::stdin()
        .lock()
        .lines()
        .enumerate()
        .filter(|(_, line)| line.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(move |(i, line)| {
            let n = i + 1;
            let line = line.context("cannot read stdin")?;
            let m: Value =
                serde_json::from_str(&line).with_context(|| format!("line {n}: not JSON"))?;
            let text = |field: &str, flag: &Option<String>| {
                m[field]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| flag.clone())
                    .with_context(|| format!("line {n}: no {field}"))
            };
            let number = |field: &str| {
                m[field]
                    .as_u64()
                    .with_context(|| format!("line {n}: no {field}"))
            };
            Ok(Lease {
                topic: text("topic", &a.topic)?,
                group: text("group", &a.group)?,
                owner: text("owner", &a.owner)?,
                partition: u32::try_from(number("partition")?)
                    .with_context(|| format!("line {n}: partition out of range"))?,
                offset: number("offset")?,
            })
        })
}

/// `extend --stdin`: one request per lease (there is no batch extend), each result printed.
fn extend_each(
    verb: Verb<'_>,
    a: &LeaseArgs,
    client: &Client,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let mut tally = Tally::default();
    for line in stdin_leases(a) {
        let lease = line?;
        match settle_one(verb, &lease, client) {
            Ok(word) => {
                tally.ok += 1;
                if a.output.is_structured() {
                    writeln!(
                        out,
                        "{}",
                        json!({"topic": lease.topic, "partition": lease.partition, "offset": lease.offset, "result": word})
                    )?;
                }
            }
            Err(e) => {
                tally.failed += 1;
                let message = format!("{e:#}");
                if message.contains("not in flight") {
                    tally.not_held += 1;
                }
                if tally.errors.len() < MAX_ERRORS {
                    tally.errors.push(json!({
                        "topic": lease.topic, "group": lease.group, "partition": lease.partition,
                        "offset": lease.offset, "message": message,
                    }));
                }
            }
        }
    }
    summary(verb, a.output, &tally, out)
}
