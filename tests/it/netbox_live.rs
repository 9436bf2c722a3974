//! `faultline import netbox` against a real NetBox 4.7.3 stood up on this
//! machine by `scripts/netbox-live.sh start`, which builds the lab site
//! (slug `faultline-lab`) the checks below expect. Like the SCRAM tests,
//! these are ignored in a plain `cargo test`; CI starts NetBox and runs
//! them with `--include-ignored`, and they fail with a hint, never pass,
//! when there is no NetBox to talk to.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::util::{faultline, json, root};

struct Live {
    url: String,
    token: String,
    token_v1: Option<String>,
}

/// The running NetBox, from the env file the script writes
/// (`NETBOX_LIVE_ENV`, else `target/netbox/env`).
fn live() -> Live {
    let path = std::env::var_os("NETBOX_LIVE_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/netbox/env"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no live NetBox ({}: {e}). Start one with `scripts/netbox-live.sh start` \
             (needs Python 3.12, PostgreSQL and Redis; see docs/netbox.md), or point \
             NETBOX_LIVE_ENV at its env file",
            path.display()
        )
    });
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .map(|v| v.trim_matches('"').to_string())
    };
    Live {
        url: get("NETBOX_URL").expect("NETBOX_URL in the env file"),
        token: get("NETBOX_TOKEN").expect("NETBOX_TOKEN in the env file"),
        token_v1: get("NETBOX_TOKEN_V1").filter(|t| !t.is_empty()),
    }
}

/// `faultline import netbox` of the lab site with `token`, plus `extra`.
fn lab_import(url: &str, token: &str, extra: &[&str]) -> crate::util::Run {
    let mut args = vec![
        "import",
        "netbox",
        "--url",
        url,
        "--token",
        token,
        "--site",
        "faultline-lab",
    ];
    args.extend_from_slice(extra);
    faultline(&args)
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// (severity, code, subject) of every error and warning.
pub fn verdict(file: &str) -> BTreeSet<(String, String, String)> {
    let run = faultline(&["check", file, "--format", "json"]);
    let v = json(&run);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "note")
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("severity"), s("code"), s("subject"))
        })
        .collect()
}

#[test]
#[ignore = "needs a live NetBox: scripts/netbox-live.sh start (CI runs it)"]
fn the_lab_site_imports_and_shows_the_flaws_it_was_built_with() {
    let nb = live();
    let out = tempdir().join("site.ron");
    let out = out.to_str().unwrap();
    let run = lab_import(&nb.url, &nb.token, &["--output", out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("panels fed by independent utilities"),
        "{}",
        run.stderr
    );

    assert_eq!(verdict(out), crate::netbox::lab_verdict());
}

#[test]
#[ignore = "needs a live NetBox: scripts/netbox-live.sh start (CI runs it)"]
fn an_overlay_with_a_and_b_ups_changes_the_verdict() {
    let nb = live();
    let dir = tempdir();
    let overlay = dir.join("upstream.ron");
    std::fs::write(
        &overlay,
        r#"Upstream(
    power: [
        Utility(id: "grid"),
        Generator(id: "gen", start_s: 15),
        Ats(id: "ats", inputs: ["grid", "gen"]),
        Ups(id: "ups-a", input: "ats", capacity_kw: 40, runtime_min: 10),
        Ups(id: "ups-b", input: "ats", capacity_kw: 40, runtime_min: 10),
        Panel(id: "Panel 1", input: "ups-a"),
        Panel(id: "Panel 2", input: "ups-b"),
    ],
    services: [Service(id: "db", needs: [All(["db 01"])], critical: true)],
)"#,
    )
    .unwrap();
    let out = dir.join("site-up.ron");
    let out = out.to_str().unwrap();
    let run = lab_import(
        &nb.url,
        &nb.token,
        &["--upstream", overlay.to_str().unwrap(), "--output", out],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("independent utilities"),
        "{}",
        run.stderr
    );
    let verdict = verdict(out);
    // The invented utilities are gone, and with them their findings; the
    // UPS now carries each side.
    assert!(
        !verdict.iter().any(|(_, _, s)| s.starts_with("utility:")),
        "{verdict:?}"
    );
    assert!(
        verdict.contains(&("error".into(), "false-redundancy".into(), "ups-a".into())),
        "{verdict:?}"
    );
    // db-01 is dual-fed but rack 01's B feed trips when A is lost: its
    // service is a single point of failure on the A side.
    assert!(
        verdict.contains(&("error".into(), "spof".into(), "Feed A1".into())),
        "{verdict:?}"
    );
    // Each finding about a NetBox object carries the URL of its page in
    // that NetBox; the chain the overlay adds above the panels has none.
    let v = json(&faultline(&["check", out, "--format", "json"]));
    let overlay_only = ["grid", "gen", "ats", "ups-a", "ups-b", "db"];
    let page = format!("{}/dcim/", nb.url.trim_end_matches('/'));
    let mut linked = 0;
    for f in v["findings"].as_array().unwrap() {
        let subject = f["subject"].as_str().unwrap();
        if overlay_only.contains(&subject) {
            assert!(f.get("source").is_none(), "{f:#}");
            continue;
        }
        let url = f["source"]["url"]
            .as_str()
            .unwrap_or_else(|| panic!("no NetBox URL: {f:#}"));
        assert!(url.starts_with(&page), "{page}: {f:#}");
        linked += 1;
    }
    assert!(linked > 0, "{:#}", v["findings"]);
}

#[test]
#[ignore = "needs a live NetBox: scripts/netbox-live.sh start (CI runs it)"]
fn v1_tokens_work_and_a_wrong_token_is_one_line() {
    let nb = live();
    if let Some(v1) = &nb.token_v1 {
        let run = lab_import(&nb.url, v1, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let run = lab_import(&nb.url, "nbt_wrong.wrong", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("refused the request"), "{}", run.stderr);
}
