//! The findings oracle: liveness, loads and the overload cascade evaluated
//! from scratch on the layout's own structures, straight from analysis.md
//! and semantics.md (not from the engine's graph, flow or sweep), and the
//! findings read off them, compared with `findings::check` on many random
//! layouts.
//!
//! What it covers is what the engine once got wrong (issue 11): shorts
//! below transfer switches, with and without overloads in the base state;
//! a generator behind a UPS's bypass; common causes over a power element
//! and a device it feeds; role services that are critical themselves;
//! loads exactly at a threshold.

use std::collections::{BTreeSet, HashMap, HashSet};

use faultline::engine::Analysis;
use faultline::model::format::{Layout, PowerElement};

use crate::oracle::{Live, Oracle, Rng, random_layout, unplug_some};

/// semantics.md: a value is above a limit when it exceeds it by more than
/// this share of the limit (floating-point sums of PSU shares are not
/// exact).
const TOLERANCE: f64 = 1e-9;

pub(crate) fn exceeds(value: f64, limit: f64) -> bool {
    value > limit + limit.abs().max(1.0) * TOLERANCE
}

/// A finding as the oracle and the engine both state it: code, subject,
/// event (kind, id), sorted affected ids, severity.
type Key = (
    String,
    String,
    Option<(String, String)>,
    Vec<String>,
    String,
);

pub(crate) struct Findings<'a> {
    pub(crate) o: Oracle<'a>,
    /// Power elements in the layout's order, which random layouts keep
    /// topological (everything draws from what was made before it).
    pub(crate) power: Vec<&'a PowerElement>,
    pub(crate) capacity: HashMap<&'a str, f64>,
    /// Every power element below each one (fed by it, directly or not).
    below: HashMap<&'a str, HashSet<&'a str>>,
    critical: HashSet<&'a str>,
    device_ids: HashSet<&'a str>,
    service_ids: HashSet<&'a str>,
}

pub(crate) struct State {
    pub(crate) live: Live,
    pub(crate) load: HashMap<String, f64>,
    pub(crate) trips: Vec<String>,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(layout: &'a Layout) -> Self {
        let power: Vec<&PowerElement> = layout.power.iter().collect();
        let index: HashMap<&str, usize> =
            power.iter().enumerate().map(|(i, p)| (p.id(), i)).collect();
        // Volts and phases come through the first input; 230 V, one phase
        // where nothing sets them (layout-format.md, semantics.md).
        let mut volts: HashMap<&str, (f64, u32)> = HashMap::new();
        let mut capacity = HashMap::new();
        for (i, p) in power.iter().enumerate() {
            let inputs = p.inputs();
            for (_, input) in &inputs {
                assert!(index[input] < i, "random layouts are topological");
            }
            let inherited = inputs.first().map_or((230.0, 1), |(_, first)| volts[first]);
            let e = p.electrical();
            let v = (
                e.volts.unwrap_or(inherited.0),
                e.phases.unwrap_or(inherited.1),
            );
            volts.insert(p.id(), v);
            let cap = match p {
                PowerElement::Utility { capacity_kw, .. }
                | PowerElement::Generator { capacity_kw, .. } => {
                    capacity_kw.map_or(f64::INFINITY, |kw| kw * 1000.0)
                }
                PowerElement::Ups { capacity_kw, .. } => capacity_kw * 1000.0,
                _ => e.rating_a.map_or(f64::INFINITY, |a| {
                    a * v.0 * if v.1 == 3 { 3f64.sqrt() } else { 1.0 }
                }),
            };
            capacity.insert(p.id(), cap);
        }
        let mut below: HashMap<&str, HashSet<&str>> =
            power.iter().map(|p| (p.id(), HashSet::new())).collect();
        for p in power.iter().rev() {
            let mine: Vec<&str> = below[p.id()].iter().copied().collect();
            for (_, input) in p.inputs() {
                let set = below.get_mut(input).unwrap();
                set.insert(p.id());
                set.extend(mine.iter().copied());
            }
        }
        let o = Oracle::new(layout);
        let device_ids = o.devices.iter().map(|d| d.id.as_str()).collect();
        Findings {
            power,
            capacity,
            below,
            critical: layout
                .services
                .iter()
                .filter(|s| s.critical)
                .map(|s| s.id.as_str())
                .collect(),
            device_ids,
            service_ids: layout.services.iter().map(|s| s.id.as_str()).collect(),
            o,
        }
    }

    /// analysis.md, "Load and capacity".
    pub(crate) fn loads(&self, live: &Live) -> HashMap<String, f64> {
        let mut load: HashMap<String, f64> = self
            .power
            .iter()
            .map(|p| (p.id().to_string(), 0.0))
            .collect();
        for d in &self.o.devices {
            if !live[&d.id] {
                continue;
            }
            let feeds: Vec<&str> = (0..d.psus.len())
                .filter(|&i| live[&format!("{}/{}", d.id, d.psu_name(i))])
                .map(|i| d.psus[i].feed.as_str())
                .collect();
            for f in &feeds {
                *load.get_mut(*f).unwrap() += d.draw_w / feeds.len() as f64;
            }
        }
        for p in self.power.iter().rev() {
            if !live[p.id()] {
                continue;
            }
            // The first live input in priority order (for one input, that
            // one; a UPS's input before its bypass).
            let to = p.inputs().into_iter().find(|(_, i)| live[*i]);
            if let Some((_, to)) = to {
                let l = load[p.id()];
                *load.get_mut(to).unwrap() += l;
            }
        }
        load
    }

    /// Events, then overload trips round by round: each round trips the
    /// overloaded live elements with no overloaded live element below.
    pub(crate) fn cascade(&self, failed: &HashSet<String>) -> State {
        let mut failed = failed.clone();
        let mut trips = Vec::new();
        loop {
            let live = self.o.evaluate(&failed);
            let load = self.loads(&live);
            let over: HashSet<&str> = self
                .power
                .iter()
                .map(|p| p.id())
                .filter(|id| live[*id] && exceeds(load[*id], self.capacity[id]))
                .collect();
            if over.is_empty() {
                return State { live, load, trips };
            }
            let mut round: Vec<&str> = over
                .iter()
                .copied()
                .filter(|id| self.below[id].is_disjoint(&over))
                .collect();
            round.sort_unstable();
            for id in round {
                failed.insert(id.to_string());
                trips.push(id.to_string());
            }
        }
    }

    fn observes(&self, holder: &str, service: &str) -> bool {
        if holder == service || !self.critical.contains(service) {
            return false;
        }
        if let Some(d) = self.o.devices.iter().find(|d| d.id == holder) {
            return !d.roles.is_empty();
        }
        let s = self.o.layout.services.iter().find(|s| s.id == holder);
        match s {
            Some(s) if s.role.is_some() => s
                .observes
                .as_ref()
                .is_none_or(|list| list.iter().any(|c| c == service)),
            _ => false,
        }
    }

    fn findings(&self) -> BTreeSet<Key> {
        let mut out = BTreeSet::new();
        let layout = self.o.layout;
        let key =
            |code: &str, subject: &str, event: Option<(&str, &str)>, affected: Vec<String>| {
                let mut affected = affected;
                affected.sort();
                affected.dedup();
                (
                    code.to_string(),
                    subject.to_string(),
                    event.map(|(k, i)| (k.to_string(), i.to_string())),
                    affected,
                )
            };
        let base = self.cascade(&HashSet::new());

        // Base-state findings.
        for id in &base.trips {
            out.insert(with_severity(key("overload", id, None, vec![]), "error"));
        }
        // analysis.md: a device with `psus: []` is `no-power-path`, and not
        // also `unpowered`.
        let no_psus: HashSet<&str> = layout
            .racks
            .iter()
            .flat_map(|r| &r.devices)
            .filter(|d| d.psus.is_empty())
            .map(|d| d.id.as_str())
            .collect();
        for id in &no_psus {
            out.insert(with_severity(
                key("no-power-path", id, None, vec![]),
                "warning",
            ));
        }
        for id in self.device_ids.iter().chain(&self.service_ids) {
            if !base.live[*id] && !no_psus.contains(*id as &str) {
                out.insert(with_severity(key("unpowered", id, None, vec![]), "error"));
            }
        }
        let pct = layout.policy.continuous_load_pct;
        for p in &self.power {
            let (id, cap) = (p.id(), self.capacity[p.id()]);
            if base.live[id] && cap.is_finite() && exceeds(base.load[id], cap * pct / 100.0) {
                out.insert(with_severity(key("derating", id, None, vec![]), "warning"));
            }
            if matches!(p, PowerElement::Ups { .. }) && !self.generator_above(p) {
                out.insert(with_severity(key("no-standby", id, None, vec![]), "note"));
            }
        }

        // The single-event sweep, from the base state with its trips.
        let mut events: Vec<(&str, String, HashSet<String>)> = Vec::new();
        for p in &self.power {
            events.push(("fail", p.id().into(), [p.id().to_string()].into()));
        }
        let mut psus = Vec::new();
        for d in &self.o.devices {
            for i in 0..d.psus.len() {
                let id = format!("{}/{}", d.id, d.psu_name(i));
                events.push(("fail", id.clone(), [id.clone()].into()));
                psus.push((id, d.psus[i].feed.as_str()));
            }
        }
        for d in &self.o.devices {
            events.push(("fail", d.id.clone(), [d.id.clone()].into()));
        }
        let mut short_trips: Vec<(String, HashSet<String>)> = Vec::new();
        for (id, feed) in &psus {
            let p = self.o.protective(&base.live, feed);
            let mut set: HashSet<String> = [id.clone()].into();
            set.extend(p.clone());
            events.push(("short", id.clone(), set));
            short_trips.push((p.unwrap_or_default(), HashSet::new()));
        }
        for c in &layout.common_causes {
            events.push(("common", c.id.clone(), c.members.iter().cloned().collect()));
        }
        let mut short_critical: HashMap<String, bool> = HashMap::new();
        let mut short_index = 0;
        for (kind, id, failures) in &events {
            let mut failed: HashSet<String> = base.trips.iter().cloned().collect();
            failed.extend(failures.iter().cloned());
            let now = self.cascade(&failed);
            let down = |ids: &HashSet<&str>| -> Vec<String> {
                let mut v: Vec<String> = ids
                    .iter()
                    .filter(|i| base.live[**i] && !now.live[**i])
                    .map(|i| i.to_string())
                    .collect();
                v.sort();
                v
            };
            let devices = down(&self.device_ids);
            let services = down(&self.service_ids);
            let critical: Vec<&String> = services
                .iter()
                .filter(|s| self.critical.contains(s.as_str()))
                .collect();
            let event = Some((*kind, id.as_str()));
            let everything: Vec<String> = devices.iter().chain(&services).cloned().collect();

            if *kind == "short" {
                let (p, acc) = &mut short_trips[short_index];
                short_index += 1;
                if !p.is_empty() {
                    acc.extend(devices.iter().cloned());
                    *short_critical.entry(p.clone()).or_default() |= !critical.is_empty();
                }
            }
            let power_fail = *kind == "fail" && self.o.power.contains_key(id.as_str());
            // analysis.md: any `fail` event (element, PSU or device).
            if *kind == "fail" && !now.trips.is_empty() {
                let mut affected = now.trips.clone();
                affected.extend(everything.iter().cloned());
                out.insert(with_severity(
                    key("failover-overload", id, event, affected),
                    "error",
                ));
            }
            if power_fail || *kind == "common" {
                let lost: Vec<String> = self
                    .o
                    .devices
                    .iter()
                    .filter(|d| devices.contains(&d.id) && !failures.contains(&d.id))
                    .filter(|d| d.psus.len() as u32 > d.psus_needed)
                    .filter(|d| {
                        let live = (0..d.psus.len())
                            .filter(|&i| now.live[&format!("{}/{}", d.id, d.psu_name(i))])
                            .count() as u32;
                        live < d.psus_needed
                    })
                    .map(|d| d.id.clone())
                    .collect();
                if !lost.is_empty() {
                    out.insert(with_severity(
                        key("false-redundancy", id, event, lost),
                        "error",
                    ));
                }
            }
            if critical.is_empty() {
                continue;
            }
            out.insert(with_severity(
                key("spof", id, event, everything.clone()),
                "error",
            ));
            let holders: Vec<&String> = everything
                .iter()
                .filter(|h| critical.iter().any(|c| self.observes(h, c)))
                .collect();
            let watched: Vec<&String> = critical
                .iter()
                .copied()
                .filter(|c| holders.iter().any(|h| self.observes(h, c)))
                .collect();
            if !holders.is_empty() {
                let affected = watched.into_iter().chain(holders).cloned().collect();
                out.insert(with_severity(
                    key("shared-fate", id, event, affected),
                    "error",
                ));
            }
        }
        // short-trip: per protective device, what the shorts below it take
        // down together (the shorted device too).
        let mut by_device: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (p, acc) in short_trips {
            if !p.is_empty() {
                by_device.entry(p).or_default().extend(acc);
            }
        }
        for (p, devices) in by_device {
            if devices.is_empty() {
                continue;
            }
            let severity = if short_critical[&p] {
                "error"
            } else {
                "warning"
            };
            out.insert(with_severity(
                key("short-trip", &p, None, devices.into_iter().collect()),
                severity,
            ));
        }
        out
    }

    /// Is there a generator above this element on any input (a UPS's
    /// bypass included)?
    fn generator_above(&self, p: &PowerElement) -> bool {
        let mut stack: Vec<&str> = p.inputs().into_iter().map(|(_, i)| i).collect();
        while let Some(id) = stack.pop() {
            let el = self.o.power[id];
            if matches!(el, PowerElement::Generator { .. }) {
                return true;
            }
            stack.extend(el.inputs().into_iter().map(|(_, i)| i));
        }
        false
    }
}

fn with_severity(k: (String, String, Option<(String, String)>, Vec<String>), s: &str) -> Key {
    (k.0, k.1, k.2, k.3, s.to_string())
}

/// The codes the oracle computes.
const CODES: [&str; 10] = [
    "overload",
    "unpowered",
    "no-power-path",
    "derating",
    "no-standby",
    "failover-overload",
    "false-redundancy",
    "spof",
    "shared-fate",
    "short-trip",
];

fn engine_findings(layout: &Layout) -> BTreeSet<Key> {
    let text = ron::ser::to_string(layout).unwrap();
    let loaded = faultline::model::load_str("random.ron", text)
        .unwrap_or_else(|e| panic!("generated layout is invalid:\n{}", e.render(false)));
    let a = Analysis::new(&loaded.layout);
    faultline::findings::check(&loaded, &a)
        .into_iter()
        .filter(|f| CODES.contains(&f.code.name()))
        .map(|f| {
            // Base-state findings are compared on code and subject: their
            // affected lists are about the wording, not the state.
            let affected = if f.event.is_some() || f.code == "short-trip" {
                f.affected
            } else {
                Vec::new()
            };
            (
                f.code.to_string(),
                f.subject,
                f.event.map(|e| (e.kind.to_string(), e.id)),
                affected,
                f.severity.name().to_string(),
            )
        })
        .collect()
}

/// Put one element's capacity exactly at `share` of its base load, so
/// that only rounding decides whether it is above a threshold.
fn exactly_at_threshold(layout: &mut Layout, rng: &mut Rng) {
    let (id, load, volts) = {
        let f = Findings::new(layout);
        let base = f.cascade(&HashSet::new());
        let loaded: Vec<&PowerElement> = f
            .power
            .iter()
            .copied()
            .filter(|p| base.live[p.id()] && base.load[p.id()] > 0.0)
            .collect();
        if loaded.is_empty() {
            return;
        }
        let p = *rng.pick(&loaded);
        let cap = f.capacity[p.id()];
        // The watts one amp of rating gives, from the element's own
        // capacity where it has one, else 230 V single-phase.
        let volts = match p.electrical().rating_a {
            Some(a) if cap.is_finite() => cap / a,
            _ => 230.0,
        };
        (p.id().to_string(), base.load[p.id()], volts)
    };
    let share = if rng.chance(50) {
        layout.policy.continuous_load_pct / 100.0
    } else {
        1.0
    };
    let watts = load / share;
    let el = layout.power.iter_mut().find(|p| p.id() == id).unwrap();
    match el {
        PowerElement::Utility { capacity_kw, .. } | PowerElement::Generator { capacity_kw, .. } => {
            *capacity_kw = Some(watts / 1000.0)
        }
        PowerElement::Ups { capacity_kw, .. } => *capacity_kw = watts / 1000.0,
        PowerElement::Breaker { rating_a, .. } => *rating_a = watts / volts,
        PowerElement::Ats { rating_a, .. }
        | PowerElement::Sts { rating_a, .. }
        | PowerElement::Panel { rating_a, .. }
        | PowerElement::Pdu { rating_a, .. } => *rating_a = Some(watts / volts),
    }
}

const LAYOUTS: u64 = 600;

#[test]
fn findings_agree_with_the_oracle_on_random_layouts() {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut at_threshold = 0;
    for seed in 0..LAYOUTS {
        let mut rng = Rng::new(seed ^ 0x5EED_F1D5);
        let mut layout = random_layout(&mut rng);
        unplug_some(&mut layout, &mut Rng::new(seed ^ 0x5EED));
        if rng.chance(40) {
            exactly_at_threshold(&mut layout, &mut rng);
            at_threshold += 1;
        }
        let want = Findings::new(&layout).findings();
        let got = engine_findings(&layout);
        if got != want {
            let text = ron::ser::to_string_pretty(&layout, Default::default()).unwrap();
            let only_engine: Vec<&Key> = got.difference(&want).collect();
            let only_oracle: Vec<&Key> = want.difference(&got).collect();
            panic!(
                "seed {seed}: findings differ\nonly the engine: {only_engine:#?}\n\
                 only the oracle: {only_oracle:#?}\nlayout:\n{text}"
            );
        }
        for k in &want {
            *seen
                .entry(CODES.iter().find(|c| **c == k.0).unwrap())
                .or_default() += 1;
        }
    }
    // The comparison means something only if each code actually comes up.
    for code in CODES {
        assert!(
            seen.get(code).copied().unwrap_or(0) >= 10,
            "{code} came up only {:?} times: {seen:?}",
            seen.get(code)
        );
    }
    assert!(at_threshold > LAYOUTS as usize / 4, "{at_threshold}");
}
