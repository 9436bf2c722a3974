//! The TUI as a planning session meets it (issue 18): keys that forgive,
//! panes that degrade visibly, why-paths. Each defect the issue lists has
//! a test here that failed before its fix.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use crate::tui::{demo, press, search, spawn_sized_in_pty, text, wait_exit};
use faultline::tui::update;

fn ctrl(app: &mut faultline::tui::App, c: char) {
    update::handle(
        app,
        &Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    );
}

#[test]
fn esc_never_quits_and_keeps_the_what_if() {
    let mut app = demo();
    search(&mut app, "mgmt-r");
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(app.whatif.events.len(), 1);
    for _ in 0..3 {
        press(&mut app, KeyCode::Esc);
        assert!(!app.quit, "Esc must never quit");
    }
    assert_eq!(app.whatif.events.len(), 1, "Esc keeps the what-if");
    assert!(app.selected.is_none(), "Esc clears the selection");
}

#[test]
fn q_asks_before_dropping_a_what_if() {
    let mut app = demo();
    search(&mut app, "mgmt-r");
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "q with a what-if asks first");
    let screen = text(&mut app, 100, 30);
    assert!(screen.contains("drop 1 what-if event? y/n"), "{screen}");
    press(&mut app, KeyCode::Char('n'));
    assert!(!app.quit);
    assert_eq!(app.whatif.events.len(), 1, "n keeps it");
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit, "Esc at the question is no");
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('x'));
    assert!(!app.quit, "any other key is no");
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit, "y quits");
}

#[test]
fn q_quits_at_once_with_nothing_to_lose_and_ctrl_c_always() {
    let mut app = demo();
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = demo();
    search(&mut app, "mgmt-r");
    press(&mut app, KeyCode::Char('t'));
    ctrl(&mut app, 'c');
    assert!(app.quit, "Ctrl-C quits at once, what-if or not");
    let mut app = demo();
    press(&mut app, KeyCode::Char('?'));
    ctrl(&mut app, 'c');
    assert!(app.quit, "Ctrl-C quits from the help too");
}

#[test]
fn help_scrolls_to_its_end_with_an_indicator() {
    let mut app = demo();
    press(&mut app, KeyCode::Char('?'));
    let top = text(&mut app, 80, 24);
    assert!(top.contains("↓"), "a scroll indicator at the top:\n{top}");
    assert!(!top.contains("wheel"), "{top}");
    for _ in 0..200 {
        press(&mut app, KeyCode::Down);
    }
    let end = text(&mut app, 80, 24);
    assert!(
        end.contains("wheel"),
        "the Mouse section is reachable:\n{end}"
    );
    assert!(end.contains("↑"), "{end}");
    // The last binding of the table is reachable too.
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::End);
    let end = text(&mut app, 80, 24);
    assert!(end.contains("scroll the pane under the pointer"), "{end}");
}

/// The issue's own sequence in a real terminal at 80x24.
#[test]
fn pty_esc_twice_keeps_the_what_if_and_q_asks() {
    let (mut pty, mut child) = spawn_sized_in_pty(env!("CARGO_BIN_EXE_faultline"), &[], 24, 80);
    pty.expect("Power tree");
    pty.send("/mgmt-r\r");
    pty.send("t");
    pty.expect("WHAT-IF");
    pty.send("\x1b");
    std::thread::sleep(std::time::Duration::from_millis(300));
    pty.send("\x1b");
    pty.expect("selection cleared");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.try_wait().expect("wait").is_none(), "still running");
    assert!(pty.contents().contains("WHAT-IF"), "{}", pty.contents());
    pty.send("q");
    pty.expect("drop 1 what-if event? y/n");
    pty.send("n");
    pty.expect("kept the what-if");
    assert!(pty.contents().contains("WHAT-IF"));
    pty.send("q");
    pty.expect("drop 1 what-if event? y/n");
    pty.send("y");
    assert_eq!(wait_exit(&mut child, &mut pty), 0);
}
