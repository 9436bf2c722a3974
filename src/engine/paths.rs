//! "Why is this down?": every power path from the sources to a node, where
//! those paths meet, which elements on them are single points of failure,
//! and, for a node that is down under a what-if, the chain of cause back
//! to what failed or tripped. `faultline path` and the TUI's `w` both show
//! this answer; neither works it out again.
//!
//! Paths follow power only: a device's PSUs, a PSU's feed, a power
//! element's inputs (a UPS's bypass and every transfer-switch input
//! included). A device's `needs` are not power paths; the cause chain
//! follows them when that is why a device is down.
//!
//! Single points are judged on liveness, as cut sets are (docs/semantics.md):
//! failing the element alone leaves the node without power, counting the
//! device's `psus_needed` and every k-of-n gate on the way.

use super::Analysis;
use super::events::Event;
use super::graph::{Graph, NodeId, NodeKind};
use super::impact::{NodeState, Outcome};

/// At most this many paths are listed; the rest are counted. A node
/// behind a few transfer switches and dual-inlet PDUs has a handful; the
/// count can only explode on contrived layouts.
pub const MAX_PATHS: usize = 64;

/// Why one step of a cause chain is down.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Failed by an event (or as a member of a common cause).
    Failed,
    /// Opened by a short in this PSU below it.
    ShortTrip { psu: NodeId },
    /// Tripped on overload in the cascade of the what-if.
    Overload { round: u32, load_pct: f64 },
    /// Tripped on overload with nothing failed (an `overload` finding).
    BaseOverload { load_pct: f64 },
    /// Down because these inputs are (the next step follows the first).
    Lost { inputs: Vec<NodeId> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CauseStep {
    pub node: NodeId,
    pub state: NodeState,
    pub reason: Reason,
}

/// The answer for one node.
#[derive(Debug, Clone, PartialEq)]
pub struct WhyPath {
    pub target: NodeId,
    /// Each path from a source down to the target (source first), at most
    /// [`MAX_PATHS`].
    pub paths: Vec<Vec<NodeId>>,
    /// Paths that exist but are not listed.
    pub paths_not_listed: usize,
    /// Nodes every path runs through, nearest the target first (the
    /// target left out).
    pub shared: Vec<NodeId>,
    /// Where the paths meet: the shared node nearest the target, when
    /// there is more than one path.
    pub meet: Option<NodeId>,
    /// Power elements and PSUs above the target whose failure alone takes
    /// its power away, nearest first.
    pub single_points: Vec<NodeId>,
    /// For a node that is down: from the node to the root cause.
    pub cause: Vec<CauseStep>,
}

/// What carries power into `n`: a device's PSUs, a PSU's feed, a power
/// element's inputs. Services and hidden gates have none.
fn power_inputs(g: &Graph, n: NodeId) -> Vec<NodeId> {
    match g.kind(n) {
        NodeKind::Device => g.psus_of_device(n).collect(),
        NodeKind::Psu | NodeKind::Power(_) => g.inputs(n).to_vec(),
        NodeKind::Service | NodeKind::Gate => Vec::new(),
    }
}

/// Work out the paths, where they meet, the single points and (under
/// `outcome`) the chain of cause for `target`.
pub fn why(analysis: &Analysis, outcome: &Outcome, target: NodeId) -> WhyPath {
    let g = &analysis.graph;
    let (paths, paths_not_listed) = enumerate_paths(g, target);
    let cone = power_cone(g, target);
    let single_points = single_points(g, target, &cone);
    let shared = if paths_not_listed == 0 && !paths.is_empty() {
        shared_nodes(&paths, target)
    } else {
        // With paths left out, "on every path" is exactly "a single point"
        // for the OR-gates of power; use the exact answer.
        single_points.clone()
    };
    let meet = if paths.len() > 1 {
        shared.first().copied()
    } else {
        None
    };
    WhyPath {
        target,
        paths,
        paths_not_listed,
        shared,
        meet,
        single_points,
        cause: cause_chain(analysis, outcome, target),
    }
}

/// Every source-to-target path over power inputs, by an explicit stack
/// (no recursion: a feed chain can be 100,000 deep).
fn enumerate_paths(g: &Graph, target: NodeId) -> (Vec<Vec<NodeId>>, usize) {
    let mut paths: Vec<Vec<NodeId>> = Vec::new();
    let mut not_listed = 0usize;
    // The current path from the target upward, and for each node on it
    // the index of the next input to try.
    let mut trail: Vec<(NodeId, usize, Vec<NodeId>)> = vec![(target, 0, power_inputs(g, target))];
    if trail[0].2.is_empty() {
        return (paths, 0);
    }
    while let Some(top) = trail.last_mut() {
        let (_, next, ins) = top;
        if *next >= ins.len() {
            trail.pop();
            continue;
        }
        let up = ins[*next];
        *next += 1;
        let up_inputs = power_inputs(g, up);
        if up_inputs.is_empty() {
            // A source (or an element with no input): one whole path.
            if paths.len() < MAX_PATHS {
                let mut p: Vec<NodeId> = vec![up];
                p.extend(trail.iter().rev().map(|(n, _, _)| *n));
                paths.push(p);
            } else {
                not_listed = not_listed.saturating_add(1);
                if not_listed > 1_000_000 {
                    // Counting further says nothing a planner can use.
                    break;
                }
            }
            continue;
        }
        trail.push((up, 0, up_inputs));
    }
    (paths, not_listed)
}

/// Nodes on every path, nearest the target first.
fn shared_nodes(paths: &[Vec<NodeId>], target: NodeId) -> Vec<NodeId> {
    let Some(first) = paths.first() else {
        return Vec::new();
    };
    first
        .iter()
        .rev()
        .copied()
        .filter(|&n| n != target)
        .filter(|n| paths.iter().all(|p| p.contains(n)))
        .collect()
}

/// The power cone above `target` (target included), inputs before
/// consumers.
fn power_cone(g: &Graph, target: NodeId) -> Vec<NodeId> {
    let mut seen: rustc_hash::FxHashSet<NodeId> = rustc_hash::FxHashSet::default();
    let mut order: Vec<NodeId> = Vec::new();
    let mut stack: Vec<(NodeId, Vec<NodeId>, usize)> = vec![(target, power_inputs(g, target), 0)];
    seen.insert(target);
    while let Some(top) = stack.last_mut() {
        let (n, ins, next) = top;
        if let Some(&i) = ins.get(*next) {
            *next += 1;
            if seen.insert(i) {
                let up = power_inputs(g, i);
                stack.push((i, up, 0));
            }
        } else {
            order.push(*n);
            stack.pop();
        }
    }
    order
}

/// Whether `target` has power with `failed` out, on the cone alone: every
/// node is a k-of-n gate over its power inputs (a device needs
/// `psus_needed` of its PSUs).
fn powered_without(g: &Graph, cone: &[NodeId], target: NodeId, failed: NodeId) -> bool {
    let mut live: rustc_hash::FxHashMap<NodeId, bool> = rustc_hash::FxHashMap::default();
    for &n in cone {
        let ins = power_inputs(g, n);
        let k = if g.is_device(n) {
            g.psus_needed(n) as usize
        } else {
            g.threshold(n) as usize
        };
        let up = ins.iter().filter(|i| live.get(i) == Some(&true)).count();
        live.insert(n, n != failed && up >= k);
    }
    live.get(&target) == Some(&true)
}

fn single_points(g: &Graph, target: NodeId, cone: &[NodeId]) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = cone
        .iter()
        .copied()
        .filter(|&n| n != target)
        .filter(|&n| !powered_without(g, cone, target, n))
        .collect();
    // Nearest first: the cone lists inputs before consumers.
    out.reverse();
    out
}

/// The inputs of `n` that are down under `outcome`, with hidden gates
/// opened up and a PSU that is merely unfed replaced by its feed (the
/// planner's question is which element, not which cord).
fn down_inputs(g: &Graph, outcome: &Outcome, n: NodeId) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = Vec::new();
    let mut stack: Vec<NodeId> = g.inputs(n).iter().rev().copied().collect();
    let mut guard = 0usize;
    while let Some(i) = stack.pop() {
        guard += 1;
        if guard > 100_000 {
            break;
        }
        if g.kind(i) == NodeKind::Gate {
            if outcome.gate_state(g, i).is_down() {
                stack.extend(g.inputs(i).iter().rev().copied());
            }
            continue;
        }
        let st = outcome.state(i);
        if !st.is_down() {
            continue;
        }
        let shown = if g.is_psu(i) && matches!(st, NodeState::Down | NodeState::Unpowered) {
            g.inputs(i).first().copied().unwrap_or(i)
        } else {
            i
        };
        if !out.contains(&shown) {
            out.push(shown);
        }
    }
    out
}

/// From a down node back to what failed or tripped, one step a node.
fn cause_chain(analysis: &Analysis, outcome: &Outcome, target: NodeId) -> Vec<CauseStep> {
    let g = &analysis.graph;
    let mut steps: Vec<CauseStep> = Vec::new();
    let mut n = target;
    let mut seen: rustc_hash::FxHashSet<NodeId> = rustc_hash::FxHashSet::default();
    loop {
        let state = outcome.state(n);
        if !state.is_down() || !seen.insert(n) {
            break;
        }
        let reason = match state {
            NodeState::Failed => Reason::Failed,
            NodeState::Tripped => tripped_reason(analysis, outcome, n),
            _ => Reason::Lost {
                inputs: down_inputs(g, outcome, n),
            },
        };
        let next = match &reason {
            Reason::Lost { inputs } => inputs.first().copied(),
            _ => None,
        };
        steps.push(CauseStep {
            node: n,
            state,
            reason,
        });
        match next {
            Some(up) => n = up,
            None => break,
        }
    }
    steps
}

fn tripped_reason(analysis: &Analysis, outcome: &Outcome, n: NodeId) -> Reason {
    if let Some(t) = outcome.impact.tripped.iter().find(|t| t.node == n) {
        return Reason::Overload {
            round: t.round,
            load_pct: t.load_pct(),
        };
    }
    for &e in &outcome.impact.events {
        if let Event::Short(psu) = e {
            if analysis
                .failures(e, outcome.cascade)
                .get(1..)
                .is_some_and(|f| f.contains(&n))
            {
                return Reason::ShortTrip { psu };
            }
        }
    }
    match outcome.base_trips(analysis).iter().find(|t| t.node == n) {
        Some(t) => Reason::BaseOverload {
            load_pct: t.load_pct(),
        },
        None => Reason::Failed,
    }
}

impl WhyPath {
    /// The chain of cause in one sentence: "db-3 is down because
    /// pdu-r07-b lost cb-b-r07, cb-b-r07 tripped in round 1 at 131% after
    /// fail cb-a-r07". `None` when the node is not down.
    pub fn cause_sentence(&self, g: &Graph, events: &[Event]) -> Option<String> {
        let first = self.cause.first()?;
        let mut parts: Vec<String> = Vec::new();
        let mut after_events = false;
        for step in &self.cause {
            let id = g.id(step.node);
            match &step.reason {
                Reason::Lost { inputs } if inputs.is_empty() => {
                    parts.push(format!("{id} has no live input"));
                }
                Reason::Lost { inputs } => {
                    let ids: Vec<&str> = inputs.iter().map(|&i| g.id(i)).collect();
                    parts.push(format!("{id} lost {}", ids.join(" and ")));
                }
                Reason::Failed => parts.push(format!("{id} failed")),
                Reason::ShortTrip { psu } => {
                    parts.push(format!("{id} tripped on a short in {}", g.id(*psu)));
                }
                Reason::Overload { round, load_pct } => {
                    parts.push(format!("{id} tripped in round {round} at {load_pct:.0}%"));
                    after_events = true;
                }
                Reason::BaseOverload { load_pct } => parts.push(format!(
                    "{id} tripped at {load_pct:.0}% with nothing failed"
                )),
            }
        }
        let mut s = format!("{} is down because ", g.id(first.node));
        s.push_str(&parts.join(", "));
        if after_events && !events.is_empty() {
            let what: Vec<String> = events.iter().map(|e| e.describe(g)).collect();
            s.push_str(&format!(" after {}", what.join(" + ")));
        }
        Some(s)
    }
}
