//! The JSON output of analysis.md, "Machine-readable output".

use serde::Serialize;

use crate::engine::{Analysis, ByKind, EventRef, Impact, NodeId};
use crate::findings::tier::Tier;
use crate::findings::{Counts, Finding, count};
use crate::model::Loaded;

#[derive(Serialize)]
struct CheckOutput<'a> {
    layout: &'a str,
    summary: Summary,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Summary {
    power_elements: usize,
    racks: usize,
    devices: usize,
    services: usize,
    /// Every finding, and the blocks the reports group them into (same
    /// code, severity and blast radius): the two numbers every output
    /// gives.
    findings: usize,
    blocks: usize,
    #[serde(flatten)]
    counts: Counts,
    /// An estimate in the style of the Uptime Institute tiers.
    tier: &'static str,
    tier_reasons: Vec<String>,
}

pub fn check(loaded: &Loaded, findings: &[Finding], tier: &Tier) -> String {
    let l = &loaded.layout;
    let out = CheckOutput {
        layout: &l.name,
        summary: Summary {
            power_elements: l.power.len(),
            racks: l.racks.len(),
            devices: l.racks.iter().map(|r| r.devices.len()).sum(),
            services: l.services.len(),
            findings: findings.len(),
            blocks: crate::findings::groups::blocks(findings).len(),
            counts: count(findings),
            tier: tier.level.name(),
            tier_reasons: tier.reasons.clone(),
        },
        findings,
    };
    to_pretty(&out)
}

#[derive(Serialize, Default)]
struct Down {
    power: Vec<String>,
    psus: Vec<String>,
    devices: Vec<String>,
    services: Vec<String>,
}

#[derive(Serialize, Default)]
struct Degraded {
    power: Vec<String>,
    devices: Vec<String>,
    services: Vec<String>,
}

#[derive(Serialize)]
struct Trip {
    id: String,
    round: u32,
    load_pct: f64,
}

#[derive(Serialize)]
struct Overloaded {
    id: String,
    load_pct: f64,
}

#[derive(Serialize)]
struct TripOutput {
    /// Elements out for planned work (a scenario's maintenance window).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    out: Vec<String>,
    events: Vec<EventRef>,
    tripped: Vec<Trip>,
    /// Only with `--no-cascade`: what is over capacity but not tripped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    overloaded: Vec<Overloaded>,
    down: Down,
    degraded: Degraded,
}

pub fn trip(analysis: &Analysis, impact: &Impact) -> String {
    let g = &analysis.graph;
    // Ids sorted as text, as the JSON has always listed them.
    let ids = |nodes: &[NodeId]| -> Vec<String> {
        let mut v: Vec<String> = nodes.iter().map(|&n| g.id(n).to_string()).collect();
        v.sort();
        v
    };
    let by = ByKind::split(g, impact.down.iter().copied());
    let down = Down {
        power: ids(&by.power),
        psus: ids(&by.psus),
        devices: ids(&by.devices),
        services: ids(&by.all_services()),
    };
    let by = ByKind::split(g, impact.degraded.iter().copied());
    let degraded = Degraded {
        power: ids(&by.power),
        devices: ids(&by.devices),
        services: ids(&by.all_services()),
    };
    let out = TripOutput {
        out: analysis.out.iter().map(|&n| g.id(n).to_string()).collect(),
        events: impact.events.iter().map(|e| e.to_ref(g)).collect(),
        tripped: impact
            .tripped
            .iter()
            .map(|t| Trip {
                id: g.id(t.node).to_string(),
                round: t.round,
                load_pct: round1(t.load_pct()),
            })
            .collect(),
        overloaded: impact
            .overloaded
            .iter()
            .map(|t| Overloaded {
                id: g.id(t.node).to_string(),
                load_pct: round1(t.load_pct()),
            })
            .collect(),
        down,
        degraded,
    };
    to_pretty(&out)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn to_pretty<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("report types always serialise");
    s.push('\n');
    s
}

#[derive(Serialize)]
struct CutTarget {
    id: String,
    cut_sets: Vec<Vec<EventRef>>,
}

#[derive(Serialize)]
struct CutsOutput {
    targets: Vec<CutTarget>,
}

/// `{"targets": [{"id": ..., "cut_sets": [[event, ...], ...]}]}`: each cut
/// set sorted, the list sorted by order then ids.
pub fn cuts(analysis: &Analysis, sets: &crate::engine::cuts::CutSets) -> String {
    let out = CutsOutput {
        targets: sets
            .targets
            .iter()
            .map(|(t, list)| CutTarget {
                id: analysis.graph.id(*t).to_string(),
                cut_sets: sets.sorted_refs(&analysis.graph, list),
            })
            .collect(),
    };
    to_pretty(&out)
}
