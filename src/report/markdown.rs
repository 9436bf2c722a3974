//! Markdown for tickets and pull-request comments: a headline, one table
//! per section, long sections collapsed in `<details>`. Written for
//! GitHub's and GitLab's renderers: no HTML but `<details>`/`<summary>`,
//! and every id escaped so a `|` or `*` in it cannot break a table.

use std::fmt::Write;

use crate::code::{Code, Severity};
use crate::engine::Analysis;
use crate::findings::groups::blocks_of;
use crate::findings::tier::Tier;
use crate::findings::{Finding, count};
use crate::model::Loaded;
use crate::review::diff::Diff;

use super::review::{failover_sides, load_move_sides};
use crate::wording::{findings_in_blocks, plural};

/// Ids shown in a blast-radius cell before "and N more".
const IDS_IN_CELL: usize = 5;
/// Events of one block shown before "and N more": a series chain names
/// each of its elements, and they are what a reviewer looks for.
const EVENTS_IN_CELL: usize = 12;

pub use super::md_escape::{COLLAPSE_ROWS, escape};

fn ids_cell(ids: &[String]) -> String {
    ids_cell_max(ids, IDS_IN_CELL)
}

fn ids_cell_max(ids: &[String], max: usize) -> String {
    let shown: Vec<String> = ids.iter().take(max).map(|s| escape(s)).collect();
    let mut s = shown.join(", ");
    if ids.len() > max {
        let _ = write!(s, " and {} more", ids.len() - max);
    }
    s
}

fn events_cell(block: &[&Finding]) -> String {
    let events: Vec<String> = block
        .iter()
        .filter_map(|f| f.event.as_ref())
        .map(|e| format!("{} {}", e.kind, e.id))
        .collect();
    if events.is_empty() {
        "-".to_string()
    } else {
        ids_cell_max(&events, EVENTS_IN_CELL)
    }
}

fn blast_cell(f: &Finding) -> String {
    if f.affected.is_empty() {
        return "-".to_string();
    }
    // A double fault's list is the events of its first pairs, not what
    // goes down: say so, as the human report does.
    let what = if f.code == Code::DoubleFault {
        "in pairs"
    } else {
        "down"
    };
    format!("{} {what}: {}", f.affected.len(), ids_cell(&f.affected))
}

fn line_cell(f: &Finding) -> String {
    f.line.map_or("-".to_string(), |l| l.to_string())
}

/// One table of finding blocks, collapsed when long.
fn table(out: &mut String, title: &str, findings: &[&Finding]) {
    let blocks = blocks_of(findings.iter().copied());
    let _ = writeln!(
        out,
        "### {title} ({})\n",
        findings_in_blocks(findings.len(), blocks.len())
    );
    let collapse = blocks.len() > COLLAPSE_ROWS;
    if collapse {
        let _ = writeln!(
            out,
            "<details>\n<summary>{} blocks</summary>\n",
            blocks.len()
        );
    }
    out.push_str("| severity | code | subject | events | blast radius | line |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for block in &blocks {
        let f = block[0];
        let allowed = if f.allowed { " (allowed)" } else { "" };
        let _ = writeln!(
            out,
            "| {}{allowed} | {} | {} | {} | {} | {} |",
            f.severity.name(),
            escape(f.code.name()),
            escape(&f.subject),
            events_cell(block),
            blast_cell(f),
            line_cell(f)
        );
    }
    out.push('\n');
    if collapse {
        out.push_str("</details>\n\n");
    }
}

fn tier_text(t: &Tier) -> String {
    if t.reasons.is_empty() {
        format!("**{}**", t.level.name())
    } else {
        format!(
            "**{}** (held back by: {})",
            t.level.name(),
            escape(&t.reasons.join(", "))
        )
    }
}

/// Critical services that some failing finding names as going down.
fn critical_at_risk(analysis: &Analysis, findings: &[Finding]) -> Vec<String> {
    let g = &analysis.graph;
    let critical: std::collections::BTreeSet<&str> =
        g.critical_services().map(|n| g.id(n)).collect();
    let mut out: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for f in findings.iter().filter(|f| {
        !f.allowed
            && f.severity == Severity::Error
            && matches!(f.code, Code::Spof | Code::SharedFate)
    }) {
        for id in &f.affected {
            if critical.contains(id.as_str()) {
                out.insert(id.clone());
            }
        }
    }
    out.into_iter().collect()
}

fn counts_text(findings: &[Finding]) -> String {
    let c = count(findings);
    format!(
        "{}: {}, {}, {}, {} allowed",
        findings_in_blocks(findings.len(), blocks_of(findings).len()),
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings"),
        plural(c.notes, "note", "notes"),
        c.allowed
    )
}

/// The findings of one layout, a table per severity.
fn by_severity(out: &mut String, findings: &[Finding]) {
    for (sev, title) in [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Note, "Notes"),
    ] {
        let list: Vec<&Finding> = findings.iter().filter(|f| f.severity == sev).collect();
        if !list.is_empty() {
            table(out, title, &list);
        }
    }
}

/// `downtime_bullet`: the headline's expected-downtime line
/// (`report::downtime::check_markdown`), or empty.
pub fn check(
    loaded: &Loaded,
    analysis: &Analysis,
    findings: &[Finding],
    tier: &Tier,
    downtime_bullet: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## faultline: {} (`{}`)\n",
        escape(&loaded.layout.name),
        loaded.source.name.replace('`', "'")
    );
    let _ = writeln!(out, "- **Tier estimate:** {}", tier_text(tier));
    let _ = writeln!(out, "- **Findings:** {}", counts_text(findings));
    out.push_str(downtime_bullet);
    let at_risk = critical_at_risk(analysis, findings);
    if at_risk.is_empty() {
        out.push_str("- **Critical services at risk:** none\n\n");
    } else {
        let _ = writeln!(
            out,
            "- **Critical services at risk ({}):** {}\n",
            at_risk.len(),
            ids_cell(&at_risk)
        );
    }
    by_severity(&mut out, findings);
    out
}

pub fn diff(
    base: &Loaded,
    new: &Loaded,
    new_analysis: &Analysis,
    new_findings: &[Finding],
    d: &Diff<'_>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## faultline diff: `{}` → `{}`\n",
        base.source.name.replace('`', "'"),
        new.source.name.replace('`', "'")
    );
    let blocks = |v: Vec<&Finding>| blocks_of(v).len();
    let _ = writeln!(
        out,
        "- **Added:** {}\n- **Resolved:** {}\n- **Changed:** {}\n- **Unchanged:** {}",
        findings_in_blocks(d.added.len(), blocks(d.added.clone())),
        findings_in_blocks(d.resolved.len(), blocks(d.resolved.clone())),
        findings_in_blocks(
            d.changed.len(),
            blocks(d.changed.iter().map(|c| c.after).collect())
        ),
        d.unchanged
    );
    if d.tier_before == d.tier_after {
        let _ = writeln!(
            out,
            "- **Tier estimate:** {} (unchanged)",
            tier_text(d.tier_after)
        );
    } else {
        let _ = writeln!(
            out,
            "- **Tier estimate:** {} → {}",
            tier_text(d.tier_before),
            tier_text(d.tier_after)
        );
    }
    if let Some(downtime) = &d.downtime {
        out.push_str(&super::downtime::diff_markdown_headline(downtime));
    }
    let at_risk = critical_at_risk(new_analysis, new_findings);
    let _ = writeln!(
        out,
        "- **Critical services at risk in the new layout ({}):** {}\n",
        at_risk.len(),
        if at_risk.is_empty() {
            "none".to_string()
        } else {
            ids_cell(&at_risk)
        }
    );
    if !d.added.is_empty() {
        table(&mut out, "Added", &d.added);
    }
    if !d.resolved.is_empty() {
        table(&mut out, "Resolved", &d.resolved);
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "### Changed ({} findings)\n", d.changed.len());
        let collapse = d.changed.len() > COLLAPSE_ROWS;
        if collapse {
            let _ = writeln!(
                out,
                "<details>\n<summary>{} findings</summary>\n",
                d.changed.len()
            );
        }
        out.push_str("| code | subject | event | before | after |\n|---|---|---|---|---|\n");
        for c in &d.changed {
            let side = |f: &Finding| {
                format!(
                    "{}{}, {}",
                    f.severity.name(),
                    if f.allowed { " (allowed)" } else { "" },
                    blast_cell(f)
                )
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(c.after.code.name()),
                escape(&c.after.subject),
                events_cell(&[c.after]),
                side(c.before),
                side(c.after)
            );
        }
        out.push('\n');
        if collapse {
            out.push_str("</details>\n\n");
        }
    }
    if !d.loads.is_empty() {
        let _ = writeln!(out, "### Loads moved ({} elements)\n", d.loads.len());
        let collapse = d.loads.len() > COLLAPSE_ROWS;
        if collapse {
            let _ = writeln!(
                out,
                "<details>\n<summary>{} elements</summary>\n",
                d.loads.len()
            );
        }
        out.push_str(
            "| element | before | after | after one failure, before | after one failure, after |\n|---|---|---|---|---|\n",
        );
        for m in &d.loads {
            let (before, after) = load_move_sides(m);
            let (f_before, f_after) = failover_sides(m);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&m.id),
                escape(&before),
                escape(&after),
                escape(&f_before),
                escape(&f_after)
            );
        }
        out.push('\n');
        if collapse {
            out.push_str("</details>\n\n");
        }
    }
    if let Some(downtime) = &d.downtime {
        out.push_str(&super::downtime::diff_markdown_table(downtime));
    }
    let _ = writeln!(
        out,
        "<details>\n<summary>Every finding of the new layout: {}</summary>\n",
        counts_text(new_findings)
    );
    by_severity(&mut out, new_findings);
    out.push_str("</details>\n");
    out
}

/// The section `check --baseline` adds: what fails that the baseline did
/// not hold.
pub fn new_since_baseline(failing: &[&Finding]) -> String {
    let mut out = String::new();
    if failing.is_empty() {
        out.push_str(
            "### Not in the baseline (0 findings)\n\nEvery failing finding is in the baseline.\n",
        );
    } else {
        table(&mut out, "Not in the baseline", failing);
    }
    out
}
