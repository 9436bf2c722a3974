//! The probability of each basic event, from the layout's reliability data
//! (`rates`), the policy's defaults per kind and the built-in figures
//! (reliability.md cites each one).
//!
//! Every event is a repairable component in steady state: it fails
//! `λ` times a year and is down `r` hours each time, so it is down a
//! share `q = λr / (8766 + λr)` of the time and starts an outage
//! `ω = λ(1 - q)` times a year. A fixed `probability` stands as `q`.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::events::Event;
use super::graph::{Graph, NodeKind};
use crate::model::format::{Layout, PowerKind, Rate, Reliability};

/// Hours in a year of 365.25 days.
pub const HOURS_PER_YEAR: f64 = 8766.0;

/// Where an event's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The layout's `rates` entry for this element.
    Layout,
    /// The layout's `policy.reliability` default for its kind.
    Policy,
    /// The built-in figure for its kind.
    BuiltIn,
}

/// One basic event's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRate {
    /// Steady-state probability of being down.
    pub q: f64,
    /// Expected outages started a year.
    pub per_year: f64,
    /// The least-specific source any of its figures came from.
    pub source: Source,
}

/// The built-in figure of each field for a kind (`utility`, `generator`,
/// `ats`, `sts`, `ups`, `panel`, `breaker`, `pdu`, `device`, `psu`,
/// `common_cause`); reliability.md cites each.
pub fn built_in_rate(kind: &str) -> Rate {
    let fr = |per_year: f64, repair_h: f64| Rate {
        failures_per_year: Some(per_year),
        repair_h: Some(repair_h),
        ..Rate::default()
    };
    match kind {
        "utility" => fr(1.956, 1.32),
        "generator" => Rate {
            fail_to_start: Some(0.0135),
            ..fr(0.1691, 18.28)
        },
        "ats" => fr(0.0040, 4.0),
        "sts" => fr(0.0040, 4.0),
        "ups" => fr(0.0350, 8.0),
        "panel" => fr(0.0041, 2.4),
        "breaker" => fr(0.0052, 5.8),
        "pdu" => fr(0.0050, 4.0),
        "device" => fr(0.1, 24.0),
        "psu" => Rate {
            short_fraction: Some(0.1),
            reset_h: Some(1.0),
            ..fr(0.0876, 24.0)
        },
        _ => fr(0.01, 8.0), // common_cause
    }
}

fn policy_rate<'a>(p: &'a Reliability, kind: &str) -> &'a Rate {
    match kind {
        "utility" => &p.utility,
        "generator" => &p.generator,
        "ats" => &p.ats,
        "sts" => &p.sts,
        "ups" => &p.ups,
        "panel" => &p.panel,
        "breaker" => &p.breaker,
        "pdu" => &p.pdu,
        "device" => &p.device,
        "psu" => &p.psu,
        _ => &p.common_cause,
    }
}

fn kind_key(graph: &Graph, n: u32) -> &'static str {
    match graph.kind(n) {
        NodeKind::Power(k) => match k {
            PowerKind::Utility => "utility",
            PowerKind::Generator => "generator",
            PowerKind::Ats => "ats",
            PowerKind::Sts => "sts",
            PowerKind::Ups => "ups",
            PowerKind::Panel => "panel",
            PowerKind::Breaker => "breaker",
            PowerKind::Pdu => "pdu",
        },
        NodeKind::Psu => "psu",
        _ => "device",
    }
}

/// A rate's figures resolved field by field: the layout's entries first,
/// then the policy, then the built-in figure.
struct Resolved<'a> {
    layers: [(Option<&'a Rate>, Source); 3],
}

impl Resolved<'_> {
    /// A field's value and where it came from.
    fn get(&self, field: impl Fn(&Rate) -> Option<f64>) -> (Option<f64>, Source) {
        for (rate, source) in &self.layers {
            if let Some(v) = rate.and_then(&field) {
                return (Some(v), *source);
            }
        }
        (None, Source::BuiltIn)
    }

    /// (failures a year, repair hours, fixed probability) and the least
    /// specific source used.
    fn rate(&self) -> (f64, f64, Option<f64>, Source) {
        // The layer that says anything about frequency decides it all: a
        // layout entry with `probability` is not mixed with a default rate.
        for (rate, source) in &self.layers {
            let Some(r) = rate else { continue };
            if let Some(p) = r.probability {
                return (0.0, 0.0, Some(p), *source);
            }
            let per_year = r.failures_per_year.or(r.mtbf_h.map(|h| HOURS_PER_YEAR / h));
            if let Some(per_year) = per_year {
                let (repair, rsource) = self.get(|r| r.repair_h.or(r.mttr_h));
                return (
                    per_year,
                    repair.unwrap_or(0.0),
                    None,
                    (*source).max(rsource),
                );
            }
        }
        (0.0, 0.0, Some(0.0), Source::BuiltIn)
    }
}

fn layers<'a>(
    kind: &'static str,
    policy: &'a Reliability,
    built: &'a HashMap<&'static str, Rate>,
    id_rate: Option<&'a Rate>,
    device_rate: Option<&'a Rate>,
) -> Resolved<'a> {
    let p = policy_rate(policy, kind);
    Resolved {
        layers: [
            (id_rate.or(device_rate), Source::Layout),
            ((!p.is_empty()).then_some(p), Source::Policy),
            (built.get(kind), Source::BuiltIn),
        ],
    }
}

fn steady(per_year: f64, repair_h: f64) -> (f64, f64) {
    let down = per_year * repair_h;
    let q = down / (HOURS_PER_YEAR + down);
    (q, per_year * (1.0 - q))
}

/// The figures of every event of `events`, by index.
pub fn event_rates(layout: &Layout, graph: &Graph, events: &[Event]) -> Vec<EventRate> {
    let owned: Vec<(String, Rate)> = layout
        .rates
        .iter()
        .map(|r| (r.id.clone(), r.rate()))
        .collect();
    let mut by_id: HashMap<&str, &Rate> = HashMap::default();
    for (id, r) in &owned {
        by_id.insert(id.as_str(), r);
    }
    let policy = &layout.policy.reliability;
    let built: HashMap<&'static str, Rate> = [
        "utility",
        "generator",
        "ats",
        "sts",
        "ups",
        "panel",
        "breaker",
        "pdu",
        "device",
        "psu",
        "common_cause",
    ]
    .into_iter()
    .map(|k| (k, built_in_rate(k)))
    .collect();
    let layers_for = |own: Option<&'static str>, id_rate, device_rate| {
        layers(
            own.unwrap_or("common_cause"),
            policy,
            &built,
            id_rate,
            device_rate,
        )
    };
    events
        .iter()
        .map(|&e| match e {
            Event::Fail(n) => {
                let kind = kind_key(graph, n);
                let own = by_id.get(graph.id(n)).copied();
                // A PSU's data may sit on its device's entry (one line a
                // chassis), though only its PSU fields are meant for it.
                let device = (kind == "psu")
                    .then(|| by_id.get(graph.id(graph.device_of_psu(n))).copied())
                    .flatten()
                    .filter(|r| r.short_fraction.is_some() || r.reset_h.is_some());
                let res = layers_for(Some(kind), own, None);
                let (per_year, repair, fixed, source) = res.rate();
                let (mut q, mut w) = match fixed {
                    Some(p) => (p, 0.0),
                    None => steady(per_year, repair),
                };
                let mut source = source;
                if kind == "psu" {
                    // Failures that short are the `short` event, not this one.
                    let res = layers_for(Some(kind), own, device);
                    let (f, fs) = res.get(|r| r.short_fraction);
                    let f = f.unwrap_or(0.0);
                    source = source.max(fs);
                    if fixed.is_none() {
                        (q, w) = steady(per_year * (1.0 - f), repair);
                    }
                }
                // A fixed probability is the whole answer; a rate gains the
                // chance of not starting.
                if kind == "generator" && fixed.is_none() {
                    let (p, ps) = res.get(|r| r.fail_to_start);
                    let p = p.unwrap_or(0.0);
                    q = 1.0 - (1.0 - q) * (1.0 - p);
                    source = source.max(ps);
                }
                EventRate {
                    q,
                    per_year: w,
                    source,
                }
            }
            Event::Short(psu) => {
                let own = by_id.get(graph.id(psu)).copied();
                let device = by_id.get(graph.id(graph.device_of_psu(psu))).copied();
                let res = layers_for(Some("psu"), own, device);
                let (per_year, _, fixed, source) = layers_for(Some("psu"), own, None).rate();
                let (f, fs) = res.get(|r| r.short_fraction);
                let (reset, rs) = res.get(|r| r.reset_h);
                let per_year = if fixed.is_some() { 0.0 } else { per_year };
                let (q, w) = steady(per_year * f.unwrap_or(0.0), reset.unwrap_or(0.0));
                EventRate {
                    q,
                    per_year: w,
                    source: source.max(fs).max(rs),
                }
            }
            Event::Common(g) => {
                let own = by_id.get(graph.common[g as usize].id.as_str()).copied();
                let (per_year, repair, fixed, source) = layers_for(None, own, None).rate();
                let (q, w) = match fixed {
                    Some(p) => (p, 0.0),
                    None => steady(per_year, repair),
                };
                EventRate {
                    q,
                    per_year: w,
                    source,
                }
            }
        })
        .collect()
}
