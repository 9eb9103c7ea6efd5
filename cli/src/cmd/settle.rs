//! `driftq ack`, `driftq nack`, `driftq extend`: settle leases one at a time, or many from the
//! JSON lines `consume -o json --no-ack` printed (`--stdin`), acked in batches.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::{Value, json};

use super::parse_duration;
use crate::client::{Client, Lease};
use crate::{OutputFormat, exit};

#[derive(Debug, Args)]
pub struct SettleArgs {
    /// Topic (not needed with --stdin)
    pub topic: Option<String>,
    #[arg(short, long)]
    pub group: Option<String>,
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(short, long)]
    pub partition: Option<u32>,
    #[arg(long)]
    pub offset: Option<u64>,
    /// Read the messages to settle from stdin, as `consume -o json` prints them
    #[arg(long)]
    pub stdin: bool,
    /// Why (nack only)
    #[arg(long)]
    pub reason: Option<String>,
    /// Redeliver after this long instead of the backoff (nack only)
    #[arg(long, value_parser = parse_duration)]
    pub delay: Option<std::time::Duration>,
    /// New lease length (extend only)
    #[arg(long, value_parser = parse_duration, default_value = "30s")]
    pub lease: std::time::Duration,
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Ack,
    Nack,
    Extend,
}

fn one(a: &SettleArgs) -> anyhow::Result<Lease> {
    let missing = |what: &str| anyhow::anyhow!("{what} is required (or use --stdin)");
    Ok(Lease {
        topic: a.topic.clone().ok_or_else(|| missing("TOPIC"))?,
        group: a.group.clone().ok_or_else(|| missing("--group"))?,
        owner: a.owner.clone().ok_or_else(|| missing("--owner"))?,
        partition: a.partition.ok_or_else(|| missing("--partition"))?,
        offset: a.offset.ok_or_else(|| missing("--offset"))?,
    })
}

pub fn run(verb: Verb, a: &SettleArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    if !a.stdin {
        let lease = one(a)?;
        let word = match verb {
            Verb::Ack => {
                client.ack(&lease)?;
                "acked".to_owned()
            }
            Verb::Nack => {
                let delay = a
                    .delay
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                client.nack(&lease, a.reason.as_deref().unwrap_or("nack"), delay)?;
                "nacked".to_owned()
            }
            Verb::Extend => {
                let deadline = client.extend(
                    &lease,
                    i64::try_from(a.lease.as_millis()).unwrap_or(i64::MAX),
                )?;
                format!(
                    "extended to {}",
                    driftq_core::api::format_rfc3339_ms(deadline)
                )
            }
        };
        match a.output {
            OutputFormat::Json => writeln!(
                out,
                "{}",
                json!({"topic": lease.topic, "partition": lease.partition, "offset": lease.offset, "result": word})
            )?,
            OutputFormat::Table => writeln!(
                out,
                "{word} {}/{}@{}",
                lease.topic, lease.partition, lease.offset
            )?,
        }
        return Ok(exit::OK);
    }
    if verb == Verb::Extend {
        bail!("extend --stdin is not supported; extend leases one by one");
    }
    // Group lines by (topic, group) and settle each group's messages in batches.
    let mut pending: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut flush = |key: &(String, String),
                     items: &mut Vec<Value>,
                     out: &mut dyn Write|
     -> anyhow::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let r = client.ack_batch(&key.0, &key.1, items)?;
        ok += r["acked"].as_u64().unwrap_or(0);
        failed += r["failed"].as_u64().unwrap_or(0);
        for (item, res) in items
            .iter()
            .zip(r["results"].as_array().cloned().unwrap_or_default())
        {
            if let Some(msg) = res["message"].as_str() {
                eprintln!(
                    "driftq: {}/{}@{}: {msg}",
                    key.0, item["partition"], item["offset"]
                );
            }
        }
        if a.output == OutputFormat::Json {
            writeln!(
                out,
                "{}",
                json!({"topic": key.0, "group": key.1, "acked": r["acked"], "failed": r["failed"]})
            )?;
        }
        items.clear();
        Ok(())
    };
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("cannot read stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let m: Value =
            serde_json::from_str(&line).with_context(|| format!("line {}: not JSON", i + 1))?;
        let topic = m["topic"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| a.topic.clone())
            .with_context(|| format!("line {}: no topic", i + 1))?;
        let group = m["group"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| a.group.clone())
            .with_context(|| format!("line {}: no group", i + 1))?;
        let owner = m["owner"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| a.owner.clone())
            .with_context(|| format!("line {}: no owner", i + 1))?;
        let mut item = json!({"partition": m["partition"], "offset": m["offset"], "owner": owner});
        if verb == Verb::Nack {
            item["nack"] = json!(true);
            item["reason"] = json!(a.reason.as_deref().unwrap_or("nack"));
        }
        let key = (topic, group);
        let items = pending.entry(key.clone()).or_default();
        items.push(item);
        if items.len() >= 500 {
            let mut batch = std::mem::take(items);
            flush(&key, &mut batch, out)?;
        }
    }
    for (key, mut items) in std::mem::take(&mut pending) {
        flush(&key, &mut items, out)?;
    }
    if a.output == OutputFormat::Table {
        let word = if verb == Verb::Ack { "acked" } else { "nacked" };
        writeln!(
            out,
            "{word} {ok} messages{}",
            if failed > 0 {
                format!(", {failed} failed")
            } else {
                String::new()
            }
        )?;
    }
    Ok(match (ok, failed) {
        (_, 0) => exit::OK,
        (0, _) => exit::ERROR,
        _ => exit::PARTIAL,
    })
}
