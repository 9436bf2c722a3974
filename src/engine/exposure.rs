//! Degraded: one event from down (analysis.md, "degraded").
//!
//! A visible node is degraded in a state when it is live there, some single
//! event of the universe takes it down from that state, and no single event
//! did so from the state the events started from. An event that fails the
//! node itself (failing it, a common cause it belongs to, a short that
//! trips it) does not count: every device can be failed, so counting it
//! would make everything one event from down.
//!
//! Which single events take a node down is its order-1 cut sets, judged on
//! the inputs that are live in the state: a node is down when one of its
//! own events strikes or when at least `m = live - k + 1` of its live
//! inputs are down (cuts.rs). The pass runs only on the cone above the
//! nodes that can have changed (live nodes below something that went
//! down: above the rest nothing differs from the start state, so neither
//! does the answer), once on the state and once on the start state.

use super::cuts::{OwnEvents, own_events};
use super::events::universe;
use super::graph::{Graph, NodeId};
use super::{Analysis, Scenario};

/// Visible nodes degraded in `now` (a state reached from the analysis's
/// start state, with or without `cascade`): sorted, without repeats.
pub fn degraded(analysis: &Analysis, now: &Scenario<'_>, cascade: bool) -> Vec<NodeId> {
    let g = &analysis.graph;
    let candidates = changed_candidates(g, now);
    if candidates.is_empty() {
        return Vec::new();
    }
    let start = analysis.start_state(cascade);
    let events = universe(g);
    let own = own_events(g, analysis.start_state(false), &events);
    let cone = g.cone_post_order(&candidates);
    let now_exposed = exposed(g, &cone, now.live(), &own);
    let start_exposed = exposed(g, &cone, &start.live, &own);
    candidates
        .into_iter()
        .filter(|&c| now_exposed[c as usize] && !start_exposed[c as usize])
        .collect()
}

/// Live visible nodes below something that went down, that can be
/// degraded at all: devices, services and power elements with several
/// inputs (one with a single input could always be taken down by failing
/// that input, so it is exposed in the start state too). Sorted.
fn changed_candidates(g: &Graph, now: &Scenario<'_>) -> Vec<NodeId> {
    let mut below = vec![false; g.len()];
    let mut stack: Vec<NodeId> = now.down().to_vec();
    while let Some(v) = stack.pop() {
        for &c in g.consumers(v) {
            if !below[c as usize] {
                below[c as usize] = true;
                stack.push(c);
            }
        }
    }
    (0..g.len() as NodeId)
        .filter(|&n| below[n as usize] && now.is_live(n) && g.is_visible(n))
        .filter(|&n| g.is_device(n) || g.is_service(n) || (g.is_power(n) && g.inputs(n).len() > 1))
        .collect()
}

/// For each node of `cone` (inputs first): whether a single event other
/// than its own takes it down in the state `live`. Indexed by node; false
/// outside the cone and for nodes down already.
fn exposed(g: &Graph, cone: &[NodeId], live: &[bool], own: &OwnEvents) -> Vec<bool> {
    // Each node's single cut sets (sorted event indices), kept only until
    // its last consumer in the cone has read them.
    let mut readers = vec![0u32; g.len()];
    for &n in cone {
        for &i in g.inputs(n) {
            readers[i as usize] += 1;
        }
    }
    let mut singles: Vec<Vec<u32>> = vec![Vec::new(); g.len()];
    let mut out = vec![false; g.len()];
    let mut scratch: Vec<u32> = Vec::new();
    for &n in cone {
        let ins = g.inputs(n);
        if live[n as usize] {
            let live_ins = ins.iter().filter(|&&i| live[i as usize]).count() as u32;
            let k = g.threshold(n);
            scratch.clear();
            let mut gate: Vec<u32> = Vec::new();
            // A source (k = 0) is down only by its own events.
            if k > 0 {
                // A live gate has at least k live inputs.
                let m = (live_ins + 1).saturating_sub(k).max(1);
                for &i in ins.iter().filter(|&&i| live[i as usize]) {
                    scratch.extend_from_slice(&singles[i as usize]);
                }
                scratch.sort_unstable();
                for run in scratch.chunk_by(|a, b| a == b) {
                    if run.len() as u32 >= m {
                        gate.push(run[0]);
                    }
                }
            }
            let mine = own.of(n);
            out[n as usize] = gate.iter().any(|e| mine.binary_search(e).is_err());
            gate.extend_from_slice(mine);
            gate.sort_unstable();
            gate.dedup();
            singles[n as usize] = gate;
        }
        for &i in ins {
            readers[i as usize] -= 1;
            if readers[i as usize] == 0 {
                singles[i as usize] = Vec::new();
            }
        }
    }
    out
}
