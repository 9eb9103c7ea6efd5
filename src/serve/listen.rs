//! The accept loop: one task per connection, TLS when configured, HTTP/1.1 and HTTP/2 on the
//! same port (hyper-util's `auto` builder), a watchdog per connection, and a graceful stop.
//!
//! Limits a single client cannot get around (docs/SECURITY.md has the defaults):
//! - at most `cap` connections ([`conn::Listener`]); one over it gets 503 and is closed;
//! - a TLS handshake and a request's headers must arrive within `--header-timeout` of the
//!   first byte (slow-loris); a connection with no request in progress is closed after
//!   `--idle-timeout`; a request body must arrive within `--body-timeout` (routes.rs).
//!
//! Invariant: the watchdog closes a connection only while no request is in progress on it, so
//! a long poll, a stream or a slow reply is never cut by it.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tower_layer::Layer as _;

use crate::serve::conn::{self, Accepted, Conn, Handoff, Peer, TlsPeer};
use crate::serve::threads::{ConnThreads, Job};
use crate::serve::tls::{self, ServerTls};

/// How connections are served.
#[derive(Clone)]
pub(crate) struct ConnOptions {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub tls: Option<Arc<ServerTls>>,
    /// Counts connections refused at the cap.
    pub refused: prometheus_client::metrics::counter::Counter,
    /// Connection threads to start (0: serve on the shared runtime).
    pub conn_threads: usize,
}

/// Serves `app` on `listener` until `stop` turns true, then waits for the connections in
/// progress to finish (streams end on the same signal).
pub(crate) async fn serve(
    listener: conn::Listener,
    app: Router,
    opts: ConnOptions,
    mut stop: watch::Receiver<bool>,
) {
    let threads = ConnThreads::start(opts.conn_threads);
    let graceful = GracefulShutdown::new();
    let builder = Arc::new(http_builder());
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        match accepted {
            Accepted::OverCap(stream, addr) => {
                tracing::warn!(%addr, cap = listener.cap(), "connection cap reached: refused a connection");
                opts.refused.inc();
                conn::refuse(stream, opts.tls.is_some());
            }
            Accepted::Conn(handoff, addr) => {
                let task = Connection {
                    handoff,
                    addr,
                    app: app.clone(),
                    opts: opts.clone(),
                    builder: Arc::clone(&builder),
                    graceful: graceful.watcher(),
                };
                let job: Job = Box::new(move || {
                    tokio::spawn(task.run());
                });
                // No connection thread took it: served on this runtime.
                if let Err(job) = threads.deal(job) {
                    job();
                }
            }
            Accepted::Dropped => {}
        }
    }
    drop(listener);
    graceful.shutdown().await;
    // Every connection has ended: the threads stop once their queues close.
    drop(threads);
}

fn http_builder() -> auto::Builder<TokioExecutor> {
    let mut b = auto::Builder::new(TokioExecutor::new());
    // The watchdog times headers; hyper's own header timer would also close idle keep-alive
    // connections at the header timeout, which is --idle-timeout's business.
    b.http1().timer(TokioTimer::new()).header_read_timeout(None);
    b.http2().timer(TokioTimer::new());
    b
}

struct Connection {
    handoff: Handoff,
    addr: std::net::SocketAddr,
    app: Router,
    opts: ConnOptions,
    builder: Arc<auto::Builder<TokioExecutor>>,
    graceful: hyper_util::server::graceful::Watcher,
}

impl Connection {
    async fn run(self) {
        let Self {
            handoff,
            addr,
            app,
            opts,
            builder,
            graceful,
        } = self;
        let conn = match handoff.into_conn() {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(%addr, error = %e, "cannot serve a connection");
                return;
            }
        };
        let Some(tls) = opts.tls.clone() else {
            let peer = Peer {
                addr,
                conn: conn.clone(),
                tls: None,
            };
            return http(conn.clone(), conn, peer, app, &opts, &builder, graceful).await;
        };
        let handshake = tls.acceptor().accept(conn.clone());
        let stream = match tokio::time::timeout(opts.header_timeout, handshake).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                tracing::debug!(%addr, error = %e, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!(%addr, "TLS handshake timed out");
                return;
            }
        };
        let peer = Peer {
            addr,
            conn: conn.clone(),
            tls: Some(TlsPeer {
                client_name: tls::client_name(stream.get_ref().1),
            }),
        };
        http(conn, stream, peer, app, &opts, &builder, graceful).await;
    }
}

/// Serves HTTP on `io` until the client closes, an error, the watchdog or shutdown.
async fn http<I>(
    conn: Conn,
    io: I,
    peer: Peer,
    app: Router,
    opts: &ConnOptions,
    builder: &auto::Builder<TokioExecutor>,
    graceful: hyper_util::server::graceful::Watcher,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let addr = peer.addr;
    let service = TowerToHyperService::new(axum::Extension(ConnectInfo(peer)).layer(app));
    let serving = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    let serving = graceful.watch(serving.into_owned());
    tokio::pin!(serving);
    tokio::select! {
        result = serving.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(%addr, error = %e, "connection ended with an error");
            }
        }
        () = watchdog(&conn, opts.header_timeout, opts.idle_timeout) => {
            tracing::debug!(%addr, "connection closed: headers too slow or idle too long");
        }
    }
}

/// Returns when the connection has been without a request in progress for too long: headers
/// begun and not finished within `header`, or nothing at all within `idle`.
async fn watchdog(conn: &Conn, header: Duration, idle: Duration) {
    let activity = conn.activity();
    loop {
        let at = match activity.deadline(header, idle) {
            None => std::time::Instant::now() + header.min(idle),
            Some(at) if at <= std::time::Instant::now() => return,
            Some(at) => at,
        };
        tokio::select! {
            () = tokio::time::sleep_until(at.into()) => {}
            () = activity.head_begun() => {}
        }
    }
}
