//! `check` on the shipped layouts: exact findings (code, subject, event,
//! affected) for every file in `layouts/`, and the exit-status contract.

use std::path::Path;

use faultline::engine::Analysis;
use faultline::findings::{self, Finding};

use crate::util::{faultline, json, layout_path, load, root};

/// One line per finding: everything a finding asserts, compactly.
fn listing(found: &[Finding]) -> String {
    found
        .iter()
        .map(|f| {
            let event = f
                .event
                .as_ref()
                .map(|e| format!(" [{} {}]", e.kind, e.id))
                .unwrap_or_default();
            let allowed = if f.allowed { " (allowed)" } else { "" };
            format!(
                "{} {} {}{} @{}:{}{} -> {}",
                f.severity.name(),
                f.code,
                f.subject,
                event,
                f.line.unwrap_or(0),
                f.column.unwrap_or(0),
                allowed,
                f.affected.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn findings_of(path: &Path) -> Vec<Finding> {
    let loaded = load(path);
    let analysis = Analysis::new(&loaded.layout);
    findings::check(&loaded, &analysis)
}

fn has(found: &[Finding], code: &str, subject: &str) -> bool {
    found.iter().any(|f| f.code == code && f.subject == subject)
}

#[test]
fn every_layout_loads_and_matches_its_findings() {
    let files = crate::util::shipped_layouts();
    assert!(
        files.len() >= 6,
        "demo and five incidents expected, found {files:?}"
    );
    for path in files {
        let name = path
            .strip_prefix(root())
            .unwrap()
            .display()
            .to_string()
            .replace(['/', '.'], "_");
        insta::assert_snapshot!(name, listing(&findings_of(&path)));
    }
}

#[test]
fn desktop_vpn_incident_reports_what_incidents_md_asks_for() {
    let found = findings_of(&layout_path("incidents/01-desktop-vpn-gateway.ron"));
    let at = |code: &str, subject: &str| {
        found
            .iter()
            .find(|f| f.code == code && f.subject == subject)
            .map(|f| (f.line.unwrap(), f.column.unwrap()))
            .unwrap_or_else(|| panic!("no {code} on {subject}:\n{}", listing(&found)))
    };
    // Lines of the definitions in the file.
    assert_eq!(at("single-psu", "controller"), (87, 24));
    assert_eq!(at("short-trip", "cb-a"), (73, 21));
    assert_eq!(at("spof", "controller"), (87, 24));
    assert_eq!(at("shared-fate", "cb-a"), (73, 21));
    let trip = found.iter().find(|f| f.code == "short-trip").unwrap();
    assert_eq!(
        trip.affected,
        ["controller", "l3-switch", "mail-1", "office-router"]
    );
    assert_eq!(
        trip.severity,
        faultline::diagnostic::Severity::Error,
        "the gateway goes down with it"
    );
    let fate = found
        .iter()
        .find(|f| f.code == "shared-fate" && f.subject == "cb-a")
        .unwrap();
    for id in [
        "vpn-gateway",
        "remote-mgmt",
        "customer-notice",
        "office-router",
    ] {
        assert!(
            fate.affected.iter().any(|a| a == id),
            "{id} in {:?}",
            fate.affected
        );
    }
}

#[test]
fn storage_incidents_are_single_events() {
    let iaas = findings_of(&layout_path("incidents/02-municipal-iaas-storage.ron"));
    assert!(
        iaas.iter()
            .any(|f| f.code == "spof" && f.event.as_ref().is_some_and(|e| e.kind == "common"))
    );
    assert!(
        iaas.iter().any(
            |f| f.code == "shared-fate" && f.event.as_ref().is_some_and(|e| e.kind == "common")
        )
    );
    let mail = findings_of(&layout_path(
        "incidents/03-mail-contact-network-storage.ron",
    ));
    assert!(has(&mail, "spof", "shared-storage"), "{}", listing(&mail));
    let monitoring = findings_of(&layout_path("incidents/05-remote-monitoring-storage.ron"));
    assert!(
        has(&monitoring, "spof", "online-storage"),
        "{}",
        listing(&monitoring)
    );
    assert!(
        has(&monitoring, "shared-fate", "online-storage"),
        "{}",
        listing(&monitoring)
    );
}

#[test]
fn json_output_follows_the_contract() {
    let run = faultline(&[
        "check",
        "tests/fixtures/format-example.ron",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let v = json(&run);
    assert_eq!(v["layout"], "Desktop VPN gateway rack");
    let s = &v["summary"];
    assert_eq!(
        (s["power_elements"].as_u64(), s["racks"].as_u64()),
        (Some(9), Some(1))
    );
    assert_eq!(
        (s["devices"].as_u64(), s["services"].as_u64()),
        (Some(3), Some(2))
    );
    let findings = v["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count() as u64;
    assert_eq!(s["errors"].as_u64(), Some(errors));
    let trip = findings.iter().find(|f| f["code"] == "short-trip").unwrap();
    assert_eq!(trip["subject"], "cb-a");
    assert_eq!(
        (trip["line"].as_u64(), trip["column"].as_u64()),
        (Some(11), Some(21))
    );
    assert!(
        trip.get("event").is_none(),
        "short-trip is not one sweep event"
    );
    let spof = findings
        .iter()
        .find(|f| f["code"] == "spof" && f["subject"] == "cb-a")
        .unwrap();
    assert_eq!(
        spof["event"],
        serde_json::json!({"kind": "fail", "id": "cb-a"})
    );
    assert_eq!(
        spof["affected"],
        serde_json::json!(["controller", "office-router", "remote-mgmt", "vpn-gateway"])
    );
}

#[test]
fn exit_status_follows_fail_on() {
    // Incident 04 has no topology findings before capacity is analysed;
    // the format example has errors and warnings.
    let example = "tests/fixtures/format-example.ron";
    assert_eq!(faultline(&["check", example]).code, 1);
    assert_eq!(
        faultline(&["check", example, "--fail-on", "warning"]).code,
        1
    );
    let warnings_only = crate::util::fixture("warnings-only.ron");
    let path = warnings_only.to_str().unwrap();
    assert_eq!(
        faultline(&["check", path]).code,
        0,
        "warnings do not fail by default"
    );
    assert_eq!(faultline(&["check", path, "--fail-on", "warning"]).code, 1);
    assert_eq!(faultline(&["check", "no/such/file.ron"]).code, 2);
    assert_eq!(faultline(&["check"]).code, 2, "usage error");
}

#[test]
fn allow_lists_accept_findings_without_failing() {
    let run = faultline(&["check", "tests/fixtures/allowed.ron", "--format", "json"]);
    let v = json(&run);
    assert_eq!(run.code, 0, "every error is allowed:\n{}", run.stdout);
    assert!(v["summary"]["allowed"].as_u64().unwrap() >= 2);
    assert_eq!(v["summary"]["errors"].as_u64(), Some(0));
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["allowed"] == true)
    );
}

#[test]
fn human_output_is_plain_when_piped() {
    let run = faultline(&["check", "tests/fixtures/format-example.ron"]);
    assert!(!run.stdout.contains('\x1b'), "no colour codes when piped");
    assert!(run.stdout.contains("error[short-trip]"));
    assert!(
        run.stdout
            .contains(" --> tests/fixtures/format-example.ron:11:21")
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[lines.len() - 3].starts_with("faultline: tests/fixtures/format-example.ron: "),
        "{}",
        run.stdout
    );
    assert!(
        lines[lines.len() - 2].starts_with("tier estimate: "),
        "{}",
        run.stdout
    );
    assert!(
        lines[lines.len() - 1].starts_with("expected downtime a year"),
        "{}",
        run.stdout
    );
}

#[test]
fn tier_estimate_reads_the_findings() {
    let tier = |path: &str| {
        let v = json(&faultline(&["check", path, "--format", "json"]));
        (
            v["summary"]["tier"].as_str().unwrap().to_string(),
            v["summary"]["tier_reasons"].clone(),
        )
    };
    // Two independent feeds into dual-PSU servers: no single event matters.
    assert_eq!(tier("tests/fixtures/warnings-only.ron").0, "fault-tolerant");
    // Shared storage (a device) is a single point, but every power element
    // can be maintained on its own.
    let (level, reasons) = tier("layouts/incidents/03-mail-contact-network-storage.ron");
    assert_eq!(level, "concurrently-maintainable");
    assert_eq!(
        reasons,
        serde_json::json!(["1 shared-fate finding", "1 spof finding"])
    );
    // Losing one UPS takes the service down via overload.
    assert_eq!(
        tier("layouts/incidents/04-time-attendance-failover.ron").0,
        "basic"
    );
    let human = faultline(&["check", "tests/fixtures/warnings-only.ron"]);
    assert!(
        human
            .stdout
            .contains("tier estimate: fault-tolerant; an estimate"),
        "{}",
        human.stdout
    );
}

#[test]
fn timings_go_to_stderr_only_when_asked() {
    let run = |timings: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"));
        cmd.args(["check", "layouts/demo.ron", "--format", "json"])
            .current_dir(crate::util::root())
            .env_remove("FAULTLINE_TIMINGS");
        if timings {
            cmd.env("FAULTLINE_TIMINGS", "1");
        }
        cmd.output().unwrap()
    };
    let (plain, timed) = (run(false), run(true));
    assert_eq!(plain.stdout, timed.stdout, "the report does not change");
    assert!(plain.stderr.is_empty());
    let stderr = String::from_utf8(timed.stderr).unwrap();
    let phases: Vec<&str> = stderr
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        phases,
        ["load", "analysis", "findings", "downtime", "report"],
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .all(|l| l.starts_with("faultline: ") && l.contains(" s"))
    );
}
