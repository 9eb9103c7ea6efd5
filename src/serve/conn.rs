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

/// Accepts [`Conn`]s (errors are handled as axum's own TCP listener handles them).
pub(crate) struct Listener(pub TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (tcp, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (Conn(Arc::new(tcp)), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// One accepted connection, shared between hyper and the handlers of its requests.
#[derive(Debug, Clone)]
pub(crate) struct Conn(Arc<TcpStream>);

impl Conn {
    pub(crate) fn set_nodelay(&self, on: bool) -> io::Result<()> {
        self.0.set_nodelay(on)
    }

    /// Whether the client has closed its side (FIN) or reset the connection, as the kernel
    /// knows it now. Bytes the client sent and nobody read yet (a pipelined request) mean it
    /// is still there.
    pub(crate) fn client_gone(&self) -> bool {
        use rustix::net::{RecvFlags, recv};
        let mut byte = [0u8; 1];
        match recv(&*self.0, &mut byte, RecvFlags::PEEK | RecvFlags::DONTWAIT) {
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
            ready!(self.0.poll_read_ready(cx))?;
            // Into the buffer's spare capacity, uninitialized as tokio's own read leaves it:
            // zeroing hyper's read buffer before every read would cost more than the read.
            match self.0.try_read_buf(buf) {
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
            ready!(self.0.poll_write_ready(cx))?;
            match self.0.try_write(buf) {
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
            ready!(self.0.poll_write_ready(cx))?;
            match self.0.try_write_vectored(bufs) {
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
        let shut = rustix::net::shutdown(&*self.0, rustix::net::Shutdown::Write);
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
