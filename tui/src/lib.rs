//! `driftq top`: the live dashboard. A background thread polls the server (`/v1/stats`, and a
//! group's leases when one is open) and sends snapshots to the UI loop; drawing is a pure
//! function of [`app::App`], so it renders into ratatui's `TestBackend` in tests.
//!
//! The terminal is restored on exit, on error and on panic (`ratatui::init` installs the panic
//! hook; `ratatui::restore` runs on every return path).

pub mod app;
pub mod keys;
pub mod stats;
pub mod ui;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use app::{Action, App, Key, View};
use driftq_cli::client::Client;

enum Update {
    Stats(Result<stats::Stats, String>),
    Leases(Vec<stats::Lease>),
    Retries(Vec<stats::Retry>),
}

/// What the poller should fetch next.
#[derive(Clone)]
struct Want {
    interval: Duration,
    paused: bool,
    group: Option<(String, String)>,
}

fn fetch_loop(
    client: &Client,
    want: &mpsc::Receiver<Want>,
    tx: &mpsc::Sender<Update>,
    mut current: Want,
) {
    let mut next = Instant::now();
    loop {
        // Take the newest wish; wake early when it changes.
        let timeout = next.saturating_duration_since(Instant::now());
        match want.recv_timeout(timeout) {
            Ok(w) => {
                current = w;
                next = Instant::now();
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        next = Instant::now() + current.interval;
        if current.paused {
            continue;
        }
        let stats = client.stats().map_err(|e| e.to_string());
        if tx.send(Update::Stats(stats)).is_err() {
            return;
        }
        if let Some((topic, group)) = &current.group
            && let Ok(leases) = client.inflight(topic, group)
            && tx.send(Update::Leases(leases)).is_err()
        {
            return;
        }
        if let Some((topic, group)) = &current.group
            && let Ok(retries) = client.message_states(topic, group, Some("retried"), None, 200)
            && tx.send(Update::Retries(retries)).is_err()
        {
            return;
        }
    }
}

fn to_key(code: KeyCode, mods: KeyModifiers) -> Option<Key> {
    Some(match code {
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => Key::Ctrl(c),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Backspace => Key::Backspace,
        _ => return None,
    })
}

fn want_of(app: &App) -> Want {
    Want {
        interval: app.interval,
        paused: app.paused,
        group: match &app.view {
            View::Group { topic, group } => Some((topic.clone(), group.clone())),
            _ => None,
        },
    }
}

/// Runs the dashboard until the user quits.
/// Runs the dashboard of the server `client` talks to (`url`, for the title).
pub fn run(client: Client, url: &str, interval: Duration) -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(driftq_cli::ExitError::usage(
            "top needs a terminal: for scripts use `driftq status` or `driftq group describe -o json`",
        )
        .into());
    }
    let mut app = App::new(url, interval);
    let (tx, rx) = mpsc::channel();
    let (want_tx, want_rx) = mpsc::channel();
    let first = want_of(&app);
    std::thread::spawn(move || fetch_loop(&client, &want_rx, &tx, first));
    let mut terminal = ratatui::try_init()?;
    let result = (|| -> anyhow::Result<()> {
        loop {
            terminal.draw(|f| ui::draw(f, &app))?;
            // Drain updates, then wait for a key at most a frame.
            while let Ok(u) = rx.try_recv() {
                match u {
                    Update::Stats(Ok(s)) => app.on_snapshot(s),
                    Update::Stats(Err(e)) => app.on_error(e),
                    Update::Leases(l) => app.on_leases(l),
                    Update::Retries(r) => app.on_retries(r),
                }
            }
            if event::poll(Duration::from_millis(100))?
                && let Event::Key(k) = event::read()?
            {
                if k.kind != KeyEventKind::Press {
                    continue;
                }
                let Some(key) = to_key(k.code, k.modifiers) else {
                    continue;
                };
                let before = want_of(&app);
                match app.on_key(key) {
                    Action::Quit => return Ok(()),
                    Action::Refresh | Action::None => {}
                }
                let after = want_of(&app);
                if after.interval != before.interval
                    || after.paused != before.paused
                    || after.group != before.group
                {
                    let _ = want_tx.send(after);
                }
            }
        }
    })();
    ratatui::restore();
    result
}
