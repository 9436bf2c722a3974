//! The one key table. [`crate::tui::update`] dispatches through it and the
//! `?` help and the status-bar hints are generated from it, so a key can
//! never do one thing and be documented as another.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key asks for. The meaning can depend on the focused pane (Enter
/// expands in the tree and jumps in the findings list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Close the open overlay (help, search, preview); quit when none is.
    Cancel,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Collapse, or go to the parent.
    Left,
    /// Expand, or go to the first child.
    Right,
    Activate,
    NextPane,
    PrevPane,
    Search,
    SearchNext,
    SearchPrev,
    Help,
    ToggleFail,
    ToggleShort,
    TripAbove,
    ToggleCommon,
    Undo,
    ToggleCascade,
    Reset,
    PrevRack,
    NextRack,
    ExpandAll,
    CollapseAll,
    // Search prompt only.
    SearchAccept,
    SearchCancel,
    SearchDelete,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Search,
    Help,
}

/// A key with its modifiers. Shift is folded into the character for
/// letters, so `G` is written `Char('G')` with no modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

pub struct Binding {
    pub mode: Mode,
    pub keys: &'static [Key],
    pub action: Action,
    /// The help section it is listed under.
    pub group: &'static str,
    pub help: &'static str,
    /// A one-word label for the status-bar hints; `None` keeps it out of
    /// the hints.
    pub hint: Option<&'static str>,
}

const MOVE: &str = "Move";
const WHATIF: &str = "What-if";
const FIND: &str = "Find and view";
const GENERAL: &str = "General";
const SEARCHING: &str = "While searching";
const HELPING: &str = "In this help";

pub static BINDINGS: &[Binding] = &[
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Up), ch('k')],
        action: Action::Up,
        group: MOVE,
        help: "previous row",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Down), ch('j')],
        action: Action::Down,
        group: MOVE,
        help: "next row",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Left), ch('h')],
        action: Action::Left,
        group: MOVE,
        help: "collapse, or go to the parent",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Right), ch('l')],
        action: Action::Right,
        group: MOVE,
        help: "expand, or go to the first child",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::PageUp), ctrl('u')],
        action: Action::PageUp,
        group: MOVE,
        help: "page up",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::PageDown), ctrl('d')],
        action: Action::PageDown,
        group: MOVE,
        help: "page down",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Home), ch('g')],
        action: Action::Top,
        group: MOVE,
        help: "first row",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::End), ch('G')],
        action: Action::Bottom,
        group: MOVE,
        help: "last row",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Tab)],
        action: Action::NextPane,
        group: MOVE,
        help: "next pane (tree, rack, inspector, findings)",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::BackTab)],
        action: Action::PrevPane,
        group: MOVE,
        help: "previous pane",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Enter)],
        action: Action::Activate,
        group: MOVE,
        help: "tree: fold; findings: jump, preview (again: keep)",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('f'), ch(' ')],
        action: Action::ToggleFail,
        group: WHATIF,
        help: "fail / restore the selection (element, device, PSU, group)",
        hint: Some("fail"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('s')],
        action: Action::ToggleShort,
        group: WHATIF,
        help: "short a PSU (on a device: the one on this row's feed)",
        hint: Some("short"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('t')],
        action: Action::TripAbove,
        group: WHATIF,
        help: "trip / restore the breaker protecting the device or PSU",
        hint: Some("trip"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('c')],
        action: Action::ToggleCommon,
        group: WHATIF,
        help: "toggle the common-cause group of the selection",
        hint: Some("common"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('u'), ctrl('z')],
        action: Action::Undo,
        group: WHATIF,
        help: "undo the last what-if change",
        hint: Some("undo"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('r')],
        action: Action::Reset,
        group: WHATIF,
        help: "reset: clear every what-if event",
        hint: Some("reset"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('o')],
        action: Action::ToggleCascade,
        group: WHATIF,
        help: "overload cascade on / off (off: before any overload trip)",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('/')],
        action: Action::Search,
        group: FIND,
        help: "search ids (incremental)",
        hint: Some("search"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('n')],
        action: Action::SearchNext,
        group: FIND,
        help: "next search match",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('N')],
        action: Action::SearchPrev,
        group: FIND,
        help: "previous search match",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('['), ch('<')],
        action: Action::PrevRack,
        group: FIND,
        help: "previous rack",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch(']'), ch('>')],
        action: Action::NextRack,
        group: FIND,
        help: "next rack",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('e')],
        action: Action::ExpandAll,
        group: FIND,
        help: "expand every power element but the rack PDUs",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('E')],
        action: Action::CollapseAll,
        group: FIND,
        help: "collapse everything below the sources",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('?')],
        action: Action::Help,
        group: GENERAL,
        help: "this help",
        hint: Some("help"),
    },
    Binding {
        mode: Mode::Normal,
        keys: &[key(KeyCode::Esc)],
        action: Action::Cancel,
        group: GENERAL,
        help: "drop the preview, or quit",
        hint: None,
    },
    Binding {
        mode: Mode::Normal,
        keys: &[ch('q'), ctrl('c')],
        action: Action::Quit,
        group: GENERAL,
        help: "quit",
        hint: Some("quit"),
    },
    Binding {
        mode: Mode::Search,
        keys: &[key(KeyCode::Enter)],
        action: Action::SearchAccept,
        group: SEARCHING,
        help: "keep the selected match",
        hint: Some("keep"),
    },
    Binding {
        mode: Mode::Search,
        keys: &[key(KeyCode::Esc)],
        action: Action::SearchCancel,
        group: SEARCHING,
        help: "cancel and go back",
        hint: Some("cancel"),
    },
    Binding {
        mode: Mode::Search,
        keys: &[key(KeyCode::Down), key(KeyCode::Tab), ctrl('n')],
        action: Action::SearchNext,
        group: SEARCHING,
        help: "next match",
        hint: Some("next"),
    },
    Binding {
        mode: Mode::Search,
        keys: &[key(KeyCode::Up), key(KeyCode::BackTab), ctrl('p')],
        action: Action::SearchPrev,
        group: SEARCHING,
        help: "previous match",
        hint: None,
    },
    Binding {
        mode: Mode::Search,
        keys: &[key(KeyCode::Backspace)],
        action: Action::SearchDelete,
        group: SEARCHING,
        help: "delete a character (other keys type)",
        hint: None,
    },
    Binding {
        mode: Mode::Search,
        keys: &[ctrl('c')],
        action: Action::Quit,
        group: SEARCHING,
        help: "quit",
        hint: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[key(KeyCode::Up), ch('k')],
        action: Action::Up,
        group: HELPING,
        help: "scroll up",
        hint: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[key(KeyCode::Down), ch('j')],
        action: Action::Down,
        group: HELPING,
        help: "scroll down",
        hint: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[key(KeyCode::Esc), ch('?'), ch('q')],
        action: Action::Cancel,
        group: HELPING,
        help: "close the help",
        hint: Some("close"),
    },
    Binding {
        mode: Mode::Help,
        keys: &[ctrl('c')],
        action: Action::Quit,
        group: HELPING,
        help: "quit",
        hint: None,
    },
];

/// The action bound to `ev` in `mode`, if any. Key releases (reported on
/// some terminals) are ignored so one press is one action.
pub fn lookup(mode: Mode, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = normalise(ev);
    BINDINGS
        .iter()
        .filter(|b| b.mode == mode)
        .find(|b| b.keys.contains(&pressed))
        .map(|b| b.action)
}

/// Fold a crossterm key event into a table [`Key`]: terminals disagree on
/// whether Shift comes with an upper-case letter, so drop Shift for
/// characters and keep only Control.
pub fn normalise(ev: &KeyEvent) -> Key {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let code = match ev.code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Key { code, ctrl }
}

/// How a key is written in the help.
pub fn label(k: Key) -> String {
    let base = match k.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Backspace => "Backspace".into(),
        other => format!("{other:?}"),
    };
    if k.ctrl { format!("Ctrl-{base}") } else { base }
}

/// The help text, one `(keys, description)` pair per binding, under
/// section headings (keys empty). Mouse use is not in the table, so it is
/// added at the end.
pub fn help_lines() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut group = "";
    for b in BINDINGS {
        if b.group != group {
            if !out.is_empty() {
                out.push((String::new(), String::new()));
            }
            out.push((String::new(), b.group.to_string()));
            group = b.group;
        }
        let keys: Vec<String> = b.keys.iter().map(|&k| label(k)).collect();
        out.push((keys.join(" "), b.help.to_string()));
    }
    out.push((String::new(), String::new()));
    out.push((String::new(), "Mouse".to_string()));
    out.push((
        "click".into(),
        "select a row, a rack unit or a finding".into(),
    ));
    out.push(("wheel".into(), "scroll the pane under the pointer".into()));
    out
}

/// Status-bar hints for `mode`: `(key, word)` pairs in table order.
pub fn hints(mode: Mode) -> Vec<(String, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| b.mode == mode)
        .filter_map(|b| b.hint.map(|h| (label(b.keys[0]), h)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.mode != b.mode {
                    continue;
                }
                for k in a.keys {
                    assert!(
                        !b.keys.contains(k),
                        "{} is bound to {:?} and {:?}",
                        label(*k),
                        a.action,
                        b.action
                    );
                }
            }
        }
    }

    #[test]
    fn every_binding_is_in_the_help() {
        let help = help_lines();
        for b in BINDINGS {
            assert!(
                help.iter().any(|(_, d)| d == b.help),
                "{:?} missing from help",
                b.action
            );
        }
    }

    #[test]
    fn shift_and_control_are_normalised() {
        assert_eq!(
            lookup(
                Mode::Normal,
                &press(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Action::Bottom)
        );
        assert_eq!(
            lookup(
                Mode::Normal,
                &press(KeyCode::Char('C'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup(Mode::Search, &press(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(lookup(Mode::Normal, &release), None);
    }
}
