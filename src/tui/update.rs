//! Input -> state. Keys go through the one table in [`super::keys`]; the
//! mouse selects and scrolls the pane under the pointer.

use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::app::{App, Pane, Target, Tone};
use super::keys::{self, Action, Mode};
use super::tree::{Item, NONE, Row};
use crate::engine::Event;

/// Rows moved by a page key in the help.
const HELP_PAGE: u16 = 10;

/// Rows moved by one wheel notch.
const WHEEL: usize = 3;

/// Apply one terminal event.
pub fn handle(app: &mut App, ev: &TermEvent) {
    match ev {
        TermEvent::Key(k) => key(app, k),
        TermEvent::Mouse(m) => mouse(app, m),
        _ => {}
    }
}

pub fn mode(app: &App) -> Mode {
    if app.confirm_quit {
        Mode::Confirm
    } else if app.map.is_some() {
        Mode::Map
    } else if app.help.is_some() || app.why.is_some() {
        Mode::Help
    } else if app.search.is_some() {
        Mode::Search
    } else {
        Mode::Normal
    }
}

fn key(app: &mut App, k: &KeyEvent) {
    if k.kind == KeyEventKind::Release {
        return;
    }
    let mode = mode(app);
    match keys::lookup(mode, k) {
        Some(action) => {
            if mode == Mode::Normal {
                app.message = None;
            }
            perform(app, mode, action);
        }
        None if mode == Mode::Search => {
            let pressed = keys::normalise(k);
            if let (KeyCode::Char(c), false) = (pressed.code, pressed.ctrl) {
                if let Some(s) = app.search.as_mut() {
                    s.query.push(c);
                }
                app.search_changed();
            }
        }
        // Anything but yes answers "drop the what-if?" with no.
        None if mode == Mode::Confirm => perform(app, mode, Action::ConfirmNo),
        None => {}
    }
}

/// Run an action from the key table.
pub fn perform(app: &mut App, mode: Mode, action: Action) {
    match mode {
        Mode::Help => {
            // The help and the why panel scroll alike; the drawing clamps
            // to the last page, so "a lot" is the end.
            let scroll = match (&mut app.help, &mut app.why) {
                (Some(s), _) => s,
                (None, Some(w)) => &mut w.scroll,
                (None, None) => return,
            };
            match action {
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Down => *scroll = scroll.saturating_add(1),
                Action::PageUp => *scroll = scroll.saturating_sub(HELP_PAGE),
                Action::PageDown => *scroll = scroll.saturating_add(HELP_PAGE),
                Action::Top => *scroll = 0,
                Action::Bottom => *scroll = u16::MAX,
                Action::QuitNow => app.quit = true,
                _ => {
                    if app.help.is_some() {
                        app.help = None;
                    } else {
                        app.why = None;
                    }
                }
            }
        }
        Mode::Search => match action {
            Action::SearchAccept => app.end_search(true),
            Action::SearchCancel => app.end_search(false),
            Action::SearchNext => app.search_step(true),
            Action::SearchPrev => app.search_step(false),
            Action::SearchDelete => {
                if let Some(s) = app.search.as_mut() {
                    s.query.pop();
                }
                app.search_changed();
            }
            Action::QuitNow => app.quit = true,
            _ => {}
        },
        Mode::Confirm => match action {
            Action::ConfirmYes | Action::QuitNow => app.quit = true,
            _ => {
                app.confirm_quit = false;
                app.say("kept the what-if", Tone::Info);
            }
        },
        Mode::Map => map_action(app, action),
        Mode::Normal => normal(app, action),
    }
}

/// Keys in the hall map: move between racks, open one, close.
fn map_action(app: &mut App, action: Action) {
    let racks = app.model.racks().len();
    let Some(m) = app.map.as_mut() else { return };
    let last = racks.saturating_sub(1);
    let line = m.per_line.max(1);
    match action {
        Action::Left => m.cursor = m.cursor.saturating_sub(1),
        Action::Right => m.cursor = (m.cursor + 1).min(last),
        Action::Up => m.cursor = m.cursor.saturating_sub(line),
        Action::Down => m.cursor = (m.cursor + line).min(last),
        Action::Activate => app.map_choose(),
        Action::Cancel => app.map = None,
        Action::QuitNow => app.quit = true,
        _ => {}
    }
}

fn normal(app: &mut App, action: Action) {
    match action {
        Action::Quit => app.request_quit(),
        Action::QuitNow => app.quit = true,
        Action::Cancel => app.cancel(),
        Action::Up => move_by(app, -1),
        Action::Down => move_by(app, 1),
        Action::PageUp => move_by(app, -(page(app) as isize)),
        Action::PageDown => move_by(app, page(app) as isize),
        Action::Top => move_by(app, isize::MIN / 2),
        Action::Bottom => move_by(app, isize::MAX / 2),
        Action::Left => left(app),
        Action::Right => right(app),
        Action::Activate => activate(app),
        Action::NextPane => cycle_pane(app, true),
        Action::PrevPane => cycle_pane(app, false),
        Action::Focus(p) => set_focus(app, p),
        Action::Search => app.start_search(),
        Action::Why => app.open_why(),
        Action::FilterSeverity => filter_severity(app),
        Action::FilterCode => filter_code(app),
        Action::HallMap => app.open_map(),
        Action::SearchNext => app.search_step(true),
        Action::SearchPrev => app.search_step(false),
        Action::Help => app.help = Some(0),
        Action::ToggleFail => toggle_fail(app),
        Action::ToggleShort => match app.short_target() {
            Ok(p) => app.toggle_event(Event::Short(p)),
            Err(msg) => app.say(msg, Tone::Warn),
        },
        Action::TripAbove => trip_above(app),
        Action::ToggleCommon => toggle_common(app),
        Action::ToggleOut => toggle_out(app),
        Action::Undo => {
            let changed = app.whatif.undo(&app.model);
            after_change(app, changed, "undone", "nothing to undo");
        }
        Action::SaveScenario => app.save_scenario(),
        Action::LoadScenario => app.load_scenario(),
        Action::Reset => {
            let changed = app.whatif.reset(&app.model);
            let done = "what-if cleared (u brings it back)";
            after_change(app, changed, done, "nothing to reset");
        }
        Action::ToggleCascade => {
            let on = !app.whatif.cascade();
            app.whatif.set_cascade(on, &app.model);
            app.refresh_radius();
            let text = if on {
                "overload cascade on: overloaded elements trip, round by round"
            } else {
                "overload cascade off: overloaded elements stay up (marked ▲)"
            };
            app.say(text, Tone::Info);
        }
        Action::PrevRack => app.switch_rack(false),
        Action::NextRack => app.switch_rack(true),
        Action::ExpandAll | Action::CollapseAll => {
            let g = app.model.graph();
            app.tree.expand_all(g, action == Action::ExpandAll);
            app.sync_from_tree();
        }
        Action::SearchAccept
        | Action::SearchCancel
        | Action::SearchDelete
        | Action::ConfirmYes
        | Action::ConfirmNo => {}
    }
}

/// Say what an undo or reset did, and recompute the radius if it did.
fn after_change(app: &mut App, changed: bool, done: &str, nothing: &str) {
    if changed {
        app.unsaved = true;
        app.refresh_radius();
    }
    app.say(if changed { done } else { nothing }, Tone::Info);
}

fn toggle_fail(app: &mut App) {
    let Some(t) = app.selected else {
        app.say("select an element, device, PSU or group first", Tone::Warn);
        return;
    };
    match app.model.fail_event(t) {
        Ok(e) => app.toggle_event(e),
        Err(msg) => app.say(msg, Tone::Warn),
    }
}

/// `F`: all findings, then only errors, warnings, notes, and all again.
fn filter_severity(app: &mut App) {
    use crate::diagnostic::Severity;
    let mut filter = app.model.filter;
    filter.severity = match filter.severity {
        None => Some(Severity::Error),
        Some(Severity::Error) => Some(Severity::Warning),
        Some(Severity::Warning) => Some(Severity::Note),
        Some(Severity::Note) => None,
    };
    set_filter(app, filter);
}

/// `C`: only the code of the findings row under the cursor, or every code.
fn filter_code(app: &mut App) {
    let mut filter = app.model.filter;
    filter.code = match filter.code {
        Some(_) => None,
        None => match app.model.row_finding(app.findings.cursor) {
            Some(f) => Some(f.code),
            None => {
                app.say("no findings row to take the code from", Tone::Warn);
                return;
            }
        },
    };
    set_filter(app, filter);
}

fn set_filter(app: &mut App, filter: crate::tui::answers::FindingsFilter) {
    app.model.set_filter(filter);
    app.findings.cursor = 0;
    app.findings.offset = 0;
    let n = app.model.rows.len();
    let rows = crate::wording::plural(n, "row", "rows");
    app.say(
        format!("findings: showing {} ({rows})", filter.describe()),
        Tone::Info,
    );
}

/// Take the selected element, device or PSU out of service for planned
/// work, or bring it back. The findings become the window's (what one
/// event does while it is out), as `check --out` reports them.
fn toggle_out(app: &mut App) {
    let Some(n) = app.selected_node() else {
        app.say(
            "select a power element, device or PSU to take out for planned work",
            Tone::Warn,
        );
        return;
    };
    let g = app.model.graph();
    let id = g.id(n).to_string();
    if g.is_service(n) {
        app.say(
            format!("{id} is a service: take out what it runs on"),
            Tone::Warn,
        );
        return;
    }
    let mut out = app.model.out.clone();
    let back = match out.iter().position(|&x| x == n) {
        Some(i) => {
            out.remove(i);
            true
        }
        None => {
            out.push(n);
            false
        }
    };
    app.model.set_out(out);
    app.whatif.recompute(&app.model);
    app.unsaved = true;
    app.refresh_radius();
    let window = app
        .model
        .window
        .as_ref()
        .map(|w| w.headline(&app.model.analysis));
    match window {
        Some(headline) if back => app.say(format!("{id} back in service; {headline}"), Tone::Info),
        Some(headline) => app.say(headline, Tone::Warn),
        None => app.say(
            format!("{id} back in service: no maintenance window open"),
            Tone::Info,
        ),
    }
}

/// Fail the protective device a short in the selected PSU would trip: the
/// plain "what if this server's breaker trips" question.
fn trip_above(app: &mut App) {
    let g = app.model.graph();
    // A breaker or a rated panel trips itself; anything else (a UPS, a
    // source) is not "the breaker protecting the selection": `f` fails it.
    let trips_itself = |n| {
        g.is_protective(n)
            && matches!(
                g.power_kind(n),
                Some(
                    crate::model::format::PowerKind::Breaker
                        | crate::model::format::PowerKind::Panel
                )
            )
    };
    if let Some(n) = app
        .selected_node()
        .filter(|&n| g.is_power(n) && !trips_itself(n))
    {
        let msg = format!(
            "{} is a {}, not a breaker: t trips the breaker protecting a device or PSU; f fails it",
            g.id(n),
            app.kind_label(n)
        );
        app.say(msg, Tone::Warn);
        return;
    }
    let protective = app.selected_node().filter(|&n| trips_itself(n));
    match protective.map_or_else(|| app.short_target(), Ok) {
        Ok(n) => match app.model.analysis.trip_event(n, app.whatif.cascade()) {
            Some(e) => app.toggle_event(e),
            None => {
                let msg = format!(
                    "{} is on a PDU with outlet breakers: only its own outlet would open (s shorts it)",
                    app.model.graph().id(n)
                );
                app.say(msg, Tone::Info);
            }
        },
        Err(_) => app.say(
            "select a device or PSU: t trips the breaker that protects it",
            Tone::Warn,
        ),
    }
}

fn toggle_common(app: &mut App) {
    let group = match app.selected {
        Some(Target::Common(g)) => Some(g),
        Some(Target::Node(n)) => crate::engine::impact::group_of(app.model.graph(), n),
        None => None,
    };
    match group {
        Some(g) => app.toggle_event(Event::Common(g)),
        None => app.say("the selection is in no common-cause group", Tone::Warn),
    }
}

fn page(app: &App) -> usize {
    app.areas
        .get(app.focus)
        .map(|r| r.height.saturating_sub(3) as usize)
        .unwrap_or(10)
        .max(1)
}

fn clamp_add(cur: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let next = cur as isize + delta;
    next.clamp(0, len as isize - 1) as usize
}

fn move_by(app: &mut App, delta: isize) {
    match app.focus {
        Pane::Tree => {
            app.tree.cursor = clamp_add(app.tree.cursor, delta, app.tree.rows.len());
            app.tree.follow = true;
            app.sync_from_tree();
        }
        Pane::Findings => {
            let f = &mut app.findings;
            f.cursor = clamp_add(f.cursor, delta, app.model.rows.len());
            f.follow = true;
        }
        Pane::Inspector => {
            let d = delta.clamp(-10_000, 10_000);
            app.inspector_scroll =
                (app.inspector_scroll as isize + d).clamp(0, u16::MAX as isize) as u16;
        }
        Pane::Rack => {
            let ds = app.rack_devices_top_down();
            if ds.is_empty() {
                return;
            }
            let g = app.model.graph();
            let cur = match app.selected {
                Some(Target::Node(n)) => {
                    let d = if g.is_psu(n) { g.device_of_psu(n) } else { n };
                    ds.iter().position(|&x| x == d)
                }
                _ => None,
            };
            let i = match cur {
                Some(i) => clamp_add(i, delta, ds.len()),
                None if delta < 0 => ds.len() - 1,
                None => 0,
            };
            app.select(Target::Node(ds[i]), NONE);
        }
    }
}

fn left(app: &mut App) {
    match app.focus {
        Pane::Tree => {
            let i = app.tree.cursor;
            let g = app.model.graph();
            if !app.tree.set_expanded(g, i, false) {
                if let Some(p) = app.tree.parent_row(i) {
                    app.tree.cursor = p;
                    app.tree.follow = true;
                    app.sync_from_tree();
                }
            }
        }
        Pane::Rack => app.switch_rack(false),
        Pane::Inspector | Pane::Findings => {}
    }
}

fn right(app: &mut App) {
    match app.focus {
        Pane::Tree => follow_or(app, |app, i, row| {
            if row.expandable && !row.expanded {
                let g = app.model.graph();
                app.tree.set_expanded(g, i, true);
            } else if row.expanded {
                move_by(app, 1);
            }
        }),
        Pane::Rack => app.switch_rack(true),
        Pane::Inspector | Pane::Findings => {}
    }
}

/// Jump from the cursor's row to the element's full row if it is a link;
/// else do `fold` with it.
fn follow_or(app: &mut App, fold: impl FnOnce(&mut App, usize, Row)) {
    let i = app.tree.cursor;
    let Some(row) = app.tree.rows.get(i).copied() else {
        return;
    };
    if row.link {
        jump_canonical(app, row.item);
    } else {
        fold(app, i, row);
    }
}

/// From a link row to the element's full row.
fn jump_canonical(app: &mut App, item: Item) {
    if let Some(t) = Target::from_item(item) {
        app.select(t, NONE);
    }
}

fn activate(app: &mut App) {
    match app.focus {
        Pane::Tree => follow_or(app, |app, i, row| {
            if row.expandable {
                let g = app.model.graph();
                app.tree.set_expanded(g, i, !row.expanded);
            }
        }),
        Pane::Findings => open_finding(app),
        Pane::Rack | Pane::Inspector => {
            app.focus = Pane::Tree;
        }
    }
}

/// Jump to a finding's subject and preview its event; the second Enter on
/// the same finding keeps the preview as a what-if event.
fn open_finding(app: &mut App) {
    let Some(f) = app.model.row_finding(app.findings.cursor) else {
        return;
    };
    let target = app.model.finding_target(f);
    let event = app.model.finding_event(f);
    if event.is_some() && app.whatif.preview == event {
        app.keep_preview();
        return;
    }
    if let Some(t) = target {
        app.select(t, NONE);
    }
    app.set_preview(event);
    match event {
        Some(e) => {
            let what = e.describe(app.model.graph());
            app.say(
                format!("previewing {what}: Enter again keeps it as a what-if, Esc drops it"),
                Tone::Info,
            );
        }
        None => {
            if let Some(t) = target {
                let id = app.model.target_id(t).to_string();
                app.say(
                    format!("{id}: its blast radius is in the inspector"),
                    Tone::Info,
                );
            }
        }
    }
}

fn cycle_pane(app: &mut App, forward: bool) {
    let all = Pane::ALL;
    let i = all.iter().position(|&p| p == app.focus).unwrap_or(0);
    let n = all.len();
    let next = if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    };
    set_focus(app, all[next]);
}

pub fn set_focus(app: &mut App, p: Pane) {
    app.focus = p;
    match p {
        Pane::Rack => app.narrow_shows_rack = true,
        Pane::Inspector => app.narrow_shows_rack = false,
        Pane::Tree | Pane::Findings => {}
    }
}

fn inside(r: Rect, x: u16, y: u16) -> bool {
    r.contains(Position { x, y })
}

fn mouse(app: &mut App, m: &MouseEvent) {
    // The hall map takes keys only: a click must not act on the panes
    // hidden under it.
    if app.confirm_quit || app.map.is_some() {
        return;
    }
    if app.help.is_some() || app.why.is_some() {
        match m.kind {
            MouseEventKind::ScrollUp => perform(app, Mode::Help, Action::Up),
            MouseEventKind::ScrollDown => perform(app, Mode::Help, Action::Down),
            MouseEventKind::Down(_) => perform(app, Mode::Help, Action::Cancel),
            _ => {}
        }
        return;
    }
    if app.search.is_some() {
        return;
    }
    let (x, y) = (m.column, m.row);
    let Some((pane, rect)) = Pane::ALL.iter().find_map(|&p| {
        app.areas
            .get(p)
            .filter(|&r| inside(r, x, y))
            .map(|r| (p, r))
    }) else {
        return;
    };
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            app.message = None;
            set_focus(app, pane);
            click(app, pane, rect, y);
        }
        MouseEventKind::ScrollUp => scroll(app, pane, -(WHEEL as isize)),
        MouseEventKind::ScrollDown => scroll(app, pane, WHEEL as isize),
        _ => {}
    }
}

fn click(app: &mut App, pane: Pane, rect: Rect, y: u16) {
    // Every pane has a one-cell border.
    if y <= rect.y || y + 1 >= rect.y + rect.height {
        return;
    }
    let line = (y - rect.y - 1) as usize;
    match pane {
        Pane::Tree => {
            let i = app.tree.offset + line;
            if i >= app.tree.rows.len() {
                return;
            }
            if i == app.tree.cursor {
                activate(app);
            } else {
                app.tree.cursor = i;
                app.sync_from_tree();
            }
        }
        Pane::Findings => {
            let i = app.findings.offset + line;
            if i >= app.model.rows.len() || app.reload_error.is_some() {
                return;
            }
            if i == app.findings.cursor {
                open_finding(app);
            } else {
                app.findings.cursor = i;
            }
        }
        Pane::Rack => {
            if y < app.areas.rack_first_y {
                return;
            }
            let down = (y - app.areas.rack_first_y) as u32;
            let Some(u) = app.areas.rack_top_u.checked_sub(down) else {
                return;
            };
            if let Some(d) = device_at(app, u) {
                app.select(Target::Node(d), NONE);
            }
        }
        Pane::Inspector => {}
    }
}

/// The device of the current rack occupying unit `u`.
pub fn device_at(app: &App, u: u32) -> Option<crate::engine::NodeId> {
    let r = app.rack?;
    app.model.racks()[r].devices().find(|&d| {
        app.model
            .device(d)
            .is_some_and(|x| x.u <= u && u < x.u.saturating_add(x.height_u))
    })
}

fn scroll(app: &mut App, pane: Pane, delta: isize) {
    let add = |v: usize| (v as isize + delta).max(0) as usize;
    match pane {
        Pane::Tree => {
            app.tree.offset = add(app.tree.offset);
            app.tree.follow = false;
        }
        Pane::Findings => {
            app.findings.offset = add(app.findings.offset);
            app.findings.follow = false;
        }
        Pane::Inspector => {
            app.inspector_scroll = add(app.inspector_scroll as usize).min(u16::MAX as usize) as u16;
        }
        Pane::Rack => {
            app.rack_offset = add(app.rack_offset as usize).min(u32::MAX as usize) as u32;
            app.rack_follow = false;
        }
    }
}
