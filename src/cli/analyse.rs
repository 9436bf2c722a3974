//! The commands that analyse a layout and answer: `check --out` (a
//! maintenance window), `trip` and `cuts`; `check` otherwise is in
//! [`super::review_cmd`]. Each returns its [`Outcome`]; the rule that
//! makes it failing is in [`super::exit`].

use std::io::IsTerminal;
use std::path::Path;

use super::exit::{Failure, Outcome, print};
use crate::diagnostic::{Severity, use_colour};
use crate::engine::cuts::cut_sets;
use crate::engine::{Analysis, Event, NodeId};
use crate::findings;
use crate::model::{self, Loaded};
use crate::report::{self, Format};

fn stdout_colour() -> bool {
    use_colour(std::io::stdout().is_terminal())
}

/// Load a layout; why not is the command's failure.
fn load(file: &Path) -> Result<Loaded, Failure> {
    Ok(model::load_path(file)?)
}

/// A layout loaded and analysed, timed phase by phase when asked; with
/// `--out`, the window's analysis and the layout's own.
fn load_and_analyse(
    file: &Path,
    phases: &mut Phases,
    out: &[String],
) -> Result<(Loaded, Analysis, Option<Analysis>), Failure> {
    let loaded = load(file)?;
    phases.done("load");
    let (layout_analysis, window) = super::plan::analyse(&loaded.layout, out)?;
    phases.done("analysis");
    Ok(match window {
        Some(w) => (loaded, w, Some(layout_analysis)),
        None => (loaded, layout_analysis, None),
    })
}

pub fn check(
    file: &Path,
    format: Format,
    fail_on: Severity,
    out: &[String],
) -> Result<Outcome, Failure> {
    let mut phases = Phases::from_env();
    let (loaded, analysis, layout_analysis) = load_and_analyse(file, &mut phases, out)?;
    let found = findings::check(&loaded, &analysis);
    let tier = findings::tier::estimate(&analysis, &found);
    let window = match &layout_analysis {
        Some(layout_analysis) => Some(super::plan::window_of(layout_analysis, out, &found)?),
        None => None,
    };
    phases.done("findings");
    let mut text = match format {
        Format::Human => report::human::check(&loaded, &found, &tier, stdout_colour()),
        Format::Json => report::json::check(&loaded, &found, &tier),
    };
    if let (Some(w), Some(la)) = (&window, &layout_analysis) {
        text = match format {
            Format::Human => format!("{}\n\n{text}", w.headline(la)),
            Format::Json => report::window::add_to(&text, report::window::json(la, w)),
        };
    }
    print(&text)?;
    phases.done("report");
    let outcome = Outcome::of_check(&found, fail_on);
    exit_without_freeing((loaded, analysis, found, layout_analysis));
    Ok(outcome)
}

/// With `FAULTLINE_TIMINGS` set, `check` and `cuts` say on standard error how long
/// each phase took and how much memory the process held after it (where
/// the system tells): what BENCHMARKS.md's "where the time goes" is made
/// of.
pub(super) struct Phases {
    since: Option<std::time::Instant>,
}

impl Phases {
    pub(super) fn from_env() -> Phases {
        let on = std::env::var_os("FAULTLINE_TIMINGS").is_some_and(|v| !v.is_empty());
        Phases {
            since: on.then(std::time::Instant::now),
        }
    }

    pub(super) fn done(&mut self, phase: &str) {
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
        // Diagnostics for whoever asked for them: a failure to write them
        // is not the command's.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!(
                "faultline: {phase} {:.3} s{memory}\n",
                since.elapsed().as_secs_f64()
            )
            .as_bytes(),
        );
        self.since = Some(std::time::Instant::now());
    }
}

/// The process is about to exit: freeing a million-device model piece by
/// piece takes longer than the operating system reclaiming it at once.
pub(super) fn exit_without_freeing<T>(big: T) {
    std::mem::forget(big);
}

pub fn trip(
    file: &Path,
    ids: &[String],
    shorts: &[String],
    format: Format,
    cascade: bool,
    scenario: Option<&Path>,
) -> Result<Outcome, Failure> {
    let loaded = load(file)?;
    if ids.is_empty() && shorts.is_empty() && scenario.is_none() {
        return Err(Failure::refused(
            "name at least one id to fail, --short DEVICE/PSU, or --scenario FILE",
        ));
    }
    let saved = match scenario {
        Some(path) => Some(crate::scenario::Scenario::read(path).map_err(Failure::refused)?),
        None => None,
    };
    // A scenario with elements out for planned work is asked of that
    // maintenance window, as the view showed it.
    let analysis = match saved.as_ref().filter(|s| !s.out.is_empty()) {
        Some(s) => {
            let graph = crate::engine::Graph::build(&loaded.layout);
            let out = s.resolve_out(&graph).map_err(Failure::Refused)?;
            Analysis::out_of_service(&loaded.layout, graph, &out)
        }
        None => Analysis::new(&loaded.layout),
    };
    let mut events: Vec<Event> = Vec::new();
    let mut errors = Vec::new();
    let mut cascade = cascade;
    if let Some(saved) = saved {
        // A scenario saved with the cascade off replays without it.
        cascade &= saved.cascade;
        match saved.resolve(&analysis) {
            Ok(evs) => events.extend(evs),
            Err(msgs) => errors.extend(msgs),
        }
    }
    let parsed = ids
        .iter()
        .map(|id| analysis.parse_event(id))
        .chain(shorts.iter().map(|id| analysis.parse_short(id)));
    for result in parsed {
        match result {
            Ok(e) => events.push(e),
            Err(msg) => errors.push(msg),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::Refused(errors));
    }
    let (impact, _) = analysis.impact_with_loads(&events, cascade);
    let text = match format {
        Format::Human => report::human::trip(&analysis, &impact, stdout_colour()),
        Format::Json => report::json::trip(&analysis, &impact),
    };
    print(&text)?;
    Ok(Outcome::of_trip(&analysis.graph, &impact))
}

/// `faultline path`: the why-path of one node, under the given events.
/// Exit 1 when the node is down (as designed or under the events).
pub fn path(
    file: &Path,
    id: &str,
    fails: &[String],
    shorts: &[String],
    format: Format,
) -> Result<Outcome, Failure> {
    let loaded = load(file)?;
    let analysis = Analysis::new(&loaded.layout);
    let g = &analysis.graph;
    let mut errors = Vec::new();
    let target = match g.node(id) {
        Some(n) if g.is_visible(n) && !g.is_service(n) => Some(n),
        Some(_) => {
            errors.push(format!(
                "\"{id}\" is a service: services take no power; ask about a device it needs"
            ));
            None
        }
        None => {
            errors.push(analysis.parse_event(id).err().unwrap_or_else(|| {
                format!("\"{id}\" is a common-cause group; ask about one of its members")
            }));
            None
        }
    };
    let mut events: Vec<Event> = Vec::new();
    let parsed = fails
        .iter()
        .map(|f| analysis.parse_event(f))
        .chain(shorts.iter().map(|s| analysis.parse_short(s)));
    for result in parsed {
        match result {
            Ok(e) => events.push(e),
            Err(msg) => errors.push(msg),
        }
    }
    let Some(target) = target.filter(|_| errors.is_empty()) else {
        return Err(Failure::Refused(errors));
    };
    let outcome = crate::engine::Outcome::new(&analysis, &events, true);
    let why = crate::engine::paths::why(&analysis, &outcome, target);
    let text = match format {
        Format::Human => report::path::human(g, &outcome, &why, &events),
        Format::Json => report::path::json(g, &outcome, &why, &events),
    };
    print(&text)?;
    Ok(Outcome::of_path(outcome.state(target).is_down()))
}

/// Target ids, one a line, from a file or `-` (standard input).
pub fn read_targets(from: &Path) -> Result<Vec<String>, Failure> {
    let text = if from.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map(|_| text)
            .map_err(|e| {
                Failure::refused(format!("cannot read targets from standard input: {e}"))
            })?
    } else {
        std::fs::read_to_string(from).map_err(|e| {
            Failure::refused(format!("cannot read targets from {}: {e}", from.display()))
        })?
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
        return Err(Failure::refused(format!(
            "{} names no targets",
            from.display()
        )));
    }
    Ok(ids)
}

pub fn cuts(
    file: &Path,
    order: u32,
    target_ids: &[String],
    format: Format,
    out: &[String],
) -> Result<Outcome, Failure> {
    let mut phases = Phases::from_env();
    let (loaded, analysis, _) = load_and_analyse(file, &mut phases, out)?;
    let g = &analysis.graph;
    let targets: Vec<NodeId> = if target_ids.is_empty() {
        g.critical_services().collect()
    } else {
        let mut nodes = Vec::new();
        for id in target_ids {
            let Some(n) = g.node(id) else {
                let hint = crate::diagnostic::closest(id, g.visible_ids())
                    .map(|c| format!("; did you mean \"{c}\"?"))
                    .unwrap_or_default();
                return Err(Failure::refused(format!(
                    "no element, PSU, device or service has id \"{id}\"{hint}"
                )));
            };
            nodes.push(n);
        }
        nodes
    };
    let sets = cut_sets(&analysis, &targets, order);
    phases.done("cut sets");
    let mut text = match format {
        Format::Human => report::human::cuts(&analysis, &sets, order, stdout_colour()),
        Format::Json => report::json::cuts(&analysis, &sets),
    };
    if !analysis.out.is_empty() {
        text = report::window::cuts(&analysis, &targets, format == Format::Json, &text);
    }
    print(&text)?;
    phases.done("report");
    let outcome = Outcome::of_cuts(&sets);
    exit_without_freeing((loaded, analysis, sets));
    Ok(outcome)
}
