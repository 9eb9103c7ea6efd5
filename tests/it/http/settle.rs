//! Settling over HTTP: batch acks and nacks, dead-letter nacks.

use super::*;

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
