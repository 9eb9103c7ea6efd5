//! `driftq topic create|list|describe|delete`.

use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::{confirm, human_ms, parse_duration, parse_size, table_of};
use driftq_core::api::topics::TopicDescription;

use crate::client::Client;
use crate::{OutputFormat, exit};

#[derive(Debug, Subcommand)]
pub enum TopicCommand {
    /// Create a topic.
    Create(CreateArgs),
    /// List topics.
    #[command(visible_alias = "ls")]
    List(OutArgs),
    /// Partitions, watermarks, sizes, retention, groups and DLQ of a topic.
    Describe(NameArgs),
    /// Add partitions to a topic, change its retention limits (the next retention pass applies
    /// them) or its retry policy.
    Alter(AlterArgs),
    /// Delete every message stored so far, keeping the topic, its offsets and its groups.
    Purge(DeleteArgs),
    /// Delete a topic and its data.
    #[command(visible_alias = "rm")]
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct OutArgs {
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Topic name: 1-249 of A-Z a-z 0-9 . _ -
    pub name: String,
    /// Number of partitions (`topic alter --partitions` adds more later)
    #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub partitions: u32,
    /// Delete whole segments older than this (e.g. 7d)
    #[arg(long, value_parser = parse_duration)]
    pub retention_age: Option<std::time::Duration>,
    /// Keep at most this much per partition (e.g. 10GiB)
    #[arg(long, value_parser = parse_size)]
    pub retention_bytes: Option<u64>,
    #[command(flatten)]
    pub retry: RetryArgs,
    /// `key`: each group delivers a key's messages one at a time, in order — a message is
    /// leased only when every earlier message with its key is acked or dead-lettered, and a
    /// failed one is retried before the next (SQS FIFO's message groups). Keyless messages are
    /// not ordered. Chosen at creation only
    #[arg(long, value_enum, default_value_t)]
    pub ordering: OrderingArg,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// How a topic's groups order deliveries (the wire's `ordering`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OrderingArg {
    /// Any ready message may be delivered while others are in flight
    #[default]
    None,
    /// One message per key at a time, in offset order
    Key,
}

/// A topic's ordering as one line (`v`: the topic describe reply).
fn ordering_text(v: &TopicDescription) -> &'static str {
    match v.ordering.as_str() {
        "key" => {
            "by key (a key's next message waits until the one before is acked or dead-lettered)"
        }
        _ => "none (messages of one key may be in flight together)",
    }
}

/// A topic's retry policy: what messages produced without their own get (SQS's redrive
/// policy). A message's own `--max-attempts` wins.
#[derive(Debug, Args)]
pub struct RetryArgs {
    /// Messages produced without a retry policy of their own go to dlq.TOPIC after this many
    /// deliveries (SQS's maxReceiveCount); with alter, `none` removes the policy (they retry
    /// forever again)
    #[arg(long, group = "change", value_parser = attempts_limit)]
    pub max_attempts: Option<NewLimit>,
    /// Under that policy, wait this long before the first redelivery, doubling after (e.g. 500ms)
    #[arg(long, value_parser = parse_duration, requires = "max_attempts")]
    pub backoff: Option<std::time::Duration>,
    /// Under that policy, never wait longer than this between deliveries (e.g. 30s)
    #[arg(long, value_parser = parse_duration, requires = "max_attempts")]
    pub max_backoff: Option<std::time::Duration>,
}

impl RetryArgs {
    /// The `retry_policy` field to send: `None` to leave it out, `Some(null)` to remove it.
    fn json(&self) -> anyhow::Result<Option<Value>> {
        let ms = |d: Option<std::time::Duration>| {
            d.map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        };
        Ok(match self.max_attempts {
            None => None,
            Some(NewLimit(None)) => {
                if self.backoff.is_some() || self.max_backoff.is_some() {
                    return Err(crate::ExitError::usage_error(
                        "--backoff and --max-backoff need a number of attempts, not none",
                    ));
                }
                Some(Value::Null)
            }
            Some(NewLimit(Some(n))) => Some(json!({
                "max_attempts": n,
                "backoff_ms": ms(self.backoff),
                "max_backoff_ms": ms(self.max_backoff),
            })),
        })
    }
}

fn attempts_limit(s: &str) -> Result<NewLimit, String> {
    match s {
        "none" => Ok(NewLimit(None)),
        _ => match s.parse::<u32>() {
            Ok(0) | Err(_) => Err("a number of deliveries, at least 1 (or none)".into()),
            Ok(n) => Ok(NewLimit(Some(u64::from(n)))),
        },
    }
}

/// A topic's retry policy as one line (`v`: the topic describe reply).
fn retry_text(v: &TopicDescription) -> String {
    let Some(p) = v.retry_policy else {
        return "none (messages without their own policy are redelivered until acked)".to_owned();
    };
    let n = p.max_attempts;
    let ms = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let backoff = match (ms(p.backoff_ms), ms(p.max_backoff_ms)) {
        (0, _) => "no backoff".to_owned(),
        (b, 0) => format!("backoff {} doubling", human_ms(b)),
        (b, m) => format!("backoff {} doubling up to {}", human_ms(b), human_ms(m)),
    };
    format!(
        "{n} deliver{}, {backoff}, then {}",
        if n == 1 { "y" } else { "ies" },
        v.dlq
            .as_ref()
            .map_or_else(|| format!("dlq.{}", v.name), |d| d.dlq_topic.clone())
    )
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("change").required(true).multiple(true))]
pub struct AlterArgs {
    /// Topic name
    pub name: String,
    /// Grow the topic to this many partitions (never fewer: removing one would drop its
    /// messages). Keys hash over the new count from then on, so a key's later messages may go
    /// to another partition than its earlier ones
    #[arg(short, long, group = "change", value_parser = clap::value_parser!(u32).range(1..))]
    pub partitions: Option<u32>,
    /// Delete whole segments older than this (e.g. 7d); `none` removes the limit
    #[arg(long, group = "change", value_parser = age_limit)]
    pub retention_age: Option<NewLimit>,
    /// Keep at most this much per partition (e.g. 10GiB); `none` removes the limit
    #[arg(long, group = "change", value_parser = size_limit)]
    pub retention_bytes: Option<NewLimit>,
    #[command(flatten)]
    pub retry: RetryArgs,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// A new value for a limit (milliseconds or bytes), or `None` to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewLimit(pub Option<u64>);

fn age_limit(s: &str) -> Result<NewLimit, String> {
    if s == "none" {
        return Ok(NewLimit(None));
    }
    let ms = parse_duration(s)?.as_millis();
    match u64::try_from(ms) {
        Ok(0) => Err("must be longer than 0 ms (or none)".into()),
        Ok(ms) => Ok(NewLimit(Some(ms))),
        Err(_) => Err("too long".into()),
    }
}

fn size_limit(s: &str) -> Result<NewLimit, String> {
    match s {
        "none" => Ok(NewLimit(None)),
        _ => match parse_size(s)? {
            0 => Err("must be at least 1 byte (or none)".into()),
            n => Ok(NewLimit(Some(n))),
        },
    }
}

/// A topic's retention limits as one line (`v`: the topic describe reply).
fn retention_text(v: &TopicDescription) -> String {
    let age = v
        .retention_age_ms
        .map(|ms| format!("older than {} deleted", human_ms(ms)));
    let size = v
        .retention_bytes
        .map(|b| format!("at most {b} bytes per partition"));
    match (age, size) {
        (None, None) => "none (everything is kept)".to_owned(),
        (Some(a), None) => a,
        (None, Some(s)) => s,
        (Some(a), Some(s)) => format!("{a}, {s}"),
    }
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// Topic name
    pub name: String,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Topic name
    pub name: String,
    /// Do not ask
    #[arg(long)]
    pub yes: bool,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

pub fn run(cmd: &TopicCommand, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    match cmd {
        TopicCommand::Create(a) => create(a, client, out)?,
        TopicCommand::List(a) => list(a, client, out)?,
        TopicCommand::Describe(a) => describe(a, client, out)?,
        TopicCommand::Alter(a) => alter(a, client, out)?,
        TopicCommand::Purge(a) => purge(a, client, out)?,
        TopicCommand::Delete(a) => {
            confirm(a.yes, &format!("delete topic {} and all its data", a.name))?;
            client.delete_topic(&a.name)?;
            match a.output {
                OutputFormat::Json | OutputFormat::Yaml => {
                    writeln!(out, "{}", json!({"deleted": a.name}))?
                }
                OutputFormat::Table | OutputFormat::Wide => {
                    writeln!(out, "deleted topic {}", a.name)?
                }
            }
        }
    }
    Ok(exit::OK)
}

fn create(a: &CreateArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let age = a
        .retention_age
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let v = client.create_topic(
        &a.name,
        a.partitions,
        age,
        a.retention_bytes,
        a.retry.json()?,
        (a.ordering == OrderingArg::Key).then_some("key"),
    )?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!(v))?,
        OutputFormat::Table | OutputFormat::Wide => writeln!(
            out,
            "created topic {} with {} partition{}",
            v.name,
            v.partitions,
            crate::plural(u64::from(v.partitions), "s")
        )?,
    }
    Ok(())
}

fn list(a: &OutArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let topics = client.stats()?.topics;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => {
            let rows: Vec<Value> = topics
                .iter()
                .map(|t| json!({"name": t.name, "partitions": t.partitions.len(), "messages": t.messages, "bytes": t.bytes}))
                .collect();
            writeln!(out, "{}", json!({ "topics": rows }))?;
        }
        OutputFormat::Table | OutputFormat::Wide if topics.is_empty() => {
            writeln!(out, "no topics yet (driftq topic create NAME)")?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let wide = a.output == OutputFormat::Wide;
            let mut header = vec!["topic", "partitions", "messages", "bytes", "groups"];
            if wide {
                header.extend([
                    "produced",
                    "ordering",
                    "retention age",
                    "retention bytes",
                    "max attempts",
                ]);
            }
            let rows = topics.iter().map(|topic| {
                let mut row = vec![
                    topic.name.clone(),
                    topic.partitions.len().to_string(),
                    topic.messages.to_string(),
                    topic.bytes.to_string(),
                    topic.groups.len().to_string(),
                ];
                if wide {
                    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
                    row.extend([
                        topic.produced_messages.to_string(),
                        topic.ordering.clone(),
                        or_dash(topic.retention_age_ms.map(human_ms)),
                        or_dash(topic.retention_bytes.map(|b| b.to_string())),
                        or_dash(topic.retry_policy.map(|p| p.max_attempts.to_string())),
                    ]);
                }
                row
            });
            writeln!(out, "{}", table_of(&header, rows))?;
        }
    }
    Ok(())
}

fn describe(a: &NameArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let v = client.describe_topic(&a.name)?;
    if a.output.is_structured() {
        writeln!(out, "{}", json!(v))?;
        return Ok(());
    }
    writeln!(
        out,
        "topic {}: {} message{}, {} bytes",
        a.name,
        v.messages,
        crate::plural(v.messages, "s"),
        v.bytes
    )?;
    writeln!(out, "retention: {}", retention_text(&v))?;
    writeln!(out, "retry policy: {}", retry_text(&v))?;
    writeln!(out, "ordering: {}", ordering_text(&v))?;
    let t = table_of(
        &["partition", "low", "high", "messages", "bytes", "segments"],
        v.partitions.iter().map(|p| {
            vec![
                p.partition.to_string(),
                p.low_watermark.to_string(),
                p.high_watermark.to_string(),
                p.messages.to_string(),
                p.bytes.to_string(),
                p.segments.to_string(),
            ]
        }),
    );
    writeln!(out, "{t}")?;
    for g in &v.groups {
        writeln!(
            out,
            "group {}: lag {}, inflight {}, dlq {}",
            g.group, g.lag, g.inflight, g.dlq
        )?;
    }
    if let Some(d) = &v.dlq {
        writeln!(out, "dlq {}: depth {}", d.dlq_topic, d.depth)?;
    }
    Ok(())
}

fn alter(a: &AlterArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    let v = client.alter_topic(
        &a.name,
        a.partitions,
        a.retention_age.map(|l| l.0),
        a.retention_bytes.map(|l| l.0),
        a.retry.json()?,
    )?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!(v))?,
        OutputFormat::Table | OutputFormat::Wide => {
            if a.partitions.is_some() {
                writeln!(out, "topic {} partitions: {}", a.name, v.partitions.len())?;
            }
            if a.retention_age.is_some() || a.retention_bytes.is_some() {
                writeln!(out, "topic {} retention: {}", a.name, retention_text(&v))?;
            }
            if a.retry.max_attempts.is_some() {
                writeln!(out, "topic {} retry policy: {}", a.name, retry_text(&v))?;
            }
        }
    }
    Ok(())
}

fn purge(a: &DeleteArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<()> {
    confirm(
        a.yes,
        &format!(
            "delete every message of topic {} (its groups move past them)",
            a.name
        ),
    )?;
    let v = client.purge_topic(&a.name)?;
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{}", json!(v))?,
        OutputFormat::Table | OutputFormat::Wide => writeln!(
            out,
            "purged {} message{} from {}",
            v.purged,
            crate::plural(v.purged, "s"),
            a.name
        )?,
    }
    Ok(())
}
