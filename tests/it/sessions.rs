//! Consumer sessions: a consumer that goes away takes nothing with it. Consume streams and long
//! polls opened on raw sockets, closed with a FIN or a RST, against the real binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::Server;

/// One HTTP/1.1 exchange on its own socket, read by hand so the test decides how it ends.
struct RawExchange {
    reader: BufReader<TcpStream>,
    /// Messages of the last chunk not yet taken.
    pending: std::collections::VecDeque<Value>,
}

impl RawExchange {
    fn send(s: &Server, request_head: &str, body: &str) -> Self {
        let addr = s.url.trim_start_matches("http://");
        let mut sock = TcpStream::connect(addr).expect("connect");
        let req = format!(
            "{request_head} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        sock.write_all(req.as_bytes()).expect("send request");
        Self {
            reader: BufReader::new(sock),
            pending: std::collections::VecDeque::new(),
        }
    }

    /// Opens `GET /v1/consume?{query}` and reads through the headers and the first blank line.
    fn consume(s: &Server, query: &str) -> Self {
        let mut x = Self::send(s, &format!("GET /v1/consume?{query}"), "");
        let status = x.line();
        assert!(status.contains(" 200 "), "{status}");
        while !x.line().is_empty() {}
        assert_eq!(x.chunk(), b"\n", "the stream starts with a blank line");
        x
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read line");
        line.trim_end_matches(['\r', '\n']).to_owned()
    }

    /// The next chunk of a chunked body.
    fn chunk(&mut self) -> Vec<u8> {
        let size = usize::from_str_radix(&self.line(), 16).expect("chunk size");
        let mut data = vec![0; size + 2];
        self.reader.read_exact(&mut data).expect("chunk data");
        data.truncate(size);
        data
    }

    /// The next message of a consume stream (heartbeats skipped).
    fn message(&mut self) -> Value {
        loop {
            if let Some(m) = self.next_message() {
                return m;
            }
        }
    }

    /// The next message, or `None` after a heartbeat or when the socket's read timeout passes
    /// before a chunk starts.
    fn next_message(&mut self) -> Option<Value> {
        if let Some(m) = self.pending.pop_front() {
            return Some(m);
        }
        let timeout = self.reader.get_ref().read_timeout().ok().flatten();
        if self.reader.buffer().is_empty() && timeout.is_some() {
            match self.reader.fill_buf() {
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return None;
                }
                Err(e) => panic!("read: {e}"),
            }
        }
        let chunk = String::from_utf8(self.chunk()).expect("utf-8");
        self.pending.extend(
            chunk
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str::<Value>(l).expect("json line")),
        );
        self.pending.pop_front()
    }

    /// Closes with a RST: the way a killed process's socket can end.
    fn reset(self) {
        let sock = self.reader.into_inner();
        rustix::net::sockopt::set_socket_linger(&sock, Some(Duration::ZERO)).expect("linger");
        drop(sock);
    }

    /// Closes with a FIN.
    fn close(self) {
        drop(self.reader.into_inner());
    }
}

/// The group's leases (none while the group does not exist yet).
fn inflight(s: &Server, topic: &str, group: &str) -> Vec<Value> {
    let r = s.get(&format!("/v1/topics/{topic}/groups/{group}/inflight"));
    if r.status() == 404 {
        return Vec::new();
    }
    let v: Value = r.json().expect("inflight reply");
    v["inflight"].as_array().cloned().expect("inflight rows")
}

fn produce(s: &Server, topic: &str, value: &str) {
    let r = s.post("/v1/produce", &json!({"topic": topic, "value": value}));
    assert!(r.status().is_success(), "produce: {}", r.status());
}

fn ack(s: &Server, topic: &str, group: &str, owner: &str, m: &Value) -> u16 {
    s.post(
        "/v1/ack",
        &json!({"topic": topic, "group": group, "owner": owner,
                "partition": m["partition"], "offset": m["offset"]}),
    )
    .status()
    .as_u16()
}

/// Waits until `cond` holds, for at most `limit` (a bound, not a measured duration).
fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    cond()
}

#[test]
fn a_stream_closed_before_a_message_arrives_leases_nothing() {
    for close in [RawExchange::close as fn(RawExchange), RawExchange::reset] {
        let s = Server::start(&[]);
        s.create_topic("z", 1);
        let a = RawExchange::consume(&s, "topic=z&group=g&owner=A&lease_ms=30000");
        close(a);
        // The bar: a closed stream stops leasing within 100 ms.
        std::thread::sleep(Duration::from_millis(100));
        produce(&s, "z", "v");
        // Nothing leased for the closed stream: B gets the message at once, first attempt.
        let mut b = RawExchange::consume(&s, "topic=z&group=g&owner=B&lease_ms=30000");
        let m = b.message();
        assert_eq!(
            (m["value"].as_str(), m["attempts"].as_u64()),
            (Some("v"), Some(1))
        );
        let held = inflight(&s, "z", "g");
        assert_eq!(held.len(), 1, "{held:?}");
        assert_eq!(held[0]["owner"], "B");
    }
}

#[test]
fn a_lease_that_expires_after_its_consumer_left_comes_back_with_one_attempt_more() {
    let s = Server::start(&[]);
    s.create_topic("z", 1);
    produce(&s, "z", "v");
    let mut a = RawExchange::consume(&s, "topic=z&group=g&owner=A&lease_ms=300");
    let m = a.message();
    assert_eq!(m["attempts"], 1);
    a.close();
    std::thread::sleep(Duration::from_secs(1));
    // The dead stream was handed no redelivery: one attempt (A's), one ack_timeout.
    let mut b = RawExchange::consume(&s, "topic=z&group=g&owner=B&lease_ms=30000");
    let m = b.message();
    assert_eq!(m["attempts"], 2, "{m}");
    assert_eq!(m["errors"], json!(["ack_timeout"]), "{m}");
}

#[test]
fn a_long_poll_whose_client_disconnects_takes_nothing() {
    let s = Server::start(&[]);
    s.create_topic("z", 1);
    let body = json!({"owner": "A", "wait_ms": 20_000, "lease_ms": 30_000}).to_string();
    for close in [RawExchange::close as fn(RawExchange), RawExchange::reset] {
        let a = RawExchange::send(&s, "POST /v1/topics/z/groups/g/poll", &body);
        std::thread::sleep(Duration::from_millis(300));
        close(a);
        std::thread::sleep(Duration::from_millis(300));
        produce(&s, "z", "v");
        let r = s.poll("z", "g", &json!({"owner": "B", "wait_ms": 2_000}));
        let m = &r["messages"][0];
        assert_eq!(
            (m["value"].as_str(), m["attempts"].as_u64()),
            (Some("v"), Some(1)),
            "{r}"
        );
        assert_eq!(ack(&s, "z", "g", "B", m), 204);
    }
    assert!(inflight(&s, "z", "g").is_empty());
}

#[test]
fn a_slow_reader_never_holds_more_leases_than_its_prefetch() {
    let s = Server::start(&[]);
    s.create_topic("slow", 1);
    s.produce_batch_of("slow", 2_000);
    // The documented default (256), and a bound the client asks for.
    for (query, bound) in [("", 256), ("&prefetch=5", 5)] {
        let group = format!("g{bound}");
        let mut reader = RawExchange::consume(
            &s,
            &format!("topic=slow&group={group}&owner=slow&lease_ms=60000{query}"),
        );
        for _ in 0..3 {
            let m = reader.message();
            std::thread::sleep(Duration::from_secs(1));
            let held = inflight(&s, "slow", &group).len();
            assert!(
                (1..=bound).contains(&held),
                "{held} leases held, bound {bound}"
            );
            assert_eq!(ack(&s, "slow", &group, "slow", &m), 204);
        }
        reader.reset();
        // What the stream had written and the reader never acked comes back on expiry: it was
        // written, so it stays leased until then.
        assert!(inflight(&s, "slow", &group).len() <= bound);
    }
}

#[test]
fn a_consumer_shows_as_gone_once_its_stream_closes() {
    let s = Server::start(&[]);
    s.create_topic("z", 1);
    produce(&s, "z", "v");
    let mut a = RawExchange::consume(&s, "topic=z&group=g&owner=A&lease_ms=60000");
    let _held = a.message();
    let b = RawExchange::consume(&s, "topic=z&group=g&owner=B&lease_ms=60000");
    let consumers = || s.json("/v1/topics/z/groups/g")["consumers"].clone();
    assert!(eventually(Duration::from_secs(5), || {
        let c = consumers();
        c.as_array().is_some_and(|c| c.len() == 2)
    }));
    for c in consumers().as_array().expect("consumers") {
        assert_eq!(
            (c["streams"].as_u64(), c["gone"].as_bool()),
            (Some(1), Some(false)),
            "{c}"
        );
    }
    a.reset();
    b.close();
    // A holds a lease it was written: listed, as gone. B holds nothing: no longer listed.
    assert!(
        eventually(Duration::from_secs(5), || consumers()
            == json!([{"owner": "A", "last_poll_age_ms": null, "inflight": 1, "streams": 0, "gone": true}])),
        "{}",
        consumers()
    );
}

/// Each delivery a worker got: (partition, offset) and attempts.
type Seen = Vec<((Option<u64>, Option<u64>), u64)>;

/// A worker's life: reads from its stream, acks each message over its own request, and after
/// `die_after` messages (if any) closes its stream abruptly (RST), holding the message it was
/// just written; then acks that message, as a worker that had finished its job would.
fn worker_life(
    s: &Server,
    owner: &str,
    die_after: Option<u64>,
    seen: &Mutex<Seen>,
    acked: &AtomicU64,
    total: u64,
) {
    let mut stream = RawExchange::consume(
        s,
        &format!("topic=jobs&group=workers&owner={owner}&lease_ms=5000&prefetch=1"),
    );
    stream
        .reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("read timeout");
    let mut n = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.load(Ordering::SeqCst) < total && Instant::now() < deadline {
        // Others may ack the last messages: look at the count again every 200 ms.
        let Some(m) = stream.next_message() else {
            continue;
        };
        let at = (m["partition"].as_u64(), m["offset"].as_u64());
        seen.lock()
            .expect("seen")
            .push((at, m["attempts"].as_u64().unwrap_or(0)));
        n += 1;
        if die_after == Some(n) {
            stream.reset();
            assert_eq!(ack(s, "jobs", "workers", owner, &m), 204);
            acked.fetch_add(1, Ordering::SeqCst);
            return;
        }
        assert_eq!(ack(s, "jobs", "workers", owner, &m), 204);
        acked.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn workers_that_restart_while_consuming_lose_nothing_and_dead_letter_nothing() {
    const TOTAL: u64 = 1_000;
    let s = Arc::new(Server::start(&[]));
    s.create_topic_from(&json!({"name": "jobs", "partitions": 3,
                               "retry_policy": {"max_attempts": 2}}));
    for start in (0..TOTAL).step_by(100) {
        let batch: Vec<Value> = (start..start + 100)
            .map(|i| json!({"value": format!("job{i}")}))
            .collect();
        let r = s.post("/v1/topics/jobs/messages", &json!(batch));
        assert!(r.status().is_success(), "{}", r.status());
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let acked = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..3u64)
        .map(|w| {
            let (s, seen, acked) = (Arc::clone(&s), Arc::clone(&seen), Arc::clone(&acked));
            std::thread::spawn(move || {
                // Five deaths at spread-out points, then a life that runs to the end.
                for life in 0..6u64 {
                    let die_after = (life < 5).then_some(20 + (w * 7 + life * 13) % 40);
                    let owner = format!("worker{w}-life{life}");
                    worker_life(&s, &owner, die_after, &seen, &acked, TOTAL);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let seen = seen.lock().expect("seen");
    // Every message went out once, on its first attempt: nothing was leased to a dead stream.
    assert_eq!(seen.len() as u64, TOTAL, "deliveries");
    let unique: std::collections::BTreeSet<_> = seen.iter().map(|(at, _)| *at).collect();
    assert_eq!(unique.len() as u64, TOTAL, "each message delivered once");
    assert!(seen.iter().all(|(_, attempts)| *attempts == 1));
    let g = s.json("/v1/topics/jobs/groups/workers");
    assert_eq!(
        (g["acks"].as_u64(), g["lag"].as_u64()),
        (Some(TOTAL), Some(0)),
        "{g}"
    );
    assert_eq!(
        (g["dlq"].as_u64(), g["redeliveries"].as_u64()),
        (Some(0), Some(0)),
        "{g}"
    );
    assert_eq!(inflight(&s, "jobs", "workers").len(), 0);
}

fn consume_cli(s: &Server, extra: &[&str]) -> std::process::Child {
    let mut args = vec!["consume", "jobs", "-g", "g", "--owner", "cli", "-o", "json"];
    args.extend_from_slice(extra);
    crate::support::spawn_piped(&s.url, &args)
}

fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

#[test]
fn consume_follow_interrupted_while_waiting_leaves_no_lease() {
    let s = Server::start(&[]);
    s.create_topic("jobs", 1);
    let child = consume_cli(&s, &["--follow", "--ack"]);
    // Its first long poll is open once the group exists.
    assert!(eventually(Duration::from_secs(10), || s
        .get("/v1/topics/jobs/groups/g")
        .status()
        .is_success()));
    interrupt(&child);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    produce(&s, "jobs", "v");
    let r = s.poll("jobs", "g", &json!({"owner": "next", "wait_ms": 2_000}));
    assert_eq!(r["messages"][0]["attempts"], 1, "{r}");
}

#[test]
fn consume_follow_interrupted_while_printing_acks_what_it_printed_and_gives_back_the_rest() {
    let s = Server::start(&[]);
    s.create_topic("jobs", 1);
    // Values big enough that the stdout pipe fills long before a poll's 500 are printed.
    let big = "x".repeat(8 << 10);
    let batch: Vec<Value> = (0..600)
        .map(|i| json!({"value": format!("{i}:{big}")}))
        .collect();
    let r = s.post("/v1/topics/jobs/messages", &json!(batch));
    assert!(r.status().is_success(), "{}", r.status());
    let mut child = consume_cli(&s, &["--follow", "--ack", "--lease", "5m"]);
    // Blocked on a full pipe while holding a poll: Ctrl-C is noted, the line being written ends.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    stdout
        .read_exact(&mut first)
        .expect("the first printed byte");
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&child);
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).expect("read stdout");
    let printed = String::from_utf8([&first[..], &rest].concat()).expect("utf-8");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130));
    let lines = printed.lines().count() as u64;
    assert!((1..500).contains(&lines), "{lines} lines printed");
    // Nothing left leased: printed messages acked, the rest given back as never delivered.
    assert!(inflight(&s, "jobs", "g").is_empty());
    let g = s.json("/v1/topics/jobs/groups/g");
    assert_eq!(g["acks"].as_u64(), Some(lines), "{g}");
    let r = s.poll("jobs", "g", &json!({"owner": "next", "max": 1}));
    let m = &r["messages"][0];
    assert_eq!(
        (m["offset"].as_u64(), m["attempts"].as_u64()),
        (Some(lines), Some(1)),
        "{r}"
    );
}
