//! Limits one client cannot get around, against the real binary: a slow-loris client is cut at
//! the header timeout, an idle connection at the idle timeout, and connections beyond
//! `--max-connections` are answered 503 and closed while a connected producer goes on.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::server::Server;

fn addr(s: &Server) -> String {
    s.url.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or `limit` passes: then `false`).
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return true, // reset
        }
    }
    false
}

#[test]
fn a_slow_loris_is_cut_before_its_headers_are_complete_even_after_a_quiet_start() {
    let s = Server::start(&["--header-timeout", "1s", "--idle-timeout", "1h"]);
    let mut c = TcpStream::connect(addr(&s)).expect("connect");
    let request = format!(
        "GET /v1/healthz HTTP/1.1\r\nhost: {}\r\nx-padding: {}\r\n\r\n",
        addr(&s),
        "a".repeat(60)
    );
    // Quiet first, so the connection's watchdog is asleep toward the idle deadline (an hour)
    // when the first byte comes: it must wake and time the headers from there.
    std::thread::sleep(Duration::from_millis(300));
    // One byte every 100 ms: the whole head would take over 10 s.
    let mut cut_after = None;
    for (i, b) in request.bytes().enumerate() {
        if c.write_all(&[b]).is_err() {
            cut_after = Some(i);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if i % 5 == 0 && closed_within(&mut c, Duration::from_millis(1)) {
            cut_after = Some(i);
            break;
        }
    }
    let cut_after = cut_after.expect("the server let a slow-loris finish its headers");
    assert!(cut_after < request.len() - 1, "cut after {cut_after} bytes");
    // A normal client is served meanwhile and after.
    assert_eq!(s.get("/v1/healthz").status(), 200);
}

#[test]
fn an_idle_connection_is_closed_and_a_busy_stream_is_not() {
    let s = Server::start(&["--idle-timeout", "1s"]);
    s.create_topic("jobs", 1);
    // A keep-alive connection that made one request, then says nothing.
    let mut idle = TcpStream::connect(addr(&s)).expect("connect");
    write!(idle, "GET /v1/healthz HTTP/1.1\r\nhost: x\r\n\r\n").expect("write");
    assert!(
        closed_within(&mut idle, Duration::from_secs(30)),
        "idle connection kept open"
    );
    // A consume stream with nothing to deliver is a request in progress: not idle.
    let mut stream = TcpStream::connect(addr(&s)).expect("connect");
    write!(
        stream,
        "GET /v1/consume?topic=jobs&group=g&owner=w HTTP/1.1\r\nhost: x\r\n\r\n"
    )
    .expect("write");
    assert!(
        !closed_within(&mut stream, Duration::from_secs(3)),
        "the stream was cut as idle"
    );
}

/// Raises this process's soft open-file limit so the test can hold `n` sockets.
fn allow_open_files(n: u64) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|c| c < n) {
        limit.current = Some(limit.maximum.map_or(n, |m| m.min(n)));
        setrlimit(Resource::Nofile, limit).expect("raise the open-file limit");
    }
}

#[test]
fn connections_over_the_cap_are_refused_and_a_connected_producer_goes_on() {
    allow_open_files(4096);
    let s = Server::start(&["--max-connections", "50"]);
    s.create_topic("orders", 1);
    // The producer's connection is open (kept alive by the client's pool) before the flood.
    let produce = || {
        s.post("/v1/produce", &json!({"topic": "orders", "value": "v"}))
            .status()
    };
    assert_eq!(produce(), 200);
    let mut held = Vec::new();
    let (mut refused, mut open) = (0, 0);
    for _ in 0..2_000 {
        let Ok(mut c) = TcpStream::connect(addr(&s)) else {
            refused += 1;
            continue;
        };
        c.set_read_timeout(Some(Duration::from_millis(50)))
            .expect("timeout");
        let mut buf = [0u8; 512];
        match c.read(&mut buf) {
            Ok(n) if n > 0 => {
                let reply = String::from_utf8_lossy(&buf[..n]);
                assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
                assert!(reply.contains("too many connections"), "{reply}");
                refused += 1;
            }
            Ok(_) => refused += 1,
            Err(_) => {
                open += 1;
                held.push(c);
            }
        }
    }
    assert!(
        open <= 50,
        "{open} connections kept open past the cap of 50"
    );
    assert!(refused >= 1_950, "only {refused} of 2,000 refused");
    // The producer's connection was never among those refused.
    for _ in 0..20 {
        assert_eq!(produce(), 200);
    }
    drop(held);
    let m = s.get("/metrics").text().expect("metrics");
    assert!(
        m.lines()
            .any(|l| l.starts_with("connections_refused_total ")),
        "{m}"
    );
}

#[test]
fn a_body_that_does_not_arrive_is_a_408() {
    let s = Server::start(&["--body-timeout", "1s"]);
    let mut c = TcpStream::connect(addr(&s)).expect("connect");
    write!(
        c,
        "POST /v1/topics HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{"
    )
    .expect("write");
    c.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut buf = [0u8; 1024];
    let n = c.read(&mut buf).expect("a reply");
    let reply = String::from_utf8_lossy(&buf[..n]);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("\"error\":\"REQUEST_TIMEOUT\""), "{reply}");
    assert!(
        s.json("/v1/topics")["topics"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
}

/// Connections are dealt to connection threads (one per core by default), or all served by the
/// shared runtime with `--conn-threads 0`: either way every connection's produces, long polls and
/// acks work at once, and a connection that holds a long poll does not stall the others on its
/// thread.
#[test]
fn connections_are_served_with_and_without_connection_threads() {
    for args in [&[][..], &["--conn-threads", "0"], &["--conn-threads", "3"]] {
        let s = Server::start(args);
        s.create_topic("t", 2);
        // A long poll parked on every thread while others produce.
        let waiting: Vec<_> = (0..4)
            .map(|i| {
                let (url, http) = (s.url.clone(), s.http.clone());
                std::thread::spawn(move || {
                    http.post(format!("{url}/v1/topics/t/groups/g{i}/poll"))
                        .json(&json!({"owner": format!("w{i}"), "max": 1, "wait_ms": 5000}))
                        .send()
                        .expect("poll")
                        .json::<serde_json::Value>()
                        .expect("json")
                })
            })
            .collect();
        let producers: Vec<_> = (0..6)
            .map(|i| {
                let url = s.url.clone();
                std::thread::spawn(move || {
                    // A client of its own: a connection of its own.
                    let http = reqwest::blocking::Client::new();
                    for j in 0..20 {
                        let r = http
                            .post(format!("{url}/v1/produce"))
                            .json(&json!({"topic": "t", "value": format!("{i}-{j}")}))
                            .send()
                            .expect("produce");
                        assert_eq!(r.status(), 200, "{args:?}");
                    }
                })
            })
            .collect();
        for p in producers {
            p.join().expect("producer");
        }
        for w in waiting {
            let got = w.join().expect("poller");
            assert_eq!(
                got["messages"].as_array().map(Vec::len),
                Some(1),
                "{args:?}: {got}"
            );
        }
        let stats = s.json("/v1/stats");
        assert_eq!(stats["topics"][0]["messages"], 120, "{args:?}: {stats}");
    }
}

#[test]
fn too_many_connection_threads_is_a_usage_error_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::driftq()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--conn-threads",
            "5000",
            "--data-dir",
        ])
        .arg(dir.path().join("data"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--conn-threads 5000: at most 1024",
        ));
    assert!(!dir.path().join("data").exists(), "nothing was written");
}
