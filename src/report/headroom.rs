//! `faultline headroom`: the engine's failover-safe headroom and stranded
//! capacity as a table for people, Markdown for a planning document, or
//! JSON for tools. Nothing here computes a load.

use serde_json::{Value, json};

use crate::diagnostic::Palette;
use crate::engine::Analysis;
use crate::engine::headroom::{DrawLimit, Headroom, RackHeadroom, Stranded, StrandedTotals};

/// Watts rounded to a tenth, or `null` when unlimited.
fn watts(w: f64) -> Value {
    if w.is_finite() {
        json!((w * 10.0).round() / 10.0)
    } else {
        Value::Null
    }
}

fn limit_json(a: &Analysis, l: Option<DrawLimit>) -> (Value, Value) {
    match l {
        None => (Value::Null, Value::Null),
        Some(l) => (
            watts(l.draw_w),
            l.limited_by.map_or(Value::Null, |n| json!(a.graph.id(n))),
        ),
    }
}

fn totals_json(t: &StrandedTotals) -> Value {
    json!({
        "space_without_power": {"racks": t.space_racks, "free_u": t.stranded_u},
        "power_without_space": {"racks": t.power_racks, "headroom_w": watts(t.stranded_w)},
    })
}

pub fn json(a: &Analysis, h: &Headroom, s: &Stranded) -> String {
    let g = &a.graph;
    let elements: Vec<Value> = h
        .elements
        .iter()
        .map(|e| {
            json!({
                "id": g.id(e.node),
                "capacity_w": watts(e.capacity_w),
                "limit_w": watts(e.limit_w),
                "load_w": watts(e.load_w),
                "failover_load_w": watts(e.failover_load_w),
                "worst_event": e.worst_event.map(|ev| ev.to_ref(g)),
                "headroom_w": watts(e.headroom_w),
            })
        })
        .collect();
    let racks: Vec<Value> = h
        .racks
        .iter()
        .map(|r| {
            let (dual, dual_by) = limit_json(a, r.dual_corded);
            let (single, single_by) = limit_json(a, r.single_corded);
            json!({
                "id": a.racks.racks[r.rack].id,
                "row": a.racks.racks[r.rack].row,
                "free_u": r.free_u,
                "largest_free_u": r.largest_free_u,
                "feeds": r.feeds.iter().map(|&f| g.id(f)).collect::<Vec<_>>(),
                "dual_corded_headroom_w": dual,
                "single_corded_headroom_w": single,
                "single_corded_feed": r.single_feed.map(|f| g.id(f)),
                "limited_by": {"dual_corded": dual_by, "single_corded": single_by},
            })
        })
        .collect();
    let rack_ids =
        |v: &[usize]| -> Vec<&str> { v.iter().map(|&r| a.racks.racks[r].id.as_str()).collect() };
    let stranded = json!({
        "below_w": s.below_w,
        "space_without_power": rack_ids(&s.space_without_power),
        "power_without_space": rack_ids(&s.power_without_space),
        "rows": s.rows.iter().map(|(row, t)| {
            let mut v = totals_json(t);
            v["row"] = json!(row);
            v
        }).collect::<Vec<_>>(),
        "hall": totals_json(&s.hall),
    });
    let mut text = serde_json::to_string_pretty(&json!({
        "elements": elements,
        "racks": racks,
        "stranded": stranded,
    }))
    .expect("plain values serialise");
    text.push('\n');
    text
}

fn w_text(w: f64) -> String {
    if w.is_finite() {
        format!("{w:.0} W")
    } else {
        "unlimited".to_string()
    }
}

fn limit_text(a: &Analysis, l: Option<DrawLimit>) -> (String, String) {
    match l {
        None => ("-".into(), "-".into()),
        Some(l) => (
            w_text(l.draw_w),
            l.limited_by
                .map_or("-".into(), |n| a.graph.id(n).to_string()),
        ),
    }
}

/// Rows of cells, elements and racks each sorted tightest first.
struct Tables {
    elements: Vec<[String; 7]>,
    element_short: Vec<bool>,
    racks: Vec<[String; 6]>,
}

fn tables(a: &Analysis, h: &Headroom) -> Tables {
    let g = &a.graph;
    let mut elements: Vec<_> = h.elements.iter().collect();
    elements.sort_by(|x, y| x.headroom_w.total_cmp(&y.headroom_w));
    let mut racks: Vec<&RackHeadroom> = h.racks.iter().collect();
    racks.sort_by(|x, y| x.best_w().total_cmp(&y.best_w()));
    Tables {
        element_short: elements.iter().map(|e| e.headroom_w < 0.0).collect(),
        elements: elements
            .iter()
            .map(|e| {
                [
                    g.id(e.node).to_string(),
                    w_text(e.load_w),
                    w_text(e.failover_load_w),
                    e.worst_event.map_or("-".into(), |ev| ev.describe(g)),
                    w_text(e.limit_w),
                    w_text(e.capacity_w),
                    w_text(e.headroom_w),
                ]
            })
            .collect(),
        racks: racks
            .iter()
            .map(|r| {
                let (dual, dual_by) = limit_text(a, r.dual_corded);
                let (single, single_by) = limit_text(a, r.single_corded);
                let by = if dual_by == single_by || single_by == "-" {
                    dual_by
                } else if dual_by == "-" {
                    single_by
                } else {
                    format!("{dual_by} / {single_by}")
                };
                [
                    a.racks.racks[r.rack].id.clone(),
                    r.free_u.to_string(),
                    r.largest_free_u.to_string(),
                    dual,
                    single,
                    by,
                ]
            })
            .collect(),
    }
}

const ELEMENT_HEAD: [&str; 7] = [
    "element",
    "load",
    "failover load",
    "worst event",
    "limit",
    "capacity",
    "headroom",
];
const RACK_HEAD: [&str; 6] = [
    "rack",
    "free U",
    "largest free U",
    "dual-corded",
    "single-corded",
    "limited by",
];

/// Columns padded to their widest cell; numbers right-aligned.
fn aligned<const N: usize>(
    head: [&str; N],
    rows: &[[String; N]],
    paint: &[bool],
    p: &Palette,
) -> String {
    let mut width = head.map(str::len);
    for row in rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| cells.join("  ").trim_end().to_string() + "\n";
    let mut out = line(
        head.iter()
            .zip(width)
            .map(|(h, w)| p.bold(&format!("{h:<w$}")))
            .collect(),
    );
    for (i, row) in rows.iter().enumerate() {
        let cells = row
            .iter()
            .zip(width)
            .enumerate()
            .map(|(c, (cell, w))| {
                let numeric = cell.ends_with(" W") || cell.chars().all(|ch| ch.is_ascii_digit());
                let text = if numeric && c > 0 {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                };
                if c == N - 1 && paint.get(i).copied().unwrap_or(false) {
                    p.alarm(&text)
                } else {
                    text
                }
            })
            .collect();
        out.push_str(&line(cells));
    }
    out
}

fn stranded_lines(a: &Analysis, s: &Stranded) -> Vec<String> {
    let ids = |v: &[usize]| -> String {
        v.iter()
            .map(|&r| a.racks.racks[r].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let totals = |t: &StrandedTotals| {
        format!(
            "{} U in {} rack{} without {} of headroom; {} of headroom in {} full rack{}",
            t.stranded_u,
            t.space_racks,
            crate::wording::s(t.space_racks as usize),
            w_text(s.below_w),
            w_text(t.stranded_w),
            t.power_racks,
            crate::wording::s(t.power_racks as usize),
        )
    };
    let mut out = vec![format!("hall: {}", totals(&s.hall))];
    for (row, t) in &s.rows {
        if t.space_racks + t.power_racks > 0 {
            out.push(format!(
                "row {}: {}",
                row.as_deref().unwrap_or("(none)"),
                totals(t)
            ));
        }
    }
    if !s.space_without_power.is_empty() {
        out.push(format!(
            "space without power: {}",
            ids(&s.space_without_power)
        ));
    }
    if !s.power_without_space.is_empty() {
        out.push(format!(
            "power without space: {}",
            ids(&s.power_without_space)
        ));
    }
    out
}

pub fn human(
    a: &Analysis,
    h: &Headroom,
    s: &Stranded,
    headline: Option<&str>,
    colour: bool,
) -> String {
    let p = Palette::new(colour);
    let t = tables(a, h);
    let mut out = String::new();
    if let Some(line) = headline {
        out.push_str(&p.bold(line));
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "{} rated element{}, failover-safe headroom tightest first (worst single event, before any overload trip):\n",
        h.elements.len(),
        crate::wording::s(h.elements.len())
    ));
    out.push_str(&aligned(ELEMENT_HEAD, &t.elements, &t.element_short, &p));
    out.push_str(&format!(
        "\n{} rack{}: the largest draw one more device can add, tightest first:\n",
        h.racks.len(),
        crate::wording::s(h.racks.len())
    ));
    out.push_str(&aligned(RACK_HEAD, &t.racks, &[], &p));
    out.push_str("\nstranded capacity:\n");
    for line in stranded_lines(a, s) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

fn markdown_table<const N: usize>(head: [&str; N], rows: &[[String; N]]) -> String {
    let mut out = format!("| {} |\n", head.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(N)));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

pub fn markdown(a: &Analysis, h: &Headroom, s: &Stranded, headline: Option<&str>) -> String {
    let t = tables(a, h);
    let mut out = String::from("## Failover-safe headroom\n\n");
    if let Some(line) = headline {
        out.push_str(&format!("**{line}**\n\n"));
    }
    out.push_str(&markdown_table(ELEMENT_HEAD, &t.elements));
    out.push_str("\n## Racks\n\n");
    out.push_str(&markdown_table(RACK_HEAD, &t.racks));
    out.push_str("\n## Stranded capacity\n\n");
    for line in stranded_lines(a, s) {
        out.push_str(&format!("- {line}\n"));
    }
    out
}
