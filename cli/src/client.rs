//! The typed HTTP client of the driftq API, usable as a small Rust SDK. Blocking (reqwest), one
//! connection pool per client. Every server error comes back as [`ClientError::Server`] with the
//! server's code and message; an unreachable server as one clear line naming the URL.

use std::time::Duration;

use driftq_core::api::consume::ConsumeRequest;
use driftq_core::api::debug::{MessageStateRow, MessageStates};
use driftq_core::api::dlq::{DlqList, ReplayReply};

use crate::tls::TlsOptions;
use driftq_core::api::groups::{
    GroupDeleted, GroupList, InflightLease, InflightList, SeekReply, SeekRequest,
};
use driftq_core::api::messages::{Delivery, MessageList, PollReply, StoredMessage};
use driftq_core::api::produce::BatchReply;
use driftq_core::api::settle::{AckBatchReply, Released};
use driftq_core::api::stats::{DlqSummary, GroupSummary, Stats};
use driftq_core::api::system::ErrorBody;
use driftq_core::api::topics::{Purged, TopicCreated, TopicDescription};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// What a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "cannot reach driftq at {url}: {reason} (is `driftq serve` running? set --url or DRIFTQ_URL)"
    )]
    Unreachable { url: String, reason: String },
    #[error("{message} ({code}, HTTP {status})")]
    Server {
        status: u16,
        code: String,
        message: String,
        /// The server's advice on when to try again (429, 507).
        retry_after_ms: Option<u64>,
    },
    #[error("unexpected answer from {url}: {reason}")]
    Protocol { url: String, reason: String },
}

impl ClientError {
    /// HTTP status for server errors.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// When the server said to try again.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Server { retry_after_ms, .. } => retry_after_ms.map(Duration::from_millis),
            _ => None,
        }
    }
}

pub type ClientResult<T> = Result<T, ClientError>;

/// A driftq server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::blocking::Client,
    /// Say each call on stderr: method, URL, status, milliseconds (`-v`).
    verbose: bool,
    /// Sent as `Authorization: Bearer` with every call.
    token: Option<String>,
}

/// One lease, as `ack`/`nack`/`extend` name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub topic: String,
    pub group: String,
    pub owner: String,
    pub partition: u32,
    pub offset: u64,
}

impl Lease {
    fn body(&self) -> Value {
        json!({"topic": self.topic, "group": self.group, "owner": self.owner, "partition": self.partition, "offset": self.offset})
    }
}

fn seg(s: &str) -> String {
    // Topic and group names are restricted to URL-safe characters except for groups; escape
    // what a path segment cannot hold.
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Client {
    pub fn new(url: &str) -> ClientResult<Self> {
        Self::with_timeout(url, Duration::from_secs(120))
    }

    /// A client whose requests each give up after `timeout` (at least 6 s: a consume's long
    /// poll waits up to 5 s for messages).
    pub fn with_timeout(url: &str, timeout: Duration) -> ClientResult<Self> {
        Self::from_builder(url, Self::builder(timeout))
    }

    /// [`Self::with_timeout`], checking an https server's certificate as `tls` says.
    pub fn with_tls(url: &str, timeout: Duration, tls: &TlsOptions) -> anyhow::Result<Self> {
        Ok(Self::from_builder(url, tls.apply(Self::builder(timeout))?)?)
    }

    fn builder(timeout: Duration) -> reqwest::blocking::ClientBuilder {
        reqwest::blocking::Client::builder().timeout(timeout.max(Duration::from_secs(6)))
    }

    fn from_builder(url: &str, builder: reqwest::blocking::ClientBuilder) -> ClientResult<Self> {
        let http = builder.build().map_err(|e| ClientError::Protocol {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            base: url.trim_end_matches('/').to_owned(),
            http,
            verbose: false,
            token: None,
        })
    }

    /// Sends `token` as `Authorization: Bearer` with every call.
    #[must_use]
    pub fn token(mut self, token: Option<String>) -> Self {
        self.token = token;
        self
    }

    /// Says each call on stderr (method, URL, status, milliseconds).
    #[must_use]
    pub fn verbose(mut self, on: bool) -> Self {
        self.verbose = on;
        self
    }

    #[must_use]
    pub fn url(&self) -> &str {
        &self.base
    }

    fn send(&self, req: reqwest::blocking::RequestBuilder) -> ClientResult<Value> {
        self.send_as(req)
    }

    /// Sends `req` and decodes the reply as `T` (an empty reply as JSON `null`); a 4xx or 5xx
    /// becomes [`ClientError::Server`] from the API's error body.
    fn send_as<T: DeserializeOwned>(
        &self,
        req: reqwest::blocking::RequestBuilder,
    ) -> ClientResult<T> {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let started = std::time::Instant::now();
        let said = self
            .verbose
            .then(|| req.try_clone().and_then(|r| r.build().ok()))
            .flatten()
            .map(|r| format!("{} {}", r.method(), r.url()));
        let resp = req.send();
        if let Some(call) = &said {
            let status = resp.as_ref().map_or_else(
                |e| format!("failed ({e})"),
                |r| r.status().as_u16().to_string(),
            );
            eprintln!(
                "driftq: {call} -> {status} in {} ms",
                started.elapsed().as_millis()
            );
        }
        let resp = resp.map_err(|e| ClientError::Unreachable {
            url: self.base.clone(),
            reason: e
                .to_string()
                .split(": ")
                .last()
                .unwrap_or("connection failed")
                .to_owned(),
        })?;
        let status = resp.status().as_u16();
        let text = resp.text().map_err(|e| ClientError::Protocol {
            url: self.base.clone(),
            reason: e.to_string(),
        })?;
        if status >= 400 {
            let body: ErrorBody = serde_json::from_str(&text).unwrap_or_else(|_| ErrorBody {
                error: "HTTP".into(),
                message: text.clone(),
                ..ErrorBody::default()
            });
            return Err(ClientError::Server {
                status,
                code: if body.error.is_empty() {
                    "ERROR".into()
                } else {
                    body.error
                },
                message: if body.message.is_empty() {
                    "request failed".into()
                } else {
                    body.message
                },
                retry_after_ms: body.retry_after_ms,
            });
        }
        let text = if text.trim().is_empty() {
            "null"
        } else {
            text.as_str()
        };
        serde_json::from_str(text).map_err(|e| ClientError::Protocol {
            url: self.base.clone(),
            reason: e.to_string(),
        })
    }

    pub fn get(&self, path: &str) -> ClientResult<Value> {
        self.send(self.http.get(format!("{}{path}", self.base)))
    }

    /// A GET whose reply is the API's wire type `T`.
    pub fn get_as<T: DeserializeOwned>(&self, path: &str) -> ClientResult<T> {
        self.send_as(self.http.get(format!("{}{path}", self.base)))
    }

    pub fn post(&self, path: &str, body: &Value) -> ClientResult<Value> {
        self.send(self.http.post(format!("{}{path}", self.base)).json(body))
    }

    pub fn delete(&self, path: &str) -> ClientResult<Value> {
        self.send(self.http.delete(format!("{}{path}", self.base)))
    }

    pub fn health(&self) -> ClientResult<Value> {
        self.get("/v1/healthz")
    }

    pub fn stats(&self) -> ClientResult<Stats> {
        self.get_as("/v1/stats")
    }

    pub fn list_topics(&self) -> ClientResult<Vec<String>> {
        let v = self.get("/v1/topics")?;
        Ok(v["topics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    pub fn create_topic(
        &self,
        name: &str,
        partitions: u32,
        retention_ms: Option<i64>,
        retention_bytes: Option<u64>,
        retry_policy: Option<Value>,
        ordering: Option<&str>,
    ) -> ClientResult<TopicCreated> {
        let mut body = json!({"name": name, "partitions": partitions});
        if let Some(p) = retry_policy {
            body["retry_policy"] = p;
        }
        if let Some(o) = ordering {
            body["ordering"] = json!(o);
        }
        if let Some(r) = retention_ms {
            body["retention_ms"] = json!(r);
        }
        if let Some(b) = retention_bytes {
            body["retention_bytes"] = json!(b);
        }
        self.send_as(
            self.http
                .post(format!("{}/v1/topics", self.base))
                .json(&body),
        )
    }

    pub fn describe_topic(&self, name: &str) -> ClientResult<TopicDescription> {
        self.get_as(&format!("/v1/topics/{}", seg(name)))
    }

    /// Changes a topic's retention: a limit left `None` is kept, `Some(None)` removes it.
    pub fn alter_topic(
        &self,
        name: &str,
        partitions: Option<u32>,
        retention_ms: Option<Option<u64>>,
        retention_bytes: Option<Option<u64>>,
        retry_policy: Option<Value>,
    ) -> ClientResult<TopicDescription> {
        let mut body = json!({});
        if let Some(p) = retry_policy {
            body["retry_policy"] = p;
        }
        if let Some(total) = partitions {
            body["partitions"] = json!(total);
        }
        if let Some(age) = retention_ms {
            body["retention_ms"] = json!(age);
        }
        if let Some(bytes) = retention_bytes {
            body["retention_bytes"] = json!(bytes);
        }
        self.send_as(
            self.http
                .patch(format!("{}/v1/topics/{}", self.base, seg(name)))
                .json(&body),
        )
    }

    /// Deletes every message of a topic, keeping the topic.
    pub fn purge_topic(&self, name: &str) -> ClientResult<Purged> {
        let url = format!("{}/v1/topics/{}/messages", self.base, seg(name));
        self.send_as(self.http.delete(url))
    }

    pub fn delete_topic(&self, name: &str) -> ClientResult<()> {
        self.delete(&format!("/v1/topics/{}", seg(name)))
            .map(|_| ())
    }

    /// Batch produce: `messages` are wire messages (`{"key"?,"value","headers"?,"partition"?,"envelope"?}`).
    pub fn produce_batch(&self, topic: &str, messages: &[Value]) -> ClientResult<BatchReply> {
        let url = format!("{}/v1/topics/{}/messages", self.base, seg(topic));
        self.send_as(self.http.post(url).json(messages))
    }

    /// Leases messages of `topic` to `req.owner` in `group` (the path names them: the server
    /// does not read `req`'s topic and group).
    pub fn poll(
        &self,
        topic: &str,
        group: &str,
        req: &ConsumeRequest,
    ) -> ClientResult<Vec<Delivery<'static>>> {
        let url = format!(
            "{}/v1/topics/{}/groups/{}/poll",
            self.base,
            seg(topic),
            seg(group)
        );
        let polled: PollReply<'static> = self.send_as(self.http.post(url).json(req))?;
        Ok(polled.messages)
    }

    pub fn ack(&self, lease: &Lease) -> ClientResult<()> {
        self.post("/v1/ack", &lease.body()).map(|_| ())
    }

    pub fn nack(
        &self,
        lease: &Lease,
        reason: &str,
        delay_ms: Option<u64>,
        dead_letter: bool,
    ) -> ClientResult<()> {
        let mut body = lease.body();
        body["reason"] = json!(reason);
        if let Some(d) = delay_ms {
            body["delay_ms"] = json!(d);
        }
        if dead_letter {
            body["dead_letter"] = json!(true);
        }
        self.post("/v1/nack", &body).map(|_| ())
    }

    pub fn extend(&self, lease: &Lease, lease_ms: i64) -> ClientResult<i64> {
        let mut body = lease.body();
        body["lease_ms"] = json!(lease_ms);
        Ok(self.post("/v1/extend", &body)?["lease_deadline_ms"]
            .as_i64()
            .unwrap_or_default())
    }

    /// Acks (or nacks) many leases of one topic and group; per-item results.
    pub fn ack_batch(
        &self,
        topic: &str,
        group: &str,
        items: &[Value],
    ) -> ClientResult<AckBatchReply> {
        let url = format!(
            "{}/v1/topics/{}/groups/{}/acks",
            self.base,
            seg(topic),
            seg(group)
        );
        self.send_as(self.http.post(url).json(&json!({"items": items})))
    }

    /// Gives back leases `owner` took and will not process: `items` are `{"partition",
    /// "offset", "attempts"}`. Returns the server's reply (`released`, `skipped`).
    pub fn release(
        &self,
        topic: &str,
        group: &str,
        owner: &str,
        items: &[Value],
    ) -> ClientResult<Released> {
        let url = format!(
            "{}/v1/topics/{}/groups/{}/release",
            self.base,
            seg(topic),
            seg(group)
        );
        self.send_as(
            self.http
                .post(url)
                .json(&json!({"owner": owner, "items": items})),
        )
    }

    pub fn groups(&self) -> ClientResult<Vec<GroupSummary>> {
        Ok(self.get_as::<GroupList>("/v1/groups")?.groups)
    }

    pub fn describe_group(&self, topic: &str, group: &str) -> ClientResult<GroupSummary> {
        self.get_as(&format!("/v1/topics/{}/groups/{}", seg(topic), seg(group)))
    }

    /// Deletes a group; `force` drops the leases it holds.
    pub fn delete_group(
        &self,
        topic: &str,
        group: &str,
        force: bool,
    ) -> ClientResult<GroupDeleted> {
        self.send_as(self.http.delete(format!(
            "{}/v1/topics/{}/groups/{}?force={force}",
            self.base,
            seg(topic),
            seg(group)
        )))
    }

    /// Messages of `topic` as `group` sees them (DriftQ's `/debug/messages/state`): the rows.
    pub fn message_states(
        &self,
        topic: &str,
        group: &str,
        state: Option<&str>,
        owner: Option<&str>,
        limit: u64,
    ) -> ClientResult<Vec<MessageStateRow>> {
        let mut path = format!(
            "/debug/messages/state?topic={}&group={}&limit={limit}",
            seg(topic),
            seg(group)
        );
        if let Some(state) = state {
            path.push_str(&format!("&status={}", seg(state)));
        }
        if let Some(owner) = owner {
            path.push_str(&format!("&owner={}", seg(owner)));
        }
        Ok(self.get_as::<MessageStates>(&path)?.rows)
    }

    pub fn inflight(&self, topic: &str, group: &str) -> ClientResult<Vec<InflightLease>> {
        let path = format!("/v1/topics/{}/groups/{}/inflight", seg(topic), seg(group));
        Ok(self.get_as::<InflightList>(&path)?.inflight)
    }

    pub fn seek(
        &self,
        topic: &str,
        group: &str,
        to: &Value,
        partition: Option<u32>,
        force: bool,
    ) -> ClientResult<SeekReply> {
        let body = SeekRequest {
            to: to.clone(),
            partition,
            force,
        };
        let url = format!(
            "{}/v1/topics/{}/groups/{}/seek",
            self.base,
            seg(topic),
            seg(group)
        );
        self.send_as(self.http.post(url).json(&body))
    }

    pub fn dlq_list(&self) -> ClientResult<Vec<DlqSummary>> {
        Ok(self.get_as::<DlqList>("/v1/dlq")?.dlq)
    }

    pub fn dlq_peek(&self, topic: &str, max: usize) -> ClientResult<Vec<StoredMessage>> {
        let path = format!("/v1/dlq/{}/messages?max={max}", seg(topic));
        Ok(self.get_as::<MessageList>(&path)?.messages)
    }

    pub fn dlq_replay(&self, topic: &str, body: &Value) -> ClientResult<ReplayReply> {
        let url = format!("{}/v1/dlq/{}/replay", self.base, seg(topic));
        self.send_as(self.http.post(url).json(body))
    }
}
