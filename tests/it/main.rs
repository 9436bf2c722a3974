//! The one integration-test binary (ripgrep's house style): each module
//! pins down one area of behaviour; `util` holds the small helpers.

mod util;

mod capacity;
mod check;
mod cuts;
mod r#gen;
mod hardening;
mod oracle;
mod properties;
mod scram;
mod trip;
mod tui;
mod validation;
