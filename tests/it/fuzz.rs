//! "Bad input never hurts", checked by generating it: random requests (every route and method,
//! path segments from a vocabulary of good, missing and hostile names, query strings and bodies
//! built from the API's own field names with values of every JSON type, or raw bytes) against
//! one real server. Every answer must be a success or a JSON `{"error","message"}` 4xx, never a
//! 5xx; the server must stay up; and a topic the generator never names must read back exactly
//! as written, with `driftq wal verify` clean after a SIGKILL.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

use crate::server::Server;
use crate::support::driftq;

/// Routes as (method, path template): `{t}` a topic, `{g}` a group, `{p}` a partition.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/healthz"),
    ("GET", "/v1/config"),
    ("GET", "/v1/stats"),
    ("GET", "/v1/topics"),
    ("POST", "/v1/topics"),
    ("GET", "/v1/topics/{t}"),
    ("PATCH", "/v1/topics/{t}"),
    ("DELETE", "/v1/topics/{t}"),
    ("POST", "/v1/topics/{t}/messages"),
    ("DELETE", "/v1/topics/{t}/messages"),
    ("GET", "/v1/topics/{t}/partitions/{p}/messages"),
    ("GET", "/v1/topics/{t}/groups/{g}"),
    ("DELETE", "/v1/topics/{t}/groups/{g}"),
    ("GET", "/v1/topics/{t}/groups/{g}/inflight"),
    ("POST", "/v1/topics/{t}/groups/{g}/poll"),
    ("POST", "/v1/topics/{t}/groups/{g}/acks"),
    ("POST", "/v1/topics/{t}/groups/{g}/seek"),
    ("GET", "/v1/groups"),
    ("POST", "/v1/produce"),
    ("POST", "/v1/ack"),
    ("POST", "/v1/ack-cumulative"),
    ("POST", "/v1/nack"),
    ("POST", "/v1/extend"),
    ("GET", "/v1/dlq"),
    ("GET", "/v1/dlq/{t}/messages"),
    ("POST", "/v1/dlq/{t}/replay"),
    ("GET", "/debug/topics"),
    ("GET", "/debug/topics/peek"),
    ("GET", "/debug/topics/lag"),
    ("GET", "/debug/messages/state"),
    ("PUT", "/v1/topics/{t}"),
    ("GET", "/v1/nope"),
];

/// Path segments: existing, missing, DLQ, empty-ish, hostile, too long.
const SEGMENTS: &[&str] = &[
    "t",
    "t",
    "t",
    "dlq.t",
    "nope",
    "%20",
    "..",
    "a%2Fb",
    "%00",
    "%FF",
    "ü",
    "-1",
    "0",
    "1",
    "99",
    "18446744073709551616",
    "g",
    "g",
    "w",
];

/// Field and parameter names the API reads (`wait_ms` left out: a long poll only slows the run).
const FIELDS: &[&str] = &[
    "name",
    "partitions",
    "retention_ms",
    "retention_bytes",
    "retry_policy",
    "ordering",
    "max_attempts",
    "backoff_ms",
    "max_backoff_ms",
    "topic",
    "key",
    "value",
    "headers",
    "partition",
    "envelope",
    "delay_ms",
    "owner",
    "group",
    "offset",
    "reason",
    "error",
    "lease_ms",
    "max",
    "items",
    "nack",
    "to",
    "force",
    "offset_from",
    "offset_to",
    "since",
    "until",
    "limit",
    "dry_run",
    "copy",
    "include_replayed",
    "status",
    "tenant_id",
    "idempotency_key",
    "run_id",
    "target_topic",
    "partition_override",
    "deadline",
    "retry_max_attempts",
    "base64",
    "from",
    "dead_letter",
    "unknown",
];

/// `Accept` headers: JSON, anything, the binary message framing alone and among others.
const ACCEPTS: &[&str] = &[
    "application/json",
    "*/*",
    driftq_core::api::binary::CONTENT_TYPE,
    "application/vnd.driftq.messages;q=0.5, text/plain",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(-1),
            Just(i64::MAX),
            Just(i64::MIN),
            -5i64..50
        ]
        .prop_map(Value::from),
        Just(json!(1.5)),
        Just(json!(u64::MAX)),
        prop::sample::select(SEGMENTS).prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
        Just(Value::from("x".repeat(3000))),
        Just(Value::from("2025-12-21T12:00:00Z")),
        Just(Value::from("start")),
        // `ordering`'s values, so that some topics are created ordered by key.
        Just(Value::from("key")),
        Just(Value::from("none")),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..5).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    Raw(Vec<u8>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        1 => Just(Body::None),
        6 => prop::collection::vec((prop::sample::select(FIELDS), value()), 0..7).prop_map(|pairs| {
            Body::Json(Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
        }),
        2 => value().prop_map(Body::Json),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(Body::Raw),
    ]
}

fn query() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    prop::collection::vec(
        (
            prop::sample::select(FIELDS),
            prop_oneof![
                prop::sample::select(SEGMENTS).prop_map(str::to_owned),
                "[ -~]{0,8}",
                Just("-5".to_owned()),
                Just("1".to_owned()),
            ],
        ),
        0..4,
    )
}

#[derive(Debug, Clone)]
struct Request {
    method: &'static str,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Body,
    /// An `Accept` header: none, JSON, anything, or the binary message framing.
    accept: Option<&'static str>,
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop::sample::select(ROUTES),
        prop::sample::select(SEGMENTS),
        prop::sample::select(SEGMENTS),
        prop::sample::select(SEGMENTS),
        query(),
        body(),
        prop::option::of(prop::sample::select(ACCEPTS)),
    )
        .prop_map(
            |((method, template), t, g, p, query, body, accept)| Request {
                method,
                path: template
                    .replace("{t}", t)
                    .replace("{g}", g)
                    .replace("{p}", p),
                query,
                body,
                accept,
            },
        )
}

/// Query values as a URL carries them (every byte but unreserved ones as `%XX`).
fn percent_encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn send(s: &Server, r: &Request) -> Result<(), TestCaseError> {
    let method = reqwest::Method::from_bytes(r.method.as_bytes()).expect("method");
    let query: Vec<String> = r
        .query
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    let mut b = s
        .http
        .request(method, format!("{}{}?{}", s.url, r.path, query.join("&")));
    if let Some(accept) = r.accept {
        b = b.header("accept", accept);
    }
    b = match &r.body {
        Body::None => b,
        Body::Json(v) => b.json(v),
        Body::Raw(bytes) => b.body(bytes.clone()),
    };
    let resp = b
        .send()
        .map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    prop_assert!(status < 500, "{status} {text}");
    if status >= 400 {
        let v: Value = serde_json::from_str(&text)
            .map_err(|_| TestCaseError::fail(format!("{status}: not JSON: {text}")))?;
        prop_assert!(
            v["error"].is_string() && v["message"].is_string(),
            "{status}: {text}"
        );
    }
    Ok(())
}

fn kept(s: &Server) -> Vec<Value> {
    let r = s.get("/v1/topics/keep/partitions/0/messages?offset=0&max=100");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().expect("json");
    v["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| json!([m["offset"], m["key"], m["value"]]))
        .collect()
}

#[test]
fn random_requests_get_json_answers_never_5xx_and_never_touch_other_data() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut s = Server::start_on(&dir, &[]);
    s.create_topic("t", 2);
    s.create_topic("keep", 1);
    let r = s.post(
        "/v1/topics/keep/messages",
        &json!([{"key": "a", "value": "one"}, {"value": "two"}, {"value": {"base64": "AP8="}}]),
    );
    assert_eq!(r.status(), 200);
    let before = kept(&s);
    assert_eq!(before.len(), 3);
    let cases = std::env::var("FUZZ_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&request(), |r| send(&s, &r));
    if let Err(e) = result {
        panic!("{e}\nserver log:\n{}", s.logs());
    }
    assert_eq!(kept(&s), before, "a topic no request named is unchanged");
    assert_eq!(s.get("/v1/healthz").status(), 200);
    s.kill9();
    driftq().args(["wal", "verify"]).arg(&dir).assert().code(0);
    let s = Server::start_on(&dir, &[]);
    assert_eq!(kept(&s), before, "and so it stays after a SIGKILL");
}
