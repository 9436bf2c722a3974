//! How likely, how long: the steady-state unavailability of each critical
//! service (and any other target) from the fault tree the cut sets and
//! the MEF export describe, with the importance of every event and the
//! fixes that buy the most minutes a year.
//!
//! Exact by default: the tree of every target is built as one BDD (see
//! `bdd.rs`), the method SCRAM uses, with the events ordered as the walk
//! up the cone first meets them (sources first). When that grows past
//! [`MAX_BDD_NODES`] the answer falls back to the rare-event
//! approximation over the minimal cut sets up to order 2, and says so.

use rustc_hash::FxHashMap as HashMap;

use super::Analysis;
use super::bdd::{Bdd, FALSE, Ref, TRUE};
use super::cuts::{Cut, OwnEvents, cut_sets};
use super::events::{Event, universe};
use super::graph::NodeId;
use super::reliability::{EventRate, HOURS_PER_YEAR, Source, event_rates};
use crate::model::format::Layout;

/// Minutes in a year of 365.25 days.
pub const MINUTES_PER_YEAR: f64 = HOURS_PER_YEAR * 60.0;

/// Past this many nodes in one target's BDD (about 150 MB with its
/// tables) the exact
/// method gives way to the cut-set approximation.
pub const MAX_BDD_NODES: usize = 1_000_000;

/// How a target's unavailability was computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Exact, from a BDD of this many nodes.
    Exact { bdd_nodes: usize },
    /// The rare-event sum over minimal cut sets up to `order`; events of
    /// higher order are left out (`bound` says how much they can add at
    /// most, by the rare-event sum over every set of `order + 1` events
    /// of the cone).
    RareEvent { order: u32, bound: f64 },
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Exact { .. } => "exact (BDD)",
            Method::RareEvent { .. } => "rare-event over cut sets",
        }
    }
}

/// One event's importance for one target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Importance {
    pub event: u32,
    /// The event's own probability.
    pub q: f64,
    /// ∂U/∂q: how much the target's unavailability moves with the event's.
    pub birnbaum: f64,
    /// The share of the unavailability the event takes part in:
    /// (U - U(q=0)) / U.
    pub fussell_vesely: f64,
    /// Risk achievement worth: U(q=1) / U.
    pub raw: f64,
    /// Risk reduction worth: U / U(q=0) (infinite when the event is in
    /// every way down).
    pub rrw: f64,
}

/// A cut set's share of a target's unavailability.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub events: Vec<u32>,
    pub probability: f64,
    pub share: f64,
}

/// The answer for one target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetAvailability {
    pub target: NodeId,
    pub method: Method,
    pub unavailability: f64,
    /// Expected outages started a year: Σ Birnbaum × event frequency.
    pub outages_per_year: f64,
    /// Events with any importance, most important (Fussell-Vesely) first.
    pub importance: Vec<Importance>,
    /// The cut sets up to order 2 that contribute most, largest first.
    pub top_cuts: Vec<Contribution>,
    /// Whether any figure it rests on is a default (policy or built in).
    pub rests_on_defaults: bool,
}

impl TargetAvailability {
    pub fn availability(&self) -> f64 {
        1.0 - self.unavailability
    }
    /// Availability in nines: -log10(U).
    pub fn nines(&self) -> f64 {
        if self.unavailability <= 0.0 {
            f64::INFINITY
        } else {
            // `+ 0.0` turns the -0 of an always-down target into 0.
            -self.unavailability.log10() + 0.0
        }
    }
    pub fn downtime_min_per_year(&self) -> f64 {
        self.unavailability * MINUTES_PER_YEAR
    }
}

/// A fix: an event that could not happen, and the downtime it saves.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub event: u32,
    /// Minutes a year saved, summed over every target.
    pub saved_min_per_year: f64,
    /// The targets whose downtime drops.
    pub targets: Vec<NodeId>,
}

/// Availability of every target, and the fixes ranked.
pub struct Availability {
    pub events: Vec<Event>,
    pub rates: Vec<EventRate>,
    pub targets: Vec<TargetAvailability>,
    pub fixes: Vec<Fix>,
}

/// How many cut sets each target lists.
const TOP_CUTS: usize = 5;

/// The availability of `targets`, with the events failing `out` taken as
/// certain (maintenance: out of service for the period asked about).
pub fn availability(
    analysis: &Analysis,
    layout: &Layout,
    targets: &[NodeId],
    out: &[Event],
) -> Availability {
    let g = &analysis.graph;
    let events = universe(g);
    let mut rates = event_rates(layout, g, &events);
    for e in out {
        if let Some(i) = events.iter().position(|x| x == e) {
            rates[i] = EventRate {
                q: 1.0,
                per_year: 0.0,
                source: Source::Layout,
            };
        }
    }
    let cuts = cut_sets(analysis, targets, 2);
    let own = analysis.own_events();
    // Targets are independent: each worker thread takes every n-th one
    // with a diagram store of its own, reused from target to target.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(targets.len().max(1));
    let mut results: Vec<Option<TargetResult>> = (0..targets.len()).map(|_| None).collect();
    let (rates_ref, cuts_ref) = (&rates, &cuts);
    let done: Vec<Vec<(usize, TargetResult)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    let mut bdd = Bdd::with_limit(MAX_BDD_NODES);
                    (w..targets.len())
                        .step_by(workers)
                        .map(|i| {
                            let result = exact(analysis, own, rates_ref, targets[i], &mut bdd)
                                .unwrap_or_else(|| rare_event(rates_ref, &cuts_ref.targets[i].1));
                            (i, result)
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an availability worker does not panic"))
            .collect()
    });
    for (i, result) in done.into_iter().flatten() {
        results[i] = Some(result);
    }
    let results = results
        .into_iter()
        .map(|r| r.expect("every target has a worker"));
    let mut out_targets = Vec::new();
    let mut saved: HashMap<u32, (f64, Vec<NodeId>)> = HashMap::default();
    for ((&target, (u, method, birnbaum)), (_, cut_list)) in
        targets.iter().zip(results).zip(&cuts.targets)
    {
        let mut importance: Vec<Importance> = birnbaum
            .iter()
            .filter(|&(_, b)| *b > 0.0)
            .map(|(&e, &b)| {
                let q = rates[e as usize].q;
                let u1 = u + (1.0 - q) * b;
                let u0 = (u - q * b).max(0.0);
                Importance {
                    event: e,
                    q,
                    birnbaum: b,
                    fussell_vesely: if u > 0.0 { q * b / u } else { 0.0 },
                    raw: if u > 0.0 { u1 / u } else { 0.0 },
                    rrw: if u0 > 0.0 { u / u0 } else { f64::INFINITY },
                }
            })
            .collect();
        importance.sort_by(|a, b| {
            b.fussell_vesely
                .total_cmp(&a.fussell_vesely)
                .then(b.birnbaum.total_cmp(&a.birnbaum))
                .then(a.event.cmp(&b.event))
        });
        for imp in &importance {
            let drop = imp.q * imp.birnbaum * MINUTES_PER_YEAR;
            if drop > 0.0 {
                let entry = saved.entry(imp.event).or_default();
                entry.0 += drop;
                entry.1.push(target);
            }
        }
        // `+ 0.0`: an always-down target's Birnbaum measures are all -0.
        let outages_per_year = birnbaum
            .iter()
            .map(|(&e, &b)| b * rates[e as usize].per_year)
            .sum::<f64>()
            + 0.0;
        let mut top_cuts: Vec<Contribution> = cut_list
            .iter()
            .map(|c| {
                let events = match *c {
                    Cut::One(e) => vec![e],
                    Cut::Two(a, b) => vec![a, b],
                };
                let probability: f64 = events.iter().map(|&e| rates[e as usize].q).product();
                Contribution {
                    share: if u > 0.0 { probability / u } else { 0.0 },
                    events,
                    probability,
                }
            })
            .filter(|c| c.probability > 0.0)
            .collect();
        top_cuts.sort_by(|a, b| {
            b.probability
                .total_cmp(&a.probability)
                .then(a.events.cmp(&b.events))
        });
        top_cuts.truncate(TOP_CUTS);
        let rests_on_defaults = importance
            .iter()
            .any(|i| rates[i.event as usize].source != Source::Layout);
        out_targets.push(TargetAvailability {
            target,
            method,
            unavailability: u,
            outages_per_year,
            importance,
            top_cuts,
            rests_on_defaults,
        });
    }
    let mut fixes: Vec<Fix> = saved
        .into_iter()
        .map(|(event, (saved_min_per_year, targets))| Fix {
            event,
            saved_min_per_year,
            targets,
        })
        .collect();
    fixes.sort_by(|a, b| {
        b.saved_min_per_year
            .total_cmp(&a.saved_min_per_year)
            .then(a.event.cmp(&b.event))
    });
    Availability {
        events,
        rates,
        targets: out_targets,
        fixes,
    }
}

type TargetResult = (f64, Method, HashMap<u32, f64>);

/// Exact unavailability and Birnbaum measures of one target from a BDD
/// of its cone, or `None` when it grows past [`MAX_BDD_NODES`]. Each
/// target gets its own diagram, freed before the next: one diagram over
/// every target's cone at once kept every intermediate result alive.
fn exact(
    analysis: &Analysis,
    own: &OwnEvents,
    rates: &[EventRate],
    target: NodeId,
    bdd: &mut Bdd,
) -> Option<TargetResult> {
    let g = &analysis.graph;
    let walk = g.cone_post_order(&[target]);
    // Levels in the order the walk meets events: sources first.
    let mut level_of: HashMap<u32, u32> = HashMap::default();
    let mut event_at: Vec<u32> = Vec::new();
    for &n in &walk {
        for &e in own.of(n) {
            level_of.entry(e).or_insert_with(|| {
                event_at.push(e);
                event_at.len() as u32 - 1
            });
        }
    }
    bdd.clear();
    let mut down: HashMap<NodeId, Ref> = HashMap::default();
    for &n in &walk {
        let ins = g.inputs(n);
        let k = g.threshold(n) as usize;
        let mut f = if k == 0 {
            FALSE
        } else if ins.len() < k {
            // Down by construction (a device with `psus: []`).
            TRUE
        } else {
            let args: Vec<Ref> = ins.iter().map(|i| down[i]).collect();
            bdd.at_least(ins.len() - k + 1, &args)
        };
        for &e in own.of(n) {
            let v = bdd.var(level_of[&e]);
            f = bdd.or(f, v);
        }
        down.insert(n, f);
        if bdd.overflowed() {
            return None;
        }
    }
    let (u, by_level) =
        bdd.probability_and_derivatives(down[&target], |l| rates[event_at[l as usize] as usize].q);
    let birnbaum = by_level
        .into_iter()
        .map(|(l, d)| (event_at[l as usize], d))
        .collect();
    Some((
        u,
        Method::Exact {
            bdd_nodes: bdd.len(),
        },
        birnbaum,
    ))
}

/// The rare-event sum over the cut sets up to order 2, with its Birnbaum
/// measures (the sum's derivatives).
fn rare_event(rates: &[EventRate], list: &[Cut]) -> TargetResult {
    let q = |e: u32| rates[e as usize].q;
    {
        {
            let mut u = 0.0;
            let mut birnbaum: HashMap<u32, f64> = HashMap::default();
            let mut events: Vec<u32> = Vec::new();
            for c in list {
                match *c {
                    Cut::One(e) => {
                        u += q(e);
                        *birnbaum.entry(e).or_default() += 1.0;
                        events.push(e);
                    }
                    Cut::Two(a, b) => {
                        u += q(a) * q(b);
                        *birnbaum.entry(a).or_default() += q(b);
                        *birnbaum.entry(b).or_default() += q(a);
                        events.extend([a, b]);
                    }
                }
            }
            // What order-3 sets could add at most: every triple of the
            // events seen, e3 = (Σq)^3 / 6 bounds their rare-event sum.
            events.sort_unstable();
            events.dedup();
            let s: f64 = events.iter().map(|&e| q(e)).sum();
            let bound = s * s * s / 6.0;
            (u, Method::RareEvent { order: 2, bound }, birnbaum)
        }
    }
}
