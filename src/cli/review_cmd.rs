//! `check` (one file or several, with baselines) and `diff`: the review
//! commands, in every [`ReviewFormat`].

use std::io::IsTerminal;
use std::path::Path;

use super::analyse::{Phases, exit_without_freeing};
use super::exit::{Failure, Outcome, print};
use super::write::{same_file, write_atomically};
use crate::diagnostic::{Severity, use_colour};
use crate::engine::downtime::{self, Downtime, When};
use crate::findings::Finding;
use crate::findings::groups::blocks_of;
use crate::model::LoadError;
use crate::report::sarif::{self, BaselineState, RunInput};
use crate::report::{self, ReviewFormat};
use crate::review::baseline::Baseline;
use crate::review::diff::{Reviewed, diff as diff_of, fails_at};
use crate::review::input::Source;

fn stdout_colour() -> bool {
    use_colour(std::io::stdout().is_terminal())
}

fn read_baseline(path: &Path) -> Result<Baseline, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::refused(format!("cannot read the baseline {}: {e}", path.display()))
    })?;
    Baseline::parse(&text)
        .map_err(|why| Failure::refused(format!("{} is not a baseline: {why}", path.display())))
}

pub struct CheckArgs<'a> {
    pub files: &'a [String],
    pub format: ReviewFormat,
    pub fail_on: Severity,
    pub baseline: Option<&'a Path>,
    pub write_baseline: Option<&'a Path>,
    /// When to compute the critical services' expected downtime.
    pub downtime: When,
}

pub fn check(args: &CheckArgs<'_>) -> Result<Outcome, Failure> {
    let sources: Vec<Source> = args.files.iter().map(|f| Source::parse(f)).collect();
    if sources.iter().filter(|s| **s == Source::Stdin).count() > 1 {
        return Err(Failure::refused("standard input (`-`) can be read once"));
    }
    if sources.len() > 1 && (args.baseline.is_some() || args.write_baseline.is_some()) {
        return Err(Failure::refused(
            "--baseline and --write-baseline take one layout file",
        ));
    }
    if let Some(out) = args.write_baseline {
        if args.files.iter().any(|f| same_file(out, Path::new(f))) {
            return Err(Failure::refused(format!(
                "{} is the layout being checked; faultline never writes a layout file",
                out.display()
            )));
        }
    }
    let baseline = args.baseline.map(read_baseline).transpose()?;
    let threshold = args.fail_on;
    let mut outcome = Outcome::Clean;
    let mut invalid: Vec<LoadError> = Vec::new();
    let mut reviewed: Vec<(Source, Reviewed)> = Vec::new();
    let mut downtimes: Vec<Downtime> = Vec::new();
    let several = sources.len() > 1;
    for source in sources {
        let mut phases = Phases::from_env();
        let loaded = match source.load() {
            Ok(l) => l,
            // One file alone: its diagnostics are the answer. Several:
            // the others are still checked, and the diagnostics follow.
            Err(e) if !several => return Err(e.into()),
            Err(e) => {
                invalid.push(e);
                continue;
            }
        };
        phases.done("load");
        let analysis = crate::engine::Analysis::new(&loaded.layout);
        phases.done("analysis");
        let findings = crate::findings::check(&loaded, &analysis);
        let tier = crate::findings::tier::estimate(&analysis, &findings);
        phases.done("findings");
        let downtime = downtime::critical_services(&analysis, &loaded.layout, args.downtime);
        phases.done("downtime");
        let r = Reviewed {
            loaded,
            analysis,
            findings,
            tier,
            failover_w: Vec::new(),
        };
        let failing: Vec<&Finding> = match &baseline {
            Some(b) => b.new_failures(&r.findings, threshold),
            None => r
                .findings
                .iter()
                .filter(|f| fails_at(f, threshold))
                .collect(),
        };
        outcome = outcome.worst(match &baseline {
            Some(_) => Outcome::of_baseline(&failing),
            None => Outcome::of_check(&r.findings, threshold),
        });
        match args.format {
            ReviewFormat::Human => {
                let mut text =
                    report::human::check(&r.loaded, &r.findings, &r.tier, stdout_colour());
                text.push_str(&report::downtime::check_human(&downtime));
                if let (Some(b), Some(path)) = (&baseline, args.baseline) {
                    text.push_str(&baseline_line(path, b, &r.findings, &failing));
                }
                print(&text)?;
            }
            ReviewFormat::Markdown => {
                let mut text = report::markdown::check(
                    &r.loaded,
                    &r.analysis,
                    &r.findings,
                    &r.tier,
                    &report::downtime::check_markdown(&downtime),
                );
                if baseline.is_some() {
                    text.push_str(&report::markdown::new_since_baseline(&failing));
                }
                if several {
                    text.push('\n');
                }
                print(&text)?;
            }
            ReviewFormat::Json | ReviewFormat::Sarif => {}
        }
        phases.done("report");
        if let Some(out) = args.write_baseline {
            let json = report::json::check(&r.loaded, &r.findings, &r.tier);
            write_atomically(out, json.as_bytes()).map_err(|error| Failure::WriteFile {
                path: out.to_path_buf(),
                error,
            })?;
        }
        reviewed.push((source, r));
        downtimes.push(downtime);
    }
    match args.format {
        ReviewFormat::Json => print(&check_json(
            &reviewed,
            &downtimes,
            baseline.as_ref(),
            threshold,
            several,
        ))?,
        ReviewFormat::Sarif => {
            let runs: Vec<RunInput<'_>> = reviewed
                .iter()
                .map(|(source, r)| RunInput {
                    loaded: &r.loaded,
                    uri: source.file_path(),
                    findings: r
                        .findings
                        .iter()
                        .map(|f| {
                            let state = baseline.as_ref().map(|b| {
                                if b.holds(f) {
                                    BaselineState::Unchanged
                                } else {
                                    BaselineState::New
                                }
                            });
                            (f, state)
                        })
                        .collect(),
                    properties: None,
                })
                .collect();
            print(&sarif::log(&runs))?;
        }
        ReviewFormat::Human | ReviewFormat::Markdown if several => {
            print(&total_line(&reviewed, args.files.len()))?;
        }
        _ => {}
    }
    exit_without_freeing(reviewed);
    if invalid.is_empty() {
        Ok(outcome)
    } else {
        Err(Failure::Layouts(invalid))
    }
}

/// "faultline: 3 files: 80 findings in 30 blocks ... (1 file not valid)".
fn total_line(reviewed: &[(Source, Reviewed)], files: usize) -> String {
    let all: usize = reviewed.iter().map(|(_, r)| r.findings.len()).sum();
    let mut c = crate::findings::Counts::default();
    for (_, r) in reviewed {
        let one = crate::findings::count(&r.findings);
        c.errors += one.errors;
        c.warnings += one.warnings;
        c.notes += one.notes;
        c.allowed += one.allowed;
    }
    let blocks: usize = reviewed
        .iter()
        .map(|(_, r)| blocks_of(&r.findings).len())
        .sum();
    let invalid = files - reviewed.len();
    let invalid = if invalid > 0 {
        format!(
            "; {} not a valid layout",
            crate::wording::plural(invalid, "file is", "files are")
        )
    } else {
        String::new()
    };
    format!(
        "faultline: total of {}: {}: {}, {}, {}, {} allowed{invalid}\n",
        crate::wording::plural(files, "file", "files"),
        crate::wording::findings_in_blocks(all, blocks),
        crate::wording::plural(c.errors, "error", "errors"),
        crate::wording::plural(c.warnings, "warning", "warnings"),
        crate::wording::plural(c.notes, "note", "notes"),
        c.allowed
    )
}

fn baseline_line(path: &Path, b: &Baseline, findings: &[Finding], failing: &[&Finding]) -> String {
    let known = findings.iter().filter(|f| b.holds(f)).count();
    let mut s = format!(
        "baseline {}: {} of {} in it; {} not in it or worse than it",
        path.display(),
        known,
        crate::wording::plural(findings.len(), "finding", "findings"),
        crate::wording::plural(failing.len(), "failing finding is", "failing findings are")
    );
    if failing.is_empty() {
        s.push('\n');
        return s;
    }
    s.push_str(":\n");
    for f in failing {
        let at = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        s.push_str(&format!(
            "  {}[{}]: {}{at}\n",
            f.severity.name(),
            f.code.name(),
            f.subject
        ));
    }
    s
}

fn check_json(
    reviewed: &[(Source, Reviewed)],
    downtimes: &[Downtime],
    baseline: Option<&Baseline>,
    threshold: Severity,
    several: bool,
) -> String {
    let one = |(r, downtime): (&Reviewed, &Downtime)| -> serde_json::Value {
        let text = report::json::check(&r.loaded, &r.findings, &r.tier);
        let mut v: serde_json::Value =
            serde_json::from_str(&text).expect("the check report is JSON");
        v["summary"]["expected_downtime"] = report::downtime::check_json(downtime);
        if let Some(b) = baseline {
            let failing = b.new_failures(&r.findings, threshold);
            v["new_since_baseline"] = serde_json::to_value(&failing).expect("findings serialise");
        }
        v
    };
    let value = if several {
        serde_json::json!({
            "files": reviewed
                .iter()
                .zip(downtimes)
                .map(|((_, r), d)| one((r, d)))
                .collect::<Vec<_>>(),
        })
    } else {
        match reviewed.first().zip(downtimes.first()) {
            Some(((_, r), d)) => one((r, d)),
            None => return String::new(),
        }
    };
    let mut s = serde_json::to_string_pretty(&value).expect("JSON serialises");
    s.push('\n');
    s
}

pub fn diff(
    base: &str,
    new: &str,
    format: ReviewFormat,
    fail_on: Severity,
    downtime_when: When,
) -> Result<Outcome, Failure> {
    let (base_source, new_source) = (Source::parse(base), Source::parse(new));
    if base_source == Source::Stdin && new_source == Source::Stdin {
        return Err(Failure::refused(
            "standard input (`-`) can be only one side of a diff",
        ));
    }
    // Both sides are read, analysed and checked side by side: each is a
    // whole `check`, and a diff should cost little more than one.
    let (b, n) = std::thread::scope(|scope| {
        let b = scope.spawn(|| base_source.load().map(Reviewed::new));
        let n = new_source.load().map(Reviewed::new);
        (b.join().expect("the base side does not panic"), n)
    });
    let (b, n) = match (b, n) {
        (Ok(b), Ok(n)) => (b, n),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e.into()),
        (Err(e), Err(f)) => return Err(Failure::Layouts(vec![e, f])),
    };
    let mut d = diff_of(&b, &n);
    d.downtime = Some(downtime::compare(
        (&b.analysis, &b.loaded.layout),
        (&n.analysis, &n.loaded.layout),
        downtime_when,
    ));
    let text = match format {
        ReviewFormat::Human => {
            report::review::diff_human(&b.loaded, &n.loaded, &d, stdout_colour())
        }
        ReviewFormat::Json => report::review::diff_json(&b.loaded, &n.loaded, &d),
        ReviewFormat::Markdown => {
            report::markdown::diff(&b.loaded, &n.loaded, &n.analysis, &n.findings, &d)
        }
        ReviewFormat::Sarif => {
            let added: std::collections::HashSet<*const Finding> =
                d.added.iter().map(|f| *f as *const Finding).collect();
            let changed: std::collections::HashSet<*const Finding> = d
                .changed
                .iter()
                .map(|c| c.after as *const Finding)
                .collect();
            let findings = n
                .findings
                .iter()
                .map(|f| {
                    let p = f as *const Finding;
                    let state = if added.contains(&p) {
                        BaselineState::New
                    } else if changed.contains(&p) {
                        BaselineState::Updated
                    } else {
                        BaselineState::Unchanged
                    };
                    (f, Some(state))
                })
                .collect();
            let properties = serde_json::json!({
                "base": b.loaded.source.name,
                "added": d.added.len(),
                "resolved": d.resolved.len(),
                "changed": d.changed.len(),
                "unchanged": d.unchanged,
            });
            sarif::log(&[RunInput {
                loaded: &n.loaded,
                uri: new_source.file_path(),
                findings,
                properties: Some(properties),
            }])
        }
    };
    print(&text)?;
    let outcome = Outcome::of_diff(&d, fail_on);
    drop(d);
    exit_without_freeing((b, n));
    Ok(outcome)
}
