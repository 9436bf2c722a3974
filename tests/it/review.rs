//! `diff`, baselines, SARIF, Markdown, standard input and several files:
//! reviewing a change to a layout (issue 14).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::{Run, faultline, json, root, shipped_layouts};

const BASE: &str = "tests/fixtures/review/base.ron";
const NEW: &str = "tests/fixtures/review/new.ron";

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let event = f
                .get("event")
                .map(|e| {
                    format!(
                        " {} {}",
                        e["kind"].as_str().unwrap(),
                        e["id"].as_str().unwrap()
                    )
                })
                .unwrap_or_default();
            format!(
                "{} {}{event}",
                f["code"].as_str().unwrap(),
                f["subject"].as_str().unwrap()
            )
        })
        .collect()
}

fn mentions(f: &Value, id: &str) -> bool {
    f["subject"] == id || f["affected"].as_array().unwrap().iter().any(|a| a == id)
}

/// NEW with what it adds accepted in the file: `single-psu` on the new
/// server, `short-trip` on the breaker it shares (each finding's subject).
pub(crate) fn new_with_the_risks_accepted() -> String {
    std::fs::read_to_string(root().join(NEW))
        .unwrap()
        .replace(
            r#"draw_w: 300, psus"#,
            r#"draw_w: 300, allow: ["single-psu"], psus"#,
        )
        .replace(
            r#"Breaker(id: "cb-a-r02", input: "panel-a", rating_a: 32)"#,
            r#"Breaker(id: "cb-a-r02", input: "panel-a", rating_a: 32, allow: ["short-trip"])"#,
        )
}

/// The issue's pair: NEW adds a single-PSU server on a shared breaker,
/// moves an unrelated block of 50 lines (rack r01, its 24 servers) and
/// fixes an old false redundancy.
#[test]
fn diff_lists_what_the_change_adds_and_resolves_and_nothing_for_the_moved_block() {
    // The default gate: what the change adds is warnings, and a diff
    // fails on an added warning (semantics.md).
    let run = faultline(&["diff", BASE, NEW, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run);
    assert_eq!(v["base"], BASE);
    assert_eq!(v["new"], NEW);
    let added = v["added"].as_array().unwrap();
    assert_eq!(
        ids(&v["added"]),
        ["short-trip cb-a-r02", "single-psu batch-7"],
        "added: {:#}",
        v["added"]
    );
    assert!(added.iter().all(|f| mentions(f, "batch-7")));
    // Findings in the shape of `check --format json`, located in NEW.
    assert_eq!(added[1]["line"], 26);
    let resolved = v["resolved"].as_array().unwrap();
    // One block: the B side that looked redundant for backup-1, every
    // event on it (the fix moves its second PSU to the A side).
    assert_eq!(
        ids(&v["resolved"]),
        [
            "false-redundancy utility-b fail utility-b",
            "false-redundancy ups-b fail ups-b",
            "false-redundancy panel-b fail panel-b",
            "false-redundancy cb-b-r02 fail cb-b-r02",
            "false-redundancy pdu-r02-b fail pdu-r02-b",
        ],
        "resolved: {:#}",
        v["resolved"]
    );
    assert!(
        resolved
            .iter()
            .all(|f| f["code"] == "false-redundancy"
                && f["affected"] == serde_json::json!(["backup-1"])),
        "resolved: {:#}",
        v["resolved"]
    );
    assert_eq!(v["blocks"]["added"], 2);
    assert_eq!(v["blocks"]["resolved"], 1, "one group resolved");
    assert_eq!(v["changed"], serde_json::json!([]), "nothing changed");
    assert!(v["unchanged"].as_u64().unwrap() > 0);
    assert_eq!(v["tier"]["before"]["level"], "redundant-components");
    assert_eq!(v["tier"]["after"]["level"], "concurrently-maintainable");
    let loads: Vec<&str> = v["loads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(loads.contains(&"cb-a-r02"), "{loads:?}");
    // The failover load moves with it: db-1 and backup-1 on the A side
    // alone when the B side fails, 400 W then 400 + 400 + 300 W.
    let cb = v["loads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "cb-a-r02")
        .unwrap();
    assert_eq!(cb["before_w"], 200.0);
    assert_eq!(cb["after_w"], 700.0);
    assert_eq!(
        cb["load_w"],
        serde_json::json!({"before": 200.0, "after": 700.0})
    );
    assert_eq!(
        cb["failover_load_w"],
        serde_json::json!({"before": 400.0, "after": 1100.0})
    );
    assert!(
        !loads.iter().any(|l| l.contains("r01")),
        "the moved rack's loads did not move: {loads:?}"
    );
    // Warnings only are added: the looser gate of `check` passes, and so
    // does the default once the new risks are accepted in the file.
    assert_eq!(
        faultline(&["diff", BASE, NEW, "--fail-on", "error"]).code,
        0
    );
    let dir = tempdir("accepted");
    let accepted_path = dir.join("accepted.ron");
    std::fs::write(&accepted_path, new_with_the_risks_accepted()).unwrap();
    let run = faultline(&["diff", BASE, accepted_path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

/// Only lines move: nothing is added, resolved or changed.
#[test]
fn moving_blocks_of_a_file_changes_nothing() {
    let text = std::fs::read_to_string(root().join(BASE)).unwrap();
    let dir = tempdir("moved");
    let moved = dir.join("moved.ron");
    let padding: String = (0..50).map(|i| format!("// padding line {i}\n")).collect();
    std::fs::write(&moved, format!("{padding}{text}")).unwrap();
    let run = faultline(&[
        "diff",
        BASE,
        moved.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "note",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = json(&run);
    assert_eq!(v["added"], serde_json::json!([]));
    assert_eq!(v["resolved"], serde_json::json!([]));
    assert_eq!(v["changed"], serde_json::json!([]));
    let check = json(&faultline(&["check", BASE, "--format", "json"]));
    assert_eq!(
        v["unchanged"].as_u64().unwrap() as usize,
        check["findings"].as_array().unwrap().len()
    );
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-review-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn diff_of_an_invalid_side_exits_2_located_in_that_file() {
    let run = faultline(&["diff", BASE, "tests/fixtures/bad/unknown-ref.ron"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("tests/fixtures/bad/unknown-ref.ron:"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let run = faultline(&["diff", "tests/fixtures/bad/unknown-ref.ron", NEW]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("tests/fixtures/bad/unknown-ref.ron:"),
        "{}",
        run.stderr
    );
    let run = faultline(&["diff", "-", "-"]);
    assert_eq!(run.code, 2);
}

fn faultline_stdin(args: &[&str], input: &[u8], dir: &Path) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn either_side_may_be_standard_input_or_a_git_revision() {
    let dir = tempdir("git");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    std::fs::copy(root().join(BASE), dir.join("hall.ron")).unwrap();
    git(&["add", "hall.ron"]);
    git(&["commit", "-qm", "base"]);
    std::fs::copy(root().join(NEW), dir.join("hall.ron")).unwrap();
    let run = faultline_stdin(
        &["diff", "git:HEAD:hall.ron", "hall.ron", "--format", "json"],
        b"",
        &dir,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run);
    assert_eq!(v["base"], "git:HEAD:hall.ron");
    assert_eq!(
        ids(&v["added"]),
        ["short-trip cb-a-r02", "single-psu batch-7"]
    );
    // NEW from standard input.
    let new = std::fs::read(root().join(NEW)).unwrap();
    let run = faultline_stdin(
        &["diff", "git:HEAD:hall.ron", "-", "--format", "json"],
        &new,
        &dir,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(json(&run)["new"], "<stdin>");
    assert_eq!(
        ids(&json(&run)["added"]),
        ["short-trip cb-a-r02", "single-psu batch-7"]
    );
    // A revision that does not exist: git's reason, exit 2.
    let run = faultline_stdin(&["diff", "git:nope:hall.ron", "hall.ron"], b"", &dir);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("git:nope:hall.ron"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_reads_standard_input_as_ron_or_json() {
    let ron = std::fs::read(root().join(BASE)).unwrap();
    let run = faultline_stdin(&["check", "-", "--format", "json"], &ron, &root());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let from_file = json(&faultline(&["check", BASE, "--format", "json"]));
    assert_eq!(json(&run)["findings"], from_file["findings"]);
    let as_json = faultline(&["export", BASE, "--format", "json"]).stdout;
    let run = faultline_stdin(
        &["check", "-", "--format", "json"],
        as_json.as_bytes(),
        &root(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(json(&run)["summary"], from_file["summary"]);
    // A broken layout on standard input is located in `<stdin>`.
    let run = faultline_stdin(
        &["check", "-"],
        b"Layout(name: \"x\", power: [Utility(id: 1)])",
        &root(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("<stdin>:1:"), "{}", run.stderr);
}

#[test]
fn check_of_several_files_reports_each_and_a_total_and_exits_with_the_worst() {
    let run = faultline(&["check", "tests/fixtures/warnings-only.ron", BASE]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("faultline: tests/fixtures/warnings-only.ron:")
    );
    assert!(
        run.stdout
            .contains("faultline: tests/fixtures/review/base.ron:")
    );
    assert!(
        run.stdout.contains("faultline: total of 2 files:"),
        "{}",
        run.stdout
    );
    let run = faultline(&[
        "check",
        "tests/fixtures/warnings-only.ron",
        "tests/fixtures/bad/unknown-ref.ron",
        BASE,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("1 file is not a valid layout"),
        "{}",
        run.stdout
    );
    let v = json(&faultline(&[
        "check",
        "tests/fixtures/warnings-only.ron",
        BASE,
        "--format",
        "json",
    ]));
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
}

#[test]
fn a_misspelt_command_gets_a_suggestion() {
    let run = faultline(&["chek"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `check`?"),
        "{}",
        run.stderr
    );
    let run = faultline(&["dif", BASE, NEW]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_baseline_excuses_what_it_holds_and_names_only_what_is_new() {
    let dir = tempdir("baseline");
    let baseline = dir.join("baseline.json");
    let b = baseline.to_str().unwrap();
    let run = faultline(&["check", BASE, "--write-baseline", b]);
    assert_eq!(run.code, 1, "the write run is an ordinary check");
    // Against its own baseline: every finding listed, exit 0.
    let run = faultline(&["check", BASE, "--baseline", b]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("error[false-redundancy]"));
    assert!(
        run.stdout.contains("0 failing findings are not in it"),
        "{}",
        run.stdout
    );
    // A new flaw (the new server's, as warnings; and a new error: a
    // single-PSU server behind a critical service).
    let text = std::fs::read_to_string(root().join(BASE)).unwrap().replace(
        r#"Service(id: "db", needs: [All(["db-1"])]"#,
        r#"Service(id: "db", needs: [All(["db-1", "lonely"])]"#,
    ).replace(
        r#"            Device(id: "db-1","#,
        "            Device(id: \"lonely\", kind: Server, u: 20, height_u: 1, draw_w: 100, psus: [(feed: \"pdu-r02-b\")]),\n            Device(id: \"db-1\",",
    );
    let flawed = dir.join("flawed.ron");
    std::fs::write(&flawed, text).unwrap();
    let run = faultline(&[
        "check",
        flawed.to_str().unwrap(),
        "--baseline",
        b,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run);
    let new = v["new_since_baseline"].as_array().unwrap();
    assert!(!new.is_empty());
    assert!(
        new.iter().all(|f| mentions(f, "lonely")),
        "{:#}",
        v["new_since_baseline"]
    );
    assert!(
        v["findings"].as_array().unwrap().len() > new.len(),
        "every finding is still listed"
    );
    // The baseline is the file as given; the layout is never written.
    let run = faultline(&["check", BASE, "--write-baseline", BASE]);
    assert_eq!(run.code, 2);
    let run = faultline(&["check", BASE, "--baseline", "Cargo.toml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a baseline"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

fn sarif(args: &[&str]) -> Value {
    let run = faultline(args);
    assert!(run.code < 2, "{}", run.stderr);
    json(&run)
}

#[test]
fn sarif_has_a_rule_per_code_and_stable_fingerprints() {
    let v = sarif(&["check", BASE, "--format", "sarif"]);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), faultline::code::Code::findings().count());
    let results = run["results"].as_array().unwrap();
    let check = json(&faultline(&["check", BASE, "--format", "json"]));
    assert_eq!(results.len(), check["findings"].as_array().unwrap().len());
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], BASE);
        assert!(loc["region"]["startLine"].as_u64().unwrap() > 0);
    }
    // The moved file: the same fingerprints, other lines.
    let fingerprints = |v: &Value| -> Vec<String> {
        let mut f: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["faultlineIdentity/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        f.sort();
        f
    };
    let diff = sarif(&["diff", BASE, NEW, "--format", "sarif"]);
    let states: Vec<&str> = diff["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["baselineState"] == "new")
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["short-trip", "single-psu"]);
    let new_check = sarif(&["check", NEW, "--format", "sarif"]);
    assert_eq!(fingerprints(&diff), fingerprints(&new_check));
    let base_fp = fingerprints(&v);
    let unchanged: Vec<&Value> = diff["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["baselineState"] == "unchanged")
        .collect();
    assert!(!unchanged.is_empty());
    for r in unchanged {
        let fp = r["partialFingerprints"]["faultlineIdentity/v1"]
            .as_str()
            .unwrap();
        assert!(
            base_fp.iter().any(|b| b == fp),
            "an unchanged finding keeps its fingerprint"
        );
    }
}

fn require_multitool() {
    match Command::new("sarif-multitool").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => panic!(
            "the SARIF multitool is not installed: this validation needs it. Install it with \
             `npm install -g @microsoft/sarif-multitool` (Node.js), or run plain `cargo test` to skip it."
        ),
    }
}

/// Validate with Microsoft's SARIF multitool: no result at level error.
fn validate_sarif(text: &str, name: &str) {
    let dir = tempdir(&format!("sarif-{name}"));
    let input = dir.join("in.sarif");
    let output = dir.join("out.sarif");
    std::fs::write(&input, text).unwrap();
    let out = Command::new("sarif-multitool")
        .arg("validate")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args(["--level", "Error", "Warning", "Note"])
        .output()
        .expect("sarif-multitool runs");
    assert!(
        out.status.success(),
        "{name}: the multitool failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    let errors: Vec<String> = report["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["results"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["level"] == "error")
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: SARIF validation errors:\n{}",
        errors.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs Microsoft's SARIF multitool (npm install -g @microsoft/sarif-multitool); CI runs it"]
fn sarif_of_every_shipped_layout_passes_the_multitool() {
    require_multitool();
    let layouts = shipped_layouts();
    let mut checked = 0;
    for path in &layouts {
        let p = path.strip_prefix(root()).unwrap().to_str().unwrap();
        let run = faultline(&["check", p, "--format", "sarif"]);
        assert!(run.code < 2, "{}", run.stderr);
        validate_sarif(
            &run.stdout,
            &format!("check-{}", path.file_stem().unwrap().to_string_lossy()),
        );
        // A diff of the layout against the demo, and the review pair.
        let run = faultline(&["diff", "layouts/demo.ron", p, "--format", "sarif"]);
        assert!(run.code < 2, "{}", run.stderr);
        validate_sarif(
            &run.stdout,
            &format!("diff-{}", path.file_stem().unwrap().to_string_lossy()),
        );
        checked += 1;
    }
    assert!(checked >= 6);
    validate_sarif(
        &faultline(&["diff", BASE, NEW, "--format", "sarif"]).stdout,
        "diff-review",
    );
    validate_sarif(
        &faultline(&[
            "check",
            BASE,
            "tests/fixtures/allowed.ron",
            "--format",
            "sarif",
        ])
        .stdout,
        "check-two-files",
    );
}

/// Render Markdown as GitHub does (CommonMark with tables).
fn render(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// The text of the HTML, tags removed and entities decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Each `###` section holds exactly one table, and no table breaks: every
/// row has as many cells as its header.
fn assert_one_table_per_section(markdown: &str, html: &str) {
    let sections = markdown.matches("\n### ").count();
    assert!(sections > 0);
    assert_eq!(html.matches("<table>").count(), sections, "{markdown}");
    for table in html.split("<table>").skip(1) {
        let table = &table[..table.find("</table>").unwrap()];
        let cells = |html: &str, tag: &str| {
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count()
        };
        let header = cells(table.split("</tr>").next().unwrap(), "th");
        for row in table.split("<tr>").skip(2) {
            assert_eq!(cells(row, "td"), header, "a broken row: {row}");
        }
    }
}

#[test]
fn markdown_renders_one_table_per_section_with_every_id_intact() {
    let run = faultline(&["check", "layouts/demo.ron", "--format", "markdown"]);
    assert_eq!(run.code, 1);
    let html = render(&run.stdout);
    assert_one_table_per_section(&run.stdout, &html);
    let text = text_of(&html);
    // Every block's subject, and the events its row names (up to 12).
    let loaded = crate::util::load(&root().join("layouts/demo.ron"));
    let analysis = faultline::engine::Analysis::new(&loaded.layout);
    let findings = faultline::findings::check(&loaded, &analysis);
    for block in faultline::findings::groups::blocks(&findings) {
        assert!(
            text.contains(&block[0].subject),
            "{} missing",
            block[0].subject
        );
        for f in block.iter().take(12) {
            if let Some(e) = &f.event {
                let event = format!("{} {}", e.kind, e.id);
                assert!(text.contains(&event), "{event} missing");
            }
        }
    }
    assert!(text.contains("83 findings in 34 blocks"), "{text}");
    assert!(
        run.stdout.contains("<details>"),
        "long sections are collapsed"
    );
    // No HTML but details and summary.
    for tag in run.stdout.match_indices('<').map(|(i, _)| &run.stdout[i..]) {
        assert!(
            ["<details>", "</details>", "<summary>", "</summary>"]
                .iter()
                .any(|t| tag.starts_with(t)),
            "raw HTML: {}",
            &tag[..tag.len().min(20)]
        );
    }
    let run = faultline(&["diff", BASE, NEW, "--format", "markdown"]);
    let html = render(&run.stdout);
    assert_one_table_per_section(&run.stdout, &html);
    let text = text_of(&html);
    for id in ["batch-7", "cb-a-r02", "backup-1", "utility-b"] {
        assert!(text.contains(id), "{id} missing:\n{text}");
    }
    let added = run.stdout.find("### Added").unwrap();
    let resolved = run.stdout.find("### Resolved").unwrap();
    let every = run.stdout.find("Every finding of the new layout").unwrap();
    assert!(
        added < resolved && resolved < every,
        "added and resolved come first"
    );
}

#[test]
fn markdown_tables_survive_ids_with_markup_characters() {
    // Ids may hold `_ . : -`: `_x_` would be emphasis if not escaped.
    let odd = "batch_7_:x.1";
    let text = std::fs::read_to_string(root().join(NEW))
        .unwrap()
        .replace("batch-7", odd);
    let dir = tempdir("markdown");
    let path = dir.join("odd.ron");
    std::fs::write(&path, text).unwrap();
    let run = faultline(&["diff", BASE, path.to_str().unwrap(), "--format", "markdown"]);
    assert!(run.code < 2, "{}", run.stderr);
    let html = render(&run.stdout);
    assert_one_table_per_section(&run.stdout, &html);
    assert!(text_of(&html).contains(odd), "{}", run.stdout);
    assert!(!html.contains("<em>"), "{html}");
    let _ = std::fs::remove_dir_all(&dir);
    // The format's ids cannot hold `|` or `*`, but names, messages and a
    // future id rule might: the escape keeps any text one cell.
    for text in [
        "a|b*c", "x|y", "**bold**", "`tick`|`", "a\\|b", "<b>&amp;", "[l](u)",
    ] {
        let table = format!(
            "| h | i |\n|---|---|\n| {} | z |\n",
            faultline::report::markdown::escape(text)
        );
        let html = render(&table);
        assert_one_table_html(&html);
        let cell = html.split("<td>").nth(1).unwrap();
        let cell = &cell[..cell.find("</td>").unwrap()];
        assert_eq!(text_of(cell), text, "{table} -> {html}");
    }
}

fn assert_one_table_html(html: &str) {
    assert_eq!(html.matches("<table>").count(), 1);
    assert_eq!(html.matches("<td>").count(), 2, "{html}");
}

/// Every output says how many findings there are and in how many blocks,
/// the same way, and the human report prints exactly that many blocks.
#[test]
fn every_output_counts_findings_and_blocks_alike() {
    for path in shipped_layouts() {
        let p = path.strip_prefix(root()).unwrap().to_str().unwrap();
        let v = json(&faultline(&["check", p, "--format", "json"]));
        let findings = v["summary"]["findings"].as_u64().unwrap() as usize;
        let blocks = v["summary"]["blocks"].as_u64().unwrap() as usize;
        assert_eq!(findings, v["findings"].as_array().unwrap().len());
        let phrase = format!(
            "{findings} finding{} in {blocks} block{}",
            if findings == 1 { "" } else { "s" },
            if blocks == 1 { "" } else { "s" }
        );
        let human = faultline(&["check", p]).stdout;
        assert!(human.contains(&phrase), "{p}: {phrase} not in the summary");
        let printed = human
            .lines()
            .filter(|l| {
                ["error[", "warning[", "note["]
                    .iter()
                    .any(|s| l.starts_with(s))
            })
            .count();
        assert_eq!(printed, blocks, "{p}: blocks printed");
        let markdown = faultline(&["check", p, "--format", "markdown"]).stdout;
        assert!(
            markdown.contains(&phrase),
            "{p}: {phrase} not in the Markdown"
        );
        let sarif = json(&faultline(&["check", p, "--format", "sarif"]));
        assert_eq!(
            sarif["runs"][0]["results"].as_array().unwrap().len(),
            findings
        );
        // The tier line's counts are findings of the JSON.
        for reason in v["summary"]["tier_reasons"].as_array().unwrap() {
            let reason = reason.as_str().unwrap();
            let words: Vec<&str> = reason.split(' ').collect();
            if let ["no", ..] = words.as_slice() {
                continue;
            }
            let code = words[words.len() - 2];
            let total = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["code"] == code)
                .count();
            let n: usize = words[0].parse().unwrap();
            if words[1] == "of" {
                assert_eq!(words[2].parse::<usize>().unwrap(), total, "{p}: {reason}");
                assert!(n < total);
            } else {
                assert_eq!(n, total, "{p}: {reason}");
            }
        }
    }
    // Labels say what they hold.
    let human = faultline(&["check", "layouts/demo.ron"]).stdout;
    assert!(human.contains("= events in the first pairs ("));
    assert!(human.contains("= tripped and down ("));
}
