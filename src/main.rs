//! The `driftq` binary: parses the command line, sets up logging, runs the command and maps
//! errors to exit codes. Everything else lives in the workspace's libraries.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use driftq_cli::{Cli, Command, ExitError, exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match &cli.command {
        Command::Wal(cmd) => driftq_cli::wal::run(cmd, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`driftq wal inspect … | head`) is not an error worth reporting.
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::from(exit::OK);
                }
            }
            let code = err
                .downcast_ref::<ExitError>()
                .map_or(exit::ERROR, |e| e.code);
            eprintln!("driftq: {}", one_line(&err));
            ExitCode::from(code)
        }
    }
}

/// The error and its causes on one line, as a user reads them.
fn one_line(err: &anyhow::Error) -> String {
    err.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DRIFTQ_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
