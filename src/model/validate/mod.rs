//! Validation: everything that makes a parsed layout unusable, found in one
//! pass and reported together, each located in the source. What ids and
//! references may name is in `targets.rs`; the one-way flow of power and
//! `needs` (no cycles) in `cycles.rs`.

use std::cell::RefCell;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::hash_map::Entry;

use super::format::{Layout, Need, PowerElement};
use super::spans::{LazyIndex, Loc, SourceIndex, value_after};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, closest};

mod cycles;
mod rates;
mod targets;

use targets::{Target, Wants, describe_type};

/// Physical quantities above this are taken for typos (or overflow bait).
pub const MAX_QUANTITY: f64 = 1e9;

struct Validator<'a> {
    layout: &'a Layout,
    /// Built when the first error is located.
    index: &'a LazyIndex<'a>,
    src: &'a str,
    ids: HashMap<&'a str, Target>,
    out: Vec<Diagnostic>,
    /// Errors past [`MAX_DIAGNOSTICS`], counted but neither located nor
    /// kept: a million copies of one mistake say no more than a few
    /// hundred, and locating each would cost the whole file every time.
    unshown: usize,
    /// Per (owner, field): the string record after the last reference
    /// located there, where the next search starts.
    cursors: RefCell<HashMap<(String, String), u32>>,
    /// Id comparisons left for "did you mean" suggestions.
    suggestion_budget: usize,
}

/// How many validation errors are located and kept.
pub const MAX_DIAGNOSTICS: usize = 500;

/// The validation errors, and how many more there were.
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    pub unshown: usize,
}

/// The validation errors of `layout`, in no particular order: all of
/// them, or the first [`MAX_DIAGNOSTICS`] and a count of the rest.
pub fn validate<'a>(layout: &'a Layout, index: &'a LazyIndex<'a>, src: &'a str) -> Validation {
    let mut v = Validator {
        layout,
        index,
        src,
        ids: HashMap::default(),
        out: Vec::new(),
        unshown: 0,
        cursors: RefCell::default(),
        suggestion_budget: 5_000_000,
    };
    v.collect_ids();
    v.check_policy();
    v.check_power();
    v.check_racks();
    v.check_services();
    v.check_common_causes();
    v.check_rates();
    v.check_sources();
    // Cycles are only meaningful once every reference resolves to exactly
    // one thing: with a duplicate id the graph would join two elements.
    let unresolved = [Code::UnknownRef, Code::BadRefKind, Code::DuplicateId];
    if !v.out.iter().any(|d| unresolved.contains(&d.code)) {
        v.check_cycles();
    }
    Validation {
        diagnostics: v.out,
        unshown: v.unshown,
    }
}

/// A number for a message: `1e300`, not three hundred digits.
fn show(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e6 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// `[A-Za-z0-9][A-Za-z0-9._:-]*` with single spaces between words
/// allowed (inventories name things "Panel 1"); never a leading,
/// trailing or double space, so an id reads the same wherever it is
/// printed.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && !id.ends_with(' ')
        && !id.contains("  ")
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-' | ' '))
}

impl<'a> Validator<'a> {
    /// The source index while errors are still being located.
    fn locating(&self) -> Option<&'a SourceIndex> {
        (self.out.len() < MAX_DIAGNOSTICS).then(|| self.index.get())
    }
    fn at_id(&self, id: &str) -> Option<Loc> {
        self.locating()?.id(id)
    }
    fn at_field(&self, owner: &str, key: &str) -> Option<Loc> {
        self.locating()?
            .field(owner, key)
            .or_else(|| self.at_id(owner))
    }
    /// The value of field `key` (`-350` in `draw_w: -350`): a bad number is
    /// underlined itself, not its field name.
    fn at_value(&self, owner: &str, key: &str) -> Option<Loc> {
        match self.locating()?.field(owner, key) {
            Some(k) => Some(value_after(self.src, k)),
            None => self.at_id(owner),
        }
    }
    /// Where `owner.key` names `value`. Errors come in list order, so each
    /// search goes on from the last one in the same list.
    fn at_ref(&self, owner: &str, key: &str, value: &str) -> Option<Loc> {
        let index = self.locating()?;
        let mut cursors = self.cursors.borrow_mut();
        let cursor = cursors
            .entry((owner.to_string(), key.to_string()))
            .or_insert(0);
        match index.reference_from(self.src, owner, key, value, *cursor) {
            Some((loc, record)) => {
                *cursor = record + 1;
                Some(loc)
            }
            None => {
                drop(cursors);
                self.at_field(owner, key)
            }
        }
    }

    /// Whether errors are only counted now; callers check it before
    /// work that only a kept error needs (suggestions over every id).
    fn counting_only(&mut self) -> bool {
        let full = self.out.len() >= MAX_DIAGNOSTICS;
        if full {
            self.unshown += 1;
        }
        full
    }

    fn push(&mut self, code: Code, message: String, loc: Option<Loc>, help: String) {
        if self.counting_only() {
            return;
        }
        self.out
            .push(Diagnostic::new(code, message, loc).with_help(help));
    }

    fn collect_ids(&mut self) {
        let layout = self.layout;
        let mut all: Vec<(&'a str, Target)> = Vec::new();
        all.extend(
            layout
                .power
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id(), Target::Power(i))),
        );
        for (r, rack) in layout.racks.iter().enumerate() {
            all.push((rack.id.as_str(), Target::Rack(r)));
            all.extend(
                rack.devices
                    .iter()
                    .enumerate()
                    .map(|(d, dev)| (dev.id.as_str(), Target::Device(r, d))),
            );
        }
        all.extend(
            layout
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), Target::Service(i))),
        );
        all.extend(
            layout
                .common_causes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), Target::Common(i))),
        );

        // How many times each repeated id has been seen so far.
        let mut repeats: HashMap<&str, usize> = HashMap::default();
        self.ids.reserve(all.len());
        for (id, target) in all {
            self.check_id_syntax(id, id);
            let count = match self.ids.entry(id) {
                Entry::Vacant(slot) => {
                    slot.insert(target);
                    1
                }
                Entry::Occupied(_) => {
                    let seen = repeats.entry(id).or_insert(1);
                    *seen += 1;
                    *seen
                }
            };
            if count > 1 {
                // Name what is written first in the file, which is what the
                // line number points at (sections may come in any order).
                let first = match self.index.get().id_type(id) {
                    Some(t) => describe_type(t),
                    None => self.ids[id].describe(layout),
                };
                let loc = self.locating().and_then(|ix| ix.nth_id(id, count - 1));
                let first_line = self
                    .at_id(id)
                    .map(|l| format!(" on line {}", l.line))
                    .unwrap_or_default();
                self.push(
                    Code::DuplicateId,
                    format!("id \"{id}\" is already used by a {first}{first_line}"),
                    loc,
                    Code::DuplicateId.help().into(),
                );
            }
        }
    }

    fn check_id_syntax(&mut self, id: &str, owner: &str) {
        if valid_id(id) {
            return;
        }
        let why = if id.contains('/') {
            "`/` is reserved: PSUs are addressed as `device/psu`"
        } else if id.is_empty() {
            "an id cannot be empty"
        } else {
            "ids start with a letter or digit and use only letters, digits, . _ : - and single spaces between words"
        };
        self.push(
            Code::BadValue,
            format!("invalid id \"{id}\""),
            self.at_id(id).or_else(|| self.at_field(owner, "id")),
            why.into(),
        );
    }

    fn check_allow(&mut self, owner: &str, allow: &[String]) {
        for code in allow {
            if !Code::from_name(code).is_some_and(Code::is_finding) {
                if self.counting_only() {
                    continue;
                }
                let help = match Code::closest(code, Code::findings()) {
                    Some(c) => format!("did you mean \"{c}\"?"),
                    None => {
                        let names: Vec<&str> = Code::findings().map(Code::name).collect();
                        format!("finding codes are: {}", names.join(", "))
                    }
                };
                let loc = self.at_ref(owner, "allow", code);
                self.push(
                    Code::BadValue,
                    format!("unknown finding code \"{code}\" in `allow`"),
                    loc,
                    help,
                );
            }
        }
    }

    /// Check a reference from `owner.key` to `target`; `ok` says which kinds
    /// of thing it may name. Returns the target when it is usable.
    fn check_ref(&mut self, owner: &str, key: &str, target: &str, wants: Wants) -> Option<Target> {
        let layout = self.layout;
        let ok = |t: Target| wants.accepts(t, layout);
        let wanted = wants.what();
        match self.ids.get(target).copied() {
            Some(t) if ok(t) => Some(t),
            Some(t) => {
                let is = t.describe(self.layout);
                self.push(
                    Code::BadRefKind,
                    format!("`{key}` names \"{target}\", a {is}, but must name {wanted}"),
                    self.at_ref(owner, key, target),
                    format!("`{key}` of this element must name {wanted}"),
                );
                None
            }
            None if self.counting_only() => None,
            None => {
                // "Did you mean" compares with every id; a file with
                // thousands of unknown references gets suggestions only
                // while the comparisons stay within a budget.
                let affordable = self.suggestion_budget >= self.ids.len();
                self.suggestion_budget = self.suggestion_budget.saturating_sub(self.ids.len());
                let candidates = self
                    .ids
                    .iter()
                    .filter(|(_, t)| affordable && ok(**t))
                    .map(|(id, _)| *id);
                let help = match closest(target, candidates) {
                    Some(c) => format!("did you mean \"{c}\"?"),
                    None => format!("define it, or name an existing {wanted}"),
                };
                self.push(
                    Code::UnknownRef,
                    format!("`{key}` names \"{target}\", which is not defined"),
                    self.at_ref(owner, key, target),
                    help,
                );
                None
            }
        }
    }

    /// Whether `member` names a PSU as `device/psu`.
    fn is_psu(&self, member: &str) -> bool {
        let Some((device, psu)) = member.rsplit_once('/') else {
            return false;
        };
        match self.ids.get(device) {
            Some(&Target::Device(r, d)) => {
                let dev = &self.layout.racks[r].devices[d];
                (0..dev.psus.len()).any(|i| dev.psu_name(i) == psu)
            }
            _ => false,
        }
    }

    fn check_number(&mut self, owner: &str, field: &str, value: f64, positive: bool) {
        let problem = if !value.is_finite() {
            Some("must be a finite number")
        } else if positive && value <= 0.0 {
            Some("must be positive")
        } else if !positive && value < 0.0 {
            Some("must be zero or positive")
        } else if value > MAX_QUANTITY {
            Some("is implausibly large (over 1e9)")
        } else {
            None
        };
        if let Some(p) = problem {
            let loc = if owner.is_empty() {
                self.locating()
                    .and_then(|ix| ix.singleton_field("Policy", field))
                    .map(|k| value_after(self.src, k))
            } else {
                self.at_value(owner, field)
            };
            self.push(
                Code::BadValue,
                format!("`{field}` {p} (found {})", show(value)),
                loc,
                if positive {
                    "ratings, capacities, voltages and draws are positive numbers".into()
                } else {
                    "times and margins are zero or positive".into()
                },
            );
        }
    }

    fn check_phases(&mut self, owner: &str, phases: Option<u32>) {
        if let Some(p) = phases {
            if p != 1 && p != 3 {
                self.push(
                    Code::BadValue,
                    format!("`phases` must be 1 or 3 (found {p})"),
                    self.at_value(owner, "phases"),
                    "single-phase (1) or three-phase (3)".into(),
                );
            }
        }
    }

    fn check_policy(&mut self) {
        let p = &self.layout.policy;
        self.check_number("", "continuous_load_pct", p.continuous_load_pct, true);
        self.check_number("", "ups_margin_s", p.ups_margin_s, false);
        self.check_number(
            "",
            "max_phase_imbalance_pct",
            p.max_phase_imbalance_pct,
            false,
        );
    }

    fn check_power(&mut self) {
        let layout = self.layout;
        for el in &layout.power {
            let id = el.id();
            let e = el.electrical();
            if let Some(r) = e.rating_a {
                self.check_number(id, "rating_a", r, true);
            }
            if let Some(v) = e.volts {
                self.check_number(id, "volts", v, true);
            }
            self.check_phases(id, e.phases);
            self.check_allow(id, el.allow());
            if let Some(pct) = el.continuous_load_pct() {
                self.check_number(id, "continuous_load_pct", pct, true);
            }
            match el {
                PowerElement::Utility { capacity_kw, .. } => {
                    if let Some(c) = capacity_kw {
                        self.check_number(id, "capacity_kw", *c, true);
                    }
                }
                PowerElement::Generator {
                    start_s,
                    capacity_kw,
                    ..
                } => {
                    self.check_number(id, "start_s", *start_s, false);
                    if let Some(c) = capacity_kw {
                        self.check_number(id, "capacity_kw", *c, true);
                    }
                }
                PowerElement::Ats {
                    inputs, transfer_s, ..
                } => {
                    self.check_number(id, "transfer_s", *transfer_s, false);
                    self.check_input_count(id, inputs.len(), 2, usize::MAX);
                }
                PowerElement::Sts { inputs, .. } => {
                    self.check_input_count(id, inputs.len(), 2, usize::MAX)
                }
                PowerElement::Ups {
                    capacity_kw,
                    runtime_min,
                    ..
                } => {
                    self.check_number(id, "capacity_kw", *capacity_kw, true);
                    self.check_number(id, "runtime_min", *runtime_min, false);
                }
                PowerElement::Pdu {
                    input,
                    inputs,
                    rack,
                    ..
                } => {
                    match (input, inputs) {
                        (Some(_), Some(_)) => self.push(
                            Code::BadValue,
                            format!("Pdu \"{id}\" has both `input` and `inputs`"),
                            self.at_field(id, "inputs"),
                            "use `input` for a single-inlet PDU, `inputs` (two) for a dual-inlet one".into(),
                        ),
                        (None, None) => self.push(
                            Code::BadValue,
                            format!("Pdu \"{id}\" has no `input`"),
                            self.at_id(id),
                            "name the breaker, panel or switch it is plugged into with `input`".into(),
                        ),
                        (None, Some(list)) => self.check_input_count(id, list.len(), 1, 2),
                        _ => {}
                    }
                    if let Some(r) = rack {
                        self.check_ref(id, "rack", r, Wants::Rack);
                    }
                }
                PowerElement::Panel { .. } | PowerElement::Breaker { .. } => {}
            }
            // With both `input` and `inputs` (reported above) the old input is
            // usually repeated in the new list; that is the same mistake.
            let both = matches!(
                el,
                PowerElement::Pdu {
                    input: Some(_),
                    inputs: Some(_),
                    ..
                }
            );
            let mut seen = HashSet::default();
            for (key, input) in el.inputs() {
                if !seen.insert(input) {
                    if both {
                        continue;
                    }
                    self.push(
                        Code::BadValue,
                        format!("\"{input}\" is listed twice as an input of \"{id}\""),
                        self.at_ref(id, key, input),
                        "each input is a separate feed; list it once".into(),
                    );
                    continue;
                }
                self.check_ref(id, key, input, Wants::Power);
            }
        }
    }

    fn check_input_count(&mut self, id: &str, n: usize, min: usize, max: usize) {
        if n < min || n > max {
            let want = if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            self.push(
                Code::BadValue,
                format!(
                    "\"{id}\" has {n} input{}, needs {want}",
                    crate::wording::s(n)
                ),
                self.at_field(id, "inputs"),
                "a transfer switch chooses among two or more inputs; a PDU has at most two inlets"
                    .into(),
            );
        }
    }

    fn check_racks(&mut self) {
        let layout = self.layout;
        for rack in &layout.racks {
            if rack.height_u == 0 {
                self.push(
                    Code::BadValue,
                    format!("rack \"{}\" has height 0", rack.id),
                    self.at_value(&rack.id, "height_u"),
                    "rack height is in units (U), usually 42".into(),
                );
            }
            let mut placed: Vec<(u64, u64, usize)> = Vec::new();
            for (k, dev) in rack.devices.iter().enumerate() {
                self.check_device(dev);
                // A rack of height 0 is reported above; every device in it
                // being out of bounds would only repeat that. A 0U device
                // holds no units at all.
                if rack.height_u == 0 || dev.is_zero_u() {
                    continue;
                }
                // u64: `u` and `height_u` near u32::MAX must not wrap.
                let top = u64::from(dev.u) + u64::from(dev.height_u.max(1)) - 1;
                if dev.u == 0 || top > u64::from(rack.height_u) {
                    self.push(
                        Code::RackBounds,
                        format!(
                            "device \"{}\" occupies U{}-U{} but rack \"{}\" has U1-U{}",
                            dev.id, dev.u, top, rack.id, rack.height_u
                        ),
                        self.at_value(&dev.id, "u"),
                        Code::RackBounds.help().into(),
                    );
                } else {
                    placed.push((u64::from(dev.u), top, k));
                }
            }
            // Sweep up the rack keeping the devices whose units reach the
            // current one: a clash is two of them that cannot share
            // (only half-depth devices on opposite faces can).
            placed.sort();
            let mut reaching: Vec<(u64, usize)> = Vec::new();
            for (bottom, top, k) in placed {
                reaching.retain(|&(t, _)| t >= bottom);
                let dev = &rack.devices[k];
                let clash = reaching
                    .iter()
                    .map(|&(_, j)| &rack.devices[j])
                    .find(|other| !dev.can_share_units(other));
                if let Some(other) = clash {
                    let id = dev.id.as_str();
                    self.push(
                        Code::RackOverlap,
                        format!(
                            "device \"{id}\" overlaps \"{}\" in rack \"{}\" at U{bottom}",
                            other.id, rack.id
                        ),
                        self.at_value(id, "u"),
                        "two devices cannot occupy the same rack unit (half-depth ones on opposite faces can: face: Rear, full_depth: false)".into(),
                    );
                }
                reaching.push((top, k));
            }
        }
    }

    fn check_device(&mut self, dev: &super::format::Device) {
        let id = dev.id.as_str();
        self.check_number(id, "draw_w", dev.draw_w, true);
        self.check_allow(id, &dev.allow);

        let psus = dev.psus.len() as u32;
        // `psus: []` is a device with no power path (an uncabled import):
        // valid, down from the start, reported as `no-power-path`. Only the
        // default `psus_needed` goes with it.
        let no_power_path = psus == 0 && dev.psus_needed == 1;
        if !no_power_path && (dev.psus_needed == 0 || dev.psus_needed > psus) {
            self.push(
                Code::BadThreshold,
                format!(
                    "device \"{id}\" needs {} PSU(s) but has {psus}",
                    dev.psus_needed
                ),
                match self.index.get().field(id, "psus_needed") {
                    Some(k) => Some(value_after(self.src, k)),
                    None => self.at_field(id, "psus"),
                },
                "`psus_needed` is between 1 and the number of PSUs listed".into(),
            );
        }
        // A device has a few PSUs: a list beats a set.
        let mut names: Vec<String> = Vec::with_capacity(dev.psus.len());
        for (i, psu) in dev.psus.iter().enumerate() {
            let name = dev.psu_name(i);
            // Only an error asks where (a valid layout is never indexed).
            let psu_loc = |index: Option<&SourceIndex>| {
                index.and_then(|ix| ix.psu(id, i).or_else(|| ix.id(id)))
            };
            if !valid_id(&name) {
                let index = self.locating();
                self.push(
                    Code::BadValue,
                    format!("invalid PSU name \"{name}\""),
                    index
                        .and_then(|ix| ix.psu_field(id, i, "name"))
                        .or_else(|| psu_loc(index)),
                    "PSU names use letters, digits and . _ : -".into(),
                );
            }
            if names.contains(&name) {
                let index = self.locating();
                self.push(
                    Code::DuplicateId,
                    format!("PSU \"{id}/{name}\" is defined twice"),
                    index
                        .and_then(|ix| ix.psu_field(id, i, "name"))
                        .or_else(|| psu_loc(index)),
                    "give each PSU of a device its own name".into(),
                );
            }
            if let Some(phase) = psu.phase {
                if !(1..=3).contains(&phase) {
                    let index = self.locating();
                    self.push(
                        Code::BadValue,
                        format!("PSU phase must be 1, 2 or 3 (found {phase})"),
                        index
                            .and_then(|ix| ix.psu_field(id, i, "phase"))
                            .map(|k| value_after(self.src, k))
                            .or_else(|| psu_loc(index)),
                        "`phase` says which leg of a three-phase feed the PSU is on".into(),
                    );
                }
            }
            self.check_ref(id, "feed", &psu.feed, Wants::PsuFeed);
            names.push(name);
        }
        self.check_needs(id, &dev.needs);
    }

    fn check_needs(&mut self, owner: &str, needs: &[Need]) {
        for (i, need) in needs.iter().enumerate() {
            let members = need.members();
            let n = members.len() as u32;
            let k = need.threshold();
            let bad = match need {
                Need::AtLeast(k, _) => *k == 0 || *k > n,
                _ => n == 0,
            };
            if bad {
                // Point at the entry (`AtLeast(0, ...`), where k is written.
                let first = members.first().map(String::as_str).unwrap_or("");
                let loc = self
                    .locating()
                    .and_then(|ix| ix.need(owner, i))
                    .or_else(|| self.at_ref(owner, "needs", first));
                self.push(
                    Code::BadThreshold,
                    format!("`needs` entry of \"{owner}\" asks for {k} of {n}"),
                    loc,
                    "AtLeast(k, [...]) needs 1 <= k <= the number listed; lists cannot be empty"
                        .into(),
                );
            }
            let mut seen = HashSet::default();
            for m in members {
                let mistake = if !seen.insert(m.as_str()) {
                    let twice =
                        format!("\"{m}\" is listed twice in one `needs` entry of \"{owner}\"");
                    Some((Code::BadValue, twice, "list each member once"))
                } else if m == owner {
                    let message = format!("\"{owner}\" needs itself");
                    Some((Code::Cycle, message, "remove it from its own `needs`"))
                } else {
                    None
                };
                match mistake {
                    Some((code, message, help)) => {
                        let loc = self.at_ref(owner, "needs", m);
                        self.push(code, message, loc, help.into());
                    }
                    None => {
                        self.check_ref(owner, "needs", m, Wants::DeviceOrService);
                    }
                }
            }
        }
    }

    fn check_services(&mut self) {
        for svc in &self.layout.services {
            self.check_allow(&svc.id, &svc.allow);
            self.check_needs(&svc.id, &svc.needs);
            for o in svc.observes.iter().flatten() {
                self.check_ref(&svc.id, "observes", o, Wants::CriticalService);
            }
        }
    }

    fn check_common_causes(&mut self) {
        let layout = self.layout;
        for cc in &layout.common_causes {
            let id = cc.id.as_str();
            self.check_allow(id, &cc.allow);
            if cc.members.is_empty() {
                self.push(
                    Code::BadValue,
                    format!("common cause \"{id}\" has no members"),
                    self.at_field(id, "members"),
                    "list the power elements, devices or PSUs that fail together".into(),
                );
            }
            for m in &cc.members {
                // PSUs (`device/psu`) are accepted too: one bad batch of
                // power supplies is a common cause.
                if self.is_psu(m) {
                    continue;
                }
                self.check_ref(id, "members", m, Wants::Member);
            }
        }
    }

    /// Power and needs must flow one way: name each circle once, starting
    /// at the element written first so the message is stable.
    fn check_cycles(&mut self) {
        for mut cycle in cycles::supply_cycles(self.layout) {
            let first = (0..cycle.len())
                .min_by_key(|&i| self.at_id(cycle[i]).map(|l| l.start).unwrap_or(u32::MAX))
                .unwrap_or(0);
            cycle.rotate_left(first);
            let head = cycle[0];
            let chain = cycle
                .iter()
                .chain(std::iter::once(&head))
                .copied()
                .collect::<Vec<_>>()
                .join(" -> ");
            self.push(
                Code::Cycle,
                format!("supply runs in a circle: {chain}"),
                self.at_id(head),
                "power and `needs` must flow one way; break one of these links".into(),
            );
        }
    }
}
