//! driftq's command-line side: the clap command tree, output rendering and the offline WAL
//! tools. The binary (`src/main.rs`) only parses [`Cli`] and maps errors to exit codes.

pub mod bench;
pub mod client;
pub mod cmd;
pub mod complete;
pub mod contexts;
pub mod driftqd;
mod examples;
pub mod output;
pub mod retry;
pub mod serve_args;
pub mod tls;
pub mod wal;
pub mod yaml;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes every command uses (also listed in `driftq --help` and the README).
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const PARTIAL: u8 = 3;
    pub const NOT_FOUND_OR_FAILED_CHECK: u8 = 4;

    /// Every code with what it means (the EXIT STATUS section of `driftq(1)`).
    pub const MEANINGS: &[(u8, &str)] = &[
        (OK, "success"),
        (
            ERROR,
            "an error: the server refused, could not be reached, or failed",
        ),
        (
            USAGE,
            "a bad flag, value, environment variable or config file",
        ),
        (
            PARTIAL,
            "partial success: some messages or items failed (or produce was still held back by backpressure at --timeout)",
        ),
        (
            NOT_FOUND_OR_FAILED_CHECK,
            "not found (topic, group, context), or `wal verify` found damage",
        ),
        (
            130,
            "interrupted (Ctrl-C); what was printed was acked, the rest given back",
        ),
    ];
}

/// An error that carries its own exit code; anything else exits 1.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExitError {
    pub code: u8,
    pub message: String,
}

impl ExitError {
    /// A bad flag, environment or config value: exit 2, like clap's own usage errors.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    /// [`Self::usage`] as an `anyhow::Error`, for the checks clap cannot do itself.
    pub fn usage_error(message: impl Into<String>) -> anyhow::Error {
        Self::usage(message).into()
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            code: exit::NOT_FOUND_OR_FAILED_CHECK,
            message: message.into(),
        }
    }
}

const AFTER_HELP: &str = "\
Server: --url > DRIFTQ_URL > --context / DRIFTQ_CONTEXT > the current context > http://127.0.0.1:8080.
Exit codes: 0 ok, 1 error, 2 usage, 3 partial success (or produce still held back by
backpressure at --timeout), 4 not found / verification failed, 130 interrupted;
`check`: 0 OK, 1 WARNING, 2 CRITICAL.";

/// The plural `suffix` ("s", "es") unless `n` is 1, for counts in human output.
#[must_use]
pub fn plural(n: u64, suffix: &'static str) -> &'static str {
    if n == 1 { "" } else { suffix }
}

/// Time since the Unix epoch by the wall clock (zero if the clock is before it): the one place
/// the client reads it, for relative times the user types and for stamps.
pub(crate) fn since_epoch() -> std::time::Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
}

/// Commands that talk to no server: the server flags are hidden from their help and refused.
const OFFLINE_COMMANDS: [&str; 5] = ["serve", "wal", "auth", "completions", "man"];

/// The flags that choose and reach a server (global, for the commands that talk to one).
const SERVER_FLAGS: [&str; 7] = [
    "url", "context", "timeout", "token", "ca_cert", "insecure", "verbose",
];

/// `cmd` and its subcommands without the server flags in their help.
fn hide_server_flags(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| {
        if SERVER_FLAGS.contains(&a.get_id().as_str()) {
            a.hide(true)
        } else {
            a
        }
    })
    .mut_subcommands(hide_server_flags)
}

/// Where clients look for the server unless told otherwise.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

/// driftq: a durable message broker and its operator toolkit in one binary.
#[derive(Debug, Parser)]
#[command(
    name = "driftq",
    version,
    about = "A durable message broker and its operator toolkit in one binary",
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Server URL (client commands) [default: the current context's, else http://127.0.0.1:8080]
    #[arg(long, global = true, env = "DRIFTQ_URL", hide_env_values = true)]
    pub url: Option<String>,
    /// Named server to use (`driftq context list`), after --url and DRIFTQ_URL
    #[arg(long, global = true, env = "DRIFTQ_CONTEXT")]
    pub context: Option<String>,
    /// How long a request may take, and how long writes wait out backpressure (429/503)
    #[arg(long, global = true, default_value = "30s", value_parser = cmd::parse_duration)]
    pub timeout: std::time::Duration,
    /// Say each HTTP call on stderr: method, URL, status, milliseconds
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// PEM file of the CA an https server's certificate must chain to (instead of the system's
    /// roots) [default: the context's]
    #[arg(long, global = true, env = "DRIFTQ_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<std::path::PathBuf>,
    /// Token sent as `Authorization: Bearer` [default: the context's]
    #[arg(long, global = true, env = "DRIFTQ_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Do not check an https server's certificate at all (said on stderr every time)
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Tables print their rows without the header row
    #[arg(long, global = true)]
    pub no_headers: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the broker (HTTP API on --addr, data in --data-dir).
    ///
    /// DriftQ v1's `driftqd` command line works too: Go-style flags (`-addr :8080`, `-wal DIR`,
    /// `-reset-wal`, `-wal-sync-interval 0`, …), and the binary run under the name `driftqd`
    /// (a symlink) is `driftq serve`. See README, "Replacing driftqd".
    Serve(serve_args::ServeArgs),
    /// Create, list, describe, alter, purge and delete topics.
    #[command(subcommand)]
    Topic(cmd::topic::TopicCommand),
    /// Produce messages: from the argument, stdin or a file.
    #[command(after_help = examples::PRODUCE)]
    Produce(cmd::produce::ProduceArgs),
    /// Consume messages as a group member (leases; acks what it printed unless --no-ack).
    #[command(after_help = examples::CONSUME)]
    Consume(cmd::consume::ConsumeArgs),
    /// Ack leased messages (one, or many from `consume -o json` lines with --stdin).
    Ack(cmd::settle::AckArgs),
    /// Nack leased messages: redeliver after the backoff (or --delay), or dead-letter.
    Nack(cmd::settle::NackArgs),
    /// Extend leases (one, or many from `consume -o json` lines with --stdin).
    Extend(cmd::settle::ExtendArgs),
    /// Consumer groups: list, describe, inflight, messages, seek, delete.
    #[command(subcommand)]
    Group(cmd::group::GroupCommand),
    /// Dead-letter queues: list, peek, replay.
    #[command(subcommand)]
    Dlq(cmd::dlq::DlqCommand),
    /// Is the server up: version, uptime, address, data dir, fsync mode and totals (exit 1
    /// when unreachable).
    Status(cmd::status::StatusArgs),
    /// Read partitions by offset without a group (no lease, no lag): kcat -C, rpk without -g.
    ///
    /// --offset takes start | end | N | -N (N before the end) | +N (N after the start) | @TIME,
    /// or a range A:B (B not included; `A:` reads to the end). Stops at the end unless --follow.
    #[command(after_help = examples::READ)]
    Read(cmd::read::ReadArgs),
    /// Named servers: add, use, list, show, remove (kept in the XDG config directory).
    #[command(subcommand, after_help = examples::CONTEXT)]
    Context(cmd::context::ContextCommand),
    /// Monitoring probe: compare groups' lag, oldest unacked age and DLQ count with limits.
    ///
    /// Exits 0 OK, 1 WARNING (past 80% of a limit), 2 CRITICAL (past a limit, or the server
    /// cannot be read), as Nagios plugins and `nats server check` do.
    #[command(after_help = examples::CHECK)]
    Check(cmd::check::CheckArgs),
    /// Live dashboard: lag, inflight, DLQ counts, rates (q quits, ? lists keys).
    Top(TopArgs),
    /// Load-test a server: throughput and latency percentiles.
    ///
    /// Backpressure (429), 503s and lost connections are retried; a run stops with exit 1 and
    /// the server's error when a request fails in a way retrying cannot fix, or when no request
    /// succeeded for 10 s.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Tokens for the server's auth file: make one, or hash one (offline).
    #[command(subcommand)]
    Auth(cmd::auth::AuthCommand),
    /// Read a data directory offline: decode records, check checksums and indexes.
    #[command(subcommand)]
    Wal(wal::WalCommand),
    /// Print a shell completion script.
    Completions {
        /// Shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write man pages (driftq.1 and one per subcommand) into DIR.
    Man {
        /// Directory to write the pages into (created when missing)
        #[arg(default_value = "man")]
        dir: std::path::PathBuf,
    },
}

/// `driftq top` flags.
#[derive(Debug, clap::Args)]
pub struct TopArgs {
    /// Refresh interval (at least 100ms)
    #[arg(long, default_value = "1s", value_parser = parse_interval)]
    pub interval: std::time::Duration,
}

/// `top --interval`: a duration of at least 100 ms (faster refreshes only load the server).
fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let d = cmd::parse_duration(s)?;
    if d < std::time::Duration::from_millis(100) {
        return Err(format!("{s:?} is below the 100ms floor"));
    }
    Ok(d)
}

impl Cli {
    /// The command tree as `driftq` shows it: the derive's, with every subcommand's EXAMPLES,
    /// and the flags that choose a server hidden where no server is talked to.
    #[must_use]
    pub fn command_with_examples() -> clap::Command {
        let mut cmd = complete::attach(examples::attach(<Self as clap::CommandFactory>::command()));
        // Built first: the server flags are global, so they exist in every subcommand only once
        // clap has propagated them.
        cmd.build();
        for name in OFFLINE_COMMANDS {
            cmd = cmd.mut_subcommand(name, hide_server_flags);
        }
        cmd
    }

    /// Parses `args` against [`Self::command_with_examples`]; exits as clap does on bad usage
    /// or `--help`, and refuses a server flag given to a command that talks to no server.
    pub fn parse_with_examples<I, T>(args: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut cmd = Self::command_with_examples();
        let matches = cmd.clone().get_matches_from(args);
        if let Some((name, _)) = matches.subcommand()
            && OFFLINE_COMMANDS.contains(&name)
            && let Some(flag) = SERVER_FLAGS
                .iter()
                .find(|id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
        {
            cmd.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--{} is for commands that talk to a server; `driftq {name}` talks to none",
                    flag.replace('_', "-")
                ),
            )
            .exit();
        }
        <Self as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    /// The server to talk to, the token to send it and its CA: `--url` > `DRIFTQ_URL` >
    /// `--context` / `DRIFTQ_CONTEXT` > the current context > the default (see [`contexts`]);
    /// `--token` / `DRIFTQ_TOKEN` and `--ca-cert` win over the context's.
    pub fn server(&self) -> anyhow::Result<contexts::Server> {
        let mut server = contexts::resolve(self.url.as_deref(), self.context.as_deref())?;
        if let Some(ca) = &self.ca_cert {
            server.ca_cert = Some(ca.clone());
        }
        if let Some(token) = &self.token {
            server.token = Some(token.clone());
        }
        Ok(server)
    }

    /// How the client checks an https server's certificate.
    #[must_use]
    pub fn tls(&self, server: &contexts::Server) -> tls::TlsOptions {
        tls::TlsOptions {
            ca_cert: server.ca_cert.clone(),
            insecure: self.insecure,
        }
    }

    /// A client of the server this command talks to.
    pub fn client(&self) -> anyhow::Result<(contexts::Server, client::Client)> {
        let server = self.server()?;
        let client = client::Client::with_tls(&server.url, self.timeout, &self.tls(&server))?
            .verbose(self.verbose)
            .token(server.token.clone());
        Ok((server, client))
    }
}

impl Command {
    /// The `-o` format the command prints in, for those that print records.
    #[must_use]
    pub fn output(&self) -> Option<OutputFormat> {
        use cmd::{dlq::DlqCommand as D, group::GroupCommand as G, topic::TopicCommand as T};
        Some(match self {
            Self::Topic(T::Create(a)) => a.output,
            Self::Topic(T::List(a)) => a.output,
            Self::Topic(T::Describe(a)) => a.output,
            Self::Topic(T::Alter(a)) => a.output,
            Self::Topic(T::Purge(a) | T::Delete(a)) => a.output,
            Self::Produce(a) => a.output,
            Self::Consume(a) => a.output,
            Self::Read(a) => a.output,
            Self::Ack(a) => a.lease.output,
            Self::Nack(a) => a.lease.output,
            Self::Extend(a) => a.lease.output,
            Self::Group(G::List(a)) => a.output,
            Self::Group(G::Describe(a) | G::Inflight(a)) => a.output,
            Self::Group(G::Messages(a)) => a.output,
            Self::Group(G::Seek(a)) => a.output,
            Self::Group(G::Delete(a)) => a.output,
            Self::Dlq(D::List(a)) => a.output,
            Self::Dlq(D::Peek(a)) => a.output,
            Self::Dlq(D::Replay(a)) => a.output,
            Self::Status(a) => a.output,
            Self::Check(a) => a.output,
            Self::Context(
                cmd::context::ContextCommand::List { output }
                | cmd::context::ContextCommand::Show { output, .. },
            ) => *output,
            Self::Bench(
                bench::BenchCommand::Produce(a)
                | bench::BenchCommand::Consume(a)
                | bench::BenchCommand::E2e(a),
            ) => a.output,
            Self::Wal(wal::WalCommand::Inspect(a)) => a.output,
            Self::Wal(wal::WalCommand::Verify(a)) => a.output,
            Self::Wal(wal::WalCommand::Import(a)) => a.output,
            Self::Auth(
                cmd::auth::AuthCommand::GenToken { output, .. }
                | cmd::auth::AuthCommand::HashToken { output, .. },
            ) => *output,
            _ => return None,
        })
    }
}

/// Runs a client command (everything but `serve` and `top`); returns the exit code. With
/// `-o yaml` the command prints JSON lines and [`yaml::YamlLines`] turns each into a document.
pub fn run_client(cli: &Cli, out: &mut dyn std::io::Write) -> anyhow::Result<u8> {
    if cli.command.output() == Some(OutputFormat::Yaml) {
        return run_command(cli, &mut yaml::YamlLines::new(out));
    }
    run_command(cli, out)
}

fn run_command(cli: &Cli, out: &mut dyn std::io::Write) -> anyhow::Result<u8> {
    cmd::set_no_headers(cli.no_headers);
    let client = || -> anyhow::Result<client::Client> { Ok(cli.client()?.1) };
    match &cli.command {
        Command::Serve(_) | Command::Top(_) => {
            Err(anyhow::anyhow!("serve and top are run by the binary"))
        }
        Command::Topic(c) => cmd::topic::run(c, &client()?, out),
        Command::Produce(a) => {
            let mut retry = retry::Retry::new(cli.timeout);
            cmd::produce::run(a, &client()?, &mut retry, out)
        }
        Command::Consume(a) => cmd::consume::run(a, &client()?, out),
        Command::Read(a) => cmd::read::run(a, &client()?, out),
        Command::Ack(a) => cmd::settle::run(cmd::settle::Verb::Ack, &a.lease, &client()?, out),
        Command::Nack(a) => cmd::settle::run(cmd::settle::Verb::nack(a), &a.lease, &client()?, out),
        Command::Extend(a) => {
            cmd::settle::run(cmd::settle::Verb::extend(a), &a.lease, &client()?, out)
        }
        Command::Group(c) => cmd::group::run(c, &client()?, out),
        Command::Dlq(c) => cmd::dlq::run(c, &client()?, out),
        Command::Status(a) => {
            let (server, client) = cli.client()?;
            cmd::status::run(a, &server.url, &client, out)
        }
        Command::Context(c) => cmd::context::run(
            c,
            cli.url.as_deref(),
            cli.token.as_deref(),
            cli.ca_cert.as_deref(),
            out,
        ),
        Command::Check(a) => cmd::check::run(a, &client()?, out),
        Command::Bench(c) => {
            let server = cli.server()?;
            bench::run(c, &server, &cli.tls(&server), out)
        }
        Command::Wal(c) => wal::run(c, out),
        Command::Auth(c) => cmd::auth::run(c, out),
        Command::Completions { shell } => cmd::docs::completions(*shell, out),
        Command::Man { dir } => {
            for f in cmd::docs::man(dir)? {
                writeln!(out, "{}", dir.join(f).display())?;
            }
            Ok(exit::OK)
        }
    }
}

/// Maps a client error to its documented exit code (4 for not found).
#[must_use]
pub fn exit_code_of(err: &anyhow::Error) -> u8 {
    if let Some(e) = err.downcast_ref::<ExitError>() {
        return e.code;
    }
    match err.downcast_ref::<client::ClientError>() {
        Some(e) if e.status() == Some(404) => exit::NOT_FOUND_OR_FAILED_CHECK,
        _ => exit::ERROR,
    }
}

/// Machine or human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// Aligned text for people.
    #[default]
    Table,
    /// The table with more columns, where a command has more to show (kubectl's `-o wide`).
    Wide,
    /// JSON for scripts (NDJSON for streams of records).
    Json,
    /// YAML: one document per record (the JSON output, as YAML).
    Yaml,
}

impl OutputFormat {
    /// A table, plain or wide.
    #[must_use]
    pub fn is_table(self) -> bool {
        matches!(self, Self::Table | Self::Wide)
    }

    /// JSON or YAML: the records as data, not a table.
    #[must_use]
    pub fn is_structured(self) -> bool {
        matches!(self, Self::Json | Self::Yaml)
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_tree_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
