//! The interactive terminal UI: explore the power chain, trip anything and
//! see the blast radius at once.
//!
//! State lives in [`app`] (selection and cursors) and [`answers`] (the
//! engine's answers for the layout and the what-if, kept for drawing);
//! input is turned into state changes by [`update`] through the one key
//! table in [`keys`], [`search`] and [`reload`] (on a [`watch`] of the file), and
//! [`views`] draws. Every answer comes from the engine
//! ([`crate::engine::impact`] for what-ifs); nothing here decides what is
//! down.
//!
//! The terminal is always given back: on quit, on an error, on a panic (a
//! hook restores it before the message is printed) and on SIGTERM, SIGHUP
//! and SIGINT (a flag the loop checks). The layout file is only ever read.

pub mod answers;
pub mod app;
pub mod keys;
pub mod reload;
pub mod search;
pub mod tree;
pub mod update;
pub mod views;
pub mod watch;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{Clear, ClearType};
use ratatui::backend::Backend;
use ratatui::{DefaultTerminal, Terminal};

pub use app::{App, Source};

use crate::model::{self, LoadError, Loaded};

/// The demo hall, compiled in so `faultline` alone shows something real.
pub const DEMO: &str = include_str!("../../layouts/demo.ron");
pub const DEMO_NAME: &str = "demo.ron (built in)";

/// How long the loop waits for input before looking at the file and the
/// signal flag again.
const TICK: Duration = Duration::from_millis(100);

/// Load the built-in demo.
pub fn demo() -> Result<Loaded, LoadError> {
    model::load_str(DEMO_NAME, DEMO.to_string())
}

/// Why the interactive view did not start; the command line reports it
/// (exit status 2).
#[derive(Debug)]
pub enum Refused {
    /// The layout does not load.
    Layout(LoadError),
    /// Standard output is not a terminal; the layout shown, for the hint.
    NotATerminal { shown: String },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Layout(e) => f.write_str(&e.render(false)),
            Refused::NotATerminal { shown } => write!(
                f,
                "the interactive view needs a terminal, and stdout is not one\n  = help: for a report you can pipe or save, run `faultline check {shown}`"
            ),
        }
    }
}

/// Open the TUI on `file`, or on the demo. Returns how the session ended
/// (0 on quit, 128 + the signal, 1 when the terminal failed under it).
pub fn run(file: Option<&Path>) -> Result<u8, Refused> {
    let mut progress = Progress::new(file);
    let loaded = match file {
        Some(p) => model::load_path(p),
        None => demo(),
    };
    // A file that exists but is not valid opens on its diagnostics and
    // waits for a save that fixes it (on a terminal; a pipe gets the
    // report and exit 2 as before). A file that cannot be read at all is
    // refused: there is nothing to wait for.
    let loaded = match (loaded, file) {
        (Err(e @ model::LoadError::Invalid { .. }), Some(p)) if io::stdout().is_terminal() => {
            let mut app = App::waiting_for(p, e.render(false));
            return Ok(run_terminal(&mut app).unwrap_or_else(|e| {
                let _ = writeln!(io::stderr(), "faultline: terminal error: {e}");
                1
            }));
        }
        (loaded, _) => loaded.map_err(Refused::Layout)?,
    };
    if !io::stdout().is_terminal() {
        let shown = file.map_or_else(
            || "layouts/demo.ron".to_string(),
            |p| p.display().to_string(),
        );
        return Err(Refused::NotATerminal { shown });
    }
    let source = match file {
        Some(p) => Source::File(p.to_path_buf()),
        None => Source::Builtin,
    };
    let devices: usize = loaded.layout.racks.iter().map(|r| r.devices.len()).sum();
    progress.analysing(devices);
    let mut app = App::new(loaded, source);
    progress.done();
    match run_terminal(&mut app) {
        Ok(code) => Ok(code),
        Err(e) => {
            // The session ran and the terminal is back: this is how it
            // ended, as a session's other endings are.
            let _ = writeln!(io::stderr(), "faultline: terminal error: {e}");
            Ok(1)
        }
    }
}

/// The line on standard error while a large layout loads (before the
/// screen can appear): what is being done and how long the last step
/// took, redrawn in place. Quiet for small files and when standard error
/// is not a terminal.
struct Progress {
    live: bool,
    started: std::time::Instant,
}

impl Progress {
    /// Files from this size (about 100k devices) take a second or more.
    const LARGE_BYTES: u64 = 8 << 20;

    fn new(file: Option<&Path>) -> Progress {
        let size = file
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len());
        let live = size >= Self::LARGE_BYTES && io::stderr().is_terminal();
        if let (true, Some(p)) = (live, file) {
            let _ = write!(
                io::stderr(),
                "faultline: reading {} ({} MB)…",
                p.display(),
                size >> 20
            );
        }
        Progress {
            live,
            started: std::time::Instant::now(),
        }
    }

    fn analysing(&mut self, devices: usize) {
        if self.live {
            let _ = write!(
                io::stderr(),
                "\r\x1b[2Kfaultline: read in {:.1} s; analysing {devices} devices and checking every single event…",
                self.started.elapsed().as_secs_f64()
            );
            self.started = std::time::Instant::now();
        }
    }

    fn done(&mut self) {
        if self.live {
            let _ = write!(io::stderr(), "\r\x1b[2K");
        }
    }
}

fn run_terminal(app: &mut App) -> io::Result<u8> {
    let signals = Signals::register()?;
    // No `terminal.clear()`: it asks the terminal for the cursor position,
    // which some terminals never answer; the alternate screen starts blank.
    let (guard, mut terminal) = TerminalGuard::enter()?;
    watch_terminal();
    let result = event_loop(&mut terminal, app, &signals);
    // ratatui's drop shows the cursor and, when that fails, reports it with
    // `eprintln!`, which panics when stderr is the same dead terminal. Show
    // it here; if the terminal is gone there is nothing left to restore.
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    drop(guard);
    result
}

/// The exit status when the terminal disappears: as for SIGHUP.
const TERMINAL_GONE: u8 = 128 + 1;

/// Leave when the terminal goes away. A pty whose other end closed
/// without a SIGHUP reaching us (the session leader took it) stays
/// "readable" with nothing to read, and crossterm's event reader then
/// loops inside `poll` for ever; only another thread can notice. There is
/// no terminal left to restore.
fn watch_terminal() {
    use std::io::IsTerminal;
    std::thread::spawn(|| {
        loop {
            std::thread::sleep(Duration::from_millis(500));
            if !io::stdout().is_terminal() {
                std::process::exit(i32::from(TERMINAL_GONE));
            }
        }
    });
}

/// Input events handled before the screen is drawn again.
const MAX_EVENTS_PER_FRAME: usize = 256;

/// Draw when something changed, wait for input, repeat. Returns the exit
/// status: 0 on quit, 128 + the signal number on a signal.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    signals: &Signals,
) -> io::Result<u8>
where
    B::Error: Into<io::Error>,
{
    let mut dirty = true;
    loop {
        if let Some(sig) = signals.received() {
            return Ok(128u8.saturating_add(sig as u8));
        }
        if app.quit {
            return Ok(0);
        }
        if dirty {
            terminal.draw(|f| views::draw(f, app)).map_err(Into::into)?;
            dirty = false;
        }
        // Deferred work runs only while no input waits, so keys are never
        // queued behind it.
        if app.unsettled() && !event::poll(Duration::ZERO)? {
            dirty = app.settle();
            continue;
        }
        if event::poll(TICK)? {
            // Take what is already queued before drawing again, so a
            // held-down key does not queue up frames; but no more than a
            // frame's worth, and never past a signal: a terminal that has
            // gone away can report input without end.
            for _ in 0..MAX_EVENTS_PER_FRAME {
                let ev = event::read()?;
                update::handle(app, &ev);
                dirty = true;
                if app.quit || signals.received().is_some() || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        if app.poll_reload() {
            dirty = true;
        }
    }
}

/// Termination signals, turned into a flag the loop reads: the handler
/// only stores a number, and the loop restores the terminal on its way out.
pub struct Signals {
    got: Arc<AtomicUsize>,
}

impl Signals {
    #[cfg(unix)]
    pub fn register() -> io::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let got = Arc::new(AtomicUsize::new(0));
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            signal_hook::flag::register_usize(sig, Arc::clone(&got), sig as usize)?;
        }
        Ok(Signals { got })
    }

    #[cfg(not(unix))]
    pub fn register() -> io::Result<Signals> {
        Ok(Signals::none())
    }

    /// A flag no signal sets (tests).
    pub fn none() -> Signals {
        Signals {
            got: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn received(&self) -> Option<usize> {
        match self.got.load(Ordering::Relaxed) {
            0 => None,
            s => Some(s),
        }
    }
}

/// Raw mode, the alternate screen and mouse capture, undone on drop and by
/// the panic hook.
///
/// `ratatui::try_init` and `try_restore` do raw mode and the alternate
/// screen. Their panic hook is replaced by ours: it leaves mouse capture
/// on, and on a failed restore it reports with `eprintln!`, which panics
/// again (an abort) when stderr is the terminal that has gone away.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<(TerminalGuard, DefaultTerminal)> {
        let previous = std::panic::take_hook();
        // Restores whatever `try_init` got done, should it fail halfway.
        let guard = TerminalGuard;
        let terminal = ratatui::try_init();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, or the message lands on the alternate screen
            // and vanishes with it.
            restore_terminal();
            previous(info);
        }));
        let terminal = terminal?;
        crossterm::execute!(io::stdout(), EnableMouseCapture, Clear(ClearType::All))?;
        Ok((guard, terminal))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Put the terminal back as the shell left it. Safe to call more than
/// once; errors are ignored because there is nowhere left to report them.
pub fn restore_terminal() {
    let _ = crossterm::execute!(io::stdout(), DisableMouseCapture);
    let _ = ratatui::try_restore();
    let _ = crossterm::execute!(io::stdout(), crossterm::cursor::Show);
}
