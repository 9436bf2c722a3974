//! Inputs at the sizes planners and other tools produce (issue:
//! hardening): a 100,000-deep feed chain, million-entry lists, duplicate
//! ids by the hundred thousand, deep nesting. The valid ones are analysed
//! correctly; the invalid ones end in located errors and exit 2; none
//! hangs, panics or overflows the stack.

use std::fmt::Write;
use std::path::PathBuf;

use crate::util::{Run, faultline, json};

/// A layout written to a file of its own, removed when the test ends.
struct TempLayout(PathBuf);

impl TempLayout {
    fn new(name: &str, text: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("faultline-it-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        TempLayout(path)
    }
    fn run(&self, args: &[&str]) -> Run {
        let path = self.0.to_str().unwrap();
        let mut all: Vec<&str> = args.to_vec();
        all.insert(1, path);
        faultline(&all)
    }
}

impl Drop for TempLayout {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const ONE_SERVER: &str = r#"racks: [Rack(id: "r", devices: [Device(id: "d", kind: Server, u: 1, draw_w: 100, psus: [Psu(feed: "FEED")])])],
services: [Service(id: "s", needs: [All(["d"])], critical: true)]"#;

fn chain(depth: usize) -> String {
    let mut text = String::from("Layout(name: \"chain\", power: [\n    Utility(id: \"u\"),\n");
    let mut prev = "u".to_string();
    for i in 0..depth {
        let _ = writeln!(text, "    Panel(id: \"p{i}\", input: \"{prev}\"),");
        prev = format!("p{i}");
    }
    text + "],\n" + &ONE_SERVER.replace("FEED", &prev) + ")\n"
}

fn ids(list: &serde_json::Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn a_hundred_thousand_deep_chain_is_analysed_correctly() {
    const DEPTH: usize = 100_000;
    let file = TempLayout::new("chain.ron", &chain(DEPTH));

    let check = file.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let report = json(&check);
    let spofs: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "spof")
        .collect();
    // Every panel, the utility, the server, its one PSU failing and it
    // shorting.
    assert_eq!(spofs.len(), DEPTH + 4, "one spof per element of the chain");
    let deepest = spofs.iter().find(|f| f["event"]["id"] == "p99999").unwrap();
    assert_eq!(ids(&deepest["affected"]), ["d", "s"]);

    let trip = file.run(&["trip", "p50000", "--format", "json"]);
    assert_eq!(trip.code, 1, "a critical service goes down");
    let report = json(&trip);
    let down = ids(&report["down"]["power"]);
    assert_eq!(down.len(), DEPTH - 50_000);
    assert!(down.contains(&"p99999") && !down.contains(&"p49999"));

    let cuts = file.run(&["cuts", "--order", "2", "--format", "json"]);
    assert_eq!(cuts.code, 1);
    let sets = &json(&cuts)["targets"][0]["cut_sets"];
    assert_eq!(
        sets.as_array().unwrap().len(),
        DEPTH + 4,
        "{}",
        &cuts.stdout[..300]
    );
}

#[test]
fn a_million_entry_list_loads_and_a_million_mistakes_are_counted() {
    let layout = |code: &str| {
        format!(
            "Layout(name: \"big\", power: [Utility(id: \"u\", allow: [{}]), Panel(id: \"p\", input: \"u\")],\n{})\n",
            format!("\"{code}\", ").repeat(1_000_000),
            ONE_SERVER.replace("FEED", "p")
        )
    };
    let valid = TempLayout::new("allow.ron", &layout("spof"));
    let run = valid.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        json(&run)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "spof")
    );

    let invalid = TempLayout::new("allow-bad.ron", &layout("nope"));
    let run = invalid.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .ends_with("is not a valid layout: 1000000 errors (the first 500 shown)\n"),
        "{}",
        &run.stderr[run.stderr.len() - 300..]
    );
    // Each shown error points at its own entry, not all at the first.
    let columns: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix(" --> "))
        .collect();
    assert_eq!(columns.len(), 500);
    assert_eq!(columns[0], format!("{}:1:54", invalid.0.display()));
    assert_eq!(
        columns[499],
        format!("{}:1:{}", invalid.0.display(), 54 + 499 * 8)
    );
}

/// A layout with one rack of `count` devices written by `device`, fed from
/// "pdu-a" (two lines of power, then one device a line from line 3).
fn one_rack_of(count: usize, device: impl Fn(usize) -> String) -> String {
    let mut text = String::from(
        "Layout(name: \"rack\", power: [Utility(id: \"u\"), Panel(id: \"pdu-a\", input: \"u\")],\nracks: [Rack(id: \"r\", height_u: 300000, devices: [\n",
    );
    for i in 0..count {
        let _ = writeln!(text, "    {},", device(i));
    }
    text + "])])\n"
}

#[test]
fn a_hundred_thousand_duplicate_ids_are_located_errors() {
    let text = one_rack_of(100_000, |i| {
        format!(
            "Device(id: \"d\", kind: Server, u: {}, draw_w: 100, psus: [Psu(feed: \"pdu-a\")])",
            2 * i + 1
        )
    });
    let file = TempLayout::new("dups.ron", &text);
    let run = file.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[duplicate-id]: id \"d\" is already used by a device on line 3")
    );
    assert!(run.stderr.contains(&format!("{}:4:16", file.0.display())));
    assert!(run.stderr.contains(&format!("{}:503:16", file.0.display())));
    assert!(run.stderr.ends_with("99999 errors (the first 500 shown)\n"));
}

#[test]
fn unknown_references_by_the_hundred_thousand_end_quickly() {
    let text = one_rack_of(100_000, |i| {
        format!(
            "Device(id: \"d{i}\", kind: Server, u: {}, draw_w: 100, psus: [Psu(feed: \"pdu-b\")])",
            2 * i + 1
        )
    });
    let file = TempLayout::new("refs.ron", &text);
    let run = file.run(&["check"]);
    assert_eq!(run.code, 2);
    // Suggestions while they are cheap, then a plain hint.
    assert!(run.stderr.contains("did you mean \"pdu-a\"?"));
    assert!(run.stderr.contains("define it, or name an existing"));
    assert!(
        run.stderr
            .ends_with("100000 errors (the first 500 shown)\n")
    );
}

#[test]
fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
    let depth = 200_000;
    for (name, text) in [
        (
            "list.ron",
            format!(
                "Layout(name: \"x\", power: {}{}, racks: [])",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
        ),
        (
            "option.ron",
            format!(
                "Layout(name: \"x\", power: [], racks: [], description: {}\"x\"{})",
                "Some(".repeat(depth),
                ")".repeat(depth)
            ),
        ),
        ("open.ron", "(".repeat(depth)),
        (
            "nested.json",
            format!("{}{}", "{\"a\":[".repeat(depth), "]}".repeat(depth)),
        ),
    ] {
        let file = TempLayout::new(name, &text);
        let run = file.run(&["check"]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{}:1:", file.0.display())),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn binary_files_and_impossible_paths_are_readable_refusals() {
    // A screenshot handed over by mistake.
    let png = faultline(&["check", "assets/tui-whatif.png"]);
    assert_eq!(png.code, 2);
    assert!(png.stderr.contains("not valid UTF-8"), "{}", png.stderr);
    assert!(
        png.stderr.contains("assets/tui-whatif.png:1:"),
        "{}",
        png.stderr
    );
    // A path through a file: neither missing nor a directory.
    let through = faultline(&["check", "layouts/demo.ron/hall.ron"]);
    assert_eq!(through.code, 2);
    assert!(
        through
            .stderr
            .contains("cannot read layouts/demo.ron/hall.ron"),
        "{}",
        through.stderr
    );
    assert!(!through.stderr.contains("panicked"));
}
