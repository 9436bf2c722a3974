//! The commands that draw: `export --format dot|svg` and `report`. They
//! parse the events like `trip`, ask the engine for the outcome and hand
//! it to [`crate::picture`].

use std::path::Path;

use super::exit::{Failure, Outcome};
use super::write::emit;
use super::{ExportFormat, PictureArgs};
use crate::engine::{Analysis, Outcome as WhatIf};
use crate::findings;
use crate::model::{self, Loaded};
use crate::picture::{self, Collapse, Diagram, Scenario};

/// Load, analyse and apply the events of `args`.
fn prepare(file: &Path, args: &PictureArgs) -> Result<(Loaded, Analysis, Scenario), Failure> {
    let loaded = model::load_path(file)?;
    let analysis = Analysis::new(&loaded.layout);
    let scenario = Scenario::parse(&analysis, &args.events, &args.shorts, &args.out)
        .map_err(Failure::Refused)?;
    Ok((loaded, analysis, scenario))
}

fn diagram(
    loaded: &Loaded,
    analysis: &Analysis,
    outcome: &WhatIf,
    scenario: &Scenario,
    args: &PictureArgs,
) -> Diagram {
    let collapse = args.collapse.unwrap_or_else(|| Collapse::auto(analysis));
    let mut d = Diagram::from_outcome(analysis, outcome, scenario, collapse);
    d.title = loaded.layout.name.clone();
    d
}

pub fn export(
    file: &Path,
    format: ExportFormat,
    args: &PictureArgs,
    racks: &[String],
    output: Option<&Path>,
) -> Result<Outcome, Failure> {
    if !racks.is_empty() && format != ExportFormat::Svg {
        return Err(Failure::refused(
            "--racks draws rack elevations: use it with --format svg",
        ));
    }
    if !racks.is_empty() && args.collapse.is_some() {
        return Err(Failure::refused(
            "--collapse is for the one-line diagram, not rack elevations",
        ));
    }
    let (loaded, analysis, scenario) = prepare(file, args)?;
    let outcome = WhatIf::new(&analysis, &scenario.events, true);
    let text = if racks.is_empty() {
        let d = diagram(&loaded, &analysis, &outcome, &scenario, args);
        match format {
            ExportFormat::Dot => picture::dot::graph(&d),
            _ => picture::svg::one_line(&d),
        }
    } else {
        let found = picture::rack::find_racks(&analysis, racks).map_err(Failure::Refused)?;
        picture::rack::elevations(&loaded.layout, &analysis, &outcome, &scenario, &found)
    };
    emit(&text, file, output)?;
    Ok(Outcome::Clean)
}

/// `export --format opsa-mef|json` draws nothing: picture options there
/// are a mistake, said rather than ignored.
pub fn refuse_picture_options(
    format: ExportFormat,
    args: &PictureArgs,
    racks: &[String],
) -> Result<(), Failure> {
    let used = !args.events.is_empty()
        || !args.shorts.is_empty()
        || !args.out.is_empty()
        || args.collapse.is_some()
        || !racks.is_empty();
    if used {
        let name = match format {
            ExportFormat::OpsaMef => "opsa-mef",
            _ => "json",
        };
        return Err(Failure::refused(format!(
            "--event, --short, --out, --collapse and --racks are for pictures (--format dot or svg), not --format {name}"
        )));
    }
    Ok(())
}

pub fn report(file: &Path, args: &PictureArgs, output: &Path) -> Result<Outcome, Failure> {
    let (loaded, analysis, scenario) = prepare(file, args)?;
    let found = findings::check(&loaded, &analysis);
    let tier = findings::tier::estimate(&analysis, &found);
    let outcome = WhatIf::new(&analysis, &scenario.events, true);
    let d = diagram(&loaded, &analysis, &outcome, &scenario, args);
    let html = picture::html::render(&picture::html::Report {
        loaded: &loaded,
        analysis: &analysis,
        outcome: &outcome,
        scenario: &scenario,
        diagram: &d,
        findings: &found,
        tier: &tier,
        source_name: &file.display().to_string(),
    });
    emit(&html, file, Some(output))?;
    Ok(Outcome::Clean)
}
