//! Reports: the engine's results as text for people or JSON for tools.
//! Each is a free function from results to a string; nothing here analyses.

pub mod availability;
pub mod headroom;
pub mod human;
pub mod json;
pub mod mef;
pub mod path;
pub mod window;

/// How a command prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}
