//! The dependency graph, compiled from a validated layout into flat arrays.
//!
//! Every node is a k-of-n gate over its inputs (analysis.md, "The graph"):
//! a source has k = 0, a breaker k = 1 of its one input, an ATS k = 1 of its
//! inputs, a device k = all of [its PSU group, each `needs` entry]. A `needs`
//! entry that is not a plain `All` becomes a hidden gate node owned by the
//! device or service, so every node keeps the one rule
//! `live = !failed && live inputs >= k`.
//!
//! Nodes are numbered by kind: power elements, then PSUs, devices, services
//! and hidden gates, each in file order. Edges are stored twice in CSR form
//! (inputs and consumers) so propagation in either direction is a slice.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

// `NodeId` is defined with the id table, the layer below the graph, and
// re-exported here where every user of the graph looks for it.
pub use super::ids::NodeId;
use super::ids::{IdTable, Names};

use crate::model::format::{Layout, Need, PowerElement, PowerKind, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Power(PowerKind),
    Psu,
    Device,
    Service,
    /// A hidden k-of-n gate for one `needs` entry or a PSU group.
    Gate,
}

/// Role flags, one bit per [`Role`].
pub type RoleSet = u8;

pub fn role_bit(role: Role) -> RoleSet {
    match role {
        Role::Management => 1,
        Role::Monitoring => 2,
        Role::StatusPage => 4,
        Role::Backup => 8,
    }
}

#[derive(Debug, Clone)]
pub struct CommonGroup {
    pub id: String,
    pub members: Vec<NodeId>,
}

#[derive(Debug, Clone)]
pub struct Graph {
    ids: Names,
    kinds: Vec<NodeKind>,
    thresholds: Vec<u32>,
    /// For a hidden gate, the device or service it belongs to; else itself.
    owners: Vec<NodeId>,
    in_start: Vec<u32>,
    in_list: Vec<NodeId>,
    out_start: Vec<u32>,
    out_list: Vec<NodeId>,
    topo: Vec<NodeId>,
    index: IdTable,
    pub power: Range<NodeId>,
    pub psus: Range<NodeId>,
    pub devices: Range<NodeId>,
    pub services: Range<NodeId>,
    /// For each PSU (by `psu - psus.start`): its device.
    psu_device: Vec<NodeId>,
    /// For each device: how many PSUs it has and needs.
    device_psus: Vec<(u32, u32)>,
    /// For each device: its PSU node range.
    device_psu_range: Vec<Range<NodeId>>,
    critical: Vec<bool>,
    roles: Vec<RoleSet>,
    /// For a role service: the critical services it observes (None: all).
    observes: HashMap<NodeId, Vec<NodeId>>,
    outlet_breakers: Vec<bool>,
    protective: Vec<bool>,
    pub common: Vec<CommonGroup>,
    /// Position of each node in `topo`: inputs rank below consumers.
    rank: Vec<u32>,
    /// Electrical data of each power element (indexed by node).
    specs: Vec<PowerSpec>,
    /// Each device's draw in watts (by `device - devices.start`).
    draw_w: Vec<f64>,
    /// Each PSU's phase (1-3), 0 when not given.
    psu_phase: Vec<u8>,
}

/// What the load and capacity analysis needs to know of a power element,
/// with volts and phases already inherited (layout-format.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerSpec {
    /// Watts; infinite when the element has no rating.
    pub capacity_w: f64,
    pub volts: f64,
    pub phases: u8,
    /// ATS transfer time; 0 for everything else (an STS transfers without
    /// a gap).
    pub transfer_s: f64,
    /// Generator start time; 0 for everything else.
    pub start_s: f64,
    /// UPS battery runtime at full rated load, minutes; 0 otherwise.
    pub runtime_min: f64,
    /// The continuous-load limit, percent of capacity: the element's own
    /// (`continuous_load_pct`) or the policy's.
    pub continuous_load_pct: f64,
}

struct Builder {
    ids: Names,
    kinds: Vec<NodeKind>,
    thresholds: Vec<u32>,
    owners: Vec<NodeId>,
    inputs: Vec<Vec<NodeId>>,
}

impl Builder {
    fn add(&mut self, id: &str, kind: NodeKind, owner: Option<NodeId>) -> NodeId {
        let n = self.ids.len() as NodeId;
        self.ids.push(id);
        self.kinds.push(kind);
        self.thresholds.push(0);
        self.owners.push(owner.unwrap_or(n));
        self.inputs.push(Vec::new());
        n
    }
}

impl Graph {
    /// Compile a layout that passed validation. Panics only on layouts that
    /// validation rejects (unknown references, cycles).
    pub fn build(layout: &Layout) -> Graph {
        let mut b = Builder {
            ids: Names::new(),
            kinds: Vec::new(),
            thresholds: Vec::new(),
            owners: Vec::new(),
            inputs: Vec::new(),
        };
        for el in &layout.power {
            b.add(el.id(), NodeKind::Power(el.kind()), None);
        }
        let power = 0..b.ids.len() as NodeId;

        let devices_in_order: Vec<_> = layout.racks.iter().flat_map(|r| r.devices.iter()).collect();
        let mut device_psu_range = Vec::with_capacity(devices_in_order.len());
        let mut psu_device_pos = Vec::new();
        for (d, dev) in devices_in_order.iter().enumerate() {
            let start = b.ids.len() as NodeId;
            for i in 0..dev.psus.len() {
                let id = format!("{}/{}", dev.id, dev.psu_name(i));
                b.add(&id, NodeKind::Psu, None);
                psu_device_pos.push(d);
            }
            device_psu_range.push(start..b.ids.len() as NodeId);
        }
        let psus = power.end..b.ids.len() as NodeId;

        for dev in &devices_in_order {
            b.add(&dev.id, NodeKind::Device, None);
        }
        let devices = psus.end..b.ids.len() as NodeId;
        let psu_device = psu_device_pos
            .iter()
            .map(|&d| devices.start + d as NodeId)
            .collect();

        for svc in &layout.services {
            b.add(&svc.id, NodeKind::Service, None);
        }
        let services = devices.end..b.ids.len() as NodeId;
        // Every visible node is named by now; hidden gates come later and
        // stay out of the table.
        let index = IdTable::new(&b.ids, services.end as usize);
        let node_of = |b: &Builder, id: &str| {
            index
                .get(&b.ids, id)
                .expect("validation resolved every reference")
        };

        // Power inputs, in priority order.
        for (i, el) in layout.power.iter().enumerate() {
            b.inputs[i] = el.inputs().iter().map(|(_, id)| node_of(&b, id)).collect();
            b.thresholds[i] = u32::from(!el.kind().is_source());
        }
        for (d, dev) in devices_in_order.iter().enumerate() {
            let range = device_psu_range[d].clone();
            for (p, psu) in range.clone().zip(&dev.psus) {
                b.inputs[p as usize] = vec![node_of(&b, &psu.feed)];
                b.thresholds[p as usize] = 1;
            }
            let node = devices.start + d as NodeId;
            let psu_nodes: Vec<NodeId> = range.collect();
            if dev.needs.is_empty() {
                b.thresholds[node as usize] = dev.psus_needed;
                b.inputs[node as usize] = psu_nodes;
            } else {
                let mut ins = Vec::new();
                if dev.psus_needed as usize == psu_nodes.len() {
                    ins.extend(psu_nodes);
                } else {
                    let g = b.add(&format!("{}#psus", dev.id), NodeKind::Gate, Some(node));
                    b.thresholds[g as usize] = dev.psus_needed;
                    b.inputs[g as usize] = psu_nodes;
                    ins.push(g);
                }
                add_needs(&mut b, &node_of, node, &dev.id, &dev.needs, ins);
            }
        }
        for (s, svc) in layout.services.iter().enumerate() {
            let node = services.start + s as NodeId;
            add_needs(&mut b, &node_of, node, &svc.id, &svc.needs, Vec::new());
        }

        let n = b.ids.len();
        let (in_start, in_list) = to_csr(&b.inputs);
        let mut consumers: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        for (v, ins) in b.inputs.iter().enumerate() {
            for &u in ins {
                consumers[u as usize].push(v as NodeId);
            }
        }
        let (out_start, out_list) = to_csr(&consumers);
        drop(consumers);
        let topo = topological_order(n, &in_start, &out_start, &out_list);

        let mut critical = vec![false; n];
        let mut roles = vec![0; n];
        let mut observes = HashMap::default();
        for (s, svc) in layout.services.iter().enumerate() {
            let node = (services.start as usize) + s;
            critical[node] = svc.critical;
            if let Some(role) = svc.role {
                roles[node] = role_bit(role);
                if let Some(list) = &svc.observes {
                    observes.insert(
                        node as NodeId,
                        list.iter().map(|id| node_of(&b, id)).collect(),
                    );
                }
            }
        }
        for (d, dev) in devices_in_order.iter().enumerate() {
            roles[devices.start as usize + d] =
                dev.roles.iter().fold(0, |acc, r| acc | role_bit(*r));
        }
        let device_psus = devices_in_order
            .iter()
            .map(|d| (d.psus.len() as u32, d.psus_needed))
            .collect();
        let mut outlet_breakers = vec![false; power.end as usize];
        let mut protective = vec![false; power.end as usize];
        for (i, el) in layout.power.iter().enumerate() {
            outlet_breakers[i] = el.has_outlet_breakers();
            protective[i] = el.is_protective();
        }
        let mut rank = vec![0u32; n];
        for (i, &v) in topo.iter().enumerate() {
            rank[v as usize] = i as u32;
        }
        let specs = power_specs(layout, &topo, power.end as usize, &b.inputs);
        let draw_w = devices_in_order.iter().map(|d| d.draw_w).collect();
        let psu_phase = devices_in_order
            .iter()
            .flat_map(|d| d.psus.iter().map(|p| p.phase.unwrap_or(0).min(3) as u8))
            .collect();
        let common = layout
            .common_causes
            .iter()
            .map(|c| CommonGroup {
                id: c.id.clone(),
                members: c.members.iter().map(|m| node_of(&b, m)).collect(),
            })
            .collect();

        Graph {
            ids: b.ids,
            kinds: b.kinds,
            thresholds: b.thresholds,
            owners: b.owners,
            in_start,
            in_list,
            out_start,
            out_list,
            topo,
            index,
            power,
            psus,
            devices,
            services,
            psu_device,
            device_psus,
            device_psu_range,
            critical,
            roles,
            observes,
            outlet_breakers,
            protective,
            common,
            rank,
            specs,
            draw_w,
            psu_phase,
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    pub fn id(&self, n: NodeId) -> &str {
        self.ids.get(n)
    }
    pub fn kind(&self, n: NodeId) -> NodeKind {
        self.kinds[n as usize]
    }
    pub fn threshold(&self, n: NodeId) -> u32 {
        self.thresholds[n as usize]
    }
    pub fn owner(&self, n: NodeId) -> NodeId {
        self.owners[n as usize]
    }
    pub fn inputs(&self, n: NodeId) -> &[NodeId] {
        &self.in_list[self.in_start[n as usize] as usize..self.in_start[n as usize + 1] as usize]
    }
    pub fn consumers(&self, n: NodeId) -> &[NodeId] {
        &self.out_list[self.out_start[n as usize] as usize..self.out_start[n as usize + 1] as usize]
    }
    /// Nodes in an order where every node comes after all its inputs.
    pub fn topo_order(&self) -> &[NodeId] {
        &self.topo
    }
    /// The node with a visible id (power element, `device/psu`, device or
    /// service).
    pub fn node(&self, id: &str) -> Option<NodeId> {
        self.index.get(&self.ids, id)
    }
    pub fn visible_ids(&self) -> impl Iterator<Item = &str> {
        (0..self.services.end).map(|n| self.ids.get(n))
    }
    pub fn is_visible(&self, n: NodeId) -> bool {
        n < self.services.end
    }
    pub fn is_power(&self, n: NodeId) -> bool {
        self.power.contains(&n)
    }
    pub fn is_psu(&self, n: NodeId) -> bool {
        self.psus.contains(&n)
    }
    pub fn is_device(&self, n: NodeId) -> bool {
        self.devices.contains(&n)
    }
    pub fn is_service(&self, n: NodeId) -> bool {
        self.services.contains(&n)
    }
    pub fn power_kind(&self, n: NodeId) -> Option<PowerKind> {
        match self.kind(n) {
            NodeKind::Power(k) => Some(k),
            _ => None,
        }
    }
    pub fn device_of_psu(&self, psu: NodeId) -> NodeId {
        self.psu_device[(psu - self.psus.start) as usize]
    }
    pub fn psus_of_device(&self, device: NodeId) -> Range<NodeId> {
        self.device_psu_range[(device - self.devices.start) as usize].clone()
    }
    /// A device has a spare PSU when it has more than it needs.
    pub fn has_spare_psu(&self, device: NodeId) -> bool {
        let (have, need) = self.device_psus[(device - self.devices.start) as usize];
        have > need
    }
    pub fn psus_needed(&self, device: NodeId) -> u32 {
        self.device_psus[(device - self.devices.start) as usize].1
    }
    pub fn is_critical(&self, n: NodeId) -> bool {
        self.critical[n as usize]
    }
    pub fn roles(&self, n: NodeId) -> RoleSet {
        self.roles[n as usize]
    }
    /// Whether role holder `holder` observes critical service `service`: a
    /// role device observes every critical service; a role service those in
    /// its `observes` list, or all when it has none.
    /// Whether role holder `holder` is meant to see critical `service`.
    /// A holder never observes itself: a critical status page going down
    /// is a `spof`, not shared fate with itself.
    pub fn observes(&self, holder: NodeId, service: NodeId) -> bool {
        if holder == service || self.roles(holder) == 0 || !self.is_critical(service) {
            return false;
        }
        match self.observes.get(&holder) {
            Some(list) => list.contains(&service),
            None => true,
        }
    }
    pub fn has_outlet_breakers(&self, n: NodeId) -> bool {
        self.is_power(n) && self.outlet_breakers[n as usize]
    }
    pub fn is_protective(&self, n: NodeId) -> bool {
        self.is_power(n) && self.protective[n as usize]
    }
    pub fn critical_services(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.services.clone().filter(|&s| self.is_critical(s))
    }
    pub fn rank(&self, n: NodeId) -> u32 {
        self.rank[n as usize]
    }
    /// Electrical data of a power element.
    pub fn spec(&self, n: NodeId) -> &PowerSpec {
        &self.specs[n as usize]
    }
    /// The continuous-load limit of a power element in percent of its
    /// capacity (its own, else the policy's).
    pub fn continuous_load_pct(&self, n: NodeId) -> f64 {
        self.specs[n as usize].continuous_load_pct
    }
    pub fn capacity_w(&self, n: NodeId) -> f64 {
        if self.is_power(n) {
            self.specs[n as usize].capacity_w
        } else {
            f64::INFINITY
        }
    }
    pub fn draw_w(&self, device: NodeId) -> f64 {
        self.draw_w[(device - self.devices.start) as usize]
    }
    /// The leg (1-3) a PSU is on, when it says.
    pub fn psu_phase(&self, psu: NodeId) -> Option<u8> {
        match self.psu_phase[(psu - self.psus.start) as usize] {
            0 => None,
            p => Some(p),
        }
    }
    /// Every node the targets depend on, the targets included.
    pub fn cone_above(&self, targets: &[NodeId]) -> Vec<bool> {
        let mut inside = vec![false; self.len()];
        let mut stack: Vec<NodeId> = targets.to_vec();
        while let Some(n) = stack.pop() {
            if !inside[n as usize] {
                inside[n as usize] = true;
                stack.extend_from_slice(self.inputs(n));
            }
        }
        inside
    }

    /// The cone above `targets` in depth-first post-order: every node after
    /// its inputs, and each node as soon after its inputs as the walk
    /// allows. Consumers that read their inputs' results and then drop
    /// them (cut sets) keep few alive at once this way, where rank order
    /// would finish every device before the first service.
    pub fn cone_post_order(&self, targets: &[NodeId]) -> Vec<NodeId> {
        let mut seen = vec![false; self.len()];
        let mut order = Vec::new();
        // (node, how many of its inputs have been walked)
        let mut stack: Vec<(NodeId, u32)> = Vec::new();
        for &t in targets {
            if seen[t as usize] {
                continue;
            }
            seen[t as usize] = true;
            stack.push((t, 0));
            while let Some(top) = stack.last_mut() {
                let (n, next) = *top;
                match self.inputs(n).get(next as usize) {
                    Some(&i) => {
                        top.1 += 1;
                        if !seen[i as usize] {
                            seen[i as usize] = true;
                            stack.push((i, 0));
                        }
                    }
                    None => {
                        order.push(n);
                        stack.pop();
                    }
                }
            }
        }
        order
    }

    pub fn common_group(&self, id: &str) -> Option<u32> {
        self.common
            .iter()
            .position(|g| g.id == id)
            .map(|i| i as u32)
    }
}

/// Wire one device's or service's `needs` into its inputs: `All` members
/// join the node's own AND directly, `Any`/`AtLeast` become hidden gates.
fn add_needs(
    b: &mut Builder,
    node_of: &impl Fn(&Builder, &str) -> NodeId,
    node: NodeId,
    owner_id: &str,
    needs: &[Need],
    mut ins: Vec<NodeId>,
) {
    for (i, need) in needs.iter().enumerate() {
        let members: Vec<NodeId> = need.members().iter().map(|m| node_of(b, m)).collect();
        let k = need.threshold();
        if k as usize == members.len() {
            for m in members {
                if !ins.contains(&m) {
                    ins.push(m);
                }
            }
        } else {
            let g = b.add(
                &format!("{owner_id}#need{}", i + 1),
                NodeKind::Gate,
                Some(node),
            );
            b.thresholds[g as usize] = k;
            b.inputs[g as usize] = members;
            ins.push(g);
        }
    }
    b.thresholds[node as usize] = ins.len() as u32;
    b.inputs[node as usize] = ins;
}

/// Capacities with volts and phases inherited from the nearest upstream
/// element that sets them (through each element's first input), else
/// 230 V single-phase.
fn power_specs(
    layout: &Layout,
    topo: &[NodeId],
    n_power: usize,
    inputs: &[Vec<NodeId>],
) -> Vec<PowerSpec> {
    let mut specs = vec![
        PowerSpec {
            capacity_w: f64::INFINITY,
            volts: 230.0,
            phases: 1,
            transfer_s: 0.0,
            start_s: 0.0,
            runtime_min: 0.0,
            continuous_load_pct: layout.policy.continuous_load_pct,
        };
        n_power
    ];
    for &v in topo.iter().filter(|&&v| (v as usize) < n_power) {
        let el = &layout.power[v as usize];
        let inherited = inputs[v as usize].first().map(|&i| specs[i as usize]);
        let e = el.electrical();
        let volts = e.volts.or(inherited.map(|s| s.volts)).unwrap_or(230.0);
        let phases = e
            .phases
            .map(|p| p as u8)
            .or(inherited.map(|s| s.phases))
            .unwrap_or(1);
        let spec = &mut specs[v as usize];
        spec.volts = volts;
        spec.phases = phases;
        if let Some(pct) = el.continuous_load_pct() {
            spec.continuous_load_pct = pct;
        }
        match el {
            PowerElement::Utility { capacity_kw, .. } => {
                spec.capacity_w = capacity_kw.map_or(f64::INFINITY, |kw| kw * 1000.0);
            }
            PowerElement::Generator {
                capacity_kw,
                start_s,
                ..
            } => {
                spec.capacity_w = capacity_kw.map_or(f64::INFINITY, |kw| kw * 1000.0);
                spec.start_s = *start_s;
            }
            PowerElement::Ups {
                capacity_kw,
                runtime_min,
                ..
            } => {
                spec.capacity_w = capacity_kw * 1000.0;
                spec.runtime_min = *runtime_min;
            }
            _ => {
                let three_phase = if phases == 3 { 3f64.sqrt() } else { 1.0 };
                spec.capacity_w = e
                    .rating_a
                    .map_or(f64::INFINITY, |a| a * volts * three_phase);
                if let PowerElement::Ats { transfer_s, .. } = el {
                    spec.transfer_s = *transfer_s;
                }
            }
        }
    }
    specs
}

fn to_csr(lists: &[Vec<NodeId>]) -> (Vec<u32>, Vec<NodeId>) {
    let mut start = Vec::with_capacity(lists.len() + 1);
    let mut flat = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    start.push(0);
    for l in lists {
        flat.extend_from_slice(l);
        start.push(flat.len() as u32);
    }
    (start, flat)
}

/// Kahn's algorithm. The layout was validated acyclic; should a cycle slip
/// through, its nodes are appended at the end rather than lost.
fn topological_order(
    n: usize,
    in_start: &[u32],
    out_start: &[u32],
    out_list: &[NodeId],
) -> Vec<NodeId> {
    let mut pending: Vec<u32> = (0..n).map(|v| in_start[v + 1] - in_start[v]).collect();
    let mut order: Vec<NodeId> = (0..n as NodeId)
        .filter(|&v| pending[v as usize] == 0)
        .collect();
    let mut head = 0;
    while head < order.len() {
        let v = order[head] as usize;
        head += 1;
        for &w in &out_list[out_start[v] as usize..out_start[v + 1] as usize] {
            pending[w as usize] -= 1;
            if pending[w as usize] == 0 {
                order.push(w);
            }
        }
    }
    if order.len() < n {
        let mut placed = vec![false; n];
        for &v in &order {
            placed[v as usize] = true;
        }
        order.extend((0..n as NodeId).filter(|&v| !placed[v as usize]));
    }
    order
}

/// An element kind's name for messages ("breaker", "UPS").
pub fn kind_label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Power(PowerKind::Utility) => "utility feed",
        NodeKind::Power(PowerKind::Generator) => "generator",
        NodeKind::Power(PowerKind::Ats) => "ATS",
        NodeKind::Power(PowerKind::Sts) => "STS",
        NodeKind::Power(PowerKind::Ups) => "UPS",
        NodeKind::Power(PowerKind::Panel) => "panel",
        NodeKind::Power(PowerKind::Breaker) => "breaker",
        NodeKind::Power(PowerKind::Pdu) => "PDU",
        NodeKind::Psu => "PSU",
        NodeKind::Device => "device",
        NodeKind::Service => "service",
        NodeKind::Gate => "gate",
    }
}
