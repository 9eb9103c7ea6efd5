//! Consume over HTTP: the NDJSON stream, pull polls (JSON and binary), in-flight limits, sealed-segment backlogs.

use super::*;

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
    // No owner, a missing topic, a negative lease: each a 400 (DriftQ's status for them).
    for query in [
        "topic=t1&group=g",
        "topic=nope&group=g&owner=o",
        "topic=t1&group=g&owner=o&lease_ms=-5",
    ] {
        let r = s.get(&format!("/v1/consume?{query}"));
        assert_eq!(error_code(r).0, 400, "{query}");
    }
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

/// A message produced while streams wait wakes one waiting stream of each group, not every
/// one: each group still gets every message exactly once, spread over its streams, and a long
/// poll of another group waiting at the same time gets its first message.
#[test]
fn messages_produced_one_at_a_time_reach_each_group_once_across_its_waiting_streams() {
    const MESSAGES: usize = 40;
    let s = Server::start(&[]);
    s.create_topic("t", 4);
    let (tx, rx) = std::sync::mpsc::channel();
    for (group, owner) in [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1")] {
        let mut reader = StreamReader::open(&s, &format!("topic=t&group={group}&owner={owner}"));
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Some(Ok(line)) = reader.lines.next() {
                let Ok(m) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let at = (m["partition"].as_u64(), m["offset"].as_u64());
                if tx.send((group, owner, at)).is_err() {
                    return;
                }
            }
        });
    }
    let long_poll = std::thread::scope(|scope| {
        let waiting = scope.spawn(|| {
            s.poll(
                "t",
                "c",
                &json!({"owner": "c1", "max": 1, "wait_ms": 30_000}),
            )
        });
        for i in 0..MESSAGES {
            let r = s.post(
                "/v1/produce",
                &json!({"topic": "t", "value": format!("m{i}")}),
            );
            assert_eq!(r.status(), 200);
        }
        waiting.join().expect("long poll")
    });
    assert_eq!(long_poll["messages"].as_array().map(Vec::len), Some(1));
    let mut seen: std::collections::BTreeMap<&str, Vec<_>> = Default::default();
    let mut owners = std::collections::BTreeSet::new();
    for _ in 0..2 * MESSAGES {
        let (group, owner, at) = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("every message reaches each group");
        seen.entry(group).or_default().push(at);
        owners.insert(owner);
    }
    for (group, mut ats) in seen {
        ats.sort_unstable();
        ats.dedup();
        assert_eq!(ats.len(), MESSAGES, "group {group} got each message once");
    }
    assert!(owners.contains("b1") && owners.len() >= 2, "{owners:?}");
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
