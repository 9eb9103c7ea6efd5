//! driftq core: storage and the broker state machine. No HTTP, no terminal code.
//!
//! # Layout
//! - [`storage`]: the on-disk log (batch format, segments, indexes, recovery, fsync policy) and
//!   the read-only verification behind `driftq wal`.
//! - [`broker`]: topics, consumer groups with leases, retries, DLQ, idempotency, router hook —
//!   a deterministic state machine over the storage logs.
//! - [`auth`]: principals, tokens and permissions read from the auth file (no HTTP).
//! - [`import`]: migration from DriftQ v1's JSON-lines WAL into a new data directory.

pub mod api;
pub mod auth;
pub mod broker;
pub mod import;
pub mod storage;
pub mod toml_error;
