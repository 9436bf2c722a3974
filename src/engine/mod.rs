//! The engine: graph, liveness, events, blast radius and the single-event
//! sweep, each node's state under a what-if ([`impact`]) and where things
//! sit ([`racks`]). One piece of code that the CLI, the TUI and every
//! report read.

pub mod availability;
pub mod bdd;
pub mod cascade;
pub mod cuts;
pub mod downtime;
pub mod events;
pub mod exposure;
pub mod graph;
pub mod headroom;
pub mod ids;
pub mod impact;
pub mod liveness;
pub mod load;
pub mod paths;
pub mod racks;
pub mod reliability;

pub use cascade::{Trip, WhatIf};
pub use events::{Event, EventRef};
pub use graph::{Graph, NodeId, NodeKind};
pub use impact::{Added, ByKind, Marginal, NodeState, Outcome, RackSummary};
pub use liveness::{BaseState, Scenario};
pub use load::Flow;
pub use racks::{RackIndex, RackInfo};

use crate::model::Layout;

/// A compiled layout with its base state: what every question starts from.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub graph: Graph,
    /// The base state (analysis.md): no events, overloads tripped.
    pub base: BaseState,
    /// The loads of the base state.
    pub base_flow: Flow,
    /// Elements that trip on overload with nothing failed.
    pub base_trips: Vec<Trip>,
    /// Liveness alone, before any overload trips: what cut sets, the
    /// fault-tree export and `--no-cascade` work on.
    pub liveness_base: BaseState,
    pub liveness_flow: Flow,
    /// Which rack each device and placed PDU is in.
    pub racks: RackIndex,
    /// Out of service for a maintenance window (`--out`): failed in the
    /// base state.
    pub out: Vec<NodeId>,
    /// The events that down each node directly (from the liveness base),
    /// worked out once on first use: every what-if's "degraded" reads it.
    own: std::sync::OnceLock<std::sync::Arc<cuts::OwnEvents>>,
}

/// What an event set does, compared with the base state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    pub events: Vec<Event>,
    /// Visible nodes live in the base state and down now, sorted.
    pub down: Vec<NodeId>,
    /// Visible nodes one event from down that were not so before the
    /// events (analysis.md, "degraded"), sorted.
    pub degraded: Vec<NodeId>,
    /// Overload trips, in order.
    pub tripped: Vec<Trip>,
    /// Whether the events started from the base state with its overload
    /// trips (else from liveness alone): it decides where a short trips.
    pub cascade: bool,
    /// Live elements above their capacity at the end: only without
    /// cascade (with it, they trip).
    pub overloaded: Vec<Trip>,
}

impl Analysis {
    pub fn new(layout: &Layout) -> Analysis {
        Analysis::out_of_service(layout, Graph::build(layout), &[])
    }

    /// The analysis of a maintenance window: `out` (power elements, PSUs
    /// or devices of `graph`, the layout's graph) are out of service in
    /// the base state, so every question is asked of the window.
    pub fn out_of_service(layout: &Layout, graph: Graph, out: &[NodeId]) -> Analysis {
        let mut failed = vec![false; graph.len()];
        for &n in out {
            failed[n as usize] = true;
        }
        let (live, live_inputs) = liveness::evaluate(&graph, &failed);
        let liveness_base = BaseState { live, live_inputs };
        let liveness_flow = Flow::compute(&graph, &liveness_base.live);
        let (base, base_trips) = {
            let mut w = WhatIf::new(&graph, &liveness_base, liveness_flow.clone());
            w.cascade(graph.power.clone().collect());
            (w.scenario.snapshot(), w.trips().to_vec())
        };
        let base_flow = Flow::compute(&graph, &base.live);
        let racks = RackIndex::build(layout, &graph);
        Analysis {
            racks,
            graph,
            base,
            base_flow,
            base_trips,
            liveness_base,
            liveness_flow,
            out: out.to_vec(),
            own: std::sync::OnceLock::new(),
        }
    }

    /// The events that down each node directly, by universe index, from
    /// the liveness base: computed on first use and kept.
    pub fn own_events(&self) -> &cuts::OwnEvents {
        self.own.get_or_init(|| {
            let events = events::universe(&self.graph);
            std::sync::Arc::new(cuts::own_events(
                &self.graph,
                self.start_state(false),
                &events,
            ))
        })
    }

    /// A reusable liveness-only state at the liveness base.
    pub fn scenario(&self) -> Scenario<'_> {
        Scenario::new(&self.graph, &self.liveness_base)
    }

    /// A reusable what-if state with loads, at the base state (`cascade`)
    /// or at the liveness base (no overload trips at all).
    pub fn what_if(&self, cascade: bool) -> WhatIf<'_> {
        if cascade {
            WhatIf::new(&self.graph, &self.base, self.base_flow.clone())
        } else {
            WhatIf::new(&self.graph, &self.liveness_base, self.liveness_flow.clone())
        }
    }

    /// Apply `events` to a what-if state, cascading if asked.
    pub fn apply_what_if(&self, w: &mut WhatIf<'_>, events: &[Event], cascade: bool) {
        let mut nodes = Vec::new();
        for &e in events {
            nodes.extend(self.failures(e, cascade));
        }
        w.apply(&nodes, cascade);
    }

    /// The state events start from: the base state with its overload
    /// trips (`cascade`), or liveness alone before any overload trips
    /// (cut sets, the fault-tree export, `--no-cascade`).
    pub fn start_state(&self, cascade: bool) -> &BaseState {
        if cascade {
            &self.base
        } else {
            &self.liveness_base
        }
    }

    /// The nodes `event` fails directly. A short's walk up through a
    /// transfer switch follows the input active in the state the event
    /// starts from, so the caller says which one that is.
    pub fn failures(&self, event: Event, cascade: bool) -> Vec<NodeId> {
        events::failures(&self.graph, self.start_state(cascade), event)
    }

    /// The device a short in `psu` trips, from the state the event starts
    /// from (see [`Analysis::failures`]).
    pub fn protective_device(&self, psu: NodeId, cascade: bool) -> Option<NodeId> {
        events::protective_device(&self.graph, self.start_state(cascade), psu)
    }

    /// Apply `events` to `scenario`, which is at the liveness base (no
    /// overload trips).
    pub fn apply(&self, scenario: &mut Scenario<'_>, events: &[Event]) {
        for &e in events {
            let nodes = self.failures(e, false);
            scenario.fail(&nodes);
        }
    }

    /// The blast radius of an event set, liveness only (no overloads).
    pub fn impact(&self, events: &[Event]) -> Impact {
        let mut s = self.scenario();
        self.apply(&mut s, events);
        impact_of(self, &s, events, false)
    }

    /// The blast radius of an event set with loads: with `cascade`, from
    /// the base state with overload trips; without, the state before any
    /// overload trips.
    pub fn impact_with_loads(&self, events: &[Event], cascade: bool) -> (Impact, WhatIf<'_>) {
        let mut w = self.what_if(cascade);
        self.apply_what_if(&mut w, events, cascade);
        let mut impact = impact_of(self, &w.scenario, events, cascade);
        impact.tripped = w.trips().to_vec();
        impact.overloaded = self
            .graph
            .power
            .clone()
            .filter(|&n| {
                w.scenario.is_live(n)
                    && load::is_overloaded(w.flow.load(n), self.graph.capacity_w(n))
            })
            .map(|n| Trip {
                node: n,
                round: 0,
                load_w: w.flow.load(n),
                capacity_w: self.graph.capacity_w(n),
            })
            .collect();
        (impact, w)
    }

    /// Apply each event of the universe alone, with cascade, and hand its
    /// state to `visit`.
    ///
    /// Events whose states are the same are applied once:
    ///
    /// - Failing any element of a series chain (each element the only
    ///   consumer of the one before, which is its only input) has the same
    ///   effect on everything below the chain, on loads and on trips: such
    ///   events are applied as a failure of the chain's last element, so a
    ///   chain 100,000 deep costs its length, not its length squared. Only
    ///   the chain's own elements differ in the state `visit` sees.
    /// - A short in a PSU whose only way up runs through the device it
    ///   trips gives that device's failure state exactly (the PSU goes
    ///   down with it). Shorts are visited after the failures, grouped by
    ///   the device they trip, so a breaker's state serves all the PSUs
    ///   below it.
    pub fn sweep_with_cascade(&self, mut visit: impl FnMut(Event, &WhatIf<'_>)) {
        let g = &self.graph;
        let chain_end = series_chain_ends(g);
        let (shorts, fails): (Vec<Event>, Vec<Event>) = events::universe(g)
            .into_iter()
            .partition(|e| matches!(e, Event::Short(_)));
        // Each short with the device it trips, grouped by that device.
        let mut shorts: Vec<(Option<NodeId>, Event)> = shorts
            .into_iter()
            .map(|e| match e {
                Event::Short(p) => (self.protective_device(p, true), e),
                _ => (None, e),
            })
            .collect();
        shorts.sort_unstable();

        let mut w = self.what_if(true);
        // The state `w` holds: the failure of this one node, or another.
        let mut holds: Option<NodeId> = None;
        let mut show =
            |w: &mut WhatIf<'_>, holds: &mut Option<NodeId>, node: Option<NodeId>, event: Event| {
                match node {
                    Some(n) if *holds == Some(n) => {}
                    Some(n) => {
                        w.reset();
                        w.apply(&[n], true);
                        *holds = Some(n);
                    }
                    None => {
                        w.reset();
                        self.apply_what_if(w, &[event], true);
                        *holds = None;
                    }
                }
                visit(event, w);
            };
        for event in fails {
            let node = match event {
                Event::Fail(n) if g.is_power(n) => Some(chain_end[n as usize]),
                Event::Fail(n) => Some(n),
                _ => None,
            };
            show(&mut w, &mut holds, node, event);
        }
        for (tripped, event) in shorts {
            let node = match (event, tripped) {
                (Event::Short(p), Some(t)) if only_way_up_through(g, p, t) => Some(t),
                _ => None,
            };
            show(&mut w, &mut holds, node, event);
        }
    }

    /// Apply each event of the universe alone (liveness only, from the
    /// liveness base) and hand its state to `visit`.
    pub fn sweep(&self, mut visit: impl FnMut(Event, &Scenario<'_>)) {
        let mut s = self.scenario();
        for event in events::universe(&self.graph) {
            self.apply(&mut s, &[event]);
            visit(event, &s);
            s.reset();
        }
    }

    /// Resolve a what-if argument: a power element, PSU (`dev/psu`) or
    /// device fails; a common-cause group id means `common G`.
    pub fn parse_event(&self, id: &str) -> Result<Event, String> {
        if let Some(g) = self.graph.common_group(id) {
            return Ok(Event::Common(g));
        }
        match self.graph.node(id) {
            Some(n) => self.fail_event(n),
            None => Err(self.unknown_id(id, |_| true)),
        }
    }

    /// Fail `n`: a power element, PSU or device can fail; a service
    /// cannot by itself.
    pub fn fail_event(&self, n: NodeId) -> Result<Event, String> {
        if events::can_fail(&self.graph, n) {
            Ok(Event::Fail(n))
        } else {
            Err(format!(
                "\"{}\" is a service; services do not fail by themselves: fail what they need",
                self.graph.id(n)
            ))
        }
    }

    /// An event named by kind and id, as the JSON output writes it
    /// (`{"kind": "fail", "id": "cb-a"}`): what a finding's event or a
    /// what-if carried over to a reloaded layout becomes.
    pub fn resolve_event(&self, kind: &str, id: &str) -> Option<Event> {
        match kind {
            "fail" => self.fail_event(self.graph.node(id)?).ok(),
            "short" => self.parse_short(id).ok(),
            "common" => self.graph.common_group(id).map(Event::Common),
            _ => None,
        }
    }

    /// Resolve `--short DEV/PSU`.
    pub fn parse_short(&self, id: &str) -> Result<Event, String> {
        match self.graph.node(id) {
            Some(n) if self.graph.is_psu(n) => Ok(Event::Short(n)),
            Some(_) => Err(format!(
                "\"{id}\" is not a PSU; write --short DEVICE/PSU (e.g. web-1/psu1)"
            )),
            None => Err(self.unknown_id(id, |n| n.contains('/'))),
        }
    }

    fn unknown_id(&self, id: &str, keep: impl Fn(&str) -> bool) -> String {
        let ids = self
            .graph
            .visible_ids()
            .chain(self.graph.common.iter().map(|g| g.id.as_str()))
            .filter(|c| keep(c));
        match crate::diagnostic::closest(id, ids) {
            Some(c) => {
                format!("no element, PSU, device or group has id \"{id}\"; did you mean \"{c}\"?")
            }
            None => format!("no element, PSU, device or group has id \"{id}\""),
        }
    }
}

/// For each power element, the last element of the series chain it heads
/// or belongs to: follow the only consumer while that consumer is a power
/// element whose only input is this one.
pub fn series_chain_ends(g: &Graph) -> Vec<NodeId> {
    let mut end: Vec<NodeId> = (0..g.power.end).collect();
    for &n in g.topo_order().iter().rev() {
        if !g.is_power(n) {
            continue;
        }
        if let [c] = g.consumers(n) {
            if g.is_power(*c) && g.inputs(*c).len() == 1 {
                end[n as usize] = end[*c as usize];
            }
        }
    }
    end
}

/// Whether every path from `psu` up to a source passes `through`: each
/// element from the PSU's feed up to it has one input.
pub(super) fn only_way_up_through(g: &Graph, psu: NodeId, through: NodeId) -> bool {
    let mut n = psu;
    // A chain can be no longer than the number of power elements.
    for _ in 0..=g.power.len() {
        match g.inputs(n) {
            [only] if *only == through => return true,
            [only] => n = *only,
            _ => return false,
        }
    }
    false
}

/// Summarise a scenario as an [`Impact`].
pub fn impact_of(analysis: &Analysis, s: &Scenario<'_>, events: &[Event], cascade: bool) -> Impact {
    let graph = &analysis.graph;
    let mut down: Vec<NodeId> = s
        .down()
        .iter()
        .copied()
        .filter(|&n| graph.is_visible(n))
        .collect();
    down.sort_unstable();
    Impact {
        events: events.to_vec(),
        down,
        degraded: exposure::degraded(analysis, s, cascade),
        tripped: Vec::new(),
        cascade,
        overloaded: Vec::new(),
    }
}
