//! `driftq bench` runs a bounded load against an embedded server and reports JSON.

use serde_json::Value;

use predicates::prelude::*;

use crate::support::driftq;

/// Runs `driftq bench ARGS -o json` (ARGS split at spaces), asserts it succeeds, and returns
/// its report.
fn bench_report(args: &str) -> Value {
    let out = driftq()
        .arg("bench")
        .args(args.split_whitespace())
        .args(["-o", "json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).expect("json report")
}

#[test]
fn bench_modes_report_throughput_and_latency() {
    for (mode, wire) in [
        ("produce", "json"),
        ("consume", "json"),
        ("consume", "binary"),
        ("consume", "stream"),
        ("e2e", "json"),
        ("e2e", "stream"),
    ] {
        let report = bench_report(&format!(
            "{mode} --wire {wire} --embedded --fsync never --messages 300 --batch 20 --size 64"
        ));
        let phases = report["phases"].as_array().expect("phases");
        assert!(!phases.is_empty(), "{mode}");
        let last = phases.last().expect("phase");
        assert_eq!(last["messages"], 300, "{mode}: {report}");
        assert!(last["msgs_per_sec"].as_f64().unwrap_or(0.0) > 0.0);
        assert!(last["latency_ms"]["p99"].as_f64().unwrap_or(-1.0) >= 0.0);
    }
    for flag in ["--messages", "--batch", "--producers", "--consumers"] {
        driftq()
            .args(["bench", "produce", flag, "0", "--embedded"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "invalid value '0' for '{flag}"
            )));
    }
}

#[test]
fn bench_against_an_existing_topic_reports_the_topics_own_partition_count() {
    let s = crate::server::Server::start(&[]);
    s.create_topic("existing", 2);
    let report = bench_report(&format!(
        "produce --url {} --topic existing --partitions 4 --messages 40 --batch 10 --size 16",
        s.url
    ));
    assert_eq!(report["partitions"], 2, "{report}");
    assert_eq!(report["phases"][0]["messages"], 40, "{report}");
}

#[test]
fn bench_stops_with_the_servers_error_instead_of_retrying_forever() {
    let s = crate::server::Server::start(&["--max-message-bytes", "100"]);
    for (mode, batch) in [("produce", "1"), ("produce", "10"), ("e2e", "10")] {
        driftq()
            .args([
                "bench",
                mode,
                "--url",
                &s.url,
                "--messages",
                "50",
                "--batch",
                batch,
                "--size",
                "1000",
            ])
            .assert()
            .code(1)
            .stderr(predicates::str::contains("bench stopped").and(
                predicates::str::contains("PAYLOAD_TOO_LARGE").or(predicates::str::contains("413")),
            ));
    }
}

/// `--keys` and `--ordering key`: the consume phase drains a topic ordered by key completely
/// (every ack releases its key's next message), in every mode.
#[test]
fn bench_drains_a_topic_ordered_by_key() {
    for mode in ["consume", "e2e"] {
        let report = bench_report(&format!(
            "{mode} --embedded --fsync never --messages 400 --batch 25 --size 32 --keys 7 --ordering key"
        ));
        let last = report["phases"]
            .as_array()
            .and_then(|p| p.last())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (last["messages"].as_u64(), last["errors"].as_u64()),
            (Some(400), Some(0)),
            "{mode}: {report}"
        );
    }
    driftq()
        .args(["bench", "produce", "--keys", "0", "--embedded"])
        .assert()
        .code(2);
}

#[test]
fn the_sdk_pattern_produces_and_acks_one_message_per_request() {
    let s = crate::server::Server::start(&[]);
    let report = bench_report(&format!(
        "e2e --pattern sdk --url {} --messages 200 --producers 2 --consumers 2 --topic bench \
         --partitions 2 --size 64",
        s.url
    ));
    let last = report["phases"]
        .as_array()
        .and_then(|p| p.last())
        .expect("phase");
    assert_eq!(last["phase"], "e2e (produce→ack latency)", "{report}");
    assert_eq!(
        (last["messages"].as_u64(), last["errors"].as_u64()),
        (Some(200), Some(0))
    );
    // Every message was produced by its own request and acked by its own request.
    let metrics = s.get("/metrics").text().expect("metrics");
    let count = |route: &str| {
        metrics
            .lines()
            .filter(|l| l.starts_with("http_requests_total{") && l.contains(route))
            .filter(|l| l.contains("status=\"200\"") || l.contains("status=\"204\""))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum::<u64>()
    };
    assert_eq!(count("route=\"/v1/produce\""), 200, "{metrics}");
    assert_eq!(count("route=\"/v1/ack\""), 200, "{metrics}");
    let group = s.json("/v1/topics/bench/groups/bench");
    assert_eq!(
        (group["acks"].as_u64(), group["lag"].as_u64()),
        (Some(200), Some(0))
    );
    driftq()
        .args(["bench", "produce", "--pattern", "sdk", "--url", &s.url])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--pattern sdk is for `driftq bench e2e`",
        ));
}
