//! The Redis side of the SDK-shaped comparison (`scripts/bench-sdk.sh`): Redis Streams used the
//! way DriftQ's SDKs use driftq — producers sending one message per request (`XADD`), workers
//! taking one message at a time (`XREADGROUP … COUNT 1`) and acking each (`XACK`) — against a
//! Redis the script started on a loopback port with `appendfsync always`.
//!
//! `cargo run --release --example redis_sdk -- PORT MESSAGES PRODUCERS WORKERS SIZE`
//! prints one JSON object: `{"messages","seconds","msgs_per_sec","p50_ms","p99_ms"}`, latency
//! being produce-to-ack, as `driftq bench e2e --pattern sdk` reports it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use hdrhistogram::Histogram;
use redis::streams::{StreamReadOptions, StreamReadReply};

const STREAM: &str = "sdk";
const GROUP: &str = "bench";

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

struct Run {
    client: redis::Client,
    messages: u64,
    value: String,
    to_send: AtomicU64,
    acked: AtomicU64,
    latency: Mutex<Histogram<u64>>,
}

impl Run {
    fn produce(&self) -> anyhow::Result<()> {
        let mut c = self.client.get_connection()?;
        while self
            .to_send
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
        {
            let sent = now_us().to_string();
            let _: String = redis::cmd("XADD")
                .arg(STREAM)
                .arg("*")
                .arg("v")
                .arg(&self.value)
                .arg("sent")
                .arg(&sent)
                .query(&mut c)?;
        }
        Ok(())
    }

    fn work(&self, name: &str) -> anyhow::Result<()> {
        let mut c = self.client.get_connection()?;
        let options = StreamReadOptions::default()
            .group(GROUP, name)
            .count(1)
            .block(200);
        let mut local = Histogram::<u64>::new(3)?;
        while self.acked.load(Ordering::Acquire) < self.messages {
            let reply: Option<StreamReadReply> =
                redis::Commands::xread_options(&mut c, &[STREAM], &[">"], &options)?;
            let Some(reply) = reply else { continue };
            for id in reply.keys.iter().flat_map(|k| &k.ids) {
                let _: u64 = redis::cmd("XACK")
                    .arg(STREAM)
                    .arg(GROUP)
                    .arg(&id.id)
                    .query(&mut c)?;
                let sent: Option<String> = id.get("sent");
                if let Some(sent) = sent.and_then(|s| s.parse::<u64>().ok()) {
                    local.record(now_us().saturating_sub(sent).max(1))?;
                }
                self.acked.fetch_add(1, Ordering::AcqRel);
            }
        }
        self.latency
            .lock()
            .map_err(|_| anyhow::anyhow!("latency lock poisoned"))?
            .add(&local)?;
        Ok(())
    }
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, name: &str) -> anyhow::Result<T> {
    args.get(i)
        .with_context(|| {
            format!("usage: redis_sdk PORT MESSAGES PRODUCERS WORKERS SIZE ({name} missing)")
        })?
        .parse()
        .map_err(|_| anyhow::anyhow!("{name}: not a number"))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = arg(&args, 1, "PORT")?;
    let messages: u64 = arg(&args, 2, "MESSAGES")?;
    let producers: usize = arg(&args, 3, "PRODUCERS")?;
    let workers: usize = arg(&args, 4, "WORKERS")?;
    let size: usize = arg(&args, 5, "SIZE")?;
    if messages == 0 || producers == 0 || workers == 0 {
        bail!("MESSAGES, PRODUCERS and WORKERS must be at least 1");
    }
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/"))?;
    let mut c = client.get_connection()?;
    let _: () = redis::cmd("DEL").arg(STREAM).query(&mut c)?;
    let _: () = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg(STREAM)
        .arg(GROUP)
        .arg("$")
        .arg("MKSTREAM")
        .query(&mut c)?;
    let run = Arc::new(Run {
        client,
        messages,
        value: "x".repeat(size),
        to_send: AtomicU64::new(messages),
        acked: AtomicU64::new(0),
        latency: Mutex::new(Histogram::new(3)?),
    });
    let begin = Instant::now();
    let mut threads = Vec::new();
    for w in 0..workers {
        let run = Arc::clone(&run);
        threads.push(std::thread::spawn(move || run.work(&format!("w{w}"))));
    }
    for _ in 0..producers {
        let run = Arc::clone(&run);
        threads.push(std::thread::spawn(move || run.produce()));
    }
    for t in threads {
        t.join()
            .map_err(|_| anyhow::anyhow!("a bench thread panicked"))??;
    }
    let secs = begin.elapsed().max(Duration::from_micros(1)).as_secs_f64();
    let h = run
        .latency
        .lock()
        .map_err(|_| anyhow::anyhow!("latency lock poisoned"))?;
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "{}",
        serde_json::json!({
            "messages": messages,
            "seconds": secs,
            "msgs_per_sec": (messages as f64 / secs).round(),
            "p50_ms": ms(0.5),
            "p99_ms": ms(0.99),
        })
    );
    Ok(())
}
