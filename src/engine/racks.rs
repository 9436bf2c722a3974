//! Where things sit: each rack's device range and the rack PDUs placed in
//! it. Devices are numbered in rack order by the graph, so a rack's
//! devices are one node range and finding a device's rack is a search.

use super::graph::{Graph, NodeId};
use crate::model::format::{Layout, PowerElement};

/// One rack, for the elevation.
#[derive(Debug, Clone, PartialEq)]
pub struct RackInfo {
    pub id: String,
    pub row: Option<String>,
    pub height: u32,
    pub first_device: NodeId,
    pub len: u32,
    /// Rack PDUs placed in this rack (`rack:`), in file order: they get
    /// the letters A, B, C... in the elevation.
    pub pdus: Vec<NodeId>,
}

impl RackInfo {
    pub fn devices(&self) -> std::ops::Range<NodeId> {
        self.first_device..self.first_device + self.len
    }

    /// What the rack's devices draw, as the layout states it (watts).
    pub fn draw_w(&self, g: &Graph) -> f64 {
        self.devices().map(|d| g.draw_w(d)).sum()
    }

    /// The rack's power budget: after one side fails the other carries
    /// the whole rack, so it is the tightest continuous limit (capacity ×
    /// its `continuous_load_pct`) on any placed PDU's feed chain (the PDU
    /// and the elements above it while each has a single input, such as
    /// its breaker). `None` when nothing on those chains is rated.
    pub fn budget_w(&self, g: &Graph) -> Option<f64> {
        let limit = |n: NodeId| g.capacity_w(n) * g.continuous_load_pct(n) / 100.0;
        self.pdus
            .iter()
            .map(|&pdu| {
                let mut tightest = limit(pdu);
                let mut n = pdu;
                // A chain is no longer than the number of power elements.
                for _ in 0..g.power.len() {
                    match g.inputs(n) {
                        [only] if g.is_power(*only) => {
                            n = *only;
                            tightest = tightest.min(limit(n));
                        }
                        _ => break,
                    }
                }
                tightest
            })
            .filter(|w| w.is_finite())
            .reduce(f64::min)
    }

    /// The letter of a feed in this rack: A for its first PDU and so on.
    pub fn feed_letter(&self, feed: NodeId) -> Option<char> {
        let i = self.pdus.iter().position(|&p| p == feed)?;
        char::from_u32('A' as u32 + (i as u32 % 26))
    }
}

/// Every rack in file order, and the rack of each placed PDU.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RackIndex {
    pub racks: Vec<RackInfo>,
    /// For each power element (by `n - power.start`): its rack, if placed.
    pdu_rack: Vec<Option<u32>>,
}

impl RackIndex {
    pub fn build(layout: &Layout, g: &Graph) -> RackIndex {
        let mut racks = Vec::with_capacity(layout.racks.len());
        let mut next = g.devices.start;
        let mut by_id: rustc_hash::FxHashMap<&str, u32> = Default::default();
        for (i, r) in layout.racks.iter().enumerate() {
            by_id.insert(r.id.as_str(), i as u32);
            racks.push(RackInfo {
                id: r.id.clone(),
                row: r.row.clone(),
                height: r.height_u,
                first_device: next,
                len: r.devices.len() as u32,
                pdus: Vec::new(),
            });
            next += r.devices.len() as NodeId;
        }
        let mut pdu_rack = vec![None; g.power.len()];
        for (i, el) in layout.power.iter().enumerate() {
            if let PowerElement::Pdu {
                rack: Some(rack), ..
            } = el
            {
                if let Some(&r) = by_id.get(rack.as_str()) {
                    pdu_rack[i] = Some(r);
                    racks[r as usize].pdus.push(g.power.start + i as NodeId);
                }
            }
        }
        RackIndex { racks, pdu_rack }
    }

    /// The rack a device, PSU or placed PDU is in.
    pub fn rack_of(&self, g: &Graph, n: NodeId) -> Option<usize> {
        let d = if g.is_psu(n) { g.device_of_psu(n) } else { n };
        if g.is_device(d) {
            let i = self.racks.partition_point(|r| r.first_device <= d);
            return i.checked_sub(1);
        }
        if g.is_power(n) {
            return self.pdu_rack[(n - g.power.start) as usize].map(|r| r as usize);
        }
        None
    }

    /// The first rack below power element `n` (the rack of the first
    /// placed PDU or device it feeds, breadth first), for a view that
    /// follows a breaker to the rack it serves. Looks at a bounded number
    /// of nodes: a UPS of a large hall feeds thousands of racks, and any
    /// of them would do.
    pub fn rack_below(&self, g: &Graph, n: NodeId) -> Option<usize> {
        let mut queue = std::collections::VecDeque::from([n]);
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(x) = queue.pop_front() {
            if seen.len() > 4096 {
                break;
            }
            if !seen.insert(x) {
                continue;
            }
            if x != n {
                if let Some(r) = self.rack_of(g, x) {
                    return Some(r);
                }
            }
            if g.is_power(x) {
                queue.extend(g.consumers(x).iter().copied());
            }
        }
        None
    }

    /// A device's rack and its position in the rack's device list.
    pub fn slot_of(&self, g: &Graph, device: NodeId) -> Option<(usize, usize)> {
        if !g.is_device(device) {
            return None;
        }
        let r = self.rack_of(g, device)?;
        Some((r, (device - self.racks[r].first_device) as usize))
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.racks.iter().position(|r| r.id == id)
    }
}
