//! Validation: every code of analysis.md's "Validation errors" comes from a
//! small fixture in `tests/fixtures/bad/` with one mistake, and must be
//! reported with exit status 2, its code, the exact line and column, and a
//! help line: through the real binary (what people see) and through the
//! library (what the location points at). Then the behaviours around it:
//! several mistakes at once, unreadable paths, and inputs that once hung or
//! were mis-reported.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::Duration;

use faultline::diagnostic::Diagnostic;
use faultline::model::{self, LoadError};

use crate::util::{faultline, fixture};

/// The codes analysis.md lists for validation errors.
const CODES: &[&str] = &[
    "syntax",
    "unknown-field",
    "duplicate-id",
    "unknown-ref",
    "bad-ref-kind",
    "cycle",
    "rack-overlap",
    "rack-bounds",
    "bad-value",
    "bad-threshold",
];

/// One fixture with one mistake: the diagnostic it must produce, where, and
/// the text the location underlines (`None` where there is nothing to
/// underline: the end of a truncated file, a byte that is not UTF-8).
struct Case {
    file: &'static str,
    code: &'static str,
    line: u32,
    column: u32,
    points_at: Option<&'static str>,
}

const fn case(
    file: &'static str,
    code: &'static str,
    line: u32,
    column: u32,
    at: &'static str,
) -> Case {
    Case {
        file,
        code,
        line,
        column,
        points_at: Some(at),
    }
}

const CASES: &[Case] = &[
    // syntax
    case("syntax-missing-comma.ron", "syntax", 19, 65, "d"),
    case("syntax-unclosed-paren.ron", "syntax", 18, 58, "]"),
    Case {
        file: "syntax-truncated.ron",
        code: "syntax",
        line: 20,
        column: 52,
        points_at: None,
    },
    Case {
        file: "syntax-not-utf8.ron",
        code: "syntax",
        line: 4,
        column: 30,
        points_at: None,
    },
    case("syntax-empty.ron", "syntax", 1, 1, "/"),
    case("syntax-bad-escape.ron", "syntax", 3, 17, "\\q"),
    // unknown-field: misspelt fields, and unknown variants (semantics.md)
    case(
        "unknown-field-misspelt.ron",
        "unknown-field",
        20,
        62,
        "psus_neded",
    ),
    case("unknown-field-psu.ron", "unknown-field", 18, 43, "nmae"),
    case("unknown-field-kind.ron", "unknown-field", 11, 9, "Breakr"),
    case(
        "unknown-field-device-kind.ron",
        "unknown-field",
        21,
        39,
        "Swtich",
    ),
    // duplicate-id
    case("duplicate-id.ron", "duplicate-id", 12, 21, "\"cb-a\""),
    case(
        "duplicate-id-across-kinds.ron",
        "duplicate-id",
        29,
        21,
        "\"tor-7\"",
    ),
    // unknown-ref
    case(
        "unknown-ref-psu-feed.ron",
        "unknown-ref",
        20,
        51,
        "\"pdu-c\"",
    ),
    case("unknown-ref-input.ron", "unknown-ref", 13, 33, "\"cb-c\""),
    case("unknown-ref-needs.ron", "unknown-ref", 27, 40, "\"db-01\""),
    // bad-ref-kind
    case(
        "bad-ref-kind-psu-into-device.ron",
        "bad-ref-kind",
        22,
        51,
        "\"db-1\"",
    ),
    case(
        "bad-ref-kind-service-as-feed.ron",
        "bad-ref-kind",
        22,
        51,
        "\"web\"",
    ),
    case(
        "bad-ref-kind-utility-feed.ron",
        "bad-ref-kind",
        23,
        51,
        "\"utility\"",
    ),
    case(
        "bad-ref-kind-needs-power.ron",
        "bad-ref-kind",
        28,
        48,
        "\"pdu-a\"",
    ),
    // cycle: named at the element written first
    case("cycle-transfer-switch.ron", "cycle", 8, 17, "\"ats\""),
    case("cycle-service-needs.ron", "cycle", 26, 21, "\"web\""),
    // rack placement
    case("rack-overlap.ron", "rack-overlap", 19, 49, "11"),
    case("rack-bounds.ron", "rack-bounds", 21, 50, "42"),
    case("rack-bounds-zero.ron", "rack-bounds", 17, 50, "0"),
    // bad-value: the value itself is underlined
    case("bad-value-negative-draw.ron", "bad-value", 17, 75, "-350"),
    case("bad-value-zero-rating.ron", "bad-value", 11, 57, "0"),
    case("bad-value-nan.ron", "bad-value", 19, 74, "NaN"),
    case("bad-value-inf.ron", "bad-value", 8, 51, "inf"),
    case("bad-value-huge.ron", "bad-value", 17, 75, "1e300"),
    case("bad-value-phases.ron", "bad-value", 9, 52, "2"),
    case("bad-value-psu-phase.ron", "bad-value", 18, 50, "4"),
    case("bad-value-policy.ron", "bad-value", 4, 34, "-30"),
    case("bad-value-id-slash.ron", "bad-value", 20, 24, "\"db/1\""),
    case(
        "bad-value-pdu-input-and-inputs.ron",
        "bad-value",
        14,
        41,
        "inputs",
    ),
    case("bad-value-ats-one-input.ron", "bad-value", 7, 24, "inputs"),
    case(
        "bad-value-allow-code.ron",
        "bad-value",
        23,
        28,
        "\"singel-psu\"",
    ),
    case("bad-value-missing-field.ron", "bad-value", 11, 45, ")"),
    case("bad-value-wrong-type.ron", "bad-value", 17, 75, "\""),
    // bad-threshold: psus_needed at its value, needs entries at their name
    case(
        "bad-threshold-psus-needed.ron",
        "bad-threshold",
        20,
        75,
        "3",
    ),
    case(
        "bad-threshold-atleast-zero.ron",
        "bad-threshold",
        26,
        52,
        "AtLeast",
    ),
    case(
        "bad-threshold-atleast-over.ron",
        "bad-threshold",
        26,
        52,
        "AtLeast",
    ),
    case(
        "bad-threshold-empty-list.ron",
        "bad-threshold",
        27,
        35,
        "Any",
    ),
];

/// The five mistakes of `five-mistakes.ron`, in the order reported.
const FIVE: &[(&str, u32, u32, &str)] = &[
    ("duplicate-id", 17, 21, "\"cb-a2\""),
    ("unknown-ref", 19, 34, "\"cb-b3\""),
    ("rack-overlap", 25, 50, "21"),
    ("bad-ref-kind", 28, 52, "\"r2\""),
    ("bad-threshold", 32, 36, "AtLeast"),
];

fn rel(file: &str) -> String {
    format!("tests/fixtures/bad/{file}")
}

/// One rendered diagnostic as the binary prints it.
#[derive(Debug)]
struct Shown {
    code: String,
    /// `file:line:column` from the `-->` line.
    at: String,
    help: bool,
}

/// Split stderr into its diagnostics: each starts `error[code]`, has a
/// `--> file:line:column` line and ends before the next one or the summary.
fn shown(stderr: &str) -> Vec<Shown> {
    let mut out: Vec<Shown> = Vec::new();
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix("error[") {
            let code = rest.split(']').next().unwrap_or_default().to_string();
            out.push(Shown {
                code,
                at: String::new(),
                help: false,
            });
        } else if let Some(last) = out.last_mut() {
            let t = line.trim_start();
            if let Some(at) = t.strip_prefix("--> ") {
                last.at = at.to_string();
            } else if t.starts_with("= help: ") {
                last.help = true;
            }
        }
    }
    out
}

/// The diagnostics of a layout that must be invalid, loaded through the
/// library as the CLI does (bytes first, so non-UTF-8 is covered too).
fn invalid(name: &str, bytes: Vec<u8>) -> (String, Vec<Diagnostic>) {
    match model::load_bytes(name, bytes) {
        Ok(_) => panic!("{name} should be invalid"),
        Err(LoadError::Invalid {
            source,
            diagnostics,
            ..
        }) => (source.text, diagnostics),
        Err(e) => panic!("{name} should be invalid, not:\n{}", e.render(false)),
    }
}

fn invalid_text(text: &str) -> (String, Vec<Diagnostic>) {
    invalid("test.ron", text.as_bytes().to_vec())
}

fn fixture_bytes(file: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("bad/{file}"))).expect("fixture exists")
}

/// The source text a diagnostic underlines.
fn underlined<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    let loc = d.loc.expect("located");
    &text[loc.start as usize..loc.end as usize]
}

/// Whether the diagnostic points at `want`: the text from its location on
/// starts with it (a parser error may underline a single character).
fn points_at(text: &str, d: &Diagnostic, want: &str) -> bool {
    let loc = d.loc.expect("located");
    text[loc.start as usize..].starts_with(want)
}

fn render(name: &str, text: &str, diagnostics: Vec<Diagnostic>) -> String {
    let source = faultline::diagnostic::SourceFile {
        name: name.into(),
        text: text.into(),
    };
    LoadError::Invalid {
        source,
        diagnostics,
        unshown: 0,
    }
    .render(false)
}

fn check_through_the_binary(c: &Case) {
    let path = rel(c.file);
    let run = faultline(&["check", &path]);
    assert_eq!(run.code, 2, "{}: exit status\n{}", c.file, run.stderr);
    assert!(
        run.stdout.is_empty(),
        "{}: nothing on stdout:\n{}",
        c.file,
        run.stdout
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{}:\n{}",
        c.file,
        run.stderr
    );
    let shown = shown(&run.stderr);
    assert_eq!(
        shown.len(),
        1,
        "{}: one diagnostic for one mistake:\n{}",
        c.file,
        run.stderr
    );
    let d = &shown[0];
    assert_eq!(d.code, c.code, "{}:\n{}", c.file, run.stderr);
    assert_eq!(
        d.at,
        format!("{path}:{}:{}", c.line, c.column),
        "{}:\n{}",
        c.file,
        run.stderr
    );
    assert!(d.help, "{}: a help line:\n{}", c.file, run.stderr);
    assert!(
        run.stderr.contains("is not a valid layout: 1 error"),
        "{}",
        run.stderr
    );
}

fn check_through_the_library(c: &Case) {
    let (text, ds) = invalid(c.file, fixture_bytes(c.file));
    assert_eq!(
        ds.len(),
        1,
        "{}: {}",
        c.file,
        render(c.file, &text, ds.clone())
    );
    let d = &ds[0];
    let loc = d.loc.unwrap_or_else(|| panic!("{}: located", c.file));
    assert_eq!(
        (d.code.name(), loc.line, loc.column),
        (c.code, c.line, c.column),
        "{}: {}",
        c.file,
        d.message
    );
    if let Some(at) = c.points_at {
        assert!(
            points_at(&text, d, at),
            "{}: underlines {:?}",
            c.file,
            underlined(&text, d)
        );
    }
    assert!(d.help().is_some_and(|h| !h.is_empty()), "{}: help", c.file);
}

/// The first comment line of a fixture names the code it is about, so the
/// fixture says what is wrong with it.
fn check_the_comment(c: &Case) {
    let bytes = fixture_bytes(c.file);
    let text = String::from_utf8_lossy(&bytes);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("// {}: ", c.code)),
        "{}: first line is {first:?}",
        c.file
    );
}

#[test]
fn every_fixture_is_reported_with_its_code_location_and_help() {
    for c in CASES {
        check_the_comment(c);
        check_through_the_library(c);
        check_through_the_binary(c);
    }
}

#[test]
fn the_fixtures_cover_every_validation_code() {
    let covered: BTreeSet<&str> = CASES.iter().map(|c| c.code).collect();
    let wanted: BTreeSet<&str> = CODES.iter().copied().collect();
    assert_eq!(covered, wanted);
}

#[test]
fn every_bad_fixture_has_a_case() {
    // A fixture nobody asserts on would rot silently.
    let dir = fixture("bad");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/bad")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut known: Vec<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    known.push("five-mistakes.ron".into());
    known.sort();
    assert_eq!(files, known);
}

#[test]
fn five_mistakes_are_five_located_diagnostics_in_one_run() {
    let path = rel("five-mistakes.ron");
    let run = faultline(&["check", &path]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let got: Vec<(String, String, bool)> = shown(&run.stderr)
        .into_iter()
        .map(|s| (s.code, s.at, s.help))
        .collect();
    let want: Vec<(String, String, bool)> = FIVE
        .iter()
        .map(|(code, line, col, _)| (code.to_string(), format!("{path}:{line}:{col}"), true))
        .collect();
    assert_eq!(got, want, "\n{}", run.stderr);
    assert!(
        run.stderr.contains("is not a valid layout: 5 errors"),
        "{}",
        run.stderr
    );

    let (text, ds) = invalid("five-mistakes.ron", fixture_bytes("five-mistakes.ron"));
    assert_eq!(
        ds.len(),
        5,
        "{}",
        render("five-mistakes.ron", &text, ds.clone())
    );
    for (d, (code, line, column, at)) in ds.iter().zip(FIVE) {
        let loc = d.loc.expect("located");
        assert_eq!(
            (d.code.name(), loc.line, loc.column),
            (*code, *line, *column),
            "{}",
            d.message
        );
        assert_eq!(underlined(&text, d), *at);
        assert!(d.help().is_some());
    }
}

#[test]
fn a_missing_file_is_exit_2_with_a_readable_message() {
    let run = faultline(&["check", "tests/fixtures/bad/no-such-layout.ron"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot read tests/fixtures/bad/no-such-layout.ron: no such file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_directory_is_exit_2_with_a_readable_message() {
    let run = faultline(&["check", "tests/fixtures/bad"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr.contains("it is a directory, not a layout file"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn trip_refuses_an_invalid_layout_too() {
    let path = rel("duplicate-id.ron");
    let run = faultline(&["trip", &path, "cb-a"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("--> {path}:12:21")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_zero_byte_file_says_it_holds_no_layout() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("validation-empty.ron");
    std::fs::write(&path, "").expect("write temp file");
    let run = faultline(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[syntax]: the file holds no layout"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(":1:1"), "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);

    for blank in ["", "  \n\n", "// nothing yet\n"] {
        let (_, ds) = invalid_text(blank);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].code, "syntax");
    }
}

// ---------------------------------------------------------------------
// Hardening: inputs that hung, panicked or were mis-reported.

/// The example of layout-format.md: valid, so each test below can make one
/// change to it.
fn example() -> String {
    std::fs::read_to_string(fixture("format-example.ron")).expect("example")
}

fn example_with(old: &str, new: &str) -> String {
    let text = example();
    assert_eq!(
        text.matches(old).count(),
        1,
        "{old:?} occurs once in the example"
    );
    text.replacen(old, new, 1)
}

/// Run `f` on another thread and fail (instead of hanging the suite) if it
/// does not finish in time.
fn within_seconds<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("finished in time (the source index once looped forever)")
}

#[test]
fn non_ascii_punctuation_outside_strings_does_not_hang() {
    // A non-breaking space pasted from a wiki page, a stray `→`: the index
    // once produced an empty token for these and never moved on.
    let texts = [
        example_with("u: 40, draw_w: 60", "u: 40,\u{a0}draw_w: 60"),
        example_with("Utility(id: \"utility\"),", "Utility(id: \"utility\"), →"),
    ];
    for text in texts {
        let (_, ds) = within_seconds(10, move || invalid_text(&text));
        assert!(!ds.is_empty());
        assert!(ds.iter().all(|d| d.help().is_some()));
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let text = format!("\u{feff}{}", example());
    let loaded = within_seconds(10, move || model::load_str("bom.ron", text).is_ok());
    assert!(loaded);
}

#[test]
fn a_fraction_where_a_whole_number_goes_is_a_bad_value() {
    // semantics.md: `u: 2.5` is bad-value (the parser alone says "expected
    // comma", a syntax error, at the `.`).
    for (old, new, at) in [
        ("u: 40,", "u: 40.5,", "40.5"),
        ("u: 40,", "u: -40,", "-40"),
        ("u: 40,", "u: 4e1,", "4e1"),
    ] {
        let (text, ds) = invalid_text(&example_with(old, new));
        assert_eq!(ds.len(), 1, "{new}: {:?}", ds);
        assert_eq!(ds[0].code, "bad-value", "{new}");
        assert_eq!(underlined(&text, &ds[0]), at);
    }
}

#[test]
fn values_of_the_wrong_type_are_bad_values_at_the_value() {
    for (old, new, at) in [
        ("draw_w: 400", "draw_w: \"400 W\"", "\""),
        ("capacity_kw: 20,", "capacity_kw: Some(20),", "S"),
        ("critical: true", "critical: yes", "y"),
        (
            "inputs: [\"utility\", \"gen\"]",
            "inputs: \"utility\"",
            "\"",
        ),
        ("u: 40,", "u: 99999999999,", "99999999999"),
        (
            "rating_a: 30),\n        Breaker(id: \"cb-b\"",
            "rating_a: 30, rating_a: 32),\n        Breaker(id: \"cb-b\"",
            "rating_a",
        ),
    ] {
        let (text, ds) = invalid_text(&example_with(old, new));
        assert_eq!(ds.len(), 1, "{new}: {ds:?}");
        assert_eq!(ds[0].code, "bad-value", "{new}: {}", ds[0].message);
        assert!(
            points_at(&text, &ds[0], at),
            "{new}: {:?}",
            underlined(&text, &ds[0])
        );
        assert!(ds[0].help().is_some(), "{new}");
    }
}

#[test]
fn every_syntax_error_has_a_help_line_and_a_useful_location() {
    for (old, new, at) in [
        // trailing text after the layout
        (
            "Management),\n    ],\n)",
            "Management),\n    ],\n) extra",
            "extra",
        ),
        // an unclosed block comment
        ("// One rack", "/* One rack", "/* One rack"),
        // a string missing its closing quote: the help names where it opened
        (
            "name: \"Desktop VPN gateway rack\"",
            "name: \"Desktop VPN gateway rack",
            "",
        ),
        // `]` where `)` is missing
        (
            "psus: [(feed: \"pdu-a\")]),\n            Device(id: \"office-router\"",
            "psus: [(feed: \"pdu-a\"]),\n            Device(id: \"office-router\"",
            "]",
        ),
        // a stray closing bracket
        (
            "Utility(id: \"utility\"),",
            "Utility(id: \"utility\")),",
            ")",
        ),
    ] {
        let (text, ds) = invalid_text(&example_with(old, new));
        assert_eq!(ds.len(), 1, "{new}: {ds:?}");
        assert_eq!(ds[0].code, "syntax", "{new}");
        assert!(
            points_at(&text, &ds[0], at),
            "{new}: {:?}",
            underlined(&text, &ds[0])
        );
        assert!(ds[0].help().is_some(), "{new}");
    }
    // The runaway string: the help points back at where it opened.
    let (_, ds) = invalid_text(&example_with(
        "name: \"Desktop VPN gateway rack\"",
        "name: \"Desktop VPN gateway rack",
    ));
    assert!(
        ds[0]
            .notes
            .iter()
            .any(|(_, h)| h.contains("the string opened at 4:11")),
        "{:?}",
        ds[0].notes
    );
}

#[test]
fn a_truncated_file_names_the_bracket_left_open() {
    let (_, ds) = invalid(
        "syntax-truncated.ron",
        fixture_bytes("syntax-truncated.ron"),
    );
    let help = ds[0].help().expect("help");
    assert!(help.contains("`Device(` opened at 20:13"), "{help}");
}

#[test]
fn all_unknown_variants_are_reported_not_just_the_first() {
    let text = example_with(
        "Breaker(id: \"cb-a\", input: \"panel-1\", rating_a: 30),",
        "Breakr(id: \"cb-a\", input: \"panel-1\", rating_a: 30),\n        Panl(id: \"p2\", input: \"ups\"),",
    )
    .replace("kind: Router", "kind: Ruoter")
    .replace("roles: [Management]", "roles: [Mgmt]")
    .replace("needs: [All([\"controller\"])]", "needs: [Alll([\"controller\"])]");
    let (text, ds) = invalid_text(&text);
    let got: Vec<(&str, &str)> = ds
        .iter()
        .map(|d| (d.code.name(), underlined(&text, d)))
        .collect();
    assert_eq!(
        got,
        vec![
            ("unknown-field", "Breakr"),
            ("unknown-field", "Panl"),
            ("unknown-field", "Ruoter"),
            ("unknown-field", "Mgmt"),
            ("unknown-field", "Alll"),
        ]
    );
    assert!(ds[0].help().unwrap().contains("did you mean `Breaker`?"));
}

#[test]
fn unknown_fields_are_reported_with_the_semantic_errors() {
    // semantics.md: all unknown fields at once, together with every
    // semantic error.
    let text = example_with("transfer_s: 10", "transfer_sec: 10")
        .replace("Breaker(id: \"cb-b\"", "Breaker(id: \"cb-a\"");
    let (text, ds) = invalid_text(&text);
    let got: Vec<(&str, &str)> = ds
        .iter()
        .map(|d| (d.code.name(), underlined(&text, d)))
        .collect();
    assert!(got.contains(&("unknown-field", "transfer_sec")), "{got:?}");
    assert!(got.contains(&("duplicate-id", "\"cb-a\"")), "{got:?}");
    // pdu-b's input "cb-b" no longer exists.
    assert!(got.contains(&("unknown-ref", "\"cb-b\"")), "{got:?}");
}

#[test]
fn a_duplicate_names_what_is_written_first() {
    // Sections in any order: the message must describe the definition its
    // line number points at, and no cycle may be made up from the clash.
    let text = r#"Layout(
    name: "services first",
    services: [
        Service(id: "cb-a", needs: [All(["d1"])]),
    ],
    power: [
        Utility(id: "u"),
        Breaker(id: "cb-a", input: "u", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "d1", kind: Server, u: 1, draw_w: 100, psus: [(feed: "cb-a")]),
        ]),
    ],
)"#;
    let (_, ds) = invalid_text(text);
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].code, "duplicate-id");
    assert_eq!(
        ds[0].message,
        "id \"cb-a\" is already used by a service on line 4"
    );
    assert_eq!(ds[0].loc.map(|l| (l.line, l.column)), Some((8, 21)));
}

#[test]
fn huge_numbers_are_shown_short() {
    let (_, ds) = invalid("bad-value-huge.ron", fixture_bytes("bad-value-huge.ron"));
    assert!(ds[0].message.contains("(found 1e300)"), "{}", ds[0].message);
    assert!(ds[0].message.len() < 100, "{}", ds[0].message);
}

#[test]
fn a_rack_of_height_zero_is_one_error() {
    let (_, ds) = invalid_text(&example_with(
        "Rack(id: \"r12\",",
        "Rack(id: \"r12\", height_u: 0,",
    ));
    let codes: Vec<&str> = ds.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["bad-value"]);
}

#[test]
fn devices_at_the_top_of_u32_do_not_wrap() {
    let (_, ds) = invalid_text(&example_with(
        "u: 40,",
        "u: 4294967295, height_u: 4294967295,",
    ));
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].code, "rack-bounds");
    assert!(
        ds[0].message.contains("U4294967295-U8589934589"),
        "{}",
        ds[0].message
    );
}

#[test]
fn a_common_cause_may_name_psus_that_exist() {
    let with_members = |members: &str| {
        example_with(
            "    ],\n)",
            &format!(
                "    ],\n    common_causes: [CommonCause(id: \"batch-7\", members: [{members}])],\n)"
            ),
        )
    };
    let good = with_members("\"mail/psu2\", \"controller/psu1\", \"pdu-a\"");
    assert!(
        faultline::model::load_str("test.ron", good).is_ok(),
        "PSUs by their default names are members"
    );
    for (member, code) in [
        ("\"mail/psu3\"", "unknown-ref"),
        ("\"nothing/psu1\"", "unknown-ref"),
        ("\"pdu-a/psu1\"", "unknown-ref"),
        ("\"r12\"", "bad-ref-kind"),
    ] {
        let (text, ds) = invalid_text(&with_members(member));
        assert_eq!(ds.len(), 1, "{member}: {ds:?}");
        assert_eq!(ds[0].code, code, "{member}: {}", ds[0].message);
        assert!(points_at(&text, &ds[0], member), "{member}");
    }
}

#[test]
fn decisions_of_semantics_md_hold() {
    for (what, old, new, code, at) in [
        (
            "observes names a non-critical service",
            "role: Management)",
            "role: Management, observes: [\"remote-mgmt\"])",
            "bad-ref-kind",
            "\"remote-mgmt\"",
        ),
        (
            "a needs entry names its owner",
            "needs: [All([\"office-router\"])]",
            "needs: [All([\"office-router\", \"remote-mgmt\"])]",
            "cycle",
            "\"remote-mgmt\"",
        ),
        (
            "a member listed twice in one entry",
            "needs: [All([\"controller\"])]",
            "needs: [All([\"controller\", \"controller\"])]",
            "bad-value",
            "\"controller\"",
        ),
        (
            "an input listed twice",
            "input: \"ats\",",
            "input: \"ats\", bypass: \"ats\",",
            "bad-value",
            "\"ats\"",
        ),
        (
            "an empty All",
            "needs: [All([\"controller\"])]",
            "needs: [All([])]",
            "bad-threshold",
            "All",
        ),
        (
            "a PSU name used twice",
            "psus: [(feed: \"pdu-a\"), (feed: \"pdu-b\")]",
            "psus: [(feed: \"pdu-a\", name: \"psu\"), (feed: \"pdu-b\", name: \"psu\")]",
            "duplicate-id",
            "name",
        ),
        (
            "a Pdu with three inlets",
            "Pdu(id: \"pdu-b\", input: \"cb-b\"",
            "Pdu(id: \"pdu-b\", inputs: [\"cb-a\", \"cb-b\", \"panel-1\"]",
            "bad-value",
            "inputs",
        ),
        (
            "a Pdu placed in a device",
            "input: \"cb-b\", rack: \"r12\"",
            "input: \"cb-b\", rack: \"mail\"",
            "bad-ref-kind",
            "\"mail\"",
        ),
        (
            "a negative generator start",
            "start_s: 15",
            "start_s: -15",
            "bad-value",
            "-15",
        ),
        ("zero volts", "volts: 100", "volts: 0", "bad-value", "0"),
        (
            "an id starting with a dash",
            "Utility(id: \"utility\"),",
            "Utility(id: \"utility\"),\n        Utility(id: \"-grid\"),",
            "bad-value",
            "\"-grid\"",
        ),
    ] {
        let (text, ds) = invalid_text(&example_with(old, new));
        assert_eq!(ds.len(), 1, "{what}: {ds:?}");
        assert_eq!(ds[0].code, code, "{what}: {}", ds[0].message);
        assert!(
            points_at(&text, &ds[0], at),
            "{what}: {:?}",
            underlined(&text, &ds[0])
        );
        assert!(ds[0].help().is_some(), "{what}");
    }
}

#[test]
fn long_lines_are_cut_around_the_mistake() {
    // A generated one-line layout: the rendered line stays readable and the
    // caret still sits under the mistake.
    let one_line = example()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ");
    let bad = one_line.replace("(feed: \"pdu-b\")", "(feed: \"pdu-x\")");
    let (text, ds) = invalid_text(&bad);
    assert_eq!(ds.len(), 1);
    let out = render("one-line.ron", &text, ds);
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .find(|l| l.starts_with("1 |"))
        .expect("source line");
    let carets = lines.iter().find(|l| l.contains('^')).expect("carets");
    assert!(source.len() < 200, "{source}");
    let at = source.find("\"pdu-x\"").expect("the mistake is shown");
    assert_eq!(carets.find('^'), Some(at), "\n{source}\n{carets}");
}

#[test]
fn files_over_the_size_limit_are_refused_before_parsing() {
    let path = crate::util::fixture("format-example.ron");
    let size = std::fs::metadata(&path).unwrap().len();
    match faultline::model::load::load_path_limited(&path, size - 1) {
        Err(faultline::model::LoadError::Unreadable { reason, .. }) => {
            assert!(reason.contains("layouts are limited to"), "{reason}")
        }
        other => panic!("expected a size refusal, got {other:?}"),
    }
    assert!(faultline::model::load::load_path_limited(&path, size).is_ok());
    assert_eq!(faultline::model::load::MAX_FILE_BYTES, 1 << 30);
}

#[test]
fn export_never_overwrites_the_layout_it_reads() {
    let dir = std::env::temp_dir().join(format!("faultline-nowrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("hall.ron");
    std::fs::copy(crate::util::fixture("format-example.ron"), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let p = copy.to_str().unwrap();
    let run = crate::util::faultline(&["export", p, "--format", "json", "-o", p]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("never writes a layout file"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Half-depth devices on opposite faces share units; any other pair in a
/// unit overlaps; a 0U device holds no units (`u` is not read).
#[test]
fn half_depth_devices_share_units_across_faces_and_0u_holds_none() {
    let layout = |a: &str, b: &str| {
        format!(
            r#"Layout(name: "faces", power: [Utility(id: "u"), Breaker(id: "cb", input: "u", rating_a: 16)],
  racks: [Rack(id: "r1", devices: [
    Device(id: "sw", kind: Switch, u: 40, draw_w: 50, psus: [(feed: "cb")]{a}),
    Device(id: "pp", kind: Other, u: 40, draw_w: 10, psus: [(feed: "cb")]{b}),
    Device(id: "vpdu", kind: Other, u: 0, height_u: 0, draw_w: 5, psus: [(feed: "cb")]),
    Device(id: "cm", kind: Other, u: 40, height_u: 0, draw_w: 1, psus: [(feed: "cb")]),
  ])],
)"#
        )
    };
    let half = ", full_depth: false";
    let ok = layout(half, &format!("{half}, face: Rear"));
    model::load_bytes("ok.ron", ok.into_bytes()).unwrap_or_else(|e| panic!("{}", e.render(false)));
    for (a, b) in [
        // Same face.
        (half.to_string(), half.to_string()),
        (format!("{half}, face: Rear"), format!("{half}, face: Rear")),
        // One full-depth device fills both faces.
        (String::new(), format!("{half}, face: Rear")),
        (", face: Rear".to_string(), half.to_string()),
    ] {
        let text = layout(&a, &b);
        let (_, d) = invalid_text(&text);
        assert_eq!(d.len(), 1, "{text}: {d:?}");
        assert_eq!(d[0].code.name(), "rack-overlap", "{text}");
        assert!(
            d[0].message.contains("\"pp\" overlaps \"sw\""),
            "{}",
            d[0].message
        );
    }
}
