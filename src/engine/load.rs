//! Load flow (analysis.md, "Load and capacity").
//!
//! A live device's draw is shared equally by its live PSUs; each PSU sends
//! its share to its feed; a live power element sends everything it carries
//! to its first live input in priority order (for a breaker its one input,
//! for an ATS the first live source, for a UPS its input, else its bypass).
//! So in any state the load runs up a forest, and each node needs only two
//! numbers: what it carries and where it sends it.
//!
//! [`Flow::compute`] evaluates that from scratch. [`Flow::update`] brings it
//! up to date after some nodes went down, touching only what changed: the
//! nodes that fell, the PSUs of devices that lost a PSU, the elements that
//! switch to another input, and the chains above them. Changes are applied
//! bottom-up by topological rank, so each node is settled once all its
//! consumers have reported.

use std::collections::BinaryHeap;
use std::sync::Arc;

use super::graph::{Graph, NodeId};

/// No destination: the node is down, or a source.
pub const NOWHERE: NodeId = NodeId::MAX;

#[derive(Debug, Clone)]
pub struct Flow {
    /// Watts a node carries (a power element) or sends (a PSU); 0 for down
    /// nodes and for everything else.
    load: Vec<f64>,
    /// Where the node sends its load.
    to: Vec<NodeId>,
    /// Nodes changed since the flow was created, for [`Flow::reset`].
    dirty: Vec<NodeId>,
    /// Per node, for updates; empty until the first update, so a flow kept
    /// only to be copied (the analysis keeps two) costs its loads alone.
    scratch: Scratch,
    generation: u32,
    queue: BinaryHeap<(u32, NodeId)>,
    /// The flow as computed, shared by every copy: what
    /// [`Flow::reset`] goes back to.
    base: Arc<(Vec<f64>, Vec<NodeId>)>,
    /// Power elements whose load went up in the last update.
    increased: Vec<NodeId>,
}

#[derive(Debug, Clone, Default)]
struct Scratch {
    dirty_mark: Vec<bool>,
    /// Each node's value before the update (valid where `seen` holds the
    /// current generation).
    old_load: Vec<f64>,
    old_to: Vec<NodeId>,
    seen: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            dirty_mark: vec![false; n],
            old_load: vec![0.0; n],
            old_to: vec![NOWHERE; n],
            seen: vec![0; n],
        }
    }
}

/// The first live input in priority order.
fn active_input(graph: &Graph, live: &[bool], n: NodeId) -> NodeId {
    graph
        .inputs(n)
        .iter()
        .copied()
        .find(|&i| live[i as usize])
        .unwrap_or(NOWHERE)
}

/// What a PSU sends: its share of its device's draw, when both are live.
fn psu_share(graph: &Graph, live: &[bool], psu: NodeId) -> f64 {
    let device = graph.device_of_psu(psu);
    if !live[psu as usize] || !live[device as usize] {
        return 0.0;
    }
    let live_psus = graph
        .psus_of_device(device)
        .filter(|&p| live[p as usize])
        .count();
    graph.draw_w(device) / live_psus as f64
}

impl Flow {
    /// The flow of a liveness state, from scratch.
    pub fn compute(graph: &Graph, live: &[bool]) -> Flow {
        let n = graph.len();
        let mut load = vec![0.0; n];
        let mut to = vec![NOWHERE; n];
        for &v in graph.topo_order().iter().rev() {
            let vi = v as usize;
            if graph.is_psu(v) {
                load[vi] = psu_share(graph, live, v);
            } else if !graph.is_power(v) {
                continue;
            } else if !live[vi] {
                load[vi] = 0.0;
            }
            if live[vi] {
                to[vi] = active_input(graph, live, v);
                if to[vi] != NOWHERE {
                    load[to[vi] as usize] += load[vi];
                }
            }
        }
        Flow {
            base: Arc::new((load.clone(), to.clone())),
            load,
            to,
            dirty: Vec::new(),
            scratch: Scratch::default(),
            generation: 0,
            queue: BinaryHeap::new(),
            increased: Vec::new(),
        }
    }

    pub fn load(&self, n: NodeId) -> f64 {
        self.load[n as usize]
    }

    /// The input a node draws through now, if any.
    pub fn source_of(&self, n: NodeId) -> Option<NodeId> {
        Some(self.to[n as usize]).filter(|&t| t != NOWHERE)
    }

    pub fn loads(&self) -> &[f64] {
        &self.load
    }

    /// Nodes whose load or input may differ from the flow as computed
    /// (everything an update touched since the last reset).
    pub fn changed(&self) -> &[NodeId] {
        &self.dirty
    }

    /// Power elements whose load rose in the last [`Flow::update`].
    pub fn increased(&self) -> &[NodeId] {
        &self.increased
    }

    fn touch(&mut self, graph: &Graph, n: NodeId) {
        let ni = n as usize;
        let s = &mut self.scratch;
        if s.seen[ni] != self.generation {
            s.seen[ni] = self.generation;
            s.old_load[ni] = self.load[ni];
            s.old_to[ni] = self.to[ni];
            self.queue.push((graph.rank(n), n));
            if !s.dirty_mark[ni] {
                s.dirty_mark[ni] = true;
                self.dirty.push(n);
            }
        }
    }

    /// Bring the flow up to date with `live` after the nodes in `fallen`
    /// went down (and nothing came up).
    pub fn update(&mut self, graph: &Graph, live: &[bool], fallen: &[NodeId]) {
        if self.scratch.seen.is_empty() {
            self.scratch = Scratch::new(self.load.len());
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.scratch.seen.fill(0);
            self.generation = 1;
        }
        self.increased.clear();
        for &n in fallen {
            if graph.is_power(n) || graph.is_psu(n) {
                self.touch(graph, n);
            }
            let device = if graph.is_psu(n) {
                Some(graph.device_of_psu(n))
            } else if graph.is_device(n) {
                Some(n)
            } else {
                None
            };
            if let Some(d) = device {
                for p in graph.psus_of_device(d) {
                    self.touch(graph, p);
                }
            }
            for &c in graph.consumers(n) {
                if graph.is_power(c) && live[c as usize] {
                    self.touch(graph, c);
                }
            }
        }
        // Highest rank first: consumers settle before what feeds them.
        while let Some((_, n)) = self.queue.pop() {
            let ni = n as usize;
            let (old_load, old_to) = (self.scratch.old_load[ni], self.scratch.old_to[ni]);
            let new_load = if graph.is_psu(n) {
                psu_share(graph, live, n)
            } else if live[ni] {
                self.load[ni]
            } else {
                0.0
            };
            let new_to = if live[ni] {
                active_input(graph, live, n)
            } else {
                NOWHERE
            };
            self.load[ni] = new_load;
            self.to[ni] = new_to;
            if graph.is_power(n) && new_load > old_load {
                self.increased.push(n);
            }
            if old_to == new_to {
                if new_to != NOWHERE && new_load != old_load {
                    self.send(graph, new_to, new_load - old_load);
                }
            } else {
                if old_to != NOWHERE {
                    self.send(graph, old_to, -old_load);
                }
                if new_to != NOWHERE {
                    self.send(graph, new_to, new_load);
                }
            }
        }
    }

    /// Add `delta` watts to what `to` carries (recording its old value
    /// first).
    fn send(&mut self, graph: &Graph, to: NodeId, delta: f64) {
        self.touch(graph, to);
        self.load[to as usize] += delta;
    }

    /// Back to the flow it was computed with.
    pub fn reset(&mut self) {
        let (base_load, base_to) = &*self.base;
        for &n in &self.dirty {
            let ni = n as usize;
            self.load[ni] = base_load[ni];
            self.to[ni] = base_to[ni];
            self.scratch.dirty_mark[ni] = false;
        }
        self.dirty.clear();
        self.increased.clear();
    }
}

/// Percent of capacity (infinite capacity: 0%).
pub fn utilisation_pct(load_w: f64, capacity_w: f64) -> f64 {
    if capacity_w.is_finite() && capacity_w > 0.0 {
        load_w / capacity_w * 100.0
    } else {
        0.0
    }
}

/// Whether `value` is above `limit` by more than floating-point rounding.
///
/// Loads are sums of PSU shares (400 W over 3 PSUs is 133.33... W each),
/// added in whatever order the flow visits them, so a load that is exactly
/// at a limit on paper can come out a few ulps above it. Every comparison
/// of a load, a share of a rating or a time with its limit goes through
/// here so that "exactly 80%" is never "above 80%".
pub fn exceeds(value: f64, limit: f64) -> bool {
    value > limit + limit.abs().max(1.0) * LIMIT_TOLERANCE
}

/// Relative slack of [`exceeds`]: far below any meaningful difference
/// (a milliwatt in a megawatt), far above summation error.
pub const LIMIT_TOLERANCE: f64 = 1e-9;

/// Above 100% of capacity (see [`exceeds`]).
pub fn is_overloaded(load_w: f64, capacity_w: f64) -> bool {
    capacity_w.is_finite() && exceeds(load_w, capacity_w)
}

/// Above `pct` percent of capacity: the continuous rating of `derating`.
pub fn is_above_share(load_w: f64, capacity_w: f64, pct: f64) -> bool {
    capacity_w.is_finite() && exceeds(load_w, capacity_w * pct / 100.0)
}
