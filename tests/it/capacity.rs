//! Load flow and cascading trips: the incremental engine against a
//! from-scratch reference on random layouts, and hand-checked cases.

use faultline::engine::liveness::evaluate;
use faultline::engine::load::is_overloaded;
use faultline::engine::{Analysis, Flow, NodeId, events};
use serde_json::json;

use crate::oracle::{Rng, random_layout, tighten};
use crate::util::{faultline, json, load_text};

/// analysis.md's cascade, from scratch: evaluate liveness and loads anew
/// each round; trip the overloaded elements with no overloaded element
/// below them. Returns the final liveness and the trips (node, round).
fn scratch_cascade(a: &Analysis, failed_nodes: &[NodeId]) -> (Vec<bool>, Vec<(NodeId, u32)>) {
    let g = &a.graph;
    let mut failed = vec![false; g.len()];
    for &n in failed_nodes {
        failed[n as usize] = true;
    }
    let mut trips = Vec::new();
    for round in 1.. {
        let (live, _) = evaluate(g, &failed);
        let flow = Flow::compute(g, &live);
        let over: Vec<NodeId> = g
            .power
            .clone()
            .filter(|&n| live[n as usize] && is_overloaded(flow.load(n), g.capacity_w(n)))
            .collect();
        if over.is_empty() {
            return (live, trips);
        }
        for &o in &over {
            // Is any other overloaded element downstream of o?
            let mut stack = vec![o];
            let mut seen = vec![false; g.len()];
            let mut below = false;
            while let Some(v) = stack.pop() {
                for &c in g.consumers(v) {
                    if !seen[c as usize] && g.is_power(c) {
                        seen[c as usize] = true;
                        below |= over.contains(&c);
                        stack.push(c);
                    }
                }
            }
            if !below {
                trips.push((o, round));
            }
        }
        for &(n, r) in &trips {
            if r == round {
                failed[n as usize] = true;
            }
        }
    }
    unreachable!()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn incremental_flow_and_cascade_match_from_scratch() {
    let mut cascades = 0;
    let mut base_cascades = 0;
    for seed in 0..300u64 {
        let mut rng = Rng::new(seed ^ 0x5EED);
        let mut layout = random_layout(&mut rng);
        tighten(&mut layout, &mut rng);
        let a = Analysis::new(&layout);
        let g = &a.graph;

        let (base_live, base_trips) = scratch_cascade(&a, &[]);
        let got: Vec<(NodeId, u32)> = a.base_trips.iter().map(|t| (t.node, t.round)).collect();
        assert_eq!(got, base_trips, "seed {seed}: base-state trips");
        assert_eq!(a.base.live, base_live, "seed {seed}: base state");
        base_cascades += usize::from(!base_trips.is_empty());

        let mut w = a.what_if(true);
        for event in events::universe(g) {
            let nodes = a.failures(event, true);
            a.apply_what_if(&mut w, &[event], true);
            let mut all_failed: Vec<NodeId> = a.base_trips.iter().map(|t| t.node).collect();
            all_failed.extend(&nodes);
            // The base trips are failures already: what trips now is the
            // event's cascade, rounds counted from 1.
            let (live, event_trips) = scratch_cascade(&a, &all_failed);
            let desc = event.describe(g);
            assert_eq!(
                w.scenario.live(),
                &live[..],
                "seed {seed}, {desc}: liveness after cascade"
            );
            let got: Vec<(NodeId, u32)> = w.trips().iter().map(|t| (t.node, t.round)).collect();
            assert_eq!(got, event_trips, "seed {seed}, {desc}: trips");
            cascades += usize::from(!got.is_empty());
            let fresh = Flow::compute(g, w.scenario.live());
            for n in g.power.start..g.psus.end {
                assert!(
                    close(w.flow.load(n), fresh.load(n)),
                    "seed {seed}, {desc}: load of {} is {} incrementally, {} from scratch",
                    g.id(n),
                    w.flow.load(n),
                    fresh.load(n)
                );
            }
            w.reset();
        }
    }
    assert!(
        cascades > 100,
        "the random layouts should cascade often ({cascades})"
    );
    assert!(
        base_cascades > 10,
        "and sometimes in the base state ({base_cascades})"
    );
}

const FOUR: &str = "layouts/incidents/04-time-attendance-failover.ron";

#[test]
fn losing_one_side_cascades_to_the_other() {
    let run = faultline(&["trip", FOUR, "cb-a-mg1", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v = json(&run);
    // 9.0 kW on 30 A x 230 V = 6.9 kW: 130.4%.
    assert_eq!(
        v["tripped"],
        json!([{"id": "cb-b-mg1", "round": 1, "load_pct": 130.4}])
    );
    let power = v["down"]["power"].as_array().unwrap();
    assert!(power.contains(&json!("cb-a-mg1")) && power.contains(&json!("cb-b-mg1")));
    assert!(
        v["down"]["services"]
            .as_array()
            .unwrap()
            .contains(&json!("attendance"))
    );

    let human = faultline(&["trip", FOUR, "cb-a-mg1"]);
    assert!(
        human
            .stdout
            .contains("round 1: cb-b-mg1 carries 9.0 kW = 130.4% of 6.9 kW and trips"),
        "{}",
        human.stdout
    );

    let before = json(&faultline(&[
        "trip",
        FOUR,
        "cb-a-mg1",
        "--no-cascade",
        "--format",
        "json",
    ]));
    assert_eq!(before["tripped"], json!([]));
    assert_eq!(
        before["overloaded"],
        json!([{"id": "cb-b-mg1", "load_pct": 130.4}])
    );
    assert_eq!(before["down"]["services"], json!([]));
}

#[test]
fn failover_overload_explains_the_chain() {
    let v = json(&faultline(&["check", FOUR, "--format", "json"]));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "failover-overload" && f["subject"] == "cb-a-mg1")
        .expect("failover-overload on cb-a-mg1");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "if cb-a-mg1 fails, cb-b-mg1 carries 9.0 kW = 130% of 6.9 kW and trips in round 1;"
        ),
        "{msg}"
    );
    assert!(
        f["affected"]
            .as_array()
            .unwrap()
            .contains(&json!("cb-b-mg1"))
    );
}

/// One UPS behind an ATS with a generator, loaded to `load_w` of 20 kW.
fn bridge_layout(runtime_min: f64, load_w: f64) -> String {
    format!(
        r#"Layout(
    name: "bridge",
    power: [
        Utility(id: "util"),
        Generator(id: "gen", start_s: 20),
        Ats(id: "ats", inputs: ["util", "gen"], transfer_s: 10),
        Ups(id: "ups", input: "ats", capacity_kw: 20, runtime_min: {runtime_min}),
        Breaker(id: "cb", input: "ups", rating_a: 200),
    ],
    racks: [Rack(id: "r", devices: [
        Device(id: "load", kind: Other, u: 1, draw_w: {load_w}, psus: [(feed: "cb")]),
    ])],
)"#
    )
}

fn codes(text: &str) -> Vec<String> {
    let loaded = load_text(text);
    let a = Analysis::new(&loaded.layout);
    faultline::findings::check(&loaded, &a)
        .into_iter()
        .map(|f| f.code.to_string())
        .collect()
}

#[test]
fn ups_bridge_compares_battery_time_with_generator_start_and_transfer() {
    // 20 s start + 10 s transfer = 30 s to cover.
    for load_w in [1000.0, 10_000.0, 20_000.0] {
        let found = codes(&bridge_layout(5.0, load_w));
        assert!(
            !found.contains(&"ups-bridge".to_string()),
            "5 min at {load_w} W: {found:?}"
        );
    }
    // 0.4 min = 24 s at full load: too short.
    assert!(codes(&bridge_layout(0.4, 20_000.0)).contains(&"ups-bridge".to_string()));
    // At half load the same battery lasts 48 s: enough.
    assert!(!codes(&bridge_layout(0.4, 10_000.0)).contains(&"ups-bridge".to_string()));
}

#[test]
fn a_ups_without_a_generator_is_noted() {
    let text = bridge_layout(5.0, 1000.0)
        .replace(r#"inputs: ["util", "gen"]"#, r#"inputs: ["util", "util2"]"#)
        .replace(
            r#"Generator(id: "gen", start_s: 20),"#,
            r#"Utility(id: "util2"),"#,
        );
    assert!(codes(&text).contains(&"no-standby".to_string()));
}

#[test]
fn capacities_inherit_volts_and_phases() {
    let loaded = load_text(
        r#"Layout(
    name: "volts",
    power: [
        Utility(id: "util"),
        Panel(id: "p100", input: "util", volts: 100),
        Breaker(id: "cb100", input: "p100", rating_a: 30),
        Panel(id: "p3", input: "util", volts: 400, phases: 3),
        Breaker(id: "cb3", input: "p3", rating_a: 32),
        Breaker(id: "cb230", input: "util", rating_a: 16),
    ],
    racks: [],
)"#,
    );
    let a = Analysis::new(&loaded.layout);
    let cap = |id: &str| a.graph.capacity_w(a.graph.node(id).unwrap());
    assert_eq!(cap("cb100"), 3000.0);
    assert!((cap("cb3") - 32.0 * 400.0 * 3f64.sqrt()).abs() < 1e-9);
    assert_eq!(cap("cb230"), 16.0 * 230.0);
    assert!(cap("p100").is_infinite(), "no rating, no limit");
}

#[test]
fn derating_and_phase_imbalance() {
    let found = codes(
        r#"Layout(
    name: "legs",
    power: [
        Utility(id: "util"),
        Pdu(id: "pdu3", input: "util", volts: 400, phases: 3, rating_a: 16),
        Breaker(id: "cb", input: "util", rating_a: 10),
    ],
    racks: [Rack(id: "r", devices: [
        // 2 kW on leg 1, 0.5 kW on legs 2 and 3: 2 kW vs a 1 kW mean.
        Device(id: "a", kind: Server, u: 1, draw_w: 2000, psus: [(feed: "pdu3", phase: 1)]),
        Device(id: "b", kind: Server, u: 2, draw_w: 500, psus: [(feed: "pdu3", phase: 2)]),
        Device(id: "c", kind: Server, u: 3, draw_w: 500, psus: [(feed: "pdu3", phase: 3)]),
        // 2 kW on 2.3 kW: 87%, above the 80% continuous rating.
        Device(id: "d", kind: Server, u: 4, draw_w: 2000, psus: [(feed: "cb")]),
    ])],
)"#,
    );
    assert!(found.contains(&"phase-imbalance".to_string()), "{found:?}");
    assert!(found.contains(&"derating".to_string()), "{found:?}");
    assert!(!found.contains(&"overload".to_string()), "{found:?}");
}

#[test]
fn base_overload_trips_and_leaves_devices_unpowered() {
    let found = codes(
        r#"Layout(
    name: "over",
    power: [Utility(id: "util"), Breaker(id: "cb", input: "util", rating_a: 2)],
    racks: [Rack(id: "r", devices: [
        Device(id: "big", kind: Server, u: 1, draw_w: 1000, psus: [(feed: "cb")]),
    ])],
)"#,
    );
    assert!(found.contains(&"overload".to_string()), "{found:?}");
    assert!(found.contains(&"unpowered".to_string()), "{found:?}");
}
