//! The layout file format, version 1, as serde types.
//!
//! These types mirror `layout-format.md` one to one, so a valid v1 file loads
//! into them unchanged and `export --format json` writes them back out. They
//! carry no analysis; `engine::Graph` compiles them into flat arrays.
//!
//! Unknown fields are not rejected by serde here: the source index
//! (`spans.rs`) finds every unknown field in one pass so they can all be
//! reported together with the other validation errors, each with its
//! location and the names these types accept (`schema.rs` reads them off
//! the types, so they are written here only).

use serde::{Deserialize, Serialize};

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero_len<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// A list read at its own length. serde grows a list it cannot size up
/// front by doubling, so a rack of 40 devices would hold room for 64 and
/// a device's two PSUs room for four: a third of a big hall's model.
fn shrunk<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut list = Vec::<T>::deserialize(deserializer)?;
    list.shrink_to_fit();
    Ok(list)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub policy: Policy,
    pub power: Vec<PowerElement>,
    pub racks: Vec<Rack>,
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub services: Vec<Service>,
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub common_causes: Vec<CommonCause>,
    /// Reliability data per element, PSU, device or common cause
    /// (an extension to v1; see reliability.md).
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub rates: Vec<Rates>,
    /// Where elements came from: the inventory object each id was
    /// imported from (an extension to v1, written by `import netbox`).
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub sources: Vec<Source>,
}

/// `Source(id: "cb-a-r07", url: "https://netbox.example/dcim/power-feeds/7/",
/// name: "Feed A r07")`: the inventory object an element, device, PSU or
/// rack was imported from, so a finding can point back to it. `name` is
/// the object's own name where the id had to differ from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    #[serde(default = "Policy::default_continuous_load_pct")]
    pub continuous_load_pct: f64,
    #[serde(default)]
    pub ups_margin_s: f64,
    #[serde(default = "Policy::default_max_phase_imbalance_pct")]
    pub max_phase_imbalance_pct: f64,
    /// Reliability defaults per kind, over the built-in ones.
    #[serde(default, skip_serializing_if = "Reliability::is_empty")]
    pub reliability: Reliability,
}

impl Policy {
    fn default_continuous_load_pct() -> f64 {
        80.0
    }
    fn default_max_phase_imbalance_pct() -> f64 {
        15.0
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            continuous_load_pct: Self::default_continuous_load_pct(),
            ups_margin_s: 0.0,
            max_phase_imbalance_pct: Self::default_max_phase_imbalance_pct(),
            reliability: Reliability::default(),
        }
    }
}

fn default_start_s() -> f64 {
    10.0
}
fn default_transfer_s() -> f64 {
    10.0
}

/// One power element. `allow` is an extension to v1 (optional, defaults to
/// empty): analysis.md speaks of "an element's allow list", so power
/// elements accept one like devices and services do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PowerElement {
    Utility {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity_kw: Option<f64>,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
    Generator {
        id: String,
        #[serde(default = "default_start_s")]
        start_s: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity_kw: Option<f64>,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
    Ats {
        id: String,
        inputs: Vec<String>,
        #[serde(default = "default_transfer_s")]
        transfer_s: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rating_a: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        volts: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phases: Option<u32>,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
    Sts {
        id: String,
        inputs: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rating_a: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        volts: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phases: Option<u32>,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
    Ups {
        id: String,
        input: String,
        capacity_kw: f64,
        runtime_min: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bypass: Option<String>,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
    Panel {
        id: String,
        input: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rating_a: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        volts: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phases: Option<u32>,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
    Breaker {
        id: String,
        input: String,
        rating_a: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        volts: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phases: Option<u32>,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
    Pdu {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inputs: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rack: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rating_a: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        volts: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phases: Option<u32>,
        #[serde(default, skip_serializing_if = "is_false")]
        outlet_breakers: bool,
        #[serde(default, skip_serializing_if = "is_zero_len")]
        allow: Vec<String>,
        /// This element's own continuous-load limit, in percent of its
        /// capacity (NetBox's `max_utilization`); the policy's otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuous_load_pct: Option<f64>,
    },
}

/// The rating fields shared by switches, panels, breakers and PDUs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Electrical {
    pub rating_a: Option<f64>,
    pub volts: Option<f64>,
    pub phases: Option<u32>,
}

/// The kind of a power element, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PowerKind {
    Utility,
    Generator,
    Ats,
    Sts,
    Ups,
    Panel,
    Breaker,
    Pdu,
}

impl PowerKind {
    pub fn name(self) -> &'static str {
        match self {
            PowerKind::Utility => "Utility",
            PowerKind::Generator => "Generator",
            PowerKind::Ats => "Ats",
            PowerKind::Sts => "Sts",
            PowerKind::Ups => "Ups",
            PowerKind::Panel => "Panel",
            PowerKind::Breaker => "Breaker",
            PowerKind::Pdu => "Pdu",
        }
    }

    /// What a PSU cord may be plugged into.
    pub fn accepts_psu(self) -> bool {
        matches!(
            self,
            PowerKind::Pdu
                | PowerKind::Breaker
                | PowerKind::Panel
                | PowerKind::Sts
                | PowerKind::Ups
        )
    }

    pub fn is_source(self) -> bool {
        matches!(self, PowerKind::Utility | PowerKind::Generator)
    }
}

impl PowerElement {
    /// The two fields every kind has.
    fn id_and_allow(&self) -> (&str, &[String]) {
        match self {
            PowerElement::Utility { id, allow, .. }
            | PowerElement::Generator { id, allow, .. }
            | PowerElement::Ats { id, allow, .. }
            | PowerElement::Sts { id, allow, .. }
            | PowerElement::Ups { id, allow, .. }
            | PowerElement::Panel { id, allow, .. }
            | PowerElement::Breaker { id, allow, .. }
            | PowerElement::Pdu { id, allow, .. } => (id, allow),
        }
    }

    pub fn id(&self) -> &str {
        self.id_and_allow().0
    }

    pub fn kind(&self) -> PowerKind {
        match self {
            PowerElement::Utility { .. } => PowerKind::Utility,
            PowerElement::Generator { .. } => PowerKind::Generator,
            PowerElement::Ats { .. } => PowerKind::Ats,
            PowerElement::Sts { .. } => PowerKind::Sts,
            PowerElement::Ups { .. } => PowerKind::Ups,
            PowerElement::Panel { .. } => PowerKind::Panel,
            PowerElement::Breaker { .. } => PowerKind::Breaker,
            PowerElement::Pdu { .. } => PowerKind::Pdu,
        }
    }

    /// The elements this one draws from, in priority order (a UPS's bypass
    /// comes after its input). Each is paired with the field it was named in.
    pub fn inputs(&self) -> Vec<(&'static str, &str)> {
        match self {
            PowerElement::Utility { .. } | PowerElement::Generator { .. } => Vec::new(),
            PowerElement::Ats { inputs, .. } | PowerElement::Sts { inputs, .. } => {
                inputs.iter().map(|i| ("inputs", i.as_str())).collect()
            }
            PowerElement::Ups { input, bypass, .. } => {
                let mut v = vec![("input", input.as_str())];
                if let Some(b) = bypass {
                    v.push(("bypass", b.as_str()));
                }
                v
            }
            PowerElement::Panel { input, .. } | PowerElement::Breaker { input, .. } => {
                vec![("input", input.as_str())]
            }
            PowerElement::Pdu { input, inputs, .. } => {
                let mut v: Vec<(&'static str, &str)> =
                    input.iter().map(|i| ("input", i.as_str())).collect();
                if let Some(list) = inputs {
                    v.extend(list.iter().map(|i| ("inputs", i.as_str())));
                }
                v
            }
        }
    }

    /// Rating, volts and phases as written (not inherited).
    pub fn electrical(&self) -> Electrical {
        match self {
            PowerElement::Ats {
                rating_a,
                volts,
                phases,
                ..
            }
            | PowerElement::Sts {
                rating_a,
                volts,
                phases,
                ..
            }
            | PowerElement::Panel {
                rating_a,
                volts,
                phases,
                ..
            }
            | PowerElement::Pdu {
                rating_a,
                volts,
                phases,
                ..
            } => Electrical {
                rating_a: *rating_a,
                volts: *volts,
                phases: *phases,
            },
            PowerElement::Breaker {
                rating_a,
                volts,
                phases,
                ..
            } => Electrical {
                rating_a: Some(*rating_a),
                volts: *volts,
                phases: *phases,
            },
            _ => Electrical::default(),
        }
    }

    pub fn allow(&self) -> &[String] {
        self.id_and_allow().1
    }

    /// The element's own continuous-load limit in percent, if it has one.
    pub fn continuous_load_pct(&self) -> Option<f64> {
        match self {
            PowerElement::Utility {
                continuous_load_pct,
                ..
            }
            | PowerElement::Generator {
                continuous_load_pct,
                ..
            }
            | PowerElement::Ats {
                continuous_load_pct,
                ..
            }
            | PowerElement::Sts {
                continuous_load_pct,
                ..
            }
            | PowerElement::Ups {
                continuous_load_pct,
                ..
            }
            | PowerElement::Panel {
                continuous_load_pct,
                ..
            }
            | PowerElement::Breaker {
                continuous_load_pct,
                ..
            }
            | PowerElement::Pdu {
                continuous_load_pct,
                ..
            } => *continuous_load_pct,
        }
    }

    /// A `Pdu` with outlet breakers stops a short at the outlet.
    pub fn has_outlet_breakers(&self) -> bool {
        matches!(
            self,
            PowerElement::Pdu {
                outlet_breakers: true,
                ..
            }
        )
    }

    /// Whether this element is where a short below it trips (analysis.md,
    /// "short"): a breaker, a panel with a main breaker, a UPS or a source.
    pub fn is_protective(&self) -> bool {
        match self {
            PowerElement::Breaker { .. }
            | PowerElement::Ups { .. }
            | PowerElement::Utility { .. }
            | PowerElement::Generator { .. } => true,
            PowerElement::Panel { rating_a, .. } => rating_a.is_some(),
            _ => false,
        }
    }
}

fn default_rack_height() -> u32 {
    42
}
fn default_one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rack {
    pub id: String,
    #[serde(default = "default_rack_height")]
    pub height_u: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    #[serde(deserialize_with = "shrunk")]
    pub devices: Vec<Device>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeviceKind {
    Server,
    Router,
    Switch,
    Firewall,
    Storage,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Management,
    Monitoring,
    StatusPage,
    Backup,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub kind: DeviceKind,
    pub u: u32,
    #[serde(default = "default_one")]
    pub height_u: u32,
    pub draw_w: f64,
    #[serde(deserialize_with = "shrunk")]
    pub psus: Vec<Psu>,
    #[serde(default = "default_one")]
    pub psus_needed: u32,
    #[serde(
        default,
        skip_serializing_if = "is_zero_len",
        deserialize_with = "shrunk"
    )]
    pub needs: Vec<Need>,
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub allow: Vec<String>,
    /// The face the device is mounted on (`Front` when not said).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face: Option<Face>,
    /// `false` for a half-depth device: two of them on opposite faces can
    /// share rack units (NetBox's `is_full_depth`).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub full_depth: bool,
}

/// A rack face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Face {
    Front,
    Rear,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Psu {
    pub feed: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<u32>,
}

impl Device {
    /// Whether the device holds no rack units (a 0U vertical PDU, a cable
    /// manager): `height_u: 0`.
    pub fn is_zero_u(&self) -> bool {
        self.height_u == 0
    }

    /// Whether this device and `other` may occupy the same units: both
    /// half-depth, on opposite faces.
    pub fn can_share_units(&self, other: &Device) -> bool {
        let face = |d: &Device| d.face.unwrap_or(Face::Front);
        !self.full_depth && !other.full_depth && face(self) != face(other)
    }

    /// PSU names as the format defines them: the given name, else `psuN`
    /// by position.
    pub fn psu_name(&self, index: usize) -> String {
        match &self.psus[index].name {
            Some(n) => n.clone(),
            None => format!("psu{}", index + 1),
        }
    }
}

/// One `needs` entry: a k-of-n requirement over device or service ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Need {
    All(#[serde(deserialize_with = "shrunk")] Vec<String>),
    Any(#[serde(deserialize_with = "shrunk")] Vec<String>),
    AtLeast(u32, #[serde(deserialize_with = "shrunk")] Vec<String>),
}

impl Need {
    pub fn members(&self) -> &[String] {
        match self {
            Need::All(m) | Need::Any(m) | Need::AtLeast(_, m) => m,
        }
    }

    /// How many members must hold.
    pub fn threshold(&self) -> u32 {
        match self {
            Need::All(m) => m.len() as u32,
            Need::Any(_) => 1,
            Need::AtLeast(k, _) => *k,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub needs: Vec<Need>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub critical: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub allow: Vec<String>,
}

/// `allow` is an extension to v1, as for power elements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommonCause {
    pub id: String,
    pub members: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "is_zero_len")]
    pub allow: Vec<String>,
}

/// How often something fails and for how long, in one of three ways: a
/// mean time between failures and to repair, a yearly frequency and a
/// repair time, or a fixed probability of being down. Every field is
/// optional; what is left out comes from the policy or the built-in
/// defaults (reliability.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtbf_h: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mttr_h: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_h: Option<f64>,
    /// A fixed probability of being down (common causes, mostly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Generators: the probability of failing to start when called on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_to_start: Option<f64>,
    /// PSUs: the share of failures that short (and trip what protects them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_fraction: Option<f64>,
    /// PSUs: hours until a breaker tripped by a short is reset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_h: Option<f64>,
}

impl Rate {
    pub fn is_empty(&self) -> bool {
        *self == Rate::default()
    }
}

/// `Rates(id: "cb-a", mtbf_h: ..., ...)`: the data of one element, PSU
/// (`device/psu`), device (its PSUs take `short_fraction` and the PSU
/// fields from it too) or common cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtbf_h: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mttr_h: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_h: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_to_start: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_fraction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_h: Option<f64>,
}

impl Rates {
    /// The data without the id. Written out field by field because RON
    /// cannot read a flattened struct.
    pub fn rate(&self) -> Rate {
        Rate {
            mtbf_h: self.mtbf_h,
            mttr_h: self.mttr_h,
            failures_per_year: self.failures_per_year,
            repair_h: self.repair_h,
            probability: self.probability,
            fail_to_start: self.fail_to_start,
            short_fraction: self.short_fraction,
            reset_h: self.reset_h,
        }
    }
}

/// Policy defaults per kind; each overrides the built-in figures field
/// by field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub utility: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub generator: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub ats: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub sts: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub ups: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub panel: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub breaker: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub pdu: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub device: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub psu: Rate,
    #[serde(default, skip_serializing_if = "Rate::is_empty")]
    pub common_cause: Rate,
}

impl Reliability {
    pub fn is_empty(&self) -> bool {
        *self == Reliability::default()
    }
}
