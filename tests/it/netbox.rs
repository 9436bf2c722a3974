//! `faultline import netbox` against a local server that answers as NetBox
//! does (`netbox_server.rs`): the mapping, paging, both token styles, and
//! one clear line with exit 2 for every way the server can be wrong.

use serde_json::{Value, json};

use crate::netbox_server::{Fake, closed, silent};
use crate::util::{faultline, load_text};

fn site() -> Value {
    json!({"id": 1, "name": "Lab", "slug": "lab"})
}

fn nested_site() -> Value {
    json!({"id": 1, "name": "Lab", "slug": "lab"})
}

fn device(id: u64, name: &str, rack: Option<u64>, position: Option<f64>, type_id: u64) -> Value {
    json!({
        "id": id, "url": format!("http://x/api/dcim/devices/{id}/"), "name": name,
        "device_type": {"id": type_id, "model": "m"},
        "role": {"id": 1, "name": "Server", "slug": "server"},
        "site": nested_site(),
        "rack": rack.map(|r| json!({"id": r, "name": format!("R{r}")})),
        "position": position,
        "face": {"value": "front", "label": "Front"},
    })
}

fn port(id: u64, device: u64, name: &str, draw: Option<f64>, peer: Option<(&str, u64)>) -> Value {
    let (peers, kind) = match peer {
        Some((kind, id)) => (json!([{"id": id}]), json!(kind)),
        None => (json!([]), Value::Null),
    };
    json!({
        "id": id, "device": {"id": device, "name": "d"}, "name": name,
        "allocated_draw": draw, "maximum_draw": null,
        "link_peers": peers, "link_peers_type": kind,
    })
}

fn outlet(id: u64, device: u64, inlet: u64, leg: Option<&str>) -> Value {
    json!({
        "id": id, "device": {"id": device, "name": "pdu"}, "name": format!("O{id}"),
        "power_port": {"id": inlet, "name": "inlet"},
        "feed_leg": leg.map(|l| json!({"value": l, "label": l})),
    })
}

/// A lab with two panels, an A and a B feed, a PDU on each, a dual-fed
/// server, a single-fed one, one with an uncabled port and one unracked.
fn lab() -> Fake {
    let mut f = Fake::new();
    let list = |v: Vec<Value>| v;
    f.lists.insert(
        "dcim/sites".into(),
        list(vec![
            site(),
            json!({"id": 2, "name": "Other", "slug": "other"}),
        ]),
    );
    f.lists.insert(
        "dcim/racks".into(),
        vec![json!({"id": 7, "name": "R7", "site": nested_site(), "u_height": 42, "starting_unit": 1})],
    );
    f.lists.insert(
        "dcim/device-types".into(),
        vec![
            json!({"id": 1, "model": "1U server", "u_height": 1.0, "is_full_depth": true}),
            json!({"id": 2, "model": "2U server", "u_height": 2.0, "is_full_depth": true}),
            json!({"id": 3, "model": "PDU", "u_height": 0.0, "is_full_depth": false}),
        ],
    );
    f.lists.insert(
        "dcim/devices".into(),
        vec![
            device(100, "pdu a", Some(7), None, 3),
            device(101, "pdu b", Some(7), None, 3),
            device(200, "db 1", Some(7), Some(10.0), 2),
            device(201, "web-1", Some(7), Some(20.0), 1),
            device(202, "spare", Some(7), Some(30.0), 1),
            device(203, "loose", None, None, 1),
        ],
    );
    f.lists.insert(
        "dcim/power-panels".into(),
        vec![
            json!({"id": 1, "name": "Panel A", "site": nested_site()}),
            json!({"id": 2, "name": "Panel B", "site": nested_site()}),
        ],
    );
    let feed = |id: u64, name: &str, panel: u64, inlet: u64, amps: f64| {
        json!({
            "id": id, "name": name, "power_panel": {"id": panel, "name": "p"},
            "status": {"value": "active"}, "supply": {"value": "ac"},
            "phase": {"value": "single-phase"}, "voltage": 230, "amperage": amps,
            "max_utilization": 80, "link_peers": [{"id": inlet}], "link_peers_type": "dcim.powerport",
        })
    };
    f.lists.insert(
        "dcim/power-feeds".into(),
        vec![
            feed(10, "Feed A", 1, 1000, 16.0),
            feed(11, "Feed B", 2, 1001, 16.0),
        ],
    );
    f.lists.insert(
        "dcim/power-ports".into(),
        vec![
            port(1000, 100, "inlet", None, Some(("dcim.powerfeed", 10))),
            port(1001, 101, "inlet", None, Some(("dcim.powerfeed", 11))),
            port(
                3000,
                200,
                "PSU1",
                Some(300.0),
                Some(("dcim.poweroutlet", 2000)),
            ),
            port(
                3001,
                200,
                "PSU2",
                Some(300.0),
                Some(("dcim.poweroutlet", 2100)),
            ),
            port(
                3002,
                201,
                "PSU1",
                Some(200.0),
                Some(("dcim.poweroutlet", 2001)),
            ),
            port(3003, 202, "PSU1", None, None),
            port(3004, 203, "PSU1", None, None),
        ],
    );
    f.lists.insert(
        "dcim/power-outlets".into(),
        vec![
            outlet(2000, 100, 1000, None),
            outlet(2001, 100, 1000, None),
            outlet(2100, 101, 1001, None),
        ],
    );
    f
}

fn import(url: &str, extra: &[&str]) -> crate::util::Run {
    let mut args = vec!["import", "netbox", "--url", url];
    args.extend_from_slice(extra);
    faultline(&args)
}

#[test]
fn a_site_becomes_a_layout_with_every_assumption_reported() {
    let mut fake = lab();
    // Two objects a page: every list needs several pages.
    fake.max_page = 2;
    let url = fake.serve();
    let run = import(&url, &["--site", "lab"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let loaded = load_text(&run.stdout);
    let layout = &loaded.layout;
    let ids: Vec<&str> = layout.power.iter().map(|p| p.id()).collect();
    assert_eq!(
        ids,
        [
            "utility:Panel A",
            "Panel A",
            "utility:Panel B",
            "Panel B",
            "Feed A",
            "Feed B",
            "pdu a",
            "pdu b"
        ]
    );
    let rack = &layout.racks[0];
    assert_eq!(rack.id, "R7");
    let devices: Vec<(&str, u32, u32, f64, usize)> = rack
        .devices
        .iter()
        .map(|d| (d.id.as_str(), d.u, d.height_u, d.draw_w, d.psus.len()))
        .collect();
    assert_eq!(
        devices,
        [
            ("db 1", 10, 2, 600.0, 2),
            ("web-1", 20, 1, 200.0, 1),
            // Its one port has no cable: kept, with no PSU.
            ("spare", 30, 1, 250.0, 0)
        ]
    );
    assert_eq!(rack.devices[0].psus[1].feed, "pdu b");
    for line in [
        "imported: 1 sites, 2 power panels, 2 power feeds, 2 PDU inlets, 1 racks, 3 devices",
        "skipped 1 (devices not in a rack): loose",
        "assumed for 1: devices with no power path in NetBox, kept with `psus: []` (no-power-path): spare",
        "skipped 1 (power ports with no cable): spare PSU1",
        "assumed for 2: panels fed by independent utilities",
    ] {
        assert!(run.stderr.contains(line), "no {line:?} in:\n{}", run.stderr);
    }
    // NetBox's names are ids as they are, spaces included: none renamed.
    assert!(!run.stderr.contains("renamed"), "{}", run.stderr);
    // The written layout says the same at its top.
    assert!(
        run.stdout.starts_with("// Imported by faultline"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("// assumed for 2: panels fed by independent utilities")
    );

    // And it is checked like any layout: web-1 has one PSU.
    let dir = std::env::temp_dir().join(format!("faultline-netbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("lab.ron");
    let run = import(&url, &["--site", "lab", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = faultline(&["check", out.to_str().unwrap(), "--format", "json"]);
    assert!(check.stdout.contains("\"single-psu\""), "{}", check.stdout);
    // The uncabled device is there, said once, as a warning.
    let findings: Value = serde_json::from_str(&check.stdout).unwrap();
    let about_spare: Vec<(&str, &str)> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subject"] == "spare")
        .map(|f| (f["code"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(
        about_spare,
        [("no-power-path", "warning")],
        "{}",
        check.stdout
    );
}

#[test]
fn the_same_netbox_gives_the_same_bytes() {
    let url = lab().serve();
    let a = import(&url, &[]);
    let b = import(&url, &["--format", "ron"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn both_token_styles_are_sent_as_netbox_expects() {
    let mut fake = lab();
    fake.authorization = Some("Bearer nbt_abc123.s3cret".into());
    let url = fake.serve();
    let ok = import(&url, &["--token", "nbt_abc123.s3cret"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);

    let mut fake = lab();
    fake.authorization = Some("Token 0123456789abcdef".into());
    let url = fake.serve();
    let ok = import(&url, &["--token", "0123456789abcdef"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);

    let wrong = import(&url, &["--token", "nope"]);
    assert_eq!(wrong.code, 2);
    assert!(wrong.stdout.is_empty());
    assert!(
        wrong.stderr.contains("refused the request with 403"),
        "{}",
        wrong.stderr
    );
    assert!(
        wrong.stderr.contains("Invalid v1 token"),
        "{}",
        wrong.stderr
    );
    assert_eq!(wrong.stderr.lines().count(), 1, "{}", wrong.stderr);
}

#[test]
fn a_wrong_server_gives_one_line_and_exit_2_with_nothing_written() {
    let dir = std::env::temp_dir().join(format!("faultline-netbox-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("never.ron");
    let out = out.to_str().unwrap();

    let mut not_netbox = Fake::new();
    not_netbox.status_body = "<html>welcome to nginx</html>".into();
    let cases = [
        (closed(), "cannot reach NetBox"),
        (not_netbox.serve(), "not as NetBox does"),
        (silent(), "did not answer within 1 s"),
    ];
    for (url, expect) in cases {
        let run = import(&url, &["--timeout", "1", "--output", out]);
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
        assert!(run.stderr.contains(expect), "{url}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!std::path::Path::new(out).exists());
    }
    let run = import("netbox.example.com", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not an http:// or https:// URL"),
        "{}",
        run.stderr
    );

    let url = lab().serve();
    let run = import(&url, &["--site", "labb"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean \"lab\""),
        "{}",
        run.stderr
    );
}

#[test]
fn an_upstream_overlay_supplies_the_chain_above_the_panels() {
    let url = lab().serve();
    let dir = std::env::temp_dir().join(format!("faultline-netbox-up-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let overlay = dir.join("upstream.ron");
    std::fs::write(
        &overlay,
        r#"Upstream(
    power: [
        Utility(id: "grid"),
        Generator(id: "gen", start_s: 15),
        Ats(id: "ats", inputs: ["grid", "gen"]),
        Ups(id: "ups-a", input: "ats", capacity_kw: 40, runtime_min: 8),
        Ups(id: "ups-b", input: "ats", capacity_kw: 40, runtime_min: 8),
        Panel(id: "Panel A", input: "ups-a"),
        Panel(id: "Panel B", input: "ups-b"),
    ],
    devices: [DeviceExtra(id: "web-1", roles: [Management])],
    services: [Service(id: "db", needs: [All(["db 1"])], critical: true)],
)"#,
    )
    .unwrap();
    let run = import(&url, &["--upstream", overlay.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("independent utilities"),
        "{}",
        run.stderr
    );
    let loaded = load_text(&run.stdout);
    let ids: Vec<&str> = loaded.layout.power.iter().map(|p| p.id()).collect();
    assert!(!ids.iter().any(|i| i.starts_with("utility:")), "{ids:?}");
    assert!(ids.contains(&"ups-a") && ids.contains(&"ats"), "{ids:?}");
    assert_eq!(loaded.layout.services[0].id, "db");

    // A typo in the overlay is located and nothing is fetched or written.
    std::fs::write(&overlay, "Upstream(power: [], sevrices: [])").unwrap();
    let run = import(&url, &["--upstream", overlay.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("upstream.ron:1:"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    // So is a device the import does not have.
    std::fs::write(&overlay, r#"Upstream(devices: [DeviceExtra(id: "nope")])"#).unwrap();
    let run = import(&url, &["--upstream", overlay.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
}

/// What the lab site (`scripts/netbox-live.sh`, recorded in
/// tests/fixtures/netbox/faultline-lab) was built to show, without an
/// overlay: (severity, code, subject) of every error and warning.
pub fn lab_verdict() -> std::collections::BTreeSet<(String, String, String)> {
    [
        ("warning", "single-psu", "legacy 01"),
        ("warning", "short-trip", "Feed A1"),
        // Feed B1 is undersized: losing the A side of rack 01 trips it.
        ("error", "failover-overload", "utility:Panel 1"),
        ("error", "failover-overload", "Panel 1"),
        ("error", "failover-overload", "Feed A1"),
        ("error", "failover-overload", "PDU R01-A"),
        ("error", "false-redundancy", "utility:Panel 1"),
        ("error", "false-redundancy", "Panel 1"),
        ("error", "false-redundancy", "Feed A1"),
        ("error", "false-redundancy", "PDU R01-A"),
        // Rack 02's A and B feeds share Panel 2.
        ("error", "false-redundancy", "utility:Panel 2"),
        ("error", "false-redundancy", "Panel 2"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect()
}

fn recorded(set: &str) -> String {
    Fake::replay(&crate::util::fixture(&format!("netbox/{set}"))).serve()
}

#[test]
fn recorded_answers_of_a_real_netbox_give_the_lab_verdict() {
    let url = recorded("faultline-lab");
    let url_base = url.clone();
    let dir = std::env::temp_dir().join(format!("faultline-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let whole = dir.join("whole.ron");
    let paged = dir.join("paged.ron");
    let run = import(
        &url,
        &[
            "--site",
            "faultline-lab",
            "--output",
            whole.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The same answers five objects a page, as NetBox pages them.
    let run = import(
        &url,
        &[
            "--site",
            "faultline-lab",
            "--page-size",
            "5",
            "--output",
            paged.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let whole_text = std::fs::read_to_string(&whole).unwrap();
    // The front/rear pair of half-depth devices shares U40.
    for pair in [
        r#"Device(id: "tor 01", kind: Switch, u: 40"#,
        r#"Device(id: "oob 01", kind: Switch, u: 40"#,
    ] {
        assert!(whole_text.contains(pair), "{pair} in:\n{whole_text}");
    }
    assert!(
        whole_text.contains("face: Rear, full_depth: false"),
        "{whole_text}"
    );
    assert_eq!(whole_text, std::fs::read_to_string(&paged).unwrap());
    assert_eq!(
        crate::netbox_live::verdict(whole.to_str().unwrap()),
        lab_verdict()
    );
    // Each finding about an object from NetBox links back to its page
    // there (issue 13): all but the invented utilities.
    let check = crate::util::faultline(&["check", whole.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let subject = f["subject"].as_str().unwrap();
        if subject.starts_with("utility:") {
            assert!(f.get("source").is_none(), "{f:#}");
            continue;
        }
        let url = f["source"]["url"]
            .as_str()
            .unwrap_or_else(|| panic!("no source: {f:#}"));
        // The recorded answers name the server that serves them.
        let page = format!("{}/dcim/", url_base.trim_end_matches('/'));
        assert!(url.starts_with(&page), "{page} {f:#}");
        assert!(!url.contains("/api/"), "the web page, not the API: {url}");
    }
    let feed = findings.iter().find(|f| {
        f["source"]["url"]
            .as_str()
            .is_some_and(|u| u.contains("/dcim/power-feeds/"))
    });
    assert!(
        feed.is_some(),
        "a finding about a power feed: {findings:#?}"
    );
    for line in [
        "imported: 1 sites, 2 power panels, 4 power feeds, 4 PDU inlets, 2 racks, 10 devices",
        "skipped 1 (power ports with no cable): backup 01 PSU3",
        "assumed for 1: devices with no allocated_draw, taken at one port's maximum_draw: oob 01",
    ] {
        assert!(run.stderr.contains(line), "no {line:?} in:\n{}", run.stderr);
    }
}

#[test]
fn the_demo_datas_messy_sites_import_with_every_assumption_said() {
    let url = recorded("demo");
    // MDF: feeds with nothing cabled to them, no draws, unnamed devices.
    let run = import(&url, &["--site", "ncsu-065"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    load_text(&run.stdout);
    assert!(
        run.stderr.contains("imported: 1 sites, 4 power panels"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("assumed for 4: panels fed by independent utilities"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("skipped"), "{}", run.stderr);
    // A branch: a PDU feeding a router and a switch, its inlet cabled to
    // nothing.
    let run = import(&url, &["--site", "dm-akron"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    load_text(&run.stdout);
    assert!(
        run.stderr.contains("PDU inlets with no cable"),
        "{}",
        run.stderr
    );
    // What that PDU feeds is kept, with no power path, and said so.
    assert!(
        run.stderr.contains(
            "assumed for 2: devices with no power path in NetBox, kept with `psus: []` \
             (no-power-path): dmi01-akron-rtr01, dmi01-akron-sw01"
        ),
        "{}",
        run.stderr
    );
    let dir = std::env::temp_dir().join(format!("faultline-akron-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("akron.ron");
    let run = import(
        &url,
        &["--site", "dm-akron", "--output", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = faultline(&["check", out.to_str().unwrap(), "--format", "json"]);
    assert_eq!(check.code, 0, "warnings only: {}", check.stderr);
    let v: Value = serde_json::from_str(&check.stdout).unwrap();
    let found: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["subject"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("no-power-path", "dmi01-akron-rtr01"),
            ("no-power-path", "dmi01-akron-sw01")
        ],
        "{}",
        check.stdout
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `sources` in a hand-written layout: a finding about a linked id
/// carries the link in every output; a link to an undefined id is a
/// located `unknown-ref`, exit 2.
#[test]
fn sources_link_findings_to_their_inventory_objects() {
    let dir = std::env::temp_dir().join(format!("faultline-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let layout = |extra: &str| {
        format!(
            r#"Layout(name: "linked", power: [
    Utility(id: "u"),
    Breaker(id: "Feed-A", input: "u", rating_a: 16),
  ], racks: [Rack(id: "r1", devices: [
    Device(id: "db", kind: Server, u: 1, draw_w: 200, psus: [(feed: "Feed-A")]),
  ])],
  services: [Service(id: "svc", needs: [All(["db"])], critical: true)],
  sources: [
    Source(id: "Feed-A", url: "https://nb.example/dcim/power-feeds/7/", name: "Feed A (hall 2)"),
    {extra}
  ],
)"#
        )
    };
    let good = dir.join("good.ron");
    std::fs::write(&good, layout("")).unwrap();
    let run = crate::util::faultline(&["check", good.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let feed: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subject"] == "Feed-A")
        .collect();
    assert!(!feed.is_empty(), "{:#}", v["findings"]);
    for f in &feed {
        assert_eq!(f["source"]["url"], "https://nb.example/dcim/power-feeds/7/");
        assert_eq!(f["source"]["name"], "Feed A (hall 2)");
    }
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["subject"] != "Feed-A")
            .all(|f| f.get("source").is_none())
    );
    let human = crate::util::faultline(&["check", good.to_str().unwrap()]);
    assert!(
        human
            .stdout
            .contains("= source: https://nb.example/dcim/power-feeds/7/ (Feed A (hall 2))"),
        "{}",
        human.stdout
    );
    let sarif = crate::util::faultline(&["check", good.to_str().unwrap(), "--format", "sarif"]);
    assert!(
        sarif
            .stdout
            .contains(r#""source": "https://nb.example/dcim/power-feeds/7/""#),
        "{}",
        sarif.stdout
    );

    let bad = dir.join("bad.ron");
    std::fs::write(
        &bad,
        layout(r#"Source(id: "nowhere", url: "https://nb.example/dcim/devices/1/"),"#),
    )
    .unwrap();
    let run = crate::util::faultline(&["check", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("`sources` entry names \"nowhere\", which is not defined")
            && run.stderr.contains("bad.ron:10:16"),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A generated site of `racks` racks, each with an A and a B PDU (0U, on
/// a feed of their own from panel A or B) and 40 dual-corded 1U servers:
/// `racks * 40` devices, served as NetBox pages them.
fn generated_site(racks: u64) -> Fake {
    let mut f = Fake::new();
    f.max_page = 500;
    f.lists.insert("dcim/sites".into(), vec![site()]);
    f.lists.insert(
        "dcim/device-types".into(),
        vec![
            json!({"id": 1, "model": "1U server", "u_height": 1.0, "is_full_depth": true}),
            json!({"id": 3, "model": "PDU", "u_height": 0.0, "is_full_depth": false}),
        ],
    );
    f.lists.insert(
        "dcim/power-panels".into(),
        vec![
            json!({"id": 1, "name": "Panel A", "site": nested_site()}),
            json!({"id": 2, "name": "Panel B", "site": nested_site()}),
        ],
    );
    let (mut rack_list, mut devices, mut feeds, mut ports, mut outlets) =
        (vec![], vec![], vec![], vec![], vec![]);
    for r in 1..=racks {
        rack_list.push(json!({"id": r, "name": format!("R{r}"), "site": nested_site(), "u_height": 42, "starting_unit": 1}));
        for (side, panel) in [(0u64, 1u64), (1, 2)] {
            let pdu = 1_000_000 + r * 2 + side;
            let inlet = 2_000_000 + r * 2 + side;
            let feed = 3_000_000 + r * 2 + side;
            devices.push(device(pdu, &format!("pdu r{r} {side}"), Some(r), None, 3));
            feeds.push(json!({
                "id": feed, "name": format!("Feed {r}-{side}"), "power_panel": {"id": panel, "name": "p"},
                "status": {"value": "active"}, "supply": {"value": "ac"},
                "phase": {"value": "single-phase"}, "voltage": 230, "amperage": 32,
                "max_utilization": 80, "link_peers": [{"id": inlet}], "link_peers_type": "dcim.powerport",
            }));
            ports.push(port(
                inlet,
                pdu,
                "inlet",
                None,
                Some(("dcim.powerfeed", feed)),
            ));
        }
        for s in 0..40u64 {
            let id = r * 100 + s;
            devices.push(device(
                id,
                &format!("srv r{r} {s}"),
                Some(r),
                Some(1.0 + s as f64),
                1,
            ));
            for side in 0..2u64 {
                let outlet_id = 4_000_000 + id * 2 + side;
                let inlet = 2_000_000 + r * 2 + side;
                outlets.push(outlet(outlet_id, 1_000_000 + r * 2 + side, inlet, None));
                ports.push(port(
                    5_000_000 + id * 2 + side,
                    id,
                    &format!("PSU{}", side + 1),
                    Some(80.0),
                    Some(("dcim.poweroutlet", outlet_id)),
                ));
            }
        }
    }
    let by_id = |mut v: Vec<Value>| {
        v.sort_by_key(|x| x["id"].as_u64());
        v
    };
    f.lists.insert("dcim/racks".into(), by_id(rack_list));
    f.lists.insert("dcim/devices".into(), by_id(devices));
    f.lists.insert("dcim/power-feeds".into(), by_id(feeds));
    f.lists.insert("dcim/power-ports".into(), by_id(ports));
    f.lists.insert("dcim/power-outlets".into(), by_id(outlets));
    f
}

/// Issue 13: a generated 10,000-device site over many pages imports whole
/// (every server, both cords), with a progress line on a terminal. The
/// time is printed, not asserted (BENCHMARKS.md has the numbers).
#[test]
fn a_generated_10k_device_site_imports_over_many_pages_with_a_progress_line() {
    let (url, server_busy) = generated_site(250).serve_timed();
    let dir = std::env::temp_dir().join(format!("faultline-nb10k-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("site.ron");
    let started = std::time::Instant::now();
    let run = import(&url, &["--site", "lab", "--output", out.to_str().unwrap()]);
    let wall = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let server = *server_busy.lock().unwrap();
    eprintln!(
        "import of 10,000 devices: {:.2} s wall, of which the server answered for {:.2} s",
        wall.as_secs_f64(),
        server.as_secs_f64()
    );
    assert!(
        run.stderr.contains("imported: 1 sites, 2 power panels, 500 power feeds, 500 PDU inlets, 250 racks, 10000 devices"),
        "{}",
        run.stderr
    );
    let check = faultline(&["check", out.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(v["summary"]["devices"], 10_000);
    // Every server is fed from both panels: no false redundancy, no
    // single PSU.
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "single-psu" && f["code"] != "false-redundancy"),
        "{:#}",
        v["findings"]
    );

    // On a terminal, a progress line counts what was read.
    let (url, _) = generated_site(250).serve_timed();
    let out = dir.join("site-pty.ron");
    let args = [
        "import",
        "netbox",
        "--url",
        &url,
        "--site",
        "lab",
        "--output",
        out.to_str().unwrap(),
    ];
    let (mut pty, mut child) = crate::tui::spawn_in_pty(&args);
    let code = crate::tui::wait_exit(&mut child, &mut pty);
    assert_eq!(code, 0, "{}", pty.raw_text());
    let raw = pty.raw_text();
    assert!(raw.contains("reading devices: 500 of 10500"), "{raw}");
    assert!(raw.contains("reading power ports: "), "{raw}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A virtual chassis becomes a service up while any of its members is,
/// said as an assumption; a member that is not imported is left out.
#[test]
fn a_virtual_chassis_becomes_a_service_of_its_members() {
    let mut fake = lab();
    for d in fake.lists.get_mut("dcim/devices").unwrap().iter_mut() {
        if [200, 201, 203].contains(&d["id"].as_u64().unwrap()) {
            d["virtual_chassis"] = json!({"id": 5, "name": "core stack"});
        }
    }
    let url = fake.serve();
    let run = import(&url, &["--site", "lab"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let layout = load_text(&run.stdout).layout;
    assert_eq!(layout.services.len(), 1, "{:?}", layout.services);
    let s = &layout.services[0];
    assert_eq!(s.id, "core stack");
    assert_eq!(
        s.needs,
        [faultline::model::format::Need::Any(vec![
            "db 1".into(),
            "web-1".into()
        ])],
        "the unracked member (loose) is not imported"
    );
    assert!(
        run.stderr.contains(
            "virtual chassis made services, up while any member is: core stack (2 members)"
        ),
        "{}",
        run.stderr
    );
    // It is a service like any other: failing both members takes it down.
    let path = std::env::temp_dir().join(format!("faultline-vc-{}.ron", std::process::id()));
    std::fs::write(&path, &run.stdout).unwrap();
    let trip = faultline(&[
        "trip",
        path.to_str().unwrap(),
        "db 1",
        "web-1",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&trip.stdout).unwrap();
    assert_eq!(
        v["down"]["services"],
        json!(["core stack"]),
        "{}",
        trip.stdout
    );
    std::fs::remove_file(&path).ok();
}
