//! `faultline headroom`: a hand-checked layout, and the engine's numbers
//! against a brute force built from analysis.md (every single event, loads
//! from scratch, by the findings oracle) on random layouts.

use std::collections::{HashMap, HashSet};

use faultline::engine::Analysis;
use faultline::engine::headroom::{Headroom, headroom};
use faultline::model::format::{Device, DeviceKind, Layout, Psu};

use crate::findings_oracle::{Findings, exceeds};
use crate::oracle::{Rng, random_layout, tighten};
use crate::util::{faultline, json, load_text};

/// Two racks on A/B with 16 A breakers (2944 W at 80%); r2 has a
/// single-corded device on A.
const TWO_RACKS: &str = r#"Layout(
    name: "Two racks, tight breakers",
    power: [
        Utility(id: "util-a"),
        Utility(id: "util-b"),
        Panel(id: "panel-a", input: "util-a", rating_a: 40),
        Panel(id: "panel-b", input: "util-b", rating_a: 40),
        Breaker(id: "cb-a-r1", input: "panel-a", rating_a: 16),
        Breaker(id: "cb-b-r1", input: "panel-b", rating_a: 16),
        Breaker(id: "cb-a-r2", input: "panel-a", rating_a: 16),
        Breaker(id: "cb-b-r2", input: "panel-b", rating_a: 16),
        Pdu(id: "pdu-r1-a", input: "cb-a-r1", rack: "r1"),
        Pdu(id: "pdu-r1-b", input: "cb-b-r1", rack: "r1"),
        Pdu(id: "pdu-r2-a", input: "cb-a-r2", rack: "r2"),
        Pdu(id: "pdu-r2-b", input: "cb-b-r2", rack: "r2"),
    ],
    racks: [
        Rack(id: "r1", height_u: 10, row: "A", devices: [
            Device(id: "s1", kind: Server, u: 1, height_u: 2, draw_w: 1200,
                   psus: [(feed: "pdu-r1-a"), (feed: "pdu-r1-b")]),
            Device(id: "s2", kind: Server, u: 3, draw_w: 800,
                   psus: [(feed: "pdu-r1-a"), (feed: "pdu-r1-b")]),
        ]),
        Rack(id: "r2", height_u: 10, row: "A", devices: [
            Device(id: "s3", kind: Storage, u: 1, height_u: 4, draw_w: 2400,
                   psus: [(feed: "pdu-r2-a"), (feed: "pdu-r2-b")]),
            Device(id: "s4", kind: Router, u: 5, draw_w: 500, psus: [(feed: "pdu-r2-a")]),
        ]),
    ],
)"#;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn two_racks_give_the_hand_worked_numbers() {
    let loaded = load_text(TWO_RACKS);
    let a = Analysis::new(&loaded.layout);
    let h = headroom(&a, &loaded.layout);
    let g = &a.graph;
    let el = |id: &str| {
        let e = h.elements.iter().find(|e| g.id(e.node) == id).unwrap();
        (
            e.load_w,
            e.failover_load_w,
            e.worst_event.map(|ev| ev.describe(g)),
            e.limit_w,
            e.headroom_w,
        )
    };
    // cb-a-r2: s3's half and s4 = 1700 W; with side B gone, all of s3
    // and s4 = 2900 W; the first event of the universe that does it is
    // losing util-b. Limit 16 A × 230 V × 80% = 2944 W.
    assert_eq!(
        el("cb-a-r2"),
        (1700.0, 2900.0, Some("fail util-b".into()), 2944.0, 44.0)
    );
    // cb-b-r2: s3 alone when side A is gone (s4 goes down with it).
    assert_eq!(
        el("cb-b-r2"),
        (1200.0, 2400.0, Some("fail util-a".into()), 2944.0, 544.0)
    );
    assert_eq!(
        el("cb-a-r1"),
        (1000.0, 2000.0, Some("fail util-b".into()), 2944.0, 944.0)
    );
    // panel-a: 1000 + 1700 now, 2000 + 2900 without side B; 40 A: 7360 W.
    assert_eq!(
        el("panel-a"),
        (2700.0, 4900.0, Some("fail util-b".into()), 7360.0, 2460.0)
    );
    assert_eq!(
        el("panel-b"),
        (2200.0, 4400.0, Some("fail util-a".into()), 7360.0, 2960.0)
    );
    let rack = |id: &str| {
        h.racks
            .iter()
            .find(|r| a.racks.racks[r.rack].id == id)
            .unwrap()
    };
    let r1 = rack("r1");
    assert_eq!((r1.free_u, r1.largest_free_u), (7, 7));
    // A dual-corded device in r1 puts all its draw on cb-a-r1 when side B
    // is lost: 2000 + D <= 2944.
    let d1 = r1.dual_corded.unwrap();
    assert_eq!(d1.draw_w, 944.0);
    assert!(["cb-a-r1", "cb-b-r1"].contains(&g.id(d1.limited_by.unwrap())));
    let r2 = rack("r2");
    assert_eq!((r2.free_u, r2.largest_free_u), (5, 5));
    let d2 = r2.dual_corded.unwrap();
    assert_eq!((d2.draw_w, g.id(d2.limited_by.unwrap())), (44.0, "cb-a-r2"));
    // Single-corded, side B is better: 2400 + D <= 2944.
    let s2 = r2.single_corded.unwrap();
    assert_eq!(
        (s2.draw_w, g.id(s2.limited_by.unwrap())),
        (544.0, "cb-b-r2")
    );
    assert_eq!(g.id(r2.single_feed.unwrap()), "pdu-r2-b");
}

#[test]
fn headroom_command_prints_json_markdown_and_stranded_racks() {
    let dir = std::env::temp_dir().join(format!("faultline-headroom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("two.ron");
    std::fs::write(&file, TWO_RACKS).unwrap();
    let f = file.to_str().unwrap();
    let run = faultline(&["headroom", f, "--format", "json", "--stranded-below", "600"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run);
    let cb = v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "cb-a-r2")
        .unwrap();
    assert_eq!(cb["failover_load_w"], 2900.0);
    assert_eq!(cb["worst_event"]["kind"], "fail");
    assert_eq!(cb["worst_event"]["id"], "util-b");
    assert_eq!(cb["headroom_w"], 44.0);
    let r2 = &v["racks"][1];
    assert_eq!(r2["dual_corded_headroom_w"], 44.0);
    assert_eq!(r2["limited_by"]["dual_corded"], "cb-a-r2");
    assert_eq!(v["stranded"]["space_without_power"][0], "r2");
    assert_eq!(v["stranded"]["hall"]["space_without_power"]["free_u"], 5);
    let md = faultline(&["headroom", f, "--format", "markdown", "--rack", "r2"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        md.stdout
            .contains("| cb-a-r2 | 1700 W | 2900 W | fail util-b |"),
        "{}",
        md.stdout
    );
    assert!(!md.stdout.contains("| r1 |"), "{}", md.stdout);
    let human = faultline(&["headroom", f]);
    assert!(human.stdout.lines().nth(1).unwrap().starts_with("element"));
    // The tightest element first.
    assert!(
        human.stdout.lines().nth(2).unwrap().starts_with("cb-a-r2"),
        "{}",
        human.stdout
    );
    // A maintenance window with side B out: side A carries everything now.
    let window = json(&faultline(&[
        "headroom", f, "--out", "util-b", "--format", "json",
    ]));
    let cb = window["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "cb-a-r2")
        .unwrap();
    assert_eq!(
        (&cb["load_w"], &cb["headroom_w"]),
        (&2900.0.into(), &44.0.into())
    );
    let human_window = faultline(&["headroom", f, "--out", "util-b"]);
    assert!(
        human_window
            .stdout
            .starts_with("with util-b out of service"),
        "{}",
        human_window.stdout
    );
    let bad = faultline(&["headroom", f, "--rack", "r3"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("did you mean \"r1\""), "{}", bad.stderr);
    // The demo has elements already short: exit 1.
    let demo = faultline(&["headroom", "layouts/demo.ron"]);
    assert_eq!(demo.code, 1, "{}", demo.stderr);
    std::fs::remove_dir_all(&dir).ok();
}

/// Every single event of a layout, as the sets of ids it fails (a short's
/// trip found from `base`).
pub(crate) fn events(
    f: &Findings<'_>,
    base: &HashMap<String, bool>,
) -> Vec<(String, HashSet<String>)> {
    let mut out = Vec::new();
    for p in &f.power {
        out.push((format!("fail {}", p.id()), [p.id().to_string()].into()));
    }
    for d in &f.o.devices {
        out.push((format!("fail {}", d.id), [d.id.clone()].into()));
        for i in 0..d.psus.len() {
            let id = format!("{}/{}", d.id, d.psu_name(i));
            out.push((format!("fail {id}"), [id.clone()].into()));
            let mut set: HashSet<String> = [id.clone()].into();
            set.extend(f.o.protective(base, &d.psus[i].feed));
            out.push((format!("short {id}"), set));
        }
    }
    for c in &f.o.layout.common_causes {
        out.push((
            format!("common {}", c.id),
            c.members.iter().cloned().collect(),
        ));
    }
    out
}

pub(crate) type States = Vec<(String, HashMap<String, bool>, HashMap<String, f64>)>;

/// The elements that trip on overload with nothing failed.
pub(crate) fn base_trips(layout: &Layout) -> HashSet<String> {
    let f = Findings::new(layout);
    f.cascade(&HashSet::new()).trips.into_iter().collect()
}

/// Loads in the base state and after each single event (before any
/// overload trip), from scratch. The base state is the layout's with
/// `tripped` out: a new device is judged against the base state as it is,
/// overload trips included (a layout with an `overload` error has no
/// better one).
pub(crate) fn all_states(layout: &Layout, tripped: &HashSet<String>) -> States {
    let f = Findings::new(layout);
    let live = f.o.evaluate(tripped);
    let base_load = f.loads(&live);
    let mut out = vec![("base".to_string(), live.clone(), base_load)];
    for (name, set) in events(&f, &live) {
        let failed: HashSet<String> = tripped.union(&set).cloned().collect();
        let live = f.o.evaluate(&failed);
        let load = f.loads(&live);
        out.push((name, live, load));
    }
    out
}

pub(crate) fn random(seed: u64) -> Layout {
    let mut rng = Rng::new(seed ^ 0x4EAD_5003);
    let mut layout = random_layout(&mut rng);
    if rng.chance(70) {
        tighten(&mut layout, &mut rng);
    }
    layout
}

fn engine(layout: &Layout) -> (Analysis, Headroom) {
    let a = Analysis::new(layout);
    let h = headroom(&a, layout);
    (a, h)
}

#[test]
fn failover_loads_equal_brute_force_on_300_random_layouts() {
    let mut raised = 0;
    for seed in 0..300 {
        let layout = random(seed);
        let (a, h) = engine(&layout);
        let states = all_states(&layout, &base_trips(&layout));
        let f = Findings::new(&layout);
        let failover_of = |id: &str| {
            states
                .iter()
                .filter(|(_, live, _)| live[id])
                .map(|(_, _, load)| load[id])
                .chain([states[0].2[id]])
                .fold(0.0, f64::max)
        };
        // The element half alone (`diff`'s loads moved), rated or not.
        let alone = faultline::engine::headroom::failover_loads(&a);
        for n in a.graph.power.clone() {
            let id = a.graph.id(n);
            let got = alone[(n - a.graph.power.start) as usize].0;
            let want = failover_of(id);
            assert!(
                close(got, want),
                "seed {seed}: {id} failover_loads {got} but brute force {want}"
            );
        }
        for e in &h.elements {
            let id = a.graph.id(e.node);
            let want = failover_of(id);
            assert!(
                close(e.failover_load_w, want),
                "seed {seed}: {id} failover {} but brute force {want}",
                e.failover_load_w
            );
            assert!(close(e.load_w, states[0].2[id]), "seed {seed}: {id}");
            let limit = f.capacity[id] * layout.policy.continuous_load_pct / 100.0;
            assert!(close(e.limit_w, limit), "seed {seed}: {id}");
            assert!(close(e.headroom_w, limit - want), "seed {seed}: {id}");
            match e.worst_event {
                Some(ev) => {
                    raised += 1;
                    let name = ev.describe(&a.graph);
                    let (_, live, load) = states.iter().find(|s| s.0 == name).unwrap();
                    assert!(
                        live[id] && close(load[id], want),
                        "seed {seed}: {id} {name}"
                    );
                }
                None => assert!(close(want, states[0].2[id]), "seed {seed}: {id}"),
            }
        }
    }
    assert!(raised > 300, "only {raised} elements had a worst event");
}

/// The layout with one more device in `rack`, on `feeds`, drawing `draw_w`.
fn with_device(layout: &Layout, rack: usize, feeds: &[String], draw_w: f64) -> Layout {
    let mut l = layout.clone();
    l.racks[rack].devices.push(Device {
        id: "new-device".into(),
        kind: DeviceKind::Server,
        u: 1,
        height_u: 1,
        draw_w,
        psus: feeds
            .iter()
            .map(|f| Psu {
                feed: f.clone(),
                name: None,
                phase: None,
            })
            .collect(),
        psus_needed: 1,
        needs: vec![],
        roles: vec![],
        allow: vec![],
        face: None,
        full_depth: true,
    });
    l
}

/// Does the new device take some element past its limit, in the base
/// state or after some single event (its own included), where it adds
/// load? Each state is compared with the same event in the layout without
/// it.
fn new_device_exceeds(layout: &Layout, with: &Layout) -> Option<String> {
    let tripped = base_trips(layout);
    let before: HashMap<String, HashMap<String, f64>> = all_states(layout, &tripped)
        .into_iter()
        .map(|(name, _, load)| (name, load))
        .collect();
    let f = Findings::new(with);
    let pct = layout.policy.continuous_load_pct;
    let states = all_states(with, &tripped);
    for (name, live, load) in &states {
        // The new device's own events: compared with the state it leaves
        // the rest of the layout in (a short trips the same element).
        let other = if name.contains("new-device") {
            let trip = name.starts_with("short").then(|| {
                let psu = name.trim_start_matches("short ");
                let (_, i) = psu.split_once("/psu").unwrap();
                let new = with
                    .racks
                    .iter()
                    .flat_map(|r| &r.devices)
                    .find(|d| d.id == "new-device")
                    .unwrap();
                let feed = &new.psus[i.parse::<usize>().unwrap() - 1].feed;
                f.o.protective(&states[0].1, feed)
            });
            match trip.flatten() {
                Some(p) => &before[&format!("fail {p}")],
                None => &before["base"],
            }
        } else {
            &before[name]
        };
        for p in &f.power {
            let id = p.id();
            let limit = f.capacity[id] * pct / 100.0;
            if live[id] && load[id] > other[id] + 1e-9 && exceeds(load[id], limit) {
                return Some(format!("{name}: {id} carries {} over {limit}", load[id]));
            }
        }
    }
    None
}

#[test]
fn a_device_of_exactly_the_headroom_fits_and_one_watt_more_does_not() {
    let (mut dual, mut single) = (0, 0);
    for seed in 0..120 {
        let layout = random(seed);
        let (a, h) = engine(&layout);
        for r in h.racks.iter().take(2) {
            let feeds: Vec<String> = r.feeds.iter().map(|&f| a.graph.id(f).to_string()).collect();
            let mut cases = Vec::new();
            if let Some(l) = r.dual_corded {
                cases.push((feeds.clone(), l.draw_w));
            }
            if let (Some(l), Some(feed)) = (r.single_corded, r.single_feed) {
                cases.push((vec![a.graph.id(feed).to_string()], l.draw_w));
            }
            for (feeds, draw) in cases {
                if !draw.is_finite() {
                    continue;
                }
                let fits = with_device(&layout, r.rack, &feeds, draw);
                if let Some(why) = new_device_exceeds(&layout, &fits) {
                    panic!("seed {seed}: {draw} W on {feeds:?} should fit: {why}");
                }
                let over = with_device(&layout, r.rack, &feeds, draw + 1.0);
                assert!(
                    new_device_exceeds(&layout, &over).is_some(),
                    "seed {seed}: {} W on {feeds:?} should not fit",
                    draw + 1.0
                );
                if feeds.len() == 2 {
                    dual += 1;
                } else {
                    single += 1;
                }
            }
        }
    }
    assert!(dual > 50 && single > 50, "dual {dual}, single {single}");
}
