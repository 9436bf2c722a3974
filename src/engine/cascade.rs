//! What-ifs with capacity: events, then overload trips round by round
//! (analysis.md, "Cascade").
//!
//! After the events, any live element above 100% of its capacity trips.
//! Each round trips only the overloaded elements with no overloaded live
//! element below them (the downstream breaker clears first); liveness and
//! load are then brought up to date and the next round looks again, until
//! nothing is overloaded. Each round trips at least one element, so there
//! are at most as many rounds as power elements.

use serde::Serialize;

use super::graph::{Graph, NodeId};
use super::liveness::{BaseState, Scenario};
use super::load::{Flow, is_overloaded, utilisation_pct};

/// One overload trip.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trip {
    pub node: NodeId,
    pub round: u32,
    pub load_w: f64,
    pub capacity_w: f64,
}

impl Trip {
    pub fn load_pct(&self) -> f64 {
        utilisation_pct(self.load_w, self.capacity_w)
    }
}

/// A reusable what-if state with loads: liveness, flow and trips.
#[derive(Debug, Clone)]
pub struct WhatIf<'a> {
    graph: &'a Graph,
    pub scenario: Scenario<'a>,
    pub flow: Flow,
    trips: Vec<Trip>,
    /// Scratch for the "overloaded below" marks of one round.
    below: Vec<bool>,
    marked: Vec<NodeId>,
}

impl<'a> WhatIf<'a> {
    /// Start at `base`, whose flow is `flow`.
    pub fn new(graph: &'a Graph, base: &'a BaseState, flow: Flow) -> Self {
        WhatIf {
            graph,
            scenario: Scenario::new(graph, base),
            flow,
            trips: Vec::new(),
            below: vec![false; graph.power.end as usize],
            marked: Vec::new(),
        }
    }

    /// Fail `nodes` and bring the loads up to date (no trips yet).
    pub fn fail(&mut self, nodes: &[NodeId]) {
        let mark = self.scenario.down().len();
        self.scenario.fail(nodes);
        let fallen: Vec<NodeId> = self.scenario.down()[mark..].to_vec();
        self.flow.update(self.graph, self.scenario.live(), &fallen);
    }

    /// Trip overloaded elements round by round until none is overloaded.
    /// Candidates are the elements whose load rose since the state was
    /// last stable; everything else was within its rating then.
    pub fn cascade(&mut self, mut candidates: Vec<NodeId>) {
        let g = self.graph;
        let mut round = self.trips.last().map_or(0, |t| t.round);
        loop {
            candidates.sort_unstable();
            candidates.dedup();
            let overloaded: Vec<NodeId> = candidates
                .iter()
                .copied()
                .filter(|&n| {
                    self.scenario.is_live(n) && is_overloaded(self.flow.load(n), g.capacity_w(n))
                })
                .collect();
            if overloaded.is_empty() {
                return;
            }
            round += 1;
            let tripping = self.downstream_first(&overloaded);
            for &n in &tripping {
                self.trips.push(Trip {
                    node: n,
                    round,
                    load_w: self.flow.load(n),
                    capacity_w: g.capacity_w(n),
                });
            }
            // Elements overloaded now but not tripping this round stay
            // candidates; so does whatever the trips load further.
            candidates = overloaded
                .into_iter()
                .filter(|n| !tripping.contains(n))
                .collect();
            self.fail(&tripping);
            candidates.extend_from_slice(self.flow.increased());
        }
    }

    /// The overloaded elements with no overloaded live element below them:
    /// mark everything above each overloaded element, keep the unmarked.
    fn downstream_first(&mut self, overloaded: &[NodeId]) -> Vec<NodeId> {
        let g = self.graph;
        let mut stack: Vec<NodeId> = Vec::new();
        for &o in overloaded {
            stack.extend(g.inputs(o).iter().copied().filter(|&i| g.is_power(i)));
        }
        while let Some(n) = stack.pop() {
            if !self.below[n as usize] {
                self.below[n as usize] = true;
                self.marked.push(n);
                stack.extend(g.inputs(n).iter().copied().filter(|&i| g.is_power(i)));
            }
        }
        let out = overloaded
            .iter()
            .copied()
            .filter(|&o| !self.below[o as usize])
            .collect();
        for n in self.marked.drain(..) {
            self.below[n as usize] = false;
        }
        out
    }

    /// Fail `nodes` and, if `cascade`, let overloads trip.
    pub fn apply(&mut self, nodes: &[NodeId], cascade: bool) {
        self.fail(nodes);
        if cascade {
            let candidates = self.flow.increased().to_vec();
            self.cascade(candidates);
        }
    }

    pub fn trips(&self) -> &[Trip] {
        &self.trips
    }

    /// Back to the base state.
    pub fn reset(&mut self) {
        self.scenario.reset();
        self.flow.reset();
        self.trips.clear();
    }
}
