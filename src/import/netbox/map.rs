//! NetBox objects to a faultline layout (docs/netbox.md has the table).
//!
//! A power panel is a `Panel`; a power feed a `Breaker` on it; a device
//! with power outlets a PDU, one `Pdu` per inlet, fed by what the inlet's
//! cable reaches; every other racked device with power ports a `Device`
//! with one PSU per cabled port. NetBox holds nothing above a panel, so
//! each panel gets a `Utility` of its own unless an overlay says more, and
//! that assumption is reported. Nothing is dropped or invented without a
//! line in the [`Report`].

use std::collections::{BTreeMap, HashMap, HashSet};

use super::api::{Device, Inventory, Peer, PowerFeed, PowerOutlet, PowerPort};
use super::ids::Ids;
use crate::import::Report;
use crate::model::format::{
    Device as LayoutDevice, DeviceKind, Face, Layout, Need, Policy, PowerElement, Psu, Rack,
    Service, Source,
};

/// The draw of a device whose power ports state none, in watts.
pub const DEFAULT_DRAW_W: f64 = 250.0;

/// The layout and what the import did to get it.
pub struct Mapped {
    pub layout: Layout,
    pub report: Report,
    /// (utility id, panel name) for each utility invented above a panel.
    pub invented_utilities: Vec<(String, String)>,
}

/// Where a cable from a power port or PDU inlet leads.
enum Upstream {
    /// A layout element's id (a feed's breaker or a PDU inlet).
    Element(String),
    /// Not cabled.
    None,
    /// Cabled to something the layout has no place for (a circuit).
    Elsewhere(String),
}

pub fn map(inv: &Inventory) -> Mapped {
    let mut report = Report::default();
    let mut ids = Ids::default();

    let site_names: BTreeMap<u64, &str> =
        inv.sites.iter().map(|s| (s.id, s.name.as_str())).collect();
    let many_sites = inv.sites.len() > 1;
    let device_types: HashMap<u64, &super::api::DeviceType> =
        inv.device_types.iter().map(|t| (t.id, t)).collect();
    let mut outlets_by_device: HashMap<u64, usize> = HashMap::new();
    for o in &inv.power_outlets {
        *outlets_by_device.entry(o.device.id).or_default() += 1;
    }
    let outlets: HashMap<u64, &PowerOutlet> = inv.power_outlets.iter().map(|o| (o.id, o)).collect();
    let mut ports_by_device: BTreeMap<u64, Vec<&PowerPort>> = BTreeMap::new();
    for p in &inv.power_ports {
        ports_by_device.entry(p.device.id).or_default().push(p);
    }
    for ports in ports_by_device.values_mut() {
        ports.sort_by(|a, b| (a.name.as_str(), a.id).cmp(&(b.name.as_str(), b.id)));
    }
    let is_pdu = |d: u64| outlets_by_device.contains_key(&d);

    // Ids first, in a fixed order, so the same NetBox gives the same ids.
    let mut panels: Vec<&super::api::PowerPanel> = inv.power_panels.iter().collect();
    panels.sort_by_key(|p| p.id);
    let mut feeds: Vec<&PowerFeed> = inv.power_feeds.iter().collect();
    feeds.sort_by_key(|f| f.id);
    let panel_ids: HashMap<u64, String> = panels
        .iter()
        .map(|p| (p.id, ids.take(&p.name, "panel", p.id)))
        .collect();
    let feed_ids: HashMap<u64, String> = feeds
        .iter()
        .map(|f| (f.id, ids.take(&f.name, "feed", f.id)))
        .collect();
    let mut devices: Vec<&Device> = inv.devices.iter().collect();
    devices.sort_by_key(|d| d.id);
    let device_name = |d: &Device| d.name.clone().unwrap_or_else(|| format!("device-{}", d.id));
    // A PDU with one inlet is one element named after it; with two, one
    // element per inlet.
    let mut inlet_ids: HashMap<u64, String> = HashMap::new();
    for d in devices.iter().filter(|d| is_pdu(d.id)) {
        let inlets = ports_by_device.get(&d.id).map_or(&[][..], |v| v.as_slice());
        for p in inlets {
            let name = if inlets.len() == 1 {
                device_name(d)
            } else {
                format!("{}:{}", device_name(d), p.name)
            };
            inlet_ids.insert(p.id, ids.take(&name, "pdu", p.id));
        }
    }

    let upstream = |peers: &[Peer], kind: Option<&str>| -> Upstream {
        let Some(peer) = peers.first() else {
            return Upstream::None;
        };
        match kind {
            Some("dcim.powerfeed") => feed_ids.get(&peer.id).map_or(
                Upstream::Elsewhere("a power feed outside the sites imported".into()),
                |id| Upstream::Element(id.clone()),
            ),
            // A trace stops at a PDU: the outlet's `power_port` is the
            // inlet that feeds it.
            Some("dcim.poweroutlet") => match outlets.get(&peer.id) {
                Some(o) => match o.power_port.as_ref().and_then(|p| inlet_ids.get(&p.id)) {
                    Some(id) => Upstream::Element(id.clone()),
                    None => Upstream::Elsewhere(format!(
                        "outlet {} of {} is not tied to a cabled inlet",
                        o.name,
                        o.device.name.as_deref().unwrap_or("a PDU")
                    )),
                },
                None => Upstream::Elsewhere("an outlet outside the sites imported".into()),
            },
            Some(other) => Upstream::Elsewhere(format!("a {other}")),
            None => Upstream::None,
        }
    };

    let mut power: Vec<PowerElement> = Vec::new();
    // The NetBox object behind each id, so findings can link back to it.
    let mut sources: Vec<Source> = Vec::new();
    let mut source = |id: &str, api_url: &str, name: &str| {
        if let Some(url) = web_url(api_url) {
            sources.push(Source {
                id: id.to_string(),
                url,
                name: (id != name).then(|| name.to_string()),
            });
        }
    };
    let mut invented_utilities = Vec::new();
    for p in &panels {
        source(&panel_ids[&p.id], &p.url, &p.name);
        let utility = ids.take(&format!("utility:{}", panel_ids[&p.id]), "utility", p.id);
        invented_utilities.push((utility.clone(), p.name.clone()));
        power.push(PowerElement::Utility {
            id: utility.clone(),
            capacity_kw: None,
            allow: vec![],
            continuous_load_pct: None,
        });
        power.push(PowerElement::Panel {
            id: panel_ids[&p.id].clone(),
            input: utility,
            rating_a: None,
            volts: None,
            phases: None,
            allow: vec![],
            continuous_load_pct: None,
        });
    }
    for f in &feeds {
        let Some(panel) = panel_ids.get(&f.power_panel.id) else {
            report.skipped(
                "power feeds on a panel outside the sites imported",
                [f.name.clone()],
            );
            continue;
        };
        let three = f.phase.as_ref().and_then(|c| c.text()) == Some("three-phase");
        if f.supply.as_ref().and_then(|c| c.text()) == Some("dc") {
            report.assumed(
                "DC feeds read as AC (faultline models AC)",
                [f.name.clone()],
            );
        }
        source(&feed_ids[&f.id], &f.url, &f.name);
        power.push(PowerElement::Breaker {
            id: feed_ids[&f.id].clone(),
            input: panel.clone(),
            rating_a: f.amperage.filter(|a| *a > 0.0).unwrap_or_else(|| {
                report.assumed("feeds without an amperage, taken as 16 A", [f.name.clone()]);
                16.0
            }),
            volts: f.voltage.map(f64::abs).filter(|v| *v > 0.0),
            phases: Some(if three { 3 } else { 1 }),
            allow: vec![],
            // NetBox's own limit for the feed (80% unless changed).
            continuous_load_pct: f.max_utilization.filter(|p| *p > 0.0 && *p <= 100.0),
        });
    }

    // PDUs: one element per cabled inlet.
    // Layout PDU id -> the NetBox rack its device is in.
    let mut rack_of_pdu: HashMap<String, u64> = HashMap::new();
    for d in devices.iter().filter(|d| is_pdu(d.id)) {
        for p in ports_by_device.get(&d.id).into_iter().flatten() {
            let id = inlet_ids[&p.id].clone();
            match upstream(&p.link_peers, p.link_peers_type.as_deref()) {
                Upstream::Element(input) => {
                    if let Some(r) = &d.rack {
                        rack_of_pdu.insert(id.clone(), r.id);
                    }
                    source(&id, &p.url, &format!("{} {}", device_name(d), p.name));
                    power.push(PowerElement::Pdu {
                        id,
                        input: Some(input),
                        inputs: None,
                        rack: None,
                        rating_a: None,
                        volts: None,
                        phases: None,
                        outlet_breakers: false,
                        allow: vec![],
                        continuous_load_pct: None,
                    });
                }
                Upstream::None => report.skipped(
                    "PDU inlets with no cable (what they feed is unpowered in NetBox's data)",
                    [format!("{} {}", device_name(d), p.name)],
                ),
                Upstream::Elsewhere(what) => report.skipped(
                    "PDU inlets cabled to what faultline does not model",
                    [format!("{} {} ({what})", device_name(d), p.name)],
                ),
            }
        }
        if !ports_by_device.contains_key(&d.id) {
            report.skipped("PDUs with outlets but no inlet", [device_name(d)]);
        }
    }
    let placed_inlets: HashSet<String> = power.iter().map(|p| p.id().to_string()).collect();

    // Racks and the devices in them.
    let mut racks: Vec<&super::api::Rack> = inv.racks.iter().collect();
    racks.sort_by_key(|r| r.id);
    let mut rack_devices: BTreeMap<u64, Vec<LayoutDevice>> = BTreeMap::new();
    // Virtual chassis (a switch stack acting as one): NetBox id -> its
    // name and the layout ids of its members.
    let mut chassis: BTreeMap<u64, (String, Vec<String>)> = BTreeMap::new();
    let mut draws_assumed = Vec::new();
    for d in devices.iter().filter(|d| !is_pdu(d.id)) {
        let name = device_name(d);
        let Some(rack) = &d.rack else {
            report.skipped("devices not in a rack", [name]);
            continue;
        };
        if d.parent_device.is_some() {
            report.skipped(
                "devices in another device's bay (they draw through it)",
                [name],
            );
            continue;
        }
        let Some(ports) = ports_by_device.get(&d.id) else {
            report.skipped("devices with no power ports", [name]);
            continue;
        };
        let height = device_types
            .get(&d.device_type.id)
            .map_or(1.0, |t| t.u_height);
        // A 0U device (NetBox has no position for it) holds no units.
        let zero_u = height <= 0.0;
        let position = match d.position {
            _ if zero_u => None,
            Some(p) => Some(p),
            None => {
                report.skipped("unpositioned devices in a rack", [name]);
                continue;
            }
        };
        let full_depth = device_types
            .get(&d.device_type.id)
            .is_none_or(|t| t.is_full_depth);
        // The face matters where two half-depth devices share units;
        // written for a rear device or a half-depth one.
        let face = match d.face.as_ref().and_then(|f| f.text()) {
            Some("rear") => Some(Face::Rear),
            Some("front") if !full_depth => Some(Face::Front),
            _ => None,
        };
        let mut psus = Vec::new();
        // (PSU name, the port's URL, its NetBox name), linked once the
        // device has its id.
        let mut psu_sources = Vec::new();
        for p in ports.iter() {
            match upstream(&p.link_peers, p.link_peers_type.as_deref()) {
                Upstream::Element(feed) if placed_inlets.contains(&feed) => {
                    let psu = super::ids::psu_name(&p.name);
                    psu_sources.push((psu.clone(), &p.url, format!("{name} {}", p.name)));
                    psus.push(Psu {
                        feed,
                        name: Some(psu),
                        phase: leg_of(&outlets, p),
                    })
                }
                Upstream::Element(_) => report.skipped(
                    "power ports on a PDU inlet that has no power itself",
                    [format!("{name} {}", p.name)],
                ),
                Upstream::None => {
                    report.skipped("power ports with no cable", [format!("{name} {}", p.name)])
                }
                Upstream::Elsewhere(what) => report.skipped(
                    "power ports cabled to what faultline does not model",
                    [format!("{name} {} ({what})", p.name)],
                ),
            }
        }
        // Kept, not skipped: the rack space is real and a planner should
        // see the device; `check` reports it as `no-power-path`.
        if psus.is_empty() {
            report.assumed(
                "devices with no power path in NetBox, kept with `psus: []` (no-power-path)",
                [name.clone()],
            );
        }
        let allocated: f64 = ports.iter().filter_map(|p| p.allocated_draw).sum();
        let maximum = ports
            .iter()
            .filter_map(|p| p.maximum_draw)
            .fold(0.0, f64::max);
        let draw_w = if allocated > 0.0 {
            allocated
        } else if maximum > 0.0 {
            report.assumed(
                "devices with no allocated_draw, taken at one port's maximum_draw",
                [name.clone()],
            );
            maximum
        } else {
            draws_assumed.push(name.clone());
            DEFAULT_DRAW_W
        };
        let u = position.map_or(0, |p| (p.floor() as u32).max(1));
        let device_id = ids.take(&name, "device", d.id);
        source(&device_id, &d.url, &name);
        if let Some(vc) = &d.virtual_chassis {
            let vc_name = vc
                .name
                .clone()
                .or_else(|| vc.display.clone())
                .unwrap_or_else(|| format!("chassis {}", vc.id));
            chassis
                .entry(vc.id)
                .or_insert_with(|| (vc_name, Vec::new()))
                .1
                .push(device_id.clone());
        }
        for (psu, url, port) in psu_sources {
            source(&format!("{device_id}/{psu}"), url, &port);
        }
        rack_devices.entry(rack.id).or_default().push(LayoutDevice {
            id: device_id,
            kind: kind_of(d),
            u,
            height_u: if zero_u {
                0
            } else {
                height.ceil().max(1.0) as u32
            },
            draw_w,
            psus,
            psus_needed: 1,
            needs: vec![],
            roles: vec![],
            allow: vec![],
            face,
            full_depth,
        });
    }
    report.assumed(
        &format!("devices with no draw in NetBox, taken as {DEFAULT_DRAW_W} W"),
        draws_assumed,
    );

    let mut layout_racks = Vec::new();
    let mut rack_ids: HashMap<u64, String> = HashMap::new();
    for r in &racks {
        let mut devices = rack_devices.remove(&r.id).unwrap_or_default();
        let has_pdu = rack_of_pdu.values().any(|&x| x == r.id);
        if devices.is_empty() && !has_pdu {
            continue;
        }
        let offset = r.starting_unit.saturating_sub(1);
        for d in devices.iter_mut().filter(|d| !d.is_zero_u()) {
            d.u = d.u.saturating_sub(offset).max(1);
        }
        drop_overlaps(&mut devices, &r.name, &mut report);
        let site = site_names.get(&r.site.id).copied().unwrap_or("");
        let location = r.location.as_ref().and_then(|l| l.name.clone());
        let row = match (location, many_sites) {
            (Some(l), true) => Some(format!("{site} / {l}")),
            (Some(l), false) => Some(l),
            (None, true) => Some(site.to_string()),
            (None, false) => None,
        };
        let id = ids.take(&r.name, "rack", r.id);
        source(&id, &r.url, &r.name);
        rack_ids.insert(r.id, id.clone());
        layout_racks.push(Rack {
            id,
            height_u: r.u_height,
            row,
            devices,
        });
    }
    for el in &mut power {
        if let PowerElement::Pdu { id, rack, .. } = el {
            *rack = rack_of_pdu.get(id).and_then(|r| rack_ids.get(r)).cloned();
        }
    }

    // Link only what was kept: a device dropped later (an overlap) takes
    // its sources with it.
    let mut kept: HashSet<String> = power.iter().map(|p| p.id().to_string()).collect();
    for r in &layout_racks {
        kept.insert(r.id.clone());
        for d in &r.devices {
            kept.insert(d.id.clone());
            for (i, _) in d.psus.iter().enumerate() {
                kept.insert(format!("{}/{}", d.id, d.psu_name(i)));
            }
        }
    }
    sources.retain(|s| kept.contains(&s.id));

    // A virtual chassis becomes a service that is up while any of its
    // members is (a stack carries on with one switch), so what needs the
    // stack can say so in an --upstream overlay.
    let mut services = Vec::new();
    let mut chassis_assumed = Vec::new();
    for (vc_id, (vc_name, members)) in chassis {
        let members: Vec<String> = members.into_iter().filter(|m| kept.contains(m)).collect();
        if members.is_empty() {
            continue;
        }
        let id = ids.take(&vc_name, "service", vc_id);
        chassis_assumed.push(format!("{id} ({} members)", members.len()));
        services.push(Service {
            id,
            needs: vec![Need::Any(members)],
            critical: false,
            role: None,
            observes: None,
            allow: vec![],
        });
    }
    report.assumed(
        "virtual chassis made services, up while any member is",
        chassis_assumed,
    );

    report.count("sites", inv.sites.len());
    report.count("power panels", panels.len());
    report.count("power feeds", feeds.len());
    report.count(
        "PDU inlets",
        power
            .iter()
            .filter(|p| matches!(p, PowerElement::Pdu { .. }))
            .count(),
    );
    report.count("racks", layout_racks.len());
    report.count(
        "devices",
        layout_racks.iter().map(|r| r.devices.len()).sum(),
    );
    report.renamed = ids.renamed();

    let name = inv
        .sites
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    Mapped {
        layout: Layout {
            name: if name.is_empty() {
                "NetBox import".into()
            } else {
                name
            },
            description: Some(format!(
                "Imported from NetBox {} at {}",
                inv.netbox_version, inv.base_url
            )),
            policy: Policy::default(),
            power,
            racks: layout_racks,
            services,
            common_causes: vec![],
            rates: vec![],
            sources,
        },
        report,
        invented_utilities,
    }
}

/// The page of an object in NetBox's web interface from its REST URL
/// (`https://nb/api/dcim/power-feeds/7/` -> `https://nb/dcim/power-feeds/7/`,
/// what NetBox 4 sends as `display_url`); `None` when NetBox sent none.
fn web_url(api_url: &str) -> Option<String> {
    if api_url.is_empty() {
        return None;
    }
    Some(match api_url.find("/api/") {
        Some(i) => format!("{}{}", &api_url[..i], &api_url[i + 4..]),
        None => api_url.to_string(),
    })
}

/// The leg of a three-phase PDU inlet a port's outlet is on.
fn leg_of(outlets: &HashMap<u64, &PowerOutlet>, port: &PowerPort) -> Option<u32> {
    if port.link_peers_type.as_deref() != Some("dcim.poweroutlet") {
        return None;
    }
    let outlet = outlets.get(&port.link_peers.first()?.id)?;
    match outlet.feed_leg.as_ref()?.text()? {
        "A" => Some(1),
        "B" => Some(2),
        "C" => Some(3),
        _ => None,
    }
}

/// A device kind from the NetBox role's name or slug.
fn kind_of(d: &Device) -> DeviceKind {
    let role = d
        .role
        .as_ref()
        .and_then(|r| r.slug.clone().or_else(|| r.name.clone()))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let has = |w: &str| role.contains(w);
    if has("server") || has("compute") || has("host") {
        DeviceKind::Server
    } else if has("router") {
        DeviceKind::Router
    } else if has("switch") {
        DeviceKind::Switch
    } else if has("firewall") {
        DeviceKind::Firewall
    } else if has("storage") || has("san") || has("nas") {
        DeviceKind::Storage
    } else {
        DeviceKind::Other
    }
}

/// Devices that share a unit with one placed before them (front and rear
/// half-depth devices do in NetBox) cannot both be placed yet: keep the
/// first, report the rest.
fn drop_overlaps(devices: &mut Vec<LayoutDevice>, rack: &str, report: &mut Report) {
    devices.sort_by(|a, b| (a.u, &a.id).cmp(&(b.u, &b.id)));
    let mut kept: Vec<LayoutDevice> = Vec::with_capacity(devices.len());
    for d in devices.drain(..) {
        // Half-depth devices on opposite faces share units (the format's
        // rule); anything else in a taken unit is NetBox data faultline
        // cannot place.
        let clash = kept.iter().any(|k| {
            !d.is_zero_u()
                && !k.is_zero_u()
                && d.u < k.u + k.height_u
                && k.u < d.u + d.height_u
                && !d.can_share_units(k)
        });
        if clash {
            report.skipped(
                "devices sharing a unit with another they cannot share it with",
                [format!("{} in {rack}", d.id)],
            );
        } else {
            kept.push(d);
        }
    }
    *devices = kept;
}
