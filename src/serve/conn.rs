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
//! Connections are capped ([`connection_cap`]: half the open-file limit) so that idle clients
//! can never take the file descriptors a segment roll needs.
//!
//! Invariant: `Conn` does what tokio's `TcpStream` does for hyper (readiness, then a
//! non-blocking read or write); the peek never consumes bytes.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Accepts [`Conn`]s, at most `cap` open at once (errors are handled as axum's own TCP
/// listener handles them). At the cap it stops accepting until a connection closes: new clients
/// wait in the kernel's backlog instead of taking the file descriptors storage needs to open a
/// segment.
pub(crate) struct Listener {
    tcp: TcpListener,
    permits: Arc<Semaphore>,
    cap: usize,
}

impl Listener {
    pub(crate) fn new(tcp: TcpListener, cap: usize) -> Self {
        Self {
            tcp,
            permits: Arc::new(Semaphore::new(cap)),
            cap,
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

impl axum::serve::Listener for Listener {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                tracing::warn!(
                    cap = self.cap,
                    "connection cap reached: not accepting until one closes (the rest of the open-file limit is kept for storage)"
                );
                match Arc::clone(&self.permits).acquire_owned().await {
                    Ok(p) => p,
                    // Never closed: the semaphore lives as long as the listener.
                    Err(_) => std::future::pending().await,
                }
            }
        };
        let (stream, addr) = axum::serve::Listener::accept(&mut self.tcp).await;
        let inner = Inner {
            stream,
            _permit: permit,
        };
        (Conn(Arc::new(inner)), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

#[derive(Debug)]
struct Inner {
    stream: TcpStream,
    /// Returned to the listener when the connection and every handle to it are gone.
    _permit: OwnedSemaphorePermit,
}

/// One accepted connection, shared between hyper and the handlers of its requests.
#[derive(Debug, Clone)]
pub(crate) struct Conn(Arc<Inner>);

impl Conn {
    pub(crate) fn set_nodelay(&self, on: bool) -> io::Result<()> {
        self.0.stream.set_nodelay(on)
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
                Ok(_) => return Poll::Ready(Ok(())),
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

/// What a handler knows of its connection: the client's address and the socket to ask.
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    pub addr: SocketAddr,
    pub conn: Conn,
}

impl<F> Connected<IncomingStream<'_, axum::serve::TapIo<Listener, F>>> for Peer
where
    F: FnMut(&mut Conn) + Send + 'static,
{
    fn connect_info(stream: IncomingStream<'_, axum::serve::TapIo<Listener, F>>) -> Self {
        Self {
            addr: *stream.remote_addr(),
            conn: stream.io().clone(),
        }
    }
}
