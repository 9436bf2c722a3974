//! Findings about the base state: what is wrong with nothing failed.

use super::{Raw, list_ids};
use crate::code::Code;
use crate::diagnostic::Severity;
use crate::engine::load::{exceeds, is_above_share, utilisation_pct};
use crate::engine::{Analysis, Graph, NodeId};
use crate::model::format::{Policy, PowerKind};
use crate::wording::carries;

pub(super) fn findings(analysis: &Analysis, policy: &Policy, raw: &mut Vec<Raw>) {
    overloads(analysis, raw);
    derating(analysis, raw);
    ups_bridge(analysis, policy, raw);
    phase_imbalance(analysis, policy, raw);
    let g = &analysis.graph;
    for n in g.devices.start..g.services.end {
        // A device with no PSU is down by construction: said once, as
        // `no-power-path`, not also as `unpowered` and `single-psu`.
        if g.is_device(n) && g.psus_of_device(n).is_empty() {
            raw.push(about(
                Code::NoPowerPath,
                Severity::Warning,
                n,
                g,
                format!(
                    "device {} has no power path (no PSU connected): it is down from the start",
                    g.id(n)
                ),
            ));
            continue;
        }
        if !analysis.base.live[n as usize] {
            let what = if g.is_device(n) { "device" } else { "service" };
            raw.push(Raw {
                code: Code::Unpowered,
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
        if !g.has_spare_psu(d) && !g.psus_of_device(d).is_empty() {
            let psus = g.psus_of_device(d).len();
            let message = if psus == 1 {
                format!(
                    "device {} has a single PSU: any fault in it or its feed takes it down",
                    g.id(d)
                )
            } else {
                format!(
                    "device {} needs all {psus} of its PSUs: losing any one takes it down",
                    g.id(d)
                )
            };
            raw.push(Raw {
                code: Code::SinglePsu,
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

/// "8.1 kW"
pub(crate) use crate::wording::kw;

fn about(code: Code, severity: Severity, subject: NodeId, g: &Graph, message: String) -> Raw {
    Raw {
        code,
        severity,
        subject: g.id(subject).to_string(),
        event: None,
        affected: Vec::new(),
        message,
        allowed_by_all: Vec::new(),
    }
}

/// Devices and services below `n` (through consumers), iteratively.
fn fed_by(g: &Graph, n: NodeId) -> Vec<NodeId> {
    let mut seen = vec![false; g.len()];
    let mut stack = vec![n];
    let mut out = Vec::new();
    while let Some(v) = stack.pop() {
        for &c in g.consumers(v) {
            if !seen[c as usize] {
                seen[c as usize] = true;
                if g.is_device(c) || g.is_service(c) {
                    out.push(c);
                }
                stack.push(c);
            }
        }
    }
    out.sort_unstable();
    out
}

/// Elements that trip on overload with nothing failed.
fn overloads(analysis: &Analysis, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    for t in &analysis.base_trips {
        let down: Vec<NodeId> = fed_by(g, t.node)
            .into_iter()
            .filter(|&n| !analysis.base.live[n as usize])
            .collect();
        let mut r = about(
            Code::Overload,
            Severity::Error,
            t.node,
            g,
            format!(
                "{} with nothing failed: it trips{}",
                carries(g.id(t.node), t.load_w, t.capacity_w, t.load_pct(), 0),
                if down.is_empty() {
                    String::new()
                } else {
                    format!(", taking down {}", list_ids(g, &down, 6))
                }
            ),
        );
        r.affected = down;
        raw.push(r);
    }
}

/// Steady load above the continuous rating (80% by default).
fn derating(analysis: &Analysis, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    for n in g.power.clone() {
        let cap = g.capacity_w(n);
        if !analysis.base.live[n as usize] || !cap.is_finite() {
            continue;
        }
        let load = analysis.base_flow.load(n);
        if is_above_share(load, cap, g.continuous_load_pct(n)) {
            let pct = utilisation_pct(load, cap);
            raw.push(raw_derating(g, n, load, cap, pct));
        }
    }
}

fn raw_derating(g: &Graph, n: NodeId, load: f64, cap: f64, pct: f64) -> Raw {
    about(
        Code::Derating,
        Severity::Warning,
        n,
        g,
        format!(
            "{}, above the {}% continuous rating",
            carries(g.id(n), load, cap, pct, 1),
            g.continuous_load_pct(n)
        ),
    )
}

/// For each element: the longest generator start plus ATS transfers on any
/// path from a generator down to it (None: no generator above).
pub(crate) fn standby_delay_s(g: &Graph) -> Vec<Option<f64>> {
    let mut best: Vec<Option<f64>> = vec![None; g.power.end as usize];
    for &n in g.topo_order() {
        if !g.is_power(n) {
            continue;
        }
        let spec = g.spec(n);
        best[n as usize] = if g.power_kind(n) == Some(PowerKind::Generator) {
            Some(spec.start_s)
        } else {
            g.inputs(n)
                .iter()
                .filter_map(|&i| best[i as usize])
                .reduce(f64::max)
                .map(|d| d + spec.transfer_s)
        };
    }
    best
}

/// UPS batteries that cannot bridge until the generator takes over, and
/// UPS with no generator behind them at all.
fn ups_bridge(analysis: &Analysis, policy: &Policy, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    let delay = standby_delay_s(g);
    for n in g
        .power
        .clone()
        .filter(|&n| g.power_kind(n) == Some(PowerKind::Ups))
    {
        // A generator on either side (input or bypass) is a standby: the
        // UPS stays live through it when the utility is lost.
        if delay[n as usize].is_none() {
            raw.push(about(
                Code::NoStandby,
                Severity::Note,
                n,
                g,
                format!(
                    "{} has no generator upstream: its battery is the only standby",
                    g.id(n)
                ),
            ));
            continue;
        }
        // The battery bridges the gap on the UPS's own input; a bypass is
        // the path around it, not a second wait. With no generator behind
        // the input there is nothing for the battery to wait for.
        let input = g.inputs(n)[0];
        let Some(needed) = delay[input as usize] else {
            continue;
        };
        let spec = g.spec(n);
        let load = analysis.base_flow.load(n);
        if !analysis.base.live[n as usize] || load <= 0.0 {
            continue;
        }
        let runtime_s = spec.runtime_min * 60.0 * spec.capacity_w / load;
        let required = needed + policy.ups_margin_s;
        if exceeds(required, runtime_s) {
            raw.push(about(
                Code::UpsBridge,
                Severity::Error,
                n,
                g,
                format!(
                    "{} bridges {:.0} s on battery at its base load of {} ({} min at full {}), \
                     but the generator takes {:.0} s to carry the load (start plus transfers{})",
                    g.id(n),
                    runtime_s,
                    kw(load),
                    spec.runtime_min,
                    kw(spec.capacity_w),
                    needed,
                    if policy.ups_margin_s > 0.0 {
                        format!(", plus a {} s margin", policy.ups_margin_s)
                    } else {
                        String::new()
                    }
                ),
            ));
        }
    }
}

/// Three-phase elements whose legs are loaded unevenly. A PSU's load goes
/// to the leg its `phase` names when its feed is three-phase; loads that
/// say no leg are spread evenly.
fn phase_imbalance(analysis: &Analysis, policy: &Policy, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    if !g.power.clone().any(|n| g.spec(n).phases == 3) {
        return;
    }
    let flow = &analysis.base_flow;
    let mut legs = vec![[0.0f64; 3]; g.power.end as usize];
    for &n in g.topo_order().iter().rev() {
        let Some(to) = flow.source_of(n) else {
            continue;
        };
        let load = flow.load(n);
        if g.is_psu(n) {
            match g.psu_phase(n) {
                Some(p) if g.spec(to).phases == 3 => legs[to as usize][p as usize - 1] += load,
                _ => legs[to as usize].iter_mut().for_each(|l| *l += load / 3.0),
            }
        } else if g.is_power(n) {
            let own = legs[n as usize];
            for (l, x) in legs[to as usize].iter_mut().zip(own) {
                *l += x;
            }
        }
    }
    for n in g.power.clone() {
        let l = legs[n as usize];
        let total: f64 = l.iter().sum();
        if g.spec(n).phases != 3 || total <= 0.0 || !analysis.base.live[n as usize] {
            continue;
        }
        let mean = total / 3.0;
        let deviation = l.iter().map(|x| (x - mean).abs()).fold(0.0, f64::max);
        let worst = deviation / mean * 100.0;
        if exceeds(deviation, mean * policy.max_phase_imbalance_pct / 100.0) {
            raw.push(about(
                Code::PhaseImbalance,
                Severity::Warning,
                n,
                g,
                format!(
                    "{} legs carry {} / {} / {}: {:.0}% off the mean, above the {}% limit",
                    g.id(n),
                    kw(l[0]),
                    kw(l[1]),
                    kw(l[2]),
                    worst,
                    policy.max_phase_imbalance_pct
                ),
            ));
        }
    }
}
