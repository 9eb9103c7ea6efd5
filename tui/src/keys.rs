//! Every key of the dashboard, as data: the key handler looks commands up here and the help
//! overlay lists the same table, so a key cannot work without being documented or be
//! documented without working (gitui's key list does the same).

use crate::app::Key;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    NextPane,
    PreviousPane,
    Down,
    Up,
    Open,
    Back,
    Filter,
    Sort,
    Pause,
    Slower,
    Faster,
    Help,
}

/// One line of the help overlay: the keys, how the help writes them, and what they do.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub label: &'static str,
    pub command: Command,
    pub help: &'static str,
}

/// Every key, in the order the help shows them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        label: "q, Ctrl-C",
        command: Command::Quit,
        help: "quit",
    },
    Binding {
        keys: &[Key::Tab, Key::Char('l')],
        label: "Tab / Shift-Tab, h/l",
        command: Command::NextPane,
        help: "next / previous pane",
    },
    Binding {
        keys: &[Key::BackTab, Key::Char('h')],
        label: "",
        command: Command::PreviousPane,
        help: "",
    },
    Binding {
        keys: &[Key::Down, Key::Char('j')],
        label: "↑ ↓, j k",
        command: Command::Down,
        help: "move the selection",
    },
    Binding {
        keys: &[Key::Up, Key::Char('k')],
        label: "",
        command: Command::Up,
        help: "",
    },
    Binding {
        keys: &[Key::Enter],
        label: "Enter",
        command: Command::Open,
        help: "open: a topic's partitions, a group's partitions, leases, retries",
    },
    Binding {
        keys: &[Key::Esc],
        label: "Esc",
        command: Command::Back,
        help: "back (or clear the filter)",
    },
    Binding {
        keys: &[Key::Char('/')],
        label: "/",
        command: Command::Filter,
        help: "filter by name (Enter to apply)",
    },
    Binding {
        keys: &[Key::Char('s')],
        label: "s",
        command: Command::Sort,
        help: "cycle sort: name, lag, rate",
    },
    Binding {
        keys: &[Key::Char('p')],
        label: "p",
        command: Command::Pause,
        help: "pause / resume refreshing",
    },
    Binding {
        keys: &[Key::Char('+')],
        label: "+ / -",
        command: Command::Slower,
        help: "slower / faster refresh",
    },
    Binding {
        keys: &[Key::Char('-')],
        label: "",
        command: Command::Faster,
        help: "",
    },
    Binding {
        keys: &[Key::Char('?')],
        label: "?",
        command: Command::Help,
        help: "this help (any key closes it)",
    },
];

/// Marks on screen that are not keys, explained under them.
pub const LEGEND: &[(&str, &str)] = &[(
    "! group",
    "falling behind: polled lately, lag or oldest age growing",
)];

/// The command `key` is bound to.
#[must_use]
pub fn command_for(key: Key) -> Option<Command> {
    BINDINGS
        .iter()
        .find(|b| b.keys.contains(&key))
        .map(|b| b.command)
}

/// The help overlay's lines: each documented binding (a binding without a label shares the
/// line before it), then the legend.
pub fn help_lines() -> impl Iterator<Item = (&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| !b.label.is_empty())
        .map(|b| (b.label, b.help))
        .chain(LEGEND.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_command_and_every_command_is_documented() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(!seen.contains(k), "{k:?} bound twice");
                seen.push(*k);
            }
        }
        assert!(help_lines().all(|(label, help)| !label.is_empty() && !help.is_empty()));
    }
}
