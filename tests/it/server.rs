//! The one helper that starts a real `driftq serve` on 127.0.0.1:0 with a temp data dir.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use serde_json::Value;

pub(crate) struct Server {
    child: Option<Child>,
    pub url: String,
    pub logs: Arc<Mutex<Vec<String>>>,
    _tmp: Option<tempfile::TempDir>,
    pub http: Client,
}

impl Server {
    /// Starts a server on a fresh temp data dir with `args` added.
    pub(crate) fn start(args: &[&str]) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let mut s = Self::start_on(&dir, args);
        s._tmp = Some(tmp);
        s
    }

    /// Starts a server on `data_dir` (kept by the caller).
    pub(crate) fn start_on(data_dir: &Path, args: &[&str]) -> Self {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("driftq"));
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(args);
        Self::spawn(cmd)
    }

    /// Starts a server on `data_dir` with limits on open files (`ulimit -S -n` and `-H -n`).
    pub(crate) fn start_with_file_limit(
        data_dir: &Path,
        (soft, hard): (u32, u32),
        args: &[&str],
    ) -> Self {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!(
                "ulimit -S -n {soft} && ulimit -H -n {hard} && exec \"$0\" \"$@\""
            ))
            .arg(assert_cmd::cargo::cargo_bin("driftq"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(args);
        Self::spawn(cmd)
    }

    /// Starts the binary the way DriftQ v1's `driftqd` was started: under that name (a symlink
    /// in `link_dir`), with Go-style flags, `-wal` naming `data_dir`.
    pub(crate) fn start_as_driftqd(link_dir: &Path, data_dir: &Path, args: &[&str]) -> Self {
        let link = link_dir.join("driftqd");
        if !link.exists() {
            std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("driftq"), &link)
                .expect("symlink driftqd");
        }
        let mut cmd = Command::new(link);
        cmd.args(["-addr", "127.0.0.1:0", "-wal"])
            .arg(data_dir)
            .args(args);
        Self::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .env("NO_COLOR", "1")
            .env_remove("DRIFTQ_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn driftq serve");
        let stderr = child.stderr.take().expect("stderr");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("driftq listening on ") {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send(url);
                }
                sink.lock().expect("logs").push(line);
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start: {:?}", logs.lock().expect("logs"));
            }
        };
        let http = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        Self {
            child: Some(child),
            url,
            logs,
            _tmp: None,
            http,
        }
    }

    /// SIGKILL: no flush, no goodbye.
    pub(crate) fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGHUP: the server re-reads its auth file and TLS certificates.
    pub(crate) fn hangup(&self) {
        let pid = self.child.as_ref().expect("running").id();
        let status = Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .expect("kill -HUP");
        assert!(status.success());
    }

    /// Waits (up to 20 s) for a log line containing `text`.
    pub(crate) fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.logs().contains(text) {
            assert!(
                Instant::now() < deadline,
                "no log line with {text:?}: {}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM and wait; returns the exit status code.
    pub(crate) fn terminate(&mut self) -> Option<i32> {
        let mut c = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = c.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = c.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn get(&self, path: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .expect("GET")
    }

    pub(crate) fn post(&self, path: &str, body: &Value) -> Response {
        self.http
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .expect("POST")
    }

    pub(crate) fn post_query(&self, path_and_query: &str) -> Response {
        self.http
            .post(format!("{}{path_and_query}", self.url))
            .send()
            .expect("POST")
    }

    /// A pull-consume poll of `group` on `topic` (`body`: owner, max, lease_ms, wait_ms): the
    /// reply's JSON.
    pub(crate) fn poll(&self, topic: &str, group: &str, body: &Value) -> Value {
        self.post(&format!("/v1/topics/{topic}/groups/{group}/poll"), body)
            .json()
            .expect("poll reply")
    }

    pub(crate) fn json(&self, path: &str) -> Value {
        let r = self.get(path);
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().expect("json")
    }

    /// Produces `n` messages `v0`, `v1`, … to `topic`, one request each.
    pub(crate) fn produce_values(&self, topic: &str, n: usize) {
        for i in 0..n {
            let r = self.post(
                "/v1/produce",
                &serde_json::json!({"topic": topic, "value": format!("v{i}")}),
            );
            assert_eq!(r.status(), 200, "produce v{i} to {topic}");
        }
    }

    /// Produces `n` messages `m0`, `m1`, … to `topic` in one batch request.
    pub(crate) fn produce_batch_of(&self, topic: &str, n: usize) {
        let batch: Vec<Value> = (0..n)
            .map(|i| serde_json::json!({"value": format!("m{i}")}))
            .collect();
        let r = self.post(
            &format!("/v1/topics/{topic}/messages"),
            &Value::Array(batch),
        );
        assert!(r.status().is_success(), "batch produce: {}", r.status());
    }

    pub(crate) fn create_topic(&self, name: &str, partitions: u32) {
        self.create_topic_from(&serde_json::json!({"name": name, "partitions": partitions}));
    }

    /// Creates a topic from a whole `POST /v1/topics` body (retry policy, ordering, …).
    pub(crate) fn create_topic_from(&self, body: &Value) {
        let r = self.post("/v1/topics", body);
        assert_eq!(r.status(), 201, "create {body}");
    }

    /// The log lines that are JSON objects (`--log-format json`), parsed.
    pub(crate) fn json_logs(&self) -> Vec<Value> {
        self.logs
            .lock()
            .expect("logs")
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    pub(crate) fn logs(&self) -> String {
        self.logs.lock().expect("logs").join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}
