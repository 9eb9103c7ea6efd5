//! `driftq serve`: the broker behind an axum HTTP server.
//!
//! The server owns time: it reads the clock once per request and hands `now_ms` to the broker,
//! and a ticker drives lease expiry, retention and snapshots ([`Broker::tick`]). Blocking broker
//! calls (file I/O, fsync waits) run on tokio's blocking pool. On SIGINT/SIGTERM the server stops
//! accepting, ends consume streams, then syncs and closes every log before exiting 0.

mod auth;
mod clock;
mod conn;
mod dialect;
mod disk;
mod error;
mod extract;
mod handlers;
mod json;
mod listen;
mod metrics;
mod middleware;
mod openapi;
mod routes;
mod state;
mod stream;
mod threads;
mod tls;
mod wakeups;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use driftq_cli::serve_args::ServeConfig;
use driftq_core::broker::dirlock::DataDirLock;
use driftq_core::broker::{Broker, BrokerConfig, Router, RuleRouter};
use driftq_core::storage::{Durability, SyncObserver};
use tokio::sync::watch;

use clock::now_ms;
use state::AppState;

/// Moves `dir` to `<dir>.bak.<unix-seconds>` (DriftQ's `-reset-wal`).
fn reset_data_dir(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let secs = now_ms() / 1000;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "driftq-data".into());
    let backup = dir.with_file_name(format!("{name}.bak.{secs}"));
    // Never move a directory out from under a running broker; held until the move is done.
    let _held = DataDirLock::acquire(dir).map_err(|e| anyhow::anyhow!("--reset: {e}"))?;
    std::fs::rename(dir, &backup).with_context(|| {
        format!(
            "--reset: cannot move {} to {}",
            dir.display(),
            backup.display()
        )
    })?;
    // The move must survive a power loss before the new, empty directory is written to.
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        driftq_core::storage::log::sync_dir(parent).with_context(|| {
            format!(
                "--reset: cannot make the move durable in {}",
                parent.display()
            )
        })?;
    }
    tracing::warn!(from = %dir.display(), to = %backup.display(), "--reset: data directory moved aside");
    Ok(())
}

/// Raises the soft limit on open files to the hard limit. Every partition keeps three files
/// open (log, index, time index), so a few hundred partitions exceed the soft limit of 1024 most
/// systems start processes with; Go programs, DriftQ v1 among them, raise it the same way.
fn raise_open_file_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    let Some(soft) = limit.current else {
        return; // unlimited already
    };
    // An unlimited hard limit is not a valid soft one everywhere (macOS); ask for plenty.
    let hard = limit.maximum.unwrap_or(1 << 20);
    if hard <= soft {
        return;
    }
    limit.current = Some(hard);
    match setrlimit(Resource::Nofile, limit) {
        Ok(()) => tracing::debug!(from = soft, to = hard, "raised the open-file limit"),
        Err(e) => tracing::warn!(limit = soft, error = %e, "could not raise the open-file limit"),
    }
}

/// Runs the server until SIGINT/SIGTERM. Returns after a clean shutdown.
pub fn run(config: ServeConfig) -> anyhow::Result<()> {
    // Bad values here are usage errors (exit 2), like clap's own.
    let usage = driftq_cli::ExitError::usage;
    let durability: Durability = config
        .fsync
        .parse()
        .map_err(|e: String| usage(format!("--fsync: {e}")))?;
    let addr: SocketAddr = config
        .addr
        .parse()
        .map_err(|e| usage(format!("--addr {:?} is not host:port: {e}", config.addr)))?;
    // Every setting is checked before `--reset` moves the data aside: a typo in the router file
    // must not cost the operator their data directory's place.
    let router: Option<Arc<dyn Router>> = match &config.router_config {
        None => None,
        Some(path) => {
            let r = RuleRouter::from_file(path).map_err(usage)?;
            tracing::info!(rules = r.len(), path = %path.display(), "router loaded");
            Some(Arc::new(r))
        }
    };
    let auth = auth::Auth::load(config.auth_file.clone(), config.metrics_public).map_err(usage)?;
    if let Some(path) = &config.auth_file {
        tracing::info!(path = %path.display(), "auth file loaded");
    }
    protected_mode(&config, addr)?;
    // Refused before anything is opened, like the address.
    let conn_threads = threads::checked_count(config.conn_threads).map_err(usage)?;
    let tls = server_tls(&config)?;
    if config.reset {
        reset_data_dir(&config.data_dir)?;
    }
    raise_open_file_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(
        config,
        durability,
        addr,
        router,
        auth,
        tls,
        conn_threads,
    ))
}

/// Redis's protected mode: a non-loopback address with no auth file is refused unless the
/// operator says `--allow-anonymous`, which then warns.
fn protected_mode(config: &ServeConfig, addr: SocketAddr) -> anyhow::Result<()> {
    if addr.ip().is_loopback() || config.auth_file.is_some() {
        return Ok(());
    }
    if !config.allow_anonymous {
        return Err(driftq_cli::ExitError::usage(format!(
            "refusing to listen on {addr} without auth: anyone who reaches it could read, write and delete every topic; give --auth-file (see docs/SECURITY.md), bind 127.0.0.1, or pass --allow-anonymous"
        ))
        .into());
    }
    tracing::warn!(%addr, "--allow-anonymous: serving a non-loopback address without auth; anyone who reaches it may do everything");
    Ok(())
}

/// The TLS configuration from `--tls-cert` / `--tls-key` / `--tls-client-ca`, if any.
fn server_tls(config: &ServeConfig) -> anyhow::Result<Option<Arc<tls::ServerTls>>> {
    let usage = driftq_cli::ExitError::usage;
    match (&config.tls_cert, &config.tls_key) {
        (None, None) if config.tls_client_ca.is_some() => {
            Err(usage("--tls-client-ca needs --tls-cert and --tls-key".to_owned()).into())
        }
        (None, None) => Ok(None),
        (Some(cert), Some(key)) => {
            let files = tls::TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
                client_ca: config.tls_client_ca.clone(),
            };
            Ok(Some(Arc::new(tls::ServerTls::load(files).map_err(usage)?)))
        }
        _ => Err(usage("--tls-cert and --tls-key go together".to_owned()).into()),
    }
}

async fn serve(
    config: ServeConfig,
    durability: Durability,
    addr: SocketAddr,
    router: Option<Arc<dyn Router>>,
    auth: auth::Auth,
    tls: Option<Arc<tls::ServerTls>>,
    conn_threads: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    // The fsync observer needs the metrics, and the metrics need the broker: break the cycle
    // with a slot filled once the metrics exist.
    let fsync_slot: Arc<std::sync::OnceLock<Arc<metrics::Metrics>>> =
        Arc::new(std::sync::OnceLock::new());
    let slot = Arc::clone(&fsync_slot);
    let mut bc = BrokerConfig::new(&config.data_dir);
    bc.durability = durability;
    bc.segment_bytes = config.segment_bytes;
    bc.max_inflight = config.max_inflight;
    bc.max_partition_msgs = config.max_partition_msgs;
    bc.max_partition_bytes = config.max_partition_bytes;
    bc.repair = config.repair;
    bc.on_sync = Some(SyncObserver(Arc::new(move |d| {
        if let Some(m) = slot.get() {
            m.observe_fsync(d);
        }
    })));
    let broker = tokio::task::spawn_blocking(move || Broker::open(bc, router, now_ms()))
        .await
        .context("broker start panicked")?
        .context("cannot open the data directory")?;
    let broker = Arc::new(broker);
    let metrics = Arc::new(metrics::Metrics::new(Arc::clone(&broker)));
    let _ = fsync_slot.set(Arc::clone(&metrics));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let state = AppState {
        broker: Arc::clone(&broker),
        config: Arc::new(config.clone()),
        wakeups: Arc::new(wakeups::Wakeups::default()),
        shutdown: shutdown_rx.clone(),
        metrics,
        started,
        disk: Arc::new(disk::DiskGuard::new(
            config.data_dir.clone(),
            config.min_free_bytes,
        )),
        auth: Arc::new(auth),
        tls: match &tls {
            None => state::TlsMode::Off,
            Some(t) if t.mutual() => state::TlsMode::Mutual,
            Some(_) => state::TlsMode::On,
        },
    };
    let signals = Signals::register()?;
    let ticker = tokio::spawn(tick_loop(state.clone(), durability));
    tracing::info!(
        addr = %local,
        data_dir = %config.data_dir.display(),
        fsync = %durability,
        startup_ms = started.elapsed().as_millis() as u64,
        "broker starting"
    );
    let cap = connection_cap(&config, conn_threads)?;
    // The line tests and scripts wait for: the bound address (useful with port 0).
    let scheme = if tls.is_some() { "https" } else { "http" };
    eprintln!(
        "driftq listening on {scheme}://{local} (data dir {})",
        config.data_dir.display()
    );
    let app = routes::router(state.clone());
    tokio::spawn(on_signals(signals, shutdown_tx, state.clone(), tls.clone()));
    if let Some(path) = state.auth.file() {
        tokio::spawn(watch_auth_file(state.clone(), path.to_owned()));
    }
    let opts = listen::ConnOptions {
        header_timeout: config.header_timeout,
        idle_timeout: config.idle_timeout,
        tls,
        refused: state.metrics.connections_refused.clone(),
        conn_threads,
    };
    listen::serve(
        conn::Listener::new(listener, cap),
        app,
        opts,
        shutdown_rx.clone(),
    )
    .await;
    ticker.abort();
    let b = Arc::clone(&broker);
    tokio::task::spawn_blocking(move || b.close())
        .await
        .context("close panicked")?
        .context("could not flush the logs on shutdown")?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// The connection cap, checked against the open-file limit (logged with the connection
/// threads `run` resolved).
fn connection_cap(config: &ServeConfig, conn_threads: usize) -> anyhow::Result<usize> {
    let nofile = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(u64::MAX);
    let cap =
        conn::checked_cap(config.max_connections, nofile).map_err(driftq_cli::ExitError::usage)?;
    tracing::info!(
        max_connections = cap,
        open_file_limit = nofile,
        conn_threads,
        "connections capped"
    );
    Ok(cap)
}

/// Signal streams registered before the server announces itself, so a SIGTERM that arrives
/// right after the "listening" line is a clean shutdown, not the default kill (and a SIGHUP a
/// reload).
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
            int: signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?,
            hup: signal(SignalKind::hangup()).context("cannot listen for SIGHUP")?,
        })
    }
}

/// SIGTERM / SIGINT: shut down. SIGHUP: re-read the auth file and the TLS certificates; a
/// broken file is refused with a log line and the one in use stays.
async fn on_signals(
    mut signals: Signals,
    shutdown: watch::Sender<bool>,
    state: AppState,
    tls: Option<Arc<tls::ServerTls>>,
) {
    loop {
        tokio::select! {
            _ = signals.term.recv() => break,
            _ = signals.int.recv() => break,
            _ = signals.hup.recv() => {
                reload_auth(&state, "SIGHUP");
                reload_tls(tls.as_deref());
            }
        }
    }
    tracing::info!("shutdown requested");
    let _ = shutdown.send(true);
}

fn reload_auth(state: &AppState, cause: &str) {
    if state.auth.enabled() {
        match state.auth.reload() {
            Ok(n) => tracing::info!(principals = n, "{cause}: auth file reloaded"),
            Err(e) => {
                tracing::error!(error = %e, "{cause}: auth file refused; the one loaded before stays in force")
            }
        }
    }
}

fn reload_tls(tls: Option<&tls::ServerTls>) {
    if let Some(tls) = tls {
        match tls.reload() {
            Ok(()) => tracing::info!("SIGHUP: TLS certificates reloaded"),
            Err(e) => {
                tracing::error!(error = %e, "SIGHUP: TLS certificates refused; the ones loaded before stay in use")
            }
        }
    }
}

/// How often the auth file is looked at for changes.
const AUTH_WATCH_EVERY: Duration = Duration::from_secs(1);

/// Reloads the auth file when it changes on disk, as SIGHUP does: its size, modification time
/// or inode (an editor's or a Kubernetes volume's rename over it) differs from the file last
/// read, by the start, SIGHUP or this watch. A change is taken once it has held still for a
/// look (a second): a file caught half written — truncated, say, which would read as a policy
/// with nobody in it — is not loaded. Polled, not notified: a stat a second costs nothing and
/// sees a replaced symlink target, which inotify on the old inode would not.
async fn watch_auth_file(state: AppState, path: std::path::PathBuf) {
    let mut seen = auth::FileStamp::of(&path);
    let mut every = tokio::time::interval(AUTH_WATCH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let now = auth::FileStamp::of(&path);
        let settled = now == seen;
        seen = now;
        // A file that is not there (mid-replace) is not a policy: a later change reloads.
        if settled && now.is_some() && state.auth.changed_since_read(now) {
            reload_auth(&state, "auth file changed");
        }
    }
}

/// Drives the broker's timers: lease expiry, retention, snapshots every 100 ms, and fsync on the
/// interval under `--fsync interval=…`.
async fn tick_loop(state: AppState, durability: Durability) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let sync_every = match durability {
        Durability::Interval(d) => Some(d),
        _ => None,
    };
    let mut last_sync = Instant::now();
    loop {
        tick.tick().await;
        state.disk.refresh();
        state.metrics.observe_disk(state.disk.state());
        let broker = Arc::clone(&state.broker);
        let due_sync = sync_every.is_some_and(|d| last_sync.elapsed() >= d);
        if due_sync {
            last_sync = Instant::now();
        }
        let result = tokio::task::spawn_blocking(move || {
            let report = broker.tick(now_ms());
            if due_sync {
                broker.sync()?;
            }
            report
        })
        .await;
        match result {
            Ok(Ok(report)) => {
                if report.leases_expired > 0 || report.dead_lettered > 0 {
                    tracing::debug!(
                        expired = report.leases_expired,
                        dlq = report.dead_lettered,
                        "tick"
                    );
                }
            }
            Ok(Err(e)) => tracing::error!(error = %e, "tick failed"),
            Err(e) => tracing::error!(error = %e, "tick panicked"),
        }
        state.wakeups.everyone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(addr: &str, auth: bool, anonymous: bool) -> (ServeConfig, SocketAddr) {
        let c = ServeConfig {
            addr: addr.to_owned(),
            auth_file: auth.then(|| "auth.toml".into()),
            allow_anonymous: anonymous,
            ..ServeConfig::default()
        };
        let a = addr.parse().expect("addr");
        (c, a)
    }

    #[test]
    fn protected_mode_refuses_only_an_open_address_without_auth_or_consent() {
        let refused = |addr, auth, anonymous| {
            let (c, a) = config(addr, auth, anonymous);
            protected_mode(&c, a).is_err()
        };
        assert!(refused("0.0.0.0:8080", false, false));
        assert!(refused("[::]:8080", false, false));
        assert!(refused("192.168.1.5:8080", false, false));
        assert!(!refused("0.0.0.0:8080", true, false));
        assert!(!refused("0.0.0.0:8080", false, true));
        assert!(!refused("127.0.0.1:8080", false, false));
        assert!(!refused("[::1]:8080", false, false));
        let (c, a) = config("0.0.0.0:1", false, false);
        let err = protected_mode(&c, a).expect_err("refused").to_string();
        assert!(
            err.contains("--auth-file") && err.contains("--allow-anonymous"),
            "{err}"
        );
        assert!(!err.contains('\n'), "one line: {err}");
    }
}
