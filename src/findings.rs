//! Findings: what `check` reports, computed from the engine's results
//! (analysis.md, "Findings"). No rendering here; reports turn findings into
//! text or JSON.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::engine::{Analysis, Event, EventRef, Graph, NodeId, Scenario};
use crate::model::Loaded;
use crate::model::spans::Loc;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
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
    findings.iter().any(|f| !f.allowed && f.severity <= threshold)
}

/// What one finding is about, before it is given words and a place.
struct Raw {
    code: &'static str,
    severity: Severity,
    subject: String,
    event: Option<Event>,
    affected: Vec<NodeId>,
    message: String,
    /// Also allowed when every one of these allows the code (the critical
    /// services a `spof` takes down, say).
    allowed_by_all: Vec<NodeId>,
}

/// Run every check and return the findings, sorted by severity, code and
/// place in the file.
pub fn check(loaded: &Loaded, analysis: &Analysis) -> Vec<Finding> {
    let g = &analysis.graph;
    let mut raw = Vec::new();
    base_findings(analysis, &mut raw);
    sweep_findings(analysis, &mut raw);
    let allow = AllowLists::new(loaded);
    let mut out: Vec<Finding> = raw
        .into_iter()
        .map(|r| {
            let loc = loaded.locate(&r.subject);
            let allowed = allow.allows(&r.subject, r.code)
                || (!r.allowed_by_all.is_empty() && r.allowed_by_all.iter().all(|&n| allow.allows(g.id(n), r.code)));
            let mut affected: Vec<String> = r.affected.iter().map(|&n| g.id(n).to_string()).collect();
            affected.sort();
            affected.dedup();
            Finding {
                code: r.code,
                severity: r.severity,
                subject: r.subject,
                event: r.event.map(|e| e.to_ref(g)),
                affected,
                message: r.message,
                line: loc.map(|l| l.line),
                column: loc.map(|l| l.column),
                allowed,
                loc,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.severity, a.code, a.line.unwrap_or(u32::MAX), a.column, &a.subject).cmp(&(
            b.severity,
            b.code,
            b.line.unwrap_or(u32::MAX),
            b.column,
            &b.subject,
        ))
    });
    out
}

struct AllowLists<'a> {
    by_id: HashMap<&'a str, &'a [String]>,
}

impl<'a> AllowLists<'a> {
    fn new(loaded: &'a Loaded) -> Self {
        let l = &loaded.layout;
        let mut by_id: HashMap<&str, &[String]> = HashMap::new();
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
    fn allows(&self, id: &str, code: &str) -> bool {
        let id = id.split('/').next().unwrap_or(id);
        self.by_id.get(id).is_some_and(|list| list.iter().any(|c| c == code))
    }
}

fn base_findings(analysis: &Analysis, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    for n in g.devices.start..g.services.end {
        if !analysis.base.live[n as usize] {
            let what = if g.is_device(n) { "device" } else { "service" };
            raw.push(Raw {
                code: "unpowered",
                severity: Severity::Error,
                subject: g.id(n).to_string(),
                event: None,
                affected: Vec::new(),
                message: format!("{what} {} is down with nothing failed", g.id(n)),
                allowed_by_all: Vec::new(),
            });
        }
    }
    for d in g.devices.clone() {
        if !g.has_spare_psu(d) {
            let psus = g.psus_of_device(d).len();
            let message = if psus == 1 {
                format!("device {} has a single PSU: any fault in it or its feed takes it down", g.id(d))
            } else {
                format!(
                    "device {} needs all {psus} of its PSUs: losing any one takes it down",
                    g.id(d)
                )
            };
            raw.push(Raw {
                code: "single-psu",
                severity: Severity::Warning,
                subject: g.id(d).to_string(),
                event: None,
                affected: Vec::new(),
                message,
                allowed_by_all: Vec::new(),
            });
        }
    }
}

/// "if cb-a fails", "if a short in ctl/psu1 trips cb-a", "if common cause
/// fw-5.1 strikes".
pub fn event_clause(analysis: &Analysis, event: Event) -> String {
    let g = &analysis.graph;
    match event {
        Event::Fail(n) => format!("if {} fails", g.id(n)),
        Event::Short(p) => match analysis.protective_device(p) {
            Some(t) => format!("if {} shorts and trips {}", g.id(p), g.id(t)),
            None => format!("if {} shorts (its outlet breaker opens)", g.id(p)),
        },
        Event::Common(c) => {
            let grp = &g.common[c as usize];
            format!("if common cause {} strikes ({} members fail at once)", grp.id, grp.members.len())
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

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What one event took down, by kind.
struct Outcome {
    devices: Vec<NodeId>,
    services: Vec<NodeId>,
    critical: Vec<NodeId>,
}

fn outcome(g: &Graph, s: &Scenario<'_>) -> Outcome {
    let mut o = Outcome {
        devices: Vec::new(),
        services: Vec::new(),
        critical: Vec::new(),
    };
    for &n in s.down() {
        if g.is_device(n) {
            o.devices.push(n);
        } else if g.is_service(n) {
            o.services.push(n);
            if g.is_critical(n) {
                o.critical.push(n);
            }
        }
    }
    o.devices.sort_unstable();
    o.services.sort_unstable();
    o.critical.sort_unstable();
    o
}

fn sweep_findings(analysis: &Analysis, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    // Protective device -> how many PSUs below it trip it when they short.
    let mut trips: BTreeMap<NodeId, usize> = BTreeMap::new();
    for p in g.psus.clone() {
        if let Some(t) = analysis.protective_device(p) {
            *trips.entry(t).or_default() += 1;
        }
    }
    // What failing each protective device takes down: (devices, any critical).
    let mut trip_outcome: HashMap<NodeId, (Vec<NodeId>, bool)> = HashMap::new();

    analysis.sweep(|event, s| {
        let o = outcome(g, s);
        if let Event::Fail(n) = event {
            if trips.contains_key(&n) {
                trip_outcome.insert(n, (o.devices.clone(), !o.critical.is_empty()));
            }
        }
        let subject = event.subject(g).to_string();
        let clause = event_clause(analysis, event);

        if matches!(event, Event::Fail(n) if g.is_power(n)) || matches!(event, Event::Common(_)) {
            let lost_power: Vec<NodeId> = o
                .devices
                .iter()
                .copied()
                .filter(|&d| g.has_spare_psu(d) && power_lost(g, s, d))
                .collect();
            if !lost_power.is_empty() {
                raw.push(Raw {
                    code: "false-redundancy",
                    severity: Severity::Error,
                    subject: subject.clone(),
                    event: Some(event),
                    message: format!(
                        "{clause}, {} with redundant PSUs {} power anyway: {}",
                        plural(lost_power.len(), "device", "devices"),
                        if lost_power.len() == 1 { "loses" } else { "lose" },
                        list_ids(g, &lost_power, 6)
                    ),
                    allowed_by_all: lost_power.clone(),
                    affected: lost_power,
                });
            }
        }

        if o.critical.is_empty() {
            return;
        }
        let mut affected: Vec<NodeId> = o.devices.clone();
        affected.extend(&o.services);
        raw.push(Raw {
            code: "spof",
            severity: Severity::Error,
            subject: subject.clone(),
            event: Some(event),
            message: format!(
                "{clause}, critical service{} {} go{} down",
                if o.critical.len() == 1 { "" } else { "s" },
                list_ids(g, &o.critical, 6),
                if o.critical.len() == 1 { "es" } else { "" }
            ),
            affected,
            allowed_by_all: o.critical.clone(),
        });

        let holders: Vec<NodeId> = o
            .devices
            .iter()
            .chain(&o.services)
            .copied()
            .filter(|&h| o.critical.iter().any(|&c| g.observes(h, c)))
            .collect();
        if !holders.is_empty() {
            let watched: Vec<NodeId> = o
                .critical
                .iter()
                .copied()
                .filter(|&c| holders.iter().any(|&h| g.observes(h, c)))
                .collect();
            let mut affected = watched.clone();
            affected.extend(&holders);
            raw.push(Raw {
                code: "shared-fate",
                severity: Severity::Error,
                subject,
                event: Some(event),
                message: format!(
                    "{clause}, {} goes down together with what should see it: {}",
                    list_ids(g, &watched, 6),
                    describe_holders(g, &holders)
                ),
                affected,
                allowed_by_all: watched,
            });
        }
    });

    for (t, shorts) in trips {
        let Some((devices, critical)) = trip_outcome.remove(&t) else {
            continue;
        };
        if devices.is_empty() {
            continue;
        }
        raw.push(Raw {
            code: "short-trip",
            severity: if critical { Severity::Error } else { Severity::Warning },
            subject: g.id(t).to_string(),
            event: None,
            message: format!(
                "a short in any of the {} below {} trips it, taking down {}: {}{}",
                plural(shorts, "PSU", "PSUs"),
                g.id(t),
                plural(devices.len(), "device", "devices"),
                list_ids(g, &devices, 6),
                if critical { " (a critical service goes down)" } else { "" }
            ),
            affected: devices,
            allowed_by_all: Vec::new(),
        });
    }
}

/// Did the device go down because too few of its PSUs are live (rather
/// than because something it `needs` went down)?
fn power_lost(g: &Graph, s: &Scenario<'_>, device: NodeId) -> bool {
    let live = g.psus_of_device(device).filter(|&p| s.is_live(p)).count() as u32;
    live < g.psus_needed(device)
}

fn describe_holders(g: &Graph, holders: &[NodeId]) -> String {
    let mut parts: Vec<String> = holders
        .iter()
        .map(|&h| format!("{} ({})", g.id(h), role_names(g.roles(h))))
        .collect();
    parts.sort();
    list_names(&parts, 6)
}

fn role_names(set: u8) -> String {
    let names = [
        (1, "Management"),
        (2, "Monitoring"),
        (4, "StatusPage"),
        (8, "Backup"),
    ];
    names
        .iter()
        .filter(|(bit, _)| set & bit != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}
