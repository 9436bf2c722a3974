//! Failover-safe headroom: how much more each rated element, and each
//! rack, can take before some single event leaves an element above its
//! continuous rating (`limit_w`, capacity × `continuous_load_pct`).
//!
//! Every state is "after one event, before any overload trip", starting
//! from the base state (with its own overload trips), as `failover-overload`
//! reads it. One pass over the event universe gives both answers:
//!
//! - **Elements.** An event raises the loads of a few elements (the flow
//!   update reports them); each element keeps the highest load any event
//!   leaves it carrying while live, and that event.
//! - **Racks.** One more device on a rack's feeds adds `c × D` watts to
//!   each element above them, `c` its share (½ per PSU of a dual-corded
//!   device, 1 when the other side is dead). While an event leaves the
//!   rack's paths and both feeds as they were, the binding element is one
//!   whose load rose, so each element keeps its lowest few slacks and the
//!   events that caused them. Events that kill or switch an element on a
//!   rack's paths (the rack is "affected") are evaluated for that rack
//!   directly, walking its paths in that state. The new device's own
//!   events (one of its PSUs failing or shorting) are evaluated too.
//!
//! Failing a device only lowers loads, so those events are skipped.

use super::graph::{Graph, NodeId};
use super::load::Flow;
use super::{Analysis, Event, events};
use crate::model::format::Layout;

/// One rated power element's headroom.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementHeadroom {
    pub node: NodeId,
    pub capacity_w: f64,
    pub limit_w: f64,
    pub load_w: f64,
    /// The most it carries after any single event that leaves it live
    /// (never below `load_w`).
    pub failover_load_w: f64,
    /// The event that leaves it carrying `failover_load_w`; `None` when
    /// no event raises its load.
    pub worst_event: Option<Event>,
    pub headroom_w: f64,
}

/// The largest draw one more device can add, and what stops more.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawLimit {
    /// Watts; infinite when no rated element is on its paths.
    pub draw_w: f64,
    /// The element that would first exceed its limit.
    pub limited_by: Option<NodeId>,
}

impl DrawLimit {
    const UNLIMITED: DrawLimit = DrawLimit {
        draw_w: f64::INFINITY,
        limited_by: None,
    };

    fn tighten(&mut self, draw_w: f64, by: NodeId) {
        if draw_w < self.draw_w {
            self.draw_w = draw_w;
            self.limited_by = Some(by);
        }
    }

    /// Headroom is never negative: an element already past its limit
    /// leaves room for nothing.
    fn clamped(self) -> DrawLimit {
        DrawLimit {
            draw_w: self.draw_w.max(0.0),
            ..self
        }
    }
}

/// One rack's space and power.
#[derive(Debug, Clone, PartialEq)]
pub struct RackHeadroom {
    /// Index into [`Analysis::racks`].
    pub rack: usize,
    pub free_u: u32,
    pub largest_free_u: u32,
    /// The feeds a new device would use: the rack's two most independent
    /// feeds (or its only one).
    pub feeds: Vec<NodeId>,
    /// One PSU on each of `feeds` (two feeds needed).
    pub dual_corded: Option<DrawLimit>,
    /// One PSU on the better of `feeds`.
    pub single_corded: Option<DrawLimit>,
    /// The feed `single_corded` uses.
    pub single_feed: Option<NodeId>,
}

impl RackHeadroom {
    /// The most one device can add here, corded either way (0 without
    /// feeds).
    pub fn best_w(&self) -> f64 {
        let d = self.dual_corded.map_or(0.0, |l| l.draw_w);
        let s = self.single_corded.map_or(0.0, |l| l.draw_w);
        d.max(s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Headroom {
    pub elements: Vec<ElementHeadroom>,
    pub racks: Vec<RackHeadroom>,
}

/// How many of its lowest slacks each element keeps for the racks below
/// it. An event that also affects the rack is skipped; if all kept events
/// do, the last kept slack is a safe (lower) bound.
const KEPT: usize = 8;

/// Where a new device's load would go in one state: each element on its
/// paths with its share of the draw.
struct Paths {
    shares: Vec<(NodeId, f64)>,
}

impl Paths {
    fn new() -> Paths {
        Paths { shares: Vec::new() }
    }

    /// Walk up from `feed` along the active inputs of `flow`, adding
    /// `share` to each element on the way.
    fn add(&mut self, flow: &Flow, live: &[bool], feed: NodeId, share: f64) {
        let mut n = feed;
        loop {
            if !live[n as usize] {
                return;
            }
            match self.shares.iter_mut().find(|(m, _)| *m == n) {
                Some((_, s)) => *s += share,
                None => self.shares.push((n, share)),
            }
            match flow.source_of(n) {
                Some(next) => n = next,
                None => return,
            }
        }
    }

    /// The draw that first takes an element on these paths past its limit.
    fn limit(&self, flow: &Flow, limit_w: &[f64], power_start: NodeId) -> DrawLimit {
        let mut out = DrawLimit::UNLIMITED;
        for &(n, share) in &self.shares {
            let limit = limit_w[(n - power_start) as usize];
            if limit.is_finite() && share > 0.0 {
                out.tighten(slack(limit, flow.load(n)) / share, n);
            }
        }
        out
    }
}

/// What an element can still take before it exceeds its limit. A
/// device of exactly this share lands on the limit, which
/// [`super::load::exceeds`] does not count as above it.
fn slack(limit_w: f64, load_w: f64) -> f64 {
    limit_w - load_w
}

/// A rack's candidate feeds: the PDUs placed in it, then the feeds its
/// devices' PSUs use, in order of first use, without repeats.
pub fn rack_feeds(a: &Analysis, rack: usize) -> Vec<NodeId> {
    let g = &a.graph;
    let info = &a.racks.racks[rack];
    let mut feeds: Vec<NodeId> = info.pdus.clone();
    for d in info.devices() {
        for p in g.psus_of_device(d) {
            if let Some(&f) = g.inputs(p).first() {
                if !feeds.contains(&f) {
                    feeds.push(f);
                }
            }
        }
    }
    feeds
}

/// The base-state path of a feed: the feed and every element its load
/// runs through (a placement's failure domain reads it too).
pub fn base_path(a: &Analysis, feed: NodeId) -> Vec<NodeId> {
    let mut p = Paths::new();
    p.add(&a.base_flow, &a.base.live, feed, 1.0);
    p.shares.into_iter().map(|(n, _)| n).collect()
}

/// The two feeds whose base paths share the fewest elements (first in
/// order on a tie), or the only one.
fn most_independent(a: &Analysis, feeds: &[NodeId]) -> Vec<NodeId> {
    if feeds.len() < 2 {
        return feeds.to_vec();
    }
    let paths: Vec<Vec<NodeId>> = feeds.iter().map(|&f| base_path(a, f)).collect();
    let mut best = (usize::MAX, 0, 1);
    for i in 0..feeds.len() {
        for j in i + 1..feeds.len() {
            let shared = paths[i].iter().filter(|n| paths[j].contains(n)).count();
            if shared < best.0 {
                best = (shared, i, j);
            }
        }
    }
    vec![feeds[best.1], feeds[best.2]]
}

/// Free rack units: the total and the largest contiguous block.
pub fn free_space(layout: &Layout, rack: usize) -> (u32, u32) {
    let r = &layout.racks[rack];
    let mut used = vec![false; r.height_u as usize];
    for d in &r.devices {
        for u in d.u..d.u.saturating_add(d.height_u) {
            if let Some(slot) = (u as usize).checked_sub(1).and_then(|i| used.get_mut(i)) {
                *slot = true;
            }
        }
    }
    let (mut free, mut run, mut largest) = (0, 0, 0);
    for taken in used {
        if taken {
            run = 0;
        } else {
            free += 1;
            run += 1;
            largest = largest.max(run);
        }
    }
    (free, largest)
}

/// The lowest `u` where a block of `height` free units starts, if any.
pub fn free_slot(layout: &Layout, rack: usize, height: u32) -> Option<u32> {
    let r = &layout.racks[rack];
    (1..=r.height_u.saturating_sub(height.max(1)) + 1).find(|&u| {
        r.devices
            .iter()
            .all(|d| u + height <= d.u || d.u + d.height_u <= u)
    })
}

/// What every evaluation reads.
struct Ctx<'a> {
    a: &'a Analysis,
    limit_w: Vec<f64>,
}

/// Per rack, what the pass needs.
#[derive(Clone)]
struct RackPlan {
    feeds: Vec<NodeId>,
    /// Events (indices into the universe) that kill or switch an element
    /// on this rack's paths: evaluated directly, skipped in the kept
    /// slacks.
    affecting: Vec<u32>,
    dual: DrawLimit,
    singles: Vec<DrawLimit>,
}

impl RackPlan {
    /// Evaluate every cording in one state; `dead_feed` is a feed the new
    /// device loses in it (its own PSU failed or shorted).
    fn evaluate(&mut self, ctx: &Ctx<'_>, flow: &Flow, live: &[bool], dead_feed: Option<NodeId>) {
        let limit_w = &ctx.limit_w;
        let start = ctx.a.graph.power.start;
        let alive = |f: NodeId| live[f as usize] && Some(f) != dead_feed;
        if self.feeds.len() == 2 {
            let (fa, fb) = (self.feeds[0], self.feeds[1]);
            let share = if alive(fa) && alive(fb) { 0.5 } else { 1.0 };
            let mut p = Paths::new();
            for f in [fa, fb] {
                if alive(f) {
                    p.add(flow, live, f, share);
                }
            }
            let l = p.limit(flow, limit_w, start);
            if let Some(by) = l.limited_by {
                self.dual.tighten(l.draw_w, by);
            }
        }
        if dead_feed.is_none() {
            for (i, &f) in self.feeds.iter().enumerate() {
                let mut p = Paths::new();
                p.add(flow, live, f, 1.0);
                let l = p.limit(flow, limit_w, start);
                if let Some(by) = l.limited_by {
                    self.singles[i].tighten(l.draw_w, by);
                }
            }
        }
    }
}

/// Headroom of every rated element and every rack.
pub fn headroom(a: &Analysis, layout: &Layout) -> Headroom {
    let g = &a.graph;
    let start = g.power.start;
    let ctx = Ctx {
        a,
        limit_w: limits(g),
    };
    let limit_w = &ctx.limit_w;
    let rated = |n: NodeId| limit_w[(n - start) as usize].is_finite();
    let power_len = g.power.len();

    let mut plans: Vec<RackPlan> = (0..a.racks.racks.len())
        .map(|r| {
            let feeds = most_independent(a, &rack_feeds(a, r));
            RackPlan {
                singles: vec![DrawLimit::UNLIMITED; feeds.len()],
                feeds,
                affecting: Vec::new(),
                dual: DrawLimit::UNLIMITED,
            }
        })
        .collect();
    // The racks whose chosen feeds run through each element in the base
    // state, and the racks whose feed a short trips at each element.
    let mut through: Vec<Vec<u32>> = vec![Vec::new(); power_len];
    let mut protects: Vec<Vec<(u32, NodeId)>> = vec![Vec::new(); power_len];
    for (r, plan) in plans.iter().enumerate() {
        let mut seen: Vec<NodeId> = Vec::new();
        for &f in &plan.feeds {
            for n in base_path(a, f) {
                if !seen.contains(&n) {
                    seen.push(n);
                    through[(n - start) as usize].push(r as u32);
                }
            }
            if let Some(p) = events::protective_above(g, &a.base, f) {
                protects[(p - start) as usize].push((r as u32, f));
            }
        }
    }

    {
        let w = a.what_if(true);
        // The base state, and the new device's own PSU failures in it.
        for plan in &mut plans {
            plan.evaluate(&ctx, &w.flow, w.scenario.live(), None);
            for f in plan.feeds.clone() {
                plan.evaluate(&ctx, &w.flow, w.scenario.live(), Some(f));
            }
        }
    }
    // Two halves of the universe on two threads, each with its own
    // what-if state; merged so that ties go to the earlier event, as one
    // pass in order would.
    let universe = events::universe(g);
    let half = universe.len() / 2;
    let maps = Maps {
        through: &through,
        protects: &protects,
    };
    let mut second_plans: Vec<RackPlan> = plans
        .iter()
        .map(|p| RackPlan {
            affecting: Vec::new(),
            ..p.clone()
        })
        .collect();
    let (first, second) = std::thread::scope(|scope| {
        let later = scope.spawn(|| pass(&ctx, &maps, &mut second_plans, &universe, half));
        let first = pass(&ctx, &maps, &mut plans, &universe[..half], 0);
        (
            first,
            later.join().expect("the headroom pass does not panic"),
        )
    });
    let (mut failover, mut kept) = first;
    for (k, (load, event)) in second.0.into_iter().enumerate() {
        if load > failover[k].0 {
            failover[k] = (load, event);
        }
    }
    for (mine, theirs) in kept.iter_mut().zip(second.1) {
        for (slack, event) in theirs {
            keep(mine, slack, event);
        }
    }
    for (plan, later) in plans.iter_mut().zip(second_plans) {
        plan.affecting.extend(later.affecting);
        if let Some(by) = later.dual.limited_by {
            plan.dual.tighten(later.dual.draw_w, by);
        }
        for (mine, theirs) in plan.singles.iter_mut().zip(later.singles) {
            if let Some(by) = theirs.limited_by {
                mine.tighten(theirs.draw_w, by);
            }
        }
    }

    let elements = g
        .power
        .clone()
        .filter(|&n| rated(n))
        .map(|n| {
            let k = (n - start) as usize;
            let limit_w = limit_w[k];
            let (failover_load_w, worst_event) = failover[k];
            ElementHeadroom {
                node: n,
                capacity_w: g.capacity_w(n),
                limit_w,
                load_w: a.base_flow.load(n),
                failover_load_w,
                worst_event,
                headroom_w: limit_w - failover_load_w,
            }
        })
        .collect();

    let racks = plans
        .into_iter()
        .enumerate()
        .map(|(r, mut plan)| {
            // Events that only moved load: the lowest kept slack of each
            // element on the base paths, from an event that did not
            // affect this rack.
            let base_state = Paths::base_shares(a, &plan.feeds);
            for (cording, shares) in base_state.iter().enumerate() {
                for &(n, share) in shares {
                    let k = (n - start) as usize;
                    if !rated(n) || share <= 0.0 {
                        continue;
                    }
                    let list = &kept[k];
                    let s = list
                        .iter()
                        .find(|(_, ev)| plan.affecting.binary_search(ev).is_err())
                        .or(if list.len() == KEPT {
                            list.last()
                        } else {
                            None
                        });
                    if let Some(&(s, _)) = s {
                        let target = if cording == 0 && plan.feeds.len() == 2 {
                            &mut plan.dual
                        } else {
                            &mut plan.singles[cording - usize::from(plan.feeds.len() == 2)]
                        };
                        target.tighten(s / share, n);
                    }
                }
            }
            let (free_u, largest_free_u) = free_space(layout, r);
            let dual_corded = (plan.feeds.len() == 2).then(|| plan.dual.clamped());
            let best_single = plan
                .singles
                .iter()
                .enumerate()
                .max_by(|x, y| x.1.draw_w.total_cmp(&y.1.draw_w).then(y.0.cmp(&x.0)));
            RackHeadroom {
                rack: r,
                free_u,
                largest_free_u,
                dual_corded,
                single_corded: best_single.map(|(_, l)| l.clamped()),
                single_feed: best_single.map(|(i, _)| plan.feeds[i]),
                feeds: plan.feeds,
            }
        })
        .collect();
    Headroom { elements, racks }
}

/// Which racks run through each element, and whose feed a short trips
/// at each element.
struct Maps<'a> {
    through: &'a [Vec<u32>],
    protects: &'a [Vec<(u32, NodeId)>],
}

/// Each element's failover load and worst event, and its kept slacks.
type PassResult = (Vec<(f64, Option<Event>)>, Vec<Vec<(f64, u32)>>);

/// One pass over `events` (numbered from `offset` in the universe):
/// failover loads, kept slacks, and the racks' direct evaluations.
fn pass(
    ctx: &Ctx<'_>,
    maps: &Maps<'_>,
    plans: &mut [RackPlan],
    events: &[Event],
    offset: usize,
) -> PassResult {
    let a = ctx.a;
    let g = &a.graph;
    let start = g.power.start;
    let limit_w = &ctx.limit_w;
    let mut failover: Vec<(f64, Option<Event>)> = g
        .power
        .clone()
        .map(|n| (a.base_flow.load(n), None))
        .collect();
    let mut kept: Vec<Vec<(f64, u32)>> = vec![Vec::new(); g.power.len()];
    let mut w = a.what_if(true);
    let mut mark = vec![u32::MAX; plans.len()];
    let mut affected: Vec<u32> = Vec::new();
    for (j, &e) in events.iter().enumerate() {
        let i = (offset + j) as u32;
        if !enter_single_event(a, &mut w, e) {
            continue;
        }
        let live = w.scenario.live();
        for &n in w.flow.increased() {
            if !live[n as usize] {
                continue;
            }
            let k = (n - start) as usize;
            let load = w.flow.load(n);
            if load > failover[k].0 {
                failover[k] = (load, Some(e));
            }
            if limit_w[k].is_finite() {
                keep(&mut kept[k], slack(limit_w[k], load), i);
            }
        }
        // Racks whose paths lose or switch an element in this state.
        affected.clear();
        let switched = w
            .flow
            .changed()
            .iter()
            .copied()
            .filter(|&n| g.is_power(n) && w.flow.source_of(n) != a.base_flow.source_of(n));
        let fallen = w.scenario.down().iter().copied().filter(|&n| g.is_power(n));
        for k in fallen.chain(switched) {
            for &r in &maps.through[(k - start) as usize] {
                if mark[r as usize] != i {
                    mark[r as usize] = i;
                    affected.push(r);
                }
            }
        }
        for &r in &affected {
            let plan = &mut plans[r as usize];
            plan.affecting.push(i);
            plan.evaluate(ctx, &w.flow, live, None);
        }
        // The new device's PSU shorting trips the element above its feed.
        if let Event::Fail(k) = e {
            if g.is_power(k) {
                for &(r, feed) in &maps.protects[(k - start) as usize] {
                    plans[r as usize].evaluate(ctx, &w.flow, live, Some(feed));
                }
            }
        }
    }
    (failover, kept)
}

impl Paths {
    /// The base-state shares of each cording: dual (when two feeds)
    /// first, then each feed alone.
    fn base_shares(a: &Analysis, feeds: &[NodeId]) -> Vec<Vec<(NodeId, f64)>> {
        let mut out = Vec::new();
        let live = &a.base.live;
        if feeds.len() == 2 {
            let both = feeds.iter().all(|&f| live[f as usize]);
            let mut p = Paths::new();
            for &f in feeds {
                p.add(&a.base_flow, live, f, if both { 0.5 } else { 1.0 });
            }
            out.push(p.shares);
        }
        for &f in feeds {
            let mut p = Paths::new();
            p.add(&a.base_flow, live, f, 1.0);
            out.push(p.shares);
        }
        out
    }
}

/// Keep the `KEPT` lowest slacks, ascending; on a tie the one kept
/// first stays first.
fn keep(list: &mut Vec<(f64, u32)>, slack: f64, event: u32) {
    if list.len() == KEPT && list.last().is_some_and(|l| l.0 <= slack) {
        return;
    }
    let at = list.partition_point(|l| l.0 <= slack);
    list.insert(at, (slack, event));
    list.truncate(KEPT);
}

/// Every power element's failover load alone (indexed from
/// `graph.power.start`): the most it carries after any single event that
/// leaves it live, before any overload trip, and that event (`None` when
/// no event raises it above its base load). The element half of
/// [`headroom`] without the racks, for `diff`'s "loads moved".
pub fn failover_loads(a: &Analysis) -> Vec<(f64, Option<Event>)> {
    let g = &a.graph;
    let start = g.power.start;
    let mut failover: Vec<(f64, Option<Event>)> = g
        .power
        .clone()
        .map(|n| (a.base_flow.load(n), None))
        .collect();
    // Events whose state another event of the universe already gives
    // leave the same loads, so they are skipped (the sweep of `check`
    // shares states the same way): failing a power element inside a
    // series chain is failing the chain's end (the members above it carry
    // nothing either way), and a short whose only way up is through the
    // device it trips is that device failing (the PSU is dead with it).
    let chain_end = super::series_chain_ends(g);
    let mut w = a.what_if(true);
    for e in events::universe(g) {
        let same_as_another = match e {
            Event::Fail(n) if g.is_power(n) => chain_end[n as usize] != n,
            Event::Short(p) => a
                .protective_device(p, true)
                .is_some_and(|t| super::only_way_up_through(g, p, t)),
            _ => false,
        };
        if same_as_another || !enter_single_event(a, &mut w, e) {
            continue;
        }
        let live = w.scenario.live();
        for &n in w.flow.increased() {
            let k = (n - start) as usize;
            if live[n as usize] && w.flow.load(n) > failover[k].0 {
                failover[k] = (w.flow.load(n), Some(e));
            }
        }
    }
    failover
}

/// Put `w` in the state after event `e` alone, before any overload trip
/// (from the base state with its own trips). False, leaving `w` as it
/// was, for a device failing: that only lowers loads.
fn enter_single_event(a: &Analysis, w: &mut super::WhatIf<'_>, e: Event) -> bool {
    if matches!(e, Event::Fail(n) if a.graph.is_device(n)) {
        return false;
    }
    w.reset();
    let nodes = a.failures(e, true);
    w.apply(&nodes, false);
    true
}

/// Each power element's limit: capacity × its `continuous_load_pct` (its
/// own, else the policy's).
pub fn limits(graph: &Graph) -> Vec<f64> {
    graph
        .power
        .clone()
        .map(|n| graph.capacity_w(n) * graph.continuous_load_pct(n) / 100.0)
        .collect()
}

/// Stranded capacity: power that cannot be used for want of space, and
/// space that cannot be used for want of power.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stranded {
    pub below_w: f64,
    /// Racks with free U but less than `below_w` of headroom.
    pub space_without_power: Vec<usize>,
    /// Racks with at least `below_w` of headroom but no free U.
    pub power_without_space: Vec<usize>,
    /// Per row (`None`: racks without a row), then the hall.
    pub rows: Vec<(Option<String>, StrandedTotals)>,
    pub hall: StrandedTotals,
}

/// What is stranded in a group of racks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StrandedTotals {
    /// Free U in racks without the power to use it.
    pub stranded_u: u32,
    pub space_racks: u32,
    /// Headroom in racks without the space to use it (finite headroom
    /// only).
    pub stranded_w: f64,
    pub power_racks: u32,
}

/// Sort racks into stranded space and stranded power, with totals per
/// row and for the hall.
pub fn stranded(a: &Analysis, h: &Headroom, below_w: f64) -> Stranded {
    let mut out = Stranded {
        below_w,
        ..Stranded::default()
    };
    for r in &h.racks {
        let row = a.racks.racks[r.rack].row.clone();
        let best = r.best_w();
        let i = match out.rows.iter().position(|(k, _)| *k == row) {
            Some(i) => i,
            None => {
                out.rows.push((row, StrandedTotals::default()));
                out.rows.len() - 1
            }
        };
        if r.free_u > 0 && best < below_w {
            out.space_without_power.push(r.rack);
            for t in [&mut out.rows[i].1, &mut out.hall] {
                t.stranded_u += r.free_u;
                t.space_racks += 1;
            }
        } else if r.free_u == 0 && best >= below_w {
            out.power_without_space.push(r.rack);
            for t in [&mut out.rows[i].1, &mut out.hall] {
                if best.is_finite() {
                    t.stranded_w += best;
                }
                t.power_racks += 1;
            }
        }
    }
    out
}
