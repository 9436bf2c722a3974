//! The fast reader (`model::fast`) against ron and the source index: on
//! everything it accepts it must read the same layout and place every id
//! and PSU at the same line and column; on everything ron refuses it must
//! give up. It must also actually be taken for the layouts people write,
//! or it is no fast path at all.

use faultline::r#gen::{GenOptions, write_ron};
use faultline::model::fast;

use crate::fuzz_harness::check_fast_path;
use crate::util::{fixture, root, shipped_layouts};

fn ron_files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn generated(racks: usize, seed: u64, flaw_rate: f64) -> String {
    let mut out = Vec::new();
    let opts = GenOptions {
        racks,
        seed,
        flaw_rate,
    };
    write_ron(&opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn shipped_and_generated_layouts_take_the_fast_path_and_agree() {
    let mut texts: Vec<(String, String)> = shipped_layouts()
        .into_iter()
        .chain([
            fixture("format-example.ron"),
            fixture("allowed.ron"),
            fixture("warnings-only.ron"),
        ])
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    for (seed, rate) in [(1, 0.0), (2, 0.3), (3, 1.0)] {
        texts.push((format!("gen seed {seed}"), generated(30, seed, rate)));
    }
    for (name, text) in &texts {
        assert!(
            fast::parse(text).is_some(),
            "{name} is not read on the fast path"
        );
        check_fast_path(text);
    }
}

#[test]
fn every_fixture_and_fuzz_input_agrees_or_gives_up() {
    let mut files = ron_files_under(&fixture("bad"));
    files.extend(ron_files_under(&fixture("fuzz")));
    files.extend(ron_files_under(&root().join("layouts")));
    assert!(files.len() > 40);
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check_fast_path(text);
        }
    }
}

/// RON that layouts may be written in, beyond what `gen` writes: each
/// either agrees with ron or is left to it.
#[test]
fn the_corners_of_ron_agree_or_give_up() {
    let example = std::fs::read_to_string(fixture("format-example.ron")).unwrap();
    let variants = [
        // Comments, nested block comments, blank lines, CRLF.
        ("Layout(", "/* a /* nested */ comment */ Layout( // after\n"),
        ("    racks: [", "\r\n\r\n    racks: [ /* racks */"),
        // Escapes ron decodes (the lexer's one table), ones it refuses,
        // and a raw string.
        (
            "\"Desktop VPN gateway rack\"",
            "\"Desk \\\"top\\\" \\\\ VPN\\n\\t\\r\\0\"",
        ),
        ("\"Desktop VPN gateway rack\"", "\"caf\\u{e9}\""),
        (
            "\"Desktop VPN gateway rack\"",
            "\"caf\\xc3\\xa9 \\x41 \\'\"",
        ),
        (
            "\"Desktop VPN gateway rack\"",
            "\"bad \\q \\u{110000} \\xff\"",
        ),
        ("\"Desktop VPN gateway rack\"", "r#\"raw \"name\"\"#"),
        ("\"Desktop VPN gateway rack\"", "\"caf\u{e9} \u{1f50c}\""),
        // Non-ASCII before ids on the same line: columns count characters.
        ("Device(id: \"mail\"", "/* é ü */ Device(id: \"mail\""),
        // Named and unnamed PSU entries, trailing commas.
        (
            "(feed: \"pdu-a\"), (feed: \"pdu-b\")",
            "Psu(feed: \"pdu-a\",), (feed: \"pdu-b\", name: \"p2\",),",
        ),
        // Numbers in every shape a layout might use.
        ("draw_w: 400", "draw_w: 4e2"),
        ("draw_w: 400", "draw_w: 400.0"),
        ("draw_w: 400", "draw_w: 0.4E+3"),
        ("draw_w: 400", "draw_w: -400"),
        ("draw_w: 400", "draw_w: 1_000"),
        ("draw_w: 400", "draw_w: 0x190"),
        ("draw_w: 400", "draw_w: 0400"),
        ("draw_w: 400", "draw_w: +400"),
        ("draw_w: 400", "draw_w: .5"),
        ("draw_w: 400", "draw_w: inf"),
        ("draw_w: 400", "draw_w: NaN"),
        ("u: 20,", "u: 020,"),
        ("u: 20,", "u: 20.0,"),
        ("u: 20,", "u: 4294967296,"),
        // Options: bare, `Some(...)`, `None`.
        ("volts: 100", "volts: Some(100)"),
        (
            "Panel(id: \"panel-1\", input: \"ups\", volts: 100)",
            "Panel(id: \"panel-1\", input: \"ups\", volts: None)",
        ),
        ("role: Management", "role: Some(Management)"),
        // Enum and struct names, right and wrong.
        ("kind: Server", "kind: Server()"),
        ("Rack(id: \"r12\"", "(id: \"r12\""),
        ("Rack(id: \"r12\"", "Rak(id: \"r12\""),
        ("critical: true", "critical: false"),
        ("critical: true", "critical: True"),
        (
            "needs: [All([\"controller\"])]",
            "needs: [AtLeast(1, [\"controller\"],)]",
        ),
        (
            "needs: [All([\"controller\"])]",
            "needs: [Any([\"controller\",],)]",
        ),
        // Things ron refuses or the index reports.
        ("draw_w: 400", "draw_w: 400, colour: \"red\""),
        ("draw_w: 400", "draw_w: 400, draw_w: 500"),
        ("draw_w: 400", "draw_w: \"400\""),
        ("kind: Server", "kind: Sever"),
        ("],\n)", "],\n) trailing"),
        ("],\n)", "]\n)"),
        ("Layout(", "#![enable(implicit_some)]\nLayout("),
        ("\"Desktop VPN gateway rack\"", "\"two\nlines\""),
        ("Layout(", "Layout(("),
    ];
    for (old, new) in variants {
        let text = example.replacen(old, new, 1);
        check_fast_path(&text);
    }
    // Truncations at every point of one small layout.
    for end in (0..example.len()).filter(|&i| example.is_char_boundary(i)) {
        check_fast_path(&example[..end]);
    }
}

/// The fast path changes nothing a user sees: a layout read either way
/// gives the same findings, and an invalid one the same diagnostics.
#[test]
fn load_results_do_not_depend_on_the_path_taken() {
    let text = generated(12, 5, 0.5);
    assert!(fast::parse(&text).is_some());
    // The same file in a form the fast reader leaves to ron.
    let careful = text.replacen("Layout(", "#![enable(implicit_some)]\nLayout(", 1);
    assert!(fast::parse(&careful).is_none());
    let quick = faultline::model::load_str("a.ron", text).unwrap();
    let slow = faultline::model::load_str("a.ron", careful).unwrap();
    assert_eq!(quick.layout, slow.layout);
    for id in ["h001-01-03-s01", "h001-01-03-s01/psu2", "pdu-h001-01-03-a"] {
        let (a, b) = (quick.locate(id).unwrap(), slow.locate(id).unwrap());
        // One line further down in the careful copy.
        assert_eq!((a.line + 1, a.column), (b.line, b.column), "{id}");
    }
}

/// An invalid file the fast reader reads is validated once, with the
/// source index built only to locate its errors, and reported as the
/// careful path reports it; a valid one is never indexed.
#[test]
fn an_invalid_layout_on_the_fast_path_is_validated_once_and_reported_the_same() {
    use faultline::model::spans::LazyIndex;
    use faultline::model::validate::validate;

    let text = generated(12, 5, 0.5);
    let (layout, locations) = fast::parse(&text).unwrap();
    let lazy = LazyIndex::new(&text, locations);
    assert!(validate(&layout, &lazy, &text).diagnostics.is_empty());
    assert!(!lazy.is_built(), "a valid layout was indexed");
    assert!(
        lazy.into_locations()
            == faultline::model::spans::SourceIndex::build(&text).into_locations()
    );

    let broken = text
        .replacen("input: \"fpdu-h001-01-a\"", "input: \"nope\"", 1)
        .replacen("draw_w: ", "draw_w: -", 3)
        .replacen("psus_needed: 2", "psus_needed: 5", 1);
    let careful = broken.replacen("\nLayout(", "\n#![enable(implicit_some)] Layout(", 1);
    assert!(fast::parse(&broken).is_some() && fast::parse(&careful).is_none());
    let render = |name: &str, text: &str| match faultline::model::load_str(name, text.to_string()) {
        Ok(_) => panic!("{name} loaded"),
        Err(e) => e.render(false),
    };
    let (quick, slow) = (render("a.ron", &broken), render("a.ron", &careful));
    assert!(quick.contains("5 errors"), "{quick}");
    assert_eq!(quick, slow);
}

/// Every escape ron reads is read on the fast path too, through the
/// lexer's one table.
#[test]
fn escapes_ron_reads_stay_on_the_fast_path() {
    let example = std::fs::read_to_string(fixture("format-example.ron")).unwrap();
    let text = example.replacen(
        "\"Desktop VPN gateway rack\"",
        "\"caf\\u{e9} \\xc3\\xa9 \\x41 \\' \\\" \\t\"",
        1,
    );
    let (layout, _) = fast::parse(&text).expect("read on the fast path");
    assert!(
        format!("{layout:?}").contains("café é A ' \\\" \\t"),
        "{layout:?}"
    );
    check_fast_path(&text);
}

/// The one writer (`model::write_ron`, what `import` writes) writes what
/// the fast reader reads back as the same layout, for every shipped one.
#[test]
fn written_layouts_read_back_the_same_on_the_fast_path() {
    let mut paths = shipped_layouts();
    paths.extend([fixture("format-example.ron"), fixture("allowed.ron")]);
    for path in paths {
        let loaded = faultline::model::load_path(&path).unwrap();
        let text = faultline::model::write_ron(&loaded.layout);
        let (again, _) = fast::parse(&text)
            .unwrap_or_else(|| panic!("{} as written is not on the fast path", path.display()));
        assert!(
            again == loaded.layout,
            "{} changed on the way",
            path.display()
        );
        check_fast_path(&text);
    }
}
