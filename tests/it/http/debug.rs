//! DriftQ's debug endpoints as its dashboard and driftqctl read them.

use super::*;

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

    debug_lag_rows(&s);
    debug_peek_dead_letters_and_errors(&s);
}

/// Lag: DriftQ's row, with the leases summed up.
fn debug_lag_rows(s: &Server) {
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
}

/// Peek newest first with DriftQ's clamp; the dead-lettered rows; errors as DriftQ gives them.
fn debug_peek_dead_letters_and_errors(s: &Server) {
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
