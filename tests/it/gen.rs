//! `faultline gen`: the synthetic hall generator is deterministic, writes
//! valid layouts in RON and JSON that load to the same thing, its clean
//! halls have no errors, and every flaw it injects is found.

use faultline::diagnostic::Severity;
use faultline::engine::Analysis;
use faultline::findings::{self, Finding};
use faultline::r#gen::{self as generator, FlawKind, GenOptions};
use faultline::model::{self, Layout, Loaded};

use crate::util;

fn opts(racks: usize, seed: u64, flaw_rate: f64) -> GenOptions {
    GenOptions {
        racks,
        seed,
        flaw_rate,
    }
}

fn ron_bytes(o: &GenOptions) -> Vec<u8> {
    let mut out = Vec::new();
    generator::write_ron(o, &mut out).expect("writing to memory");
    out
}

fn json_bytes(o: &GenOptions) -> Vec<u8> {
    let mut out = Vec::new();
    generator::write_json(o, &mut out).expect("writing to memory");
    out
}

fn load(name: &str, bytes: Vec<u8>) -> Loaded {
    match model::load_bytes(name, bytes) {
        Ok(l) => l,
        Err(e) => panic!("{name} should load:\n{}", e.render(false)),
    }
}

fn check(o: &GenOptions) -> Vec<Finding> {
    let loaded = load("gen.ron", ron_bytes(o));
    let analysis = Analysis::new(&loaded.layout);
    findings::check(&loaded, &analysis)
}

fn device_count(l: &Layout) -> usize {
    l.racks.iter().map(|r| r.devices.len()).sum()
}

#[test]
fn same_options_give_the_same_bytes() {
    let o = opts(12, 42, 0.3);
    assert_eq!(ron_bytes(&o), ron_bytes(&o));
    assert_eq!(json_bytes(&o), json_bytes(&o));
    assert_eq!(generator::generate(&o), generator::generate(&o));
}

#[test]
fn another_seed_gives_another_layout() {
    let a = ron_bytes(&opts(12, 1, 0.3));
    let b = ron_bytes(&opts(12, 2, 0.3));
    assert_ne!(a, b);
    assert_ne!(json_bytes(&opts(12, 1, 0.3)), json_bytes(&opts(12, 2, 0.3)));
}

#[test]
fn the_command_writes_what_the_library_writes() {
    let run = util::faultline(&["gen", "--racks", "3", "--seed", "5", "--flaw-rate", "0.5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.as_bytes(), ron_bytes(&opts(3, 5, 0.5)));
    let run = util::faultline(&[
        "gen",
        "--racks",
        "3",
        "--seed",
        "5",
        "--flaw-rate",
        "0.5",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.as_bytes(), json_bytes(&opts(3, 5, 0.5)));
}

#[test]
fn the_command_rejects_bad_options() {
    for args in [
        &["gen", "--racks", "0"][..],
        &["gen", "--racks", "3", "--flaw-rate", "1.5"],
        &["gen", "--racks", "3", "--flaw-rate", "-0.1"],
        &["gen"],
    ] {
        let run = util::faultline(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
    }
}

#[test]
fn ron_and_json_load_to_the_generated_layout() {
    // Edge sizes: one rack, a partial row, two rows, two halls.
    for (racks, seed, rate) in [
        (1, 3, 0.0),
        (2, 4, 1.0),
        (7, 5, 0.5),
        (23, 6, 0.2),
        (101, 7, 0.05),
    ] {
        let o = opts(racks, seed, rate);
        let want = generator::generate(&o);
        let ron = load("gen.ron", ron_bytes(&o));
        let json = load("gen.json", json_bytes(&o));
        assert_eq!(ron.layout, want, "RON, {racks} racks");
        assert_eq!(json.layout, want, "JSON, {racks} racks");
        assert_eq!(device_count(&want), 40 * racks);
        assert_eq!(want.racks.len(), racks);
    }
}

#[test]
fn every_rack_holds_forty_devices() {
    for racks in [1, 20, 21, 250] {
        let l = generator::generate(&opts(racks, 9, 0.1));
        assert!(l.racks.iter().all(|r| r.devices.len() == 40));
        assert_eq!(device_count(&l), 40 * racks);
    }
}

#[test]
fn the_layout_has_what_the_issue_asks_for() {
    use faultline::model::format::{Need, PowerKind, Role};
    let l = generator::generate(&opts(45, 11, 0.0));
    let kinds: Vec<PowerKind> = l.power.iter().map(|e| e.kind()).collect();
    for k in [
        PowerKind::Utility,
        PowerKind::Generator,
        PowerKind::Ats,
        PowerKind::Ups,
        PowerKind::Panel,
        PowerKind::Breaker,
        PowerKind::Pdu,
    ] {
        assert!(kinds.contains(&k), "{k:?}");
    }
    let devices: Vec<_> = l.racks.iter().flat_map(|r| &r.devices).collect();
    assert!(
        devices
            .iter()
            .any(|d| d.psus_needed == 2 && d.psus.len() == 4),
        "2-of-4 chassis"
    );
    assert!(
        devices
            .iter()
            .any(|d| d.psus.iter().any(|p| p.phase.is_some())),
        "PSU phases"
    );
    assert!(
        devices.iter().any(|d| d.roles.contains(&Role::Management)),
        "mgmt routers"
    );
    assert!(l.services.iter().any(|s| s.role == Some(Role::Management)));
    assert!(l.services.iter().any(|s| s.role == Some(Role::StatusPage)));
    assert!(l.services.iter().any(|s| s.critical));
    assert!(l.services.iter().any(|s| {
        s.needs
            .iter()
            .any(|n| matches!(n, Need::AtLeast(k, m) if (*k as usize) < m.len()))
    }));
    assert!(generator::flaws(&opts(45, 11, 0.0)).is_empty());
    assert!(l.common_causes.is_empty());
}

#[test]
fn clean_halls_have_no_errors() {
    for (racks, seed) in [(10, 1), (1, 2), (2, 3), (22, 4)] {
        let found = check(&opts(racks, seed, 0.0));
        let errors: Vec<String> = found
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} {}: {}", f.code, f.subject, f.message))
            .collect();
        assert!(
            errors.is_empty(),
            "{racks} racks, seed {seed}:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn the_command_finds_no_errors_in_a_clean_hall() {
    let dir = std::env::temp_dir().join(format!("faultline-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clean.ron");
    std::fs::write(&path, ron_bytes(&opts(10, 1, 0.0))).unwrap();
    let run = util::faultline(&["check", path.to_str().unwrap(), "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(util::json(&run)["summary"]["errors"], 0);
}

#[test]
fn every_injected_flaw_is_found() {
    // All racks flawed: the five kinds take turns, so each shows up.
    for (racks, seed, rate) in [(10, 1, 1.0), (12, 8, 0.5)] {
        let o = opts(racks, seed, rate);
        let flaws = generator::flaws(&o);
        let found = check(&o);
        if rate == 1.0 {
            assert_eq!(flaws.len(), racks);
            for k in FlawKind::ALL {
                assert!(flaws.iter().any(|f| f.kind == k), "{k:?} injected");
            }
        }
        assert!(!flaws.is_empty());
        for flaw in &flaws {
            let code = flaw.kind.finding_code();
            assert!(
                found
                    .iter()
                    .any(|f| f.code == code && f.subject == flaw.subject),
                "{:?} in {}: no {code} finding about {}",
                flaw.kind,
                flaw.rack,
                flaw.subject
            );
        }
    }
}

#[test]
fn flaw_rate_is_roughly_the_share_of_flawed_racks() {
    let flawed = generator::flaws(&opts(1000, 3, 0.1)).len();
    assert!((60..=140).contains(&flawed), "{flawed} of 1000");
}
