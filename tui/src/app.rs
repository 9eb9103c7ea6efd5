//! Dashboard state and key handling. Everything here is plain data: snapshots come in through
//! [`App::on_snapshot`], keys through [`App::on_key`], and drawing (`ui.rs`) only reads it.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use crate::keys::Command;
use crate::stats::{GroupSummary, Lease, Retry, Stats};

/// Samples kept per sparkline (one per refresh).
pub const HISTORY: usize = 60;
/// A group whose oldest unacked message is older than this is highlighted.
pub const OLD_AGE_MS: i64 = 30_000;
/// A group polled within this long is being consumed (see [`App::behind`]).
pub const ACTIVE_MS: i64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Topics,
    Groups,
    Dlq,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Main,
    Topic(String),
    Group { topic: String, group: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    Lag,
    Rate,
}

impl SortBy {
    fn next(self) -> Self {
        match self {
            Self::Name => Self::Lag,
            Self::Lag => Self::Rate,
            Self::Rate => Self::Name,
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Lag => "lag",
            Self::Rate => "rate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Connected,
    /// The server went away; the last data stays on screen, greyed.
    Lost {
        error: String,
    },
}

/// A key, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Backspace,
}

/// What the run loop should do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    Quit,
    /// The view changed; fetch what it needs now.
    Refresh,
}

#[derive(Debug, Clone)]
pub struct App {
    pub url: String,
    pub interval: Duration,
    pub stats: Stats,
    pub connection: Connection,
    pub pane: Pane,
    pub view: View,
    pub selected: BTreeMap<&'static str, usize>,
    pub filter: String,
    pub editing_filter: bool,
    pub sort: SortBy,
    pub paused: bool,
    pub show_help: bool,
    pub leases: Vec<Lease>,
    /// The drilled-down group's failed messages waiting for their next delivery.
    pub retries: Vec<Retry>,
    /// Per topic: produce rate samples (msgs/s), newest last.
    pub topic_rates: BTreeMap<String, VecDeque<u64>>,
    /// Per (topic, group): ack rate (msgs/s).
    pub ack_rates: BTreeMap<(String, String), f64>,
    /// Groups falling behind: polled lately, and their lag grew or their oldest unacked
    /// message, already past [`OLD_AGE_MS`], kept ageing.
    pub behind: BTreeMap<(String, String), bool>,
    /// Per DLQ topic: depth change in the last interval.
    pub dlq_growth: BTreeMap<String, i64>,
    pub total_produce_rate: f64,
    pub total_ack_rate: f64,
}

impl App {
    #[must_use]
    pub fn new(url: &str, interval: Duration) -> Self {
        Self {
            url: url.to_owned(),
            interval,
            stats: Stats::default(),
            connection: Connection::Connecting,
            pane: Pane::Topics,
            view: View::Main,
            selected: BTreeMap::new(),
            filter: String::new(),
            editing_filter: false,
            sort: SortBy::Name,
            paused: false,
            show_help: false,
            leases: Vec::new(),
            retries: Vec::new(),
            topic_rates: BTreeMap::new(),
            ack_rates: BTreeMap::new(),
            behind: BTreeMap::new(),
            dlq_growth: BTreeMap::new(),
            total_produce_rate: 0.0,
            total_ack_rate: 0.0,
        }
    }

    /// Takes a new snapshot: rates and highlights come from the difference to the last one.
    pub fn on_snapshot(&mut self, next: Stats) {
        let prev = std::mem::take(&mut self.stats);
        let secs = if prev.now_ms > 0 && next.now_ms > prev.now_ms {
            (next.now_ms - prev.now_ms) as f64 / 1000.0
        } else {
            0.0
        };
        self.total_produce_rate = 0.0;
        for t in &next.topics {
            let rate = match (secs > 0.0, prev.topics.iter().find(|p| p.name == t.name)) {
                (true, Some(p)) => t.written().saturating_sub(p.written()) as f64 / secs,
                _ => 0.0,
            };
            self.total_produce_rate += rate;
            let h = self.topic_rates.entry(t.name.clone()).or_default();
            if secs > 0.0 {
                h.push_back(rate.round() as u64);
                while h.len() > HISTORY {
                    h.pop_front();
                }
            }
        }
        self.topic_rates
            .retain(|name, _| next.topics.iter().any(|t| &t.name == name));
        self.total_ack_rate = 0.0;
        let mut rates = BTreeMap::new();
        let mut behind = BTreeMap::new();
        for g in &next.groups {
            let key = (g.topic.clone(), g.group.clone());
            let old = prev
                .groups
                .iter()
                .find(|p| p.topic == g.topic && p.group == g.group);
            let rate = match (secs > 0.0, old) {
                (true, Some(o)) => g.acks.saturating_sub(o.acks) as f64 / secs,
                _ => 0.0,
            };
            self.total_ack_rate += rate;
            rates.insert(key.clone(), rate);
            // Falling behind: a group someone consumes (polled lately) whose lag grows, or
            // whose oldest unacked message keeps ageing past the threshold. A group nobody
            // reads any more is idle, not behind.
            let active = g.last_poll_age_ms.is_some_and(|a| a < ACTIVE_MS);
            let lag_grew = old.is_some_and(|o| g.lag > o.lag);
            let age_grew = old.is_some_and(|o| {
                g.oldest_unacked_age_ms.is_some_and(|a| {
                    a > OLD_AGE_MS && o.oldest_unacked_age_ms.is_some_and(|before| a > before)
                })
            });
            behind.insert(key, active && (lag_grew || age_grew));
        }
        self.ack_rates = rates;
        self.behind = behind;
        self.dlq_growth = next
            .dlq
            .iter()
            .map(|d| {
                let before = prev
                    .dlq
                    .iter()
                    .find(|p| p.dlq_topic == d.dlq_topic)
                    .map_or(0, |p| p.depth);
                (
                    d.dlq_topic.clone(),
                    i64::try_from(d.depth).unwrap_or(i64::MAX)
                        - i64::try_from(before).unwrap_or(i64::MAX),
                )
            })
            .collect();
        self.stats = next;
        self.connection = Connection::Connected;
        self.clamp_selection();
    }

    pub fn on_error(&mut self, error: String) {
        self.connection = Connection::Lost { error };
    }

    pub fn on_leases(&mut self, leases: Vec<Lease>) {
        self.leases = leases;
    }

    pub fn on_retries(&mut self, retries: Vec<Retry>) {
        self.retries = retries;
    }

    fn matches(&self, name: &str) -> bool {
        self.filter.is_empty() || name.to_lowercase().contains(&self.filter.to_lowercase())
    }

    /// Topic names in display order (filtered, sorted).
    #[must_use]
    pub fn topic_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..self.stats.topics.len())
            .filter(|&i| self.matches(&self.stats.topics[i].name))
            .collect();
        let t = &self.stats.topics;
        match self.sort {
            SortBy::Name => rows.sort_by(|&a, &b| t[a].name.cmp(&t[b].name)),
            SortBy::Lag => {
                let lag = |name: &str| {
                    self.stats
                        .groups
                        .iter()
                        .filter(|g| g.topic == name)
                        .map(|g| g.lag)
                        .sum::<u64>()
                };
                rows.sort_by(|&a, &b| {
                    lag(&t[b].name)
                        .cmp(&lag(&t[a].name))
                        .then(t[a].name.cmp(&t[b].name))
                });
            }
            SortBy::Rate => {
                let rate = |name: &str| {
                    self.topic_rates
                        .get(name)
                        .and_then(|h| h.back().copied())
                        .unwrap_or(0)
                };
                rows.sort_by(|&a, &b| {
                    rate(&t[b].name)
                        .cmp(&rate(&t[a].name))
                        .then(t[a].name.cmp(&t[b].name))
                });
            }
        }
        rows
    }

    /// Group indexes in display order (filtered by group or topic name, sorted).
    #[must_use]
    pub fn group_rows(&self) -> Vec<usize> {
        let g = &self.stats.groups;
        let mut rows: Vec<usize> = (0..g.len())
            .filter(|&i| self.matches(&g[i].group) || self.matches(&g[i].topic))
            .collect();
        let name = |x: &GroupSummary| (x.group.clone(), x.topic.clone());
        match self.sort {
            SortBy::Name => rows.sort_by(|&a, &b| name(&g[a]).cmp(&name(&g[b]))),
            SortBy::Lag => {
                rows.sort_by(|&a, &b| g[b].lag.cmp(&g[a].lag).then(name(&g[a]).cmp(&name(&g[b]))))
            }
            SortBy::Rate => {
                let r = |x: &GroupSummary| {
                    self.ack_rates
                        .get(&(x.topic.clone(), x.group.clone()))
                        .copied()
                        .unwrap_or(0.0)
                };
                rows.sort_by(|&a, &b| {
                    r(&g[b])
                        .total_cmp(&r(&g[a]))
                        .then(name(&g[a]).cmp(&name(&g[b])))
                });
            }
        }
        rows
    }

    #[must_use]
    pub fn dlq_rows(&self) -> Vec<usize> {
        (0..self.stats.dlq.len())
            .filter(|&i| self.matches(&self.stats.dlq[i].source_topic))
            .collect()
    }

    fn pane_key(&self) -> &'static str {
        match self.pane {
            Pane::Topics => "topics",
            Pane::Groups => "groups",
            Pane::Dlq => "dlq",
        }
    }

    fn pane_len(&self) -> usize {
        match self.pane {
            Pane::Topics => self.topic_rows().len(),
            Pane::Groups => self.group_rows().len(),
            Pane::Dlq => self.dlq_rows().len(),
        }
    }

    #[must_use]
    pub fn selection(&self, pane: &'static str) -> usize {
        self.selected.get(pane).copied().unwrap_or(0)
    }

    fn clamp_selection(&mut self) {
        for (pane, len) in [
            ("topics", self.topic_rows().len()),
            ("groups", self.group_rows().len()),
            ("dlq", self.dlq_rows().len()),
        ] {
            let s = self.selected.entry(pane).or_insert(0);
            *s = (*s).min(len.saturating_sub(1));
        }
    }

    fn move_selection(&mut self, down: bool) {
        let len = self.pane_len();
        let key = self.pane_key();
        let s = self.selected.entry(key).or_insert(0);
        *s = if down {
            (*s + 1).min(len.saturating_sub(1))
        } else {
            s.saturating_sub(1)
        };
    }

    /// Handles one key press.
    pub fn on_key(&mut self, key: Key) -> Action {
        if self.editing_filter {
            match key {
                Key::Enter | Key::Esc => self.editing_filter = false,
                Key::Backspace => {
                    self.filter.pop();
                }
                Key::Char(c) => self.filter.push(c),
                Key::Ctrl('c') => return Action::Quit,
                _ => {}
            }
            self.clamp_selection();
            return Action::None;
        }
        if self.show_help {
            if crate::keys::command_for(key) == Some(Command::Quit) {
                return Action::Quit;
            }
            self.show_help = false;
            return Action::None;
        }
        match crate::keys::command_for(key) {
            Some(Command::Quit) => return Action::Quit,
            Some(Command::Help) => self.show_help = true,
            Some(Command::NextPane) => {
                self.pane = match self.pane {
                    Pane::Topics => Pane::Groups,
                    Pane::Groups => Pane::Dlq,
                    Pane::Dlq => Pane::Topics,
                };
            }
            Some(Command::PreviousPane) => {
                self.pane = match self.pane {
                    Pane::Topics => Pane::Dlq,
                    Pane::Groups => Pane::Topics,
                    Pane::Dlq => Pane::Groups,
                };
            }
            Some(Command::Down) => self.move_selection(true),
            Some(Command::Up) => self.move_selection(false),
            Some(Command::Filter) => {
                self.editing_filter = true;
                self.filter.clear();
            }
            Some(Command::Sort) => {
                self.sort = self.sort.next();
                self.clamp_selection();
            }
            Some(Command::Pause) => self.paused = !self.paused,
            Some(Command::Slower) => {
                self.interval = (self.interval * 2).min(Duration::from_secs(60))
            }
            Some(Command::Faster) => {
                self.interval = (self.interval / 2).max(Duration::from_millis(100));
            }
            Some(Command::Open) => return self.drill_down(),
            Some(Command::Back) => self.back(),
            None => {}
        }
        Action::None
    }

    /// Esc: out of a drill-down, or clears the filter.
    fn back(&mut self) {
        if self.view != View::Main {
            self.view = View::Main;
            self.leases.clear();
            self.retries.clear();
        } else if !self.filter.is_empty() {
            self.filter.clear();
        }
    }

    fn drill_down(&mut self) -> Action {
        match self.pane {
            Pane::Topics => {
                if let Some(&i) = self.topic_rows().get(self.selection("topics")) {
                    self.view = View::Topic(self.stats.topics[i].name.clone());
                }
            }
            Pane::Groups => {
                if let Some(&i) = self.group_rows().get(self.selection("groups")) {
                    let g = &self.stats.groups[i];
                    self.view = View::Group {
                        topic: g.topic.clone(),
                        group: g.group.clone(),
                    };
                    return Action::Refresh;
                }
            }
            Pane::Dlq => {
                if let Some(&i) = self.dlq_rows().get(self.selection("dlq")) {
                    self.view = View::Topic(self.stats.dlq[i].dlq_topic.clone());
                }
            }
        }
        Action::None
    }
}
