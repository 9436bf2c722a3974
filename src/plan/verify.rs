//! Judging a placement exactly: the layout with the new devices is
//! analysed from scratch (the same analysis `check` runs) and compared
//! with the layout without them. The selection in [`super::place`] works
//! from headroom estimates; nothing it proposes is trusted until this
//! says so.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::code::Code;
use crate::diagnostic::Severity;
use crate::engine::cuts::{Cut, cut_sets};
use crate::engine::{Analysis, Graph, NodeId, headroom};
use crate::findings::{self, Finding};
use crate::model::Loaded;
use crate::review::identity::Identity;

/// One side of the comparison: the analysis (of the window, with
/// `--out`), its findings, every rated element's load and failover load,
/// and the service's cut sets.
pub(super) struct Judged {
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
    /// Rated power elements by id: (limit, base load, failover load).
    pub loads: HashMap<String, (f64, f64, f64)>,
    /// The service's single events and pairs that take it down, each as
    /// text ("fail ups-a", "fail ups-a + fail ups-b").
    pub singles: Vec<String>,
    pub doubles: Vec<String>,
}

/// Analyse `loaded` with `out` (ids) out of service; `service` is the
/// service whose cut sets matter, if any. Without `with_loads` the loads
/// are left empty for the caller to fill (from a headroom it computes
/// anyway, which holds the same failover loads).
pub(super) fn judge(
    loaded: &Loaded,
    out: &[String],
    service: Option<&str>,
    with_loads: bool,
) -> Judged {
    judge_beside(loaded, out, service, with_loads, |_| ()).0
}

/// [`judge`], running `beside` on the analysis at the same time as the
/// findings (the placement's headroom pass: the two read the same
/// analysis and nothing of each other).
pub(super) fn judge_beside<T: Send>(
    loaded: &Loaded,
    out: &[String],
    service: Option<&str>,
    with_loads: bool,
    beside: impl FnOnce(&Analysis) -> T + Send,
) -> (Judged, T) {
    let layout = &loaded.layout;
    let graph = Graph::build(layout);
    let out_nodes: Vec<NodeId> = out.iter().filter_map(|id| graph.node(id)).collect();
    let analysis = Analysis::out_of_service(layout, graph, &out_nodes);
    let (findings, extra) = std::thread::scope(|scope| {
        let other = scope.spawn(|| beside(&analysis));
        let findings = findings::check(loaded, &analysis);
        (
            findings,
            other
                .join()
                .expect("the work beside the findings does not panic"),
        )
    });
    let g = &analysis.graph;
    let loads = if with_loads {
        let limits = headroom::limits(g);
        let failover = headroom::failover_loads(&analysis);
        let start = g.power.start;
        g.power
            .clone()
            .filter(|&n| limits[(n - start) as usize].is_finite())
            .map(|n| {
                let k = (n - start) as usize;
                (
                    g.id(n).to_string(),
                    (limits[k], analysis.base_flow.load(n), failover[k].0),
                )
            })
            .collect()
    } else {
        HashMap::default()
    };
    let (singles, doubles) = match service.and_then(|s| g.node(s)) {
        Some(s) => service_cuts(&analysis, s),
        None => (Vec::new(), Vec::new()),
    };
    (
        Judged {
            analysis,
            findings,
            loads,
            singles,
            doubles,
        },
        extra,
    )
}

/// A service's minimal cut sets of one and two events, as text.
fn service_cuts(a: &Analysis, service: NodeId) -> (Vec<String>, Vec<String>) {
    let cs = cut_sets(a, &[service], 2);
    let (mut singles, mut doubles) = (Vec::new(), Vec::new());
    let name = |i: u32| cs.events[i as usize].describe(&a.graph);
    for (_, list) in &cs.targets {
        for cut in list {
            match *cut {
                Cut::One(e) => singles.push(name(e)),
                Cut::Two(x, y) => {
                    let mut pair = [name(x), name(y)];
                    pair.sort();
                    doubles.push(pair.join(" + "));
                }
            }
        }
    }
    singles.sort();
    doubles.sort();
    (singles, doubles)
}

/// Something the placement made worse, and where it points.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Problem {
    pub message: String,
    /// Power elements it is about (a placement through them is suspect).
    pub elements: Vec<String>,
    /// New devices it names.
    pub devices: Vec<String>,
}

/// Loads within limits are compared with this much slack, as the
/// engine's `exceeds` does not count a load exactly at a limit.
const EPS_W: f64 = 1e-6;

/// What `after` (the layout with `new_devices`) makes worse than
/// `before`: an element past its limit in the base state or after some
/// single event that was not (or carries more past it), a finding that
/// is new or worse, a new single event that takes the service down.
/// `inherent` findings are those the device asked for raises wherever it
/// goes (`single-psu` when every PSU is needed): reported, never blamed
/// on a place.
///
/// `exposed_by_design`: the new devices cannot be redundant (no spare
/// PSU, or a window that takes one side out), so a finding about what
/// feeds them that gains only them in its blast radius is what the
/// request asks for, not what the place does; anything else it gains
/// still counts.
pub(super) fn problems(
    before: &Judged,
    after: &Judged,
    new_devices: &[String],
    exposed_by_design: bool,
    inherent: &mut Vec<Finding>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (id, &(limit, load, failover)) in &after.loads {
        let (was_load, was_failover) = before.loads.get(id).map_or((0.0, 0.0), |&(_, l, f)| (l, f));
        if load > limit + EPS_W && load > was_load + EPS_W {
            out.push(Problem {
                message: format!("{id} would carry {load:.0} W, above its limit of {limit:.0} W"),
                elements: vec![id.clone()],
                devices: Vec::new(),
            });
        } else if failover > limit + EPS_W && failover > was_failover + EPS_W {
            out.push(Problem {
                message: format!(
                    "{id} would carry {failover:.0} W after one failure, above its limit of {limit:.0} W"
                ),
                elements: vec![id.clone()],
                devices: Vec::new(),
            });
        }
    }
    let new: HashSet<&str> = new_devices.iter().map(String::as_str).collect();
    let mut was: HashMap<Identity, &Finding> = HashMap::default();
    for f in &before.findings {
        was.insert(Identity::of(f), f);
    }
    for f in &after.findings {
        let worse = match was.get(&Identity::of(f)) {
            None => !f.allowed,
            Some(b) => {
                let gained = match (pair_count(f), pair_count(b)) {
                    (Some(now), Some(was)) => now > was,
                    _ => f.affected.iter().any(|id| {
                        let expected = exposed_by_design && new_devices.contains(id);
                        !(b.affected.contains(id) || expected)
                    }),
                };
                !f.allowed && (b.allowed || stronger(f.severity, b.severity) || gained)
            }
        };
        if !worse {
            continue;
        }
        if f.code == Code::SinglePsu && new.contains(f.subject.as_str()) {
            inherent.push(f.clone());
            continue;
        }
        // A new device's own event (its PSU shorting) names it too.
        let event_device = f
            .event
            .as_ref()
            .map(|e| e.id.split('/').next().unwrap_or_default().to_string());
        let devices: Vec<String> = std::iter::once(f.subject.clone())
            .chain(f.affected.iter().cloned())
            .chain(event_device)
            .filter(|id| new.contains(id.as_str()))
            .collect();
        out.push(Problem {
            message: format!("{}[{}]: {}", f.severity.name(), f.code.name(), f.message),
            elements: vec![f.subject.clone()],
            devices,
        });
    }
    for single in &after.singles {
        if !before.singles.contains(single) {
            out.push(Problem {
                message: format!("{single} would take the service down alone"),
                elements: single
                    .split_whitespace()
                    .nth(1)
                    .map(|id| vec![id.to_string()])
                    .unwrap_or_default(),
                devices: new_devices
                    .iter()
                    .filter(|d| single.contains(d.as_str()))
                    .cloned()
                    .collect(),
            });
        }
    }
    out.sort_by(|a, b| a.message.cmp(&b.message));
    out
}

/// A `double-fault` note's number of pairs ("db goes down on 12 pairs of
/// events together, e.g. ..."). Its `affected` lists only the examples'
/// ids, which change whenever the pairs do, so the count is what says
/// worse (more pairs) or better.
fn pair_count(f: &Finding) -> Option<usize> {
    if f.code != Code::DoubleFault {
        return None;
    }
    let (_, rest) = f.message.split_once(" goes down on ")?;
    rest.split_whitespace().next()?.parse().ok()
}

/// Is `a` a more severe level than `b` (errors sort first)?
fn stronger(a: Severity, b: Severity) -> bool {
    a < b
}
