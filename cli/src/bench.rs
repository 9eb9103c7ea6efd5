//! `driftq bench`: load against a running server (or one it starts, `--embedded`), with
//! throughput and latency percentiles (hdrhistogram). Loopback only in tests; bounded by
//! `--messages` and `--duration`.

use std::io::{BufRead, BufReader, IsTerminal};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use hdrhistogram::Histogram;
use std::fmt::Write as _;

use serde_json::{Value, json};

use driftq_core::api::binary;

use crate::OutputFormat;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Produce messages as fast as the server takes them.
    Produce(BenchArgs),
    /// Produce first (not timed), then consume and ack everything (timed).
    Consume(BenchArgs),
    /// Produce and consume at once; latency is produce-to-consume.
    E2e(BenchArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Start a server on a temp data dir for the run (ignores --url)
    #[arg(long)]
    pub embedded: bool,
    /// fsync mode of the embedded server
    #[arg(long, default_value = "always")]
    pub fsync: String,
    /// Topic to load (created when missing)
    #[arg(long, default_value = "bench")]
    pub topic: String,
    /// Partitions when the topic is created
    #[arg(long, default_value_t = 4, value_parser = at_least_one::<u32>)]
    pub partitions: u32,
    /// Messages to produce (and consume)
    #[arg(long, default_value_t = 100_000, value_parser = at_least_one::<u64>)]
    pub messages: u64,
    /// Value size in bytes
    #[arg(long, default_value_t = 1024)]
    pub size: usize,
    /// Messages per request (produce) / per poll (consume)
    #[arg(long, default_value_t = 100, value_parser = at_least_one::<usize>)]
    pub batch: usize,
    /// Concurrent producer connections
    #[arg(long, default_value_t = 4, value_parser = at_least_one::<usize>)]
    pub producers: usize,
    /// Concurrent consumers (consume and e2e)
    #[arg(long, default_value_t = 2, value_parser = at_least_one::<usize>)]
    pub consumers: usize,
    /// Stop after this long even if messages remain (e.g. 30s)
    #[arg(long, value_parser = humantime::parse_duration)]
    pub duration: Option<Duration>,
    /// Target produce rate in messages/s across producers (default: as fast as possible)
    #[arg(long, value_parser = at_least_one::<u64>)]
    pub rate: Option<u64>,
    /// How consumers receive messages: polls answered in DriftQ's JSON or driftq's binary
    /// framing (`Accept: application/vnd.driftq.messages`, docs/API.md), or the NDJSON stream
    #[arg(long, value_enum, default_value_t)]
    pub wire: Wire,
    /// Key the messages with this many distinct keys (k0, k1, …, in turn); keyless by default
    #[arg(long, value_parser = at_least_one::<u64>)]
    pub keys: Option<u64>,
    /// Request pattern: `batch` (batch produce and acks, the default) or `sdk` (e2e only: what
    /// DriftQ's SDKs do — one message per `POST /v1/produce`, consumers on the NDJSON stream,
    /// each message acked with its own `POST /v1/ack`; latency is produce-to-ack)
    #[arg(long, value_enum, default_value_t)]
    pub pattern: Pattern,
    /// Ordering of the topic when the bench creates it (`key`: a key's messages one at a time,
    /// in order; use with --keys)
    #[arg(long, value_enum, default_value_t)]
    pub ordering: crate::cmd::topic::OrderingArg,
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Wire {
    #[default]
    Json,
    Binary,
    /// DriftQ's NDJSON consume stream (`GET /v1/consume`), acked in a batch per chunk read
    Stream,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Pattern {
    #[default]
    Batch,
    /// One message per request, as DriftQ's Go and Python SDKs send and ack them
    Sdk,
}

/// `args` as `--pattern sdk` runs them: one message per request and the NDJSON stream (an
/// e2e run only: the pattern is a producer and a consumer at once).
fn sdk_shaped(mode: &str, args: &BenchArgs) -> anyhow::Result<BenchArgs> {
    let mut args = args.clone();
    if args.pattern == Pattern::Sdk {
        if mode != "e2e" {
            return Err(crate::ExitError::usage_error(
                "--pattern sdk is for `driftq bench e2e` (producers and stream consumers at once)",
            ));
        }
        args.batch = 1;
        args.wire = Wire::Stream;
    }
    Ok(args)
}

/// A count that must be positive (clap reports anything else as a usage error).
fn at_least_one<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr<Err = std::num::ParseIntError> + PartialEq + From<u8>,
{
    match s.parse::<T>() {
        Ok(n) if n == T::from(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// A server started for the run, killed when dropped.
struct Embedded {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Embedded {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_embedded(fsync: &str) -> anyhow::Result<(Embedded, String)> {
    let dir = tempfile::tempdir()?;
    let exe = std::env::current_exe().context("cannot find the driftq executable")?;
    let mut child = Command::new(exe)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--log-level",
            "warn",
            "--fsync",
            fsync,
            "--data-dir",
        ])
        .arg(dir.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start the embedded server")?;
    let stderr = child.stderr.take().context("no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(rest) = line.strip_prefix("driftq listening on ") {
                    break rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                }
            }
            _ => bail!("the embedded server exited before listening"),
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok((Embedded { child, _dir: dir }, url))
}

#[derive(Debug, Default)]
struct Tally {
    messages: u64,
    bytes: u64,
    errors: u64,
    latency: Option<Histogram<u64>>,
}

impl Tally {
    /// An empty tally that records latencies.
    fn timed() -> Self {
        Self {
            latency: Some(histogram()),
            ..Self::default()
        }
    }
}

fn histogram() -> Histogram<u64> {
    // 1 µs .. 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable_hist()))
}

fn unreachable_hist() -> Histogram<u64> {
    // `Histogram::new(3)` only fails for sigfig > 5; keep a typed fallback anyway.
    Histogram::new_with_max(1_000_000, 2).unwrap_or_else(|e| panic!("hdrhistogram: {e}"))
}

/// Runs a bench; prints the report; returns the exit code.
pub fn run(
    cmd: &BenchCommand,
    server: &crate::contexts::Server,
    tls: &crate::tls::TlsOptions,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<u8> {
    let (mode, args) = match cmd {
        BenchCommand::Produce(a) => ("produce", a),
        BenchCommand::Consume(a) => ("consume", a),
        BenchCommand::E2e(a) => ("e2e", a),
    };
    let args = &sdk_shaped(mode, args)?;
    let (embedded, url) = if args.embedded {
        let (e, u) = start_embedded(&args.fsync)?;
        (Some(e), u)
    } else {
        (None, server.url.trim_end_matches('/').to_owned())
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(bench(mode, args, &url, tls, server.token.as_deref()))?;
    drop(embedded);
    match args.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{report}")?,
        OutputFormat::Table | OutputFormat::Wide => writeln!(out, "{}", table(&report))?,
    }
    Ok(crate::exit::OK)
}

fn payload(size: usize) -> String {
    "x".repeat(size)
}

/// `--keys N`: message `i` of the run gets key `k{i mod N}`.
#[derive(Debug, Clone, Copy)]
struct KeyCycle(Option<u64>);

impl KeyCycle {
    /// How many precomputed request bodies of `per_body` messages use every key (at most 1,024).
    fn bodies(self, per_body: usize) -> usize {
        self.0.map_or(1, |n| {
            usize::try_from(n)
                .unwrap_or(usize::MAX)
                .div_ceil(per_body.max(1))
                .clamp(1, 1024)
        })
    }

    /// `msg` with the key of message `i`, if keyed.
    fn keyed(self, mut msg: Value, i: usize) -> Value {
        if let Some(n) = self.0 {
            msg["key"] = json!(format!("k{}", i as u64 % n));
        }
        msg
    }
}

/// Creates the topic, or takes it as it is when it exists; returns its partition count (an
/// existing topic keeps its own, whatever `--partitions` says, and the report shows that one).
async fn ensure_topic(
    http: &reqwest::Client,
    url: &str,
    topic: &str,
    partitions: u32,
    ordering: crate::cmd::topic::OrderingArg,
) -> anyhow::Result<u32> {
    let mut body = json!({"name": topic, "partitions": partitions});
    if ordering == crate::cmd::topic::OrderingArg::Key {
        body["ordering"] = json!("key");
    }
    let r = http
        .post(format!("{url}/v1/topics"))
        .json(&body)
        .send()
        .await
        .with_context(|| format!("cannot reach the server at {url}"))?;
    if r.status().is_success() {
        Ok(partitions)
    } else if r.status() == 409 {
        let described: Value = http
            .get(format!("{url}/v1/topics/{topic}"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        described["partitions"]
            .as_array()
            .and_then(|p| u32::try_from(p.len()).ok())
            .with_context(|| format!("the server's description of topic {topic} has no partitions"))
    } else {
        bail!(
            "cannot create topic {topic}: {}",
            r.text().await.unwrap_or_default()
        )
    }
}

fn progress(total: u64, label: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("NO_COLOR").is_some() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(total);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
    {
        pb.set_style(style);
    }
    pb.set_message(label.to_owned());
    Some(pb)
}

struct Shared {
    remaining: AtomicU64,
    stop: AtomicBool,
    done: AtomicU64,
    /// Why the phase stopped early, when a request failed in a way retrying cannot fix.
    failure: std::sync::Mutex<Option<String>>,
}

/// A worker gives up when none of its requests succeeded for this long (a server that went away
/// or keeps refusing): the bench is bounded in time even without `--duration`.
const GIVE_UP_AFTER: Duration = Duration::from_secs(10);

/// How a request went wrong.
enum Failed {
    /// Backpressure (429), unavailable (503) or no connection: worth another try, for a while.
    Retry(String),
    /// Anything else (a 4xx, a 500, a reply the bench cannot read): retrying cannot fix it.
    Fatal(String),
}

/// Checks a response's status; on failure the server's error text becomes the reason.
async fn checked(result: reqwest::Result<reqwest::Response>) -> Result<reqwest::Response, Failed> {
    let r = result.map_err(|e| Failed::Retry(format!("request failed: {e}")))?;
    let status = r.status();
    if status.is_success() {
        return Ok(r);
    }
    let text = r.text().await.unwrap_or_default();
    let why = format!("HTTP {}: {}", status.as_u16(), text.trim());
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::SERVICE_UNAVAILABLE
    {
        Err(Failed::Retry(why))
    } else {
        Err(Failed::Fatal(why))
    }
}

/// A batch produce answered 200 with failed messages: backpressure is worth another try, any
/// other per-message error (an unknown topic, a message too large) is not.
fn batch_failure(reply: &Value, sent: u64) -> Failed {
    let errors = reply["results"].as_array().into_iter().flatten();
    let mut first = None;
    for e in errors.filter(|r| r["error"].is_string()) {
        if e["error"] != "RESOURCE_EXHAUSTED" {
            return Failed::Fatal(format!(
                "{}: {}",
                e["error"].as_str().unwrap_or_default(),
                e["message"].as_str().unwrap_or_default()
            ));
        }
        first.get_or_insert(e);
    }
    Failed::Retry(format!(
        "{} of {sent} messages of a batch failed: {}",
        reply["failed"],
        first.map_or("", |e| e["message"].as_str().unwrap_or_default())
    ))
}

impl Shared {
    fn new(remaining: u64) -> Self {
        Self {
            remaining: AtomicU64::new(remaining),
            stop: AtomicBool::new(false),
            done: AtomicU64::new(0),
            failure: std::sync::Mutex::new(None),
        }
    }

    /// Stops the phase; the first reason given is the one reported.
    fn fail(&self, why: String) {
        if let Ok(mut f) = self.failure.lock() {
            f.get_or_insert(why);
        }
        self.stop.store(true, Ordering::Relaxed);
    }

    fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }

    /// Handles a failed request: `true` when the worker should try again (after a pause).
    async fn after_failure(&self, failed: Failed, last_success: Instant) -> bool {
        match failed {
            Failed::Fatal(why) => {
                self.fail(why);
                false
            }
            Failed::Retry(why) if last_success.elapsed() >= GIVE_UP_AFTER => {
                self.fail(format!(
                    "no request succeeded for {} s; last error: {why}",
                    GIVE_UP_AFTER.as_secs()
                ));
                false
            }
            Failed::Retry(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                true
            }
        }
    }

    /// Counts `n` messages off the budget without wrapping below zero (a redelivered message
    /// is consumed twice).
    fn settle(&self, n: u64) {
        let _ = self
            .remaining
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |r| {
                Some(r.saturating_sub(n))
            });
    }

    /// Claims up to `n` messages of the budget.
    fn claim(&self, n: u64) -> u64 {
        let mut cur = self.remaining.load(Ordering::Relaxed);
        loop {
            if cur == 0 || self.stop.load(Ordering::Relaxed) {
                return 0;
            }
            let take = cur.min(n);
            match self.remaining.compare_exchange(
                cur,
                cur - take,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return take,
                Err(actual) => cur = actual,
            }
        }
    }
}

async fn produce_worker(
    http: reqwest::Client,
    url: String,
    args: BenchArgs,
    shared: Arc<Shared>,
    pb: Option<indicatif::ProgressBar>,
    e2e: bool,
) -> Tally {
    let mut t = Tally::timed();
    let bodies = Bodies::new(&url, &args);
    let mut sent_requests = 0usize;
    let per_producer_rate = args.rate.map(|r| r as f64 / args.producers as f64);
    let started = Instant::now();
    let mut last_success = started;
    loop {
        let n = shared.claim(args.batch as u64);
        if n == 0 {
            break;
        }
        if let Some(rate) = per_producer_rate {
            let due = Duration::from_secs_f64(t.messages as f64 / rate);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                tokio::time::sleep(wait).await;
            }
        }
        let sent_at = now_us();
        let begin = Instant::now();
        sent_requests += 1;
        let result = bodies
            .send(&http, &url, &args, e2e, (n, sent_at, sent_requests))
            .await;
        let outcome = match checked(result).await {
            Ok(_) if args.pattern == Pattern::Sdk || (args.batch == 1 && !e2e) => Ok(()),
            Ok(r) => match r.bytes().await.map(|body| {
                let counts = serde_json::from_slice::<BatchCounts>(&body);
                (body, counts)
            }) {
                Ok((_, Ok(BatchCounts { failed: Some(0) }))) => Ok(()),
                // Only a failure is worth building the whole reply for.
                Ok((body, Ok(BatchCounts { failed: Some(_) }))) => Err(batch_failure(
                    &serde_json::from_slice::<Value>(&body).unwrap_or_default(),
                    n,
                )),
                Ok(_) | Err(_) => Err(Failed::Fatal(format!(
                    "the reply to a batch produce has no `failed` count: is {url} a driftq server?"
                ))),
            },
            Err(failed) => Err(failed),
        };
        let us = u64::try_from(begin.elapsed().as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        if let Err(failed) = outcome {
            t.errors += 1;
            shared.remaining.fetch_add(n, Ordering::AcqRel);
            if shared.after_failure(failed, last_success).await {
                continue;
            }
            break;
        }
        last_success = Instant::now();
        {
            t.messages += n;
            t.bytes += n * args.size as u64;
            if let Some(h) = t.latency.as_mut() {
                let _ = h.record(us);
            }
            shared.done.fetch_add(n, Ordering::Relaxed);
            if let Some(pb) = &pb {
                pb.inc(n);
            }
        }
    }
    t
}

/// The request bodies of a producer: encoded once, so the client spends its CPU on sending,
/// not on JSON (e2e runs stamp each request, so theirs are made per request).
struct Bodies {
    value: String,
    batch_url: String,
    keys: KeyCycle,
    /// With --keys, a few bodies in turn, so that every key is used.
    singles: Vec<String>,
    full_batches: Vec<String>,
}

impl Bodies {
    fn new(url: &str, args: &BenchArgs) -> Self {
        let value = payload(args.size);
        let keys = KeyCycle(args.keys);
        let singles = (0..keys.bodies(1))
            .map(|b| {
                keys.keyed(json!({"topic": args.topic, "value": value}), b)
                    .to_string()
            })
            .collect();
        let full_batches = (0..keys.bodies(args.batch))
            .map(|b| {
                let msgs: Vec<Value> = (0..args.batch)
                    .map(|i| keys.keyed(json!({"value": value}), b * args.batch + i))
                    .collect();
                serde_json::to_string(&msgs).unwrap_or_default()
            })
            .collect();
        Self {
            batch_url: format!("{url}/v1/topics/{}/messages", args.topic),
            value,
            keys,
            singles,
            full_batches,
        }
    }

    /// Sends the `nth` request, of `n` messages, stamped `sent_at` (e2e).
    async fn send(
        &self,
        http: &reqwest::Client,
        url: &str,
        args: &BenchArgs,
        e2e: bool,
        (n, sent_at, nth): (u64, u64, usize),
    ) -> reqwest::Result<reqwest::Response> {
        let stamp = json!([{"name": "bench-sent-us", "value": sent_at.to_string()}]);
        if args.pattern == Pattern::Sdk {
            let body = json!({"topic": args.topic, "value": self.value, "headers": stamp});
            http.post(format!("{url}/v1/produce"))
                .json(&body)
                .send()
                .await
        } else if args.batch == 1 && !e2e {
            http.post(format!("{url}/v1/produce"))
                .body(self.singles[nth % self.singles.len()].clone())
                .send()
                .await
        } else if !e2e && n == args.batch as u64 {
            http.post(&self.batch_url)
                .body(self.full_batches[nth % self.full_batches.len()].clone())
                .send()
                .await
        } else {
            // e2e stamps each request with its send time, for produce→consume latency.
            let msgs: Vec<Value> = (0..n as usize)
                .map(|i| {
                    let m = json!({"value": self.value, "headers": stamp});
                    self.keys.keyed(m, nth * args.batch + i)
                })
                .collect();
            http.post(&self.batch_url).json(&msgs).send().await
        }
    }
}

/// The part of a batch produce reply the bench reads on success: the per-message results are
/// skipped over, not built (building them cost the client ~50 µs per 100-message request,
/// which the closed loop adds to every request's latency).
#[derive(serde::Deserialize)]
struct BatchCounts {
    failed: Option<u64>,
}

/// The part of a poll reply the bench reads.
#[derive(serde::Deserialize)]
struct PollReply<'a> {
    #[serde(borrow)]
    messages: Vec<Polled<'a>>,
}

#[derive(serde::Deserialize)]
struct Polled<'a> {
    partition: u32,
    offset: u64,
    #[serde(default, rename = "value", deserialize_with = "text_len")]
    value_len: u64,
    #[serde(default, borrow)]
    headers: Vec<PolledHeader<'a>>,
}

#[derive(serde::Deserialize)]
struct PolledHeader<'a> {
    #[serde(default, borrow)]
    value: Option<std::borrow::Cow<'a, str>>,
}

/// Length of a text value without keeping it (0 for a binary `{"base64": …}` value).
fn text_len<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct Len;
    impl<'de> serde::de::Visitor<'de> for Len {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a message value")
        }
        fn visit_str<E>(self, v: &str) -> Result<u64, E> {
            Ok(v.len() as u64)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok(0)
        }
        fn visit_unit<E>(self) -> Result<u64, E> {
            Ok(0)
        }
    }
    d.deserialize_any(Len)
}

/// What the bench keeps of a polled message.
struct Got {
    partition: u32,
    offset: u64,
    value_len: u64,
    /// The `bench-sent-us` header of e2e runs.
    sent_us: Option<u64>,
}

/// Reads a poll reply in either framing; `None` when it does not parse.
fn polled(raw: &[u8], wire: Wire, e2e: bool) -> Option<Vec<Got>> {
    let sent = |v: Option<&str>| v.filter(|_| e2e).and_then(|s| s.parse::<u64>().ok());
    match wire {
        // Typed and borrowing: the client shares the machine with the server, so it reads
        // only what it needs and copies no values.
        Wire::Json => {
            let reply = serde_json::from_slice::<PollReply<'_>>(raw).ok()?;
            Some(
                reply
                    .messages
                    .iter()
                    .map(|m| Got {
                        partition: m.partition,
                        offset: m.offset,
                        value_len: m.value_len,
                        sent_us: sent(m.headers.first().and_then(|h| h.value.as_deref())),
                    })
                    .collect(),
            )
        }
        Wire::Stream => raw
            .split(|b| *b == b'\n')
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
            .map(|line| {
                let m = serde_json::from_slice::<Polled<'_>>(line).ok()?;
                Some(Got {
                    partition: m.partition,
                    offset: m.offset,
                    value_len: m.value_len,
                    sent_us: sent(m.headers.first().and_then(|h| h.value.as_deref())),
                })
            })
            .collect(),
        Wire::Binary => {
            let reply = binary::decode(raw).ok()?;
            Some(
                reply
                    .iter()
                    .map(|m| Got {
                        partition: m.partition,
                        offset: m.offset,
                        value_len: m.value.len() as u64,
                        sent_us: sent(
                            m.headers
                                .first()
                                .and_then(|(_, v)| std::str::from_utf8(v).ok()),
                        ),
                    })
                    .collect(),
            )
        }
    }
}

/// Where a consume worker gets its messages: polls, or one consume stream.
enum Source {
    Poll {
        url: String,
        body: Value,
        binary: bool,
    },
    Stream {
        url: String,
        open: Option<futures_util::stream::BoxStream<'static, reqwest::Result<Vec<u8>>>>,
        /// Bytes after the last complete line.
        partial: Vec<u8>,
    },
}

impl Source {
    fn new(url: &str, args: &BenchArgs, owner: &str) -> Self {
        let topic = &args.topic;
        match args.wire {
            Wire::Stream => Self::Stream {
                url: format!(
                    "{url}/v1/consume?topic={topic}&group=bench&owner={owner}&lease_ms=60000"
                ),
                open: None,
                partial: Vec::new(),
            },
            wire => Self::Poll {
                url: format!("{url}/v1/topics/{topic}/groups/bench/poll"),
                body: json!({"owner": owner, "max": args.batch, "lease_ms": 60_000, "wait_ms": 200}),
                binary: wire == Wire::Binary,
            },
        }
    }

    /// The next poll's reply, or the complete lines the stream delivered next (empty after
    /// 200 ms without any, like a poll's wait).
    async fn receive(&mut self, http: &reqwest::Client) -> Result<Vec<u8>, Failed> {
        match self {
            Self::Poll { url, body, binary } => {
                let mut request = http.post(url.as_str()).json(body);
                if *binary {
                    request = request.header(reqwest::header::ACCEPT, binary::CONTENT_TYPE);
                }
                let r = checked(request.send().await).await?;
                let raw = r.bytes().await.map_err(|e| Failed::Retry(e.to_string()))?;
                Ok(raw.to_vec())
            }
            Self::Stream { url, open, partial } => {
                use futures_util::StreamExt as _;
                let body = match open {
                    Some(body) => body,
                    None => {
                        let r = checked(http.get(url.as_str()).send().await).await?;
                        open.insert(r.bytes_stream().map(|c| c.map(|b| b.to_vec())).boxed())
                    }
                };
                let wait = tokio::time::timeout(Duration::from_millis(200), body.next()).await;
                match wait {
                    Err(_) => Ok(Vec::new()),
                    Ok(Some(Ok(chunk))) => {
                        partial.extend_from_slice(&chunk);
                        // And whatever else has arrived: a client acks what it has read.
                        while let Some(Some(Ok(more))) =
                            futures_util::FutureExt::now_or_never(body.next())
                        {
                            partial.extend_from_slice(&more);
                        }
                        let end = partial
                            .iter()
                            .rposition(|b| *b == b'\n')
                            .map_or(0, |i| i + 1);
                        Ok(partial.drain(..end).collect())
                    }
                    Ok(Some(Err(e))) => {
                        *open = None;
                        Err(Failed::Retry(format!("stream: {e}")))
                    }
                    Ok(None) => {
                        *open = None;
                        Err(Failed::Retry("the stream ended".into()))
                    }
                }
            }
        }
    }
}

async fn consume_worker(
    http: reqwest::Client,
    url: String,
    args: BenchArgs,
    owner: String,
    shared: Arc<Shared>,
    pb: Option<indicatif::ProgressBar>,
    e2e: bool,
) -> Tally {
    let mut t = Tally::timed();
    let ack_url = format!("{url}/v1/topics/{}/groups/bench/acks", args.topic);
    let mut source = Source::new(&url, &args, &owner);
    let mut last_success = Instant::now();
    while !shared.stop.load(Ordering::Relaxed) && shared.remaining.load(Ordering::Relaxed) > 0 {
        let begin = Instant::now();
        let raw = source.receive(&http).await;
        let got = raw.and_then(|raw| {
            polled(&raw, args.wire, e2e).ok_or_else(|| {
                Failed::Fatal(format!(
                    "a poll reply did not parse: is {url} a driftq server?"
                ))
            })
        });
        let got = match got {
            Ok(got) => got,
            Err(failed) => {
                t.errors += 1;
                if shared.after_failure(failed, last_success).await {
                    continue;
                }
                break;
            }
        };
        if got.is_empty() {
            if last_success.elapsed() >= GIVE_UP_AFTER {
                shared.fail(format!(
                    "no message arrived for {} s with {} still expected (consumed by another member of group `bench`, or deleted by retention or a purge?)",
                    GIVE_UP_AFTER.as_secs(),
                    shared.remaining.load(Ordering::Relaxed)
                ));
                break;
            }
            continue;
        }
        last_success = Instant::now();
        let received_us = now_us();
        let acked = if args.pattern == Pattern::Sdk {
            ack_each(&http, &url, &args.topic, &owner, &got, &mut t).await
        } else {
            let acked = http
                .post(&ack_url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(batch_ack_body(&owner, &got))
                .send()
                .await;
            checked(acked).await.map(drop)
        };
        if let Err(failed) = acked {
            // The leases stay; their messages come back after they expire.
            t.errors += 1;
            if shared.after_failure(failed, last_success).await {
                continue;
            }
            break;
        }
        let n = got.len() as u64;
        if args.pattern != Pattern::Sdk {
            // (`ack_each` counted its messages and their latency one by one.)
            t.messages += n;
            t.bytes += got.iter().map(|m| m.value_len).sum::<u64>();
        }
        if let Some(h) = t.latency.as_mut().filter(|_| args.pattern != Pattern::Sdk) {
            if e2e {
                for sent in got.iter().filter_map(|m| m.sent_us) {
                    let _ = h.record(received_us.saturating_sub(sent).max(1));
                }
            } else {
                let _ = h.record(
                    u64::try_from(begin.elapsed().as_micros())
                        .unwrap_or(u64::MAX)
                        .max(1),
                );
            }
        }
        shared.settle(n);
        if let Some(pb) = &pb {
            pb.inc(n);
        }
    }
    t
}

/// One batch ack of everything `got`, written by hand (no JSON tree per message).
fn batch_ack_body(owner: &str, got: &[Got]) -> String {
    let mut ack = String::with_capacity(64 + got.len() * 40);
    let _ = write!(ack, "{{\"owner\":{},\"items\":[", json!(owner));
    for (i, m) in got.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(
            ack,
            "{sep}{{\"partition\":{},\"offset\":{}}}",
            m.partition, m.offset
        );
    }
    ack.push_str("]}");
    ack
}

/// Acks `got` one message per `POST /v1/ack`, as DriftQ's SDKs do, recording each message's
/// produce-to-ack latency.
async fn ack_each(
    http: &reqwest::Client,
    url: &str,
    topic: &str,
    owner: &str,
    got: &[Got],
    t: &mut Tally,
) -> Result<(), Failed> {
    let ack_url = format!("{url}/v1/ack");
    for m in got {
        let body = json!({"topic": topic, "group": "bench", "owner": owner, "partition": m.partition, "offset": m.offset});
        checked(http.post(&ack_url).json(&body).send().await).await?;
        t.messages += 1;
        t.bytes += m.value_len;
        if let (Some(h), Some(sent)) = (t.latency.as_mut(), m.sent_us) {
            let _ = h.record(now_us().saturating_sub(sent).max(1));
        }
    }
    Ok(())
}

/// Waits for the workers and returns their tallies; a worker that panicked fails the run
/// instead of shrinking its counts.
async fn joined(handles: Vec<tokio::task::JoinHandle<Tally>>) -> anyhow::Result<Vec<Tally>> {
    futures_util::future::join_all(handles)
        .await
        .into_iter()
        .map(|r| r.map_err(|e| anyhow::anyhow!("a bench worker stopped: {e}")))
        .collect()
}

fn now_us() -> u64 {
    u64::try_from(crate::since_epoch().as_micros()).unwrap_or(u64::MAX)
}

fn merge(tallies: Vec<Tally>) -> Tally {
    let mut all = Tally::timed();
    for t in tallies {
        all.messages += t.messages;
        all.bytes += t.bytes;
        all.errors += t.errors;
        if let (Some(a), Some(b)) = (all.latency.as_mut(), t.latency.as_ref()) {
            let _ = a.add(b);
        }
    }
    all
}

fn summary(name: &str, t: &Tally, secs: f64) -> Value {
    let h = t.latency.as_ref();
    let q = |p: f64| h.map_or(0.0, |h| h.value_at_quantile(p) as f64 / 1000.0);
    json!({
        "phase": name,
        "messages": t.messages,
        "errors": t.errors,
        "seconds": (secs * 1000.0).round() / 1000.0,
        "msgs_per_sec": (t.messages as f64 / secs).round(),
        "mb_per_sec": ((t.bytes as f64 / 1e6 / secs) * 10.0).round() / 10.0,
        "latency_ms": {
            "p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "p999": q(0.999),
            "max": h.map_or(0.0, |h| h.max() as f64 / 1000.0),
            "samples": h.map_or(0, Histogram::len),
        },
    })
}

/// One bench run's shared parts: the HTTP client, the server, the flags and the deadline.
struct Run<'a> {
    http: reqwest::Client,
    url: &'a str,
    args: &'a BenchArgs,
    deadline: Option<Instant>,
}

type Workers = Vec<tokio::task::JoinHandle<Tally>>;

impl Run<'_> {
    /// Starts the producers.
    fn produce_phase(
        &self,
        label: &'static str,
        e2e: bool,
    ) -> (Arc<Shared>, Option<indicatif::ProgressBar>, Workers) {
        let shared = Arc::new(Shared::new(self.args.messages));
        let pb = progress(self.args.messages, label);
        let handles = (0..self.args.producers)
            .map(|_| {
                tokio::spawn(produce_worker(
                    self.http.clone(),
                    self.url.to_owned(),
                    self.args.clone(),
                    Arc::clone(&shared),
                    pb.clone(),
                    e2e,
                ))
            })
            .collect();
        (shared, pb, handles)
    }

    /// Starts the consumers, to take `target` messages.
    fn consume_phase(
        &self,
        target: u64,
        e2e: bool,
    ) -> (Arc<Shared>, Option<indicatif::ProgressBar>, Workers) {
        let shared = Arc::new(Shared::new(target));
        let pb = progress(target, "consume");
        let handles = (0..self.args.consumers)
            .map(|i| {
                tokio::spawn(consume_worker(
                    self.http.clone(),
                    self.url.to_owned(),
                    self.args.clone(),
                    format!("bench-{i}"),
                    Arc::clone(&shared),
                    pb.clone(),
                    e2e,
                ))
            })
            .collect();
        (shared, pb, handles)
    }

    /// Stops the workers of `shared` at the `--duration` deadline.
    fn stopper(&self, shared: Arc<Shared>) -> tokio::task::JoinHandle<()> {
        let deadline = self.deadline;
        tokio::spawn(async move {
            if let Some(d) = deadline {
                tokio::time::sleep_until(d.into()).await;
                shared.stop.store(true, Ordering::Relaxed);
            }
        })
    }

    async fn produce_only(&self) -> anyhow::Result<Vec<Value>> {
        let begin = Instant::now();
        let (shared, pb, handles) = self.produce_phase("produce", false);
        let stop = self.stopper(Arc::clone(&shared));
        let tallies = joined(handles).await?;
        stop.abort();
        if let Some(pb) = pb {
            pb.finish_and_clear();
        }
        if let Some(why) = shared.failure() {
            bail!("bench stopped: {why}");
        }
        let secs = begin.elapsed().as_secs_f64();
        Ok(vec![summary("produce", &merge(tallies), secs)])
    }

    /// Produce, then consume and ack (`e2e`: both at once, measuring produce→consume latency).
    async fn produce_and_consume(&self, e2e: bool) -> anyhow::Result<Vec<Value>> {
        let begin = Instant::now();
        let (pshared, ppb, phandles) = self.produce_phase("produce", e2e);
        let mut phandles = Some(phandles);
        let pstop = self.stopper(Arc::clone(&pshared));
        let mut produce_secs = 0.0;
        let mut produce_tallies = Vec::new();
        if !e2e {
            produce_tallies = joined(phandles.take().unwrap_or_default()).await?;
            produce_secs = begin.elapsed().as_secs_f64();
            if let Some(pb) = &ppb {
                pb.finish_and_clear();
            }
            if let Some(why) = pshared.failure() {
                bail!("bench stopped while producing: {why}");
            }
        }
        let target = if e2e {
            self.args.messages
        } else {
            pshared.done.load(Ordering::Relaxed)
        };
        let cbegin = Instant::now();
        let (cshared, cpb, chandles) = self.consume_phase(target, e2e);
        let cstop = self.stopper(Arc::clone(&cshared));
        if e2e {
            produce_tallies = joined(phandles.take().unwrap_or_default()).await?;
            produce_secs = begin.elapsed().as_secs_f64();
            if let Some(why) = pshared.failure() {
                cshared.fail(format!("producers stopped: {why}"));
            }
        }
        let ctallies = joined(chandles).await?;
        pstop.abort();
        cstop.abort();
        for pb in [ppb, cpb].into_iter().flatten() {
            pb.finish_and_clear();
        }
        if let Some(why) = cshared.failure() {
            bail!("bench stopped: {why}");
        }
        let name = if e2e && self.args.pattern == Pattern::Sdk {
            "e2e (produce→ack latency)"
        } else if e2e {
            "e2e (produce→consume latency)"
        } else {
            "consume+ack"
        };
        Ok(vec![
            summary("produce", &merge(produce_tallies), produce_secs),
            summary(name, &merge(ctallies), cbegin.elapsed().as_secs_f64()),
        ])
    }
}

/// `Authorization: Bearer <token>` for every request of the run (none without a token).
fn bearer_header(token: Option<&str>) -> anyhow::Result<reqwest::header::HeaderMap> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(t) = token {
        let mut v =
            reqwest::header::HeaderValue::from_str(&format!("Bearer {t}")).map_err(|_| {
                crate::ExitError::usage_error("the token has characters a header cannot carry")
            })?;
        v.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, v);
    }
    Ok(headers)
}

async fn bench(
    mode: &str,
    args: &BenchArgs,
    url: &str,
    tls: &crate::tls::TlsOptions,
    token: Option<&str>,
) -> anyhow::Result<Value> {
    let http = tls
        .apply(reqwest::Client::builder())?
        .default_headers(bearer_header(token)?)
        .pool_max_idle_per_host(args.producers.max(args.consumers) * 2)
        .timeout(Duration::from_secs(60))
        .build()?;
    let partitions = ensure_topic(&http, url, &args.topic, args.partitions, args.ordering).await?;
    let run = Run {
        http,
        url,
        args,
        deadline: args.duration.map(|d| Instant::now() + d),
    };
    let phases = match mode {
        "produce" => run.produce_only().await?,
        "consume" | "e2e" => run.produce_and_consume(mode == "e2e").await?,
        _ => bail!("unknown bench mode {mode}"),
    };
    Ok(json!({
        "mode": mode,
        "url": url,
        "topic": args.topic,
        "partitions": partitions,
        "size": args.size,
        "batch": args.batch,
        "producers": args.producers,
        "consumers": args.consumers,
        "wire": match args.wire { Wire::Json => "json", Wire::Binary => "binary", Wire::Stream => "stream" },
        "phases": phases,
    }))
}

fn table(report: &Value) -> String {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_BORDERS_ONLY);
    t.set_header([
        "phase", "messages", "errors", "seconds", "msgs/s", "MB/s", "p50 ms", "p90 ms", "p99 ms",
        "p99.9 ms", "max ms",
    ]);
    for p in report["phases"].as_array().cloned().unwrap_or_default() {
        let l = &p["latency_ms"];
        t.add_row([
            p["phase"].as_str().unwrap_or_default().to_owned(),
            p["messages"].to_string(),
            p["errors"].to_string(),
            p["seconds"].to_string(),
            p["msgs_per_sec"].to_string(),
            p["mb_per_sec"].to_string(),
            l["p50"].to_string(),
            l["p90"].to_string(),
            l["p99"].to_string(),
            l["p999"].to_string(),
            l["max"].to_string(),
        ]);
    }
    format!(
        "driftq bench {} — {} × {} B, batch {}, {} producers, {} consumers, {} partitions\n{t}",
        report["mode"].as_str().unwrap_or_default(),
        report["phases"][0]["messages"],
        report["size"],
        report["batch"],
        report["producers"],
        report["consumers"],
        report["partitions"]
    )
}
