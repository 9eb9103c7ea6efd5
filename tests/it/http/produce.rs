//! Produce over HTTP: DriftQ's JSON and query forms, backpressure, delays.

use super::*;

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
    for bad in [
        "/v1/produce?topic=t1",
        "/v1/produce?topic=nope&value=x",
        "/v1/produce?topic=t1&value=x&retry_backoff_ms=10",
        "/v1/produce?topic=t1&value=x&retry_max_attempts=-1",
        "/v1/produce?topic=t1&value=x&partition_override=9",
        "/v1/produce?topic=t1&value=x&deadline_rfc3339=2001-01-01T00:00:00Z",
    ] {
        assert_eq!(error_code(s.post_query(bad)).0, 400, "{bad}");
    }
    for bad in [
        json!({"topic": "t1", "value": "x", "envelope": {"labels": {}}}),
        json!({"topic": "t1", "value": 5}),
    ] {
        assert_eq!(error_code(s.post("/v1/produce", &bad)).0, 400, "{bad}");
    }
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
