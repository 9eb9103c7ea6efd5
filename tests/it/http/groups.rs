//! Groups over HTTP: independent offsets and owners, delete, bounded names, and the extensions end to end.

use super::*;

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
    batch_acks_and_a_dead_letter(&s, &msgs, binary);
    seek_reads_and_stats(&s);
    empty_dlqs_and_missing_topics(&s);
}

/// Batch acks (one bad) and a nack that sends the binary message to the DLQ; the group and DLQ views.
fn batch_acks_and_a_dead_letter(s: &Server, msgs: &[Value], binary: &Value) {
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
}

/// Seek back to the start (refused while leases are held, unless forced); reads by offset and time; stats.
fn seek_reads_and_stats(s: &Server) {
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
}

/// No DLQ yet for an existing topic is an empty one; a missing topic is a 404, a missing envelope target fails its message alone.
fn empty_dlqs_and_missing_topics(s: &Server) {
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
