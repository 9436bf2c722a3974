//! Node ids: every name kept once in one string, and a table from name to
//! node that stores node numbers only. A million-device hall has over
//! three million nodes; a `Box<str>` per id and a second copy of each as a
//! hash-map key cost more than the rest of the graph.

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

/// A node of the graph: its place in node order (power elements, PSUs,
/// devices, services). Defined with the id table that maps names to it,
/// so the table needs nothing from the graph.
pub type NodeId = u32;

/// The ids of nodes `0..len`, in node order.
#[derive(Debug, Clone, Default)]
pub struct Names {
    text: String,
    /// Where each id starts in `text`; one more entry than there are ids.
    start: Vec<u32>,
}

impl Names {
    pub fn new() -> Names {
        Names {
            text: String::new(),
            start: vec![0],
        }
    }

    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.start.push(self.text.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.start.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, n: NodeId) -> &str {
        &self.text[self.start[n as usize] as usize..self.start[n as usize + 1] as usize]
    }
}

/// Open addressing over node numbers, keyed by their names in [`Names`].
#[derive(Debug, Clone, Default)]
pub struct IdTable {
    /// Node number + 1; 0 is an empty slot.
    slots: Vec<u32>,
}

impl IdTable {
    /// Index nodes `0..count` of `names`. A repeated name finds its last
    /// node (validation refuses repeated ids before a graph is built).
    pub fn new(names: &Names, count: usize) -> IdTable {
        let size = (count * 2).next_power_of_two().max(8);
        let mut table = IdTable {
            slots: vec![0; size],
        };
        for n in 0..count as NodeId {
            let slot = table.slot_of(names, names.get(n));
            table.slots[slot] = n + 1;
        }
        table
    }

    /// The slot holding `id`, or the empty one where it would go.
    fn slot_of(&self, names: &Names, id: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = FxBuildHasher.hash_one(id) as usize & mask;
        loop {
            match self.slots[slot] {
                0 => return slot,
                n if names.get(n - 1) == id => return slot,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    pub fn get(&self, names: &Names, id: &str) -> Option<NodeId> {
        if self.slots.is_empty() {
            return None;
        }
        match self.slots[self.slot_of(names, id)] {
            0 => None,
            n => Some(n - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_indexed_name_and_nothing_else() {
        let mut names = Names::new();
        let ids: Vec<String> = (0..1000).map(|i| format!("node-{i}")).collect();
        for id in &ids {
            names.push(id);
        }
        names.push("hidden#gate");
        let table = IdTable::new(&names, ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(names.get(i as NodeId), id);
            assert_eq!(table.get(&names, id), Some(i as NodeId));
        }
        assert_eq!(table.get(&names, "hidden#gate"), None);
        assert_eq!(table.get(&names, "node-1000"), None);
        assert_eq!(table.get(&names, ""), None);
        assert_eq!(IdTable::default().get(&names, "node-1"), None);
    }

    #[test]
    fn a_repeated_name_finds_its_last_node() {
        let mut names = Names::new();
        for id in ["a", "b", "a"] {
            names.push(id);
        }
        assert_eq!(IdTable::new(&names, 3).get(&names, "a"), Some(2));
    }
}
