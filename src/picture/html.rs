//! The self-contained HTML report (`faultline report`): summary and tier
//! estimate, the one-line diagram after the events, the findings grouped
//! by code (each with a "show" button that highlights its blast radius on
//! the diagram and the elevations), and the elevations of the racks the
//! findings touch. One file, no network: the style and the script are
//! inlined, the fonts are the browser's own.

use std::fmt::Write;

use super::svg::{self, esc};
use super::{Diagram, Scenario, rack};
use crate::engine::{Analysis, Outcome};
use crate::findings::Finding;
use crate::findings::tier::Tier;
use crate::model::Loaded;

/// At most this many rack elevations: the racks that findings touch
/// most, in file order. A hall with flaws in hundreds of racks lists the
/// rest by name.
pub const MAX_RACKS: usize = 16;

const SCRIPT: &str = include_str!("report.js");
const STYLE: &str = include_str!("report.css");

pub struct Report<'a> {
    pub loaded: &'a Loaded,
    pub analysis: &'a Analysis,
    pub outcome: &'a Outcome,
    pub scenario: &'a Scenario,
    pub diagram: &'a Diagram,
    pub findings: &'a [Finding],
    pub tier: &'a Tier,
    pub source_name: &'a str,
}

pub fn render(r: &Report<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let name = &r.loaded.layout.name;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>faultline: {}</title><style>{STYLE}{}</style></head><body>\n",
        esc(name),
        svg::style()
    );
    summary(&mut out, r);
    diagram(&mut out, r);
    let racks = elevation_racks(r);
    findings(&mut out, r, &racks);
    elevations(&mut out, r, &racks);
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

fn summary(out: &mut String, r: &Report<'_>) {
    let g = &r.analysis.graph;
    let c = crate::findings::count(r.findings);
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"file\">{}</p>",
        esc(&r.loaded.layout.name),
        esc(r.source_name)
    );
    use crate::wording::plural;
    let _ = write!(
        out,
        "<p class=\"counts\">{}, {}, {}, {}: <span class=\"sev-error\">{}</span>, \
         <span class=\"sev-warning\">{}</span>, <span class=\"sev-note\">{}</span>, {} allowed</p>",
        plural(g.power.len(), "power element", "power elements"),
        plural(r.analysis.racks.racks.len(), "rack", "racks"),
        plural(g.devices.len(), "device", "devices"),
        plural(g.services.len(), "service", "services"),
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings"),
        plural(c.notes, "note", "notes"),
        c.allowed
    );
    let _ = write!(
        out,
        "<p class=\"tier\">Tier estimate: <strong>{}</strong>",
        r.tier.level.name()
    );
    if !r.tier.reasons.is_empty() {
        let _ = write!(
            out,
            " (kept from the next level by {})",
            esc(&r.tier.reasons.join(", "))
        );
    }
    out.push_str(
        ". An estimate in the style of the Uptime Institute tiers, never a certification.</p>",
    );
    if !r.diagram.events.is_empty() {
        let _ = write!(
            out,
            "<p class=\"events\">Drawn after: {}</p>",
            esc(&r.diagram.events.join(", "))
        );
        if !r.diagram.trip_order.is_empty() {
            out.push_str("<ol class=\"trips\">");
            for t in &r.diagram.trip_order {
                let _ = write!(out, "<li>{}</li>", esc(t));
            }
            out.push_str("</ol>");
        }
    }
    out.push_str("</header>\n");
}

fn diagram(out: &mut String, r: &Report<'_>) {
    let (sizes, p) = svg::place(r.diagram, 8.0);
    let collapse = match r.diagram.collapse {
        super::Collapse::None => "every element and device",
        super::Collapse::Racks => "collapsed to racks",
        super::Collapse::Rows => "collapsed to rows",
    };
    let _ = write!(
        out,
        "<section id=\"diagram\"><h2>One-line diagram <small>({collapse}; dashed: alternate input; grey line: dead source)</small></h2>{}\
         <div class=\"scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"one-line\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\">",
        legend(),
        w = p.width,
        h = p.height
    );
    out.push('\n');
    svg::body(out, r.diagram, &sizes, &p);
    out.push_str("</svg></div></section>\n");
}

fn legend() -> String {
    let mut s = String::from("<p class=\"legend\">");
    for shade in super::Shade::ALL {
        let _ = write!(
            s,
            "<span class=\"swatch\" style=\"background:{}\"></span>{} ",
            shade.fill(),
            shade.class()
        );
    }
    s.push_str("</p>");
    s
}

fn findings(out: &mut String, r: &Report<'_>, drawn: &[usize]) {
    out.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    if r.findings.is_empty() {
        out.push_str("<p>No findings.</p>");
    }
    let mut i = 0;
    while i < r.findings.len() {
        let code = r.findings[i].code;
        let end = i + r.findings[i..]
            .iter()
            .take_while(|f| f.code == code)
            .count();
        let group = &r.findings[i..end];
        let _ = write!(
            out,
            "<details open class=\"group\"><summary><span class=\"sev-{sev}\">{sev}[{code}]</span> {n}</summary><ul>",
            sev = group[0].severity.name(),
            code = code.name(),
            n = group.len()
        );
        out.push('\n');
        for (j, f) in group.iter().enumerate() {
            finding(out, r, f, i + j, drawn);
        }
        out.push_str("</ul></details>\n");
        i = end;
    }
    out.push_str("</section>\n");
}

/// The ids a finding's blast radius is drawn with: its subject, the
/// event's subject and everything it names as affected.
fn blast_ids(f: &Finding) -> impl Iterator<Item = &str> {
    std::iter::once(f.subject.as_str())
        .chain(f.event.as_ref().map(|e| e.id.as_str()))
        .chain(f.affected.iter().map(String::as_str))
}

fn finding(out: &mut String, r: &Report<'_>, f: &Finding, index: usize, drawn: &[usize]) {
    let nodes = r.diagram.nodes_of_ids(r.analysis, blast_ids(f));
    let node_list: Vec<String> = nodes.iter().map(|n| format!("n{n}")).collect();
    // Devices and PSUs by id, for the elevations (only those drawn there).
    let g = &r.analysis.graph;
    let ids: Vec<&str> = blast_ids(f)
        .filter(|id| {
            g.node(id)
                .and_then(|n| r.analysis.racks.rack_of(g, n))
                .is_some_and(|rk| drawn.contains(&rk))
        })
        .collect();
    let allowed = if f.allowed { " (allowed)" } else { "" };
    let _ = write!(
        out,
        "<li class=\"finding sev-{}\" id=\"f{index}\"><button type=\"button\" class=\"show\" data-nodes=\"{}\" data-ids=\"{}\">show</button> {}{allowed}</li>",
        f.severity.name(),
        node_list.join(" "),
        esc(&ids.join(" ")),
        esc(&f.message)
    );
    out.push('\n');
}

/// The racks the findings touch, most-touched first, at most
/// [`MAX_RACKS`], returned in file order.
fn elevation_racks(r: &Report<'_>) -> Vec<usize> {
    let g = &r.analysis.graph;
    let mut touched = vec![0usize; r.analysis.racks.racks.len()];
    for f in r.findings {
        let mut racks: Vec<usize> = blast_ids(f)
            .filter_map(|id| g.node(id))
            .filter_map(|n| r.analysis.racks.rack_of(g, n))
            .collect();
        racks.sort_unstable();
        racks.dedup();
        for rk in racks {
            touched[rk] += 1;
        }
    }
    let mut order: Vec<usize> = (0..touched.len()).filter(|&i| touched[i] > 0).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(touched[i]), i));
    order.truncate(MAX_RACKS);
    order.sort_unstable();
    order
}

fn elevations(out: &mut String, r: &Report<'_>, racks: &[usize]) {
    out.push_str("<section id=\"racks\"><h2>Rack elevations</h2>\n");
    if racks.is_empty() {
        out.push_str("<p>No finding touches a rack.</p>");
    } else {
        let _ = write!(
            out,
            "<p>The {} rack{} the findings touch most (A, B...: the rack's PDUs in file order).</p><div class=\"scroll\">",
            racks.len(),
            crate::wording::s(racks.len())
        );
        out.push_str(&rack::elevations(
            &r.loaded.layout,
            r.analysis,
            r.outcome,
            r.scenario,
            racks,
        ));
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
}
