//! Minimal cut sets up to order 2, on liveness (not capacity).
//!
//! A node is down when one of its own events strikes (fail it, a short that
//! trips it or is in it, a common cause it belongs to) or when at least
//! `m = n - k + 1` of its `n` inputs are down. So every node is the fault-
//! tree gate `OR(own events, ATLEAST(m, inputs))`, and its minimal cut sets
//! follow bottom-up from its inputs' (the classic approach, truncated at
//! order 2):
//!
//! - a single event is a cut set of the ATLEAST when it downs `m` inputs;
//! - a pair is one when it downs `m` inputs together and neither event
//!   does alone. A pair downs an input when either event alone does or
//!   the pair is one of the input's own pairs, so only pairs drawn from
//!   the inputs' pairs, or two of their single events, can qualify; the
//!   latter are pruned by how many inputs each single downs.
//!
//! Nodes are visited in topological order, only within the cone above the
//! targets, with no recursion.

use rustc_hash::FxHashMap as HashMap;

use super::events::{Event, EventRef, universe};
use super::graph::{Graph, NodeId};
use super::{Analysis, BaseState};
use crate::adjacency::Adjacency;

/// A minimal cut set: one event, or two (sorted by universe index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cut {
    One(u32),
    Two(u32, u32),
}

/// A node's minimal cut sets up to the order asked.
#[derive(Debug, Clone, Default)]
struct NodeCuts {
    /// Event indices; sorted and without repeats once `normal`.
    singles: Vec<u32>,
    /// Sorted, each (a, b) with a < b and neither in `singles`.
    pairs: Vec<(u32, u32)>,
    /// A chain node appends its own events unsorted (so a deep chain costs
    /// its length); gates with several inputs normalise first.
    unsorted: bool,
}

impl NodeCuts {
    fn normalise(&mut self) {
        if self.unsorted {
            self.singles.sort_unstable();
            self.singles.dedup();
            self.unsorted = false;
        }
    }
}

/// Minimal cut sets of chosen targets.
pub struct CutSets {
    /// The event universe; cut sets refer to events by index here.
    pub events: Vec<Event>,
    pub targets: Vec<(NodeId, Vec<Cut>)>,
}

impl CutSets {
    /// One target's cut sets (`list`, from `targets`) as event references,
    /// each set sorted and the list by order then ids: the order every
    /// output and the double-fault finding show them in.
    pub fn sorted_refs(&self, graph: &Graph, list: &[Cut]) -> Vec<Vec<EventRef>> {
        let mut out: Vec<Vec<EventRef>> = list
            .iter()
            .map(|c| {
                let mut v = match *c {
                    Cut::One(e) => vec![self.events[e as usize].to_ref(graph)],
                    Cut::Two(a, b) => vec![
                        self.events[a as usize].to_ref(graph),
                        self.events[b as usize].to_ref(graph),
                    ],
                };
                v.sort();
                v
            })
            .collect();
        out.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        out
    }
}

/// The events that down each node directly, by universe index, sorted and
/// without repeats: one flat list (most nodes have one or two, and a
/// million-device hall has millions of nodes).
#[derive(Debug)]
pub struct OwnEvents(Adjacency);

impl OwnEvents {
    pub fn of(&self, n: NodeId) -> &[u32] {
        self.0.of(n)
    }
}

pub fn own_events(graph: &Graph, base: &BaseState, events: &[Event]) -> OwnEvents {
    // Walked twice (counted, then placed) rather than collected: the list
    // of every (node, event) hit alone was 80 MB at 1M devices. Events
    // arrive in universe order, so each node's come sorted; an event may
    // reach a node twice (a short inside it that also trips it).
    let hits = events.iter().enumerate().flat_map(|(i, &e)| {
        super::events::failures(graph, base, e)
            .into_iter()
            .map(move |n| (n, i as u32))
    });
    let mut own = Adjacency::new(graph.len(), hits);
    own.dedup();
    OwnEvents(own)
}

/// Compute the minimal cut sets of `targets` up to `order` (1 or 2).
pub fn cut_sets(analysis: &Analysis, targets: &[NodeId], order: u32) -> CutSets {
    let g = &analysis.graph;
    let events = universe(g);
    let own = analysis.own_events();

    // Post-order, not rank order: a device's pairs (thousands for a
    // dual-fed server) are read by its service soon after they are made
    // and dropped, instead of every device's waiting for the first service.
    let walk = g.cone_post_order(targets);

    // How many consumers in the cone still have to read each node's cut
    // sets: the last one may take them instead of copying.
    let mut readers = vec![0u32; g.len()];
    let mut keep = vec![false; g.len()];
    for &n in &walk {
        for &i in g.inputs(n) {
            readers[i as usize] += 1;
        }
    }
    for &t in targets {
        keep[t as usize] = true;
    }

    let mut cuts = Live::new(g.len());
    // Scratch for `at_least`: how many inputs each event downs alone.
    let mut downs_count = vec![0u32; events.len()];
    // In a maintenance window, what is out (and whatever it takes down)
    // is down already: a gate is judged on its inputs that are still
    // live. Outside one, the gates are the layout's as written.
    let window = !analysis.out.is_empty();
    let base_live = &analysis.liveness_base.live;
    let mut live_inputs: Vec<NodeId> = Vec::new();
    // A device with `psus: []` is down by construction, and so is whatever
    // cannot hold without it: like a node down for a whole window, nothing
    // more takes it down, and a gate is judged on its other inputs.
    let any_dead = g.devices.clone().any(|d| g.psus_of_device(d).is_empty());
    let mut dead = vec![false; if any_dead { g.len() } else { 0 }];
    for &n in &walk {
        let ins = if any_dead && !window {
            live_inputs.clear();
            live_inputs.extend(g.inputs(n).iter().filter(|&&i| !dead[i as usize]));
            if (live_inputs.len() as u32) < g.threshold(n) {
                dead[n as usize] = true;
                for &i in &live_inputs {
                    readers[i as usize] -= 1;
                }
                cuts.put(n, NodeCuts::default());
                continue;
            }
            &live_inputs[..]
        } else if window {
            live_inputs.clear();
            live_inputs.extend(g.inputs(n).iter().filter(|&&i| base_live[i as usize]));
            if !base_live[n as usize] {
                // Down for the whole window: nothing more takes it down.
                for &i in g.inputs(n) {
                    readers[i as usize] -= 1;
                }
                cuts.put(n, NodeCuts::default());
                continue;
            }
            &live_inputs[..]
        } else {
            g.inputs(n)
        };
        let k = g.threshold(n);
        let gate = if k == 0 {
            NodeCuts::default()
        } else if let [only] = ins {
            // One input, k = 1: its cut sets, passed along.
            let i = *only as usize;
            readers[i] -= 1;
            if readers[i] == 0 && !keep[i] {
                cuts.take(*only)
            } else {
                cuts.get(*only).clone()
            }
        } else {
            for &i in ins {
                cuts.get_mut(i).normalise();
            }
            let inputs: Vec<&NodeCuts> = ins.iter().map(|&i| cuts.get(i)).collect();
            let gate = at_least(ins.len() as u32 - k + 1, &inputs, order, &mut downs_count);
            for &i in ins {
                readers[i as usize] -= 1;
                if readers[i as usize] == 0 && !keep[i as usize] {
                    cuts.take(i);
                }
            }
            gate
        };
        cuts.put(n, or_with_own(gate, own.of(n)));
    }

    let targets = targets
        .iter()
        .map(|&t| {
            let c = cuts.get_mut(t);
            c.normalise();
            let mut list: Vec<Cut> = c.singles.iter().map(|&e| Cut::One(e)).collect();
            list.extend(c.pairs.iter().map(|&(a, b)| Cut::Two(a, b)));
            (t, list)
        })
        .collect();
    CutSets { events, targets }
}

/// The cut sets computed and not yet read by every consumer: a slot per
/// node into a pool that holds only those alive, a frontier of the cone
/// (an `Option` per node would cost 56 bytes each on millions of nodes).
struct Live {
    slot: Vec<u32>,
    pool: Vec<NodeCuts>,
    free: Vec<u32>,
}

impl Live {
    const NONE: u32 = u32::MAX;

    fn new(nodes: usize) -> Live {
        Live {
            slot: vec![Self::NONE; nodes],
            pool: Vec::new(),
            free: Vec::new(),
        }
    }

    fn index(&self, n: NodeId) -> usize {
        let s = self.slot[n as usize];
        assert_ne!(s, Self::NONE, "inputs come first in the walk");
        s as usize
    }

    fn get(&self, n: NodeId) -> &NodeCuts {
        &self.pool[self.index(n)]
    }

    fn get_mut(&mut self, n: NodeId) -> &mut NodeCuts {
        let i = self.index(n);
        &mut self.pool[i]
    }

    fn put(&mut self, n: NodeId, cuts: NodeCuts) {
        let s = match self.free.pop() {
            Some(s) => {
                self.pool[s as usize] = cuts;
                s
            }
            None => {
                self.pool.push(cuts);
                self.pool.len() as u32 - 1
            }
        };
        self.slot[n as usize] = s;
    }

    /// Take node `n`'s cut sets out; its slot is reused.
    fn take(&mut self, n: NodeId) -> NodeCuts {
        let s = self.index(n);
        self.slot[n as usize] = Self::NONE;
        self.free.push(s as u32);
        std::mem::take(&mut self.pool[s])
    }
}

/// OR of a gate with the node's own (sorted) events: they become single
/// cut sets, and the gate's pairs containing one are no longer minimal
/// (the gate's pairs already exclude its own singles).
fn or_with_own(mut gate: NodeCuts, own: &[u32]) -> NodeCuts {
    if own.is_empty() {
        return gate;
    }
    gate.pairs
        .retain(|(a, b)| own.binary_search(a).is_err() && own.binary_search(b).is_err());
    gate.singles.extend_from_slice(own);
    gate.unsorted = true;
    gate
}

/// OR of the inputs: every input's cut sets, minus pairs that now contain
/// a single. (Two singles of different inputs are never minimal here.)
fn any_of(inputs: &[&NodeCuts], order: u32) -> NodeCuts {
    if let [one] = inputs {
        return (*one).clone();
    }
    let singles = merge_sorted(inputs.iter().map(|c| c.singles.as_slice()).collect());
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    if order >= 2 {
        pairs = merge_sorted(inputs.iter().map(|c| c.pairs.as_slice()).collect());
        pairs.retain(|(a, b)| {
            singles.binary_search(a).is_err() && singles.binary_search(b).is_err()
        });
    }
    NodeCuts {
        singles,
        pairs,
        unsorted: false,
    }
}

/// The union of sorted lists, sorted and without repeats. The inputs of a
/// service that needs forty servers each bring thousands of sorted pairs:
/// merging them two by two costs their total length once per halving,
/// where sorting the concatenation would start from scratch.
fn merge_sorted<T: Ord + Copy>(mut lists: Vec<&[T]>) -> Vec<T> {
    lists.retain(|l| !l.is_empty());
    let union = |a: &[T], b: &[T]| merge_two_by(a, b, |x| *x, |x, _| x);
    match lists.len() {
        0 => return Vec::new(),
        1 => return lists[0].to_vec(),
        _ => {}
    }
    // First round from the borrowed lists, later rounds from owned ones.
    let owned: Vec<Vec<T>> = lists
        .chunks(2)
        .map(|chunk| match chunk {
            [a, b] => union(a, b),
            [a] => a.to_vec(),
            _ => unreachable!("chunks of two"),
        })
        .collect();
    merge_runs(owned, union)
}

/// Merge sorted runs two by two until one is left.
fn merge_runs<T>(mut runs: Vec<Vec<T>>, merge: impl Fn(&[T], &[T]) -> Vec<T>) -> Vec<T> {
    while runs.len() > 1 {
        let mut next = Vec::with_capacity(runs.len().div_ceil(2));
        let mut it = runs.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) => merge(&a, &b),
                None => a,
            });
        }
        runs = next;
    }
    runs.pop().unwrap_or_default()
}

/// The merge of two lists sorted by `key`; two items with the same key
/// become one, `join`ed.
fn merge_two_by<T: Copy, K: Ord>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> K,
    join: impl Fn(T, T) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(join(a[i], b[j]));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// ATLEAST(m, inputs) truncated at `order`. `downs_count` is scratch, all
/// zero, as long as the event universe; it is left all zero.
fn at_least(m: u32, inputs: &[&NodeCuts], order: u32, downs_count: &mut [u32]) -> NodeCuts {
    if m == 1 {
        return any_of(inputs, order);
    }
    if let ([a, b], 2) = (inputs, m) {
        return both_of(a, b, order);
    }
    // For each single event: which inputs it downs alone.
    let total: usize = inputs.iter().map(|c| c.singles.len()).sum();
    let mut downs: HashMap<u32, Vec<u32>> =
        HashMap::with_capacity_and_hasher(total, Default::default());
    for (i, c) in inputs.iter().enumerate() {
        for &e in &c.singles {
            downs.entry(e).or_default().push(i as u32);
        }
    }
    let mut singles: Vec<u32> = downs
        .iter()
        .filter(|(_, ins)| ins.len() as u32 >= m)
        .map(|(&e, _)| e)
        .collect();
    singles.sort_unstable();
    if order < 2 {
        return NodeCuts {
            singles,
            pairs: Vec::new(),
            unsorted: false,
        };
    }
    for (&e, ins) in &downs {
        downs_count[e as usize] = ins.len() as u32;
    }
    let is_single = |e: u32| singles.binary_search(&e).is_ok();
    let union = |a: u32, b: u32| -> u32 {
        let (ca, cb) = (downs_count[a as usize], downs_count[b as usize]);
        if ca == 0 || cb == 0 {
            return ca + cb;
        }
        (ca + cb) - sorted_overlap(&downs[&a], &downs[&b]) as u32
    };

    // Pairs that are some input's own pairs, with how many inputs list
    // each: those inputs are downed by the pair and by neither event
    // alone. The lists are sorted, so they merge without hashing.
    let pair_inputs = merge_counted(inputs.iter().map(|c| c.pairs.as_slice()).collect());
    let mut pairs: Vec<(u32, u32)> = pair_inputs
        .iter()
        .filter(|&&((a, b), own)| {
            // The cheap bound first: most pairs are two events that down
            // no input alone.
            own + downs_count[a as usize] + downs_count[b as usize] >= m
                && !is_single(a)
                && !is_single(b)
                && union(a, b) + own >= m
        })
        .map(|&(p, _)| p)
        .collect();
    let listed = |key: &(u32, u32)| pair_inputs.binary_search_by(|(p, _)| p.cmp(key)).is_ok();

    // Pairs of singles, strongest first so the scan can stop early: two
    // events down at most downed_by(a) + downed_by(b) inputs.
    if m >= 2 {
        let mut ranked: Vec<(u32, u32, &[u32])> = downs
            .iter()
            .filter(|(e, _)| !is_single(**e))
            .map(|(&e, ins)| (ins.len() as u32, e, ins.as_slice()))
            .collect();
        ranked.sort_unstable_by_key(|r| std::cmp::Reverse((r.0, r.1)));
        for (i, &(ca, a, ins_a)) in ranked.iter().enumerate() {
            for &(cb, b, ins_b) in &ranked[i + 1..] {
                if ca + cb < m {
                    break;
                }
                let key = (a.min(b), a.max(b));
                let downed = ca + cb - sorted_overlap(ins_a, ins_b) as u32;
                if downed >= m && !listed(&key) {
                    pairs.push(key);
                }
            }
        }
    }
    for &e in downs.keys() {
        downs_count[e as usize] = 0;
    }
    NodeCuts {
        singles,
        pairs: sorted_pairs(pairs),
        unsorted: false,
    }
}

/// The union of sorted lists without repeats, each value with the number
/// of lists it is in.
fn merge_counted(lists: Vec<&[(u32, u32)]>) -> Vec<((u32, u32), u32)> {
    let runs: Vec<Vec<((u32, u32), u32)>> = lists
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.iter().map(|&p| (p, 1)).collect())
        .collect();
    merge_runs(runs, |a, b| {
        merge_two_by(a, b, |x| x.0, |x, y| (x.0, x.1 + y.1))
    })
}

/// Sort and dedup pairs as one 64-bit key each: one comparison per step
/// where a tuple takes two, on lists of thousands per device.
fn sorted_pairs(pairs: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut keys: Vec<u64> = pairs
        .into_iter()
        .map(|(a, b)| (u64::from(a) << 32) | u64::from(b))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|k| ((k >> 32) as u32, k as u32))
        .collect()
}

/// AND of two inputs (a device with two PSUs that needs one): the events
/// both down are its singles; a pair is a cut when it downs both, that is
/// one event downs each (the cross product of the remaining singles), or
/// one input's own pair downs the other too. Written out sorted, without
/// hashing: a dual-fed server has thousands of such pairs (every A-side
/// element above it against every B-side one).
fn both_of(a: &NodeCuts, b: &NodeCuts, order: u32) -> NodeCuts {
    let singles = sorted_intersection(&a.singles, &b.singles);
    if order < 2 {
        return NodeCuts {
            singles,
            pairs: Vec::new(),
            unsorted: false,
        };
    }
    let not_shared = |own: &[u32]| -> Vec<u32> {
        own.iter()
            .copied()
            .filter(|e| singles.binary_search(e).is_err())
            .collect()
    };
    let cross = sorted_cross_product(&not_shared(&a.singles), &not_shared(&b.singles));
    // An input's own pairs exclude its singles, so none contains one of
    // the gate's singles. One input's pair downs the other too when it is
    // the other's pair as well, or holds one of the other's singles.
    let in_both = sorted_intersection(&a.pairs, &b.pairs);
    // The pairs of `own` that hold one of `other`'s singles.
    let hits = |own: &NodeCuts, other: &NodeCuts| -> Vec<(u32, u32)> {
        let single = |e: &u32| other.singles.binary_search(e).is_ok();
        own.pairs
            .iter()
            .copied()
            .filter(|(x, y)| single(x) || single(y))
            .collect()
    };
    let (a_hits, b_hits) = (hits(a, b), hits(b, a));
    NodeCuts {
        singles,
        pairs: merge_sorted(vec![&cross, &in_both, &a_hits, &b_hits]),
        unsorted: false,
    }
}

/// Every (x, y) with x from one list and y from the other, as (min, max),
/// in sorted order. The lists are sorted and share no value.
fn sorted_cross_product(a: &[u32], b: &[u32]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(a.len() * b.len());
    let (mut i, mut j) = (0, 0);
    // Walk both lists in order; each value pairs with the larger values of
    // the other list, which are exactly the ones not yet walked past.
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            out.extend(b[j..].iter().map(|&y| (a[i], y)));
            i += 1;
        } else {
            out.extend(a[i..].iter().map(|&x| (b[j], x)));
            j += 1;
        }
    }
    out
}

/// The values two sorted lists share, sorted.
fn sorted_intersection<T: Ord + Copy>(x: &[T], y: &[T]) -> Vec<T> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(x[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// How many values two sorted lists share.
fn sorted_overlap(x: &[u32], y: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}
