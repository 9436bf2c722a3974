//! Lists of values per node, all in one flat array: what a `Vec` per node
//! would hold, without a heap block per node (a million-device hall has
//! millions of nodes). Built by a counting sort, so each node's values
//! keep the order the pairs came in.

/// Node `n`'s values are `list[start[n]..start[n + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct Adjacency {
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Adjacency {
    /// From `(node, value)` pairs with nodes below `nodes`. The pairs are
    /// walked twice: counted, then placed.
    pub fn new(nodes: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Adjacency {
        let mut start = vec![0u32; nodes + 1];
        for (a, _) in pairs.clone() {
            start[a as usize + 1] += 1;
        }
        for i in 0..nodes {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut list = vec![0u32; start[nodes] as usize];
        for (a, b) in pairs {
            list[next[a as usize] as usize] = b;
            next[a as usize] += 1;
        }
        Adjacency { start, list }
    }

    pub fn of(&self, node: u32) -> &[u32] {
        &self.list[self.start[node as usize] as usize..self.start[node as usize + 1] as usize]
    }

    /// Drop repeats that follow each other within a node's values (all
    /// repeats, when they are sorted), closing the gaps in place.
    pub fn dedup(&mut self) {
        let mut out = 0usize;
        let mut from = 0usize;
        for n in 0..self.start.len() - 1 {
            let end = self.start[n + 1] as usize;
            let first = out;
            for i in from..end {
                let v = self.list[i];
                if out == first || self.list[out - 1] != v {
                    self.list[out] = v;
                    out += 1;
                }
            }
            from = end;
            self.start[n + 1] = out as u32;
        }
        self.list.truncate(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_values_by_node_in_arrival_order() {
        let pairs = [(2, 7), (0, 1), (2, 3), (2, 3), (0, 1), (1, 9), (2, 7)];
        let mut adj = Adjacency::new(4, pairs.iter().copied());
        assert_eq!(adj.of(0), [1, 1]);
        assert_eq!(adj.of(1), [9]);
        assert_eq!(adj.of(2), [7, 3, 3, 7]);
        assert_eq!(adj.of(3), [] as [u32; 0]);
        adj.dedup();
        assert_eq!(adj.of(0), [1]);
        assert_eq!(adj.of(1), [9]);
        assert_eq!(adj.of(2), [7, 3, 7], "only repeats that follow each other");
        assert_eq!(adj.of(3), [] as [u32; 0]);
    }
}
