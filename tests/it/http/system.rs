//! The server itself: JSON 404/405, size limits, metrics, shutdown, the data directory's lock, logging, the driftqd alias, open-file limits.

use super::*;

#[test]
fn root_and_unknown_paths_are_json_404_and_wrong_methods_json_405() {
    let s = Server::start(&[]);
    for path in ["/", "/produce", "/healthz", "/v1/nope", "/v1/topics/x/y/z"] {
        let (status, code) = error_code(s.get(path));
        assert_eq!((status, code.as_str()), (404, "NOT_FOUND"), "{path}");
    }
    assert_eq!(s.json("/v1/healthz")["status"], "ok");
    let r = s.post("/v1/healthz", &json!({}));
    assert_eq!(
        r.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET,HEAD")
    );
    assert_eq!(error_code(r), (405, "METHOD_NOT_ALLOWED".into()));
    let r = s
        .http
        .delete(format!("{}/v1/topics", s.url))
        .send()
        .expect("delete");
    assert_eq!(error_code(r).0, 405);
    let v = s.json("/v1/version");
    assert_eq!(v["wal_enabled"], true);
    assert!(v["version"].is_string());
    let c = s.json("/v1/config");
    assert_eq!(c["fsync"], "always");
    assert_eq!(c["addr"], "127.0.0.1:0");
}

#[test]
fn huge_bodies_and_messages_get_413() {
    let s = Server::start(&["--max-body-bytes", "1000", "--max-message-bytes", "100"]);
    s.create_topic("t", 1);
    let big = "x".repeat(5_000);
    let r = s.post("/v1/produce", &json!({"topic": "t", "value": big}));
    assert_eq!(error_code(r), (413, "PAYLOAD_TOO_LARGE".into()));
    let r = s.post(
        "/v1/produce",
        &json!({"topic": "t", "value": "y".repeat(200)}),
    );
    assert_eq!(error_code(r).0, 413);
    // Headers count too: a small value under many headers is as big as a big value.
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "small", "headers": [{"name": "h", "value": "z".repeat(150)}]}]),
    );
    assert_eq!(error_code(r).0, 413);
    let r = s.post(
        "/v1/produce",
        &json!({"topic": "t", "value": "small", "envelope": {"run_id": "r".repeat(150)}}),
    );
    assert_eq!(error_code(r).0, 413);
    assert_eq!(s.json("/v1/topics/t")["messages"], 0);
}

#[test]
fn metrics_have_driftq_names_and_labels() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    s.post("/v1/produce", &json!({"topic": "t", "value": "a"}));
    let polled: Value = s.poll("t", "g", &json!({"owner": "o"}));
    let m = &polled["messages"][0];
    s.post(
        "/v1/ack",
        &json!({"topic": "t", "group": "g", "owner": "o", "partition": 0, "offset": m["offset"]}),
    );
    let text = s.get("/metrics").text().expect("metrics");
    for needle in [
        "message_acks_total{topic=\"t\",group=\"g\"} 1",
        "consumer_lag{topic=\"t\",group=\"g\",partition=\"0\"} 0",
        "inflight_messages{topic=\"t\",group=\"g\",partition=\"0\"} 0",
        "group_consumers{topic=\"t\",group=\"g\"} 1",
        "delayed_messages{topic=\"t\",group=\"g\"} 0",
        "produced_messages_total{topic=\"t\"} 1",
        "broker_fsync_duration_seconds_count",
        "broker_append_duration_seconds_count",
        "http_requests_total{route=\"/v1/produce\",method=\"POST\",status=\"200\"} 1",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[test]
fn graceful_shutdown_ends_streams_and_exits_zero_and_reset_moves_data_aside() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &["--log-format", "json"]);
    s.create_topic("t", 1);
    let stream = StreamReader::open(&s, "topic=t&group=g&owner=o");
    assert_eq!(s.terminate(), Some(0));
    drop(stream);
    assert!(
        s.logs().contains("\"msg\":\"broker starting\""),
        "{}",
        s.logs()
    );
    // A bad setting is found before --reset moves anything.
    let bad_router = tmp.path().join("router.rules");
    std::fs::write(&bad_router, "this is not a rule\n").expect("write");
    let refused = std::process::Command::new(assert_cmd::cargo::cargo_bin("driftq"))
        .args(["serve", "--addr", "127.0.0.1:0", "--reset", "--data-dir"])
        .arg(&dir)
        .arg("--router-config")
        .arg(&bad_router)
        .output()
        .expect("run");
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a bad router file is a usage error"
    );
    assert!(
        dir.join("state").exists(),
        "the data directory stayed in place"
    );
    let s = Server::start_on(&dir, &["--reset"]);
    assert_eq!(s.json("/v1/topics")["topics"], json!([]));
    let backups: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("data.bak."))
        .collect();
    assert_eq!(backups.len(), 1);
    assert!(
        backups[0].path().join("state").exists(),
        "the old data is kept"
    );
}

#[test]
fn a_second_server_on_the_same_data_dir_is_refused_and_reset_does_not_move_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut first = Server::start_on(&dir, &[]);
    first.create_topic("t", 1);
    first.post("/v1/produce", &json!({"topic": "t", "value": "kept"}));
    for extra in [&[][..], &["--reset"][..]] {
        let refused = std::process::Command::new(assert_cmd::cargo::cargo_bin("driftq"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(&dir)
            .args(extra)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{extra:?}: {stderr}");
        assert!(
            stderr.contains("is in use by another driftq process (pid "),
            "{extra:?}: {stderr}"
        );
    }
    assert!(dir.join("state").exists(), "--reset left the data in place");
    let read: Value = first.json("/v1/topics/t/partitions/0/messages?offset=0");
    assert_eq!(read["messages"][0]["value"], "kept");
    // The lock goes with the process, however it ends: a SIGKILLed server leaves none behind.
    first.kill9();
    let second = Server::start_on(&dir, &[]);
    let read: Value = second.json("/v1/topics/t/partitions/0/messages?offset=0");
    assert_eq!(read["messages"][0]["value"], "kept");
}

#[test]
fn log_level_error_hides_the_startup_line() {
    let mut s = Server::start(&["--log-level", "error"]);
    assert!(!s.logs().contains("broker starting"));
    assert_eq!(s.terminate(), Some(0));
}

#[test]
fn runs_as_driftqd_with_its_go_style_flags_json_logs_and_access_log() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("driftq.wal");
    let mut s = Server::start_as_driftqd(
        tmp.path(),
        &data,
        &[
            "-log-format",
            "json",
            "-log-level=warning",
            "--max-partition-msgs",
            "2",
            "-max-inflight=0",
            "-wal-sync-interval",
            "0",
            "-access-log",
            "-otel-enabled",
            "-engine-store",
            "file",
        ],
    );
    let config = s.json("/v1/config");
    assert_eq!(config["max_partition_msgs"], 2);
    assert_eq!(config["max_inflight"], 1024, "0 keeps the default");
    assert_eq!(config["wal_sync_interval"], "0s");
    assert_eq!(config["fsync"], "always");
    assert_eq!(config["access_log"], true);
    assert_eq!(config["log_level"], "warn");
    assert_eq!(config["wal_path"], data.display().to_string());
    assert!(data.is_dir(), "-wal names the data directory");

    let echoed = s
        .http
        .get(format!("{}/v1/healthz", s.url))
        .header("X-Request-Id", "req-42")
        .send()
        .expect("GET");
    assert_eq!(echoed.headers()["x-request-id"], "req-42");
    let made = s.get("/v1/version");
    for name in ["x-request-id", "x-trace-id"] {
        let id = made.headers()[name].to_str().expect("ascii").to_owned();
        assert_eq!(id.len(), 24, "{name}: {id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{name}: {id}");
    }
    assert_eq!(s.terminate(), Some(0));
    let logs = s.logs();
    let lines = s.json_logs();
    let warned = lines
        .iter()
        .find(|l| l["flag"] == "-otel-enabled")
        .unwrap_or_else(|| panic!("ignored flag warned about:\n{logs}"));
    assert_eq!(warned["service"], "driftqd");
    assert_eq!(warned["level"], "WARN");
    assert!(
        !logs.contains("broker starting"),
        "info is below -log-level warning"
    );
    // Access lines are info too: at warning level none is written.
    assert!(!lines.iter().any(|l| l["msg"] == "http"));

    let mut s =
        Server::start_as_driftqd(tmp.path(), &data, &["-log-format=json", "-access-log=true"]);
    s.get("/v1/healthz");
    s.get("/v1/nope");
    assert_eq!(s.terminate(), Some(0));
    let logs = s.logs();
    let lines = s.json_logs();
    let start = lines
        .iter()
        .find(|l| l["msg"] == "broker starting")
        .unwrap_or_else(|| panic!("startup line:\n{logs}"));
    assert_eq!(start["service"], "driftqd");
    assert!(
        start["addr"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:"))
    );
    let access: Vec<&Value> = lines.iter().filter(|l| l["msg"] == "http").collect();
    assert_eq!(access.len(), 2, "{logs}");
    assert_eq!(access[0]["path"], "/v1/healthz");
    assert_eq!(access[0]["status"], 200);
    assert_eq!(access[0]["method"], "GET");
    assert_eq!(access[0]["remote_ip"], "127.0.0.1");
    assert!(access[0]["duration_ms"].is_number());
    assert_eq!(access[1]["status"], 404);
    assert_eq!(access[0]["req_id"].as_str().map(str::len), Some(24));

    // A v1 WAL file where driftq wants a directory is a clear usage error, not a crash.
    let old_wal = tmp.path().join("old.wal");
    std::fs::write(&old_wal, "{}\n").expect("write");
    let out = std::process::Command::new(tmp.path().join("driftqd"))
        .arg("-wal")
        .arg(&old_wal)
        .output()
        .expect("run driftqd");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("data directory"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read(&old_wal).expect("read"),
        b"{}\n",
        "left alone"
    );
}

/// 100 partitions keep 300 files open: more than a soft limit allows, which start-up raises to
/// the hard limit. Out of file descriptors, creating a topic fails; it must fail whole: refused
/// now, absent after a restart, and creatable once the limit allows it.
#[test]
fn the_open_file_limit_is_raised_and_a_topic_that_still_exceeds_it_is_not_created() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    // Start-up raises the soft limit to the hard one, so a hard limit of 120 is the real one.
    let wide = Server::start_with_file_limit(&tmp.path().join("other"), (60, 1000), &[]);
    wide.create_topic("wide", 100);
    drop(wide);
    let mut s = Server::start_with_file_limit(&data, (120, 120), &[]);
    s.create_topic("small", 2);
    let r = s.post("/v1/topics", &json!({"name": "wide", "partitions": 100}));
    assert_eq!(
        r.status(),
        503,
        "the machine's limit, not the server's fault"
    );
    let e: Value = r.json().expect("error JSON");
    assert_eq!(e["error"], "UNAVAILABLE");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("Too many open files") && m.contains("ulimit -n")),
        "{e}"
    );
    let names = |s: &Server| s.json("/v1/topics")["topics"].clone();
    assert_eq!(names(&s), json!(["small"]));
    assert!(
        !data.join("topics").join("wide").exists(),
        "the half-created partitions are removed"
    );
    let r = s.post(
        "/v1/produce",
        &json!({"topic": "small", "value": "still works"}),
    );
    assert_eq!(r.status(), 200, "the server keeps serving");
    s.kill9();
    let s = Server::start_on(&data, &[]);
    assert_eq!(names(&s), json!(["small"]), "absent after a restart too");
    s.create_topic("wide", 100);
    assert_eq!(
        s.json("/v1/topics/wide")["partitions"]
            .as_array()
            .map(Vec::len),
        Some(100)
    );
}

/// Idle connections past the open-file limit must not starve storage: the server keeps half of
/// the limit for its files, so a produce that rolls a segment still opens its three files.
#[test]
fn idle_connections_past_the_file_limit_never_starve_a_segment_roll() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let s = Server::start_with_file_limit(&data, (200, 200), &["--segment-bytes", "4KiB"]);
    s.create_topic("t", 1);
    // This client's connection is open before the flood and stays open (keep-alive).
    let first = s.post("/v1/produce", &json!({"topic": "t", "value": "before"}));
    assert_eq!(first.status(), 200);
    let addr = s.url.trim_start_matches("http://").to_owned();
    let idle: Vec<std::net::TcpStream> = (0..200)
        .map(|_| std::net::TcpStream::connect(&addr).expect("connect (the backlog takes it)"))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let value = "x".repeat(1_000);
    for i in 0..20 {
        let r = s.post("/v1/produce", &json!({"topic": "t", "value": value}));
        assert_eq!(
            r.status(),
            200,
            "produce {i} across segment rolls: {:?}",
            r.text()
        );
    }
    assert!(s.logs().contains("connection cap reached"), "{}", s.logs());
    drop(idle);
    let r = s.get("/v1/topics/t");
    let v: Value = r.json().expect("describe");
    assert_eq!(v["partitions"][0]["high_watermark"], 21, "{v}");
}
