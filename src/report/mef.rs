//! The layout's liveness logic as an Open-PSA Model Exchange Format fault
//! tree, for SCRAM, XFTA and commercial reliability tools.
//!
//! Each node becomes the gate `down-<id>` = OR(its own basic events,
//! ATLEAST(n - k + 1, the down-gates of its n inputs)): exactly the rule the
//! engine evaluates and the cut-set algorithm expands. Each critical
//! service and each device gets a pass-through top gate `top-<id>`, so a
//! tool that analyses every top event reports each of them. Every event of
//! the universe is a basic event with a placeholder probability.
//!
//! MEF names allow letters, digits, `_` and single inner hyphens; ids are
//! sanitised (`.`, `:`, `/`, `#` become `_`) and made unique with a suffix,
//! and every definition carries the exact id in its `<label>`.

use std::collections::HashSet;
use std::fmt::Write;

use crate::engine::cuts::OwnEvents;
use crate::engine::events::universe;
use crate::engine::reliability::event_rates;
use crate::engine::{Analysis, Event, NodeId};
use crate::model::format::Layout;

/// The placeholder probability of every basic event: the export carries
/// the logic; reliability engineers supply the data.
pub const PLACEHOLDER_PROBABILITY: &str = "1.0e-3";

/// The MEF text and the names given to targets and events.
pub struct MefExport {
    pub xml: String,
    /// Top gate name for each target node.
    pub tops: Vec<(NodeId, String)>,
    /// Basic-event name of each event of the universe, by index.
    pub events: Vec<String>,
}

struct Names {
    used: HashSet<String>,
}

impl Names {
    fn make(&mut self, prefix: &str, id: &str) -> String {
        let mut body = String::with_capacity(id.len());
        for c in id.chars() {
            let c = if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            };
            if !(c == '-' && body.ends_with('-')) {
                body.push(c);
            }
        }
        let body = body.trim_matches('-');
        let base = format!("{prefix}-{body}");
        let mut name = base.clone();
        let mut n = 2;
        while !self.used.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Export the fault tree of every critical service and every device.
pub fn export(analysis: &Analysis, layout_name: &str) -> MefExport {
    let g = &analysis.graph;
    let mut targets: Vec<NodeId> = g.critical_services().collect();
    targets.extend(g.devices.clone());
    export_targets(analysis, layout_name, &targets)
}

/// Export the fault tree of every critical service and every device with
/// each basic event's steady-state probability (`engine::reliability`),
/// so a SCRAM or XFTA run starts from the numbers `availability` uses.
pub fn export_with_rates(analysis: &Analysis, layout: &Layout) -> MefExport {
    let g = &analysis.graph;
    let mut targets: Vec<NodeId> = g.critical_services().collect();
    targets.extend(g.devices.clone());
    export_targets_with(analysis, layout, &targets)
}

/// [`export_with_rates`] for the given targets.
pub fn export_targets_with(analysis: &Analysis, layout: &Layout, targets: &[NodeId]) -> MefExport {
    let events = universe(&analysis.graph);
    let rates = event_rates(layout, &analysis.graph, &events);
    let probabilities: Vec<String> = rates.iter().map(|r| format!("{:e}", r.q)).collect();
    build(analysis, &layout.name, targets, Some(&probabilities))
}

/// Export the fault tree of the given targets.
pub fn export_targets(analysis: &Analysis, layout_name: &str, targets: &[NodeId]) -> MefExport {
    build(analysis, layout_name, targets, None)
}

fn build(
    analysis: &Analysis,
    layout_name: &str,
    targets: &[NodeId],
    probabilities: Option<&[String]>,
) -> MefExport {
    let g = &analysis.graph;
    let events = universe(g);
    let own = analysis.own_events();
    let mut names = Names {
        used: HashSet::new(),
    };

    let event_names: Vec<String> = events
        .iter()
        .map(|e| names.make(e.kind_name(), e.subject(g)))
        .collect();

    let needed = g.cone_above(targets);
    let mut gate_names: Vec<String> = vec![String::new(); g.len()];
    for n in (0..g.len() as NodeId).filter(|&n| needed[n as usize]) {
        gate_names[n as usize] = names.make("down", g.id(n));
    }
    let tops: Vec<(NodeId, String)> = targets
        .iter()
        .map(|&t| (t, names.make("top", g.id(t))))
        .collect();

    let mut x = String::new();
    let _ = writeln!(x, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        x,
        "<!-- faultline: the liveness logic of \"{}\" as a fault tree. Gates down-ID are true when ID is down;",
        escape(layout_name).replace("--", "- -")
    );
    let _ = writeln!(
        x,
        "     basic events are the single events faultline sweeps (fail, short, common); {} -->",
        if probabilities.is_some() {
            "probabilities are steady-state unavailabilities from the layout's rates (docs/reliability.md)."
        } else {
            "probabilities are placeholders."
        }
    );
    let _ = writeln!(x, "<opsa-mef>");
    let _ = writeln!(x, r#"  <define-fault-tree name="faultline">"#);
    for (t, name) in &tops {
        let what = if g.is_service(*t) {
            "critical service"
        } else {
            "device"
        };
        let _ = writeln!(
            x,
            "    <define-gate name=\"{name}\"><label>{what} {} down</label><gate name=\"{}\"/></define-gate>",
            escape(g.id(*t)),
            gate_names[*t as usize]
        );
    }
    for &n in g.topo_order() {
        if !needed[n as usize] {
            continue;
        }
        let _ = writeln!(
            x,
            "    <define-gate name=\"{}\"><label>{} down</label>{}</define-gate>",
            gate_names[n as usize],
            escape(g.id(n)),
            formula(analysis, n, own, &event_names, &gate_names)
        );
    }
    let _ = writeln!(x, "  </define-fault-tree>");
    let _ = writeln!(x, "  <model-data>");
    for (i, (e, name)) in events.iter().zip(&event_names).enumerate() {
        let p = probabilities.map_or(PLACEHOLDER_PROBABILITY, |p| p[i].as_str());
        let _ = writeln!(
            x,
            "    <define-basic-event name=\"{name}\"><label>{}</label><float value=\"{p}\"/></define-basic-event>",
            escape(&describe(analysis, *e))
        );
    }
    let _ = writeln!(x, "  </model-data>");
    let _ = writeln!(x, "</opsa-mef>");
    MefExport {
        xml: x,
        tops,
        events: event_names,
    }
}

fn describe(analysis: &Analysis, e: Event) -> String {
    e.describe(&analysis.graph)
}

/// Largest OR-of-ANDs written for an ATLEAST with repeated arguments.
const MAX_EXPANSION: usize = 10_000;

/// The gate a node's gate stands for: a node whose gate is a bare
/// reference to one input (a service that needs one thing) is that input.
fn representative(analysis: &Analysis, own: &OwnEvents, mut n: NodeId) -> NodeId {
    let g = &analysis.graph;
    while own.of(n).is_empty() && g.inputs(n).len() == 1 && g.threshold(n) == 1 {
        n = g.inputs(n)[0];
    }
    n
}

/// Minimal sets of distinct arguments whose weights add up to `m`: the
/// exact OR-of-ANDs form of an ATLEAST with repeated arguments. None when
/// there would be more than [`MAX_EXPANSION`].
fn weighted_expansion(weights: &[u32], m: u32) -> Option<Vec<Vec<usize>>> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, Vec<usize>, u32)> = vec![(0, Vec::new(), 0)];
    while let Some((next, chosen, sum)) = stack.pop() {
        for i in next..weights.len() {
            let mut with = chosen.clone();
            with.push(i);
            let total = sum + weights[i];
            if total >= m {
                let lightest = with.iter().map(|&j| weights[j]).min().unwrap_or(0);
                if total - lightest < m {
                    out.push(with);
                    if out.len() > MAX_EXPANSION {
                        return None;
                    }
                }
            } else {
                stack.push((i + 1, with, total));
            }
        }
    }
    out.sort();
    Some(out)
}

/// OR(own events, ATLEAST(m, inputs)), written as simply as MEF allows.
///
/// Inputs are referenced through their representatives, and repeated ones
/// are written out: SCRAM 0.16 merges equivalent arguments of an ATLEAST
/// gate (after collapsing pass-through gates) and so miscounts them.
fn formula(
    analysis: &Analysis,
    n: NodeId,
    own_all: &OwnEvents,
    event_names: &[String],
    gate_names: &[String],
) -> String {
    let g = &analysis.graph;
    let own = own_all.of(n);
    let inputs = g.inputs(n);
    let k = g.threshold(n) as usize;
    if inputs.len() < k {
        // Down by construction (a device with `psus: []`).
        return "<constant value=\"true\"/>".to_string();
    }
    let mut reps: Vec<(NodeId, u32)> = Vec::new();
    for &i in inputs {
        let r = representative(analysis, own_all, i);
        match reps.iter_mut().find(|(x, _)| *x == r) {
            Some((_, w)) => *w += 1,
            None => reps.push((r, 1)),
        }
    }
    let gate_ref = |r: NodeId| format!("<gate name=\"{}\"/>", gate_names[r as usize]);
    let refs: Vec<String> = reps.iter().map(|&(r, _)| gate_ref(r)).collect();
    let gate_part = if k == 0 {
        None
    } else {
        let m = (inputs.len() - k + 1) as u32;
        let weights: Vec<u32> = reps.iter().map(|&(_, w)| w).collect();
        let repeated = weights.iter().any(|&w| w > 1);
        Some(match (m, refs.len()) {
            (_, 1) => refs[0].clone(),
            (1, _) => format!("<or>{}</or>", refs.concat()),
            (m, _) if m as usize == inputs.len() => format!("<and>{}</and>", refs.concat()),
            (m, _) if !repeated => format!("<atleast min=\"{m}\">{}</atleast>", refs.concat()),
            (m, _) => match weighted_expansion(&weights, m) {
                Some(sets) => {
                    let terms: Vec<String> = sets
                        .iter()
                        .map(|set| match set.as_slice() {
                            [one] => refs[*one].clone(),
                            many => format!(
                                "<and>{}</and>",
                                many.iter().map(|&j| refs[j].as_str()).collect::<String>()
                            ),
                        })
                        .collect();
                    if terms.len() == 1 {
                        terms[0].clone()
                    } else {
                        format!("<or>{}</or>", terms.concat())
                    }
                }
                // Too many terms: keep the repeated arguments as written.
                None => format!(
                    "<atleast min=\"{m}\">{}</atleast>",
                    inputs.iter().map(|&i| gate_ref(i)).collect::<String>()
                ),
            },
        })
    };
    let mut parts: Vec<String> = own
        .iter()
        .map(|&e| format!("<basic-event name=\"{}\"/>", event_names[e as usize]))
        .collect();
    parts.extend(gate_part);
    match parts.len() {
        0 => "<constant value=\"false\"/>".to_string(),
        1 => parts.pop().unwrap_or_default(),
        _ => format!("<or>{}</or>", parts.concat()),
    }
}

#[cfg(test)]
mod tests {
    use super::weighted_expansion;

    #[test]
    fn repeated_arguments_expand_to_minimal_sets() {
        // ATLEAST(2, x, x, y): x alone (weight 2) suffices; y needs x.
        assert_eq!(weighted_expansion(&[2, 1], 2), Some(vec![vec![0]]));
        // ATLEAST(3, x, x, y, z): x+y, x+z, or... y+z only reaches 2.
        assert_eq!(
            weighted_expansion(&[2, 1, 1], 3),
            Some(vec![vec![0, 1], vec![0, 2]])
        );
        assert_eq!(
            weighted_expansion(&[1, 1, 1], 2),
            Some(vec![vec![0, 1], vec![0, 2], vec![1, 2]])
        );
    }
}
