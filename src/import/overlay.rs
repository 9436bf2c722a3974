//! What an inventory does not hold, from a small RON file beside it
//! (`--upstream FILE`): the power chain above the panels, services, common
//! causes, the policy, and per-device `needs`, `roles`, `psus_needed` and
//! `allow`, all referring to imported ids.
//!
//! ```ron
//! Upstream(
//!     power: [
//!         Utility(id: "grid"),
//!         Generator(id: "gen", start_s: 15),
//!         Ats(id: "ats", inputs: ["grid", "gen"]),
//!         Ups(id: "ups-a", input: "ats", capacity_kw: 40, runtime_min: 8),
//!         // An imported id: replaces the imported panel (here: its input).
//!         Panel(id: "Panel-A", input: "ups-a"),
//!     ],
//!     devices: [DeviceExtra(id: "db-1", psus_needed: 1, roles: [Management])],
//!     services: [Service(id: "db", needs: [Any(["db-1", "db-2"])], critical: true)],
//! )
//! ```
//!
//! Elements whose id is imported replace the imported element; the rest
//! are added. A utility the import invented for a panel is dropped once the
//! overlay feeds that panel from elsewhere.

use std::collections::HashSet;

use serde::Deserialize;

use crate::model::format::{CommonCause, Layout, Need, Policy, PowerElement, Role, Service};

/// The overlay file's contents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename = "Upstream", deny_unknown_fields)]
pub struct Overlay {
    #[serde(default)]
    pub power: Vec<PowerElement>,
    #[serde(default)]
    pub devices: Vec<DeviceExtra>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub common_causes: Vec<CommonCause>,
    #[serde(default)]
    pub policy: Option<Policy>,
}

/// What an inventory cannot say about one imported device.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceExtra {
    pub id: String,
    #[serde(default)]
    pub psus_needed: Option<u32>,
    #[serde(default)]
    pub needs: Option<Vec<Need>>,
    #[serde(default)]
    pub roles: Option<Vec<Role>>,
    #[serde(default)]
    pub allow: Option<Vec<String>>,
}

/// Read an overlay file: a located message on any syntax error or unknown
/// field.
pub fn read(path: &std::path::Path) -> Result<Overlay, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str::<Overlay>(&text)
        .map_err(|e| {
            format!(
                "{}:{}:{}: {}",
                path.display(),
                e.span.start.line,
                e.span.start.col,
                e.code
            )
        })
}

/// Merge `overlay` into an imported layout. Returns the ids of invented
/// utilities the overlay made unnecessary, and the overlay's device ids
/// that name no imported device (an error for the caller to report).
pub fn merge(layout: &mut Layout, overlay: Overlay, invented: &HashSet<String>) -> Merged {
    let mut out = Merged::default();
    for el in overlay.power {
        match layout.power.iter_mut().find(|p| p.id() == el.id()) {
            Some(existing) => {
                out.replaced.push(el.id().to_string());
                *existing = el;
            }
            None => {
                out.added.push(el.id().to_string());
                layout.power.push(el);
            }
        }
    }
    // Invented utilities that nothing draws from any more go.
    let fed: HashSet<String> = layout
        .power
        .iter()
        .flat_map(|p| p.inputs().into_iter().map(|(_, i)| i.to_string()))
        .collect();
    layout.power.retain(|p| {
        let unused = invented.contains(p.id()) && !fed.contains(p.id());
        if unused {
            out.dropped.push(p.id().to_string());
        }
        !unused
    });
    for extra in overlay.devices {
        let device = layout
            .racks
            .iter_mut()
            .flat_map(|r| r.devices.iter_mut())
            .find(|d| d.id == extra.id);
        let Some(d) = device else {
            out.unknown_devices.push(extra.id);
            continue;
        };
        if let Some(n) = extra.psus_needed {
            d.psus_needed = n;
        }
        if let Some(needs) = extra.needs {
            d.needs = needs;
        }
        if let Some(roles) = extra.roles {
            d.roles = roles;
        }
        if let Some(allow) = extra.allow {
            d.allow = allow;
        }
    }
    layout.services.extend(overlay.services);
    layout.common_causes.extend(overlay.common_causes);
    if let Some(policy) = overlay.policy {
        layout.policy = policy;
    }
    out
}

/// What a merge did.
#[derive(Debug, Default)]
pub struct Merged {
    pub added: Vec<String>,
    pub replaced: Vec<String>,
    pub dropped: Vec<String>,
    pub unknown_devices: Vec<String>,
}
