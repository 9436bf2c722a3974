//! Rack elevations as SVG (`export --format svg --racks ID...`): every U
//! of each rack, U1 at the bottom, each device at its height with its
//! state, and one small box per PSU naming the feed its cord goes into
//! (the rack's PDUs are A, B, C... in file order; another feed by its id)
//! and coloured by the PSU's own state.

use std::fmt::Write;

use super::svg::{esc, style};
use super::{Scenario, Shade};
use crate::engine::{Analysis, NodeId, Outcome};
use crate::model::format::{Device, Layout};

const U_H: f64 = 16.0;
const RACK_W: f64 = 300.0;
const GUTTER: f64 = 28.0;
const PSU_W: f64 = 26.0;

/// Resolve rack ids; every unknown one is named with the closest.
pub fn find_racks(analysis: &Analysis, ids: &[String]) -> Result<Vec<usize>, Vec<String>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for id in ids {
        match analysis.racks.position(id) {
            Some(r) => found.push(r),
            None => {
                let names: Vec<&str> = analysis.racks.racks.iter().map(|r| r.id.as_str()).collect();
                let hint = crate::suggest::closest(id, names.iter().copied())
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                errors.push(format!("no rack `{id}`{hint}"));
            }
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// A standalone SVG of the racks side by side.
pub fn elevations(
    layout: &Layout,
    analysis: &Analysis,
    outcome: &Outcome,
    scenario: &Scenario,
    racks: &[usize],
) -> String {
    let mut out = String::new();
    let tallest = racks
        .iter()
        .map(|&r| analysis.racks.racks[r].height)
        .max()
        .unwrap_or(42) as f64;
    let width = racks.len() as f64 * (RACK_W + GUTTER + 24.0) + GUTTER;
    let height = tallest * U_H + 60.0;
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="elevations" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#
    );
    let _ = writeln!(
        out,
        "<style>{}.unit{{fill:#f7f7f7;stroke:#ddd}}.u{{font:9px sans-serif;fill:#777}}.psu text{{font:9px sans-serif}}</style>",
        style()
    );
    for (i, &r) in racks.iter().enumerate() {
        let x = GUTTER + 24.0 + i as f64 * (RACK_W + GUTTER + 24.0);
        rack(
            &mut out, layout, analysis, outcome, scenario, r, x, 40.0, tallest,
        );
    }
    out.push_str("</svg>\n");
    out
}

#[allow(clippy::too_many_arguments)]
fn rack(
    out: &mut String,
    layout: &Layout,
    analysis: &Analysis,
    outcome: &Outcome,
    scenario: &Scenario,
    r: usize,
    x: f64,
    top: f64,
    tallest: f64,
) {
    let info = &analysis.racks.racks[r];
    let h = info.height as f64;
    // Shorter racks stand on the same floor as the tallest.
    let y0 = top + (tallest - h) * U_H;
    let row = info
        .row
        .as_deref()
        .map(|row| format!(" (row {row})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        r#"<g class="rack" data-rack="{}"><text class="heading" x="{x:.0}" y="{:.0}">rack {}{}</text>"#,
        esc(&info.id),
        y0 - 10.0,
        esc(&info.id),
        esc(&row)
    );
    for u in 1..=info.height {
        let y = y0 + (h - u as f64) * U_H;
        let _ = write!(
            out,
            r#"<rect class="unit" x="{x:.0}" y="{y:.0}" width="{RACK_W:.0}" height="{U_H:.0}"/><text class="u" x="{:.0}" y="{:.0}">{u}</text>"#,
            x - 20.0,
            y + 11.0
        );
    }
    out.push('\n');
    for (d, spec) in info.devices().zip(&layout.racks[r].devices) {
        device(out, analysis, outcome, scenario, info, (d, spec), x, y0, h);
    }
    out.push_str("</g>\n");
}

#[allow(clippy::too_many_arguments)]
fn device(
    out: &mut String,
    analysis: &Analysis,
    outcome: &Outcome,
    scenario: &Scenario,
    info: &crate::engine::RackInfo,
    (d, spec): (NodeId, &Device),
    x: f64,
    y0: f64,
    h: f64,
) {
    let g = &analysis.graph;
    let (u, height) = (spec.u, spec.height_u);
    let top_u = (u + height).saturating_sub(1) as f64;
    let y = y0 + (h - top_u) * U_H;
    let box_h = height.max(1) as f64 * U_H;
    let shade = Shade::of(outcome.state(d), scenario.out.contains(&d));
    let psus: Vec<NodeId> = g.psus_of_device(d).collect();
    let body_w = RACK_W - psus.len() as f64 * (PSU_W + 2.0) - 4.0;
    let _ = write!(
        out,
        r#"<g class="node {}" data-id="{}" data-kind="device"><title>{}: {}</title><rect x="{:.0}" y="{:.1}" width="{body_w:.0}" height="{:.1}" rx="2"/><text class="title" x="{:.0}" y="{:.1}">{}</text>"#,
        shade.class(),
        esc(g.id(d)),
        esc(g.id(d)),
        shade.class(),
        x + 2.0,
        y + 1.0,
        box_h - 2.0,
        x + 6.0,
        y + 12.0,
        esc(g.id(d)),
    );
    for (i, &p) in psus.iter().enumerate() {
        let feed = g.inputs(p).iter().copied().find(|&f| g.is_power(f));
        let label = match feed {
            Some(f) => info
                .feed_letter(f)
                .map_or_else(|| g.id(f).to_string(), |c| c.to_string()),
            None => "?".to_string(),
        };
        let short: String = label.chars().take(3).collect();
        let ps = Shade::of(outcome.state(p), scenario.out.contains(&p));
        let px = x + body_w + 4.0 + i as f64 * (PSU_W + 2.0);
        let _ = write!(
            out,
            r#"<g class="psu {}" data-id="{}"><title>{} on {}: {}</title><rect x="{px:.0}" y="{:.1}" width="{PSU_W:.0}" height="{:.1}" rx="2"/><text x="{:.0}" y="{:.1}">{}</text></g>"#,
            ps.class(),
            esc(g.id(p)),
            esc(g.id(p)),
            esc(&feed.map_or("no feed".to_string(), |f| g.id(f).to_string())),
            ps.class(),
            y + 1.0,
            box_h - 2.0,
            px + 4.0,
            y + 12.0,
            esc(&short),
        );
    }
    out.push_str("</g>\n");
}
