//! The engine's answers the TUI and the reports read (engine/impact.rs,
//! engine/racks.rs): every node's state, what went down by kind, the
//! marginal blast radius, events by kind and id, and the rack index, on
//! the random layouts of the oracle.

use std::collections::BTreeSet;

use faultline::engine::{Analysis, ByKind, Event, Marginal, NodeId, NodeState, Outcome, events};
use faultline::model::format::PowerElement;

use crate::oracle::{Rng, random_layout};

/// A random layout with tight breakers, so event sets cascade.
fn tight(seed: u64) -> (Analysis, faultline::model::Layout, Rng) {
    let mut rng = Rng::new(seed);
    let mut layout = random_layout(&mut rng);
    for el in &mut layout.power {
        if let PowerElement::Breaker { rating_a, .. } = el {
            *rating_a = 1.0 + rng.below(6) as f64;
        }
    }
    (Analysis::new(&layout), layout, rng)
}

fn random_events(rng: &mut Rng, universe: &[Event]) -> Vec<Event> {
    let k = rng.below(4);
    let mut evs: Vec<Event> = (0..k).map(|_| *rng.pick(universe)).collect();
    evs.dedup();
    evs
}

#[test]
fn states_agree_with_the_what_if_the_engine_runs() {
    for seed in 0..150u64 {
        let (a, _, mut rng) = tight(seed ^ 0x1A7);
        let g = &a.graph;
        let universe = events::universe(g);
        for _ in 0..6 {
            let evs = random_events(&mut rng, &universe);
            for cascade in [false, true] {
                let o = Outcome::new(&a, &evs, cascade);
                let (impact, w) = a.impact_with_loads(&evs, cascade);
                assert_eq!(o.impact, impact, "seed {seed}: {evs:?}");
                for n in 0..g.services.end {
                    let down = !w.scenario.is_live(n);
                    assert_eq!(
                        o.state(n).is_down(),
                        down,
                        "seed {seed}, cascade {cascade}, {evs:?}: {} is {:?}",
                        g.id(n),
                        o.state(n)
                    );
                }
                for &e in &evs {
                    for n in a.failures(e, cascade) {
                        let st = o.state(n);
                        assert!(
                            matches!(st, NodeState::Failed | NodeState::Tripped),
                            "seed {seed}: {} hit by {e:?} is {st:?}",
                            g.id(n)
                        );
                    }
                }
                for t in &impact.tripped {
                    assert_eq!(o.state(t.node), NodeState::Tripped, "seed {seed}");
                }
                for n in g.power.clone() {
                    assert_eq!(o.loads[n as usize], w.flow.load(n), "seed {seed}");
                }
                // Hidden gates over visible inputs: down exactly when the
                // engine has them down.
                for gate in g.services.end..g.len() as NodeId {
                    if g.inputs(gate).iter().all(|&m| g.is_visible(m)) {
                        assert_eq!(
                            o.gate_state(g, gate).is_down(),
                            !w.scenario.is_live(gate),
                            "seed {seed}, cascade {cascade}, {evs:?}: gate of {}",
                            g.id(g.owner(gate))
                        );
                    }
                }
                // Down by kind: every down node once, under its own kind.
                let d = &o.down;
                let total = d.critical.len()
                    + d.services.len()
                    + d.devices.len()
                    + d.psus.len()
                    + d.power.len();
                assert_eq!(total, impact.down.len(), "seed {seed}");
                assert!(d.critical.iter().all(|&n| g.is_critical(n)));
                assert!(
                    d.services
                        .iter()
                        .all(|&n| g.is_service(n) && !g.is_critical(n))
                );
                assert!(d.devices.iter().all(|&n| g.is_device(n)));
                assert!(d.psus.iter().all(|&n| g.is_psu(n)));
                assert!(d.power.iter().all(|&n| g.is_power(n)));
            }
        }
    }
}

#[test]
fn the_marginal_radius_is_what_one_more_event_adds() {
    for seed in 0..150u64 {
        let (a, _, mut rng) = tight(seed ^ 0x2B8);
        let g = &a.graph;
        let universe = events::universe(g);
        for _ in 0..6 {
            let evs = random_events(&mut rng, &universe);
            let extra = *rng.pick(&universe);
            for cascade in [false, true] {
                let now = Outcome::new(&a, &evs, cascade);
                let m = match a.marginal(&now, &evs, extra) {
                    Marginal::Already(e) => {
                        assert!(evs.contains(&e) && e == extra, "seed {seed}");
                        continue;
                    }
                    Marginal::AlreadyDown(e) => {
                        assert!(matches!(e, Event::Fail(n) if now.state(n).is_down()));
                        continue;
                    }
                    Marginal::Adds(e, m) => {
                        assert_eq!(e, extra);
                        assert!(!evs.contains(&e), "seed {seed}");
                        if let Event::Fail(n) = e {
                            assert!(!now.state(n).is_down(), "seed {seed}");
                        }
                        m
                    }
                };
                let mut all = evs.clone();
                all.push(extra);
                let after = Outcome::new(&a, &all, cascade);
                let before: BTreeSet<NodeId> = now.impact.down.iter().copied().collect();
                let added: Vec<NodeId> = after
                    .impact
                    .down
                    .iter()
                    .copied()
                    .filter(|n| !before.contains(n))
                    .collect();
                assert_eq!(m.down, ByKind::split(g, added), "seed {seed}: {extra:?}");
                let was: BTreeSet<NodeId> = now.impact.degraded.iter().copied().collect();
                let degraded: Vec<NodeId> = after
                    .impact
                    .degraded
                    .iter()
                    .copied()
                    .filter(|n| !was.contains(n))
                    .collect();
                assert_eq!(m.degraded, degraded, "seed {seed}");
                assert!(
                    m.tripped
                        .iter()
                        .all(|t| !now.impact.tripped.iter().any(|x| x.node == t.node))
                );
            }
        }
    }
}

#[test]
fn events_resolve_by_kind_and_id() {
    for seed in 0..100u64 {
        let (a, _, _) = tight(seed ^ 0x3C9);
        let g = &a.graph;
        for e in events::universe(g) {
            assert_eq!(
                a.resolve_event(e.kind_name(), e.subject(g)),
                Some(e),
                "seed {seed}"
            );
        }
        for n in g.services.clone() {
            assert!(a.fail_event(n).is_err(), "a service cannot fail");
            assert_eq!(a.resolve_event("fail", g.id(n)), None);
            assert_eq!(a.telling_event(n), None);
        }
        for p in g.psus.clone() {
            assert_eq!(a.telling_event(p), Some(Event::Short(p)));
            assert_eq!(
                a.trip_event(p, true),
                a.protective_device(p, true).map(Event::Fail),
                "seed {seed}"
            );
        }
        assert_eq!(a.resolve_event("melt", "anything"), None);
    }
}

#[test]
fn the_rack_index_places_every_device_psu_and_pdu() {
    for seed in 0..100u64 {
        let (_, mut layout, mut rng) = tight(seed ^ 0x4DA);
        // The oracle places no PDU: place about half of them.
        let rack_ids: Vec<String> = layout.racks.iter().map(|r| r.id.clone()).collect();
        for el in &mut layout.power {
            if let PowerElement::Pdu { rack, .. } = el {
                *rack = rng.chance(50).then(|| rng.pick(&rack_ids).clone());
            }
        }
        let a = Analysis::new(&layout);
        let g = &a.graph;
        let mut placed = 0;
        for (r, rack) in layout.racks.iter().enumerate() {
            let info = &a.racks.racks[r];
            assert_eq!(info.id, rack.id);
            for (i, dev) in rack.devices.iter().enumerate() {
                let d = g.node(&dev.id).expect("device");
                assert_eq!(a.racks.rack_of(g, d), Some(r), "seed {seed}");
                assert_eq!(a.racks.slot_of(g, d), Some((r, i)), "seed {seed}");
                for p in g.psus_of_device(d) {
                    assert_eq!(a.racks.rack_of(g, p), Some(r), "seed {seed}");
                    assert_eq!(a.racks.slot_of(g, p), None, "a PSU has no slot");
                }
            }
        }
        for (i, el) in layout.power.iter().enumerate() {
            let n = g.power.start + i as NodeId;
            let want = match el {
                PowerElement::Pdu { rack: Some(r), .. } => a.racks.position(r),
                _ => None,
            };
            assert_eq!(a.racks.rack_of(g, n), want, "seed {seed}");
            if let Some(r) = want {
                placed += 1;
                assert!(a.racks.racks[r].pdus.contains(&n), "seed {seed}");
                assert!(a.racks.racks[r].feed_letter(n).is_some());
            }
        }
        let listed: usize = a.racks.racks.iter().map(|r| r.pdus.len()).sum();
        assert_eq!(listed, placed, "seed {seed}: each placed PDU in one rack");
    }
}
