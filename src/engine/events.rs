//! Events: what can go wrong at once (analysis.md, "Events").

use serde::Serialize;

use super::graph::{Graph, NodeId, NodeKind};
use super::liveness::BaseState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    /// An element, PSU or device stops.
    Fail(NodeId),
    /// A PSU faults and trips the nearest protective device above it.
    Short(NodeId),
    /// Every member of a common-cause group fails.
    Common(u32),
}

/// An event as the JSON output writes it: `{"kind": "fail", "id": "cb-a"}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EventRef {
    pub kind: &'static str,
    pub id: String,
}

impl Event {
    pub fn kind_name(self) -> &'static str {
        match self {
            Event::Fail(_) => "fail",
            Event::Short(_) => "short",
            Event::Common(_) => "common",
        }
    }

    /// The id the event is about: the failing node, the shorted PSU or the
    /// common-cause group.
    pub fn subject(self, graph: &Graph) -> &str {
        match self {
            Event::Fail(n) | Event::Short(n) => graph.id(n),
            Event::Common(g) => &graph.common[g as usize].id,
        }
    }

    pub fn to_ref(self, graph: &Graph) -> EventRef {
        EventRef {
            kind: self.kind_name(),
            id: self.subject(graph).to_string(),
        }
    }

    /// "fail cb-a", "short ctl/psu1", "common fw-5.1".
    pub fn describe(self, graph: &Graph) -> String {
        format!("{} {}", self.kind_name(), self.subject(graph))
    }
}

/// Where a short in `psu` trips: walking up from its feed, the first PDU
/// with outlet breakers (`None`: only the PSU's own outlet opens), else the
/// first breaker, rated panel, UPS or source. Through a transfer switch the
/// walk follows the input active in the base state.
pub fn protective_device(graph: &Graph, base: &BaseState, psu: NodeId) -> Option<NodeId> {
    protective_above(graph, base, *graph.inputs(psu).first()?)
}

/// Where a short in a PSU plugged into `feed` trips (see
/// [`protective_device`]): also for a PSU not in the layout yet.
pub fn protective_above(graph: &Graph, base: &BaseState, feed: NodeId) -> Option<NodeId> {
    let mut n = feed;
    // A chain can be no longer than the number of power elements.
    for _ in 0..=graph.power.len() {
        if graph.has_outlet_breakers(n) {
            return None;
        }
        if graph.is_protective(n) {
            return Some(n);
        }
        n = active_input(graph, base, n)?;
    }
    None
}

/// The input a node draws from in the base state: the first live one in
/// priority order (a UPS's input before its bypass), else the first.
pub fn active_input(graph: &Graph, base: &BaseState, n: NodeId) -> Option<NodeId> {
    let inputs = graph.inputs(n);
    inputs
        .iter()
        .copied()
        .find(|&i| base.live[i as usize])
        .or_else(|| inputs.first().copied())
}

/// The nodes an event fails directly.
pub fn failures(graph: &Graph, base: &BaseState, event: Event) -> Vec<NodeId> {
    match event {
        Event::Fail(n) => vec![n],
        Event::Short(p) => {
            let mut v = vec![p];
            v.extend(protective_device(graph, base, p));
            v
        }
        Event::Common(g) => graph.common[g as usize].members.clone(),
    }
}

/// Every single event: fail each power element, PSU and device; short each
/// PSU; each common-cause group.
pub fn universe(graph: &Graph) -> Vec<Event> {
    let mut v: Vec<Event> = graph
        .power
        .clone()
        .chain(graph.psus.clone())
        .chain(graph.devices.clone())
        .map(Event::Fail)
        .collect();
    v.extend(graph.psus.clone().map(Event::Short));
    v.extend((0..graph.common.len() as u32).map(Event::Common));
    v
}

/// Is `n` a power element that can be failed on its own (everything but
/// services and hidden gates can)?
pub fn can_fail(graph: &Graph, n: NodeId) -> bool {
    matches!(
        graph.kind(n),
        NodeKind::Power(_) | NodeKind::Psu | NodeKind::Device
    )
}
