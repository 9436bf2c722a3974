//! The exit policy, in one place. Every command returns an [`Outcome`] or
//! a [`Failure`]; [`status`] alone turns that into the exit status and
//! prints the failure (ripgrep's shape: commands never print their own
//! errors or pick a number).
//!
//! - **0**: clean. Also when standard output is a pipe whose reader has
//!   gone (`faultline check FILE | head -1`): the reader has what it
//!   wanted, so nothing is printed and the status is 0, as for ripgrep.
//! - **1**: the command's answer fails its rule, written here: findings at
//!   or above `--fail-on` for `check`, a critical service down for `trip`,
//!   a single-event cut set for `cuts`.
//! - **2**: no answer: an invalid layout, an unreadable file, bad usage,
//!   or output that could not be written (a full disk, any write error
//!   but the broken pipe), with the reason on standard error.
//!
//! The interactive view's own endings (0 on quit, 128 + the signal, 1
//! when the terminal fails under it) pass through as they are.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostic::{Severity, use_colour};
use crate::engine::cuts::{Cut, CutSets};
use crate::engine::{Graph, Impact};
use crate::findings::{self, Finding};
use crate::model::LoadError;
use crate::tui;

/// What a command found, before it is an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing the command's rule fails on: exit 0.
    Clean,
    /// The layout fails the command's rule: exit 1.
    Failing,
    /// The interactive view ended with this status.
    Session(u8),
}

impl Outcome {
    fn failing_if(fails: bool) -> Outcome {
        if fails {
            Outcome::Failing
        } else {
            Outcome::Clean
        }
    }

    /// `check`: a finding at or above `fail_on` that no `allow` accepts.
    pub fn of_check(found: &[Finding], fail_on: Severity) -> Outcome {
        Outcome::failing_if(findings::fails(found, fail_on))
    }

    /// `check --baseline`: a failing finding that the baseline does not
    /// hold (or held at a severity that did not fail).
    pub fn of_baseline(new_failures: &[&Finding]) -> Outcome {
        Outcome::failing_if(!new_failures.is_empty())
    }

    /// `diff`: NEW adds a finding at or above `fail_on`, or makes one
    /// fail that did not.
    pub fn of_diff(diff: &crate::review::diff::Diff<'_>, fail_on: Severity) -> Outcome {
        Outcome::failing_if(diff.fails(fail_on))
    }

    /// Several files: the worst of their outcomes.
    pub fn worst(self, other: Outcome) -> Outcome {
        if self == Outcome::Failing || other == Outcome::Failing {
            Outcome::Failing
        } else {
            self
        }
    }

    /// `trip`: a critical service goes down.
    pub fn of_trip(graph: &Graph, impact: &Impact) -> Outcome {
        Outcome::failing_if(impact.down.iter().any(|&n| graph.is_critical(n)))
    }

    /// `path`: the node asked about is down (as designed or under the
    /// events given).
    pub fn of_path(target_down: bool) -> Outcome {
        Outcome::failing_if(target_down)
    }

    /// `cuts`: some target has a single-event cut set.
    pub fn of_cuts(sets: &CutSets) -> Outcome {
        Outcome::failing_if(
            sets.targets
                .iter()
                .any(|(_, list)| list.iter().any(|c| matches!(c, Cut::One(_)))),
        )
    }
}

/// Why a command gave no answer (exit 2).
#[derive(Debug)]
pub enum Failure {
    /// The layout does not load: its located diagnostics. Boxed: a
    /// `Result` carries it through every command.
    Layout(Box<LoadError>),
    /// Some of several layouts do not load (`check A B C`): each one's
    /// diagnostics, after the reports of the others.
    Layouts(Vec<LoadError>),
    /// The command could not run as asked (an unknown id, an unreadable
    /// targets file, no terminal for the interactive view): one message
    /// each.
    Refused(Vec<String>),
    /// A message written out in full, its `error:` line and notes
    /// (`explain` with a name that is no code).
    Message(String),
    /// The command line itself was refused (clap's message, with usage).
    Usage(Box<clap::Error>),
    /// Standard output could not be written.
    Stdout(io::Error),
    /// An output file could not be written.
    WriteFile { path: PathBuf, error: io::Error },
}

impl Failure {
    pub fn refused(message: impl Into<String>) -> Failure {
        Failure::Refused(vec![message.into()])
    }

    /// A reader that went away is not a failure: it has what it wanted.
    fn is_broken_pipe(&self) -> bool {
        matches!(self, Failure::Stdout(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    fn render(&self, colour: bool) -> String {
        match self {
            Failure::Layout(e) => e.render(colour),
            Failure::Layouts(errors) => errors.iter().map(|e| e.render(colour)).collect(),
            Failure::Message(text) => text.clone(),
            Failure::Usage(e) if colour => e.render().ansi().to_string(),
            Failure::Usage(e) => e.render().to_string(),
            Failure::Refused(messages) => {
                messages.iter().map(|m| format!("error: {m}\n")).collect()
            }
            Failure::Stdout(e) => format!("error: cannot write to standard output: {e}\n"),
            Failure::WriteFile { path, error } => {
                format!("error: cannot write {}: {error}\n", path.display())
            }
        }
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Failure {
        Failure::Layout(Box::new(e))
    }
}

impl From<tui::Refused> for Failure {
    fn from(refused: tui::Refused) -> Failure {
        match refused {
            tui::Refused::Layout(e) => Failure::from(e),
            other => Failure::refused(other.to_string()),
        }
    }
}

/// What clap stopped at: `--help` and `--version` are answers, written
/// (and checked) like any other; anything else is bad usage.
pub fn of_parse_error(e: clap::Error) -> Result<Outcome, Failure> {
    if e.use_stderr() {
        return Err(Failure::Usage(Box::new(e)));
    }
    e.print().map_err(Failure::Stdout)?;
    io::stdout().flush().map_err(Failure::Stdout)?;
    Ok(Outcome::Clean)
}

const CLEAN: u8 = 0;
const FAILING: u8 = 1;
const NO_ANSWER: u8 = 2;

/// The one place a command's result becomes an exit status; failures are
/// printed here and nowhere else.
pub fn status(result: Result<Outcome, Failure>) -> ExitCode {
    ExitCode::from(match result {
        Ok(Outcome::Clean) => CLEAN,
        Ok(Outcome::Failing) => FAILING,
        Ok(Outcome::Session(code)) => code,
        Err(failure) if failure.is_broken_pipe() => CLEAN,
        Err(failure) => {
            let mut stderr = io::stderr().lock();
            // Standard error is where failures go; if it cannot be written
            // either, the status still says what happened.
            let _ = stderr.write_all(failure.render(use_colour(stderr.is_terminal())).as_bytes());
            NO_ANSWER
        }
    })
}

/// A command's whole output to standard output, flushed: a write error is
/// the command's failure (`Stdout`), never ignored.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Failure::Stdout)
}
