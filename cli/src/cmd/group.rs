//! `driftq group list|describe|seek|inflight|messages|delete`.

use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::read::Spot;
use super::{columns_table, confirm, human_ms, seek_each_partition, table_of};
use driftq_core::api::Bytes;
use driftq_core::api::debug::MessageStateRow;
use driftq_core::api::stats::GroupSummary;
use driftq_core::broker::inspect::MessageState;

use crate::client::Client;
use crate::output::printable;
use crate::{ExitError, OutputFormat, exit};

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Per-partition view of one group on one topic.
    Describe(GroupArgs),
    /// Who holds which lease, until when, and how many attempts.
    Inflight(GroupArgs),
    /// Messages as the group sees them: queued, in flight, retried (failed, waiting for the
    /// next delivery) or acked, oldest first from the group's position, with attempts and last
    /// error.
    Messages(MessagesArgs),
    /// Move a group's position: start | end | OFFSET | @TIME.
    Seek(SeekArgs),
    /// Forget a group: positions, retries, counters. It stops holding producers back; a
    /// consumer that uses the name again starts from the beginning
    #[command(visible_alias = "rm")]
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Topic the group consumes
    pub topic: String,
    /// Consumer group to delete
    #[arg(short, long)]
    pub group: String,
    /// Delete even while the group holds leases (their acks will fail) or was polled in the
    /// last 30 s (a consumer that polls again starts over from the beginning)
    #[arg(long)]
    pub force: bool,
    /// Do not ask
    #[arg(long)]
    pub yes: bool,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct MessagesArgs {
    /// Topic the group consumes
    pub topic: String,
    /// Consumer group
    #[arg(short, long)]
    pub group: String,
    /// Only messages in this state (dead-lettered: the ones in dlq.TOPIC this group put there)
    #[arg(long, value_enum)]
    pub state: Option<MessageStateArg>,
    /// Only messages leased to this owner
    #[arg(long)]
    pub owner: Option<String>,
    /// At most this many messages
    #[arg(short = 'n', long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub limit: u64,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// A message state as the CLI spells it: DriftQ's name in kebab case (`in-flight`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageStateArg(pub MessageState);

impl clap::ValueEnum for MessageStateArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<Vec<MessageStateArg>> =
            std::sync::LazyLock::new(|| MessageState::ALL.map(MessageStateArg).to_vec());
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(
            self.0.as_str().replace('_', "-"),
        ))
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct GroupArgs {
    /// Topic the group consumes
    pub topic: String,
    /// Consumer group
    #[arg(short, long)]
    pub group: String,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct SeekArgs {
    /// Topic the group consumes
    pub topic: String,
    /// Consumer group to move
    #[arg(short, long)]
    pub group: String,
    /// start | end | N | -N (N before the end) | +N (N after the start) | @TIME (RFC 3339,
    /// unix ms, or -DURATION ago): `driftq read`'s offset grammar, one position
    #[arg(long, allow_hyphen_values = true)]
    pub to: String,
    /// Move only this partition [default: all]
    #[arg(short, long)]
    pub partition: Option<u32>,
    /// Seek even while the group holds leases
    #[arg(long)]
    pub force: bool,
    /// Do not ask
    #[arg(long)]
    pub yes: bool,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

fn age(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".to_owned(), human_ms)
}

/// The stable JSON row of a group (`lag`, `ready`, `inflight`, `oldest_unacked_age_ms`, `dlq`).
fn row(g: &GroupSummary) -> Value {
    json!({
        "topic": g.topic, "group": g.group, "lag": g.lag, "ready": g.ready, "inflight": g.inflight,
        "oldest_unacked_age_ms": g.oldest_unacked_age_ms, "dlq": g.dlq, "acks": g.acks,
        "nacks": g.nacks, "redeliveries": g.redeliveries,
    })
}

pub fn run(cmd: &GroupCommand, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    match cmd {
        GroupCommand::List(a) => list(a, client, out)?,
        GroupCommand::Describe(a) => describe(a, client, out)?,
        GroupCommand::Inflight(a) => inflight(a, client, out)?,
        GroupCommand::Messages(a) => messages(a, client, out)?,
        GroupCommand::Delete(a) => delete(a, client, out)?,
        GroupCommand::Seek(a) => seek(a, client, out)?,
    }
    Ok(exit::OK)
}

fn list(a: &ListArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let groups = client.groups()?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(
            out,
            "{}",
            json!({"groups": groups.iter().map(row).collect::<Vec<_>>()})
        )?,
        OutputFormat::Table | OutputFormat::Wide if groups.is_empty() => {
            writeln!(
                out,
                "no consumer groups yet (one appears with its first consume)"
            )?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let wide = a.output == OutputFormat::Wide;
            let mut header = vec![
                "topic",
                "group",
                "lag",
                "ready",
                "inflight",
                "oldest unacked",
                "dlq",
            ];
            if wide {
                header.extend([
                    "acks",
                    "nacks",
                    "redeliveries",
                    "delayed",
                    "blocked by key",
                    "consumers",
                    "last owner",
                ]);
            }
            let rows = groups.iter().map(|g| {
                let mut row = vec![
                    g.topic.clone(),
                    g.group.clone(),
                    g.lag.to_string(),
                    g.ready.to_string(),
                    g.inflight.to_string(),
                    age(g.oldest_unacked_age_ms),
                    g.dlq.to_string(),
                ];
                if wide {
                    row.extend([
                        g.acks.to_string(),
                        g.nacks.to_string(),
                        g.redeliveries.to_string(),
                        g.delayed.to_string(),
                        g.blocked_by_key.to_string(),
                        g.consumers.len().to_string(),
                        g.last_owner
                            .as_deref()
                            .map_or_else(|| "-".to_owned(), |o| printable(o.as_bytes())),
                    ]);
                }
                row
            });
            writeln!(out, "{}", table_of(&header, rows))?;
        }
    }
    Ok(())
}

fn describe(a: &GroupArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let g = client.describe_group(&a.topic, &a.group)?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => {
            let mut v = json!({
                "topic": g.topic, "group": g.group, "lag": g.lag, "ready": g.ready,
                "inflight": g.inflight, "oldest_unacked_age_ms": g.oldest_unacked_age_ms,
                "dlq": g.dlq, "acks": g.acks, "nacks": g.nacks, "redeliveries": g.redeliveries,
            });
            v["dlq_depth"] = json!(g.dlq_depth);
            v["last_poll_age_ms"] = json!(g.last_poll_age_ms);
            v["last_owner"] = json!(g.last_owner);
            v["delayed"] = json!(g.delayed);
            v["blocked_by_key"] = json!(g.blocked_by_key);
            v["consumers"] = json!(g.consumers);
            v["partitions"] = json!(g.partitions);
            writeln!(out, "{v}")?;
        }
        OutputFormat::Table | OutputFormat::Wide => describe_table(a, &g, out)?,
    }
    Ok(())
}

fn describe_table(a: &GroupArgs, g: &GroupSummary, out: &mut dyn Write) -> anyhow::Result<()> {
    let polled = match (g.last_poll_age_ms, g.last_owner.as_deref()) {
        (Some(age), Some(owner)) => format!(
            ", last polled {} ago by {}",
            human_ms(age),
            printable(owner.as_bytes())
        ),
        _ => ", not polled since the server started".to_owned(),
    };
    // Shown only when there are some: most topics never use produce delays, or key order.
    let delayed = match g.delayed {
        0 => String::new(),
        n => format!(", delayed {n}"),
    };
    let blocked = match g.blocked_by_key {
        0 => String::new(),
        n => format!(", blocked by key {n}"),
    };
    writeln!(
        out,
        "group {} on {}: lag {}, inflight {}{delayed}{blocked}, dlq {} (depth {}){polled}",
        a.group,
        a.topic,
        g.lag,
        g.inflight,
        g.dlq,
        g.dlq_depth.unwrap_or(0)
    )?;
    let t = table_of(
        &[
            "partition",
            "committed",
            "high",
            "lag",
            "ready",
            "inflight",
            "oldest unacked",
            "acks",
            "nacks",
            "redeliveries",
            "dlq",
        ],
        g.partitions.iter().map(|p| {
            vec![
                p.partition.to_string(),
                p.committed.to_string(),
                p.high_watermark.to_string(),
                p.lag.to_string(),
                p.ready.to_string(),
                p.inflight.to_string(),
                age(p.oldest_unacked_age_ms),
                p.acks.to_string(),
                p.nacks.to_string(),
                p.redeliveries.to_string(),
                p.dlq.to_string(),
            ]
        }),
    );
    writeln!(out, "{t}")?;
    if !g.consumers.is_empty() {
        let t = table_of(
            &["consumer", "last poll", "inflight"],
            g.consumers.iter().map(|c| {
                vec![
                    printable(c.owner.as_bytes()),
                    if c.gone {
                        "gone (stream closed)".to_owned()
                    } else {
                        c.last_poll_age_ms
                            .map_or_else(|| "-".to_owned(), |ms| format!("{} ago", human_ms(ms)))
                    },
                    c.inflight.to_string(),
                ]
            }),
        );
        writeln!(out, "{t}")?;
    }
    Ok(())
}

fn inflight(a: &GroupArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let rows = client.inflight(&a.topic, &a.group)?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => {
            writeln!(out, "{}", json!({ "inflight": rows }))?
        }
        OutputFormat::Table | OutputFormat::Wide if rows.is_empty() => {
            writeln!(out, "group {} holds no leases on {}", a.group, a.topic)?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let t = columns_table(
                &rows,
                &[
                    ("partition", |r| r.partition.to_string()),
                    ("offset", |r| r.offset.to_string()),
                    ("owner", |r| r.owner.clone()),
                    ("attempts", |r| r.attempts.to_string()),
                    ("lease left", |r| age(Some(r.lease_remaining_ms))),
                    ("last error", |r| {
                        printable(r.last_error.as_deref().unwrap_or("-").as_bytes())
                    }),
                ],
            );
            writeln!(out, "{t}")?;
        }
    }
    Ok(())
}

fn messages(a: &MessagesArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    // The view shows a group that does not exist as a new one would start (everything
    // queued); a mistyped name should say so instead.
    client.describe_group(&a.topic, &a.group)?;
    // Dead letters live in the DLQ topic; the other states in the topic itself.
    let topic = match a.state {
        Some(MessageStateArg(MessageState::DeadLettered)) => {
            driftq_core::broker::dlq_topic_for(&a.topic)
        }
        _ => a.topic.clone(),
    };
    let rows = client.message_states(
        &topic,
        &a.group,
        a.state.map(|s| s.0.as_str()),
        a.owner.as_deref(),
        a.limit,
    )?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => {
            for r in &rows {
                writeln!(out, "{}", json!(r))?;
            }
        }
        OutputFormat::Table | OutputFormat::Wide if rows.is_empty() => {
            writeln!(out, "no such messages for group {} on {topic}", a.group)?;
        }
        OutputFormat::Table | OutputFormat::Wide => writeln!(out, "{}", message_table(&rows))?,
    }
    Ok(())
}

fn message_table(rows: &[MessageStateRow]) -> comfy_table::Table {
    fn text(v: Option<&String>) -> String {
        v.map_or_else(|| "-".to_owned(), |s| printable(s.as_bytes()))
    }
    // Keys and values that are not UTF-8 come with their exact bytes beside.
    fn bytes(text_form: Option<&String>, raw: Option<&Bytes>) -> String {
        match raw.map(Bytes::to_bytes) {
            Some(Ok(b)) => printable(&b),
            _ => text(text_form),
        }
    }
    columns_table(
        rows,
        &[
            ("partition", |r| r.partition.to_string()),
            ("offset", |r| r.offset.to_string()),
            ("state", |r| r.state.clone()),
            ("attempts", |r| r.attempts.to_string()),
            ("owner", |r| text(r.owner.as_ref())),
            ("last error", |r| text(r.last_error.as_ref())),
            ("key", |r| bytes(r.key.as_ref(), r.key_base64.as_ref())),
            ("value", |r| {
                let value = bytes(r.value.as_ref(), r.value_base64.as_ref());
                value.chars().take(40).collect()
            }),
        ],
    )
}

fn delete(a: &DeleteArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    // The preview: what is forgotten (and a missing group is a 404 before any prompt).
    let g = client.describe_group(&a.topic, &a.group)?;
    confirm(
        a.yes,
        &format!(
            "delete group {} of {} (lag {}, {} lease(s) held)",
            a.group, a.topic, g.lag, g.inflight
        ),
    )?;
    let reply = client.delete_group(&a.topic, &a.group, a.force)?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!(reply))?,
        OutputFormat::Table | OutputFormat::Wide => {
            write!(out, "deleted group {} of {}", a.group, a.topic)?;
            if reply.dropped_leases > 0 {
                write!(out, " ({} lease(s) dropped)", reply.dropped_leases)?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

/// Where `--to` moves the group: a position the server resolves (start, end, an offset, a
/// time), or one relative to each partition's watermarks that the client resolves.
enum SeekTarget {
    Server(Value),
    PerPartition(Spot),
}

/// `--to` in `driftq read`'s offset grammar (one position, no range), and how the preview says it.
fn seek_target(to: &str) -> anyhow::Result<(SeekTarget, String)> {
    let (spot, range_end) = super::read::parse_offset(to).map_err(|_| {
        ExitError::usage_error(format!(
            "--to must be start, end, N, -N, +N or @TIME, not {to:?}"
        ))
    })?;
    if range_end.is_some() {
        return Err(ExitError::usage_error(format!(
            "--to {to:?}: a seek goes to one position, not a range"
        )));
    }
    Ok(match spot {
        Spot::Start => (SeekTarget::Server(json!("start")), "the start".to_owned()),
        Spot::End => (SeekTarget::Server(json!("end")), "the end".to_owned()),
        Spot::At(offset) => (
            SeekTarget::Server(json!(offset)),
            format!("offset {offset}"),
        ),
        Spot::Time(ms) => (
            SeekTarget::Server(json!(format!("@{ms}"))),
            format!(
                "the first message at or after {}",
                driftq_core::api::format_rfc3339_ms(ms)
            ),
        ),
        Spot::BeforeEnd(n) => (
            SeekTarget::PerPartition(spot),
            format!("{n} before the end"),
        ),
        Spot::AfterStart(n) => (
            SeekTarget::PerPartition(spot),
            format!("{n} after the start"),
        ),
    })
}

fn seek(a: &SeekArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let (to, target) = seek_target(&a.to)?;
    // Preview what moves before doing it.
    if let Ok(g) = client.describe_group(&a.topic, &a.group) {
        for p in &g.partitions {
            if a.partition.is_none_or(|x| p.partition == x) {
                eprintln!(
                    "partition {}: committed {} (lag {}) → {target}",
                    p.partition, p.committed, p.lag
                );
            }
        }
    }
    confirm(
        a.yes,
        &format!("move group {} on {} to {}", a.group, a.topic, a.to),
    )?;
    let moved = match to {
        SeekTarget::PerPartition(spot) => {
            let at = move |low: u64, high: u64| match spot {
                Spot::AfterStart(n) => low.saturating_add(n).min(high),
                _ => high.saturating_sub(spot_back(spot)).max(low),
            };
            seek_each_partition(client, &a.topic, &a.group, a.partition, a.force, at)?
        }
        SeekTarget::Server(to) => {
            client
                .seek(&a.topic, &a.group, &to, a.partition, a.force)?
                .moved
        }
    };
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!({ "moved": moved }))?,
        OutputFormat::Table | OutputFormat::Wide => {
            for m in &moved {
                writeln!(out, "partition {}: {} → {}", m.partition, m.from, m.to)?;
            }
        }
    }
    Ok(())
}

/// How many before the end a `-N` spot is (0 for any other).
fn spot_back(spot: Spot) -> u64 {
    match spot {
        Spot::BeforeEnd(n) => n,
        _ => 0,
    }
}
