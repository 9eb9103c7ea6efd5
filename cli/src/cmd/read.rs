//! `driftq read TOPIC`: read partitions by offset, as `kcat -C` and `rpk topic consume` without a
//! group do. Joins no group, takes no lease, so it never shows in lag or backpressure.
//!
//! Where to read, per partition (`--offset`, rpk's grammar):
//!
//! | spec | means |
//! |---|---|
//! | `start` / `end` | the partition's first stored offset / its end (what is produced next) |
//! | `N` | offset N |
//! | `-N` | N before the end |
//! | `+N` | N after the start |
//! | `@TIME` | the first message at or after TIME (RFC 3339, unix ms, or `-1h` for an hour ago) |
//! | `A:B` | from A up to B, B not included (each side any of the above; `A:` = to the end) |
//!
//! Without `--follow` a read stops at the end the partition had when it started; with it, it
//! waits for new messages.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use driftq_core::api::messages::{MessageList, StoredMessage};

use super::parse_time_ms;
use super::shown::render;
use crate::client::Client;
use crate::{ExitError, OutputFormat, exit};

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Topic to read
    pub topic: String,
    /// Only this partition (repeatable) [default: all]
    #[arg(short, long)]
    pub partition: Vec<u32>,
    /// Where to start (and stop): start | end | N | -N | +N | @TIME, or a range A:B
    #[arg(long, default_value = "start", allow_hyphen_values = true)]
    pub offset: String,
    /// Stop after N messages
    #[arg(short = 'n', long, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Keep waiting for new messages past the end
    #[arg(short, long, conflicts_with = "count")]
    pub follow: bool,
    /// Line template, as `consume --format` takes it (%t %p %o %k %v %h %T)
    #[arg(long)]
    pub format: Option<String>,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// One side of an offset spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    Start,
    End,
    At(u64),
    BeforeEnd(u64),
    AfterStart(u64),
    Time(i64),
}

/// Parses an offset spec: a spot, or a range `A:B` (`A:` reads to the end).
pub fn parse_offset(spec: &str) -> anyhow::Result<(Spot, Option<Spot>)> {
    let bad = || {
        ExitError::usage_error(format!(
            "--offset {spec:?}: use start, end, N, -N, +N, @TIME, or a range A:B"
        ))
    };
    let spot = |s: &str| -> anyhow::Result<Spot> {
        Ok(match s {
            "start" => Spot::Start,
            "end" => Spot::End,
            _ if s.starts_with('@') => {
                Spot::Time(parse_time_ms(&s[1..]).map_err(ExitError::usage_error)?)
            }
            _ if s.starts_with('-') => Spot::BeforeEnd(s[1..].parse().map_err(|_| bad())?),
            _ if s.starts_with('+') => Spot::AfterStart(s[1..].parse().map_err(|_| bad())?),
            _ => Spot::At(s.parse().map_err(|_| bad())?),
        })
    };
    // An RFC 3339 time holds colons: after one, a range goes on at `:@`, `:start`, `:end`,
    // `:+`, `:-` or a trailing `:`; anything else splits at its first colon.
    let rfc3339 = spec.starts_with('@') && spec.contains('T');
    let split = if rfc3339 {
        [":@", ":start", ":end", ":+", ":-"]
            .iter()
            .filter_map(|pat| spec.find(pat))
            .min()
            .or_else(|| spec.ends_with(':').then(|| spec.len() - 1))
    } else {
        spec.find(':')
    };
    match split {
        None => Ok((spot(spec)?, None)),
        Some(i) if i + 1 == spec.len() => Ok((spot(&spec[..i])?, Some(Spot::End))),
        Some(i) => Ok((spot(&spec[..i])?, Some(spot(&spec[i + 1..])?))),
    }
}

/// The offset a spot names in a partition holding `low..high`.
fn resolve(
    client: &Client,
    topic: &str,
    partition: u32,
    spot: &Spot,
    (low, high): (u64, u64),
) -> anyhow::Result<u64> {
    Ok(match spot {
        Spot::Start => low,
        Spot::End => high,
        Spot::At(n) => *n,
        Spot::BeforeEnd(n) => high.saturating_sub(*n).max(low),
        Spot::AfterStart(n) => low.saturating_add(*n).min(high),
        Spot::Time(ms) => {
            let path =
                format!("/v1/topics/{topic}/partitions/{partition}/messages?timestamp={ms}&max=1");
            let first: MessageList = client.get_as(&path)?;
            first.messages.first().map_or(high, |m| m.offset)
        }
    })
}

pub fn run(a: &ReadArgs, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    let (from, to) = parse_offset(&a.offset)?;
    let topic = client.describe_topic(&a.topic)?;
    let mut cursors = Vec::new();
    for p in &topic.partitions {
        let partition = p.partition;
        if !a.partition.is_empty() && !a.partition.contains(&partition) {
            continue;
        }
        let marks = (p.low_watermark, p.high_watermark);
        let start = resolve(client, &a.topic, partition, &from, marks)?;
        let stop = match (&to, a.follow) {
            (Some(t), _) => Some(resolve(client, &a.topic, partition, t, marks)?),
            (None, true) => None,
            (None, false) => Some(marks.1),
        };
        cursors.push((partition, start, stop));
    }
    if let Some(&p) = a
        .partition
        .iter()
        .find(|p| !cursors.iter().any(|c| c.0 == **p))
    {
        return Err(ExitError::not_found(format!("{} has no partition {p}", a.topic)).into());
    }
    let mut printed = 0u64;
    loop {
        let mut progressed = false;
        for (partition, next, stop) in &mut cursors {
            if stop.is_some_and(|s| *next >= s) {
                continue;
            }
            let want = stop.map_or(500, |s| (s - *next).min(500));
            let path = format!(
                "/v1/topics/{}/partitions/{partition}/messages?offset={next}&max={want}",
                a.topic
            );
            let reply: MessageList = client.get_as(&path)?;
            for m in &reply.messages {
                let offset = m.offset;
                if stop.is_some_and(|s| offset >= s) {
                    break;
                }
                print(a, m, out)?;
                *next = offset + 1;
                progressed = true;
                printed += 1;
                if a.count.is_some_and(|n| printed >= n) {
                    out.flush()?;
                    return Ok(exit::OK);
                }
            }
        }
        out.flush()?;
        let done = cursors
            .iter()
            .all(|(_, next, stop)| stop.is_some_and(|s| *next >= s));
        if done {
            return Ok(exit::OK);
        }
        if !progressed {
            // Following (or a stop past the end): wait for more.
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn print(a: &ReadArgs, m: &StoredMessage, out: &mut dyn Write) -> anyhow::Result<()> {
    match (&a.format, a.output) {
        (Some(t), _) => writeln!(out, "{}", render(t, &m.into(), false))?,
        (None, OutputFormat::Json | OutputFormat::Yaml) => {
            writeln!(out, "{}", serde_json::to_string(m)?)?
        }
        (None, OutputFormat::Table | OutputFormat::Wide) => {
            writeln!(out, "{}", render("%t/%p@%o %k: %v", &m.into(), true))?
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_grammar() {
        let p = |s: &str| parse_offset(s).expect(s);
        assert_eq!(p("start"), (Spot::Start, None));
        assert_eq!(p("end"), (Spot::End, None));
        assert_eq!(p("42"), (Spot::At(42), None));
        assert_eq!(p("-5"), (Spot::BeforeEnd(5), None));
        assert_eq!(p("+5"), (Spot::AfterStart(5), None));
        assert_eq!(p("3:7"), (Spot::At(3), Some(Spot::At(7))));
        assert_eq!(p("start:+10"), (Spot::Start, Some(Spot::AfterStart(10))));
        assert_eq!(p("-10:"), (Spot::BeforeEnd(10), Some(Spot::End)));
        assert_eq!(p("@1700000000000"), (Spot::Time(1_700_000_000_000), None));
        assert_eq!(
            p("@2023-11-14T22:13:20Z:@1700000001000"),
            (
                Spot::Time(1_700_000_000_000),
                Some(Spot::Time(1_700_000_001_000))
            )
        );
        for bad in ["", "soon", "-x", "1:2:3", "@yesterday"] {
            assert!(parse_offset(bad).is_err(), "{bad}");
        }
    }
}
