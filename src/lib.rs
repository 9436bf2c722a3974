//! faultline: power and rack topology analysis for data centres.
//!
//! Data flows one way: file -> [`model`] -> [`engine`] -> [`findings`] ->
//! reports and the TUI.

pub mod adjacency;
pub mod cli;
pub mod code;
pub mod diagnostic;
pub mod engine;
pub mod findings;
pub mod r#gen;
pub mod import;
pub mod model;
pub mod picture;
pub mod plan;
pub mod report;
pub mod review;
pub mod scenario;
pub mod suggest;
pub mod tui;
pub mod wording;
