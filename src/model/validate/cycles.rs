//! Power and `needs` must flow one way: the circles in a layout's supply
//! graph, found without recursion (a feed chain may be 100,000 deep).
//! Validation names each one; this file knows nothing of diagnostics.

use rustc_hash::FxHashMap as HashMap;

use crate::adjacency::Adjacency;
use crate::model::format::Layout;

/// The circles in the supplier -> consumer graph of power inputs, PSU
/// feeds and `needs`, each once, in supply order. Kahn's algorithm orders
/// what it can; what it cannot order contains cycles, which are then
/// walked back to be named.
pub(crate) fn supply_cycles(layout: &Layout) -> Vec<Vec<&str>> {
    let devices = layout.racks.iter().map(|r| r.devices.len()).sum::<usize>();
    let capacity = layout.power.len() + devices + layout.services.len();
    let mut node_of: HashMap<&str, u32> =
        HashMap::with_capacity_and_hasher(capacity, Default::default());
    let mut names: Vec<&str> = Vec::with_capacity(capacity);
    for p in &layout.power {
        node_of.insert(p.id(), names.len() as u32);
        names.push(p.id());
    }
    for d in layout.racks.iter().flat_map(|r| r.devices.iter()) {
        node_of.insert(&d.id, names.len() as u32);
        names.push(&d.id);
    }
    for s in &layout.services {
        node_of.insert(&s.id, names.len() as u32);
        names.push(&s.id);
    }
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for p in &layout.power {
        for (_, i) in p.inputs() {
            if let (Some(&a), Some(&b)) = (node_of.get(i), node_of.get(p.id())) {
                edges.push((a, b));
            }
        }
    }
    let consumers = layout
        .racks
        .iter()
        .flat_map(|r| r.devices.iter())
        .map(|d| (d.id.as_str(), d.needs.as_slice(), d.psus.as_slice()))
        .chain(
            layout
                .services
                .iter()
                .map(|s| (s.id.as_str(), s.needs.as_slice(), &[][..])),
        );
    for (id, needs, psus) in consumers {
        let b = node_of[id];
        let sources = needs
            .iter()
            .flat_map(|n| n.members().iter().map(String::as_str))
            .chain(psus.iter().map(|p| p.feed.as_str()));
        for m in sources {
            if let Some(&a) = node_of.get(m) {
                if a != b {
                    edges.push((a, b));
                }
            }
        }
    }
    let n = names.len();
    let mut indegree = vec![0u32; n];
    for &(_, b) in &edges {
        indegree[b as usize] += 1;
    }
    let out = Adjacency::new(n, edges.iter().copied());
    let preds = Adjacency::new(n, edges.iter().map(|&(a, b)| (b, a)));
    drop(edges);
    let mut queue: Vec<u32> = (0..n as u32)
        .filter(|&v| indegree[v as usize] == 0)
        .collect();
    while let Some(v) = queue.pop() {
        for &w in out.of(v) {
            indegree[w as usize] -= 1;
            if indegree[w as usize] == 0 {
                queue.push(w);
            }
        }
    }
    let mut explained = vec![false; n];
    let mut cycles = Vec::new();
    for start in 0..n {
        if indegree[start] == 0 || explained[start] {
            continue;
        }
        let mut path: Vec<u32> = Vec::new();
        let mut on_path: HashMap<u32, usize> = HashMap::default();
        let mut cur = start as u32;
        loop {
            if let Some(&at) = on_path.get(&cur) {
                cycles.push(
                    path[at..]
                        .iter()
                        .rev()
                        .map(|&v| names[v as usize])
                        .collect(),
                );
                break;
            }
            if explained[cur as usize] {
                break;
            }
            explained[cur as usize] = true;
            on_path.insert(cur, path.len());
            path.push(cur);
            match preds.of(cur).iter().find(|&&p| indegree[p as usize] > 0) {
                Some(&p) => cur = p,
                None => break,
            }
        }
    }
    cycles
}
