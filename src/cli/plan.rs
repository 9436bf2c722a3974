//! The planning commands: `headroom` (failover-safe headroom and stranded
//! capacity) and the maintenance windows of `--out`, shared with `check`
//! and `cuts`.

use std::io::IsTerminal;
use std::path::Path;

use super::exit::{Failure, Outcome, print};
use crate::diagnostic::use_colour;
use crate::engine::{Analysis, Graph, NodeId, headroom};
use crate::findings::{self, window::Window};
use crate::model::{self, Layout};
use crate::report;

/// How `headroom` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    /// Tables for a planning document.
    Markdown,
}

/// The elements named by `--out`: power elements, devices or PSUs.
pub fn resolve_out(graph: &Graph, ids: &[String]) -> Result<Vec<NodeId>, Failure> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for id in ids {
        match graph.node(id) {
            Some(n) if crate::engine::events::can_fail(graph, n) => out.push(n),
            Some(_) => errors.push(format!(
                "\"{id}\" cannot be taken out of service: --out names power elements, devices or PSUs"
            )),
            None => {
                let hint = crate::suggest::closest(id, graph.visible_ids())
                    .map(|c| format!("; did you mean \"{c}\"?"))
                    .unwrap_or_default();
                errors.push(format!(
                    "--out {id}: no element, device or PSU has this id{hint}"
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure::Refused(errors))
    }
}

/// The analysis every question is asked of: the layout's, or with `--out`
/// the window's, with the window itself.
pub fn analyse(
    layout: &Layout,
    out_ids: &[String],
) -> Result<(Analysis, Option<Analysis>), Failure> {
    let graph = Graph::build(layout);
    if out_ids.is_empty() {
        return Ok((Analysis::out_of_service(layout, graph, &[]), None));
    }
    let out = resolve_out(&graph, out_ids)?;
    let window = Analysis::out_of_service(layout, graph.clone(), &out);
    Ok((Analysis::out_of_service(layout, graph, &[]), Some(window)))
}

/// The window's verdict from the layout's analysis and the window's
/// findings.
pub fn window_of(
    layout_analysis: &Analysis,
    out_ids: &[String],
    window_findings: &[findings::Finding],
) -> Result<Window, Failure> {
    let out = resolve_out(&layout_analysis.graph, out_ids)?;
    Ok(findings::window::window(
        layout_analysis,
        &out,
        window_findings,
    ))
}

pub fn headroom(
    file: &Path,
    racks: &[String],
    stranded_below: f64,
    out_ids: &[String],
    format: PlanFormat,
) -> Result<Outcome, Failure> {
    let loaded = model::load_path(file)?;
    let layout = &loaded.layout;
    let (analysis, window) = analyse(layout, out_ids)?;
    let mut missing = Vec::new();
    for r in racks {
        if !analysis.racks.racks.iter().any(|info| &info.id == r) {
            let hint =
                crate::suggest::closest(r, analysis.racks.racks.iter().map(|i| i.id.as_str()))
                    .map(|c| format!("; did you mean \"{c}\"?"))
                    .unwrap_or_default();
            missing.push(format!("--rack {r}: no rack has this id{hint}"));
        }
    }
    if !missing.is_empty() {
        return Err(Failure::Refused(missing));
    }
    let headline = window
        .as_ref()
        .map(|_| {
            let out = resolve_out(&analysis.graph, out_ids)?;
            let ids: Vec<&str> = out.iter().map(|&n| analysis.graph.id(n)).collect();
            Ok::<_, Failure>(format!("with {} out of service", ids.join(", ")))
        })
        .transpose()?;
    let judged = window.as_ref().unwrap_or(&analysis);
    let mut h = headroom::headroom(judged, layout);
    if !racks.is_empty() {
        h.racks
            .retain(|r| racks.iter().any(|id| *id == judged.racks.racks[r.rack].id));
    }
    let stranded = headroom::stranded(judged, &h, stranded_below);
    let text = match format {
        PlanFormat::Human => report::headroom::human(
            judged,
            &h,
            &stranded,
            headline.as_deref(),
            use_colour(std::io::stdout().is_terminal()),
        ),
        PlanFormat::Markdown => {
            report::headroom::markdown(judged, &h, &stranded, headline.as_deref())
        }
        PlanFormat::Json => report::headroom::json(judged, &h, &stranded),
    };
    print(&text)?;
    // An element already short of failover-safe headroom fails the
    // command, as an error finding fails `check`.
    Ok(if h.elements.iter().any(|e| e.headroom_w < 0.0) {
        Outcome::Failing
    } else {
        Outcome::Clean
    })
}
