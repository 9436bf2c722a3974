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
    /// The unique table: open addressing over node ids (0, the FALSE
    /// constant, marks an empty slot), at most half full, the key read
    /// from `nodes`. A hash map of (level, low, high) keys was a third of
    /// the time, most of it writing 16-byte entries into a table too large
    /// for the caches.
    unique: Vec<Ref>,
    cache: Cache,
    /// Per-node scratch of the probability pass (marks, probabilities,
    /// reach), kept between diagrams: allocating them per target spent a
    /// tenth of the time zeroing fresh pages.
    seen: Vec<bool>,
    prob: Vec<f64>,
    reach: Vec<f64>,
    /// Past this many nodes every operation stops and answers FALSE, and
    /// `overflowed` says the results mean nothing: a diagram that blows
    /// up inside one AT-LEAST must not take the machine's memory with it.
    limit: usize,
    overflowed: bool,
}

/// The computed table, lossy as in CUDD and SCRAM: a fixed array indexed
/// by a hash of (op, a, b), a new result overwriting whatever shared its
/// slot. A miss only costs recomputing a result the unique table then
/// finds again, so answers are the same; a growing hash map of every
/// result spent most of the time inserting and rehashing. Entries carry
/// the generation of the diagram that wrote them, so `clear` is O(1).
struct Cache {
    slots: Vec<CacheSlot>,
    /// log2 of the slot count ([`CACHE_BITS`]; tiny in tests, so that
    /// results really collide).
    bits: u32,
    generation: u32,
}

#[derive(Clone, Copy, Default)]
struct CacheSlot {
    a: Ref,
    b: Ref,
    /// generation << 1 | op (0 And, 1 Or); 0 is never a live tag.
    tag: u32,
    result: Ref,
}

/// 2^20 slots of 16 bytes: 16 MB, enough for diagrams of the
/// [`crate::engine::availability::MAX_BDD_NODES`] size.
const CACHE_BITS: u32 = 20;

impl Cache {
    fn new(bits: u32) -> Cache {
        Cache {
            slots: Vec::new(),
            bits,
            generation: 1,
        }
    }

    fn tag(&self, op: Op) -> u32 {
        (self.generation << 1) | matches!(op, Op::Or) as u32
    }

    fn index(&self, op: Op, a: Ref, b: Ref) -> usize {
        let h = (u64::from(a) << 32 | u64::from(b)) ^ (matches!(op, Op::Or) as u64) << 63;
        // Fibonacci hashing: the top bits of the product are well mixed.
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize
    }

    fn get(&self, op: Op, a: Ref, b: Ref) -> Option<Ref> {
        let s = self.slots.get(self.index(op, a, b))?;
        (s.tag == self.tag(op) && s.a == a && s.b == b).then_some(s.result)
    }

    fn insert(&mut self, op: Op, a: Ref, b: Ref, result: Ref) {
        if self.slots.is_empty() {
            self.slots = vec![CacheSlot::default(); 1 << self.bits];
        }
        let tag = self.tag(op);
        let i = self.index(op, a, b);
        self.slots[i] = CacheSlot { a, b, tag, result };
    }

    fn clear(&mut self) {
        self.generation += 1;
        // Tags hold 31 bits of generation; on wrapping, wipe for real.
        if self.generation >= 1 << 30 {
            self.generation = 1;
            self.slots
                .iter_mut()
                .for_each(|s| *s = CacheSlot::default());
        }
    }
}

fn unique_hash(level: u32, low: Ref, high: Ref) -> usize {
    let h = (u64::from(low) << 32 | u64::from(high)) ^ u64::from(level).rotate_left(17);
    // Fibonacci hashing; the top bits are the well-mixed ones.
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize
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
        Self::with_cache_bits(limit, CACHE_BITS)
    }

    fn with_cache_bits(limit: usize, bits: u32) -> Bdd {
        Bdd {
            nodes: vec![(u32::MAX, FALSE, FALSE), (u32::MAX, TRUE, TRUE)],
            unique: Vec::new(),
            cache: Cache::new(bits),
            seen: Vec::new(),
            prob: Vec::new(),
            reach: Vec::new(),
            limit,
            overflowed: false,
        }
    }

    /// Empty the store for the next diagram, keeping its memory: a
    /// fresh store per target spent a third of the time growing and
    /// rehashing its tables and faulting in new pages.
    pub fn clear(&mut self) {
        self.nodes.truncate(2);
        self.unique.fill(0);
        self.cache.clear();
        self.overflowed = false;
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
        if self.unique.len() < 2 * (self.nodes.len() + 1) {
            self.grow_unique();
        }
        let mask = self.unique.len() - 1;
        let mut i = unique_hash(level, low, high) & mask;
        loop {
            match self.unique[i] {
                FALSE => break,
                r if self.nodes[r as usize] == (level, low, high) => return r,
                _ => i = (i + 1) & mask,
            }
        }
        if self.nodes.len() >= self.limit {
            self.overflowed = true;
            return FALSE;
        }
        let r = self.nodes.len() as Ref;
        self.nodes.push((level, low, high));
        self.unique[i] = r;
        r
    }

    /// Double the unique table (at least 1024 slots) and put every node
    /// back.
    fn grow_unique(&mut self) {
        let size = (self.unique.len() * 2).max(1024);
        self.unique = vec![FALSE; size];
        let mask = size - 1;
        for (r, &(level, low, high)) in self.nodes.iter().enumerate().skip(2) {
            let mut i = unique_hash(level, low, high) & mask;
            while self.unique[i] != FALSE {
                i = (i + 1) & mask;
            }
            self.unique[i] = r as Ref;
        }
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
                    if let Some(r) = self.cache.get(op, a, b) {
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
                    self.cache.insert(op, a, b, r);
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
    pub fn reachable(&mut self, root: Ref) -> Vec<Ref> {
        // Dense marks over the store: the diagrams reach hundreds of
        // thousands of nodes, and hash maps here cost more than the
        // diagram's construction.
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        seen.resize(self.nodes.len(), false);
        let mut stack = vec![root];
        let mut out = Vec::new();
        while let Some(r) = stack.pop() {
            if r <= TRUE || seen[r as usize] {
                continue;
            }
            seen[r as usize] = true;
            out.push(r);
            stack.push(self.low(r));
            stack.push(self.high(r));
        }
        self.seen = seen;
        // Children are created before parents: descending ids put every
        // parent before its children.
        out.sort_unstable_by(|a, b| b.cmp(a));
        out
    }

    /// The probability of `root` with each variable at level `l` true with
    /// probability `q(l)`, and its derivative by each variable's
    /// probability (the Birnbaum measure), for every level the diagram
    /// tests: one pass up for the probabilities, one down for how likely
    /// each node is reached.
    pub fn probability_and_derivatives(
        &mut self,
        root: Ref,
        q: impl Fn(u32) -> f64,
    ) -> (f64, HashMap<u32, f64>) {
        let order = self.reachable(root);
        let (mut prob, mut reach) = (
            std::mem::take(&mut self.prob),
            std::mem::take(&mut self.reach),
        );
        for v in [&mut prob, &mut reach] {
            v.clear();
            v.resize(self.nodes.len(), 0.0);
        }
        prob[TRUE as usize] = 1.0;
        for &r in order.iter().rev() {
            let (level, low, high) = self.nodes[r as usize];
            let p = q(level);
            prob[r as usize] = (1.0 - p) * prob[low as usize] + p * prob[high as usize];
        }
        let top = prob[root as usize];
        reach[root as usize] = 1.0;
        let mut derivative: HashMap<u32, f64> = HashMap::default();
        for &r in &order {
            let (level, low, high) = self.nodes[r as usize];
            let here = reach[r as usize];
            let p = q(level);
            *derivative.entry(level).or_default() +=
                here * (prob[high as usize] - prob[low as usize]);
            reach[high as usize] += here * p;
            reach[low as usize] += here * (1.0 - p);
        }
        (self.prob, self.reach) = (prob, reach);
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

    /// A random formula over `vars` variables: AND, OR and AT-LEAST gates
    /// over earlier gates and variables, the last gate the top.
    enum Gate {
        And(Vec<usize>),
        Or(Vec<usize>),
        AtLeast(usize, Vec<usize>),
    }

    fn random_formula(seed: &mut u64, vars: usize) -> Vec<Gate> {
        let mut next = |n: usize| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            (*seed % n as u64) as usize
        };
        let mut gates = Vec::new();
        for g in 0..8 {
            let pool = vars + g;
            let args: Vec<usize> = (0..2 + next(4)).map(|_| next(pool)).collect();
            gates.push(match next(3) {
                0 => Gate::And(args),
                1 => Gate::Or(args),
                _ => Gate::AtLeast(1 + next(args.len()), args),
            });
        }
        gates
    }

    fn build(b: &mut Bdd, vars: usize, gates: &[Gate]) -> Ref {
        let mut refs: Vec<Ref> = (0..vars as u32).map(|l| b.var(l)).collect();
        for g in gates {
            let r = match g {
                Gate::And(a) => a.iter().fold(TRUE, |acc, &i| b.and(acc, refs[i])),
                Gate::Or(a) => a.iter().fold(FALSE, |acc, &i| b.or(acc, refs[i])),
                Gate::AtLeast(m, a) => {
                    let args: Vec<Ref> = a.iter().map(|&i| refs[i]).collect();
                    b.at_least(*m, &args)
                }
            };
            refs.push(r);
        }
        *refs.last().unwrap()
    }

    /// The formula's probability by summing over every assignment.
    fn truth_table(vars: usize, gates: &[Gate], q: &[f64]) -> f64 {
        let mut total = 0.0;
        for bits in 0u32..1 << vars {
            let mut v: Vec<bool> = (0..vars).map(|i| bits >> i & 1 == 1).collect();
            for g in gates {
                let value = match g {
                    Gate::And(a) => a.iter().all(|&i| v[i]),
                    Gate::Or(a) => a.iter().any(|&i| v[i]),
                    Gate::AtLeast(m, a) => a.iter().filter(|&&i| v[i]).count() >= *m,
                };
                v.push(value);
            }
            if v[v.len() - 1] {
                total += (0..vars)
                    .map(|i| if bits >> i & 1 == 1 { q[i] } else { 1.0 - q[i] })
                    .product::<f64>();
            }
        }
        total
    }

    /// One store reused (cleared) across 300 random formulas, with a
    /// 16-slot computed table so results collide and overwrite all the
    /// time: every probability equals the truth table's.
    #[test]
    fn a_reused_store_with_a_colliding_cache_agrees_with_the_truth_table() {
        let mut seed = 0x5EED_B00D_u64;
        let mut b = Bdd::with_cache_bits(usize::MAX, 4);
        let vars = 7;
        let q: Vec<f64> = (0..vars).map(|i| 0.05 + 0.1 * i as f64).collect();
        for case in 0..300 {
            let gates = random_formula(&mut seed, vars);
            b.clear();
            let top = build(&mut b, vars, &gates);
            let (p, _) = b.probability_and_derivatives(top, |l| q[l as usize]);
            let want = truth_table(vars, &gates, &q);
            assert!((p - want).abs() < 1e-12, "case {case}: {p} vs {want}");
        }
    }
}
