//! driftq's command-line side: the clap command tree, output rendering and the offline WAL
//! tools. The binary (`src/main.rs`) only parses [`Cli`] and maps errors to exit codes.

pub mod bench;
pub mod output;
pub mod serve_args;
pub mod wal;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes every command uses (also listed in `driftq --help` and the README).
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const PARTIAL: u8 = 3;
    pub const NOT_FOUND_OR_FAILED_CHECK: u8 = 4;
}

/// An error that carries its own exit code; anything else exits 1.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExitError {
    pub code: u8,
    pub message: String,
}

impl ExitError {
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            code: exit::NOT_FOUND_OR_FAILED_CHECK,
            message: message.into(),
        }
    }
}

const AFTER_HELP: &str = "\
Exit codes: 0 ok, 1 error, 2 usage, 3 partial success, 4 not found / verification failed.";

/// driftq: a durable message broker and its operator toolkit in one binary.
#[derive(Debug, Parser)]
#[command(name = "driftq", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the broker (HTTP API on --addr, data in --data-dir).
    Serve(serve_args::ServeArgs),
    /// Load-test a server: throughput and latency percentiles.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Read a data directory offline: decode records, check checksums and indexes.
    #[command(subcommand)]
    Wal(wal::WalCommand),
}

/// Machine or human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// Aligned text for people.
    #[default]
    Table,
    /// JSON for scripts (NDJSON for streams of records).
    Json,
}
