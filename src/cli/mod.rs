//! The command line: parse arguments, run one command, return the exit
//! status (0 clean, 1 findings at or above the failing severity, 2 invalid
//! layout or usage).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Severity, use_colour};
use crate::engine::{Analysis, Event};
use crate::findings;
use crate::model::{self, Loaded};
use crate::report::{self, Format};

#[derive(Debug, Parser)]
#[command(
    name = "faultline",
    version,
    about = "Find single points of failure, false redundancy and shared fate in data-centre power and rack layouts",
    after_help = "Exit status: 0 clean, 1 findings at or above --fail-on (or a critical service down for `trip`), 2 invalid layout or usage.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A layout to open in the interactive view (`faultline tui FILE`);
    /// with no file and no command, the built-in demo opens.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explore a layout interactively: the power tree, rack elevations,
    /// findings and what-if failures (the built-in demo without FILE).
    Tui {
        /// The layout file (.ron or .json); it is reloaded when it changes.
        file: Option<PathBuf>,
    },
    /// Analyse a layout and report its findings.
    Check {
        /// The layout file (.ron or .json).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The lowest severity that makes the exit status 1.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
    },
    /// Show the blast radius of failing elements, PSUs, devices or
    /// common-cause groups (all at once).
    Trip {
        /// The layout file (.ron or .json).
        file: PathBuf,
        /// Ids to fail: power elements, devices, PSUs (`device/psu`) or
        /// common-cause groups.
        ids: Vec<String>,
        /// Short a PSU (`device/psu`): it fails and trips the nearest
        /// protective device above it. Repeatable.
        #[arg(long = "short", value_name = "DEVICE/PSU")]
        shorts: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Show the state before any overload trips (liveness only).
        #[arg(long)]
        no_cascade: bool,
    },
    /// List the minimal cut sets (single events and pairs) that take down
    /// each critical service, or the named targets. Computed on liveness,
    /// not on capacity.
    Cuts {
        /// The layout file (.ron or .json).
        file: PathBuf,
        /// The largest cut set to list: 1 (single points) or 2 (pairs too).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=2))]
        order: u32,
        /// A device, service, PSU or power element to analyse instead of
        /// the critical services. Repeatable.
        #[arg(long = "target", value_name = "ID")]
        targets: Vec<String>,
        /// Read more targets from a file, one id per line (`-` for
        /// standard input): for thousands of targets, past what a command
        /// line holds. Blank lines and lines starting with `#` are skipped.
        #[arg(long, value_name = "FILE")]
        targets_from: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Write the layout in another format: an Open-PSA MEF fault tree for
    /// reliability tools (SCRAM, XFTA), or the layout itself as JSON.
    Export {
        /// The layout file (.ron or .json).
        file: PathBuf,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write here instead of standard output (via a temporary file
        /// renamed into place, so an interrupted run leaves no half file).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a synthetic, realistic layout to standard output: halls of
    /// 2N power, 40 devices a rack, services across racks, and flaws
    /// injected at the given rate. Same options, same bytes.
    Gen {
        /// Racks in the site (40 devices each).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        racks: u64,
        /// Seed of the pseudo-random choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Share of racks (0 to 1) that get one design flaw.
        #[arg(long, default_value_t = 0.02, value_parser = parse_rate)]
        flaw_rate: f64,
        #[arg(long, value_enum, default_value_t = GenFormat::Ron)]
        format: GenFormat,
    },
    /// Explain a finding or validation code: what raises it, how to fix
    /// or allow it, and an example. Without a code, list every code.
    Explain {
        /// A code as reports print it, such as `spof` or `bad-value`.
        code: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    /// The layout format (RON), one element or device a line.
    Ron,
    /// The same structure as JSON.
    Json,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("expected a number from 0 to 1, got \"{s}\"")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Open-PSA Model Exchange Format fault tree (XML).
    OpsaMef,
    /// The layout, as JSON with the same structure as the RON file.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Note => Severity::Note,
        }
    }
}

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_INVALID: u8 = 2;

/// Run the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let Some(command) = cli.command else {
        return ExitCode::from(crate::tui::run(cli.file.as_deref()));
    };
    let result = match command {
        Command::Tui { file } => crate::tui::run(file.as_deref()),
        Command::Check {
            file,
            format,
            fail_on,
        } => check(&file, format, fail_on),
        Command::Trip {
            file,
            ids,
            shorts,
            format,
            no_cascade,
        } => trip(&file, &ids, &shorts, format, !no_cascade),
        Command::Cuts {
            file,
            order,
            mut targets,
            targets_from,
            format,
        } => match targets_from.map(|from| read_targets(&from)) {
            Some(Err(message)) => {
                eprint(&format!("error: {message}\n"));
                EXIT_INVALID
            }
            Some(Ok(more)) => {
                targets.extend(more);
                cuts(&file, order, &targets, format)
            }
            None => cuts(&file, order, &targets, format),
        },
        Command::Export {
            file,
            format,
            output,
        } => export(&file, format, output.as_deref()),
        Command::Gen {
            racks,
            seed,
            flaw_rate,
            format,
        } => gen_layout(racks as usize, seed, flaw_rate, format),
        Command::Explain { code } => explain(code.as_deref()),
    };
    ExitCode::from(result)
}

fn stdout_colour() -> bool {
    use_colour(std::io::stdout().is_terminal())
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn eprint(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Load a layout or print why not.
pub fn load(file: &std::path::Path) -> Result<Loaded, u8> {
    model::load_path(file).map_err(|e| {
        eprint(&e.render(use_colour(std::io::stderr().is_terminal())));
        EXIT_INVALID
    })
}

/// `faultline explain [CODE]`: the registry's text, or exit 2 for a name
/// that is no code.
fn explain(code: Option<&str>) -> u8 {
    use crate::code::explain;
    match code.map(explain::lookup) {
        None => print(&explain::list()),
        Some(Ok(code)) => print(&explain::render(code)),
        Some(Err(message)) => {
            eprint(&message);
            return EXIT_INVALID;
        }
    }
    EXIT_CLEAN
}

fn check(file: &std::path::Path, format: Format, fail_on: FailOn) -> u8 {
    let mut phases = Phases::from_env();
    let loaded = match load(file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    phases.done("load");
    let analysis = Analysis::new(&loaded.layout);
    phases.done("analysis");
    let found = findings::check(&loaded, &analysis);
    let tier = findings::tier::estimate(&analysis, &found);
    phases.done("findings");
    match format {
        Format::Human => print(&report::human::check(
            &loaded,
            &found,
            &tier,
            stdout_colour(),
        )),
        Format::Json => print(&report::json::check(&loaded, &found, &tier)),
    }
    phases.done("report");
    let failed = findings::fails(&found, fail_on.severity());
    exit_without_freeing((loaded, analysis, found));
    if failed { EXIT_FINDINGS } else { EXIT_CLEAN }
}

/// With `FAULTLINE_TIMINGS` set, `check` and `cuts` say on standard error how long
/// each phase took and how much memory the process held after it (where
/// the system tells): what BENCHMARKS.md's "where the time goes" is made
/// of.
struct Phases {
    since: Option<std::time::Instant>,
}

impl Phases {
    fn from_env() -> Phases {
        let on = std::env::var_os("FAULTLINE_TIMINGS").is_some_and(|v| !v.is_empty());
        Phases {
            since: on.then(std::time::Instant::now),
        }
    }

    fn done(&mut self, phase: &str) {
        let Some(since) = self.since else {
            return;
        };
        let memory = std::fs::read_to_string("/proc/self/status")
            .ok()
            .map(|status| {
                let field = |name: &str| {
                    status
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok())
                        .map_or("?".to_string(), |kb| format!("{} MB", kb / 1024))
                };
                format!(", resident {}, peak {}", field("VmRSS:"), field("VmHWM:"))
            })
            .unwrap_or_default();
        eprint(&format!(
            "faultline: {phase} {:.3} s{memory}\n",
            since.elapsed().as_secs_f64()
        ));
        self.since = Some(std::time::Instant::now());
    }
}

/// The process is about to exit: freeing a million-device model piece by
/// piece takes longer than the operating system reclaiming it at once.
fn exit_without_freeing<T>(big: T) {
    std::mem::forget(big);
}

fn trip(
    file: &std::path::Path,
    ids: &[String],
    shorts: &[String],
    format: Format,
    cascade: bool,
) -> u8 {
    let loaded = match load(file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if ids.is_empty() && shorts.is_empty() {
        eprint("error: name at least one id to fail, or --short DEVICE/PSU\n");
        return EXIT_INVALID;
    }
    let analysis = Analysis::new(&loaded.layout);
    let mut events: Vec<Event> = Vec::new();
    let mut errors = Vec::new();
    for id in ids {
        match analysis.parse_event(id) {
            Ok(e) => events.push(e),
            Err(msg) => errors.push(msg),
        }
    }
    for id in shorts {
        match analysis.parse_short(id) {
            Ok(e) => events.push(e),
            Err(msg) => errors.push(msg),
        }
    }
    if !errors.is_empty() {
        for e in errors {
            eprint(&format!("error: {e}\n"));
        }
        return EXIT_INVALID;
    }
    let (impact, _) = analysis.impact_with_loads(&events, cascade);
    match format {
        Format::Human => print(&report::human::trip(&analysis, &impact, stdout_colour())),
        Format::Json => print(&report::json::trip(&analysis, &impact)),
    }
    let g = &analysis.graph;
    if impact.down.iter().any(|&n| g.is_critical(n)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Target ids, one a line, from a file or `-` (standard input).
fn read_targets(from: &std::path::Path) -> Result<Vec<String>, String> {
    let text = if from.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map(|_| text)
            .map_err(|e| format!("cannot read targets from standard input: {e}"))?
    } else {
        std::fs::read_to_string(from)
            .map_err(|e| format!("cannot read targets from {}: {e}", from.display()))?
    };
    let ids: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        // Falling back to the critical services would answer another
        // question than the one asked.
        return Err(format!("{} names no targets", from.display()));
    }
    Ok(ids)
}

fn cuts(file: &std::path::Path, order: u32, target_ids: &[String], format: Format) -> u8 {
    let mut phases = Phases::from_env();
    let loaded = match load(file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    phases.done("load");
    let analysis = Analysis::new(&loaded.layout);
    phases.done("analysis");
    let g = &analysis.graph;
    let targets: Vec<u32> = if target_ids.is_empty() {
        g.critical_services().collect()
    } else {
        let mut nodes = Vec::new();
        for id in target_ids {
            match g.node(id) {
                Some(n) => nodes.push(n),
                None => {
                    let hint = crate::diagnostic::closest(id, g.visible_ids())
                        .map(|c| format!("; did you mean \"{c}\"?"))
                        .unwrap_or_default();
                    eprint(&format!(
                        "error: no element, PSU, device or service has id \"{id}\"{hint}\n"
                    ));
                    return EXIT_INVALID;
                }
            }
        }
        nodes
    };
    let sets = crate::engine::cuts::cut_sets(&analysis, &targets, order);
    phases.done("cut sets");
    match format {
        Format::Human => print(&report::human::cuts(
            &analysis,
            &sets,
            order,
            stdout_colour(),
        )),
        Format::Json => print(&report::json::cuts(&analysis, &sets)),
    }
    phases.done("report");
    let any_single = sets.targets.iter().any(|(_, list)| {
        list.iter()
            .any(|c| matches!(c, crate::engine::cuts::Cut::One(_)))
    });
    exit_without_freeing((loaded, sets));
    if any_single {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn export(file: &std::path::Path, format: ExportFormat, output: Option<&std::path::Path>) -> u8 {
    let loaded = match load(file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let text = match format {
        ExportFormat::OpsaMef => {
            let analysis = Analysis::new(&loaded.layout);
            report::mef::export(&analysis, &loaded.layout.name).xml
        }
        ExportFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&loaded.layout).expect("layouts always serialise");
            s.push('\n');
            s
        }
    };
    match output {
        None => {
            print(&text);
            EXIT_CLEAN
        }
        Some(path) if same_file(path, file) => {
            eprint(&format!(
                "error: {} is the layout being exported; faultline never writes a layout file\n",
                path.display()
            ));
            EXIT_INVALID
        }
        Some(path) => match write_atomically(path, text.as_bytes()) {
            Ok(()) => EXIT_CLEAN,
            Err(e) => {
                eprint(&format!("error: cannot write {}: {e}\n", path.display()));
                EXIT_INVALID
            }
        },
    }
}

fn gen_layout(racks: usize, seed: u64, flaw_rate: f64, format: GenFormat) -> u8 {
    let opts = crate::r#gen::GenOptions {
        racks,
        seed,
        flaw_rate,
    };
    let out = std::io::stdout().lock();
    let result = match format {
        GenFormat::Ron => crate::r#gen::write_ron(&opts, out),
        GenFormat::Json => crate::r#gen::write_json(&opts, out),
    };
    match result {
        Ok(()) => EXIT_CLEAN,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            eprint(&format!("error: cannot write the layout: {e}\n"));
            EXIT_INVALID
        }
    }
}

/// Do two paths name one existing file?
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Write to a temporary file beside `path`, then rename it into place: an
/// interrupted run leaves the old file (if any) intact.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the output path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.faultline-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
