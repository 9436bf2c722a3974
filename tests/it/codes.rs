//! The code registry: every code is documented in analysis.md, every
//! explanation's example raises its code, `faultline explain` prints them,
//! and no code is spelt as a string anywhere but the registry.

use std::collections::BTreeSet;
use std::path::Path;

use faultline::code::{Code, explain};
use faultline::diagnostic::Severity;
use faultline::engine::Analysis;
use faultline::model::{self, LoadError};

use crate::util::{faultline, load, root, shipped_layouts};

fn analysis_md() -> String {
    std::fs::read_to_string(root().join("docs/analysis.md")).expect("docs/analysis.md")
}

/// The rows of the findings table: (code, severity column).
fn documented_findings(doc: &str) -> Vec<(String, String)> {
    let section = doc
        .split("\n## Findings\n")
        .nth(1)
        .expect("a `## Findings` section")
        .split("\n## ")
        .next()
        .unwrap_or("");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // "| `spof` | error | ..." splits into "", "`spof`", "error", ...
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_string(), cells.get(2)?.to_string()))
        })
        .collect()
}

/// The names written in backquotes in the paragraph that lists the
/// validation errors, which are lower-case words joined by `-`.
fn documented_validation_codes(doc: &str) -> BTreeSet<String> {
    let start = doc
        .find("\nValidation errors")
        .expect("a paragraph starting `Validation errors`");
    let paragraph = doc[start + 1..].split("\n\n").next().unwrap_or("");
    paragraph
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.split('-')
                    .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase()))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_finding_code_is_in_the_analysis_table_with_its_severity() {
    let rows = documented_findings(&analysis_md());
    let documented: BTreeSet<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    let registered: BTreeSet<&str> = Code::findings().map(Code::name).collect();
    assert_eq!(documented, registered, "analysis.md's findings table");
    for (name, severity) in &rows {
        let code = Code::from_name(name).expect("a registered code");
        assert!(
            severity.starts_with(code.severity().name()),
            "{name}: analysis.md says {severity:?}, the registry {}",
            code.severity().name()
        );
    }
}

#[test]
fn every_validation_code_is_in_the_analysis_list() {
    let documented = documented_validation_codes(&analysis_md());
    let registered: BTreeSet<String> = Code::all()
        .filter(|c| !c.is_finding())
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(documented, registered, "analysis.md's validation errors");
}

#[test]
fn the_readme_table_is_the_registry() {
    // README's "What it reports" table says what raises each finding in
    // the registry's own words, so neither drifts from the other.
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split('|').map(str::trim).collect())
        .collect();
    let listed: BTreeSet<&str> = rows.iter().map(|r| r[1].trim_matches('`')).collect();
    let registered: BTreeSet<&str> = Code::findings().map(Code::name).collect();
    assert_eq!(listed, registered, "README's table of findings");
    for row in &rows {
        let code = Code::from_name(row[1].trim_matches('`')).expect("a code");
        assert!(row[2].starts_with(code.severity().name()), "{row:?}");
        assert_eq!(row[3], code.summary(), "README's summary of {code}");
    }
}

#[test]
fn the_doc_parsers_see_what_is_there() {
    // A parser that found nothing would make the two tests above agree
    // with an empty registry; this pins them to a small text.
    let doc = "# x\n\n## Findings\n\n| code | severity |\n|---|---|\n| `spof` | error |\n\n## Next\n\nValidation errors (...): `syntax`,\n`bad-value` (`psus_needed`, `AtLeast(k, ...)`).\n\nOther `cycle`.\n";
    assert_eq!(
        documented_findings(doc),
        vec![("spof".to_string(), "error".to_string())]
    );
    let names: Vec<String> = documented_validation_codes(doc).into_iter().collect();
    assert_eq!(names, ["bad-value", "syntax"]);
}

/// The codes that loading `text` reports, or the findings `check` raises.
fn codes_raised_by(text: &str) -> Vec<Code> {
    match model::load_str("example.ron", text.to_string()) {
        Err(LoadError::Invalid { diagnostics, .. }) => diagnostics.iter().map(|d| d.code).collect(),
        Err(LoadError::Unreadable { .. }) => vec![Code::Unreadable],
        Ok(loaded) => {
            let analysis = Analysis::new(&loaded.layout);
            faultline::findings::check(&loaded, &analysis)
                .iter()
                .map(|f| f.code)
                .collect()
        }
    }
}

#[test]
fn every_example_raises_its_code() {
    for code in Code::all() {
        let example = explain::explanation(code).example;
        if code == Code::Unreadable {
            // The example is a command on a directory: run it.
            let args: Vec<&str> = example
                .split('#')
                .next()
                .unwrap()
                .split_whitespace()
                .skip(1)
                .collect();
            let run = faultline(&args);
            assert_eq!(run.code, 2, "{example}");
            assert!(
                run.stderr.starts_with("error[unreadable]"),
                "{}",
                run.stderr
            );
            continue;
        }
        let raised = codes_raised_by(example);
        assert!(
            raised.contains(&code),
            "the example of {code} raises {raised:?}:\n{example}"
        );
    }
}

#[test]
fn findings_carry_their_codes_default_severity() {
    // The registry's severity is what analysis.md documents; the one
    // escalation it allows is a short-trip that takes down a critical
    // service.
    for path in shipped_layouts() {
        let loaded = load(&path);
        let analysis = Analysis::new(&loaded.layout);
        for f in faultline::findings::check(&loaded, &analysis) {
            let escalated = f.code == Code::ShortTrip && f.severity == Severity::Error;
            assert!(
                f.severity == f.code.severity() || escalated,
                "{}: {} is {:?}",
                path.display(),
                f.code,
                f.severity
            );
        }
    }
}

#[test]
fn explain_prints_the_whole_explanation() {
    let run = faultline(&["explain", "spof"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.starts_with(&format!("spof: {}\n", Code::Spof.summary())),
        "{out}"
    );
    assert!(out.contains("severity: error"), "{out}");
    assert!(out.contains(explain::explanation(Code::Spof).what), "{out}");
    assert!(out.contains(Code::Spof.help()), "{out}");
    assert!(out.contains("allow: [\"spof\"]"), "{out}");
    // The example, indented as a block.
    assert!(out.contains("\n    Layout(\n"), "{out}");
    assert!(out.contains("critical: true"), "{out}");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn explain_works_for_every_code() {
    for code in Code::all() {
        let run = faultline(&["explain", code.name()]);
        assert_eq!(run.code, 0, "{code}: {}", run.stderr);
        assert!(
            run.stdout.starts_with(&format!("{code}: ")),
            "{}",
            run.stdout
        );
        let allowable = run.stdout.contains(&format!("allow: [\"{code}\"]"));
        assert_eq!(allowable, code.is_finding(), "{code}: {}", run.stdout);
    }
}

#[test]
fn explain_without_a_code_lists_every_code() {
    let run = faultline(&["explain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for code in Code::all() {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(code.name()))
            .unwrap_or_else(|| panic!("{code} is not listed:\n{}", run.stdout));
        assert!(line.contains(code.severity().name()), "{line}");
        assert!(line.ends_with(code.summary()), "{line}");
    }
}

#[test]
fn explain_of_an_unknown_code_suggests_one_and_exits_2() {
    let run = faultline(&["explain", "sopf"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("no code named \"sopf\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean \"spof\"?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`faultline explain`"), "{}", run.stderr);

    let far = faultline(&["explain", "no-such-thing-at-all"]);
    assert_eq!(far.code, 2);
    assert!(!far.stderr.contains("did you mean"), "{}", far.stderr);
    assert!(far.stderr.contains("lists every code"), "{}", far.stderr);
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_code_is_spelt_as_a_string_outside_the_registry() {
    // The one word that is both a code and something else: the TUI's
    // name for a node state.
    let not_a_code = "State::Unpowered => \"unpowered\"";
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "found {} files", files.len());
    let mut strays = Vec::new();
    for file in files {
        if file.starts_with(src.join("code")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source text");
        for (i, line) in text.lines().enumerate() {
            for code in Code::all() {
                if line.contains(&format!("\"{code}\"")) && !line.contains(not_a_code) {
                    strays.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        strays.is_empty(),
        "use the registry:\n{}",
        strays.join("\n")
    );
}

#[test]
fn every_example_file_is_named_after_a_code() {
    // The examples are files so they can be checked by hand; one that no
    // code uses, or named after no code, would be a stale copy.
    let dir = root().join("src/code/examples");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/code/examples") {
        let path = entry.expect("an entry").path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(Code::from_name(&stem).is_some(), "{}", path.display());
        let text = std::fs::read_to_string(&path).unwrap();
        let used = Code::all().any(|c| explain::explanation(c).example == text);
        assert!(used, "{} is no code's example", path.display());
        names.push(stem);
    }
    // Every code but `unreadable` (a command) and `unpowered` (shares
    // `overload.ron`) has its own file.
    assert_eq!(names.len(), Code::all().count() - 2, "{names:?}");
}
