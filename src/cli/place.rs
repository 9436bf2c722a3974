//! `faultline place`: read the layout, ask [`crate::plan::place`], print
//! the answer and, with `--apply`, write the layout with the devices.

use std::io::IsTerminal;
use std::path::Path;

use super::exit::{Failure, Outcome, print};
use super::plan::{PlanFormat, resolve_out};
use crate::diagnostic::use_colour;
use crate::engine::Graph;
use crate::model::{self, format::DeviceKind};
use crate::plan::place::{self as engine, Answer, Request};
use crate::report;

/// The device kinds a placed device may have (the format's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Server,
    Router,
    Switch,
    Firewall,
    Storage,
    Other,
}

impl From<Kind> for DeviceKind {
    fn from(k: Kind) -> DeviceKind {
        match k {
            Kind::Server => DeviceKind::Server,
            Kind::Router => DeviceKind::Router,
            Kind::Switch => DeviceKind::Switch,
            Kind::Firewall => DeviceKind::Firewall,
            Kind::Storage => DeviceKind::Storage,
            Kind::Other => DeviceKind::Other,
        }
    }
}

pub fn place(
    file: &Path,
    req: &Request,
    out_ids: &[String],
    format: PlanFormat,
    apply: Option<&Path>,
) -> Result<Outcome, Failure> {
    if let Some(path) = apply {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            return Err(Failure::refused(format!(
                "--apply {}: the layout is written as RON (the project's one writer); name it .ron, or convert it after with `faultline export OUT --format json`",
                path.display()
            )));
        }
        if super::write::same_file(path, file) {
            return Err(Failure::refused(format!(
                "--apply {}: that is the layout being read; write the new layout to another file",
                path.display()
            )));
        }
    }
    let loaded = model::load_path(file)?;
    // Unknown ids in --out are refused before any work, located by name.
    resolve_out(&Graph::build(&loaded.layout), out_ids)?;
    let answer = engine::place(&loaded, out_ids, req).map_err(Failure::Refused)?;
    let text = match format {
        PlanFormat::Human => report::place::human(
            &answer,
            req,
            out_ids,
            use_colour(std::io::stdout().is_terminal()),
        ),
        PlanFormat::Markdown => report::place::markdown(&answer, req, out_ids),
        PlanFormat::Json => report::place::json(&answer, req, out_ids),
    };
    if let (Answer::Placed(p), Some(path)) = (&answer, apply) {
        super::write::write_atomically(path, p.text.as_bytes()).map_err(|error| {
            Failure::WriteFile {
                path: path.to_path_buf(),
                error,
            }
        })?;
    }
    print(&text)?;
    // A placement that holds is a clean answer even when a goal could be
    // met only in part (it says which and why); nothing fitting fails.
    Ok(match &answer {
        Answer::Placed(_) => Outcome::Clean,
        Answer::NothingFits(_) => Outcome::Failing,
    })
}
