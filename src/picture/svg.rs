//! The one-line diagram as SVG, laid out here ([`super::layered`]) so no
//! Graphviz is needed. Every box is a `<g class="node STATE">` with
//! `data-id` (the element, rack or row) and `data-kind`; every line a
//! `<path class="edge">`, `alt` for a transfer switch's alternate input,
//! `dead` when its source end is down. The HTML report highlights boxes
//! through these classes, and tests read them.

use std::fmt::Write;

use super::layered::{Placement, layout};
use super::{Diagram, Shade};

const CHAR_W: f64 = 6.6;
const LINE_H: f64 = 14.0;
const PAD: f64 = 6.0;

/// The size of each box: wide enough for its longest line.
pub fn box_sizes(d: &Diagram) -> Vec<(f64, f64)> {
    d.nodes
        .iter()
        .map(|n| {
            let title = format!("{} {}", n.kind, n.title);
            let longest = n
                .lines
                .iter()
                .map(|l| l.chars().count())
                .chain([title.chars().count()])
                .max()
                .unwrap_or(1);
            (
                (longest as f64 * CHAR_W + 2.0 * PAD).max(60.0),
                (n.lines.len() + 1) as f64 * LINE_H + 2.0 * PAD,
            )
        })
        .collect()
}

/// Lay the diagram out below a heading of `top` pixels.
pub fn place(d: &Diagram, top: f64) -> (Vec<(f64, f64)>, Placement) {
    let sizes = box_sizes(d);
    let edges: Vec<(u32, u32)> = d.edges.iter().map(|e| (e.from, e.to)).collect();
    let p = layout(&sizes, &edges, top);
    (sizes, p)
}

/// The shared style of every picture: one colour per state.
pub fn style() -> String {
    let mut css = String::from(
        ".node rect{stroke:#333;stroke-width:1}.node text{font:11px sans-serif;fill:#111}\
         .node .title{font-weight:bold}.edge{fill:none;stroke:#444;stroke-width:1.2}\
         .edge.alt{stroke-dasharray:5 4}.edge.dead{stroke:#bbb}\
         .node.hl rect{stroke:#0057d9;stroke-width:4}.heading{font:13px sans-serif}\
         .dim .node:not(.hl){opacity:.35}",
    );
    for s in Shade::ALL {
        let _ = write!(css, ".{} rect{{fill:{}}}", s.class(), s.fill());
    }
    css.push_str(".tripped rect,.failed rect{stroke-width:2.5}");
    css
}

/// The standalone SVG document (`export --format svg`).
pub fn one_line(d: &Diagram) -> String {
    let heading = heading_lines(d);
    let top = 12.0 + heading.len() as f64 * 16.0;
    let (sizes, p) = place(d, top);
    let mut out = String::new();
    let width = p.width.max(400.0);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="one-line" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}">"#,
        w = width,
        h = p.height
    );
    out.push('\n');
    let _ = writeln!(out, "<style>{}</style>", style());
    for (i, line) in heading.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text class="heading" x="16" y="{:.0}">{}</text>"#,
            22.0 + i as f64 * 16.0,
            esc(line)
        );
    }
    body(&mut out, d, &sizes, &p);
    out.push_str("</svg>\n");
    out
}

/// The boxes and lines alone, for embedding.
pub fn body(out: &mut String, d: &Diagram, sizes: &[(f64, f64)], p: &Placement) {
    out.push_str("<g class=\"edges\">\n");
    for e in &d.edges {
        let (a, b) = (e.from as usize, e.to as usize);
        let (x1, y1) = (p.x[a] + sizes[a].0 / 2.0, p.y[a] + sizes[a].1);
        let (x2, y2) = (p.x[b] + sizes[b].0 / 2.0, p.y[b]);
        let mid = (y1 + y2) / 2.0;
        let mut class = String::from("edge");
        if e.alternate {
            class.push_str(" alt");
        }
        if e.dead {
            class.push_str(" dead");
        }
        let _ = writeln!(
            out,
            r#"<path class="{class}" data-from="n{a}" data-to="n{b}" d="M{x1:.1},{y1:.1} C{x1:.1},{mid:.1} {x2:.1},{mid:.1} {x2:.1},{y2:.1}"/>"#
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (i, n) in d.nodes.iter().enumerate() {
        let (w, h) = sizes[i];
        let (x, y) = (p.x[i], p.y[i]);
        let _ = write!(
            out,
            r#"<g class="node {}" id="n{i}" data-id="{}" data-kind="{}"><title>{} {}: {}</title><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="4"/>"#,
            n.shade.class(),
            esc(&n.title),
            n.kind,
            n.kind,
            esc(&n.title),
            esc(&n.lines.join("; ")),
        );
        let _ = write!(
            out,
            r#"<text class="title" x="{:.1}" y="{:.1}">{} {}</text>"#,
            x + PAD,
            y + PAD + 11.0,
            n.kind,
            esc(&n.title)
        );
        for (j, line) in n.lines.iter().enumerate() {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                x + PAD,
                y + PAD + 11.0 + (j + 1) as f64 * LINE_H,
                esc(line)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
}

/// The picture's heading: the layout, the events, the trip order.
pub fn heading_lines(d: &Diagram) -> Vec<String> {
    let mut lines = vec![d.title.clone()];
    if d.events.is_empty() {
        lines.push("as designed (no events)".to_string());
    } else {
        lines.push(format!("events: {}", d.events.join(", ")));
    }
    for (i, t) in d.trip_order.iter().enumerate() {
        lines.push(format!("{}. {t}", i + 1));
    }
    lines
}

/// Escape text for XML and HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
