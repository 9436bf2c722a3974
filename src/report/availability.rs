//! `faultline availability`: the engine's availability answers as text,
//! Markdown or JSON. Nothing here computes a probability.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::engine::Analysis;
use crate::engine::availability::{Availability, Method, TargetAvailability};
use crate::engine::reliability::Source;

/// How many events each target's importance table lists in text.
const IMPORTANCE_ROWS: usize = 8;
/// How many fixes the ranked list shows in text.
const FIX_ROWS: usize = 10;

fn event_name(a: &Analysis, av: &Availability, e: u32) -> String {
    av.events[e as usize].describe(&a.graph)
}

fn method_text(m: Method) -> String {
    match m {
        Method::Exact { bdd_nodes } => format!("exact, by BDD ({bdd_nodes} nodes)"),
        Method::RareEvent { order, bound } => format!(
            "rare-event sum over cut sets up to order {order}; higher orders may add up to {bound:.3e}"
        ),
    }
}

fn defaults_note(t: &TargetAvailability) -> &'static str {
    if t.rests_on_defaults {
        " (rests on default rates)"
    } else {
        ""
    }
}

fn sci(x: f64) -> String {
    if x.is_infinite() {
        "inf".to_string()
    } else {
        format!("{x:.3e}")
    }
}

/// The human report.
pub fn human(a: &Analysis, av: &Availability) -> String {
    let g = &a.graph;
    let mut s = String::new();
    if av.targets.is_empty() {
        s.push_str("No critical services: nothing to compute (name one with --target).\n");
        return s;
    }
    for t in &av.targets {
        let _ = writeln!(
            s,
            "{}: availability {:.6}% ({:.2} nines), {:.1} min down a year, {:.3} outages a year{}",
            g.id(t.target),
            t.availability() * 100.0,
            t.nines(),
            t.downtime_min_per_year(),
            t.outages_per_year,
            defaults_note(t)
        );
        let _ = writeln!(
            s,
            "  unavailability {} ({})",
            sci(t.unavailability),
            method_text(t.method)
        );
        if !t.top_cuts.is_empty() {
            s.push_str("  cut sets that contribute most:\n");
            for c in &t.top_cuts {
                let names: Vec<String> = c.events.iter().map(|&e| event_name(a, av, e)).collect();
                let _ = writeln!(
                    s,
                    "    {:5.1}%  {}  ({})",
                    c.share * 100.0,
                    names.join(" + "),
                    sci(c.probability)
                );
            }
        }
        if !t.importance.is_empty() {
            s.push_str(
                "  importance            Fussell-Vesely  Birnbaum   RAW        RRW        event\n",
            );
            for i in t.importance.iter().take(IMPORTANCE_ROWS) {
                let _ = writeln!(
                    s,
                    "                        {:<15.4} {:<10} {:<10} {:<10} {}",
                    i.fussell_vesely,
                    sci(i.birnbaum),
                    sci(i.raw),
                    sci(i.rrw),
                    event_name(a, av, i.event)
                );
            }
        }
    }
    if !av.fixes.is_empty() {
        s.push_str("\nfix these first (downtime a year saved if the event could not happen):\n");
        for (rank, f) in av.fixes.iter().take(FIX_ROWS).enumerate() {
            let names: Vec<&str> = f.targets.iter().map(|&t| g.id(t)).collect();
            let _ = writeln!(
                s,
                "  {:>2}. {:<40} {:>10.2} min/yr  ({})",
                rank + 1,
                event_name(a, av, f.event),
                f.saved_min_per_year,
                names.join(", ")
            );
        }
    }
    if av.targets.iter().any(|t| t.rests_on_defaults) {
        s.push_str(
            "\nRates not in the layout come from the policy or the built-in figures (docs/reliability.md).\n",
        );
    }
    s
}

/// The Markdown report: the same content as tables.
pub fn markdown(a: &Analysis, av: &Availability) -> String {
    let g = &a.graph;
    let mut s = String::new();
    s.push_str(
        "| service | availability | nines | downtime (min/yr) | outages/yr | method | defaults |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|\n");
    for t in &av.targets {
        let _ = writeln!(
            s,
            "| `{}` | {:.6}% | {:.2} | {:.1} | {:.3} | {} | {} |",
            g.id(t.target),
            t.availability() * 100.0,
            t.nines(),
            t.downtime_min_per_year(),
            t.outages_per_year,
            method_text(t.method),
            if t.rests_on_defaults { "yes" } else { "no" }
        );
    }
    if !av.fixes.is_empty() {
        s.push_str(
            "\n| rank | fix: the event that could not happen | saves (min/yr) | services |\n",
        );
        s.push_str("|---|---|---|---|\n");
        for (rank, f) in av.fixes.iter().take(FIX_ROWS).enumerate() {
            let names: Vec<String> = f
                .targets
                .iter()
                .map(|&t| format!("`{}`", g.id(t)))
                .collect();
            let _ = writeln!(
                s,
                "| {} | `{}` | {:.2} | {} |",
                rank + 1,
                event_name(a, av, f.event),
                f.saved_min_per_year,
                names.join(", ")
            );
        }
    }
    s
}

fn number(x: f64) -> Value {
    // JSON has no infinity: an RRW with the event in every way down is null.
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Layout => "layout",
        Source::Policy => "policy",
        Source::BuiltIn => "built-in",
    }
}

/// The JSON report.
pub fn json(a: &Analysis, av: &Availability) -> String {
    let g = &a.graph;
    let ev = |e: u32| av.events[e as usize].to_ref(g);
    let targets: Vec<Value> = av
        .targets
        .iter()
        .map(|t| {
            let (method, bound, bdd_nodes) = match t.method {
                Method::Exact { bdd_nodes } => ("exact", None, Some(bdd_nodes)),
                Method::RareEvent { bound, .. } => ("rare-event", Some(bound), None),
            };
            json!({
                "id": g.id(t.target),
                "unavailability": t.unavailability,
                "availability": t.availability(),
                "nines": number(t.nines()),
                "downtime_min_per_year": t.downtime_min_per_year(),
                "outages_per_year": t.outages_per_year,
                "method": method,
                "order": if method == "exact" { Value::Null } else { json!(2) },
                "bound": bound,
                "bdd_nodes": bdd_nodes,
                "rests_on_defaults": t.rests_on_defaults,
                "top_cut_sets": t.top_cuts.iter().map(|c| json!({
                    "events": c.events.iter().map(|&e| ev(e)).collect::<Vec<_>>(),
                    "probability": c.probability,
                    "share": c.share,
                })).collect::<Vec<_>>(),
                "importance": t.importance.iter().map(|i| json!({
                    "event": ev(i.event),
                    "probability": i.q,
                    "birnbaum": i.birnbaum,
                    "fussell_vesely": i.fussell_vesely,
                    "raw": number(i.raw),
                    "rrw": number(i.rrw),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let fixes: Vec<Value> = av
        .fixes
        .iter()
        .map(|f| {
            json!({
                "event": ev(f.event),
                "saved_min_per_year": f.saved_min_per_year,
                "services": f.targets.iter().map(|&t| g.id(t)).collect::<Vec<_>>(),
                "source": source_name(av.rates[f.event as usize].source),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({
        "targets": targets,
        "fix_first": fixes,
    }))
    .unwrap_or_default();
    s.push('\n');
    s
}
