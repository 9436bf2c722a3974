//! The long explanation of each code, with a small example, for
//! `faultline explain CODE` (in the manner of `rustc --explain`).
//!
//! Each example is a whole layout in `examples/` (one file a code, named
//! after it; `overload.ron` serves `unpowered` too), built into the binary.
//! The tests load every one and check that it raises its code, so an
//! example cannot drift from what the tool says, and `faultline check
//! src/code/examples/spof.ron` shows the finding itself.

use std::fmt::Write;

use super::{Code, Family};

/// What a code means, beyond its one-line summary.
pub struct Explanation {
    /// What raises it and why it matters, a few lines of plain text.
    pub what: &'static str,
    /// A layout (RON) that raises it; for `unreadable`, a command line.
    pub example: &'static str,
}

const fn text(what: &'static str, example: &'static str) -> Explanation {
    Explanation { what, example }
}

/// The full text `faultline explain CODE` prints.
pub fn render(code: Code) -> String {
    let e = explanation(code);
    let mut out = String::new();
    let name = code.name();
    let _ = writeln!(out, "{name}: {}", code.summary());
    let family = match code.info().family {
        Family::Validation => "validation error: the layout is not analysed, exit status 2",
        Family::Finding => "finding of `faultline check`",
    };
    let _ = writeln!(out, "severity: {} ({family})", code.severity().name());
    let _ = writeln!(out, "\n{}", e.what.trim_end());
    let _ = writeln!(
        out,
        "\nHow to fix it: {}.",
        code.help().trim_end_matches('.')
    );
    match code.info().family {
        Family::Finding => {
            let _ = writeln!(
                out,
                "\nTo accept it: add `allow: [\"{name}\"]` to the element the finding is\nabout (its subject). It is then still listed, marked allowed, and never\nmakes `check` fail."
            );
        }
        Family::Validation => {
            let _ = writeln!(
                out,
                "\nValidation errors cannot be allowed: correct the file (or the path) and run\nagain."
            );
        }
    }
    let intro = match code {
        Code::Unreadable => "Example (a command that raises it):",
        _ => "Example (a layout that raises it):",
    };
    let _ = writeln!(out, "\n{intro}\n");
    for line in e.example.trim_matches('\n').lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

/// Every code with its severity and summary, for `faultline explain`
/// without a code.
pub fn list() -> String {
    let width = Code::all().map(|c| c.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for (family, title) in [
        (
            Family::Validation,
            "Validation errors (the layout is not analysed):",
        ),
        (Family::Finding, "Findings (what `check` reports):"),
    ] {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{title}");
        for code in Code::all().filter(|c| c.info().family == family) {
            let _ = writeln!(
                out,
                "  {:<width$}  {:<7}  {}",
                code.name(),
                code.severity().name(),
                code.summary()
            );
        }
    }
    out.push_str(
        "\nRun `faultline explain CODE` for what a code means, how to fix it and an example.\n",
    );
    out
}

/// The code named `name`, or the message for an unknown one: the closest
/// name, and where the list is.
pub fn lookup(name: &str) -> Result<Code, String> {
    if let Some(code) = Code::from_name(name) {
        return Ok(code);
    }
    let mut message = format!("error: no code named \"{name}\"\n");
    if let Some(c) = Code::closest(name, Code::all()) {
        let _ = writeln!(message, "  = help: did you mean \"{c}\"?");
    }
    message.push_str("  = note: `faultline explain` with no code lists every code\n");
    Err(message)
}

/// The explanation of `code`.
pub fn explanation(code: Code) -> Explanation {
    match code {
        Code::Unreadable => text(
            "The path given is not a layout file that can be read: it does not exist,\n\
             is a directory, cannot be opened (permissions), or is larger than the\n\
             1 GiB limit. Nothing of the file is looked at, so this is the only error.",
            "faultline check layouts/          # a directory, not a layout file",
        ),
        Code::Syntax => text(
            "The text is not well-formed RON (or JSON for .json files): a comma,\n\
             bracket, colon or closing quote is missing, the file is empty or cut off,\n\
             an escape is invalid, or the bytes are not UTF-8 text. The location\n\
             points at where the reader gave up; the help says what the source index\n\
             saw around it (a bracket closed by the wrong one, a string that runs on).",
            include_str!("examples/syntax.ron"),
        ),
        Code::UnknownField => text(
            "A field name, element kind or enum variant that the layout format does not\n\
             define, usually a typo. The format rejects unknown names rather than\n\
             ignoring them, so a misspelt `allow` or `psus_needed` never silently\n\
             does nothing. The help lists the names expected at that place.",
            include_str!("examples/unknown-field.ron"),
        ),
        Code::DuplicateId => text(
            "Every id names one thing across the whole file: power elements, racks,\n\
             devices, services and common-cause groups share one namespace, because\n\
             references (`input`, `feed`, `needs`, `members`) may name any of them.\n\
             The PSU names of one device must differ too, as PSUs are named\n\
             `device/psu`.",
            include_str!("examples/duplicate-id.ron"),
        ),
        Code::UnknownRef => text(
            "A reference names an id that is defined nowhere in the file: an `input`,\n\
             a PSU's `feed`, a `needs` member, a PDU's `rack`, a common cause's\n\
             `members` or a service's `observes`. The help names the closest existing\n\
             id of the right kind when there is one.",
            include_str!("examples/unknown-ref.ron"),
        ),
        Code::BadRefKind => text(
            "A reference names an id that exists but is the wrong kind of thing for\n\
             that field: an `input` must be a power element, a PSU's `feed` a Pdu,\n\
             Breaker, Panel, Sts or Ups, `needs` devices or services, a PDU's `rack`\n\
             a rack, and `observes` a critical service.",
            include_str!("examples/bad-ref-kind.ron"),
        ),
        Code::Cycle => text(
            "Power and `needs` must flow one way. When elements feed each other in a\n\
             circle (two transfer switches each listing the other as an input, or a\n\
             service that needs itself through others), none of them can be up first,\n\
             and the analysis has no answer. The message names the whole circle.",
            include_str!("examples/cycle.ron"),
        ),
        Code::RackOverlap => text(
            "Two devices in one rack claim the same rack unit. A device occupies the\n\
             units from `u` up to `u + height_u - 1`; a 2U server at U10 holds U10\n\
             and U11.",
            include_str!("examples/rack-overlap.ron"),
        ),
        Code::RackBounds => text(
            "A device does not fit inside its rack: `u` is 0 (units count from 1 at\n\
             the bottom) or the device's top unit is above the rack's `height_u`\n\
             (42 unless given).",
            include_str!("examples/rack-bounds.ron"),
        ),
        Code::BadValue => text(
            "A value the analysis cannot use: a required field is missing or written\n\
             twice, a value has the wrong type, a number is zero, negative, not\n\
             finite or implausibly large (over 1e9), an id has characters ids cannot\n\
             have, an `allow` list names no finding code, or an element has the wrong\n\
             number of inputs. The message names the field and what it takes.",
            include_str!("examples/bad-value.ron"),
        ),
        Code::BadThreshold => text(
            "A threshold that can never or always hold: a device's `psus_needed` is 0\n\
             or more than the PSUs it lists, or a `needs` entry `AtLeast(k, [...])`\n\
             has k = 0 or k above the number of members, or a list is empty.",
            include_str!("examples/bad-threshold.ron"),
        ),
        Code::Unpowered => text(
            "With nothing failed, a device or service is already down: an element\n\
             upstream is overloaded and trips, a device's feeds are all down, or a\n\
             `needs` entry cannot hold. The layout does not work even on a good day;\n\
             fix this before reading any what-if finding about the same part.",
            include_str!("examples/overload.ron"),
        ),
        Code::NoPowerPath => text(
            "A device is listed with `psus: []`: none of its power ports reaches a\n\
             power element. An inventory import keeps such a device (a NetBox port\n\
             with no cable) instead of dropping it, so the rack and what needs the\n\
             device stay in view. It is down from the start, like any device with no\n\
             power: a service that needs it is `unpowered`. Nothing that fails can\n\
             take it down further, so no what-if counts it.",
            include_str!("examples/no-power-path.ron"),
        ),
        Code::Overload => text(
            "With nothing failed, the steady load through an element is above 100% of\n\
             its capacity (a breaker's or panel's `rating_a` at its voltage, a UPS's\n\
             or generator's `capacity_kw`). It trips, and what it feeds goes down;\n\
             the finding lists what that is.",
            include_str!("examples/overload.ron"),
        ),
        Code::Derating => text(
            "The steady load through an element is above the policy's\n\
             `continuous_load_pct` (80% unless set) of its capacity, while still\n\
             under 100%. Breakers are rated for that share of continuous load, and\n\
             the headroom is what a failover or a new device needs.",
            include_str!("examples/derating.ron"),
        ),
        Code::SinglePsu => text(
            "A device has no spare PSU: it has a single PSU, or `psus_needed` equals\n\
             the number it has. Any fault in a PSU, its cord or its feed takes the\n\
             device down. Common and often accepted for small devices; say so with an\n\
             `allow` list.",
            include_str!("examples/single-psu.ron"),
        ),
        Code::FalseRedundancy => text(
            "A device has a spare PSU, yet one failure of a power element (or one\n\
             common cause) takes it down: both cords go to the same PDU, breaker,\n\
             panel or UPS somewhere upstream. The redundancy is on paper only. The\n\
             finding's subject is the element whose failure does it.",
            include_str!("examples/false-redundancy.ron"),
        ),
        Code::Spof => text(
            "A single point of failure: one event takes down a service marked\n\
             `critical: true`. The event is any of the three kinds: a power element\n\
             or device fails, a PSU shorts and trips what protects it, or a common\n\
             cause strikes. The finding names the event and what goes down. It is\n\
             also allowed when every critical service it takes down allows `spof`.",
            include_str!("examples/spof.ron"),
        ),
        Code::SharedFate => text(
            "One event takes down a critical service and, with it, what is meant to\n\
             see it fail: a device or service with role `Management`, `Monitoring`,\n\
             `StatusPage` or `Backup` that observes it (a role device observes every\n\
             critical service; a role service those in its `observes`). The outage\n\
             then comes with no alarm, no remote hands and no status page.",
            include_str!("examples/shared-fate.ron"),
        ),
        Code::ShortTrip => text(
            "A short in any PSU below a protective device (a breaker, a rated panel,\n\
             a UPS, a source) trips it, since a PDU without outlet breakers passes\n\
             the fault up, and the trip takes down every device it feeds. One bad\n\
             power supply then takes its neighbours with it. A warning, and an error\n\
             when a critical service goes down.",
            include_str!("examples/short-trip.ron"),
        ),
        Code::FailoverOverload => text(
            "One failure moves load onto the surviving side, and that side is then\n\
             above 100% of its rating and trips too: redundancy that fails under\n\
             load. Each side of an A/B pair must carry the whole load alone, so each\n\
             must run under half its rating. The finding lists the trips round by\n\
             round with their load.",
            include_str!("examples/failover-overload.ron"),
        ),
        Code::UpsBridge => text(
            "When the utility fails, a UPS must carry its load until the generator\n\
             has started and every transfer switch between them has switched. Its\n\
             runtime at the base load (`runtime_min` x capacity / load) is shorter\n\
             than the generator's `start_s` plus those `transfer_s`, plus the\n\
             policy's `ups_margin_s`: the load drops before the generator takes it.",
            include_str!("examples/ups-bridge.ron"),
        ),
        Code::NoStandby => text(
            "A UPS has no generator anywhere upstream, so a utility outage longer\n\
             than its battery runtime takes down everything it feeds. A note: many\n\
             small rooms are built so on purpose.",
            include_str!("examples/no-standby.ron"),
        ),
        Code::PhaseImbalance => text(
            "On a three-phase element (`phases: 3`), the load on one leg deviates from\n\
             the mean of the three by more than the policy's\n\
             `max_phase_imbalance_pct` (15% unless set). PSUs say their leg with\n\
             `phase: 1/2/3`. An unbalanced feed wastes capacity and overheats the\n\
             loaded leg and the neutral.",
            include_str!("examples/phase-imbalance.ron"),
        ),
        Code::DoubleFault => text(
            "A critical service survives every single event but goes down on some pair\n\
             of events together: its minimal cut sets of order two. That is what\n\
             redundancy is for, so it is a note; the finding shows the first pairs\n\
             so you can check each pair is truly independent (not one supplier, one\n\
             firmware, one room).",
            include_str!("examples/double-fault.ron"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explanation_and_an_example() {
        for code in Code::all() {
            let e = explanation(code);
            assert!(!e.what.trim().is_empty(), "{code}: explanation");
            assert!(!e.example.trim().is_empty(), "{code}: example");
            assert!(render(code).contains(e.what), "{code}");
        }
    }
}
