//! Key handling, sorting, filtering and rate computation, on plain app state.

use std::time::Duration;

use driftq_tui::app::{Action, App, Key, Pane, SortBy, View};

use crate::snapshot;

fn app() -> App {
    App::new("http://x", Duration::from_secs(1))
}

#[test]
fn rates_and_sparklines_come_from_successive_snapshots() {
    let mut a = app();
    a.on_snapshot(snapshot(10_000, 1_000, 100, 40, 1));
    assert_eq!(a.total_produce_rate, 0.0, "one snapshot has no rate yet");
    a.on_snapshot(snapshot(12_000, 1_400, 300, 60, 2));
    // orders: +400 in 2 s; dlq.orders: +1 in 2 s.
    assert_eq!(a.total_produce_rate, 200.5);
    assert_eq!(
        a.ack_rates[&("orders".to_string(), "billing".to_string())],
        100.0
    );
    assert_eq!(
        a.topic_rates["orders"].iter().copied().collect::<Vec<_>>(),
        vec![200]
    );
    a.on_snapshot(snapshot(13_000, 1_500, 350, 60, 2));
    assert_eq!(
        a.topic_rates["orders"].iter().copied().collect::<Vec<_>>(),
        vec![200, 100]
    );
    for i in 0..100 {
        a.on_snapshot(snapshot(14_000 + i * 1000, 1_500 + i as u64, 350, 60, 2));
    }
    assert_eq!(a.topic_rates["orders"].len(), driftq_tui::app::HISTORY);
}

#[test]
fn falling_behind_is_flagged_for_active_groups_whose_lag_grows() {
    let mut a = app();
    a.on_snapshot(snapshot(10_000, 1_000, 100, 40, 1));
    a.on_snapshot(snapshot(11_000, 1_000, 100, 50, 1));
    let billing = ("orders".to_string(), "billing".to_string());
    assert!(a.behind[&billing]);
    let archiver = ("audit".to_string(), "archiver".to_string());
    assert!(!a.behind[&archiver]);
    // The same growth in a group nobody has polled for minutes is idle, not behind.
    let mut idle = snapshot(12_000, 1_000, 100, 60, 1);
    for g in &mut idle.groups {
        g.last_poll_age_ms = Some(600_000);
    }
    a.on_snapshot(idle);
    assert!(!a.behind[&billing], "idle groups are not flagged");
    assert_eq!(a.dlq_growth["dlq.orders"], 0);
    a.on_snapshot(snapshot(12_000, 1_000, 100, 50, 3));
    assert_eq!(a.dlq_growth["dlq.orders"], 2);
}

#[test]
fn keys_move_between_panes_drill_down_and_back() {
    let mut a = app();
    a.on_snapshot(snapshot(10_000, 1_000, 100, 40, 1));
    assert_eq!(a.pane, Pane::Topics);
    a.on_key(Key::Tab);
    assert_eq!(a.pane, Pane::Groups);
    a.on_key(Key::Char('j'));
    assert_eq!(a.selection("groups"), 1);
    a.on_key(Key::Down);
    assert_eq!(a.selection("groups"), 1, "stays on the last row");
    a.on_key(Key::Char('k'));
    assert_eq!(a.on_key(Key::Enter), Action::Refresh);
    assert_eq!(
        a.view,
        View::Group {
            topic: "audit".into(),
            group: "archiver".into()
        }
    );
    a.on_key(Key::Esc);
    assert_eq!(a.view, View::Main);
    a.on_key(Key::BackTab);
    assert_eq!(a.pane, Pane::Topics);
    a.on_key(Key::Enter);
    assert_eq!(
        a.view,
        View::Topic("audit".into()),
        "topics sort by name: audit first"
    );
    a.on_key(Key::Esc);
    a.on_key(Key::Char('p'));
    assert!(a.paused);
    a.on_key(Key::Char('+'));
    assert_eq!(a.interval, Duration::from_secs(2));
    a.on_key(Key::Char('-'));
    a.on_key(Key::Char('-'));
    assert_eq!(a.interval, Duration::from_millis(500));
    a.on_key(Key::Char('?'));
    assert!(a.show_help);
    a.on_key(Key::Char('x'));
    assert!(!a.show_help);
    assert_eq!(a.on_key(Key::Char('q')), Action::Quit);
    assert_eq!(a.on_key(Key::Ctrl('c')), Action::Quit);
}

#[test]
fn filter_and_sort() {
    let mut a = app();
    a.on_snapshot(snapshot(10_000, 1_000, 100, 40, 1));
    let names = |a: &App| {
        a.topic_rows()
            .iter()
            .map(|&i| a.stats.topics[i].name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), vec!["audit", "dlq.orders", "orders"]);
    a.on_key(Key::Char('/'));
    for c in "ORD".chars() {
        a.on_key(Key::Char(c));
    }
    a.on_key(Key::Enter);
    assert_eq!(
        names(&a),
        vec!["dlq.orders", "orders"],
        "case-insensitive substring"
    );
    a.on_key(Key::Esc);
    assert!(
        a.filter.is_empty(),
        "Esc on the main view clears the filter"
    );
    a.on_key(Key::Char('s'));
    assert_eq!(a.sort, SortBy::Lag);
    assert_eq!(names(&a)[0], "orders", "most lag first");
    let groups: Vec<String> = a
        .group_rows()
        .iter()
        .map(|&i| a.stats.groups[i].group.clone())
        .collect();
    assert_eq!(groups, vec!["billing", "archiver"]);
    a.on_key(Key::Char('s'));
    assert_eq!(a.sort, SortBy::Rate);
    a.on_key(Key::Char('s'));
    assert_eq!(a.sort, SortBy::Name);
}
