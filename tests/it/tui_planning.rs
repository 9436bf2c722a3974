//! The TUI as a planning session meets it (issue 18): keys that forgive,
//! panes that degrade visibly, why-paths. Each defect the issue lists has
//! a test here that failed before its fix.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use crate::tui::{demo, open, press, search, spawn_sized_in_pty, text, wait_exit};
use faultline::tui::app::Pane;
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

/// The sizes the issue was tried at, and the smallest the view accepts.
const SIZES: [(u16, u16); 6] = [
    (40, 10),
    (60, 20),
    (80, 24),
    (100, 30),
    (160, 48),
    (200, 60),
];

fn long_ids() -> faultline::tui::App {
    open(std::path::Path::new("tests/fixtures/long-ids.ron"))
}

/// A short plus a common cause: the status bar's worst case in the issue.
fn short_and_common(app: &mut faultline::tui::App, psu: &str) {
    search(app, psu);
    press(app, KeyCode::Char('s'));
    search(app, "stor-fw");
    press(app, KeyCode::Char('c'));
    assert_eq!(app.whatif.events.len(), 2);
}

/// Rows of the screen (the first line is the header, the last two the
/// status bar).
fn rows(screen: &str) -> Vec<&str> {
    screen.lines().collect()
}

#[test]
fn every_size_pinned_with_long_ids_and_a_what_if() {
    for (name, mut app) in [("demo", demo()), ("long_ids", long_ids())] {
        let psu = if name == "demo" {
            "db-1/psu1"
        } else {
            "db-server-hall2-rowA-node1/psu1"
        };
        short_and_common(&mut app, psu);
        search(
            &mut app,
            if name == "demo" {
                "pdu-r04-a"
            } else {
                "rack04-sideA"
            },
        );
        for (w, h) in SIZES {
            insta::assert_snapshot!(format!("tui_size_{name}_{w}x{h}"), text(&mut app, w, h));
        }
    }
}

#[test]
fn every_pane_is_reachable_at_every_size_and_hidden_ones_are_named() {
    for (w, h) in SIZES {
        let mut app = demo();
        let screen = text(&mut app, w, h);
        let header = rows(&screen)[0];
        let hidden: Vec<Pane> = Pane::ALL
            .into_iter()
            .filter(|&p| app.areas.get(p).is_none())
            .collect();
        if hidden.is_empty() {
            assert!(!header.contains("hidden"), "{w}x{h}: {header}");
        }
        for p in hidden {
            let key = (Pane::ALL.iter().position(|&x| x == p).unwrap() + 1).to_string();
            assert!(header.contains("hidden"), "{w}x{h}: {header}");
            assert!(
                header.contains(&key),
                "{w}x{h}: {p:?} not named in {header}"
            );
            press(&mut app, KeyCode::Char(key.chars().next().unwrap()));
            let _ = text(&mut app, w, h);
            assert!(app.areas.get(p).is_some(), "{w}x{h}: key {key} shows {p:?}");
        }
    }
}

#[test]
fn sibling_ids_stay_different_when_shortened() {
    let mut app = demo();
    search(&mut app, "pdu-r01-b");
    let screen = text(&mut app, 80, 24);
    assert!(!screen.contains("pdu-r0…"), "cut at the end:\n{screen}");
    assert!(screen.contains("01-b"), "{screen}");
    let mut app = demo();
    search(&mut app, "pdu-r01-a");
    let screen = text(&mut app, 80, 24);
    assert!(screen.contains("01-a"), "{screen}");
    // Long ids: the rack header keeps both PDUs, told apart.
    let mut app = long_ids();
    search(&mut app, "rack04-sideA");
    for (w, h) in [(160, 48), (200, 60)] {
        let screen = text(&mut app, w, h);
        assert!(
            screen.contains("sideA") && screen.contains("B● "),
            "{w}x{h}:\n{screen}"
        );
        let rack_line = rows(&screen)[2];
        assert!(rack_line.contains("sideB"), "{w}x{h}: {rack_line}");
    }
}

#[test]
fn rack_pane_grows_with_its_ids() {
    let mut app = long_ids();
    search(&mut app, "db-server-hall2-rowA-node1");
    let screen = text(&mut app, 200, 60);
    let rack = app
        .areas
        .get(Pane::Rack)
        .expect("a rack pane at 200 columns");
    assert!(rack.width > 30, "the rack pane is sized to its content");
    assert!(screen.contains("db-server-hall2-rowA-node1"), "{screen}");
}

#[test]
fn status_bar_drops_whole_segments_never_mid_word() {
    let mut app = demo();
    short_and_common(&mut app, "db-1/psu1");
    for w in [60u16, 80, 100, 120, 160, 200] {
        let screen = text(&mut app, w, 40);
        let bar = rows(&screen)[38].trim_end();
        // Every segment after the badge is whole: " │ name: value".
        for part in bar.split(" │ ").skip(1) {
            assert!(!part.ends_with('…'), "{w}: cut: {bar}");
            let words = [
                "CRITICAL DOWN:",
                "no critical",
                "tripped:",
                "overloaded:",
                "down:",
                "degraded:",
            ];
            assert!(
                words.iter().any(|k| part.starts_with(k)),
                "{w}: a cut segment {part:?} in {bar}"
            );
        }
        if w >= 160 {
            assert!(
                bar.contains("degraded: "),
                "{w}: the degraded count is kept: {bar}"
            );
        }
    }
}

#[test]
fn w_on_db3_names_where_its_paths_meet() {
    let mut app = demo();
    search(&mut app, "db-3");
    press(&mut app, KeyCode::Char('w'));
    let screen = text(&mut app, 120, 40);
    assert!(screen.contains("Why: db-3"), "{screen}");
    assert!(
        screen.contains("paths meet at pdu-r04-a (PDU): a single point of failure"),
        "{screen}"
    );
    insta::assert_snapshot!("tui_why_db3", text(&mut app, 120, 40));
    press(&mut app, KeyCode::Esc);
    assert!(app.why.is_none() && !app.quit);
}

#[test]
fn w_under_a_what_if_names_the_chain_of_cause() {
    let mut app = demo();
    search(&mut app, "cb-a-r07");
    press(&mut app, KeyCode::Char('f'));
    search(&mut app, "pdu-r07-b");
    press(&mut app, KeyCode::Char('w'));
    let screen = text(&mut app, 160, 40);
    assert!(
        screen.contains(
            "pdu-r07-b is down because pdu-r07-b lost cb-b-r07, cb-b-r07 tripped in round 1 at 127%"
        ),
        "{screen}"
    );
    // The same answer as the CLI gives.
    let cli = crate::util::faultline(&[
        "path",
        "layouts/demo.ron",
        "pdu-r07-b",
        "--fail",
        "cb-a-r07",
    ]);
    let panel = app.why.as_ref().expect("the why panel").lines.join("\n");
    assert_eq!(format!("{panel}\n"), cli.stdout);
}

/// `faultline FILE` on an invalid file opens on its diagnostics and waits;
/// the save that fixes it brings the layout up. A missing file is still
/// refused before the terminal is touched.
#[test]
fn pty_broken_file_opens_and_waits_for_a_fix() {
    let good = std::fs::read_to_string("tests/fixtures/format-example.ron").expect("fixture");
    let dir = std::env::temp_dir().join(format!("faultline-i18-wait-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("hall.ron");
    std::fs::write(&path, good.replace("\"cb-a\", rack", "\"cb-x\", rack")).expect("write");
    let shown = path.to_str().expect("utf-8 path");
    let (mut pty, mut child) =
        spawn_sized_in_pty(env!("CARGO_BIN_EXE_faultline"), &[shown], 30, 120);
    pty.expect("not a valid layout yet");
    pty.expect("unknown-ref");
    pty.expect("cb-x");
    assert!(child.try_wait().expect("wait").is_none(), "it waits");
    std::fs::write(&path, &good).expect("fix");
    pty.expect("Desktop VPN gateway rack");
    pty.expect("Power tree");
    pty.send("q");
    assert_eq!(wait_exit(&mut child, &mut pty), 0);
    let _ = std::fs::remove_dir_all(&dir);

    let missing = dir.join("missing.ron");
    let (mut pty, mut child) = spawn_sized_in_pty(
        env!("CARGO_BIN_EXE_faultline"),
        &[missing.to_str().unwrap()],
        30,
        120,
    );
    assert_eq!(
        wait_exit(&mut child, &mut pty),
        2,
        "a missing file is refused"
    );
    assert!(pty.contents().contains("missing.ron"), "{}", pty.contents());
}

/// The caret under a long line stays under its column: the diagnostics
/// are not wrapped.
#[test]
fn invalid_file_caret_stays_under_its_column() {
    let good = std::fs::read_to_string("tests/fixtures/format-example.ron").expect("fixture");
    let dir = std::env::temp_dir().join(format!("faultline-i18-caret-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("hall.ron");
    std::fs::write(&path, &good).expect("write");
    let mut app = open(&path);
    std::fs::write(&path, good.replace("\"cb-a\", rack", "\"cb-zz\", rack")).expect("write");
    app.reload_from(&path);
    // Narrow enough that the source line does not fit.
    let screen = text(&mut app, 50, 30);
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("input: \"cb-zz\""))
        .unwrap_or_else(|| panic!("the source line is shown:\n{screen}"));
    let col = lines[at].find("\"cb-zz\"").expect("the id on its line");
    let caret = lines[at + 1].find('^').expect("a caret under it");
    let cells = |s: &str, byte: usize| s[..byte].chars().count();
    assert_eq!(
        cells(lines[at + 1], caret),
        cells(lines[at], col),
        "the caret is under the id:\n{screen}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_critical_services_is_said_as_check_says_it() {
    let loaded = faultline::model::load_str(
        "none.ron",
        r#"Layout(name: "no critical", power: [Utility(id: "u")], racks: [], services: [])"#
            .to_string(),
    )
    .expect("valid");
    let mut app = faultline::tui::App::new(loaded, faultline::tui::Source::Builtin);
    let screen = text(&mut app, 120, 30);
    assert!(screen.contains("No critical services declared"), "{screen}");
    assert!(
        !screen.contains("every critical service survives"),
        "{screen}"
    );
}

/// The findings pane counts findings and blocks in the words of `check`
/// (issue 14: one grouping everywhere), on every shipped layout.
#[test]
fn findings_pane_counts_blocks_as_check_does() {
    let layouts = crate::util::shipped_layouts();
    assert!(layouts.len() >= 5, "the shipped layouts: {layouts:?}");
    for path in layouts {
        let loaded = faultline::model::load_path(&path).expect("shipped layouts are valid");
        let check = crate::util::faultline(&["check", path.to_str().unwrap(), "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
        let (n, blocks) = (&v["summary"]["findings"], &v["summary"]["blocks"]);
        let mut app = faultline::tui::App::new(loaded, faultline::tui::Source::Builtin);
        let screen = text(&mut app, 200, 60);
        let plural = if blocks == 1 { "block" } else { "blocks" };
        let phrase = format!("Findings {n} in {blocks} {plural}:");
        if n != 0 {
            assert!(
                screen.contains(&phrase),
                "{}: {phrase}\n{screen}",
                path.display()
            );
        }
    }
}

/// A what-if saved with `S` comes back with `L` to the same screen, and
/// `trip --scenario` prints the same blast radius as `trip` with the ids.
#[test]
fn saved_scenario_reloads_to_the_same_screen_and_replays_in_trip() {
    let good = std::fs::read_to_string("layouts/demo.ron").expect("demo");
    let dir = std::env::temp_dir().join(format!("faultline-i18-scn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let layout = dir.join("hall.ron");
    std::fs::write(&layout, &good).expect("write");
    let mut app = open(&layout);
    search(&mut app, "cb-a-r07");
    press(&mut app, KeyCode::Char('f'));
    search(&mut app, "lic-1/psu1");
    press(&mut app, KeyCode::Char('s'));
    search(&mut app, "stor-fw");
    press(&mut app, KeyCode::Char('c'));
    let before = text(&mut app, 160, 48);
    press(&mut app, KeyCode::Char('S'));
    let scenario = dir.join("hall.scenario.ron");
    assert!(scenario.exists(), "saved beside the layout");
    assert_eq!(
        std::fs::read_to_string(&layout).unwrap(),
        good,
        "the layout is untouched"
    );
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit, "nothing unsaved: q quits at once");
    app.quit = false;
    press(&mut app, KeyCode::Char('r'));
    assert!(app.whatif.events.is_empty());
    press(&mut app, KeyCode::Char('L'));
    assert_eq!(app.whatif.events.len(), 3);
    app.message = None;
    let mut again = text(&mut app, 160, 48);
    // The status line's message differs (saved / loaded); the rest is the same.
    let strip = |s: &str| s.lines().take(47).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&again), strip(&before));
    again.clear();

    let replay = crate::util::faultline(&[
        "trip",
        layout.to_str().unwrap(),
        "--scenario",
        scenario.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let direct = crate::util::faultline(&[
        "trip",
        layout.to_str().unwrap(),
        "cb-a-r07",
        "stor-fw-9.2.1",
        "--short",
        "lic-1/psu1",
        "--format",
        "json",
    ]);
    assert_eq!(replay.code, direct.code, "{}", replay.stderr);
    let (a, b) = (crate::util::json(&replay), crate::util::json(&direct));
    assert_eq!(a["down"], b["down"]);
    assert_eq!(a["degraded"], b["degraded"]);
    assert_eq!(a["tripped"], b["tripped"]);

    // A scenario naming an id the layout lacks is refused with the id.
    std::fs::write(&scenario, "Scenario(events: [Fail(\"cb-a-r7\")])").unwrap();
    let bad = crate::util::faultline(&[
        "trip",
        layout.to_str().unwrap(),
        "--scenario",
        scenario.to_str().unwrap(),
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("cb-a-r7"), "{}", bad.stderr);
    std::fs::write(&scenario, "Scenario(events: [Break(\"x\")])").unwrap();
    let bad = crate::util::faultline(&[
        "trip",
        layout.to_str().unwrap(),
        "--scenario",
        scenario.to_str().unwrap(),
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a scenario"), "{}", bad.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn t_on_a_ups_does_not_fail_it() {
    let mut app = demo();
    search(&mut app, "ups-a");
    press(&mut app, KeyCode::Char('t'));
    assert!(app.whatif.events.is_empty(), "t on a UPS changes nothing");
    let (msg, _) = app.message.clone().expect("a message");
    assert!(msg.contains("not a breaker"), "{msg}");
    search(&mut app, "cb-a-r07");
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(app.whatif.events.len(), 1, "t on a breaker trips it");
}

#[test]
fn selecting_a_breaker_shows_the_rack_it_feeds() {
    let mut app = demo();
    search(&mut app, "cb-a-r07");
    let rack = app.rack.expect("a rack");
    assert_eq!(app.model.racks()[rack].id, "r07");
}

#[test]
fn inspector_shows_each_psu_state() {
    let mut app = demo();
    search(&mut app, "db-1/psu1");
    press(&mut app, KeyCode::Char('s'));
    search(&mut app, "db-1");
    let screen = text(&mut app, 160, 48);
    let line = screen
        .lines()
        .find(|l| l.contains("psu1") && l.contains("psu2") && l.contains("of"))
        .unwrap_or_else(|| panic!("a PSU group line:\n{screen}"));
    assert!(line.contains("psu1 failed"), "{line}");
}

/// Maintenance mode: `m` takes the selection out for planned work. It is
/// drawn apart from a failure, the findings become the window's (the same
/// as `check --out`), the status bar counts the critical services one
/// event from down, `m` again brings it back, and a saved scenario keeps
/// it for `trip --scenario`.
#[test]
fn m_opens_a_maintenance_window_the_findings_follow_and_a_scenario_keeps() {
    let good = std::fs::read_to_string("layouts/demo.ron").expect("demo");
    let dir = std::env::temp_dir().join(format!("faultline-maint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let layout = dir.join("hall.ron");
    std::fs::write(&layout, &good).expect("write");
    let path = layout.to_str().unwrap();
    let mut app = open(&layout);
    let plain = app.model.findings.len();
    search(&mut app, "ups-a");
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.model.out.len(), 1);
    assert!(app.unsaved, "a window is work q asks about");

    // The findings are `check --out ups-a`'s.
    let check = crate::util::json(&crate::util::faultline(&[
        "check", path, "--out", "ups-a", "--format", "json",
    ]));
    assert_eq!(
        app.model.findings.len(),
        check["findings"].as_array().unwrap().len()
    );
    let n = check["window"]["one_event_from_down"]
        .as_array()
        .unwrap()
        .len();
    assert!(n > 0, "{:#}", check["window"]);
    let screen = text(&mut app, 200, 60);
    assert!(screen.contains("MAINTENANCE"), "{screen}");
    assert!(
        screen.contains(&format!("ups-a out: {n} one event from down")),
        "{screen}"
    );
    assert!(screen.contains("Findings with ups-a out"), "{screen}");
    // Drawn as out, not as failed.
    let row = screen
        .lines()
        .find(|l| l.contains("ups-a") && l.contains("UPS"))
        .unwrap_or_else(|| panic!("no ups-a row:\n{screen}"));
    assert!(row.contains('◇') && !row.contains('✗'), "{row}");

    // A failure during the window, saved with it.
    search(&mut app, "cb-b-r01");
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Char('S'));
    let scenario = dir.join("hall.scenario.ron");
    let saved = std::fs::read_to_string(&scenario).unwrap();
    assert!(saved.contains("out: [\"ups-a\"]"), "{saved}");
    let replay = crate::util::json(&crate::util::faultline(&[
        "trip",
        path,
        "--scenario",
        scenario.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(replay["out"], serde_json::json!(["ups-a"]));
    let mut tui_down: Vec<String> = app
        .whatif
        .outcome
        .down
        .devices
        .iter()
        .map(|&d| app.model.graph().id(d).to_string())
        .collect();
    tui_down.sort();
    assert_eq!(replay["down"]["devices"], serde_json::json!(tui_down));

    // `m` again: back to the layout's own findings.
    search(&mut app, "ups-a");
    press(&mut app, KeyCode::Char('m'));
    assert!(app.model.out.is_empty() && app.model.window.is_none());
    assert_eq!(app.model.findings.len(), plain);
    let screen = text(&mut app, 200, 60);
    assert!(!screen.contains("MAINTENANCE"), "{screen}");

    // `L` brings the window back with the scenario.
    press(&mut app, KeyCode::Char('L'));
    assert_eq!(app.model.out.len(), 1);
    assert_eq!(app.whatif.events.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The findings pane works like `check`'s report: one row a block, and
/// `F` / `C` narrow it to a severity or a code with the same counts as
/// the blocks `check` prints.
#[test]
fn findings_filter_by_severity_and_code_with_checks_counts() {
    let mut app = demo();
    let human = crate::util::faultline(&["check", "layouts/demo.ron"]).stdout;
    let printed = |prefix: &str| human.lines().filter(|l| l.starts_with(prefix)).count();
    let blocks = ["error[", "warning[", "note["]
        .iter()
        .map(|p| printed(p))
        .sum::<usize>();
    assert_eq!(app.model.rows.len(), blocks, "one row a block");
    press(&mut app, KeyCode::Char('F'));
    assert_eq!(app.model.rows.len(), printed("error["));
    let screen = text(&mut app, 200, 60);
    assert!(screen.contains("showing errors"), "{screen}");
    // Only the code of the row under the cursor.
    let code = app.model.row_finding(0).unwrap().code;
    press(&mut app, KeyCode::Char('C'));
    assert_eq!(
        app.model.rows.len(),
        printed(&format!("error[{}]", code.name()))
    );
    assert!(
        app.model
            .rows
            .iter()
            .flatten()
            .all(|&i| app.model.findings[i].code == code)
    );
    // C again: every code; F through warnings and notes back to all.
    press(&mut app, KeyCode::Char('C'));
    assert_eq!(app.model.rows.len(), printed("error["));
    press(&mut app, KeyCode::Char('F'));
    assert_eq!(app.model.rows.len(), printed("warning["));
    press(&mut app, KeyCode::Char('F'));
    assert_eq!(app.model.rows.len(), printed("note["));
    press(&mut app, KeyCode::Char('F'));
    assert_eq!(app.model.rows.len(), blocks);
}

/// A large layout (40,000 devices, about 9 MB) says what it is doing on
/// the terminal until the screen can appear: reading, then analysing.
#[test]
fn pty_a_large_file_shows_a_progress_line_while_it_loads() {
    let dir = std::env::temp_dir().join(format!("faultline-i18-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("hall.ron");
    let hall = crate::util::faultline(&["gen", "--racks", "1000", "--seed", "3"]);
    assert_eq!(hall.code, 0, "{}", hall.stderr);
    std::fs::write(&path, &hall.stdout).expect("write");
    assert!(hall.stdout.len() >= 8 << 20, "{} bytes", hall.stdout.len());
    let shown = path.to_str().expect("utf-8 path");
    let (mut pty, mut child) =
        spawn_sized_in_pty(env!("CARGO_BIN_EXE_faultline"), &[shown], 30, 120);
    pty.expect("Power tree");
    let raw = pty.raw_text();
    assert!(raw.contains("faultline: reading "), "{raw:.300}");
    assert!(raw.contains("analysing 40000 devices"), "{raw:.300}");
    pty.send("q");
    assert_eq!(wait_exit(&mut child, &mut pty), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The inspector shows where an imported element came from: its name in
/// the inventory and its page (the layout's `sources`).
#[test]
fn the_inspector_links_an_imported_element_to_its_inventory_page() {
    let loaded = faultline::model::load_str(
        "linked.ron",
        r#"Layout(name: "linked", power: [Utility(id: "u"), Breaker(id: "Feed A.feed7", input: "u", rating_a: 16)],
  racks: [Rack(id: "r1", devices: [Device(id: "db", kind: Server, u: 1, draw_w: 200, psus: [(feed: "Feed A.feed7")])])],
  sources: [Source(id: "Feed A.feed7", url: "https://nb.example/dcim/power-feeds/7/", name: "Feed A")],
)"#
        .to_string(),
    )
    .expect("valid");
    let mut app = faultline::tui::App::new(loaded, faultline::tui::Source::Builtin);
    search(&mut app, "Feed A.feed7");
    let screen = text(&mut app, 200, 50);
    assert!(
        screen.contains("inventory: \"Feed A\" https://nb.example/dcim/power-feeds/7/"),
        "{screen}"
    );
}

/// The hall map: every rack a cell coloured by the what-if; its counts
/// are those of `trip` (racks with a device down); Enter opens a rack.
#[test]
fn hall_map_shows_every_rack_by_state_and_opens_one() {
    let mut app = demo();
    search(&mut app, "ups-a");
    press(&mut app, KeyCode::Char('f'));
    search(&mut app, "ups-b");
    press(&mut app, KeyCode::Char('f'));
    // What `trip` says of the same events, rack by rack.
    let trip = crate::util::json(&crate::util::faultline(&[
        "trip",
        "layouts/demo.ron",
        "ups-a",
        "ups-b",
        "--format",
        "json",
    ]));
    let down: Vec<&str> = trip["down"]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    let layout = &app.model.loaded.layout;
    let racks_down = layout
        .racks
        .iter()
        .filter(|r| r.devices.iter().any(|d| down.contains(&d.id.as_str())))
        .count();
    assert!(racks_down > 0);
    let racks = layout.racks.len();
    press(&mut app, KeyCode::Char('H'));
    assert!(app.map.is_some());
    let screen = text(&mut app, 160, 48);
    assert!(
        screen.contains(&format!(
            "Hall map: {racks} racks, {racks_down} with devices down"
        )),
        "{screen}"
    );
    // Move one rack on and open it.
    let order = app.map_order();
    let at = app.map.unwrap().cursor;
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    assert!(app.map.is_none(), "Enter closes the map");
    assert_eq!(app.rack, Some(order[(at + 1).min(order.len() - 1)]));
    // Esc closes without moving.
    press(&mut app, KeyCode::Char('H'));
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Esc);
    assert!(app.map.is_none());
    assert_eq!(app.rack, Some(order[(at + 1).min(order.len() - 1)]));
    assert!(!app.quit);
}
