//! The long explanation of each code, with a small example, for
//! `faultline explain CODE` (in the manner of `rustc --explain`).
//!
//! Each example is a whole layout that raises its code; the tests load
//! every one and check that it does, so an example cannot drift from what
//! the tool says.

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
                "\nValidation errors cannot be allowed: the file must be corrected."
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
            r#"Layout(
    name: "missing comma"
    power: [Utility(id: "utility")],
    racks: [],
)"#,
        ),
        Code::UnknownField => text(
            "A field name, element kind or enum variant that the layout format does not\n\
             define, usually a typo. The format rejects unknown names rather than\n\
             ignoring them, so a misspelt `allow` or `psus_needed` never silently\n\
             does nothing. The help lists the names expected at that place.",
            r#"Layout(
    name: "misspelt field",
    power: [Utility(id: "utility", capacity: 100)],
    racks: [],
)"#,
        ),
        Code::DuplicateId => text(
            "Every id names one thing across the whole file: power elements, racks,\n\
             devices, services and common-cause groups share one namespace, because\n\
             references (`input`, `feed`, `needs`, `members`) may name any of them.\n\
             The PSU names of one device must differ too, as PSUs are named\n\
             `device/psu`.",
            r#"Layout(
    name: "one id twice",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
        Breaker(id: "cb-1", input: "utility", rating_a: 32),
    ],
    racks: [],
)"#,
        ),
        Code::UnknownRef => text(
            "A reference names an id that is defined nowhere in the file: an `input`,\n\
             a PSU's `feed`, a `needs` member, a PDU's `rack`, a common cause's\n\
             `members` or a service's `observes`. The help names the closest existing\n\
             id of the right kind when there is one.",
            r#"Layout(
    name: "typo in a reference",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utilty", rating_a: 16),
    ],
    racks: [],
)"#,
        ),
        Code::BadRefKind => text(
            "A reference names an id that exists but is the wrong kind of thing for\n\
             that field: an `input` must be a power element, a PSU's `feed` a Pdu,\n\
             Breaker, Panel, Sts or Ups, `needs` devices or services, a PDU's `rack`\n\
             a rack, and `observes` a critical service.",
            r#"Layout(
    name: "a rack as a feed",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "r1", rating_a: 16),
    ],
    racks: [Rack(id: "r1", devices: [])],
)"#,
        ),
        Code::Cycle => text(
            "Power and `needs` must flow one way. When elements feed each other in a\n\
             circle (two transfer switches each listing the other as an input, or a\n\
             service that needs itself through others), none of them can be up first,\n\
             and the analysis has no answer. The message names the whole circle.",
            r#"Layout(
    name: "switches feeding each other",
    power: [
        Utility(id: "utility"),
        Sts(id: "sts-a", inputs: ["utility", "sts-b"]),
        Sts(id: "sts-b", inputs: ["utility", "sts-a"]),
    ],
    racks: [],
)"#,
        ),
        Code::RackOverlap => text(
            "Two devices in one rack claim the same rack unit. A device occupies the\n\
             units from `u` up to `u + height_u - 1`; a 2U server at U10 holds U10\n\
             and U11.",
            r#"Layout(
    name: "two devices in U11",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "web-1", kind: Server, u: 10, height_u: 2, draw_w: 300,
                   psus: [(feed: "cb-1")]),
            Device(id: "web-2", kind: Server, u: 11, draw_w: 300,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::RackBounds => text(
            "A device does not fit inside its rack: `u` is 0 (units count from 1 at\n\
             the bottom) or the device's top unit is above the rack's `height_u`\n\
             (42 unless given).",
            r#"Layout(
    name: "a switch above the top",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", height_u: 42, devices: [
            Device(id: "tor-1", kind: Switch, u: 42, height_u: 2, draw_w: 150,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::BadValue => text(
            "A value the analysis cannot use: a required field is missing or written\n\
             twice, a value has the wrong type, a number is zero, negative, not\n\
             finite or implausibly large (over 1e9), an id has characters ids cannot\n\
             have, an `allow` list names no finding code, or an element has the wrong\n\
             number of inputs. The message names the field and what it takes.",
            r#"Layout(
    name: "a breaker rated 0 A",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 0),
    ],
    racks: [],
)"#,
        ),
        Code::BadThreshold => text(
            "A threshold that can never or always hold: a device's `psus_needed` is 0\n\
             or more than the PSUs it lists, or a `needs` entry `AtLeast(k, [...])`\n\
             has k = 0 or k above the number of members, or a list is empty.",
            r#"Layout(
    name: "needs two PSUs, has one",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 300,
                   psus: [(feed: "cb-1")], psus_needed: 2),
        ]),
    ],
)"#,
        ),
        Code::Unpowered => text(
            "With nothing failed, a device or service is already down: an element\n\
             upstream is overloaded and trips, a device's feeds are all down, or a\n\
             `needs` entry cannot hold. The layout does not work even on a good day;\n\
             fix this before reading any what-if finding about the same part.",
            r#"Layout(
    name: "a 2 A breaker under a 1 kW server",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 2),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "big-1", kind: Server, u: 1, draw_w: 1000,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::Overload => text(
            "With nothing failed, the steady load through an element is above 100% of\n\
             its capacity (a breaker's or panel's `rating_a` at its voltage, a UPS's\n\
             or generator's `capacity_kw`). It trips, and what it feeds goes down;\n\
             the finding lists what that is.",
            r#"Layout(
    name: "a 2 A breaker under a 1 kW server",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 2),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "big-1", kind: Server, u: 1, draw_w: 1000,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::Derating => text(
            "The steady load through an element is above the policy's\n\
             `continuous_load_pct` (80% unless set) of its capacity, while still\n\
             under 100%. Breakers are rated for that share of continuous load, and\n\
             the headroom is what a failover or a new device needs.",
            r#"Layout(
    name: "a 16 A breaker at 90%",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "gpu-1", kind: Server, u: 1, height_u: 4, draw_w: 3300,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::SinglePsu => text(
            "A device has no spare PSU: it has a single PSU, or `psus_needed` equals\n\
             the number it has. Any fault in a PSU, its cord or its feed takes the\n\
             device down. Common and often accepted for small devices; say so with an\n\
             `allow` list.",
            r#"Layout(
    name: "one cord",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "router-1", kind: Router, u: 1, draw_w: 100,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::FalseRedundancy => text(
            "A device has a spare PSU, yet one failure of a power element (or one\n\
             common cause) takes it down: both cords go to the same PDU, breaker,\n\
             panel or UPS somewhere upstream. The redundancy is on paper only. The\n\
             finding's subject is the element whose failure does it.",
            r#"Layout(
    name: "A and B on one breaker",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
        Pdu(id: "pdu-a", input: "cb-1", rack: "r1"),
        Pdu(id: "pdu-b", input: "cb-1", rack: "r1"),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 300,
                   psus: [(feed: "pdu-a"), (feed: "pdu-b")]),
        ]),
    ],
)"#,
        ),
        Code::Spof => text(
            "A single point of failure: one event takes down a service marked\n\
             `critical: true`. The event is any of the three kinds: a power element\n\
             or device fails, a PSU shorts and trips what protects it, or a common\n\
             cause strikes. The finding names the event and what goes down. It is\n\
             also allowed when every critical service it takes down allows `spof`.",
            r#"Layout(
    name: "one breaker for the database",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 300,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
    services: [
        Service(id: "db", needs: [All(["db-1"])], critical: true),
    ],
)"#,
        ),
        Code::SharedFate => text(
            "One event takes down a critical service and, with it, what is meant to\n\
             see it fail: a device or service with role `Management`, `Monitoring`,\n\
             `StatusPage` or `Backup` that observes it (a role device observes every\n\
             critical service; a role service those in its `observes`). The outage\n\
             then comes with no alarm, no remote hands and no status page.",
            r#"Layout(
    name: "the monitor on the same breaker",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "web-1", kind: Server, u: 1, draw_w: 300,
                   psus: [(feed: "cb-1")]),
            Device(id: "mon-1", kind: Server, u: 2, draw_w: 200,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
    services: [
        Service(id: "web", needs: [All(["web-1"])], critical: true),
        Service(id: "monitoring", needs: [All(["mon-1"])], role: Monitoring),
    ],
)"#,
        ),
        Code::ShortTrip => text(
            "A short in any PSU below a protective device (a breaker, a rated panel,\n\
             a UPS, a source) trips it, since a PDU without outlet breakers passes\n\
             the fault up, and the trip takes down every device it feeds. One bad\n\
             power supply then takes its neighbours with it. A warning, and an error\n\
             when a critical service goes down.",
            r#"Layout(
    name: "six servers behind one breaker",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-1", input: "utility", rating_a: 16),
        Pdu(id: "pdu-1", input: "cb-1", rack: "r1"),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "app-1", kind: Server, u: 1, draw_w: 300,
                   psus: [(feed: "pdu-1")]),
            Device(id: "app-2", kind: Server, u: 2, draw_w: 300,
                   psus: [(feed: "pdu-1")]),
        ]),
    ],
)"#,
        ),
        Code::FailoverOverload => text(
            "One failure moves load onto the surviving side, and that side is then\n\
             above 100% of its rating and trips too: redundancy that fails under\n\
             load. Each side of an A/B pair must carry the whole load alone, so each\n\
             must run under half its rating. The finding lists the trips round by\n\
             round with their load.",
            r#"Layout(
    name: "two sides at 60%",
    power: [
        Utility(id: "utility"),
        Breaker(id: "cb-a", input: "utility", rating_a: 16),
        Breaker(id: "cb-b", input: "utility", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 2200,
                   psus: [(feed: "cb-a"), (feed: "cb-b")]),
            Device(id: "db-2", kind: Server, u: 2, draw_w: 2200,
                   psus: [(feed: "cb-a"), (feed: "cb-b")]),
        ]),
    ],
)"#,
        ),
        Code::UpsBridge => text(
            "When the utility fails, a UPS must carry its load until the generator\n\
             has started and every transfer switch between them has switched. Its\n\
             runtime at the base load (`runtime_min` x capacity / load) is shorter\n\
             than the generator's `start_s` plus those `transfer_s`, plus the\n\
             policy's `ups_margin_s`: the load drops before the generator takes it.",
            r#"Layout(
    name: "a 30-second battery for a 60-second start",
    power: [
        Utility(id: "utility"),
        Generator(id: "gen", start_s: 60, capacity_kw: 20),
        Ats(id: "ats", inputs: ["utility", "gen"], transfer_s: 10),
        Ups(id: "ups", input: "ats", capacity_kw: 2, runtime_min: 0.5),
        Breaker(id: "cb-1", input: "ups", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 2000,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::NoStandby => text(
            "A UPS has no generator anywhere upstream, so a utility outage longer\n\
             than its battery runtime takes down everything it feeds. A note: many\n\
             small rooms are built so on purpose.",
            r#"Layout(
    name: "battery only",
    power: [
        Utility(id: "utility"),
        Ups(id: "ups", input: "utility", capacity_kw: 10, runtime_min: 10),
        Breaker(id: "cb-1", input: "ups", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 300,
                   psus: [(feed: "cb-1")]),
        ]),
    ],
)"#,
        ),
        Code::PhaseImbalance => text(
            "On a three-phase element (`phases: 3`), the load on one leg deviates from\n\
             the mean of the three by more than the policy's\n\
             `max_phase_imbalance_pct` (15% unless set). PSUs say their leg with\n\
             `phase: 1/2/3`. An unbalanced feed wastes capacity and overheats the\n\
             loaded leg and the neutral.",
            r#"Layout(
    name: "everything on leg 1",
    power: [
        Utility(id: "utility"),
        Panel(id: "panel-1", input: "utility", rating_a: 32, phases: 3),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 1000,
                   psus: [(feed: "panel-1", phase: 1)]),
        ]),
    ],
)"#,
        ),
        Code::DoubleFault => text(
            "A critical service survives every single event but goes down on some pair\n\
             of events together: its minimal cut sets of order two. That is what\n\
             redundancy is for, so it is a note; the finding shows the first pairs\n\
             so you can check each pair is truly independent (not one supplier, one\n\
             firmware, one room).",
            r#"Layout(
    name: "two independent feeds",
    power: [
        Utility(id: "utility-a"),
        Utility(id: "utility-b"),
        Breaker(id: "cb-a", input: "utility-a", rating_a: 16),
        Breaker(id: "cb-b", input: "utility-b", rating_a: 16),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "db-1", kind: Server, u: 1, draw_w: 300,
                   psus: [(feed: "cb-a"), (feed: "cb-b")]),
        ]),
    ],
    services: [
        Service(id: "db", needs: [All(["db-1"])], critical: true),
    ],
)"#,
        ),
    }
}
