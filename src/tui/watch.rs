//! The watch on the layout file, through `notify` (inotify and its kin,
//! or polling where those are missing), debounced so an editor's
//! write-and-rename is one change. Kept apart from [`super::reload`],
//! which acts on the changes: that extends the app, the app owns a watch,
//! and in one file the two would import each other.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

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
