//! `driftq serve` flags and their resolution: flag > `DRIFTQ_*` environment > `--config` file >
//! built-in default. The resolved [`ServeConfig`] is what `/v1/config` echoes.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on (`host:port`, or `:port` for all interfaces) [default: 127.0.0.1:8080]
    #[arg(long, env = "DRIFTQ_ADDR")]
    pub addr: Option<String>,
    /// Data directory [default: ./driftq-data]
    #[arg(long, env = "DRIFTQ_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// When writes reach the disk: always | interval=<duration> | never [default: always]
    #[arg(long, env = "DRIFTQ_FSYNC")]
    pub fsync: Option<String>,
    /// Move the data directory to <dir>.bak.<unix-seconds> and start empty
    #[arg(long, env = "DRIFTQ_RESET")]
    pub reset: bool,
    /// Truncate damaged logs at the damage (keeping the cut bytes aside) instead of refusing to start
    #[arg(long, env = "DRIFTQ_REPAIR")]
    pub repair: bool,
    /// error | warn | info | debug | trace [default: info]
    #[arg(long, env = "DRIFTQ_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// Log line format [default: text]
    #[arg(long, env = "DRIFTQ_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Leases a group may hold per partition [default: 1024]
    #[arg(long, env = "DRIFTQ_MAX_INFLIGHT")]
    pub max_inflight: Option<usize>,
    /// Unacked messages per partition (behind the slowest group) before produce gets 429 [default: 1000000]
    #[arg(long, env = "DRIFTQ_MAX_PARTITION_MSGS")]
    pub max_partition_msgs: Option<u64>,
    /// Unacked bytes per partition (behind the slowest group) before produce gets 429, e.g. 512MiB [default: 1GiB]
    #[arg(long, env = "DRIFTQ_MAX_PARTITION_BYTES", value_parser = crate::cmd::parse_size)]
    pub max_partition_bytes: Option<u64>,
    /// Largest message accepted (key + value + headers + envelope text), e.g. 4MiB [default: 1MiB]
    #[arg(long, env = "DRIFTQ_MAX_MESSAGE_BYTES", value_parser = size_usize)]
    pub max_message_bytes: Option<usize>,
    /// Largest request body accepted, e.g. 64MiB [default: 16MiB]
    #[arg(long, env = "DRIFTQ_MAX_BODY_BYTES", value_parser = size_usize)]
    pub max_body_bytes: Option<usize>,
    /// Rule file for the produce router (see docs/API.md) [default: no router]
    #[arg(long, env = "DRIFTQ_ROUTER_CONFIG")]
    pub router_config: Option<PathBuf>,
    /// Segment size before roll-over, e.g. 256MiB [default: 64MiB]
    #[arg(long, env = "DRIFTQ_SEGMENT_BYTES", value_parser = crate::cmd::parse_size)]
    pub segment_bytes: Option<u64>,
    /// Free space to keep on the data directory's disk: below it produces are refused (507
    /// `disk_full`) while acks, nacks and deletes go on; 0 turns the floor off [default: 1GiB
    /// or 5% of the disk, whichever is smaller]
    #[arg(long, env = "DRIFTQ_MIN_FREE_BYTES", value_parser = crate::cmd::parse_size)]
    pub min_free_bytes: Option<u64>,
    /// Log one `http` line per request and echo or create X-Request-Id / X-Trace-Id headers
    #[arg(long, env = "DRIFTQ_ACCESS_LOG")]
    pub access_log: bool,
    /// Principals, their token hashes and permissions (TOML; see docs/SECURITY.md); re-read on
    /// SIGHUP [default: no auth: every client may do everything]
    #[arg(long, env = "DRIFTQ_AUTH_FILE")]
    pub auth_file: Option<PathBuf>,
    /// Serve clients without tokens on a non-loopback address (refused by default)
    #[arg(long, env = "DRIFTQ_ALLOW_ANONYMOUS")]
    pub allow_anonymous: bool,
    /// Serve /metrics without a token even when auth is on [default: needs read on every topic]
    #[arg(long, env = "DRIFTQ_METRICS_PUBLIC")]
    pub metrics_public: bool,
    /// PEM certificate chain: serve https (with --tls-key); re-read on SIGHUP
    #[arg(long, env = "DRIFTQ_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert
    #[arg(long, env = "DRIFTQ_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA certificates: require client certificates signed by them (mutual TLS)
    #[arg(long, env = "DRIFTQ_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
    /// Open connections at once; more are answered 503 and closed [default: half the open-file limit]
    #[arg(long, env = "DRIFTQ_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Threads that each own the connections dealt to them; 0 serves every connection on one
    /// work-stealing runtime [default: one per core]
    #[arg(long, env = "DRIFTQ_CONN_THREADS")]
    pub conn_threads: Option<usize>,
    /// Time a client has to send a request's headers (and finish a TLS handshake) [default: 10s]
    #[arg(long, env = "DRIFTQ_HEADER_TIMEOUT", value_parser = crate::cmd::parse_duration)]
    pub header_timeout: Option<std::time::Duration>,
    /// Time a client has to send a request's body once its headers are in [default: 30s]
    #[arg(long, env = "DRIFTQ_BODY_TIMEOUT", value_parser = crate::cmd::parse_duration)]
    pub body_timeout: Option<std::time::Duration>,
    /// Close a connection with no request in progress after this long [default: 60s]
    #[arg(long, env = "DRIFTQ_IDLE_TIMEOUT", value_parser = crate::cmd::parse_duration)]
    pub idle_timeout: Option<std::time::Duration>,
    /// Consume streams one principal may hold open at once [default: 64]
    #[arg(long, env = "DRIFTQ_MAX_STREAMS_PER_PRINCIPAL")]
    pub max_streams_per_principal: Option<usize>,
    /// TOML file with any of these settings (keys as the flags, with underscores)
    #[arg(long, env = "DRIFTQ_CONFIG")]
    pub config: Option<PathBuf>,
    /// DriftQ (`driftqd`) flags given on the command line that driftq accepts without effect.
    #[arg(skip)]
    pub ignored_driftqd_flags: Vec<String>,
}

/// The settings a server runs with, after precedence is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServeConfig {
    pub addr: String,
    pub data_dir: PathBuf,
    pub fsync: String,
    pub reset: bool,
    pub repair: bool,
    pub log_level: String,
    pub log_format: LogFormat,
    pub max_inflight: usize,
    pub max_partition_msgs: u64,
    pub max_partition_bytes: u64,
    pub max_message_bytes: usize,
    pub max_body_bytes: usize,
    pub router_config: Option<PathBuf>,
    pub segment_bytes: u64,
    /// `None`: 1 GiB or 5 % of the disk, whichever is smaller.
    pub min_free_bytes: Option<u64>,
    pub access_log: bool,
    pub auth_file: Option<PathBuf>,
    pub allow_anonymous: bool,
    pub metrics_public: bool,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub tls_client_ca: Option<PathBuf>,
    /// `None`: half the open-file limit.
    pub max_connections: Option<usize>,
    /// `None`: one per core; 0: none (the shared runtime serves every connection).
    pub conn_threads: Option<usize>,
    #[serde(with = "duration_text")]
    pub header_timeout: std::time::Duration,
    #[serde(with = "duration_text")]
    pub body_timeout: std::time::Duration,
    #[serde(with = "duration_text")]
    pub idle_timeout: std::time::Duration,
    pub max_streams_per_principal: usize,
}

/// Durations in `/v1/config` and config files as people write them (`10s`, `1m 30s`).
mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize as _, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_duration(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        crate::cmd::parse_duration(&text).map_err(serde::de::Error::custom)
    }

    /// The optional form, for config files where every key may be left out.
    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        deserialize(d).map(Some)
    }
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./driftq-data"),
            fsync: "always".into(),
            reset: false,
            repair: false,
            log_level: "info".into(),
            log_format: LogFormat::Text,
            max_inflight: 1024,
            max_partition_msgs: 1_000_000,
            max_partition_bytes: 1 << 30,
            max_message_bytes: 1 << 20,
            max_body_bytes: 16 << 20,
            router_config: None,
            segment_bytes: 64 << 20,
            min_free_bytes: None,
            access_log: false,
            auth_file: None,
            allow_anonymous: false,
            metrics_public: false,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            max_connections: None,
            conn_threads: None,
            header_timeout: std::time::Duration::from_secs(10),
            body_timeout: std::time::Duration::from_secs(30),
            idle_timeout: std::time::Duration::from_secs(60),
            max_streams_per_principal: 64,
        }
    }
}

/// What a `--config` file may set (every key optional; unknown keys are an error).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    addr: Option<String>,
    data_dir: Option<PathBuf>,
    fsync: Option<String>,
    repair: Option<bool>,
    log_level: Option<String>,
    log_format: Option<LogFormat>,
    max_inflight: Option<usize>,
    max_partition_msgs: Option<u64>,
    #[serde(default, deserialize_with = "file_size")]
    max_partition_bytes: Option<u64>,
    #[serde(default, deserialize_with = "file_size")]
    max_message_bytes: Option<usize>,
    #[serde(default, deserialize_with = "file_size")]
    max_body_bytes: Option<usize>,
    router_config: Option<PathBuf>,
    #[serde(default, deserialize_with = "file_size")]
    segment_bytes: Option<u64>,
    #[serde(default, deserialize_with = "file_size")]
    min_free_bytes: Option<u64>,
    access_log: Option<bool>,
    auth_file: Option<PathBuf>,
    allow_anonymous: Option<bool>,
    metrics_public: Option<bool>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    tls_client_ca: Option<PathBuf>,
    max_connections: Option<usize>,
    conn_threads: Option<usize>,
    #[serde(default, deserialize_with = "duration_text::optional")]
    header_timeout: Option<std::time::Duration>,
    #[serde(default, deserialize_with = "duration_text::optional")]
    body_timeout: Option<std::time::Duration>,
    #[serde(default, deserialize_with = "duration_text::optional")]
    idle_timeout: Option<std::time::Duration>,
    max_streams_per_principal: Option<usize>,
}

/// A size in a config file: a number of bytes (`67108864`) or a string as the flags take it
/// (`"64MiB"`).
fn file_size<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Bytes(u64),
        Text(String),
    }
    let bytes = match Size::deserialize(d)? {
        Size::Bytes(n) => n,
        Size::Text(s) => crate::cmd::parse_size(&s).map_err(serde::de::Error::custom)?,
    };
    T::try_from(bytes)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("{bytes} bytes is too large")))
}

/// A size as people write it (`512`, `64MiB`, `1GB`; see [`crate::cmd::parse_size`]).
fn size_usize(s: &str) -> Result<usize, String> {
    let n = crate::cmd::parse_size(s)?;
    usize::try_from(n).map_err(|_| format!("{s} is too large"))
}

impl ServeArgs {
    /// Applies precedence: these args (flags and environment, as clap read them) over the
    /// `--config` file over the defaults.
    pub fn resolve(&self) -> anyhow::Result<ServeConfig> {
        let file: FileConfig = match &self.config {
            None => FileConfig::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
                toml_from_str(&text)
                    .map_err(|e| anyhow::anyhow!("config {}: {e}", path.display()))?
            }
        };
        let d = ServeConfig::default();
        // Checked here, where it is still known which source the value came from: an error
        // that says `--fsync` about a value the operator put in a file sends them looking in
        // the wrong place.
        let fsync_source = match (&self.fsync, &self.config) {
            (Some(_), _) => "--fsync (or DRIFTQ_FSYNC)".to_owned(),
            (None, Some(path)) if file.fsync.is_some() => {
                format!("config {}: fsync", path.display())
            }
            _ => "fsync".to_owned(),
        };
        let fsync = self.fsync.clone().or(file.fsync).unwrap_or(d.fsync);
        fsync
            .parse::<driftq_core::storage::Durability>()
            .map_err(|e| anyhow::anyhow!("{fsync_source}: {e}"))?;
        let mut addr = self.addr.clone().or(file.addr).unwrap_or(d.addr);
        if addr.starts_with(':') {
            addr = format!("0.0.0.0{addr}");
        }
        Ok(ServeConfig {
            addr,
            data_dir: self
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or(d.data_dir),
            fsync,
            reset: self.reset,
            repair: self.repair || file.repair.unwrap_or(false),
            log_level: self
                .log_level
                .clone()
                .or(file.log_level)
                .unwrap_or(d.log_level),
            log_format: self.log_format.or(file.log_format).unwrap_or(d.log_format),
            max_inflight: self
                .max_inflight
                .or(file.max_inflight)
                .unwrap_or(d.max_inflight),
            max_partition_msgs: self
                .max_partition_msgs
                .or(file.max_partition_msgs)
                .unwrap_or(d.max_partition_msgs),
            max_partition_bytes: self
                .max_partition_bytes
                .or(file.max_partition_bytes)
                .unwrap_or(d.max_partition_bytes),
            max_message_bytes: self
                .max_message_bytes
                .or(file.max_message_bytes)
                .unwrap_or(d.max_message_bytes),
            max_body_bytes: self
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(d.max_body_bytes),
            router_config: self.router_config.clone().or(file.router_config),
            segment_bytes: self
                .segment_bytes
                .or(file.segment_bytes)
                .unwrap_or(d.segment_bytes),
            min_free_bytes: self.min_free_bytes.or(file.min_free_bytes),
            access_log: self.access_log || file.access_log.unwrap_or(d.access_log),
            auth_file: self.auth_file.clone().or(file.auth_file),
            allow_anonymous: self.allow_anonymous || file.allow_anonymous.unwrap_or(false),
            metrics_public: self.metrics_public || file.metrics_public.unwrap_or(false),
            tls_cert: self.tls_cert.clone().or(file.tls_cert),
            tls_key: self.tls_key.clone().or(file.tls_key),
            tls_client_ca: self.tls_client_ca.clone().or(file.tls_client_ca),
            max_connections: self.max_connections.or(file.max_connections),
            conn_threads: self.conn_threads.or(file.conn_threads),
            header_timeout: self
                .header_timeout
                .or(file.header_timeout)
                .unwrap_or(d.header_timeout),
            body_timeout: self
                .body_timeout
                .or(file.body_timeout)
                .unwrap_or(d.body_timeout),
            idle_timeout: self
                .idle_timeout
                .or(file.idle_timeout)
                .unwrap_or(d.idle_timeout),
            max_streams_per_principal: self
                .max_streams_per_principal
                .or(file.max_streams_per_principal)
                .unwrap_or(d.max_streams_per_principal),
        })
    }
}

/// Parses the config file; an error is one line, so it reads like every other CLI error.
fn toml_from_str(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|e| driftq_core::toml_error::one_line(text, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_file_over_defaults() {
        let dir = tempfile_dir();
        let path = dir.join("driftq.toml");
        std::fs::write(
            &path,
            "addr = \"127.0.0.1:9999\"\nmax_inflight = 7\nfsync = \"never\"\nsegment_bytes = \"2MiB\"\nmax_body_bytes = 4096\n",
        )
        .expect("write");
        let args = ServeArgs {
            addr: Some(":7000".into()),
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        let c = args.resolve().expect("resolve");
        assert_eq!(c.addr, "0.0.0.0:7000");
        assert_eq!(c.max_inflight, 7);
        assert_eq!(c.fsync, "never");
        assert_eq!((c.segment_bytes, c.max_body_bytes), (2 << 20, 4096));
        assert_eq!(
            c.max_message_bytes,
            ServeConfig::default().max_message_bytes
        );
        std::fs::write(&path, "fsync = \"never\"\nbogus = 1\n").expect("write");
        let err = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        }
        .resolve()
        .expect_err("unknown key")
        .to_string();
        assert!(
            err.contains("line 2, column 1: unknown field `bogus`"),
            "{err}"
        );
        assert!(!err.contains('\n'), "one line: {err}");
        // A bad value names the file it came from, and a flag names the flag.
        std::fs::write(&path, "fsync = \"sometimes\"\n").expect("write");
        let from_file = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        let err = from_file.resolve().expect_err("bad fsync").to_string();
        assert!(
            err.starts_with(&format!(
                "config {}: fsync: unknown fsync mode",
                path.display()
            )),
            "{err}"
        );
        let from_flag = ServeArgs {
            fsync: Some("sometimes".into()),
            ..from_file
        };
        let err = from_flag.resolve().expect_err("bad fsync").to_string();
        assert!(err.starts_with("--fsync (or DRIFTQ_FSYNC): "), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn byte_flags_take_sizes_as_people_write_them() {
        use clap::Parser as _;
        let cli = crate::Cli::try_parse_from([
            "driftq",
            "serve",
            "--segment-bytes",
            "1MiB",
            "--max-body-bytes",
            "64MiB",
            "--max-message-bytes",
            "4096",
            "--max-partition-bytes",
            "2GB",
        ])
        .expect("parse");
        let crate::Command::Serve(args) = cli.command else {
            panic!("not serve: {cli:?}");
        };
        let c = args.resolve().expect("resolve");
        assert_eq!(
            (
                c.segment_bytes,
                c.max_body_bytes,
                c.max_message_bytes,
                c.max_partition_bytes
            ),
            (1 << 20, 64 << 20, 4096, 2_000_000_000)
        );
        let err = crate::Cli::try_parse_from(["driftq", "serve", "--segment-bytes", "lots"])
            .expect_err("not a size");
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("driftq-serve-args-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("mkdir");
        d
    }
}
