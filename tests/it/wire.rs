//! Every reply of the API, byte for byte: one scripted session against the real server, each
//! status and body written down in order (times, ages and paths masked), compared with the
//! snapshot. Field names *and their order* are part of the contract (DriftQ's SDKs and tools
//! read them), so a change of a wire type that moves a field shows up here.

use reqwest::Method;
use serde_json::{Value, json};

use crate::server::Server;

/// Keys whose values depend on the clock, the machine or the run.
fn masked(key: &str) -> bool {
    const PARTS: [&str; 10] = [
        "timestamp",
        "_age_ms",
        "deadline",
        "uptime",
        "now_ms",
        "_at_ms",
        "remaining",
        "free_bytes",
        "total_bytes",
        "_dir",
    ];
    const KEYS: [&str; 7] = [
        "commit",
        "version",
        "addr",
        "wal_path",
        "routed_at",
        "time",
        "dir",
    ];
    PARTS.iter().any(|p| key.contains(p)) || KEYS.contains(&key)
}

/// `body` with every masked key's scalar value replaced by `"<masked>"`, order and spacing kept.
fn mask(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        let tail = &after[end + 1..];
        let colon = tail.trim_start_matches(' ');
        out.push('"');
        out.push_str(key);
        out.push('"');
        if let Some(value) = colon.strip_prefix(':').filter(|_| masked(key)) {
            let value = value.trim_start_matches(' ');
            let len = scalar_len(value);
            if len > 0 {
                out.push_str(&tail[..tail.len() - value.len()]);
                out.push_str("\"<masked>\"");
                rest = &value[len..];
                continue;
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Length of the JSON scalar `s` starts with (0 for an object or array).
fn scalar_len(s: &str) -> usize {
    if let Some(inner) = s.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in inner.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return i + 2,
                _ => escaped = false,
            }
        }
        return s.len();
    }
    if s.starts_with(['{', '[']) {
        return 0;
    }
    s.find([',', '}', ']', '\n']).unwrap_or(s.len())
}

struct Session<'a> {
    server: &'a Server,
    transcript: String,
}

impl Session<'_> {
    fn call(&mut self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .server
            .http
            .request(method.clone(), format!("{}{path}", self.server.url));
        if let Some(b) = &body {
            req = req.json(b);
        }
        let resp = req.send().expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().expect("body");
        self.transcript
            .push_str(&format!("{method} {path}\n{status} {}\n\n", mask(&text)));
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

fn lease_body(d: &Value) -> Value {
    json!({"topic": d["topic"], "group": d["group"], "owner": d["owner"],
           "partition": d["partition"], "offset": d["offset"]})
}

#[test]
fn every_reply_keeps_its_field_names_and_order() {
    let server = Server::start(&[]);
    let mut s = Session {
        server: &server,
        transcript: String::new(),
    };
    for path in [
        "/v1/healthz",
        "/v1/version",
        "/v1/config",
        "/v1/topics",
        "/v1/nosuch",
    ] {
        s.call(Method::GET, path, None);
    }
    topics_and_produce(&mut s);
    consume_and_settle(&mut s);
    groups_dlq_stats_and_debug(&mut s);
    alter_purge_and_delete(&mut s);
    insta::assert_snapshot!(s.transcript);
}

/// Topics created (and refused), messages produced one by one and in a batch, read back.
fn topics_and_produce(s: &mut Session<'_>) {
    s.call(
        Method::POST,
        "/v1/topics",
        Some(json!({"name": "jobs", "partitions": 2})),
    );
    s.call(Method::POST, "/v1/topics", Some(json!({"name": "jobs"})));
    s.call(
        Method::POST,
        "/v1/topics",
        Some(json!({"name": "jobs", "bogus": 1})),
    );
    s.call(
        Method::POST,
        "/v1/produce",
        Some(json!({"topic": "jobs", "key": "k", "value": "hello",
                    "envelope": {"tenant_id": "t1", "idempotency_key": "i1",
                                 "retry_policy": {"max_attempts": 1, "backoff_ms": 10}}})),
    );
    s.call(
        Method::POST,
        "/v1/produce",
        Some(json!({"topic": "jobs", "key": "k", "value": "hello",
                    "envelope": {"tenant_id": "t1", "idempotency_key": "i1"}})),
    );
    s.call(
        Method::POST,
        "/v1/topics/jobs/messages",
        Some(
            json!([{"key": "k", "value": "a", "headers": [{"name": "h", "value": "1"}]},
                    {"key": "k", "value": {"base64": "AAE="}},
                    {"value": "c", "partition": 9}]),
        ),
    );
    s.call(Method::GET, "/v1/topics", None);
    s.call(Method::GET, "/v1/topics/jobs", None);
    s.call(
        Method::GET,
        "/v1/topics/jobs/partitions/0/messages?offset=1",
        None,
    );
}

/// A poll, then extend, nack, ack, a batch of acks, a release and a cumulative ack.
fn consume_and_settle(s: &mut Session<'_>) {
    let polled = s.call(
        Method::POST,
        "/v1/topics/jobs/groups/g/poll",
        Some(json!({"owner": "w1", "max": 2, "lease_ms": 60000})),
    );
    let msgs = polled["messages"].as_array().cloned().unwrap_or_default();
    assert_eq!(msgs.len(), 2, "two deliveries: {polled}");
    let mut extend = lease_body(&msgs[1]);
    extend["lease_ms"] = json!(30000);
    s.call(Method::POST, "/v1/extend", Some(extend));
    let mut nack = lease_body(&msgs[0]);
    nack["reason"] = json!("boom");
    s.call(Method::POST, "/v1/nack", Some(nack));
    s.call(Method::POST, "/v1/ack", Some(lease_body(&msgs[0])));
    s.call(Method::GET, "/v1/topics/jobs/groups/g/inflight", None);
    let mut batch = json!({"owner": "w1", "items": [
        {"partition": msgs[1]["partition"], "offset": msgs[1]["offset"]},
        {"partition": 0, "offset": 99}]});
    s.call(
        Method::POST,
        "/v1/topics/jobs/groups/g/acks",
        Some(batch.take()),
    );
    let again = s.call(
        Method::POST,
        "/v1/topics/jobs/groups/g/poll",
        Some(json!({"owner": "w2", "max": 1, "lease_ms": 60000})),
    );
    if let Some(d) = again["messages"].get(0) {
        s.call(
            Method::POST,
            "/v1/topics/jobs/groups/g/release",
            Some(json!({"owner": "w2", "items": [{"partition": d["partition"], "offset": d["offset"]}]})),
        );
        s.call(Method::POST, "/v1/ack-cumulative", Some(lease_body(d)));
    }
}

/// Groups, the DLQ, stats and the debug views.
fn groups_dlq_stats_and_debug(s: &mut Session<'_>) {
    s.call(Method::GET, "/v1/groups", None);
    s.call(Method::GET, "/v1/topics/jobs/groups/g", None);
    s.call(
        Method::POST,
        "/v1/topics/jobs/groups/g/seek",
        Some(json!({"to": "start", "force": true})),
    );
    s.call(Method::GET, "/v1/dlq", None);
    s.call(Method::GET, "/v1/dlq/jobs/messages", None);
    s.call(
        Method::POST,
        "/v1/dlq/jobs/replay",
        Some(json!({"dry_run": true})),
    );
    s.call(Method::GET, "/v1/stats", None);
    for path in [
        "/debug/topics",
        "/debug/topics/peek?topic=jobs",
        "/debug/topics/lag?group=g",
        "/debug/messages/state?group=g",
        "/debug/runs",
    ] {
        s.call(Method::GET, path, None);
    }
}

/// A topic altered, its group deleted, the topic purged and deleted.
fn alter_purge_and_delete(s: &mut Session<'_>) {
    s.call(
        Method::PATCH,
        "/v1/topics/jobs",
        Some(json!({"retention_ms": 3_600_000})),
    );
    s.call(Method::DELETE, "/v1/topics/jobs/groups/g?force=true", None);
    s.call(Method::DELETE, "/v1/topics/jobs/messages", None);
    s.call(Method::DELETE, "/v1/topics/jobs", None);
    s.call(Method::PUT, "/v1/topics", None);
}
