//! How long `import netbox` takes on a generated 10,000-device site served
//! by the local NetBox stand-in (many pages): `cargo run --release
//! --example netbox_import_bench [DEVICES]`. Prints the whole import's
//! wall time and the server's share.

#[path = "../tests/it/netbox_server.rs"]
#[allow(dead_code)]
mod netbox_server;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn site(devices: usize) -> netbox_server::Fake {
    let racks = devices.div_ceil(40);
    let mut f = netbox_server::Fake::new();
    let s = json!({"id": 1, "name": "Gen", "slug": "gen"});
    f.lists.insert("dcim/sites".into(), vec![s.clone()]);
    f.lists.insert(
        "dcim/device-types".into(),
        vec![
            json!({"id": 1, "model": "server", "u_height": 1.0, "is_full_depth": true}),
            json!({"id": 2, "model": "pdu", "u_height": 0.0, "is_full_depth": false}),
        ],
    );
    f.lists.insert(
        "dcim/power-panels".into(),
        vec![
            json!({"id": 1, "name": "Panel A", "site": s}),
            json!({"id": 2, "name": "Panel B", "site": s}),
        ],
    );
    let (mut rack_list, mut devs, mut feeds, mut ports, mut outlets) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut next_id = 1_000_000u64;
    let mut id = || {
        next_id += 1;
        next_id
    };
    for r in 0..racks as u64 {
        rack_list.push(json!({"id": r + 1, "name": format!("R{r}"), "site": s, "u_height": 42}));
        let rack = json!({"id": r + 1, "name": format!("R{r}")});
        let mut inlets = Vec::new();
        for (side, panel) in [("a", 1u64), ("b", 2)] {
            let pdu = id();
            let feed = id();
            let inlet = id();
            devs.push(
                json!({"id": pdu, "name": format!("pdu-{r}-{side}"), "device_type": {"id": 2},
                "site": s, "rack": rack, "position": null}),
            );
            feeds.push(json!({"id": feed, "name": format!("feed-{r}-{side}"),
                "power_panel": {"id": panel}, "phase": {"value": "single-phase"},
                "voltage": 230, "amperage": 32, "link_peers": [{"id": inlet}],
                "link_peers_type": "dcim.powerport"}));
            ports.push(json!({"id": inlet, "device": {"id": pdu}, "name": "inlet",
                "link_peers": [{"id": feed}], "link_peers_type": "dcim.powerfeed"}));
            inlets.push((pdu, inlet));
        }
        for u in 0..40u64 {
            if (r as usize) * 40 + u as usize >= devices {
                break;
            }
            let dev = id();
            devs.push(
                json!({"id": dev, "name": format!("srv-{r}-{u}"), "device_type": {"id": 1},
                "role": {"id": 1, "slug": "server"}, "site": s, "rack": rack, "position": u + 1}),
            );
            for (k, (pdu, inlet)) in inlets.iter().enumerate() {
                let outlet = id();
                outlets.push(
                    json!({"id": outlet, "device": {"id": pdu}, "name": format!("o{u}"),
                    "power_port": {"id": inlet}}),
                );
                ports.push(
                    json!({"id": id(), "device": {"id": dev}, "name": format!("PSU{}", k + 1),
                    "allocated_draw": 200, "link_peers": [{"id": outlet}],
                    "link_peers_type": "dcim.poweroutlet"}),
                );
            }
        }
    }
    let by_id = |mut v: Vec<Value>| {
        v.sort_by_key(|o| o["id"].as_u64());
        v
    };
    f.lists.insert("dcim/racks".into(), rack_list);
    f.lists.insert("dcim/devices".into(), by_id(devs));
    f.lists.insert("dcim/power-feeds".into(), by_id(feeds));
    f.lists.insert("dcim/power-ports".into(), by_id(ports));
    f.lists.insert("dcim/power-outlets".into(), by_id(outlets));
    f
}

fn main() {
    let devices: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let fake = site(devices);
    let objects: usize = fake.lists.values().map(Vec::len).sum();
    let (url, served) = fake.serve_timed();
    let opts = faultline::import::netbox::Options {
        url,
        token: None,
        sites: vec!["gen".into()],
        timeout: Duration::from_secs(60),
        format: faultline::import::netbox::LayoutFormat::Ron,
        upstream: None,
        page_size: faultline::import::netbox::client::PAGE_SIZE,
    };
    let start = Instant::now();
    let mut pages = 0;
    let mut last = String::new();
    let imported = faultline::import::netbox::run(&opts, &mut |what, n, total| {
        pages += 1;
        last = format!("reading {what}: {n} of {total}");
    })
    .unwrap_or_else(|e| panic!("import failed: {e:?}"));
    let took = start.elapsed();
    let server = *served.lock().unwrap();
    println!(
        "{devices} devices, {objects} NetBox objects in {pages} pages (last progress line: \"{last}\")"
    );
    println!(
        "import: {:.2} s in all, of which the stand-in server {:.2} s; faultline's own {:.2} s; layout {} KB",
        took.as_secs_f64(),
        server.as_secs_f64(),
        (took.saturating_sub(server)).as_secs_f64(),
        imported.text.len() / 1024
    );
}
