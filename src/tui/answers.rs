//! The loaded layout with the engine's answers kept for drawing, and the
//! what-if events with the engine's outcome of them. Nothing here works
//! out what is down: [`Outcome`] and [`Analysis`] do.

use std::collections::HashMap;

use super::tree::Target;
use crate::engine::{Analysis, Event, Graph, Marginal, NodeId, Outcome, RackInfo};
use crate::findings::window::Window;
use crate::findings::{self, Finding};
use crate::model::Loaded;
use crate::model::format::{Device, PowerElement};

/// A loaded layout with everything derived from it once.
pub struct Model {
    pub loaded: Loaded,
    /// The layout's analysis, or with elements out for planned work
    /// (`m`) the window's ([`Analysis::out_of_service`]): every answer of
    /// the view is then one about the window, as `check --out` gives it.
    pub analysis: Analysis,
    /// Elements out of service for planned work, in the order marked.
    pub out: Vec<NodeId>,
    /// What the window does (`None` with nothing out).
    pub window: Option<Window>,
    pub findings: Vec<Finding>,
    /// Counts by severity, for titles drawn every frame.
    pub counts: findings::Counts,
    /// How many blocks `check` groups the findings into (one per blast
    /// radius), so the pane counts them as every report does.
    pub blocks: usize,
    /// What the findings pane shows: all, or one severity, or one code.
    pub filter: FindingsFilter,
    /// The pane's rows: the blocks of the findings the filter keeps, each
    /// as indices into `findings` (grouped as `check` groups them).
    pub rows: Vec<Vec<usize>>,
    /// Finding indices by the id they are about (subject or event).
    on_id: HashMap<String, Vec<usize>>,
}

impl Model {
    pub fn new(loaded: Loaded) -> Model {
        let analysis = Analysis::new(&loaded.layout);
        let findings = findings::check(&loaded, &analysis);
        let mut model = Model {
            loaded,
            analysis,
            out: Vec::new(),
            window: None,
            counts: findings::Counts::default(),
            blocks: 0,
            filter: FindingsFilter::default(),
            rows: Vec::new(),
            findings: Vec::new(),
            on_id: HashMap::new(),
        };
        model.set_findings(findings);
        model
    }

    /// Take `out` out of service for planned work (none: back to the
    /// layout's own state): the analysis and the findings become the
    /// window's, as `check --out` computes them. Node ids stay the same,
    /// so a what-if and the selection carry over.
    pub fn set_out(&mut self, out: Vec<NodeId>) {
        let layout = &self.loaded.layout;
        let own = Analysis::new(layout);
        let found = if out.is_empty() {
            self.analysis = own;
            self.window = None;
            findings::check(&self.loaded, &self.analysis)
        } else {
            self.analysis = Analysis::out_of_service(layout, Graph::build(layout), &out);
            let found = findings::check(&self.loaded, &self.analysis);
            self.window = Some(findings::window::window(&own, &out, &found));
            found
        };
        self.out = out;
        self.set_findings(found);
    }

    pub fn is_out(&self, n: NodeId) -> bool {
        self.out.contains(&n)
    }

    fn set_findings(&mut self, found: Vec<Finding>) {
        let mut on_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in found.iter().enumerate() {
            on_id.entry(f.subject.clone()).or_default().push(i);
            if let Some(e) = &f.event {
                if e.id != f.subject {
                    on_id.entry(e.id.clone()).or_default().push(i);
                }
            }
        }
        self.counts = findings::count(&found);
        self.blocks = findings::groups::blocks(&found).len();
        self.findings = found;
        self.on_id = on_id;
        self.refresh_rows();
    }

    /// Show only what `filter` keeps.
    pub fn set_filter(&mut self, filter: FindingsFilter) {
        self.filter = filter;
        self.refresh_rows();
    }

    fn refresh_rows(&mut self) {
        let filter = self.filter;
        self.rows = findings::groups::block_indices(&self.findings, |f| filter.keeps(f));
    }

    /// The first finding of a row of the pane.
    pub fn row_finding(&self, row: usize) -> Option<&Finding> {
        self.rows.get(row).and_then(|r| self.findings.get(r[0]))
    }

    pub fn graph(&self) -> &crate::engine::Graph {
        &self.analysis.graph
    }

    pub fn racks(&self) -> &[RackInfo] {
        &self.analysis.racks.racks
    }

    /// The rack a device, PSU or placed PDU is in.
    pub fn rack_of(&self, n: NodeId) -> Option<usize> {
        self.analysis.racks.rack_of(self.graph(), n)
    }

    /// A device's layout entry.
    pub fn device(&self, d: NodeId) -> Option<&Device> {
        let (r, i) = self.analysis.racks.slot_of(self.graph(), d)?;
        self.loaded.layout.racks[r].devices.get(i)
    }

    pub fn power_element(&self, n: NodeId) -> Option<&PowerElement> {
        let g = self.graph();
        if g.is_power(n) {
            self.loaded.layout.power.get((n - g.power.start) as usize)
        } else {
            None
        }
    }

    /// Findings about `id` (as subject or as the event), in report order.
    pub fn findings_on(&self, id: &str) -> &[usize] {
        self.on_id.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn target_id(&self, t: Target) -> &str {
        match t {
            Target::Node(n) => self.graph().id(n),
            Target::Common(g) => &self.graph().common[g as usize].id,
        }
    }

    /// The target a finding is about: its subject as a node or group.
    pub fn finding_target(&self, f: &Finding) -> Option<Target> {
        let g = self.graph();
        if let Some(n) = g.node(&f.subject) {
            return Some(Target::Node(n));
        }
        g.common_group(&f.subject).map(Target::Common)
    }

    /// The event a finding comes from, resolved in this model.
    pub fn finding_event(&self, f: &Finding) -> Option<Event> {
        let e = f.event.as_ref()?;
        self.analysis.resolve_event(e.kind, &e.id)
    }

    /// The event the `f`/Space key means for a target: fail an element,
    /// device or PSU, or strike a common-cause group.
    pub fn fail_event(&self, t: Target) -> Result<Event, String> {
        match t {
            Target::Common(g) => Ok(Event::Common(g)),
            Target::Node(n) => self.analysis.fail_event(n),
        }
    }

    /// The event whose blast radius the inspector shows for a target.
    pub fn telling_event(&self, t: Target) -> Option<Event> {
        match t {
            Target::Common(g) => Some(Event::Common(g)),
            Target::Node(n) => self.analysis.telling_event(n),
        }
    }
}

/// Which findings the pane shows: a severity, a code, or both (`None`:
/// any).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingsFilter {
    pub severity: Option<crate::diagnostic::Severity>,
    pub code: Option<crate::code::Code>,
}

impl FindingsFilter {
    pub fn keeps(&self, f: &Finding) -> bool {
        self.severity.is_none_or(|s| f.severity == s && !f.allowed)
            && self.code.is_none_or(|c| f.code == c)
    }

    pub fn is_active(&self) -> bool {
        self.severity.is_some() || self.code.is_some()
    }

    /// How the pane names it: a severity in words, a code by its name,
    /// or both ("warnings of" a code).
    pub fn describe(&self) -> String {
        let severity = self.severity.map(|s| match s {
            crate::diagnostic::Severity::Error => "errors",
            crate::diagnostic::Severity::Warning => "warnings",
            crate::diagnostic::Severity::Note => "notes",
        });
        match (severity, self.code) {
            (Some(s), Some(c)) => format!("{s} of {}", c.name()),
            (Some(s), None) => s.to_string(),
            (None, Some(c)) => c.name().to_string(),
            (None, None) => "all".to_string(),
        }
    }
}

/// The events and what they do to every node.
pub struct WhatIf {
    pub events: Vec<Event>,
    pub(super) undo: Vec<Vec<Event>>,
    /// A finding's event shown on top of the events until kept or dropped.
    pub preview: Option<Event>,
    /// The engine's answer for the events plus the preview.
    pub outcome: Outcome,
    /// Bumped on every change, so caches know when they are stale.
    pub generation: u64,
}

impl WhatIf {
    pub(super) fn new(model: &Model) -> WhatIf {
        WhatIf {
            events: Vec::new(),
            undo: Vec::new(),
            preview: None,
            outcome: Outcome::new(&model.analysis, &[], true),
            generation: 0,
        }
    }

    /// Let overloaded elements trip (analysis.md, "Cascade"); off shows
    /// the state before any overload trip, as `trip --no-cascade` does.
    pub fn cascade(&self) -> bool {
        self.outcome.cascade
    }

    /// The events plus the preview.
    pub fn effective(&self) -> Vec<Event> {
        let mut all = self.events.clone();
        if let Some(p) = self.preview {
            if !all.contains(&p) {
                all.push(p);
            }
        }
        all
    }

    pub fn is_active(&self) -> bool {
        !self.events.is_empty() || self.preview.is_some()
    }

    /// Ask the engine again.
    pub fn recompute(&mut self, model: &Model) {
        let cascade = self.outcome.cascade;
        self.outcome
            .recompute(&model.analysis, &self.effective(), cascade);
        self.generation += 1;
    }

    pub fn set_cascade(&mut self, on: bool, model: &Model) {
        self.outcome.cascade = on;
        self.recompute(model);
    }

    fn set(&mut self, events: Vec<Event>, model: &Model) {
        let old = std::mem::replace(&mut self.events, events);
        self.undo.push(old);
        self.preview = None;
        self.recompute(model);
    }

    /// Add `e` if absent, remove it if present. Returns whether it is on.
    pub fn toggle(&mut self, e: Event, model: &Model) -> bool {
        let mut next = self.events.clone();
        let on = if let Some(i) = next.iter().position(|&x| x == e) {
            next.remove(i);
            false
        } else {
            next.push(e);
            true
        };
        self.set(next, model);
        on
    }

    /// Replace the events with a loaded scenario's (undoable).
    pub fn replace(&mut self, events: Vec<Event>, cascade: bool, model: &Model) {
        self.outcome.cascade = cascade;
        self.set(events, model);
    }

    pub fn reset(&mut self, model: &Model) -> bool {
        if self.events.is_empty() && self.preview.is_none() {
            return false;
        }
        self.set(Vec::new(), model);
        true
    }

    pub fn undo(&mut self, model: &Model) -> bool {
        match self.undo.pop() {
            Some(prev) => {
                self.events = prev;
                self.preview = None;
                self.recompute(model);
                true
            }
            None => false,
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// What `t`'s telling event would add to the what-if.
    pub fn radius(&self, model: &Model, t: Target) -> Radius {
        let marginal = model
            .telling_event(t)
            .map(|e| model.analysis.marginal(&self.outcome, &self.effective(), e));
        Radius {
            target: t,
            generation: self.generation,
            marginal,
        }
    }
}

/// What failing the selection would add to the current what-if, with the
/// selection and what-if it was computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct Radius {
    pub target: Target,
    pub generation: u64,
    /// `None` when the selection has no event of its own (a service).
    pub marginal: Option<Marginal>,
}
