//! The server's connections: a TCP stream that hyper reads and writes and that a handler can
//! also ask, from the kernel, whether its client has gone.
//!
//! Why: a consume stream woken by another connection's ack must not lease for a client that
//! closed its socket a moment before that ack — hyper learns of the close only when the runtime's
//! I/O driver has processed the socket's event, which under load can come after the ack. A
//! non-blocking `MSG_PEEK` on the socket tells at once: end-of-file (FIN) or an error (RST)
//! means gone. [`Listener`] hands out [`Conn`]s; the handle in the request's `ConnectInfo`
//! ([`Peer`]) shares the socket, so the check costs no extra file descriptor.
//!
//! Connections are capped ([`connection_cap`]: half the open-file limit, or `--max-connections`)
//! so that idle clients can never take the file descriptors a segment roll needs; a client over
//! the cap is accepted, answered 503 (plain HTTP; a TLS client is just closed) and closed.
//!
//! Each connection keeps its [`Activity`]: how many requests are in progress (from the head
//! read until the response body is dropped), since when it has had none, and when the first
//! byte of the next request arrived. The per-connection watchdog reads it to cut slow headers
//! (`--header-timeout`) and idle connections (`--idle-timeout`).
//!
//! Invariant: `Conn` does what tokio's `TcpStream` does for hyper (readiness, then a
//! non-blocking read or write); the peek never consumes bytes.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Accepts [`Conn`]s, at most `cap` open at once.
pub(crate) struct Listener {
    tcp: TcpListener,
    permits: Arc<Semaphore>,
    cap: usize,
}

/// What [`Listener::accept`] hands out.
pub(crate) enum Accepted {
    Conn(Handoff, SocketAddr),
    /// Over the cap: to be told so and closed.
    OverCap(TcpStream, SocketAddr),
    /// Lost between the accept and its hand-over (logged).
    Dropped,
}

/// An accepted connection on its way to the thread that will serve it: a socket in no runtime
/// yet, and its place under the cap.
pub(crate) struct Handoff {
    stream: std::net::TcpStream,
    permit: OwnedSemaphorePermit,
}

impl Handoff {
    /// The connection, registered with the calling thread's runtime; it counts on the thread's
    /// load while it is open, when that is a connection thread.
    pub(crate) fn into_conn(self) -> io::Result<Conn> {
        let inner = Inner {
            stream: TcpStream::from_std(self.stream)?,
            _permit: self.permit,
            activity: Activity::new(),
            load: LoadShare::add(crate::serve::threads::this_thread_load()),
        };
        Ok(Conn(Arc::new(inner)))
    }
}

impl Listener {
    pub(crate) fn new(tcp: TcpListener, cap: usize) -> Self {
        Self {
            tcp,
            permits: Arc::new(Semaphore::new(cap)),
            cap,
        }
    }

    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// The next connection. Accept errors (the process out of file descriptors, a client gone
    /// before it was accepted) are logged and waited out, as axum's own listener does.
    pub(crate) async fn accept(&self) -> Accepted {
        let (stream, addr) = loop {
            match self.tcp.accept().await {
                Ok(accepted) => break accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        if let Err(e) = stream.set_nodelay(true) {
            // Replies go out as soon as they are written: with Nagle on, a reply written in two
            // parts waits for the client's delayed ACK before its second part leaves.
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => match stream.into_std() {
                Ok(stream) => Accepted::Conn(Handoff { stream, permit }, addr),
                Err(e) => {
                    tracing::warn!(%addr, error = %e, "cannot hand a connection over");
                    Accepted::Dropped
                }
            },
            Err(_) => Accepted::OverCap(stream, addr),
        }
    }
}

/// Connections the server keeps open with an open-file limit of `nofile`: half of it, so the
/// other half stays for storage (three files per partition, the state log, snapshots).
pub(crate) fn connection_cap(nofile: u64) -> usize {
    usize::try_from(nofile / 2)
        .unwrap_or(usize::MAX)
        .clamp(8, Semaphore::MAX_PERMITS)
}

/// Checks `--max-connections` against the open-file limit: a quarter of it stays for storage.
pub(crate) fn checked_cap(asked: Option<usize>, nofile: u64) -> Result<usize, String> {
    let Some(n) = asked else {
        return Ok(connection_cap(nofile));
    };
    let most = usize::try_from(nofile / 4 * 3).unwrap_or(usize::MAX);
    if n == 0 || n > most {
        return Err(format!(
            "--max-connections {n}: between 1 and {most} (three quarters of the open-file limit {nofile}; the rest is kept for storage)"
        ));
    }
    Ok(n.min(Semaphore::MAX_PERMITS))
}

/// Tells a client over the cap so (503, plain HTTP only: a TLS client cannot read it before
/// its handshake) if the socket takes it at once, and closes.
pub(crate) fn refuse(stream: TcpStream, tls: bool) {
    static REPLY: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
        let body = r#"{"error":"UNAVAILABLE","message":"too many connections: the server's connection cap is reached; try again"}"#;
        format!(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    });
    if !tls {
        let _ = stream.try_write(&REPLY);
    }
    let _ = rustix::net::shutdown(&stream, rustix::net::Shutdown::Write);
}

/// A connection's requests in progress and the times its watchdog needs.
#[derive(Debug)]
pub(crate) struct Activity {
    born: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds after `born` when the last request finished (or the connection opened).
    idle_since: AtomicU64,
    /// Milliseconds after `born`, plus one, when the first byte of the next request came; 0:
    /// none yet.
    head_started: AtomicU64,
    /// Wakes the watchdog when a request begins to arrive: its deadline moves closer.
    head_begun: tokio::sync::Notify,
}

impl Activity {
    fn new() -> Self {
        Self {
            born: Instant::now(),
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            head_started: AtomicU64::new(0),
            head_begun: tokio::sync::Notify::new(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn bytes_read(&self) {
        if self.in_flight.load(Ordering::Acquire) == 0
            && self.head_started.load(Ordering::Relaxed) == 0
        {
            self.head_started
                .store(self.now_ms().saturating_add(1), Ordering::Relaxed);
            self.head_begun.notify_one();
        }
    }

    /// Waits until a request begins to arrive (or has since the last wait).
    pub(crate) async fn head_begun(&self) {
        self.head_begun.notified().await;
    }

    /// When the watchdog should close the connection: `None` while a request is in progress.
    pub(crate) fn deadline(&self, header: Duration, idle: Duration) -> Option<Instant> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let at = match self.head_started.load(Ordering::Relaxed) {
            0 => self
                .idle_since
                .load(Ordering::Relaxed)
                .saturating_add(ms(idle)),
            started => (started - 1).saturating_add(ms(header)),
        };
        Some(self.born + Duration::from_millis(at))
    }
}

/// Held while a request is in progress on its connection: from the handler's start until the
/// response body is dropped (so a stream or a long poll is never idle).
#[derive(Debug)]
pub(crate) struct RequestGuard(
    Conn,
    #[expect(dead_code, reason = "held, not read")] LoadShare,
);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        let a = &self.0.0.activity;
        if a.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            a.head_started.store(0, Ordering::Relaxed);
            a.idle_since.store(a.now_ms(), Ordering::Relaxed);
        }
    }
}

#[derive(Debug)]
struct Inner {
    stream: TcpStream,
    /// Returned to the listener when the connection and every handle to it are gone.
    _permit: OwnedSemaphorePermit,
    activity: Activity,
    /// This connection's share of its serving thread's load (see `threads.rs`).
    load: LoadShare,
}

/// One unit of a connection thread's load (an open connection or a request in progress), held
/// while it lasts: the count goes down however it ends, on whichever thread it is dropped.
#[derive(Debug)]
struct LoadShare(Option<Arc<AtomicUsize>>);

impl LoadShare {
    fn add(load: Option<Arc<AtomicUsize>>) -> Self {
        if let Some(n) = &load {
            n.fetch_add(1, Ordering::AcqRel);
        }
        Self(load)
    }
}

impl Drop for LoadShare {
    fn drop(&mut self) {
        if let Some(n) = &self.0 {
            n.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// One accepted connection, shared between hyper and the handlers of its requests.
#[derive(Debug, Clone)]
pub(crate) struct Conn(Arc<Inner>);

impl Conn {
    pub(crate) fn activity(&self) -> &Activity {
        &self.0.activity
    }

    /// Marks a request in progress until the guard is dropped.
    pub(crate) fn request_started(&self) -> RequestGuard {
        let load = LoadShare::add(self.0.load.0.clone());
        self.0.activity.in_flight.fetch_add(1, Ordering::AcqRel);
        self.0.activity.head_started.store(0, Ordering::Relaxed);
        RequestGuard(self.clone(), load)
    }

    /// Whether the client has closed its side (FIN) or reset the connection, as the kernel
    /// knows it now. Bytes the client sent and nobody read yet (a pipelined request) mean it
    /// is still there.
    pub(crate) fn client_gone(&self) -> bool {
        use rustix::net::{RecvFlags, recv};
        let mut byte = [0u8; 1];
        match recv(
            &self.0.stream,
            &mut byte,
            RecvFlags::PEEK | RecvFlags::DONTWAIT,
        ) {
            Ok((0, _)) => true,
            Ok(_) => false,
            Err(e) => e != rustix::io::Errno::AGAIN && e != rustix::io::Errno::INTR,
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            ready!(self.0.stream.poll_read_ready(cx))?;
            // Into the buffer's spare capacity, uninitialized as tokio's own read leaves it:
            // zeroing hyper's read buffer before every read would cost more than the read.
            match self.0.stream.try_read_buf(buf) {
                Ok(n) => {
                    if n > 0 {
                        self.0.activity.bytes_read();
                    }
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.0.stream.poll_write_ready(cx))?;
            match self.0.stream.try_write(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                done => return Poll::Ready(done),
            }
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.0.stream.poll_write_ready(cx))?;
            match self.0.stream.try_write_vectored(bufs) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                done => return Poll::Ready(done),
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let shut = rustix::net::shutdown(&self.0.stream, rustix::net::Shutdown::Write);
        Poll::Ready(shut.or_else(|e| {
            // Already closed by the peer: nothing left to shut.
            if e == rustix::io::Errno::NOTCONN {
                Ok(())
            } else {
                Err(e.into())
            }
        }))
    }
}

/// What a handler knows of its connection: the client's address, the socket to ask, and what
/// TLS said of the client.
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    pub addr: SocketAddr,
    pub conn: Conn,
    /// Over TLS: the name in the client's certificate, when it sent one.
    pub tls: Option<TlsPeer>,
}

/// What a TLS handshake told of the client.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsPeer {
    /// The common name of the client certificate's subject (mutual TLS).
    pub client_name: Option<String>,
}
