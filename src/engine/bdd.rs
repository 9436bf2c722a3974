//! A reduced ordered binary decision diagram, as SCRAM builds for exact
//! probabilities: each node tests one variable (a basic event) and the
//! diagram of a gate is unique for the variable order, so its probability
//! is one pass over its nodes.
//!
//! Why our own and not a crate: the Rust BDD crates on crates.io
//! (`biodivine-lib-bdd`, `oxidd`) would do, but all we need is AND, OR
//! and a probability pass, and the usual recursive `apply` would break the
//! project's no-deep-recursion rule: here `apply` runs on an explicit
//! stack. No complement edges, to keep the probability and derivative
//! passes plain.

use rustc_hash::FxHashMap as HashMap;

/// A node handle; 0 and 1 are the constants.
pub type Ref = u32;
pub const FALSE: Ref = 0;
pub const TRUE: Ref = 1;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    And,
    Or,
}

/// A diagram store. Variables are levels: 0 is tested first (the root
/// side). A node is always created after its children, so a node's id
/// is greater than its children's.
pub struct Bdd {
    /// (level, low, high); the constants hold a level past every variable.
    nodes: Vec<(u32, Ref, Ref)>,
    unique: HashMap<(u32, Ref, Ref), Ref>,
    cache: HashMap<(Op, Ref, Ref), Ref>,
    /// Past this many nodes every operation stops and answers FALSE, and
    /// `overflowed` says the results mean nothing: a diagram that blows
    /// up inside one AT-LEAST must not take the machine's memory with it.
    limit: usize,
    overflowed: bool,
}

enum Frame {
    Expand(Ref, Ref),
    Combine(u32, Ref, Ref),
}

impl Default for Bdd {
    fn default() -> Self {
        Self::new()
    }
}

impl Bdd {
    pub fn new() -> Bdd {
        Self::with_limit(usize::MAX)
    }

    /// A store that gives up past `limit` nodes (see [`Bdd::overflowed`]).
    pub fn with_limit(limit: usize) -> Bdd {
        Bdd {
            nodes: vec![(u32::MAX, FALSE, FALSE), (u32::MAX, TRUE, TRUE)],
            unique: HashMap::default(),
            cache: HashMap::default(),
            limit,
            overflowed: false,
        }
    }

    /// Whether the store passed its limit: every result since is void.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// How many nodes the store holds (its memory, roughly 40 bytes each).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    pub fn level(&self, r: Ref) -> u32 {
        self.nodes[r as usize].0
    }

    pub fn low(&self, r: Ref) -> Ref {
        self.nodes[r as usize].1
    }

    pub fn high(&self, r: Ref) -> Ref {
        self.nodes[r as usize].2
    }

    fn make(&mut self, level: u32, low: Ref, high: Ref) -> Ref {
        if low == high {
            return low;
        }
        if let Some(&r) = self.unique.get(&(level, low, high)) {
            return r;
        }
        if self.nodes.len() >= self.limit {
            self.overflowed = true;
            return FALSE;
        }
        let r = self.nodes.len() as Ref;
        self.nodes.push((level, low, high));
        self.unique.insert((level, low, high), r);
        r
    }

    /// The variable at `level`, true when its event happens.
    pub fn var(&mut self, level: u32) -> Ref {
        self.make(level, FALSE, TRUE)
    }

    pub fn and(&mut self, a: Ref, b: Ref) -> Ref {
        self.apply(Op::And, a, b)
    }

    pub fn or(&mut self, a: Ref, b: Ref) -> Ref {
        self.apply(Op::Or, a, b)
    }

    fn terminal(op: Op, a: Ref, b: Ref) -> Option<Ref> {
        match op {
            Op::And if a == FALSE || b == FALSE => Some(FALSE),
            Op::Or if a == TRUE || b == TRUE => Some(TRUE),
            Op::And if a == TRUE => Some(b),
            Op::Or if a == FALSE => Some(b),
            Op::And if b == TRUE => Some(a),
            Op::Or if b == FALSE => Some(a),
            _ if a == b => Some(a),
            _ => None,
        }
    }

    fn apply(&mut self, op: Op, a: Ref, b: Ref) -> Ref {
        let mut work = vec![Frame::Expand(a, b)];
        let mut results: Vec<Ref> = Vec::new();
        while let Some(frame) = work.pop() {
            if self.overflowed {
                return FALSE;
            }
            match frame {
                Frame::Expand(a, b) => {
                    let (a, b) = (a.min(b), a.max(b));
                    if let Some(r) = Self::terminal(op, a, b) {
                        results.push(r);
                        continue;
                    }
                    if let Some(&r) = self.cache.get(&(op, a, b)) {
                        results.push(r);
                        continue;
                    }
                    let (la, lb) = (self.level(a), self.level(b));
                    let level = la.min(lb);
                    let (a0, a1) = if la == level {
                        (self.low(a), self.high(a))
                    } else {
                        (a, a)
                    };
                    let (b0, b1) = if lb == level {
                        (self.low(b), self.high(b))
                    } else {
                        (b, b)
                    };
                    work.push(Frame::Combine(level, a, b));
                    work.push(Frame::Expand(a1, b1));
                    work.push(Frame::Expand(a0, b0));
                }
                Frame::Combine(level, a, b) => {
                    let high = results.pop().unwrap_or(FALSE);
                    let low = results.pop().unwrap_or(FALSE);
                    let r = self.make(level, low, high);
                    self.cache.insert((op, a, b), r);
                    results.push(r);
                }
            }
        }
        results.pop().unwrap_or(FALSE)
    }

    /// At least `m` of `args` true, by the counting recurrence
    /// `at_least[j] |= arg & at_least[j - 1]` over the arguments.
    pub fn at_least(&mut self, m: usize, args: &[Ref]) -> Ref {
        if m == 0 {
            return TRUE;
        }
        if m > args.len() {
            return FALSE;
        }
        if m == 1 {
            return args.iter().fold(FALSE, |acc, &a| self.or(acc, a));
        }
        if m == args.len() {
            return args.iter().fold(TRUE, |acc, &a| self.and(acc, a));
        }
        // count[j]: at least j of the arguments seen so far.
        let mut count = vec![FALSE; m + 1];
        count[0] = TRUE;
        for &a in args {
            if self.overflowed {
                return FALSE;
            }
            for j in (1..=m).rev() {
                let with = self.and(a, count[j - 1]);
                count[j] = self.or(count[j], with);
            }
        }
        count[m]
    }

    /// The nodes below `root` (itself included, constants excluded),
    /// parents before children.
    pub fn reachable(&self, root: Ref) -> Vec<Ref> {
        let mut seen: HashMap<Ref, ()> = HashMap::default();
        let mut stack = vec![root];
        let mut out = Vec::new();
        while let Some(r) = stack.pop() {
            if r <= TRUE || seen.insert(r, ()).is_some() {
                continue;
            }
            out.push(r);
            stack.push(self.low(r));
            stack.push(self.high(r));
        }
        // Children are created before parents: descending ids put every
        // parent before its children.
        out.sort_unstable_by(|a, b| b.cmp(a));
        out
    }

    /// The probability of `root` and, for each level, the derivative of
    /// that probability by the level's probability (Birnbaum's measure):
    /// one pass up for the probabilities and one down for how likely each
    /// node is to be reached.
    pub fn probability_and_derivatives(
        &self,
        root: Ref,
        q: impl Fn(u32) -> f64,
    ) -> (f64, HashMap<u32, f64>) {
        let order = self.reachable(root);
        let mut prob: HashMap<Ref, f64> = HashMap::default();
        prob.insert(FALSE, 0.0);
        prob.insert(TRUE, 1.0);
        for &r in order.iter().rev() {
            let (level, low, high) = self.nodes[r as usize];
            let p = q(level);
            let v = (1.0 - p) * prob[&low] + p * prob[&high];
            prob.insert(r, v);
        }
        let top = prob[&root];
        let mut reach: HashMap<Ref, f64> = HashMap::default();
        reach.insert(root, 1.0);
        let mut derivative: HashMap<u32, f64> = HashMap::default();
        for &r in &order {
            let (level, low, high) = self.nodes[r as usize];
            let here = reach.get(&r).copied().unwrap_or(0.0);
            let p = q(level);
            *derivative.entry(level).or_default() += here * (prob[&high] - prob[&low]);
            *reach.entry(high).or_default() += here * p;
            *reach.entry(low).or_default() += here * (1.0 - p);
        }
        (top, derivative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_of_three_is_the_textbook_sum() {
        let mut b = Bdd::new();
        let v: Vec<Ref> = (0..3).map(|l| b.var(l)).collect();
        let g = b.at_least(2, &v);
        let q = [0.1, 0.2, 0.3];
        let (p, d) = b.probability_and_derivatives(g, |l| q[l as usize]);
        let want = 0.1 * 0.2 + 0.1 * 0.3 + 0.2 * 0.3 - 2.0 * 0.1 * 0.2 * 0.3;
        assert!((p - want).abs() < 1e-15, "{p} vs {want}");
        // d/dq0 = q1 + q2 - 2 q1 q2
        assert!((d[&0] - (0.2 + 0.3 - 2.0 * 0.06)).abs() < 1e-15);
    }
}
