//! The dashboard rendered into ratatui's `TestBackend`, compared with reviewed snapshots.

use std::time::Duration;

use driftq_tui::app::{App, Key};
use driftq_tui::stats::{Lease, Retry};
use driftq_tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::snapshot;

fn app() -> App {
    let mut app = App::new("http://127.0.0.1:8080", Duration::from_secs(1));
    app.on_snapshot(snapshot(1_000_000, 1_000, 100, 40, 1));
    app.on_snapshot(snapshot(1_002_000, 1_400, 300, 60, 2));
    app
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::draw(f, app)).expect("draw");
    terminal.backend().to_string()
}

#[test]
fn main_view() {
    insta::assert_snapshot!(render(&app(), 120, 32));
}

#[test]
fn narrow_80x24() {
    insta::assert_snapshot!(render(&app(), 80, 24));
}

#[test]
fn group_drill_down_with_leases() {
    let mut a = app();
    a.on_key(Key::Tab);
    a.on_key(Key::Enter);
    a.on_leases(vec![
        Lease {
            partition: 0,
            offset: 12,
            owner: "worker-1".into(),
            attempts: 2,
            lease_remaining_ms: 12_000,
            last_error: Some("ack_timeout".into()),
            ..Default::default()
        },
        Lease {
            partition: 1,
            offset: 3,
            owner: "worker-2".into(),
            attempts: 1,
            lease_remaining_ms: 500,
            last_error: None,
            ..Default::default()
        },
    ]);
    a.on_retries(vec![Retry {
        partition: 0,
        offset: 9,
        attempts: 3,
        last_error: Some("upstream 503".into()),
        ..Default::default()
    }]);
    insta::assert_snapshot!(render(&a, 120, 32));
}

#[test]
fn help_overlay() {
    let mut a = app();
    a.on_key(Key::Char('?'));
    let screen = render(&a, 100, 30);
    for (_, text) in driftq_tui::keys::help_lines() {
        assert!(screen.contains(text), "help line cut: {text:?}\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn help_overlay_wraps_on_a_narrow_terminal_instead_of_cutting() {
    let mut a = app();
    a.on_key(Key::Char('?'));
    let screen = render(&a, 60, 30);
    for word in ["partitions", "leases", "refreshing", "closes"] {
        assert!(screen.contains(word), "{word:?} missing\n{screen}");
    }
}

#[test]
fn disconnected_keeps_last_data() {
    let mut a = app();
    a.on_error("cannot reach driftq at http://127.0.0.1:8080".into());
    let screen = render(&a, 120, 32);
    assert!(screen.contains("DISCONNECTED"));
    assert!(screen.contains("billing"), "last data stays on screen");
    insta::assert_snapshot!(screen);
}

#[test]
fn thousands_of_rows_render_only_what_fits() {
    let mut a = app();
    let mut s = snapshot(1_004_000, 1_800, 500, 60, 2);
    let template = s.groups[0].clone();
    for i in 0..10_000 {
        let mut g = template.clone();
        g.group = format!("g{i:05}");
        s.groups.push(g);
    }
    a.on_snapshot(s);
    a.on_key(Key::Tab);
    a.selected.insert("groups", 4_999);
    a.on_key(Key::Down);
    let screen = render(&a, 120, 32);
    assert!(
        screen.contains("g04998"),
        "the selection is scrolled into view"
    );
    assert!(!screen.contains("g00001"));
}

#[test]
fn a_consumer_whose_stream_closed_shows_as_gone_in_the_drill_down() {
    let mut a = app();
    a.on_key(Key::Tab);
    a.on_key(Key::Down);
    a.on_key(Key::Enter);
    let screen = render(&a, 120, 32);
    let row = screen
        .lines()
        .find(|l| l.contains("worker-8"))
        .unwrap_or_else(|| panic!("worker-8 listed:\n{screen}"));
    assert!(row.contains("gone"), "{row}");
    let live = screen
        .lines()
        .find(|l| l.contains("worker-7") && l.contains("ago"));
    assert!(live.is_some(), "{screen}");
}

#[test]
fn a_full_disk_is_a_text_marker_in_the_header() {
    let mut a = App::new("http://127.0.0.1:8080", Duration::from_secs(1));
    let mut full = snapshot(1_000_000, 1_000, 100, 40, 1);
    full.disk = Some(driftq_tui::stats::DiskSummary {
        free_bytes: 5 << 20,
        min_free_bytes: 6 << 20,
        full: true,
        ..Default::default()
    });
    a.on_snapshot(full);
    let screen = render(&a, 160, 30);
    assert!(screen.contains("DISK FULL: produces refused"), "{screen}");
}
