//! Leasing for a client that may go away: the NDJSON consume stream (`GET /v1/consume`) and
//! the leasing step it shares with long polls.
//!
//! Invariants:
//! - A stream leases only when its connection asks for the next chunk: hyper polls the body
//!   when it can take more bytes, so nothing is leased ahead into a queue.
//! - At most `prefetch` messages (default [`DEFAULT_PREFETCH`]) are leased to one stream and not
//!   yet acked, nacked or expired; of those, at most one poll's worth ([`POLL_MAX`]) is leased
//!   and not yet handed to the connection. A slow reader holds at most `prefetch` leases.
//! - A client that closes its connection (FIN or RST) makes hyper drop the response body at
//!   once, idle or busy: hyper keeps reading the socket while a response is in progress and
//!   takes end-of-file there as the end of the exchange. Dropping the body drops the stream,
//!   which then leases nothing more. And before each lease the stream asks the socket itself
//!   ([`Conn::client_gone`]): woken by another connection's ack, it may run before hyper has
//!   seen a close that came first.
//! - Leases taken for a client that is gone before they were handed to its connection are
//!   released ([`Broker::release`]): not an attempt, no error. What was handed over is an
//!   attempt and comes back when its lease runs out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use driftq_core::api::messages::{Delivery as WireDelivery, Payload};
use driftq_core::broker::release::HeldLease;
use driftq_core::broker::{Broker, Deferred, Delivery};

use driftq_core::auth::{Action, Policy, Scope};
use tokio::sync::watch;

use super::auth::{Caller, StreamSlot};
use super::conn::Conn;
use super::dialect::Dialect;
use super::error::{ApiError, ApiResult};
use super::wakeups::Wait;
use crate::serve::clock::now_ms;
use crate::serve::state::AppState;

/// Unacked leases one stream may hold unless the client asks for another bound.
pub(crate) const DEFAULT_PREFETCH: usize = 256;
/// Most `prefetch` a client may ask for.
pub(crate) const MAX_PREFETCH: usize = 10_000;
/// Most messages one stream poll leases (one chunk of the body).
pub(crate) const POLL_MAX: usize = 256;
/// A blank line after this long without a message keeps the connection (and proxies) alive.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// How often an idle stream looks again without being woken (lease expiry, delays).
const IDLE_RECHECK: Duration = Duration::from_millis(250);

/// Who leases, from where.
#[derive(Debug, Clone)]
pub(crate) struct Consumer {
    pub topic: String,
    pub group: String,
    pub owner: String,
}

/// How much a poll asks for: at most `max` messages, each leased for `lease_ms`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask {
    pub max: usize,
    pub lease_ms: i64,
}

impl Consumer {
    fn poll(
        &self,
        broker: &Broker,
        ask: Ask,
    ) -> driftq_core::broker::Result<Deferred<Vec<Delivery>>> {
        broker.poll(
            &self.topic,
            &self.group,
            &self.owner,
            ask.max,
            ask.lease_ms,
            now_ms(),
        )
    }
}

/// Releases the leases it holds unless disarmed: the caller that took them went away before
/// handing them over.
struct ReleaseOnDrop<'a> {
    broker: &'a Broker,
    who: &'a Consumer,
    leases: Vec<HeldLease>,
}

impl ReleaseOnDrop<'_> {
    fn disarm(mut self) {
        self.leases.clear();
    }
}

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        release(self.broker, self.who, &self.leases);
    }
}

fn release(broker: &Broker, who: &Consumer, leases: &[HeldLease]) {
    if leases.is_empty() {
        return;
    }
    match broker.release(&who.topic, &who.group, &who.owner, leases, now_ms()) {
        Ok(n) => {
            tracing::debug!(topic = %who.topic, group = %who.group, owner = %who.owner, released = n, "released leases never handed to a consumer")
        }
        Err(e) => {
            tracing::warn!(topic = %who.topic, group = %who.group, error = %e, "could not release leases; they come back when they expire")
        }
    }
}

fn held(ds: &[Delivery]) -> Vec<HeldLease> {
    ds.iter().map(HeldLease::of).collect()
}

/// Leases up to `ask.max` messages for `who`. Cancel-safe: a caller dropped while this runs
/// (its client went away) leaves no lease behind.
///
/// Runs on this worker when the poll reads the active segments (what a consumer near the head
/// reads was just written and is in the page cache), waiting without a parked thread for the
/// rare state record it writes (a group's creation, a retention skip). A poll that starts in a
/// sealed segment — a consumer replaying a backlog — may wait on the disk, so it runs on the
/// blocking pool instead of stalling every connection of this worker.
pub(crate) async fn lease(
    state: &AppState,
    dialect: Dialect,
    who: &Consumer,
    ask: Ask,
) -> ApiResult<Vec<Delivery>> {
    let broker = &state.broker;
    if broker.poll_reads_sealed(&who.topic, &who.group, now_ms()) {
        return match lease_blocking(Arc::clone(broker), who.clone(), ask).await {
            Some(polled) => polled.map_err(|e| ApiError::from_broker(e, dialect)),
            None => Err(ApiError::internal("a poll on the blocking pool panicked")),
        };
    }
    let deferred = who
        .poll(broker, ask)
        .map_err(|e| ApiError::from_broker(e, dialect))?;
    let guard = ReleaseOnDrop {
        broker,
        who,
        leases: held(deferred.pending()),
    };
    let outcome = deferred.durable().await;
    guard.disarm();
    outcome.map_err(|e| ApiError::from_broker(e, dialect))
}

/// [`lease`] on the blocking pool (`None`: it panicked): the pool thread releases what it
/// leased when the caller is gone by the time it is done.
async fn lease_blocking(
    broker: Arc<Broker>,
    who: Consumer,
    ask: Ask,
) -> Option<driftq_core::broker::Result<Vec<Delivery>>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::task::spawn_blocking(move || {
        let polled = who.poll(&broker, ask).and_then(Deferred::wait);
        if let Err(Ok(ds)) = tx.send(polled) {
            release(&broker, &who, &held(&ds));
        }
    });
    rx.await.ok()
}

/// Who holds a stream open, re-checked whenever the auth file is reloaded, and the slot it
/// takes among its principal's streams.
pub(crate) struct StreamAccess {
    pub caller: Caller,
    pub policy: watch::Receiver<Arc<Policy>>,
    /// The policy last checked against (compared by identity: a reload makes a new one).
    pub checked: Arc<Policy>,
    /// Held, not read: dropping it frees the slot.
    pub _slot: StreamSlot,
}

impl StreamAccess {
    /// The error line that ends the stream when a reload took its caller's permission away.
    fn revoked(&mut self, who: &Consumer) -> Option<Bytes> {
        let current = Arc::clone(&self.policy.borrow());
        if Arc::ptr_eq(&current, &self.checked) {
            return None;
        }
        self.checked = current;
        let scope = Scope::Group {
            topic: &who.topic,
            group: &who.group,
        };
        if self
            .caller
            .still_allowed(&self.checked, Action::Consume, scope)
        {
            return None;
        }
        let err = ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            format!(
                "the auth file was reloaded and principal {:?} may no longer consume {scope}",
                self.caller.name().unwrap_or_default()
            ),
        );
        let mut line = serde_json::to_vec(&err.body()).unwrap_or_default();
        line.push(b'\n');
        Some(Bytes::from(line))
    }
}

/// One consume stream's state: the body asks it for chunks; dropping it (the client went away,
/// the server shuts down) ends the stream.
pub(crate) struct ConsumeStream {
    state: AppState,
    who: Consumer,
    lease_ms: i64,
    prefetch: usize,
    /// Leases written to the connection and maybe not settled yet.
    written: Vec<HeldLease>,
    last_sent: Instant,
    started: bool,
    /// Counted among the group's open streams (once the group exists).
    counted: bool,
    ended: bool,
    /// The client's connection, asked before each lease whether the client is still there.
    conn: Option<Conn>,
    access: StreamAccess,
}

impl ConsumeStream {
    pub(crate) fn new(
        state: AppState,
        who: Consumer,
        lease_ms: i64,
        prefetch: usize,
        conn: Option<Conn>,
        access: StreamAccess,
    ) -> Self {
        Self {
            state,
            who,
            lease_ms,
            prefetch,
            written: Vec::new(),
            last_sent: Instant::now(),
            started: false,
            counted: false,
            ended: false,
            conn,
            access,
        }
    }

    /// The body's next chunk: the first is a blank line (it flushes the headers through clients
    /// that wait for body bytes), then a chunk per poll that leased something, a blank line
    /// every [`HEARTBEAT`] of quiet, an error line that ends the stream, or the end at shutdown.
    pub(crate) async fn next_chunk(&mut self) -> Option<Bytes> {
        if self.ended {
            return None;
        }
        if !self.started {
            self.started = true;
            return Some(Bytes::from_static(b"\n"));
        }
        let mut shutdown = self.state.shutdown.clone();
        let bell = self.state.wakeups.bell(&self.who.topic, &self.who.group);
        loop {
            if *shutdown.borrow() {
                return None;
            }
            if let Some(line) = self.access.revoked(&self.who) {
                tracing::info!(topic = %self.who.topic, group = %self.who.group, owner = %self.who.owner, "consume stream ended: its principal lost the permission on reload");
                self.ended = true;
                return Some(line);
            }
            // Made before looking, so a ring while this looks is not missed. Only a stream with
            // room queues for messages: a ring for one consumer may then pick this one (it
            // passes the ring on if it leases anyway).
            let settled = bell.settled.notified();
            let room = self.room();
            let mut arrived = std::pin::pin!(bell.arrived.notified());
            if room > 0 {
                arrived.as_mut().enable();
                match lease(
                    &self.state,
                    Dialect::DriftQ,
                    &self.who,
                    Ask {
                        max: room,
                        lease_ms: self.lease_ms,
                    },
                )
                .await
                {
                    Err(e) => {
                        self.ended = true;
                        let mut line = serde_json::to_vec(&e.body()).unwrap_or_default();
                        line.push(b'\n');
                        return Some(Bytes::from(line));
                    }
                    Ok(ds) => {
                        self.count_stream();
                        if !ds.is_empty() {
                            return Some(self.write(&ds));
                        }
                    }
                }
            }
            // At its prefetch bound it waits for an ack to make room, else for messages, and
            // for acks too while the group holds messages back until leases are settled.
            let w = &self.who;
            let wait = if room == 0 {
                Wait::Settled
            } else if self.state.broker.waits_on_settling(&w.topic, &w.group) {
                Wait::Either
            } else {
                Wait::Arrived
            };
            tokio::select! {
                () = wait.until(arrived, settled) => {}
                () = tokio::time::sleep(IDLE_RECHECK) => {}
                _ = shutdown.changed() => return None,
                _ = self.access.policy.changed() => {}
            }
            // Woken, maybe by another connection's ack: a close that came before it may not
            // have reached hyper yet, so ask the socket before leasing again. A ring meant for
            // one consumer goes on to another.
            if self.conn.as_ref().is_some_and(Conn::client_gone) {
                bell.arrived.notify_one();
                return None;
            }
            if self.last_sent.elapsed() >= HEARTBEAT {
                self.last_sent = Instant::now();
                return Some(Bytes::from_static(b"\n"));
            }
        }
    }

    /// How many more messages the stream may lease now.
    fn room(&mut self) -> usize {
        let want = POLL_MAX.min(self.prefetch);
        if self.prefetch - self.written.len().min(self.prefetch) < want {
            let w = &self.who;
            self.state
                .broker
                .retain_held(&w.topic, &w.group, &w.owner, &mut self.written);
        }
        (self.prefetch - self.written.len().min(self.prefetch)).min(want)
    }

    /// Encodes `ds` as one chunk of NDJSON lines; from here on they count as handed over.
    fn write(&mut self, ds: &[Delivery]) -> Bytes {
        let mut chunk = Vec::with_capacity(ds.len() * 256);
        let mut unwritten = Vec::new();
        for d in ds {
            let before = chunk.len();
            if serde_json::to_writer(&mut chunk, &WireDelivery::new(d, Payload::Text)).is_ok() {
                chunk.push(b'\n');
                self.written.push(HeldLease::of(d));
            } else {
                chunk.truncate(before);
                unwritten.push(HeldLease::of(d));
            }
        }
        release(&self.state.broker, &self.who, &unwritten);
        self.last_sent = Instant::now();
        Bytes::from(chunk)
    }

    fn count_stream(&mut self) {
        if !self.counted {
            self.counted = true;
            let w = &self.who;
            self.state
                .broker
                .stream_opened(&w.topic, &w.group, &w.owner);
        }
    }
}

impl Drop for ConsumeStream {
    fn drop(&mut self) {
        if self.counted {
            let w = &self.who;
            self.state
                .broker
                .stream_closed(&w.topic, &w.group, &w.owner, now_ms());
        }
    }
}
