//! Drop-in for DriftQ v1's `driftqd`: its command line, translated to `driftq serve`.
//!
//! DriftQ parsed flags with Go's `flag` package: `-name value`, `-name=value`, `--name value` and
//! `--name=value` all work, and booleans are `-name` or `-name=false`. This module rewrites such a
//! command line into the double-dash flags clap parses, so that
//!
//! - `driftq serve -addr :8080 -max-inflight 4` works as DriftQ's `driftqd -addr :8080 …` did, and
//! - the binary started under the name `driftqd` (a symlink) behaves as `driftq serve`.
//!
//! How DriftQ's flags map (the contract's §7 table):
//!
//! | driftqd | driftq serve |
//! |---|---|
//! | `-addr A` | `--addr A` |
//! | `-wal PATH` | `--data-dir PATH` (driftq keeps a directory; an existing v1 WAL *file* there is refused, pointing at `driftq wal import`) |
//! | `-reset-wal` | `--reset` |
//! | `-log-level L` | `--log-level L` (`warning` → `warn`; unknown → `info`, as DriftQ did) |
//! | `-log-format F` | `--log-format F` (unknown → `text`, as DriftQ did) |
//! | `-wal-sync-interval D` | `0` → `--fsync always`; `D > 0` → `--fsync interval=D` |
//! | `-access-log[=bool]` | `--access-log` when true |
//! | `-max-partition-msgs/-bytes N`, `-max-inflight N` | the same flag; `0` keeps driftq's default |
//! | `-wal-buffer-bytes`, engine, OTel and multi-agent flags | accepted and ignored (warned at start) |
//!
//! Every other `-name` is taken as driftq's own `--name`, so `-data-dir x` works too.

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// A command line ready for clap, and the DriftQ flags it accepted without effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub args: Vec<OsString>,
    /// `-name` of each DriftQ flag that driftq accepts but has no use for.
    pub ignored: Vec<String>,
}

/// DriftQ flags whose values driftq ignores.
const IGNORED_WITH_VALUE: &[&str] = &[
    "wal-buffer-bytes",
    "engine-store",
    "engine-wal",
    "artifacts-dir",
    "multiagent-config",
    "otel-service-name",
    "otel-endpoint",
    "otel-metrics-interval",
];

/// DriftQ boolean flags that driftq ignores.
const IGNORED_BOOLS: &[&str] = &[
    "bootstrap-multiagent-topics",
    "otel-enabled",
    "otel-insecure",
];

/// driftq's own boolean `serve` flags (they never take the next argument as a value).
const OWN_BOOLS: &[&str] = &["reset", "repair", "access-log", "help"];

/// Whether the binary was started under the name `driftqd` (`program` is `argv[0]`).
#[must_use]
pub fn invoked_as_driftqd(program: &OsStr) -> bool {
    Path::new(program)
        .file_stem()
        .is_some_and(|s| s == "driftqd")
}

/// Rewrites `raw` (program name first) when it is a `driftqd` invocation or `serve` with
/// Go-style flags; any other command line comes back unchanged.
///
/// # Errors
/// A message for the user when a DriftQ flag has a value driftq cannot honour.
pub fn command_line(raw: Vec<OsString>) -> Result<CommandLine, String> {
    let program = raw.first().cloned().unwrap_or_default();
    let (head, tail): (Vec<OsString>, &[OsString]) = if invoked_as_driftqd(&program) {
        (vec![program, "serve".into()], raw.get(1..).unwrap_or(&[]))
    } else if raw.get(1).is_some_and(|a| a == "serve") {
        (raw[..2].to_vec(), &raw[2..])
    } else {
        return Ok(CommandLine {
            args: raw,
            ignored: Vec::new(),
        });
    };
    let mut out = CommandLine {
        args: head,
        ignored: Vec::new(),
    };
    translate_serve_flags(tail, &mut out)?;
    Ok(out)
}

fn translate_serve_flags(tail: &[OsString], out: &mut CommandLine) -> Result<(), String> {
    let mut i = 0;
    while i < tail.len() {
        let token = &tail[i];
        i += 1;
        let Some(text) = token.to_str() else {
            out.args.push(token.clone());
            continue;
        };
        if text == "--" {
            out.args.extend(tail[i - 1..].iter().cloned());
            return Ok(());
        }
        let Some(flag) = text
            .strip_prefix("--")
            .or_else(|| text.strip_prefix('-'))
            .filter(|f| f.len() > 1)
        else {
            // Values, `-h`, and anything that is not a long flag go to clap untouched.
            out.args.push(token.clone());
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (flag, None),
        };
        let is_bool = matches!(name, "reset-wal")
            || IGNORED_BOOLS.contains(&name)
            || OWN_BOOLS.contains(&name);
        let value = if is_bool || inline.is_some() {
            inline
        } else if i < tail.len() {
            i += 1;
            Some(tail[i - 1].to_string_lossy().into_owned())
        } else {
            None
        };
        translate_one(name, value, is_bool, out)?;
    }
    Ok(())
}

fn translate_one(
    name: &str,
    value: Option<String>,
    is_bool: bool,
    out: &mut CommandLine,
) -> Result<(), String> {
    let mut push = |flag: &str, value: Option<String>| {
        out.args.push(format!("--{flag}").into());
        if let Some(v) = value {
            out.args.push(v.into());
        }
    };
    match name {
        "wal" => {
            let path = value.ok_or("flag needs an argument: -wal")?;
            if Path::new(&path).is_file() {
                return Err(format!(
                    "{path} is a file (a DriftQ v1 WAL?): driftq keeps a data directory; \
                     import it first with `driftq wal import {path} --data-dir DIR`, then pass -wal DIR"
                ));
            }
            push("data-dir", Some(path));
        }
        "reset-wal" => {
            if go_bool(name, value.as_deref())? {
                push("reset", None);
            }
        }
        "log-level" => {
            let level = value.ok_or("flag needs an argument: -log-level")?;
            let level = match level.to_ascii_lowercase().as_str() {
                "debug" => "debug",
                "warn" | "warning" => "warn",
                "error" => "error",
                _ => "info",
            };
            push("log-level", Some(level.to_owned()));
        }
        "log-format" => {
            let format = value.ok_or("flag needs an argument: -log-format")?;
            let format = if format.eq_ignore_ascii_case("json") {
                "json"
            } else {
                "text"
            };
            push("log-format", Some(format.to_owned()));
        }
        "wal-sync-interval" => {
            let text = value.ok_or("flag needs an argument: -wal-sync-interval")?;
            let ms = go_duration_ms(&text)?;
            let fsync = if ms == 0 {
                "always".to_owned()
            } else {
                format!("interval={ms}ms")
            };
            push("fsync", Some(fsync));
        }
        "max-partition-msgs" | "max-partition-bytes" | "max-inflight"
            if value.as_deref().map(str::trim) == Some("0") =>
        {
            // DriftQ: 0 means the broker's default.
        }
        "access-log" => {
            if go_bool(name, value.as_deref())? {
                push("access-log", None);
            }
        }
        _ if IGNORED_BOOLS.contains(&name) => {
            go_bool(name, value.as_deref())?;
            out.ignored.push(format!("-{name}"));
        }
        _ if IGNORED_WITH_VALUE.contains(&name) => {
            value.ok_or_else(|| format!("flag needs an argument: -{name}"))?;
            out.ignored.push(format!("-{name}"));
        }
        _ if is_bool => match value {
            // driftq's own booleans also take Go's `=false`.
            Some(v) => {
                if go_bool(name, Some(&v))? {
                    push(name, None);
                }
            }
            None => push(name, None),
        },
        _ => push(name, value),
    }
    Ok(())
}

/// Go's `strconv.ParseBool`; a bare flag is true.
fn go_bool(name: &str, value: Option<&str>) -> Result<bool, String> {
    match value {
        None => Ok(true),
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(true),
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(false),
        Some(v) => Err(format!(
            "invalid boolean value {v:?} for -{name}: use true or false"
        )),
    }
}

/// Go's `time.ParseDuration`, rounded down to milliseconds: `0`, `250ms`, `1.5s`, `1m30s`.
fn go_duration_ms(text: &str) -> Result<u64, String> {
    let invalid =
        || format!("invalid duration {text:?} for -wal-sync-interval (e.g. 0, 100ms, 1s)");
    let s = text.trim();
    if s == "0" {
        return Ok(0);
    }
    let mut rest = s;
    let mut total_ms = 0f64;
    if rest.is_empty() {
        return Err(invalid());
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(invalid)?;
        let (number, after) = rest.split_at(number_len);
        let n: f64 = number.parse().map_err(|_| invalid())?;
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let ms_per_unit = match unit {
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3_600e3,
            _ => return Err(invalid()),
        };
        total_ms += n * ms_per_unit;
        rest = after;
    }
    if !total_ms.is_finite() || total_ms < 0.0 {
        return Err(invalid());
    }
    // A positive interval below a millisecond still means "batch the fsyncs": round up to 1 ms.
    let ms = total_ms.floor() as u64;
    Ok(if ms == 0 && total_ms > 0.0 { 1 } else { ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(args: &[&str]) -> Result<CommandLine, String> {
        command_line(args.iter().map(OsString::from).collect())
    }

    fn strings(c: &CommandLine) -> Vec<String> {
        c.args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn other_commands_are_untouched() {
        let c = line(&["driftq", "produce", "-t", "x", "--value", "-addr"]).expect("ok");
        assert_eq!(
            strings(&c),
            ["driftq", "produce", "-t", "x", "--value", "-addr"]
        );
    }

    #[test]
    fn go_style_flags_become_clap_flags() {
        let c = line(&[
            "/usr/bin/driftqd",
            "-addr",
            ":9090",
            "-log-level=warning",
            "--log-format",
            "JSON",
            "-reset-wal",
            "-max-inflight=0",
            "-max-partition-msgs",
            "2",
            "-wal-sync-interval",
            "1m30s",
            "-access-log=false",
            "-otel-enabled",
            "-engine-store",
            "file",
            "-data-dir",
            "/tmp/x",
        ])
        .expect("ok");
        assert_eq!(
            strings(&c),
            [
                "/usr/bin/driftqd",
                "serve",
                "--addr",
                ":9090",
                "--log-level",
                "warn",
                "--log-format",
                "json",
                "--reset",
                "--max-partition-msgs",
                "2",
                "--fsync",
                "interval=90000ms",
                "--data-dir",
                "/tmp/x",
            ]
        );
        assert_eq!(c.ignored, ["-otel-enabled", "-engine-store"]);
    }

    #[test]
    fn serve_accepts_go_style_flags_and_keeps_its_own() {
        let c = line(&["driftq", "serve", "-wal-sync-interval=0", "--repair", "-h"]).expect("ok");
        assert_eq!(
            strings(&c),
            ["driftq", "serve", "--fsync", "always", "--repair", "-h"]
        );
    }

    #[test]
    fn bad_values_are_clear_errors() {
        assert!(line(&["driftqd", "-reset-wal=maybe"]).is_err());
        assert!(line(&["driftqd", "-wal-sync-interval", "soon"]).is_err());
        assert!(line(&["driftqd", "-wal"]).is_err());
        let file = tempfile::NamedTempFile::new().expect("temp file");
        let err = line(&["driftqd", "-wal", &file.path().to_string_lossy()]).expect_err("file");
        assert!(err.contains("data directory"), "{err}");
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration_ms("0"), Ok(0));
        assert_eq!(go_duration_ms("0s"), Ok(0));
        assert_eq!(go_duration_ms("250ms"), Ok(250));
        assert_eq!(go_duration_ms("1.5s"), Ok(1_500));
        assert_eq!(go_duration_ms("1h2m"), Ok(3_720_000));
        assert_eq!(go_duration_ms("500us"), Ok(1));
        assert!(go_duration_ms("").is_err());
        assert!(go_duration_ms("5").is_err());
        assert!(go_duration_ms("5x").is_err());
    }
}
