//! `trip`: blast radius on hand-checked cases from the format page's own
//! example (tests/fixtures/format-example.ron): cb-a feeds pdu-a, which
//! feeds the single-PSU controller and office router and one of mail's two
//! PSUs.

use serde_json::json;

use crate::util::{faultline, json};

const EXAMPLE: &str = "tests/fixtures/format-example.ron";

#[test]
fn failing_a_breaker_takes_down_what_it_alone_feeds() {
    let run = faultline(&["trip", EXAMPLE, "cb-a", "--format", "json"]);
    assert_eq!(
        run.code, 1,
        "a critical service goes down: exit 1\n{}",
        run.stderr
    );
    assert_eq!(
        json(&run),
        json!({
            "events": [{"kind": "fail", "id": "cb-a"}],
            "tripped": [],
            "down": {
                "power": ["cb-a", "pdu-a"],
                "psus": ["controller/psu1", "mail/psu1", "office-router/psu1"],
                "devices": ["controller", "office-router"],
                "services": ["remote-mgmt", "vpn-gateway"]
            },
            // mail keeps one PSU, but it was one event from down before
            // (fail panel-1: both its feeds hang off it), so it is not
            // degraded: degraded is what this event left newly exposed.
            "degraded": {"power": [], "devices": [], "services": []}
        })
    );
}

#[test]
fn a_short_in_a_redundant_server_trips_the_shared_breaker() {
    // mail survives on its other PSU, but its short trips cb-a, which
    // takes the controller and router with it.
    let run = faultline(&["trip", EXAMPLE, "--short", "mail/psu1", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v = json(&run);
    assert_eq!(v["events"], json!([{"kind": "short", "id": "mail/psu1"}]));
    assert_eq!(v["down"]["power"], json!(["cb-a", "pdu-a"]));
    assert_eq!(v["down"]["devices"], json!(["controller", "office-router"]));
    // One event from down already (panel-1), so not newly degraded.
    assert_eq!(v["degraded"]["devices"], json!([]));
}

const FOUR_PSUS: &str = "tests/fixtures/four-psus.ron";

#[test]
fn two_live_psus_on_one_feed_are_one_event_from_down() {
    // store-1 keeps two of its four PSUs (it needs one), but both are on
    // pdu-a: failing it, cb-a, ups-a or util-a now takes store-1 down,
    // where before ups-b's loss no single event did.
    let run = faultline(&["trip", FOUR_PSUS, "ups-b", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run);
    assert_eq!(v["down"]["devices"], json!([]));
    assert_eq!(v["degraded"]["devices"], json!(["store-1", "web-1"]));
    // files was one event from down before (fail store-1): not degraded.
    assert_eq!(v["degraded"]["services"], json!([]));
    let human = faultline(&["trip", FOUR_PSUS, "ups-b"]);
    assert!(
        human
            .stdout
            .contains("degraded devices (2): store-1, web-1"),
        "{}",
        human.stdout
    );
}

#[test]
fn losing_the_utility_leaves_the_ats_on_the_generator() {
    let run = faultline(&["trip", EXAMPLE, "utility", "--format", "json"]);
    assert_eq!(run.code, 0, "nothing critical goes down");
    let v = json(&run);
    assert_eq!(v["down"]["power"], json!(["utility"]));
    assert_eq!(v["down"]["devices"], json!([]));
    assert_eq!(v["degraded"]["power"], json!(["ats"]));
}

#[test]
fn events_combine() {
    let run = faultline(&["trip", EXAMPLE, "utility", "gen", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v = json(&run);
    assert_eq!(
        v["down"]["power"],
        json!([
            "ats", "cb-a", "cb-b", "gen", "panel-1", "pdu-a", "pdu-b", "ups", "utility"
        ])
    );
    assert_eq!(
        v["down"]["devices"],
        json!(["controller", "mail", "office-router"])
    );
}

#[test]
fn human_output_lists_what_went_down() {
    let run = faultline(&["trip", EXAMPLE, "cb-a"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("down services (2): remote-mgmt, vpn-gateway (critical)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 critical service down: vpn-gateway"),
        "{}",
        run.stdout
    );
}

#[test]
fn unknown_ids_name_the_closest_one() {
    let run = faultline(&["trip", EXAMPLE, "cb-x"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean \"cb-a\""),
        "{}",
        run.stderr
    );
    let run = faultline(&["trip", EXAMPLE, "--short", "controller/psu9"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean \"controller/psu1\""),
        "{}",
        run.stderr
    );
}

#[test]
fn services_cannot_be_failed_directly() {
    let run = faultline(&["trip", EXAMPLE, "vpn-gateway"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a service"), "{}", run.stderr);
}

#[test]
fn trip_needs_something_to_fail() {
    let run = faultline(&["trip", EXAMPLE]);
    assert_eq!(run.code, 2);
}
