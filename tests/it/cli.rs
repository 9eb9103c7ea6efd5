//! The operator CLI against a real server: every command's happy path, error path and JSON
//! shape; the scripting and DLQ scenarios; the lossless consume → produce round trip; generated
//! completions and man pages are up to date; help snapshots.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::server::Server;
use crate::support::driftq;

fn cli(s: &Server) -> assert_cmd::Command {
    let mut c = driftq();
    c.args(["--url", &s.url]);
    c
}

fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn stdout_json(a: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&a.get_output().stdout).expect("json stdout")
}

/// Leases one message of `topic` to `group` with `consume` and nacks it with `reason` from the
/// JSON line, as a script would.
fn consume_one_and_nack(s: &Server, topic: &str, group: &str, reason: &str) {
    let a = cli(s)
        .args([
            "consume", topic, "-g", group, "-n", "1", "--no-ack", "-o", "json",
        ])
        .assert()
        .success();
    cli(s)
        .args(["nack", "--stdin", "--reason", reason])
        .write_stdin(a.get_output().stdout.clone())
        .assert()
        .success();
}

fn lag(s: &Server, topic: &str, group: &str) -> u64 {
    let a = cli(s)
        .args(["group", "describe", topic, "-g", group, "-o", "json"])
        .assert()
        .success();
    stdout_json(&a)["lag"].as_u64().expect("lag")
}

#[test]
fn topic_commands_happy_and_error_paths() {
    let s = Server::start(&[]);
    topic_lists_creates_and_describes(&s);
}

/// Empty lists say so; create, list and describe in both formats.
fn topic_lists_creates_and_describes(s: &Server) {
    // Empty lists say so instead of printing a bare header.
    cli(s)
        .args(["topic", "ls"])
        .assert()
        .success()
        .stdout("no topics yet (driftq topic create NAME)\n");
    cli(s)
        .args(["group", "ls"])
        .assert()
        .success()
        .stdout("no consumer groups yet (one appears with its first consume)\n");
    cli(s)
        .args(["dlq", "ls"])
        .assert()
        .success()
        .stdout("no dead-letter topics yet (one appears with its first message)\n");
    cli(s)
        .args([
            "topic",
            "create",
            "orders",
            "-p",
            "3",
            "--retention-age",
            "7d",
            "--retention-bytes",
            "1GiB",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created topic orders with 3 partitions",
        ));
    cli(s)
        .args(["topic", "create", "single"])
        .assert()
        .success()
        .stdout("created topic single with 1 partition\n");
    let a = cli(s)
        .args(["topic", "ls", "-o", "json"])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["topics"][0]["name"], "orders");
    assert_eq!(stdout_json(&a)["topics"][0]["partitions"], 3);
    let a = cli(s)
        .args(["topic", "describe", "orders", "-o", "json"])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["retention_age_ms"], 7 * 86_400_000);
    cli(s)
        .args(["topic", "describe", "orders"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "retention: older than 7d0h deleted, at most 1073741824 bytes per partition",
        ));
    topic_alter_retention_and_partitions(s);
}

/// `topic alter`: retention, partitions, and the values it refuses.
fn topic_alter_retention_and_partitions(s: &Server) {
    cli(s)
        .args(["topic", "alter", "orders", "--retention-age", "none"])
        .assert()
        .success()
        .stdout("topic orders retention: at most 1073741824 bytes per partition\n");
    let a = cli(s)
        .args([
            "topic",
            "alter",
            "orders",
            "--retention-bytes",
            "none",
            "-o",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(
        (
            stdout_json(&a)["retention_age_ms"].clone(),
            stdout_json(&a)["retention_bytes"].clone()
        ),
        (Value::Null, Value::Null)
    );
    for bad in [
        &["topic", "alter", "orders"][..],
        &["topic", "alter", "orders", "--retention-age", "0s"],
        &["topic", "alter", "orders", "--retention-bytes", "lots"],
    ] {
        cli(s).args(bad).assert().code(2);
    }
    cli(s)
        .args(["topic", "alter", "nope", "--retention-age", "1d"])
        .assert()
        .code(4);
    cli(s)
        .args(["topic", "alter", "orders", "--partitions", "5"])
        .assert()
        .success()
        .stdout("topic orders partitions: 5\n");
    cli(s)
        .args(["topic", "alter", "orders", "-p", "2"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "topic orders has 5 partitions; partitions can be added, never removed",
        ));
    cli(s)
        .args(["topic", "alter", "orders", "-p", "0"])
        .assert()
        .code(2);
    topic_retry_policy_set_shown_removed(s);
    topic_purge_asks_and_keeps_offsets(s);
}

/// A topic's retry policy: set, shown, removed; backoff flags need a number of attempts.
fn topic_retry_policy_set_shown_removed(s: &Server) {
    // A topic's retry policy: set, shown, removed; backoff flags need a number of attempts.
    cli(s)
        .args([
            "topic",
            "create",
            "jobs",
            "--max-attempts",
            "3",
            "--backoff",
            "500ms",
            "--max-backoff",
            "30s",
        ])
        .assert()
        .success();
    cli(s)
        .args(["topic", "describe", "jobs"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "retry policy: 3 deliveries, backoff 500ms doubling up to 30s, then dlq.jobs",
        ));
    cli(s)
        .args(["topic", "alter", "jobs", "--max-attempts", "none"])
        .assert()
        .success()
        .stdout(predicate::str::contains("topic jobs retry policy: none"));
    for bad in [
        &["topic", "alter", "jobs", "--backoff", "1s"][..],
        &["topic", "alter", "jobs", "--max-attempts", "0"],
        &[
            "topic",
            "alter",
            "jobs",
            "--max-attempts",
            "none",
            "--backoff",
            "1s",
        ],
    ] {
        cli(s).args(bad).assert().code(2);
    }
}

/// Purge: asks, then deletes every message and keeps the topic and its offsets.
fn topic_purge_asks_and_keeps_offsets(s: &Server) {
    // Purge: asks, then deletes every message and keeps the topic and its offsets.
    cli(s)
        .args(["produce", "single"])
        .write_stdin("a\nb\nc\n")
        .assert()
        .success();
    cli(s)
        .args(["topic", "purge", "single"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("without --yes"));
    cli(s)
        .args(["topic", "purge", "single", "--yes"])
        .assert()
        .success()
        .stdout("purged 3 messages from single\n");
    let a = cli(s)
        .args(["topic", "describe", "single", "-o", "json"])
        .assert()
        .success();
    let p0 = &stdout_json(&a)["partitions"][0];
    assert_eq!(
        (p0["low_watermark"].clone(), p0["high_watermark"].clone()),
        (json!(3), json!(3))
    );
    cli(s)
        .args(["topic", "create", "orders"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    cli(s).args(["topic", "describe", "nope"]).assert().code(4);
    cli(s)
        .args(["topic", "create", "x", "--retention-bytes", "lots"])
        .assert()
        .code(2);
    cli(s)
        .args(["topic", "rm", "orders"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("without --yes"));
    cli(s)
        .args(["topic", "rm", "orders", "--yes"])
        .assert()
        .success();
    cli(s)
        .args(["topic", "describe", "orders"])
        .assert()
        .code(4);
    driftq()
        .args(["--url", "http://127.0.0.1:9", "topic", "ls"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot reach driftq at http://127.0.0.1:9",
        ));
}

#[test]
fn produce_consume_with_envelope_filters_formats_and_positions() {
    let s = Server::start(&[]);
    cli(&s).args(["topic", "create", "t"]).assert().success();
    let a = cli(&s)
        .args([
            "produce",
            "t",
            "hello",
            "-k",
            "vip-1",
            "-H",
            "region=eu",
            "-H",
            "region=us",
            "--tenant",
            "acme",
            "--max-attempts",
            "3",
            "--backoff",
            "500ms",
            "--deadline",
            "+1h",
            "-o",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["offset"], 0);
    cli(&s)
        .args(["produce", "t", "-k", "k"])
        .write_stdin("a\nb\nc\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("produced 3 messages"));
    cli(&s).args(["topic", "create", "one"]).assert().success();
    cli(&s)
        .args(["produce", "one"])
        .write_stdin("only\n")
        .assert()
        .success()
        .stdout("produced 1 message to one\n");
    produce_stops_at_a_bad_line(&s);
    group_views_list_and_describe(&s);
    group_delete_asks_refuses_while_leases_are_held_and_force_drops_them(&s);
    group_seek_before_the_end_and_bad_values(&s);
}

/// A bad line stops the input; what came before it is produced, and the error says so.
fn produce_stops_at_a_bad_line(s: &Server) {
    // A bad line stops the input; what came before it is produced, and the error says so.
    cli(s)
        .args(["topic", "create", "partial"])
        .assert()
        .success();
    cli(s)
        .args(["produce", "partial", "--input", "json"])
        .write_stdin("{\"value\":\"a\"}\n{\"value\":\"b\"}\nnot json\n{\"value\":\"c\"}\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "2 messages before it produced, nothing after it sent: line 3: not a message",
        ));
    let a = cli(s)
        .args(["topic", "describe", "partial", "-o", "json"])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["partitions"][0]["high_watermark"], 2);
    cli(s)
        .args(["topic", "create", "dedupe"])
        .assert()
        .success();
    cli(s)
        .args(["produce", "dedupe", "--idempotency-key", "once"])
        .write_stdin("a\nb\nc\n")
        .assert()
        .success()
        .stdout("produced 3 messages to dedupe (2 already written: same idempotency key)\n");
    cli(s)
        .args(["produce", "t", "late", "--deadline", "-1h"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("deadline exceeded"));
    consume_formats_and_fields(s);
    consume_from_moves_the_group(s);
}

/// `consume` in its output formats, with the fields a delivery carries.
fn consume_formats_and_fields(s: &Server) {
    let a = cli(s)
        .args([
            "consume",
            "t",
            "-g",
            "g",
            "--until-end",
            "--no-ack",
            "-o",
            "json",
        ])
        .assert()
        .success();
    let msgs = json_lines(&a.get_output().stdout);
    assert_eq!(msgs.len(), 4);
    assert_eq!(
        msgs[0]["headers"],
        json!([{"name": "region", "value": "eu"}, {"name": "region", "value": "us"}])
    );
    assert_eq!(msgs[0]["envelope"]["tenant_id"], "acme");
    assert_eq!(
        msgs[0]["envelope"]["retry_policy"],
        json!({"max_attempts": 3, "backoff_ms": 500})
    );
    for field in [
        "topic",
        "partition",
        "offset",
        "attempts",
        "key",
        "headers",
        "value",
        "owner",
        "group",
    ] {
        assert!(!msgs[0][field].is_null(), "{field} in {}", msgs[0]);
    }
    let a = cli(s)
        .args([
            "consume",
            "t",
            "-g",
            "g2",
            "--until-end",
            "--ack",
            "--filter",
            "key=vip-*",
            "--format",
            "%p/%o %k=%v [%h] a%a",
        ])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout).trim(),
        "0/0 vip-1=hello [region=eu,region=us] a1"
    );
}

/// `--from` moves the group: -1 re-reads the last message only.
fn consume_from_moves_the_group(s: &Server) {
    // --from moves the group: -1 re-reads the last message only.
    let a = cli(s)
        .args([
            "consume", "t", "-g", "g2", "--from", "-1", "-n", "1", "--format", "%v",
        ])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&a.get_output().stdout).trim(), "c");
    cli(s)
        .args(["consume", "t", "-g", "g3", "--from", "end", "--until-end"])
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    cli(s)
        .args(["consume", "nope", "-g", "g", "-n", "1"])
        .assert()
        .code(4);
    // Producing to a missing topic is "not found" too, one message or many: one line on stderr,
    // nothing on stdout.
    cli(s)
        .args(["produce", "nope", "x"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("topic nope does not exist"));
    cli(s)
        .args(["produce", "nope"])
        .write_stdin("x\ny\n")
        .assert()
        .code(4)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("topic nope does not exist"));
    cli(s)
        .args(["consume", "t", "-g", "g", "--filter", "bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not key=GLOB"));
    for (flag, bad) in [
        ("--from", "sometime"),
        ("--from", "-x"),
        ("--from", "@yesterday"),
    ] {
        cli(s)
            .args(["consume", "t", "-g", "g", "-n", "1", flag, bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(flag));
    }
}

/// `group list` and `group describe`, table and JSON.
fn group_views_list_and_describe(s: &Server) {
    // Group views.
    let a = cli(s)
        .args(["group", "list", "-o", "json"])
        .assert()
        .success();
    let g = stdout_json(&a)["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["group"] == "g")
        .cloned()
        .expect("g");
    for f in ["lag", "ready", "inflight", "oldest_unacked_age_ms", "dlq"] {
        assert!(g.get(f).is_some(), "{f}");
    }
    assert_eq!(g["inflight"], 4);
    let a = cli(s)
        .args(["group", "inflight", "t", "-g", "g", "-o", "json"])
        .assert()
        .success();
    assert_eq!(
        stdout_json(&a)["inflight"].as_array().map(Vec::len),
        Some(4)
    );
    cli(s)
        .args(["group", "seek", "t", "-g", "g", "--to", "start", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("→ the start"))
        .stderr(predicate::str::contains("holds 4 leases"));
}

/// Delete: asks (refuses off a terminal), refuses while leases are held, forced drops them.
fn group_delete_asks_refuses_while_leases_are_held_and_force_drops_them(s: &Server) {
    // Delete: asks (refuses off a terminal), refuses while leases are held, forced drops them.
    let _ = cli(s)
        .args(["consume", "t", "-g", "doomed", "-n", "2", "--no-ack"])
        .assert()
        .success();
    cli(s)
        .args(["group", "describe", "t", "-g", "doomed"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ago by "));
    cli(s)
        .args(["group", "delete", "t", "-g", "doomed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 lease(s) held"));
    cli(s)
        .args(["group", "rm", "t", "-g", "doomed", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds 2 leases"));
    let a = cli(s)
        .args([
            "group", "delete", "t", "-g", "doomed", "--yes", "--force", "-o", "json",
        ])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["dropped_leases"], 2);
    let _ = cli(s)
        .args(["consume", "t", "-g", "idle", "-n", "1", "--ack"])
        .assert()
        .success();
    cli(s)
        .args(["group", "inflight", "t", "-g", "idle"])
        .assert()
        .success()
        .stdout("group idle holds no leases on t\n");
    cli(s)
        .args(["group", "delete", "t", "-g", "doomed", "--yes"])
        .assert()
        .code(4);
    cli(s)
        .args([
            "group",
            "seek",
            "t",
            "-g",
            "g",
            "--to",
            "@2026-01-01T00:00:00Z",
            "--yes",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "→ the first message at or after 2026-01-01T00:00:00Z",
        ));
    cli(s)
        .args([
            "group", "seek", "t", "-g", "g", "--to", "end", "--yes", "--force", "-o", "json",
        ])
        .assert()
        .success();
    assert_eq!(lag(s, "t", "g"), 0);
}

/// `group seek -N` and the flag values clap cannot check.
fn group_seek_before_the_end_and_bad_values(s: &Server) {
    // -N: that many before the end, as `consume --from -N` takes it.
    let a = cli(s)
        .args([
            "group", "seek", "t", "-g", "g", "--to", "-2", "--yes", "--force", "-o", "json",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("→ 2 before the end"));
    let moved = &stdout_json(&a)["moved"][0];
    assert_eq!(moved["to"].as_u64().map(|t| t + 2), moved["from"].as_u64());
    assert_eq!(lag(s, "t", "g"), 2);
    cli(s)
        .args(["group", "seek", "t", "-g", "g", "--to", "-two", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--to must be start, end, N, -N, +N or @TIME, not \"-two\"",
        ));
    // +N: that many after the start of each partition (rpk's grammar, as `driftq read`).
    let a = cli(s)
        .args([
            "group", "seek", "t", "-g", "g", "--to", "+1", "--yes", "--force", "-o", "json",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("→ 1 after the start"));
    let moved = stdout_json(&a)["moved"].clone();
    assert!(
        moved
            .as_array()
            .is_some_and(|m| !m.is_empty() && m.iter().all(|m| m["to"].as_u64() <= Some(1))),
        "{moved}"
    );
    cli(s)
        .args(["group", "seek", "t", "-g", "g", "--to", "0:5", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a seek goes to one position"));
    let _ = cli(s)
        .args(["group", "seek", "t", "-g", "g", "--to", "end", "--yes"])
        .assert()
        .success();
    // Flag values clap cannot check itself are usage errors too: exit 2, nothing moved.
    cli(s)
        .args(["group", "seek", "t", "-g", "g", "--to", "middle", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--to must be"));
    for args in [
        &["consume", "t", "-g", "g", "-n", "0"][..],
        &["topic", "create", "t0", "-p", "0"],
        &["bench", "produce", "--rate", "0"],
        &["bench", "produce", "--partitions", "0"],
    ] {
        cli(s)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("invalid value '0'"));
    }
    for args in [
        ["produce", "t", "x", "-H", "no-equals-sign"],
        ["produce", "t", "x", "--deadline", "soon"],
        ["dlq", "replay", "t", "--since", "soon"],
    ] {
        cli(s)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("driftq: -"));
    }
    assert_eq!(lag(s, "t", "g"), 0);
    // consume --from on a group holding leases: refused, unless --force (as group seek).
    let _ = cli(s)
        .args(["consume", "t", "-g", "f", "-n", "2", "--no-ack"])
        .assert()
        .success();
    cli(s)
        .args(["consume", "t", "-g", "f", "--from", "start", "-n", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds 2 leases"));
    cli(s)
        .args([
            "consume", "t", "-g", "f", "--from", "start", "--force", "-n", "1", "--no-ack", "-o",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"offset\":0"));
}

#[test]
fn scripting_scenario_two_no_ack_consumers_then_ack_from_json_lines() {
    let s = Server::start(&[]);
    cli(&s)
        .args(["topic", "create", "jobs", "-p", "2"])
        .assert()
        .success();
    let lines: String = (0..1000).map(|i| format!("job-{i}\n")).collect();
    cli(&s)
        .args(["produce", "jobs"])
        .write_stdin(lines)
        .assert()
        .success()
        .stdout(predicate::str::contains("produced 1000 messages"));
    // Two consumer processes of one group, side by side.
    let spawn = |owner: &str| {
        Command::new(assert_cmd::cargo::cargo_bin("driftq"))
            .args([
                "--url",
                &s.url,
                "consume",
                "jobs",
                "-g",
                "workers",
                "--until-end",
                "--no-ack",
                "--owner",
                owner,
                "--lease",
                "5m",
                "-o",
                "json",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn consumer")
    };
    let (a, b) = (spawn("w1"), spawn("w2"));
    let (a, b) = (
        a.wait_with_output().expect("w1"),
        b.wait_with_output().expect("w2"),
    );
    let (la, lb) = (json_lines(&a.stdout), json_lines(&b.stdout));
    assert_eq!(
        la.len() + lb.len(),
        1000,
        "each message went to exactly one consumer"
    );
    let offsets: std::collections::BTreeSet<(u64, u64)> = la
        .iter()
        .chain(&lb)
        .map(|m| {
            (
                m["partition"].as_u64().expect("p"),
                m["offset"].as_u64().expect("o"),
            )
        })
        .collect();
    assert_eq!(offsets.len(), 1000);
    assert_eq!(lag(&s, "jobs", "workers"), 1000);
    // The group lists both consumers with the leases each holds.
    let d = cli(&s)
        .args(["group", "describe", "jobs", "-g", "workers", "-o", "json"])
        .assert()
        .success();
    let mut held: Vec<(String, u64)> = stdout_json(&d)["consumers"]
        .as_array()
        .expect("consumers")
        .iter()
        .map(|c| {
            (
                c["owner"].as_str().unwrap_or_default().to_owned(),
                c["inflight"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    held.sort();
    assert_eq!(
        held,
        [
            ("w1".to_owned(), la.len() as u64),
            ("w2".to_owned(), lb.len() as u64)
        ]
    );
    cli(&s)
        .args(["group", "describe", "jobs", "-g", "workers"])
        .assert()
        .success()
        .stdout(predicate::str::contains("consumer").and(predicate::str::contains("w2")));
    ack_everything_from_json_lines(&s, &a.stdout, &b.stdout);
}

/// A script acks everything from the JSON lines; acking again fails every line.
fn ack_everything_from_json_lines(s: &Server, a: &[u8], b: &[u8]) {
    // A script acks everything from the JSON lines.
    let mut both = a.to_vec();
    both.extend_from_slice(b);
    cli(s)
        .args(["ack", "--stdin"])
        .write_stdin(both)
        .assert()
        .success()
        .stdout(predicate::str::contains("acked 1000 messages"));
    assert_eq!(lag(s, "jobs", "workers"), 0);
    // Acking again: every line fails, exit 1.
    let mut again = a.to_vec();
    again.truncate(again.iter().position(|b| *b == b'\n').map_or(0, |p| p + 1));
    cli(s)
        .args(["ack", "--stdin"])
        .write_stdin(again)
        .assert()
        .code(1);
}

#[test]
fn dlq_scenario_nack_peek_replay_dry_run_then_real_then_consume_again() {
    let s = Server::start(&[]);
    cli(&s).args(["topic", "create", "jobs"]).assert().success();
    cli(&s)
        .args([
            "produce",
            "jobs",
            "poison",
            "-k",
            "p1",
            "--max-attempts",
            "1",
        ])
        .assert()
        .success();
    let a = cli(&s)
        .args([
            "consume", "jobs", "-g", "w", "-n", "1", "--no-ack", "-o", "json",
        ])
        .assert()
        .success();
    let line = a.get_output().stdout.clone();
    cli(&s)
        .args(["nack", "--stdin", "--reason", "cannot parse"])
        .write_stdin(line)
        .assert()
        .success();
    let a = cli(&s)
        .args(["dlq", "list", "-o", "json"])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["dlq"][0]["depth"], 1);
    dlq_group_messages_view(&s);
    dlq_empty_and_orphaned(&s);
}

/// The group's view, message by message: the dead letter, and a message failing its retries.
fn dlq_group_messages_view(s: &Server) {
    // The group's view, message by message: the dead letter, and a message failing its retries.
    cli(s)
        .args([
            "group",
            "messages",
            "jobs",
            "-g",
            "w",
            "--state",
            "dead-lettered",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("dead_lettered").and(predicate::str::contains("cannot parse")),
        );
    cli(s)
        .args([
            "produce",
            "jobs",
            "flaky",
            "--max-attempts",
            "5",
            "--backoff",
            "1h",
        ])
        .assert()
        .success();
    consume_one_and_nack(s, "jobs", "w", "try later");
    let a = cli(s)
        .args(["group", "messages", "jobs", "-g", "w", "-o", "json"])
        .assert()
        .success();
    let rows = json_lines(&a.get_output().stdout);
    let states: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["offset"].as_u64().unwrap_or(99),
                r["state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        states,
        [(0, "acked"), (1, "retried")],
        "the poison message is done for the group"
    );
    assert_eq!(rows[1]["last_error"], "try later");
    cli(s)
        .args([
            "group",
            "messages",
            "jobs",
            "-g",
            "w",
            "--state",
            "in-flight",
        ])
        .assert()
        .success()
        .stdout("no such messages for group w on jobs\n");
    cli(s)
        .args(["group", "messages", "jobs", "-g", "typo"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("typo"));
    dlq_peek_and_replay(s);
}

/// `dlq peek`, then `dlq replay`: dry runs, selections, bad values, the real one.
fn dlq_peek_and_replay(s: &Server) {
    let a = cli(s)
        .args(["dlq", "peek", "jobs", "-o", "json"])
        .assert()
        .success();
    let peeked = json_lines(&a.get_output().stdout);
    assert_eq!(peeked[0]["dlq"]["topic"], "jobs");
    assert_eq!(peeked[0]["dlq"]["errors"], json!(["cannot parse"]));
    assert_eq!(peeked[0]["dlq"]["attempts"], 1);
    cli(s)
        .args(["dlq", "peek", "jobs"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cannot parse"));
    cli(s)
        .args(["dlq", "replay", "jobs", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 would be replayed (dry run"));
    let a = cli(s)
        .args(["dlq", "replay", "jobs", "--dry-run", "-o", "json"])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["selected"], 1);
    let a = cli(s)
        .args([
            "dlq",
            "replay",
            "jobs",
            "--dry-run",
            "--since",
            "-1h",
            "-o",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["selected"], 1);
    let a = cli(s)
        .args([
            "dlq",
            "replay",
            "jobs",
            "--dry-run",
            "--until",
            "-1h",
            "-o",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(
        stdout_json(&a)["selected"],
        0,
        "dead-lettered just now, not an hour ago"
    );
    for range in ["0-0", "0-9", "0:1", "0:"] {
        let a = cli(s)
            .args([
                "dlq",
                "replay",
                "jobs",
                "--dry-run",
                "--offsets",
                range,
                "-o",
                "json",
            ])
            .assert()
            .success();
        assert_eq!(stdout_json(&a)["selected"], 1, "{range}");
    }
    dlq_replay_refuses_bad_values_then_replays(s);
}

/// Bad selections are usage errors; the real replay moves the message back and a second finds
/// nothing.
fn dlq_replay_refuses_bad_values_then_replays(s: &Server) {
    for bad in ["5-2", "x-3", "7"] {
        cli(s)
            .args(["dlq", "replay", "jobs", "--dry-run", "--offsets", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not A-B"));
    }
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/dlq/jobs/replay", s.url))
        .json(&json!({"dry_run": true, "offset_from": 5, "offset_to": 2}))
        .send()
        .expect("replay");
    assert_eq!(r.status(), 400);
    cli(s)
        .args(["dlq", "replay", "jobs"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("without --yes"));
    cli(s)
        .args([
            "dlq",
            "replay",
            "dlq.jobs",
            "--filter",
            "error=cannot*",
            "--rate",
            "10/s",
            "--yes",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("replayed 1 of 1"));
    let a = cli(s)
        .args(["dlq", "list", "-o", "json"])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["dlq"][0]["depth"], 0);
    let a = cli(s)
        .args([
            "consume", "jobs", "-g", "w", "-n", "1", "--ack", "-o", "json",
        ])
        .assert()
        .success();
    let again = json_lines(&a.get_output().stdout);
    assert_eq!(again[0]["value"], "poison");
    assert_eq!(again[0]["key"], "p1");
    cli(s)
        .args(["dlq", "replay", "jobs", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing to replay"));
    cli(s).args(["dlq", "peek", "nope"]).assert().code(4);
}

/// A topic nothing was dead-lettered from yet has an empty DLQ; a dead letter whose origin is gone fails to replay, saying why.
fn dlq_empty_and_orphaned(s: &Server) {
    // A topic nothing was dead-lettered from yet has an empty DLQ, not a missing one.
    cli(s).args(["topic", "create", "calm"]).assert().success();
    cli(s)
        .args(["dlq", "peek", "calm"])
        .assert()
        .success()
        .stdout("no dead-lettered messages for calm\n");
    let a = cli(s)
        .args(["dlq", "replay", "calm", "--dry-run", "-o", "json"])
        .assert()
        .success();
    assert_eq!(stdout_json(&a)["selected"], 0);
    cli(s)
        .args(["dlq", "replay", "nope", "--dry-run"])
        .assert()
        .code(4);
    // A dead letter whose origin topic is gone: replay says why it failed; peek shows no key
    // as "-".
    cli(s).args(["topic", "create", "gone"]).assert().success();
    cli(s)
        .args(["produce", "gone", "orphan", "--max-attempts", "1"])
        .assert()
        .success();
    consume_one_and_nack(s, "gone", "w", "r");
    cli(s)
        .args(["topic", "delete", "gone", "--yes"])
        .assert()
        .success();
    cli(s)
        .args(["dlq", "peek", "gone"])
        .assert()
        .success()
        .stdout(predicate::str::contains("null").not());
    cli(s)
        .args(["dlq", "replay", "gone", "--yes"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "replayed 0 of 1 messages, 1 failed",
        ))
        .stderr(predicate::str::contains(
            "dlq.gone/0@0 → gone: topic gone does not exist",
        ));
}

#[test]
fn produce_from_a_file_splits_requests_under_the_server_body_limit() {
    // 30 values of 700 KB: each under the 1 MiB message limit, 21 MB together — more than
    // the server's default 16 MiB request body.
    let s = Server::start(&[]);
    cli(&s).args(["topic", "create", "big"]).assert().success();
    let line = "x".repeat(700_000);
    let input: String = (0..30).map(|_| format!("{line}\n")).collect();
    cli(&s)
        .args(["produce", "big"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout("produced 30 messages to big\n");
    let topic = s.json("/v1/topics/big");
    assert_eq!(topic["messages"], 30, "{topic}");
    // A request refused after others landed says how far the input got.
    let small = Server::start(&["--max-body-bytes", "2000"]);
    cli(&small)
        .args(["topic", "create", "t"])
        .assert()
        .success();
    let input = format!("a\nb\nc\n{}\n", "y".repeat(3000));
    cli(&small)
        .args(["produce", "t", "--batch", "3"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "3 messages were produced before this request failed: request body too large",
        ));
}

#[test]
fn consume_json_into_produce_json_round_trips_bytes_exactly_and_file_dash_is_stdin() {
    let s = Server::start(&[]);
    for t in ["src", "dst"] {
        cli(&s).args(["topic", "create", t]).assert().success();
    }
    let input = [
        json!({"key": "plain", "value": "text value", "headers": [{"name": "h", "value": "1"}, {"name": "h", "value": "2"}]}),
        json!({"key": {"base64": "AP8="}, "value": {"base64": "//79AAE="}, "headers": [{"name": "bin", "value": {"base64": "gA=="}}]}),
        json!({"value": "no key, ünïcödé ✓"}),
    ];
    let stdin: String = input.iter().map(|v| format!("{v}\n")).collect();
    cli(&s)
        .args(["produce", "src", "--input", "json"])
        .write_stdin(stdin)
        .assert()
        .success();
    let a = cli(&s)
        .args(["consume", "src", "-g", "copy", "--until-end", "-o", "json"])
        .assert()
        .success();
    let consumed = a.get_output().stdout.clone();
    cli(&s)
        .args(["produce", "dst", "--input", "json", "--file", "-"])
        .write_stdin(consumed)
        .assert()
        .success()
        .stdout(predicate::str::contains("produced 3 messages"));
    let a = cli(&s)
        .args(["consume", "dst", "-g", "check", "--until-end", "-o", "json"])
        .assert()
        .success();
    let out = json_lines(&a.get_output().stdout);
    assert_eq!(out.len(), 3);
    for (want, got) in input.iter().zip(&out) {
        assert_eq!(got["value"], want["value"]);
        assert_eq!(got["key"], want.get("key").cloned().unwrap_or(Value::Null));
        assert_eq!(
            got["headers"],
            want.get("headers").cloned().unwrap_or(json!([]))
        );
    }
}

#[test]
fn single_ack_nack_extend_commands() {
    let s = Server::start(&[]);
    cli(&s).args(["topic", "create", "t"]).assert().success();
    cli(&s).args(["produce", "t", "x"]).assert().success();
    let a = cli(&s)
        .args([
            "consume", "t", "-g", "g", "-n", "1", "--no-ack", "--owner", "me", "-o", "json",
        ])
        .assert()
        .success();
    let m = &json_lines(&a.get_output().stdout)[0];
    let (p, o) = (m["partition"].to_string(), m["offset"].to_string());
    let base = ["t", "-g", "g", "--partition", &p, "--offset", &o];
    cli(&s)
        .arg("extend")
        .args(base)
        .args(["--owner", "me", "--lease", "10m"])
        .assert()
        .success()
        .stdout(predicate::str::contains("extended to"));
    cli(&s)
        .arg("ack")
        .args(base)
        .args(["--owner", "you"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("leased to me, not to you"));
    cli(&s)
        .arg("nack")
        .args(base)
        .args(["--owner", "me", "--delay", "1h", "-o", "json"])
        .assert()
        .success();
    cli(&s)
        .arg("ack")
        .args(base)
        .args(["--owner", "me"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not in flight"));
    cli(&s)
        .args(["ack", "t", "-g", "g"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--owner is required"));
    // --dead-letter: straight to dlq.t, one message by flags and one from a JSON line.
    cli(&s)
        .args(["produce", "t"])
        .write_stdin("y\nz\n")
        .assert()
        .success();
    let a = cli(&s)
        .args([
            "consume", "t", "-g", "g", "-n", "2", "--no-ack", "--owner", "me", "-o", "json",
        ])
        .assert()
        .success();
    let lines = json_lines(&a.get_output().stdout);
    let (p, o) = (
        lines[0]["partition"].to_string(),
        lines[0]["offset"].to_string(),
    );
    cli(&s)
        .args(["nack", "t", "-g", "g", "--partition", &p, "--offset", &o])
        .args(["--owner", "me", "--dead-letter", "--delay", "1s"])
        .assert()
        .code(2);
    cli(&s)
        .args(["nack", "t", "-g", "g", "--partition", &p, "--offset", &o])
        .args(["--owner", "me", "--dead-letter", "--reason", "bad"])
        .assert()
        .success()
        .stdout(predicate::str::contains("dead-lettered"));
    cli(&s)
        .args(["nack", "--stdin", "--dead-letter"])
        .write_stdin(format!("{}\n", lines[1]))
        .assert()
        .success()
        .stdout(predicate::str::contains("dead-lettered 1"));
    cli(&s)
        .args(["dlq", "peek", "t", "-o", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"bad\""));
}

#[test]
fn stdin_nack_honours_delay_and_extend_reads_stdin_and_each_verb_takes_only_its_flags() {
    let s = Server::start(&[]);
    cli(&s).args(["topic", "create", "t"]).assert().success();
    for v in ["a", "b"] {
        cli(&s).args(["produce", "t", v]).assert().success();
    }
    let a = cli(&s)
        .args([
            "consume", "t", "-g", "g", "-n", "2", "--no-ack", "--lease", "5s", "-o", "json",
        ])
        .assert()
        .success();
    let leased = a.get_output().stdout.clone();
    assert_eq!(json_lines(&leased).len(), 2);
    cli(&s)
        .args(["extend", "--stdin", "--lease", "10m", "-o", "json"])
        .write_stdin(leased.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("extended to").count(2));
    let inflight = |s: &Server| {
        let a = cli(s)
            .args(["group", "inflight", "t", "-g", "g", "-o", "json"])
            .assert()
            .success();
        stdout_json(&a)["inflight"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let leases = inflight(&s);
    assert_eq!(leases.len(), 2);
    for lease in leases {
        let left = lease["lease_remaining_ms"].as_i64().unwrap_or(0);
        assert!(left > 60_000, "extended to 10 minutes: {lease}");
    }
    cli(&s)
        .args(["nack", "--stdin", "--reason", "later", "--delay", "1h"])
        .write_stdin(leased)
        .assert()
        .success()
        .stdout(predicate::str::contains("nacked 2 messages"));
    // Nacked with an hour's delay: nothing is ready now, although nothing is in flight.
    assert!(inflight(&s).is_empty());
    cli(&s)
        .args(["consume", "t", "-g", "g", "--until-end", "-o", "json"])
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    for (verb, flag) in [
        ("ack", "--reason"),
        ("ack", "--delay"),
        ("ack", "--lease"),
        ("extend", "--reason"),
        ("nack", "--lease"),
    ] {
        cli(&s)
            .args([verb, "t", "-g", "g", flag, "1s"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "unexpected argument '{flag}'"
            )));
    }
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let a = driftq()
            .env_remove("DRIFTQ_URL")
            .args(["completions", shell])
            .assert()
            .success();
        let committed = std::fs::read(root.join("completions").join(format!("driftq.{shell}")))
            .expect("committed completion");
        assert!(
            a.get_output().stdout == committed,
            "completions/driftq.{shell} is stale: run `driftq completions {shell} > completions/driftq.{shell}`"
        );
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    driftq()
        .env_remove("DRIFTQ_URL")
        .arg("man")
        .arg(tmp.path())
        .assert()
        .success();
    let mut generated: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let mut committed: Vec<String> = std::fs::read_dir(root.join("man"))
        .expect("man dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    assert_eq!(generated, committed, "man/ is stale: run `driftq man man`");
    for f in generated {
        assert!(
            std::fs::read(tmp.path().join(&f)).ok()
                == std::fs::read(root.join("man").join(&f)).ok(),
            "man/{f} is stale: run `driftq man man`"
        );
    }
}

#[test]
fn help_snapshots() {
    for args in [
        vec!["--help"],
        vec!["consume", "--help"],
        vec!["produce", "--help"],
        vec!["dlq", "replay", "--help"],
        vec!["serve", "--help"],
        vec!["read", "--help"],
        vec!["topic", "create", "--help"],
        vec!["group", "seek", "--help"],
        vec!["ack", "--help"],
        vec!["nack", "--help"],
        vec!["check", "--help"],
        vec!["context", "add", "--help"],
        vec!["wal", "inspect", "--help"],
        vec!["bench", "produce", "--help"],
    ] {
        let out = driftq()
            .env_remove("DRIFTQ_URL")
            .env("COLUMNS", "100")
            .args(&args)
            .output()
            .expect("run");
        let name = format!(
            "help_{}",
            args.iter()
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect::<Vec<_>>()
                .join("_")
        );
        insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stdout));
    }
    let mut bad = driftq();
    bad.arg("bogus")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unrecognized subcommand"));
    let _ = std::io::stderr().flush();
}

#[test]
fn serve_startup_errors_are_one_clear_line_each() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"not a directory").expect("write");
    let a = driftq()
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&file)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("driftq: cannot open the data directory"),
        "{stderr}"
    );
    assert_eq!(
        last.matches("Not a directory").count(),
        1,
        "each cause is said once: {last}"
    );
    assert_eq!(
        std::fs::read(&file).expect("read"),
        b"not a directory",
        "the file is left alone"
    );
    driftq()
        .args(["serve", "--addr", "nonsense", "--data-dir"])
        .arg(tmp.path().join("data"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--addr \"nonsense\" is not host:port",
        ));
}

/// `consume` follows by default and prints each message as it arrives, although its output is
/// buffered (a write per line cost more than the rest of the CLI): it flushes after each poll.
#[test]
fn consume_follows_and_prints_each_message_as_it_arrives() {
    use std::io::BufRead as _;
    let s = Server::start(&[]);
    s.create_topic("live", 1);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("driftq"))
        .args(["--url", &s.url, "consume", "live", "-g", "g"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn consume");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    for value in ["first", "second"] {
        let r = s.post("/v1/produce", &json!({"topic": "live", "value": value}));
        assert_eq!(r.status(), 200);
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("a line while consume still runs")
            .expect("utf-8 line");
        assert!(line.ends_with(&format!(": {value}")), "{line}");
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `produce --delay` (SQS's `DelaySeconds`): the delayed message is not consumed with the rest,
/// `group describe` and `group messages --state delayed` show it, and over 15 minutes is a
/// usage error.
#[test]
fn produce_delay_holds_a_message_back_and_group_views_show_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let s = Server::start_on(&dir, &[]);
    s.create_topic("t", 1);
    cli(&s)
        .args(["produce", "t", "later", "--delay", "10m"])
        .assert()
        .success();
    cli(&s).args(["produce", "t", "now"]).assert().success();
    cli(&s)
        .args([
            "consume",
            "t",
            "-g",
            "g",
            "--until-end",
            "--ack",
            "--format",
            "%v",
        ])
        .assert()
        .success()
        .stdout("now\n");
    cli(&s)
        .args(["group", "describe", "t", "-g", "g"])
        .assert()
        .success()
        .stdout(predicate::str::contains("lag 1, inflight 0, delayed 1,"));
    let a = cli(&s)
        .args([
            "group", "messages", "t", "-g", "g", "--state", "delayed", "-o", "json",
        ])
        .assert()
        .success();
    let rows = json_lines(&a.get_output().stdout);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["offset"], 0);
    cli(&s)
        .args(["produce", "t", "x", "--delay", "16m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at most 15m"));
    // The delivery time is in the record's metadata, where `wal inspect` shows it.
    driftq()
        .args(["wal", "inspect"])
        .arg(dir.join("topics/t/0"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "value=later meta=delayed{until=20",
        ));
}

/// `topic create --ordering key`: a consumer that leaves messages leased gets one per key; the
/// group views count and list the rest as blocked by key; acking as it goes drains every key in
/// produce order; the state log records the ordering.
#[test]
fn a_topic_ordered_by_key_from_the_cli() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let s = Server::start_on(&dir, &[]);
    cli(&s)
        .args(["topic", "create", "runs", "--ordering", "key"])
        .assert()
        .success();
    cli(&s)
        .args(["topic", "create", "x", "--ordering", "fifo"])
        .assert()
        .code(2);
    cli(&s)
        .args(["topic", "describe", "runs"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ordering: by key"));
    for (key, value) in [
        ("a", "a1"),
        ("b", "b1"),
        ("a", "a2"),
        ("a", "a3"),
        ("b", "b2"),
    ] {
        cli(&s)
            .args(["produce", "runs", value, "-k", key])
            .assert()
            .success();
    }
    cli(&s)
        .args([
            "consume",
            "runs",
            "-g",
            "peek",
            "--until-end",
            "--no-ack",
            "--format",
            "%v",
        ])
        .assert()
        .success()
        .stdout("a1\nb1\n");
    cli(&s)
        .args(["group", "describe", "runs", "-g", "peek"])
        .assert()
        .success()
        .stdout(predicate::str::contains("inflight 2, blocked by key 3,"));
    let a = cli(&s)
        .args([
            "group",
            "messages",
            "runs",
            "-g",
            "peek",
            "--state",
            "blocked-by-key",
            "-o",
            "json",
        ])
        .assert()
        .success();
    let rows = json_lines(&a.get_output().stdout);
    let offsets: Vec<&Value> = rows.iter().map(|r| &r["offset"]).collect();
    assert_eq!(offsets, [2, 3, 4], "{rows:?}");
    let a = cli(&s)
        .args([
            "consume",
            "runs",
            "-g",
            "work",
            "--until-end",
            "--ack",
            "--format",
            "%k %v",
        ])
        .assert()
        .success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let of = |k: &str| -> Vec<&str> { out.lines().filter(|l| l.starts_with(k)).collect() };
    assert_eq!(of("a "), ["a a1", "a a2", "a a3"], "{out}");
    assert_eq!(of("b "), ["b b1", "b b2"], "{out}");
    drop(s);
    driftq()
        .args(["wal", "inspect"])
        .arg(dir.join("state"))
        .assert()
        .success()
        .stdout(predicate::str::contains("OrderingSet"));
}

/// `driftq status`: one line per fact when the server is up; exit 1 naming the URL when not.
#[test]
fn status_says_whether_the_server_is_up_and_what_it_holds() {
    let mut s = Server::start(&["--fsync", "never"]);
    s.create_topic("t", 3);
    cli(&s).args(["produce", "t", "x"]).assert().success();
    cli(&s)
        .args(["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("fsync never"))
        .stdout(predicate::str::contains(
            "1 topic (3 partitions, 1 message,",
        ));
    let a = cli(&s).args(["status", "-o", "json"]).assert().success();
    let v = stdout_json(&a);
    assert_eq!(
        (
            v["topics"].as_u64(),
            v["partitions"].as_u64(),
            v["messages"].as_u64()
        ),
        (Some(1), Some(3), Some(1)),
        "{v}"
    );
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let url = s.url.clone();
    s.kill9();
    driftq()
        .args(["status", "--url", &url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(url.as_str()));
}

/// `top` without a terminal says it needs one, exits 2, and writes no escape codes.
#[test]
fn top_without_a_terminal_exits_2_with_one_line() {
    let out = driftq()
        .args(["--url", "http://127.0.0.1:9", "top"])
        .assert()
        .code(2);
    let o = out.get_output();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("top needs a terminal"), "{stderr}");
    assert!(
        !o.stdout.contains(&0x1b) && !o.stderr.contains(&0x1b),
        "no escape codes"
    );
    driftq()
        .args(["top", "--interval", "50ms"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("100ms floor"));
}

/// A reader that closes the pipe early (`| head -1`) ends no command with a panic or an error.
#[test]
fn every_command_survives_a_closed_pipe() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    s.produce_batch_of("t", 3000);
    let commands: Vec<Vec<&str>> = vec![
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["consume", "t", "-g", "g", "--until-end", "-o", "json"],
        vec!["topic", "list"],
        vec!["group", "list"],
        vec!["status"],
    ];
    for args in commands {
        let mut child = crate::support::spawn_piped(&s.url, &args);
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut first).expect("a first line");
        drop(stdout);
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `consume` acks what it printed when piped too; `--no-ack` leaves it leased.
#[test]
fn consume_piped_acks_what_it_printed_and_no_ack_leaves_leases() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    s.produce_values("t", 4);
    driftq()
        .args([
            "--url", &s.url, "consume", "t", "-g", "piped", "-n", "2", "-o", "json",
        ])
        .assert()
        .success();
    let g = s.json("/v1/topics/t/groups/piped");
    assert_eq!(
        (g["acks"].as_u64(), g["inflight"].as_u64()),
        (Some(2), Some(0)),
        "{g}"
    );
    driftq()
        .args([
            "--url", &s.url, "consume", "t", "-g", "kept", "-n", "2", "--no-ack",
        ])
        .assert()
        .success();
    let g = s.json("/v1/topics/t/groups/kept");
    assert_eq!(
        (g["acks"].as_u64(), g["inflight"].as_u64()),
        (Some(0), Some(2)),
        "{g}"
    );
}

/// `ack|nack --stdin` end with one summary — a line, or one JSON object with `-o json` — and
/// one stderr line that counts the leases no longer held, not a line per message.
#[test]
fn settling_from_stdin_prints_one_summary_and_counts_expired_leases_once() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    s.produce_values("t", 3);
    let leased = driftq()
        .args([
            "--url", &s.url, "consume", "t", "-g", "g", "-n", "3", "--no-ack", "-o", "json",
        ])
        .assert()
        .success();
    let lines = leased.get_output().stdout.clone();
    let first = driftq()
        .args(["--url", &s.url, "nack", "--stdin", "-o", "json"])
        .write_stdin(lines.clone())
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&first.get_output().stdout).expect("one JSON object");
    assert_eq!(
        (v["nacked"].as_u64(), v["failed"].as_u64()),
        (Some(3), Some(0)),
        "{v}"
    );
    let again = driftq()
        .args(["--url", &s.url, "ack", "--stdin", "-o", "json"])
        .write_stdin(lines)
        .assert()
        .code(1);
    let o = again.get_output();
    let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(
        (v["acked"].as_u64(), v["failed"].as_u64()),
        (Some(0), Some(3)),
        "{v}"
    );
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(3), "{v}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("3 of 3 not acked (3 no longer held"),
        "{stderr}"
    );
}

/// A missing topic is exit 4 for every command, and a delete of one does not say to create it.
#[test]
fn a_missing_topic_is_exit_4_and_delete_does_not_say_create_it_first() {
    let s = Server::start(&[]);
    for args in [
        vec!["topic", "delete", "nosuch", "--yes"],
        vec!["topic", "describe", "nosuch"],
        vec!["consume", "nosuch", "-g", "g", "-n", "1"],
        vec!["produce", "nosuch", "x"],
        vec!["dlq", "peek", "nosuch"],
    ] {
        let out = driftq()
            .arg("--url")
            .arg(&s.url)
            .args(&args)
            .assert()
            .code(4);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("topic nosuch does not exist"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("create it first"), "{args:?}: {stderr}");
    }
}

/// `produce` waits out backpressure: messages the server holds back (429-style) are sent again
/// until a consumer makes room, up to `--timeout`; past it the exit code is 3.
#[test]
fn produce_waits_out_backpressure_until_timeout() {
    let s = Server::start(&["--max-partition-msgs", "5"]);
    s.create_topic("t", 1);
    // A group at the start: five messages fill what it may lag behind.
    let _ = s.poll("t", "g", &json!({"owner": "w", "max": 1, "wait_ms": 0}));
    s.produce_values("t", 5);
    // Nobody consumes: past --timeout, exit 3.
    let refused = driftq()
        .args(["--url", &s.url, "--timeout", "1s", "produce", "t", "late"])
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    // A consumer makes room a moment later: the producer waits and gets everything in.
    let url = s.url.clone();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = std::sync::Arc::clone(&done);
    let consumer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let http = reqwest::blocking::Client::new();
        for _ in 0..100 {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let r: Value = http
                .post(format!("{url}/v1/topics/t/groups/g/poll"))
                .json(&json!({"owner": "w", "max": 100, "wait_ms": 200}))
                .send()
                .and_then(reqwest::blocking::Response::json)
                .expect("poll");
            let items: Vec<Value> = r["messages"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|m| json!({"partition": m["partition"], "offset": m["offset"]}))
                .collect();
            if !items.is_empty() {
                http.post(format!("{url}/v1/topics/t/groups/g/acks"))
                    .json(&json!({"owner": "w", "items": items}))
                    .send()
                    .expect("ack");
            }
        }
    });
    let lines: String = (0..12).map(|i| format!("m{i}\n")).collect();
    driftq()
        .args(["--url", &s.url, "--timeout", "20s", "produce", "t"])
        .write_stdin(lines)
        .assert()
        .success()
        .stdout(predicate::str::contains("produced 12 messages"));
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    consumer.join().expect("consumer");
}

/// `driftq check` exits like a monitoring plugin: 0 OK, 1 WARNING (past 80 % of a limit),
/// 2 CRITICAL (past a limit, or no server), and says what it compared.
#[test]
fn check_exits_ok_warning_or_critical_against_limits() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    s.produce_values("t", 10);
    let _ = s.poll("t", "g", &json!({"owner": "w", "max": 1}));
    let check = |limit: &str| {
        driftq()
            .args(["--url", &s.url, "check", "-g", "g", "--max-lag", limit])
            .assert()
    };
    check("100")
        .code(0)
        .stdout(predicate::str::contains("OK t/g lag 10"));
    check("11")
        .code(1)
        .stdout(predicate::str::contains("WARNING t/g lag 10"));
    check("5")
        .code(2)
        .stdout(predicate::str::contains("check CRITICAL"));
    let json = driftq()
        .args(["--url", &s.url, "check", "--max-dlq", "0", "-o", "json"])
        .assert()
        .code(0);
    let v: Value = serde_json::from_slice(&json.get_output().stdout).expect("json");
    assert_eq!(v["status"], "OK", "{v}");
    driftq()
        .args(["--url", "http://127.0.0.1:9", "check", "--max-lag", "1"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("CRITICAL: cannot read the server"));
    driftq()
        .args(["--url", &s.url, "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("name at least one limit"));
}

/// `-v` says each HTTP call on stderr; stdout stays the command's own.
#[test]
fn verbose_says_each_http_call_on_stderr() {
    let s = Server::start(&[]);
    let out = driftq()
        .args(["--url", &s.url, "-v", "topic", "list", "-o", "json"])
        .assert()
        .success();
    let o = out.get_output();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("GET ") && stderr.contains("/v1/stats -> 200 in"),
        "{stderr}"
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is the JSON alone");
    assert!(v.is_object() || v.is_array(), "{v}");
}

/// Contexts name servers; which one a command uses: `--url` > `DRIFTQ_URL` > `--context` /
/// `DRIFTQ_CONTEXT` > the current context > the default.
#[test]
fn contexts_name_servers_and_url_env_context_current_default_is_the_precedence() {
    let s = Server::start(&[]);
    s.create_topic("only-here", 1);
    let cfg = tempfile::tempdir().expect("tempdir");
    let d = || {
        let mut c = driftq();
        c.env("XDG_CONFIG_HOME", cfg.path());
        c
    };
    let bare = s.url.trim_start_matches("http://").to_owned();
    d().args(["context", "add", "local", "--url", &bare])
        .assert()
        .success();
    let file = std::fs::read_to_string(cfg.path().join("driftq/contexts.toml")).expect("toml");
    assert!(
        file.contains("[contexts.local]") && file.contains(&s.url),
        "{file}"
    );
    // The first context added is the current one; a URL without a scheme got http://.
    d().args(["topic", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("only-here"));
    d().args(["context", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("* local"));
    d().args([
        "context",
        "add",
        "dead",
        "--url",
        "http://127.0.0.1:9",
        "--use",
    ])
    .assert()
    .success();
    d().args(["topic", "list"]).assert().code(1);
    d().args(["--context", "local", "topic", "list"])
        .assert()
        .success();
    d().env("DRIFTQ_CONTEXT", "local")
        .args(["topic", "list"])
        .assert()
        .success();
    d().env("DRIFTQ_URL", &s.url)
        .args(["topic", "list"])
        .assert()
        .success();
    d().env("DRIFTQ_URL", "http://127.0.0.1:9")
        .args(["--url", &s.url, "topic", "list"])
        .assert()
        .success();
    d().args(["--context", "nope", "topic", "list"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no context \"nope\""));
    let shown = d()
        .args(["context", "show", "local", "-o", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&shown.get_output().stdout).expect("json");
    assert_eq!(v["url"], s.url.as_str());
    d().args(["context", "remove", "dead"]).assert().success();
    d().args(["context", "use", "local"]).assert().success();
    d().args(["topic", "list"]).assert().success();
    d().args(["context", "add", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs the server"));
}

/// `driftq read` reads by offset without a group: ranges, relative offsets, a time, one
/// partition; no group is created and nothing is leased.
#[test]
fn read_takes_offsets_ranges_and_times_and_joins_no_group() {
    let s = Server::start(&[]);
    s.create_topic("t", 2);
    let batch: Vec<Value> = (0..10)
        .map(|i| json!({"value": format!("a{i}"), "partition": 0}))
        .collect();
    assert!(
        s.post("/v1/topics/t/messages", &json!(batch))
            .status()
            .is_success()
    );
    let batch: Vec<Value> = (0..4)
        .map(|i| json!({"value": format!("b{i}"), "partition": 1}))
        .collect();
    assert!(
        s.post("/v1/topics/t/messages", &json!(batch))
            .status()
            .is_success()
    );
    let read = |args: &[&str]| -> Vec<String> {
        let out = driftq()
            .args(["--url", &s.url, "read", "t", "--format", "%v"])
            .args(args)
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(read(&["-p", "0", "--offset", "2:5"]), ["a2", "a3", "a4"]);
    assert_eq!(read(&["-p", "0", "--offset", "-2"]), ["a8", "a9"]);
    assert_eq!(read(&["-p", "1", "--offset", "+3"]), ["b3"]);
    assert_eq!(read(&["--offset", "end"]), Vec::<String>::new());
    let mut all = read(&[]);
    all.sort();
    assert_eq!(all.len(), 14);
    assert_eq!(read(&["-p", "0", "-n", "1"]), ["a0"]);
    // A time before everything reads from the start.
    assert_eq!(read(&["-p", "1", "--offset", "@0"]).len(), 4);
    assert_eq!(
        s.json("/v1/groups")["groups"],
        json!([]),
        "no group was created"
    );
    driftq()
        .args(["--url", &s.url, "read", "t", "--offset", "soon"])
        .assert()
        .code(2);
    driftq()
        .args(["--url", &s.url, "read", "nosuch"])
        .assert()
        .code(4);
    driftq()
        .args(["--url", &s.url, "read", "t", "-p", "7"])
        .assert()
        .code(4);
}

/// Piped tables are plain columns (no box drawing) and `--no-headers` drops the header row.
#[test]
fn piped_tables_are_plain_columns_and_no_headers_drops_the_header() {
    let s = Server::start(&[]);
    s.create_topic("aa", 2);
    let out = driftq()
        .args(["--url", &s.url, "topic", "list"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(!text.contains('│') && !text.contains('─'), "{text}");
    let first: Vec<&str> = text
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(first.first(), Some(&"topic"), "{text}");
    let out = driftq()
        .args(["--url", &s.url, "--no-headers", "topic", "list"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows, vec![vec!["aa", "2", "0", "0", "0"]], "{text}");
}

/// `produce --input raw` sends all of stdin as one value; `--key-delimiter` splits lines into
/// key and value (kcat -K); `--value-field`/`--key-field` read plain JSON lines, any JSON value
/// sent serialised.
#[test]
fn produce_reads_raw_input_key_delimited_lines_and_plain_json_fields() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    let p = |args: &[&str], stdin: &str| {
        driftq()
            .args(["--url", &s.url, "produce", "t"])
            .args(args)
            .write_stdin(stdin.to_owned())
            .assert()
            .success();
    };
    p(&["--input", "raw"], "line one\nline two\n");
    p(&["--key-delimiter", ":"], "k1:v1\nk2:v:2\n");
    p(
        &[
            "--input",
            "json",
            "--value-field",
            "body",
            "--key-field",
            "id",
        ],
        "{\"id\": \"a\", \"body\": \"text\"}\n{\"id\": 7, \"body\": {\"n\": 1}}\n",
    );
    let out = driftq()
        .args([
            "--url", &s.url, "read", "t", "--format", "%k|%v", "-o", "json",
        ])
        .assert()
        .success();
    let lines: Vec<String> = String::from_utf8_lossy(&out.get_output().stdout)
        .split_inclusive('\n')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        lines.concat(),
        "|line one\nline two\n\nk1|v1\nk2|v:2\na|text\n7|{\"n\":1}\n"
    );
    driftq()
        .args(["--url", &s.url, "produce", "t", "--key-delimiter", ":"])
        .write_stdin("no delimiter\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no key delimiter"));
}

#[test]
fn server_flags_belong_to_commands_that_talk_to_a_server() {
    for cmd in [
        &["serve"][..],
        &["wal", "verify"],
        &["completions", "bash"],
        &["man"],
    ] {
        let help = driftq().args(cmd).arg("--help").assert().success();
        let text = String::from_utf8_lossy(&help.get_output().stdout).into_owned();
        for flag in ["--url", "--context", "--ca-cert", "--insecure", "--timeout"] {
            assert!(!text.contains(flag), "{cmd:?} --help shows {flag}:\n{text}");
        }
    }
    driftq()
        .args(["serve", "--url", "http://127.0.0.1:1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--url is for commands that talk to a server; `driftq serve` talks to none",
        ));
    driftq()
        .args(["wal", "verify", "/nonexistent", "--insecure"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--insecure is for commands that talk to a server",
        ));
    // The environment is no flag: DRIFTQ_URL set for the client commands does not stop a server.
    driftq()
        .env("DRIFTQ_URL", "http://127.0.0.1:1")
        .args(["completions", "bash"])
        .assert()
        .success();
    let help = driftq()
        .args(["topic", "list", "--help"])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&help.get_output().stdout).contains("--ca-cert"));
}

#[test]
fn yaml_output_is_one_document_per_record() {
    let s = Server::start(&[]);
    cli(&s)
        .args(["topic", "create", "orders", "-p", "2"])
        .assert()
        .success();
    cli(&s)
        .args(["produce", "orders", "-k", "k1"])
        .write_stdin("one\ntwo\n")
        .assert()
        .success();
    let a = cli(&s)
        .args(["topic", "describe", "orders", "-o", "yaml"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        text.starts_with("---\n") && text.contains("name: orders"),
        "{text}"
    );
    let a = cli(&s)
        .args(["consume", "orders", "-g", "g", "-n", "2", "-o", "yaml"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert_eq!(text.matches("---\n").count(), 2, "{text}");
    assert!(
        text.contains("value: one") && text.contains("value: two"),
        "{text}"
    );
}

#[test]
fn wide_tables_show_more_columns() {
    let s = Server::start(&[]);
    orders_consumed_by_billing(&s, &["--retention-age", "1d"]);
    let plain = cli(&s).args(["topic", "list"]).assert().success();
    let plain = String::from_utf8_lossy(&plain.get_output().stdout).into_owned();
    let wide = cli(&s)
        .args(["topic", "list", "-o", "wide"])
        .assert()
        .success();
    let wide = String::from_utf8_lossy(&wide.get_output().stdout).into_owned();
    assert!(
        !plain.contains("retention age") && wide.contains("retention age"),
        "{wide}"
    );
    assert!(wide.contains("1d"), "{wide}");
    let wide = cli(&s)
        .args(["group", "list", "-o", "wide"])
        .assert()
        .success();
    let wide = String::from_utf8_lossy(&wide.get_output().stdout).into_owned();
    assert!(
        wide.contains("redeliveries") && wide.contains("consumers"),
        "{wide}"
    );
}

#[test]
fn the_shell_completes_topic_and_group_names_from_the_server() {
    let s = Server::start(&[]);
    orders_consumed_by_billing(&s, &[]);
    cli(&s)
        .args(["topic", "create", "other"])
        .assert()
        .success();
    let complete = |url: &str, line: &[&str]| -> String {
        let a = driftq()
            .env("DRIFTQ_URL", url)
            .env("COMPLETE", "fish")
            .args(["--", "driftq"])
            .args(line)
            .assert()
            .success();
        String::from_utf8_lossy(&a.get_output().stdout).into_owned()
    };
    assert_eq!(complete(&s.url, &["topic", "describe", "or"]), "orders\n");
    assert_eq!(complete(&s.url, &["consume", "o"]), "orders\nother\n");
    assert_eq!(
        complete(&s.url, &["group", "describe", "orders", "-g", "b"]),
        "billing\n"
    );
    // A new topic's name is not completed; without a server, names are not, commands still are.
    assert_eq!(complete(&s.url, &["topic", "create", "o"]), "");
    assert_eq!(
        complete("http://127.0.0.1:1", &["topic", "describe", "o"]),
        ""
    );
    assert!(complete("http://127.0.0.1:1", &["gro"]).starts_with("group\t"));
}

/// Topic `orders` (created with `create_flags`) holding one message that group `billing` has
/// consumed and acked.
fn orders_consumed_by_billing(s: &Server, create_flags: &[&str]) {
    cli(s)
        .args(["topic", "create", "orders"])
        .args(create_flags)
        .assert()
        .success();
    cli(s).args(["produce", "orders", "x"]).assert().success();
    cli(s)
        .args(["consume", "orders", "-g", "billing", "-n", "1"])
        .assert()
        .success();
}
