//! The commands that write a layout out: `export` (another format of a
//! layout) and `gen` (a synthetic hall). Every write is checked: a full
//! disk is the command's failure, never a silent success.

use std::path::Path;

use super::exit::{Failure, Outcome, print};
use super::{ExportFormat, GenFormat};
use crate::engine::Analysis;
use crate::model;
use crate::report;

pub fn export(
    file: &Path,
    format: ExportFormat,
    output: Option<&Path>,
) -> Result<Outcome, Failure> {
    let loaded = model::load_path(file)?;
    let text = match format {
        ExportFormat::OpsaMef => {
            let analysis = Analysis::new(&loaded.layout);
            report::mef::export_with_rates(&analysis, &loaded.layout).xml
        }
        // `dispatch` sends every picture format to `cli::picture`.
        ExportFormat::Dot | ExportFormat::Svg => unreachable!("pictures are drawn by cli::picture"),
        ExportFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&loaded.layout).expect("layouts always serialise");
            s.push('\n');
            s
        }
    };
    emit(&text, file, output)?;
    Ok(Outcome::Clean)
}

/// Print `text`, or write it to `output` atomically; never over the
/// layout `file` that was read.
pub(super) fn emit(text: &str, file: &Path, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        None => print(text)?,
        Some(path) if same_file(path, file) => {
            return Err(Failure::refused(format!(
                "{} is the layout being exported; faultline never writes a layout file",
                path.display()
            )));
        }
        Some(path) => {
            write_atomically(path, text.as_bytes()).map_err(|error| Failure::WriteFile {
                path: path.to_path_buf(),
                error,
            })?;
        }
    }
    Ok(())
}

pub fn gen_layout(
    racks: usize,
    seed: u64,
    flaw_rate: f64,
    format: GenFormat,
) -> Result<Outcome, Failure> {
    let opts = crate::r#gen::GenOptions {
        racks,
        seed,
        flaw_rate,
    };
    let out = std::io::stdout().lock();
    match format {
        GenFormat::Ron => crate::r#gen::write_ron(&opts, out),
        GenFormat::Json => crate::r#gen::write_json(&opts, out),
    }
    .map_err(Failure::Stdout)?;
    Ok(Outcome::Clean)
}

pub use crate::scenario::same_file;

/// Shared with the interactive view's scenario files.
pub use crate::scenario::write_atomically;
