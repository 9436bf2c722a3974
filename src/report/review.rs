//! `faultline diff` for people (compiler-style, each finding located in
//! the file it is in) and for tools (JSON).

use std::fmt::Write;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, SourceLines, render_with};
use crate::findings::groups::blocks_of;
use crate::findings::tier::Tier;
use crate::findings::{Finding, list_names};
use crate::model::Loaded;
use crate::review::diff::{Diff, LoadMove};
use crate::wording::findings_in_blocks;

use super::human::{group_diagnostic, tier_line};

#[derive(Serialize)]
struct TierOut<'a> {
    level: &'static str,
    reasons: &'a [String],
}

impl<'a> TierOut<'a> {
    fn of(t: &'a Tier) -> Self {
        TierOut {
            level: t.level.name(),
            reasons: &t.reasons,
        }
    }
}

#[derive(Serialize)]
struct ChangedOut<'a> {
    before: &'a Finding,
    after: &'a Finding,
}

#[derive(Serialize)]
struct LoadOut<'a> {
    id: &'a str,
    /// The load before and after, as `failover_load_w` gives its pair;
    /// `before_w`/`after_w` stay for readers written before it.
    load_w: BeforeAfter,
    before_w: f64,
    after_w: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity_w: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    before_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after_pct: Option<f64>,
    failover_load_w: BeforeAfter,
}

/// A wattage before and after the change.
#[derive(Serialize)]
struct BeforeAfter {
    before: f64,
    after: f64,
}

#[derive(Serialize)]
struct Tiers<'a> {
    before: TierOut<'a>,
    after: TierOut<'a>,
}

/// How many findings, and in how many blocks: the same two numbers every
/// output gives.
#[derive(Serialize)]
struct Blocks {
    added: usize,
    resolved: usize,
    changed: usize,
}

#[derive(Serialize)]
struct DiffOut<'a> {
    base: &'a str,
    new: &'a str,
    added: Vec<&'a Finding>,
    resolved: Vec<&'a Finding>,
    changed: Vec<ChangedOut<'a>>,
    unchanged: usize,
    blocks: Blocks,
    tier: Tiers<'a>,
    loads: Vec<LoadOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_downtime: Option<serde_json::Value>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn diff_json(base: &Loaded, new: &Loaded, d: &Diff<'_>) -> String {
    let out = DiffOut {
        base: &base.source.name,
        new: &new.source.name,
        added: d.added.clone(),
        resolved: d.resolved.clone(),
        changed: d
            .changed
            .iter()
            .map(|c| ChangedOut {
                before: c.before,
                after: c.after,
            })
            .collect(),
        unchanged: d.unchanged,
        blocks: Blocks {
            added: blocks_of(d.added.iter().copied()).len(),
            resolved: blocks_of(d.resolved.iter().copied()).len(),
            changed: blocks_of(d.changed.iter().map(|c| c.after)).len(),
        },
        tier: Tiers {
            before: TierOut::of(d.tier_before),
            after: TierOut::of(d.tier_after),
        },
        loads: d
            .loads
            .iter()
            .map(|m| LoadOut {
                id: &m.id,
                load_w: BeforeAfter {
                    before: round1(m.before_w),
                    after: round1(m.after_w),
                },
                before_w: round1(m.before_w),
                after_w: round1(m.after_w),
                capacity_w: m.capacity_w.map(round1),
                before_pct: m.before_pct.map(round1),
                after_pct: m.after_pct.map(round1),
                failover_load_w: BeforeAfter {
                    before: round1(m.failover_before_w),
                    after: round1(m.failover_after_w),
                },
            })
            .collect(),
        expected_downtime: d.downtime.as_ref().map(super::downtime::diff_json),
    };
    let mut s = serde_json::to_string_pretty(&out).expect("report types always serialise");
    s.push('\n');
    s
}

/// "cb-a-r07: 2.1 kW (33%) -> 4.0 kW (62%) of 6.4 kW; after one failure
/// 4.2 kW (66%) -> 8.0 kW (125%)".
pub fn load_move_text(m: &LoadMove) -> String {
    let (before, after) = load_move_sides(m);
    let (f_before, f_after) = failover_sides(m);
    format!(
        "{}: {before} -> {after}; after one failure {f_before} -> {f_after}",
        m.id
    )
}

/// The failover loads: ("4.2 kW (66%)", "8.0 kW (125%)").
pub fn failover_sides(m: &LoadMove) -> (String, String) {
    (
        kw_pct(m.failover_before_w, m.failover_before_pct),
        kw_pct(m.failover_after_w, m.failover_after_pct),
    )
}

/// "2.1 kW (33%)", or "2.1 kW" without a rating.
fn kw_pct(w: f64, pct: Option<f64>) -> String {
    let pct = pct.map(|p| format!(" ({p:.0}%)")).unwrap_or_default();
    format!("{:.1} kW{pct}", w / 1000.0)
}

/// ("2.1 kW (33%)", "4.0 kW (62%) of 6.4 kW").
pub fn load_move_sides(m: &LoadMove) -> (String, String) {
    let of = m
        .capacity_w
        .map(|c| format!(" of {:.1} kW", c / 1000.0))
        .unwrap_or_default();
    (
        kw_pct(m.before_w, m.before_pct),
        format!("{}{of}", kw_pct(m.after_w, m.after_pct)),
    )
}

fn render_section(
    out: &mut String,
    title: &str,
    loaded: &Loaded,
    findings: Vec<&Finding>,
    colour: bool,
) {
    let blocks = blocks_of(findings.iter().copied());
    let _ = writeln!(
        out,
        "== {title}: {} ==\n",
        findings_in_blocks(findings.len(), blocks.len())
    );
    let diagnostics: Vec<Diagnostic> = blocks.into_iter().map(group_diagnostic).collect();
    let lines = SourceLines::new(&loaded.source, &diagnostics);
    for d in &diagnostics {
        out.push_str(&render_with(d, Some(&lines), colour));
        out.push('\n');
    }
}

pub fn diff_human(base: &Loaded, new: &Loaded, d: &Diff<'_>, colour: bool) -> String {
    let mut out = String::new();
    if !d.added.is_empty() {
        render_section(
            &mut out,
            &format!("added in {}", new.source.name),
            new,
            d.added.clone(),
            colour,
        );
    }
    if !d.resolved.is_empty() {
        render_section(
            &mut out,
            &format!("resolved (as they were in {})", base.source.name),
            base,
            d.resolved.clone(),
            colour,
        );
    }
    if !d.changed.is_empty() {
        let blocks = blocks_of(d.changed.iter().map(|c| c.after));
        let _ = writeln!(
            out,
            "== changed: {} ==\n",
            findings_in_blocks(d.changed.len(), blocks.len())
        );
        let diagnostics: Vec<Diagnostic> = blocks
            .into_iter()
            .map(|block| {
                let before = d
                    .changed
                    .iter()
                    .find(|c| std::ptr::eq(c.after, block[0]))
                    .map(|c| c.before)
                    .expect("every block of changed findings comes from one");
                let after = block[0];
                let mut note = Vec::new();
                if before.severity != after.severity {
                    note.push(format!(
                        "{} -> {}",
                        before.severity.name(),
                        after.severity.name()
                    ));
                }
                if before.allowed != after.allowed {
                    note.push(if after.allowed {
                        "now allowed".to_string()
                    } else {
                        "no longer allowed".to_string()
                    });
                }
                if before.affected != after.affected {
                    note.push(format!(
                        "affected {} -> {} (was: {})",
                        before.affected.len(),
                        after.affected.len(),
                        list_names(&before.affected, 10)
                    ));
                }
                group_diagnostic(block).with_note("before", note.join("; "))
            })
            .collect();
        let lines = SourceLines::new(&new.source, &diagnostics);
        for dg in &diagnostics {
            out.push_str(&render_with(dg, Some(&lines), colour));
            out.push('\n');
        }
    }
    if !d.loads.is_empty() {
        let _ = writeln!(
            out,
            "== loads moved (now or after one failure) by more than {}% of capacity: {} ==",
            crate::review::diff::LOAD_MOVE_PCT,
            d.loads.len()
        );
        for m in d.loads.iter().take(50) {
            let _ = writeln!(out, "  {}", load_move_text(m));
        }
        if d.loads.len() > 50 {
            let _ = writeln!(
                out,
                "  and {} more (all of them in --format json)",
                d.loads.len() - 50
            );
        }
        out.push('\n');
    }
    let blocks = |v: Vec<&Finding>| blocks_of(v).len();
    let _ = writeln!(
        out,
        "faultline diff: {} -> {}: {} added, {} resolved, {} changed, {} unchanged",
        base.source.name,
        new.source.name,
        findings_in_blocks(d.added.len(), blocks(d.added.clone())),
        findings_in_blocks(d.resolved.len(), blocks(d.resolved.clone())),
        findings_in_blocks(
            d.changed.len(),
            blocks(d.changed.iter().map(|c| c.after).collect())
        ),
        d.unchanged
    );
    if d.tier_before == d.tier_after {
        out.push_str(&tier_line(d.tier_after).replacen(
            "tier estimate:",
            "tier estimate (unchanged):",
            1,
        ));
    } else {
        let _ = writeln!(
            out,
            "tier estimate: {} -> {}",
            d.tier_before.level.name(),
            d.tier_after.level.name()
        );
        out.push_str(&tier_line(d.tier_after).replacen("tier estimate:", "  now:", 1));
    }
    if let Some(downtime) = &d.downtime {
        out.push_str(&super::downtime::diff_human(downtime));
    }
    out
}
