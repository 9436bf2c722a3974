//! `faultline import netbox`: read NetBox, write the layout, say what was
//! assumed. The reading and mapping are [`crate::import::netbox`]'s; this
//! file is the terminal's side (the progress line, the report on standard
//! error, where the layout goes).

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::exit::{Failure, Outcome, print};
use super::write::{same_file, write_atomically};
use crate::import::netbox::{ImportError, Options, run};

pub fn netbox(opts: Options, output: Option<&Path>) -> Result<Outcome, Failure> {
    if let (Some(out), Some(overlay)) = (output, opts.upstream.as_deref()) {
        if same_file(out, overlay) {
            return Err(Failure::refused(format!(
                "{} is the --upstream file; faultline never writes over an input",
                out.display()
            )));
        }
    }
    // One progress line, redrawn in place, only where someone watches.
    let live = std::io::stderr().is_terminal();
    let mut stderr = std::io::stderr();
    let mut progress = |what: &str, n: usize, total: u64| {
        if live {
            let _ = write!(stderr, "\r\x1b[2Kreading {what}: {n} of {total}");
        }
    };
    let result = run(&opts, &mut progress);
    if live {
        eprint!("\r\x1b[2K");
    }
    let imported = result.map_err(|e| match e {
        ImportError::Fetch(e) => Failure::refused(e.0),
        ImportError::Overlay(message) => Failure::refused(message),
        ImportError::Invalid(diagnostics) => Failure::Message(format!(
            "{diagnostics}error: the imported layout is not valid; nothing was written\n"
        )),
    })?;
    // What was imported, skipped and assumed goes to standard error even
    // when the layout goes to standard output.
    for line in imported.report.lines() {
        eprintln!("{line}");
    }
    match output {
        None => print(&imported.text)?,
        Some(path) => {
            write_atomically(path, imported.text.as_bytes()).map_err(|error| {
                Failure::WriteFile {
                    path: path.to_path_buf(),
                    error,
                }
            })?;
        }
    }
    Ok(Outcome::Clean)
}
