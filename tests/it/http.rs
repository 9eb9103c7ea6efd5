//! The HTTP API end to end against the real binary: DriftQ v1 compatibility (the contract's §9
//! tests that apply), our extensions, error shapes, limits.

use std::io::{BufRead, BufReader};

use serde_json::{Value, json};

use crate::server::Server;

/// The text values of a poll reply's messages, in order.
fn text_values(reply: &Value) -> Vec<&str> {
    reply["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["value"].as_str())
        .collect()
}

/// Two fields of each object in the JSON array `rows`: a number (99 when missing) and a text.
fn number_and_text(rows: &Value, number: &str, text: &str) -> Vec<(u64, String)> {
    rows.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r[number].as_u64().unwrap_or(99),
                r[text].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn error_code(r: reqwest::blocking::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().expect("json error body");
    assert!(
        body["message"].is_string(),
        "error body has a message: {body}"
    );
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Reads an NDJSON stream the way DriftQ's SDKs do: skip blank lines, decode each JSON value.
struct StreamReader {
    lines: std::io::Lines<BufReader<reqwest::blocking::Response>>,
}

impl StreamReader {
    fn open(s: &Server, query: &str) -> Self {
        let client = reqwest::blocking::Client::builder()
            .timeout(None)
            .build()
            .expect("client");
        let r = client
            .get(format!("{}/v1/consume?{query}", s.url))
            .header("Accept", "application/x-ndjson")
            .send()
            .expect("consume");
        assert_eq!(r.status(), 200);
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(ct.contains("application/x-ndjson"), "{ct}");
        Self {
            lines: BufReader::new(r).lines(),
        }
    }

    fn next(&mut self) -> Value {
        loop {
            let line = self.lines.next().expect("stream open").expect("read");
            if !line.trim().is_empty() {
                return serde_json::from_str(&line).expect("json line");
            }
        }
    }
}

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
    assert_eq!(
        error_code(s.post_query("/v1/topics?name=bad%20name")).0,
        400
    );
    assert_eq!(
        error_code(s.post_query("/v1/topics?name=x&partitions=-1")).0,
        400
    );
    assert_eq!(
        error_code(s.post("/v1/topics", &json!({"name": "x", "bogus": 1}))).0,
        400
    );
    assert_eq!(error_code(s.post("/v1/topics", &json!({"name": 5}))).0, 400);
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

#[test]
fn produce_json_and_query_forms_and_errors() {
    let s = Server::start(&[]);
    s.create_topic("t1", 1);
    let r: Value = s
        .post("/v1/produce", &json!({"topic": "t1", "value": "a"}))
        .json()
        .expect("json");
    assert_eq!(
        (r["status"].clone(), r["topic"].clone(), r["offset"].clone()),
        (json!("produced"), json!("t1"), json!(0))
    );
    let r: Value = s.post_query("/v1/produce?topic=t1&value=b&key=k&tenant=acme&retry_max_attempts=3&retry_backoff_ms=10").json().expect("json");
    assert_eq!(r["offset"], 1);
    assert_eq!(error_code(s.post_query("/v1/produce?topic=t1")).0, 400);
    assert_eq!(
        error_code(s.post_query("/v1/produce?topic=nope&value=x")).0,
        400
    );
    assert_eq!(
        error_code(s.post_query("/v1/produce?topic=t1&value=x&retry_backoff_ms=10")).0,
        400
    );
    assert_eq!(
        error_code(s.post_query("/v1/produce?topic=t1&value=x&retry_max_attempts=-1")).0,
        400
    );
    assert_eq!(
        error_code(s.post_query("/v1/produce?topic=t1&value=x&partition_override=9")).0,
        400
    );
    assert_eq!(
        error_code(
            s.post_query("/v1/produce?topic=t1&value=x&deadline_rfc3339=2001-01-01T00:00:00Z")
        )
        .0,
        400
    );
    assert_eq!(
        error_code(s.post(
            "/v1/produce",
            &json!({"topic": "t1", "value": "x", "envelope": {"labels": {}}})
        ))
        .0,
        400
    );
    assert_eq!(
        error_code(s.post("/v1/produce", &json!({"topic": "t1", "value": 5}))).0,
        400
    );
    let r = s
        .http
        .post(format!("{}/v1/produce", s.url))
        .body("{not json")
        .send()
        .expect("post");
    assert_eq!(error_code(r).0, 400);
    // Idempotent produce says it was a duplicate and returns the first position.
    let body = json!({"topic": "t1", "value": "once", "envelope": {"idempotency_key": "k1", "tenant_id": "t"}});
    let first: Value = s.post("/v1/produce", &body).json().expect("json");
    let again: Value = s.post("/v1/produce", &body).json().expect("json");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["offset"], first["offset"]);
    // Stored data is intact after all the bad requests.
    let msgs = s.json("/v1/topics/t1/partitions/0/messages?offset=0");
    assert_eq!(msgs["messages"].as_array().map(Vec::len), Some(3));
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
fn consume_stream_sends_headers_at_once_and_ndjson_fields() {
    let s = Server::start(&[]);
    s.create_topic("t1", 1);
    // Headers arrive although nothing is there to consume yet: `open` blocks until the status
    // line and headers are in, and it returns before anything is produced.
    let mut stream = StreamReader::open(&s, "topic=t1&group=g&owner=o");
    s.post(
        "/v1/produce",
        &json!({"topic": "t1", "value": "a", "key": "k"}),
    );
    let m = stream.next();
    assert_eq!(
        (
            m["partition"].clone(),
            m["offset"].clone(),
            m["value"].clone(),
            m["attempts"].clone()
        ),
        (json!(0), json!(0), json!("a"), json!(1))
    );
    assert_eq!(m["key"], "k");
    assert_eq!(m["last_error"], "");
    assert_eq!(
        error_code(
            s.http
                .get(format!("{}/v1/consume?topic=t1&group=g", s.url))
                .send()
                .expect("get")
        )
        .0,
        400
    );
    assert_eq!(
        error_code(
            s.http
                .get(format!("{}/v1/consume?topic=nope&group=g&owner=o", s.url))
                .send()
                .expect("get")
        )
        .0,
        400
    );
    assert_eq!(
        error_code(
            s.http
                .get(format!(
                    "{}/v1/consume?topic=t1&group=g&owner=o&lease_ms=-5",
                    s.url
                ))
                .send()
                .expect("get")
        )
        .0,
        400
    );
    // A lease past 12 hours is refused everywhere one is granted, and leases nothing.
    let r = s.post(
        "/v1/topics/t1/groups/g2/poll",
        &json!({"owner": "o", "lease_ms": 43_200_001_i64}),
    );
    let (status, code) = error_code(r);
    assert_eq!((status, code.as_str()), (400, "INVALID_ARGUMENT"));
    let r = s.post(
        "/v1/extend",
        &json!({"topic": "t1", "group": "g", "owner": "o", "partition": 0, "offset": 0, "lease_ms": i64::MAX}),
    );
    assert_eq!(error_code(r).0, 400);
    let polled: Value = s.poll(
        "t1",
        "g2",
        &json!({"owner": "o", "lease_ms": 43_200_000_i64}),
    );
    assert_eq!(
        polled["messages"][0]["value"], "a",
        "12 h is allowed, and the refused poll leased nothing"
    );
}

#[test]
fn group_offsets_are_independent_and_owners_enforced() {
    let s = Server::start(&[]);
    s.create_topic("t1", 1);
    for v in ["a", "b"] {
        s.post("/v1/produce", &json!({"topic": "t1", "value": v}));
    }
    let mut g1 = StreamReader::open(&s, "topic=t1&group=g1&owner=o1&lease_ms=60000");
    let a = g1.next();
    assert_eq!(a["value"], "a");
    let ack = |owner: &str, offset: &Value| json!({"topic": "t1", "group": "g1", "owner": owner, "partition": 0, "offset": offset});
    assert_eq!(
        error_code(s.post("/v1/ack", &ack("intruder", &a["offset"]))),
        (409, "FAILED_PRECONDITION".into())
    );
    assert_eq!(
        error_code(s.post("/v1/nack", &ack("intruder", &a["offset"]))),
        (409, "FAILED_PRECONDITION".into())
    );
    assert_eq!(s.post("/v1/ack", &ack("o1", &a["offset"])).status(), 204);
    assert_eq!(
        error_code(s.post("/v1/ack", &ack("o1", &a["offset"]))).0,
        400,
        "not in flight any more"
    );
    let mut extra = ack("o1", &a["offset"]);
    extra["bogus"] = json!(1);
    let (status, _) = error_code(s.post("/v1/ack", &extra));
    assert_eq!(status, 400);
    assert_eq!(
        error_code(s.post(
            "/v1/ack",
            &json!({"topic": "t1", "group": "g1", "owner": "o1"})
        ))
        .0,
        400,
        "missing partition/offset is rejected"
    );
    let b = g1.next();
    assert_eq!(b["value"], "b");
    // A new group starts at the beginning.
    let mut g2 = StreamReader::open(&s, "topic=t1&group=g2&owner=o2");
    assert_eq!(g2.next()["value"], "a");
    // Query-form ack and nack.
    assert_eq!(
        s.post_query("/v1/ack?topic=t1&group=g1&owner=o1&partition=0&offset=1")
            .status(),
        204
    );
    assert_eq!(
        error_code(s.post_query("/v1/ack?topic=t1&group=g1&owner=o1")).0,
        400
    );
}

#[test]
fn backpressure_maps_to_429_with_retry_after() {
    let s = Server::start(&["--max-partition-msgs", "2"]);
    s.create_topic("t", 1);
    let r: Value = s.poll("t", "g", &json!({"owner": "o", "max": 1}));
    assert_eq!(
        r["messages"],
        json!([]),
        "the group exists now and has acked nothing"
    );
    for v in ["1", "2"] {
        assert_eq!(
            s.post("/v1/produce", &json!({"topic": "t", "value": v}))
                .status(),
            200
        );
    }
    let r = s.post("/v1/produce", &json!({"topic": "t", "value": "3"}));
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    let body: Value = r.json().expect("json");
    assert_eq!(body["error"], "RESOURCE_EXHAUSTED");
    assert_eq!(body["reason"], "partition_buffer_full");
    assert!(body["retry_after_ms"].as_u64().unwrap_or(0) > 0);
    let metrics = s.get("/metrics").text().expect("metrics");
    assert!(
        metrics.contains("produce_rejected_total{reason=\"partition_buffer_full\"} 1"),
        "{metrics}"
    );

    let s = Server::start(&["--max-partition-bytes", "10"]);
    s.create_topic("t", 1);
    s.post("/v1/topics/t/groups/g/poll", &json!({"owner": "o"}));
    assert_eq!(
        s.post("/v1/produce", &json!({"topic": "t", "value": "12345"}))
            .status(),
        200
    );
    assert_eq!(
        s.post("/v1/produce", &json!({"topic": "t", "value": "67890"}))
            .status(),
        429
    );
}

#[test]
fn max_inflight_holds_messages_until_ack() {
    let s = Server::start(&["--max-inflight", "1"]);
    s.create_topic("t", 1);
    for v in ["m1", "m2"] {
        s.post("/v1/produce", &json!({"topic": "t", "value": v}));
    }
    let first: Value = s.poll(
        "t",
        "g",
        &json!({"owner": "o", "max": 10, "lease_ms": 60000}),
    );
    assert_eq!(first["messages"].as_array().map(Vec::len), Some(1));
    let none: Value = s.poll("t", "g", &json!({"owner": "o", "max": 10, "wait_ms": 300}));
    assert_eq!(none["messages"], json!([]));
    let m = &first["messages"][0];
    assert_eq!(s.post("/v1/ack", &json!({"topic": "t", "group": "g", "owner": "o", "partition": 0, "offset": m["offset"]})).status(), 204);
    let next: Value = s.poll("t", "g", &json!({"owner": "o", "max": 10}));
    assert_eq!(next["messages"][0]["value"], "m2");
}

#[test]
fn extensions_batch_produce_poll_acks_groups_inflight_seek_dlq_stats() {
    let s = Server::start(&[]);
    s.create_topic("jobs", 2);
    // Batch produce: a JSON array with a binary value, and NDJSON.
    let r: Value = s
        .post("/v1/topics/jobs/messages", &json!([
            {"key": "k1", "value": "hello", "headers": [{"name": "h", "value": "1"}, {"name": "h", "value": "2"}]},
            {"value": {"base64": "/wA="}, "partition": 1, "envelope": {"retry_policy": {"max_attempts": 1}}},
        ]))
        .json()
        .expect("batch");
    assert_eq!(
        (r["produced"].clone(), r["failed"].clone()),
        (json!(2), json!(0))
    );
    let ndjson = "{\"value\":\"x\"}\n\n{\"value\":\"y\",\"partition\":0}\n";
    let r: Value = s
        .http
        .post(format!("{}/v1/topics/jobs/messages", s.url))
        .body(ndjson)
        .send()
        .expect("post")
        .json()
        .expect("json");
    assert_eq!(r["produced"], 2);
    let r = s
        .http
        .post(format!("{}/v1/topics/jobs/messages", s.url))
        .body("{\"value\":")
        .send()
        .expect("post");
    assert_eq!(error_code(r).0, 400);
    // Pull-style consume.
    let polled: Value = s.poll(
        "jobs",
        "w",
        &json!({"owner": "w1", "max": 10, "lease_ms": 60000}),
    );
    let msgs = polled["messages"].as_array().expect("messages").clone();
    assert_eq!(msgs.len(), 4);
    let binary = msgs
        .iter()
        .find(|m| m["value"] == json!({"base64": "/wA="}))
        .expect("binary value round-trips");
    let hello = msgs.iter().find(|m| m["value"] == "hello").expect("hello");
    assert_eq!(
        hello["headers"],
        json!([{"name": "h", "value": "1"}, {"name": "h", "value": "2"}])
    );
    // Inflight listing and lease extension.
    let inflight = s.json("/v1/topics/jobs/groups/w/inflight");
    assert_eq!(inflight["inflight"].as_array().map(Vec::len), Some(4));
    let ext: Value = s.post("/v1/extend", &json!({"topic": "jobs", "group": "w", "owner": "w1", "partition": hello["partition"], "offset": hello["offset"], "lease_ms": 120000})).json().expect("extend");
    assert!(ext["lease_deadline_ms"].as_i64().unwrap_or(0) > 0);
    // Batch acks (one bad) and a nack that sends the binary message to the DLQ.
    let items: Vec<Value> = msgs
        .iter()
        .filter(|m| m["value"] != json!({"base64": "/wA="}))
        .map(|m| json!({"partition": m["partition"], "offset": m["offset"]}))
        .chain([json!({"partition": 0, "offset": 99})])
        .collect();
    let acked: Value = s
        .post(
            "/v1/topics/jobs/groups/w/acks",
            &json!({"owner": "w1", "items": items}),
        )
        .json()
        .expect("acks");
    assert_eq!(
        (acked["acked"].clone(), acked["failed"].clone()),
        (json!(3), json!(1))
    );
    let results = acked["results"].as_array().expect("per-item results");
    assert_eq!(results.len(), 4);
    assert!(
        results[..3].iter().all(|r| r == &json!({"ok": true})),
        "{acked}"
    );
    assert_eq!(results[3]["error"], "INVALID_ARGUMENT", "{acked}");
    assert_eq!(s.post("/v1/nack", &json!({"topic": "jobs", "group": "w", "owner": "w1", "partition": binary["partition"], "offset": binary["offset"], "reason": "bad bytes"})).status(), 204);
    // Groups and DLQ views.
    let g = s.json("/v1/topics/jobs/groups/w");
    assert_eq!(
        (
            g["lag"].clone(),
            g["inflight"].clone(),
            g["dlq"].clone(),
            g["dlq_depth"].clone()
        ),
        (json!(0), json!(0), json!(1), json!(1))
    );
    assert!(
        s.json("/v1/groups")["groups"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g["group"] == "w"))
    );
    assert_eq!(s.json("/v1/dlq")["dlq"][0]["depth"], 1);
    let peek = s.json("/v1/dlq/jobs/messages");
    assert_eq!(peek["messages"][0]["dlq"]["errors"], json!(["bad bytes"]));
    assert_eq!(peek["messages"][0]["value"], json!({"base64": "/wA="}));
    let dry: Value = s
        .post("/v1/dlq/jobs/replay", &json!({"dry_run": true}))
        .json()
        .expect("dry");
    assert_eq!(
        (dry["selected"].clone(), dry["replayed"].clone()),
        (json!(1), json!(0))
    );
    let done: Value = s
        .post("/v1/dlq/jobs/replay", &json!({"error": "bad*"}))
        .json()
        .expect("replay");
    assert_eq!(done["replayed"], 1);
    assert_eq!(s.json("/v1/dlq")["dlq"][0]["depth"], 0);
    // Seek back to the start (refused while leases are held, unless forced).
    let again: Value = s.poll("jobs", "w", &json!({"owner": "w1"}));
    assert_eq!(
        again["messages"].as_array().map(Vec::len),
        Some(1),
        "the replayed message"
    );
    assert_eq!(
        error_code(s.post("/v1/topics/jobs/groups/w/seek", &json!({"to": "start"}))).0,
        409
    );
    let moved: Value = s
        .post(
            "/v1/topics/jobs/groups/w/seek",
            &json!({"to": "start", "force": true}),
        )
        .json()
        .expect("seek");
    assert_eq!(moved["moved"].as_array().map(Vec::len), Some(2));
    assert_eq!(s.json("/v1/topics/jobs/groups/w")["lag"], 5);
    // Reads by offset and time; stats.
    let read = s.json("/v1/topics/jobs/partitions/1/messages?offset=0&max=1");
    assert_eq!(read["messages"].as_array().map(Vec::len), Some(1));
    let by_time = s.json("/v1/topics/jobs/partitions/0/messages?timestamp=2000-01-01T00:00:00Z");
    assert!(
        by_time["messages"]
            .as_array()
            .is_some_and(|m| !m.is_empty())
    );
    let stats = s.json("/v1/stats");
    assert!(
        stats["topics"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["name"] == "dlq.jobs"))
    );
    assert_eq!(
        error_code(s.get("/v1/topics/nope/partitions/0/messages")).0,
        404
    );
    // No DLQ yet for an existing topic is an empty one; for a missing topic, a 404.
    s.create_topic("calm", 1);
    let peek: Value = s.json("/v1/dlq/calm/messages");
    assert_eq!(peek, json!({"messages": []}));
    let plan: Value = s
        .post("/v1/dlq/dlq.calm/replay", &json!({"dry_run": true}))
        .json()
        .expect("replay");
    assert_eq!(plan["selected"], 0);
    assert_eq!(error_code(s.get("/v1/dlq/nope/messages")).0, 404);
    assert_eq!(
        error_code(s.post("/v1/dlq/nope/replay", &json!({"dry_run": true}))).0,
        404
    );
    assert_eq!(
        error_code(s.get("/v1/topics/jobs/partitions/7/messages")).0,
        400
    );
    // A missing topic in the path is a 404 for the whole request; a missing envelope target
    // fails that message alone.
    assert_eq!(
        error_code(s.post("/v1/topics/nope/messages", &json!([{"value": "a"}]))),
        (404, "NOT_FOUND".to_owned())
    );
    let r: Value = s
        .post(
            "/v1/topics/jobs/messages",
            &json!([
                {"value": "a", "envelope": {"target_topic": "nope"}},
                {"value": "b"},
            ]),
        )
        .json()
        .expect("batch");
    assert_eq!(
        (r["produced"].clone(), r["failed"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(r["results"][0]["error"], "NOT_FOUND");
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
fn deleting_a_group_refuses_while_it_holds_leases_unless_forced_and_survives_a_restart() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic("t", 1);
    s.post("/v1/produce", &json!({"topic": "t", "value": "a"}));
    let polled: Value = s.poll("t", "g", &json!({"owner": "o"}));
    assert_eq!(polled["messages"].as_array().map(Vec::len), Some(1));
    // Describe says who polled last, which is what an operator checks before deleting.
    let described = s.json("/v1/topics/t/groups/g");
    assert_eq!(described["last_owner"], "o");
    assert!(
        described["last_poll_age_ms"]
            .as_i64()
            .is_some_and(|a| a >= 0)
    );
    let delete = |query: &str| {
        s.http
            .delete(format!("{}/v1/topics/t/groups/g{query}", s.url))
            .send()
            .expect("delete")
    };
    assert_eq!(
        error_code(delete("")),
        (409, "FAILED_PRECONDITION".to_owned())
    );
    assert_eq!(
        error_code(delete("?force=maybe")),
        (400, "INVALID_ARGUMENT".to_owned())
    );
    let r = delete("?force=true");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().expect("json"),
        json!({"topic": "t", "group": "g", "dropped_leases": 1})
    );
    assert_eq!(error_code(delete("")), (404, "NOT_FOUND".to_owned()));
    assert_eq!(
        error_code(
            s.http
                .delete(format!("{}/v1/topics/nope/groups/g", s.url))
                .send()
                .expect("delete")
        ),
        (404, "NOT_FOUND".to_owned())
    );
    s.kill9();
    let s = Server::start_on(&dir, &[]);
    assert_eq!(s.json("/v1/groups")["groups"], json!([]));
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

#[test]
fn a_backlog_in_sealed_segments_is_consumed_in_order_by_pull_and_stream() {
    // Tiny segments: nearly every message is in a sealed segment, which polls read on the
    // blocking pool; the last ones are in the active segment, read on the async worker.
    let s = Server::start(&["--segment-bytes", "300"]);
    s.create_topic("t", 1);
    for i in 0..40 {
        let r = s.post(
            "/v1/produce",
            &json!({"topic": "t", "value": format!("m{i}")}),
        );
        assert_eq!(r.status(), 200);
    }
    let segments = s.json("/v1/topics/t")["partitions"][0]["segments"].clone();
    assert!(
        segments.as_u64().unwrap_or(0) > 5,
        "the backlog spans many segments: {segments}"
    );
    let mut pulled = Vec::new();
    while pulled.len() < 40 {
        let r: Value = s.poll("t", "pull", &json!({"owner": "o", "max": 7}));
        let msgs = r["messages"].as_array().cloned().unwrap_or_default();
        assert!(!msgs.is_empty(), "the backlog ran dry at {}", pulled.len());
        for m in msgs {
            pulled.push(m["value"].as_str().unwrap_or_default().to_owned());
        }
    }
    let expected: Vec<String> = (0..40).map(|i| format!("m{i}")).collect();
    assert_eq!(pulled, expected);
    let mut stream = StreamReader::open(&s, "topic=t&group=stream&owner=o");
    let streamed: Vec<String> = (0..40)
        .map(|_| {
            stream.next()["value"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(streamed, expected);
}

#[test]
fn batch_nack_items_take_a_delay_and_ack_items_refuse_nack_fields() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    s.post("/v1/produce", &json!({"topic": "t", "value": "v"}));
    let polled: Value = s.poll("t", "g", &json!({"owner": "o", "max": 1}));
    let offset = polled["messages"][0]["offset"].clone();
    let r = s.post(
        "/v1/topics/t/groups/g/acks",
        &json!({"owner": "o", "items": [{"partition": 0, "offset": offset, "reason": "x"}]}),
    );
    assert_eq!(error_code(r), (400, "INVALID_ARGUMENT".to_owned()));
    let r: Value = s
        .post(
            "/v1/topics/t/groups/g/acks",
            &json!({"owner": "o", "items": [{"partition": 0, "offset": offset, "nack": true, "reason": "later", "delay_ms": 3_600_000}]}),
        )
        .json()
        .expect("acks");
    assert_eq!(r["failed"], 0, "{r}");
    let again: Value = s.poll("t", "g", &json!({"owner": "o", "max": 1}));
    assert_eq!(again["messages"], json!([]), "redelivery waits an hour");
    let group = s.json("/v1/topics/t/groups/g");
    assert_eq!(group["nacks"], 1, "{group}");
}

/// A nack with `"dead_letter": true` (single or in a batch) moves the message to `dlq.<topic>`
/// at once; it excludes `delay_ms`, belongs to nacks only, and is refused inside a DLQ.
#[test]
fn a_dead_letter_nack_moves_a_message_to_the_dlq_at_once() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "a", "envelope": {"retry_policy": {"max_attempts": 9}}}, {"value": "b"}]),
    );
    assert_eq!(r.status(), 200);
    let got = s.poll("t", "g", &json!({"owner": "o", "max": 2}));
    let (a, b) = (&got["messages"][0], &got["messages"][1]);
    let nack = |m: &Value, extra: Value| {
        let mut body = json!({"topic": "t", "group": "g", "owner": "o", "partition": m["partition"], "offset": m["offset"], "reason": "never parses"});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        s.post("/v1/nack", &body)
    };
    assert_eq!(
        error_code(nack(a, json!({"dead_letter": true, "delay_ms": 5}))).0,
        400
    );
    assert_eq!(nack(a, json!({"dead_letter": true})).status(), 204);
    let r = s.post(
        "/v1/topics/t/groups/g/acks",
        &json!({"owner": "o", "items": [{"partition": 0, "offset": b["offset"], "dead_letter": true}]}),
    );
    assert_eq!(error_code(r).0, 400, "dead_letter belongs to nacks");
    let r: Value = s
        .post(
            "/v1/topics/t/groups/g/acks",
            &json!({"owner": "o", "items": [{"partition": 0, "offset": b["offset"], "nack": true, "dead_letter": true}]}),
        )
        .json()
        .expect("acks");
    assert_eq!(r["failed"], 0, "{r}");
    let dead = s.poll("dlq.t", "ops", &json!({"owner": "o", "max": 10}));
    assert_eq!(
        number_and_text(&dead["messages"], "attempts", "value"),
        [(1, "a".to_owned()), (1, "b".to_owned())]
    );
    let d = &dead["messages"][0];
    let r = s.post(
        "/v1/nack",
        &json!({"topic": "dlq.t", "group": "ops", "owner": "o", "partition": d["partition"], "offset": d["offset"], "dead_letter": true}),
    );
    assert_eq!(
        error_code(r).0,
        400,
        "a DLQ message is dead-lettered already"
    );
    assert_eq!(s.json("/v1/topics/t/groups/g")["lag"], 0);
    // One more that runs out of attempts: the metric tells the two causes apart.
    s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "c", "envelope": {"retry_policy": {"max_attempts": 1}}}]),
    );
    let got = s.poll("t", "g", &json!({"owner": "o", "max": 1}));
    assert_eq!(nack(&got["messages"][0], json!({})).status(), 204);
    let text = s.get("/metrics").text().expect("metrics");
    for needle in [
        "dlq_messages_total{topic=\"t\",reason=\"dead_letter_nack\"} 2",
        "dlq_messages_total{topic=\"t\",reason=\"max_attempts_reached\"} 1",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[test]
fn a_poll_that_accepts_the_binary_framing_gets_the_same_messages_as_json() {
    use driftq_core::api::binary;
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([
            {"key": "k1", "value": "plain text with \"quotes\"",
             "headers": [{"name": "h", "value": "v"}, {"name": "raw", "value": {"base64": "AP8="}}],
             "envelope": {"run_id": "r1", "idempotency_key": "i1"}},
            {"value": {"base64": "AAEC/w=="}},
        ]),
    );
    assert_eq!(r.status(), 200);
    let poll_binary = |group: &str, accept: &str| {
        s.http
            .post(format!("{}/v1/topics/t/groups/{group}/poll", s.url))
            .header("accept", accept)
            .json(&json!({"owner": "o", "max": 10}))
            .send()
            .expect("poll")
    };
    let r = poll_binary(
        "bin",
        "application/json;q=0.5, application/vnd.driftq.messages",
    );
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        binary::CONTENT_TYPE,
        "the binary framing was asked for"
    );
    let body = r.bytes().expect("body");
    let got = binary::decode(&body).expect("a valid binary reply");
    let json_reply = s.poll("t", "json", &json!({"owner": "o", "max": 10}));
    let json_msgs = json_reply["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(got.len(), 2);
    assert_eq!(json_msgs.len(), 2);
    for (b, j) in got.iter().zip(&json_msgs) {
        assert_eq!(json!(b.partition), j["partition"]);
        assert_eq!(json!(b.offset), j["offset"]);
        assert_eq!(json!(b.attempts), j["attempts"]);
        assert_eq!(json!(b.timestamp_ms), j["timestamp_ms"]);
        assert_eq!(
            j["value"],
            json!(driftq_core::api::Bytes::from_bytes(b.value))
        );
        assert_eq!(
            j["key"],
            json!(b.key.map(driftq_core::api::Bytes::from_bytes))
        );
        let headers: Vec<Value> = b
            .headers
            .iter()
            .map(|(n, v)| json!({"name": n, "value": driftq_core::api::Bytes::from_bytes(v)}))
            .collect();
        assert_eq!(json!(headers), j["headers"]);
    }
    assert_eq!(got[0].value, b"plain text with \"quotes\"");
    assert_eq!(got[0].headers[1], ("raw", &[0u8, 0xff][..]));
    let extra: Value = serde_json::from_slice(got[0].extra).expect("extra is JSON");
    assert_eq!(extra["envelope"], json_msgs[0]["envelope"]);
    assert_eq!(got[1].key, None);
    assert_eq!(got[1].value, [0, 1, 2, 0xff]);
    assert!(got[1].extra.is_empty(), "nothing beyond the fixed fields");

    // A nacked message comes back with its attempts and errors in `extra`.
    let r = s.post(
        "/v1/nack",
        &json!({"topic": "t", "group": "bin", "owner": "o", "partition": 0, "offset": 1, "reason": "boom"}),
    );
    assert_eq!(r.status(), 204);
    let body = poll_binary("bin", binary::CONTENT_TYPE)
        .bytes()
        .expect("body");
    let again = binary::decode(&body).expect("valid");
    assert_eq!((again.len(), again[0].offset, again[0].attempts), (1, 1, 2));
    let extra: Value = serde_json::from_slice(again[0].extra).expect("extra is JSON");
    assert_eq!(extra["errors"], json!(["boom"]));
    assert_eq!(extra["last_error"], "boom");

    // An empty reply is a header with no messages; clients that accept anything get JSON;
    // errors stay JSON whatever was asked for.
    let body = poll_binary("bin", binary::CONTENT_TYPE)
        .bytes()
        .expect("body");
    assert_eq!(binary::decode(&body), Ok(Vec::new()));
    let r = poll_binary("other", "*/*");
    assert_eq!(r.headers()["content-type"], "application/json");
    let r = s
        .http
        .post(format!("{}/v1/topics/missing/groups/g/poll", s.url))
        .header("accept", binary::CONTENT_TYPE)
        .json(&json!({"owner": "o"}))
        .send()
        .expect("poll");
    assert_eq!(r.status(), 404);
    let e: Value = r.json().expect("a JSON error");
    assert_eq!(e["error"], "NOT_FOUND");
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

/// DriftQ v1's debug endpoints (contract §1.9), which its dashboard and `driftqctl topics
/// peek|lag` read: shapes, message states as a group sees them, and their errors.
#[test]
fn debug_endpoints_show_topics_lag_and_message_states_as_driftq_tools_read_them() {
    let s = Server::start(&[]);
    s.create_topic("demo", 1);
    let r = s.post(
        "/v1/topics/demo/messages",
        &json!([
            {"value": "m0"}, {"value": "m1", "key": "k1"}, {"value": "m2"},
            {"value": "m3", "envelope": {"tenant_id": "acme"}}, {"value": {"base64": "/wA="}},
        ]),
    );
    assert_eq!(r.status(), 200);

    // Topics: DriftQ's pretty-printed `{"ok": true, …}`.
    let r = s.get("/debug/topics");
    assert_eq!(r.status(), 200);
    let body = r.text().expect("body");
    assert!(body.contains("\n  \"ok\": true"), "pretty-printed: {body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["topics"], json!([{"topic": "demo", "messages": 5}]));

    // A group nobody has used sees every message queued, and is not created by looking
    // (DriftQ's TestTopicDebugAdapter_MessageStatesRoute).
    let v = s.json("/debug/messages/state?group=bench");
    assert_eq!(v["ok"], true);
    let states = number_and_text(&v["rows"], "offset", "state");
    assert_eq!(
        states,
        (0..5).map(|o| (o, "queued".to_owned())).collect::<Vec<_>>()
    );
    assert_eq!(s.json("/v1/groups")["groups"], json!([]));

    // One acked, one nacked (waiting 60 s for its retry), one leased, two never delivered.
    let polled = s.poll(
        "demo",
        "g",
        &json!({"owner": "o1", "max": 3, "lease_ms": 60000}),
    );
    assert_eq!(polled["messages"].as_array().map(Vec::len), Some(3));
    let lease = |offset: u64| json!({"topic": "demo", "group": "g", "owner": "o1", "partition": 0, "offset": offset});
    assert_eq!(s.post("/v1/ack", &lease(0)).status(), 204);
    let mut nack = lease(1);
    nack["reason"] = json!("boom");
    nack["delay_ms"] = json!(60000);
    assert_eq!(s.post("/v1/nack", &nack).status(), 204);
    let v = s.json("/debug/messages/state?group=g&topic=demo");
    let rows = v["rows"].as_array().expect("rows");
    let by_state: Vec<&str> = rows
        .iter()
        .map(|r| r["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        by_state,
        ["acked", "retried", "in_flight", "queued", "queued"]
    );
    assert_eq!(
        (rows[1]["attempts"].clone(), rows[1]["last_error"].clone()),
        (json!(1), json!("boom"))
    );
    assert_eq!(rows[2]["owner"], "o1");
    assert_eq!(rows[2]["lease_duration_ms"], 60000);
    assert!(rows[2]["lease_expires_at_ms"].as_i64() > rows[2]["last_delivered_at_ms"].as_i64());
    assert!(
        rows[3].get("owner").is_none(),
        "what is empty is left out: {}",
        rows[3]
    );
    assert_eq!(rows[3]["envelope"]["tenant_id"], "acme");
    assert_eq!(
        (rows[4]["value"].clone(), rows[4]["value_base64"].clone()),
        (json!("\u{fffd}\u{0}"), json!({"base64": "/wA="}))
    );
    let only = |q: &str| -> Vec<u64> {
        s.json(&format!("/debug/messages/state?group=g&{q}"))["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["offset"].as_u64())
            .collect()
    };
    assert_eq!(only("status=in_flight&owner=o1"), [2]);
    assert_eq!(only("owner=o2"), Vec::<u64>::new());
    assert_eq!(only("status=queued&limit=1"), [3]);
    assert_eq!(
        only("status=all&limit=2"),
        [1, 2],
        "what is still to do comes first"
    );

    // Lag: DriftQ's row, with the leases summed up.
    let v = s.json("/debug/topics/lag?group=g&topic=demo");
    let row = &v["rows"][0];
    assert_eq!(
        (
            row["head_offset"].clone(),
            row["committed_offset"].clone(),
            row["lag"].clone(),
            row["inflight"].clone()
        ),
        (json!(5), json!(1), json!(4), json!(1))
    );
    assert_eq!(row["lease_owners"], json!(["o1"]));
    assert_eq!(row["last_owner"], "o1");
    assert!(row.get("stalled").is_none(), "polled just now: {row}");
    assert_eq!(
        s.json("/debug/topics/lag?group=g")["rows"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(s.json("/debug/topics/lag?group=nobody")["rows"], json!([]));

    // Peek: newest first; DriftQ's clamp of the limit.
    let v = s.json("/debug/topics/peek?topic=demo&limit=2");
    let offsets: Vec<u64> = v["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["offset"].as_u64())
        .collect();
    assert_eq!(offsets, [4, 3]);
    assert_eq!(
        s.json("/debug/topics/peek?topic=demo&limit=1000")["limit"],
        100
    );
    assert_eq!(s.json("/debug/topics/peek?topic=demo&limit=x")["limit"], 10);
    let v = s.json("/debug/topics/peek?topic=demo&limit=5");
    let m1 = v["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["offset"] == 1))
        .cloned()
        .expect("m1");
    assert_eq!(
        (
            m1["key"].clone(),
            m1["attempts"].clone(),
            m1["last_error"].clone()
        ),
        (json!("k1"), json!(1), json!("boom"))
    );

    // Dead-lettered messages: the rows of the DLQ topic that this group put there.
    s.create_topic("jobs", 1);
    let r = s.post(
        "/v1/topics/jobs/messages",
        &json!([{"value": "j", "envelope": {"retry_policy": {"max_attempts": 1}}}]),
    );
    assert_eq!(r.status(), 200);
    s.poll("jobs", "g", &json!({"owner": "o1", "max": 1}));
    let r = s.post("/v1/nack", &json!({"topic": "jobs", "group": "g", "owner": "o1", "partition": 0, "offset": 0, "reason": "bad"}));
    assert_eq!(r.status(), 204);
    let v = s.json("/debug/messages/state?group=g&status=dead_lettered");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(
        (rows[0]["topic"].clone(), rows[0]["value"].clone()),
        (json!("dlq.jobs"), json!("j"))
    );
    assert_eq!(rows[0]["envelope"]["dlq"]["original_topic"], "jobs");
    assert_eq!(rows[0]["envelope"]["dlq"]["last_error"], "bad");
    assert_eq!(
        s.json("/debug/messages/state?group=other&status=dead_lettered")["rows"],
        json!([])
    );

    // Errors: JSON, with the status DriftQ gives (404 for what does not exist).
    for (path, status) in [
        ("/debug/topics/lag", 400),
        ("/debug/topics/lag?group=g&partition=x", 400),
        ("/debug/topics/lag?group=g&topic=nope", 404),
        ("/debug/topics/peek", 400),
        ("/debug/topics/peek?topic=nope", 404),
        ("/debug/messages/state", 400),
        ("/debug/messages/state?group=g&limit=0", 400),
        ("/debug/messages/state?group=g&status=lost", 400),
    ] {
        assert_eq!(error_code(s.get(path)).0, status, "{path}");
    }
    let r = s.post("/debug/topics", &json!({}));
    assert_eq!(
        r.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET,HEAD")
    );
    assert_eq!(error_code(r), (405, "METHOD_NOT_ALLOWED".to_owned()));
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

/// `delay_ms` on produce (SQS's `DelaySeconds`): the message waits, the ones after it do not,
/// the group shows it as delayed, and a long poll picks it up once it is due. Bad delays are
/// 400s on each produce path.
#[test]
fn a_produce_delay_holds_one_message_back_and_a_long_poll_gets_it_when_due() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "later", "delay_ms": 400}, {"value": "now"}]),
    );
    assert_eq!(r.status(), 200);
    let got = s.poll("t", "g", &json!({"owner": "o", "max": 10}));
    let values = text_values(&got);
    assert_eq!(values, ["now"]);
    let g = s.json("/v1/topics/t/groups/g");
    assert_eq!(g["delayed"], 1, "{g}");
    let rows = s.json("/debug/messages/state?group=g&topic=t&status=delayed");
    assert_eq!(rows["rows"][0]["offset"], 0, "{rows}");
    assert!(rows["rows"][0]["deliver_at_ms"].is_i64(), "{rows}");
    // Bounded: the poll returns as soon as the message is due, or after 10 s with nothing.
    let got = s.poll(
        "t",
        "g",
        &json!({"owner": "o", "max": 10, "wait_ms": 10000}),
    );
    assert_eq!(got["messages"][0]["value"], "later", "{got}");
    let r = s.post(
        "/v1/produce",
        &json!({"topic": "t", "value": "v1 path", "delay_ms": 900001}),
    );
    assert_eq!(error_code(r), (400, "INVALID_ARGUMENT".to_owned()));
    let r = s.post_query("/v1/produce?topic=t&value=x&delay_ms=-5");
    assert_eq!(error_code(r), (400, "INVALID_ARGUMENT".to_owned()));
    let r = s.post_query("/v1/produce?topic=t&value=x&delay_ms=50");
    assert_eq!(r.status(), 200);
    let r = s.post(
        "/v1/topics/t/messages",
        &json!([{"value": "x", "delay_ms": "soon"}]),
    );
    assert_eq!(error_code(r).0, 400);
}

/// A topic's `retry_policy` (SQS's redrive policy): set at create, shown by describe, applied to
/// messages produced without one (a nack past `max_attempts` dead-letters), changed or removed
/// by PATCH, and kept across a SIGKILL.
#[test]
fn a_topic_retry_policy_dead_letters_plain_messages_and_survives_a_kill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic_from(&json!({"name": "jobs", "retry_policy": {"max_attempts": 1}}));
    assert_eq!(
        s.json("/v1/topics/jobs")["retry_policy"],
        json!({"max_attempts": 1, "backoff_ms": 0, "max_backoff_ms": 0})
    );
    assert_eq!(
        s.post("/v1/topics/jobs/messages", &json!([{"value": "poison"}]))
            .status(),
        200
    );
    let got = s.poll("jobs", "w", &json!({"owner": "w1", "max": 1}));
    let m = &got["messages"][0];
    let nack = json!({"topic": "jobs", "group": "w", "owner": "w1", "partition": m["partition"], "offset": m["offset"], "reason": "bad"});
    assert_eq!(s.post("/v1/nack", &nack).status(), 204);
    let dead = s.poll("dlq.jobs", "ops", &json!({"owner": "o", "max": 10}));
    assert_eq!(dead["messages"][0]["value"], "poison", "{dead}");
    for bad in [
        json!({"name": "x", "retry_policy": {"max_attempts": 0}}),
        json!({"name": "x", "retry_policy": {"backoff_ms": 5}}),
        json!({"name": "x", "retry_policy": {"max_attempts": 2, "jitter": 1}}),
    ] {
        assert_eq!(error_code(s.post("/v1/topics", &bad)).0, 400, "{bad}");
    }
    let patch = |s: &Server, body: &str| {
        s.http
            .patch(format!("{}/v1/topics/jobs", s.url))
            .body(body.to_owned())
            .send()
            .expect("PATCH")
    };
    assert_eq!(
        error_code(patch(&s, r#"{"retry_policy": {"max_attempts": 0}}"#)).0,
        400
    );
    let v: Value = patch(
        &s,
        r#"{"retry_policy": {"max_attempts": 4, "backoff_ms": 100}}"#,
    )
    .json()
    .expect("describe reply");
    assert_eq!(v["retry_policy"]["max_attempts"], 4, "{v}");
    s.kill9();
    let s = Server::start_on(&dir, &[]);
    assert_eq!(s.json("/v1/topics/jobs")["retry_policy"]["max_attempts"], 4);
    let v: Value = patch(&s, r#"{"retry_policy": null}"#).json().expect("json");
    assert_eq!(v["retry_policy"], Value::Null, "{v}");
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

/// Group and owner names are bounded (every state record of a group and every lease carries
/// them): a 20,000-byte group, a group of spaces or with a newline, a 100,000-byte owner — each
/// a 400 on the pull and stream consume paths and a seek, and nothing is created.
#[test]
fn group_and_owner_names_are_bounded_on_every_path_that_creates_them() {
    let s = Server::start(&[]);
    s.create_topic("t", 1);
    let long_group = "g".repeat(20_000);
    let long_owner = "o".repeat(100_000);
    for (group, owner) in [
        (long_group.as_str(), "o"),
        ("%20", "o"),
        ("a%0Ab", "o"),
        ("ok", long_owner.as_str()),
    ] {
        let r = s.post(
            &format!("/v1/topics/t/groups/{group}/poll"),
            &json!({"owner": owner, "max": 1}),
        );
        assert_eq!(
            error_code(r),
            (400, "INVALID_ARGUMENT".to_owned()),
            "{}",
            &group[..group.len().min(20)]
        );
    }
    let r = s.post(
        &format!("/v1/topics/t/groups/{long_group}/seek"),
        &json!({"to": "start"}),
    );
    assert_eq!(error_code(r).0, 400);
    let r = s
        .http
        .get(format!(
            "{}/v1/consume?topic=t&group={long_group}&owner=o",
            s.url
        ))
        .send()
        .expect("consume");
    assert_eq!(error_code(r).0, 400, "refused before the stream starts");
    assert_eq!(s.json("/v1/groups")["groups"], json!([]));
    // A name with spaces inside, at the limit, is fine.
    let fine = format!("my group {}", "x".repeat(240));
    assert_eq!(fine.len(), 249);
    let r = s.post(
        &format!("/v1/topics/t/groups/{}/poll", fine.replace(' ', "%20")),
        &json!({"owner": "o", "max": 1}),
    );
    assert_eq!(r.status(), 200);
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
    let poll = |s: &Server, owner: &str| -> Vec<Value> {
        s.poll(
            "runs",
            "w",
            &json!({"owner": owner, "max": 10, "lease_ms": 60_000}),
        )["messages"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let ack = |s: &Server, m: &Value, owner: &str| {
        let body = json!({"topic": "runs", "group": "w", "owner": owner, "partition": m["partition"], "offset": m["offset"]});
        assert_eq!(s.post("/v1/ack", &body).status(), 204);
    };
    let first = poll(&s, "w1");
    let second = poll(&s, "w2");
    let values = |ms: &[Value]| -> Vec<String> {
        let mut v: Vec<String> = ms
            .iter()
            .map(|m| m["value"].as_str().unwrap_or_default().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(values(&first), ["run-a step 1", "run-b step 1"]);
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
    ack(&s, a1, "w1");
    let released = waiter.join().expect("waiter").expect("long poll reply");
    assert_eq!(
        released["messages"][0]["value"], "run-a step 2",
        "{released}"
    );
    // SIGKILL: leases go, the order stays. Step 2 of run-a and step 1 of run-b come back, and
    // nothing after them.
    s.kill9();
    let s = Server::start_on(&dir, &[]);
    assert_eq!(s.json("/v1/topics/runs")["ordering"], "key");
    let back = poll(&s, "w3");
    assert_eq!(values(&back), ["run-a step 2", "run-b step 1"]);
    // Acking every delivery in turn drains each key in produce order.
    let mut seen: Vec<String> = values(&back);
    let mut pending = back;
    while !pending.is_empty() {
        for m in &pending {
            ack(&s, m, "w3");
        }
        pending = poll(&s, "w3");
        seen.extend(values(&pending));
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
        .arg(&dir)
        .assert()
        .code(0);
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

/// What DriftQ's dashboard and driftqctl read from a broker: `/debug/runs` (no workflow engine
/// here: no runs), the engine fields of `/v1/config`, `topic_created_total`; and driftqctl's
/// `_peek` group never holds producers back.
#[test]
fn driftq_tools_find_runs_config_fields_metrics_and_peek_holds_nothing_back() {
    let s = Server::start(&["--max-partition-msgs", "5"]);
    let runs = s.json("/debug/runs?limit=10");
    assert_eq!(
        (runs["ok"].clone(), runs["runs"].clone()),
        (json!(true), json!([]))
    );
    let c = s.json("/v1/config");
    for key in [
        "engine_store",
        "engine_wal",
        "artifacts_dir",
        "wal_buffer_bytes",
    ] {
        assert!(!c[key].is_null(), "{key} in {c}");
    }
    s.create_topic("peeked", 1);
    let metrics = s.get("/metrics").text().expect("metrics");
    assert!(
        metrics.contains("topic_created_total{topic=\"peeked\"} 1"),
        "{metrics}"
    );
    // driftqctl's peek group reads the first message and never acks.
    assert_eq!(
        s.post("/v1/produce", &json!({"topic": "peeked", "value": "first"}))
            .status(),
        200
    );
    let _ = s.poll("peeked", "_peek", &json!({"owner": "ctl", "max": 1}));
    for i in 0..10 {
        let r = s.post(
            "/v1/produce",
            &json!({"topic": "peeked", "value": format!("v{i}")}),
        );
        assert_eq!(
            r.status(),
            200,
            "produce {i}: an ephemeral group holds nothing back"
        );
    }
    // A real group does.
    let _ = s.poll("peeked", "billing", &json!({"owner": "w", "max": 1}));
    let r = s.post("/v1/produce", &json!({"topic": "peeked", "value": "over"}));
    assert_eq!(r.status(), 429);
}
