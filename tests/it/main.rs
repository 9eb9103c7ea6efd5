//! End-to-end tests of the `driftq` binary.

mod auth;
mod bench;
mod cli;
mod crash;
mod fuzz;
mod http;
mod https;
mod limits;
mod openapi;
mod pki;
mod server;
mod sessions;
mod support;
mod tls;
mod top;
mod wal;
mod wire;
