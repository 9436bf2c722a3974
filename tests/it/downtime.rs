//! The expected downtime in `check`'s summary and in `diff`: the same
//! numbers `faultline availability` prints, a case worked by hand, and
//! the size rule (unasked up to 1,000 devices, `--availability` beyond).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::util::{faultline, json, shipped_layouts};

const MINUTES_PER_YEAR: f64 = 8766.0 * 60.0;

/// Each critical service's downtime (min/yr) as `availability` gives it.
fn availability_of(file: &str) -> BTreeMap<String, f64> {
    let v = json(&faultline(&["availability", file, "--format", "json"]));
    v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["downtime_min_per_year"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
}

fn check_downtime(v: &serde_json::Value) -> BTreeMap<String, f64> {
    let d = &v["summary"]["expected_downtime"];
    assert_eq!(d["computed"], true, "{d}");
    d["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["min_per_year"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn every_layout() -> Vec<String> {
    let mut files: Vec<String> = shipped_layouts()
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let fixed = crate::util::root().join("layouts/incidents/fixed");
    for e in std::fs::read_dir(fixed).unwrap() {
        files.push(e.unwrap().path().to_str().unwrap().to_string());
    }
    files
}

#[test]
fn check_gives_what_availability_gives_on_every_shipped_layout() {
    for file in every_layout() {
        let v = json(&faultline(&["check", &file, "--format", "json"]));
        let in_check = check_downtime(&v);
        let asked = availability_of(&file);
        assert_eq!(
            in_check.keys().collect::<Vec<_>>(),
            asked.keys().collect::<Vec<_>>(),
            "{file}: every critical service"
        );
        for (id, m) in &in_check {
            assert!(close(*m, asked[id]), "{file} {id}: {m} vs {}", asked[id]);
        }
        // Worst first, and the human summary says the worst one's number.
        let list = v["summary"]["expected_downtime"]["services"]
            .as_array()
            .unwrap();
        for w in list.windows(2) {
            assert!(w[0]["min_per_year"].as_f64() >= w[1]["min_per_year"].as_f64());
        }
        let human = faultline(&["check", &file]).stdout;
        if let Some(worst) = list.first() {
            let text = format!(
                "{} {:.1} min",
                worst["id"].as_str().unwrap(),
                worst["min_per_year"].as_f64().unwrap()
            );
            let line = human
                .lines()
                .find(|l| l.starts_with("expected downtime a year"))
                .unwrap_or_else(|| panic!("{file}: a downtime line:\n{human}"));
            assert!(line.contains(&text), "{file}: {line} has {text}");
        }
    }
}

/// A service on one server with one PSU on a breaker on a utility, every
/// probability given: U = 1 - (1-q_u)(1-q_b)(1-q_d)(1-q_p).
#[test]
fn a_series_chain_worked_by_hand_and_no_default_note_when_the_layout_gives_every_rate() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("downtime-hand");
    std::fs::create_dir_all(&dir).unwrap();
    let (qu, qb, qd, qp) = (1e-4, 2e-5, 3e-3, 5e-4);
    let layout = |rates: &str| {
        format!(
            r#"Layout(name: "chain", power: [Utility(id: "u"), Breaker(id: "b", input: "u", rating_a: 16)],
              racks: [Rack(id: "r", devices: [Device(id: "d1", kind: Server, u: 1, draw_w: 100, psus: [(feed: "b")])])],
              services: [Service(id: "s", needs: [All(["d1"])], critical: true)],
              rates: [{rates}])"#
        )
    };
    let all = format!(
        r#"Rates(id: "u", probability: {qu}), Rates(id: "b", probability: {qb}),
           Rates(id: "d1", probability: {qd}), Rates(id: "d1/psu1", probability: {qp}, short_fraction: 0, reset_h: 1)"#
    );
    let file = dir.join("all.ron");
    std::fs::write(&file, layout(&all)).unwrap();
    let file = file.to_str().unwrap();
    let v = json(&faultline(&["check", file, "--format", "json"]));
    let s = &v["summary"]["expected_downtime"]["services"][0];
    let by_hand = (1.0 - (1.0 - qu) * (1.0 - qb) * (1.0 - qd) * (1.0 - qp)) * MINUTES_PER_YEAR;
    assert!(
        close(s["min_per_year"].as_f64().unwrap(), by_hand),
        "{s} vs {by_hand}"
    );
    assert_eq!(s["rests_on_defaults"], false);
    assert_eq!(s["method"], "exact");
    let human = faultline(&["check", file]).stdout;
    let line = format!(
        "expected downtime a year: s {:.1} min; `faultline availability` says why",
        by_hand
    );
    assert!(human.lines().any(|l| l == line), "{line}\n{human}");

    // Leave the breaker to the defaults: the line says so.
    let some = format!(
        r#"Rates(id: "u", probability: {qu}), Rates(id: "d1", probability: {qd}),
           Rates(id: "d1/psu1", probability: {qp}, short_fraction: 0, reset_h: 1)"#
    );
    let file = dir.join("some.ron");
    std::fs::write(&file, layout(&some)).unwrap();
    let human = faultline(&["check", file.to_str().unwrap()]).stdout;
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("expected downtime a year (default rates): s ")),
        "{human}"
    );
}

#[test]
fn past_a_thousand_devices_only_when_asked() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("downtime-size");
    std::fs::create_dir_all(&dir).unwrap();
    // 26 racks of 40 devices: 1,040, just past the rule.
    let generated = faultline(&["gen", "--racks", "26"]);
    let file = dir.join("hall.ron");
    std::fs::write(&file, &generated.stdout).unwrap();
    let file = file.to_str().unwrap();
    let v = json(&faultline(&["check", file, "--format", "json"]));
    let d = &v["summary"]["expected_downtime"];
    assert_eq!(d["computed"], false, "{d}");
    assert_eq!(d["devices"], 1040);
    assert_eq!(d["auto_max_devices"], 1000);
    let human = faultline(&["check", file]).stdout;
    assert!(
        human.contains(
            "expected downtime a year: not computed for 1040 devices (unasked only up to 1000); --availability computes it"
        ),
        "{human}"
    );
    let asked = json(&faultline(&[
        "check",
        file,
        "--format",
        "json",
        "--availability",
    ]));
    let in_check = check_downtime(&asked);
    let by_availability = availability_of(file);
    assert!(!in_check.is_empty());
    assert_eq!(in_check.len(), by_availability.len());
    for (id, m) in &in_check {
        assert!(close(*m, by_availability[id]), "{id}");
    }
    // The exit status is the findings', with or without the numbers.
    assert_eq!(
        faultline(&["check", file]).code,
        faultline(&["check", file, "--availability"]).code
    );
    // A window is another question.
    let window = faultline(&["check", file, "--out", "h001-ups-a", "--availability"]);
    assert_eq!(window.code, 2, "{}", window.stderr);
}

#[test]
fn diff_shows_each_critical_service_before_and_after() {
    let before = "layouts/incidents/01-desktop-vpn-gateway.ron";
    let after = "layouts/incidents/fixed/01-desktop-vpn-gateway.ron";
    let (b, a) = (availability_of(before), availability_of(after));
    let v = json(&faultline(&["diff", before, after, "--format", "json"]));
    let services = v["expected_downtime"]["services"].as_array().unwrap();
    assert_eq!(v["expected_downtime"]["computed"], true);
    assert_eq!(services.len(), 1);
    let s = &services[0];
    assert_eq!(s["id"], "vpn-gateway");
    let (sb, sa) = (
        s["min_per_year"]["before"].as_f64().unwrap(),
        s["min_per_year"]["after"].as_f64().unwrap(),
    );
    assert!(close(sb, b["vpn-gateway"]) && close(sa, a["vpn-gateway"]));
    assert!(close(s["change_min_per_year"].as_f64().unwrap(), sa - sb));
    assert_eq!(s["rests_on_defaults"], true);

    let human = faultline(&["diff", before, after]).stdout;
    let line = format!(
        "  vpn-gateway: {:.1} min -> {:.1} min ({:.1} min)",
        sb,
        sa,
        sa - sb
    );
    assert!(human.lines().any(|l| l == line), "{line}\n{human}");
    assert!(
        human
            .contains("expected downtime a year (default rates): 1 of 1 critical service changed:")
    );
    let md = faultline(&["diff", before, after, "--format", "markdown"]).stdout;
    assert!(
        md.contains("### Expected downtime (1 service, minutes a year)"),
        "{md}"
    );
    assert!(md.contains(&format!(
        "| vpn-gateway | {:.1} min | {:.1} min | {:.1} min |",
        sb,
        sa,
        sa - sb
    )));
    // Reversed, the change is the opposite.
    let back = json(&faultline(&["diff", after, before, "--format", "json"]));
    let s = &back["expected_downtime"]["services"][0];
    assert!(close(s["change_min_per_year"].as_f64().unwrap(), sb - sa));
}

#[test]
fn diff_computes_a_service_made_critical_on_both_sides() {
    // The review pair, with `web` made non-critical in BASE: NEW's
    // critical `web` still gets its "before" from BASE's layout.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("downtime-diff");
    std::fs::create_dir_all(&dir).unwrap();
    let new = "tests/fixtures/review/new.ron";
    let base_text =
        std::fs::read_to_string(crate::util::root().join("tests/fixtures/review/base.ron"))
            .unwrap();
    let critical_web = base_text
        .lines()
        .find(|l| l.contains("Service(id: \"web\"") && l.contains("critical: true"))
        .expect("the review pair's base has a critical web service")
        .to_string();
    let base = dir.join("base.ron");
    std::fs::write(
        &base,
        base_text.replace(
            &critical_web,
            &critical_web.replace("critical: true", "critical: false"),
        ),
    )
    .unwrap();
    let base = base.to_str().unwrap();
    let v = json(&faultline(&["diff", base, new, "--format", "json"]));
    let web = v["expected_downtime"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "web")
        .expect("web is critical in NEW")
        .clone();
    let w = json(&faultline(&[
        "availability",
        base,
        "--target",
        "web",
        "--format",
        "json",
    ]));
    let by_availability = w["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "web")
        .unwrap()["downtime_min_per_year"]
        .as_f64()
        .unwrap();
    assert!(close(
        web["min_per_year"]["before"].as_f64().unwrap(),
        by_availability
    ));
}
