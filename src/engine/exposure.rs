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

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::cuts::OwnEvents;
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
    let own = analysis.own_events();
    let cone = g.cone_post_order(&candidates);
    // Work on the cone alone, indexed by position: a what-if at a million
    // devices touches a few thousand nodes, and arrays over the whole
    // graph cost more than the answer.
    let pos: HashMap<NodeId, u32> = cone
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i as u32))
        .collect();
    let now_exposed = exposed(g, &cone, &pos, now.live(), own);
    let start_exposed = exposed(g, &cone, &pos, &start.live, own);
    candidates
        .into_iter()
        .filter(|c| {
            let i = pos[c] as usize;
            now_exposed[i] && !start_exposed[i]
        })
        .collect()
}

/// Live visible nodes below something that went down, that can be
/// degraded at all: devices, services and power elements with several
/// inputs (one with a single input could always be taken down by failing
/// that input, so it is exposed in the start state too). Sorted.
fn changed_candidates(g: &Graph, now: &Scenario<'_>) -> Vec<NodeId> {
    let mut below: HashSet<NodeId> = HashSet::default();
    let mut stack: Vec<NodeId> = now.down().to_vec();
    while let Some(v) = stack.pop() {
        for &c in g.consumers(v) {
            if below.insert(c) {
                stack.push(c);
            }
        }
    }
    let mut out: Vec<NodeId> = below
        .into_iter()
        .filter(|&n| now.is_live(n) && g.is_visible(n))
        .filter(|&n| g.is_device(n) || g.is_service(n) || (g.is_power(n) && g.inputs(n).len() > 1))
        .collect();
    out.sort_unstable();
    out
}

/// For each node of `cone` (inputs first), by its position there: whether
/// a single event other than its own takes it down in the state `live`;
/// false for nodes down already.
fn exposed(
    g: &Graph,
    cone: &[NodeId],
    pos: &HashMap<NodeId, u32>,
    live: &[bool],
    own: &OwnEvents,
) -> Vec<bool> {
    // Each node's single cut sets (sorted event indices), kept only until
    // its last consumer in the cone has read them. Every input of a cone
    // node is in the cone (it is the cone of the candidates).
    let at = |n: NodeId| pos[&n] as usize;
    let mut readers = vec![0u32; cone.len()];
    for &n in cone {
        for &i in g.inputs(n) {
            readers[at(i)] += 1;
        }
    }
    let mut singles: Vec<Vec<u32>> = vec![Vec::new(); cone.len()];
    let mut out = vec![false; cone.len()];
    let mut scratch: Vec<u32> = Vec::new();
    for (here, &n) in cone.iter().enumerate() {
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
                    scratch.extend_from_slice(&singles[at(i)]);
                }
                scratch.sort_unstable();
                for run in scratch.chunk_by(|a, b| a == b) {
                    if run.len() as u32 >= m {
                        gate.push(run[0]);
                    }
                }
            }
            let mine = own.of(n);
            out[here] = gate.iter().any(|e| mine.binary_search(e).is_err());
            gate.extend_from_slice(mine);
            gate.sort_unstable();
            gate.dedup();
            singles[here] = gate;
        }
        for &i in ins {
            let j = at(i);
            readers[j] -= 1;
            if readers[j] == 0 {
                singles[j] = Vec::new();
            }
        }
    }
    out
}
