//! End-to-end tests of the `driftq` binary.

mod support;
mod wal;
