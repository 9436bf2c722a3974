//! Pictures of a layout: the one-line diagram of the power chain (as a
//! Graphviz graph or an SVG drawn here), rack elevations and the
//! self-contained HTML report, each coloured by the engine's node states
//! after a set of events ([`crate::engine::Outcome`]). Nothing here decides
//! what is down: the picture only draws the engine's answer.
//!
//! [`Diagram`] is what every picture draws: the power elements and the
//! devices (or, for a large hall, the racks or rows they sit in) with
//! their loads and states, and the edges from each input to what it feeds.

pub mod dot;
pub mod html;
pub mod layered;
pub mod rack;
pub mod svg;

use rustc_hash::FxHashMap as HashMap;

use crate::engine::graph::kind_label;
use crate::engine::load::utilisation_pct;
use crate::engine::{Analysis, Event, NodeId, NodeState, Outcome};
use crate::model::format::PowerKind;
use crate::wording::kw;

/// How much of the hall one diagram node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Collapse {
    /// Every power element and every device is a node.
    None,
    /// A rack is one node, with the PDUs and breakers that feed it alone.
    Racks,
    /// A row is one node, with everything that feeds that row alone.
    Rows,
}

impl Collapse {
    /// What a hall of this size is drawn as when nobody says: every
    /// device up to 64, racks up to 60 of them, rows beyond, so the
    /// picture stays readable (and a 2,500-rack hall stays a few hundred
    /// nodes).
    pub fn auto(analysis: &Analysis) -> Collapse {
        let devices = analysis.graph.devices.len();
        let racks = analysis.racks.racks.len();
        if devices <= 64 {
            Collapse::None
        } else if racks <= 60 {
            Collapse::Racks
        } else {
            Collapse::Rows
        }
    }
}

/// The state a picture shows, as the CSS class and DOT colour name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shade {
    // Ordered worst first: a group shows its worst member.
    Tripped,
    Failed,
    Out,
    Down,
    Unpowered,
    Overloaded,
    Degraded,
    Ok,
}

impl Shade {
    pub fn class(self) -> &'static str {
        match self {
            Shade::Tripped => "tripped",
            Shade::Failed => "failed",
            Shade::Out => "out",
            Shade::Down => "down",
            // The same word as the finding for a node down with nothing
            // failed.
            Shade::Unpowered => crate::code::Code::Unpowered.name(),
            Shade::Overloaded => "overloaded",
            Shade::Degraded => "degraded",
            Shade::Ok => "ok",
        }
    }

    /// Fill colour (the same in DOT, SVG and HTML).
    pub fn fill(self) -> &'static str {
        match self {
            Shade::Tripped => "#f28c28",
            Shade::Failed => "#d62728",
            Shade::Out => "#9e9e9e",
            Shade::Down => "#f4a6a6",
            Shade::Unpowered => "#c9a0dc",
            Shade::Overloaded => "#ffd23f",
            Shade::Degraded => "#fff3b0",
            Shade::Ok => "#d9f2d9",
        }
    }

    fn of(state: NodeState, out: bool) -> Shade {
        match state {
            NodeState::Failed if out => Shade::Out,
            NodeState::Failed => Shade::Failed,
            NodeState::Out => Shade::Out,
            NodeState::Tripped => Shade::Tripped,
            NodeState::Down => Shade::Down,
            NodeState::Unpowered => Shade::Unpowered,
            NodeState::Overloaded => Shade::Overloaded,
            NodeState::Degraded => Shade::Degraded,
            NodeState::Live => Shade::Ok,
        }
    }

    pub const ALL: [Shade; 8] = [
        Shade::Ok,
        Shade::Degraded,
        Shade::Overloaded,
        Shade::Unpowered,
        Shade::Down,
        Shade::Out,
        Shade::Failed,
        Shade::Tripped,
    ];
}

/// One box of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The element's id, or the rack's or row's.
    pub title: String,
    /// "UPS", "breaker", "device", "rack", "row".
    pub kind: &'static str,
    /// The lines under the title: load, state, trip round, counts.
    pub lines: Vec<String>,
    pub shade: Shade,
    /// Whether it is a source (utility feed or generator): drawn at the top.
    pub source: bool,
}

/// One line of the diagram: `from` feeds `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    /// An alternate input of a transfer switch (the first input carries
    /// the load while it is live): drawn dashed.
    pub alternate: bool,
    /// The source end is down: drawn grey.
    pub dead: bool,
}

/// What every picture draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    pub title: String,
    pub collapse: Collapse,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// For every visible graph node (power element, PSU, device): the
    /// diagram node it is drawn in; services are drawn in none.
    node_of: Vec<u32>,
    /// "fail ups-a", "short controller/psu1": what was done.
    pub events: Vec<String>,
    /// The order things opened: "1. cb-a (short below it)",
    /// "round 1: cb-b-r07 at 131%".
    pub trip_order: Vec<String>,
}

const NONE: u32 = u32::MAX;

/// The events a picture shows and which of them are maintenance (`--out`).
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub events: Vec<Event>,
    /// Nodes taken out of service on purpose: drawn as "out", not
    /// "failed" (the engine treats them as failed).
    pub out: Vec<NodeId>,
}

impl Scenario {
    /// Parse `--event ID`, `--short D/P` and `--out ID` with the engine's
    /// parsers; every unknown id is reported, each with the closest one.
    pub fn parse(
        analysis: &Analysis,
        events: &[String],
        shorts: &[String],
        out: &[String],
    ) -> Result<Scenario, Vec<String>> {
        let mut s = Scenario::default();
        let mut errors = Vec::new();
        for id in events {
            match analysis.parse_event(id) {
                Ok(e) => s.events.push(e),
                Err(m) => errors.push(m),
            }
        }
        for id in shorts {
            match analysis.parse_short(id) {
                Ok(e) => s.events.push(e),
                Err(m) => errors.push(m),
            }
        }
        for id in out {
            match analysis.parse_event(id) {
                Ok(e @ Event::Fail(n)) => {
                    s.events.push(e);
                    s.out.push(n);
                }
                Ok(_) => errors.push(format!(
                    "--out takes a power element, device or PSU out of service; `{id}` is a common-cause group (use --event)"
                )),
                Err(m) => errors.push(m),
            }
        }
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}

impl Diagram {
    /// The diagram of `analysis` after `scenario`, with the cascade.
    pub fn build(analysis: &Analysis, scenario: &Scenario, collapse: Collapse) -> Diagram {
        let outcome = Outcome::new(analysis, &scenario.events, true);
        Diagram::from_outcome(analysis, &outcome, scenario, collapse)
    }

    pub fn from_outcome(
        analysis: &Analysis,
        outcome: &Outcome,
        scenario: &Scenario,
        collapse: Collapse,
    ) -> Diagram {
        let g = &analysis.graph;
        let homes = group_homes(analysis, collapse);
        let mut nodes: Vec<Node> = Vec::new();
        let mut node_of = vec![NONE; g.services.start as usize];
        let mut group_node: HashMap<u32, u32> = HashMap::default();
        let mut members: Vec<GroupCount> = Vec::new();
        let shade_of = |n: NodeId| Shade::of(outcome.state(n), scenario.out.contains(&n));

        // Power elements first, in file order, then devices: a group
        // node is created where its first member appears.
        let visible = g.power.clone().chain(g.devices.clone());
        for n in visible {
            let home = homes.get(n);
            let at = match home {
                Some(h) => *group_node.entry(h).or_insert_with(|| {
                    nodes.push(group_stub(analysis, collapse, h));
                    members.push(GroupCount::default());
                    (nodes.len() - 1) as u32
                }),
                None => {
                    nodes.push(element_node(analysis, outcome, n, shade_of(n)));
                    members.push(GroupCount::default());
                    (nodes.len() - 1) as u32
                }
            };
            node_of[n as usize] = at;
            if home.is_some() {
                members[at as usize].add(analysis, outcome, n, shade_of(n));
            }
        }
        for p in g.psus.clone() {
            node_of[p as usize] = node_of[g.device_of_psu(p) as usize];
        }
        for (node, count) in nodes.iter_mut().zip(&members) {
            if count.total() > 0 {
                count.describe(node);
            }
        }

        let mut edges = Vec::new();
        let mut seen: HashMap<(u32, u32), usize> = HashMap::default();
        let mut link = |from: NodeId, to_node: u32, alternate: bool| {
            let f = node_of[from as usize];
            if f == NONE || to_node == NONE || f == to_node {
                return;
            }
            let dead = outcome.state(from).is_down();
            match seen.get(&(f, to_node)) {
                // Merged lines: alternate only if every one is, dead only
                // if every one is.
                Some(&i) => {
                    let e: &mut Edge = &mut edges[i];
                    e.alternate &= alternate;
                    e.dead &= dead;
                }
                None => {
                    seen.insert((f, to_node), edges.len());
                    edges.push(Edge {
                        from: f,
                        to: to_node,
                        alternate,
                        dead,
                    });
                }
            }
        };
        for n in g.power.clone() {
            let switch = matches!(g.power_kind(n), Some(PowerKind::Ats | PowerKind::Sts));
            for (i, &input) in g.inputs(n).iter().enumerate() {
                link(input, node_of[n as usize], switch && i > 0);
            }
        }
        for p in g.psus.clone() {
            for &feed in g.inputs(p).iter().filter(|&&f| g.is_power(f)) {
                link(feed, node_of[p as usize], false);
            }
        }
        Diagram {
            title: String::new(),
            collapse,
            nodes,
            edges,
            node_of,
            events: scenario.events.iter().map(|e| e.describe(g)).collect(),
            trip_order: trip_order(analysis, outcome, scenario),
        }
    }

    /// The diagram node a layout id is drawn in, if it is drawn (a
    /// service is not: its devices are).
    pub fn node_of_id(&self, analysis: &Analysis, id: &str) -> Option<u32> {
        let n = analysis.graph.node(id)?;
        self.node_of.get(n as usize).copied().filter(|&x| x != NONE)
    }

    /// The diagram nodes that hold any of `ids`, sorted and deduplicated.
    pub fn nodes_of_ids<'a>(
        &self,
        analysis: &Analysis,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Vec<u32> {
        let mut out: Vec<u32> = ids
            .into_iter()
            .filter_map(|id| self.node_of_id(analysis, id))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The element's own box: kind, load against rating, state.
fn element_node(analysis: &Analysis, outcome: &Outcome, n: NodeId, shade: Shade) -> Node {
    let g = &analysis.graph;
    let mut lines = Vec::new();
    if g.is_power(n) {
        if let Some((load, cap)) = outcome.load(g, n) {
            if cap.is_finite() {
                lines.push(format!(
                    "{} / {} ({:.0}%)",
                    kw(load),
                    kw(cap),
                    utilisation_pct(load, cap)
                ));
            } else {
                lines.push(kw(load));
            }
        }
    } else if g.is_device(n) {
        lines.push(format!("{:.0} W", g.draw_w(n)));
    }
    lines.push(state_words(analysis, outcome, n, shade));
    Node {
        title: g.id(n).to_string(),
        kind: kind_label(g.kind(n)),
        lines,
        shade,
        source: matches!(
            g.power_kind(n),
            Some(PowerKind::Utility | PowerKind::Generator)
        ),
    }
}

/// "tripped in round 2 (131%)", "tripped by a short below it", "down".
fn state_words(analysis: &Analysis, outcome: &Outcome, n: NodeId, shade: Shade) -> String {
    match shade {
        Shade::Tripped => match outcome.trip_of(analysis, n) {
            Some(t) if !outcome.short_trips.contains(&n) => {
                format!("TRIPPED round {} ({:.0}%)", t.round, t.load_pct())
            }
            _ => "TRIPPED by a short".to_string(),
        },
        Shade::Overloaded => "OVERLOADED".to_string(),
        Shade::Ok => "ok".to_string(),
        other => other.class().to_uppercase(),
    }
}

/// What a group node counts: members by shade.
#[derive(Debug, Clone, Default)]
struct GroupCount {
    racks: usize,
    devices: usize,
    elements: usize,
    by_shade: [usize; 8],
    /// Trips inside the group, for its lines.
    trips: Vec<String>,
}

impl GroupCount {
    fn total(&self) -> usize {
        self.devices + self.elements
    }

    fn add(&mut self, analysis: &Analysis, outcome: &Outcome, n: NodeId, shade: Shade) {
        if analysis.graph.is_device(n) {
            self.devices += 1;
        } else {
            self.elements += 1;
            if shade == Shade::Tripped {
                self.trips.push(format!(
                    "{} {}",
                    analysis.graph.id(n),
                    state_words(analysis, outcome, n, shade).to_lowercase()
                ));
            }
        }
        self.by_shade[shade as usize] += 1;
    }

    fn describe(&self, node: &mut Node) {
        let mut lines = Vec::new();
        if self.racks > 0 {
            lines.push(format!("{} racks", self.racks));
        }
        lines.push(format!(
            "{} devices, {} power elements",
            self.devices, self.elements
        ));
        let worst = (0..8)
            .find(|&i| self.by_shade[i] > 0)
            .map_or(Shade::Ok, |i| Shade::ALL[7 - i]);
        let bad: Vec<String> = (0..7)
            .filter(|&i| self.by_shade[i] > 0)
            .map(|i| format!("{} {}", self.by_shade[i], Shade::ALL[7 - i].class()))
            .collect();
        if bad.is_empty() {
            lines.push("all ok".to_string());
        } else {
            lines.push(bad.join(", "));
        }
        lines.extend(self.trips.iter().take(3).cloned());
        if self.trips.len() > 3 {
            lines.push(format!("+{} more trips", self.trips.len() - 3));
        }
        node.lines = lines;
        node.shade = worst;
    }
}

/// Which group (a rack or row index) each power element and device is
/// drawn in; `None` for a node drawn on its own.
struct Homes {
    of: Vec<u32>,
}

impl Homes {
    fn get(&self, n: NodeId) -> Option<u32> {
        self.of.get(n as usize).copied().filter(|&h| h != NONE)
    }
}

const MANY: u32 = u32::MAX - 1;

/// Devices go to their rack's (or row's) group; a power element goes to
/// a group when everything it feeds, directly or not, is in that one
/// group (a rack's PDUs and their breakers, a row's floor PDUs), or when
/// it is a PDU placed in that rack and feeds nothing. Computed from the
/// bottom up in one pass over the topological order, reversed.
fn group_homes(analysis: &Analysis, collapse: Collapse) -> Homes {
    let g = &analysis.graph;
    let mut of = vec![NONE; g.devices.end as usize];
    if collapse == Collapse::None {
        return Homes { of };
    }
    let rows = row_index(analysis);
    let group_of_rack = |r: usize| -> u32 {
        match collapse {
            Collapse::Rows => rows.of_rack[r],
            _ => r as u32,
        }
    };
    for d in g.devices.clone() {
        if let Some(r) = analysis.racks.rack_of(g, d) {
            of[d as usize] = group_of_rack(r);
        }
    }
    // Unset (NONE here means "feeds nothing seen yet"), a group, or MANY.
    let mut reach = vec![NONE; g.power.end as usize];
    for &n in g.topo_order().iter().rev() {
        if !g.is_power(n) {
            continue;
        }
        let mut home = NONE;
        for &c in g.consumers(n) {
            let h = if g.is_power(c) {
                reach[c as usize]
            } else if g.is_psu(c) {
                of[g.device_of_psu(c) as usize]
            } else {
                NONE
            };
            home = merge(home, h);
        }
        if home == NONE {
            if let Some(r) = analysis.racks.rack_of(g, n) {
                home = group_of_rack(r);
            }
        }
        reach[n as usize] = home;
        // Sources stay on their own: the top of the chain is the point of
        // the picture.
        let source = matches!(
            g.power_kind(n),
            Some(PowerKind::Utility | PowerKind::Generator)
        );
        if home != NONE && home != MANY && !source {
            of[n as usize] = home;
        }
    }
    Homes { of }
}

fn merge(a: u32, b: u32) -> u32 {
    match (a, b) {
        (NONE, x) | (x, NONE) => x,
        (x, y) if x == y => x,
        _ => MANY,
    }
}

/// Rows in order of first appearance; a rack with no row is a row of
/// its own.
struct Rows {
    of_rack: Vec<u32>,
    names: Vec<String>,
    racks: Vec<usize>,
}

fn row_index(analysis: &Analysis) -> Rows {
    let mut by_name: HashMap<String, u32> = HashMap::default();
    let mut rows = Rows {
        of_rack: Vec::new(),
        names: Vec::new(),
        racks: Vec::new(),
    };
    for r in &analysis.racks.racks {
        let name = r.row.clone().unwrap_or_else(|| r.id.clone());
        let i = *by_name.entry(name.clone()).or_insert_with(|| {
            rows.names.push(name);
            rows.racks.push(0);
            (rows.names.len() - 1) as u32
        });
        rows.racks[i as usize] += 1;
        rows.of_rack.push(i);
    }
    rows
}

fn group_stub(analysis: &Analysis, collapse: Collapse, home: u32) -> Node {
    let (title, kind) = match collapse {
        Collapse::Rows => {
            let rows = row_index(analysis);
            let racks = rows.racks[home as usize];
            let name = rows.names[home as usize].clone();
            (
                format!("row {name} ({racks} rack{})", crate::wording::s(racks)),
                "row",
            )
        }
        _ => (analysis.racks.racks[home as usize].id.clone(), "rack"),
    };
    Node {
        title,
        kind,
        lines: Vec::new(),
        shade: Shade::Ok,
        source: false,
    }
}

/// What opened, in order: shorts' trips first, then the overload rounds.
fn trip_order(analysis: &Analysis, outcome: &Outcome, scenario: &Scenario) -> Vec<String> {
    let g = &analysis.graph;
    let mut out = Vec::new();
    for &e in &scenario.events {
        if let Event::Short(psu) = e {
            for &n in analysis.failures(e, true).iter().skip(1) {
                out.push(format!("{} opens: a short in {}", g.id(n), g.id(psu)));
            }
        }
    }
    for t in &outcome.impact.tripped {
        out.push(format!(
            "round {}: {} trips at {:.0}% of its rating",
            t.round,
            g.id(t.node),
            t.load_pct()
        ));
    }
    out
}
