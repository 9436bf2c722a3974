//! `faultline import netbox`: a site's racks, devices, power panels, feeds,
//! PDUs and cables read from NetBox's REST API into a layout.
//!
//! Three layers, so that another source of the same objects (Nautobot)
//! can reuse the last two: [`client`] speaks HTTP (pages, tokens, errors),
//! [`api`] is the objects as NetBox sends them, [`map`] turns an
//! [`api::Inventory`] into a layout and a report of what it assumed.

pub mod api;
pub mod client;
pub mod ids;
pub mod map;

use api::Inventory;
use client::{Client, FetchError};

/// Read everything the mapping needs for `sites` (slugs; all sites when
/// empty). `progress` hears (what, fetched, total) after each page.
pub fn fetch(
    client: &Client,
    sites: &[String],
    progress: &mut dyn FnMut(&str, usize, u64),
) -> Result<Inventory, FetchError> {
    let netbox_version = client.status()?;
    let mut inv = Inventory {
        base_url: client.base_url().to_string(),
        netbox_version,
        ..Inventory::default()
    };
    // The sites asked for by slug (NetBox takes the filter repeated); all
    // of them only when none is asked, or to suggest a slug for a typo.
    let by_slug: Vec<(&str, String)> = sites.iter().map(|s| ("slug", s.clone())).collect();
    let mut all_sites: Vec<api::Site> =
        client.list("dcim/sites", &by_slug, &mut |n, c| progress("sites", n, c))?;
    if !sites.is_empty() {
        for slug in sites {
            if !all_sites.iter().any(|s| &s.slug == slug) {
                let every: Vec<api::Site> = client.list("dcim/sites", &[], &mut |_, _| {})?;
                let known: Vec<&str> = every.iter().map(|s| s.slug.as_str()).collect();
                let hint = match crate::diagnostic::closest(slug, known.iter().copied()) {
                    Some(c) => format!("; did you mean \"{c}\"?"),
                    None => format!(" (sites: {})", known.join(", ")),
                };
                return Err(FetchError(format!(
                    "NetBox at {} has no site with slug \"{slug}\"{hint}",
                    client.base_url()
                )));
            }
        }
        all_sites.retain(|s| sites.contains(&s.slug));
    }
    all_sites.sort_by_key(|s| s.id);
    // One query per endpoint and site (NetBox filters by `site` slug), or
    // one per endpoint for every site.
    let filters: Vec<Vec<(&str, String)>> = if sites.is_empty() {
        vec![Vec::new()]
    } else {
        all_sites
            .iter()
            .map(|s| vec![("site", s.slug.clone())])
            .collect()
    };
    for q in &filters {
        let mut read = Reader {
            client,
            query: q,
            progress: &mut *progress,
        };
        read.append("dcim/racks", "racks", &mut inv.racks)?;
        read.append("dcim/devices", "devices", &mut inv.devices)?;
        read.append("dcim/power-panels", "power panels", &mut inv.power_panels)?;
        read.append("dcim/power-feeds", "power feeds", &mut inv.power_feeds)?;
        read.append("dcim/power-ports", "power ports", &mut inv.power_ports)?;
        read.append(
            "dcim/power-outlets",
            "power outlets",
            &mut inv.power_outlets,
        )?;
    }
    inv.sites = all_sites;
    // Device types are few and shared across sites: read the ones used.
    let mut used: Vec<u64> = inv.devices.iter().map(|d| d.device_type.id).collect();
    used.sort_unstable();
    used.dedup();
    if !used.is_empty() {
        let types: Vec<api::DeviceType> = client.list("dcim/device-types", &[], &mut |n, c| {
            progress("device types", n, c)
        })?;
        inv.device_types = types
            .into_iter()
            .filter(|t| used.binary_search(&t.id).is_ok())
            .collect();
    }
    Ok(inv)
}

/// One filter's worth of list reads, each with its progress label.
struct Reader<'a, 'p> {
    client: &'a Client,
    query: &'a [(&'a str, String)],
    progress: &'a mut (dyn FnMut(&str, usize, u64) + 'p),
}

impl Reader<'_, '_> {
    /// Read `endpoint` into `list`. An object listed under two filters (a
    /// server that filters loosely) is kept once.
    fn append<T: serde::de::DeserializeOwned + api::HasId>(
        &mut self,
        endpoint: &str,
        label: &str,
        list: &mut Vec<T>,
    ) -> Result<(), FetchError> {
        let progress = &mut *self.progress;
        let more: Vec<T> = self
            .client
            .list(endpoint, self.query, &mut |n, c| progress(label, n, c))?;
        let mut seen: std::collections::HashSet<u64> = list.iter().map(T::id).collect();
        list.extend(more.into_iter().filter(|x| seen.insert(x.id())));
        Ok(())
    }
}

/// How `faultline import netbox` writes the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutFormat {
    Ron,
    Json,
}

/// What one import asks for.
pub struct Options {
    pub url: String,
    pub token: Option<String>,
    /// Site slugs; every site when empty.
    pub sites: Vec<String>,
    pub timeout: std::time::Duration,
    pub format: LayoutFormat,
    /// The chain above the panels, services and more (`--upstream`).
    pub upstream: Option<std::path::PathBuf>,
    /// Objects a page ([`client::PAGE_SIZE`] unless asked).
    pub page_size: u32,
}

/// A finished import: the layout's text (validated) and what was done.
pub struct Imported {
    pub text: String,
    pub report: crate::import::Report,
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportError {
    /// NetBox could not be read: one line for the user.
    Fetch(FetchError),
    /// The imported layout does not validate: the rendered diagnostics.
    Invalid(String),
    /// The `--upstream` file cannot be read or does not fit.
    Overlay(String),
}

/// Read NetBox, map it, validate the whole, and return the layout's text.
pub fn run(
    opts: &Options,
    progress: &mut dyn FnMut(&str, usize, u64),
) -> Result<Imported, ImportError> {
    // The overlay is read first: a typo in it should not cost a download.
    let overlay = match &opts.upstream {
        Some(path) => Some(crate::import::overlay::read(path).map_err(ImportError::Overlay)?),
        None => None,
    };
    let client = Client::new(&opts.url, opts.token.as_deref(), opts.timeout)
        .map_err(ImportError::Fetch)?
        .with_page_size(opts.page_size);
    let inventory = fetch(&client, &opts.sites, progress).map_err(ImportError::Fetch)?;
    let mut mapped = map::map(&inventory);
    let invented: std::collections::HashSet<String> = mapped
        .invented_utilities
        .iter()
        .map(|(u, _)| u.clone())
        .collect();
    if let Some(overlay) = overlay {
        let merged = crate::import::overlay::merge(&mut mapped.layout, overlay, &invented);
        if !merged.unknown_devices.is_empty() {
            return Err(ImportError::Overlay(format!(
                "the --upstream file names devices the import does not have: {}",
                merged.unknown_devices.join(", ")
            )));
        }
        let file = opts.upstream.as_ref().map(|p| p.display().to_string());
        let file = file.unwrap_or_default();
        mapped
            .report
            .count(&format!("elements added from {file}"), merged.added.len());
        mapped.report.count(
            &format!("elements replaced from {file}"),
            merged.replaced.len(),
        );
    }
    // Panels still hanging from a utility of their own: say so, loudly.
    let still: Vec<String> = mapped
        .invented_utilities
        .iter()
        .filter(|(u, _)| mapped.layout.power.iter().any(|p| p.id() == u))
        .map(|(_, panel)| panel.clone())
        .collect();
    mapped.report.assumed(
        "panels fed by independent utilities of their own (NetBox has nothing above a panel; give the chain with --upstream), and the verdict depends on it",
        still,
    );
    let header = format!(
        "Imported by faultline {} from NetBox {} at {}",
        env!("CARGO_PKG_VERSION"),
        inventory.netbox_version,
        inventory.base_url
    );
    let text = match opts.format {
        LayoutFormat::Ron => {
            let body = crate::model::write_ron(&mapped.layout);
            format!("{}{body}", mapped.report.comment_block(&header))
        }
        LayoutFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&mapped.layout).expect("a layout always serialises");
            s.push('\n');
            s
        }
    };
    let name = match opts.format {
        LayoutFormat::Ron => "imported.ron",
        LayoutFormat::Json => "imported.json",
    };
    if let Err(e) = crate::model::load_str(name, text.clone()) {
        return Err(ImportError::Invalid(e.render(false)));
    }
    Ok(Imported {
        text,
        report: mapped.report,
    })
}
