//! Six places where the engine once disagreed with analysis.md and
//! semantics.md (issue 11), each pinned on the smallest layout that shows
//! it. The random oracles (`oracle.rs`, `findings_oracle.rs`) cover the
//! mechanism behind each on many layouts.

use faultline::engine::Analysis;
use faultline::findings::{self, Finding};

use crate::util::{faultline, json, load_text};

fn check(text: &str) -> Vec<Finding> {
    let loaded = load_text(text);
    let a = Analysis::new(&loaded.layout);
    findings::check(&loaded, &a)
}

fn with_code<'f>(found: &'f [Finding], code: &str) -> Vec<&'f Finding> {
    found.iter().filter(|f| f.code == code).collect()
}

fn write_layout(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Two feeds, an STS over both, one single-corded device behind the STS
/// and one on cb1. `cb1_a` sets cb1's rating.
fn sts_layout(cb1_a: u32, d1_psus: &str, with_d2: bool) -> String {
    let d2 = if with_d2 {
        r#"Device(id: "d2", kind: Server, u: 3, draw_w: 100, psus: [(feed: "cb1")]),"#
    } else {
        ""
    };
    format!(
        r#"Layout(
    name: "sts",
    power: [
        Utility(id: "u1"),
        Utility(id: "u2"),
        Breaker(id: "cb1", input: "u1", rating_a: {cb1_a}),
        Breaker(id: "cb2", input: "u2", rating_a: 30),
        Sts(id: "sts", inputs: ["cb1", "cb2"]),
    ],
    racks: [Rack(id: "r", devices: [
        Device(id: "d1", kind: Server, u: 1, draw_w: 1000, psus: [{d1_psus}]),
        {d2}
    ])],
    services: [Service(id: "app", needs: [All(["d1"])], critical: true)],
)"#
    )
}

#[test]
fn a_short_below_a_transfer_switch_counts_the_shorted_device() {
    let found = check(&sts_layout(30, r#"(feed: "sts")"#, true));
    let trips = with_code(&found, "short-trip");
    assert_eq!(trips.len(), 1, "{found:#?}");
    let t = trips[0];
    assert_eq!(t.subject, "cb1");
    assert_eq!(t.affected, ["d1", "d2"]);
    assert_eq!(t.severity, faultline::diagnostic::Severity::Error);

    // Without d2 the short still takes down d1, whose only PSU it is.
    let found = check(&sts_layout(30, r#"(feed: "sts")"#, false));
    let trips = with_code(&found, "short-trip");
    assert_eq!(trips.len(), 1, "{found:#?}");
    assert_eq!(trips[0].affected, ["d1"]);
}

#[test]
fn a_short_walks_the_state_before_overload_trips_without_the_cascade() {
    // d1 draws 500 W through the STS (on cb1 first) and 500 W straight
    // from cb1: 1 kW on a 460 W breaker, which trips in the base state.
    // Before that trip the STS draws from cb1, so a short in d1/psu1 trips
    // cb1 and both of d1's PSUs die; after it, the STS is on cb2.
    let text = sts_layout(2, r#"(feed: "sts"), (feed: "cb1")"#, false);
    let path = write_layout("short-walk.ron", &text);
    let file = path.to_str().unwrap();

    let run = faultline(&[
        "trip",
        file,
        "--short",
        "d1/psu1",
        "--no-cascade",
        "--format",
        "json",
    ]);
    let v = json(&run);
    let power: Vec<&str> = v["down"]["power"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(power.contains(&"cb1"), "{}", run.stdout);
    assert!(!power.contains(&"cb2"), "{}", run.stdout);
    let human = faultline(&["trip", file, "--short", "d1/psu1", "--no-cascade"]);
    assert!(
        human.stdout.contains("the short in d1/psu1 trips cb1"),
        "{}",
        human.stdout
    );

    // With the cascade the base state has cb1 tripped, and the short's walk
    // goes through cb2, the STS's active input there.
    let human = faultline(&["trip", file, "--short", "d1/psu1"]);
    assert!(
        human.stdout.contains("the short in d1/psu1 trips cb2"),
        "{}",
        human.stdout
    );

    // Cut sets are on liveness from the state before any overload trips:
    // the short takes both PSUs of d1, a single-event cut set of app.
    let cuts = json(&faultline(&[
        "cuts", file, "--target", "app", "--format", "json",
    ]));
    let text = cuts.to_string();
    assert!(
        text.contains(r#"{"id":"d1/psu1","kind":"short"}"#)
            || text.contains(r#"{"kind":"short","id":"d1/psu1"}"#),
        "{text}"
    );

    // The fault-tree export: the short is one of cb1's own events.
    let mef = write_layout("short-walk.xml", "");
    let run = faultline(&[
        "export",
        file,
        "--format",
        "opsa-mef",
        "--output",
        mef.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let xml = std::fs::read_to_string(&mef).unwrap();
    let cb1_gate = gate_text(&xml, "cb1 down");
    assert!(cb1_gate.contains("short-d1_psu1"), "{cb1_gate}");
    let cb2_gate = gate_text(&xml, "cb2 down");
    assert!(!cb2_gate.contains("short-d1_psu1"), "{cb2_gate}");
}

/// The `<define-gate>` element labelled `label`.
fn gate_text<'x>(xml: &'x str, label: &str) -> &'x str {
    let tag = format!("<label>{label}</label>");
    let at = xml
        .find(&tag)
        .unwrap_or_else(|| panic!("no gate labelled {label}"));
    let start = xml[..at].rfind("<define-gate").unwrap();
    let end = at + xml[at..].find("</define-gate>").unwrap();
    &xml[start..end]
}

#[test]
fn a_generator_on_the_bypass_is_a_standby() {
    let text = r#"Layout(
    name: "bypass",
    power: [
        Utility(id: "u"),
        Generator(id: "g"),
        Ups(id: "ups", input: "u", bypass: "g", capacity_kw: 20, runtime_min: 10),
        Breaker(id: "cb", input: "ups", rating_a: 30),
    ],
    racks: [Rack(id: "r", devices: [
        Device(id: "d", kind: Server, u: 1, draw_w: 100, psus: [(feed: "cb")]),
    ])],
)"#;
    let found = check(text);
    assert!(with_code(&found, "no-standby").is_empty(), "{found:#?}");
    // Without the generator it is noted.
    let found = check(&text.replace(r#"Generator(id: "g")"#, r#"Utility(id: "g")"#));
    assert_eq!(with_code(&found, "no-standby").len(), 1, "{found:#?}");
}

#[test]
fn false_redundancy_does_not_count_the_common_causes_own_members() {
    let text = r#"Layout(
    name: "common",
    power: [
        Utility(id: "u"),
        Breaker(id: "a", input: "u", rating_a: 30),
        Breaker(id: "b", input: "u", rating_a: 30),
    ],
    racks: [Rack(id: "r", devices: [
        Device(id: "d", kind: Server, u: 1, draw_w: 100, psus: [(feed: "a"), (feed: "b")]),
        Device(id: "e", kind: Server, u: 2, draw_w: 100, psus: [(feed: "a"), (feed: "b")]),
    ])],
    common_causes: [CommonCause(id: "g", members: ["u", "d"])],
)"#;
    let found = check(text);
    let fr: Vec<_> = with_code(&found, "false-redundancy")
        .into_iter()
        .filter(|f| f.subject == "g")
        .collect();
    assert_eq!(fr.len(), 1, "{found:#?}");
    assert_eq!(fr[0].affected, ["e"]);
}

fn status_layout(app_allow: &str) -> String {
    format!(
        r#"Layout(
    name: "status",
    power: [
        Utility(id: "u"),
        Breaker(id: "cb", input: "u", rating_a: 30),
        Breaker(id: "cb-app", input: "u", rating_a: 30),
    ],
    racks: [Rack(id: "r", devices: [
        Device(id: "web", kind: Server, u: 1, draw_w: 100, psus: [(feed: "cb")]),
        Device(id: "db", kind: Server, u: 2, draw_w: 100, psus: [(feed: "cb")]),
        Device(id: "api", kind: Server, u: 3, draw_w: 100, psus: [(feed: "cb-app")]),
    ])],
    services: [
        Service(id: "status", needs: [All(["web"])], critical: true, role: StatusPage),
        Service(id: "app", needs: [All(["db"])], critical: true{app_allow}),
        Service(id: "other", needs: [All(["db", "api"])], critical: true),
        Service(id: "mgmt", needs: [All(["web"])], role: Management, observes: ["app"]),
    ],
)"#
    )
}

#[test]
fn a_role_holder_never_observes_itself() {
    let text = status_layout("");
    // Only web goes down: status is down, with nothing else critical.
    let text = text.replace(
        r#"Device(id: "db", kind: Server, u: 2, draw_w: 100, psus: [(feed: "cb")]),"#,
        r#"Device(id: "db", kind: Server, u: 2, draw_w: 100, psus: [(feed: "cb-app")]),"#,
    );
    let found = check(&text);
    let on_cb: Vec<_> = found
        .iter()
        .filter(|f| f.event.as_ref().is_some_and(|e| e.id == "cb"))
        .collect();
    assert!(on_cb.iter().any(|f| f.code == "spof"), "{on_cb:#?}");
    assert!(!on_cb.iter().any(|f| f.code == "shared-fate"), "{on_cb:#?}");

    // It still observes the other critical services that fall with it.
    let found = check(&status_layout(""));
    let sf: Vec<_> = with_code(&found, "shared-fate")
        .into_iter()
        .filter(|f| f.subject == "cb")
        .collect();
    assert_eq!(sf.len(), 1, "{found:#?}");
    assert_eq!(sf[0].affected, ["app", "mgmt", "other", "status"]);
}

#[test]
fn shared_fate_is_allowed_when_every_service_it_names_allows_it() {
    // Failing cb takes down status, app and other. The finding names the
    // observed ones, app and other (status watches both): app's allow
    // alone does not accept it.
    let on_cb = |found: &[Finding]| -> Vec<Finding> {
        with_code(found, "shared-fate")
            .into_iter()
            .filter(|f| f.subject == "cb")
            .cloned()
            .collect()
    };
    let found = check(&status_layout(r#", allow: ["shared-fate"]"#));
    let sf = on_cb(&found);
    assert_eq!(sf.len(), 1, "{found:#?}");
    assert!(!sf[0].allowed, "{sf:#?}");
    // When status watches only app, the finding names app alone, and app's
    // allow accepts it, though status and other (down too) allow nothing.
    let text = status_layout(r#", allow: ["shared-fate"]"#).replace(
        r#"critical: true, role: StatusPage)"#,
        r#"critical: true, role: StatusPage, observes: ["app"])"#,
    );
    let found = check(&text);
    let sf = on_cb(&found);
    assert_eq!(sf.len(), 1, "{found:#?}");
    assert_eq!(sf[0].affected, ["app", "mgmt", "status"]);
    assert!(sf[0].allowed, "{sf:#?}");
}

#[test]
fn a_load_exactly_at_the_continuous_rating_is_not_above_it() {
    // 400 W over 3 PSUs plus 2,000 W over 2: 2,400 W on a 3 kW utility is
    // exactly 80%, though the shares add to 2400.0000000000005.
    let text = |kw: &str| {
        format!(
            r#"Layout(
    name: "exact",
    power: [
        Utility(id: "u", capacity_kw: {kw}),
        Panel(id: "p", input: "u"),
    ],
    racks: [Rack(id: "r", devices: [
        Device(id: "a", kind: Server, u: 1, draw_w: 400,
               psus: [(feed: "p"), (feed: "p"), (feed: "p")]),
        Device(id: "b", kind: Server, u: 2, draw_w: 2000, psus: [(feed: "p"), (feed: "p")]),
    ])],
)"#
        )
    };
    let found = check(&text("3"));
    assert!(with_code(&found, "derating").is_empty(), "{found:#?}");
    // A watt more is above it.
    let found = check(&text("2.999"));
    assert_eq!(with_code(&found, "derating").len(), 1, "{found:#?}");
}

/// An element's own `continuous_load_pct` replaces the policy's for it:
/// a 16 A breaker (3,680 W) carrying 2,760 W is 75%, under the policy's
/// 80% but over its own 70%; `headroom`'s limit follows the same number.
#[test]
fn an_elements_own_continuous_load_limit_replaces_the_policys() {
    let layout = |own: &str| {
        format!(
            r#"Layout(name: "limit", power: [Utility(id: "u"), Breaker(id: "cb", input: "u", rating_a: 16{own}), Breaker(id: "cb2", input: "u", rating_a: 16)],
  racks: [Rack(id: "r1", devices: [
    Device(id: "d", kind: Server, u: 1, draw_w: 2760, psus: [(feed: "cb")]),
    Device(id: "e", kind: Server, u: 2, draw_w: 2760, psus: [(feed: "cb2")]),
  ])],
)"#
        )
    };
    let policy_only = check(&layout(""));
    assert!(with_code(&policy_only, "derating").is_empty());
    let own = check(&layout(", continuous_load_pct: 70"));
    let derating = with_code(&own, "derating");
    assert_eq!(derating.len(), 1, "{own:#?}");
    assert_eq!(
        derating[0].subject, "cb",
        "only the element with its own limit"
    );
    assert!(
        derating[0]
            .message
            .contains("above the 70% continuous rating")
    );
    let path = write_layout("own-limit.ron", &layout(", continuous_load_pct: 70"));
    let v = json(&faultline(&[
        "headroom",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let limit = |id: &str| {
        v["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()["limit_w"]
            .as_f64()
            .unwrap()
    };
    assert!((limit("cb") - 3680.0 * 0.7).abs() < 0.1, "{}", limit("cb"));
    assert!(
        (limit("cb2") - 3680.0 * 0.8).abs() < 0.1,
        "{}",
        limit("cb2")
    );
    // A limit that is not a positive number is a located error.
    let bad = write_layout("bad-limit.ron", &layout(", continuous_load_pct: -5"));
    let run = faultline(&["check", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("continuous_load_pct"), "{}", run.stderr);
}
