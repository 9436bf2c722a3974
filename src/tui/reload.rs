//! Live reload: when the file [`Watch`] reports a change, the layout is
//! read again, and a reload keeps what still applies.

use super::answers::Model;
use super::app::{App, Source, Target, Tone};
use super::tree::NONE;
use super::watch::Watch;
use crate::engine::Event;
use crate::model::Loaded;

impl App {
    /// Reload the file if it changed. Returns whether anything changed on
    /// screen.
    pub fn poll_reload(&mut self) -> bool {
        let Source::File(path) = &self.source else {
            return false;
        };
        if !self.watch.as_mut().is_some_and(Watch::changed) {
            return false;
        }
        let path = path.clone();
        if !path.exists() {
            // Removed (or mid-rename): nothing to read, and nothing invalid
            // either. The next write brings it back.
            self.reload_error = None;
            self.say(
                format!(
                    "{} was removed: showing the last version read",
                    path.display()
                ),
                Tone::Warn,
            );
            return true;
        }
        self.reload_from(&path);
        true
    }

    /// Reload now (the file changed).
    pub fn reload_from(&mut self, path: &std::path::Path) {
        match crate::model::load_path(path) {
            Ok(loaded) => self.replace_model(loaded),
            Err(e) => {
                self.reload_error = Some(e.render(false));
                self.say(
                    format!(
                        "{} is not valid now: showing the last good version",
                        path.display()
                    ),
                    Tone::Error,
                );
            }
        }
    }

    /// Swap in a new model, keeping the selection, the expanded rows and
    /// the what-if events that still name something.
    pub fn replace_model(&mut self, loaded: Loaded) {
        let mut new = Model::new(loaded);
        new.set_filter(self.model.filter);
        let old = std::mem::replace(&mut self.model, new);
        // Elements out for planned work stay out where they still exist.
        let out: Vec<_> = old
            .out
            .iter()
            .filter_map(|&n| self.model.graph().node(old.graph().id(n)))
            .collect();
        if !out.is_empty() {
            self.model.set_out(out);
        }
        let (og, ng) = (old.graph(), self.model.graph());
        let carry = |e: Event| {
            self.model
                .analysis
                .resolve_event(e.kind_name(), e.subject(og))
        };
        let mut dropped = Vec::new();
        let mut events = Vec::new();
        for &e in &self.whatif.events {
            match carry(e) {
                Some(x) => events.push(x),
                None => dropped.push(e.describe(og)),
            }
        }
        let undo: Vec<Vec<Event>> = self
            .whatif
            .undo
            .iter()
            .map(|set| set.iter().filter_map(|&e| carry(e)).collect())
            .collect();
        let preview = self.whatif.preview.and_then(carry);
        let selected = self.selected.and_then(|t| match t {
            Target::Node(n) => ng.node(og.id(n)).map(Target::Node),
            Target::Common(g) => ng
                .common_group(&og.common[g as usize].id)
                .map(Target::Common),
        });
        let via = (self.selected_via != NONE)
            .then(|| ng.node(og.id(self.selected_via)))
            .flatten()
            .unwrap_or(NONE);
        let rack_id = self.rack.map(|r| old.racks()[r].id.clone());
        self.tree.carry_over(og, ng);
        self.whatif.events = events;
        self.whatif.undo = undo;
        self.whatif.preview = preview;
        self.whatif.recompute(&self.model);
        self.rack = rack_id
            .and_then(|id| self.model.analysis.racks.position(&id))
            .or(if self.model.racks().is_empty() {
                None
            } else {
                Some(0)
            });
        self.findings.cursor = self
            .findings
            .cursor
            .min(self.model.rows.len().saturating_sub(1));
        self.radius = None;
        self.search = None;
        self.last_search = None;
        self.reload_error = None;
        self.never_valid = false;
        match selected {
            Some(t) => self.select(t, via),
            None => self.sync_from_tree(),
        }
        if dropped.is_empty() {
            self.say(format!("reloaded {}", self.source_name()), Tone::Info);
        } else {
            self.say(
                format!(
                    "reloaded {}; no longer applies: {}",
                    self.source_name(),
                    dropped.join(", ")
                ),
                Tone::Warn,
            );
        }
    }
}
