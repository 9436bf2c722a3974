//! `faultline place`: where C new devices of one kind fit, failover-safe.
//!
//! The rule (docs/semantics.md, "Placement"):
//!
//! 1. A rack is a candidate when it has a free block of the device's
//!    height and the failover-safe headroom (`headroom`'s
//!    `dual_corded_headroom_w` for two PSUs or more, on the rack's two
//!    most independent feeds; `single_corded_headroom_w` for one PSU) for
//!    one more device of the draw, less what this placement already put
//!    in it.
//! 2. Devices are chosen one at a time. Without a service: the rack with
//!    the most headroom left after the device, then a rack already used
//!    (fewer racks touched), then file order. With `--service S`: first a
//!    rack holding no member of S yet, then the fewest power elements
//!    shared with the members' paths (each shared element counted once
//!    per member through it), then the most headroom left, then file
//!    order: the members spread over failure domains.
//! 3. The layout with the devices is analysed from scratch and compared
//!    with the layout without them ([`super::verify`]): no element past
//!    its limit in the base state or after any single event where it was
//!    not, no finding new or worse, no new single event taking S down.
//!    A rack a problem points at is set aside and the choice is made
//!    again, until the placement holds or no candidate is left.

use rustc_hash::FxHashSet as HashSet;

use crate::engine::headroom;
use crate::engine::{Analysis, Graph, NodeId};
use crate::findings::Finding;
use crate::model::format::{Device, Layout, Need, Psu};
use crate::model::{self, Loaded};

pub use super::Request;
use super::candidates::{
    Candidate, candidates, member_domains, member_racks, other_cordings, slot,
};
use super::insert;
use super::verify::{self, Problem};

/// One new device where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub id: String,
    pub rack: String,
    pub row: Option<String>,
    pub u: u32,
    /// The feed (PDU, breaker...) of each PSU, in PSU order.
    pub feeds: Vec<String>,
    /// The rack's failover-safe headroom before this placement, and
    /// what limits it.
    pub rack_headroom_w: f64,
    pub limited_by: Option<String>,
    /// What is left in the rack after this placement's devices in it.
    pub left_w: f64,
}

/// How the service changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceChange {
    pub id: String,
    /// The `needs` entry before and after, as the file writes it.
    pub entry_before: String,
    pub entry_after: String,
    /// Single events and pairs that take it down, before and after.
    pub singles_before: Vec<String>,
    pub singles_after: Vec<String>,
    pub doubles_before: Vec<String>,
    pub doubles_after: Vec<String>,
}

/// A placement that holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub devices: Vec<Placed>,
    pub service: Option<ServiceChange>,
    /// Findings the devices raise wherever they go (`single-psu` when
    /// every PSU is needed).
    pub inherent: Vec<Finding>,
    /// Goals met only in part, each with why.
    pub not_achieved: Vec<String>,
    /// Racks set aside by the exact check, with why.
    pub set_aside: Vec<(String, String)>,
    /// The layout with the devices added, and as `--apply` writes it
    /// (the one RON writer's text, read back and checked).
    pub layout: Layout,
    pub text: String,
}

/// Why nothing was proposed.
#[derive(Debug, Clone, PartialEq)]
pub struct NothingFits {
    pub placed_at_most: u32,
    /// Per rack, why it cannot take the device (racks the exact check set
    /// aside included).
    pub racks: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Placed(Box<Proposal>),
    NothingFits(NothingFits),
}

/// A request or service that cannot be answered: one message each.
pub type Refusal = Vec<String>;

/// The most re-choices after the exact check: each sets at least one rack
/// aside, so this bounds the work on a hall where little fits.
const MAX_ROUNDS: usize = 12;

/// Check the request against the layout before any work.
fn validate(layout: &Layout, req: &Request) -> Result<(), Refusal> {
    let mut errors = Vec::new();
    if !(req.draw_w.is_finite() && req.draw_w > 0.0 && req.draw_w <= 1e9) {
        errors.push(format!(
            "--draw {}: a draw is a number of watts above 0 and at most 1e9",
            req.draw_w
        ));
    }
    if req.psus == 0 || req.psus > 16 {
        errors.push(format!("--psus {}: between 1 and 16", req.psus));
    }
    if req.psus_needed == 0 || req.psus_needed > req.psus {
        errors.push(format!(
            "--psus-needed {}: between 1 and --psus ({})",
            req.psus_needed, req.psus
        ));
    }
    if req.height_u == 0 || req.height_u > 100 {
        errors.push(format!("--height {}: between 1 and 100", req.height_u));
    }
    if req.count == 0 || req.count > 10_000 {
        errors.push(format!("--count {}: between 1 and 10000", req.count));
    }
    if let Some(s) = &req.service {
        match layout.services.iter().find(|x| &x.id == s) {
            None => {
                let hint =
                    crate::suggest::closest(s, layout.services.iter().map(|x| x.id.as_str()))
                        .map(|c| format!("; did you mean \"{c}\"?"))
                        .unwrap_or_default();
                errors.push(format!("--service {s}: no service has this id{hint}"));
            }
            Some(svc) if entry_to_extend(&svc.needs).is_none() => errors.push(format!(
                "--service {s}: it needs only All(...) entries, so a new device would be one more thing it cannot do without; give it an Any or AtLeast entry for its members"
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The `needs` entry new members join: the first `AtLeast`, else the
/// first `Any` (an `All` would make each new device required).
fn entry_to_extend(needs: &[Need]) -> Option<usize> {
    needs
        .iter()
        .position(|n| matches!(n, Need::AtLeast(..)))
        .or_else(|| needs.iter().position(|n| matches!(n, Need::Any(_))))
}

/// A candidate's rank, lower first field by field: rack already holding
/// a member, shared path elements, minus the headroom left, rack not yet
/// touched, file order.
type RankKey = (u32, u32, f64, bool, usize);

/// One choice of racks for every device: (candidate index, u) each.
fn choose(
    layout: &Layout,
    cands: &[Candidate],
    aside: &HashSet<usize>,
    req: &Request,
    members: (&HashSet<usize>, &[Vec<NodeId>]),
) -> Vec<(usize, u32)> {
    let (holding, member_paths) = members;
    let spread = req.service.is_some();
    let mut in_rack: Vec<Vec<(u32, u32)>> = vec![Vec::new(); cands.len()];
    // How many members (old and new) run through each element, for the
    // spread: elements in member paths.
    let mut uses: rustc_hash::FxHashMap<NodeId, u32> = Default::default();
    for path in member_paths {
        for &n in path {
            *uses.entry(n).or_default() += 1;
        }
    }
    let mut chosen = Vec::new();
    for _ in 0..req.count {
        let mut best: Option<(usize, u32, RankKey)> = None;
        for (i, c) in cands.iter().enumerate() {
            if aside.contains(&c.rack) {
                continue;
            }
            let here = in_rack[i].len() as f64;
            let left = c.headroom_w - req.draw_w * (here + 1.0);
            if left < -1e-9 {
                continue;
            }
            let Some(u) = slot(layout, c.rack, req.height_u, &in_rack[i]) else {
                continue;
            };
            let occupied = u32::from(holding.contains(&c.rack) || !in_rack[i].is_empty());
            let shared: u32 = c
                .domain
                .iter()
                .map(|n| uses.get(n).copied().unwrap_or(0))
                .sum();
            let touched = !in_rack[i].is_empty();
            // Lower is better, field by field.
            let key = if spread {
                (occupied, shared, -left, false, i)
            } else {
                (0, 0, -left, !touched, i)
            };
            let better = match &best {
                None => true,
                Some((_, _, k)) => (key.0, key.1)
                    .cmp(&(k.0, k.1))
                    .then(key.2.total_cmp(&k.2))
                    .then(key.3.cmp(&k.3))
                    .then(key.4.cmp(&k.4))
                    .is_lt(),
            };
            if better {
                best = Some((i, u, key));
            }
        }
        let Some((i, u, _)) = best else {
            return chosen;
        };
        in_rack[i].push((u, req.height_u));
        for &n in &cands[i].domain {
            *uses.entry(n).or_default() += 1;
        }
        chosen.push((i, u));
    }
    chosen
}

/// New device ids: `PREFIX-N` with the first free numbers, the prefix
/// the service's id (or `new`).
fn new_ids(layout: &Layout, prefix: &str, count: u32) -> Vec<String> {
    let mut used: HashSet<&str> = HashSet::default();
    for e in &layout.power {
        used.insert(e.id());
    }
    for r in &layout.racks {
        used.insert(&r.id);
        for d in &r.devices {
            used.insert(&d.id);
        }
    }
    for s in &layout.services {
        used.insert(&s.id);
    }
    for c in &layout.common_causes {
        used.insert(&c.id);
    }
    let mut out = Vec::new();
    let mut k = 1;
    while out.len() < count as usize {
        let id = format!("{prefix}-{k}");
        if !used.contains(id.as_str()) {
            out.push(id);
        }
        k += 1;
    }
    out
}

/// The layout with the chosen devices added (at the end of each rack's
/// list) and, with a service, their ids added to its entry.
fn applied(
    layout: &Layout,
    g: &Graph,
    cands: &[Candidate],
    chosen: &[(usize, u32)],
    ids: &[String],
    req: &Request,
) -> Layout {
    let mut l = layout.clone();
    for (&(i, u), id) in chosen.iter().zip(ids) {
        let c = &cands[i];
        l.racks[c.rack].devices.push(Device {
            id: id.clone(),
            kind: req.kind,
            u,
            height_u: req.height_u,
            draw_w: req.draw_w,
            psus: c
                .feeds
                .iter()
                .map(|&f| Psu {
                    feed: g.id(f).to_string(),
                    name: None,
                    phase: None,
                })
                .collect(),
            psus_needed: req.psus_needed,
            needs: Vec::new(),
            roles: Vec::new(),
            allow: Vec::new(),
            // Full depth on the front: it takes its units on both faces,
            // so it never needs a half-depth partner's consent.
            face: None,
            full_depth: true,
        });
    }
    if let Some(s) = &req.service {
        if let Some(svc) = l.services.iter_mut().find(|x| &x.id == s) {
            if let Some(k) = entry_to_extend(&svc.needs) {
                match &mut svc.needs[k] {
                    Need::AtLeast(_, list) | Need::Any(list) | Need::All(list) => {
                        list.extend(ids[..chosen.len()].iter().cloned())
                    }
                }
            }
        }
    }
    l
}

/// The entry as the file writes it.
fn entry_text(n: &Need) -> String {
    let list = |l: &[String]| {
        l.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match n {
        Need::All(l) => format!("All([{}])", list(l)),
        Need::Any(l) => format!("Any([{}])", list(l)),
        Need::AtLeast(k, l) => format!("AtLeast({k}, [{}])", list(l)),
    }
}

/// Load a layout as the file `--apply` writes, read back and validated,
/// so what is judged is what is written: the original text with the new
/// devices and the service change inserted (comments and order kept),
/// else, when that edit cannot be made or does not read back to `layout`,
/// the layout through the one RON writer.
pub fn reload(original: &Loaded, layout: &Layout) -> Result<(String, Loaded), Refusal> {
    let name = &original.source.name;
    // A JSON input (from `export`) is written as RON by the writer below.
    let edit = if name.ends_with(".json") {
        None
    } else {
        insert::insert(original, layout)
    };
    if let Some(text) = edit {
        if let Ok(loaded) = model::load_str(name, text.clone()) {
            if loaded.layout == *layout {
                return Ok((text, loaded));
            }
        }
    }
    let text = model::write_ron(layout);
    // The text is RON whatever the input was: a `.json` name would have
    // it read as JSON.
    let name = match name.strip_suffix(".json") {
        Some(stem) => format!("{stem}.ron"),
        None => name.to_string(),
    };
    let name = name.as_str();
    let loaded = model::load_str(name, text.clone()).map_err(|e| {
        vec![format!(
            "the layout with the new devices does not load back: {}",
            e.render(false)
        )]
    })?;
    if loaded.layout != *layout {
        return Err(vec![
            "the layout holds data the RON writer does not write back, so the devices cannot be added without losing it".to_string(),
        ]);
    }
    Ok((text, loaded))
}

/// Rank where `req.count` devices fit in `loaded`, with `out` (ids,
/// already checked to exist) out of service.
pub fn place(loaded: &Loaded, out: &[String], req: &Request) -> Result<Answer, Refusal> {
    let layout = &loaded.layout;
    validate(layout, req)?;
    let service = req.service.as_deref();
    let (mut before, h) = verify::judge_beside(loaded, out, service, false, |a| {
        headroom::headroom(a, layout)
    });
    // Headroom holds every rated element's failover load already.
    before.loads = h
        .elements
        .iter()
        .map(|e| {
            let id = before.analysis.graph.id(e.node).to_string();
            (id, (e.limit_w, e.load_w, e.failover_load_w))
        })
        .collect();
    let a = &before.analysis;
    let (cands, mut refused) = candidates(a, &h.racks, layout, req);
    let members: Vec<String> = service
        .and_then(|s| layout.services.iter().find(|x| x.id == s))
        .and_then(|svc| entry_to_extend(&svc.needs).map(|k| &svc.needs[k]))
        .map(|n| match n {
            Need::All(l) | Need::Any(l) | Need::AtLeast(_, l) => l.clone(),
        })
        .unwrap_or_default();
    let holding = member_racks(layout, &members);
    let member_paths = member_domains(a, &members);
    let ids = new_ids(layout, service.unwrap_or("new"), req.count);
    let mut aside: HashSet<usize> = HashSet::default();
    let mut set_aside: Vec<(String, String)> = Vec::new();
    let mut most = 0;
    let ctx = Attempt {
        loaded,
        out,
        req,
        ids: &ids,
        before: &before,
    };
    for _ in 0..MAX_ROUNDS {
        let chosen = choose(layout, &cands, &aside, req, (&holding, &member_paths));
        most = most.max(chosen.len() as u32);
        if chosen.len() < req.count as usize {
            break;
        }
        match ctx.attempt(&cands, &chosen, &set_aside)? {
            Ok(p) => return Ok(Answer::Placed(p)),
            Err(problems) => {
                for (rack, why) in blame(a, &cands, &chosen, &ids, &problems) {
                    if aside.insert(rack) {
                        set_aside.push((layout.racks[rack].id.clone(), why));
                    }
                }
            }
        }
    }
    // The racks' other feeds: when the two most independent cannot take
    // the devices, another pair (or another single feed) may. Each is
    // checked exactly, so only a few are tried.
    let others = other_cordings(a, &h.racks, layout, req);
    for alt in others.into_iter().take(FALLBACK_TRIES) {
        let one = [alt];
        let chosen = choose(
            layout,
            &one,
            &HashSet::default(),
            req,
            (&holding, &member_paths),
        );
        if chosen.len() < req.count as usize {
            continue;
        }
        if let Ok(p) = ctx.attempt(&one, &chosen, &set_aside)? {
            return Ok(Answer::Placed(p));
        }
    }
    refused.extend(set_aside);
    refused.sort();
    Ok(Answer::NothingFits(NothingFits {
        placed_at_most: most.min(req.count.saturating_sub(1)),
        racks: refused,
    }))
}

/// How many other cordings are checked exactly when the preferred ones
/// fail: enough for every pair of a small hall's racks, bounded for a
/// large one (where the preferred feeds are the answer or nothing is).
const FALLBACK_TRIES: usize = 64;

/// What every exact check of a choice reads.
struct Attempt<'a> {
    loaded: &'a Loaded,
    out: &'a [String],
    req: &'a Request,
    ids: &'a [String],
    before: &'a verify::Judged,
}

impl Attempt<'_> {
    /// Apply `chosen` and check it exactly: the proposal, or what it
    /// makes worse.
    fn attempt(
        &self,
        cands: &[Candidate],
        chosen: &[(usize, u32)],
        set_aside: &[(String, String)],
    ) -> Result<Result<Box<Proposal>, Vec<Problem>>, Refusal> {
        let layout = &self.loaded.layout;
        let a = &self.before.analysis;
        let with = applied(layout, &a.graph, cands, chosen, self.ids, self.req);
        let (text, reloaded) = reload(self.loaded, &with)?;
        let after = verify::judge(&reloaded, self.out, self.req.service.as_deref(), true);
        let mut inherent = Vec::new();
        let exposed = self.req.psus_needed >= self.req.psus || !self.out.is_empty();
        let problems = verify::problems(self.before, &after, self.ids, exposed, &mut inherent);
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let mut p = proposal(
            layout,
            a,
            cands,
            chosen,
            self.ids,
            self.req,
            self.before,
            &after,
            with,
            inherent,
            set_aside.to_vec(),
        );
        p.text = text;
        // A hall's analyses are large and the answer is out: freeing
        // them is work nobody waits for (as `check` skips it).
        std::mem::forget((after, reloaded));
        Ok(Ok(Box::new(p)))
    }
}

/// The racks to set aside for `problems`: those holding a new device a
/// problem names, else the chosen rack with the least headroom whose
/// paths run through an element it names, else the last rack chosen.
fn blame(
    a: &Analysis,
    cands: &[Candidate],
    chosen: &[(usize, u32)],
    ids: &[String],
    problems: &[Problem],
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for p in problems {
        let by_device = chosen
            .iter()
            .zip(ids)
            .filter(|(_, id)| p.devices.contains(id))
            .map(|(&(i, _), _)| cands[i].rack);
        let mut racks: Vec<usize> = by_device.collect();
        if racks.is_empty() {
            let through = chosen
                .iter()
                .map(|&(i, _)| &cands[i])
                .filter(|c| {
                    p.elements
                        .iter()
                        .filter_map(|e| a.graph.node(e))
                        .any(|n| c.domain.binary_search(&n).is_ok())
                })
                .min_by(|x, y| x.headroom_w.total_cmp(&y.headroom_w));
            racks.extend(through.map(|c| c.rack));
        }
        for r in racks {
            out.push((r, p.message.clone()));
        }
    }
    if out.is_empty() {
        if let (Some(&(i, _)), Some(p)) = (chosen.last(), problems.first()) {
            out.push((cands[i].rack, p.message.clone()));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn proposal(
    layout: &Layout,
    a: &Analysis,
    cands: &[Candidate],
    chosen: &[(usize, u32)],
    ids: &[String],
    req: &Request,
    before: &verify::Judged,
    after: &verify::Judged,
    with: Layout,
    inherent: Vec<Finding>,
    set_aside: Vec<(String, String)>,
) -> Proposal {
    let g = &a.graph;
    let mut per_rack: rustc_hash::FxHashMap<usize, u32> = Default::default();
    let devices = chosen
        .iter()
        .zip(ids)
        .map(|(&(i, u), id)| {
            let c = &cands[i];
            let n = per_rack.entry(i).or_default();
            *n += 1;
            let rack = &layout.racks[c.rack];
            Placed {
                id: id.clone(),
                rack: rack.id.clone(),
                row: rack.row.clone(),
                u,
                feeds: c.feeds.iter().map(|&f| g.id(f).to_string()).collect(),
                rack_headroom_w: c.headroom_w,
                limited_by: c.limited_by.map(|n| g.id(n).to_string()),
                left_w: c.headroom_w - req.draw_w * f64::from(*n),
            }
        })
        .collect();
    let mut not_achieved = Vec::new();
    let service = req.service.as_ref().map(|s| {
        let find = |l: &Layout| {
            l.services
                .iter()
                .find(|x| &x.id == s)
                .and_then(|svc| entry_to_extend(&svc.needs).map(|k| entry_text(&svc.needs[k])))
                .unwrap_or_default()
        };
        if !after.singles.is_empty() {
            not_achieved.push(format!(
                "no single point of failure for {s}: it already had {} ({}), which new members cannot remove",
                after.singles.len(),
                after.singles.join(", ")
            ));
        }
        if !after.doubles.is_empty() {
            not_achieved.push(format!(
                "no double fault for {s}: {} pair{} of events still take{} it down ({} before), e.g. {}{}",
                after.doubles.len(),
                if after.doubles.len() == 1 { "" } else { "s" },
                if after.doubles.len() == 1 { "s" } else { "" },
                before.doubles.len(),
                after.doubles[0],
                why_pairs(a, cands, &after.doubles)
            ));
        }
        ServiceChange {
            id: s.clone(),
            entry_before: find(layout),
            entry_after: find(&with),
            singles_before: before.singles.clone(),
            singles_after: after.singles.clone(),
            doubles_before: before.doubles.clone(),
            doubles_after: after.doubles.clone(),
        }
    });
    Proposal {
        devices,
        service,
        inherent,
        not_achieved,
        set_aside,
        layout: with,
        text: String::new(),
    }
}

/// Why pairs remain: the elements every candidate rack hangs from (no
/// placement can avoid them), when a remaining pair is two of those.
fn why_pairs(a: &Analysis, cands: &[Candidate], doubles: &[String]) -> String {
    let g = &a.graph;
    let Some(first) = cands.first() else {
        return String::new();
    };
    let common: Vec<&str> = first
        .domain
        .iter()
        .filter(|n| cands.iter().all(|c| c.domain.binary_search(n).is_ok()))
        .map(|&n| g.id(n))
        .collect();
    let unavoidable = doubles.iter().find(|pair| {
        pair.split(" + ").all(|ev| {
            ev.strip_prefix("fail ")
                .is_some_and(|id| common.contains(&id))
        })
    });
    match unavoidable {
        Some(pair) => format!(
            "; every rack with room hangs from {}, so no placement avoids {pair}",
            common.join(", ")
        ),
        None => String::new(),
    }
}
