//! Minimal cut sets: the bottom-up algorithm against brute force (every
//! single event and every pair, re-evaluated), on random layouts.

use std::collections::BTreeSet;

use faultline::engine::cuts::{Cut, cut_sets};
use faultline::engine::{Analysis, events};

use serde_json::json;

use crate::oracle::{Rng, random_layout, unplug_some};
use crate::util::{faultline, json};

/// Every minimal cut set of order <= 2 of each target, by brute force:
/// apply every single event and every pair once, note which targets fall.
fn brute_force(a: &Analysis, targets: &[u32]) -> Vec<BTreeSet<Cut>> {
    let universe = events::universe(&a.graph);
    let mut s = a.scenario();
    let mut down_targets = |evs: &[usize]| -> Vec<bool> {
        for &e in evs {
            let nodes = a.failures(universe[e], false);
            s.fail(&nodes);
        }
        let down = targets.iter().map(|&t| !s.is_live(t)).collect();
        s.reset();
        down
    };
    let mut out = vec![BTreeSet::new(); targets.len()];
    // Down with no event (below a device with `psus: []`): the empty set
    // is its one minimal cut set, so no event set is minimal.
    let base = down_targets(&[]);
    let single: Vec<Vec<bool>> = (0..universe.len()).map(|e| down_targets(&[e])).collect();
    for (e, downs) in single.iter().enumerate() {
        for (t, &d) in downs.iter().enumerate() {
            if d && !base[t] {
                out[t].insert(Cut::One(e as u32));
            }
        }
    }
    for x in 0..universe.len() {
        for y in x + 1..universe.len() {
            let downs = down_targets(&[x, y]);
            for (t, &d) in downs.iter().enumerate() {
                if d && !base[t] && !single[x][t] && !single[y][t] {
                    out[t].insert(Cut::Two(x as u32, y as u32));
                }
            }
        }
    }
    out
}

#[test]
fn cut_sets_agree_with_brute_force() {
    let mut pairs_seen = 0;
    for seed in 0..150u64 {
        let mut rng = Rng::new(seed ^ 0xC075);
        let mut layout = random_layout(&mut rng);
        unplug_some(&mut layout, &mut Rng::new(seed ^ 0x5EED));
        let a = Analysis::new(&layout);
        let g = &a.graph;
        // Every device and service is a target.
        let targets: Vec<u32> = (g.devices.start..g.services.end).collect();
        let cuts = cut_sets(&a, &targets, 2);
        let expected = brute_force(&a, &targets);
        for ((t, list), want) in cuts.targets.iter().zip(expected) {
            let got: BTreeSet<Cut> = list.iter().copied().collect();
            assert_eq!(got.len(), list.len(), "no repeats");
            assert_eq!(got, want, "seed {seed}: cut sets of {}", g.id(*t));
            pairs_seen += list.iter().filter(|c| matches!(c, Cut::Two(..))).count();
        }
        let order1 = cut_sets(&a, &targets, 1);
        for ((_, one), (_, two)) in order1.targets.iter().zip(&cuts.targets) {
            let singles: Vec<&Cut> = two.iter().filter(|c| matches!(c, Cut::One(_))).collect();
            assert_eq!(
                one.iter().collect::<Vec<_>>(),
                singles,
                "seed {seed}: --order 1"
            );
        }
    }
    assert!(
        pairs_seen > 1000,
        "random layouts should have many double faults ({pairs_seen})"
    );
}

#[test]
fn the_cuts_command_lists_single_points_and_pairs() {
    let run = faultline(&[
        "cuts",
        "tests/fixtures/format-example.ron",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "single points of failure exist");
    let v = json(&run);
    assert_eq!(v["targets"][0]["id"], "vpn-gateway");
    let sets = v["targets"][0]["cut_sets"].as_array().unwrap();
    // Order 1 first, then pairs; within an order, sorted by events.
    assert_eq!(sets[0], json!([{"kind": "fail", "id": "ats"}]));
    assert_eq!(
        sets.last().unwrap(),
        &json!([{"kind": "fail", "id": "gen"}, {"kind": "fail", "id": "utility"}])
    );
    let orders: Vec<usize> = sets.iter().map(|s| s.as_array().unwrap().len()).collect();
    assert!(orders.windows(2).all(|w| w[0] <= w[1]), "{orders:?}");
    assert_eq!(orders.iter().filter(|&&o| o == 1).count(), 10);

    let one = json(&faultline(&[
        "cuts",
        "tests/fixtures/format-example.ron",
        "--order",
        "1",
        "--format",
        "json",
    ]));
    assert_eq!(one["targets"][0]["cut_sets"].as_array().unwrap().len(), 10);

    let mail = json(&faultline(&[
        "cuts",
        "tests/fixtures/format-example.ron",
        "--target",
        "mail",
        "--format",
        "json",
    ]));
    assert_eq!(mail["targets"][0]["id"], "mail");
    let bad = faultline(&[
        "cuts",
        "tests/fixtures/format-example.ron",
        "--target",
        "male",
    ]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("did you mean \"mail\""),
        "{}",
        bad.stderr
    );
    assert_eq!(
        faultline(&["cuts", "tests/fixtures/format-example.ron", "--order", "3"]).code,
        2
    );
}

#[test]
fn export_writes_mef_and_json_atomically() {
    let dir = std::env::temp_dir().join(format!("faultline-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("example.xml");
    let run = faultline(&[
        "export",
        "tests/fixtures/format-example.ron",
        "--format",
        "opsa-mef",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<define-gate name=\"top-vpn-gateway\">"));
    assert!(xml.contains(
        "<define-basic-event name=\"short-controller_psu1\"><label>short controller/psu1</label>"
    ));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");

    // JSON export loads back as the same layout.
    let json_path = dir.join("example.json");
    let run = faultline(&[
        "export",
        "tests/fixtures/format-example.ron",
        "--format",
        "json",
        "-o",
        json_path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let back =
        faultline::model::load_path(&json_path).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let original = crate::util::load(&crate::util::fixture("format-example.ron"));
    assert_eq!(back.layout, original.layout);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn targets_can_come_from_a_file_or_standard_input() {
    let dir = std::env::temp_dir().join(format!("faultline-targets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("targets.txt");
    std::fs::write(&list, "# the web tier\nweb\n\nerp\n").unwrap();
    let demo = crate::util::layout_path("demo.ron");
    let demo = demo.to_str().unwrap();
    let from_file = faultline(&[
        "cuts",
        demo,
        "--order",
        "1",
        "--format",
        "json",
        "--targets-from",
        list.to_str().unwrap(),
    ]);
    let by_flag = faultline(&[
        "cuts", demo, "--order", "1", "--format", "json", "--target", "web", "--target", "erp",
    ]);
    assert_eq!(from_file.stdout, by_flag.stdout);
    assert_eq!(from_file.code, by_flag.code);

    std::fs::write(&list, "# nothing\n").unwrap();
    let empty = faultline(&["cuts", demo, "--targets-from", list.to_str().unwrap()]);
    assert_eq!(empty.code, 2);
    assert!(
        empty.stderr.contains("names no targets"),
        "{}",
        empty.stderr
    );
    let missing = faultline(&[
        "cuts",
        demo,
        "--targets-from",
        dir.join("none.txt").to_str().unwrap(),
    ]);
    assert_eq!(missing.code, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
