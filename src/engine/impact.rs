//! What a set of events does to every node: the state each node is in,
//! what went down by kind, and what one more event would add (the marginal
//! blast radius). The TUI colours from these, the reports and findings
//! split their lists with [`ByKind`]; none of them works it out again.

use super::cascade::Trip;
use super::events::Event;
use super::graph::{Graph, NodeId};
use super::{Analysis, Impact};

/// What a node looks like under a set of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    Live,
    /// Live, but one more loss takes it down (analysis.md, "degraded").
    Degraded,
    /// Down because of the events.
    Down,
    /// Failed by an event directly.
    Failed,
    /// Opened by a short below it, or by overload in the cascade.
    Tripped,
    /// Live above its capacity (with the cascade off; with it, it trips).
    Overloaded,
    /// Down with no events at all (an `unpowered` finding).
    Unpowered,
    /// Out of service for planned work: a maintenance window's element
    /// ([`Analysis::out_of_service`]), down by choice, not by a failure.
    Out,
}

/// What a rack holds in an outcome: see [`Outcome::rack_summary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RackSummary {
    pub worst: NodeState,
    pub down: u32,
    pub degraded: u32,
    pub devices: u32,
}

impl NodeState {
    pub fn is_down(self) -> bool {
        matches!(
            self,
            NodeState::Down
                | NodeState::Failed
                | NodeState::Tripped
                | NodeState::Unpowered
                | NodeState::Out
        )
    }
}

/// Visible nodes split by kind, each list in the order given: critical
/// services, the other services, devices, PSUs and power elements.
/// Hidden gates are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByKind {
    pub critical: Vec<NodeId>,
    pub services: Vec<NodeId>,
    pub devices: Vec<NodeId>,
    pub psus: Vec<NodeId>,
    pub power: Vec<NodeId>,
}

impl ByKind {
    pub fn split(g: &Graph, nodes: impl IntoIterator<Item = NodeId>) -> ByKind {
        let mut by = ByKind::default();
        for n in nodes {
            let list = if g.is_service(n) {
                if g.is_critical(n) {
                    &mut by.critical
                } else {
                    &mut by.services
                }
            } else if g.is_device(n) {
                &mut by.devices
            } else if g.is_psu(n) {
                &mut by.psus
            } else if g.is_power(n) {
                &mut by.power
            } else {
                continue;
            };
            list.push(n);
        }
        by
    }

    /// Every service, critical or not, in node order.
    pub fn all_services(&self) -> Vec<NodeId> {
        let mut all = [self.critical.as_slice(), &self.services].concat();
        all.sort_unstable();
        all
    }

    pub fn is_empty(&self) -> bool {
        self.critical.is_empty()
            && self.services.is_empty()
            && self.devices.is_empty()
            && self.psus.is_empty()
            && self.power.is_empty()
    }
}

/// Every node's state, the loads and the summary under a set of events.
/// Kept and recomputed in place, so a view asking again after each key
/// reuses its buffers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Whether overloaded elements tripped (analysis.md, "Cascade").
    pub cascade: bool,
    pub impact: Impact,
    /// Indexed by node.
    pub states: Vec<NodeState>,
    /// Watts each power element carries (indexed by node).
    pub loads: Vec<f64>,
    /// `impact.down` by kind.
    pub down: ByKind,
    /// Opened by a short below them, sorted.
    pub short_trips: Vec<NodeId>,
}

impl Outcome {
    pub fn new(analysis: &Analysis, events: &[Event], cascade: bool) -> Outcome {
        let mut o = Outcome::default();
        o.recompute(analysis, events, cascade);
        o
    }

    /// Ask again. The cost follows what the events change, plus one pass
    /// over the state array.
    pub fn recompute(&mut self, analysis: &Analysis, events: &[Event], cascade: bool) {
        let g = &analysis.graph;
        let (impact, w) = analysis.impact_with_loads(events, cascade);
        self.loads.clear();
        self.loads
            .extend_from_slice(&w.flow.loads()[..g.power.end as usize]);
        drop(w);
        let base = if cascade {
            &analysis.base.live
        } else {
            &analysis.liveness_base.live
        };
        let states = &mut self.states;
        states.clear();
        states.extend(base.iter().map(|&live| {
            if live {
                NodeState::Live
            } else {
                NodeState::Unpowered
            }
        }));
        states.resize(g.len(), NodeState::Live);
        if cascade {
            for t in &analysis.base_trips {
                states[t.node as usize] = NodeState::Tripped;
            }
        }
        for &n in &impact.degraded {
            states[n as usize] = NodeState::Degraded;
        }
        for &n in &impact.down {
            states[n as usize] = NodeState::Down;
        }
        for t in &impact.overloaded {
            states[t.node as usize] = NodeState::Overloaded;
        }
        for t in &impact.tripped {
            states[t.node as usize] = NodeState::Tripped;
        }
        self.short_trips.clear();
        for &e in events {
            for (i, &n) in analysis.failures(e, cascade).iter().enumerate() {
                // A short's first node is the PSU; the rest is what it trips.
                let is_trip = matches!(e, Event::Short(_)) && i > 0;
                states[n as usize] = if is_trip {
                    self.short_trips.push(n);
                    NodeState::Tripped
                } else {
                    NodeState::Failed
                };
            }
        }
        // Out for planned work is what the element is, whatever else the
        // what-if does to it.
        for &n in &analysis.out {
            states[n as usize] = NodeState::Out;
        }
        self.short_trips.sort_unstable();
        self.short_trips.dedup();
        self.down = ByKind::split(g, impact.down.iter().copied());
        self.impact = impact;
        self.cascade = cascade;
    }

    pub fn state(&self, n: NodeId) -> NodeState {
        self.states
            .get(n as usize)
            .copied()
            .unwrap_or(NodeState::Live)
    }

    /// A rack's state at a glance (the hall map): how many of its devices
    /// are down and degraded, and the worst state among them (down, then
    /// degraded, else live).
    pub fn rack_summary(&self, rack: &super::RackInfo) -> RackSummary {
        let mut s = RackSummary {
            worst: NodeState::Live,
            down: 0,
            degraded: 0,
            devices: rack.len,
        };
        for d in rack.devices() {
            match self.state(d) {
                NodeState::Degraded => s.degraded += 1,
                st if st.is_down() => s.down += 1,
                _ => {}
            }
        }
        s.worst = if s.down > 0 {
            NodeState::Down
        } else if s.degraded > 0 {
            NodeState::Degraded
        } else {
            NodeState::Live
        };
        s
    }

    /// A hidden k-of-n gate's state from its inputs' states: down with
    /// fewer than k live, degraded with exactly k live of more.
    pub fn gate_state(&self, g: &Graph, gate: NodeId) -> NodeState {
        let inputs = g.inputs(gate);
        let k = g.threshold(gate) as usize;
        let live = inputs.iter().filter(|&&m| !self.state(m).is_down()).count();
        if live < k {
            NodeState::Down
        } else if live == k && inputs.len() > k {
            NodeState::Degraded
        } else {
            NodeState::Live
        }
    }

    /// The overload trips with nothing failed that this outcome starts
    /// from: none without the cascade.
    pub fn base_trips<'a>(&self, analysis: &'a Analysis) -> &'a [Trip] {
        if self.cascade {
            &analysis.base_trips
        } else {
            &[]
        }
    }

    /// A common-cause group is "failed" when its event is on.
    pub fn group_state(&self, group: u32) -> NodeState {
        if self.impact.events.contains(&Event::Common(group)) {
            NodeState::Failed
        } else {
            NodeState::Live
        }
    }

    /// A power element's load now and its capacity (infinite when it has
    /// no rating).
    pub fn load(&self, g: &Graph, n: NodeId) -> Option<(f64, f64)> {
        let load = *self.loads.get(n as usize)?;
        Some((load, g.capacity_w(n)))
    }

    /// What power element `n` carries as designed: in the base state with
    /// the cascade, before any overload trip without it.
    pub fn base_load(&self, analysis: &Analysis, n: NodeId) -> f64 {
        if self.cascade {
            analysis.base_flow.load(n)
        } else {
            analysis.liveness_flow.load(n)
        }
    }

    /// The overload trip of `n` now or in the base state, if any.
    pub fn trip_of<'a>(&'a self, analysis: &'a Analysis, n: NodeId) -> Option<&'a Trip> {
        self.impact
            .tripped
            .iter()
            .chain(self.impact.overloaded.iter())
            .chain(self.base_trips(analysis))
            .find(|t| t.node == n)
    }

    /// Whether `n` tripped on overload under these events (not before them).
    pub fn tripped_now(&self, n: NodeId) -> bool {
        self.impact.tripped.iter().any(|t| t.node == n)
    }
}

/// What one more event adds to an [`Outcome`].
#[derive(Debug, Clone, PartialEq)]
pub enum Marginal {
    /// The event is already one of the events.
    Already(Event),
    /// The node it fails is down already, so failing it changes nothing.
    AlreadyDown(Event),
    /// What goes down in addition (by kind), what loses its redundancy in
    /// addition, and the overload trips it adds.
    Adds(Event, Added),
}

/// The additions of a [`Marginal`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Added {
    pub down: ByKind,
    pub degraded: Vec<NodeId>,
    pub tripped: Vec<Trip>,
}

impl Marginal {
    pub fn event(&self) -> Event {
        match *self {
            Marginal::Already(e) | Marginal::AlreadyDown(e) | Marginal::Adds(e, _) => e,
        }
    }
}

impl Analysis {
    /// What `extra` adds to `now`, the outcome of `events` (which it must
    /// be: the caller keeps them together).
    pub fn marginal(&self, now: &Outcome, events: &[Event], extra: Event) -> Marginal {
        if events.contains(&extra) {
            return Marginal::Already(extra);
        }
        if matches!(extra, Event::Fail(n) if now.state(n).is_down()) {
            return Marginal::AlreadyDown(extra);
        }
        let mut all = events.to_vec();
        all.push(extra);
        let (after, _) = self.impact_with_loads(&all, now.cascade);
        let before = &now.impact;
        let added = Added {
            down: ByKind::split(&self.graph, minus(&after.down, &before.down)),
            degraded: minus(&after.degraded, &before.degraded),
            tripped: after
                .tripped
                .iter()
                .filter(|t| !before.tripped.iter().any(|x| x.node == t.node))
                .copied()
                .collect(),
        };
        Marginal::Adds(extra, added)
    }

    /// The event that says most about a node on its own: a PSU's short
    /// (it trips what is above it), anything else's failure. `None` for a
    /// service, which cannot fail by itself.
    pub fn telling_event(&self, n: NodeId) -> Option<Event> {
        if self.graph.is_psu(n) {
            Some(Event::Short(n))
        } else {
            self.fail_event(n).ok()
        }
    }

    /// The event "trip the breaker that protects this": fail `n` when it
    /// is protective itself, else what a short in the PSU `n` would open
    /// from the start state `cascade` names (see [`Analysis::failures`]).
    /// `None` when that short opens only the PSU's own outlet breaker.
    pub fn trip_event(&self, n: NodeId, cascade: bool) -> Option<Event> {
        if self.graph.is_protective(n) {
            return Some(Event::Fail(n));
        }
        self.protective_device(n, cascade).map(Event::Fail)
    }
}

/// The common-cause group a node belongs to (a PSU through its device):
/// the first in file order.
pub fn group_of(g: &Graph, n: NodeId) -> Option<u32> {
    let n = if g.is_psu(n) { g.device_of_psu(n) } else { n };
    g.common
        .iter()
        .position(|c| c.members.contains(&n))
        .map(|i| i as u32)
}

/// Sorted `a` minus sorted `b`.
fn minus(a: &[NodeId], b: &[NodeId]) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut j = 0;
    for &x in a {
        while j < b.len() && b[j] < x {
            j += 1;
        }
        if j >= b.len() || b[j] != x {
            out.push(x);
        }
    }
    out
}
