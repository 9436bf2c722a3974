//! `faultline availability`: textbook cases worked by hand, the CLI's
//! outputs, and the fix-first ranking checked by applying each fix to the
//! file and computing again.

use faultline::engine::Analysis;
use faultline::engine::availability::{Availability, availability};
use faultline::engine::reliability::built_in_rate;
use faultline::model::format::Layout;

use crate::util::{faultline, json, layout_path, load_text};

fn critical(layout: &Layout) -> Availability {
    let a = Analysis::new(layout);
    let targets: Vec<u32> = a.graph.critical_services().collect();
    availability(&a, layout, &targets, &[])
}

/// Everything but the named events can never fail: the device, its PSU
/// (and its shorts) are given probability 0.
const NEVER: &str =
    r#"Rates(id: "d1", probability: 0), Rates(id: "d1/psu1", probability: 0, short_fraction: 0)"#;

#[test]
fn a_three_element_series_chain_is_one_minus_the_product_of_survivals() {
    let (q1, q2, q3) = (1e-3, 2e-4, 5e-2);
    let text = format!(
        r#"Layout(name: "series", power: [
            Utility(id: "u"), Panel(id: "p", input: "u"), Breaker(id: "b", input: "p", rating_a: 16)],
          racks: [Rack(id: "r", devices: [Device(id: "d1", kind: Server, u: 1, draw_w: 100, psus: [(feed: "b")])])],
          services: [Service(id: "s", needs: [All(["d1"])], critical: true)],
          rates: [Rates(id: "u", probability: {q1}), Rates(id: "p", probability: {q2}),
                  Rates(id: "b", probability: {q3}), {NEVER}],
        )"#
    );
    let av = critical(&load_text(&text).layout);
    let u = av.targets[0].unavailability;
    // q1 + q2 + q3 - q1q2 - q1q3 - q2q3 + q1q2q3
    let textbook = q1 + q2 + q3 - q1 * q2 - q1 * q3 - q2 * q3 + q1 * q2 * q3;
    assert!((u - textbook).abs() < 1e-15, "{u} vs {textbook}");
    // Birnbaum of the utility: the chance the rest is up, (1-q2)(1-q3).
    let b_u = av.targets[0]
        .importance
        .iter()
        .find(|i| (i.q - q1).abs() < 1e-18)
        .unwrap()
        .birnbaum;
    assert!((b_u - (1.0 - q2) * (1.0 - q3)).abs() < 1e-15);
}

#[test]
fn a_one_of_two_pair_is_the_product_and_mtbf_mttr_give_the_steady_state() {
    // Two servers, either carries the service: U = q1 q2, with q from
    // MTBF and MTTR: q = MTTR / (MTBF + MTTR).
    let text = r#"Layout(name: "pair", power: [Utility(id: "u"), Breaker(id: "b", input: "u", rating_a: 16)],
          racks: [Rack(id: "r", devices: [
            Device(id: "d1", kind: Server, u: 1, draw_w: 100, psus: [(feed: "b")]),
            Device(id: "d2", kind: Server, u: 2, draw_w: 100, psus: [(feed: "b")])])],
          services: [Service(id: "s", needs: [Any(["d1", "d2"])], critical: true)],
          rates: [Rates(id: "u", probability: 0), Rates(id: "b", probability: 0),
                  Rates(id: "d1", mtbf_h: 10000, mttr_h: 10, short_fraction: 0),
                  Rates(id: "d2", failures_per_year: 2, repair_h: 24, short_fraction: 0),
                  Rates(id: "d1/psu1", probability: 0), Rates(id: "d2/psu1", probability: 0)],
        )"#;
    let av = critical(&load_text(text).layout);
    let q1 = 10.0 / 10010.0;
    let q2 = 48.0 / (8766.0 + 48.0);
    let t = &av.targets[0];
    assert!(
        (t.unavailability - q1 * q2).abs() < 1e-18,
        "{}",
        t.unavailability
    );
    // Both servers matter equally in Fussell-Vesely: each is in the one cut set.
    for i in t.importance.iter().filter(|i| i.q > 0.0) {
        assert!((i.fussell_vesely - 1.0).abs() < 1e-12);
    }
    // Outages: d1 fails λ1(1-q1) times a year and then takes the service
    // down with probability q2, and the other way round.
    let w1 = 8766.0 / 10000.0 * (1.0 - q1);
    let w2 = 2.0 * (1.0 - q2);
    assert!((t.outages_per_year - (w1 * q2 + w2 * q1)).abs() < 1e-12);
    assert!((t.downtime_min_per_year() - q1 * q2 * 525_960.0).abs() < 1e-9);
}

#[test]
fn the_cli_reports_each_critical_service_and_says_it_rests_on_defaults() {
    let run = faultline(&["availability", "layouts/demo.ron", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run);
    let targets = v["targets"].as_array().unwrap();
    assert!(!targets.is_empty());
    for t in targets {
        assert_eq!(t["method"], "exact");
        assert_eq!(t["rests_on_defaults"], true);
        let u = t["unavailability"].as_f64().unwrap();
        let down = t["downtime_min_per_year"].as_f64().unwrap();
        assert!((down - u * 525_960.0).abs() < 1e-9);
    }
    let human = faultline(&["availability", "layouts/demo.ron"]);
    assert!(human.stdout.contains("fix these first"), "{}", human.stdout);
    assert!(human.stdout.contains("rests on default rates"));
    let md = faultline(&["availability", "layouts/demo.ron", "--format", "markdown"]);
    assert!(md.stdout.starts_with("| service | availability"));
    let bad = faultline(&["availability", "layouts/demo.ron", "--target", "no-such"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("no-such"), "{}", bad.stderr);
}

#[test]
fn an_element_out_for_maintenance_raises_the_downtime() {
    let base = json(&faultline(&[
        "availability",
        "layouts/demo.ron",
        "--format",
        "json",
    ]));
    let out = json(&faultline(&[
        "availability",
        "layouts/demo.ron",
        "--out",
        "ups-a",
        "--format",
        "json",
    ]));
    let total = |v: &serde_json::Value| -> f64 {
        v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["downtime_min_per_year"].as_f64().unwrap())
            .sum()
    };
    assert!(
        total(&out) > total(&base) * 10.0,
        "{} vs {}",
        total(&out),
        total(&base)
    );
}

/// The file with `entry` added to its `rates` (the demo has none).
fn with_rate(text: &str, entry: &str) -> String {
    let end = text.rfind(')').unwrap();
    format!("{}    rates: [{entry}],\n)", &text[..end])
}

fn total_downtime(layout: &Layout) -> f64 {
    critical(layout)
        .targets
        .iter()
        .map(|t| t.downtime_min_per_year())
        .sum()
}

#[test]
fn the_first_fix_on_the_demo_gives_the_largest_drop_among_the_top_five() {
    let path = layout_path("demo.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let loaded = load_text(&text);
    let a = Analysis::new(&loaded.layout);
    let av = critical(&loaded.layout);
    let before = total_downtime(&loaded.layout);
    let mut drops = Vec::new();
    for fix in av.fixes.iter().take(5) {
        let event = av.events[fix.event as usize];
        let id = event.subject(&a.graph);
        // The fix written into the file: the event can no longer happen.
        let entry = match event.kind_name() {
            "short" => format!(r#"Rates(id: "{id}", short_fraction: 0)"#),
            // A PSU's failures that do not short: all its failures are
            // then shorts, at the rate its shorts had.
            _ if id.contains('/') => {
                let psu = built_in_rate("psu");
                let shorts = psu.failures_per_year.unwrap() * psu.short_fraction.unwrap();
                format!(r#"Rates(id: "{id}", failures_per_year: {shorts}, short_fraction: 1)"#)
            }
            _ => format!(r#"Rates(id: "{id}", probability: 0)"#),
        };
        let fixed = load_text(&with_rate(&text, &entry));
        let drop = before - total_downtime(&fixed.layout);
        // The ranking's saving is the drop itself (U - U(q=0)), not an estimate.
        assert!(
            (drop - fix.saved_min_per_year).abs() <= 1e-6 * drop.max(1e-9),
            "{entry}: predicted {} min/yr, applied {drop}",
            fix.saved_min_per_year
        );
        drops.push((drop, entry));
    }
    assert_eq!(drops.len(), 5);
    let best = drops.iter().map(|d| d.0).fold(f64::MIN, f64::max);
    assert_eq!(drops[0].0, best, "{drops:?}");
}

#[test]
fn bad_rates_are_located_validation_errors() {
    let text = r#"Layout(name: "bad", power: [Utility(id: "u")], racks: [],
  rates: [Rates(id: "nope", probability: 2), Rates(id: "u", mtbf_h: 0)],
)"#;
    let dir = std::env::temp_dir().join(format!("faultline-rates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.ron");
    std::fs::write(&path, text).unwrap();
    let run = faultline(&["availability", path.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    for want in ["unknown-ref", "\"nope\"", "probability", "mtbf_h"] {
        assert!(run.stderr.contains(want), "{want} missing:\n{}", run.stderr);
    }
}
