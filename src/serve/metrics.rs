//! Prometheus metrics. HTTP request counts and latency histograms live in a registry; the broker's
//! numbers (lag, inflight, acks, DLQ…) are read from one stats snapshot at scrape time by a
//! collector, so they are never out of step with `/v1/stats`. Label values are topic, group and
//! partition names, route templates and fixed reason words — never free text.

use std::sync::Arc;
use std::time::Duration;

use driftq_core::broker::Broker;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::serve::error::ApiError;

type Labels = Vec<(String, String)>;

#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    pub http_requests: Family<Labels, Counter>,
    pub produce_rejected: Family<Labels, Counter>,
    /// Topics created through the API since the server started (DriftQ's `topic_created_total`).
    pub topic_created: Family<Labels, Counter>,
    pub append_seconds: Histogram,
    pub fsync_seconds: Histogram,
    /// The data directory's disk: free bytes, the floor, and 1 while produces are refused.
    pub disk_free_bytes: Gauge,
    pub disk_min_free_bytes: Gauge,
    pub disk_full: Gauge,
    /// Requests refused by authentication or a permission check, by reason.
    pub auth_denied: Family<Labels, Counter>,
    /// Connections answered 503 and closed at the connection cap.
    pub connections_refused: Counter,
}

/// Records cut from torn tails when the broker started, for `/metrics`.
#[derive(Debug)]
struct RecoveryCollector {
    broker: Arc<Broker>,
}

fn latency_histogram() -> Histogram {
    // 50 µs … ~1.6 s
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Metrics {
    /// Counts a produce refused for backpressure, by reason.
    pub(crate) fn count_produce_rejection(&self, e: &ApiError) {
        if let Some((reason, _)) = e.overload {
            self.produce_rejected
                .get_or_create(&vec![("reason".to_owned(), reason.to_owned())])
                .inc();
        }
    }

    /// Counts a request refused by auth: `missing_token`, `bad_token`, `unknown_certificate`
    /// (401) or `permission` (403).
    pub(crate) fn count_auth_denied(&self, reason: &str) {
        self.auth_denied
            .get_or_create(&vec![("reason".to_owned(), reason.to_owned())])
            .inc();
    }

    fn register_limits(registry: &mut Registry) -> (Family<Labels, Counter>, Counter) {
        let auth_denied = Family::<Labels, Counter>::default();
        registry.register(
            "auth_denied",
            "Requests refused by authentication (401) or a permission check (403), by reason",
            auth_denied.clone(),
        );
        let connections_refused = Counter::default();
        registry.register(
            "connections_refused",
            "Connections answered 503 and closed because --max-connections were open",
            connections_refused.clone(),
        );
        (auth_denied, connections_refused)
    }

    pub(crate) fn new(broker: Arc<Broker>) -> Self {
        let mut registry = Registry::default();
        let http_requests = Family::<Labels, Counter>::default();
        let produce_rejected = Family::<Labels, Counter>::default();
        let topic_created = Family::<Labels, Counter>::default();
        registry.register(
            "topic_created",
            "Topics created through the API since the server started",
            topic_created.clone(),
        );
        let append_seconds = latency_histogram();
        let fsync_seconds = latency_histogram();
        registry.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            http_requests.clone(),
        );
        registry.register(
            "produce_rejected",
            "Produce requests refused by backpressure, by reason",
            produce_rejected.clone(),
        );
        registry.register(
            "broker_append_duration_seconds",
            "Time to append a produce batch, fsync included under --fsync always",
            append_seconds.clone(),
        );
        registry.register(
            "broker_fsync_duration_seconds",
            "Duration of each fdatasync of a log",
            fsync_seconds.clone(),
        );
        let (disk_free_bytes, disk_min_free_bytes, disk_full) =
            (Gauge::default(), Gauge::default(), Gauge::default());
        registry.register(
            "disk_free_bytes",
            "Free bytes on the data directory's disk",
            disk_free_bytes.clone(),
        );
        registry.register(
            "disk_min_free_bytes",
            "The free-space floor below which produces are refused (--min-free-bytes)",
            disk_min_free_bytes.clone(),
        );
        registry.register(
            "disk_full",
            "1 while produces are refused because the disk is below the floor",
            disk_full.clone(),
        );
        registry.register_collector(Box::new(RecoveryCollector {
            broker: Arc::clone(&broker),
        }));
        registry.register_collector(Box::new(BrokerCollector { broker }));
        let (auth_denied, connections_refused) = Self::register_limits(&mut registry);
        Self {
            registry,
            http_requests,
            produce_rejected,
            topic_created,
            append_seconds,
            fsync_seconds,
            disk_free_bytes,
            disk_min_free_bytes,
            disk_full,
            auth_denied,
            connections_refused,
        }
    }

    pub(crate) fn observe_disk(&self, (free, floor, _total, full): (u64, u64, u64, bool)) {
        let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.disk_free_bytes.set(as_i64(free));
        self.disk_min_free_bytes.set(as_i64(floor));
        self.disk_full.set(i64::from(full));
    }

    pub(crate) fn observe_fsync(&self, d: Duration) {
        self.fsync_seconds.observe(d.as_secs_f64());
    }

    pub(crate) fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

#[derive(Debug)]
struct BrokerCollector {
    broker: Arc<Broker>,
}

impl Collector for RecoveryCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let mut rows: Vec<(Labels, u64)> = Vec::new();
        for t in self.broker.truncations() {
            rows.push((labels(&[("log", &t.log)]), t.records));
        }
        if rows.is_empty() {
            rows.push((labels(&[]), 0));
        }
        counter_family(
            &mut encoder,
            "recovery_truncated_records",
            "Records cut from torn log tails when the server started (kept aside next to the segment)",
            &rows,
        )
    }
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn counter_family(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    rows: &[(Labels, u64)],
) -> Result<(), std::fmt::Error> {
    let mut metric = encoder.encode_descriptor(
        name,
        help,
        None,
        prometheus_client::metrics::MetricType::Counter,
    )?;
    for (l, v) in rows {
        ConstCounter::new(*v).encode(metric.encode_family(l)?)?;
    }
    Ok(())
}

fn gauge_family(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    rows: &[(Labels, i64)],
) -> Result<(), std::fmt::Error> {
    let mut metric = encoder.encode_descriptor(
        name,
        help,
        None,
        prometheus_client::metrics::MetricType::Gauge,
    )?;
    for (l, v) in rows {
        ConstGauge::new(*v).encode(metric.encode_family(l)?)?;
    }
    Ok(())
}

impl Collector for BrokerCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let s = self.broker.stats(super::now_ms());
        encode_topics(&mut encoder, &s)?;
        encode_groups(&mut encoder, &s)?;
        encode_dead_letters(&mut encoder, &s)?;
        counter_family(
            &mut encoder,
            "router_errors",
            "Router failures (messages produced without routing)",
            &[(Vec::new(), s.router_errors)],
        )
    }
}

/// Per topic: produced messages and bytes, messages stored.
fn encode_topics(
    encoder: &mut DescriptorEncoder<'_>,
    s: &driftq_core::broker::Stats,
) -> Result<(), std::fmt::Error> {
    let mut produced = Vec::new();
    let mut produced_bytes = Vec::new();
    let mut messages = Vec::new();
    for t in &s.topics {
        let l = labels(&[("topic", &t.name)]);
        produced.push((
            l.clone(),
            t.partitions.iter().map(|p| p.produced_messages).sum(),
        ));
        produced_bytes.push((
            l.clone(),
            t.partitions.iter().map(|p| p.produced_bytes).sum(),
        ));
        messages.push((
            l,
            i64::try_from(
                t.partitions
                    .iter()
                    .map(|p| p.high_watermark - p.low_watermark)
                    .sum::<u64>(),
            )
            .unwrap_or(i64::MAX),
        ));
    }
    counter_family(
        encoder,
        "produced_messages",
        "Messages produced since the server started",
        &produced,
    )?;
    counter_family(
        encoder,
        "produced_bytes",
        "Key and value bytes produced since the server started",
        &produced_bytes,
    )?;
    gauge_family(
        encoder,
        "topic_messages",
        "Messages stored per topic",
        &messages,
    )?;
    Ok(())
}

/// Per group: settle counters, consumers, delayed and key-blocked messages; per partition: in flight and lag.
fn encode_groups(
    encoder: &mut DescriptorEncoder<'_>,
    s: &driftq_core::broker::Stats,
) -> Result<(), std::fmt::Error> {
    let (mut acks, mut nacks, mut redeliveries, mut timeouts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut inflight, mut lag) = (Vec::new(), Vec::new());
    let (mut consumers, mut delayed, mut blocked) = (Vec::new(), Vec::new(), Vec::new());
    for g in &s.groups {
        let l = labels(&[("topic", &g.topic), ("group", &g.group)]);
        let sum = |f: &dyn Fn(&driftq_core::broker::GroupPartitionStats) -> u64| {
            g.partitions.iter().map(f).sum::<u64>()
        };
        acks.push((l.clone(), sum(&|p| p.counters.acks)));
        nacks.push((l.clone(), sum(&|p| p.counters.nacks)));
        redeliveries.push((l.clone(), sum(&|p| p.counters.redeliveries)));
        timeouts.push((l.clone(), sum(&|p| p.counters.lease_timeouts)));
        consumers.push((
            l.clone(),
            i64::try_from(g.consumers.len()).unwrap_or(i64::MAX),
        ));
        delayed.push((
            l.clone(),
            i64::try_from(sum(&|p| p.delayed)).unwrap_or(i64::MAX),
        ));
        blocked.push((
            l,
            i64::try_from(sum(&|p| p.blocked_by_key)).unwrap_or(i64::MAX),
        ));
        for p in &g.partitions {
            let part = p.partition.to_string();
            let pl = labels(&[
                ("topic", &g.topic),
                ("group", &g.group),
                ("partition", &part),
            ]);
            inflight.push((pl.clone(), i64::try_from(p.inflight).unwrap_or(i64::MAX)));
            lag.push((pl, i64::try_from(p.lag).unwrap_or(i64::MAX)));
        }
    }
    counter_family(encoder, "message_acks", "Acked messages", &acks)?;
    counter_family(encoder, "message_nacks", "Nacked deliveries", &nacks)?;
    counter_family(
        encoder,
        "message_redeliveries",
        "Deliveries that failed and were scheduled again",
        &redeliveries,
    )?;
    counter_family(
        encoder,
        "message_lease_timeouts",
        "Leases that expired unacked",
        &timeouts,
    )?;
    gauge_family(
        encoder,
        "inflight_messages",
        "Messages leased and not yet acked",
        &inflight,
    )?;
    gauge_family(
        encoder,
        "consumer_lag",
        "Messages not yet acked by the group",
        &lag,
    )?;
    gauge_family(
        encoder,
        "group_consumers",
        "Owners that polled the group in the last 5 minutes or hold its leases",
        &consumers,
    )?;
    gauge_family(
        encoder,
        "delayed_messages",
        "Messages a poll passed whose produce delay has not passed yet",
        &delayed,
    )?;
    gauge_family(
        encoder,
        "blocked_by_key_messages",
        "Messages of a topic ordered by key that a poll passed, waiting for an earlier message of their key",
        &blocked,
    )?;
    Ok(())
}

/// Per source topic: messages dead-lettered (by reason) and waiting in its DLQ.
fn encode_dead_letters(
    encoder: &mut DescriptorEncoder<'_>,
    s: &driftq_core::broker::Stats,
) -> Result<(), std::fmt::Error> {
    // (attempts used up, dead-letter nacks) per source topic.
    let mut dlq_by_topic: std::collections::BTreeMap<String, (u64, u64)> =
        std::collections::BTreeMap::new();
    for g in &s.groups {
        let sum = |f: &dyn Fn(&driftq_core::broker::GroupPartitionStats) -> u64| {
            g.partitions.iter().map(f).sum::<u64>()
        };
        let moved = dlq_by_topic.entry(g.topic.clone()).or_default();
        let nacked = sum(&|p| p.counters.dead_letter_nacks);
        moved.0 += sum(&|p| p.counters.dead_lettered).saturating_sub(nacked);
        moved.1 += nacked;
    }
    let dlq: Vec<(Labels, u64)> = dlq_by_topic
        .into_iter()
        .flat_map(|(t, (used_up, nacked))| {
            [
                (
                    labels(&[("topic", &t), ("reason", "max_attempts_reached")]),
                    used_up,
                ),
                (
                    labels(&[("topic", &t), ("reason", "dead_letter_nack")]),
                    nacked,
                ),
            ]
        })
        .collect();
    counter_family(
        encoder,
        "dlq_messages",
        "Messages moved to dlq.<topic>",
        &dlq,
    )?;
    let depth: Vec<(Labels, i64)> = s
        .dlq
        .iter()
        .map(|d| {
            (
                labels(&[("topic", &d.source_topic)]),
                i64::try_from(d.depth).unwrap_or(i64::MAX),
            )
        })
        .collect();
    gauge_family(
        encoder,
        "dlq_depth",
        "Messages waiting in dlq.<topic>",
        &depth,
    )?;
    Ok(())
}
