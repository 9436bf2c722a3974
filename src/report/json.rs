//! The JSON output of analysis.md, "Machine-readable output".

use serde::Serialize;

use crate::engine::{Analysis, EventRef, Impact};
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
    #[serde(flatten)]
    counts: Counts,
}

pub fn check(loaded: &Loaded, findings: &[Finding]) -> String {
    let l = &loaded.layout;
    let out = CheckOutput {
        layout: &l.name,
        summary: Summary {
            power_elements: l.power.len(),
            racks: l.racks.len(),
            devices: l.racks.iter().map(|r| r.devices.len()).sum(),
            services: l.services.len(),
            counts: count(findings),
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
    let mut down = Down::default();
    for &n in &impact.down {
        let id = g.id(n).to_string();
        if g.is_power(n) {
            down.power.push(id);
        } else if g.is_psu(n) {
            down.psus.push(id);
        } else if g.is_device(n) {
            down.devices.push(id);
        } else {
            down.services.push(id);
        }
    }
    let mut degraded = Degraded::default();
    for &n in &impact.degraded {
        let id = g.id(n).to_string();
        if g.is_power(n) {
            degraded.power.push(id);
        } else if g.is_device(n) {
            degraded.devices.push(id);
        } else if g.is_service(n) {
            degraded.services.push(id);
        }
    }
    for list in [&mut down.power, &mut down.psus, &mut down.devices, &mut down.services] {
        list.sort();
    }
    for list in [&mut degraded.power, &mut degraded.devices, &mut degraded.services] {
        list.sort();
    }
    let out = TripOutput {
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
