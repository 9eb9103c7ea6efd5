//! Crash safety: produce and ack under `--fsync always`, SIGKILL the server mid-load, restart,
//! and check that nothing acknowledged was lost. Repeated a few times here; `scripts/crash-loop.sh`
//! runs it hundreds of times.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::Server;
use crate::support::driftq;

const ROUNDS: usize = 3;

/// Every (offset, text value) stored in one partition, read page by page over HTTP.
fn stored_values(s: &Server, topic: &str, partition: u64) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut next = 0u64;
    loop {
        let page = s.json(&format!(
            "/v1/topics/{topic}/partitions/{partition}/messages?offset={next}&max=1000"
        ));
        let msgs = page["messages"].as_array().cloned().unwrap_or_default();
        let Some(last) = msgs.last() else { break };
        next = last["offset"].as_u64().expect("offset") + 1;
        for m in msgs {
            out.push((
                m["offset"].as_u64().expect("offset"),
                m["value"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    out
}

fn one_round(round: usize) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &["--fsync", "always"]);
    s.create_topic("c", 2);
    let url = s.url.clone();
    let stop = Arc::new(AtomicBool::new(false));
    // (partition, offset) -> value, for every produce the server acknowledged.
    let produced: Arc<Mutex<BTreeMap<(u64, u64), String>>> = Arc::default();
    let acked: Arc<Mutex<BTreeSet<(u64, u64)>>> = Arc::default();
    // Acks sent: one may have been applied without its 204 reaching us before the kill.
    let attempted: Arc<Mutex<BTreeSet<(u64, u64)>>> = Arc::default();
    let mut threads = Vec::new();
    for t in 0..3 {
        let (url, stop, produced) = (url.clone(), Arc::clone(&stop), Arc::clone(&produced));
        threads.push(std::thread::spawn(move || {
            produce_until_stopped(&url, round, t, &stop, &produced);
        }));
    }
    {
        let (url, stop, acked, attempted) = (
            url.clone(),
            Arc::clone(&stop),
            Arc::clone(&acked),
            Arc::clone(&attempted),
        );
        threads.push(std::thread::spawn(move || {
            ack_every_other_until_stopped(&url, &stop, &acked, &attempted);
        }));
    }
    // Let load build up, then kill without warning.
    let started = Instant::now();
    while produced.lock().expect("lock").len() < 200 && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(50 + 40 * round as u64));
    s.kill9();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let produced = produced.lock().expect("lock").clone();
    let acked = acked.lock().expect("lock").clone();
    let attempted = attempted.lock().expect("lock").clone();
    assert!(
        produced.len() >= 200,
        "load ran ({} produced)",
        produced.len()
    );

    let mut s = Server::start_on(&dir, &["--fsync", "always"]);
    check_nothing_acknowledged_was_lost(&s, &produced, &acked, &attempted);
    assert_eq!(s.terminate(), Some(0));
    driftq().args(["wal", "verify"]).arg(&dir).assert().code(0);
}

#[test]
fn sigkill_mid_load_loses_nothing_acknowledged() {
    for round in 0..ROUNDS {
        one_round(round);
    }
}

/// Idempotent produce across a crash: producers whose request died with the server retry it
/// with the same key after the restart (what an SDK does), and every key ends up stored exactly
/// once — including a message that was made durable but whose key record the kill cut off.
#[test]
fn keyed_produce_retried_after_sigkill_is_stored_exactly_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &["--fsync", "always"]);
    s.create_topic("k", 2);
    let url = s.url.clone();
    let body = |key: &str| json!({"topic": "k", "value": key, "envelope": {"idempotency_key": key, "tenant_id": "acme"}});
    // Per producer: the keys acknowledged, then the one in flight when the server died.
    let mut threads = Vec::new();
    let acked_total = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for t in 0..4 {
        let (url, acked_total) = (url.clone(), Arc::clone(&acked_total));
        threads.push(std::thread::spawn(move || {
            let http = reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("client");
            let mut acked = Vec::new();
            for i in 0..5_000 {
                let key = format!("t{t}-{i}");
                let ok = http
                    .post(format!("{url}/v1/produce"))
                    .json(&body(&key))
                    .send()
                    .is_ok_and(|r| r.status() == 200);
                if !ok {
                    return (acked, Some(key));
                }
                acked.push(key);
                acked_total.fetch_add(1, Ordering::Relaxed);
            }
            (acked, None)
        }));
    }
    let started = Instant::now();
    while acked_total.load(Ordering::Relaxed) < 300 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    s.kill9();
    let outcomes: Vec<(Vec<String>, Option<String>)> = threads
        .into_iter()
        .map(|t| t.join().expect("producer"))
        .collect();
    let acked: Vec<&String> = outcomes.iter().flat_map(|(a, _)| a).collect();
    assert!(
        acked.len() >= 300,
        "load ran ({} acknowledged)",
        acked.len()
    );

    let s = Server::start_on(&dir, &["--fsync", "always"]);
    // The retries: an acknowledged key is always a duplicate; an unknown outcome may be either.
    for key in &acked {
        let r: Value = s.post("/v1/produce", &body(key)).json().expect("retry");
        assert_eq!(
            r["duplicate"], true,
            "acknowledged {key} written again: {r}"
        );
    }
    for key in outcomes.iter().filter_map(|(_, k)| k.as_ref()) {
        let r = s.post("/v1/produce", &body(key));
        assert_eq!(r.status(), 200, "retry of in-flight {key}");
    }
    // Every key is stored exactly once.
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for p in 0..2 {
        for (_, value) in stored_values(&s, "k", p) {
            *count.entry(value).or_default() += 1;
        }
    }
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "stored more than once: {twice:?}");
    for key in acked
        .iter()
        .copied()
        .chain(outcomes.iter().filter_map(|(_, k)| k.as_ref()))
    {
        assert_eq!(count.get(key.as_str()), Some(&1), "{key} missing");
    }
    assert_eq!(
        count.len(),
        acked.len() + outcomes.iter().filter(|(_, k)| k.is_some()).count()
    );
}

#[test]
fn interval_and_never_modes_keep_written_data_across_sigkill() {
    for mode in ["interval=50ms", "never"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let mut s = Server::start_on(&dir, &["--fsync", mode]);
        assert_eq!(s.json("/v1/config")["fsync"], mode);
        s.create_topic("t", 1);
        for i in 0..20 {
            assert_eq!(
                s.post(
                    "/v1/produce",
                    &json!({"topic": "t", "value": format!("m{i}")})
                )
                .status(),
                200
            );
        }
        // A process crash keeps the page cache: nothing acknowledged is lost in these modes
        // either (a power loss could lose up to the interval; see the README).
        s.kill9();
        let s = Server::start_on(&dir, &["--fsync", mode]);
        let msgs = s.json("/v1/topics/t/partitions/0/messages?offset=0&max=100");
        assert_eq!(
            msgs["messages"].as_array().map(Vec::len),
            Some(20),
            "{mode}"
        );
    }
    let bad = Command::new(assert_cmd::cargo::cargo_bin("driftq"))
        .args(["serve", "--fsync", "sometimes", "--addr", "127.0.0.1:0"])
        .output()
        .expect("run");
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a bad flag value is a usage error"
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown fsync mode"));
}

#[test]
fn a_topic_deleted_and_created_again_keeps_its_acknowledged_data_across_sigkill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic("t", 2);
    s.post("/v1/produce", &json!({"topic": "t", "value": "first life"}));
    assert_eq!(
        s.http
            .delete(format!("{}/v1/topics/t", s.url))
            .send()
            .expect("delete")
            .status(),
        204
    );
    s.create_topic("t", 1);
    for v in ["second life", "still here"] {
        assert_eq!(
            s.post("/v1/produce", &json!({"topic": "t", "value": v}))
                .status(),
            200
        );
    }
    s.kill9();
    driftq()
        .args(["wal", "verify"])
        .arg(&dir)
        .assert()
        .success();
    let s = Server::start_on(&dir, &[]);
    assert_eq!(
        stored_values(&s, "t", 0),
        [(0, "second life".to_owned()), (1, "still here".to_owned())],
        "acknowledged writes of the re-created topic survive the replay of the first one's deletion"
    );
    // A directory no topic owns is named in the log, and left alone.
    let mut s = s;
    s.kill9();
    let stray = dir.join("topics/stray/0");
    std::fs::create_dir_all(&stray).expect("mkdir");
    let s = Server::start_on(&dir, &[]);
    assert!(s.logs().contains("directory of no topic"), "{}", s.logs());
    assert!(stray.exists());
    assert_eq!(stored_values(&s, "t", 0).len(), 2);
}

/// A topic grown while producers write to it, then SIGKILLed: every produce acknowledged on a
/// new partition is there after the restart, and so is every acknowledged growth.
#[test]
fn partitions_added_under_load_keep_their_acknowledged_messages_across_sigkill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic("t", 1);
    let acked: Arc<Mutex<Vec<(u64, u64, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let url = s.url.clone();
    let producers: Vec<_> = (0..3)
        .map(|w| {
            let (acked, stop, url) = (Arc::clone(&acked), Arc::clone(&stop), url.clone());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                let deadline = Instant::now() + Duration::from_secs(20);
                let mut i = 0u64;
                while !stop.load(Ordering::Acquire) && Instant::now() < deadline {
                    let value = format!("w{w}-{i}");
                    i += 1;
                    let Ok(r) = http
                        .post(format!("{url}/v1/topics/t/messages"))
                        .json(&json!([{"value": value}]))
                        .send()
                    else {
                        return; // the server was killed
                    };
                    let Ok(v) = r.json::<Value>() else { return };
                    let res = &v["results"][0];
                    if let (Some(p), Some(o)) = (res["partition"].as_u64(), res["offset"].as_u64())
                    {
                        acked.lock().expect("acked").push((p, o, value));
                    }
                }
            })
        })
        .collect();
    let mut grown_to = 1;
    for total in 2..=4 {
        std::thread::sleep(Duration::from_millis(150));
        let r = s
            .http
            .patch(format!("{}/v1/topics/t", s.url))
            .body(format!(r#"{{"partitions": {total}}}"#))
            .send()
            .expect("PATCH");
        assert_eq!(r.status(), 200);
        grown_to = total;
    }
    std::thread::sleep(Duration::from_millis(150));
    s.kill9();
    stop.store(true, Ordering::Release);
    for p in producers {
        p.join().expect("producer");
    }
    driftq()
        .args(["wal", "verify"])
        .arg(&dir)
        .assert()
        .success();
    let s = Server::start_on(&dir, &[]);
    let parts = s.json("/v1/topics/t")["partitions"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(parts, grown_to, "every acknowledged growth survives");
    let acked = acked.lock().expect("acked").clone();
    assert!(
        acked.iter().any(|(p, _, _)| *p > 0),
        "some messages went to the new partitions"
    );
    let stored: BTreeSet<(u64, u64, String)> = (0..parts as u64)
        .flat_map(|p| {
            stored_values(&s, "t", p)
                .into_iter()
                .map(move |(o, v)| (p, o, v))
        })
        .collect();
    for m in &acked {
        assert!(stored.contains(m), "acknowledged {m:?} lost");
    }
}

/// What the ordered-topic crash test's consumers saw, shared between them.
#[derive(Default)]
struct OrderSeen {
    /// Key → the sequence number a consumer holds a lease on now.
    held: BTreeMap<String, u64>,
    /// Key → sequence numbers whose ack was sent.
    acked: BTreeMap<String, BTreeSet<u64>>,
    violations: Vec<String>,
}

impl OrderSeen {
    fn acked_total(&self) -> usize {
        self.acked.values().map(BTreeSet::len).sum()
    }
}

/// Polls and acks `runs` as group `w` until `done` says so or the server goes away; checks on
/// every delivery that no other message of its key is held and every earlier one was acked.
fn ordered_consumer(
    url: &str,
    owner: &str,
    seen: &Mutex<OrderSeen>,
    done: &dyn Fn(&OrderSeen) -> bool,
) {
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && !done(&seen.lock().expect("seen")) {
        let Ok(r) = http
            .post(format!("{url}/v1/topics/runs/groups/w/poll"))
            .json(&json!({"owner": owner, "max": 5, "lease_ms": 60_000, "wait_ms": 200}))
            .send()
        else {
            return; // killed
        };
        let Ok(v) = r.json::<Value>() else { return };
        let messages = v["messages"].as_array().cloned().unwrap_or_default();
        for m in &messages {
            let key = m["key"].as_str().unwrap_or_default().to_owned();
            let seq: u64 = m["value"]
                .as_str()
                .and_then(|v| v.rsplit('-').next())
                .and_then(|n| n.parse().ok())
                .expect("value k-N");
            let mut s = seen.lock().expect("seen");
            if let Some(other) = s.held.get(&key).copied() {
                s.violations
                    .push(format!("{key}-{seq} delivered while {key}-{other} is held"));
            }
            let acked = s.acked.get(&key).cloned().unwrap_or_default();
            if let Some(missing) = (0..seq).find(|n| !acked.contains(n)) {
                s.violations.push(format!(
                    "{key}-{seq} delivered before {key}-{missing} was acked"
                ));
            }
            s.held.insert(key, seq);
        }
        for m in &messages {
            let key = m["key"].as_str().unwrap_or_default().to_owned();
            {
                // Let go before the ack leaves: the server may hand the key's next message to
                // another consumer as soon as it has the ack.
                let mut s = seen.lock().expect("seen");
                if let Some(seq) = s.held.remove(&key) {
                    s.acked.entry(key).or_default().insert(seq);
                }
            }
            let body = json!({"topic": "runs", "group": "w", "owner": owner, "partition": m["partition"], "offset": m["offset"]});
            if http
                .post(format!("{url}/v1/ack"))
                .json(&body)
                .send()
                .is_err()
            {
                return;
            }
        }
    }
}

/// A topic ordered by key, three consumers at once, SIGKILL mid-drain: no consumer ever holds
/// two messages of one key, none gets a message before the earlier ones of its key were acked
/// (before or after the restart), and everything is delivered in the end.
#[test]
fn an_ordered_topic_keeps_each_keys_order_across_sigkill_with_three_consumers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic_from(&json!({"name": "runs", "partitions": 2, "ordering": "key"}));
    let (keys, per_key) = (8u64, 30u64);
    let batch: Vec<Value> = (0..per_key)
        .flat_map(|n| {
            (0..keys).map(move |k| json!({"key": format!("k{k}"), "value": format!("k{k}-{n}")}))
        })
        .collect();
    let r: Value = s
        .post("/v1/topics/runs/messages", &json!(batch))
        .json()
        .expect("produce reply");
    assert_eq!(r["produced"], keys * per_key, "{r}");
    let seen = Arc::new(Mutex::new(OrderSeen::default()));
    let total = usize::try_from(keys * per_key).expect("small");
    let run = |url: String, seen: &Arc<Mutex<OrderSeen>>| -> Vec<std::thread::JoinHandle<()>> {
        (0..3)
            .map(|c| {
                let (url, seen) = (url.clone(), Arc::clone(seen));
                std::thread::spawn(move || {
                    ordered_consumer(&url, &format!("c{c}"), &seen, &|s| s.acked_total() >= total);
                })
            })
            .collect()
    };
    let consumers = run(s.url.clone(), &seen);
    let deadline = Instant::now() + Duration::from_secs(20);
    while seen.lock().expect("seen").acked_total() < total / 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    s.kill9();
    for c in consumers {
        c.join().expect("consumer");
    }
    let before = seen.lock().expect("seen").acked_total();
    assert!(
        before < total,
        "the kill came mid-drain ({before} of {total} acked)"
    );
    seen.lock().expect("seen").held.clear(); // the leases died with the server
    let s = Server::start_on(&dir, &[]);
    for c in run(s.url.clone(), &seen) {
        c.join().expect("consumer");
    }
    let seen = seen.lock().expect("seen");
    assert!(seen.violations.is_empty(), "{:?}", seen.violations);
    assert_eq!(
        seen.acked_total(),
        total,
        "every message delivered and acked"
    );
    let g = s.json("/v1/topics/runs/groups/w");
    assert_eq!(
        (g["lag"].as_u64(), g["blocked_by_key"].as_u64()),
        (Some(0), Some(0)),
        "{g}"
    );
    drop(s);
    driftq()
        .args(["wal", "verify"])
        .arg(&dir)
        .assert()
        .success();
}

/// A topic directory deleted behind the server's back: `serve` refuses to start, naming it and
/// the offsets at stake; `serve --repair` recreates it at the next offset the state log knows.
#[test]
fn a_missing_topic_directory_is_refused_and_repair_never_reuses_an_offset() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut s = Server::start_on(&data, &[]);
    s.create_topic("t", 1);
    s.produce_values("t", 3);
    let polled = s.poll("t", "g", &json!({"owner": "o", "max": 2}));
    for m in polled["messages"].as_array().expect("messages") {
        let r = s.post(
            "/v1/ack",
            &json!({"topic": "t", "group": "g", "owner": "o",
                    "partition": m["partition"], "offset": m["offset"]}),
        );
        assert_eq!(r.status(), 204);
    }
    s.kill9();
    std::fs::remove_dir_all(data.join("topics").join("t")).expect("remove the topic's files");
    let out = crate::support::driftq()
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("topic t partition 0") && stderr.contains("offsets 0..2 at stake"),
        "{stderr}"
    );
    assert!(stderr.contains("--repair"), "{stderr}");
    assert!(
        !data.join("topics").join("t").exists(),
        "the disk is left as it was"
    );
    let verified = crate::support::driftq()
        .args(["wal", "verify"])
        .arg(&data)
        .assert()
        .code(4);
    let text = String::from_utf8_lossy(&verified.get_output().stdout).into_owned();
    assert!(
        text.contains("topics/t/0") && text.contains("missing_partition"),
        "{text}"
    );
    let s = Server::start_on(&data, &["--repair"]);
    let r: Value = s
        .post("/v1/produce", &json!({"topic": "t", "value": "after"}))
        .json()
        .expect("produce reply");
    assert_eq!(r["offset"], 2, "{r}");
    assert!(
        s.logs().contains("recreated empty at the next offset"),
        "{}",
        s.logs()
    );
}

/// A small tmpfs, mounted for one test (root only) and unmounted when dropped.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(mib: u32) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Self(dir))
    }

    fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

/// Produces 64 KiB values to `topic` until the server refuses one; returns that refusal.
fn fill_until_refused(s: &Server, topic: &str) -> reqwest::blocking::Response {
    let value = "x".repeat(64 << 10);
    for _ in 0..1000 {
        let r = s.post("/v1/produce", &json!({"topic": topic, "value": value}));
        if r.status() != 200 {
            return r;
        }
    }
    panic!("1,000 values of 64 KiB and the disk never refused one");
}

/// Disk full, on a 24 MiB tmpfs this test mounts (as root; it says so and passes otherwise):
/// below `--min-free-bytes` produces are refused with 507 `disk_full` and `Retry-After` while
/// acks and deletes go on; produces resume without a restart once space is freed; a graceful
/// stop exits 0; nothing acknowledged is lost.
#[test]
fn a_full_disk_refuses_produces_keeps_acks_and_recovers_without_a_restart() {
    let Some(disk) = SmallDisk::mount(24) else {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let data = disk.path().join("data");
    let args = ["--min-free-bytes", "6MiB", "--segment-bytes", "1MiB"];
    let mut s = Server::start_on(&data, &args);
    s.create_topic("big", 1);
    s.create_topic("keep", 1);
    let keep = s.post(
        "/v1/produce",
        &json!({"topic": "keep", "value": "precious"}),
    );
    assert_eq!(keep.status(), 200);
    // Fill: 64 KiB values until the floor refuses.
    let refused = fill_until_refused(&s, "big");
    assert_eq!(refused.status(), 507);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().expect("error body");
    assert_eq!(body["reason"], "disk_full", "{body}");
    // The disk state is visible (whether it reads full at this instant depends on the next
    // measurement: the refusal counted what was admitted since the last one).
    let stats = s.json("/v1/stats");
    assert_eq!(stats["disk"]["min_free_bytes"], 6 << 20, "{stats}");
    assert!(stats["disk"]["free_bytes"].is_u64(), "{stats}");
    // Acks go on.
    let polled = s.poll("keep", "g", &json!({"owner": "o"}));
    let m = &polled["messages"][0];
    let ack = s.post(
        "/v1/ack",
        &json!({"topic": "keep", "group": "g", "owner": "o", "partition": m["partition"], "offset": m["offset"]}),
    );
    assert_eq!(ack.status(), 204);
    // Space comes back: produces resume on their own.
    let purge = s
        .http
        .delete(format!("{}/v1/topics/big", s.url))
        .send()
        .expect("delete");
    assert!(purge.status().is_success(), "{}", purge.status());
    let deadline = Instant::now() + Duration::from_secs(10);
    let resumed = loop {
        let r = s.post("/v1/produce", &json!({"topic": "keep", "value": "after"}));
        if r.status() == 200 || Instant::now() > deadline {
            break r.status();
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(resumed, 200, "produces resume once space is freed");
    assert_eq!(s.terminate(), Some(0), "a graceful stop exits 0");
    let s = Server::start_on(&data, &args);
    let values = stored_values(&s, "keep", 0);
    assert_eq!(
        values.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>(),
        vec!["precious", "after"]
    );
}

/// Where the batches of segment log `path` end (space reserved after them reads as zeros).
fn batches_end(path: &std::path::Path) -> u64 {
    let file = std::fs::File::open(path).expect("open segment");
    let len = file.metadata().expect("stat").len();
    let mut buf = Vec::new();
    let mut end = 0;
    while let Ok(Ok(h)) = driftq_core::storage::segment::read_batch_at(&file, end, len, &mut buf) {
        end += u64::from(h.length);
    }
    end
}

/// A torn tail cut at start is reported: how many records, from which offset, where the bytes
/// were kept — in the log, `/v1/stats`, `/metrics` and `status`.
#[test]
fn a_torn_tail_cut_at_start_is_reported_in_stats_metrics_and_status() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut s = Server::start_on(&data, &[]);
    s.create_topic("t", 1);
    s.produce_values("t", 5);
    s.kill9();
    // The space the active segment had reserved ahead is no damage.
    driftq().args(["wal", "verify"]).arg(&data).assert().code(0);
    // A write torn by a crash: the start of a one-record batch, its header whole, where the
    // batches end (inside that reserved space).
    let seg = data.join("topics/t/0/00000000000000000000.log");
    let bytes = std::fs::read(&seg).expect("read segment");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&seg)
        .expect("open");
    std::os::unix::fs::FileExt::write_all_at(&f, &bytes[..60], batches_end(&seg)).expect("write");
    drop(f);
    let s = Server::start_on(&data, &[]);
    let stats = s.json("/v1/stats");
    let cut = &stats["recovery"];
    assert_eq!(cut["truncated_records"], 1, "{cut}");
    assert_eq!(cut["truncated_tails"][0]["log"], "t/0");
    assert_eq!(cut["truncated_tails"][0]["first_lost_offset"], 5);
    let kept = cut["truncated_tails"][0]["kept_at"]
        .as_str()
        .expect("kept_at");
    assert!(std::path::Path::new(kept).exists(), "{kept}");
    let metrics = s.get("/metrics").text().expect("metrics");
    assert!(
        metrics.contains("recovery_truncated_records_total{log=\"t/0\"} 1"),
        "{metrics}"
    );
    let out = driftq()
        .args(["status", "--url", &s.url])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("recovery cut a torn tail from t/0: 1 record(s)"),
        "{text}"
    );
    assert_eq!(
        stored_values(&s, "t", 0).len(),
        5,
        "nothing acknowledged was cut"
    );
}

/// With the free-space floor off, a disk that fills refuses the appends that do not fit — 503
/// `UNAVAILABLE` naming the cause, before any offset is given — and nothing sticks: once space
/// is freed, writes go on without a restart, and a graceful stop exits 0.
#[test]
fn a_disk_that_fills_refuses_the_append_alone_and_writes_resume_once_space_is_freed() {
    let Some(disk) = SmallDisk::mount(16) else {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let data = disk.path().join("data");
    let args = ["--min-free-bytes", "0", "--segment-bytes", "1MiB"];
    let mut s = Server::start_on(&data, &args);
    s.create_topic("big", 1);
    s.create_topic("keep", 1);
    s.produce_values("keep", 1);
    let refused = fill_until_refused(&s, "big");
    assert_eq!(
        refused.status(),
        503,
        "out of space is the machine's limit, not a 500"
    );
    let body: Value = refused.json().expect("error body");
    assert_eq!(body["error"], "UNAVAILABLE", "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("free space")),
        "{body}"
    );
    let gone = s
        .http
        .delete(format!("{}/v1/topics/big", s.url))
        .send()
        .expect("delete");
    assert!(
        gone.status().is_success(),
        "a delete works on a full disk: {}",
        gone.status()
    );
    let r = s.post("/v1/produce", &json!({"topic": "keep", "value": "after"}));
    assert_eq!(r.status(), 200, "writes resume without a restart");
    assert_eq!(s.terminate(), Some(0), "a graceful stop exits 0");
    let s = Server::start_on(&data, &args);
    let kept: Vec<String> = stored_values(&s, "keep", 0)
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    assert_eq!(kept, vec!["v0", "after"]);
}

type Acknowledged = BTreeMap<(u64, u64), String>;
type Offsets = BTreeSet<(u64, u64)>;

/// One producer: keyed messages, one per request, each recorded once the server says 200.
fn produce_until_stopped(
    url: &str,
    round: usize,
    t: usize,
    stop: &AtomicBool,
    produced: &Mutex<Acknowledged>,
) {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    for i in 0..5_000 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let value = format!("r{round}-t{t}-{i}");
        let Ok(r) = http
            .post(format!("{url}/v1/produce"))
            .json(&json!({"topic": "c", "value": value, "key": format!("k{i}")}))
            .send()
        else {
            break;
        };
        if r.status() != 200 {
            break;
        }
        let Ok(v) = r.json::<Value>() else { break };
        let key = (
            v["partition"].as_u64().expect("partition"),
            v["offset"].as_u64().expect("offset"),
        );
        produced.lock().expect("lock").insert(key, value);
    }
}

/// The consumer: acks every other message it is given; the rest stay leased when the server
/// dies.
fn ack_every_other_until_stopped(
    url: &str,
    stop: &AtomicBool,
    acked: &Mutex<Offsets>,
    attempted: &Mutex<Offsets>,
) {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    while !stop.load(Ordering::Relaxed) {
        let Ok(r) = http
            .post(format!("{url}/v1/topics/c/groups/g/poll"))
            .json(&json!({"owner": "w", "max": 20, "lease_ms": 600000, "wait_ms": 50}))
            .send()
        else {
            break;
        };
        let Ok(v) = r.json::<Value>() else { break };
        for m in v["messages"].as_array().cloned().unwrap_or_default() {
            let (p, o) = (
                m["partition"].as_u64().expect("p"),
                m["offset"].as_u64().expect("o"),
            );
            // Ack every other message; the rest stay leased when the server dies.
            if o % 2 == 0 {
                let ack =
                    json!({"topic": "c", "group": "g", "owner": "w", "partition": p, "offset": o});
                attempted.lock().expect("lock").insert((p, o));
                match http.post(format!("{url}/v1/ack")).json(&ack).send() {
                    Ok(r) if r.status() == 204 => {
                        acked.lock().expect("lock").insert((p, o));
                    }
                    _ => return,
                }
            }
        }
    }
}

/// After the restart: every acknowledged produce is readable with its value, no acked message
/// comes back, every unacked one does.
fn check_nothing_acknowledged_was_lost(
    s: &Server,
    produced: &Acknowledged,
    acked: &Offsets,
    attempted: &Offsets,
) {
    // Every acknowledged produce is readable, with its value.
    for p in 0..2u64 {
        let seen: BTreeMap<u64, String> = stored_values(s, "c", p).into_iter().collect();
        for ((pp, o), value) in produced.iter().filter(|((pp, _), _)| *pp == p) {
            assert_eq!(
                seen.get(o),
                Some(value),
                "acknowledged produce {pp}/{o} lost after SIGKILL"
            );
        }
    }
    // No acked message comes back; every unacked one does.
    let total: u64 = s.json("/v1/topics/c")["messages"]
        .as_u64()
        .expect("messages");
    let mut redelivered = BTreeSet::new();
    for _ in 0..100 {
        let v: Value = s.poll(
            "c",
            "g",
            &json!({"owner": "after", "max": 1000, "lease_ms": 600000}),
        );
        let msgs = v["messages"].as_array().cloned().unwrap_or_default();
        if msgs.is_empty() {
            break;
        }
        for m in msgs {
            let id = (
                m["partition"].as_u64().expect("p"),
                m["offset"].as_u64().expect("o"),
            );
            assert!(
                !acked.contains(&id),
                "acked message {id:?} redelivered after restart"
            );
            redelivered.insert(id);
        }
    }
    for p in 0..2u64 {
        let hw = s.json("/v1/topics/c")["partitions"][p as usize]["high_watermark"]
            .as_u64()
            .expect("hw");
        for o in 0..hw {
            assert!(
                redelivered.contains(&(p, o)) || attempted.contains(&(p, o)),
                "unacked message {p}/{o} did not come back"
            );
        }
    }
    let unconfirmed = attempted.len() - acked.len();
    assert!(redelivered.len() as u64 + acked.len() as u64 + unconfirmed as u64 >= total);
}
