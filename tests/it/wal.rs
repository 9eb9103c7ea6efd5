//! `driftq wal inspect` / `driftq wal verify` on clean and damaged data directories.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{driftq, snapshot, write_partition};

fn data_dir(count: usize, segment_bytes: u64) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let part = tmp.path().join("topics").join("orders").join("0");
    write_partition(&part, count, segment_bytes);
    (tmp, part)
}

fn segments(part: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(part)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    v.sort();
    v
}

fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

#[test]
fn inspect_prints_every_record_and_changes_nothing() {
    let (tmp, _) = data_dir(50, 1024);
    let before = snapshot(tmp.path());
    let out = driftq()
        .args(["wal", "inspect"])
        .arg(tmp.path())
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let records: Vec<&str> = text.lines().filter(|l| l.starts_with("offset=")).collect();
    assert_eq!(records.len(), 50);
    assert!(
        records[0].contains("offset=0 pos=0 ts=2023-11-14T22:13:20.000Z"),
        "{}",
        records[0]
    );
    assert!(
        records[0].contains("crc=ok key=k0 headers=trace=t0 value=v0"),
        "{}",
        records[0]
    );
    assert!(
        records[4].contains("value=\\xff\\x00\\x04"),
        "binary escaped: {}",
        records[4]
    );
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "inspect must not modify any file"
    );
}

#[test]
fn inspect_json_is_binary_safe_and_honours_from_and_limit() {
    let (tmp, part) = data_dir(60, 1024);
    let out = driftq()
        .args([
            "wal", "inspect", "-o", "json", "--from", "23", "--limit", "5",
        ])
        .arg(&part)
        .assert()
        .success();
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(lines.len(), 5);
    let offsets: Vec<u64> = lines
        .iter()
        .map(|l| l["offset"].as_u64().expect("offset"))
        .collect();
    assert_eq!(offsets, vec![23, 24, 25, 26, 27]);
    let binary = &lines[1]; // offset 24: 24 % 5 == 4
    assert_eq!(binary["value"], serde_json::json!({"base64": "/wAY"}));
    assert_eq!(lines[0]["key"], "k23");
    assert_eq!(lines[0]["headers"][0]["name"], "trace");
    assert_eq!(lines[0]["crc_ok"], true);
    drop(tmp);
}

#[test]
fn inspect_index_dumps_entries_and_single_files_work() {
    let (_tmp, part) = data_dir(200, 64 * 1024);
    let seg = &segments(&part)[0];
    let out = driftq()
        .args(["wal", "inspect", "--index", "-o", "json"])
        .arg(seg)
        .assert()
        .success();
    let lines = json_lines(&out.get_output().stdout);
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "index" && l["position"] == 0)
    );
    assert!(lines.iter().any(|l| l["kind"] == "timeindex"));
    driftq()
        .args(["wal", "inspect", "--full"])
        .arg(seg)
        .assert()
        .success()
        .stdout(predicate::str::contains("value=v198"));
}

#[test]
fn verify_clean_data_exits_zero_with_a_summary() {
    let (tmp, _) = data_dir(100, 1024);
    let before = snapshot(tmp.path());
    driftq()
        .args(["wal", "verify"])
        .arg(tmp.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("clean:").and(predicate::str::contains("100 records")));
    let out = driftq()
        .args(["wal", "verify", "-o", "json"])
        .arg(tmp.path())
        .assert()
        .code(0);
    let report: Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(report["clean"], true);
    assert_eq!(report["records"], 100);
    assert_eq!(report["problems"].as_array().map(Vec::len), Some(0));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn verify_reports_a_flipped_bit_with_file_position_and_offset() {
    let (tmp, part) = data_dir(100, 1024);
    let segs = segments(&part);
    let sealed = &segs[1];
    let mut bytes = fs::read(sealed).expect("read");
    let last = bytes.len() - 5; // the last byte of the last batch's value
    bytes[last] ^= 0x40;
    fs::write(sealed, &bytes).expect("write");
    let before = snapshot(tmp.path());

    let out = driftq()
        .args(["wal", "verify", "-o", "json"])
        .arg(tmp.path())
        .assert()
        .code(4);
    let report: Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(report["clean"], false);
    let problems = report["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["kind"], "checksum");
    assert_eq!(problems[0]["file"], sealed.display().to_string());
    // Inspect the segment to learn where its last batch starts and which offset it holds.
    let inspect = driftq()
        .args(["wal", "inspect", "-o", "json"])
        .arg(sealed)
        .assert()
        .success();
    let lines = json_lines(&inspect.get_output().stdout);
    let last_line = lines.last().expect("records");
    assert_eq!(last_line["crc_ok"], false);
    assert_eq!(problems[0]["position"], last_line["position"]);
    assert_eq!(problems[0]["offset"], last_line["offset"]);

    driftq()
        .args(["wal", "verify"])
        .arg(tmp.path())
        .assert()
        .code(4)
        .stdout(
            predicate::str::contains("checksum at byte")
                .and(predicate::str::contains("DAMAGED"))
                .and(predicate::str::contains(", 1 problem\n")),
        );
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "verify must not modify any file"
    );
}

#[test]
fn verify_reports_torn_tails_and_index_damage() {
    let (_tmp, part) = data_dir(30, 1 << 20);
    let seg = &segments(&part)[0];
    let mut f = fs::OpenOptions::new().append(true).open(seg).expect("open");
    // Bytes that are no batch (zeros would be space reserved ahead: no problem at all).
    std::io::Write::write_all(&mut f, &[0xa5u8; 100]).expect("garbage");
    let index = seg.with_extension("index");
    fs::write(&index, [1, 2, 3]).expect("damage index");
    let out = driftq()
        .args(["wal", "verify", "-o", "json"])
        .arg(&part)
        .assert()
        .code(4);
    let report: Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    let kinds: Vec<&str> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        vec!["torn_tail"],
        "index checks wait for a clean tail"
    );
    // Recovery (what `serve` does on start) would fix it; verify only reports.
    driftq()
        .args(["wal", "inspect"])
        .arg(&part)
        .assert()
        .success()
        .stdout(predicate::str::contains("!! torn tail at byte"));
}

#[test]
fn usage_errors_exit_2_and_missing_paths_exit_4() {
    driftq().args(["wal", "verify"]).assert().code(2);
    driftq()
        .args(["wal", "inspect", "--limit", "x", "."])
        .assert()
        .code(2);
    driftq()
        .args(["wal", "verify", "/nonexistent/driftq"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("cannot read /nonexistent/driftq"));
    let empty = tempfile::tempdir().expect("tempdir");
    driftq()
        .args(["wal", "verify"])
        .arg(empty.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no segment files"));
}

#[test]
fn inspect_decodes_the_broker_state_log_by_record_type() {
    use driftq_core::broker::{Broker, BrokerConfig, Deferred, LeaseRef, ProduceMessage};
    let tmp = tempfile::tempdir().expect("tempdir");
    let broker = Broker::open(BrokerConfig::new(tmp.path()), None, 1_000).expect("open");
    broker
        .create_topic("jobs", 2, None, None, 1_000)
        .expect("create");
    let msg = ProduceMessage {
        key: Some(b"k".to_vec()),
        value: b"hello".to_vec(),
        ..ProduceMessage::default()
    };
    broker
        .produce("jobs", vec![msg], 1_000)
        .wait(&broker)
        .pop()
        .expect("one")
        .expect("produced");
    let d = broker
        .poll("jobs", "workers", "w1", 1, 5_000, 1_000)
        .and_then(Deferred::wait)
        .expect("poll")
        .pop()
        .expect("delivery");
    let lease = LeaseRef {
        topic: "jobs",
        group: "workers",
        owner: "w1",
        partition: d.message.partition,
        offset: d.message.offset,
    };
    broker
        .ack(&lease, 1_001)
        .and_then(Deferred::wait)
        .expect("ack");
    let long_name = "n".repeat(240);
    broker
        .create_topic(&long_name, 1, None, None, 1_002)
        .expect("create long");
    broker.close().expect("close");
    drop(broker);
    // A long state record is cut to one readable line unless --full.
    for (full, whole) in [(false, false), (true, true)] {
        let mut cmd = driftq();
        cmd.args(["wal", "inspect"]).arg(tmp.path().join("state"));
        if full {
            cmd.arg("--full");
        }
        let out = cmd.assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let line = text
            .lines()
            .rfind(|l| l.contains("state=TopicCreated"))
            .expect("the long topic's record");
        assert_eq!(line.contains(&long_name), whole, "{line}");
        assert_eq!(line.ends_with("… (--full shows all)"), !whole, "{line}");
    }

    let out = driftq()
        .args(["wal", "inspect"])
        .arg(tmp.path().join("state"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for kind in ["TopicCreated", "GroupCreated", "Acked"] {
        assert!(
            text.contains(&format!("state={kind}")),
            "{kind} missing in:\n{text}"
        );
    }
    let out = driftq()
        .args(["wal", "inspect", "-o", "json"])
        .arg(tmp.path())
        .assert()
        .success();
    let lines = json_lines(&out.get_output().stdout);
    let acked = lines
        .iter()
        .find(|l| l["state"]["type"] == "Acked")
        .expect("an Acked state record");
    assert!(
        acked["state"]["record"]["offsets"].is_array()
            && acked["state"]["record"]["group"].is_string(),
        "state records are structured JSON: {acked}"
    );
    let created = lines
        .iter()
        .find(|l| l["state"]["type"] == "TopicCreated")
        .expect("a TopicCreated state record");
    assert!(
        created["state"]["record"]["partitions"].is_u64(),
        "{created}"
    );
    assert!(lines.iter().any(|l| l["value"] == "hello"));
    driftq()
        .args(["wal", "verify"])
        .arg(tmp.path())
        .assert()
        .code(0);
}

/// `driftq wal import` turns a DriftQ v1 WAL into a data directory the real server serves.
#[test]
fn import_builds_a_data_dir_the_server_serves_from_a_driftq_v1_wal() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let wal = tmp.path().join("driftq.wal");
    let text = concat!(
        "{\"type\":3,\"topic\":\"jobs\",\"partition\":1}\n",
        "{\"type\":1,\"topic\":\"jobs\",\"value\":\"b25l\"}\n",
        "{\"type\":1,\"topic\":\"jobs\",\"offset\":1,\"key\":\"aw==\",\"value\":\"dHdv\",\"run_id\":\"r9\"}\n",
        "{\"type\":2,\"topic\":\"jobs\",\"group\":\"workers\"}\n",
        "{\"type\":4,\"topic\":\"jobs\",\"group\":\"workers\",\"offset\":1,\"last_error\":\"x\"}\n",
        "{\"type\":1,\"topic\":\"jobs\",\"offs",
    );
    fs::write(&wal, text).expect("write");
    let data = tmp.path().join("data");
    let out = driftq()
        .args(["wal", "import"])
        .arg(&wal)
        .arg("--data-dir")
        .arg(&data)
        .args(["-o", "json"])
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).expect("json report");
    assert_eq!(report["messages"], 2);
    assert_eq!(report["topics"]["jobs"], 1);
    assert_eq!(report["groups"], 1);
    assert_eq!(report["skipped_retry_states"], 1);
    assert_eq!(report["torn_tail"]["line"], 6);
    assert_eq!(
        fs::read_to_string(&wal).expect("read"),
        text,
        "input untouched"
    );
    driftq()
        .args(["wal", "verify"])
        .arg(&data)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("clean:"));

    // A second import into the same directory is refused in one line, and changes nothing.
    let before = snapshot(&data);
    driftq()
        .args(["wal", "import"])
        .arg(&wal)
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already exists")
                .and(predicate::function(|s: &str| s.lines().count() == 1)),
        );
    assert_eq!(snapshot(&data), before);

    // The server starts on it: the group acked "one" in DriftQ and goes on with "two".
    let s = crate::server::Server::start_on(&data, &[]);
    let r: Value = s
        .post(
            "/v1/topics/jobs/groups/workers/poll",
            &serde_json::json!({"owner": "o", "max": 10}),
        )
        .json()
        .expect("poll");
    let messages = r["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 1, "{r}");
    assert_eq!(messages[0]["value"], "two", "{r}");
    assert_eq!(messages[0]["offset"], 1, "{r}");
    assert_eq!(messages[0]["envelope"]["run_id"], "r9", "{r}");
}
