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

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::model::format::{
    CommonCause, Device, DeviceKind, Layout, Need, Policy, PowerElement, Psu, Rack, Role, Service,
};

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
    sink.layout.expect("the header is always emitted")
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
    let mut sink = RonSink {
        out: io::BufWriter::with_capacity(1 << 16, out),
        line: String::with_capacity(512),
    };
    site.emit(&mut sink)?;
    sink.out.flush()
}

/// Write the layout as JSON (the serde structure of [`Layout`], one
/// element or device per line), streaming.
pub fn write_json(opts: &GenOptions, out: impl Write) -> io::Result<()> {
    let site = Site::plan(opts);
    let mut sink = JsonSink {
        out: io::BufWriter::with_capacity(1 << 16, out),
        first: true,
    };
    site.emit(&mut sink)?;
    sink.out.flush()
}

// ---- randomness -------------------------------------------------------------

/// SplitMix64, as in the test oracle: tiny, fast and fully specified.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    /// An independent stream for (seed, stream, index).
    fn stream(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.0 ^= index.wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03);
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

const STREAM_RACK: u64 = 1;
const STREAM_FLAW: u64 = 2;
const STREAM_HALL: u64 = 3;
const STREAM_SERVICES: u64 = 4;

// ---- the site plan ---------------------------------------------------------

const ROW_RACKS: usize = 20;
const HALL_ROWS: usize = 5;
const HALL_RACKS: usize = ROW_RACKS * HALL_ROWS;
const RACK_U: u32 = 48;
/// Design rule: a circuit carries at most this share of its rating with
/// everything it may have to carry on failover.
const DESIGN_LOAD: f64 = 0.8;
/// An overloaded rack carries this share of one circuit in total.
const OVERLOAD: f64 = 1.3;
/// Rack feeds: IEC 60309 16, 32 and 63 A.
const RACK_AMPS: [u32; 3] = [16, 32, 63];
const FLOOR_PDU_AMPS: [u32; 10] = [63, 100, 125, 160, 200, 250, 320, 400, 500, 630];
const SWITCHBOARD_AMPS: [u32; 11] = [
    400, 630, 800, 1000, 1250, 1600, 2000, 2500, 3200, 4000, 5000,
];
const UPS_KW: [u32; 14] = [
    100, 160, 200, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000,
];
const SQRT3: f64 = 1.732_050_807_568_877_2;
/// Server slots services draw their members from; s01/s02 may hold the
/// management routers and s30 the status page.
const SERVICE_SLOTS: std::ops::RangeInclusive<u8> = 3..=27;
const STATUS_SLOT: u8 = 30;
const SERVICE_NAMES: [&str; 12] = [
    "db", "web", "api", "cache", "queue", "search", "auth", "billing", "kv", "batch", "ml", "log",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// 230 V single-phase; 36 1U servers and two 2-of-4 chassis.
    Compute,
    /// 400 V three-phase; 36 dense 1U servers and two 2-of-4 chassis.
    Dense,
    /// 230 V single-phase; 30 1U servers and eight 2U storage shelves.
    Storage,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Profile::Compute => "compute",
            Profile::Dense => "dense compute",
            Profile::Storage => "storage",
        }
    }

    fn three_phase(self) -> bool {
        self == Profile::Dense
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

impl Side {
    fn letter(self) -> char {
        match self {
            Side::A => 'a',
            Side::B => 'b',
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Tor(u8),
    Server(u8),
    Chassis(u8),
    Storage(u8),
    Mgmt(u8),
}

impl Name {
    fn write(self, rack: &str, out: &mut String) {
        out.clear();
        out.push_str(rack);
        let _ = match self {
            Name::Tor(i) => write!(out, "-tor{i}"),
            Name::Server(i) => write!(out, "-s{i:02}"),
            Name::Chassis(i) => write!(out, "-ch{i}"),
            Name::Storage(i) => write!(out, "-st{i}"),
            Name::Mgmt(i) => write!(out, "-mgmt{i}"),
        };
    }
}

/// One device, as numbers.
#[derive(Debug, Clone)]
struct DevPlan {
    name: Name,
    kind: DeviceKind,
    height: u32,
    draw: u32,
    /// Each PSU's side and leg (0: none given).
    psus: Vec<(Side, u8)>,
    needed: u32,
}

#[derive(Debug, Clone)]
struct RackPlan {
    profile: Profile,
    devices: Vec<DevPlan>,
    rating_a: u32,
    total_w: f64,
    /// The device the flaw is in (single PSU, shared PDU).
    flaw_device: Option<usize>,
}

/// What the first pass keeps of each rack.
#[derive(Debug, Clone, Copy)]
struct RackInfo {
    flaw: Option<FlawKind>,
    profile: Profile,
    rating_a: u32,
    total_w: f64,
}

#[derive(Debug, Clone)]
struct Hall {
    first: usize,
    count: usize,
    /// Per row: total watts.
    rows: Vec<f64>,
    total_w: f64,
}

struct Site {
    opts: GenOptions,
    racks: Vec<RackInfo>,
    halls: Vec<Hall>,
}

/// The smallest entry of `list` at or above `need`; past the end, the last
/// entry's multiple.
fn pick(list: &[u32], need: f64) -> u32 {
    match list.iter().find(|&&x| f64::from(x) >= need) {
        Some(&x) => x,
        None => {
            let step = *list.last().expect("non-empty list");
            (need / f64::from(step)).ceil() as u32 * step
        }
    }
}

fn rack_watts_per_amp(three_phase: bool) -> f64 {
    if three_phase { 400.0 * SQRT3 } else { 230.0 }
}

impl Site {
    fn plan(opts: &GenOptions) -> Site {
        let mut site = Site {
            opts: opts.clone(),
            racks: Vec::with_capacity(opts.racks),
            halls: Vec::new(),
        };
        let mut flawed = 0usize;
        for i in 0..opts.racks {
            let flaw = if Rng::stream(opts.seed, STREAM_FLAW, i as u64).chance(opts.flaw_rate) {
                flawed += 1;
                Some(FlawKind::ALL[(flawed - 1) % FlawKind::ALL.len()])
            } else {
                None
            };
            // The plan reads the flaw back from `racks`.
            site.racks.push(RackInfo {
                flaw,
                profile: Profile::Compute,
                rating_a: 0,
                total_w: 0.0,
            });
            let plan = site.plan_rack(i);
            let info = &mut site.racks[i];
            info.profile = plan.profile;
            info.rating_a = plan.rating_a;
            info.total_w = plan.total_w;
        }
        let mut first = 0;
        while first < opts.racks {
            let count = HALL_RACKS.min(opts.racks - first);
            let rows: Vec<f64> = (0..count.div_ceil(ROW_RACKS))
                .map(|r| {
                    let lo = first + r * ROW_RACKS;
                    let hi = (lo + ROW_RACKS).min(first + count);
                    site.racks[lo..hi].iter().map(|x| x.total_w).sum()
                })
                .collect();
            let total_w = rows.iter().sum();
            site.halls.push(Hall {
                first,
                count,
                rows,
                total_w,
            });
            first += count;
        }
        site
    }

    fn hall_id(h: usize) -> String {
        format!("h{:03}", h + 1)
    }

    /// (hall, row in hall, position in row).
    fn location(i: usize) -> (usize, usize, usize) {
        let local = i % HALL_RACKS;
        (i / HALL_RACKS, local / ROW_RACKS, local % ROW_RACKS)
    }

    fn rack_id(&self, i: usize) -> String {
        let (h, r, p) = Self::location(i);
        format!("h{:03}-{:02}-{:02}", h + 1, r + 1, p + 1)
    }

    fn row_id(h: usize, r: usize) -> String {
        format!("h{:03}-{:02}", h + 1, r + 1)
    }

    fn hall_size(&self, h: usize) -> usize {
        HALL_RACKS.min(self.opts.racks - h * HALL_RACKS)
    }

    /// Rack `i` in full, as numbers: a function of the seed, `i` and its
    /// flaw only.
    fn plan_rack(&self, i: usize) -> RackPlan {
        let flaw = self.racks[i].flaw;
        let mut rng = Rng::stream(self.opts.seed, STREAM_RACK, i as u64);
        let roll = rng.range(0, 99);
        let profile = match roll {
            0..=54 => Profile::Compute,
            55..=79 => Profile::Dense,
            _ => Profile::Storage,
        };
        let (h, _, _) = Self::location(i);
        let local = i - h * HALL_RACKS;
        let hall_size = self.hall_size(h);
        // Management routers in the first two racks of the hall (both in
        // the first when the hall has one rack).
        let mut mgmt: Vec<(u8, u8)> = Vec::new(); // (server slot replaced, router number)
        if local == 0 {
            mgmt.push((1, 1));
            if hall_size == 1 {
                mgmt.push((2, 2));
            }
        } else if local == 1 {
            mgmt.push((1, 2));
        }

        let dual = |side_count: usize| -> Vec<(Side, u8)> {
            (0..side_count)
                .flat_map(|_| [(Side::A, 0), (Side::B, 0)])
                .collect()
        };
        let mut devices = Vec::with_capacity(40);
        let tor_w = (180, 260);
        for t in 1..=2 {
            devices.push(DevPlan {
                name: Name::Tor(t),
                kind: DeviceKind::Switch,
                height: 1,
                draw: rng.range(tor_w.0, tor_w.1),
                psus: dual(1),
                needed: 1,
            });
        }
        let (servers, server_w) = match profile {
            Profile::Compute => (36, (100, 140)),
            Profile::Dense => (36, (300, 450)),
            Profile::Storage => (30, (100, 140)),
        };
        for s in 1..=servers {
            let draw = rng.range(server_w.0, server_w.1);
            if let Some(&(_, m)) = mgmt.iter().find(|(slot, _)| *slot == s) {
                devices.push(DevPlan {
                    name: Name::Mgmt(m),
                    kind: DeviceKind::Router,
                    height: 1,
                    draw: rng.range(40, 90),
                    psus: dual(1),
                    needed: 1,
                });
                continue;
            }
            devices.push(DevPlan {
                name: Name::Server(s),
                kind: DeviceKind::Server,
                height: 1,
                draw,
                psus: dual(1),
                needed: 1,
            });
        }
        match profile {
            Profile::Compute | Profile::Dense => {
                let w = if profile == Profile::Dense {
                    (1000, 1600)
                } else {
                    (350, 500)
                };
                for c in 1..=2 {
                    devices.push(DevPlan {
                        name: Name::Chassis(c),
                        kind: DeviceKind::Server,
                        height: 2,
                        draw: rng.range(w.0, w.1),
                        psus: dual(2),
                        needed: 2,
                    });
                }
            }
            Profile::Storage => {
                for s in 1..=8 {
                    devices.push(DevPlan {
                        name: Name::Storage(s),
                        kind: DeviceKind::Storage,
                        height: 2,
                        draw: rng.range(200, 300),
                        psus: dual(1),
                        needed: 1,
                    });
                }
            }
        }

        // Flaws in devices: a server slot no service or role relies on
        // specially (any of s03..s30).
        let mut flaw_device = None;
        if matches!(flaw, Some(FlawKind::SinglePsu | FlawKind::SharedPdu)) {
            let slot = rng.range(3, 30) as u8;
            let d = devices
                .iter()
                .position(|d| d.name == Name::Server(slot))
                .expect("every profile has servers s03..s30");
            let side = if rng.chance(0.5) { Side::A } else { Side::B };
            devices[d].psus = match flaw {
                Some(FlawKind::SinglePsu) => vec![(side, 0)],
                _ => vec![(side, 0), (side, 0)],
            };
            flaw_device = Some(d);
        }

        let three = profile.three_phase();
        let mut total_w: f64 = devices.iter().map(|d| f64::from(d.draw)).sum();
        let per_amp = rack_watts_per_amp(three);
        let rating_a = if flaw == Some(FlawKind::OverloadedSides) {
            // The circuit was sized for a lighter rack: the largest rating
            // below the rack's draw, and the draw made 130% of it.
            let rating = RACK_AMPS
                .iter()
                .rev()
                .copied()
                .find(|&a| f64::from(a) * per_amp < total_w)
                .unwrap_or(RACK_AMPS[0]);
            let factor = OVERLOAD * f64::from(rating) * per_amp / total_w;
            for d in &mut devices {
                d.draw = ((f64::from(d.draw) * factor).round() as u32).max(1);
            }
            total_w = devices.iter().map(|d| f64::from(d.draw)).sum();
            rating
        } else {
            pick(&RACK_AMPS, total_w / DESIGN_LOAD / per_amp)
        };

        // Three-phase racks: each PSU on the least loaded leg of its PDU.
        if three {
            let mut legs = [[0.0f64; 3]; 2];
            for d in &mut devices {
                let share = f64::from(d.draw) / d.psus.len() as f64;
                for (side, leg) in &mut d.psus {
                    let l = &mut legs[*side as usize];
                    let mut best = 0;
                    for k in 1..3 {
                        if l[k] < l[best] {
                            best = k;
                        }
                    }
                    l[best] += share;
                    *leg = best as u8 + 1;
                }
            }
        }
        RackPlan {
            profile,
            devices,
            rating_a,
            total_w,
            flaw_device,
        }
    }

    fn flaw_subject(&self, i: usize, plan: &RackPlan) -> String {
        let rack = self.rack_id(i);
        match self.racks[i].flaw {
            Some(FlawKind::SinglePsu) => {
                let mut s = String::new();
                plan.devices[plan.flaw_device.expect("flawed device")]
                    .name
                    .write(&rack, &mut s);
                s
            }
            Some(FlawKind::SharedPdu) => {
                let d = &plan.devices[plan.flaw_device.expect("flawed device")];
                format!("pdu-{rack}-{}", d.psus[0].0.letter())
            }
            Some(FlawKind::SharedBreaker) | Some(FlawKind::OverloadedSides) => {
                format!("cb-{rack}-a")
            }
            Some(FlawKind::CommonCause) => format!("fw-{rack}-pdu"),
            None => String::new(),
        }
    }

    // ---- emitting ----------------------------------------------------------

    fn emit(&self, sink: &mut dyn Sink) -> io::Result<()> {
        let o = &self.opts;
        let devices = o.racks * 40;
        let flawed = self.racks.iter().filter(|r| r.flaw.is_some()).count();
        let mut head = vec![
            format!(
                "Generated by `faultline gen --racks {} --seed {} --flaw-rate {}`.",
                o.racks, o.seed, o.flaw_rate
            ),
            format!(
                "{} racks in {} hall(s) of up to {} racks ({} rows of {}), {} devices.",
                o.racks,
                self.halls.len(),
                HALL_RACKS,
                HALL_ROWS,
                ROW_RACKS,
                devices
            ),
            "Each hall: 2N chain per side (utility + generator -> ATS -> UPS -> switchboard),"
                .into(),
            "a floor PDU per row and side, a breaker and a rack PDU per rack and side.".into(),
            "Circuits are sized so one side carries everything within 80% of its rating.".into(),
        ];
        head.push(format!(
            "{flawed} flawed rack(s); each flaw is marked `// FLAW:` at the element."
        ));
        let name = format!(
            "Synthetic site: {} racks, {} devices (seed {})",
            o.racks, devices, o.seed
        );
        let description = format!(
            "faultline gen --racks {} --seed {} --flaw-rate {}: {} hall(s), 2N power, {} flawed rack(s)",
            o.racks,
            o.seed,
            o.flaw_rate,
            self.halls.len(),
            flawed
        );
        let policy = Policy {
            continuous_load_pct: 80.0,
            ups_margin_s: 30.0,
            max_phase_imbalance_pct: 15.0,
        };
        sink.header(&head, name, description, policy)?;

        sink.open("power")?;
        for (h, hall) in self.halls.iter().enumerate() {
            self.emit_hall_power(sink, h, hall)?;
        }
        sink.close()?;

        sink.open("racks")?;
        let mut id = String::new();
        for i in 0..o.racks {
            let plan = self.plan_rack(i);
            self.emit_rack(sink, i, &plan, &mut id)?;
        }
        sink.close()?;

        sink.open("services")?;
        for h in 0..self.halls.len() {
            self.emit_hall_services(sink, h)?;
        }
        self.emit_status(sink)?;
        sink.close()?;

        if self
            .racks
            .iter()
            .any(|r| r.flaw == Some(FlawKind::CommonCause))
        {
            sink.open("common_causes")?;
            for (i, r) in self.racks.iter().enumerate() {
                if r.flaw == Some(FlawKind::CommonCause) {
                    let rack = self.rack_id(i);
                    sink.comment(&format!("FLAW: common cause: both rack PDUs of {rack} fail together (false-redundancy)"))?;
                    sink.common(CommonCause {
                        id: format!("fw-{rack}-pdu"),
                        members: vec![format!("pdu-{rack}-a"), format!("pdu-{rack}-b")],
                        note: Some(
                            "both rack PDUs run firmware 2.4.1 (watchdog reboot bug)".into(),
                        ),
                        allow: Vec::new(),
                    })?;
                }
            }
            sink.close()?;
        }
        sink.finish()
    }

    fn emit_hall_power(&self, sink: &mut dyn Sink, h: usize, hall: &Hall) -> io::Result<()> {
        let hid = Self::hall_id(h);
        let mut rng = Rng::stream(self.opts.seed, STREAM_HALL, h as u64);
        let hall_kw = hall.total_w / 1000.0;
        let ups_kw = pick(&UPS_KW, hall_kw / DESIGN_LOAD);
        let gen_kw = pick(&UPS_KW, hall_kw / DESIGN_LOAD);
        let swb_a = pick(
            &SWITCHBOARD_AMPS,
            hall.total_w / DESIGN_LOAD / (400.0 * SQRT3),
        );
        sink.comment(&format!(
            "==== hall {hid}: {} racks in {} row(s), {:.0} kW; 2N: each side carries the hall alone",
            hall.count,
            hall.rows.len(),
            hall_kw
        ))?;
        let start_s = f64::from(rng.range(10, 15));
        let runtime = f64::from(rng.range(6, 10));
        for side in [Side::A, Side::B] {
            let s = side.letter();
            sink.power(PowerElement::Utility {
                id: format!("util-{hid}-{s}"),
                capacity_kw: None,
                allow: Vec::new(),
            })?;
            sink.power(PowerElement::Generator {
                id: format!("gen-{hid}-{s}"),
                start_s,
                capacity_kw: Some(f64::from(gen_kw)),
                allow: Vec::new(),
            })?;
            sink.power(PowerElement::Ats {
                id: format!("ats-{hid}-{s}"),
                inputs: vec![format!("util-{hid}-{s}"), format!("gen-{hid}-{s}")],
                transfer_s: 10.0,
                rating_a: None,
                volts: None,
                phases: None,
                allow: Vec::new(),
            })?;
            sink.power(PowerElement::Ups {
                id: format!("ups-{hid}-{s}"),
                input: format!("ats-{hid}-{s}"),
                capacity_kw: f64::from(ups_kw),
                runtime_min: runtime,
                bypass: None,
                allow: Vec::new(),
            })?;
            sink.power(PowerElement::Panel {
                id: format!("swb-{hid}-{s}"),
                input: format!("ups-{hid}-{s}"),
                rating_a: Some(f64::from(swb_a)),
                volts: Some(400.0),
                phases: Some(3),
                allow: Vec::new(),
            })?;
        }
        for (r, &row_w) in hall.rows.iter().enumerate() {
            let row = Self::row_id(h, r);
            let fpdu_a = pick(&FLOOR_PDU_AMPS, row_w / DESIGN_LOAD / (400.0 * SQRT3));
            sink.comment(&format!("---- row {row}: {:.1} kW", row_w / 1000.0))?;
            for side in [Side::A, Side::B] {
                let s = side.letter();
                sink.power(PowerElement::Panel {
                    id: format!("fpdu-{row}-{s}"),
                    input: format!("swb-{hid}-{s}"),
                    rating_a: Some(f64::from(fpdu_a)),
                    volts: None,
                    phases: None,
                    allow: Vec::new(),
                })?;
            }
            let lo = hall.first + r * ROW_RACKS;
            let hi = (lo + ROW_RACKS).min(hall.first + hall.count);
            for i in lo..hi {
                self.emit_rack_power(sink, i, &row)?;
            }
        }
        Ok(())
    }

    fn emit_rack_power(&self, sink: &mut dyn Sink, i: usize, row: &str) -> io::Result<()> {
        let info = self.racks[i];
        let rack = self.rack_id(i);
        let three = info.profile.three_phase();
        let (volts, phases) = if three {
            (None, None)
        } else {
            (Some(230.0), Some(1))
        };
        let cap = f64::from(info.rating_a) * rack_watts_per_amp(three);
        match info.flaw {
            Some(FlawKind::OverloadedSides) => sink.comment(&format!(
                "FLAW: overloaded sides: {rack} draws {:.1} kW on {} A circuits: {:.0}% of one after failover (failover-overload)",
                info.total_w / 1000.0,
                info.rating_a,
                info.total_w / cap * 100.0
            ))?,
            Some(FlawKind::SharedBreaker) => sink.comment(&format!(
                "FLAW: A and B on one breaker: pdu-{rack}-b is patched onto cb-{rack}-a (false-redundancy)"
            ))?,
            _ => {}
        }
        for side in [Side::A, Side::B] {
            let s = side.letter();
            sink.power(PowerElement::Breaker {
                id: format!("cb-{rack}-{s}"),
                input: format!("fpdu-{row}-{s}"),
                rating_a: f64::from(info.rating_a),
                volts,
                phases,
                allow: Vec::new(),
            })?;
        }
        for side in [Side::A, Side::B] {
            let s = side.letter();
            let feed = if side == Side::B && info.flaw == Some(FlawKind::SharedBreaker) {
                format!("cb-{rack}-a")
            } else {
                format!("cb-{rack}-{s}")
            };
            sink.power(PowerElement::Pdu {
                id: format!("pdu-{rack}-{s}"),
                input: Some(feed),
                inputs: None,
                rack: Some(rack.clone()),
                rating_a: None,
                volts: None,
                phases: None,
                outlet_breakers: false,
                allow: Vec::new(),
            })?;
        }
        Ok(())
    }

    fn emit_rack(
        &self,
        sink: &mut dyn Sink,
        i: usize,
        plan: &RackPlan,
        id: &mut String,
    ) -> io::Result<()> {
        let rack = self.rack_id(i);
        let (h, r, _) = Self::location(i);
        let three = plan.profile.three_phase();
        let cap = f64::from(plan.rating_a) * rack_watts_per_amp(three);
        let header = format!(
            "{rack}: {}, {:.1} kW on {} A {} circuits ({:.0}% of one)",
            plan.profile.name(),
            plan.total_w / 1000.0,
            plan.rating_a,
            if three { "400 V 3-phase" } else { "230 V" },
            plan.total_w / cap * 100.0
        );
        let pdu = [format!("pdu-{rack}-a"), format!("pdu-{rack}-b")];
        let mut tor = [String::new(), String::new()];
        Name::Tor(1).write(&rack, &mut tor[0]);
        Name::Tor(2).write(&rack, &mut tor[1]);
        let mut devices = Vec::with_capacity(plan.devices.len());
        let mut u = RACK_U + 1;
        let mut note = None;
        for (k, d) in plan.devices.iter().enumerate() {
            u -= d.height;
            d.name.write(&rack, id);
            let psus = d
                .psus
                .iter()
                .map(|&(side, leg)| Psu {
                    feed: pdu[side as usize].clone(),
                    name: None,
                    phase: (leg > 0).then_some(u32::from(leg)),
                })
                .collect();
            let (needs, roles) = match d.name {
                Name::Tor(_) => (Vec::new(), Vec::new()),
                Name::Mgmt(_) => (Vec::new(), vec![Role::Management]),
                _ => (vec![Need::Any(tor.to_vec())], Vec::new()),
            };
            if plan.flaw_device == Some(k) {
                note = Some((
                    k,
                    match self.racks[i].flaw {
                        Some(FlawKind::SinglePsu) => {
                            format!("FLAW: single-psu device: {id} has one PSU (single-psu)")
                        }
                        _ => format!(
                            "FLAW: both cords on one PDU: {id} is plugged twice into {} (false-redundancy)",
                            pdu[d.psus[0].0 as usize]
                        ),
                    },
                ));
            }
            devices.push(Device {
                id: id.clone(),
                kind: d.kind,
                u,
                height_u: d.height,
                draw_w: f64::from(d.draw),
                psus,
                psus_needed: d.needed,
                needs,
                roles,
                allow: Vec::new(),
            });
        }
        sink.rack(
            &header,
            Rack {
                id: rack.clone(),
                height_u: RACK_U,
                row: Some(Self::row_id(h, r)),
                devices,
            },
            note,
        )
    }

    fn emit_hall_services(&self, sink: &mut dyn Sink, h: usize) -> io::Result<()> {
        let hall = &self.halls[h];
        let hid = Self::hall_id(h);
        let mut rng = Rng::stream(self.opts.seed, STREAM_SERVICES, h as u64);
        let n_racks = hall.count;
        let count = (n_racks / 4).clamp(1, SERVICE_SLOTS.clone().count());
        sink.comment(&format!(
            "==== hall {hid}: {count} service(s) over its servers"
        ))?;
        let mut critical_ids = Vec::new();
        let mut first_service = String::new();
        for j in 0..count {
            let slot = SERVICE_SLOTS.start() + j as u8;
            let kind = SERVICE_NAMES[(j + h) % SERVICE_NAMES.len()];
            let id = format!("svc-{hid}-{kind}-{:02}", j + 1);
            let members: Vec<String> = if n_racks == 1 {
                // One rack: two servers in it.
                vec![
                    format!("{}-s{:02}", self.rack_id(hall.first), slot),
                    format!("{}-s{:02}", self.rack_id(hall.first), slot + count as u8),
                ]
            } else {
                let n = (rng.range(6, 16) as usize).min(n_racks);
                let start = rng.range(0, n_racks as u32 - 1) as usize;
                let mut racks: Vec<usize> = (0..n)
                    .map(|t| hall.first + (start + t * 7) % n_racks)
                    .collect();
                // A stride of 7 repeats when 7 divides into the hall; fall
                // back to consecutive racks then.
                racks.sort_unstable();
                racks.dedup();
                if racks.len() < n {
                    racks = (0..n).map(|t| hall.first + (start + t) % n_racks).collect();
                    racks.sort_unstable();
                }
                racks
                    .iter()
                    .map(|&i| format!("{}-s{:02}", self.rack_id(i), slot))
                    .collect()
            };
            let n = members.len() as u32;
            let k = match rng.range(0, 2) {
                0 if n >= 4 => n / 2 + 1,
                1 if n >= 3 => n - 2,
                _ => n - 1,
            }
            .max(1);
            let critical = j == 0 || rng.chance(0.35);
            let mut needs = vec![Need::AtLeast(k, members)];
            if j > 0 && !first_service.is_empty() && rng.chance(0.3) {
                needs.push(Need::All(vec![first_service.clone()]));
            }
            if critical {
                critical_ids.push(id.clone());
            }
            if j == 0 {
                first_service = id.clone();
            }
            sink.service(Service {
                id,
                needs,
                critical,
                role: None,
                observes: None,
                allow: Vec::new(),
            })?;
        }
        // The hall's out-of-band management.
        let r0 = self.rack_id(hall.first);
        let routers = if n_racks == 1 {
            vec![format!("{r0}-mgmt1"), format!("{r0}-mgmt2")]
        } else {
            vec![
                format!("{r0}-mgmt1"),
                format!("{}-mgmt2", self.rack_id(hall.first + 1)),
            ]
        };
        sink.service(Service {
            id: format!("mgmt-{hid}"),
            needs: vec![Need::Any(routers)],
            critical: false,
            role: Some(Role::Management),
            observes: Some(critical_ids),
            allow: Vec::new(),
        })
    }

    fn emit_status(&self, sink: &mut dyn Sink) -> io::Result<()> {
        let n = self.opts.racks;
        let mut members: Vec<String> = if n == 1 {
            vec![
                format!("{}-s{:02}", self.rack_id(0), STATUS_SLOT - 1),
                format!("{}-s{:02}", self.rack_id(0), STATUS_SLOT),
            ]
        } else {
            let mut racks = vec![0, n / 3, 2 * n / 3, n - 1];
            racks.sort_unstable();
            racks.dedup();
            racks
                .iter()
                .map(|&i| format!("{}-s{:02}", self.rack_id(i), STATUS_SLOT))
                .collect()
        };
        members.truncate(3);
        sink.comment("==== the public status page, on servers in three places")?;
        sink.service(Service {
            id: "status-page".into(),
            needs: vec![Need::AtLeast(1, members)],
            critical: false,
            role: Some(Role::StatusPage),
            observes: None,
            allow: Vec::new(),
        })
    }
}

// ---- sinks ------------------------------------------------------------------

trait Sink {
    fn header(
        &mut self,
        comment: &[String],
        name: String,
        description: String,
        policy: Policy,
    ) -> io::Result<()>;
    fn open(&mut self, section: &'static str) -> io::Result<()>;
    fn close(&mut self) -> io::Result<()>;
    fn comment(&mut self, text: &str) -> io::Result<()>;
    fn power(&mut self, e: PowerElement) -> io::Result<()>;
    /// A rack with a comment above it, and a note above one device.
    fn rack(&mut self, comment: &str, rack: Rack, note: Option<(usize, String)>) -> io::Result<()>;
    fn service(&mut self, s: Service) -> io::Result<()>;
    fn common(&mut self, c: CommonCause) -> io::Result<()>;
    fn finish(&mut self) -> io::Result<()>;
}

#[derive(Default)]
struct Collect {
    layout: Option<Layout>,
}

impl Collect {
    fn layout(&mut self) -> &mut Layout {
        self.layout.as_mut().expect("header first")
    }
}

impl Sink for Collect {
    fn header(
        &mut self,
        _: &[String],
        name: String,
        description: String,
        policy: Policy,
    ) -> io::Result<()> {
        self.layout = Some(Layout {
            name,
            description: Some(description),
            policy,
            power: Vec::new(),
            racks: Vec::new(),
            services: Vec::new(),
            common_causes: Vec::new(),
        });
        Ok(())
    }
    fn open(&mut self, _: &'static str) -> io::Result<()> {
        Ok(())
    }
    fn close(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn comment(&mut self, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn power(&mut self, e: PowerElement) -> io::Result<()> {
        self.layout().power.push(e);
        Ok(())
    }
    fn rack(&mut self, _: &str, rack: Rack, _: Option<(usize, String)>) -> io::Result<()> {
        self.layout().racks.push(rack);
        Ok(())
    }
    fn service(&mut self, s: Service) -> io::Result<()> {
        self.layout().services.push(s);
        Ok(())
    }
    fn common(&mut self, c: CommonCause) -> io::Result<()> {
        self.layout().common_causes.push(c);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// RON written by hand: one element, device, service or group per line,
/// optional fields bare (the format's implicit-some), defaults left out.
struct RonSink<W: Write> {
    out: io::BufWriter<W>,
    line: String,
}

fn ron_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn ron_num(out: &mut String, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let _ = write!(out, "{x}");
    }
}

fn ron_list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        ron_str(out, s);
    }
    out.push(']');
}

/// Fields written `, name: value`.
fn f_str(out: &mut String, name: &str, v: &str) {
    let _ = write!(out, ", {name}: ");
    ron_str(out, v);
}
fn f_num(out: &mut String, name: &str, v: f64) {
    let _ = write!(out, ", {name}: ");
    ron_num(out, v);
}
fn f_opt_num(out: &mut String, name: &str, v: Option<f64>) {
    if let Some(v) = v {
        f_num(out, name, v);
    }
}
fn f_list(out: &mut String, name: &str, v: &[String]) {
    let _ = write!(out, ", {name}: ");
    ron_list(out, v);
}
fn f_allow(out: &mut String, v: &[String]) {
    if !v.is_empty() {
        f_list(out, "allow", v);
    }
}

fn ron_power(out: &mut String, e: &PowerElement) {
    let _ = write!(out, "{}(id: ", e.kind().name());
    ron_str(out, e.id());
    match e {
        PowerElement::Utility {
            capacity_kw, allow, ..
        } => {
            f_opt_num(out, "capacity_kw", *capacity_kw);
            f_allow(out, allow);
        }
        PowerElement::Generator {
            start_s,
            capacity_kw,
            allow,
            ..
        } => {
            f_num(out, "start_s", *start_s);
            f_opt_num(out, "capacity_kw", *capacity_kw);
            f_allow(out, allow);
        }
        PowerElement::Ats {
            inputs,
            transfer_s,
            allow,
            ..
        } => {
            f_list(out, "inputs", inputs);
            f_num(out, "transfer_s", *transfer_s);
            ron_electrical(out, e);
            f_allow(out, allow);
        }
        PowerElement::Sts { inputs, allow, .. } => {
            f_list(out, "inputs", inputs);
            ron_electrical(out, e);
            f_allow(out, allow);
        }
        PowerElement::Ups {
            input,
            capacity_kw,
            runtime_min,
            bypass,
            allow,
            ..
        } => {
            f_str(out, "input", input);
            f_num(out, "capacity_kw", *capacity_kw);
            f_num(out, "runtime_min", *runtime_min);
            if let Some(b) = bypass {
                f_str(out, "bypass", b);
            }
            f_allow(out, allow);
        }
        PowerElement::Panel { input, allow, .. } | PowerElement::Breaker { input, allow, .. } => {
            f_str(out, "input", input);
            ron_electrical(out, e);
            f_allow(out, allow);
        }
        PowerElement::Pdu {
            input,
            inputs,
            rack,
            outlet_breakers,
            allow,
            ..
        } => {
            if let Some(i) = input {
                f_str(out, "input", i);
            }
            if let Some(i) = inputs {
                f_list(out, "inputs", i);
            }
            if let Some(r) = rack {
                f_str(out, "rack", r);
            }
            ron_electrical(out, e);
            if *outlet_breakers {
                out.push_str(", outlet_breakers: true");
            }
            f_allow(out, allow);
        }
    }
    out.push(')');
}

fn ron_electrical(out: &mut String, e: &PowerElement) {
    let el = e.electrical();
    f_opt_num(out, "rating_a", el.rating_a);
    f_opt_num(out, "volts", el.volts);
    if let Some(p) = el.phases {
        let _ = write!(out, ", phases: {p}");
    }
}

fn ron_needs(out: &mut String, needs: &[Need]) {
    out.push('[');
    for (i, n) in needs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match n {
            Need::All(m) => {
                out.push_str("All(");
                ron_list(out, m);
            }
            Need::Any(m) => {
                out.push_str("Any(");
                ron_list(out, m);
            }
            Need::AtLeast(k, m) => {
                let _ = write!(out, "AtLeast({k}, ");
                ron_list(out, m);
            }
        }
        out.push(')');
    }
    out.push(']');
}

fn ron_roles(out: &mut String, roles: &[Role]) {
    out.push('[');
    for (i, r) in roles.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{r:?}");
    }
    out.push(']');
}

fn ron_device(out: &mut String, d: &Device) {
    out.push_str("Device(id: ");
    ron_str(out, &d.id);
    let _ = write!(out, ", kind: {:?}, u: {}", d.kind, d.u);
    if d.height_u != 1 {
        let _ = write!(out, ", height_u: {}", d.height_u);
    }
    f_num(out, "draw_w", d.draw_w);
    out.push_str(", psus: [");
    for (i, p) in d.psus.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("(feed: ");
        ron_str(out, &p.feed);
        if let Some(n) = &p.name {
            f_str(out, "name", n);
        }
        if let Some(ph) = p.phase {
            let _ = write!(out, ", phase: {ph}");
        }
        out.push(')');
    }
    out.push(']');
    if d.psus_needed != 1 {
        let _ = write!(out, ", psus_needed: {}", d.psus_needed);
    }
    if !d.needs.is_empty() {
        out.push_str(", needs: ");
        ron_needs(out, &d.needs);
    }
    if !d.roles.is_empty() {
        out.push_str(", roles: ");
        ron_roles(out, &d.roles);
    }
    f_allow(out, &d.allow);
    out.push(')');
}

impl<W: Write> RonSink<W> {
    fn flush_line(&mut self, indent: &str) -> io::Result<()> {
        self.out.write_all(indent.as_bytes())?;
        self.out.write_all(self.line.as_bytes())?;
        self.out.write_all(b",\n")
    }
}

impl<W: Write> Sink for RonSink<W> {
    fn header(
        &mut self,
        comment: &[String],
        name: String,
        description: String,
        policy: Policy,
    ) -> io::Result<()> {
        for c in comment {
            writeln!(self.out, "// {c}")?;
        }
        let mut s = String::new();
        s.push_str("Layout(\n    name: ");
        ron_str(&mut s, &name);
        s.push_str(",\n    description: ");
        ron_str(&mut s, &description);
        s.push_str(",\n    policy: Policy(continuous_load_pct: ");
        ron_num(&mut s, policy.continuous_load_pct);
        s.push_str(", ups_margin_s: ");
        ron_num(&mut s, policy.ups_margin_s);
        s.push_str(", max_phase_imbalance_pct: ");
        ron_num(&mut s, policy.max_phase_imbalance_pct);
        s.push_str("),\n");
        self.out.write_all(s.as_bytes())
    }
    fn open(&mut self, section: &'static str) -> io::Result<()> {
        writeln!(self.out, "\n    {section}: [")
    }
    fn close(&mut self) -> io::Result<()> {
        self.out.write_all(b"    ],\n")
    }
    fn comment(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "        // {text}")
    }
    fn power(&mut self, e: PowerElement) -> io::Result<()> {
        self.line.clear();
        ron_power(&mut self.line, &e);
        self.flush_line("        ")
    }
    fn rack(&mut self, comment: &str, rack: Rack, note: Option<(usize, String)>) -> io::Result<()> {
        self.comment(comment)?;
        self.line.clear();
        self.line.push_str("Rack(id: ");
        ron_str(&mut self.line, &rack.id);
        let _ = write!(self.line, ", height_u: {}", rack.height_u);
        if let Some(r) = &rack.row {
            f_str(&mut self.line, "row", r);
        }
        self.line.push_str(", devices: [\n");
        self.out.write_all(b"        ")?;
        self.out.write_all(self.line.as_bytes())?;
        for (k, d) in rack.devices.iter().enumerate() {
            if let Some((at, text)) = &note {
                if *at == k {
                    writeln!(self.out, "            // {text}")?;
                }
            }
            self.line.clear();
            ron_device(&mut self.line, d);
            self.flush_line("            ")?;
        }
        self.out.write_all(b"        ]),\n")
    }
    fn service(&mut self, s: Service) -> io::Result<()> {
        self.line.clear();
        self.line.push_str("Service(id: ");
        ron_str(&mut self.line, &s.id);
        self.line.push_str(", needs: ");
        ron_needs(&mut self.line, &s.needs);
        if s.critical {
            self.line.push_str(", critical: true");
        }
        if let Some(r) = s.role {
            let _ = write!(self.line, ", role: {r:?}");
        }
        if let Some(o) = &s.observes {
            f_list(&mut self.line, "observes", o);
        }
        f_allow(&mut self.line, &s.allow);
        self.line.push(')');
        self.flush_line("        ")
    }
    fn common(&mut self, c: CommonCause) -> io::Result<()> {
        self.line.clear();
        self.line.push_str("CommonCause(id: ");
        ron_str(&mut self.line, &c.id);
        f_list(&mut self.line, "members", &c.members);
        if let Some(n) = &c.note {
            f_str(&mut self.line, "note", n);
        }
        f_allow(&mut self.line, &c.allow);
        self.line.push(')');
        self.flush_line("        ")
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b")\n")
    }
}

/// JSON through serde, one element, device, service or group per line.
struct JsonSink<W: Write> {
    out: io::BufWriter<W>,
    first: bool,
}

impl<W: Write> JsonSink<W> {
    fn item(&mut self, indent: &[u8], value: &impl serde::Serialize) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n")?;
        self.out.write_all(indent)?;
        // `io::Error::from` keeps the write error's kind (a broken pipe
        // stays one, so `| head` ends quietly); `other` would hide it.
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::from)
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn header(
        &mut self,
        _: &[String],
        name: String,
        description: String,
        policy: Policy,
    ) -> io::Result<()> {
        self.out.write_all(b"{\n  \"name\": ")?;
        serde_json::to_writer(&mut self.out, &name).map_err(io::Error::from)?;
        self.out.write_all(b",\n  \"description\": ")?;
        serde_json::to_writer(&mut self.out, &description).map_err(io::Error::from)?;
        self.out.write_all(b",\n  \"policy\": ")?;
        serde_json::to_writer(&mut self.out, &policy).map_err(io::Error::from)
    }
    fn open(&mut self, section: &'static str) -> io::Result<()> {
        self.first = true;
        write!(self.out, ",\n  \"{section}\": [")
    }
    fn close(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n  ]")
    }
    fn comment(&mut self, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn power(&mut self, e: PowerElement) -> io::Result<()> {
        self.item(b"    ", &e)
    }
    fn rack(&mut self, _: &str, rack: Rack, _: Option<(usize, String)>) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n    {\"id\": ")?;
        serde_json::to_writer(&mut self.out, &rack.id).map_err(io::Error::from)?;
        write!(self.out, ", \"height_u\": {}", rack.height_u)?;
        if let Some(r) = &rack.row {
            self.out.write_all(b", \"row\": ")?;
            serde_json::to_writer(&mut self.out, r).map_err(io::Error::from)?;
        }
        self.out.write_all(b", \"devices\": [")?;
        for (k, d) in rack.devices.iter().enumerate() {
            self.out
                .write_all(if k == 0 { b"\n      " } else { b",\n      " })?;
            serde_json::to_writer(&mut self.out, d).map_err(io::Error::from)?;
        }
        self.out.write_all(b"\n    ]}")
    }
    fn service(&mut self, s: Service) -> io::Result<()> {
        self.item(b"    ", &s)
    }
    fn common(&mut self, c: CommonCause) -> io::Result<()> {
        self.item(b"    ", &c)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_rounds_up_past_the_list() {
        assert_eq!(pick(&[16, 32, 63], 20.0), 32);
        assert_eq!(pick(&[16, 32, 63], 100.0), 126);
    }

    #[test]
    fn every_rack_has_forty_devices_that_fit() {
        let site = Site::plan(&GenOptions {
            racks: 120,
            seed: 7,
            flaw_rate: 0.5,
        });
        for i in 0..120 {
            let plan = site.plan_rack(i);
            assert_eq!(plan.devices.len(), 40);
            let used: u32 = plan.devices.iter().map(|d| d.height).sum();
            assert!(used <= RACK_U, "rack {i} uses {used} U");
        }
    }
}
