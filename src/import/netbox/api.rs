//! The NetBox REST API objects the importer reads, as serde types.
//!
//! Only the fields the mapping uses are declared; everything else NetBox
//! sends is ignored, so a newer NetBox with more fields still reads. Every
//! field NetBox may leave out or send as `null` has a default: real
//! inventories are incomplete (no rack, no position, no draw, no cable).

use serde::Deserialize;

/// One page of a list endpoint: `{"count", "next", "results"}`.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub count: u64,
    #[serde(default)]
    pub next: Option<String>,
    pub results: Vec<T>,
}

/// A nested reference to another object (`{"id", "url", "name", ...}`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ref {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
}

/// A choice field: `{"value": "front", "label": "Front"}` (or `null`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Choice {
    #[serde(default)]
    pub value: Option<ChoiceValue>,
}

/// NetBox choice values are strings for most fields and numbers for a
/// few (a rack's `width`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ChoiceValue {
    Text(String),
    Number(f64),
}

impl Choice {
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Some(ChoiceValue::Text(s)) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Site {
    pub id: u64,
    #[serde(default)]
    pub url: String,
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Rack {
    pub id: u64,
    #[serde(default)]
    pub url: String,
    pub name: String,
    pub site: Ref,
    #[serde(default)]
    pub location: Option<Ref>,
    #[serde(default = "default_rack_height")]
    pub u_height: u32,
    /// The number of the lowest unit (NetBox 4.x; 1 unless set).
    #[serde(default = "one")]
    pub starting_unit: u32,
}

fn default_rack_height() -> u32 {
    42
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeviceTypeRef {
    pub id: u64,
    #[serde(default)]
    pub model: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeviceType {
    pub id: u64,
    #[serde(default)]
    pub model: String,
    /// Rack units, in halves (0.5 steps); 0 for a 0U device.
    #[serde(default = "one_u")]
    pub u_height: f64,
    #[serde(default = "yes")]
    pub is_full_depth: bool,
}

fn one_u() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct Device {
    pub id: u64,
    #[serde(default)]
    pub url: String,
    /// Devices may be unnamed in NetBox.
    #[serde(default)]
    pub name: Option<String>,
    pub device_type: DeviceTypeRef,
    /// `role` since NetBox 4.0 (`device_role` before).
    #[serde(default, alias = "device_role")]
    pub role: Option<Ref>,
    pub site: Ref,
    #[serde(default)]
    pub rack: Option<Ref>,
    /// The lowest unit, in halves; `null` when not mounted.
    #[serde(default)]
    pub position: Option<f64>,
    #[serde(default)]
    pub face: Option<Choice>,
    #[serde(default)]
    pub status: Option<Choice>,
    #[serde(default)]
    pub virtual_chassis: Option<Ref>,
    /// A child device in a parent's device bay.
    #[serde(default)]
    pub parent_device: Option<Ref>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PowerPanel {
    pub id: u64,
    #[serde(default)]
    pub url: String,
    pub name: String,
    pub site: Ref,
    #[serde(default)]
    pub location: Option<Ref>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PowerFeed {
    pub id: u64,
    #[serde(default)]
    pub url: String,
    pub name: String,
    pub power_panel: Ref,
    #[serde(default)]
    pub rack: Option<Ref>,
    #[serde(default)]
    pub status: Option<Choice>,
    #[serde(default)]
    pub supply: Option<Choice>,
    #[serde(default)]
    pub phase: Option<Choice>,
    #[serde(default)]
    pub voltage: Option<f64>,
    #[serde(default)]
    pub amperage: Option<f64>,
    /// Percent of the feed's capacity that may be drawn.
    #[serde(default)]
    pub max_utilization: Option<f64>,
    #[serde(default)]
    pub link_peers: Vec<Peer>,
    #[serde(default)]
    pub link_peers_type: Option<String>,
}

/// The far end of a cable, as `link_peers` lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Peer {
    pub id: u64,
    #[serde(default)]
    pub device: Option<Ref>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PowerPort {
    pub id: u64,
    #[serde(default)]
    pub url: String,
    pub device: Ref,
    pub name: String,
    #[serde(default)]
    pub maximum_draw: Option<f64>,
    #[serde(default)]
    pub allocated_draw: Option<f64>,
    #[serde(default)]
    pub mark_connected: bool,
    #[serde(default)]
    pub link_peers: Vec<Peer>,
    #[serde(default)]
    pub link_peers_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PowerOutlet {
    pub id: u64,
    #[serde(default)]
    pub url: String,
    pub device: Ref,
    pub name: String,
    /// The PDU inlet that feeds this outlet.
    #[serde(default)]
    pub power_port: Option<Ref>,
    /// `A`, `B` or `C`: the leg of a three-phase inlet.
    #[serde(default)]
    pub feed_leg: Option<Choice>,
}

/// Everything the importer reads from one NetBox, for the sites asked.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// The server's base URL, as given (for `source` links).
    pub base_url: String,
    pub netbox_version: String,
    pub sites: Vec<Site>,
    pub racks: Vec<Rack>,
    pub device_types: Vec<DeviceType>,
    pub devices: Vec<Device>,
    pub power_panels: Vec<PowerPanel>,
    pub power_feeds: Vec<PowerFeed>,
    pub power_ports: Vec<PowerPort>,
    pub power_outlets: Vec<PowerOutlet>,
}

/// NetBox objects are told apart by their numeric id.
pub trait HasId {
    fn id(&self) -> u64;
}

macro_rules! has_id {
    ($($t:ty),*) => {$(impl HasId for $t { fn id(&self) -> u64 { self.id } })*};
}
has_id!(Rack, Device, PowerPanel, PowerFeed, PowerPort, PowerOutlet);
