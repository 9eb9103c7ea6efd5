//! Topics over HTTP: create (JSON and query), describe, alter retention, grow, purge, order by key.

use super::*;

#[test]
fn topics_create_list_json_and_query_duplicate_409_describe_delete() {
    let s = Server::start(&[]);
    assert_eq!(s.json("/v1/topics"), json!({"topics": []}));
    let r = s.post("/v1/topics", &json!({"name": "t1", "partitions": 2}));
    assert_eq!(r.status(), 201);
    assert_eq!(
        r.json::<Value>().expect("json"),
        json!({"status": "created", "name": "t1", "partitions": 2})
    );
    assert_eq!(
        s.post_query("/v1/topics?name=t2&partitions=1").status(),
        201
    );
    assert_eq!(s.json("/v1/topics")["topics"], json!(["t1", "t2"]));
    assert_eq!(
        error_code(s.post("/v1/topics", &json!({"name": "t1"}))),
        (409, "ALREADY_EXISTS".into())
    );
    for bad in [
        "/v1/topics?name=bad%20name",
        "/v1/topics?name=x&partitions=-1",
    ] {
        assert_eq!(error_code(s.post_query(bad)).0, 400, "{bad}");
    }
    for bad in [json!({"name": "x", "bogus": 1}), json!({"name": 5})] {
        assert_eq!(error_code(s.post("/v1/topics", &bad)).0, 400, "{bad}");
    }
    let d = s.json("/v1/topics/t1");
    assert_eq!(d["partitions"].as_array().map(Vec::len), Some(2));
    let r = s
        .http
        .delete(format!("{}/v1/topics/t2", s.url))
        .send()
        .expect("delete");
    assert_eq!(r.status(), 204);
    assert_eq!(
        error_code(s.get("/v1/topics/t2")),
        (404, "NOT_FOUND".into())
    );
}

/// `PATCH /v1/topics/{topic}`: retention changes on a live topic, as Kafka's `alter-config`,
/// NATS's `stream edit` and SQS's `SetQueueAttributes` allow.
#[test]
fn altering_retention_keeps_what_is_not_named_removes_what_is_null_and_survives_a_kill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic("t", 2);
    let patch = |s: &Server, body: &str| {
        s.http
            .patch(format!("{}/v1/topics/t", s.url))
            .body(body.to_owned())
            .send()
            .expect("PATCH")
    };
    let retention = |v: &Value| (v["retention_age_ms"].clone(), v["retention_bytes"].clone());
    let v: Value = patch(&s, r#"{"retention_ms": 60000, "retention_bytes": 1048576}"#)
        .json()
        .expect("describe reply");
    assert_eq!(retention(&v), (json!(60000), json!(1048576)));
    assert_eq!(
        v["partitions"].as_array().map(Vec::len),
        Some(2),
        "the reply describes the topic"
    );
    let v: Value = patch(&s, r#"{"retention_bytes": null}"#)
        .json()
        .expect("json");
    assert_eq!(
        retention(&v),
        (json!(60000), Value::Null),
        "age kept, size removed"
    );
    for bad in [
        r#"{}"#,
        r#"{"retention_ms": 0}"#,
        r#"{"retention_ms": -1}"#,
        r#"{"retention_bytes": 0}"#,
        r#"{"retention_ms": "1d"}"#,
        r#"{"partitions": 2}"#,
        r#"{"partitions": 1, "retention_ms": 5000}"#,
        r#"{"partitions": -1}"#,
        r#"{"replicas": 3}"#,
        "not json",
    ] {
        assert_eq!(
            error_code(patch(&s, bad)),
            (400, "INVALID_ARGUMENT".to_owned()),
            "{bad}"
        );
    }
    assert_eq!(
        retention(&s.json("/v1/topics/t")),
        (json!(60000), Value::Null),
        "refused changes changed nothing"
    );
    let r = s
        .http
        .patch(format!("{}/v1/topics/nope", s.url))
        .body(r#"{"retention_ms": 1000}"#)
        .send()
        .expect("PATCH");
    assert_eq!(error_code(r).0, 404);
    s.kill9();
    let s = Server::start_on(&dir, &[]);
    assert_eq!(
        retention(&s.json("/v1/topics/t")),
        (json!(60000), Value::Null)
    );
}

/// `PATCH /v1/topics/{topic}` with `partitions` (Kafka's `--alter --partitions`): the topic
/// grows live, producers and groups use the new partitions at once, and a SIGKILL keeps it.
#[test]
fn growing_a_topic_adds_partitions_that_take_messages_at_once_and_survive_a_kill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic("t", 1);
    assert_eq!(
        s.post("/v1/topics/t/messages", &json!([{"value": "old"}]))
            .status(),
        200
    );
    let v: Value = s
        .http
        .patch(format!("{}/v1/topics/t", s.url))
        .body(r#"{"partitions": 3}"#)
        .send()
        .expect("PATCH")
        .json()
        .expect("describe reply");
    assert_eq!(v["partitions"].as_array().map(Vec::len), Some(3));
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "p2", "partition": 2}, {"value": "p1", "partition": 1}]),
    );
    let v: Value = r.json().expect("json");
    assert_eq!(v["produced"], 2, "{v}");
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "p3", "partition": 3}]),
    );
    let v: Value = r.json().expect("json");
    assert_eq!(v["failed"], 1, "partition 3 does not exist: {v}");
    let got = s.poll("t", "g", &json!({"owner": "o", "max": 10}));
    let mut seen = number_and_text(&got["messages"], "partition", "value");
    seen.sort();
    assert_eq!(
        seen,
        [
            (0, "old".to_owned()),
            (1, "p1".to_owned()),
            (2, "p2".to_owned())
        ]
    );
    s.kill9();
    let s = Server::start_on(&dir, &[]);
    let v = s.json("/v1/topics/t");
    assert_eq!(v["partitions"].as_array().map(Vec::len), Some(3), "{v}");
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "after", "partition": 2}]),
    );
    let v: Value = r.json().expect("json");
    assert_eq!(v["results"][0]["offset"], 1, "partition 2 continues: {v}");
    drop(s);
    crate::support::driftq()
        .args(["wal", "verify"])
        .arg(&dir)
        .assert()
        .code(0);
}

/// `DELETE /v1/topics/{topic}/messages` (SQS's `PurgeQueue`): the messages go, the topic, its
/// offsets and its groups stay, and a restart does not bring anything back.
#[test]
fn purging_a_topic_deletes_its_messages_and_nothing_comes_back_after_a_kill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic("t", 1);
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "a"}, {"value": "b"}, {"value": "c"}]),
    );
    assert_eq!(r.status(), 200);
    let polled = s.poll("t", "g", &json!({"owner": "o", "max": 1}));
    assert_eq!(polled["messages"].as_array().map(Vec::len), Some(1));
    let purge = |s: &Server, topic: &str| {
        s.http
            .delete(format!("{}/v1/topics/{topic}/messages", s.url))
            .send()
            .expect("DELETE")
    };
    let v: Value = purge(&s, "t").json().expect("json");
    assert_eq!(v, json!({"topic": "t", "purged": 3}));
    assert_eq!(error_code(purge(&s, "nope")), (404, "NOT_FOUND".to_owned()));
    let r = s.get("/v1/topics/t/messages");
    assert_eq!(
        r.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("POST,DELETE")
    );
    assert_eq!(error_code(r).0, 405);
    let r = s.post("/v1/topics/t/messages", &json!([{"value": "after"}]));
    let v: Value = r.json().expect("json");
    assert_eq!(v["results"][0]["offset"], 3, "offsets continue");
    s.kill9();
    let s = Server::start_on(&dir, &[]);
    let got = s.poll("t", "g", &json!({"owner": "o", "max": 10}));
    let values = text_values(&got);
    assert_eq!(values, ["after"], "nothing purged came back");
}

/// `"ordering": "key"` (SQS FIFO's message groups): two workers polling at once never hold two
/// messages of one key, each key's messages come in produce order, a long poll gets a key's
/// next message as soon as the one before is acked, and the order survives a SIGKILL.
#[test]
fn a_topic_ordered_by_key_gives_workers_one_message_per_key_in_order_even_across_a_kill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic_from(&json!({"name": "runs", "partitions": 2, "ordering": "key"}));
    assert_eq!(s.json("/v1/topics/runs")["ordering"], "key");
    s.create_topic("plain", 1);
    assert_eq!(s.json("/v1/topics/plain")["ordering"], "none");
    let batch: Vec<Value> = (1..=3)
        .flat_map(|step| {
            ["run-a", "run-b"].map(|run| json!({"key": run, "value": format!("{run} step {step}")}))
        })
        .collect();
    assert_eq!(
        s.post("/v1/topics/runs/messages", &json!(batch)).status(),
        200
    );
    let first = poll_runs(&s, "w1");
    let second = poll_runs(&s, "w2");
    assert_eq!(sorted_values(&first), ["run-a step 1", "run-b step 1"]);
    assert!(
        second.is_empty(),
        "w2 gets nothing while both keys are in flight: {second:?}"
    );
    let g = s.json("/v1/topics/runs/groups/w");
    assert_eq!(g["blocked_by_key"], 4, "{g}");
    let rows = s.json("/debug/messages/state?group=w&topic=runs&status=blocked_by_key");
    assert_eq!(rows["rows"].as_array().map(Vec::len), Some(4), "{rows}");
    let metrics = s.get("/metrics").text().expect("metrics");
    assert!(
        metrics
            .lines()
            .any(|l| l == r#"blocked_by_key_messages{topic="runs",group="w"} 4"#),
        "{metrics}"
    );
    // A long poll waiting on the key is answered by the ack that releases its next message.
    let url = s.url.clone();
    let waiter = std::thread::spawn(move || {
        reqwest::blocking::Client::new()
            .post(format!("{url}/v1/topics/runs/groups/w/poll"))
            .json(&json!({"owner": "w2", "max": 10, "wait_ms": 20_000, "lease_ms": 60_000}))
            .send()
            .and_then(reqwest::blocking::Response::json::<Value>)
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let a1 = first
        .iter()
        .find(|m| m["key"] == "run-a")
        .expect("run-a step 1");
    ack_run(&s, a1, "w1");
    let released = waiter.join().expect("waiter").expect("long poll reply");
    assert_eq!(
        released["messages"][0]["value"], "run-a step 2",
        "{released}"
    );
    kill_keeps_the_order_and_acks_drain_each_key(&mut s, &dir);
}

/// SIGKILL: leases go, the order stays; acking every delivery drains each key in produce order; the ordering cannot be changed.
fn kill_keeps_the_order_and_acks_drain_each_key(s: &mut Server, dir: &std::path::Path) {
    // SIGKILL: leases go, the order stays. Step 2 of run-a and step 1 of run-b come back, and
    // nothing after them.
    s.kill9();
    let s = Server::start_on(dir, &[]);
    assert_eq!(s.json("/v1/topics/runs")["ordering"], "key");
    let back = poll_runs(&s, "w3");
    assert_eq!(sorted_values(&back), ["run-a step 2", "run-b step 1"]);
    // Acking every delivery in turn drains each key in produce order.
    let mut seen: Vec<String> = sorted_values(&back);
    let mut pending = back;
    while !pending.is_empty() {
        for m in &pending {
            ack_run(&s, m, "w3");
        }
        pending = poll_runs(&s, "w3");
        seen.extend(sorted_values(&pending));
    }
    let of = |run: &str| -> Vec<&String> { seen.iter().filter(|v| v.starts_with(run)).collect() };
    assert_eq!(of("run-a"), ["run-a step 2", "run-a step 3"]);
    assert_eq!(
        of("run-b"),
        ["run-b step 1", "run-b step 2", "run-b step 3"]
    );
    // The ordering is chosen at creation: a PATCH cannot switch it, a bad one is a 400.
    let r = s
        .http
        .patch(format!("{}/v1/topics/runs", s.url))
        .body(r#"{"ordering": "none"}"#)
        .send()
        .expect("PATCH");
    assert_eq!(r.status(), 400);
    let body: Value = r.json().expect("json error");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("created")),
        "{body}"
    );
    assert_eq!(
        error_code(s.post("/v1/topics", &json!({"name": "x", "ordering": "fifo"}))).0,
        400
    );
    drop(s);
    crate::support::driftq()
        .args(["wal", "verify"])
        .arg(dir)
        .assert()
        .code(0);
}

/// A poll of group `w` on `runs` by `owner`: its messages.
fn poll_runs(s: &Server, owner: &str) -> Vec<Value> {
    s.poll(
        "runs",
        "w",
        &json!({"owner": owner, "max": 10, "lease_ms": 60_000}),
    )["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Acks `m` of `runs` for group `w` as `owner`.
fn ack_run(s: &Server, m: &Value, owner: &str) {
    let body = json!({"topic": "runs", "group": "w", "owner": owner, "partition": m["partition"], "offset": m["offset"]});
    assert_eq!(s.post("/v1/ack", &body).status(), 204);
}

/// The messages' values, sorted.
fn sorted_values(ms: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = ms
        .iter()
        .map(|m| m["value"].as_str().unwrap_or_default().to_owned())
        .collect();
    v.sort();
    v
}
