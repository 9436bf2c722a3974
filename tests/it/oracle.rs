//! The brute-force oracle: liveness re-evaluated from scratch, straight from
//! the layout's own structures and analysis.md's rules (not from the
//! engine's compiled graph), for every event of the sweep and for random
//! event sets, on many random layouts.

use std::collections::{BTreeSet, HashMap, HashSet};

use faultline::engine::{Analysis, Event, Impact};
use faultline::model::format::{
    CommonCause, Device, DeviceKind, Layout, Need, Policy, PowerElement, Psu, Rack, Role, Service,
};

/// SplitMix64: small, seeded, the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// `k` distinct items (k <= len).
    pub fn distinct<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        for i in 0..k {
            let j = i + self.below(idx.len() - i);
            idx.swap(i, j);
        }
        idx[..k].iter().map(|&i| items[i].clone()).collect()
    }
}

fn random_need(rng: &mut Rng, pool: &[String]) -> Need {
    let n = 1 + rng.below(pool.len().min(3));
    let members = rng.distinct(pool, n);
    match rng.below(3) {
        0 => Need::All(members),
        1 => Need::Any(members),
        _ => Need::AtLeast(1 + rng.below(n) as u32, members),
    }
}

/// A random valid layout: acyclic by construction (everything draws only
/// from what was made before it), with every kind of element, transfer
/// switches, bypasses, dual-inlet PDUs, outlet breakers, k-of-n needs,
/// roles and common causes.
pub fn random_layout(rng: &mut Rng) -> Layout {
    let mut power: Vec<PowerElement> = Vec::new();
    let sources = 1 + rng.below(3);
    for i in 0..sources {
        if i > 0 && rng.chance(50) {
            power.push(PowerElement::Generator {
                id: format!("gen{i}"),
                start_s: 10.0,
                capacity_kw: None,
                allow: vec![],
                continuous_load_pct: None,
            });
        } else {
            power.push(PowerElement::Utility {
                id: format!("util{i}"),
                capacity_kw: None,
                allow: vec![],
                continuous_load_pct: None,
            });
        }
    }
    let middle = 2 + rng.below(10);
    for i in 0..middle {
        let ids: Vec<String> = power.iter().map(|p| p.id().to_string()).collect();
        let id = format!("p{i}");
        let one = rng.pick(&ids).clone();
        let el = match rng.below(7) {
            0 | 1 if ids.len() >= 2 => {
                let count = 2 + rng.below(ids.len().min(3) - 1);
                let inputs = rng.distinct(&ids, count);
                if rng.chance(50) {
                    PowerElement::Ats {
                        id,
                        inputs,
                        transfer_s: 10.0,
                        rating_a: None,
                        volts: None,
                        phases: None,
                        allow: vec![],
                        continuous_load_pct: None,
                    }
                } else {
                    PowerElement::Sts {
                        id,
                        inputs,
                        rating_a: None,
                        volts: None,
                        phases: None,
                        allow: vec![],
                        continuous_load_pct: None,
                    }
                }
            }
            2 => {
                let bypass = rng.pick(&ids).clone();
                PowerElement::Ups {
                    id,
                    bypass: (bypass != one && rng.chance(50)).then_some(bypass),
                    input: one,
                    capacity_kw: 100.0,
                    runtime_min: 10.0,
                    allow: vec![],
                    continuous_load_pct: None,
                }
            }
            3 => PowerElement::Panel {
                id,
                input: one,
                rating_a: rng.chance(50).then_some(400.0),
                volts: None,
                phases: None,
                allow: vec![],
                continuous_load_pct: None,
            },
            4 => PowerElement::Breaker {
                id,
                input: one,
                rating_a: 30.0,
                volts: None,
                phases: None,
                allow: vec![],
                continuous_load_pct: None,
            },
            _ => {
                let dual = ids.len() >= 2 && rng.chance(40);
                PowerElement::Pdu {
                    id,
                    input: (!dual).then_some(one),
                    inputs: dual.then(|| rng.distinct(&ids, 2)),
                    rack: None,
                    rating_a: None,
                    volts: None,
                    phases: None,
                    outlet_breakers: rng.chance(30),
                    allow: vec![],
                    continuous_load_pct: None,
                }
            }
        };
        power.push(el);
    }
    if !power.iter().any(|p| p.kind().accepts_psu()) {
        let input = power[0].id().to_string();
        power.push(PowerElement::Breaker {
            id: "cb-last".into(),
            input,
            rating_a: 30.0,
            volts: None,
            phases: None,
            allow: vec![],
            continuous_load_pct: None,
        });
    }
    let feeds: Vec<String> = power
        .iter()
        .filter(|p| p.kind().accepts_psu())
        .map(|p| p.id().to_string())
        .collect();

    let mut racks = Vec::new();
    let mut device_ids: Vec<String> = Vec::new();
    for r in 0..1 + rng.below(3) {
        let mut devices = Vec::new();
        for d in 0..1 + rng.below(6) {
            let id = format!("r{r}d{d}");
            let n_psus = 1 + rng.below(4);
            let psus = (0..n_psus)
                .map(|_| Psu {
                    feed: rng.pick(&feeds).clone(),
                    name: None,
                    phase: None,
                })
                .collect();
            let needs = if !device_ids.is_empty() && rng.chance(30) {
                vec![random_need(rng, &device_ids)]
            } else {
                vec![]
            };
            let roles = if rng.chance(15) {
                vec![Role::Management]
            } else {
                vec![]
            };
            devices.push(Device {
                id: id.clone(),
                kind: DeviceKind::Server,
                u: 1 + 2 * d as u32,
                height_u: 1,
                // Shares such as 400 W over 3 PSUs do not add up exactly:
                // the thresholds must not care.
                draw_w: *rng.pick(&[100.0, 400.0, 250.0, 2000.0, 1000.0 / 3.0]),
                psus,
                psus_needed: 1 + rng.below(n_psus) as u32,
                needs,
                roles,
                allow: vec![],
                face: None,
                full_depth: true,
            });
            device_ids.push(id);
        }
        racks.push(Rack {
            id: format!("rack{r}"),
            height_u: 42,
            row: None,
            devices,
        });
    }

    let mut services: Vec<Service> = Vec::new();
    for s in 0..1 + rng.below(4) {
        let mut pool = device_ids.clone();
        pool.extend(services.iter().map(|s| s.id.clone()));
        let needs = (0..1 + rng.below(2))
            .map(|_| random_need(rng, &pool))
            .collect();
        services.push(Service {
            id: format!("svc{s}"),
            needs,
            critical: rng.chance(60),
            role: None,
            observes: None,
            allow: vec![],
        });
    }
    if rng.chance(50) {
        let pool: Vec<String> = device_ids
            .iter()
            .chain(services.iter().map(|s| &s.id))
            .cloned()
            .collect();
        // A role service may itself be critical (a status page): it
        // observes the others, never itself.
        services.push(Service {
            id: "mgmt".into(),
            needs: vec![random_need(rng, &pool)],
            critical: rng.chance(30),
            role: Some(Role::Monitoring),
            observes: None,
            allow: vec![],
        });
    }

    let mut candidates: Vec<String> = power.iter().map(|p| p.id().to_string()).collect();
    candidates.extend(device_ids.iter().cloned());
    for rack in &racks {
        for dev in &rack.devices {
            candidates
                .extend((0..dev.psus.len()).map(|i| format!("{}/{}", dev.id, dev.psu_name(i))));
        }
    }
    let mut common_causes: Vec<CommonCause> = (0..rng.below(3))
        .map(|c| CommonCause {
            id: format!("cc{c}"),
            members: {
                let count = 1 + rng.below(3);
                rng.distinct(&candidates, count)
            },
            note: None,
            allow: vec![],
        })
        .collect();
    // A common cause over a power element and a device it feeds: the
    // device is struck, not a redundancy that failed.
    if rng.chance(30) {
        let rack = rng.pick(&racks);
        let dev = rng.pick(&rack.devices);
        let feed = rng.pick(&dev.psus).feed.clone();
        common_causes.push(CommonCause {
            id: "cc-feed".into(),
            members: vec![feed, dev.id.clone()],
            note: None,
            allow: vec![],
        });
    }

    let mut layout = Layout {
        name: "random".into(),
        description: None,
        policy: Policy::default(),
        power,
        racks,
        services,
        common_causes,
        rates: Vec::new(),
        sources: Vec::new(),
    };
    // Tight ratings on a third: overloads in the base state, so the state
    // before any overload trip and the base state differ.
    if rng.chance(35) {
        tighten(&mut layout, rng);
    }
    layout
}

/// Tight, random ratings and draws, so that overloads and cascades (in the
/// base state and after events) are common.
/// Unplug every PSU of one random device, in about half the layouts: a
/// device with `psus: []`, as `import netbox` keeps an uncabled one. Common
/// causes lose the PSUs that are gone (and go when nothing is left). Its
/// own generator so the layouts of `random_layout` stay as they were.
pub fn unplug_some(layout: &mut Layout, rng: &mut Rng) {
    if !rng.chance(50) {
        return;
    }
    let rack = rng.below(layout.racks.len());
    let devices = &mut layout.racks[rack].devices;
    let pick = rng.below(devices.len());
    let dev = &mut devices[pick];
    let gone: Vec<String> = (0..dev.psus.len())
        .map(|i| format!("{}/{}", dev.id, dev.psu_name(i)))
        .collect();
    dev.psus.clear();
    dev.psus_needed = 1;
    for cc in &mut layout.common_causes {
        cc.members.retain(|m| !gone.contains(m));
    }
    layout.common_causes.retain(|cc| !cc.members.is_empty());
}

pub fn tighten(layout: &mut Layout, rng: &mut Rng) {
    for el in &mut layout.power {
        match el {
            PowerElement::Breaker { rating_a, .. } => *rating_a = 1.0 + rng.below(20) as f64,
            PowerElement::Panel { rating_a, .. } | PowerElement::Pdu { rating_a, .. } => {
                *rating_a = rng.chance(50).then(|| 2.0 + rng.below(30) as f64);
            }
            PowerElement::Ups { capacity_kw, .. } => *capacity_kw = 0.5 + rng.below(8) as f64,
            PowerElement::Utility { capacity_kw, .. }
            | PowerElement::Generator { capacity_kw, .. } => {
                *capacity_kw = rng.chance(40).then(|| 1.0 + rng.below(10) as f64);
            }
            _ => {}
        }
    }
    for dev in layout.racks.iter_mut().flat_map(|r| r.devices.iter_mut()) {
        dev.draw_w = 50.0 + rng.below(1500) as f64;
    }
}

/// The rules of analysis.md, evaluated on the layout's own structures.
pub struct Oracle<'a> {
    pub layout: &'a Layout,
    pub power: HashMap<&'a str, &'a PowerElement>,
    pub devices: Vec<&'a Device>,
}

pub type Live = HashMap<String, bool>;

impl<'a> Oracle<'a> {
    pub fn new(layout: &'a Layout) -> Self {
        Oracle {
            layout,
            power: layout.power.iter().map(|p| (p.id(), p)).collect(),
            devices: layout.racks.iter().flat_map(|r| r.devices.iter()).collect(),
        }
    }

    pub fn need_holds(need: &Need, live: &Live) -> bool {
        let n = need.members().iter().filter(|m| live[m.as_str()]).count() as u32;
        n >= need.threshold()
    }

    /// The greatest fixpoint of the rules, from everything live: on an
    /// acyclic layout, the one and only state.
    pub fn evaluate(&self, failed: &HashSet<String>) -> Live {
        let mut live: Live = HashMap::new();
        for p in &self.layout.power {
            live.insert(p.id().into(), true);
        }
        for d in &self.devices {
            live.insert(d.id.clone(), true);
            for i in 0..d.psus.len() {
                live.insert(format!("{}/{}", d.id, d.psu_name(i)), true);
            }
        }
        for s in &self.layout.services {
            live.insert(s.id.clone(), true);
        }
        loop {
            let mut changed = false;
            let mut set = |live: &mut Live, id: &str, value: bool| {
                if live[id] != value {
                    live.insert(id.to_string(), value);
                    changed = true;
                }
            };
            for p in &self.layout.power {
                let inputs = p.inputs();
                let any = inputs.iter().any(|(_, i)| live[*i]);
                let ok = match p {
                    PowerElement::Utility { .. } | PowerElement::Generator { .. } => true,
                    _ => any,
                };
                let v = ok && !failed.contains(p.id());
                set(&mut live, p.id(), v);
            }
            for d in &self.devices {
                let mut psus_live = 0;
                for (i, psu) in d.psus.iter().enumerate() {
                    let id = format!("{}/{}", d.id, d.psu_name(i));
                    let v = live[psu.feed.as_str()] && !failed.contains(&id);
                    set(&mut live, &id, v);
                    psus_live += u32::from(v);
                }
                let v = !failed.contains(&d.id)
                    && psus_live >= d.psus_needed
                    && d.needs.iter().all(|n| Self::need_holds(n, &live));
                set(&mut live, &d.id, v);
            }
            for s in &self.layout.services {
                let v = s.needs.iter().all(|n| Self::need_holds(n, &live));
                set(&mut live, &s.id, v);
            }
            if !changed {
                return live;
            }
        }
    }

    /// analysis.md's short walk, on the layout.
    pub fn protective(&self, base: &Live, feed: &str) -> Option<String> {
        let mut id = feed.to_string();
        for _ in 0..=self.layout.power.len() {
            let el = self.power[id.as_str()];
            if el.has_outlet_breakers() {
                return None;
            }
            let stops = match el {
                PowerElement::Breaker { .. }
                | PowerElement::Ups { .. }
                | PowerElement::Utility { .. }
                | PowerElement::Generator { .. } => true,
                PowerElement::Panel { rating_a, .. } => rating_a.is_some(),
                _ => false,
            };
            if stops {
                return Some(id);
            }
            let inputs = el.inputs();
            let next = inputs
                .iter()
                .find(|(_, i)| base[*i])
                .or(inputs.first())
                .map(|(_, i)| i.to_string())?;
            id = next;
        }
        None
    }

    /// Every single event of the universe, as ids (analysis.md, "Events").
    fn universe(&self) -> Vec<OracleEvent> {
        let mut out: Vec<OracleEvent> = Vec::new();
        for p in &self.layout.power {
            out.push(OracleEvent::Fail(p.id().to_string()));
        }
        for d in &self.devices {
            out.push(OracleEvent::Fail(d.id.clone()));
            for i in 0..d.psus.len() {
                let psu = format!("{}/{}", d.id, d.psu_name(i));
                out.push(OracleEvent::Fail(psu.clone()));
                out.push(OracleEvent::Short(psu));
            }
        }
        for c in &self.layout.common_causes {
            out.push(OracleEvent::Common(c.id.clone()));
        }
        out
    }

    /// Live ids that some single event, other than one failing the id
    /// itself, takes down from the state `failed` gives: each event
    /// applied on top of it and the layout evaluated from scratch.
    fn one_event_from_down(&self, start: &Live, failed: &HashSet<String>) -> BTreeSet<String> {
        let now = self.evaluate(failed);
        let mut out = BTreeSet::new();
        for e in self.universe() {
            let hit = oracle_failures(self, start, &e);
            let mut all = failed.clone();
            all.extend(hit.iter().cloned());
            let after = self.evaluate(&all);
            for (id, live) in &now {
                if *live && !after[id.as_str()] && !hit.contains(id) {
                    out.insert(id.clone());
                }
            }
        }
        out
    }

    /// Degraded (analysis.md): live now, one event from down now, and not
    /// one event from down in the start state.
    fn degraded(&self, start: &Live, failed: &HashSet<String>) -> BTreeSet<String> {
        let before = self.one_event_from_down(start, &HashSet::new());
        self.one_event_from_down(start, failed)
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect()
    }
}

/// An event as ids, independently of the engine's numbering.
#[derive(Debug, Clone)]
enum OracleEvent {
    Fail(String),
    Short(String),
    Common(String),
}

fn oracle_failures(o: &Oracle<'_>, base: &Live, e: &OracleEvent) -> HashSet<String> {
    match e {
        OracleEvent::Fail(id) => [id.clone()].into(),
        OracleEvent::Short(psu) => {
            let (dev, name) = psu.split_once('/').unwrap();
            let d = o.devices.iter().find(|d| d.id == dev).unwrap();
            let i = (0..d.psus.len()).find(|&i| d.psu_name(i) == name).unwrap();
            let mut set: HashSet<String> = [psu.clone()].into();
            set.extend(o.protective(base, &d.psus[i].feed));
            set
        }
        OracleEvent::Common(g) => {
            let cc = o.layout.common_causes.iter().find(|c| &c.id == g).unwrap();
            cc.members.iter().cloned().collect()
        }
    }
}

fn to_oracle(a: &Analysis, e: Event) -> OracleEvent {
    let id = e.subject(&a.graph).to_string();
    match e {
        Event::Fail(_) => OracleEvent::Fail(id),
        Event::Short(_) => OracleEvent::Short(id),
        Event::Common(_) => OracleEvent::Common(id),
    }
}

fn oracle_impact(
    o: &Oracle<'_>,
    base: &Live,
    events: &[OracleEvent],
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut failed = HashSet::new();
    for e in events {
        failed.extend(oracle_failures(o, base, e));
    }
    let now = o.evaluate(&failed);
    let down = now
        .iter()
        .filter(|(id, live)| !**live && base[id.as_str()])
        .map(|(id, _)| id.clone())
        .collect();
    (down, o.degraded(base, &failed))
}

fn engine_sets(
    a: &Analysis,
    down: &[u32],
    degraded: &[u32],
) -> (BTreeSet<String>, BTreeSet<String>) {
    let ids = |v: &[u32]| v.iter().map(|&n| a.graph.id(n).to_string()).collect();
    (ids(down), ids(degraded))
}

const LAYOUTS: u64 = 600;
/// Layouts whose degraded sets are checked by brute force in the sweep.
const DEGRADED_LAYOUTS: u64 = 60;

#[test]
fn sweep_agrees_with_brute_force_on_random_layouts() {
    let mut events_checked = 0;
    let mut degraded_seen = 0;
    for seed in 0..LAYOUTS {
        let mut rng = Rng::new(seed);
        let mut layout = random_layout(&mut rng);
        unplug_some(&mut layout, &mut Rng::new(seed ^ 0x5EED));
        let text = ron::ser::to_string(&layout).unwrap();
        // The random layout must itself be valid, or the comparison means
        // nothing.
        if let Err(e) = faultline::model::load_str("random.ron", text) {
            panic!(
                "seed {seed}: generated layout is invalid:\n{}",
                e.render(false)
            );
        }
        let oracle = Oracle::new(&layout);
        let base = oracle.evaluate(&HashSet::new());
        let analysis = Analysis::new(&layout);
        for (id, live) in &base {
            let n = analysis.graph.node(id).unwrap();
            assert_eq!(
                analysis.liveness_base.live[n as usize], *live,
                "seed {seed}: base state of {id}"
            );
        }
        analysis.sweep(|event, scenario| {
            let visible: Vec<u32> = scenario
                .down()
                .iter()
                .copied()
                .filter(|&n| analysis.graph.is_visible(n))
                .collect();
            // Degraded is checked by brute force on the first layouts only:
            // the oracle applies every event on top of every event.
            let degraded = if seed < DEGRADED_LAYOUTS {
                faultline::engine::exposure::degraded(&analysis, scenario, false)
            } else {
                Vec::new()
            };
            degraded_seen += usize::from(!degraded.is_empty());
            let got = engine_sets(&analysis, &visible, &degraded);
            let mut want = oracle_impact(&oracle, &base, &[to_oracle(&analysis, event)]);
            if seed >= DEGRADED_LAYOUTS {
                want.1.clear();
            }
            assert_eq!(
                got,
                want,
                "seed {seed}: event {}",
                event.describe(&analysis.graph)
            );
            events_checked += 1;
        });
    }
    assert!(
        events_checked > LAYOUTS as usize * 10,
        "only {events_checked} events checked"
    );
    assert!(
        degraded_seen > 50,
        "only {degraded_seen} events left something degraded"
    );
}

#[test]
fn event_sets_agree_with_brute_force() {
    for seed in 0..LAYOUTS {
        let mut rng = Rng::new(seed ^ 0xABCD);
        let mut layout = random_layout(&mut rng);
        unplug_some(&mut layout, &mut Rng::new(seed ^ 0x5EED));
        let oracle = Oracle::new(&layout);
        let base = oracle.evaluate(&HashSet::new());
        let analysis = Analysis::new(&layout);
        let universe = faultline::engine::events::universe(&analysis.graph);
        for _ in 0..5 {
            let k = 1 + rng.below(3);
            let events: Vec<Event> = (0..k).map(|_| *rng.pick(&universe)).collect();
            let Impact { down, degraded, .. } = analysis.impact(&events);
            let got = engine_sets(&analysis, &down, &degraded);
            let oracle_events: Vec<OracleEvent> =
                events.iter().map(|&e| to_oracle(&analysis, e)).collect();
            let want = oracle_impact(&oracle, &base, &oracle_events);
            assert_eq!(got, want, "seed {seed}: events {oracle_events:?}");
        }
    }
}
