//! The `driftq` binary: parses the command line, sets up logging, runs the command and maps
//! errors to exit codes. Everything else lives in the workspace's libraries.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use driftq_cli::serve_args::LogFormat;
use driftq_cli::{Cli, Command, exit};

mod logfmt;
mod serve;

/// The server allocates and frees a buffer or two per message on every path (JSON in, records
/// out); glibc's allocator was ~20 % of the server's samples under consume + ack.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `COMPLETE=bash driftq …`: the shell asking for completions (topic and group names from
    // the server); answers and exits. Without COMPLETE set it returns at once.
    clap_complete::CompleteEnv::with_factory(Cli::command_with_examples).complete();
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let service = if raw
        .first()
        .is_some_and(|p| driftq_cli::driftqd::invoked_as_driftqd(p))
    {
        "driftqd"
    } else {
        "driftq"
    };
    let line = match driftq_cli::driftqd::command_line(raw) {
        Ok(line) => line,
        Err(message) => {
            eprintln!("{service}: {message}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let mut cli = Cli::parse_with_examples(line.args);
    if let Command::Serve(args) = &mut cli.command {
        args.ignored_driftqd_flags = line.ignored;
    }
    // Buffered, not line by line: `consume` and `wal inspect` write a line per message, and a
    // write call per line cost more than everything else the CLI does. Commands that stream
    // (`consume --follow`) flush after each batch.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let result = match &cli.command {
        Command::Serve(args) => run_serve(args, service),
        Command::Top(args) => cli
            .client()
            .and_then(|(server, client)| driftq_tui::run(client, &server.url, args.interval))
            .map(|()| exit::OK),
        _ => {
            init_logging("warn", LogFormat::Text, service);
            driftq_cli::run_client(&cli, &mut out)
        }
    };
    let _ = out.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`driftq consume … | head`) is not an error worth reporting.
            if let Some(io) = err.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return ExitCode::from(exit::OK);
            }
            eprintln!("driftq: {}", one_line(&err));
            ExitCode::from(driftq_cli::exit_code_of(&err))
        }
    }
}

/// The error and its causes on one line, as a user reads them. A cause whose text the message
/// before it already ends with (errors that print their source *and* return it) is said once.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain().map(ToString::to_string) {
        if line.ends_with(&cause) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&cause);
    }
    line
}

fn run_serve(
    args: &driftq_cli::serve_args::ServeArgs,
    service: &'static str,
) -> anyhow::Result<u8> {
    // A bad value from a flag, DRIFTQ_* or the config file is a usage error, like clap's own.
    let config = args
        .resolve()
        .map_err(|e| driftq_cli::ExitError::usage(format!("{e:#}")))?;
    init_logging(&config.log_level, config.log_format, service);
    for flag in &args.ignored_driftqd_flags {
        tracing::warn!(flag = %flag, "driftqd flag accepted and ignored: driftq has no equivalent");
    }
    serve::run(config)?;
    Ok(exit::OK)
}

/// Logs go to stderr. `DRIFTQ_LOG` (an `EnvFilter` spec) overrides the level.
fn init_logging(level: &str, format: LogFormat, service: &'static str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DRIFTQ_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .event_format(logfmt::SlogJson { service })
            .try_init(),
    };
}
