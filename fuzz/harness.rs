//! The fuzz harness, shared by the two fuzz targets (`fuzz_targets/`) and
//! by the regression replay in `tests/it/fuzz.rs`, so a crash the fuzzer
//! found is replayed by `cargo test` through exactly the same code.
//!
//! Every input must end in readable diagnostics or in an analysis that
//! holds the engine's invariants; a panic anywhere is a finding.

use std::collections::BTreeSet;

use arbitrary::Arbitrary;
use faultline::engine::cuts::{Cut, cut_sets};
use faultline::engine::{Analysis, Event, NodeId, events};
use faultline::findings;
use faultline::model::format::{
    CommonCause, Device, DeviceKind, Layout, Need, Policy, PowerElement, PowerKind, Psu, Rack,
    Role, Service,
};
use faultline::model::load::{LoadError, Loaded, load_bytes};
use faultline::report;

/// Cut sets are verified event by event; past this many nodes the check
/// would dominate the fuzzer's time without finding more.
const VERIFY_CUTS_UP_TO: usize = 400;

/// Pairs verified per input, spread evenly over all of them: a small
/// layout of dual-fed devices can have a hundred thousand pairs, and
/// checking each from scratch held the fuzzer for seconds an input.
const VERIFY_PAIRS: usize = 4000;

/// Arbitrary bytes as a layout file. A file that starts with `{` is read
/// as JSON, as a `.json` layout would be; anything else as RON.
pub fn run_bytes(data: &[u8]) {
    let json = data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let name = if json { "fuzz.json" } else { "fuzz.ron" };
    let seed = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    load_and_analyse(name, data.to_vec(), seed);
}

/// A structure-aware layout, written out as RON (or JSON) text and loaded
/// like any file, optionally with one byte of the text damaged.
pub fn run_structured(input: &FuzzLayout) {
    let layout = input.build();
    let (name, mut text) = if input.as_json {
        (
            "fuzz.json",
            serde_json::to_string_pretty(&layout).expect("a layout serialises"),
        )
    } else {
        (
            "fuzz.ron",
            write_ron(&layout, input.seed & 1 == 1).expect("a layout serialises"),
        )
    };
    if let Some((at, byte)) = input.damage {
        let mut bytes = text.into_bytes();
        if !bytes.is_empty() {
            let at = at as usize % bytes.len();
            bytes[at] = byte;
        }
        load_and_analyse(name, bytes, input.seed);
        return;
    }
    // Undamaged text from a layout whose references were all resolved to
    // ids that exist and whose feeds only point backwards loads, unless
    // the fuzzer chose a reference that is meant to be wrong.
    if !input.may_be_invalid(&layout) {
        text.push('\n');
        match load_bytes(name, text.clone().into_bytes()) {
            Ok(_) => {}
            Err(e) => panic!(
                "a well-formed layout was refused:\n{}\n{text}",
                e.render(false)
            ),
        }
    }
    load_and_analyse(name, text.into_bytes(), input.seed);
}

/// RON as ron writes it: optional values as `Some(...)`, or bare as the
/// format writes them (and as the fast reader reads them).
fn write_ron(layout: &Layout, bare_options: bool) -> ron::Result<String> {
    let pretty = ron::ser::PrettyConfig::default();
    if bare_options {
        let implicit = ron::extensions::Extensions::IMPLICIT_SOME;
        ron::Options::default()
            .with_default_extension(implicit)
            .to_string_pretty(layout, pretty.extensions(implicit))
    } else {
        ron::ser::to_string_pretty(layout, pretty)
    }
}

/// The fast reader (`model::fast`) reads what ron reads, locates ids and
/// PSUs where the source index does, or gives up.
pub fn check_fast_path(text: &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some((layout, locations)) = faultline::model::fast::parse(text) else {
        return;
    };
    let by_ron: Layout = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .unwrap_or_else(|e| panic!("the fast reader accepted what ron refuses: {e}"));
    assert!(
        layout == by_ron,
        "the fast reader and ron read different layouts"
    );
    let index = faultline::model::spans::SourceIndex::build(text);
    assert!(
        index.unknown_fields.is_empty() && index.not_whole.is_empty(),
        "the fast reader accepted what the source index refuses"
    );
    assert!(
        locations == index.into_locations(),
        "the fast reader and the source index place ids or PSUs differently"
    );
}

fn load_and_analyse(name: &str, bytes: Vec<u8>, seed: u64) {
    if name.ends_with(".ron") {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check_fast_path(text);
        }
    }
    match load_bytes(name, bytes) {
        Ok(loaded) => analyse(&loaded, seed),
        Err(e) => check_refusal(&e),
    }
}

/// A refused file must say why, and where when it can.
fn check_refusal(e: &LoadError) {
    let plain = e.render(false);
    let coloured = e.render(true);
    assert!(
        plain.contains("error"),
        "a refusal without an error: {plain}"
    );
    assert!(coloured.len() >= plain.len());
    if let LoadError::Invalid { diagnostics, .. } = e {
        assert!(!diagnostics.is_empty(), "refused with no diagnostic");
    }
}

/// Everything `check`, `trip` and `cuts` do, plus the invariants that
/// must hold between their answers.
fn analyse(loaded: &Loaded, seed: u64) {
    let analysis = Analysis::new(&loaded.layout);
    let found = findings::check(loaded, &analysis);
    let tier = findings::tier::estimate(&analysis, &found);
    let _ = report::human::check(loaded, &found, &tier, true);
    let json = report::json::check(loaded, &found, &tier);
    serde_json::from_str::<serde_json::Value>(&json).expect("check --format json is JSON");

    let universe = events::universe(&analysis.graph);
    if universe.is_empty() {
        return;
    }
    let mut rng = seed | 1;
    let mut pick = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        universe[(rng % universe.len() as u64) as usize]
    };
    let (first, second) = (pick(), pick());
    what_if_invariants(&analysis, first, second);
    cut_set_invariants(&analysis);
    let _ = report::mef::export(&analysis, &loaded.layout.name);
}

fn down(analysis: &Analysis, evs: &[Event]) -> BTreeSet<NodeId> {
    analysis.impact(evs).down.into_iter().collect()
}

fn what_if_invariants(analysis: &Analysis, first: Event, second: Event) {
    let g = &analysis.graph;
    let one = down(analysis, &[first]);
    let both = down(analysis, &[first, second]);
    assert!(
        one.is_subset(&both),
        "{first:?} then {second:?} brought something back"
    );
    assert_eq!(
        both,
        down(analysis, &[second, first]),
        "event order mattered"
    );
    if let Event::Fail(n) = first {
        let mut stack: Vec<NodeId> = g.inputs(n).to_vec();
        let mut seen = BTreeSet::new();
        while let Some(u) = stack.pop() {
            if seen.insert(u) {
                assert!(
                    !one.contains(&u),
                    "failing {} took down {} above it",
                    g.id(n),
                    g.id(u)
                );
                stack.extend_from_slice(g.inputs(u));
            }
        }
    }
    for cascade in [false, true] {
        let evs = [first, second];
        let (impact, _) = analysis.impact_with_loads(&evs, cascade);
        let (again, _) = analysis.impact_with_loads(&evs, cascade);
        assert_eq!(impact, again, "the same what-if answered twice differently");
        if !cascade {
            let liveness: BTreeSet<NodeId> = impact.down.iter().copied().collect();
            assert_eq!(liveness, both, "loads changed a liveness-only answer");
        }
        let _ = report::human::trip(analysis, &impact, false);
        let json = report::json::trip(analysis, &impact);
        serde_json::from_str::<serde_json::Value>(&json).expect("trip --format json is JSON");
    }
}

/// Every reported cut set takes its target down and no proper subset
/// does; the singles are exactly the single events that down the target.
fn cut_set_invariants(analysis: &Analysis) {
    let g = &analysis.graph;
    if g.len() > VERIFY_CUTS_UP_TO {
        return;
    }
    let targets: Vec<NodeId> = (0..g.len() as NodeId)
        .filter(|&n| g.is_service(n) || g.is_device(n))
        .collect();
    let sets = cut_sets(analysis, &targets, 2);
    let listed: usize = sets.targets.iter().map(|(_, cuts)| cuts.len()).sum();
    // Rendering is linear in the cut sets; past this it only slows the
    // fuzzer down (a hundred thousand pairs took seconds an input).
    if listed <= 20_000 {
        let _ = report::human::cuts(analysis, &sets, 2, false);
        let _ = report::json::cuts(analysis, &sets);
    }
    let downs = |evs: &[Event], t: NodeId| {
        let s = {
            let mut s = analysis.scenario();
            analysis.apply(&mut s, evs);
            s
        };
        !s.is_live(t)
    };
    // What each single event downs, evaluated once per event rather than
    // once per event and target.
    let downed_by_single: Vec<Vec<bool>> = sets
        .events
        .iter()
        .map(|&e| {
            let mut s = analysis.scenario();
            analysis.apply(&mut s, &[e]);
            (0..g.len() as NodeId).map(|n| !s.is_live(n)).collect()
        })
        .collect();
    let single_downs = |e: u32, t: NodeId| downed_by_single[e as usize][t as usize];
    let pairs: usize = sets
        .targets
        .iter()
        .map(|(_, cuts)| cuts.iter().filter(|c| matches!(c, Cut::Two(..))).count())
        .sum();
    let stride = pairs.div_ceil(VERIFY_PAIRS).max(1);
    let mut pair_index = 0usize;
    for (target, cuts) in &sets.targets {
        let t = *target;
        if !analysis.liveness_base.live[t as usize] {
            continue;
        }
        let mut singles = BTreeSet::new();
        for cut in cuts {
            match *cut {
                Cut::One(a) => {
                    assert!(single_downs(a, t), "cut {cut:?} of {}", g.id(t));
                    singles.insert(a);
                }
                Cut::Two(a, b) => {
                    pair_index += 1;
                    if pair_index % stride != 0 {
                        continue;
                    }
                    let (ea, eb) = (sets.events[a as usize], sets.events[b as usize]);
                    assert!(downs(&[ea, eb], t), "cut {cut:?} does not down {}", g.id(t));
                    assert!(
                        !single_downs(a, t) && !single_downs(b, t),
                        "cut {cut:?} not minimal"
                    );
                }
            }
        }
        for (i, &e) in sets.events.iter().enumerate() {
            assert_eq!(
                single_downs(i as u32, t),
                singles.contains(&(i as u32)),
                "single event {e:?} and {}",
                g.id(t)
            );
        }
    }
}

/// A reference from the fuzzer: most values name something that exists
/// and comes earlier (so the layout is valid), the top few deliberately
/// name something later, of the wrong kind, or missing.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Ref(u8);

const BACKWARD: u8 = 232;
const MISSING: u8 = 254;

impl Ref {
    fn is_wild(self) -> bool {
        self.0 >= BACKWARD
    }

    /// An id among `earlier` (valid), or anywhere in `all`, or missing.
    fn resolve(self, earlier: &[String], all: &[String]) -> String {
        match self.0 {
            v if v < BACKWARD && !earlier.is_empty() => earlier[v as usize % earlier.len()].clone(),
            v if v < MISSING && !all.is_empty() => all[v as usize % all.len()].clone(),
            v => format!("missing-{v}"),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum FuzzElement {
    Ats {
        inputs: Vec<Ref>,
        transfer_s: u8,
        rating_a: Option<u16>,
        three_phase: bool,
    },
    Sts {
        inputs: Vec<Ref>,
        rating_a: Option<u16>,
    },
    Ups {
        input: Ref,
        bypass: Option<Ref>,
        capacity_kw: u16,
        runtime_s: u16,
    },
    Panel {
        input: Ref,
        rating_a: Option<u16>,
        three_phase: bool,
    },
    Breaker {
        input: Ref,
        rating_a: u16,
        three_phase: bool,
    },
    Pdu {
        inputs: Vec<Ref>,
        rating_a: Option<u16>,
        three_phase: bool,
        outlet_breakers: bool,
    },
}

#[derive(Arbitrary, Debug)]
pub struct FuzzNeed {
    kind: u8,
    k: u8,
    members: Vec<Ref>,
}

#[derive(Arbitrary, Debug)]
pub struct FuzzDevice {
    kind: u8,
    height_u: u8,
    draw_w: u16,
    psus: Vec<(Ref, Option<u8>)>,
    psus_needed: u8,
    needs: Vec<FuzzNeed>,
    roles: u8,
}

#[derive(Arbitrary, Debug)]
pub struct FuzzService {
    needs: Vec<FuzzNeed>,
    critical: bool,
    role: Option<u8>,
    observes: Option<Vec<Ref>>,
}

#[derive(Arbitrary, Debug)]
pub struct FuzzLayout {
    sources: u8,
    generators: u8,
    source_kw: Option<u16>,
    elements: Vec<FuzzElement>,
    racks: Vec<Vec<FuzzDevice>>,
    services: Vec<FuzzService>,
    causes: Vec<Vec<Ref>>,
    policy: Option<(u8, u8, u8)>,
    as_json: bool,
    damage: Option<(u32, u8)>,
    seed: u64,
}

const ROLES: [Role; 4] = [
    Role::Management,
    Role::Monitoring,
    Role::StatusPage,
    Role::Backup,
];
const KINDS: [DeviceKind; 6] = [
    DeviceKind::Server,
    DeviceKind::Router,
    DeviceKind::Switch,
    DeviceKind::Firewall,
    DeviceKind::Storage,
    DeviceKind::Other,
];

fn three(three_phase: bool) -> (Option<f64>, Option<u32>) {
    if three_phase {
        (Some(400.0), Some(3))
    } else {
        (None, None)
    }
}

fn amps(a: u16) -> f64 {
    1.0 + (a % 800) as f64
}

impl FuzzLayout {
    /// Whether the layout may rightly be refused: a reference the fuzzer
    /// chose to be wrong (later, wrong kind or missing), an input named
    /// twice, or anything past the power tree, whose rules (duplicate
    /// members, k > n, a PSU on a feed that cannot take one) are the
    /// validator's business, not the builder's.
    fn may_be_invalid(&self, layout: &Layout) -> bool {
        let wild = |refs: &[Ref]| refs.iter().any(|r| r.is_wild());
        let element_wild = self.elements.iter().any(|e| match e {
            FuzzElement::Ats { inputs, .. } | FuzzElement::Sts { inputs, .. } => {
                inputs.len() < 2 || wild(inputs)
            }
            FuzzElement::Pdu { inputs, .. } => !(1..=2).contains(&inputs.len()) || wild(inputs),
            FuzzElement::Ups { input, bypass, .. } => {
                input.is_wild() || bypass.is_some_and(|b| b.is_wild())
            }
            FuzzElement::Panel { input, .. } | FuzzElement::Breaker { input, .. } => {
                input.is_wild()
            }
        });
        let repeated_input = layout.power.iter().any(|p| {
            let ids: Vec<&str> = p.inputs().into_iter().map(|(_, id)| id).collect();
            ids.iter().collect::<BTreeSet<_>>().len() != ids.len()
        });
        element_wild
            || repeated_input
            || !self.racks.is_empty()
            || !self.services.is_empty()
            || !self.causes.is_empty()
    }

    pub fn build(&self) -> Layout {
        let mut power: Vec<PowerElement> = Vec::new();
        let sources = 1 + (self.sources % 4) as usize;
        for i in 0..sources {
            let capacity_kw = self.source_kw.map(|k| 1.0 + (k % 5000) as f64);
            power.push(if self.generators >> i & 1 == 1 {
                PowerElement::Generator {
                    id: format!("gen{i}"),
                    start_s: 10.0,
                    capacity_kw,
                    allow: vec![],
                    continuous_load_pct: None,
                }
            } else {
                PowerElement::Utility {
                    id: format!("util{i}"),
                    capacity_kw,
                    allow: vec![],
                    continuous_load_pct: None,
                }
            });
        }
        let all_power: Vec<String> = (0..sources)
            .map(|i| power[i].id().to_string())
            .chain((0..self.elements.len()).map(|i| format!("e{i}")))
            .collect();
        for (i, el) in self.elements.iter().enumerate() {
            let earlier = &all_power[..sources + i];
            let one = |r: Ref| r.resolve(earlier, &all_power);
            let many = |rs: &[Ref]| rs.iter().map(|&r| one(r)).collect::<Vec<_>>();
            let id = format!("e{i}");
            power.push(match el {
                FuzzElement::Ats {
                    inputs,
                    transfer_s,
                    rating_a,
                    three_phase,
                } => {
                    let (volts, phases) = three(*three_phase);
                    PowerElement::Ats {
                        id,
                        inputs: many(inputs),
                        transfer_s: *transfer_s as f64,
                        rating_a: rating_a.map(amps),
                        volts,
                        phases,
                        allow: vec![],
                        continuous_load_pct: None,
                    }
                }
                FuzzElement::Sts { inputs, rating_a } => PowerElement::Sts {
                    id,
                    inputs: many(inputs),
                    rating_a: rating_a.map(amps),
                    volts: None,
                    phases: None,
                    allow: vec![],
                    continuous_load_pct: None,
                },
                FuzzElement::Ups {
                    input,
                    bypass,
                    capacity_kw,
                    runtime_s,
                } => PowerElement::Ups {
                    id,
                    input: one(*input),
                    bypass: bypass.map(one),
                    capacity_kw: 0.5 + (*capacity_kw % 2000) as f64,
                    runtime_min: *runtime_s as f64 / 60.0,
                    allow: vec![],
                    continuous_load_pct: None,
                },
                FuzzElement::Panel {
                    input,
                    rating_a,
                    three_phase,
                } => {
                    let (volts, phases) = three(*three_phase);
                    PowerElement::Panel {
                        id,
                        input: one(*input),
                        rating_a: rating_a.map(amps),
                        volts,
                        phases,
                        allow: vec![],
                        continuous_load_pct: None,
                    }
                }
                FuzzElement::Breaker {
                    input,
                    rating_a,
                    three_phase,
                } => {
                    let (volts, phases) = three(*three_phase);
                    PowerElement::Breaker {
                        id,
                        input: one(*input),
                        rating_a: amps(*rating_a),
                        volts,
                        phases,
                        allow: vec![],
                        continuous_load_pct: None,
                    }
                }
                FuzzElement::Pdu {
                    inputs,
                    rating_a,
                    three_phase,
                    outlet_breakers,
                } => {
                    let (volts, phases) = three(*three_phase);
                    let mut list = many(inputs);
                    let (input, inputs) = if list.len() == 1 {
                        (list.pop(), None)
                    } else {
                        (None, Some(list))
                    };
                    PowerElement::Pdu {
                        id,
                        input,
                        inputs,
                        rack: None,
                        rating_a: rating_a.map(amps),
                        volts,
                        phases,
                        outlet_breakers: *outlet_breakers,
                        allow: vec![],
                        continuous_load_pct: None,
                    }
                }
            });
        }

        let feeds: Vec<String> = power
            .iter()
            .filter(|p| p.kind().accepts_psu() || p.kind() == PowerKind::Utility)
            .map(|p| p.id().to_string())
            .collect();
        let device_ids: Vec<String> = self
            .racks
            .iter()
            .enumerate()
            .flat_map(|(r, devs)| (0..devs.len()).map(move |d| format!("d{r}-{d}")))
            .collect();
        let service_ids: Vec<String> = (0..self.services.len()).map(|s| format!("s{s}")).collect();
        let dependables: Vec<String> = device_ids.iter().chain(&service_ids).cloned().collect();

        let need = |n: &FuzzNeed, earlier: &[String]| {
            let members: Vec<String> = n
                .members
                .iter()
                .map(|&r| r.resolve(earlier, &dependables))
                .collect();
            match n.kind % 3 {
                0 => Need::All(members),
                1 => Need::Any(members),
                _ => Need::AtLeast(n.k as u32 % (members.len() as u32 + 2), members),
            }
        };

        let mut racks = Vec::new();
        let mut seen_devices = 0;
        for (r, devs) in self.racks.iter().enumerate() {
            let mut u = 1;
            let mut devices = Vec::new();
            for (d, fd) in devs.iter().enumerate() {
                let height_u = 1 + (fd.height_u % 4) as u32;
                let earlier = &device_ids[..seen_devices];
                devices.push(Device {
                    id: format!("d{r}-{d}"),
                    kind: KINDS[fd.kind as usize % KINDS.len()],
                    u,
                    height_u,
                    draw_w: (fd.draw_w % 20_000) as f64,
                    psus: fd
                        .psus
                        .iter()
                        .map(|&(feed, phase)| Psu {
                            feed: feed.resolve(&feeds, &all_power),
                            name: None,
                            phase: phase.map(|p| 1 + (p % 4) as u32),
                        })
                        .collect(),
                    psus_needed: 1 + (fd.psus_needed % 3) as u32,
                    needs: fd.needs.iter().map(|n| need(n, earlier)).collect(),
                    roles: ROLES
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| fd.roles >> i & 1 == 1)
                        .map(|(_, &role)| role)
                        .collect(),
                    allow: vec![],
                    face: None,
                    full_depth: true,
                });
                u += height_u;
                seen_devices += 1;
            }
            racks.push(Rack {
                id: format!("r{r}"),
                height_u: u.max(42),
                row: None,
                devices,
            });
        }

        let services = self
            .services
            .iter()
            .enumerate()
            .map(|(s, fs)| {
                let earlier: Vec<String> = device_ids
                    .iter()
                    .chain(&service_ids[..s])
                    .cloned()
                    .collect();
                Service {
                    id: format!("s{s}"),
                    needs: fs.needs.iter().map(|n| need(n, &earlier)).collect(),
                    critical: fs.critical,
                    role: fs.role.map(|r| ROLES[r as usize % ROLES.len()]),
                    observes: fs.observes.as_ref().map(|list| {
                        list.iter()
                            .map(|&r| r.resolve(&service_ids, &dependables))
                            .collect()
                    }),
                    allow: vec![],
                }
            })
            .collect();

        let psu_ids: Vec<String> = self
            .racks
            .iter()
            .enumerate()
            .flat_map(|(r, devs)| {
                devs.iter().enumerate().flat_map(move |(d, fd)| {
                    (0..fd.psus.len()).map(move |p| format!("d{r}-{d}/psu{}", p + 1))
                })
            })
            .collect();
        let failable: Vec<String> = all_power
            .iter()
            .chain(&device_ids)
            .chain(&psu_ids)
            .cloned()
            .collect();
        let common_causes = self
            .causes
            .iter()
            .enumerate()
            .map(|(c, members)| CommonCause {
                id: format!("cause{c}"),
                members: members
                    .iter()
                    .map(|&r| r.resolve(&failable, &dependables))
                    .collect(),
                note: None,
                allow: vec![],
            })
            .collect();

        let policy = match self.policy {
            None => Policy::default(),
            Some((load, margin, imbalance)) => Policy {
                continuous_load_pct: 1.0 + (load % 100) as f64,
                ups_margin_s: margin as f64,
                max_phase_imbalance_pct: (imbalance % 101) as f64,
                reliability: Default::default(),
            },
        };
        Layout {
            name: "fuzz".into(),
            description: None,
            policy,
            power,
            racks,
            services,
            common_causes,
            rates: Vec::new(),
            sources: Vec::new(),
        }
    }
}
