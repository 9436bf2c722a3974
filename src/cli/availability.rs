//! `faultline availability FILE [--target ID]... [--out ID]... [--format F]`:
//! load, ask the engine, print. It measures and does not gate: clean
//! whenever it can answer, no answer (2) on a bad layout or id.

use std::path::Path;

use super::exit::{self, Failure, Outcome};
use crate::engine::Analysis;
use crate::engine::availability::availability;
use crate::report;

/// How `availability` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AvailabilityFormat {
    Human,
    Json,
    Markdown,
}

pub fn run(
    file: &Path,
    target_ids: &[String],
    out_ids: &[String],
    format: AvailabilityFormat,
) -> Result<Outcome, Failure> {
    let loaded = crate::model::load_path(file)?;
    let analysis = Analysis::new(&loaded.layout);
    let g = &analysis.graph;
    let mut targets: Vec<u32> = g.critical_services().collect();
    let mut refused = Vec::new();
    for id in target_ids {
        match g.node(id) {
            Some(n) if !targets.contains(&n) => targets.push(n),
            Some(_) => {}
            None => {
                let hint = crate::diagnostic::closest(id, g.visible_ids())
                    .map(|c| format!("; did you mean \"{c}\"?"))
                    .unwrap_or_default();
                refused.push(format!(
                    "no element, PSU, device or service has id \"{id}\"{hint}"
                ));
            }
        }
    }
    let mut out = Vec::new();
    for id in out_ids {
        match analysis.parse_event(id) {
            Ok(e) => out.push(e),
            Err(m) => refused.push(format!("--out {id}: {m}")),
        }
    }
    if !refused.is_empty() {
        return Err(Failure::Refused(refused));
    }
    let av = availability(&analysis, &loaded.layout, &targets, &out);
    exit::print(&match format {
        AvailabilityFormat::Human => report::availability::human(&analysis, &av),
        AvailabilityFormat::Json => report::availability::json(&analysis, &av),
        AvailabilityFormat::Markdown => report::availability::markdown(&analysis, &av),
    })?;
    Ok(Outcome::Clean)
}
