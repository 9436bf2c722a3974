//! The command line: parse arguments, run one command, and turn its
//! outcome into the exit status in one place ([`exit`]: 0 clean, 1 the
//! layout fails the command's rule, 2 no answer).
//!
//! [`analyse`] holds `trip` and `cuts`, [`review_cmd`] `check` and `diff`, [`write`] `export` and
//! `gen`, [`import`] `import netbox`; `explain` prints the code registry's
//! text; the interactive view is [`crate::tui`].

mod analyse;
mod availability;
pub mod exit;
mod import;
mod picture;
mod place;
mod plan;
mod review_cmd;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;
use crate::report::{Format, ReviewFormat};
use exit::{Failure, Outcome};

#[derive(Debug, Parser)]
#[command(
    name = "faultline",
    version,
    about = "Find single points of failure, false redundancy and shared fate in data-centre power and rack layouts",
    after_help = "Exit status: 0 clean; 1 findings at or above --fail-on, a critical service down (`trip`) or a single-event cut set (`cuts`); 2 invalid layout, unreadable file, bad usage or output that cannot be written. A closed pipe (`| head`) ends quietly with 0.",
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
    /// Analyse layouts and report their findings.
    Check {
        /// The layout files (.ron or .json); `-` reads standard input
        /// (RON, or JSON when it starts with `{`), `git:REV:PATH` reads a
        /// committed version. Several files: one report each and a total.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        #[arg(long, value_enum, default_value_t = ReviewFormat::Human)]
        format: ReviewFormat,
        /// The lowest severity that makes the exit status 1.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// A maintenance window: take this power element, device or PSU
        /// out of service and report what one event does during the
        /// window. Repeatable.
        #[arg(long = "out", value_name = "ID")]
        out: Vec<String>,
        /// A previous `check --format json`: its findings are reported but
        /// do not fail; only findings not in it (or worse than in it) do.
        #[arg(long, value_name = "OLD.json")]
        baseline: Option<PathBuf>,
        /// Write this check's findings as a baseline (JSON) to PATH.
        #[arg(long, value_name = "PATH")]
        write_baseline: Option<PathBuf>,
        /// Compute the critical services' expected downtime whatever the
        /// layout's size (unasked only up to 1,000 devices, where it is
        /// cheap; a 100k-device hall takes seconds).
        #[arg(long)]
        availability: bool,
    },
    /// Compare two versions of a layout: the findings NEW adds, resolves
    /// and changes (matched on code, subject and event, never on lines),
    /// the tier estimate before and after, and the loads that moved.
    Diff {
        /// The layout before the change: a file, `-` or `git:REV:PATH`
        /// (such as git:main:hall.ron).
        base: String,
        /// The layout after the change: a file, `-` or `git:REV:PATH`.
        new: String,
        #[arg(long, value_enum, default_value_t = ReviewFormat::Human)]
        format: ReviewFormat,
        /// Exit status 1 when NEW adds a finding at or above this. The
        /// default is `warning`, one step tighter than `check`: everything
        /// a diff adds is new, so a new warning is a risk the change
        /// brings and the reviewer should accept it explicitly.
        #[arg(long, value_enum, default_value_t = FailOn::Warning)]
        fail_on: FailOn,
        /// Compare the critical services' expected downtime whatever the
        /// layouts' size (unasked only up to 1,000 devices a side).
        #[arg(long)]
        availability: bool,
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
        /// Replay a saved what-if (`S` in the interactive view) as well.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
    },
    /// Why is this down? Every power path from the sources to an element,
    /// PSU or device with each element's state, where the paths meet (the
    /// single point of failure), and, under the given failures, the chain
    /// of cause.
    Path {
        /// The layout file (.ron or .json).
        file: PathBuf,
        /// The power element, PSU (`device/psu`) or device to explain.
        id: String,
        /// Fail these first (elements, devices, PSUs or common-cause
        /// groups), as `trip` does. Repeatable.
        #[arg(long = "fail", value_name = "ID")]
        fails: Vec<String>,
        /// Short a PSU first, as `trip --short` does. Repeatable.
        #[arg(long = "short", value_name = "DEVICE/PSU")]
        shorts: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// How likely, how long: each critical service's availability,
    /// expected downtime and outages a year, the importance of each event,
    /// and the fixes that save the most downtime.
    Availability {
        /// The layout file (.ron or .json).
        file: PathBuf,
        /// Another device, service, PSU or power element to compute, besides
        /// the critical services. Repeatable.
        #[arg(long = "target", value_name = "ID")]
        targets: Vec<String>,
        /// An element, PSU, device or common-cause group out of service
        /// (maintenance) for the whole period. Repeatable.
        #[arg(long = "out", value_name = "ID")]
        outs: Vec<String>,
        #[arg(long, value_enum, default_value_t = availability::AvailabilityFormat::Human)]
        format: availability::AvailabilityFormat,
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
        /// Cut sets during a maintenance window with this element out of
        /// service. Repeatable.
        #[arg(long = "out", value_name = "ID")]
        out: Vec<String>,
    },
    /// Failover-safe headroom of every rated element and rack: what each
    /// can still take so that no single event leaves an element above its
    /// continuous rating; and stranded capacity (space without power,
    /// power without space).
    Headroom {
        /// The layout file (.ron or .json).
        file: PathBuf,
        /// Only these racks in the rack table (elements are all listed).
        /// Repeatable.
        #[arg(long = "rack", value_name = "ID")]
        racks: Vec<String>,
        /// A rack with free U but less headroom than this (watts) is
        /// stranded space.
        #[arg(long, value_name = "W", default_value_t = 500.0, value_parser = parse_watts)]
        stranded_below: f64,
        /// Headroom during a maintenance window with this element out of
        /// service. Repeatable.
        #[arg(long = "out", value_name = "ID")]
        out: Vec<String>,
        #[arg(long, value_enum, default_value_t = plan::PlanFormat::Human)]
        format: plan::PlanFormat,
    },
    /// Where C new devices fit: rack, U position and the feed of each PSU,
    /// so that no element exceeds its limit in the base state or after any
    /// single event and no finding gets worse; with --service, spread over
    /// failure domains as members of the service.
    Place {
        /// The layout file (.ron or .json).
        file: PathBuf,
        /// Each device's draw in watts.
        #[arg(long, value_name = "W", value_parser = parse_watts)]
        draw: f64,
        /// PSUs per device, spread over the rack's two most independent feeds.
        #[arg(long, value_name = "N", default_value_t = 2)]
        psus: u32,
        /// PSUs a device needs to run.
        #[arg(long, value_name = "K", default_value_t = 1)]
        psus_needed: u32,
        /// Height of each device in rack units.
        #[arg(long, value_name = "U", default_value_t = 1)]
        height: u32,
        /// How many devices.
        #[arg(long, value_name = "C", default_value_t = 1)]
        count: u32,
        /// Make the devices members of this service (added to its first
        /// AtLeast or Any entry) and spread them over failure domains.
        #[arg(long, value_name = "S")]
        service: Option<String>,
        #[arg(long, value_enum, default_value_t = place::Kind::Server)]
        kind: place::Kind,
        /// Place during a maintenance window with this element out of
        /// service. Repeatable.
        #[arg(long = "out", value_name = "ID")]
        out: Vec<String>,
        #[arg(long, value_enum, default_value_t = plan::PlanFormat::Human)]
        format: plan::PlanFormat,
        /// Write the layout with the devices added to OUT (RON, written
        /// atomically, never over FILE).
        #[arg(long, value_name = "OUT")]
        apply: Option<PathBuf>,
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
        #[command(flatten)]
        picture: PictureArgs,
        /// With `--format svg`: draw these racks' elevations instead of
        /// the one-line diagram. Repeatable.
        #[arg(long = "racks", value_name = "ID", num_args = 1..)]
        racks: Vec<String>,
    },
    /// Write a self-contained HTML report: summary and tier, the one-line
    /// diagram after the events, the findings (each can highlight its
    /// blast radius) and the elevations of the racks they touch.
    Report {
        /// The layout file (.ron or .json).
        file: PathBuf,
        #[command(flatten)]
        picture: PictureArgs,
        /// The HTML file to write (via a temporary file renamed into
        /// place; never the layout).
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Read a layout from an inventory system (NetBox).
    Import {
        #[command(subcommand)]
        source: ImportSource,
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

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Racks, devices, power panels, feeds, PDUs and cables from NetBox's
    /// REST API (read-only GETs) into a layout. What NetBox does not hold
    /// (the chain above the panels) is assumed and reported, or given
    /// with --upstream.
    Netbox {
        /// NetBox's address, e.g. https://netbox.example.com.
        #[arg(long, env = "NETBOX_URL")]
        url: String,
        /// An API token: v2 (nbt_<key>.<secret>) or v1.
        #[arg(long, env = "NETBOX_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// A site's slug; repeat for several (all sites when none).
        #[arg(long = "site", value_name = "SLUG")]
        sites: Vec<String>,
        /// A RON file of what NetBox does not hold: the chain above the
        /// panels, services, common causes, policy, per-device needs.
        #[arg(long, value_name = "FILE")]
        upstream: Option<PathBuf>,
        /// Write here instead of standard output (atomically).
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = GenFormat::Ron)]
        format: GenFormat,
        /// Seconds to wait for each answer from NetBox.
        #[arg(long, default_value_t = 60, value_name = "SECONDS")]
        timeout: u64,
        /// Objects asked for a page (NetBox caps it at its MAX_PAGE_SIZE).
        #[arg(long, default_value_t = crate::import::netbox::client::PAGE_SIZE, value_parser = clap::value_parser!(u32).range(1..))]
        page_size: u32,
    },
}

/// What a picture draws: the events (as `trip` takes them) and how far
/// a large hall is collapsed.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PictureArgs {
    /// Fail an id before drawing: a power element, device, PSU
    /// (`device/psu`) or common-cause group. Repeatable.
    #[arg(long = "event", value_name = "ID")]
    pub events: Vec<String>,
    /// Short a PSU (`device/psu`) before drawing. Repeatable.
    #[arg(long = "short", value_name = "DEVICE/PSU")]
    pub shorts: Vec<String>,
    /// Take an element out of service (maintenance) before drawing: it
    /// fails like `--event` and is drawn as "out". Repeatable.
    #[arg(long = "out", value_name = "ID")]
    pub out: Vec<String>,
    /// Draw every device, or one box per rack or row (default: by size,
    /// devices up to 64, racks up to 60, rows beyond).
    #[arg(long, value_enum)]
    pub collapse: Option<crate::picture::Collapse>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    /// The layout format (RON), one element or device a line.
    Ron,
    /// The same structure as JSON.
    Json,
}

fn parse_watts(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1e9).contains(&x) => Ok(x),
        _ => Err(format!("expected watts from 0 to 1e9, got \"{s}\"")),
    }
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
    /// The one-line diagram as a Graphviz graph (render with `dot -Tsvg`).
    Dot,
    /// The one-line diagram (or, with `--racks`, rack elevations) as SVG.
    Svg,
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

/// The binary's `main`: parse the arguments, run the command, and turn
/// its outcome into the exit status ([`exit`] holds the policy). Help,
/// version and usage errors go through it too.
pub fn main() -> ExitCode {
    exit::status(Cli::try_parse().map_or_else(exit::of_parse_error, dispatch))
}

fn dispatch(cli: Cli) -> Result<Outcome, Failure> {
    let Some(command) = cli.command else {
        if let Some(hint) = cli.file.as_deref().and_then(misspelt_command) {
            return Err(Failure::refused(hint));
        }
        return interactive(cli.file.as_deref());
    };
    match command {
        Command::Tui { file } => interactive(file.as_deref()),
        Command::Check {
            files,
            format,
            fail_on,
            out,
            baseline,
            write_baseline,
            availability,
        } if !out.is_empty() => {
            // A maintenance window is a question about one file, in the
            // two formats its report has.
            let format = match format {
                ReviewFormat::Human => Format::Human,
                ReviewFormat::Json => Format::Json,
                _ => {
                    return Err(Failure::refused("--out reports in --format human or json"));
                }
            };
            if files.len() != 1 || baseline.is_some() || write_baseline.is_some() {
                return Err(Failure::refused(
                    "--out takes one layout file, without --baseline or --write-baseline",
                ));
            }
            if availability {
                return Err(Failure::refused(
                    "--availability reports a year, not a window; `faultline availability FILE --out ID` answers for the window",
                ));
            }
            analyse::check(
                std::path::Path::new(&files[0]),
                format,
                fail_on.severity(),
                &out,
            )
        }
        Command::Check {
            files,
            format,
            fail_on,
            out: _,
            baseline,
            write_baseline,
            availability,
        } => review_cmd::check(&review_cmd::CheckArgs {
            files: &files,
            format,
            fail_on: fail_on.severity(),
            baseline: baseline.as_deref(),
            write_baseline: write_baseline.as_deref(),
            downtime: downtime_when(availability),
        }),
        Command::Diff {
            base,
            new,
            format,
            fail_on,
            availability,
        } => review_cmd::diff(
            &base,
            &new,
            format,
            fail_on.severity(),
            downtime_when(availability),
        ),
        Command::Trip {
            file,
            ids,
            shorts,
            format,
            no_cascade,
            scenario,
        } => analyse::trip(
            &file,
            &ids,
            &shorts,
            format,
            !no_cascade,
            scenario.as_deref(),
        ),
        Command::Path {
            file,
            id,
            fails,
            shorts,
            format,
        } => analyse::path(&file, &id, &fails, &shorts, format),
        Command::Cuts {
            file,
            order,
            mut targets,
            targets_from,
            format,
            out,
        } => {
            if let Some(from) = targets_from {
                targets.extend(analyse::read_targets(&from)?);
            }
            analyse::cuts(&file, order, &targets, format, &out)
        }
        Command::Headroom {
            file,
            racks,
            stranded_below,
            out,
            format,
        } => plan::headroom(&file, &racks, stranded_below, &out, format),
        Command::Place {
            file,
            draw,
            psus,
            psus_needed,
            height,
            count,
            service,
            kind,
            out,
            format,
            apply,
        } => place::place(
            &file,
            &crate::plan::place::Request {
                draw_w: draw,
                psus,
                psus_needed,
                height_u: height,
                count,
                service,
                kind: kind.into(),
            },
            &out,
            format,
            apply.as_deref(),
        ),
        Command::Export {
            file,
            format: format @ (ExportFormat::Dot | ExportFormat::Svg),
            output,
            picture: args,
            racks,
        } => picture::export(&file, format, &args, &racks, output.as_deref()),
        Command::Export {
            file,
            format,
            output,
            picture: args,
            racks,
        } => {
            picture::refuse_picture_options(format, &args, &racks)?;
            write::export(&file, format, output.as_deref())
        }
        Command::Report {
            file,
            picture: args,
            output,
        } => picture::report(&file, &args, &output),
        Command::Gen {
            racks,
            seed,
            flaw_rate,
            format,
        } => write::gen_layout(racks as usize, seed, flaw_rate, format),
        Command::Import {
            source:
                ImportSource::Netbox {
                    url,
                    token,
                    sites,
                    upstream,
                    output,
                    format,
                    timeout,
                    page_size,
                },
        } => import::netbox(
            crate::import::netbox::Options {
                url,
                token,
                sites,
                timeout: std::time::Duration::from_secs(timeout.max(1)),
                format: match format {
                    GenFormat::Ron => crate::import::netbox::LayoutFormat::Ron,
                    GenFormat::Json => crate::import::netbox::LayoutFormat::Json,
                },
                upstream,
                page_size,
            },
            output.as_deref(),
        ),
        Command::Availability {
            file,
            targets,
            outs,
            format,
        } => availability::run(&file, &targets, &outs, format),
        Command::Explain { code } => explain(code.as_deref()),
    }
}

fn downtime_when(asked: bool) -> crate::engine::downtime::When {
    if asked {
        crate::engine::downtime::When::Always
    } else {
        crate::engine::downtime::When::Auto
    }
}

/// `faultline explain [CODE]`: the registry's text; a name that is no
/// code is refused with the closest one.
fn explain(code: Option<&str>) -> Result<Outcome, Failure> {
    use crate::code::explain;
    let text = match code.map(explain::lookup) {
        None => explain::list(),
        Some(Ok(code)) => explain::render(code),
        Some(Err(message)) => return Err(Failure::Message(message)),
    };
    exit::print(&text)?;
    Ok(Outcome::Clean)
}

/// `faultline chek`: a word that is no file and is close to a command
/// name is a misspelt command, as cargo says, not a layout to open.
fn misspelt_command(file: &std::path::Path) -> Option<String> {
    use clap::CommandFactory;
    let word = file.to_str()?;
    if file.exists() || word.contains(['/', '.', '\\']) {
        return None;
    }
    let cli = Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    let name = crate::suggest::closest(word, names.iter().copied())?;
    Some(format!(
        "unknown command `{word}`, and no layout file of that name; did you mean `{name}`?"
    ))
}

fn interactive(file: Option<&std::path::Path>) -> Result<Outcome, Failure> {
    Ok(Outcome::Session(crate::tui::run(file)?))
}
