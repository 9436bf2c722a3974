//! A synthetic hall generator: realistic layouts of any size, for
//! benchmarks, demos and peers (`faultline gen`).
//!
//! The site is built from halls of up to 100 racks (5 rows of 20). Each hall
//! has its own 2N chain per side (A and B): utility and standby generator
//! into an ATS, a UPS, a main switchboard, then a floor PDU per row and side,
//! a branch breaker per rack and side, and a rack PDU per rack and side.
//! Every rack holds 40 devices: a ToR switch pair, dual-PSU servers, 2-of-4
//! chassis (`psus_needed: 2`) or 2U storage shelves. Dense racks are fed
//! three-phase, with each PSU's leg given (balanced across the legs).
//! Services need k of n servers spread across racks (`AtLeast`); each hall
//! has a management service on two out-of-band routers (role `Management`)
//! and the site has a status page (role `StatusPage`).
//!
//! Ratings follow the usual design rules, so a hall without flaws has no
//! error findings: a rack circuit carries the whole rack within 80% of its
//! rating (one side can carry the rack when the other fails), and so do the
//! floor PDUs, switchboards, UPSes and generators for their rows and halls.
//!
//! Flaws are injected per rack at `flaw_rate`; the kinds take turns, so any
//! five flawed racks show every kind (see [`FlawKind`]).
//!
//! Everything is a pure function of the options (a SplitMix64 stream per
//! rack and per hall, no hash-map order), so the same options give the same
//! bytes. The writers stream: the site is planned in one cheap pass (numbers
//! only, about 40 bytes a rack), then each rack is planned again and written
//! as it is made, so `--racks 25000` (a million devices) needs no more than
//! a rack's worth of strings at a time.

use std::io::{self, Write};

use crate::model::format::Layout;

mod emit;
mod plan;
mod sinks;

use plan::Site;
use sinks::{Collect, JsonSink, RonSink};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenOptions {
    /// Racks in the site (40 devices each).
    pub racks: usize,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
    /// Share of racks (0 to 1) that get one flaw.
    pub flaw_rate: f64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            racks: 10,
            seed: 1,
            flaw_rate: 0.0,
        }
    }
}

/// The design flaws the generator can inject, one per flawed rack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlawKind {
    /// A server with one PSU.
    SinglePsu,
    /// A dual-PSU server with both cords in the same rack PDU.
    SharedPdu,
    /// The rack's B PDU is patched onto the A breaker.
    SharedBreaker,
    /// Each side carries about 65% of its circuit: after one side fails,
    /// the other carries 130% and trips.
    OverloadedSides,
    /// Both rack PDUs run one firmware with a known reboot bug (a
    /// common-cause group).
    CommonCause,
}

impl FlawKind {
    pub const ALL: [FlawKind; 5] = [
        FlawKind::SinglePsu,
        FlawKind::SharedPdu,
        FlawKind::SharedBreaker,
        FlawKind::OverloadedSides,
        FlawKind::CommonCause,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FlawKind::SinglePsu => "single-psu device",
            FlawKind::SharedPdu => "both cords on one PDU",
            FlawKind::SharedBreaker => "A and B on one breaker",
            FlawKind::OverloadedSides => "overloaded sides",
            FlawKind::CommonCause => "common cause",
        }
    }

    /// The finding code `check` raises for this flaw, about [`Flaw::subject`].
    pub fn finding_code(self) -> crate::code::Code {
        use crate::code::Code;
        match self {
            FlawKind::SinglePsu => Code::SinglePsu,
            FlawKind::SharedPdu | FlawKind::SharedBreaker | FlawKind::CommonCause => {
                Code::FalseRedundancy
            }
            FlawKind::OverloadedSides => Code::FailoverOverload,
        }
    }
}

/// One injected flaw: `check` reports [`FlawKind::finding_code`] with
/// `subject` as the finding's subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flaw {
    pub kind: FlawKind,
    pub rack: String,
    pub subject: String,
}

/// Generate the whole layout in memory.
pub fn generate(opts: &GenOptions) -> Layout {
    let site = Site::plan(opts);
    let mut sink = Collect::default();
    site.emit(&mut sink).expect("collecting cannot fail");
    sink.into_layout()
}

/// The flaws `generate` injects for these options, in rack order.
pub fn flaws(opts: &GenOptions) -> Vec<Flaw> {
    let site = Site::plan(opts);
    let mut out = Vec::new();
    for (i, info) in site.racks.iter().enumerate() {
        if let Some(kind) = info.flaw {
            let plan = site.plan_rack(i);
            out.push(Flaw {
                kind,
                rack: site.rack_id(i),
                subject: site.flaw_subject(i, &plan),
            });
        }
    }
    out
}

/// Write the layout as RON (one element or device per line), streaming.
pub fn write_ron(opts: &GenOptions, out: impl Write) -> io::Result<()> {
    let site = Site::plan(opts);
    site.emit(&mut RonSink::new(out))
}

/// Write the layout as JSON (the serde structure of [`Layout`], one
/// element or device per line), streaming.
pub fn write_json(opts: &GenOptions, out: impl Write) -> io::Result<()> {
    let site = Site::plan(opts);
    site.emit(&mut JsonSink::new(out))
}
