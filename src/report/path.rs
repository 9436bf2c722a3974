//! `faultline path`: the engine's why-path answer ([`crate::engine::paths`])
//! as text for people or JSON for tools.

use serde::Serialize;

use crate::engine::paths::{Reason, WhyPath};
use crate::engine::{Event, EventRef, Graph, NodeId, NodeState, Outcome, graph::kind_label};
use crate::wording::plural;

/// How a node's state is written in both outputs.
pub fn state_word(st: NodeState) -> &'static str {
    match st {
        NodeState::Live => "live",
        NodeState::Degraded => "degraded",
        NodeState::Down => "down",
        NodeState::Failed => "failed",
        NodeState::Tripped => "tripped",
        NodeState::Overloaded => "overloaded",
        NodeState::Unpowered => "unpowered",
        NodeState::Out => "out for planned work",
    }
}

/// One path as text: `util-1 → ats-a → … → db-3`, a node that is not live
/// marked `[state]`.
pub fn path_text(g: &Graph, outcome: &Outcome, path: &[NodeId]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|&n| match outcome.state(n) {
            NodeState::Live => g.id(n).to_string(),
            st => format!("{} [{}]", g.id(n), state_word(st)),
        })
        .collect();
    parts.join(" → ")
}

/// The lines both the CLI and the TUI show, in order: the paths, where
/// they meet, the single points, the cause.
pub fn lines(g: &Graph, outcome: &Outcome, why: &WhyPath, events: &[Event]) -> Vec<String> {
    let t = why.target;
    let mut out = vec![format!(
        "{} ({}): {}",
        g.id(t),
        kind_label(g.kind(t)),
        state_word(outcome.state(t))
    )];
    if !events.is_empty() {
        let what: Vec<String> = events.iter().map(|e| e.describe(g)).collect();
        out.push(format!("under: {}", what.join(" + ")));
    }
    let total = why.paths.len() + why.paths_not_listed;
    if total == 0 && g.is_device(t) && g.psus_of_device(t).is_empty() {
        out.push("no power path: it has no PSU connected (`psus: []`)".into());
    } else if total == 0 {
        out.push("no power path: it takes no power itself".into());
    } else {
        out.push(format!(
            "{} from the sources:",
            plural(total, "power path", "power paths")
        ));
    }
    for (i, p) in why.paths.iter().enumerate() {
        out.push(format!("  {}. {}", i + 1, path_text(g, outcome, p)));
    }
    if why.paths_not_listed > 0 {
        out.push(format!("  … and {} more", why.paths_not_listed));
    }
    match why.meet {
        Some(m) => out.push(format!(
            "paths meet at {} ({}): a single point of failure",
            g.id(m),
            kind_label(g.kind(m))
        )),
        None if why.paths.len() == 1 => {
            out.push("one path: every element on it is a single point of failure".into())
        }
        None => {}
    }
    if total > 0 {
        if why.single_points.is_empty() {
            out.push("no single point of failure in its power".into());
        } else {
            let ids: Vec<&str> = why.single_points.iter().map(|&n| g.id(n)).collect();
            out.push(format!(
                "single points of failure (nearest first): {}",
                ids.join(", ")
            ));
        }
    }
    if let Some(s) = why.cause_sentence(g, events) {
        out.push(s);
    }
    out
}

pub fn human(g: &Graph, outcome: &Outcome, why: &WhyPath, events: &[Event]) -> String {
    let mut s = lines(g, outcome, why, events).join("\n");
    s.push('\n');
    s
}

#[derive(Serialize)]
struct Step {
    id: String,
    state: &'static str,
}

#[derive(Serialize)]
struct Cause {
    id: String,
    state: &'static str,
    reason: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    lost: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    psu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    load_pct: Option<f64>,
}

#[derive(Serialize)]
struct PathOutput {
    target: String,
    kind: &'static str,
    state: &'static str,
    events: Vec<EventRef>,
    paths: Vec<Vec<Step>>,
    paths_not_listed: usize,
    meet: Option<String>,
    shared: Vec<String>,
    single_points: Vec<String>,
    cause: Vec<Cause>,
    why: Option<String>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `{"target", "kind", "state", "events", "paths": [[{"id", "state"}]],
/// "paths_not_listed", "meet", "shared", "single_points", "cause", "why"}`.
pub fn json(g: &Graph, outcome: &Outcome, why: &WhyPath, events: &[Event]) -> String {
    let ids = |v: &[NodeId]| v.iter().map(|&n| g.id(n).to_string()).collect::<Vec<_>>();
    let out = PathOutput {
        target: g.id(why.target).to_string(),
        kind: kind_label(g.kind(why.target)),
        state: state_word(outcome.state(why.target)),
        events: events.iter().map(|e| e.to_ref(g)).collect(),
        paths: why
            .paths
            .iter()
            .map(|p| {
                p.iter()
                    .map(|&n| Step {
                        id: g.id(n).to_string(),
                        state: state_word(outcome.state(n)),
                    })
                    .collect()
            })
            .collect(),
        paths_not_listed: why.paths_not_listed,
        meet: why.meet.map(|m| g.id(m).to_string()),
        shared: ids(&why.shared),
        single_points: ids(&why.single_points),
        cause: why
            .cause
            .iter()
            .map(|c| {
                let mut out = Cause {
                    id: g.id(c.node).to_string(),
                    state: state_word(c.state),
                    reason: "",
                    lost: Vec::new(),
                    psu: None,
                    round: None,
                    load_pct: None,
                };
                match &c.reason {
                    Reason::Failed => out.reason = "failed",
                    Reason::Lost { inputs } => {
                        out.reason = "lost";
                        out.lost = ids(inputs);
                    }
                    Reason::ShortTrip { psu } => {
                        out.reason = "tripped-by-short";
                        out.psu = Some(g.id(*psu).to_string());
                    }
                    Reason::Overload { round, load_pct } => {
                        out.reason = "tripped-on-overload";
                        out.round = Some(*round);
                        out.load_pct = Some(round1(*load_pct));
                    }
                    Reason::BaseOverload { load_pct } => {
                        out.reason = "tripped-as-designed";
                        out.load_pct = Some(round1(*load_pct));
                    }
                }
                out
            })
            .collect(),
        why: why.cause_sentence(g, events),
    };
    let mut s = serde_json::to_string_pretty(&out).expect("report types always serialise");
    s.push('\n');
    s
}
