//! The expected downtime of the critical services as `check` and `diff`
//! print it (human, JSON, Markdown): the numbers of
//! [`engine::downtime`](crate::engine::downtime), formatted.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::engine::availability::Method;
use crate::engine::downtime::{
    AUTO_MAX_DEVICES, Downtime, DowntimeChange, DowntimeComparison, ServiceDowntime,
};

use super::md_escape::{COLLAPSE_ROWS, escape};

/// Services named in a human summary line before "and N more".
const SHOWN: usize = 8;
/// A change in minutes a year smaller than this is shown as unchanged
/// (it is below the one decimal the reports print).
const UNCHANGED_MIN: f64 = 0.05;

/// "284.1 min", "0.004 min": one decimal where it means something, three
/// significant places below.
pub fn minutes(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0 min".to_string()
    } else if a >= 0.1 {
        format!("{x:.1} min")
    } else if a >= 0.001 {
        format!("{x:.3} min")
    } else {
        format!("{x:.1e} min")
    }
}

fn signed_minutes(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", minutes(x))
    } else {
        minutes(x)
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Exact { .. } => "exact",
        Method::RareEvent { .. } => "rare-event",
    }
}

/// What a reader is told about defaults: nothing when no number rests on
/// them, once for the line when every one does, else per service.
fn defaults_note(all: bool, this: bool) -> &'static str {
    if this && !all { " (default rates)" } else { "" }
}

fn approximate_note(d: &ServiceDowntime) -> &'static str {
    match d.method {
        Method::Exact { .. } => "",
        Method::RareEvent { .. } => " (approx.)",
    }
}

fn too_large(devices: usize) -> String {
    format!(
        "not computed for {devices} devices (unasked only up to {AUTO_MAX_DEVICES}); \
         --availability computes it"
    )
}

/// `check`'s summary line: "expected downtime a year (default rates):
/// vpn-gateway 284.1 min, ..." (nothing when there is no critical
/// service).
pub fn check_human(d: &Downtime) -> String {
    match d {
        Downtime::TooLarge { devices } => {
            format!("expected downtime a year: {}\n", too_large(*devices))
        }
        Downtime::Computed(list) if list.is_empty() => String::new(),
        Downtime::Computed(list) => {
            let all = list.iter().all(|s| s.rests_on_defaults);
            let shown: Vec<String> = list
                .iter()
                .take(SHOWN)
                .map(|s| {
                    format!(
                        "{} {}{}{}",
                        s.id,
                        minutes(s.min_per_year),
                        approximate_note(s),
                        defaults_note(all, s.rests_on_defaults)
                    )
                })
                .collect();
            let mut line = format!(
                "expected downtime a year{}{}: {}",
                if list.len() > 1 { ", worst first" } else { "" },
                if all { " (default rates)" } else { "" },
                shown.join(", ")
            );
            if list.len() > SHOWN {
                let _ = write!(
                    line,
                    ", and {} more (--format json lists them)",
                    list.len() - SHOWN
                );
            }
            line.push_str("; `faultline availability` says why\n");
            line
        }
    }
}

fn service_json(s: &ServiceDowntime) -> Value {
    json!({
        "id": s.id,
        "min_per_year": s.min_per_year,
        "method": method_name(s.method),
        "rests_on_defaults": s.rests_on_defaults,
    })
}

/// `check --format json`'s `summary.expected_downtime`.
pub fn check_json(d: &Downtime) -> Value {
    match d {
        Downtime::Computed(list) => json!({
            "computed": true,
            "services": list.iter().map(service_json).collect::<Vec<_>>(),
        }),
        Downtime::TooLarge { devices } => json!({
            "computed": false,
            "devices": devices,
            "auto_max_devices": AUTO_MAX_DEVICES,
            "reason": too_large(*devices),
        }),
    }
}

/// `check --format markdown`'s headline bullet (empty when there is no
/// critical service).
pub fn check_markdown(d: &Downtime) -> String {
    match d {
        Downtime::TooLarge { devices } => {
            format!(
                "- **Expected downtime a year:** {}\n",
                escape(&too_large(*devices))
            )
        }
        Downtime::Computed(list) if list.is_empty() => String::new(),
        Downtime::Computed(list) => {
            let all = list.iter().all(|s| s.rests_on_defaults);
            let mut shown: Vec<String> = list
                .iter()
                .take(SHOWN)
                .map(|s| {
                    format!(
                        "{} {}{}{}",
                        escape(&s.id),
                        minutes(s.min_per_year),
                        approximate_note(s),
                        defaults_note(all, s.rests_on_defaults)
                    )
                })
                .collect();
            if list.len() > SHOWN {
                shown.push(format!("and {} more", list.len() - SHOWN));
            }
            format!(
                "- **Expected downtime a year{}:** {}\n",
                if all { " (default rates)" } else { "" },
                shown.join(", ")
            )
        }
    }
}

/// The services whose downtime changed, and how many did not.
fn changed(list: &[DowntimeChange]) -> (Vec<&DowntimeChange>, usize) {
    let moved: Vec<&DowntimeChange> = list
        .iter()
        .filter(|c| {
            c.change_min_per_year()
                .is_none_or(|x| x.abs() >= UNCHANGED_MIN)
        })
        .collect();
    let same = list.len() - moved.len();
    (moved, same)
}

fn side(d: &Option<ServiceDowntime>) -> String {
    match d {
        Some(s) => format!("{}{}", minutes(s.min_per_year), approximate_note(s)),
        None => "-".to_string(),
    }
}

fn change_text(c: &DowntimeChange) -> String {
    c.change_min_per_year()
        .map_or_else(|| "-".to_string(), signed_minutes)
}

/// `diff`'s section: every critical service whose expected downtime
/// moved, before -> after (change).
pub fn diff_human(d: &DowntimeComparison) -> String {
    match d {
        DowntimeComparison::TooLarge { devices } => {
            format!("expected downtime a year: {}\n", too_large(*devices))
        }
        DowntimeComparison::Computed(list) if list.is_empty() => String::new(),
        DowntimeComparison::Computed(list) => {
            let (moved, _) = changed(list);
            let all = list.iter().all(DowntimeChange::rests_on_defaults);
            let mut out = format!(
                "expected downtime a year{}: {} of {} critical {} changed",
                if all { " (default rates)" } else { "" },
                moved.len(),
                list.len(),
                if list.len() == 1 {
                    "service"
                } else {
                    "services"
                },
            );
            if moved.is_empty() {
                out.push('\n');
                return out;
            }
            out.push_str(":\n");
            for c in moved.iter().take(50) {
                let _ = writeln!(
                    out,
                    "  {}: {} -> {} ({}){}",
                    c.id,
                    side(&c.before),
                    side(&c.after),
                    change_text(c),
                    defaults_note(all, c.rests_on_defaults())
                );
            }
            if moved.len() > 50 {
                let _ = writeln!(
                    out,
                    "  and {} more (all of them in --format json)",
                    moved.len() - 50
                );
            }
            out
        }
    }
}

/// `diff --format json`'s `expected_downtime`: every service critical on
/// either side.
pub fn diff_json(d: &DowntimeComparison) -> Value {
    match d {
        DowntimeComparison::Computed(list) => json!({
            "computed": true,
            "services": list.iter().map(|c| json!({
                "id": c.id,
                "min_per_year": {
                    "before": c.before.as_ref().map(|s| s.min_per_year),
                    "after": c.after.as_ref().map(|s| s.min_per_year),
                },
                "change_min_per_year": c.change_min_per_year(),
                "method": {
                    "before": c.before.as_ref().map(|s| method_name(s.method)),
                    "after": c.after.as_ref().map(|s| method_name(s.method)),
                },
                "rests_on_defaults": c.rests_on_defaults(),
            })).collect::<Vec<_>>(),
        }),
        DowntimeComparison::TooLarge { devices } => json!({
            "computed": false,
            "devices": devices,
            "auto_max_devices": AUTO_MAX_DEVICES,
            "reason": too_large(*devices),
        }),
    }
}

/// `diff --format markdown`'s headline bullet.
pub fn diff_markdown_headline(d: &DowntimeComparison) -> String {
    match d {
        DowntimeComparison::TooLarge { devices } => {
            format!(
                "- **Expected downtime a year:** {}\n",
                escape(&too_large(*devices))
            )
        }
        DowntimeComparison::Computed(list) if list.is_empty() => String::new(),
        DowntimeComparison::Computed(list) => {
            let (moved, _) = changed(list);
            let total: f64 = list.iter().filter_map(|c| c.change_min_per_year()).sum();
            format!(
                "- **Expected downtime a year{}:** {} of {} critical services changed, {} in all\n",
                if list.iter().all(DowntimeChange::rests_on_defaults) {
                    " (default rates)"
                } else {
                    ""
                },
                moved.len(),
                list.len(),
                signed_minutes(total)
            )
        }
    }
}

/// `diff --format markdown`'s table of the services whose downtime moved.
pub fn diff_markdown_table(d: &DowntimeComparison) -> String {
    let DowntimeComparison::Computed(list) = d else {
        return String::new();
    };
    let (moved, _) = changed(list);
    if moved.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "### Expected downtime ({}, minutes a year)\n\n",
        crate::wording::plural(moved.len(), "service", "services")
    );
    let collapse = moved.len() > COLLAPSE_ROWS;
    if collapse {
        let _ = writeln!(
            out,
            "<details>\n<summary>{} services</summary>\n",
            moved.len()
        );
    }
    out.push_str("| service | before | after | change |\n|---|---|---|---|\n");
    for c in &moved {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            escape(&c.id),
            escape(&side(&c.before)),
            escape(&side(&c.after)),
            escape(&change_text(c))
        );
    }
    out.push('\n');
    if collapse {
        out.push_str("</details>\n\n");
    }
    out
}
