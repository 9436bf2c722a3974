//! The TUI's state: the loaded model, the what-if events and what they do,
//! the selection and each pane's cursor. Every question about the layout
//! is answered by the engine ([`Analysis`]) and [`findings`]; this module
//! only keeps the answers and the places on screen.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use ratatui::layout::Rect;

use super::tree::{self, Item, NONE, Tree};
use crate::engine::{Analysis, Event, Impact, NodeId, NodeKind, Trip, events};
use crate::findings::{self, Finding};
use crate::model::Loaded;
use crate::model::format::{Device, PowerElement};

/// How often the layout file is checked for changes.
pub const RELOAD_EVERY: Duration = Duration::from_millis(500);

/// Where the layout came from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The demo compiled into the binary (nothing to watch).
    Builtin,
    File(PathBuf),
}

/// Something that can be selected: a visible node or a common-cause group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Node(NodeId),
    Common(u32),
}

impl Target {
    pub fn from_item(item: Item) -> Option<Target> {
        match item {
            Item::Node(n) => Some(Target::Node(n)),
            Item::Common(g) => Some(Target::Common(g)),
            Item::Header(_) => None,
        }
    }

    pub fn item(self) -> Item {
        match self {
            Target::Node(n) => Item::Node(n),
            Target::Common(g) => Item::Common(g),
        }
    }
}

/// What a node looks like under the current what-if events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
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
}

impl State {
    pub fn is_down(self) -> bool {
        matches!(
            self,
            State::Down | State::Failed | State::Tripped | State::Unpowered
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Tree,
    Rack,
    Inspector,
    Findings,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Tree, Pane::Rack, Pane::Inspector, Pane::Findings];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Tree => "Power tree",
            Pane::Rack => "Rack",
            Pane::Inspector => "Inspector",
            Pane::Findings => "Findings",
        }
    }
}

/// One rack, for the elevation. Devices are numbered in rack order by the
/// engine, so a rack's devices are one node range.
#[derive(Debug, Clone)]
pub struct RackInfo {
    pub id: String,
    pub row: Option<String>,
    pub height: u32,
    pub first_device: NodeId,
    pub len: u32,
    /// Rack PDUs placed in this rack (`rack:`), in file order: they get
    /// the letters A, B, C... in the elevation.
    pub pdus: Vec<NodeId>,
}

impl RackInfo {
    pub fn devices(&self) -> std::ops::Range<NodeId> {
        self.first_device..self.first_device + self.len
    }

    /// The letter of a feed in this rack: A for its first PDU and so on.
    pub fn feed_letter(&self, feed: NodeId) -> Option<char> {
        let i = self.pdus.iter().position(|&p| p == feed)?;
        char::from_u32('A' as u32 + (i as u32 % 26))
    }
}

/// A loaded layout with everything derived from it once.
pub struct Model {
    pub loaded: Loaded,
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
    /// Counts by severity, for titles drawn every frame.
    pub counts: findings::Counts,
    pub racks: Vec<RackInfo>,
    /// For each power element: the rack it is placed in, if any.
    pdu_rack: Vec<Option<u32>>,
    /// Finding indices by the id they are about (subject or event).
    on_id: HashMap<String, Vec<usize>>,
}

impl Model {
    pub fn new(loaded: Loaded) -> Model {
        let analysis = Analysis::new(&loaded.layout);
        let findings = findings::check(&loaded, &analysis);
        let g = &analysis.graph;
        let mut racks = Vec::with_capacity(loaded.layout.racks.len());
        let mut next = g.devices.start;
        let mut rack_index: HashMap<&str, u32> = HashMap::new();
        for (i, r) in loaded.layout.racks.iter().enumerate() {
            rack_index.insert(r.id.as_str(), i as u32);
            racks.push(RackInfo {
                id: r.id.clone(),
                row: r.row.clone(),
                height: r.height_u,
                first_device: next,
                len: r.devices.len() as u32,
                pdus: Vec::new(),
            });
            next += r.devices.len() as NodeId;
        }
        let mut pdu_rack = vec![None; g.power.len()];
        for (i, el) in loaded.layout.power.iter().enumerate() {
            if let PowerElement::Pdu {
                rack: Some(rack), ..
            } = el
            {
                if let Some(&r) = rack_index.get(rack.as_str()) {
                    pdu_rack[i] = Some(r);
                    racks[r as usize].pdus.push(g.power.start + i as NodeId);
                }
            }
        }
        let mut on_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            on_id.entry(f.subject.clone()).or_default().push(i);
            if let Some(e) = &f.event {
                if e.id != f.subject {
                    on_id.entry(e.id.clone()).or_default().push(i);
                }
            }
        }
        Model {
            loaded,
            analysis,
            counts: findings::count(&findings),
            findings,
            racks,
            pdu_rack,
            on_id,
        }
    }

    pub fn graph(&self) -> &crate::engine::Graph {
        &self.analysis.graph
    }

    /// The rack a device, PSU or placed PDU is in.
    pub fn rack_of(&self, n: NodeId) -> Option<usize> {
        let g = self.graph();
        let d = if g.is_psu(n) { g.device_of_psu(n) } else { n };
        if g.is_device(d) {
            let i = self.racks.partition_point(|r| r.first_device <= d);
            return i.checked_sub(1);
        }
        if g.is_power(n) {
            return self.pdu_rack[(n - g.power.start) as usize].map(|r| r as usize);
        }
        None
    }

    /// A device's layout entry.
    pub fn device(&self, d: NodeId) -> Option<&Device> {
        let r = self.rack_of(d)?;
        let rack = &self.racks[r];
        self.loaded.layout.racks[r]
            .devices
            .get((d - rack.first_device) as usize)
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
        resolve_event(&self.analysis, e.kind, &e.id)
    }
}

/// An event named by kind and id, as in the JSON output.
pub fn resolve_event(analysis: &Analysis, kind: &str, id: &str) -> Option<Event> {
    match kind {
        "fail" => match analysis.parse_event(id) {
            Ok(e @ Event::Fail(_)) => Some(e),
            _ => None,
        },
        "short" => analysis.parse_short(id).ok(),
        "common" => analysis.graph.common_group(id).map(Event::Common),
        _ => None,
    }
}

/// The what-if summary: what is down now, critical services first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub critical_down: Vec<NodeId>,
    /// Non-critical services down.
    pub services_down: Vec<NodeId>,
    pub devices_down: usize,
    pub psus_down: usize,
    pub power_down: usize,
    pub degraded: usize,
    /// Opened by a short below them.
    pub short_trips: Vec<NodeId>,
    /// Tripped on overload by the cascade, in round order.
    pub overload_trips: Vec<Trip>,
    /// Above capacity and still live (only with the cascade off).
    pub overloaded: Vec<Trip>,
}

/// The events and what they do to every node.
pub struct WhatIf {
    pub events: Vec<Event>,
    undo: Vec<Vec<Event>>,
    /// A finding's event shown on top of the events until kept or dropped.
    pub preview: Option<Event>,
    /// Let overloaded elements trip (analysis.md, "Cascade"); off shows
    /// the state before any overload trip, as `trip --no-cascade` does.
    pub cascade: bool,
    pub impact: Impact,
    pub state: Vec<State>,
    /// Watts each power element carries now.
    pub loads: Vec<f64>,
    pub summary: Summary,
    /// Bumped on every change, so caches know when they are stale.
    pub generation: u64,
}

impl WhatIf {
    fn new(model: &Model) -> WhatIf {
        let mut w = WhatIf {
            events: Vec::new(),
            undo: Vec::new(),
            preview: None,
            cascade: true,
            impact: Impact::default(),
            state: Vec::new(),
            loads: Vec::new(),
            summary: Summary::default(),
            generation: 0,
        };
        w.recompute(model);
        w
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

    /// Ask the engine again. Its cost follows what the events change, plus
    /// one pass over the state array to colour every node.
    pub fn recompute(&mut self, model: &Model) {
        let a = &model.analysis;
        let g = &a.graph;
        let all = self.effective();
        let (impact, w) = a.impact_with_loads(&all, self.cascade);
        self.loads.clear();
        self.loads
            .extend_from_slice(&w.flow.loads()[..g.power.end as usize]);
        drop(w);
        self.impact = impact;
        let base = if self.cascade {
            &a.base.live
        } else {
            &a.liveness_base.live
        };
        self.state.clear();
        self.state.extend(
            base.iter()
                .map(|&live| if live { State::Live } else { State::Unpowered }),
        );
        self.state.resize(g.len(), State::Live);
        if self.cascade {
            for t in &a.base_trips {
                self.state[t.node as usize] = State::Tripped;
            }
        }
        for &n in &self.impact.degraded {
            self.state[n as usize] = State::Degraded;
        }
        for &n in &self.impact.down {
            self.state[n as usize] = State::Down;
        }
        for t in &self.impact.overloaded {
            self.state[t.node as usize] = State::Overloaded;
        }
        for t in &self.impact.tripped {
            self.state[t.node as usize] = State::Tripped;
        }
        let mut short_trips = Vec::new();
        for &e in &all {
            let hit = a.failures(e, self.cascade);
            for (i, &n) in hit.iter().enumerate() {
                let is_trip = matches!(e, Event::Short(_)) && i > 0;
                self.state[n as usize] = if is_trip {
                    State::Tripped
                } else {
                    State::Failed
                };
                if is_trip {
                    short_trips.push(n);
                }
            }
        }
        short_trips.sort_unstable();
        short_trips.dedup();
        let mut s = Summary {
            short_trips,
            overload_trips: self.impact.tripped.clone(),
            overloaded: self.impact.overloaded.clone(),
            ..Summary::default()
        };
        for &n in &self.impact.down {
            if g.is_service(n) {
                if g.is_critical(n) {
                    s.critical_down.push(n);
                } else {
                    s.services_down.push(n);
                }
            } else if g.is_device(n) {
                s.devices_down += 1;
            } else if g.is_psu(n) {
                s.psus_down += 1;
            } else if g.is_power(n) {
                s.power_down += 1;
            }
        }
        s.degraded = self.impact.degraded.len();
        self.summary = s;
        self.generation += 1;
    }

    /// The overload trip of `n` in this state or the base state, if any.
    pub fn trip_of<'m>(&'m self, model: &'m Model, n: NodeId) -> Option<&'m Trip> {
        self.impact
            .tripped
            .iter()
            .chain(self.impact.overloaded.iter())
            .chain(model.analysis.base_trips.iter().filter(|_| self.cascade))
            .find(|t| t.node == n)
    }

    pub fn set_cascade(&mut self, on: bool, model: &Model) {
        self.cascade = on;
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
}

/// What failing the selection would add to the current what-if.
#[derive(Debug, Clone, PartialEq)]
pub struct Radius {
    pub target: Target,
    pub generation: u64,
    pub event: Option<Event>,
    /// The event is already part of the what-if.
    pub already: bool,
    /// The selection is down already, so failing it changes nothing.
    pub already_down: bool,
    pub critical: Vec<NodeId>,
    pub services: Vec<NodeId>,
    pub devices: Vec<NodeId>,
    pub power: Vec<NodeId>,
    pub psus: usize,
    pub degraded: Vec<NodeId>,
    /// Overload trips it would add.
    pub tripped: Vec<Trip>,
}

/// The event the `f`/Space key means for a target: fail an element,
/// device or PSU, or strike a common-cause group. Services cannot fail by
/// themselves.
pub fn fail_event(model: &Model, t: Target) -> Result<Event, String> {
    match t {
        Target::Common(g) => Ok(Event::Common(g)),
        Target::Node(n) => {
            let g = model.graph();
            if events::can_fail(g, n) {
                Ok(Event::Fail(n))
            } else {
                Err(format!(
                    "{} is a service: services do not fail by themselves; fail what they need",
                    g.id(n)
                ))
            }
        }
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Warn,
    Error,
}

/// Pane rectangles from the last draw, for mouse hits.
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub tree: Option<Rect>,
    pub rack: Option<Rect>,
    pub inspector: Option<Rect>,
    pub findings: Option<Rect>,
    /// The top U shown in the rack pane, and the first rack line's y.
    pub rack_top_u: u32,
    pub rack_first_y: u16,
}

impl Areas {
    pub fn get(&self, p: Pane) -> Option<Rect> {
        match p {
            Pane::Tree => self.tree,
            Pane::Rack => self.rack,
            Pane::Inspector => self.inspector,
            Pane::Findings => self.findings,
        }
    }
}

pub struct Search {
    pub query: String,
    pub matches: Vec<Target>,
    pub current: usize,
    /// Where to go back to on Esc.
    back: (Option<Target>, NodeId, usize, usize),
}

/// A scrolled list: cursor, first row shown, and whether the next draw
/// should scroll the cursor into view.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListState {
    pub cursor: usize,
    pub offset: usize,
    pub follow: bool,
}

pub struct App {
    pub model: Model,
    pub source: Source,
    pub whatif: WhatIf,
    pub tree: Tree,
    pub focus: Pane,
    /// Which of inspector or rack the narrow layout shows on the right.
    pub narrow_shows_rack: bool,
    pub selected: Option<Target>,
    /// The feed of the tree row the selection came from (to know which PSU
    /// `s` on a device means).
    pub selected_via: NodeId,
    pub rack: Option<usize>,
    /// Units hidden above the top of the rack pane.
    pub rack_offset: u32,
    /// Scroll the selected device into view at the next draw.
    pub rack_follow: bool,
    pub findings: ListState,
    pub inspector_scroll: u16,
    pub radius: Option<Radius>,
    pub search: Option<Search>,
    /// The last accepted search, for `n` / `N`.
    last_search: Option<(String, Vec<Target>, usize)>,
    pub help: Option<u16>,
    pub message: Option<(String, Tone)>,
    /// Diagnostics of an invalid file on disk; the last good model stays.
    pub reload_error: Option<String>,
    stamp: Option<(SystemTime, u64)>,
    next_check: Option<Instant>,
    pub areas: Areas,
    pub quit: bool,
}

impl App {
    pub fn new(loaded: Loaded, source: Source) -> App {
        let stamp = match &source {
            Source::File(p) => file_stamp(p),
            Source::Builtin => None,
        };
        App::with_model(Model::new(loaded), source, stamp)
    }

    fn with_model(model: Model, source: Source, stamp: Option<(SystemTime, u64)>) -> App {
        let whatif = WhatIf::new(&model);
        let tree = Tree::new(model.graph());
        let rack = if model.racks.is_empty() {
            None
        } else {
            Some(0)
        };
        let mut app = App {
            model,
            source,
            whatif,
            tree,
            focus: Pane::Tree,
            narrow_shows_rack: false,
            selected: None,
            selected_via: NONE,
            rack,
            rack_offset: 0,
            rack_follow: true,
            findings: ListState {
                follow: true,
                ..ListState::default()
            },
            inspector_scroll: 0,
            radius: None,
            search: None,
            last_search: None,
            help: None,
            message: None,
            reload_error: None,
            stamp,
            next_check: None,
            areas: Areas::default(),
            quit: false,
        };
        app.sync_from_tree();
        app
    }

    pub fn source_name(&self) -> &str {
        &self.model.loaded.source.name
    }

    pub fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.message = Some((text.into(), tone));
    }

    // ---- selection -------------------------------------------------------

    /// Take the selection from the tree's cursor row.
    pub fn sync_from_tree(&mut self) {
        let row = self.tree.current().copied();
        match row.and_then(|r| Target::from_item(r.item).map(|t| (t, r.via))) {
            Some((t, via)) => self.set_selected(t, via),
            None => {
                self.selected = None;
                self.selected_via = NONE;
                self.radius = None;
            }
        }
    }

    fn set_selected(&mut self, t: Target, via: NodeId) {
        if self.selected != Some(t) {
            self.inspector_scroll = 0;
        }
        self.selected = Some(t);
        self.selected_via = via;
        self.rack_follow = true;
        if let Target::Node(n) = t {
            if let Some(r) = self.model.rack_of(n) {
                if self.rack != Some(r) {
                    self.rack = Some(r);
                    self.rack_offset = 0;
                }
            }
        }
        self.refresh_radius();
    }

    /// Select `t` from outside the tree (search, findings, rack) and move
    /// the tree's cursor to it, expanding what hides it.
    pub fn select(&mut self, t: Target, via: NodeId) {
        if let Some(i) = self.tree.reveal(self.model.graph(), t.item(), via) {
            self.tree.cursor = i;
            self.tree.follow = true;
            let via = self.tree.rows[i].via;
            self.set_selected(t, via);
        } else {
            self.set_selected(t, via);
        }
    }

    /// Note that the inspector's "if it fails" needs computing again when
    /// the selection or the what-if changed. The work itself waits for
    /// [`App::settle`]: failing a UPS of a large hall is a big question, and
    /// the recoloured screen should not wait for it, nor should a cursor
    /// passing over the UPS.
    pub fn refresh_radius(&mut self) {
        let Some(t) = self.selected else {
            self.radius = None;
            return;
        };
        let generation = self.whatif.generation;
        if self
            .radius
            .as_ref()
            .is_some_and(|r| r.target == t && r.generation == generation)
        {
            return;
        }
        self.radius = None;
    }

    /// Whether [`App::settle`] has work to do.
    pub fn unsettled(&self) -> bool {
        self.selected.is_some() && self.radius.is_none()
    }

    /// Do the deferred work (the selection's blast radius). The event loop
    /// calls this when no input is waiting; returns whether anything
    /// changed on screen.
    pub fn settle(&mut self) -> bool {
        match self.selected {
            Some(t) if self.radius.is_none() => {
                self.radius = Some(self.compute_radius(t));
                true
            }
            _ => false,
        }
    }

    fn radius_event(&self, t: Target) -> Option<Event> {
        match t {
            // A PSU's interesting failure is a short: it trips what is above.
            Target::Node(n) if self.model.graph().is_psu(n) => Some(Event::Short(n)),
            _ => fail_event(&self.model, t).ok(),
        }
    }

    fn compute_radius(&self, t: Target) -> Radius {
        let g = self.model.graph();
        let event = self.radius_event(t);
        let mut r = Radius {
            target: t,
            generation: self.whatif.generation,
            event,
            already: false,
            already_down: false,
            critical: Vec::new(),
            services: Vec::new(),
            devices: Vec::new(),
            power: Vec::new(),
            psus: 0,
            degraded: Vec::new(),
            tripped: Vec::new(),
        };
        let Some(e) = event else { return r };
        let mut all = self.whatif.effective();
        if all.contains(&e) {
            r.already = true;
            return r;
        }
        if let Target::Node(n) = t {
            if self.state(n).is_down() && !matches!(e, Event::Short(_)) {
                r.already_down = true;
                return r;
            }
        }
        all.push(e);
        let (after, _) = self
            .model
            .analysis
            .impact_with_loads(&all, self.whatif.cascade);
        let now = &self.whatif.impact;
        r.tripped = after
            .tripped
            .iter()
            .filter(|t| !now.tripped.iter().any(|x| x.node == t.node))
            .copied()
            .collect();
        for n in minus(&after.down, &now.down) {
            if g.is_service(n) {
                if g.is_critical(n) {
                    r.critical.push(n);
                } else {
                    r.services.push(n);
                }
            } else if g.is_device(n) {
                r.devices.push(n);
            } else if g.is_psu(n) {
                r.psus += 1;
            } else {
                r.power.push(n);
            }
        }
        r.degraded = minus(&after.degraded, &now.degraded);
        r
    }

    /// The PSU `s` means: the selected PSU, or the selected device's PSU on
    /// the feed of its tree row, or its only PSU.
    pub fn short_target(&self) -> Result<NodeId, String> {
        let g = self.model.graph();
        let Some(Target::Node(n)) = self.selected else {
            return Err("select a PSU or a device to short".into());
        };
        if g.is_psu(n) {
            return Ok(n);
        }
        if g.is_device(n) {
            let psus = g.psus_of_device(n);
            if let Some(p) = psus
                .clone()
                .find(|&p| g.inputs(p).first() == Some(&self.selected_via))
            {
                return Ok(p);
            }
            if psus.len() == 1 {
                return Ok(psus.start);
            }
            return Err(format!(
                "{} has {} PSUs: press → to list them and select one",
                g.id(n),
                psus.len()
            ));
        }
        Err(format!(
            "{} is not a PSU: a short happens in a device's PSU",
            g.id(n)
        ))
    }

    // ---- what-if ---------------------------------------------------------

    pub fn toggle_event(&mut self, e: Event) {
        let on = self.whatif.toggle(e, &self.model);
        let what = e.describe(self.model.graph());
        let mut text = if on {
            format!("added {what}")
        } else {
            format!("restored: {what}")
        };
        if on {
            if let Event::Short(p) = e {
                match self
                    .model
                    .analysis
                    .protective_device(p, self.whatif.cascade)
                {
                    Some(t) => text.push_str(&format!(" (trips {})", self.model.graph().id(t))),
                    None => text.push_str(" (its outlet breaker opens)"),
                }
            }
        }
        text.push_str(" (u undoes, r resets)");
        self.say(text, Tone::Info);
        self.refresh_radius();
    }

    /// Make the preview a real what-if event.
    pub fn keep_preview(&mut self) {
        if let Some(p) = self.whatif.preview.take() {
            if !self.whatif.events.contains(&p) {
                self.whatif.toggle(p, &self.model);
            } else {
                self.whatif.recompute(&self.model);
            }
            self.say(
                format!("kept: {}", p.describe(self.model.graph())),
                Tone::Info,
            );
            self.refresh_radius();
        }
    }

    pub fn set_preview(&mut self, e: Option<Event>) {
        self.whatif.preview = e;
        self.whatif.recompute(&self.model);
        self.refresh_radius();
    }

    // ---- search ----------------------------------------------------------

    pub fn start_search(&mut self) {
        let back = (
            self.selected,
            self.selected_via,
            self.tree.cursor,
            self.tree.offset,
        );
        self.search = Some(Search {
            query: String::new(),
            matches: Vec::new(),
            current: 0,
            back,
        });
    }

    /// Matches for `query` (ASCII case-insensitive; ids are ASCII): exact
    /// ids first, then prefixes, then substrings; within each, power
    /// elements, devices, services, groups, then PSUs.
    pub fn matches(&self, query: &str) -> Vec<Target> {
        if query.is_empty() {
            return Vec::new();
        }
        let q = query.to_ascii_lowercase();
        let g = self.model.graph();
        let order = g
            .power
            .clone()
            .chain(g.devices.clone())
            .chain(g.services.clone())
            .map(Target::Node)
            .chain((0..g.common.len() as u32).map(Target::Common))
            .chain(g.psus.clone().map(Target::Node));
        let mut ranked: Vec<(u8, Target)> = Vec::new();
        for t in order {
            let id = self.model.target_id(t);
            if let Some(rank) = rank(id, &q) {
                ranked.push((rank, t));
            }
        }
        // Stable: keeps the kind order within a rank.
        ranked.sort_by_key(|&(r, _)| r);
        ranked.into_iter().map(|(_, t)| t).collect()
    }

    pub fn search_changed(&mut self) {
        let Some(query) = self.search.as_ref().map(|s| s.query.clone()) else {
            return;
        };
        let matches = self.matches(&query);
        let first = matches.first().copied();
        if let Some(s) = self.search.as_mut() {
            s.matches = matches;
            s.current = 0;
        }
        if let Some(t) = first {
            self.select(t, NONE);
        }
    }

    pub fn search_step(&mut self, forward: bool) {
        let t = if let Some(s) = self.search.as_mut() {
            step(&mut s.current, s.matches.len(), forward);
            s.matches.get(s.current).copied()
        } else if let Some((q, m, cur)) = self.last_search.as_mut() {
            step(cur, m.len(), forward);
            let t = m.get(*cur).copied();
            if t.is_some() {
                let text = format!("/{q}: {} of {}", *cur + 1, m.len());
                self.message = Some((text, Tone::Info));
            }
            t
        } else {
            self.say("no search yet: press / to search", Tone::Info);
            None
        };
        if let Some(t) = t {
            self.select(t, NONE);
        }
    }

    pub fn end_search(&mut self, keep: bool) {
        let Some(s) = self.search.take() else { return };
        if keep {
            if s.matches.is_empty() {
                self.say(format!("nothing matches \"{}\"", s.query), Tone::Warn);
            }
            self.last_search = Some((s.query, s.matches, s.current));
        } else {
            let (sel, via, cursor, offset) = s.back;
            self.tree.cursor = cursor.min(self.tree.rows.len().saturating_sub(1));
            self.tree.offset = offset;
            match sel {
                Some(t) => self.select(t, via),
                None => self.sync_from_tree(),
            }
        }
    }

    // ---- racks -----------------------------------------------------------

    /// Devices of the current rack, top to bottom.
    pub fn rack_devices_top_down(&self) -> Vec<NodeId> {
        let Some(r) = self.rack else {
            return Vec::new();
        };
        let rack = &self.model.racks[r];
        let mut ds: Vec<NodeId> = rack.devices().collect();
        ds.sort_by_key(|&d| std::cmp::Reverse(self.model.device(d).map(|x| x.u).unwrap_or(0)));
        ds
    }

    pub fn switch_rack(&mut self, forward: bool) {
        let n = self.model.racks.len();
        if n == 0 {
            self.say("this layout has no racks", Tone::Info);
            return;
        }
        let mut cur = self.rack.unwrap_or(0);
        step(&mut cur, n, forward);
        self.rack = Some(cur);
        self.rack_offset = 0;
        if self.focus == Pane::Rack {
            if let Some(&d) = self.rack_devices_top_down().first() {
                self.select(Target::Node(d), NONE);
            }
        }
    }

    // ---- live reload -----------------------------------------------------

    /// Check the file (at most every [`RELOAD_EVERY`]) and reload it when
    /// its modification time or size changed. Returns whether anything
    /// changed on screen.
    pub fn poll_reload(&mut self, now: Instant) -> bool {
        let Source::File(path) = &self.source else {
            return false;
        };
        if self.next_check.is_some_and(|t| now < t) {
            return false;
        }
        self.next_check = Some(now + RELOAD_EVERY);
        let stamp = file_stamp(path);
        if stamp == self.stamp {
            return false;
        }
        self.stamp = stamp;
        let path = path.clone();
        self.reload_from(&path);
        true
    }

    /// Reload now (the file changed).
    pub fn reload_from(&mut self, path: &std::path::Path) {
        match crate::model::load_path(path) {
            Ok(loaded) => self.replace_model(loaded),
            Err(e) => {
                self.reload_error = Some(e.render(false));
                self.say(
                    format!(
                        "{} is not valid now: showing the last good version",
                        path.display()
                    ),
                    Tone::Error,
                );
            }
        }
    }

    /// Swap in a new model, keeping the selection, the expanded rows and
    /// the what-if events that still name something.
    pub fn replace_model(&mut self, loaded: Loaded) {
        let new = Model::new(loaded);
        let old = std::mem::replace(&mut self.model, new);
        let (og, ng) = (old.graph(), self.model.graph());
        let carry = |e: Event| resolve_event(&self.model.analysis, e.kind_name(), e.subject(og));
        let mut dropped = Vec::new();
        let mut events = Vec::new();
        for &e in &self.whatif.events {
            match carry(e) {
                Some(x) => events.push(x),
                None => dropped.push(e.describe(og)),
            }
        }
        let undo: Vec<Vec<Event>> = self
            .whatif
            .undo
            .iter()
            .map(|set| set.iter().filter_map(|&e| carry(e)).collect())
            .collect();
        let preview = self.whatif.preview.and_then(carry);
        let selected = self.selected.and_then(|t| match t {
            Target::Node(n) => ng.node(og.id(n)).map(Target::Node),
            Target::Common(g) => ng
                .common_group(&og.common[g as usize].id)
                .map(Target::Common),
        });
        let via = (self.selected_via != NONE)
            .then(|| ng.node(og.id(self.selected_via)))
            .flatten()
            .unwrap_or(NONE);
        let rack_id = self.rack.map(|r| old.racks[r].id.clone());
        self.tree.carry_over(og, ng);
        self.whatif.events = events;
        self.whatif.undo = undo;
        self.whatif.preview = preview;
        self.whatif.recompute(&self.model);
        self.rack = rack_id
            .and_then(|id| self.model.racks.iter().position(|r| r.id == id))
            .or(if self.model.racks.is_empty() {
                None
            } else {
                Some(0)
            });
        self.findings.cursor = self
            .findings
            .cursor
            .min(self.model.findings.len().saturating_sub(1));
        self.radius = None;
        self.search = None;
        self.last_search = None;
        self.reload_error = None;
        match selected {
            Some(t) => self.select(t, via),
            None => self.sync_from_tree(),
        }
        if dropped.is_empty() {
            self.say(format!("reloaded {}", self.source_name()), Tone::Info);
        } else {
            self.say(
                format!(
                    "reloaded {}; no longer applies: {}",
                    self.source_name(),
                    dropped.join(", ")
                ),
                Tone::Warn,
            );
        }
    }

    /// What kind a node is, for labels ("breaker", "PSU").
    pub fn kind_label(&self, n: NodeId) -> &'static str {
        crate::engine::graph::kind_label(self.model.graph().kind(n))
    }

    /// A power element's load now and its capacity (infinite when it has
    /// no rating).
    pub fn load(&self, n: NodeId) -> Option<(f64, f64)> {
        let load = *self.whatif.loads.get(n as usize)?;
        Some((load, self.model.graph().capacity_w(n)))
    }

    /// The policy's continuous-load limit in percent.
    pub fn derating_pct(&self) -> f64 {
        self.model.loaded.layout.policy.continuous_load_pct
    }

    pub fn state(&self, n: NodeId) -> State {
        self.whatif
            .state
            .get(n as usize)
            .copied()
            .unwrap_or(State::Live)
    }

    /// A common-cause group is "failed" when its event is on.
    pub fn common_state(&self, g: u32) -> State {
        if self.whatif.effective().contains(&Event::Common(g)) {
            State::Failed
        } else {
            State::Live
        }
    }

    pub fn target_state(&self, t: Target) -> State {
        match t {
            Target::Node(n) => self.state(n),
            Target::Common(g) => self.common_state(g),
        }
    }

    /// Whether `n` is something people see in lists (no hidden gates).
    pub fn visible(&self, n: NodeId) -> bool {
        self.model.graph().is_visible(n) && self.model.graph().kind(n) != NodeKind::Gate
    }
}

fn rank(id: &str, q: &str) -> Option<u8> {
    let b = id.as_bytes();
    let qb = q.as_bytes();
    if b.len() < qb.len() {
        return None;
    }
    if b.eq_ignore_ascii_case(qb) {
        return Some(0);
    }
    if b[..qb.len()].eq_ignore_ascii_case(qb) {
        return Some(1);
    }
    b.windows(qb.len())
        .any(|w| w.eq_ignore_ascii_case(qb))
        .then_some(2)
}

fn step(cur: &mut usize, len: usize, forward: bool) {
    if len == 0 {
        return;
    }
    *cur = if forward {
        (*cur + 1) % len
    } else {
        (*cur + len - 1) % len
    };
}

fn file_stamp(path: &std::path::Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// The tree module's canonical parent, re-exported for the views.
pub use tree::canonical_parent;
