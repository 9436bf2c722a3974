//! A maintenance window (`--out`) as JSON: the `window` object that
//! `check --out` adds to its output.

use serde_json::{Value, json};

use crate::engine::Analysis;
use crate::findings::window::Window;

pub fn json(analysis: &Analysis, w: &Window) -> Value {
    let ids = |v: &[crate::engine::NodeId]| -> Vec<&str> {
        v.iter().map(|&n| analysis.graph.id(n)).collect()
    };
    json!({
        "out": ids(&w.out),
        "headline": w.headline(analysis),
        "maintainable": w.is_maintainable(),
        "critical_down": ids(&w.critical_down),
        "redundancy_lost": ids(&w.redundancy_lost),
        "tripped": ids(&w.tripped),
        "one_event_from_down": w.one_event_from_down,
    })
}

/// Add `window` to a JSON report (an object) already rendered.
pub fn add_to(report: &str, window: Value) -> String {
    let mut v: Value = serde_json::from_str(report).expect("our own JSON parses");
    v["window"] = window;
    let mut text = serde_json::to_string_pretty(&v).expect("plain values serialise");
    text.push('\n');
    text
}

/// `cuts --out`: say which elements are out, and which targets are down
/// for the whole window (they list no cut set: nothing more takes them
/// down). `analysis` is the window's.
pub fn cuts(
    analysis: &Analysis,
    targets: &[crate::engine::NodeId],
    json: bool,
    report: &str,
) -> String {
    let g = &analysis.graph;
    let out: Vec<&str> = analysis.out.iter().map(|&n| g.id(n)).collect();
    let down: Vec<&str> = targets
        .iter()
        .filter(|&&t| !analysis.liveness_base.live[t as usize])
        .map(|&t| g.id(t))
        .collect();
    if json {
        return add_to(report, json!({"out": out, "down": down}));
    }
    let mut line = format!("with {} out:", out.join(", "));
    if down.is_empty() {
        line.push_str(" every target is up; its cut sets are those of the window");
    } else {
        line.push_str(&format!(" down for the whole window: {}", down.join(", ")));
    }
    format!("{line}\n\n{report}")
}
