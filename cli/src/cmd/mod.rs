//! The client commands. Each takes its clap args, a [`Client`](crate::client::Client), the output format and stdout;
//! returns an exit code. Data goes to stdout, diagnostics to stderr.

pub mod auth;
pub mod check;
pub mod consume;
pub mod context;
pub mod dlq;
pub mod docs;
pub mod group;
pub mod interrupt;
pub mod produce;
pub mod read;
pub mod settle;
pub mod shown;
pub mod status;
pub mod topic;

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::bail;
use comfy_table::{Table, presets};

/// Set by `--no-headers`: tables print their rows alone.
static NO_HEADERS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tables from here on print no header row (`--no-headers`).
pub fn set_no_headers(on: bool) {
    NO_HEADERS.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// A table with the project's look: borders on a terminal; plain columns two spaces apart when
/// stdout is a pipe or a file, so `awk` and `cut` read it (kubectl's and rpk's way).
#[must_use]
/// A table of `rows` under `header`, as [`table`] draws it.
pub fn table_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Table {
    let mut t = table(header);
    for row in rows {
        t.add_row(row);
    }
    t
}

/// One column of a table: its header, and how a row reads in it.
pub type Column<T> = (&'static str, fn(&T) -> String);

/// A table of `rows`, one column per `(header, cell)`.
pub fn columns_table<T>(rows: &[T], columns: &[Column<T>]) -> Table {
    let header: Vec<&str> = columns.iter().map(|(h, _)| *h).collect();
    table_of(
        &header,
        rows.iter()
            .map(|r| columns.iter().map(|(_, cell)| cell(r)).collect()),
    )
}

pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    let plain = !std::io::stdout().is_terminal();
    t.load_style(if plain {
        presets::NOTHING
    } else {
        presets::UTF8_BORDERS_ONLY
    });
    if !colour_ok() {
        t.force_no_tty();
    }
    if !NO_HEADERS.load(std::sync::atomic::Ordering::Relaxed) {
        t.set_header(header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
    }
    t
}

/// True when stderr is a terminal and `NO_COLOR` is unset: progress bars and colour allowed.
#[must_use]
pub fn colour_ok() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Destructive commands need `--yes`; without it they ask on a terminal and refuse otherwise.
pub fn confirm(yes: bool, what: &str) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(crate::ExitError::usage_error(format!(
            "refusing to {what} without --yes (not on a terminal)"
        )));
    }
    eprint!("{what}? [y/N] ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        bail!("cancelled")
    }
}

/// Moves `group` on each partition (or only on `only`) to the offset `at(low, high)` names
/// for the partition's watermarks — Kafka's `--shift-by` relative to its earliest or latest
/// offset. Each partition is moved by its own request, so a producer may append between them.
/// Returns the server's `moved` entries.
pub fn seek_each_partition(
    client: &crate::client::Client,
    topic: &str,
    group: &str,
    only: Option<u32>,
    force: bool,
    at: impl Fn(u64, u64) -> u64,
) -> anyhow::Result<Vec<driftq_core::api::groups::Move>> {
    let described = client.describe_topic(topic)?;
    let mut moved = Vec::new();
    for p in &described.partitions {
        if only.is_some_and(|o| o != p.partition) {
            continue;
        }
        let to = serde_json::json!(at(p.low_watermark, p.high_watermark));
        moved.extend(
            client
                .seek(topic, group, &to, Some(p.partition), force)?
                .moved,
        );
    }
    Ok(moved)
}

/// A `-N` position ("N messages before the end"), if `s` is one; `what` names the flag.
pub fn parse_before_end(s: &str, what: &str) -> anyhow::Result<Option<u64>> {
    let Some(n) = s.strip_prefix('-') else {
        return Ok(None);
    };
    n.parse().map(Some).map_err(|_| {
        crate::ExitError::usage_error(format!("{what} -N needs a number of messages, not {s:?}"))
    })
}

/// Parses a size as people write it: `512`, `10KB`, `64MiB`, `10GiB`, `1.5GB`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("invalid size {s:?}"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1e12,
        "tib" => 1024f64.powi(4),
        other => {
            return Err(format!(
                "invalid size unit {other:?} in {s:?}: use B, KB, KiB, MB, MiB, GB, GiB"
            ));
        }
    };
    Ok((n * mult).round() as u64)
}

/// Parses a duration as people write it: `500ms`, `30s`, `7d`, `1h30m`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim()).map_err(|e| format!("invalid duration {s:?}: {e}"))
}

/// `@<RFC3339 | unix ms | -1h>` → unix ms (relative times count back from now).
pub fn parse_time_ms(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Some(ago) = s.strip_prefix('-') {
        let d = parse_duration(ago)?;
        let now = crate::since_epoch();
        return Ok(i64::try_from(now.saturating_sub(d).as_millis()).unwrap_or(i64::MAX));
    }
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    driftq_core::api::parse_rfc3339_ns(s)
        .map(|ns| ns / 1_000_000)
        .map_err(|e| format!("invalid time {s:?} (RFC3339, unix ms or -DURATION): {e}"))
}

/// Milliseconds as a short human age (`850ms`, `12s`, `3m4s`, `2h`).
#[must_use]
pub fn human_ms(ms: i64) -> String {
    match ms {
        i64::MIN..=999 => format!("{ms}ms"),
        1_000..=59_999 => format!("{}s", ms / 1000),
        60_000..=3_599_999 => format!("{}m{}s", ms / 60_000, (ms / 1000) % 60),
        3_600_000..=86_399_999 => format!("{}h{}m", ms / 3_600_000, (ms / 60_000) % 60),
        _ => format!("{}d{}h", ms / 86_400_000, (ms / 3_600_000) % 24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_written() {
        assert_eq!(parse_size("10GiB"), Ok(10 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("1.5KB"), Ok(1500));
        assert!(parse_size("ten").is_err());
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_time_ms("1700000000000"), Ok(1_700_000_000_000));
        assert_eq!(parse_time_ms("2023-11-14T22:13:20Z"), Ok(1_700_000_000_000));
        assert!(parse_time_ms("-1h").is_ok_and(|t| t > 0));
        assert_eq!(human_ms(125_000), "2m5s");
        assert_eq!(human_ms(3 * 3_600_000 + 60_000), "3h1m");
        assert_eq!(human_ms(7 * 86_400_000 + 3_600_000), "7d1h");
    }
}
