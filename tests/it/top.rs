//! `driftq top` in a real terminal: tmux runs it against a live server, and the numbers on the
//! screen must match `driftq group describe -o json`.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::server::Server;
use crate::support::driftq;

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output()
        .expect("tmux is needed for this test (.ci/run installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn top_in_tmux_shows_what_group_describe_reports() {
    let s = Server::start(&[]);
    let want = billing_with_four_leased_and_two_waiting(&s);

    let socket = format!("driftq-test-{}", std::process::id());
    let bin = assert_cmd::cargo::cargo_bin("driftq");
    let command = format!("{} --url {} top --interval 200ms", bin.display(), s.url);
    tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-s",
            "top",
            "-x",
            "120",
            "-y",
            "32",
            &command,
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let billing_row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("│billing"))
            .map(str::to_owned)
    };
    let screen = screen_once(&socket, deadline, |s| {
        billing_row(s).is_some() && s.contains("connected")
    });
    let row = billing_row(&screen);
    // Drill down into the group: its leases, the two nacked messages waiting to retry, and the
    // two consumer processes that polled it.
    tmux(&socket, &["send-keys", "-t", "top", "Tab"]);
    tmux(&socket, &["send-keys", "-t", "top", "Enter"]);
    let detail = screen_once(&socket, deadline, |d| {
        d.contains("In flight (4)")
            && d.contains("Failed, waiting to retry (2)")
            && d.contains("Consumers (2)")
    });
    tmux(&socket, &["send-keys", "-t", "top", "q"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux(&socket, &["kill-server"]);
    assert!(
        detail.contains("In flight (4)")
            && detail.contains("Failed, waiting to retry (2)")
            && detail.contains("Consumers (2)"),
        "group view:\n{detail}"
    );
    assert_eq!(
        detail.matches("boom").count(),
        2,
        "each nacked message with its error:\n{detail}"
    );
    let row = row.unwrap_or_else(|| panic!("no billing row on screen:\n{screen}"));
    let cells: Vec<&str> = row.trim_matches('│').split_whitespace().collect();
    // group, topic, lag, ready, inflight, …
    assert_eq!(cells[0], "billing", "{row}");
    assert_eq!(cells[1], "orders");
    assert_eq!(
        cells[2],
        want["lag"].to_string(),
        "lag on screen vs describe: {row}"
    );
    assert_eq!(
        cells[3],
        want["ready"].to_string(),
        "ready on screen vs describe: {row}"
    );
    assert_eq!(
        cells[4],
        want["inflight"].to_string(),
        "inflight on screen vs describe: {row}"
    );
    assert_eq!(want["lag"], 30);
    assert_eq!(want["inflight"], 4);
}

/// What the `top` pane shows once `ready` says so, or at the deadline.
fn screen_once(socket: &str, deadline: Instant, ready: impl Fn(&str) -> bool) -> String {
    let mut screen = String::new();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(300));
        screen = tmux(socket, &["capture-pane", "-p", "-t", "top"]);
        if ready(&screen) {
            break;
        }
    }
    screen
}

/// Group `billing` on `orders` acked 20, holds 4 leases and 2 nacked messages waiting an hour;
/// `group describe -o json` of it.
fn billing_with_four_leased_and_two_waiting(s: &Server) -> Value {
    let cli = |args: &[&str]| {
        let mut c = driftq();
        c.args(["--url", &s.url]).args(args);
        c
    };
    cli(&["topic", "create", "orders", "-p", "2"])
        .assert()
        .success();
    cli(&["produce", "orders"])
        .write_stdin((0..50).map(|i| format!("m{i}\n")).collect::<String>())
        .assert()
        .success();
    cli(&["consume", "orders", "-g", "billing", "-n", "20", "--ack"])
        .assert()
        .success();
    let leased = cli(&[
        "consume", "orders", "-g", "billing", "-n", "6", "--no-ack", "--lease", "10m", "-o", "json",
    ])
    .assert()
    .success();
    let lines: Vec<&[u8]> = leased
        .get_output()
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    // Nack two of the six, to be redelivered in an hour: leased 4, waiting 2.
    cli(&["nack", "--stdin", "--reason", "boom"])
        .write_stdin(lines[..2].join(&b'\n'))
        .assert()
        .success();
    let described = cli(&["group", "describe", "orders", "-g", "billing", "-o", "json"])
        .assert()
        .success();
    let want: Value = serde_json::from_slice(&described.get_output().stdout).expect("json");
    want
}
