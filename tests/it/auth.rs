//! Tokens with topic permissions against the real binary: 401 without or with a wrong token,
//! 403 naming the permission and the topic, each action allowed on its glob and denied
//! elsewhere, reload on SIGHUP and when the file changes (a stream of a removed principal ends;
//! a broken file changes nothing), protected mode, the access log's principal and `auth_denied_total`.

use std::io::{BufRead, BufReader};
use std::path::Path;

use driftq_core::auth::TokenHash;
use reqwest::blocking::RequestBuilder;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::server::Server;
use crate::support::driftq;

/// An auth-file entry: `name` signs in with token `tok-<name>` and holds `permissions`.
fn principal(name: &str, permissions: &str) -> String {
    let hash = TokenHash::of(&format!("tok-{name}"));
    format!(
        "[[principals]]\nname = \"{name}\"\ntoken_sha256 = \"{hash}\"\npermissions = [{permissions}]\n\n"
    )
}

fn write_auth(path: &Path, principals: &[String]) {
    std::fs::write(path, principals.concat()).expect("write auth file");
}

/// The principals of the permission matrix.
fn matrix() -> Vec<String> {
    vec![
        principal("root", r#"{ action = "admin", topics = "*" }"#),
        principal("producer", r#"{ action = "produce", topics = "orders*" }"#),
        principal(
            "consumer",
            r#"{ action = "consume", topics = "orders*", groups = "billing*" }"#,
        ),
        principal("reader", r#"{ action = "read", topics = "orders*" }"#),
        principal("admin", r#"{ action = "admin", topics = "orders*" }"#),
    ]
}

struct Authed {
    server: Server,
    _dir: tempfile::TempDir,
    auth_file: std::path::PathBuf,
}

fn start(principals: &[String], extra: &[&str]) -> Authed {
    let dir = tempfile::tempdir().expect("tempdir");
    let auth_file = dir.path().join("auth.toml");
    write_auth(&auth_file, principals);
    let file = auth_file.to_str().expect("utf-8 path");
    let mut args = vec!["--auth-file", file];
    args.extend_from_slice(extra);
    Authed {
        server: Server::start(&args),
        _dir: dir,
        auth_file,
    }
}

impl Authed {
    fn call(
        &self,
        who: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req: RequestBuilder = self
            .server
            .http
            .request(method, format!("{}{path}", self.server.url));
        if let Some(who) = who {
            req = req.bearer_auth(format!("tok-{who}"));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().expect("request");
        let status = resp.status();
        let text = resp.text().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

/// One request of the matrix: who, what, where, and whether it is allowed.
struct Case {
    who: String,
    method: Method,
    path: String,
    body: Option<Value>,
    allowed: bool,
}

/// Who does what where, and whether the matrix's auth file allows it: one request a line,
/// `who allow|deny METHOD path body`; bodies: `-`, `produce:TOPIC`, `batch`, `lease:TOPIC:GROUP`,
/// `topic:NAME`, `retention`.
const MATRIX: &str = "
producer allow POST   /v1/produce                                produce:orders
producer deny  POST   /v1/produce                                produce:payments
producer allow POST   /v1/topics/orders/messages                 batch
producer deny  POST   /v1/topics/payments/messages               batch
producer deny  GET    /v1/topics/orders                          -
consumer allow POST   /v1/topics/orders/groups/billing-1/poll    lease:orders:billing-1
consumer deny  POST   /v1/topics/orders/groups/audit/poll        lease:orders:audit
consumer deny  POST   /v1/topics/payments/groups/billing/poll    lease:payments:billing
consumer deny  POST   /v1/produce                                produce:orders
reader   allow GET    /v1/topics/orders                          -
reader   allow GET    /v1/topics/orders/partitions/0/messages    -
reader   deny  GET    /v1/topics/payments                        -
reader   deny  DELETE /v1/topics/orders/messages                 -
reader   deny  GET    /metrics                                   -
admin    allow PATCH  /v1/topics/orders                          retention
admin    allow DELETE /v1/topics/orders/messages                 -
admin    allow POST   /v1/produce                                produce:orders
admin    deny  DELETE /v1/topics/payments/messages               -
admin    allow POST   /v1/topics                                 topic:orders.eu
admin    deny  POST   /v1/topics                                 topic:audit
root     allow GET    /metrics                                   -
";

fn matrix_cases() -> Vec<Case> {
    MATRIX
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            let body = match w[4].split(':').collect::<Vec<_>>()[..] {
                ["-"] => None,
                ["produce", t] => Some(json!({"topic": t, "value": "v"})),
                ["batch"] => Some(json!([{"value": "b"}])),
                ["lease", t, g] => {
                    Some(json!({"owner": "w", "max": 1, "lease_ms": 30000, "topic": t, "group": g}))
                }
                ["topic", name] => Some(json!({"name": name})),
                ["retention"] => Some(json!({"retention_ms": 60000})),
                _ => panic!("bad matrix line {line:?}"),
            };
            Case {
                who: w[0].to_owned(),
                allowed: w[1] == "allow",
                method: Method::from_bytes(w[2].as_bytes()).expect("method"),
                path: w[3].to_owned(),
                body,
            }
        })
        .collect()
}

#[test]
fn each_permission_is_allowed_on_its_topics_and_denied_elsewhere() {
    let a = start(&matrix(), &[]);
    for t in ["orders", "payments"] {
        let (s, _) = a.call(
            Some("root"),
            Method::POST,
            "/v1/topics",
            Some(json!({"name": t})),
        );
        assert_eq!(s, 201, "root creates {t}");
    }
    for c in matrix_cases() {
        let (status, body) = a.call(Some(&c.who), c.method.clone(), &c.path, c.body.clone());
        if c.allowed {
            assert!(
                status.is_success(),
                "{} {} {}: {status} {body}",
                c.who,
                c.method,
                c.path
            );
        } else {
            assert_eq!(status, 403, "{} {} {}: {body}", c.who, c.method, c.path);
            assert_eq!(body["error"], "PERMISSION_DENIED");
            let msg = body["message"].as_str().unwrap_or_default();
            assert!(
                msg.contains(&c.who) && msg.contains("permission on"),
                "{msg}"
            );
        }
    }
    // What a caller sees in lists is what it may read.
    let (_, topics) = a.call(Some("reader"), Method::GET, "/v1/topics", None);
    assert_eq!(topics["topics"], json!(["orders", "orders.eu"]));
    let (_, stats) = a.call(Some("reader"), Method::GET, "/v1/stats", None);
    let names: Vec<&str> = stats["topics"]
        .as_array()
        .expect("topics")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["orders", "orders.eu"]);
}

#[test]
fn a_missing_or_wrong_token_is_unauthenticated_and_counted() {
    let a = start(&matrix(), &[]);
    let (s, body) = a.call(None, Method::GET, "/v1/topics", None);
    assert_eq!(
        (s, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED"))
    );
    let (s, body) = a.call(Some("nobody"), Method::GET, "/v1/topics", None);
    assert_eq!(
        (s, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED"))
    );
    let basic = a
        .server
        .http
        .get(format!("{}/v1/topics", a.server.url))
        .basic_auth("u", Some("p"))
        .send()
        .expect("GET");
    assert_eq!(basic.status(), 401);
    // Health and the API's description stay open; metrics do not.
    assert_eq!(a.call(None, Method::GET, "/v1/healthz", None).0, 200);
    assert_eq!(a.call(None, Method::GET, "/v1/openapi.json", None).0, 200);
    assert_eq!(a.call(None, Method::GET, "/metrics", None).0, 401);
    let (_, who) = a.call(Some("reader"), Method::GET, "/v1/whoami", None);
    assert_eq!(
        (who["auth"].as_bool(), who["principal"].as_str()),
        (Some(true), Some("reader"))
    );
    let (_, metrics) = a.call(Some("root"), Method::GET, "/metrics", None);
    let text = metrics.as_str().expect("text");
    assert!(
        text.contains("auth_denied_total{reason=\"missing_token\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("auth_denied_total{reason=\"bad_token\"} 2"),
        "{text}"
    );
}

#[test]
fn metrics_are_public_when_told() {
    let a = start(&matrix(), &["--metrics-public"]);
    assert_eq!(a.call(None, Method::GET, "/metrics", None).0, 200);
    assert_eq!(a.call(None, Method::GET, "/v1/stats", None).0, 401);
}

#[test]
fn a_reload_adds_and_removes_principals_and_ends_the_streams_of_the_removed() {
    let mut a = start(
        &[principal("old", r#"{ action = "admin", topics = "*" }"#)],
        &[],
    );
    assert_eq!(
        a.call(
            Some("old"),
            Method::POST,
            "/v1/topics",
            Some(json!({"name": "jobs"}))
        )
        .0,
        201
    );
    let stream = a
        .server
        .http
        .get(format!(
            "{}/v1/consume?topic=jobs&group=g&owner=w",
            a.server.url
        ))
        .bearer_auth("tok-old")
        .send()
        .expect("open stream");
    assert_eq!(stream.status(), 200);
    let mut lines = BufReader::new(stream).lines();
    assert_eq!(lines.next().expect("first line").expect("read"), "");
    assert_eq!(a.call(Some("new"), Method::GET, "/v1/topics", None).0, 401);
    write_auth(
        &a.auth_file,
        &[principal("new", r#"{ action = "admin", topics = "*" }"#)],
    );
    a.server.hangup();
    a.server.wait_for_log("auth file reloaded");
    assert_eq!(a.call(Some("new"), Method::GET, "/v1/topics", None).0, 200);
    assert_eq!(a.call(Some("old"), Method::GET, "/v1/topics", None).0, 401);
    // The open stream ends with one error line, then the end of the body.
    let rest: Vec<String> = lines
        .map_while(Result::ok)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(rest.len(), 1, "{rest:?}");
    let err: Value = serde_json::from_str(&rest[0]).expect("an error line");
    assert_eq!(err["error"], "PERMISSION_DENIED", "{err}");
    a.server.kill9();
}

#[test]
fn a_broken_auth_file_on_reload_keeps_the_one_in_force() {
    let a = start(
        &[principal("ops", r#"{ action = "admin", topics = "*" }"#)],
        &[],
    );
    std::fs::write(
        &a.auth_file,
        "[[principals]]\nname = \"ops\"\ntoken = \"plain text\"\n",
    )
    .expect("break it");
    a.server.hangup();
    a.server.wait_for_log("auth file refused");
    assert!(
        a.server.logs().contains("unknown field `token`"),
        "{}",
        a.server.logs()
    );
    assert_eq!(a.call(Some("ops"), Method::GET, "/v1/topics", None).0, 200);
}

/// The auth file is watched: a change on disk is loaded without a signal once it holds still, a
/// broken one is refused as on SIGHUP.
#[test]
fn an_auth_file_changed_on_disk_is_reloaded_without_a_signal() {
    let a = start(
        &[principal("old", r#"{ action = "admin", topics = "*" }"#)],
        &[],
    );
    std::fs::write(
        &a.auth_file,
        "[[principals]]\nname = \"old\"\ntoken = \"plain text\"\n",
    )
    .expect("break it");
    a.server
        .wait_for_log("auth file changed: auth file refused");
    assert_eq!(a.call(Some("old"), Method::GET, "/v1/topics", None).0, 200);
    write_auth(
        &a.auth_file,
        &[principal("new", r#"{ action = "admin", topics = "*" }"#)],
    );
    a.server
        .wait_for_log("auth file changed: auth file reloaded");
    assert_eq!(a.call(Some("new"), Method::GET, "/v1/topics", None).0, 200);
    assert_eq!(a.call(Some("old"), Method::GET, "/v1/topics", None).0, 401);
}

#[test]
fn a_principal_holds_at_most_its_bound_of_consume_streams() {
    let a = start(
        &[principal("w", r#"{ action = "admin", topics = "*" }"#)],
        &["--max-streams-per-principal", "2"],
    );
    assert_eq!(
        a.call(
            Some("w"),
            Method::POST,
            "/v1/topics",
            Some(json!({"name": "jobs"}))
        )
        .0,
        201
    );
    let open = || {
        a.server
            .http
            .get(format!(
                "{}/v1/consume?topic=jobs&group=g&owner=w",
                a.server.url
            ))
            .bearer_auth("tok-w")
            .send()
            .expect("open stream")
    };
    let (first, second) = (open(), open());
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let third = open();
    assert_eq!(third.status(), 429);
    let body: Value = third.json().expect("error body");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--max-streams-per-principal"),
        "{body}"
    );
    drop(first);
    // The slot comes back once the server has seen the stream close.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let again = open();
        if again.status() == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot never came back"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn the_access_log_names_the_principal() {
    let a = start(&matrix(), &["--access-log", "--log-format", "json"]);
    assert_eq!(
        a.call(Some("reader"), Method::GET, "/v1/topics", None).0,
        200
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let logs = a.server.json_logs();
        if logs
            .iter()
            .any(|l| l["fields"]["principal"] == "reader" || l["principal"] == "reader")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no access line names reader: {logs:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn protected_mode_refuses_a_non_loopback_address_without_auth() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Refused before anything is bound: the test's traffic stays on loopback.
    driftq()
        .args(["serve", "--addr", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "refusing to listen on 0.0.0.0:0 without auth",
        ))
        .stderr(predicates::str::contains("--allow-anonymous"));
    assert!(!dir.path().join("data").exists(), "nothing was written");
}

#[test]
fn a_broken_auth_file_at_start_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("auth.toml");
    std::fs::write(
        &file,
        "[[principals]]\nname = \"a\"\ntoken_sha256 = \"short\"\n",
    )
    .expect("write");
    driftq()
        .args(["serve", "--addr", "127.0.0.1:0", "--auth-file"])
        .arg(&file)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("64 hex digits"));
}

#[test]
fn hash_token_prints_what_gen_token_printed() {
    // `hash-token`'s argument once shared its id with the global `--token` and was refused.
    let out = driftq()
        .args(["auth", "gen-token", "-o", "json"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let made: Value = serde_json::from_slice(&out.stdout).expect("json");
    let token = made["token"].as_str().expect("token");
    driftq()
        .args(["auth", "hash-token", token])
        .assert()
        .success()
        .stdout(format!(
            "{}\n",
            made["token_sha256"].as_str().expect("hash")
        ));
    driftq()
        .args(["auth", "hash-token", "-"])
        .write_stdin("test\n")
        .assert()
        .success()
        .stdout("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n");
    driftq()
        .args(["auth", "hash-token", "x", "--url", "http://127.0.0.1:1"])
        .assert()
        .code(2);
}
