//! The one integration-test binary (ripgrep's house style): each module
//! pins down one area of behaviour; `util` holds the small helpers.

mod util;

/// The fuzz targets' harness, shared so the kept corpus replays here.
#[allow(dead_code)]
#[path = "../../fuzz/harness.rs"]
mod fuzz_harness;

mod availability;
mod availability_scram;
mod browser;
mod capacity;
mod check;
mod ci_examples;
mod codes;
mod contract;
mod cuts;
mod downtime;
mod exit;
mod fast_path;
mod findings_oracle;
mod fuzz;
mod r#gen;
mod hardening;
mod headroom;
mod impact;
mod imports;
mod incident_downtime;
mod netbox;
mod netbox_live;
mod netbox_server;
mod oracle;
mod paths;
mod picture;
mod place;
mod properties;
mod review;
mod review_oracle;
mod scram;
mod trip;
mod tui;
mod tui_planning;
mod validation;
mod window;
