//! Cross-check of `faultline availability` against SCRAM: export each
//! layout as MEF with its real probabilities, let `scram --probability
//! true --importance true -l 2` compute every top event's probability (by
//! BDD, exactly) and each event's importance factors, and compare them at
//! SCRAM's precision (six significant digits) with the engine's.
//!
//! Needs SCRAM like `scram.rs`: ignored by plain `cargo test`, run with
//! `--include-ignored` (CI does), and failing with an install hint when
//! scram is missing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use faultline::engine::Analysis;
use faultline::engine::availability::{Method, availability};
use faultline::model::format::{Layout, Rates};
use faultline::report::mef;

use crate::oracle::{Rng, random_layout, unplug_some};
use crate::scram::require_scram;

/// SCRAM's figures for one top event.
#[derive(Default, Debug)]
struct TopFigures {
    probability: f64,
    /// basic-event name -> (MIF, CIF, RAW, RRW)
    importance: BTreeMap<String, [f64; 4]>,
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

fn number(tag: &str, name: &str) -> f64 {
    let text = attribute(tag, name).unwrap_or_else(|| panic!("no {name} in {tag}"));
    match text.as_str() {
        "inf" => f64::INFINITY,
        t => t.parse().unwrap_or_else(|_| panic!("{name}={t}")),
    }
}

fn scram_figures(path: &Path) -> BTreeMap<String, TopFigures> {
    let out = Command::new("scram")
        .args([
            "--probability",
            "true",
            "--importance",
            "true",
            "-l",
            "2",
            "--no-indent",
        ])
        .arg(path)
        .output()
        .expect("scram runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "scram failed on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut tops: BTreeMap<String, TopFigures> = BTreeMap::new();
    for chunk in report.split("<sum-of-products ").skip(1) {
        let head = &chunk[..chunk.find('>').unwrap()];
        let name = attribute(&format!(" {head}"), "name").unwrap();
        let p = attribute(&format!(" {head}"), "probability")
            .map(|p| p.parse::<f64>().unwrap())
            .unwrap_or(0.0);
        tops.entry(name).or_default().probability = p;
    }
    for chunk in report.split("<importance name=").skip(1) {
        let name = chunk[1..].split('"').next().unwrap().to_string();
        let body = &chunk[..chunk.find("</importance>").unwrap_or(chunk.len())];
        let entry = tops.entry(name).or_default();
        for ev in body.split("<basic-event ").skip(1) {
            let tag = format!(" {}", &ev[..ev.find("/>").unwrap()]);
            // A top that is down with nothing failed (the constant true of a
            // device with `psus: []`): SCRAM names its events, with no
            // measures, as nothing changes it.
            if attribute(&tag, "MIF").is_none() {
                continue;
            }
            entry.importance.insert(
                attribute(&tag, "name").unwrap(),
                [
                    number(&tag, "MIF"),
                    number(&tag, "CIF"),
                    number(&tag, "RAW"),
                    number(&tag, "RRW"),
                ],
            );
        }
    }
    tops
}

/// Equal at six significant digits (SCRAM's output), or both negligible.
fn close(ours: f64, theirs: f64) -> bool {
    if ours.is_infinite() || theirs.is_infinite() {
        return ours.is_infinite() && theirs.is_infinite() || ours > 1e12 || theirs > 1e12;
    }
    let scale = ours.abs().max(theirs.abs());
    (ours - theirs).abs() <= 1e-5 * scale || scale < 1e-300
}

/// Compare every exported top; returns how many figures were compared.
fn compare(layout: &Layout, label: &str, dir: &Path) -> usize {
    let a = Analysis::new(layout);
    let export = mef::export_with_rates(&a, layout);
    let path = dir.join(format!("{label}.xml"));
    std::fs::write(&path, &export.xml).unwrap();
    let theirs = scram_figures(&path);
    let targets: Vec<u32> = export.tops.iter().map(|(t, _)| *t).collect();
    let ours = availability(&a, layout, &targets, &[]);
    let mut compared = 0;
    for ((_, top), t) in export.tops.iter().zip(&ours.targets) {
        assert!(
            matches!(t.method, Method::Exact { .. }),
            "{label}: {top} not exact"
        );
        let scram = theirs
            .get(top)
            .unwrap_or_else(|| panic!("{label}: SCRAM has no {top}"));
        assert!(
            close(t.unavailability, scram.probability),
            "{label}: {top}: unavailability {} vs SCRAM's {}",
            t.unavailability,
            scram.probability
        );
        compared += 1;
        for (event, [mif, cif, raw, rrw]) in &scram.importance {
            let e = export.events.iter().position(|n| n == event).unwrap() as u32;
            let Some(i) = t.importance.iter().find(|i| i.event == e) else {
                // SCRAM lists events of the truncated products; one whose
                // every product has a zero probability has no importance.
                assert!(
                    *mif == 0.0 || *cif == 0.0,
                    "{label}: {top}: {event} missing"
                );
                continue;
            };
            for (what, ours, theirs) in [
                ("Birnbaum", i.birnbaum, *mif),
                ("Fussell-Vesely", i.fussell_vesely, *cif),
                ("RAW", i.raw, *raw),
                ("RRW", i.rrw, *rrw),
            ] {
                assert!(
                    close(ours, theirs),
                    "{label}: {top}: {what} of {event}: {ours} vs SCRAM's {theirs}"
                );
                compared += 1;
            }
        }
    }
    compared
}

fn tempdir(name: &str) -> std::path::PathBuf {
    // Its own directories: the cut-set cross-check writes the same names.
    crate::scram::tempdir(&format!("avail-{name}"))
}

/// Random rates on about half the elements, devices and groups: each
/// way of writing them (MTBF/MTTR, a yearly rate, a fixed probability).
pub fn random_rates(layout: &mut Layout, rng: &mut Rng) {
    let mut ids: Vec<String> = layout.power.iter().map(|p| p.id().to_string()).collect();
    for r in &layout.racks {
        ids.extend(r.devices.iter().map(|d| d.id.clone()));
    }
    ids.extend(layout.common_causes.iter().map(|c| c.id.clone()));
    for id in ids {
        if !rng.chance(50) {
            continue;
        }
        let f =
            |rng: &mut Rng, lo: f64, hi: f64| lo + (hi - lo) * (rng.below(1000) as f64 / 1000.0);
        let mut r = Rates {
            id,
            mtbf_h: None,
            mttr_h: None,
            failures_per_year: None,
            repair_h: None,
            probability: None,
            fail_to_start: None,
            short_fraction: None,
            reset_h: None,
        };
        match rng.below(3) {
            0 => {
                r.mtbf_h = Some(f(rng, 1e3, 1e6));
                r.mttr_h = Some(f(rng, 0.5, 200.0));
            }
            1 => {
                r.failures_per_year = Some(f(rng, 0.001, 3.0));
                r.repair_h = Some(f(rng, 0.5, 100.0));
            }
            _ => r.probability = Some(f(rng, 0.0, 0.05)),
        }
        if rng.chance(30) {
            r.short_fraction = Some(f(rng, 0.0, 0.5));
            r.fail_to_start = Some(f(rng, 0.0, 0.05));
        }
        layout.rates.push(r);
    }
}

#[test]
#[ignore = "needs scram (apt-get install -y scram); run with --include-ignored"]
fn availability_equals_scrams_on_every_shipped_layout() {
    require_scram();
    let dir = tempdir("layouts");
    for path in crate::util::shipped_layouts() {
        let loaded = crate::util::load(&path);
        let label = path.file_stem().unwrap().to_string_lossy().to_string();
        let n = compare(&loaded.layout, &label, &dir);
        assert!(n > 0, "{label}: nothing compared");
    }
}

#[test]
#[ignore = "needs scram (apt-get install -y scram); run with --include-ignored"]
fn availability_equals_scrams_on_random_layouts_with_random_rates() {
    require_scram();
    let dir = tempdir("random");
    let mut compared = 0;
    for seed in 0..100u64 {
        let mut rng = Rng::new(seed ^ 0xA7A1);
        let mut layout = random_layout(&mut rng);
        unplug_some(&mut layout, &mut Rng::new(seed ^ 0x5EED));
        random_rates(&mut layout, &mut rng);
        compared += compare(&layout, &format!("random-{seed}"), &dir);
    }
    assert!(compared > 1000, "only {compared} figures compared");
}
