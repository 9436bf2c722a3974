//! Engine benchmarks on generated halls of 1k, 10k and 100k devices (25,
//! 250 and 2,500 racks of `faultline gen`, seed 1, 2% flawed racks).
//!
//! `cargo bench --bench engine` runs them all (a few minutes on 2 cores);
//! `cargo bench --bench engine -- what_if` picks some. With
//! `FAULTLINE_BENCH_1M=1` the what-if benchmarks also run at 1M devices
//! (25,000 racks; building that fixture takes a while and about 2 GB).
//!
//! Each fixture (the RON text, the loaded layout and its `Analysis`) is
//! built once per size and kept for the whole run.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use divan::Bencher;
use faultline::engine::{Analysis, Event, NodeId, cuts};
use faultline::findings;
use faultline::r#gen::{self as generator, GenOptions};
use faultline::model::{self, Loaded};
use faultline::tui::{App, Source, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    divan::main();
}

/// Racks: 1k, 10k and 100k devices.
const SIZES: [usize; 3] = [25, 250, 2500];

fn what_if_sizes() -> Vec<usize> {
    let mut v = SIZES.to_vec();
    if std::env::var_os("FAULTLINE_BENCH_1M").is_some() {
        v.push(25_000);
    }
    v
}

fn options(racks: usize) -> GenOptions {
    GenOptions {
        racks,
        seed: 1,
        flaw_rate: 0.02,
    }
}

struct Fixture {
    text: String,
    loaded: Loaded,
    analysis: Analysis,
}

impl Fixture {
    fn node(&self, id: &str) -> NodeId {
        self.analysis
            .graph
            .node(id)
            .unwrap_or_else(|| panic!("{id} is in every generated hall"))
    }

    fn critical(&self) -> Vec<NodeId> {
        self.analysis.graph.critical_services().collect()
    }
}

fn text(racks: usize) -> String {
    let mut out = Vec::new();
    generator::write_ron(&options(racks), &mut out).expect("writing to memory");
    String::from_utf8(out).expect("the generator writes UTF-8")
}

fn load(text: String) -> Loaded {
    model::load_str("bench.ron", text).unwrap_or_else(|e| panic!("{}", e.render(false)))
}

/// The fixture of a size, built on first use and kept (leaked) for the run.
fn fixture(racks: usize) -> &'static Fixture {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static Fixture>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .expect("not poisoned");
    cache.entry(racks).or_insert_with(|| {
        let text = text(racks);
        let loaded = load(text.clone());
        let analysis = Analysis::new(&loaded.layout);
        Box::leak(Box::new(Fixture {
            text,
            loaded,
            analysis,
        }))
    })
}

/// Parse and validate the RON text (the text copy is not timed).
#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn load_validate(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    bencher
        .with_inputs(|| f.text.clone())
        .bench_values(|t| model::load_str("bench.ron", t).is_ok());
}

/// Compile the graph and compute the base state with loads and trips.
#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn analysis_new(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    bencher.bench(|| Analysis::new(&f.loaded.layout));
}

/// Every finding: base findings, the single-event sweep with cascade, and
/// double faults (what `check` computes).
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn sweep_findings(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    bencher.bench(|| findings::check(&f.loaded, &f.analysis));
}

/// One what-if with cascade through the public one-shot API (it starts
/// from a copy of the base state's loads, so it is O(nodes)).
#[divan::bench(args = what_if_sizes(), sample_count = 20, sample_size = 1)]
fn what_if_breaker(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    let cb = Event::Fail(f.node("cb-h001-01-01-a"));
    bencher.bench(|| f.analysis.impact_with_loads(&[cb], true).0);
}

#[divan::bench(args = what_if_sizes(), sample_count = 20, sample_size = 1)]
fn what_if_ups(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    let ups = Event::Fail(f.node("ups-h001-a"));
    bencher.bench(|| f.analysis.impact_with_loads(&[ups], true).0);
}

/// The same what-ifs on a reused state (apply, then reset): the
/// incremental cost, what an interactive view pays per toggle.
#[divan::bench(args = what_if_sizes(), sample_count = 20, sample_size = 1)]
fn what_if_breaker_reused(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    let cb = Event::Fail(f.node("cb-h001-01-01-a"));
    let mut w = f.analysis.what_if(true);
    bencher.bench_local(|| {
        f.analysis.apply_what_if(&mut w, &[cb], true);
        let tripped = w.trips().len();
        w.reset();
        tripped
    });
}

#[divan::bench(args = what_if_sizes(), sample_count = 20, sample_size = 1)]
fn what_if_ups_reused(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    let ups = Event::Fail(f.node("ups-h001-a"));
    let mut w = f.analysis.what_if(true);
    bencher.bench_local(|| {
        f.analysis.apply_what_if(&mut w, &[ups], true);
        let tripped = w.trips().len();
        w.reset();
        tripped
    });
}

/// Minimal cut sets up to order 2 of every critical service.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn cut_sets_order2(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    let targets = f.critical();
    bencher.bench(|| cuts::cut_sets(&f.analysis, &targets, 2));
}

/// The TUI: toggle a what-if (fail a UPS, then restore it on the next
/// iteration) and draw one 160x48 frame on a TestBackend.
#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn tui_toggle_draw(bencher: Bencher, racks: usize) {
    let f = fixture(racks);
    let mut app = App::new(load(f.text.clone()), Source::Builtin);
    let ups = Event::Fail(f.node("ups-h001-a"));
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test terminal");
    bencher.bench_local(|| {
        app.toggle_event(ups);
        terminal
            .draw(|frame| views::draw(frame, &mut app))
            .expect("draw");
    });
}
