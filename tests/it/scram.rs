//! Cross-check against SCRAM, an independent fault-tree engine: export each
//! layout as an Open-PSA MEF fault tree, let `scram -l 2` find the minimal
//! cut sets of every top event, and compare them with faultline's own
//! order-2 cut sets, target by target.
//!
//! SCRAM is a Debian package (`apt-get install -y scram`); these tests are
//! ignored by plain `cargo test` and run with
//! `cargo test -- --include-ignored` (CI does). When they run without
//! scram installed they fail with that hint; they never pass silently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use faultline::engine::Analysis;
use faultline::engine::cuts::{Cut, cut_sets};
use faultline::model::format::Layout;
use faultline::report::mef;

use crate::oracle::{Rng, random_layout, unplug_some};

/// Fail with the install hint when SCRAM is missing (shared by the
/// availability cross-check).
pub(crate) fn require_scram() {
    match Command::new("scram").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => panic!(
            "scram is not installed: these cross-checks need it. Install it with \
             `sudo apt-get install -y scram` (Debian/Ubuntu), or run plain `cargo test` to skip them."
        ),
    }
}

/// Top-event name -> its cut sets, each a sorted set of basic-event names,
/// read from SCRAM's XML report.
fn scram_cut_sets(mef_path: &Path) -> BTreeMap<String, BTreeSet<BTreeSet<String>>> {
    let out = Command::new("scram")
        .args(["-l", "2", "--no-indent"])
        .arg(mef_path)
        .output()
        .expect("scram runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "scram failed on {}:\n{}\n{}",
        mef_path.display(),
        String::from_utf8_lossy(&out.stderr),
        report
    );
    let mut result = BTreeMap::new();
    for chunk in report.split("<sum-of-products ").skip(1) {
        let name = attribute(chunk, "name");
        let body = match chunk.find("</sum-of-products>") {
            Some(end) if !chunk[..chunk.find('>').unwrap()].ends_with('/') => &chunk[..end],
            _ => "",
        };
        let mut sets = BTreeSet::new();
        for product in body.split("<product ").skip(1) {
            let product = &product[..product.find("</product>").unwrap_or(product.len())];
            let events: BTreeSet<String> = product
                .split("<basic-event ")
                .skip(1)
                .map(|e| attribute(e, "name"))
                .collect();
            sets.insert(events);
        }
        result.insert(name, sets);
    }
    result
}

fn attribute(tag: &str, name: &str) -> String {
    let key = format!("{name}=\"");
    let start = tag.find(&key).expect("attribute present") + key.len();
    let end = tag[start..].find('"').unwrap() + start;
    tag[start..end].to_string()
}

/// faultline's cut sets of every exported top, as basic-event names.
fn faultline_cut_sets(
    a: &Analysis,
    export: &mef::MefExport,
) -> BTreeMap<String, BTreeSet<BTreeSet<String>>> {
    let targets: Vec<u32> = export.tops.iter().map(|(t, _)| *t).collect();
    let sets = cut_sets(a, &targets, 2);
    let name = |e: u32| export.events[e as usize].clone();
    export
        .tops
        .iter()
        .zip(&sets.targets)
        .map(|((_, top), (_, list))| {
            let cuts = list
                .iter()
                .map(|c| match *c {
                    Cut::One(e) => BTreeSet::from([name(e)]),
                    Cut::Two(x, y) => BTreeSet::from([name(x), name(y)]),
                })
                .collect();
            (top.clone(), cuts)
        })
        .collect()
}

fn compare(layout: &Layout, label: &str, dir: &Path) -> usize {
    let a = Analysis::new(layout);
    let export = mef::export(&a, &layout.name);
    let path = dir.join(format!("{label}.xml"));
    std::fs::write(&path, &export.xml).unwrap();
    let theirs = scram_cut_sets(&path);
    let ours = faultline_cut_sets(&a, &export);
    for (node, top) in &export.tops {
        let cuts = &ours[top];
        let mut scram = theirs.get(top).cloned().unwrap_or_default();
        // SCRAM's one empty product (UNITY): down with nothing failed, below
        // a device with `psus: []`. faultline lists no event for it, and
        // its liveness says it is down.
        if scram == BTreeSet::from([BTreeSet::new()]) {
            assert!(
                !a.liveness_base.live[*node as usize],
                "{label}: {top} is down with nothing failed by SCRAM only"
            );
            scram.clear();
        }
        assert_eq!(
            cuts, &scram,
            "{label}: cut sets of {top} differ from SCRAM's"
        );
    }
    ours.values().map(BTreeSet::len).sum()
}

#[test]
#[ignore = "needs scram (apt-get install -y scram); run with --include-ignored"]
fn cut_sets_equal_scrams_on_every_shipped_layout() {
    require_scram();
    let dir = tempdir("layouts");
    let files = crate::util::shipped_layouts();
    for path in files {
        let loaded = crate::util::load(&path);
        let label = path.file_stem().unwrap().to_string_lossy().to_string();
        let n = compare(&loaded.layout, &label, &dir);
        assert!(n > 0, "{label}: no cut sets compared");
    }
}

#[test]
#[ignore = "needs scram (apt-get install -y scram); run with --include-ignored"]
fn cut_sets_equal_scrams_on_random_layouts() {
    require_scram();
    let dir = tempdir("random");
    let mut compared = 0;
    for seed in 0..100u64 {
        let mut rng = Rng::new(seed ^ 0x5C4A);
        let mut layout = random_layout(&mut rng);
        unplug_some(&mut layout, &mut Rng::new(seed ^ 0x5EED));
        compared += compare(&layout, &format!("random-{seed}"), &dir);
    }
    assert!(compared > 1000, "only {compared} cut sets compared");
}

pub(crate) fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-scram-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
