//! The one-line diagram as a Graphviz graph (`export --format dot`): top
//! to bottom, sources on the top rank, one box per element (or rack, or
//! row) filled by its state, alternate inputs dashed, and the events and
//! trip order as the graph's label.

use std::fmt::Write;

use super::Diagram;
use super::svg::heading_lines;

pub fn graph(d: &Diagram) -> String {
    let mut out = String::new();
    out.push_str("digraph one_line {\n");
    out.push_str("  rankdir=TB; newrank=true; nodesep=0.25; ranksep=0.5;\n");
    let _ = writeln!(
        out,
        "  labelloc=t; labeljust=l; fontname=\"sans-serif\"; label=\"{}\\l\";",
        quote(&heading_lines(d).join("\n")).replace("\\n", "\\l")
    );
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\", fontsize=10];\n",
    );
    let sources: Vec<usize> = (0..d.nodes.len()).filter(|&i| d.nodes[i].source).collect();
    if !sources.is_empty() {
        out.push_str("  { rank=source;");
        for i in &sources {
            let _ = write!(out, " n{i};");
        }
        out.push_str(" }\n");
    }
    for (i, n) in d.nodes.iter().enumerate() {
        let mut label = format!("{} {}", n.kind, n.title);
        for l in &n.lines {
            label.push('\n');
            label.push_str(l);
        }
        let width = match n.shade {
            super::Shade::Tripped | super::Shade::Failed => ", penwidth=2.5",
            _ => "",
        };
        let _ = writeln!(
            out,
            "  n{i} [label=\"{}\", fillcolor=\"{}\", class=\"{}\", id=\"n{i}\"{width}];",
            quote(&label),
            n.shade.fill(),
            n.shade.class(),
        );
    }
    for e in &d.edges {
        let mut attrs = Vec::new();
        if e.alternate {
            attrs.push("style=dashed");
        }
        if e.dead {
            attrs.push("color=\"#bbbbbb\"");
        }
        let _ = if attrs.is_empty() {
            writeln!(out, "  n{} -> n{};", e.from, e.to)
        } else {
            writeln!(out, "  n{} -> n{} [{}];", e.from, e.to, attrs.join(", "))
        };
    }
    out.push_str("}\n");
    out
}

/// A DOT string literal's inside: quotes and backslashes escaped, line
/// breaks as `\n`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}
