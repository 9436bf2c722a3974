//! Maintenance windows (`--out`): what the window does, what one event
//! during it does, and agreement with the tier estimate's
//! "concurrently-maintainable".

use faultline::code::Code;
use faultline::diagnostic::Severity;
use faultline::engine::{Analysis, Event, headroom};
use faultline::findings::{self, tier::Level, window::window};
use faultline::model::Loaded;
use faultline::model::format::PowerElement;

use crate::oracle::{Rng, random_layout, tighten};
use crate::util::{faultline, json, load, shipped_layouts};

/// The tier says concurrently-maintainable (or better) exactly when the
/// base state has no blocking error and taking out any one power element
/// leaves every critical service up, no PSU redundancy lost and nothing
/// tripped. Returns whether the layout was judged (it has critical
/// services and no allowed finding that the tier would skip).
fn agrees(name: &str, loaded: &Loaded) -> bool {
    let a = Analysis::new(&loaded.layout);
    if a.graph.critical_services().next().is_none() {
        return false;
    }
    let found = findings::check(loaded, &a);
    if found.iter().any(|f| f.allowed) {
        return false;
    }
    let tier = findings::tier::estimate(&a, &found);
    let base_ok = !found.iter().any(|f| {
        f.severity == Severity::Error
            && matches!(f.code, Code::Overload | Code::Unpowered | Code::UpsBridge)
    });
    let mut unmaintainable = Vec::new();
    for x in a.graph.power.clone() {
        if !window(&a, &[x], &[]).is_maintainable() {
            unmaintainable.push(a.graph.id(x).to_string());
        }
    }
    let by_windows = base_ok && unmaintainable.is_empty();
    assert_eq!(
        tier.level >= Level::ConcurrentlyMaintainable,
        by_windows,
        "{name}: tier {:?} ({:?}) but base_ok {base_ok}, windows that take something down: {unmaintainable:?}",
        tier.level,
        tier.reasons
    );
    true
}

/// Variants of a maintainable layout in which one breaker is rated
/// between its load and its failover load: taking out the element that
/// loads it trips it (a `failover-overload`, the window's `tripped`).
fn tight_variants(name: &str, loaded: &Loaded) -> usize {
    let a = Analysis::new(&loaded.layout);
    let h = headroom::headroom(&a, &loaded.layout);
    let mut n = 0;
    for e in &h.elements {
        let Some(Event::Fail(x)) = e.worst_event else {
            continue;
        };
        if !a.graph.is_power(x) || e.failover_load_w < e.load_w * 1.02 {
            continue;
        }
        let mut layout = loaded.layout.clone();
        let id = a.graph.id(e.node);
        let Some(PowerElement::Breaker { rating_a, .. }) =
            layout.power.iter_mut().find(|p| p.id() == id)
        else {
            continue;
        };
        let wanted_w = (e.load_w + e.failover_load_w) / 2.0;
        *rating_a *= wanted_w / e.capacity_w;
        let text = ron::ser::to_string(&layout).unwrap();
        let variant = faultline::model::load_str("tight.ron", text).unwrap();
        if agrees(&format!("{name}, {id} tight"), &variant) {
            n += 1;
        }
    }
    n
}

#[test]
fn concurrently_maintainable_means_every_single_out_window_is_safe() {
    let mut judged = 0;
    let (mut yes, mut no, mut tight) = (0, 0, 0);
    for path in shipped_layouts() {
        let loaded = load(&path);
        judged += usize::from(agrees(&path.display().to_string(), &loaded));
    }
    for seed in 0..400 {
        let mut rng = Rng::new(seed ^ 0x3A1F_0000);
        let mut layout = random_layout(&mut rng);
        if rng.chance(10) {
            tighten(&mut layout, &mut rng);
        }
        let text = ron::ser::to_string(&layout).unwrap();
        let loaded = faultline::model::load_str("random.ron", text).unwrap();
        if agrees(&format!("seed {seed}"), &loaded) {
            judged += 1;
            let a = Analysis::new(&loaded.layout);
            let found = findings::check(&loaded, &a);
            if findings::tier::estimate(&a, &found).level >= Level::ConcurrentlyMaintainable {
                yes += 1;
                tight += tight_variants(&format!("seed {seed}"), &loaded);
            } else {
                no += 1;
            }
        }
    }
    assert!(
        judged > 150 && yes >= 5 && no > 10 && tight >= 3,
        "judged {judged}, yes {yes}, no {no}, tight {tight}"
    );
}

#[test]
fn check_out_ups_a_on_the_demo_lists_what_is_one_event_from_down() {
    let run = faultline(&["check", "layouts/demo.ron", "--out", "ups-a"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("with ups-a out: 5 critical services are one event from down"),
        "{first}"
    );
    let v = json(&faultline(&[
        "check",
        "layouts/demo.ron",
        "--out",
        "ups-a",
        "--format",
        "json",
    ]));
    let w = &v["window"];
    assert_eq!(w["out"][0], "ups-a");
    assert_eq!(w["maintainable"], false);
    assert_eq!(
        w["one_event_from_down"],
        serde_json::json!(["api", "db", "dns", "vms", "web"])
    );
    assert_eq!(w["critical_down"], serde_json::json!(["erp"]));
    // During the window, losing ups-b takes the rest: a spof finding.
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["code"] == "spof"
        && f["event"]["id"] == "ups-b"
        && f["affected"].as_array().unwrap().iter().any(|x| x == "db")));
    // Without --out there is no window.
    let plain = json(&faultline(&[
        "check",
        "layouts/demo.ron",
        "--format",
        "json",
    ]));
    assert!(plain.get("window").is_none());
}

#[test]
fn out_names_must_exist_and_be_able_to_fail() {
    let run = faultline(&["check", "layouts/demo.ron", "--out", "ups-c"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean \"ups-a\""),
        "{}",
        run.stderr
    );
    let svc = faultline(&["cuts", "layouts/demo.ron", "--out", "db"]);
    assert_eq!(svc.code, 2);
    assert!(
        svc.stderr.contains("cannot be taken out of service"),
        "{}",
        svc.stderr
    );
    // cuts in the window: with ups-a out, ups-b is a single point of db.
    let cuts = json(&faultline(&[
        "cuts",
        "layouts/demo.ron",
        "--out",
        "ups-a",
        "--target",
        "db",
        "--order",
        "1",
        "--format",
        "json",
    ]));
    let sets = cuts["targets"][0]["cut_sets"].as_array().unwrap();
    assert!(sets.iter().any(|s| s[0]["id"] == "ups-b"), "{sets:?}");
    assert_eq!(cuts["window"]["out"][0], "ups-a");
    let erp = faultline(&[
        "cuts",
        "layouts/demo.ron",
        "--out",
        "ups-a",
        "--target",
        "erp",
    ]);
    assert!(
        erp.stdout
            .starts_with("with ups-a out: down for the whole window: erp"),
        "{}",
        erp.stdout
    );
    let normal = json(&faultline(&[
        "cuts",
        "layouts/demo.ron",
        "--target",
        "db",
        "--order",
        "1",
        "--format",
        "json",
    ]));
    assert!(
        !normal["targets"][0]["cut_sets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s[0]["id"] == "ups-b")
    );
}
