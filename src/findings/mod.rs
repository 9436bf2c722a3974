//! Findings: what `check` reports, computed from the engine's results
//! (analysis.md, "Findings"). No rendering here; reports turn findings into
//! text or JSON.

mod base;
pub mod groups;
mod sweep;
pub mod tier;
pub mod window;

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::code::Code;
use crate::diagnostic::Severity;
use crate::engine::{Analysis, Event, EventRef, Graph, NodeId};
use crate::model::Loaded;
use crate::model::spans::Loc;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventRef>,
    /// Ids, sorted.
    pub affected: Vec<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Accepted by an `allow` list: listed, never failing.
    pub allowed: bool,
    /// The inventory object the subject was imported from (the layout's
    /// `sources`), such as its page in NetBox.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::model::format::Source>,
    #[serde(skip)]
    pub loc: Option<Loc>,
}

/// Counts for the summary line and the JSON `summary`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub allowed: usize,
}

pub fn count(findings: &[Finding]) -> Counts {
    let mut c = Counts::default();
    for f in findings {
        if f.allowed {
            c.allowed += 1;
            continue;
        }
        match f.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Note => c.notes += 1,
        }
    }
    c
}

/// Does any finding that is not allowed reach `threshold`?
pub fn fails(findings: &[Finding], threshold: Severity) -> bool {
    findings
        .iter()
        .any(|f| !f.allowed && f.severity <= threshold)
}

/// What one finding is about, before it is given words and a place.
pub(crate) struct Raw {
    pub(crate) code: Code,
    pub(crate) severity: Severity,
    pub(crate) subject: String,
    pub(crate) event: Option<Event>,
    pub(crate) affected: Vec<NodeId>,
    pub(crate) message: String,
    /// Also allowed when every one of these allows the code (the critical
    /// services a `spof` takes down, say).
    pub(crate) allowed_by_all: Vec<NodeId>,
}

/// Run every check and return the findings, sorted by severity, code and
/// place in the file.
pub fn check(loaded: &Loaded, analysis: &Analysis) -> Vec<Finding> {
    let g = &analysis.graph;
    let mut raw = Vec::new();
    // The cut sets behind `double-fault` and the single-event sweep read
    // the same analysis and nothing of each other: on two cores they run
    // side by side. Their findings are joined in a fixed order.
    let mut doubles = Vec::new();
    std::thread::scope(|scope| {
        scope.spawn(|| double_faults(analysis, &mut doubles));
        base::findings(analysis, &loaded.layout.policy, &mut raw);
        sweep::findings(analysis, &mut raw);
    });
    raw.append(&mut doubles);
    let allow = AllowLists::new(loaded);
    let sources: std::collections::HashMap<&str, &crate::model::format::Source> = loaded
        .layout
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let mut out: Vec<Finding> = raw
        .into_iter()
        .map(|r| {
            let loc = loaded.locate(&r.subject);
            let allowed = allow.allows(&r.subject, r.code)
                || (!r.allowed_by_all.is_empty()
                    && r.allowed_by_all
                        .iter()
                        .all(|&n| allow.allows(g.id(n), r.code)));
            let mut affected: Vec<String> =
                r.affected.iter().map(|&n| g.id(n).to_string()).collect();
            affected.sort();
            affected.dedup();
            Finding {
                code: r.code,
                severity: r.severity,
                event: r.event.map(|e| e.to_ref(g)),
                affected,
                message: r.message,
                line: loc.map(|l| l.line),
                column: loc.map(|l| l.column),
                allowed,
                source: sources.get(r.subject.as_str()).map(|&s| s.clone()),
                loc,
                subject: r.subject,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (
            a.severity,
            a.code.name(),
            a.line.unwrap_or(u32::MAX),
            a.column,
            &a.subject,
        )
            .cmp(&(
                b.severity,
                b.code.name(),
                b.line.unwrap_or(u32::MAX),
                b.column,
                &b.subject,
            ))
    });
    out
}

/// A note for each critical service that pairs of events can take down.
fn double_faults(analysis: &Analysis, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    let targets: Vec<NodeId> = g.critical_services().collect();
    if targets.is_empty() {
        return;
    }
    let sets = crate::engine::cuts::cut_sets(analysis, &targets, 2);
    for (t, cuts) in &sets.targets {
        let sorted = sets.sorted_refs(g, cuts);
        let pairs: Vec<&Vec<EventRef>> = sorted.iter().filter(|c| c.len() == 2).collect();
        if pairs.is_empty() {
            continue;
        }
        let shown: Vec<String> = pairs
            .iter()
            .take(3)
            .map(|p| format!("{} {} + {} {}", p[0].kind, p[0].id, p[1].kind, p[1].id))
            .collect();
        let mut affected: Vec<String> = pairs
            .iter()
            .take(3)
            .flat_map(|p| p.iter().map(|e| e.id.clone()))
            .collect();
        affected.sort();
        affected.dedup();
        raw.push(Raw {
            code: Code::DoubleFault,
            severity: Severity::Note,
            subject: g.id(*t).to_string(),
            event: None,
            affected: affected.iter().filter_map(|id| g.node(id)).collect(),
            message: format!(
                "{} goes down on {} of events together, e.g. {}",
                g.id(*t),
                plural(pairs.len(), "pair", "pairs"),
                shown.join("; ")
            ),
            allowed_by_all: vec![*t],
        });
    }
}

struct AllowLists<'a> {
    by_id: HashMap<&'a str, &'a [String]>,
}

impl<'a> AllowLists<'a> {
    fn new(loaded: &'a Loaded) -> Self {
        let l = &loaded.layout;
        let mut by_id: HashMap<&str, &[String]> = HashMap::default();
        for p in &l.power {
            by_id.insert(p.id(), p.allow());
        }
        for d in l.racks.iter().flat_map(|r| r.devices.iter()) {
            by_id.insert(&d.id, &d.allow);
        }
        for s in &l.services {
            by_id.insert(&s.id, &s.allow);
        }
        for c in &l.common_causes {
            by_id.insert(&c.id, &c.allow);
        }
        AllowLists { by_id }
    }

    /// A PSU (`dev/psu`) goes by its device's list.
    fn allows(&self, id: &str, code: Code) -> bool {
        let id = id.split('/').next().unwrap_or(id);
        self.by_id
            .get(id)
            .is_some_and(|list| list.iter().any(|c| code == c.as_str()))
    }
}

/// "if cb-a fails", "if a short in ctl/psu1 trips cb-a", "if common cause
/// fw-5.1 strikes".
pub fn event_clause(analysis: &Analysis, event: Event) -> String {
    let g = &analysis.graph;
    match event {
        Event::Fail(n) => format!("if {} fails", g.id(n)),
        Event::Short(p) => match analysis.protective_device(p, true) {
            Some(t) => format!("if {} shorts and trips {}", g.id(p), g.id(t)),
            None => format!("if {} shorts (its outlet breaker opens)", g.id(p)),
        },
        Event::Common(c) => {
            let grp = &g.common[c as usize];
            format!(
                "if common cause {} strikes ({} members fail at once)",
                grp.id,
                grp.members.len()
            )
        }
    }
}

/// Up to `max` ids, then "and N more".
pub fn list_ids(g: &Graph, nodes: &[NodeId], max: usize) -> String {
    let mut names: Vec<&str> = nodes.iter().map(|&n| g.id(n)).collect();
    names.sort_unstable();
    list_names(&names, max)
}

pub fn list_names<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let shown: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    let mut s = shown.join(", ");
    if names.len() > max {
        s.push_str(&format!(" and {} more", names.len() - max));
    }
    s
}

pub(crate) use crate::wording::plural;
