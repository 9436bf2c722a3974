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
