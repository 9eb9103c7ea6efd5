//! `driftq dlq list|peek|replay`. TOPIC is the source topic (`jobs` means `dlq.jobs`); the DLQ's
//! full name works too.

use std::io::Write;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::{colour_ok, confirm, table};
use driftq_core::api::Bytes;
use driftq_core::api::dlq::{ReplayReply, ReplayedItem};
use driftq_core::api::messages::StoredMessage;

use crate::client::Client;
use crate::output::printable;
use crate::{ExitError, OutputFormat, exit};

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// DLQ topics and their depths.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show DLQ messages without consuming them: origin, attempts, error history.
    Peek(PeekArgs),
    /// Put DLQ messages back on their origin topic (or --to another).
    Replay(ReplayArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct PeekArgs {
    /// Origin topic (its DLQ is dlq.<topic>) or the DLQ topic itself
    pub topic: String,
    /// Show at most this many messages
    #[arg(short = 'n', long, default_value_t = 20)]
    pub max: usize,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Origin topic (its DLQ is dlq.<topic>) or the DLQ topic itself
    pub topic: String,
    /// Target topic [default: each message's origin]
    #[arg(long)]
    pub to: Option<String>,
    /// DLQ offsets A:B (B not included; `A:` to the end) or A-B (both included), in every
    /// partition unless --partition
    #[arg(long)]
    pub offsets: Option<String>,
    /// Only this DLQ partition
    #[arg(long)]
    pub partition: Option<u32>,
    /// Dead-lettered at or after (RFC 3339, unix ms, or -DURATION ago)
    #[arg(long, allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Dead-lettered at or before (same forms)
    #[arg(long, allow_hyphen_values = true)]
    pub until: Option<String>,
    /// key=GLOB | header:NAME=GLOB | error=GLOB (repeatable)
    #[arg(long)]
    pub filter: Vec<String>,
    /// Replay at most this many messages
    #[arg(long)]
    pub limit: Option<usize>,
    /// At most N messages per second
    #[arg(long, value_name = "N/s")]
    pub rate: Option<String>,
    /// Print the plan; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Copy (leave the DLQ depth as is) instead of move
    #[arg(long)]
    pub copy: bool,
    /// Include messages replayed before
    #[arg(long)]
    pub include_replayed: bool,
    /// Do not ask
    #[arg(long)]
    pub yes: bool,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

fn replay_body(a: &ReplayArgs) -> anyhow::Result<Value> {
    let mut body =
        json!({"dry_run": a.dry_run, "copy": a.copy, "include_replayed": a.include_replayed});
    if let Some(to) = &a.to {
        body["to"] = json!(to);
    }
    for (k, v) in [("since", &a.since), ("until", &a.until)] {
        if let Some(v) = v {
            body[k] = json!(
                super::parse_time_ms(v)
                    .map_err(|e| ExitError::usage_error(format!("--{k}: {e}")))?
                    .to_string()
            );
        }
    }
    if let Some(p) = a.partition {
        body["partition"] = json!(p);
    }
    if let Some(r) = &a.offsets {
        let (from, to) = parse_offset_range(r)?;
        body["offset_from"] = json!(from);
        if let Some(to) = to {
            body["offset_to"] = json!(to);
        }
    }
    for f in &a.filter {
        let Some((what, glob)) = f.split_once('=') else {
            return Err(bad_filter(f));
        };
        match what {
            "key" => body["key"] = json!(glob),
            "error" => body["error"] = json!(glob),
            h if h.starts_with("header:") => body["header"] = json!(format!("{}={glob}", &h[7..])),
            _ => return Err(bad_filter(f)),
        }
    }
    Ok(body)
}

/// `--offsets`: `A:B` as `driftq read` takes a range (B not included; `A:` to the end), or
/// `A-B` (both included). Returns the first and last offset (`None`: no last).
fn parse_offset_range(r: &str) -> anyhow::Result<(u64, Option<u64>)> {
    let bad = || {
        ExitError::usage_error(format!(
            "--offsets {r:?} is not A-B (both included), A:B (B not included) or A:, with A ≤ B"
        ))
    };
    let num = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
    let (from, last) = match (r.split_once(':'), r.split_once('-')) {
        (Some((a, "")), _) => (num(a)?, None),
        (Some((a, b)), _) => {
            let (a, b) = (num(a)?, num(b)?);
            if b <= a {
                return Err(bad());
            }
            (a, Some(b - 1))
        }
        (None, Some((a, b))) => (num(a)?, Some(num(b)?)),
        (None, None) => return Err(bad()),
    };
    if last.is_some_and(|l| l < from) {
        return Err(bad());
    }
    Ok((from, last))
}

fn bad_filter(f: &str) -> anyhow::Error {
    ExitError::usage_error(format!(
        "filter {f:?} is not key=GLOB, header:NAME=GLOB or error=GLOB"
    ))
}

fn parse_rate(s: &str) -> anyhow::Result<u64> {
    let n = s.trim_end_matches("/s").trim();
    let r: u64 = n
        .parse()
        .map_err(|_| ExitError::usage_error("--rate is N/s"))?;
    if r == 0 {
        return Err(ExitError::usage_error("--rate must be at least 1/s"));
    }
    Ok(r)
}

pub fn run(cmd: &DlqCommand, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    match cmd {
        DlqCommand::List(a) => list(a, client, out),
        DlqCommand::Peek(a) => peek(a, client, out),
        DlqCommand::Replay(a) => replay(a, client, out),
    }
}

fn list(a: &ListArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    let rows = client.dlq_list()?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!({ "dlq": rows }))?,
        OutputFormat::Table | OutputFormat::Wide if rows.is_empty() => {
            writeln!(
                out,
                "no dead-letter topics yet (one appears with its first message)"
            )?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let mut t = table(&["source topic", "dlq topic", "depth", "replayed"]);
            for r in &rows {
                t.add_row(vec![
                    r.source_topic.clone(),
                    r.dlq_topic.clone(),
                    r.depth.to_string(),
                    r.replayed.to_string(),
                ]);
            }
            writeln!(out, "{t}")?;
        }
    }
    Ok(exit::OK)
}

fn peek(a: &PeekArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    let msgs = client.dlq_peek(&a.topic, a.max)?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => {
            for m in &msgs {
                writeln!(out, "{}", json!(m))?;
            }
        }
        OutputFormat::Table | OutputFormat::Wide if msgs.is_empty() => {
            writeln!(out, "no dead-lettered messages for {}", a.topic)?;
        }
        OutputFormat::Table | OutputFormat::Wide => writeln!(out, "{}", peek_table(&msgs))?,
    }
    Ok(exit::OK)
}

fn peek_table(msgs: &[StoredMessage]) -> comfy_table::Table {
    let mut t = table(&[
        "dlq offset",
        "origin",
        "attempts",
        "errors",
        "key",
        "value",
        "replayed",
    ]);
    let show = |b: Option<&Bytes>| match b {
        None => "-".to_owned(),
        Some(Bytes::Text(s)) => printable(s.as_bytes()),
        Some(other) => json!(other).to_string(),
    };
    for m in msgs {
        let d = m.dlq.clone().unwrap_or_default();
        t.add_row(vec![
            format!("{}@{}", m.partition, m.offset),
            format!("{}/{}@{}", d.topic, d.partition, d.offset),
            d.attempts.to_string(),
            printable(d.last_error.as_bytes()),
            show(m.key.as_ref()),
            show(m.value.as_ref()).chars().take(40).collect(),
            if m.moved == Some(true) {
                "moved".into()
            } else if m.replayed == Some(true) {
                "copied".into()
            } else {
                "-".into()
            },
        ]);
    }
    t
}

fn replay(a: &ReplayArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    let mut body = replay_body(a)?;
    // Always plan first: the dry run is the preview, and its count sizes the progress bar.
    let mut plan_body = body.clone();
    plan_body["dry_run"] = json!(true);
    if let Some(l) = a.limit {
        plan_body["limit"] = json!(l);
    }
    let plan = client.dlq_replay(&a.topic, &plan_body)?;
    let selected = plan.selected;
    if a.dry_run || selected == 0 {
        show_plan(a, &plan, out)?;
        return Ok(exit::OK);
    }
    confirm(
        a.yes,
        &format!(
            "replay {selected} message{} from the DLQ of {}",
            crate::plural(selected, "s"),
            a.topic
        ),
    )?;
    let rate = a.rate.as_deref().map(parse_rate).transpose()?;
    let pb = colour_ok().then(|| indicatif::ProgressBar::new(selected));
    let (mut replayed, mut failed) = (0u64, 0u64);
    let mut items: Vec<ReplayedItem> = Vec::new();
    let limit = a.limit.map_or(selected, |l| (l as u64).min(selected));
    while replayed + failed < limit {
        let chunk = rate.unwrap_or(limit).min(limit - replayed - failed);
        body["limit"] = json!(chunk);
        let started = Instant::now();
        let r = client.dlq_replay(&a.topic, &body)?;
        let n = r.selected;
        replayed += r.replayed;
        failed += r.failed;
        if a.output.is_table() {
            // Say why each failure failed: "1 failed" alone leaves the operator guessing.
            for it in &r.items {
                if let Some(error) = &it.error {
                    eprintln!(
                        "driftq: {}/{}@{} → {}: {error}",
                        it.dlq_topic, it.dlq_partition, it.dlq_offset, it.target_topic
                    );
                }
            }
        }
        items.extend(r.items);
        if let Some(pb) = &pb {
            pb.inc(n);
        }
        if n == 0 {
            break;
        }
        if rate.is_some()
            && let Some(wait) = Duration::from_secs(1).checked_sub(started.elapsed())
        {
            std::thread::sleep(wait);
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(
            out,
            "{}",
            json!({"selected": selected, "replayed": replayed, "failed": failed, "items": items})
        )?,
        OutputFormat::Table | OutputFormat::Wide => writeln!(
            out,
            "replayed {replayed} of {selected} messages{}",
            if failed > 0 {
                format!(", {failed} failed")
            } else {
                String::new()
            }
        )?,
    }
    Ok(match (replayed, failed) {
        (_, 0) => exit::OK,
        (0, _) => exit::ERROR,
        _ => exit::PARTIAL,
    })
}

/// The replay plan (a dry run, or nothing to replay).
fn show_plan(a: &ReplayArgs, plan: &ReplayReply, out: &mut dyn Write) -> anyhow::Result<()> {
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!(plan))?,
        OutputFormat::Table | OutputFormat::Wide if plan.selected == 0 => {
            writeln!(
                out,
                "nothing to replay: no dead-lettered message of {} matches",
                a.topic
            )?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let mut t = table(&["dlq message", "→ target topic"]);
            for i in &plan.items {
                t.add_row(vec![
                    format!("{}/{}@{}", i.dlq_topic, i.dlq_partition, i.dlq_offset),
                    i.target_topic.clone(),
                ]);
            }
            writeln!(out, "{t}")?;
            writeln!(
                out,
                "{} would be replayed{}",
                plan.selected,
                if a.dry_run {
                    " (dry run: nothing changed)"
                } else {
                    ""
                }
            )?;
        }
    }
    Ok(())
}
