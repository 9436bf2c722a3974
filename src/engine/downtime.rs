//! The expected downtime of each critical service, in minutes a year, as
//! `check` and `diff` show it beside their findings: the number from
//! [`availability`](super::availability::availability), with the rule
//! for when it is worth computing unasked.
//!
//! `check` of a generated 100k-device hall takes about half a second and
//! the availability of its critical services several seconds, so the
//! summary carries the numbers by itself only up to
//! [`AUTO_MAX_DEVICES`] devices (a room, or the shipped layouts, in well
//! under a second); past that only when asked (`--availability`).

use super::Analysis;
use super::availability::{Method, availability};
use super::graph::NodeId;
use crate::model::format::Layout;

/// Up to this many devices the summary computes the expected downtime
/// unasked. A generated hall of 1,000 devices (25 racks) takes about
/// 0.2 s, the demo (144 devices) 0.06 s; 10,000 devices about 1.4 s,
/// twenty times a `check`.
pub const AUTO_MAX_DEVICES: usize = 1_000;

/// Whether to compute it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// When the layout has at most [`AUTO_MAX_DEVICES`] devices.
    Auto,
    /// Whatever the size (`--availability`).
    Always,
}

/// One service's expected downtime.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDowntime {
    pub id: String,
    pub min_per_year: f64,
    pub method: Method,
    /// Whether any figure it rests on is a default (policy or built in).
    pub rests_on_defaults: bool,
}

/// The expected downtime of the critical services, or why it is absent.
#[derive(Debug, Clone, PartialEq)]
pub enum Downtime {
    /// Worst first (then by id).
    Computed(Vec<ServiceDowntime>),
    /// Not computed unasked: the layout has this many devices.
    TooLarge { devices: usize },
}

/// Does a layout of this analysis get the numbers under `when`?
pub fn worth_computing(analysis: &Analysis, when: When) -> bool {
    when == When::Always || analysis.graph.devices.len() <= AUTO_MAX_DEVICES
}

/// The expected downtime of every critical service (`check`'s summary).
pub fn critical_services(analysis: &Analysis, layout: &Layout, when: When) -> Downtime {
    if !worth_computing(analysis, when) {
        return Downtime::TooLarge {
            devices: analysis.graph.devices.len(),
        };
    }
    let ids: Vec<String> = analysis
        .graph
        .critical_services()
        .map(|s| analysis.graph.id(s).to_string())
        .collect();
    let mut all: Vec<ServiceDowntime> = of_ids(analysis, layout, &ids)
        .into_iter()
        .flatten()
        .collect();
    all.sort_by(|a, b| {
        b.min_per_year
            .total_cmp(&a.min_per_year)
            .then_with(|| a.id.cmp(&b.id))
    });
    Downtime::Computed(all)
}

/// The expected downtime of each id that names a node of this layout
/// (`None` for an id it does not have), in the order given.
pub fn of_ids(
    analysis: &Analysis,
    layout: &Layout,
    ids: &[String],
) -> Vec<Option<ServiceDowntime>> {
    let g = &analysis.graph;
    let nodes: Vec<Option<NodeId>> = ids.iter().map(|id| g.node(id)).collect();
    let targets: Vec<NodeId> = nodes.iter().flatten().copied().collect();
    if targets.is_empty() {
        return vec![None; ids.len()];
    }
    let av = availability(analysis, layout, &targets, &[]);
    let mut answers = av.targets.into_iter();
    nodes
        .iter()
        .zip(ids)
        .map(|(n, id)| {
            n.map(|_| {
                let t = answers
                    .next()
                    .expect("availability answers every target, in order");
                ServiceDowntime {
                    id: id.clone(),
                    min_per_year: t.downtime_min_per_year(),
                    method: t.method,
                    rests_on_defaults: t.rests_on_defaults,
                }
            })
        })
        .collect()
}

/// One critical service's downtime before and after a change.
#[derive(Debug, Clone, PartialEq)]
pub struct DowntimeChange {
    pub id: String,
    /// `None` on a side that has no node of this id.
    pub before: Option<ServiceDowntime>,
    pub after: Option<ServiceDowntime>,
}

impl DowntimeChange {
    /// After minus before, in minutes a year, when both sides have it.
    pub fn change_min_per_year(&self) -> Option<f64> {
        Some(self.after.as_ref()?.min_per_year - self.before.as_ref()?.min_per_year)
    }
    pub fn rests_on_defaults(&self) -> bool {
        self.before
            .iter()
            .chain(&self.after)
            .any(|d| d.rests_on_defaults)
    }
}

/// The comparison `diff` shows, or why it is absent.
#[derive(Debug, Clone, PartialEq)]
pub enum DowntimeComparison {
    /// Every service critical on either side, the largest change first.
    Computed(Vec<DowntimeChange>),
    /// Not computed unasked: the larger side has this many devices.
    TooLarge { devices: usize },
}

/// The expected downtime before and after of every service that is
/// critical on either side, each side computed for the same ids (a
/// service made critical by the change has its "before" too), the two
/// sides side by side.
pub fn compare(
    base: (&Analysis, &Layout),
    new: (&Analysis, &Layout),
    when: When,
) -> DowntimeComparison {
    if !worth_computing(base.0, when) || !worth_computing(new.0, when) {
        return DowntimeComparison::TooLarge {
            devices: base.0.graph.devices.len().max(new.0.graph.devices.len()),
        };
    }
    let mut ids: Vec<String> = [base.0, new.0]
        .iter()
        .flat_map(|a| {
            a.graph
                .critical_services()
                .map(|s| a.graph.id(s).to_string())
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let (before, after) = std::thread::scope(|scope| {
        let before = scope.spawn(|| of_ids(base.0, base.1, &ids));
        let after = of_ids(new.0, new.1, &ids);
        (before.join().expect("the base side does not panic"), after)
    });
    let mut changes: Vec<DowntimeChange> = ids
        .into_iter()
        .zip(before.into_iter().zip(after))
        .map(|(id, (before, after))| DowntimeChange { id, before, after })
        .collect();
    let size = |c: &DowntimeChange| c.change_min_per_year().map_or(f64::INFINITY, f64::abs);
    changes.sort_by(|a, b| size(b).total_cmp(&size(a)).then_with(|| a.id.cmp(&b.id)));
    DowntimeComparison::Computed(changes)
}
