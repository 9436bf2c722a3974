//! Liveness: which nodes are live, in the base state and under events.
//!
//! The base state is one pass in topological order. A what-if starts from
//! the base state and propagates only the losses: each node keeps a count of
//! its live inputs, a loss decrements its consumers' counts, and a consumer
//! whose count drops below its threshold goes down in turn. Losses are
//! monotone (nothing comes back up), so the order of the worklist does not
//! matter and the work is proportional to what the events change, not to
//! the size of the layout. Undoing is the same walk in reverse.

use super::graph::{Graph, NodeId};

/// Liveness with no events.
#[derive(Debug, Clone)]
pub struct BaseState {
    pub live: Vec<bool>,
    pub live_inputs: Vec<u32>,
}

impl BaseState {
    pub fn compute(graph: &Graph) -> BaseState {
        let failed = vec![false; graph.len()];
        let (live, live_inputs) = evaluate(graph, &failed);
        BaseState { live, live_inputs }
    }
}

/// Evaluate every node from scratch, inputs before consumers.
pub fn evaluate(graph: &Graph, failed: &[bool]) -> (Vec<bool>, Vec<u32>) {
    let n = graph.len();
    let mut live = vec![false; n];
    let mut counts = vec![0u32; n];
    for &v in graph.topo_order() {
        let count = graph
            .inputs(v)
            .iter()
            .filter(|&&u| live[u as usize])
            .count() as u32;
        counts[v as usize] = count;
        live[v as usize] = !failed[v as usize] && count >= graph.threshold(v);
    }
    (live, counts)
}

/// A what-if state derived from the base state by failing nodes. Reusable:
/// [`Scenario::reset`] returns it to the base state in time proportional to
/// what changed.
#[derive(Debug, Clone)]
pub struct Scenario<'a> {
    graph: &'a Graph,
    base: &'a BaseState,
    live: Vec<bool>,
    live_inputs: Vec<u32>,
    /// Nodes live in the base state and down now, in the order they fell.
    down: Vec<NodeId>,
    /// Nodes whose live-input count changed (may repeat).
    touched: Vec<NodeId>,
    stack: Vec<NodeId>,
}

impl<'a> Scenario<'a> {
    pub fn new(graph: &'a Graph, base: &'a BaseState) -> Self {
        Scenario {
            graph,
            base,
            live: base.live.clone(),
            live_inputs: base.live_inputs.clone(),
            down: Vec::new(),
            touched: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Fail `nodes` (in addition to whatever is already failed) and
    /// propagate the loss.
    pub fn fail(&mut self, nodes: &[NodeId]) {
        for &n in nodes {
            if self.live[n as usize] {
                self.live[n as usize] = false;
                self.down.push(n);
                self.stack.push(n);
            }
        }
        while let Some(v) = self.stack.pop() {
            for &c in self.graph.consumers(v) {
                let ci = c as usize;
                self.live_inputs[ci] -= 1;
                self.touched.push(c);
                if self.live[ci] && self.live_inputs[ci] < self.graph.threshold(c) {
                    self.live[ci] = false;
                    self.down.push(c);
                    self.stack.push(c);
                }
            }
        }
    }

    /// Back to the base state.
    pub fn reset(&mut self) {
        for &t in &self.touched {
            self.live_inputs[t as usize] = self.base.live_inputs[t as usize];
        }
        for &d in &self.down {
            self.live[d as usize] = true;
        }
        self.touched.clear();
        self.down.clear();
    }

    /// This state as a base for further what-ifs.
    pub fn snapshot(&self) -> BaseState {
        BaseState {
            live: self.live.clone(),
            live_inputs: self.live_inputs.clone(),
        }
    }

    pub fn is_live(&self, n: NodeId) -> bool {
        self.live[n as usize]
    }

    pub fn live(&self) -> &[bool] {
        &self.live
    }

    pub fn live_inputs(&self, n: NodeId) -> u32 {
        self.live_inputs[n as usize]
    }

    /// Every node (hidden gates included) that was live in the base state
    /// and is down now.
    pub fn down(&self) -> &[NodeId] {
        &self.down
    }
}
