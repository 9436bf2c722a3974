//! Maintenance windows: what taking elements out of service for planned
//! work does, and what one event during the window would do.
//!
//! The window itself is a what-if from the layout's base state (the out
//! elements failed, overloads cascading): what goes down, which devices
//! lose their PSU redundancy, what trips. The findings of the window are
//! `check` run with the out elements failed in the base state
//! ([`crate::engine::Analysis::out_of_service`]); the critical services
//! that some single event takes down then are "one event from down".

use crate::code::Code;
use crate::engine::{Analysis, Event, NodeId};

use super::Finding;

/// What a maintenance window does.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// The elements out of service.
    pub out: Vec<NodeId>,
    /// Critical services down as soon as the window opens.
    pub critical_down: Vec<NodeId>,
    /// Devices with a spare PSU that lose power when the window opens.
    pub redundancy_lost: Vec<NodeId>,
    /// Elements that trip on overload when the window opens.
    pub tripped: Vec<NodeId>,
    /// Critical services up in the window that one more event takes down
    /// (ids, sorted).
    pub one_event_from_down: Vec<String>,
}

impl Window {
    /// The window can be taken without an outage: no critical service
    /// down, no device with a spare PSU unpowered, no overload trip. For
    /// one power element this is the tier estimate's
    /// "concurrently-maintainable" condition on that element.
    pub fn is_maintainable(&self) -> bool {
        self.critical_down.is_empty() && self.redundancy_lost.is_empty() && self.tripped.is_empty()
    }

    /// "with ups-a out: 4 critical services are one event from down".
    pub fn headline(&self, analysis: &Analysis) -> String {
        let g = &analysis.graph;
        let ids: Vec<&str> = self.out.iter().map(|&n| g.id(n)).collect();
        let n = self.one_event_from_down.len();
        let mut line = format!(
            "with {} out: {} critical service{} {} one event from down",
            ids.join(", "),
            n,
            crate::wording::s(n),
            if n == 1 { "is" } else { "are" }
        );
        if !self.critical_down.is_empty() {
            let down: Vec<&str> = self.critical_down.iter().map(|&n| g.id(n)).collect();
            line.push_str(&format!("; down for the whole window: {}", down.join(", ")));
        }
        if !self.tripped.is_empty() {
            let t: Vec<&str> = self.tripped.iter().map(|&n| g.id(n)).collect();
            line.push_str(&format!("; trips on overload: {}", t.join(", ")));
        }
        if !self.redundancy_lost.is_empty() {
            let n = self.redundancy_lost.len();
            line.push_str(&format!(
                "; {n} device{} with a spare PSU lose power",
                crate::wording::s(n)
            ));
        }
        line
    }
}

/// The window of taking `out` out of service in `analysis` (the layout's
/// own analysis), with `window_findings` the findings of the window's
/// analysis.
pub fn window(analysis: &Analysis, out: &[NodeId], window_findings: &[Finding]) -> Window {
    let g = &analysis.graph;
    let events: Vec<Event> = out.iter().map(|&n| Event::Fail(n)).collect();
    let (impact, w) = analysis.impact_with_loads(&events, true);
    let critical_down = impact
        .down
        .iter()
        .copied()
        .filter(|&n| g.is_critical(n))
        .collect();
    // As `false-redundancy` counts them: a device with a spare PSU whose
    // live PSUs drop below what it needs. An out device is not counted.
    let redundancy_lost = g
        .devices
        .clone()
        .filter(|&d| {
            !out.contains(&d)
                && g.has_spare_psu(d)
                && analysis.base.live[d as usize]
                && (g
                    .psus_of_device(d)
                    .filter(|&p| w.scenario.is_live(p))
                    .count() as u32)
                    < g.psus_needed(d)
        })
        .collect();
    let mut one_event_from_down: Vec<String> = window_findings
        .iter()
        .filter(|f| f.code == Code::Spof)
        .flat_map(|f| f.affected.iter())
        .filter(|id| g.node(id).is_some_and(|n| g.is_critical(n)))
        .cloned()
        .collect();
    one_event_from_down.sort();
    one_event_from_down.dedup();
    Window {
        out: out.to_vec(),
        critical_down,
        redundancy_lost,
        tripped: impact.tripped.iter().map(|t| t.node).collect(),
        one_event_from_down,
    }
}
