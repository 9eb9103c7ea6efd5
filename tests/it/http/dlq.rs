//! Dead-letter queues over HTTP: a topic's retry policy sends plain messages there.

use super::*;

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
