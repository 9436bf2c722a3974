//! The engine: graph, liveness, events, blast radius and the single-event
//! sweep. One piece of code that the CLI, the TUI and every report read.

pub mod events;
pub mod graph;
pub mod liveness;

pub use events::{Event, EventRef};
pub use graph::{Graph, NodeId, NodeKind};
pub use liveness::{BaseState, Scenario};

use crate::model::Layout;

/// A compiled layout with its base state: what every question starts from.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub graph: Graph,
    pub base: BaseState,
}

/// What an event set does, compared with the base state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    pub events: Vec<Event>,
    /// Visible nodes live in the base state and down now, sorted.
    pub down: Vec<NodeId>,
    /// Visible nodes one loss from going down, sorted.
    pub degraded: Vec<NodeId>,
}

impl Analysis {
    pub fn new(layout: &Layout) -> Analysis {
        let graph = Graph::build(layout);
        let base = BaseState::compute(&graph);
        Analysis { graph, base }
    }

    /// A reusable what-if state at the base state.
    pub fn scenario(&self) -> Scenario<'_> {
        Scenario::new(&self.graph, &self.base)
    }

    pub fn failures(&self, event: Event) -> Vec<NodeId> {
        events::failures(&self.graph, &self.base, event)
    }

    pub fn protective_device(&self, psu: NodeId) -> Option<NodeId> {
        events::protective_device(&self.graph, &self.base, psu)
    }

    /// Apply `events` to `scenario` (which should be at the base state).
    pub fn apply(&self, scenario: &mut Scenario<'_>, events: &[Event]) {
        for &e in events {
            let nodes = self.failures(e);
            scenario.fail(&nodes);
        }
    }

    /// The blast radius of an event set.
    pub fn impact(&self, events: &[Event]) -> Impact {
        let mut s = self.scenario();
        self.apply(&mut s, events);
        impact_of(&self.graph, &s, events)
    }

    /// Apply each event of the universe alone and hand its state to `visit`.
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
            Some(n) if events::can_fail(&self.graph, n) => Ok(Event::Fail(n)),
            Some(_) => Err(format!(
                "\"{id}\" is a service; services do not fail by themselves: fail what they need"
            )),
            None => Err(self.unknown_id(id, |_| true)),
        }
    }

    /// Resolve `--short DEV/PSU`.
    pub fn parse_short(&self, id: &str) -> Result<Event, String> {
        match self.graph.node(id) {
            Some(n) if self.graph.is_psu(n) => Ok(Event::Short(n)),
            Some(_) => Err(format!("\"{id}\" is not a PSU; write --short DEVICE/PSU (e.g. web-1/psu1)")),
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
            Some(c) => format!("no element, PSU, device or group has id \"{id}\"; did you mean \"{c}\"?"),
            None => format!("no element, PSU, device or group has id \"{id}\""),
        }
    }
}

/// Summarise a scenario as an [`Impact`].
pub fn impact_of(graph: &Graph, s: &Scenario<'_>, events: &[Event]) -> Impact {
    let mut down: Vec<NodeId> = s.down().iter().copied().filter(|&n| graph.is_visible(n)).collect();
    down.sort_unstable();
    Impact {
        events: events.to_vec(),
        down,
        degraded: s.degraded(),
    }
}
