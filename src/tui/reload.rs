//! Live reload: the layout file is watched through `notify` (inotify and
//! its kin, or polling where those are missing), changes are debounced so
//! an editor's write-and-rename is one reload, and a reload keeps what
//! still applies.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::answers::Model;
use super::app::{App, Source, Target, Tone};
use super::tree::NONE;
use crate::engine::Event;
use crate::model::Loaded;

/// A change is taken once the file has been quiet this long: an editor
/// that truncates, writes and renames makes several events of one save.
/// (notify's own debouncers drop the event kinds, and without them our
/// own reading of the file would look like a change.)
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// How often the polling watcher looks, where the native one fails.
pub const POLL_EVERY: Duration = Duration::from_millis(500);

/// A watch on one file. The directory is what is watched: an editor that
/// saves by renaming a new file over the old one replaces the inode, and
/// a watch on the file itself would go quiet after the first save.
pub struct Watch {
    /// Dropping the watcher stops it.
    _watcher: Option<Box<dyn Watcher>>,
    /// When each change to the file was seen.
    changes: Receiver<Instant>,
    /// The last change not yet taken.
    pending: Option<Instant>,
    /// Why the file is not watched, when it is not.
    pub error: Option<String>,
}

impl Watch {
    pub fn new(file: &Path) -> Watch {
        Watch::with(file, true)
    }

    /// `native: false` goes straight to polling (tests of the fallback).
    fn with(file: &Path, native: bool) -> Watch {
        let (tx, changes) = channel();
        let name = file.file_name().map(|n| n.to_os_string());
        let handler = move |res: notify::Result<notify::Event>| {
            let Ok(ev) = res else { return };
            // Opening and reading (ours included) change nothing.
            let read_only = matches!(
                ev.kind,
                EventKind::Access(k) if k != AccessKind::Close(AccessMode::Write)
            );
            if !read_only && ev.paths.iter().any(|p| p.file_name() == name.as_deref()) {
                let _ = tx.send(Instant::now());
            }
        };
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let config = notify::Config::default().with_poll_interval(POLL_EVERY);
        let watch =
            |mut w: Box<dyn Watcher>| w.watch(&dir, RecursiveMode::NonRecursive).map(|()| w);
        let native = if native {
            RecommendedWatcher::new(handler.clone(), config).and_then(|w| watch(Box::new(w)))
        } else {
            Err(notify::Error::generic("polling asked for"))
        };
        // inotify can run out of instances or watches; polling always works.
        let watcher =
            native.or_else(|_| PollWatcher::new(handler, config).and_then(|w| watch(Box::new(w))));
        let (watcher, error) = match watcher {
            Ok(w) => (Some(w), None),
            Err(e) => (
                None,
                Some(format!("not watching {} for changes: {e}", file.display())),
            ),
        };
        Watch {
            _watcher: watcher,
            changes,
            pending: None,
            error,
        }
    }

    /// Whether the file changed and has been quiet for [`DEBOUNCE`] since
    /// (never blocks).
    pub fn changed(&mut self) -> bool {
        while let Ok(at) = self.changes.try_recv() {
            self.pending = Some(at);
        }
        match self.pending {
            Some(at) if at.elapsed() >= DEBOUNCE => {
                self.pending = None;
                true
            }
            _ => false,
        }
    }
}

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
        let new = Model::new(loaded);
        let old = std::mem::replace(&mut self.model, new);
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
            .min(self.model.findings.len().saturating_sub(1));
        self.radius = None;
        self.search = None;
        self.last_search = None;
        self.reload_error = None;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Both watchers see a write to the file and ignore other files in
    /// its directory; a change is reported once.
    #[test]
    fn native_and_polling_watchers_see_a_write() {
        for native in [true, false] {
            let dir = std::env::temp_dir()
                .join(format!("faultline-watch-{}-{native}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("layout.ron");
            std::fs::write(&file, "one").unwrap();
            let mut w = Watch::with(&file, native);
            assert!(w.error.is_none(), "{:?}", w.error);
            // Let a polling watcher take its first look before the change.
            std::thread::sleep(POLL_EVERY * 2);
            std::fs::write(dir.join("other.ron"), "x").unwrap();
            std::thread::sleep(POLL_EVERY * 2 + DEBOUNCE);
            assert!(!w.changed(), "native {native}: another file changed");
            std::fs::write(&file, "two, longer").unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            while !w.changed() {
                assert!(Instant::now() < deadline, "native {native}: no change seen");
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(DEBOUNCE * 2);
            assert!(!w.changed(), "native {native}: one write, one change");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
