//! Drawing: a pure function of [`App`], so tests render it into ratatui's `TestBackend`. Only
//! the rows that fit are built, so 10,000 groups cost what a screenful costs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Sparkline, Table, Wrap};

use crate::app::{App, Connection, Pane, View};
use crate::stats::{
    ConsumerSummary, GroupPartitionSummary, GroupSummary, Lease, PartitionSummary, Retry,
};

fn human(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=9_999_999 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

fn bytes(n: u64) -> String {
    match n {
        0..=1023 => format!("{n}B"),
        1024..=1_048_575 => format!("{:.1}KiB", n as f64 / 1024.0),
        1_048_576..=1_073_741_823 => format!("{:.1}MiB", n as f64 / 1_048_576.0),
        _ => format!("{:.1}GiB", n as f64 / 1_073_741_824.0),
    }
}

fn age(ms: Option<i64>) -> String {
    match ms {
        None => "-".into(),
        Some(ms) if ms < 1_000 => format!("{ms}ms"),
        Some(ms) if ms < 60_000 => format!("{}s", ms / 1000),
        Some(ms) if ms < 3_600_000 => format!("{}m{}s", ms / 60_000, (ms / 1000) % 60),
        Some(ms) => format!("{}h{}m", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

/// A bold header row.
fn header(cells: Vec<&'static str>) -> Row<'static> {
    Row::new(cells).style(Style::default().add_modifier(Modifier::BOLD))
}

/// The window of `len` rows that shows `selected` in `height` lines.
fn window(len: usize, selected: usize, height: usize) -> std::ops::Range<usize> {
    if len <= height {
        return 0..len;
    }
    let start = selected
        .saturating_sub(height.saturating_sub(1))
        .min(len - height);
    start..start + height
}

fn base_style(app: &App) -> Style {
    if matches!(app.connection, Connection::Lost { .. }) {
        Style::default().fg(Color::DarkGray)
    } else {
        Style::default()
    }
}

fn pane_block<'a>(title: String, focused: bool, app: &App) -> Block<'a> {
    let style = if focused {
        Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD)
    } else {
        base_style(app)
    };
    Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, style))
}

/// Draws the whole dashboard.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_header(frame, app, header);
    match &app.view {
        View::Main => draw_main(frame, app, body),
        View::Topic(name) => draw_topic(frame, app, body, name),
        View::Group { topic, group } => draw_group(frame, app, body, topic, group),
    }
    let hint = if app.editing_filter {
        format!("filter: {}█  (Enter to apply, Esc to stop)", app.filter)
    } else {
        format!(
            "q quit  Tab pane  j/k move  Enter open  Esc back  / filter{}  s sort:{}  p {}  +/- {}  ? help",
            if app.filter.is_empty() {
                String::new()
            } else {
                format!(" [{}]", app.filter)
            },
            app.sort.label(),
            if app.paused { "resume" } else { "pause" },
            humantime::format_duration(app.interval)
        )
    };
    frame.render_widget(
        Paragraph::new(hint).style(Style::default().fg(Color::DarkGray)),
        footer,
    );
    if app.show_help {
        draw_help(frame);
    }
}

fn draw_header(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let (state, colour) = match &app.connection {
        Connection::Connecting => ("connecting…".to_owned(), Color::Yellow),
        Connection::Connected if app.paused => ("connected (paused)".to_owned(), Color::Yellow),
        Connection::Connected => ("connected".to_owned(), Color::Green),
        Connection::Lost { error } => (format!("DISCONNECTED — {error} — retrying"), Color::Red),
    };
    let up = app.stats.uptime_ms / 1000;
    let line1 = Line::from(vec![
        Span::styled("driftq top ", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            "{}  v{}  up {}h{:02}m{:02}s  ",
            app.url,
            app.stats.version,
            up / 3600,
            (up / 60) % 60,
            up % 60
        )),
        Span::styled(
            state,
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ),
    ]);
    let line2 = Line::from(format!(
        "produce {:.0} msg/s   ack {:.0} msg/s   topics {}   groups {}   dlq {}   refresh {}",
        app.total_produce_rate,
        app.total_ack_rate,
        app.stats.topics.len(),
        app.stats.groups.len(),
        app.stats.dlq.iter().map(|d| d.depth).sum::<u64>(),
        humantime::format_duration(app.interval)
    ));
    let mut line2 = line2;
    if let Some(d) = app.stats.disk.as_ref().filter(|d| d.full) {
        // A text marker, not only a colour: it must survive NO_COLOR.
        line2.spans.push(Span::styled(
            format!(
                "   DISK FULL: produces refused ({} free, floor {})",
                human(d.free_bytes),
                human(d.min_free_bytes)
            ),
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![line1, line2])
            .block(Block::default().borders(Borders::BOTTOM))
            .style(base_style(app)),
        area,
    );
}

fn draw_main(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let [top, middle] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(area);
    let [topics, sparks] =
        Layout::horizontal([Constraint::Percentage(65), Constraint::Percentage(35)]).areas(top);
    let [groups, dlq] =
        Layout::horizontal([Constraint::Percentage(75), Constraint::Percentage(25)]).areas(middle);
    draw_topics(frame, app, topics);
    draw_sparkline(frame, app, sparks);
    draw_groups(frame, app, groups);
    draw_dlq(frame, app, dlq);
}

fn selected_style(app: &App, pane: Pane, is_selected: bool) -> Style {
    if is_selected && app.pane == pane {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        base_style(app)
    }
}

/// One of the three selectable panes: the window of `rows` (indexes into the stats) that
/// shows the selection, under `columns`; `row` makes a row from an index and the style of its
/// selection state.
fn draw_pane(
    frame: &mut Frame<'_>,
    app: &App,
    area: Rect,
    (pane, name, title): (Pane, &'static str, &str),
    columns: &[(&'static str, Constraint)],
    rows: &[usize],
    row: impl Fn(usize, Style) -> Row<'static>,
) {
    let sel = app.selection(name);
    let visible = window(rows.len(), sel, fits(area));
    let shown: Vec<Row<'_>> = rows[visible.clone()]
        .iter()
        .enumerate()
        .map(|(k, &i)| row(i, selected_style(app, pane, visible.start + k == sel)))
        .collect();
    let table = Table::new(shown, columns.iter().map(|(_, width)| *width))
        .header(header(columns.iter().map(|(name, _)| *name).collect()))
        .block(pane_block(
            format!(" {title} ({}) ", rows.len()),
            app.pane == pane,
            app,
        ));
    frame.render_widget(table, area);
}

fn draw_topics(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let columns = [
        ("topic", Constraint::Min(12)),
        ("parts", Constraint::Length(5)),
        ("messages", Constraint::Length(9)),
        ("bytes", Constraint::Length(10)),
        ("produce", Constraint::Length(10)),
    ];
    let row = |i: usize, style: Style| {
        let t = &app.stats.topics[i];
        let rate = app
            .topic_rates
            .get(&t.name)
            .and_then(|h| h.back().copied())
            .unwrap_or(0);
        Row::new(vec![
            Cell::from(t.name.clone()),
            Cell::from(t.partitions.len().to_string()),
            Cell::from(human(t.messages)),
            Cell::from(bytes(t.bytes)),
            Cell::from(format!("{}/s", human(rate))),
        ])
        .style(style)
    };
    let rows = app.topic_rows();
    let pane = (Pane::Topics, "topics", "Topics");
    draw_pane(frame, app, area, pane, &columns, &rows, row);
}

fn draw_sparkline(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let rows = app.topic_rows();
    let name = rows
        .get(app.selection("topics"))
        .map(|&i| app.stats.topics[i].name.clone());
    let data: Vec<u64> = name
        .as_ref()
        .and_then(|n| app.topic_rates.get(n))
        .map(|h| h.iter().copied().collect())
        .unwrap_or_default();
    let title = format!(
        " {} msg/s, last {} samples ",
        name.unwrap_or_else(|| "-".into()),
        data.len()
    );
    let spark = Sparkline::default()
        .block(Block::default().borders(Borders::ALL).title(title))
        .data(&data)
        .style(base_style(app).fg(Color::Cyan));
    frame.render_widget(spark, area);
}

fn draw_groups(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let columns = [
        ("group", Constraint::Min(10)),
        ("topic", Constraint::Min(10)),
        ("lag", Constraint::Length(7)),
        ("ready", Constraint::Length(7)),
        ("inflight", Constraint::Length(8)),
        ("oldest", Constraint::Length(8)),
        ("acks", Constraint::Length(8)),
        ("redeliv", Constraint::Length(7)),
        ("dlq", Constraint::Length(5)),
    ];
    let row = |i: usize, mut style: Style| {
        let g = &app.stats.groups[i];
        let key = (g.topic.clone(), g.group.clone());
        let rate = app.ack_rates.get(&key).copied().unwrap_or(0.0);
        let behind = app.behind.get(&key).copied().unwrap_or(false)
            && !matches!(app.connection, Connection::Lost { .. });
        if behind {
            style = style.fg(Color::Red).add_modifier(Modifier::BOLD);
        }
        // A text marker too: colour does not survive NO_COLOR or a monochrome terminal.
        let name = if behind {
            format!("! {}", g.group)
        } else {
            g.group.clone()
        };
        Row::new(vec![
            Cell::from(name),
            Cell::from(g.topic.clone()),
            Cell::from(human(g.lag)),
            Cell::from(human(g.ready)),
            Cell::from(human(g.inflight)),
            Cell::from(age(g.oldest_unacked_age_ms)),
            Cell::from(format!("{rate:.0}/s")),
            Cell::from(human(g.redeliveries)),
            Cell::from(human(g.dlq)),
        ])
        .style(style)
    };
    let rows = app.group_rows();
    let pane = (Pane::Groups, "groups", "Groups");
    draw_pane(frame, app, area, pane, &columns, &rows, row);
}

fn draw_dlq(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let columns = [
        ("source", Constraint::Min(8)),
        ("depth", Constraint::Length(6)),
        ("Δ", Constraint::Length(5)),
    ];
    let row = |i: usize, mut style: Style| {
        let d = &app.stats.dlq[i];
        let growth = app.dlq_growth.get(&d.dlq_topic).copied().unwrap_or(0);
        if growth > 0 {
            style = style.fg(Color::Red);
        }
        Row::new(vec![
            Cell::from(d.source_topic.clone()),
            Cell::from(human(d.depth)),
            Cell::from(format!("{growth:+}")),
        ])
        .style(style)
    };
    let rows = app.dlq_rows();
    let pane = (Pane::Dlq, "dlq", "DLQ");
    draw_pane(frame, app, area, pane, &columns, &rows, row);
}

fn draw_topic(frame: &mut Frame<'_>, app: &App, area: Rect, name: &str) {
    let Some(t) = app.stats.topics.iter().find(|t| t.name == name) else {
        gone(
            frame,
            area,
            format!("topic {name} is gone (Esc to go back)"),
        );
        return;
    };
    let columns: [Column<PartitionSummary>; 5] = [
        ("partition", Constraint::Length(9), |p| {
            p.partition.to_string()
        }),
        ("low", Constraint::Length(12), |p| {
            p.low_watermark.to_string()
        }),
        ("high", Constraint::Length(12), |p| {
            p.high_watermark.to_string()
        }),
        ("messages", Constraint::Length(10), |p| human(p.messages)),
        ("bytes", Constraint::Length(10), |p| bytes(p.bytes)),
    ];
    let title = format!(" Topic {name} — partitions (Esc back) ");
    let block = pane_block(title, true, app);
    draw_rows(frame, app, area, &t.partitions, &columns, block);
}

fn draw_group(frame: &mut Frame<'_>, app: &App, area: Rect, topic: &str, group: &str) {
    let [parts, below] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [leases, right] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(below);
    let [retries, consumers] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(right);
    let Some(g) = app
        .stats
        .groups
        .iter()
        .find(|g| g.topic == topic && g.group == group)
    else {
        gone(
            frame,
            area,
            format!("group {group} on {topic} is gone (Esc to go back)"),
        );
        return;
    };
    draw_group_partitions(frame, app, parts, g);
    draw_leases(frame, app, leases);
    draw_retries(frame, app, retries);
    draw_consumers(frame, app, consumers, g);
}

/// The group's partitions, with who polled it last in the title.
fn draw_group_partitions(frame: &mut Frame<'_>, app: &App, area: Rect, g: &GroupSummary) {
    let (group, topic) = (&g.group, &g.topic);
    let columns: [Column<GroupPartitionSummary>; 9] = [
        ("partition", Constraint::Length(9), |p| {
            p.partition.to_string()
        }),
        ("committed", Constraint::Length(10), |p| {
            p.committed.to_string()
        }),
        ("high", Constraint::Length(10), |p| {
            p.high_watermark.to_string()
        }),
        ("lag", Constraint::Length(7), |p| human(p.lag)),
        ("ready", Constraint::Length(7), |p| human(p.ready)),
        ("inflight", Constraint::Length(8), |p| human(p.inflight)),
        ("oldest", Constraint::Length(8), |p| {
            age(p.oldest_unacked_age_ms)
        }),
        ("acks", Constraint::Length(7), |p| human(p.acks)),
        ("dlq", Constraint::Length(5), |p| human(p.dlq)),
    ];
    let block = pane_block(
        format!(
            " Group {group} on {topic}, {}{}{}{} (Esc back) ",
            match (&g.last_owner, g.last_poll_age_ms) {
                (Some(owner), Some(ms)) => format!("polled {} ago by {owner}", age(Some(ms))),
                _ => "not polled since the server started".to_owned(),
            },
            match g.consumers.len() {
                0 => String::new(),
                1 => ", 1 consumer".to_owned(),
                n => format!(", {n} consumers"),
            },
            if g.delayed > 0 {
                format!(", {} delayed", human(g.delayed))
            } else {
                String::new()
            },
            if g.blocked_by_key > 0 {
                format!(", {} blocked by key", human(g.blocked_by_key))
            } else {
                String::new()
            }
        ),
        true,
        app,
    );
    draw_rows(frame, app, area, &g.partitions, &columns, block);
}

/// One column of a list: its header, its width, and how an item reads in it.
type Column<T> = (&'static str, Constraint, fn(&T) -> String);

/// The first `items` that fit in `area`, one row each under `columns`, in `block`.
fn draw_rows<T>(
    frame: &mut Frame<'_>,
    app: &App,
    area: Rect,
    items: &[T],
    columns: &[Column<T>],
    block: Block<'_>,
) {
    let rows = items
        .iter()
        .take(fits(area))
        .map(|item| Row::new(columns.iter().map(|(_, _, cell)| cell(item))));
    let table = Table::new(rows, columns.iter().map(|(_, width, _)| *width))
        .header(header(columns.iter().map(|(name, _, _)| *name).collect()))
        .block(block)
        .style(base_style(app));
    frame.render_widget(table, area);
}

/// How many rows a bordered list with a header shows in `area`.
fn fits(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// A bordered list's frame, titled.
fn list_block(title: String) -> Block<'static> {
    Block::default().borders(Borders::ALL).title(title)
}

/// The group's leases: who holds what, for how long.
fn draw_leases(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let columns: [Column<Lease>; 6] = [
        ("partition", Constraint::Length(9), |l| {
            l.partition.to_string()
        }),
        ("offset", Constraint::Length(10), |l| l.offset.to_string()),
        ("owner", Constraint::Min(12), |l| l.owner.clone()),
        ("attempts", Constraint::Length(8), |l| {
            l.attempts.to_string()
        }),
        ("lease", Constraint::Length(8), |l| {
            age(Some(l.lease_remaining_ms.max(0)))
        }),
        ("last error", Constraint::Min(10), |l| {
            l.last_error.clone().unwrap_or_else(|| "-".into())
        }),
    ];
    let title = format!(" In flight ({}) ", app.leases.len());
    draw_rows(frame, app, area, &app.leases, &columns, list_block(title));
}

/// Failed messages waiting for their next delivery.
fn draw_retries(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let columns: [Column<Retry>; 4] = [
        ("partition", Constraint::Length(9), |r| {
            r.partition.to_string()
        }),
        ("offset", Constraint::Length(10), |r| r.offset.to_string()),
        ("attempts", Constraint::Length(8), |r| {
            r.attempts.to_string()
        }),
        ("last error", Constraint::Min(10), |r| {
            r.last_error.clone().unwrap_or_else(|| "-".into())
        }),
    ];
    let more = if app.retries.len() >= 200 { "+" } else { "" };
    let title = format!(" Failed, waiting to retry ({}{more}) ", app.retries.len());
    draw_rows(frame, app, area, &app.retries, &columns, list_block(title));
}

/// The group's consumers, a gone one marked.
fn draw_consumers(frame: &mut Frame<'_>, app: &App, area: Rect, g: &GroupSummary) {
    let columns: [Column<ConsumerSummary>; 3] = [
        ("consumer", Constraint::Min(12), |c| c.owner.clone()),
        ("polled", Constraint::Length(10), |c| {
            if c.gone {
                "gone".to_owned()
            } else {
                c.last_poll_age_ms
                    .map_or_else(|| "-".to_owned(), |ms| format!("{} ago", age(Some(ms))))
            }
        }),
        ("inflight", Constraint::Length(8), |c| human(c.inflight)),
    ];
    let title = format!(" Consumers ({}) ", g.consumers.len());
    draw_rows(frame, app, area, &g.consumers, &columns, list_block(title));
}

/// Says that the thing a drill-down shows no longer exists.
fn gone(frame: &mut Frame<'_>, area: Rect, text: String) {
    frame.render_widget(
        Paragraph::new(text).block(Block::default().borders(Borders::ALL)),
        area,
    );
}

/// Width of the key column in the help overlay.
const HELP_KEY_WIDTH: usize = 22;

fn draw_help(frame: &mut Frame<'_>) {
    let area = frame.area();
    // As wide as the longest line (key column, gap, text, borders) when the terminal allows;
    // narrower terminals wrap the text instead of cutting it.
    let longest = crate::keys::help_lines()
        .map(|(_, v)| v.chars().count())
        .max()
        .unwrap_or(0);
    let needed = u16::try_from(HELP_KEY_WIDTH + 2 + longest + 2).unwrap_or(u16::MAX);
    let w = area.width.min(needed);
    let text_width = usize::from(w.saturating_sub(2)).max(1);
    let rows: usize = crate::keys::help_lines()
        .map(|(_, v)| (HELP_KEY_WIDTH + 2 + v.chars().count()).div_ceil(text_width))
        .sum();
    let h = area.height.min(u16::try_from(rows + 2).unwrap_or(u16::MAX));
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let lines: Vec<Line<'_>> = crate::keys::help_lines()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:>HELP_KEY_WIDTH$}  "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(v),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Keys ")),
        popup,
    );
}
