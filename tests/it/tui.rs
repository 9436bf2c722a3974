//! The TUI: each view drawn on a TestBackend (the snapshots are the
//! Buffer's Debug output, so colours and modifiers are pinned too), a
//! what-if driven by keys through the real app state, live reload, tiny
//! terminals, and the real binary in a pseudo-terminal.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use faultline::engine::Event as WhatIfEvent;
use faultline::tui::app::Pane;
use faultline::tui::{App, Source, update, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::util;

/// The format page's example, by a relative path so snapshots do not
/// depend on where the repository is checked out (tests run in its root).
pub(crate) fn example() -> App {
    let path = PathBuf::from("tests/fixtures/format-example.ron");
    App::new(util::load(&path), Source::File(path))
}

pub(crate) fn demo() -> App {
    let loaded = faultline::tui::demo()
        .unwrap_or_else(|e| panic!("the demo must load:\n{}", e.render(false)));
    App::new(loaded, Source::Builtin)
}

pub(crate) fn press(app: &mut App, code: KeyCode) {
    update::handle(app, &Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub(crate) fn type_keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// `/query` then Enter: select the best match.
pub(crate) fn search(app: &mut App, query: &str) {
    press(app, KeyCode::Char('/'));
    type_keys(app, query);
    press(app, KeyCode::Enter);
}

/// Draw after the deferred work is done, as the event loop does when idle.
pub(crate) fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    app.settle();
    let mut t = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    t.draw(|f| views::draw(f, app)).expect("draw");
    t
}

/// The buffer with its styles, for snapshots.
pub(crate) fn styled(app: &mut App, width: u16, height: u16) -> String {
    format!("{:?}", draw(app, width, height).backend().buffer())
}

/// Just the characters, for assertions.
pub(crate) fn text(app: &mut App, width: u16, height: u16) -> String {
    let t = draw(app, width, height);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

pub(crate) fn selected_id(app: &App) -> String {
    app.selected
        .map(|t| app.model.target_id(t).to_string())
        .unwrap_or_default()
}

#[test]
fn view_wide_all_panes() {
    let mut app = example();
    search(&mut app, "mail");
    insta::assert_snapshot!("tui_wide_all_panes", styled(&mut app, 120, 30));
}

#[test]
fn view_medium_tree_inspector_findings() {
    let mut app = example();
    search(&mut app, "cb-a");
    insta::assert_snapshot!("tui_medium", styled(&mut app, 80, 24));
}

#[test]
fn view_rack_elevation_alone_when_narrow() {
    let mut app = example();
    search(&mut app, "controller");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Rack);
    insta::assert_snapshot!("tui_narrow_rack", styled(&mut app, 50, 30));
}

#[test]
fn view_findings_alone_when_narrow() {
    let mut app = example();
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.focus, Pane::Findings);
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("tui_narrow_findings", styled(&mut app, 60, 16));
}

#[test]
fn view_inspector_of_a_transfer_switch() {
    let mut app = example();
    search(&mut app, "ats");
    for _ in 0..2 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.focus, Pane::Inspector);
    insta::assert_snapshot!("tui_inspector_ats", styled(&mut app, 60, 24));
}

#[test]
fn view_help_is_the_key_table() {
    let mut app = example();
    press(&mut app, KeyCode::Char('?'));
    let screen = text(&mut app, 100, 100);
    for b in faultline::tui::keys::BINDINGS {
        assert!(
            screen.contains(b.help),
            "help lacks {:?}:\n{screen}",
            b.help
        );
    }
    insta::assert_snapshot!("tui_help", styled(&mut app, 100, 60));
    press(&mut app, KeyCode::Esc);
    assert!(app.help.is_none());
    assert!(!app.quit, "Esc closes the help, it does not quit");
}

#[test]
fn view_search_matches_incrementally() {
    let mut app = example();
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "pdu");
    assert_eq!(
        selected_id(&app),
        "pdu-a",
        "the first match is selected while typing"
    );
    press(&mut app, KeyCode::Down);
    assert_eq!(selected_id(&app), "pdu-b");
    insta::assert_snapshot!("tui_search", styled(&mut app, 100, 24));
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        selected_id(&app),
        "utility",
        "Esc goes back to where the search started"
    );
}

/// The what-if the issue describes: select, fail, short, undo, reset; every
/// step recolours everything and the summary names critical services first.
#[test]
fn what_if_sequence_by_keys() {
    let mut app = example();
    search(&mut app, "cb-a");
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.whatif.outcome.down.critical.len(), 1);
    insta::assert_snapshot!("tui_whatif_1_fail_cb_a", styled(&mut app, 120, 30));

    // A short in mail's PSU on pdu-b trips the breaker above it (cb-b):
    // with cb-a already failed, mail loses both feeds.
    search(&mut app, "mail/psu2");
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.whatif.events.len(), 2);
    let screen = text(&mut app, 160, 30);
    assert!(screen.contains("CRITICAL DOWN: vpn-gateway"), "{screen}");
    assert!(screen.contains("tripped: cb-b (short)"), "{screen}");
    // Narrower, the bar gives up whole segments' detail, never a word.
    let screen = text(&mut app, 120, 30);
    assert!(screen.contains("CRITICAL DOWN: vpn-gateway"), "{screen}");
    assert!(screen.contains("tripped: 1 │"), "{screen}");
    insta::assert_snapshot!("tui_whatif_2_short_mail_psu2", styled(&mut app, 120, 30));

    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.whatif.events.len(), 1, "undo steps back one change");
    insta::assert_snapshot!("tui_whatif_3_undo", styled(&mut app, 120, 30));

    press(&mut app, KeyCode::Char('r'));
    assert!(app.whatif.events.is_empty());
    let screen = text(&mut app, 120, 30);
    assert!(screen.contains("AS DESIGNED"), "{screen}");
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.whatif.events.len(), 1, "a reset can be undone too");
}

#[test]
fn toggling_the_same_event_restores_it() {
    let mut app = example();
    search(&mut app, "pdu-a");
    press(&mut app, KeyCode::Char(' '));
    assert!(!app.whatif.outcome.impact.down.is_empty());
    press(&mut app, KeyCode::Char(' '));
    assert!(app.whatif.events.is_empty());
    assert!(app.whatif.outcome.impact.down.is_empty());
}

#[test]
fn services_cannot_fail_and_say_why() {
    let mut app = example();
    search(&mut app, "vpn-gateway");
    press(&mut app, KeyCode::Char('f'));
    assert!(app.whatif.events.is_empty());
    let (msg, _) = app.message.clone().expect("a message");
    assert!(msg.contains("services do not fail by themselves"), "{msg}");
}

#[test]
fn findings_enter_jumps_and_previews_then_keeps() {
    let mut app = example();
    // The pane's rows are blocks, as `check` prints them.
    let i = (0..app.model.rows.len())
        .find(|&r| {
            app.model
                .row_finding(r)
                .is_some_and(|f| f.code == "spof" && f.event.is_some())
        })
        .expect("the example has a spof");
    let subject = app.model.row_finding(i).unwrap().subject.clone();
    app.focus = Pane::Findings;
    app.findings.cursor = i;
    press(&mut app, KeyCode::Enter);
    assert_eq!(selected_id(&app), subject, "Enter jumps to the subject");
    assert!(app.whatif.preview.is_some(), "and previews its event");
    assert!(app.whatif.events.is_empty());
    assert!(!app.whatif.outcome.down.critical.is_empty());
    press(&mut app, KeyCode::Enter);
    assert!(app.whatif.preview.is_none());
    assert_eq!(app.whatif.events.len(), 1, "a second Enter keeps it");
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit, "Esc never quits (issue 18)");
    assert_eq!(app.whatif.events.len(), 1);
}

#[test]
fn tree_folds_with_arrows_and_links_jump_to_the_full_row() {
    let mut app = example();
    let rows = app.tree.rows.len();
    press(&mut app, KeyCode::Left);
    assert!(app.tree.rows.len() < rows, "← collapses the root");
    press(&mut app, KeyCode::Right);
    assert_eq!(app.tree.rows.len(), rows, "→ expands it again");
    // gen's only child is a link to ats (shown in full under utility).
    search(&mut app, "gen");
    press(&mut app, KeyCode::Down);
    assert!(app.tree.current().is_some_and(|r| r.link));
    press(&mut app, KeyCode::Enter);
    let row = app.tree.current().copied().expect("a row");
    assert!(!row.link);
    assert_eq!(selected_id(&app), "ats");
}

#[test]
fn mouse_selects_and_scrolls() {
    let mut app = example();
    let _ = draw(&mut app, 120, 30);
    let tree = app.areas.get(Pane::Tree).expect("tree on screen");
    let click = |row: u16, kind| {
        Event::Mouse(MouseEvent {
            kind,
            column: tree.x + 4,
            row: tree.y + 1 + row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update::handle(&mut app, &click(2, MouseEventKind::Down(MouseButton::Left)));
    assert_eq!(app.tree.cursor, 2);
    assert_eq!(selected_id(&app), "ups");
    update::handle(&mut app, &click(2, MouseEventKind::ScrollDown));
    assert_eq!(app.tree.offset, 3);
    let _ = draw(&mut app, 120, 30);
    assert!(app.tree.offset <= app.tree.rows.len());
    // A click in the rack selects the device at that unit.
    let rack = app.areas.get(Pane::Rack).expect("rack on screen");
    let u40 = app.areas.rack_first_y + (app.areas.rack_top_u - 40) as u16;
    update::handle(
        &mut app,
        &Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: rack.x + 5,
            row: u40,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(selected_id(&app), "office-router");
    assert_eq!(app.focus, Pane::Rack);
}

#[test]
fn tiny_terminals_show_a_notice_and_never_panic() {
    let mut app = demo();
    for w in 1..=41 {
        for h in 1..=11 {
            let screen = text(&mut app, w, h);
            if w >= 20 && h >= 5 && (w < 40 || h < 10) {
                assert!(screen.starts_with("faultline needs"), "{w}x{h}:\n{screen}");
            }
        }
    }
    // Overlays at the smallest real size too.
    press(&mut app, KeyCode::Char('?'));
    let _ = text(&mut app, 40, 10);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_keys(&mut app, "k8s");
    let _ = text(&mut app, 40, 10);
}

/// The Done-when of the issue, on the state: find the management router
/// with `/`, trip its breaker, read which services go down.
#[test]
fn demo_management_router_breaker() {
    let mut app = demo();
    search(&mut app, "mgmt-r");
    assert_eq!(selected_id(&app), "mgmt-router");
    press(&mut app, KeyCode::Char('t'));
    let g = app.model.graph();
    let breaker = g.node("cb-a-r01").expect("the demo has cb-a-r01");
    assert_eq!(app.whatif.events, vec![WhatIfEvent::Fail(breaker)]);
    let screen = text(&mut app, 140, 40);
    assert!(screen.contains("CRITICAL DOWN: erp"), "{screen}");
    assert!(screen.contains("mgmt"), "{screen}");
}

/// A layout file in a fresh temporary directory.
struct TempLayout {
    dir: PathBuf,
    path: PathBuf,
}

impl TempLayout {
    fn new(name: &str, text: &str) -> TempLayout {
        let dir = std::env::temp_dir().join(format!("faultline-tui-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("layout.ron");
        std::fs::write(&path, text).expect("write layout");
        TempLayout { dir, path }
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.path, text).expect("write layout");
    }
}

impl Drop for TempLayout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn open(path: &Path) -> App {
    App::new(util::load(path), Source::File(path.to_path_buf()))
}

#[test]
fn live_reload_keeps_selection_and_events_and_survives_bad_files() {
    let original = std::fs::read_to_string(util::fixture("format-example.ron")).expect("fixture");
    let file = TempLayout::new("reload", &original);
    let mut app = open(&file.path);
    search(&mut app, "cb-a");
    press(&mut app, KeyCode::Char('f'));
    search(&mut app, "mail");

    // A new device: events and selection carry over by id.
    let grown = original.replace(
        "Device(id: \"mail\"",
        "Device(id: \"spare\", kind: Server, u: 10, draw_w: 100, psus: [(feed: \"pdu-b\")]),\n            Device(id: \"mail\"",
    );
    file.write(&grown);
    assert!(reloads(&mut app), "a changed file is noticed");
    assert!(app.reload_error.is_none());
    assert!(app.model.graph().node("spare").is_some());
    assert_eq!(selected_id(&app), "mail");
    assert_eq!(app.whatif.events.len(), 1);
    std::thread::sleep(Duration::from_millis(400));
    assert!(!app.poll_reload(), "an unchanged file is not read again");

    // Broken: the last good model stays, the diagnostics are on screen.
    file.write("Layout(name: \"half-saved\", power: [");
    assert!(reloads(&mut app));
    assert!(app.reload_error.is_some());
    assert!(app.model.graph().node("spare").is_some());
    assert_eq!(app.whatif.events.len(), 1);
    let screen = text(&mut app, 120, 30);
    assert!(screen.contains("The file on disk is invalid"), "{screen}");
    let narrow = text(&mut app, 60, 20);
    assert!(narrow.contains("The file on disk is invalid"), "{narrow}");

    // Fixed, but cb-a renamed: its event no longer applies and is dropped.
    file.write(&original.replace("\"cb-a\"", "\"cb-a2\""));
    assert!(reloads(&mut app));
    assert!(app.reload_error.is_none());
    assert!(app.whatif.events.is_empty());
    let (msg, _) = app.message.clone().expect("a message");
    assert!(msg.contains("no longer applies: fail cb-a"), "{msg}");
    assert_eq!(selected_id(&app), "mail");
    assert_eq!(
        std::fs::read_to_string(&file.path).unwrap(),
        original.replace("\"cb-a\"", "\"cb-a2\"")
    );

    // Deleted: not "invalid", just gone; the model stays until it is back.
    std::fs::remove_file(&file.path).expect("remove");
    assert!(reloads(&mut app));
    assert!(app.reload_error.is_none(), "a removed file is not invalid");
    let (msg, _) = app.message.clone().expect("a message");
    assert!(msg.contains("was removed"), "{msg}");
    assert!(app.model.graph().node("cb-a2").is_some());
    file.write(&original);
    assert!(reloads(&mut app));
    assert!(app.model.graph().node("cb-a").is_some());
    assert_eq!(selected_id(&app), "mail");

    // Saved as editors do: a new file renamed over the old one.
    let fresh = file.path.with_extension("ron.swp");
    std::fs::write(&fresh, original.replace("\"mail\"", "\"mail-2\"")).expect("write");
    std::fs::rename(&fresh, &file.path).expect("rename");
    assert!(reloads(&mut app), "a rename-save is noticed");
    assert!(app.model.graph().node("mail-2").is_some());
}

/// Wait for the watcher to report the change just made, and reload.
fn reloads(app: &mut App) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if app.poll_reload() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

// ---- the real binary ----------------------------------------------------

#[test]
fn binary_refuses_a_pipe_and_bad_files_before_touching_the_terminal() {
    let run = util::faultline(&["tests/fixtures/format-example.ron"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("faultline check"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing on stdout: {:?}", run.stdout);

    let run = util::faultline(&["tui", "tests/fixtures/no-such-file.ron"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no such file"), "{}", run.stderr);
    assert!(
        !run.stdout.contains("\x1b["),
        "no escape codes for a bad file"
    );
}

/// Bytes from the pseudo-terminal, parsed into a screen.
pub(crate) struct Pty {
    rx: mpsc::Receiver<Vec<u8>>,
    screen: vt100::Parser,
    raw: Vec<u8>,
    writer: Box<dyn Write + Send>,
}

impl Pty {
    fn pump(&mut self, wait: Duration) {
        if let Ok(bytes) = self.rx.recv_timeout(wait) {
            self.screen.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
    }

    pub(crate) fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Everything the program wrote so far, escapes and all (what was
    /// drawn and then erased, such as a progress line).
    pub(crate) fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// Wait until the screen shows `what`.
    pub(crate) fn expect(&mut self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.contents().contains(what) {
            assert!(
                Instant::now() < deadline,
                "never saw {what:?} on:\n{}",
                self.contents()
            );
            self.pump(Duration::from_millis(50));
        }
    }

    pub(crate) fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }
}

pub(crate) fn spawn_in_pty(args: &[&str]) -> (Pty, Box<dyn portable_pty::Child + Send + Sync>) {
    spawn_command_in_pty(env!("CARGO_BIN_EXE_faultline"), args)
}

pub(crate) fn spawn_command_in_pty(
    program: &str,
    args: &[&str],
) -> (Pty, Box<dyn portable_pty::Child + Send + Sync>) {
    spawn_sized_in_pty(program, args, 40, 140)
}

pub(crate) fn spawn_sized_in_pty(
    program: &str,
    args: &[&str],
    rows: u16,
    cols: u16,
) -> (Pty, Box<dyn portable_pty::Child + Send + Sync>) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(program);
    cmd.args(args);
    cmd.cwd(util::root());
    cmd.env("TERM", "xterm-256color");
    let child = pair.slave.spawn_command(cmd).expect("spawn faultline");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let writer = pair.master.take_writer().expect("pty writer");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _master = pair.master;
        let mut buf = [0u8; 16384];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let pty = Pty {
        rx,
        screen: vt100::Parser::new(
            std::num::NonZeroU16::new(rows).expect("rows"),
            std::num::NonZeroU16::new(cols).expect("cols"),
            0,
        ),
        raw: Vec::new(),
        writer,
    };
    (pty, child)
}

pub(crate) fn wait_exit(
    child: &mut Box<dyn portable_pty::Child + Send + Sync>,
    pty: &mut Pty,
) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            // Collect what is still in flight (the terminal restore).
            for _ in 0..10 {
                pty.pump(Duration::from_millis(20));
            }
            return status.exit_code();
        }
        assert!(Instant::now() < deadline, "faultline did not exit");
        pty.pump(Duration::from_millis(50));
    }
}

/// The whole program in a real terminal: find a server, trip its breaker
/// by keys, read the blast radius off the screen, quit, and find the
/// terminal restored.
#[test]
fn pty_trip_a_breaker_by_keys() {
    let (mut pty, mut child) = spawn_in_pty(&["tests/fixtures/format-example.ron"]);
    pty.expect("Power tree");
    pty.expect("AS DESIGNED");
    pty.send("/controller\r");
    pty.expect("needs 1 of 1 PSUs");
    pty.send("t");
    pty.expect("WHAT-IF");
    pty.expect("fail cb-a");
    pty.expect("CRITICAL DOWN: vpn-gateway");
    pty.expect("cb-a  breaker  failed");
    pty.send("q");
    pty.expect("drop 1 what-if event? y/n");
    pty.send("y");
    let code = wait_exit(&mut child, &mut pty);
    assert_eq!(code, 0);
    let raw = String::from_utf8_lossy(&pty.raw);
    assert!(raw.contains("\x1b[?1049h"), "entered the alternate screen");
    assert!(raw.contains("\x1b[?1049l"), "and left it");
    assert!(
        !pty.screen.screen().alternate_screen(),
        "back on the main screen"
    );
}

/// SIGHUP (the terminal closing) restores the terminal too.
#[test]
fn pty_sighup_restores_the_terminal() {
    let (mut pty, mut child) = spawn_in_pty(&[]);
    pty.expect("Demo hall");
    child.clone_killer().kill().expect("send SIGHUP");
    let code = wait_exit(&mut child, &mut pty);
    assert_eq!(code, 128 + 1, "exit status 128 + SIGHUP");
    let raw = String::from_utf8_lossy(&pty.raw);
    assert!(raw.contains("\x1b[?1049l"), "left the alternate screen");
    assert!(!pty.screen.screen().alternate_screen());
}

#[test]
fn the_demo_is_what_the_binary_shows_and_it_is_the_file() {
    let on_disk = std::fs::read_to_string(util::layout_path("demo.ron")).expect("layouts/demo.ron");
    assert_eq!(faultline::tui::DEMO, on_disk);
}

/// Every shipped layout, every key of the table in every pane, drawn at a
/// few sizes: nothing panics and the what-if always resets cleanly.
#[test]
fn every_layout_survives_every_key() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(util::layout_path("incidents"))
        .expect("layouts/incidents")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    paths.push(PathBuf::from("tests/fixtures/format-example.ron"));
    let keys: Vec<KeyCode> = "jjjfstcueEjjj[]o?jq/k"
        .chars()
        .map(KeyCode::Char)
        .chain([
            KeyCode::Enter,
            KeyCode::Right,
            KeyCode::Down,
            KeyCode::Enter,
            KeyCode::PageDown,
            KeyCode::End,
            KeyCode::Left,
            KeyCode::Home,
        ])
        .collect();
    for path in paths {
        let mut app = open(&path);
        for pane in 0..4 {
            for (i, &k) in keys.iter().enumerate() {
                if app.help.is_some() || app.search.is_some() {
                    press(&mut app, KeyCode::Esc);
                }
                press(&mut app, k);
                app.quit = false;
                if i % 5 == 0 {
                    let _ = text(&mut app, [120, 80, 50][i % 3], [40, 24, 12][(i + pane) % 3]);
                }
            }
            press(&mut app, KeyCode::Tab);
        }
        press(&mut app, KeyCode::Char('r'));
        assert!(app.whatif.events.is_empty(), "{}", path.display());
        assert!(
            app.whatif.outcome.impact.down.is_empty(),
            "{}",
            path.display()
        );
    }
}

/// SIGTERM (a service manager, `kill`) restores the terminal too.
#[test]
fn pty_sigterm_restores_the_terminal() {
    let (mut pty, mut child) = spawn_in_pty(&[]);
    pty.expect("Demo hall");
    let pid = child.process_id().expect("a pid");
    // The shell's own `kill`: no procps needed.
    let kill = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .expect("run kill");
    assert!(kill.success());
    let code = wait_exit(&mut child, &mut pty);
    assert_eq!(code, 128 + 15, "exit status 128 + SIGTERM");
    let raw = String::from_utf8_lossy(&pty.raw);
    assert!(raw.contains("\x1b[?1049l"), "left the alternate screen");
    assert!(!pty.screen.screen().alternate_screen());
}

/// A terminal that goes away without a SIGHUP reaching faultline (it runs
/// in a session of its own, as under some multiplexers) must not leave it
/// spinning on a dead pty: it notices and exits.
#[test]
fn pty_gone_without_a_hangup_signal_ends_the_program() {
    // `sh` ignores SIGHUP and hands that on to `setsid`, which waits for
    // faultline in a new session: no hangup signal reaches either when
    // the terminal closes.
    let bin = env!("CARGO_BIN_EXE_faultline");
    let script = format!("trap '' HUP; exec setsid -w '{bin}'");
    let (mut pty, mut child) = spawn_command_in_pty("sh", &["-c", &script]);
    pty.expect("Demo hall");
    // Close our side of the terminal.
    drop(pty);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            // 129 when the watchdog notices first, 1 when drawing to the
            // dead terminal fails first ("terminal error: ...").
            let code = status.exit_code();
            assert!(matches!(code, 1 | 129), "exit status {code}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "faultline kept running on a dead terminal"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A device with `psus: []` (an uncabled import): its inspector, the
/// findings pane and a what-if above it draw without a panic, and the
/// findings pane names it.
#[test]
fn a_device_with_no_power_path_is_shown_and_can_be_explored() {
    let path = PathBuf::from("src/code/examples/no-power-path.ron");
    let mut app = App::new(util::load(&path), Source::File(path));
    let screen = text(&mut app, 160, 40);
    assert!(
        screen.contains("Findings 1 in 1 block: 1 warning")
            && screen.contains("device spare-7 has no power path"),
        "{screen}"
    );
    search(&mut app, "spare-7");
    assert_eq!(selected_id(&app), "spare-7");
    let screen = text(&mut app, 160, 40);
    assert!(screen.contains("spare-7"), "{screen}");
    search(&mut app, "cb-1");
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.whatif.events.len(), 1);
    for (w, h) in [(160, 40), (80, 24), (40, 12)] {
        text(&mut app, w, h);
    }
}
