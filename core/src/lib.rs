//! driftq core: storage and the broker state machine. No HTTP, no terminal code.
//!
//! # Layout
//! - [`storage`]: the on-disk log (batch format, segments, indexes, recovery, fsync policy) and
//!   the read-only verification behind `driftq wal`.

pub mod storage;
