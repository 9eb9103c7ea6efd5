//! `driftq check`: a monitoring probe in the style of Nagios plugins and `nats server check`.
//! Compares each group's lag, oldest unacked age and dead-letter count with the limits given,
//! prints one line per comparison, and exits with the plugin convention — 0 OK, 1 WARNING (a
//! value past 80 % of its limit), 2 CRITICAL (past the limit, or the server cannot be read) —
//! codes of their own, apart from the other commands' (README, "Exit codes").

use std::io::Write;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::parse_duration;
use crate::OutputFormat;
use driftq_core::api::stats::GroupSummary;

use crate::client::Client;

pub const OK: u8 = 0;
pub const WARNING: u8 = 1;
pub const CRITICAL: u8 = 2;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only groups of this topic
    #[arg(long)]
    pub topic: Option<String>,
    /// Only this group
    #[arg(short, long)]
    pub group: Option<String>,
    /// Most messages a group may be behind
    #[arg(long)]
    pub max_lag: Option<u64>,
    /// Oldest a group's unacked message may be, e.g. 5m
    #[arg(long, value_parser = parse_duration)]
    pub max_oldest: Option<Duration>,
    /// Most messages a group may have dead-lettered
    #[arg(long)]
    pub max_dlq: Option<u64>,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// One comparison: what, of which group, its value and limit, and the verdict.
fn verdict(value: u64, limit: u64) -> u8 {
    if value > limit {
        CRITICAL
    } else if value.saturating_mul(5) > limit.saturating_mul(4) {
        WARNING
    } else {
        OK
    }
}

fn word(code: u8) -> &'static str {
    match code {
        OK => "OK",
        WARNING => "WARNING",
        _ => "CRITICAL",
    }
}

pub fn run(a: &CheckArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    if a.max_lag.is_none() && a.max_oldest.is_none() && a.max_dlq.is_none() {
        return Err(crate::ExitError::usage_error(
            "name at least one limit: --max-lag, --max-oldest or --max-dlq",
        ));
    }
    let stats = match client.stats() {
        Ok(s) => s,
        Err(e) => {
            writeln!(out, "CRITICAL: cannot read the server: {e}")?;
            return Ok(CRITICAL);
        }
    };
    let groups: Vec<GroupSummary> = stats
        .groups
        .into_iter()
        .filter(|g| a.topic.as_deref().is_none_or(|t| g.topic == t))
        .filter(|g| a.group.as_deref().is_none_or(|n| g.group == n))
        .collect();
    if groups.is_empty() && (a.topic.is_some() || a.group.is_some()) {
        writeln!(out, "CRITICAL: no such group to check")?;
        return Ok(CRITICAL);
    }
    let mut rows = Vec::new();
    for g in &groups {
        let name = format!("{}/{}", g.topic, g.group);
        let oldest_ms = g
            .oldest_unacked_age_ms
            .map_or(0, |ms| u64::try_from(ms).unwrap_or(0));
        let limits = [
            ("lag", g.lag, a.max_lag),
            (
                "oldest_ms",
                oldest_ms,
                a.max_oldest
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            ),
            ("dlq", g.dlq, a.max_dlq),
        ];
        for (what, value, limit) in limits {
            if let Some(limit) = limit {
                let code = verdict(value, limit);
                rows.push(json!({"group": name, "check": what, "value": value, "limit": limit, "status": word(code), "code": code}));
            }
        }
    }
    let worst = rows
        .iter()
        .filter_map(|r| r["code"].as_u64())
        .max()
        .map_or(OK, |c| u8::try_from(c).unwrap_or(CRITICAL));
    let count = |c: u8| rows.iter().filter(|r| r["code"] == c).count();
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(
            out,
            "{}",
            json!({"status": word(worst), "code": worst, "checks": rows})
        )?,
        OutputFormat::Table | OutputFormat::Wide => {
            for r in &rows {
                writeln!(
                    out,
                    "{} {} {} {} (limit {})",
                    r["status"].as_str().unwrap_or("?"),
                    r["group"].as_str().unwrap_or("?"),
                    r["check"].as_str().unwrap_or("?"),
                    r["value"],
                    r["limit"]
                )?;
            }
            writeln!(
                out,
                "check {}: {} group{}, {} critical, {} warning, {} ok",
                word(worst),
                groups.len(),
                crate::plural(groups.len() as u64, "s"),
                count(CRITICAL),
                count(WARNING),
                count(OK)
            )?;
        }
    }
    Ok(worst)
}
