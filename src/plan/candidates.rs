//! Where a device can go: the racks with room and failover-safe
//! headroom for it (from the headroom engine), the other cordings of a
//! rack tried when the preferred one cannot take it, and the failure
//! domains (power paths) the spread over a service reads.

use rustc_hash::FxHashSet as HashSet;

use crate::engine::headroom::{self, RackHeadroom};
use crate::engine::{Analysis, NodeId};
use crate::model::format::Layout;

use super::Request;

/// A rack that can take the device, from the headroom engine.
pub(super) struct Candidate {
    pub(super) rack: usize,
    /// Feed of each PSU.
    pub(super) feeds: Vec<NodeId>,
    pub(super) headroom_w: f64,
    pub(super) limited_by: Option<NodeId>,
    /// Power elements on the base paths of its feeds, sorted.
    pub(super) domain: Vec<NodeId>,
}

/// Where the device could go, and why each other rack cannot.
pub(super) fn candidates(
    a: &Analysis,
    h: &[RackHeadroom],
    layout: &Layout,
    req: &Request,
) -> (Vec<Candidate>, Vec<(String, String)>) {
    let g = &a.graph;
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for r in h {
        let id = layout.racks[r.rack].id.clone();
        if headroom::free_slot(layout, r.rack, req.height_u).is_none() {
            refused.push((id, format!("no free block of {} U", req.height_u)));
            continue;
        }
        let (limit, feeds) = if req.psus >= 2 {
            match r.dual_corded {
                Some(l) => (l, (0..req.psus as usize).map(|i| r.feeds[i % 2]).collect()),
                None => {
                    refused.push((
                        id,
                        "one feed only: a device with spare PSUs needs two".to_string(),
                    ));
                    continue;
                }
            }
        } else {
            match (r.single_corded, r.single_feed) {
                (Some(l), Some(f)) => (l, vec![f]),
                _ => {
                    refused.push((id, "no feed".to_string()));
                    continue;
                }
            }
        };
        if limit.draw_w < req.draw_w {
            let by = limit
                .limited_by
                .map(|n| format!(", limited by {}", g.id(n)))
                .unwrap_or_default();
            refused.push((
                id,
                format!(
                    "{:.0} W of failover-safe headroom{by}",
                    limit.draw_w.max(0.0)
                ),
            ));
            continue;
        }
        let mut domain: Vec<NodeId> = r
            .feeds
            .iter()
            .flat_map(|&f| headroom::base_path(a, f))
            .collect();
        domain.sort_unstable();
        domain.dedup();
        out.push(Candidate {
            rack: r.rack,
            feeds,
            headroom_w: limit.draw_w,
            limited_by: limit.limited_by,
            domain,
        });
    }
    (out, refused)
}

/// The power elements on the paths of a service's current members.
pub(super) fn member_domains(a: &Analysis, members: &[String]) -> Vec<Vec<NodeId>> {
    let g = &a.graph;
    let mut out = Vec::new();
    for m in members {
        let Some(d) = g.node(m).filter(|&d| g.is_device(d)) else {
            continue;
        };
        let mut domain: Vec<NodeId> = g
            .psus_of_device(d)
            .filter_map(|p| g.inputs(p).first().copied())
            .flat_map(|f| headroom::base_path(a, f))
            .collect();
        domain.sort_unstable();
        domain.dedup();
        out.push(domain);
    }
    out
}

/// The racks holding any of `members`.
pub(super) fn member_racks(layout: &Layout, members: &[String]) -> HashSet<usize> {
    layout
        .racks
        .iter()
        .enumerate()
        .filter(|(_, r)| r.devices.iter().any(|d| members.contains(&d.id)))
        .map(|(i, _)| i)
        .collect()
}

/// The lowest free `u` for `height` in rack `r`, with `taken` (u, height)
/// blocks of this placement counted as used.
pub(super) fn slot(layout: &Layout, r: usize, height: u32, taken: &[(u32, u32)]) -> Option<u32> {
    let rack = &layout.racks[r];
    let blocks = rack
        .devices
        .iter()
        // A 0U device (height_u: 0) holds no unit.
        .filter(|d| d.height_u > 0)
        .map(|d| (d.u, d.height_u))
        .chain(taken.iter().copied());
    let blocks: Vec<(u32, u32)> = blocks.collect();
    (1..=rack.height_u.saturating_sub(height) + 1).find(|&u| {
        blocks
            .iter()
            .all(|&(bu, bh)| u + height <= bu || bu + bh <= u)
    })
}

/// Every cording of every rack with room other than the preferred one:
/// each other pair of its feeds (two PSUs or more), or each other feed
/// (one PSU), in rack and feed order. Their headroom is unknown (the
/// engine computes the preferred one's), so the exact check decides.
pub(super) fn other_cordings(
    a: &Analysis,
    h: &[RackHeadroom],
    layout: &Layout,
    req: &Request,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for r in h {
        if headroom::free_slot(layout, r.rack, req.height_u).is_none() {
            continue;
        }
        let feeds = headroom::rack_feeds(a, r.rack);
        let mut cordings: Vec<Vec<NodeId>> = Vec::new();
        if req.psus >= 2 {
            for i in 0..feeds.len() {
                for j in i + 1..feeds.len() {
                    let pair = [feeds[i], feeds[j]];
                    let preferred = r.feeds.len() == 2
                        && r.feeds.contains(&pair[0])
                        && r.feeds.contains(&pair[1]);
                    if !preferred {
                        cordings.push((0..req.psus as usize).map(|k| pair[k % 2]).collect());
                    }
                }
            }
        } else {
            for &f in &feeds {
                if Some(f) != r.single_feed {
                    cordings.push(vec![f]);
                }
            }
        }
        for feeds in cordings {
            let mut domain: Vec<NodeId> = feeds
                .iter()
                .flat_map(|&f| headroom::base_path(a, f))
                .collect();
            domain.sort_unstable();
            domain.dedup();
            out.push(Candidate {
                rack: r.rack,
                feeds,
                // Not estimated: NaN never fails the estimate's test.
                headroom_w: f64::NAN,
                limited_by: None,
                domain,
            });
        }
    }
    out
}
