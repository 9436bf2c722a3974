//! Invariants of the engine on random layouts (issue: hardening):
//! losses are monotone, blast radii nest, nothing upstream of a failure
//! goes down on liveness alone, the incremental engine equals evaluation
//! from scratch for random event sets (with and without cascade), and the
//! cascade terminates and is deterministic.

use std::collections::BTreeSet;

use faultline::engine::liveness::evaluate;
use faultline::engine::{Analysis, Event, Flow, NodeId, events};

use crate::oracle::{Rng, random_layout};

fn down_set(a: &Analysis, events: &[Event]) -> BTreeSet<NodeId> {
    a.impact(events).down.into_iter().collect()
}

#[test]
fn adding_events_never_brings_anything_back() {
    for seed in 0..200u64 {
        let mut rng = Rng::new(seed ^ 0xA11);
        let a = Analysis::new(&random_layout(&mut rng));
        let universe = events::universe(&a.graph);
        for _ in 0..10 {
            let first = *rng.pick(&universe);
            let second = *rng.pick(&universe);
            let one = down_set(&a, &[first]);
            let both = down_set(&a, &[first, second]);
            assert!(
                one.is_subset(&both),
                "seed {seed}: {first:?} then {second:?}"
            );
            // Order does not matter.
            assert_eq!(both, down_set(&a, &[second, first]), "seed {seed}");
        }
    }
}

#[test]
fn nothing_upstream_of_a_failure_goes_down() {
    for seed in 0..200u64 {
        let mut rng = Rng::new(seed ^ 0xB22);
        let a = Analysis::new(&random_layout(&mut rng));
        let g = &a.graph;
        for n in g.power.start..g.devices.end {
            let down = down_set(&a, &[Event::Fail(n)]);
            // Everything n draws from, transitively.
            let mut stack: Vec<NodeId> = g.inputs(n).to_vec();
            let mut seen = BTreeSet::new();
            while let Some(u) = stack.pop() {
                if seen.insert(u) {
                    assert!(
                        !down.contains(&u),
                        "seed {seed}: failing {} took down {} above it",
                        g.id(n),
                        g.id(u)
                    );
                    stack.extend_from_slice(g.inputs(u));
                }
            }
            assert!(
                down.contains(&n) || !a.liveness_base.live[n as usize],
                "the failed element is down"
            );
        }
    }
}

/// Liveness and loads after `events` with cascade, from scratch: fail,
/// evaluate, trip the downstream-most overloads, repeat.
fn from_scratch(a: &Analysis, events: &[Event], cascade: bool) -> (Vec<bool>, Vec<NodeId>) {
    let g = &a.graph;
    let mut failed = vec![false; g.len()];
    if cascade {
        for t in &a.base_trips {
            failed[t.node as usize] = true;
        }
    }
    for &e in events {
        for n in a.failures(e, cascade) {
            failed[n as usize] = true;
        }
    }
    let mut tripped = Vec::new();
    loop {
        let (live, _) = evaluate(g, &failed);
        if !cascade {
            return (live, tripped);
        }
        let flow = Flow::compute(g, &live);
        let over: Vec<NodeId> = g
            .power
            .clone()
            .filter(|&n| {
                live[n as usize]
                    && faultline::engine::load::is_overloaded(flow.load(n), g.capacity_w(n))
            })
            .collect();
        if over.is_empty() {
            return (live, tripped);
        }
        let below_any = |o: NodeId| {
            let mut stack = vec![o];
            let mut seen = BTreeSet::new();
            while let Some(v) = stack.pop() {
                for &c in g.consumers(v) {
                    if seen.insert(c) {
                        if c != o && over.contains(&c) {
                            return true;
                        }
                        stack.push(c);
                    }
                }
            }
            false
        };
        let round: Vec<NodeId> = over.iter().copied().filter(|&o| !below_any(o)).collect();
        for &n in &round {
            failed[n as usize] = true;
        }
        tripped.extend(round);
    }
}

#[test]
fn incremental_what_ifs_equal_from_scratch_with_and_without_cascade() {
    for seed in 0..150u64 {
        let mut rng = Rng::new(seed ^ 0xC33);
        let mut layout = random_layout(&mut rng);
        // Tight breakers so that event sets cascade.
        for el in &mut layout.power {
            if let faultline::model::format::PowerElement::Breaker { rating_a, .. } = el {
                *rating_a = 1.0 + rng.below(6) as f64;
            }
        }
        let a = Analysis::new(&layout);
        let universe = events::universe(&a.graph);
        for _ in 0..6 {
            let k = 1 + rng.below(3);
            let evs: Vec<Event> = (0..k).map(|_| *rng.pick(&universe)).collect();
            for cascade in [false, true] {
                let (impact, w) = a.impact_with_loads(&evs, cascade);
                let (live, tripped) = from_scratch(&a, &evs, cascade);
                assert_eq!(
                    w.scenario.live(),
                    &live[..],
                    "seed {seed}, cascade {cascade}: {evs:?}"
                );
                let got: Vec<NodeId> = impact.tripped.iter().map(|t| t.node).collect();
                assert_eq!(got, tripped, "seed {seed}: trips for {evs:?}");
                // Deterministic: the same question, the same answer.
                let (again, _) = a.impact_with_loads(&evs, cascade);
                assert_eq!(impact, again, "seed {seed}");
            }
        }
    }
}

#[test]
fn the_sweep_sees_each_event_as_a_what_if_of_its_own_would() {
    let mut visited_shorts = 0;
    for seed in 0..150u64 {
        let mut rng = Rng::new(seed ^ 0xD44);
        let mut layout = random_layout(&mut rng);
        for el in &mut layout.power {
            if let faultline::model::format::PowerElement::Breaker { rating_a, .. } = el {
                *rating_a = 1.0 + rng.below(6) as f64;
            }
        }
        let a = Analysis::new(&layout);
        let g = &a.graph;
        let mut seen = Vec::new();
        a.sweep_with_cascade(|event, w| {
            seen.push(event);
            visited_shorts += matches!(event, Event::Short(_)) as usize;
            let (alone, own) = a.impact_with_loads(&[event], true);
            // The chain's own elements may differ (see sweep_with_cascade);
            // everything else must not.
            for n in 0..g.len() as NodeId {
                if !g.is_power(n) {
                    assert_eq!(
                        w.scenario.is_live(n),
                        own.scenario.is_live(n),
                        "seed {seed}: {} after {event:?}",
                        g.id(n)
                    );
                }
            }
            let trips: Vec<NodeId> = w.trips().iter().map(|t| t.node).collect();
            let want: Vec<NodeId> = alone.tripped.iter().map(|t| t.node).collect();
            assert_eq!(trips, want, "seed {seed}: trips after {event:?}");
        });
        let mut universe = events::universe(g);
        universe.sort();
        seen.sort();
        assert_eq!(seen, universe, "seed {seed}: every event once");
    }
    assert!(visited_shorts > 500);
}
