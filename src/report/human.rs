//! The human report: compiler-style diagnostics pointing into the layout,
//! with findings that share a blast radius grouped into one entry.

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Palette, SourceLines, render_with};
use crate::engine::{Analysis, ByKind, Impact, NodeId};
use crate::findings::tier::{Level, Tier};
use crate::findings::{Finding, count, list_names};
use crate::model::Loaded;
use crate::wording::carries;

fn group(findings: &[Finding]) -> Vec<Vec<&Finding>> {
    crate::findings::groups::blocks(findings)
}

pub fn check(loaded: &Loaded, findings: &[Finding], tier: &Tier, colour: bool) -> String {
    let diagnostics: Vec<Diagnostic> = group(findings).into_iter().map(group_diagnostic).collect();
    let lines = SourceLines::new(&loaded.source, &diagnostics);
    let mut out = String::new();
    for d in &diagnostics {
        out.push_str(&render_with(d, Some(&lines), colour));
        out.push('\n');
    }
    out.push_str(&summary_line(loaded, findings));
    out.push_str(&tier_line(tier));
    out
}

/// One diagnostic for a group of findings with the same blast radius.
pub(crate) fn group_diagnostic(group: Vec<&Finding>) -> Diagnostic {
    let first = group[0];
    let mut d = Diagnostic {
        severity: first.severity,
        code: first.code,
        message: first.message.clone(),
        loc: first.loc,
        notes: Vec::new(),
    };
    if group.len() > 1 {
        let others: Vec<String> = group[1..]
            .iter()
            .map(|f| match &f.event {
                Some(e) => format!("{} {}", e.kind, e.id),
                None => f.subject.clone(),
            })
            .collect();
        d = d.with_note("same blast radius", list_names(&others, 8));
    }
    if !first.affected.is_empty() {
        d = d.with_note(
            &format!("{} ({})", affected_label(first.code), first.affected.len()),
            list_names(&first.affected, 10),
        );
    }
    if let Some(s) = &first.source {
        let name = s
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        d = d.with_note("source", format!("{}{name}", s.url));
    }
    if first.allowed {
        d = d.with_note(
            "allowed",
            "accepted by an `allow` list; not counted as a failure",
        );
    }
    d.with_help(first.code.help())
}

/// What a finding's `affected` list holds, named for it: a double fault
/// lists the events of its first pairs, a failover overload the elements
/// that trip and what goes down.
pub fn affected_label(code: crate::code::Code) -> &'static str {
    use crate::code::Code;
    match code {
        Code::DoubleFault => "events in the first pairs",
        Code::FailoverOverload => "tripped and down",
        _ => "affected",
    }
}

/// "tier estimate: concurrently-maintainable (not fault-tolerant: 2 of 5 spof findings)"
pub fn tier_line(tier: &Tier) -> String {
    let next = match tier.level {
        Level::Basic => Some("redundant-components"),
        Level::RedundantComponents => Some("concurrently-maintainable"),
        Level::ConcurrentlyMaintainable => Some("fault-tolerant"),
        Level::FaultTolerant => None,
    };
    match next {
        Some(next) if !tier.reasons.is_empty() => format!(
            "tier estimate: {} (not {next}: {}); an estimate in the style of the Uptime Institute tiers, not a certification\n",
            tier.level.name(),
            tier.reasons.join(", ")
        ),
        _ => format!(
            "tier estimate: {}; an estimate in the style of the Uptime Institute tiers, not a certification\n",
            tier.level.name()
        ),
    }
}

pub fn summary_line(loaded: &Loaded, findings: &[Finding]) -> String {
    let c = count(findings);
    let l = &loaded.layout;
    let devices: usize = l.racks.iter().map(|r| r.devices.len()).sum();
    let blocks = crate::findings::groups::blocks(findings).len();
    format!(
        "faultline: {}: {}: {} error{}, {} warning{}, {} note{}, {} allowed ({} power element{}, {} rack{}, {} device{}, {} service{})\n",
        loaded.source.name,
        crate::wording::findings_in_blocks(findings.len(), blocks),
        c.errors,
        crate::wording::s(c.errors),
        c.warnings,
        crate::wording::s(c.warnings),
        c.notes,
        crate::wording::s(c.notes),
        c.allowed,
        l.power.len(),
        crate::wording::s(l.power.len()),
        l.racks.len(),
        crate::wording::s(l.racks.len()),
        devices,
        crate::wording::s(devices),
        l.services.len(),
        crate::wording::s(l.services.len()),
    )
}

/// The blast radius of a what-if, section by section.
pub fn trip(analysis: &Analysis, impact: &Impact, colour: bool) -> String {
    let g = &analysis.graph;
    let palette = Palette::new(colour);
    let bold = |s: &str| palette.bold(s);
    let red = |s: &str| palette.alarm(s);
    let mut out = String::new();
    let events: Vec<String> = impact.events.iter().map(|e| e.describe(g)).collect();
    if !analysis.out.is_empty() {
        let ids: Vec<&str> = analysis.out.iter().map(|&n| g.id(n)).collect();
        let _ = writeln!(
            out,
            "{} {} (out for planned work; what follows is what the events add)",
            bold("during the window:"),
            ids.join(", ")
        );
    }
    let _ = writeln!(out, "{} {}", bold("what if:"), events.join(" + "));
    for e in &impact.events {
        if let crate::engine::Event::Short(p) = e {
            match analysis.protective_device(*p, impact.cascade) {
                Some(t) => {
                    let _ = writeln!(out, "  the short in {} trips {}", g.id(*p), g.id(t));
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  the short in {} opens only its outlet breaker",
                        g.id(*p)
                    );
                }
            }
        }
    }
    for t in &impact.tripped {
        let load = carries(&red(g.id(t.node)), t.load_w, t.capacity_w, t.load_pct(), 1);
        let _ = writeln!(out, "  round {}: {load} and trips", t.round);
    }
    for t in &impact.overloaded {
        let load = carries(&red(g.id(t.node)), t.load_w, t.capacity_w, t.load_pct(), 1);
        let _ = writeln!(out, "  over capacity (would trip): {load}");
    }
    let mut section = |title: &str, ids: Vec<String>| {
        if !ids.is_empty() {
            let _ = writeln!(out, "{} ({}): {}", bold(title), ids.len(), ids.join(", "));
        }
    };
    let pick = |nodes: &[NodeId]| -> Vec<String> {
        let mut v: Vec<String> = nodes
            .iter()
            .map(|&n| {
                if g.is_critical(n) {
                    format!("{} (critical)", g.id(n))
                } else {
                    g.id(n).to_string()
                }
            })
            .collect();
        v.sort();
        v
    };
    let down = ByKind::split(g, impact.down.iter().copied());
    let degraded = ByKind::split(g, impact.degraded.iter().copied());
    section("down services", pick(&down.all_services()));
    section("down devices", pick(&down.devices));
    section("down power", pick(&down.power));
    section("down PSUs", pick(&down.psus));
    section("degraded services", pick(&degraded.all_services()));
    section("degraded devices", pick(&degraded.devices));
    section("degraded power", pick(&degraded.power));
    let critical: Vec<String> = down.critical.iter().map(|&n| g.id(n).to_string()).collect();
    if impact.down.is_empty() && impact.degraded.is_empty() {
        let _ = writeln!(out, "nothing else goes down or loses redundancy");
    }
    if critical.is_empty() {
        let _ = writeln!(out, "faultline: no critical service goes down");
    } else {
        let _ = writeln!(
            out,
            "faultline: {} critical service{} down: {}",
            critical.len(),
            crate::wording::s(critical.len()),
            red(&critical.join(", "))
        );
    }
    out
}

/// Cut sets per target: single events first, then pairs.
pub fn cuts(
    analysis: &Analysis,
    sets: &crate::engine::cuts::CutSets,
    order: u32,
    colour: bool,
) -> String {
    let g = &analysis.graph;
    let palette = Palette::new(colour);
    let bold = |s: &str| palette.bold(s);
    let mut out = String::new();
    if sets.targets.is_empty() {
        out.push_str("no critical services: name targets with --target ID\n");
    }
    for (t, cuts) in &sets.targets {
        let list = sets.sorted_refs(g, cuts);
        let singles = list.iter().filter(|c| c.len() == 1).count();
        let pairs = list.len() - singles;
        let what = if g.is_critical(*t) {
            "critical service"
        } else {
            crate::engine::graph::kind_label(g.kind(*t))
        };
        let counts = if order >= 2 {
            format!(
                "{singles} single event{}, {pairs} pair{}",
                crate::wording::s(singles),
                crate::wording::s(pairs)
            )
        } else {
            format!("{singles} single event{}", crate::wording::s(singles))
        };
        // Down by construction (a device with `psus: []` below it): no
        // event is needed, so the empty list must not read as "safe".
        let counts = if analysis.out.is_empty() && !analysis.liveness_base.live[*t as usize] {
            format!("{counts}: down with nothing failed (no power path)")
        } else {
            counts
        };
        let _ = writeln!(out, "{} ({what}): {counts}", bold(g.id(*t)));
        for c in &list {
            let text: Vec<String> = c.iter().map(|e| format!("{} {}", e.kind, e.id)).collect();
            let _ = writeln!(out, "  {}", text.join(" + "));
        }
    }
    out
}
