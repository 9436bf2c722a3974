//! Reports: the engine's results as text for people or JSON for tools.
//! Each is a free function from results to a string; nothing here analyses.

pub mod availability;
pub mod downtime;
pub mod headroom;
pub mod human;
pub mod json;
pub mod markdown;
pub mod md_escape;
pub mod mef;
pub mod path;
pub mod place;
pub mod review;
pub mod sarif;
pub mod window;

/// How a command prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// How `check` and `diff` print: the two of [`Format`], and the review
/// formats for code scanning and pull requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    Human,
    Json,
    /// A report for a ticket or a pull-request comment.
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
}
