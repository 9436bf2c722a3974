//! Incremental id search: `/` types a query, matches are ranked exact,
//! prefix, substring, and the selection follows the current match.

use super::app::{App, Search, Target, Tone, step};
use super::tree::NONE;

impl App {
    pub fn start_search(&mut self) {
        let back = (
            self.selected,
            self.selected_via,
            self.tree.cursor,
            self.tree.offset,
        );
        self.search = Some(Search {
            query: String::new(),
            matches: Vec::new(),
            current: 0,
            back,
        });
    }

    /// Matches for `query` (ASCII case-insensitive; ids are ASCII): exact
    /// ids first, then prefixes, then substrings; within each, power
    /// elements, devices, services, groups, then PSUs.
    pub fn matches(&self, query: &str) -> Vec<Target> {
        if query.is_empty() {
            return Vec::new();
        }
        let q = query.to_ascii_lowercase();
        let g = self.model.graph();
        let order = g
            .power
            .clone()
            .chain(g.devices.clone())
            .chain(g.services.clone())
            .map(Target::Node)
            .chain((0..g.common.len() as u32).map(Target::Common))
            .chain(g.psus.clone().map(Target::Node));
        let mut ranked: Vec<(u8, Target)> = Vec::new();
        for t in order {
            let id = self.model.target_id(t);
            if let Some(rank) = rank(id, &q) {
                ranked.push((rank, t));
            }
        }
        // Stable: keeps the kind order within a rank.
        ranked.sort_by_key(|&(r, _)| r);
        ranked.into_iter().map(|(_, t)| t).collect()
    }

    pub fn search_changed(&mut self) {
        let Some(query) = self.search.as_ref().map(|s| s.query.clone()) else {
            return;
        };
        let matches = self.matches(&query);
        let first = matches.first().copied();
        if let Some(s) = self.search.as_mut() {
            s.matches = matches;
            s.current = 0;
        }
        if let Some(t) = first {
            self.select(t, NONE);
        }
    }

    pub fn search_step(&mut self, forward: bool) {
        let t = if let Some(s) = self.search.as_mut() {
            step(&mut s.current, s.matches.len(), forward);
            s.matches.get(s.current).copied()
        } else if let Some((q, m, cur)) = self.last_search.as_mut() {
            step(cur, m.len(), forward);
            let t = m.get(*cur).copied();
            if t.is_some() {
                let text = format!("/{q}: {} of {}", *cur + 1, m.len());
                self.message = Some((text, Tone::Info));
            }
            t
        } else {
            self.say("no search yet: press / to search", Tone::Info);
            None
        };
        if let Some(t) = t {
            self.select(t, NONE);
        }
    }

    pub fn end_search(&mut self, keep: bool) {
        let Some(s) = self.search.take() else { return };
        if keep {
            if s.matches.is_empty() {
                self.say(format!("nothing matches \"{}\"", s.query), Tone::Warn);
            }
            self.last_search = Some((s.query, s.matches, s.current));
        } else {
            let (sel, via, cursor, offset) = s.back;
            self.tree.cursor = cursor.min(self.tree.rows.len().saturating_sub(1));
            self.tree.offset = offset;
            match sel {
                Some(t) => self.select(t, via),
                None => self.sync_from_tree(),
            }
        }
    }
}

fn rank(id: &str, q: &str) -> Option<u8> {
    let b = id.as_bytes();
    let qb = q.as_bytes();
    if b.len() < qb.len() {
        return None;
    }
    if b.eq_ignore_ascii_case(qb) {
        return Some(0);
    }
    if b[..qb.len()].eq_ignore_ascii_case(qb) {
        return Some(1);
    }
    b.windows(qb.len())
        .any(|w| w.eq_ignore_ascii_case(qb))
        .then_some(2)
}
