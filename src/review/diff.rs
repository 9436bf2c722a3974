//! `faultline diff BASE NEW`: the findings NEW adds, the ones it resolves
//! and the ones it changes, matched on identity ([`Identity`]), with the
//! tier estimate before and after and the power elements whose load moved.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::Severity;
use crate::engine::Analysis;
use crate::engine::downtime::DowntimeComparison;
use crate::findings::tier::{self, Tier};
use crate::findings::{self, Finding};
use crate::model::Loaded;

use super::identity::Identity;

/// A load moves when its share of the element's capacity moves by more
/// than this many percentage points (or, with no capacity, by more than
/// this share of the larger load): a planner's "a few percent", and more
/// than the rounding of a PSU share.
pub const LOAD_MOVE_PCT: f64 = 5.0;

/// One side of a review, analysed.
pub struct Reviewed {
    pub loaded: Loaded,
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
    pub tier: Tier,
    /// Each power element's failover load (from `graph.power.start`),
    /// for "loads moved"; empty when not computed (`check` has no use
    /// for it).
    pub failover_w: Vec<f64>,
}

impl Reviewed {
    pub fn new(loaded: Loaded) -> Reviewed {
        let analysis = Analysis::new(&loaded.layout);
        let findings = findings::check(&loaded, &analysis);
        let tier = tier::estimate(&analysis, &findings);
        let failover_w = crate::engine::headroom::failover_loads(&analysis)
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        Reviewed {
            loaded,
            analysis,
            findings,
            tier,
            failover_w,
        }
    }
}

/// Same identity, different blast radius, severity or allowed flag.
#[derive(Debug, Clone, Copy)]
pub struct Changed<'a> {
    pub before: &'a Finding,
    pub after: &'a Finding,
}

/// A power element whose base-state load or failover load moved by more
/// than [`LOAD_MOVE_PCT`].
#[derive(Debug, Clone, PartialEq)]
pub struct LoadMove {
    pub id: String,
    pub before_w: f64,
    pub after_w: f64,
    /// Capacity in NEW (None when the element has no rating).
    pub capacity_w: Option<f64>,
    pub before_pct: Option<f64>,
    pub after_pct: Option<f64>,
    /// The most it carries after any single event (headroom's
    /// `failover_load_w`), before and after.
    pub failover_before_w: f64,
    pub failover_after_w: f64,
    pub failover_before_pct: Option<f64>,
    pub failover_after_pct: Option<f64>,
}

pub struct Diff<'a> {
    pub added: Vec<&'a Finding>,
    pub resolved: Vec<&'a Finding>,
    pub changed: Vec<Changed<'a>>,
    pub unchanged: usize,
    pub tier_before: &'a Tier,
    pub tier_after: &'a Tier,
    pub loads: Vec<LoadMove>,
    /// The critical services' expected downtime before and after; `None`
    /// until the caller asks the engine (`engine::downtime::compare`).
    pub downtime: Option<DowntimeComparison>,
}

/// Would this finding fail a run at `threshold`?
pub fn fails_at(f: &Finding, threshold: Severity) -> bool {
    !f.allowed && f.severity <= threshold
}

impl Diff<'_> {
    /// Does NEW fail a gate at `threshold`: an added finding at or above
    /// it, or a changed one that fails now and did not before (a warning
    /// that became an error, an allow that was taken away)?
    pub fn fails(&self, threshold: Severity) -> bool {
        self.added.iter().any(|f| fails_at(f, threshold))
            || self
                .changed
                .iter()
                .any(|c| fails_at(c.after, threshold) && !fails_at(c.before, threshold))
    }
}

/// Pair `new` findings with `base` findings of the same identity. Two
/// findings of one identity in one file (which the checks do not raise
/// today) pair in file order, so the matching is a multiset's.
pub fn diff<'a>(base: &'a Reviewed, new: &'a Reviewed) -> Diff<'a> {
    let mut by_identity: HashMap<Identity, Vec<usize>> = HashMap::default();
    for (i, f) in base.findings.iter().enumerate().rev() {
        by_identity.entry(Identity::of(f)).or_default().push(i);
    }
    let mut matched = vec![false; base.findings.len()];
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let mut unchanged = 0;
    for f in &new.findings {
        match by_identity.get_mut(&Identity::of(f)).and_then(Vec::pop) {
            Some(i) => {
                matched[i] = true;
                let before = &base.findings[i];
                if same_finding(before, f) {
                    unchanged += 1;
                } else {
                    changed.push(Changed { before, after: f });
                }
            }
            None => added.push(f),
        }
    }
    let resolved = base
        .findings
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(f, _)| f)
        .collect();
    Diff {
        added,
        resolved,
        changed,
        unchanged,
        tier_before: &base.tier,
        tier_after: &new.tier,
        loads: load_moves(base, new),
        downtime: None,
    }
}

fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.severity == b.severity && a.allowed == b.allowed && a.affected == b.affected
}

/// Power elements in both layouts whose base-state load or failover load
/// moved, the largest move first. Elements only in one layout are not
/// "moved": they come with findings of their own when something is wrong
/// with them.
pub fn load_moves(base: &Reviewed, new: &Reviewed) -> Vec<LoadMove> {
    let (ab, an) = (&base.analysis, &new.analysis);
    let (gb, gn) = (&ab.graph, &an.graph);
    let failover = |r: &Reviewed, n: crate::engine::NodeId, load: f64| {
        let k = (n - r.analysis.graph.power.start) as usize;
        r.failover_w.get(k).copied().unwrap_or(load)
    };
    let mut moves: Vec<(f64, LoadMove)> = Vec::new();
    for n in gn.power.clone() {
        let id = gn.id(n);
        let Some(b) = gb.node(id).filter(|&b| gb.is_power(b)) else {
            continue;
        };
        let before_w = ab.base_flow.load(b);
        let after_w = an.base_flow.load(n);
        let failover_before_w = failover(base, b, before_w);
        let failover_after_w = failover(new, n, after_w);
        let pct = |load: f64, cap: f64| (cap.is_finite() && cap > 0.0).then(|| load / cap * 100.0);
        let (cap_before, cap_after) = (gb.capacity_w(b), gn.capacity_w(n));
        let before_pct = pct(before_w, cap_before);
        let after_pct = pct(after_w, cap_after);
        let failover_before_pct = pct(failover_before_w, cap_before);
        let failover_after_pct = pct(failover_after_w, cap_after);
        let moved = moved_by(before_w, after_w, before_pct, after_pct).max(moved_by(
            failover_before_w,
            failover_after_w,
            failover_before_pct,
            failover_after_pct,
        ));
        if moved > LOAD_MOVE_PCT {
            moves.push((
                moved,
                LoadMove {
                    id: id.to_string(),
                    before_w,
                    after_w,
                    capacity_w: cap_after.is_finite().then_some(cap_after),
                    before_pct,
                    after_pct,
                    failover_before_w,
                    failover_after_w,
                    failover_before_pct,
                    failover_after_pct,
                },
            ));
        }
    }
    moves.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    moves.into_iter().map(|(_, m)| m).collect()
}

/// How far a load moved: in points of capacity where both sides have one,
/// else as a share of the larger load.
fn moved_by(before_w: f64, after_w: f64, before_pct: Option<f64>, after_pct: Option<f64>) -> f64 {
    match (before_pct, after_pct) {
        (Some(x), Some(y)) => (y - x).abs(),
        _ => {
            let larger = before_w.abs().max(after_w.abs());
            if larger == 0.0 {
                0.0
            } else {
                (after_w - before_w).abs() / larger * 100.0
            }
        }
    }
}
