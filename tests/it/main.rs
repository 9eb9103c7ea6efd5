//! End-to-end tests of the `driftq` binary.

mod bench;
mod cli;
mod crash;
mod fuzz;
mod http;
mod openapi;
mod server;
mod sessions;
mod support;
mod tls;
mod top;
mod wal;
mod wire;
