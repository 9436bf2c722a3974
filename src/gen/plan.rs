//! Planning a site: every number of every hall, row, rack and device,
//! as a pure function of the options (a SplitMix64 stream per rack and
//! per hall). The first pass keeps about 40 bytes a rack; each rack is
//! planned again, in full, when it is written (`emit.rs`).

use std::fmt::Write as _;

use super::{FlawKind, GenOptions};
use crate::model::format::DeviceKind;

// ---- randomness -------------------------------------------------------------

/// SplitMix64, as in the test oracle: tiny, fast and fully specified.
#[derive(Debug, Clone)]
pub(super) struct Rng(u64);

impl Rng {
    /// An independent stream for (seed, stream, index).
    pub(super) fn stream(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.0 ^= index.wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03);
        r.next();
        r
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub(super) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

pub(super) const STREAM_RACK: u64 = 1;
pub(super) const STREAM_FLAW: u64 = 2;
pub(super) const STREAM_HALL: u64 = 3;
pub(super) const STREAM_SERVICES: u64 = 4;

// ---- the site plan ---------------------------------------------------------

pub(super) const ROW_RACKS: usize = 20;
pub(super) const HALL_ROWS: usize = 5;
pub(super) const HALL_RACKS: usize = ROW_RACKS * HALL_ROWS;
pub(super) const RACK_U: u32 = 48;
/// Design rule: a circuit carries at most this share of its rating with
/// everything it may have to carry on failover.
pub(super) const DESIGN_LOAD: f64 = 0.8;
/// An overloaded rack carries this share of one circuit in total.
pub(super) const OVERLOAD: f64 = 1.3;
/// Rack feeds: IEC 60309 16, 32 and 63 A.
pub(super) const RACK_AMPS: [u32; 3] = [16, 32, 63];
pub(super) const FLOOR_PDU_AMPS: [u32; 10] = [63, 100, 125, 160, 200, 250, 320, 400, 500, 630];
pub(super) const SWITCHBOARD_AMPS: [u32; 11] = [
    400, 630, 800, 1000, 1250, 1600, 2000, 2500, 3200, 4000, 5000,
];
pub(super) const UPS_KW: [u32; 14] = [
    100, 160, 200, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000,
];
pub(super) const SQRT3: f64 = 1.732_050_807_568_877_2;
/// Server slots services draw their members from; s01/s02 may hold the
/// management routers and s30 the status page.
pub(super) const SERVICE_SLOTS: std::ops::RangeInclusive<u8> = 3..=27;
pub(super) const STATUS_SLOT: u8 = 30;
pub(super) const SERVICE_NAMES: [&str; 12] = [
    "db", "web", "api", "cache", "queue", "search", "auth", "billing", "kv", "batch", "ml", "log",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Profile {
    /// 230 V single-phase; 36 1U servers and two 2-of-4 chassis.
    Compute,
    /// 400 V three-phase; 36 dense 1U servers and two 2-of-4 chassis.
    Dense,
    /// 230 V single-phase; 30 1U servers and eight 2U storage shelves.
    Storage,
}

impl Profile {
    pub(super) fn name(self) -> &'static str {
        match self {
            Profile::Compute => "compute",
            Profile::Dense => "dense compute",
            Profile::Storage => "storage",
        }
    }

    pub(super) fn three_phase(self) -> bool {
        self == Profile::Dense
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    A,
    B,
}

impl Side {
    pub(super) fn letter(self) -> char {
        match self {
            Side::A => 'a',
            Side::B => 'b',
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Name {
    Tor(u8),
    Server(u8),
    Chassis(u8),
    Storage(u8),
    Mgmt(u8),
}

impl Name {
    pub(super) fn write(self, rack: &str, out: &mut String) {
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
pub(super) struct DevPlan {
    pub(super) name: Name,
    pub(super) kind: DeviceKind,
    pub(super) height: u32,
    pub(super) draw: u32,
    /// Each PSU's side and leg (0: none given).
    pub(super) psus: Vec<(Side, u8)>,
    pub(super) needed: u32,
}

#[derive(Debug, Clone)]
pub(super) struct RackPlan {
    pub(super) profile: Profile,
    pub(super) devices: Vec<DevPlan>,
    pub(super) rating_a: u32,
    pub(super) total_w: f64,
    /// The device the flaw is in (single PSU, shared PDU).
    pub(super) flaw_device: Option<usize>,
}

/// What the first pass keeps of each rack.
#[derive(Debug, Clone, Copy)]
pub(super) struct RackInfo {
    pub(super) flaw: Option<FlawKind>,
    pub(super) profile: Profile,
    pub(super) rating_a: u32,
    pub(super) total_w: f64,
}

#[derive(Debug, Clone)]
pub(super) struct Hall {
    pub(super) first: usize,
    pub(super) count: usize,
    /// Per row: total watts.
    pub(super) rows: Vec<f64>,
    pub(super) total_w: f64,
}

pub(super) struct Site {
    pub(super) opts: GenOptions,
    pub(super) racks: Vec<RackInfo>,
    pub(super) halls: Vec<Hall>,
}

/// The smallest entry of `list` at or above `need`; past the end, the last
/// entry's multiple.
pub(super) fn pick(list: &[u32], need: f64) -> u32 {
    match list.iter().find(|&&x| f64::from(x) >= need) {
        Some(&x) => x,
        None => {
            let step = *list.last().expect("non-empty list");
            (need / f64::from(step)).ceil() as u32 * step
        }
    }
}

pub(super) fn rack_watts_per_amp(three_phase: bool) -> f64 {
    if three_phase { 400.0 * SQRT3 } else { 230.0 }
}

impl Site {
    pub(super) fn plan(opts: &GenOptions) -> Site {
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

    pub(super) fn hall_id(h: usize) -> String {
        format!("h{:03}", h + 1)
    }

    /// (hall, row in hall, position in row).
    pub(super) fn location(i: usize) -> (usize, usize, usize) {
        let local = i % HALL_RACKS;
        (i / HALL_RACKS, local / ROW_RACKS, local % ROW_RACKS)
    }

    pub(super) fn rack_id(&self, i: usize) -> String {
        let (h, r, p) = Self::location(i);
        format!("h{:03}-{:02}-{:02}", h + 1, r + 1, p + 1)
    }

    pub(super) fn row_id(h: usize, r: usize) -> String {
        format!("h{:03}-{:02}", h + 1, r + 1)
    }

    pub(super) fn hall_size(&self, h: usize) -> usize {
        HALL_RACKS.min(self.opts.racks - h * HALL_RACKS)
    }

    /// Rack `i` in full, as numbers: a function of the seed, `i` and its
    /// flaw only.
    pub(super) fn plan_rack(&self, i: usize) -> RackPlan {
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

    pub(super) fn flaw_subject(&self, i: usize, plan: &RackPlan) -> String {
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
