//! The one key table. [`crate::tui::update`] dispatches through it and the
//! `?` help and the status-bar hints are generated from it, so a key can
//! never do one thing and be documented as another.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::Pane;
// Short names for the table.
use Action as A;
use KeyCode as K;

/// What a key asks for. The meaning can depend on the focused pane (Enter
/// expands in the tree and jumps in the findings list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Quit, asking first when a what-if would be thrown away.
    Quit,
    /// Quit at once, whatever is applied (Ctrl-C).
    QuitNow,
    /// Close the open overlay (help, search, preview), else clear the
    /// selection. Never quits: Esc is pressed out of habit, often twice.
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
    /// Show and focus one pane (the header says which are hidden).
    Focus(Pane),
    Search,
    /// Why is the selection down: its power paths, where they meet, the
    /// chain of cause.
    Why,
    SearchNext,
    SearchPrev,
    /// Findings pane: show all, then only errors, warnings, notes.
    FilterSeverity,
    /// Findings pane: show only the code of the row under the cursor, or
    /// all codes again.
    FilterCode,
    Help,
    ToggleFail,
    ToggleShort,
    TripAbove,
    ToggleCommon,
    /// Take the selection out of service for planned work, or bring it
    /// back: a maintenance window, not a failure.
    ToggleOut,
    Undo,
    /// Open the hall map: every rack as a cell, coloured by state.
    HallMap,
    /// Save the what-if to the layout's scenario file / load it back.
    SaveScenario,
    LoadScenario,
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
    // The "drop the what-if?" question only.
    ConfirmYes,
    ConfirmNo,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Search,
    Help,
    /// Asked "drop N what-if events? y/n" before quitting.
    Confirm,
    /// The hall map is open.
    Map,
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

// One line a binding in the table below, one constructor a mode.
type Hint = Option<&'static str>;

#[rustfmt::skip]
const fn normal(keys: &'static [Key], action: Action, group: &'static str, help: &'static str, hint: Hint) -> Binding {
    Binding { mode: Mode::Normal, keys, action, group, help, hint }
}

#[rustfmt::skip]
const fn typing(keys: &'static [Key], action: Action, group: &'static str, help: &'static str, hint: Hint) -> Binding {
    Binding { mode: Mode::Search, keys, action, group, help, hint }
}

#[rustfmt::skip]
const fn asked(keys: &'static [Key], action: Action, group: &'static str, help: &'static str, hint: Hint) -> Binding {
    Binding { mode: Mode::Confirm, keys, action, group, help, hint }
}

#[rustfmt::skip]
const fn mapping(keys: &'static [Key], action: Action, group: &'static str, help: &'static str, hint: Hint) -> Binding {
    Binding { mode: Mode::Map, keys, action, group, help, hint }
}

#[rustfmt::skip]
const fn reading(keys: &'static [Key], action: Action, group: &'static str, help: &'static str, hint: Hint) -> Binding {
    Binding { mode: Mode::Help, keys, action, group, help, hint }
}

const MOVE: &str = "Move";
const WHATIF: &str = "What-if";
const FIND: &str = "Find and view";
const GENERAL: &str = "General";
const SEARCHING: &str = "While searching";
const HELPING: &str = "In this help";
const ASKED: &str = "When q asks to drop the what-if";
const MAPPING: &str = "In the hall map";

/// The table, one line a binding: keys, action, help section, help text,
/// status-bar hint. `normal` binds in the panes, `typing` at the search
/// prompt, `reading` in the help.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    normal(&[key(K::Up), ch('k')],                    A::Up,            MOVE,      "previous row",                                               None),
    normal(&[key(K::Down), ch('j')],                  A::Down,          MOVE,      "next row",                                                   None),
    normal(&[key(K::Left), ch('h')],                  A::Left,          MOVE,      "collapse, or go to the parent",                              None),
    normal(&[key(K::Right), ch('l')],                 A::Right,         MOVE,      "expand, or go to the first child",                           None),
    normal(&[key(K::PageUp), ctrl('u')],              A::PageUp,        MOVE,      "page up",                                                    None),
    normal(&[key(K::PageDown), ctrl('d')],            A::PageDown,      MOVE,      "page down",                                                  None),
    normal(&[key(K::Home), ch('g')],                  A::Top,           MOVE,      "first row",                                                  None),
    normal(&[key(K::End), ch('G')],                   A::Bottom,        MOVE,      "last row",                                                   None),
    normal(&[key(K::Tab)],                            A::NextPane,      MOVE,      "next pane (tree, rack, inspector, findings)",                None),
    normal(&[key(K::BackTab)],                        A::PrevPane,      MOVE,      "previous pane",                                              None),
    normal(&[ch('1')],                                A::Focus(Pane::Tree),      MOVE, "show the power tree (the header names hidden panes)", None),
    normal(&[ch('2')],                                A::Focus(Pane::Rack),      MOVE, "show the rack elevation",                             None),
    normal(&[ch('3')],                                A::Focus(Pane::Inspector), MOVE, "show the inspector",                                  None),
    normal(&[ch('4')],                                A::Focus(Pane::Findings),  MOVE, "show the findings",                                   None),
    normal(&[key(K::Enter)],                          A::Activate,      MOVE,      "tree: fold; findings: jump, preview (again: keep)",          None),
    normal(&[ch('f'), ch(' ')],                       A::ToggleFail,    WHATIF,    "fail / restore the selection (element, device, PSU, group)", Some("fail")),
    normal(&[ch('s')],                                A::ToggleShort,   WHATIF,    "short a PSU (on a device: the one on this row's feed)",      Some("short")),
    normal(&[ch('t')],                                A::TripAbove,     WHATIF,    "trip / restore the breaker protecting the device or PSU",    Some("trip")),
    normal(&[ch('c')],                                A::ToggleCommon,  WHATIF,    "toggle the common-cause group of the selection",             Some("common")),
    normal(&[ch('m')],                                A::ToggleOut,     WHATIF,    "maintenance: the selection out for planned work / back",  None),
    normal(&[ch('u'), ctrl('z')],                     A::Undo,          WHATIF,    "undo the last what-if change",                               Some("undo")),
    normal(&[ch('r')],                                A::Reset,         WHATIF,    "reset: clear every what-if event",                           Some("reset")),
    normal(&[ch('S')],                                A::SaveScenario,  WHATIF,    "save the what-if beside the layout (LAYOUT.scenario.ron)",   None),
    normal(&[ch('L')],                                A::LoadScenario,  WHATIF,    "load the saved what-if in place of this one (u undoes)", None),
    normal(&[ch('o')],                                A::ToggleCascade, WHATIF,    "overload cascade on / off (off: before any overload trip)",  None),
    normal(&[ch('/')],                                A::Search,        FIND,      "search ids (incremental)",                                   Some("search")),
    normal(&[ch('w')],                                A::Why,           FIND,      "why: power paths, where they meet, the cause of a loss",     Some("why")),
    normal(&[ch('n')],                                A::SearchNext,    FIND,      "next search match",                                          None),
    normal(&[ch('N')],                                A::SearchPrev,    FIND,      "previous search match",                                      None),
    normal(&[ch('H')],                                A::HallMap,       FIND,      "hall map: every rack a cell, coloured by the what-if",       None),
    normal(&[ch('F')],                                A::FilterSeverity, FIND,     "findings: all, errors, warnings, notes (cycles)",            None),
    normal(&[ch('C')],                                A::FilterCode,    FIND,      "findings: only this row's code / every code",                None),
    normal(&[ch('['), ch('<')],                       A::PrevRack,      FIND,      "previous rack",                                              None),
    normal(&[ch(']'), ch('>')],                       A::NextRack,      FIND,      "next rack",                                                  None),
    normal(&[ch('e')],                                A::ExpandAll,     FIND,      "expand every power element but the rack PDUs",               None),
    normal(&[ch('E')],                                A::CollapseAll,   FIND,      "collapse everything below the sources",                      None),
    normal(&[ch('?')],                                A::Help,          GENERAL,   "this help",                                                  Some("help")),
    normal(&[key(K::Esc)],                            A::Cancel,        GENERAL,   "drop the preview, else clear the selection (never quits)",   None),
    normal(&[ch('q')],                                A::Quit,          GENERAL,   "quit (asks first when a what-if is applied)",                Some("quit")),
    normal(&[ctrl('c')],                              A::QuitNow,       GENERAL,   "quit at once",                                               None),
    typing(&[key(K::Enter)],                          A::SearchAccept,  SEARCHING, "keep the selected match",                                    Some("keep")),
    typing(&[key(K::Esc)],                            A::SearchCancel,  SEARCHING, "cancel and go back",                                         Some("cancel")),
    typing(&[key(K::Down), key(K::Tab), ctrl('n')],   A::SearchNext,    SEARCHING, "next match",                                                 Some("next")),
    typing(&[key(K::Up), key(K::BackTab), ctrl('p')], A::SearchPrev,    SEARCHING, "previous match",                                             None),
    typing(&[key(K::Backspace)],                      A::SearchDelete,  SEARCHING, "delete a character (other keys type)",                       None),
    typing(&[ctrl('c')],                              A::QuitNow,       SEARCHING, "quit at once",                                               None),
    reading(&[key(K::Up), ch('k')],                    A::Up,            HELPING,   "scroll up",                                                  None),
    reading(&[key(K::Down), ch('j')],                  A::Down,          HELPING,   "scroll down",                                                None),
    reading(&[key(K::PageUp), ctrl('u')],              A::PageUp,        HELPING,   "page up",                                                    None),
    reading(&[key(K::PageDown), ctrl('d'), ch(' ')],   A::PageDown,      HELPING,   "page down",                                                  None),
    reading(&[key(K::Home), ch('g')],                  A::Top,           HELPING,   "to the top",                                                 None),
    reading(&[key(K::End), ch('G')],                   A::Bottom,        HELPING,   "to the end",                                                 None),
    reading(&[key(K::Esc), ch('?'), ch('q'), ch('w')],           A::Cancel,        HELPING,   "close the help (or the why panel)",                           Some("close")),
    reading(&[ctrl('c')],                              A::QuitNow,       HELPING,   "quit at once",                                               None),
    mapping(&[key(K::Left), ch('h')],                  A::Left,          MAPPING,   "previous rack",                                              None),
    mapping(&[key(K::Right), ch('l')],                 A::Right,         MAPPING,   "next rack",                                                  None),
    mapping(&[key(K::Up), ch('k')],                    A::Up,            MAPPING,   "the rack a line up",                                         None),
    mapping(&[key(K::Down), ch('j')],                  A::Down,          MAPPING,   "the rack a line down",                                       None),
    mapping(&[key(K::Enter)],                          A::Activate,      MAPPING,   "show this rack and select its top device",                   Some("open")),
    mapping(&[key(K::Esc), ch('H'), ch('q')],          A::Cancel,        MAPPING,   "close the map",                                              Some("close")),
    mapping(&[ctrl('c')],                              A::QuitNow,       MAPPING,   "quit at once",                                               None),
    asked(&[ch('y')],                                  A::ConfirmYes,    ASKED,     "yes: drop the what-if and quit",                             Some("drop and quit")),
    asked(&[ch('n'), key(K::Esc)],                     A::ConfirmNo,     ASKED,     "no: keep working",                                           Some("keep it")),
    asked(&[ctrl('c')],                                A::QuitNow,       ASKED,     "quit at once",                                               None),
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
            Some(Action::QuitNow)
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
