//! `faultline place`: the demo's planning question end to end, the
//! refusals, and an oracle on random layouts: every placement proposed,
//! applied, leaves no element past its limit in the base state or after
//! any single event (loads from scratch, by the findings oracle) and no
//! finding new or worse; when `place` says nothing fits, a brute force
//! over racks, positions and feeds agrees.

use std::collections::{HashMap, HashSet};

use faultline::code::{Code, Severity};
use faultline::engine::Analysis;
use faultline::findings::{self, Finding};
use faultline::model::format::{Device, DeviceKind, Layout, Need, Psu};
use faultline::plan::place::{Answer, Request, place};

use crate::findings_oracle::{Findings, exceeds};
use crate::headroom::{all_states, base_trips, random};
use crate::util::{faultline, json, load_text};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-place-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn four_db_servers_on_the_demo_add_no_finding_and_no_single_point() {
    let dir = temp_dir("demo");
    let out = dir.join("out.ron");
    let out_s = out.to_str().unwrap();
    let run = faultline(&[
        "place",
        "layouts/demo.ron",
        "--count",
        "4",
        "--service",
        "db",
        "--draw",
        "250",
        "--height",
        "2",
        "--apply",
        out_s,
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("placed 4 devices of 250 W"),
        "{}",
        run.stdout
    );
    // check: the same findings, nothing new.
    let before = json(&faultline(&[
        "check",
        "layouts/demo.ron",
        "--format",
        "json",
    ]));
    let after = json(&faultline(&["check", out_s, "--format", "json"]));
    assert_eq!(before["summary"]["findings"], after["summary"]["findings"]);
    assert_eq!(
        after["summary"]["devices"].as_u64(),
        before["summary"]["devices"].as_u64().map(|d| d + 4)
    );
    // cuts: db has no single event.
    let cuts = faultline(&[
        "cuts", out_s, "--target", "db", "--order", "1", "--format", "json",
    ]);
    assert_eq!(cuts.code, 0, "{}", cuts.stdout);
    assert!(cuts.stdout.contains("db"), "{}", cuts.stdout);
    // diff: nothing added or resolved; what changed is db's pairs (and
    // those of the services that need db), fewer than before.
    let diff = faultline(&["diff", "layouts/demo.ron", out_s, "--format", "json"]);
    assert_eq!(diff.code, 0, "{}", diff.stdout);
    let d = json(&diff);
    assert_eq!(d["added"].as_array().unwrap().len(), 0, "{}", diff.stdout);
    assert_eq!(
        d["resolved"].as_array().unwrap().len(),
        0,
        "{}",
        diff.stdout
    );
    for c in d["changed"].as_array().unwrap() {
        assert_eq!(c["after"]["code"], "double-fault", "{c}");
    }
    let text = std::fs::read_to_string(&out).unwrap();
    for id in ["db-4", "db-5", "db-6", "db-7"] {
        assert!(text.contains(&format!("\"{id}\"")), "{id} not written");
    }
    assert!(text.contains("AtLeast(2, [\"db-1\", \"db-2\", \"db-3\", \"db-4\""));
    // A text diff shows exactly the change: every line of the original is
    // kept in order (comments too) but db's, and the only lines added are
    // the four devices and db's new line.
    let original = std::fs::read_to_string("layouts/demo.ron").unwrap();
    let old_lines: Vec<&str> = original.lines().collect();
    let new_lines: Vec<&str> = text.lines().collect();
    let db_line = |l: &&str| l.contains("Service(id: \"db\"");
    let kept_old: Vec<&str> = old_lines.iter().copied().filter(|l| !db_line(l)).collect();
    let added: Vec<&str> = new_lines
        .iter()
        .copied()
        .filter(|l| !kept_old.contains(l))
        .collect();
    let kept_new: Vec<&str> = new_lines
        .iter()
        .copied()
        .filter(|l| kept_old.contains(l))
        .collect();
    assert_eq!(kept_new, kept_old, "the original's lines, in order");
    assert_eq!(added.len(), 5, "{added:#?}");
    assert_eq!(
        added
            .iter()
            .filter(|l| l.contains("Device(id: \"db-"))
            .count(),
        4
    );
    assert_eq!(added.iter().filter(|l| db_line(l)).count(), 1);
    // Never over the input; RON only.
    let over = faultline(&["place", out_s, "--draw", "100", "--apply", out_s]);
    assert_eq!(over.code, 2, "{}", over.stderr);
    let json_out = dir.join("out.json");
    let as_json = faultline(&[
        "place",
        out_s,
        "--draw",
        "100",
        "--apply",
        json_out.to_str().unwrap(),
    ]);
    assert_eq!(as_json.code, 2, "{}", as_json.stderr);
    assert!(
        as_json.stderr.contains("written as RON"),
        "{}",
        as_json.stderr
    );
    // A JSON layout is placed into too (read as JSON, written as RON).
    let demo_json = dir.join("demo.json");
    let export = faultline(&[
        "export",
        "layouts/demo.ron",
        "--format",
        "json",
        "-o",
        demo_json.to_str().unwrap(),
    ]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let from_json = faultline(&[
        "place",
        demo_json.to_str().unwrap(),
        "--draw",
        "200",
        "--apply",
        dir.join("from-json.ron").to_str().unwrap(),
    ]);
    assert_eq!(from_json.code, 0, "{}", from_json.stderr);
    assert!(dir.join("from-json.ron").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_requests_are_refused_with_a_hint() {
    let svc = faultline(&[
        "place",
        "layouts/demo.ron",
        "--draw",
        "100",
        "--service",
        "dbb",
    ]);
    assert_eq!(svc.code, 2);
    assert!(svc.stderr.contains("did you mean \"db\""), "{}", svc.stderr);
    let mgmt = faultline(&[
        "place",
        "layouts/demo.ron",
        "--draw",
        "100",
        "--service",
        "mgmt",
    ]);
    assert_eq!(mgmt.code, 2);
    assert!(mgmt.stderr.contains("only All"), "{}", mgmt.stderr);
    let k = faultline(&[
        "place",
        "layouts/demo.ron",
        "--draw",
        "100",
        "--psus-needed",
        "3",
    ]);
    assert_eq!(k.code, 2);
    assert!(k.stderr.contains("--psus-needed 3"), "{}", k.stderr);
    let zero = faultline(&["place", "layouts/demo.ron", "--draw", "0"]);
    assert_eq!(zero.code, 2, "{}", zero.stderr);
    let out = faultline(&[
        "place",
        "layouts/demo.ron",
        "--draw",
        "100",
        "--out",
        "ups-c",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("ups-a") || out.stderr.contains("ups-b"),
        "{}",
        out.stderr
    );
    // Too much for any rack: exit 1, each rack with why.
    let big = faultline(&[
        "place",
        "layouts/demo.ron",
        "--draw",
        "90000",
        "--format",
        "json",
    ]);
    assert_eq!(big.code, 1, "{}", big.stdout);
    let v = json(&big);
    assert_eq!(v["placed"], false);
    assert_eq!(v["racks"].as_array().unwrap().len(), 8);
}

/// Is `after` worse than `before` (the rule of docs/semantics.md): a
/// finding not allowed that is new, or whose severity rose, whose allow
/// went, or whose blast radius gained an id (a double fault: more pairs).
/// `single-psu` of a new device is inherent to the request.
fn worse(before: &[Finding], after: &[Finding], new: &HashSet<String>) -> Option<String> {
    let key = |f: &Finding| {
        (
            f.code,
            f.subject.clone(),
            f.event.clone().map(|e| (e.kind, e.id)),
        )
    };
    let was: HashMap<_, &Finding> = before.iter().map(|f| (key(f), f)).collect();
    let pairs = |f: &Finding| {
        f.message
            .split(" goes down on ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
    };
    for f in after {
        if f.allowed || (f.code == Code::SinglePsu && new.contains(&f.subject)) {
            continue;
        }
        let bad = match was.get(&key(f)) {
            None => true,
            Some(b) if f.code == Code::DoubleFault => pairs(f) > pairs(b),
            Some(b) => {
                b.allowed
                    || severity_rank(f.severity) < severity_rank(b.severity)
                    || f.affected.iter().any(|a| !b.affected.contains(a))
            }
        };
        if bad {
            return Some(format!("{} {}: {}", f.code.name(), f.subject, f.message));
        }
    }
    None
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

/// Does `with` (the layout plus `new` devices) take an element past its
/// limit in the base state or after a single event, where it carries
/// more than in the same state without them? The new devices' own
/// events compare with the state they leave the rest in: the base, or
/// the protective element their short trips, failed.
fn exceeds_after(layout: &Layout, with: &Layout, new: &HashSet<String>) -> Option<String> {
    let tripped = base_trips(layout);
    let before: HashMap<String, HashMap<String, f64>> = all_states(layout, &tripped)
        .into_iter()
        .map(|(name, _, load)| (name, load))
        .collect();
    let f = Findings::new(with);
    let pct = layout.policy.continuous_load_pct;
    let states = all_states(with, &tripped);
    for (name, live, load) in &states {
        let id = name.split_once(' ').map_or("", |(_, id)| id);
        let device = id.split('/').next().unwrap_or_default();
        let other = if new.contains(device) {
            let trip = name.strip_prefix("short ").and_then(|psu| {
                let (dev, p) = psu.split_once("/psu")?;
                let d = with
                    .racks
                    .iter()
                    .flat_map(|r| &r.devices)
                    .find(|d| d.id == dev)?;
                let feed = &d.psus[p.parse::<usize>().ok()? - 1].feed;
                f.o.protective(&states[0].1, feed)
            });
            match trip {
                Some(p) => &before[&format!("fail {p}")],
                None => &before["base"],
            }
        } else {
            &before[name]
        };
        for p in &f.power {
            let id = p.id();
            let limit = f.capacity[id] * pct / 100.0;
            if live[id] && load[id] > other[id] + 1e-9 && exceeds(load[id], limit) {
                return Some(format!("{name}: {id} carries {} over {limit}", load[id]));
            }
        }
    }
    None
}

/// A single event that takes `service` down in `with` (liveness from
/// scratch, every event of the universe, the new devices' own included)
/// but did not in `layout`, while the service is up in `with` without
/// it. Cut sets are liveness alone (README, `cuts`): no overload trips.
fn new_single_point(layout: &Layout, with: &Layout, service: &str) -> Option<String> {
    let tripped = HashSet::new();
    let before: HashMap<String, bool> = all_states(layout, &tripped)
        .into_iter()
        .map(|(name, live, _)| (name, live[service]))
        .collect();
    let states = all_states(with, &tripped);
    if !states[0].1[service] {
        return None;
    }
    states
        .iter()
        .skip(1)
        .find(|(name, live, _)| !live[service] && before.get(name).copied().unwrap_or(true))
        .map(|(name, _, _)| name.clone())
}

fn findings_of(layout: &Layout) -> Vec<Finding> {
    let loaded = load_text(&faultline::model::write_ron(layout));
    findings::check(&loaded, &Analysis::new(&loaded.layout))
}

/// Every feed a device in `rack` could be cabled to, as the docs define
/// a rack's feeds: its PDUs, then the feeds its devices use.
fn rack_feeds(layout: &Layout, rack: usize) -> Vec<String> {
    let r = &layout.racks[rack];
    let mut feeds: Vec<String> = layout
        .power
        .iter()
        .filter_map(|p| match p {
            faultline::model::format::PowerElement::Pdu {
                id, rack: Some(x), ..
            } if *x == r.id => Some(id.clone()),
            _ => None,
        })
        .collect();
    for d in &r.devices {
        for p in &d.psus {
            if !feeds.contains(&p.feed) {
                feeds.push(p.feed.clone());
            }
        }
    }
    feeds
}

fn device(id: &str, u: u32, feeds: &[String], draw_w: f64) -> Device {
    Device {
        id: id.into(),
        kind: DeviceKind::Server,
        u,
        height_u: 1,
        draw_w,
        psus: feeds
            .iter()
            .map(|f| Psu {
                feed: f.clone(),
                name: None,
                phase: None,
            })
            .collect(),
        psus_needed: 1,
        needs: vec![],
        roles: vec![],
        allow: vec![],
        face: None,
        full_depth: true,
    }
}

/// Some placement of one dual-corded device of `draw_w`: every rack,
/// every free position, every pair of its feeds. Positions do not change
/// power, so the first free one of each rack is tried for each pair and
/// the others only checked to be free.
fn brute_force_fits(layout: &Layout, draw_w: f64) -> Option<String> {
    let before = findings_of(layout);
    let new: HashSet<String> = ["new-1".to_string()].into();
    for (r, rack) in layout.racks.iter().enumerate() {
        let free = (1..=rack.height_u).find(|&u| {
            rack.devices
                .iter()
                .all(|d| d.height_u == 0 || u < d.u || d.u + d.height_u <= u)
        });
        let Some(u) = free else { continue };
        let feeds = rack_feeds(layout, r);
        for i in 0..feeds.len() {
            for j in i + 1..feeds.len() {
                let mut with = layout.clone();
                let pair = [feeds[i].clone(), feeds[j].clone()];
                with.racks[r]
                    .devices
                    .push(device("new-1", u, &pair, draw_w));
                if exceeds_after(layout, &with, &new).is_none()
                    && worse(&before, &findings_of(&with), &new).is_none()
                {
                    return Some(format!("{} at U{u} on {pair:?}", rack.id));
                }
            }
        }
    }
    None
}

#[test]
fn placements_hold_on_random_layouts_and_nothing_fits_agrees_with_brute_force() {
    let (mut placed, mut nothing, mut with_service) = (0, 0, 0);
    for seed in 0..150 {
        let layout = random(seed);
        let loaded = load_text(&faultline::model::write_ron(&layout));
        let layout = loaded.layout.clone();
        let service = layout
            .services
            .iter()
            .find(|s| {
                s.needs
                    .iter()
                    .any(|n| matches!(n, Need::Any(_) | Need::AtLeast(..)))
            })
            .map(|s| s.id.clone())
            .filter(|_| seed % 2 == 0);
        let draw_w = [10.0, 60.0, 250.0, 5000.0][(seed % 4) as usize];
        let count = if service.is_some() { 2 } else { 1 };
        let req = Request {
            draw_w,
            psus: 2,
            psus_needed: 1,
            height_u: 1,
            count,
            service: service.clone(),
            kind: DeviceKind::Server,
        };
        match place(&loaded, &[], &req).expect("a valid request") {
            Answer::Placed(p) => {
                placed += 1;
                with_service += usize::from(service.is_some());
                let new: HashSet<String> = p.devices.iter().map(|d| d.id.clone()).collect();
                assert_eq!(new.len(), count as usize, "seed {seed}");
                if let Some(why) = exceeds_after(&layout, &p.layout, &new) {
                    panic!("seed {seed}: placement {:?} exceeds: {why}", p.devices);
                }
                let before = findings_of(&layout);
                if let Some(why) = worse(&before, &findings_of(&p.layout), &new) {
                    panic!("seed {seed}: placement {:?} makes worse: {why}", p.devices);
                }
                if let Some(s) = &service {
                    if let Some(event) = new_single_point(&layout, &p.layout, s) {
                        panic!(
                            "seed {seed}: {event} now takes {s} down alone: {:?}",
                            p.devices
                        );
                    }
                }
            }
            Answer::NothingFits(_) if service.is_none() => {
                nothing += 1;
                if let Some(fit) = brute_force_fits(&layout, draw_w) {
                    panic!("seed {seed}: place says nothing fits {draw_w} W, but {fit} does");
                }
            }
            Answer::NothingFits(_) => {}
        }
    }
    assert!(
        placed >= 15 && nothing >= 30 && with_service >= 5,
        "placed {placed}, nothing {nothing}, service {with_service}"
    );
}
