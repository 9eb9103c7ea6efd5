//! `driftq consume TOPIC -g GROUP`: lease messages, print them, ack them (or leave them leased
//! with `--no-ack` for a script to ack later from the JSON lines).

use std::io::Write;

use clap::Args;
use driftq_core::api::consume::ConsumeRequest;
use driftq_core::api::messages::Delivery;
use driftq_core::broker::glob_match;
use serde_json::{Value, json};

use super::interrupt::{INTERRUPTED, Interrupt};
use super::shown::{Shown, render, text};
use super::{parse_before_end, parse_duration, parse_time_ms, seek_each_partition};
use crate::client::Client;
use crate::{ExitError, OutputFormat, exit};

#[derive(Debug, Args)]
pub struct ConsumeArgs {
    /// Topic to consume from
    pub topic: String,
    /// Consumer group: groups consume independently; members of one share the messages
    #[arg(short, long)]
    pub group: String,
    /// Stop after N messages
    #[arg(short = 'n', long, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Keep waiting for new messages (the default unless -n or --until-end)
    #[arg(short, long)]
    pub follow: bool,
    /// Stop when nothing is left to consume
    #[arg(long)]
    pub until_end: bool,
    /// Move the group first: start | end | OFFSET | -N (N before the end) | @TIME
    #[arg(long, allow_hyphen_values = true)]
    pub from: Option<String>,
    /// With --from: move the group even while it holds leases (their acks will fail), as
    /// `group seek --force` does
    #[arg(long, requires = "from")]
    pub force: bool,
    /// Only print matching messages: key=GLOB | header:NAME=GLOB | value=GLOB (repeatable, all must match).
    /// With --ack the others are acked too: the group moves past them, as a filtered tail would
    #[arg(long)]
    pub filter: Vec<String>,
    /// Line template: %t topic %p partition %o offset %k key %v value %h headers %T timestamp %a attempts %e last error.
    /// Keys and values are written as text (the default line escapes control characters and
    /// non-UTF-8 bytes; -o json is byte-exact)
    #[arg(long)]
    pub format: Option<String>,
    /// Ack each message after printing it (the default; kept for scripts that say so)
    #[arg(long, conflicts_with = "no_ack")]
    pub ack: bool,
    /// Leave messages leased: ack them later with `driftq ack --stdin`
    #[arg(long)]
    pub no_ack: bool,
    /// Consumer name that holds the leases [default: <hostname>-<pid>]
    #[arg(long)]
    pub owner: Option<String>,
    /// Lease length
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub lease: std::time::Duration,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

struct Filter {
    kind: FilterKind,
    glob: String,
}

enum FilterKind {
    Key,
    Value,
    Header(String),
}

fn bad_filter(s: &str) -> anyhow::Error {
    ExitError::usage_error(format!(
        "filter {s:?} is not key=GLOB, header:NAME=GLOB or value=GLOB"
    ))
}

fn parse_filter(s: &str) -> anyhow::Result<Filter> {
    let Some((what, glob)) = s.split_once('=') else {
        return Err(bad_filter(s));
    };
    let kind = match what {
        "key" => FilterKind::Key,
        "value" => FilterKind::Value,
        other => match other.strip_prefix("header:") {
            Some(n) if !n.is_empty() => FilterKind::Header(n.to_owned()),
            _ => return Err(bad_filter(s)),
        },
    };
    Ok(Filter {
        kind,
        glob: glob.to_owned(),
    })
}

fn matches(filters: &[Filter], m: &Shown<'_>) -> bool {
    filters.iter().all(|f| match &f.kind {
        FilterKind::Key => m.key().is_some() && glob_match(&f.glob, &text(m.key())),
        FilterKind::Value => glob_match(&f.glob, &text(m.value())),
        FilterKind::Header(name) => m
            .headers()
            .iter()
            .any(|h| h.name == *name && glob_match(&f.glob, &text(Some(&h.value)))),
    })
}

/// Default consumer name: unique per process so two scripts of one group do not share leases.
fn default_owner() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "driftq".into());
    format!("{host}-{}", std::process::id())
}

/// Moves the group to `from` before consuming.
fn seek_from(client: &Client, a: &ConsumeArgs, from: &str) -> anyhow::Result<()> {
    if let Some(n) = parse_before_end(from, "--from")? {
        seek_each_partition(client, &a.topic, &a.group, None, a.force, |low, high| {
            high.saturating_sub(n).max(low)
        })?;
        return Ok(());
    }
    let to = match from {
        "start" | "end" => json!(from),
        t if t.starts_with('@') => json!(format!(
            "@{}",
            parse_time_ms(&t[1..]).map_err(|e| ExitError::usage_error(format!("--from: {e}")))?
        )),
        o => json!(o.parse::<u64>().map_err(|_| ExitError::usage_error(
            "--from must be start, end, OFFSET, -N or @TIME"
        ))?),
    };
    client.seek(&a.topic, &a.group, &to, None, a.force)?;
    Ok(())
}

/// Messages asked for per poll: Kafka's `max.poll.records` default. Larger polls hardly sped up
/// a drain (docs/PERFORMANCE.md) and let one of several consumers of a group take everything
/// that is there.
const POLL_MAX: usize = 500;

pub fn run(a: &ConsumeArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    let filters = a
        .filter
        .iter()
        .map(|f| parse_filter(f))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // What was printed is acked, piped or not (Kafka's tools commit, `nats consumer next`
    // acks); `--no-ack` leaves it leased for a later `ack --stdin`.
    let ack = !a.no_ack;
    let owner = a.owner.clone().unwrap_or_else(default_owner);
    let lease_ms = i64::try_from(a.lease.as_millis())
        .unwrap_or(i64::MAX)
        .max(1);
    if let Some(from) = &a.from {
        seek_from(client, a, from)?;
    }
    let stop_at_end = a.until_end || (a.count.is_some() && !a.follow);
    let interrupt = Interrupt::install();
    let mut printed = 0u64;
    // A batch's ack runs while the next batch is polled and printed (at most one in flight):
    // waiting for each ack's fsync before polling again left the CLI idle for most of a drain.
    // A message is still acked only after it was printed.
    std::thread::scope(|scope| -> anyhow::Result<u8> {
        let mut in_flight = None;
        loop {
            interrupt.waiting();
            if interrupt.interrupted() {
                settle(in_flight)?;
                return Ok(INTERRUPTED);
            }
            let want = a.count.map_or(POLL_MAX, |n| {
                usize::try_from(n - printed)
                    .unwrap_or(POLL_MAX)
                    .min(POLL_MAX)
            });
            let wait = if stop_at_end { 500 } else { 5_000 };
            let req = ConsumeRequest {
                owner: owner.clone(),
                max: Some(want),
                lease_ms: Some(lease_ms),
                wait_ms: Some(wait),
                ..ConsumeRequest::default()
            };
            let msgs = client.poll(&a.topic, &a.group, &req)?;
            if !interrupt.holding() {
                // A signal is ending the process; its handler waits for the ack in flight.
                loop {
                    std::thread::park();
                }
            }
            if msgs.is_empty() {
                if !stop_at_end {
                    continue;
                }
                // The end is an empty poll with no ack of ours pending: an ack still in flight
                // may release more (on a topic ordered by key, the next message of each key).
                match in_flight.take() {
                    Some(pending) => settle(Some(pending))?,
                    None => break,
                }
                continue;
            }
            let mut to_ack = Vec::new();
            let mut done = 0;
            for m in &msgs {
                if interrupt.interrupted() {
                    break;
                }
                let shown = Shown::from(m);
                if matches(&filters, &shown) {
                    match (&a.format, a.output) {
                        (Some(t), _) => writeln!(out, "{}", render(t, &shown, false))?,
                        // Keys in alphabetical order, as `read` and the JSON poll print them.
                        (None, OutputFormat::Json | OutputFormat::Yaml) => {
                            writeln!(out, "{}", serde_json::to_value(m)?)?
                        }
                        (None, OutputFormat::Table | OutputFormat::Wide) => {
                            writeln!(out, "{}", render("%t/%p@%o %k: %v", &shown, true))?
                        }
                    }
                    printed += 1;
                }
                done += 1;
                to_ack.push(json!({"partition": m.partition, "offset": m.offset, "owner": owner}));
            }
            out.flush()?;
            if ack {
                settle(in_flight.take())?;
                let guard = interrupt.ack_in_flight();
                in_flight = Some(scope.spawn(move || {
                    let _counted = guard;
                    client.ack_batch(&a.topic, &a.group, &to_ack)
                }));
            }
            if done < msgs.len() {
                give_back(client, a, &owner, &msgs[done..]);
                settle(in_flight)?;
                return Ok(INTERRUPTED);
            }
            if a.count.is_some_and(|n| printed >= n) {
                break;
            }
        }
        settle(in_flight)?;
        Ok(exit::OK)
    })
}

/// Releases the leases of messages an interrupted consume never printed: not an attempt, and
/// the next consumer gets them at once.
fn give_back(client: &Client, a: &ConsumeArgs, owner: &str, unprinted: &[Delivery<'_>]) {
    let items: Vec<Value> = unprinted
        .iter()
        .map(|m| json!({"partition": m.partition, "offset": m.offset, "attempts": m.attempts}))
        .collect();
    if let Err(e) = client.release(&a.topic, &a.group, owner, &items) {
        eprintln!(
            "driftq: could not give back {} unprinted message{} ({e}); they come back when their leases expire",
            unprinted.len(),
            crate::plural(unprinted.len() as u64, "s")
        );
    }
}

/// Waits for a batch's ack, if one is in flight, and says on stderr when some of it failed.
fn settle(
    ack: Option<
        std::thread::ScopedJoinHandle<
            '_,
            crate::client::ClientResult<driftq_core::api::settle::AckBatchReply>,
        >,
    >,
) -> anyhow::Result<()> {
    let Some(ack) = ack else { return Ok(()) };
    let r = ack
        .join()
        .map_err(|_| anyhow::anyhow!("the ack thread panicked"))??;
    let failed = r.failed;
    if failed > 0 {
        eprintln!(
            "driftq: {failed} ack{} failed (lease{} expired?)",
            crate::plural(failed, "s"),
            crate::plural(failed, "s")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_line_escapes_what_would_break_it_and_keeps_unicode() {
        assert_eq!(
            crate::output::printable(b"a\nb\x1b[31m\xff \xc3\xa9t\xc3\xa9"),
            "a\\nb\\u{1b}[31m\\xff \u{e9}t\u{e9}"
        );
        let m: Delivery<'_> = serde_json::from_value(
            json!({"topic": "t", "partition": 0, "offset": 1, "key": null, "value": {"base64": "AP8KDQl4"}}),
        )
        .expect("delivery");
        assert_eq!(
            render("%v", &Shown::from(&m), true),
            "\\u{0}\\xff\\n\\r\\tx"
        );
    }

    #[test]
    fn templates_and_filters() {
        let m: Delivery<'_> = serde_json::from_value(
            json!({"topic": "t", "partition": 1, "offset": 7, "key": "vip-1", "value": {"base64": "/w=="}, "headers": [{"name": "r", "value": "eu"}], "attempts": 2, "timestamp": "x", "last_error": ""}),
        )
        .expect("delivery");
        assert_eq!(
            render("%t/%p@%o %k %a %h\\t|%%", &Shown::from(&m), false),
            "t/1@7 vip-1 2 r=eu\t|%"
        );
        let f = |s: &str| parse_filter(s).expect("filter");
        let m = Shown::from(&m);
        assert!(matches(&[f("key=vip-*"), f("header:r=e?")], &m));
        assert!(!matches(&[f("key=x*")], &m));
        assert!(parse_filter("bogus").is_err());
    }
}
