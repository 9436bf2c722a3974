//! The TUI's state: the loaded model, the what-if events and the
//! engine's answers for them, the selection and each pane's cursor. Every
//! question about the layout is answered by the engine ([`crate::engine`])
//! and [`crate::findings`]; this module only keeps the answers and the
//! places on screen.

use std::path::PathBuf;

use ratatui::layout::Rect;

use super::tree::{self, NONE, Tree};
use super::watch::Watch;
use crate::engine::{Event, NodeId, NodeKind};
use crate::model::Loaded;

pub use super::answers::{Model, Radius, WhatIf};
pub use super::tree::Target;
/// A node's state under the what-if, as the engine works it out.
pub use crate::engine::NodeState as State;

/// The engine's why-path answer for one node, as the lines `faultline
/// path` prints, kept while the panel is open.
#[derive(Debug, Clone)]
pub struct WhyPanel {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: u16,
}

/// Where the layout came from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The demo compiled into the binary (nothing to watch).
    Builtin,
    File(PathBuf),
}

/// An incremental id search in progress (driven by [`super::search`]).
pub struct Search {
    pub query: String,
    pub matches: Vec<Target>,
    pub current: usize,
    /// Where to go back to on Esc.
    pub(super) back: (Option<Target>, NodeId, usize, usize),
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

    /// The name in the header's list of hidden panes.
    pub fn short_name(self) -> &'static str {
        match self {
            Pane::Tree => "tree",
            Pane::Rack => "rack",
            Pane::Inspector => "inspector",
            Pane::Findings => "findings",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Tree => "Power tree",
            Pane::Rack => "Rack",
            Pane::Inspector => "Inspector",
            Pane::Findings => "Findings",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Warn,
    Error,
}

/// Pane rectangles from the last draw (by [`Pane`], `None` when the pane
/// is not on screen), for mouse hits; and the top U shown in the rack
/// pane with the first rack line's y.
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    panes: [Option<Rect>; 4],
    pub rack_top_u: u32,
    pub rack_first_y: u16,
}

impl Areas {
    pub fn get(&self, p: Pane) -> Option<Rect> {
        self.panes[p as usize]
    }

    pub fn set(&mut self, p: Pane, area: Rect) {
        self.panes[p as usize] = Some(area);
    }
}

/// The hall map's cursor: a position in [`App::map_order`], and how many
/// cells the last drawing put on a line (for up and down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HallMap {
    pub cursor: usize,
    pub per_line: usize,
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
    pub(super) last_search: Option<(String, Vec<Target>, usize)>,
    pub help: Option<u16>,
    /// The hall map (`H`): the rack under its cursor, in map order.
    pub map: Option<HallMap>,
    /// The why panel (`w`): its title, its lines and how far it is
    /// scrolled. It shares the help's keys.
    pub why: Option<WhyPanel>,
    pub message: Option<(String, Tone)>,
    /// Diagnostics of an invalid file on disk; the last good model stays.
    pub reload_error: Option<String>,
    /// The file has not been valid since the view opened: the model is an
    /// empty stand-in and the diagnostics take the screen until a save
    /// makes the file valid.
    pub never_valid: bool,
    /// Changes to the layout file, when there is one.
    pub(super) watch: Option<Watch>,
    pub areas: Areas,
    /// `q` asked "drop N what-if events? y/n" and waits for the answer.
    pub confirm_quit: bool,
    /// The what-if changed since it was last saved or loaded.
    pub unsaved: bool,
    pub quit: bool,
}

impl App {
    pub fn new(loaded: Loaded, source: Source) -> App {
        let watch = match &source {
            Source::File(p) => Some(Watch::new(p)),
            Source::Builtin => None,
        };
        App::with_model(Model::new(loaded), source, watch)
    }

    fn with_model(model: Model, source: Source, watch: Option<Watch>) -> App {
        let whatif = WhatIf::new(&model);
        let tree = Tree::new(model.graph());
        let rack = if model.racks().is_empty() {
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
            map: None,
            why: None,
            message: None,
            reload_error: None,
            never_valid: false,
            watch,
            areas: Areas::default(),
            confirm_quit: false,
            unsaved: false,
            quit: false,
        };
        app.sync_from_tree();
        if let Some(e) = app.watch.as_ref().and_then(|w| w.error.clone()) {
            app.say(e, Tone::Warn);
        }
        app
    }

    /// Open on a file that is not a valid layout yet: show its diagnostics
    /// and wait for a save that makes it valid (the watch reloads it).
    pub fn waiting_for(path: &std::path::Path, diagnostics: String) -> App {
        let name = path.display().to_string();
        let stand_in = crate::model::load_str(
            &name,
            "Layout(name: \"(no valid version yet)\", power: [], racks: [])".to_string(),
        )
        .expect("the empty stand-in layout is valid");
        let mut app = App::new(stand_in, Source::File(path.to_path_buf()));
        app.reload_error = Some(diagnostics);
        app.never_valid = true;
        app.say(
            format!("{name} is not a valid layout: fix it and save, the view is waiting"),
            Tone::Error,
        );
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
            let g = self.model.graph();
            let rack = self.model.rack_of(n).or_else(|| {
                g.is_power(n)
                    .then(|| self.model.analysis.racks.rack_below(g, n))
                    .flatten()
            });
            if let Some(r) = rack {
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
                self.radius = Some(self.whatif.radius(&self.model, t));
                true
            }
            _ => false,
        }
    }

    /// The selected node, if the selection is one.
    pub fn selected_node(&self) -> Option<NodeId> {
        match self.selected {
            Some(Target::Node(n)) => Some(n),
            _ => None,
        }
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
        self.unsaved = true;
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
                    .protective_device(p, self.whatif.cascade())
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
                self.unsaved = true;
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

    /// `w`: ask the engine why the selection is (or would be) down.
    pub fn open_why(&mut self) {
        let Some(n) = self.selected_node() else {
            self.say(
                "select an element, PSU or device: w shows its power paths",
                Tone::Warn,
            );
            return;
        };
        let g = self.model.graph();
        if g.is_service(n) {
            self.say(
                "a service takes no power: select a device it needs and press w",
                Tone::Warn,
            );
            return;
        }
        let outcome = &self.whatif.outcome;
        let why = crate::engine::paths::why(&self.model.analysis, outcome, n);
        let events = outcome.impact.events.clone();
        let lines = crate::report::path::lines(g, outcome, &why, &events);
        self.why = Some(WhyPanel {
            title: format!("Why: {}", g.id(n)),
            lines,
            scroll: 0,
        });
    }

    /// Where `S` and `L` keep this layout's what-if.
    pub fn scenario_path(&self) -> PathBuf {
        match &self.source {
            Source::File(p) => crate::scenario::default_path(Some(p)),
            Source::Builtin => crate::scenario::default_path(None),
        }
    }

    /// `S`: write the what-if beside the layout, atomically; never over
    /// the layout itself.
    pub fn save_scenario(&mut self) {
        let path = self.scenario_path();
        if let Source::File(layout) = &self.source {
            if crate::scenario::same_file(layout, &path) {
                self.say(
                    "the scenario file would be the layout: not written",
                    Tone::Error,
                );
                return;
            }
        }
        let g = self.model.graph();
        let name = self.source_name().to_string();
        let saved = crate::scenario::Scenario::of(
            g,
            &name,
            &self.whatif.events,
            self.whatif.cascade(),
            &self.model.out,
        );
        match crate::scenario::write_atomically(&path, saved.to_ron().as_bytes()) {
            Ok(()) => {
                let n = crate::wording::plural(self.whatif.events.len(), "event", "events");
                self.say(
                    format!(
                        "saved {n} to {} (L loads it; faultline trip FILE --scenario it)",
                        path.display()
                    ),
                    Tone::Info,
                );
                self.unsaved = false;
            }
            Err(e) => self.say(
                format!("could not write {}: {e}", path.display()),
                Tone::Error,
            ),
        }
    }

    /// `L`: replace the what-if with the saved one.
    pub fn load_scenario(&mut self) {
        let path = self.scenario_path();
        let loaded = crate::scenario::Scenario::read(&path).and_then(|s| {
            let out = s
                .resolve_out(self.model.graph())
                .map_err(|errors| errors.join("; "))?;
            s.resolve(&self.model.analysis)
                .map(|events| (events, s.cascade, out))
                .map_err(|errors| errors.join("; "))
        });
        match loaded {
            Ok((events, cascade, out)) => {
                let n = crate::wording::plural(events.len(), "event", "events");
                if out != self.model.out {
                    self.model.set_out(out);
                }
                self.whatif.replace(events, cascade, &self.model);
                self.refresh_radius();
                self.unsaved = false;
                self.say(
                    format!("loaded {n} from {} (u undoes)", path.display()),
                    Tone::Info,
                );
            }
            Err(e) => self.say(e, Tone::Error),
        }
    }

    /// What quitting would throw away: the what-if events kept (a
    /// preview is not kept work).
    pub fn unsaved_events(&self) -> usize {
        if self.unsaved {
            self.whatif.events.len()
        } else {
            0
        }
    }

    /// `q`: quit, or ask first when a what-if would be lost.
    pub fn request_quit(&mut self) {
        if self.unsaved_events() == 0 {
            self.quit = true;
        } else {
            self.confirm_quit = true;
        }
    }

    /// Esc with no overlay open: drop the preview, else clear the
    /// selection. Never quits.
    pub fn cancel(&mut self) {
        if self.whatif.preview.is_some() {
            self.set_preview(None);
            self.say("preview dropped", Tone::Info);
        } else if self.selected.is_some() {
            self.selected = None;
            self.selected_via = NONE;
            self.radius = None;
            self.say("selection cleared (q quits)", Tone::Info);
        } else {
            self.say("nothing to cancel (q quits)", Tone::Info);
        }
    }

    // ---- racks -----------------------------------------------------------

    /// Devices of the current rack, top to bottom.
    pub fn rack_devices_top_down(&self) -> Vec<NodeId> {
        let Some(r) = self.rack else {
            return Vec::new();
        };
        let rack = &self.model.racks()[r];
        let mut ds: Vec<NodeId> = rack.devices().collect();
        ds.sort_by_key(|&d| std::cmp::Reverse(self.model.device(d).map(|x| x.u).unwrap_or(0)));
        ds
    }

    pub fn switch_rack(&mut self, forward: bool) {
        let n = self.model.racks().len();
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

    /// The racks in hall-map order: grouped by row, rows in the order
    /// they first appear, racks in file order within a row.
    pub fn map_order(&self) -> Vec<usize> {
        let racks = self.model.racks();
        // Each row's rank is where it first appears; a stable sort by it
        // keeps file order within a row (25,000 racks: a hash map, not a
        // scan per rack).
        let mut first: std::collections::HashMap<&Option<String>, usize> =
            std::collections::HashMap::new();
        for (i, r) in racks.iter().enumerate() {
            first.entry(&r.row).or_insert(i);
        }
        let mut order: Vec<usize> = (0..racks.len()).collect();
        order.sort_by_key(|&i| first[&racks[i].row]);
        order
    }

    /// `H`: open the hall map on the current rack.
    pub fn open_map(&mut self) {
        if self.model.racks().is_empty() {
            self.say("this layout has no racks", Tone::Info);
            return;
        }
        let order = self.map_order();
        let cursor = self
            .rack
            .and_then(|r| order.iter().position(|&i| i == r))
            .unwrap_or(0);
        self.map = Some(HallMap {
            cursor,
            per_line: 1,
        });
    }

    /// Enter on the map: show that rack (its top device selected) and
    /// close the map.
    pub fn map_choose(&mut self) {
        let Some(m) = self.map.take() else { return };
        let order = self.map_order();
        let Some(&r) = order.get(m.cursor) else {
            return;
        };
        self.rack = Some(r);
        self.rack_offset = 0;
        self.rack_follow = true;
        if let Some(&d) = self.rack_devices_top_down().first() {
            self.select(Target::Node(d), NONE);
        }
        let id = self.model.racks()[r].id.clone();
        self.say(format!("rack {id}"), Tone::Info);
    }

    /// What kind a node is, for labels ("breaker", "PSU").
    pub fn kind_label(&self, n: NodeId) -> &'static str {
        crate::engine::graph::kind_label(self.model.graph().kind(n))
    }

    /// A power element's load now and its capacity (infinite when it has
    /// no rating).
    pub fn load(&self, n: NodeId) -> Option<(f64, f64)> {
        self.whatif.outcome.load(self.model.graph(), n)
    }

    /// An element's continuous-load limit in percent (its own, else the
    /// policy's).
    pub fn derating_pct(&self, n: NodeId) -> f64 {
        self.model.graph().continuous_load_pct(n)
    }

    pub fn state(&self, n: NodeId) -> State {
        self.whatif.outcome.state(n)
    }

    /// A common-cause group is "failed" when its event is on.
    pub fn common_state(&self, g: u32) -> State {
        self.whatif.outcome.group_state(g)
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

/// The tree module's canonical parent, re-exported for the views.
pub use tree::canonical_parent;

/// Move a cursor over `len` places one step, wrapping round.
pub(super) fn step(cur: &mut usize, len: usize, forward: bool) {
    if len == 0 {
        return;
    }
    *cur = if forward {
        (*cur + 1) % len
    } else {
        (*cur + len - 1) % len
    };
}
