//! Why-paths (`faultline path`, the TUI's `w`) against a brute force from
//! the layout itself: every power path enumerated from the format's own
//! structures, and each single point found by failing every element and
//! PSU in turn and re-evaluating the rules of analysis.md (the liveness
//! oracle). Then the cause chain is checked step by step against the
//! engine's outcome, and the demo's Done-when lines through the binary.

use std::collections::{BTreeSet, HashSet};

use faultline::engine::paths::{Reason, why};
use faultline::engine::{Analysis, Event, NodeId, Outcome};
use faultline::model::format::Layout;

use crate::oracle::{Oracle, Rng, random_layout, unplug_some};
use crate::util;

/// Every path from a source to `id`, from the layout's structures, by
/// recursion (the random layouts are shallow).
fn paths_from_layout(o: &Oracle<'_>, id: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let mut suffix = vec![id.to_string()];
    walk(o, id, &mut suffix, &mut out);
    out
}

fn ups_of(o: &Oracle<'_>, id: &str) -> Vec<String> {
    if let Some(p) = o.power.get(id) {
        return p.inputs().iter().map(|(_, i)| i.to_string()).collect();
    }
    if let Some(d) = o.devices.iter().find(|d| d.id == id) {
        return (0..d.psus.len())
            .map(|i| format!("{}/{}", d.id, d.psu_name(i)))
            .collect();
    }
    if let Some((dev, psu)) = id.split_once('/') {
        let d = o.devices.iter().find(|d| d.id == dev).expect("a device");
        let i = (0..d.psus.len())
            .find(|&i| d.psu_name(i) == psu)
            .expect("a PSU");
        return vec![d.psus[i].feed.clone()];
    }
    Vec::new()
}

fn walk(o: &Oracle<'_>, id: &str, suffix: &mut Vec<String>, out: &mut BTreeSet<Vec<String>>) {
    let ups = ups_of(o, id);
    if ups.is_empty() {
        if suffix.len() > 1 {
            out.insert(suffix.iter().rev().cloned().collect());
        }
        return;
    }
    for up in ups {
        suffix.push(up.clone());
        walk(o, &up, suffix, out);
        suffix.pop();
    }
}

/// Whether `id` has power with `failed` out: a device needs
/// `psus_needed` live PSUs (its `needs` are not power).
fn powered(o: &Oracle<'_>, id: &str, failed: &str) -> bool {
    let live = o.evaluate(&HashSet::from([failed.to_string()]));
    match o.devices.iter().find(|d| d.id == id) {
        Some(d) => {
            let up = (0..d.psus.len())
                .filter(|&i| live[&format!("{}/{}", d.id, d.psu_name(i))])
                .count() as u32;
            up >= d.psus_needed
        }
        None => live[id],
    }
}

fn ids(a: &Analysis, v: &[NodeId]) -> Vec<String> {
    v.iter().map(|&n| a.graph.id(n).to_string()).collect()
}

/// Targets to ask about: devices, PSUs and power elements.
fn targets(layout: &Layout, rng: &mut Rng) -> Vec<String> {
    let mut all: Vec<String> = layout.power.iter().map(|p| p.id().to_string()).collect();
    for d in layout.racks.iter().flat_map(|r| r.devices.iter()) {
        all.push(d.id.clone());
        if !d.psus.is_empty() {
            all.push(format!("{}/{}", d.id, d.psu_name(0)));
        }
    }
    rng.distinct(&all, 6.min(all.len()))
}

#[test]
fn paths_and_single_points_agree_with_brute_force() {
    let mut checked = 0;
    let mut with_single_points = 0;
    for seed in 0..300 {
        let mut rng = Rng::new(7_000 + seed);
        let mut layout = random_layout(&mut rng);
        unplug_some(&mut layout, &mut Rng::new(seed ^ 0x5EED));
        let oracle = Oracle::new(&layout);
        let analysis = Analysis::new(&layout);
        let outcome = Outcome::new(&analysis, &[], true);
        let candidates: Vec<String> = layout
            .power
            .iter()
            .map(|p| p.id().to_string())
            .chain(
                layout
                    .racks
                    .iter()
                    .flat_map(|r| r.devices.iter())
                    .flat_map(|d| {
                        (0..d.psus.len()).map(move |i| format!("{}/{}", d.id, d.psu_name(i)))
                    }),
            )
            .collect();
        for id in targets(&layout, &mut rng) {
            let n = analysis.graph.node(&id).expect("a node");
            let w = why(&analysis, &outcome, n);
            let want = paths_from_layout(&oracle, &id);
            assert_eq!(
                w.paths_not_listed, 0,
                "seed {seed} {id}: small layouts list every path"
            );
            let got: BTreeSet<Vec<String>> = w.paths.iter().map(|p| ids(&analysis, p)).collect();
            assert_eq!(got, want, "seed {seed}: paths of {id}");
            assert_eq!(w.paths.len(), want.len(), "seed {seed}: {id} no path twice");

            // Single points: fail each element and PSU alone.
            let mut want_spof: Vec<String> = candidates
                .iter()
                .filter(|c| **c != id && want.iter().any(|p| p.contains(c)))
                .filter(|c| !powered(&oracle, &id, c))
                .cloned()
                .collect();
            want_spof.sort();
            let mut got_spof = ids(&analysis, &w.single_points);
            got_spof.sort();
            assert_eq!(got_spof, want_spof, "seed {seed}: single points of {id}");
            with_single_points += usize::from(!want_spof.is_empty());

            // Shared: on every path; the meeting point is the nearest.
            let on_all: BTreeSet<String> = want
                .iter()
                .flat_map(|p| p.iter().cloned())
                .filter(|x| *x != id && want.iter().all(|p| p.contains(x)))
                .collect();
            let shared: BTreeSet<String> = ids(&analysis, &w.shared).into_iter().collect();
            assert_eq!(shared, on_all, "seed {seed}: shared nodes of {id}");
            if want.len() > 1 && !on_all.is_empty() {
                let meet = analysis
                    .graph
                    .id(w.meet.expect("a meeting point"))
                    .to_string();
                // Nearest: no other shared node lies between it and the target.
                for p in &want {
                    let at = p.iter().position(|x| *x == meet).unwrap();
                    assert!(
                        p[at + 1..p.len() - 1].iter().all(|x| !on_all.contains(x)),
                        "seed {seed}: {meet} is not the nearest meeting point of {id}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} targets checked");
    assert!(
        with_single_points > 100,
        "only {with_single_points} with single points"
    );
}

/// Under random failures: the chain starts at the target when it is down,
/// every step is down, each "lost" names down inputs and the next step is
/// the first of them, and the chain ends at what an event failed or
/// tripped.
#[test]
fn cause_chains_end_at_an_event_on_random_layouts() {
    let mut chains = 0;
    for seed in 0..300 {
        let mut rng = Rng::new(9_000 + seed);
        let layout = random_layout(&mut rng);
        let analysis = Analysis::new(&layout);
        let g = &analysis.graph;
        let power: Vec<NodeId> = g.power.clone().collect();
        let events: Vec<Event> = rng
            .distinct(&power, 2.min(power.len()))
            .into_iter()
            .map(Event::Fail)
            .collect();
        let outcome = Outcome::new(&analysis, &events, true);
        let failed: HashSet<NodeId> = events
            .iter()
            .flat_map(|&e| analysis.failures(e, true))
            .collect();
        let devices: Vec<NodeId> = g.devices.clone().chain(g.power.clone()).collect();
        for n in devices {
            let w = why(&analysis, &outcome, n);
            let down = outcome.state(n).is_down();
            assert_eq!(
                !w.cause.is_empty(),
                down,
                "seed {seed}: chain of {}",
                g.id(n)
            );
            if !down {
                continue;
            }
            assert_eq!(w.cause[0].node, n);
            for (i, step) in w.cause.iter().enumerate() {
                assert!(outcome.state(step.node).is_down(), "seed {seed}");
                match &step.reason {
                    Reason::Lost { inputs } => {
                        for &x in inputs {
                            assert!(
                                outcome.state(x).is_down(),
                                "seed {seed}: {} not down",
                                g.id(x)
                            );
                        }
                        if let Some(next) = w.cause.get(i + 1) {
                            assert_eq!(Some(&next.node), inputs.first());
                        }
                    }
                    Reason::Failed => {
                        assert!(
                            failed.contains(&step.node),
                            "seed {seed}: {} failed by no event",
                            g.id(step.node)
                        );
                        assert_eq!(i + 1, w.cause.len(), "a failure ends the chain");
                    }
                    Reason::Overload { .. } | Reason::BaseOverload { .. } => {
                        assert_eq!(i + 1, w.cause.len(), "a trip ends the chain");
                    }
                    Reason::ShortTrip { .. } => unreachable!("no shorts here"),
                }
            }
            let last = w.cause.last().unwrap();
            let ends_at_event = !matches!(last.reason, Reason::Lost { .. });
            // Or at something with no live input as designed (unpowered).
            assert!(
                ends_at_event || !analysis.base.live[last.node as usize],
                "seed {seed}: chain of {} ends at {}",
                g.id(n),
                g.id(last.node)
            );
            chains += 1;
        }
    }
    assert!(chains > 300, "only {chains} chains checked");
}

#[test]
fn demo_db3_paths_meet_at_its_pdu_in_the_cli_too() {
    let run = util::faultline(&["path", "layouts/demo.ron", "db-3", "--format", "json"]);
    assert_eq!(run.code, 0);
    let v = util::json(&run);
    assert_eq!(v["meet"], "pdu-r04-a");
    assert_eq!(v["single_points"][0], "pdu-r04-a");
    let text = util::faultline(&["path", "layouts/demo.ron", "db-3"]).stdout;
    assert!(
        text.contains("paths meet at pdu-r04-a (PDU): a single point of failure"),
        "{text}"
    );
}

#[test]
fn cli_names_the_chain_of_cause() {
    let out = util::faultline(&[
        "path",
        "layouts/demo.ron",
        "pdu-r07-b",
        "--fail",
        "cb-a-r07",
    ]);
    assert_eq!(out.code, 1, "the target is down");
    let text = out.stdout;
    assert!(
        text.contains(
            "pdu-r07-b is down because pdu-r07-b lost cb-b-r07, cb-b-r07 tripped in round 1 at 127% after fail cb-a-r07"
        ),
        "{text}"
    );
    let out = util::faultline(&["path", "layouts/demo.ron", "erp"]);
    assert_eq!(out.code, 2);
    let err = out.stderr;
    assert!(err.contains("is a service"), "{err}");
    let out = util::faultline(&["path", "layouts/demo.ron", "db-33"]);
    assert_eq!(out.code, 2);
}
