//! The power tree as a flat list of visible rows.
//!
//! The power graph is a DAG (an ATS has two inputs, a device two PSUs), so
//! each power element is shown in full under its *first* input only and as a
//! one-line link under any other input; a device is listed under every feed
//! its PSUs plug into (it is a leaf apart from its PSUs). That keeps the
//! tree no larger than the graph's edges, however the layout is wired.
//!
//! The rows are rebuilt only when something is expanded or collapsed (or the
//! layout reloads); drawing reads the slice of rows on screen and nothing
//! else, so a layout of 100,000 devices costs the same per frame as ten.
//! Building walks with an explicit stack: a 100,000-deep feed chain must not
//! overflow the call stack.

use crate::engine::{Graph, NodeId, NodeKind};
use crate::model::format::PowerKind;

/// "No node" for [`Row::via`].
pub const NONE: NodeId = NodeId::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Header {
    Services,
    Common,
    /// Devices without a PSU: nothing in the power tree leads to them.
    Unfed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    Node(NodeId),
    Common(u32),
    Header(Header),
}

/// Something that can be selected: a visible node or a common-cause group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Node(NodeId),
    Common(u32),
}

impl Target {
    pub fn from_item(item: Item) -> Option<Target> {
        match item {
            Item::Node(n) => Some(Target::Node(n)),
            Item::Common(g) => Some(Target::Common(g)),
            Item::Header(_) => None,
        }
    }

    pub fn item(self) -> Item {
        match self {
            Target::Node(n) => Item::Node(n),
            Target::Common(g) => Item::Common(g),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub item: Item,
    pub depth: u32,
    /// The power element this row hangs under (for a device: the feed its
    /// PSU on this row plugs into), or [`NONE`].
    pub via: NodeId,
    /// A second appearance of a power element under a non-first input:
    /// shown, never expanded here.
    pub link: bool,
    pub expandable: bool,
    pub expanded: bool,
}

#[derive(Debug, Clone)]
pub struct Tree {
    pub rows: Vec<Row>,
    expanded: Vec<bool>,
    headers: [bool; 3],
    unfed: Vec<NodeId>,
    pub cursor: usize,
    pub offset: usize,
    /// Scroll so the cursor is visible at the next draw (cleared by mouse
    /// scrolling, which moves the view and not the cursor).
    pub follow: bool,
}

fn header_index(h: Header) -> usize {
    match h {
        Header::Services => 0,
        Header::Common => 1,
        Header::Unfed => 2,
    }
}

/// The parent a node is shown in full under: a power element's first
/// input, a device's first PSU's feed, a PSU's device.
pub fn canonical_parent(g: &Graph, n: NodeId) -> Option<NodeId> {
    if g.is_power(n) {
        g.inputs(n).first().copied()
    } else if g.is_device(n) {
        let psus = g.psus_of_device(n);
        if psus.is_empty() {
            None
        } else {
            g.inputs(psus.start).first().copied()
        }
    } else if g.is_psu(n) {
        Some(g.device_of_psu(n))
    } else {
        None
    }
}

impl Tree {
    pub fn new(g: &Graph) -> Tree {
        let mut expanded = vec![false; g.len()];
        for n in g.power.clone() {
            expanded[n as usize] = g.power_kind(n) != Some(PowerKind::Pdu);
        }
        let unfed = g
            .devices
            .clone()
            .filter(|&d| g.psus_of_device(d).is_empty())
            .collect();
        let mut t = Tree {
            rows: Vec::new(),
            expanded,
            headers: [true; 3],
            unfed,
            cursor: 0,
            offset: 0,
            follow: true,
        };
        t.rebuild(g);
        t
    }

    fn is_expanded(&self, item: Item) -> bool {
        match item {
            Item::Node(n) => self.expanded[n as usize],
            Item::Header(h) => self.headers[header_index(h)],
            Item::Common(_) => false,
        }
    }

    fn has_children(&self, g: &Graph, item: Item, link: bool) -> bool {
        match item {
            Item::Node(n) if g.is_power(n) => !link && !g.consumers(n).is_empty(),
            Item::Node(n) if g.is_device(n) => !g.psus_of_device(n).is_empty(),
            Item::Node(_) | Item::Common(_) => false,
            Item::Header(Header::Services) => !g.services.is_empty(),
            Item::Header(Header::Common) => !g.common.is_empty(),
            Item::Header(Header::Unfed) => !self.unfed.is_empty(),
        }
    }

    fn row(&self, g: &Graph, item: Item, depth: u32, via: NodeId, link: bool) -> Row {
        let expandable = self.has_children(g, item, link);
        Row {
            item,
            depth,
            via,
            link,
            expandable,
            expanded: expandable && self.is_expanded(item),
        }
    }

    /// Children of an expanded row, in display order.
    fn children(&self, g: &Graph, parent: &Row, out: &mut Vec<Row>) {
        let depth = parent.depth + 1;
        match parent.item {
            Item::Node(n) if g.is_power(n) => {
                let mut last_device = NONE;
                for &c in g.consumers(n) {
                    if g.is_power(c) {
                        let link = g.inputs(c).first() != Some(&n);
                        out.push(self.row(g, Item::Node(c), depth, n, link));
                    } else if g.is_psu(c) {
                        // A device with two cords in one strip is listed once.
                        let d = g.device_of_psu(c);
                        if d != last_device {
                            last_device = d;
                            out.push(self.row(g, Item::Node(d), depth, n, false));
                        }
                    }
                }
            }
            Item::Node(n) if g.is_device(n) => {
                for p in g.psus_of_device(n) {
                    out.push(self.row(g, Item::Node(p), depth, n, false));
                }
            }
            Item::Header(Header::Services) => {
                for s in g.services.clone() {
                    out.push(self.row(g, Item::Node(s), depth, NONE, false));
                }
            }
            Item::Header(Header::Common) => {
                for i in 0..g.common.len() as u32 {
                    out.push(self.row(g, Item::Common(i), depth, NONE, false));
                }
            }
            Item::Header(Header::Unfed) => {
                for &d in &self.unfed {
                    out.push(self.row(g, Item::Node(d), depth, NONE, false));
                }
            }
            Item::Node(_) | Item::Common(_) => {}
        }
    }

    /// Flatten the tree again from the expansion flags.
    pub fn rebuild(&mut self, g: &Graph) {
        let mut roots: Vec<Row> = g
            .power
            .clone()
            .filter(|&n| g.inputs(n).is_empty())
            .map(|n| self.row(g, Item::Node(n), 0, NONE, false))
            .collect();
        roots.push(self.row(g, Item::Header(Header::Services), 0, NONE, false));
        if !g.common.is_empty() {
            roots.push(self.row(g, Item::Header(Header::Common), 0, NONE, false));
        }
        if !self.unfed.is_empty() {
            roots.push(self.row(g, Item::Header(Header::Unfed), 0, NONE, false));
        }
        let mut rows = Vec::with_capacity(self.rows.len().max(roots.len()));
        let mut stack: Vec<Row> = roots.into_iter().rev().collect();
        let mut kids = Vec::new();
        while let Some(row) = stack.pop() {
            rows.push(row);
            if row.expanded {
                kids.clear();
                self.children(g, &row, &mut kids);
                stack.extend(kids.drain(..).rev());
            }
        }
        self.rows = rows;
        if self.cursor >= self.rows.len() {
            self.cursor = self.rows.len().saturating_sub(1);
        }
    }

    pub fn current(&self) -> Option<&Row> {
        self.rows.get(self.cursor)
    }

    /// Expand or collapse row `i`; the rows above it do not move, so the
    /// cursor stays where it is.
    pub fn set_expanded(&mut self, g: &Graph, i: usize, on: bool) -> bool {
        let Some(row) = self.rows.get(i).copied() else {
            return false;
        };
        if !row.expandable || row.expanded == on {
            return false;
        }
        match row.item {
            Item::Node(n) => self.expanded[n as usize] = on,
            Item::Header(h) => self.headers[header_index(h)] = on,
            Item::Common(_) => return false,
        }
        self.rebuild(g);
        true
    }

    /// Expand every power element but the rack PDUs (which hold the
    /// devices), or collapse everything.
    pub fn expand_all(&mut self, g: &Graph, on: bool) {
        let keep = self.current().map(|r| (r.item, r.via));
        for n in g.power.clone() {
            self.expanded[n as usize] = on && g.power_kind(n) != Some(PowerKind::Pdu);
        }
        if !on {
            for n in g.devices.clone() {
                self.expanded[n as usize] = false;
            }
        }
        self.rebuild(g);
        if let Some((item, via)) = keep {
            if let Some(i) = self.find(g, item, via) {
                self.cursor = i;
            }
        }
        self.follow = true;
    }

    /// The row of the parent of row `i`.
    pub fn parent_row(&self, i: usize) -> Option<usize> {
        let depth = self.rows.get(i)?.depth;
        if depth == 0 {
            return None;
        }
        (0..i).rev().find(|&j| self.rows[j].depth < depth)
    }

    /// Expand what is needed for `item` to have a row and return it,
    /// preferring the row under `via` and then the full (non-link) row
    /// under its canonical parent.
    pub fn reveal(&mut self, g: &Graph, item: Item, via: NodeId) -> Option<usize> {
        let mut changed = false;
        match item {
            Item::Node(n) if g.is_service(n) => changed |= self.open_header(Header::Services),
            Item::Common(_) => changed |= self.open_header(Header::Common),
            Item::Node(n) => {
                let mut cur = n;
                if g.is_device(n) && g.psus_of_device(n).is_empty() {
                    changed |= self.open_header(Header::Unfed);
                }
                // The canonical chain is at most one step per element (a
                // device, then power elements); a layout with a cycle would
                // not have passed validation, but stop anyway.
                for _ in 0..=g.power.len() + 2 {
                    let Some(p) = canonical_parent(g, cur) else {
                        break;
                    };
                    if !self.expanded[p as usize] {
                        self.expanded[p as usize] = true;
                        changed = true;
                    }
                    cur = p;
                }
            }
            Item::Header(_) => {}
        }
        if changed {
            self.rebuild(g);
        }
        self.find(g, item, via)
    }

    fn open_header(&mut self, h: Header) -> bool {
        let i = header_index(h);
        let was = self.headers[i];
        self.headers[i] = true;
        !was
    }

    /// The best row for `item`: under `via` if there is one, else the full
    /// row under its canonical parent, else any.
    pub fn find(&self, g: &Graph, item: Item, via: NodeId) -> Option<usize> {
        let canonical = match item {
            Item::Node(n) => canonical_parent(g, n).unwrap_or(NONE),
            _ => NONE,
        };
        let mut best: Option<(u8, usize)> = None;
        for (i, r) in self.rows.iter().enumerate() {
            if r.item != item {
                continue;
            }
            let rank = if via != NONE && r.via == via {
                0
            } else if !r.link && r.via == canonical {
                1
            } else if !r.link {
                2
            } else {
                3
            };
            if best.is_none_or(|(b, _)| rank < b) {
                best = Some((rank, i));
                if rank == 0 {
                    break;
                }
            }
        }
        best.map(|(_, i)| i)
    }

    /// The ids of expanded nodes, to carry across a reload.
    pub fn expanded_ids(&self, g: &Graph) -> Vec<String> {
        (0..g.services.end)
            .filter(|&n| {
                self.expanded[n as usize]
                    && matches!(g.kind(n), NodeKind::Power(_) | NodeKind::Device)
            })
            .map(|n| g.id(n).to_string())
            .collect()
    }

    /// Rebuild for a new graph with the expansion state of the old one
    /// (by id); elements that are new keep their defaults.
    pub fn carry_over(&mut self, old: &Graph, new: &Graph) {
        let mut t = Tree::new(new);
        t.headers = self.headers;
        for n in old.power.clone().chain(old.devices.clone()) {
            if let Some(m) = new.node(old.id(n)) {
                if matches!(new.kind(m), NodeKind::Power(_) | NodeKind::Device) {
                    t.expanded[m as usize] = self.expanded[n as usize];
                }
            }
        }
        t.rebuild(new);
        t.offset = self.offset;
        *self = t;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Analysis;
    use crate::model::load_str;

    fn graph(text: &str) -> Graph {
        let loaded =
            load_str("t.ron", text.to_string()).unwrap_or_else(|e| panic!("{}", e.render(false)));
        Analysis::new(&loaded.layout).graph
    }

    const EXAMPLE: &str = include_str!("../../tests/fixtures/format-example.ron");

    fn names(g: &Graph, t: &Tree) -> Vec<String> {
        t.rows
            .iter()
            .map(|r| {
                let name = match r.item {
                    Item::Node(n) => g.id(n).to_string(),
                    Item::Common(i) => g.common[i as usize].id.clone(),
                    Item::Header(h) => format!("{h:?}"),
                };
                format!(
                    "{}{}{}",
                    "  ".repeat(r.depth as usize),
                    if r.link { "-> " } else { "" },
                    name
                )
            })
            .collect()
    }

    #[test]
    fn first_input_owns_the_subtree_and_others_get_a_link() {
        let g = graph(EXAMPLE);
        let t = Tree::new(&g);
        let shown = names(&g, &t).join("\n");
        assert_eq!(
            shown,
            "utility\n  ats\n    ups\n      panel-1\n        cb-a\n          pdu-a\n        cb-b\n          pdu-b\ngen\n  -> ats\nServices\n  vpn-gateway\n  remote-mgmt"
        );
    }

    #[test]
    fn expanding_a_pdu_lists_devices_once_each_and_reveal_finds_psus() {
        let g = graph(EXAMPLE);
        let mut t = Tree::new(&g);
        let pdu_a = g.node("pdu-a").unwrap();
        let i = t.find(&g, Item::Node(pdu_a), NONE).unwrap();
        assert!(t.set_expanded(&g, i, true));
        let kids: Vec<_> = t.rows[i + 1..i + 4]
            .iter()
            .map(|r| g.id(r.item_node()))
            .collect();
        assert_eq!(kids, ["controller", "office-router", "mail"]);
        let psu = g.node("mail/psu2").unwrap();
        let r = t.reveal(&g, Item::Node(psu), NONE).unwrap();
        assert_eq!(t.rows[r].item, Item::Node(psu));
        // mail is expanded under both feeds now; its canonical row is under pdu-a.
        let mail = g.node("mail").unwrap();
        let under_a = t.find(&g, Item::Node(mail), NONE).unwrap();
        assert_eq!(t.rows[under_a].via, pdu_a);
    }

    #[test]
    fn a_deep_chain_builds_without_recursion() {
        let mut text = String::from("Layout(name: \"deep\", power: [Utility(id: \"p0\"),\n");
        for i in 1..20_000 {
            text.push_str(&format!("Panel(id: \"p{i}\", input: \"p{}\"),\n", i - 1));
        }
        text.push_str("], racks: [])");
        let g = graph(&text);
        let t = Tree::new(&g);
        assert_eq!(t.rows.len(), 20_001);
        assert_eq!(t.rows[19_999].depth, 19_999);
    }

    impl Row {
        fn item_node(&self) -> NodeId {
            match self.item {
                Item::Node(n) => n,
                _ => panic!("not a node row"),
            }
        }
    }
}
