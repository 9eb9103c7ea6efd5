//! `driftq status`: is the server up, what is it, and how much does it hold — `redis-cli
//! info` / `rpk cluster info` for one broker, in one request pair.

use std::io::Write;

use clap::Args;
use serde_json::{Value, json};

use driftq_core::api::stats::Stats;
use driftq_core::api::system::WhoAmI;

use super::human_ms;
use crate::client::Client;
use crate::{OutputFormat, exit};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format
    #[arg(short, long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// The summary `status` prints, from `/v1/stats`, `/v1/config` and `/v1/whoami` (the last
/// two may be refused to a principal without `read` on every topic, or missing on an older
/// server: their fields are then null).
fn summary(url: &str, stats: &Stats, config: &Value, who: Option<&WhoAmI>) -> Value {
    let (topics, groups, dlqs) = (&stats.topics, &stats.groups, &stats.dlq);
    let partitions: u64 = topics.iter().map(|t| t.partitions.len() as u64).sum();
    json!({
        "url": url,
        "version": stats.version,
        "uptime_ms": stats.uptime_ms,
        "addr": config["addr"],
        "data_dir": config["data_dir"],
        "fsync": config["fsync"],
        "topics": topics.len(),
        "partitions": partitions,
        "messages": topics.iter().map(|t| t.messages).sum::<u64>(),
        "bytes": topics.iter().map(|t| t.bytes).sum::<u64>(),
        "groups": groups.len(),
        "lag": groups.iter().map(|g| g.lag).sum::<u64>(),
        "inflight": groups.iter().map(|g| g.inflight).sum::<u64>(),
        "dlq_topics": dlqs.len(),
        "dlq_messages": dlqs.iter().map(|d| d.depth).sum::<u64>(),
        "disk": stats.disk,
        "recovery": stats.recovery,
        "auth": who.map(|w| w.auth),
        "tls": who.map(|w| w.tls),
        "mutual_tls": who.map(|w| w.mutual_tls),
        "principal": who.and_then(|w| w.principal.clone()),
        "warnings": who.map(|w| w.warnings.clone()).unwrap_or_default(),
    })
}

/// One line on how the server is protected and who it takes the caller for.
fn security_line(v: &Value) -> Option<String> {
    let auth = v["auth"].as_bool()?;
    let tls = match (v["tls"].as_bool(), v["mutual_tls"].as_bool()) {
        (Some(true), Some(true)) => "TLS on, client certificates required",
        (Some(true), _) => "TLS on",
        _ => "TLS off",
    };
    Some(if auth {
        let who = v["principal"].as_str().unwrap_or("?");
        format!("auth on, you are {who:?}; {tls}")
    } else {
        format!("auth off: every client may do everything; {tls}")
    })
}

pub fn run(a: &StatusArgs, url: &str, client: &Client, out: &mut dyn Write) -> anyhow::Result<u8> {
    let stats = client.stats()?;
    let config = client.get("/v1/config").unwrap_or(Value::Null);
    let who: Option<WhoAmI> = client.get_as("/v1/whoami").ok();
    let v = summary(url, &stats, &config, who.as_ref());
    match a.output {
        OutputFormat::Json | OutputFormat::Yaml => writeln!(out, "{v}")?,
        OutputFormat::Table | OutputFormat::Wide => {
            let n = |f: &str| v[f].as_u64().unwrap_or(0);
            let text = |f: &str| v[f].as_str().unwrap_or("?").to_owned();
            writeln!(
                out,
                "driftq {} at {url}: up {}",
                text("version"),
                human_ms(v["uptime_ms"].as_i64().unwrap_or(0))
            )?;
            writeln!(
                out,
                "listening on {}, data in {}, fsync {}",
                text("addr"),
                text("data_dir"),
                text("fsync")
            )?;
            if let Some(line) = security_line(&v) {
                writeln!(out, "{line}")?;
            }
            for w in v["warnings"].as_array().into_iter().flatten() {
                writeln!(out, "WARNING: {}", w.as_str().unwrap_or_default())?;
            }
            writeln!(
                out,
                "{} topic{} ({} partition{}, {} message{}, {} bytes)",
                n("topics"),
                crate::plural(n("topics"), "s"),
                n("partitions"),
                crate::plural(n("partitions"), "s"),
                n("messages"),
                crate::plural(n("messages"), "s"),
                n("bytes")
            )?;
            writeln!(
                out,
                "{} group{} (lag {}, inflight {}), {} dead-letter topic{} ({} message{})",
                n("groups"),
                crate::plural(n("groups"), "s"),
                n("lag"),
                n("inflight"),
                n("dlq_topics"),
                crate::plural(n("dlq_topics"), "s"),
                n("dlq_messages"),
                crate::plural(n("dlq_messages"), "s")
            )?;
            let cut = v["recovery"]["truncated_tails"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for t in cut {
                writeln!(
                    out,
                    "recovery cut a torn tail from {}: {} record(s), {} bytes from offset {}, kept at {}",
                    t["log"].as_str().unwrap_or("?"),
                    t["records"],
                    t["bytes"],
                    t["first_lost_offset"],
                    t["kept_at"].as_str().unwrap_or("?")
                )?;
            }
            let disk = &v["disk"];
            if let (Some(free), Some(floor)) =
                (disk["free_bytes"].as_u64(), disk["min_free_bytes"].as_u64())
            {
                let refused = if disk["full"] == true {
                    ": PRODUCES REFUSED (disk_full) until space is freed"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "disk: {free} bytes free of {} (floor {floor}){refused}",
                    disk["total_bytes"].as_u64().unwrap_or(0)
                )?;
            }
        }
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_topics_groups_and_dead_letter_queues() {
        let stats: Stats = serde_json::from_value(json!({
            "version": "9.9.9", "uptime_ms": 1000,
            "topics": [
                {"name": "a", "partitions": [{}, {}], "messages": 5, "bytes": 50},
                {"name": "dlq.a", "partitions": [{}, {}], "messages": 1, "bytes": 10},
            ],
            "groups": [{"lag": 3, "inflight": 1}, {"lag": 2, "inflight": 0}],
            "dlq": [{"depth": 1}],
        }))
        .expect("a stats reply");
        let config = json!({"addr": "127.0.0.1:1", "data_dir": "d", "fsync": "always"});
        let who = WhoAmI {
            auth: true,
            principal: Some("ops".into()),
            ..WhoAmI::default()
        };
        let v = summary("http://x", &stats, &config, Some(&who));
        assert_eq!(
            security_line(&v).as_deref(),
            Some("auth on, you are \"ops\"; TLS off")
        );
        assert_eq!(
            v,
            json!({
                "url": "http://x", "version": "9.9.9", "uptime_ms": 1000,
                "addr": "127.0.0.1:1", "data_dir": "d", "fsync": "always",
                "topics": 2, "partitions": 4, "messages": 6, "bytes": 60,
                "groups": 2, "lag": 5, "inflight": 1, "dlq_topics": 1, "dlq_messages": 1,
                "disk": null, "recovery": {"truncated_records": 0, "truncated_tails": []},
                "auth": true, "tls": false, "mutual_tls": false, "principal": "ops", "warnings": [],
            })
        );
    }
}
