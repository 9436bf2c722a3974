//! How long one what-if toggle takes in the TUI: the key goes through the
//! real update path, then the whole screen is drawn on a TestBackend.
//!
//!     cargo run --release --example tui_bench -- [DEVICES|FILE] [ROUNDS] [CASE]
//!
//! The layout is generated (40 devices a rack, 20 racks a row, 2N power
//! down to A/B rack PDUs, every tenth device single-corded, one critical
//! service a row) and loaded through the normal loader.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use faultline::tui::{App, Source, update, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PER_RACK: usize = 40;
const RACKS_PER_ROW: usize = 20;

fn layout(devices: usize) -> String {
    let racks = devices.div_ceil(PER_RACK);
    let rows = racks.div_ceil(RACKS_PER_ROW);
    let mut s = String::with_capacity(devices * 140);
    let _ = writeln!(
        s,
        "Layout(name: \"Generated hall, {devices} devices\", power: ["
    );
    s.push_str("Utility(id: \"util-a\"), Utility(id: \"util-b\"), Generator(id: \"gen\", capacity_kw: 1000000),\n");
    s.push_str("Ats(id: \"ats-a\", inputs: [\"util-a\", \"gen\"]), Ats(id: \"ats-b\", inputs: [\"util-b\", \"gen\"]),\n");
    s.push_str("Ups(id: \"ups-a\", input: \"ats-a\", capacity_kw: 100000, runtime_min: 10),\n");
    s.push_str("Ups(id: \"ups-b\", input: \"ats-b\", capacity_kw: 100000, runtime_min: 10),\n");
    for r in 0..rows {
        for side in ["a", "b"] {
            let _ = writeln!(
                s,
                "Panel(id: \"panel-{side}-{r:04}\", input: \"ups-{side}\", rating_a: 800),"
            );
        }
    }
    for k in 0..racks {
        let r = k / RACKS_PER_ROW;
        for side in ["a", "b"] {
            let _ = writeln!(
                s,
                "Breaker(id: \"cb-{side}-{k:05}\", input: \"panel-{side}-{r:04}\", rating_a: 63), Pdu(id: \"pdu-{side}-{k:05}\", input: \"cb-{side}-{k:05}\", rack: \"r{k:05}\"),"
            );
        }
    }
    s.push_str("], racks: [\n");
    let mut d = 0;
    for k in 0..racks {
        let _ = writeln!(
            s,
            "Rack(id: \"r{k:05}\", row: \"{}\", devices: [",
            k / RACKS_PER_ROW
        );
        for u in 1..=PER_RACK {
            if d == devices {
                break;
            }
            let psus = if d % 10 == 0 {
                format!("(feed: \"pdu-a-{k:05}\")")
            } else {
                format!("(feed: \"pdu-a-{k:05}\"), (feed: \"pdu-b-{k:05}\")")
            };
            let _ = writeln!(
                s,
                "Device(id: \"d{d:06}\", kind: Server, u: {u}, draw_w: 200, psus: [{psus}]),"
            );
            d += 1;
        }
        s.push_str("]),\n");
    }
    s.push_str("], services: [\n");
    for r in 0..rows {
        // The second device of each rack in the row (dual-corded).
        let members: Vec<String> = (r * RACKS_PER_ROW..((r + 1) * RACKS_PER_ROW).min(racks))
            .map(|k| k * PER_RACK + 1)
            .filter(|&i| i < devices)
            .map(|i| format!("\"d{i:06}\""))
            .collect();
        if members.len() >= 2 {
            let _ = writeln!(
                s,
                "Service(id: \"svc-{r:04}\", critical: true, needs: [AtLeast(2, [{}])]),",
                members.join(", ")
            );
        }
    }
    s.push_str("])\n");
    s
}

fn key(app: &mut App, c: char) {
    update::handle(
        app,
        &Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
}

fn search(app: &mut App, q: &str) {
    key(app, '/');
    for c in q.chars() {
        key(app, c);
    }
    update::handle(
        app,
        &Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
}

/// Toggle `k` on the current selection `rounds` times (on, off, on...).
/// Returns the sorted times to the first frame (update + draw: the whole
/// screen recoloured and the summary) and to the settled frame (plus the
/// inspector's blast radius of the selection, computed when idle, and a
/// second draw).
fn measure(
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    k: char,
    rounds: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut first = Vec::with_capacity(rounds);
    let mut settled = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        key(app, k);
        term.draw(|f| views::draw(f, app)).expect("draw");
        first.push(t.elapsed());
        if app.settle() {
            term.draw(|f| views::draw(f, app)).expect("draw");
        }
        settled.push(t.elapsed());
    }
    first.sort();
    settled.sort();
    (first, settled)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// For a layout from a file: the first breaker, panel and UPS, and the
/// first PSU of a single-corded device.
fn picked_cases(app: &App) -> Vec<(&'static str, String, char)> {
    use faultline::engine::NodeKind;
    use faultline::model::format::PowerKind;
    let g = app.model.graph();
    let first = |k: PowerKind| g.power.clone().find(|&n| g.kind(n) == NodeKind::Power(k));
    let mut out = Vec::new();
    if let Some(n) = first(PowerKind::Breaker) {
        out.push(("fail a breaker", g.id(n).to_string(), 'f'));
    }
    if let Some(d) = g.devices.clone().find(|&d| g.psus_of_device(d).len() == 1) {
        out.push((
            "short a single-corded PSU",
            g.id(g.psus_of_device(d).start).to_string(),
            's',
        ));
    }
    if let Some(n) = first(PowerKind::Panel) {
        out.push(("fail a panel", g.id(n).to_string(), 'f'));
    }
    if let Some(n) = first(PowerKind::Ups) {
        out.push(("fail a UPS", g.id(n).to_string(), 'f'));
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    let devices: usize = first
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let file = first.filter(|a| a.parse::<usize>().is_err());
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    // Only the cases whose description contains this (for profiling one).
    let only = args.next().unwrap_or_default();

    let t = Instant::now();
    // A path instead of a count measures that layout (`faultline gen` makes
    // big ones); the cases are then picked by kind.
    let loaded = match &file {
        Some(path) => faultline::model::load_path(std::path::Path::new(path)),
        None => faultline::model::load_str("generated.ron", layout(devices)),
    }
    .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let devices: usize = loaded.layout.racks.iter().map(|r| r.devices.len()).sum();
    println!(
        "{devices} devices: generated and loaded in {:.0} ms",
        ms(t.elapsed())
    );
    let t = Instant::now();
    let mut app = App::new(loaded, Source::Builtin);
    println!(
        "analysis + {} findings + tree ({} rows) in {:.0} ms",
        app.model.findings.len(),
        app.tree.rows.len(),
        ms(t.elapsed())
    );
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    term.draw(|f| views::draw(f, &mut app)).expect("draw");

    let cases = if file.is_some() {
        picked_cases(&app)
    } else {
        vec![
            ("fail a rack breaker", "cb-a-00007".to_string(), 'f'),
            ("short a single-corded PSU", "d000280/psu1".to_string(), 's'),
            ("fail a row panel", "panel-a-0003".to_string(), 'f'),
            ("fail a UPS (half the hall)", "ups-a".to_string(), 'f'),
        ]
    };
    println!("one toggle, {rounds} rounds on/off, 200x60 TestBackend (median / max):");
    println!(
        "  {:<28} {:>22} {:>22}",
        "", "update + draw", "+ blast radius + draw"
    );
    for (what, id, k) in cases {
        if !what.contains(&only) {
            continue;
        }
        search(&mut app, &id);
        app.settle();
        let (first, settled) = measure(&mut app, &mut term, k, rounds);
        if app.whatif.is_active() {
            key(&mut app, k);
        }
        let mid = rounds / 2;
        println!(
            "  {what:<28} {:>9.2} / {:>7.2} ms {:>9.2} / {:>7.2} ms",
            ms(first[mid]),
            ms(first[rounds - 1]),
            ms(settled[mid]),
            ms(settled[rounds - 1])
        );
    }
    let t = Instant::now();
    key(&mut app, 'j');
    term.draw(|f| views::draw(f, &mut app)).expect("draw");
    println!("cursor move + draw: {:.2} ms", ms(t.elapsed()));
    let rounds = rounds.max(1);
    let t = Instant::now();
    for _ in 0..rounds {
        app.tree.rebuild(app.model.graph());
    }
    println!(
        "tree rebuild (expand/collapse), {} rows: {:.2} ms",
        app.tree.rows.len(),
        ms(t.elapsed()) / rounds as f64
    );
}
