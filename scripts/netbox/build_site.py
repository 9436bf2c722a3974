#!/usr/bin/env python3
"""Build the `faultline-lab` site in a live NetBox through its REST API.

Idempotent: every object is looked up by its natural key and created or
updated; cables are only added where a port has none. Run by
scripts/netbox-live.sh start (NETBOX_URL, NETBOX_TOKEN from its env file).
What the site is built to show is documented at the top of netbox-live.sh
and in tests/fixtures/netbox/README.md. Standard library only.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

URL = os.environ["NETBOX_URL"].rstrip("/")
TOKEN = os.environ["NETBOX_TOKEN"]
AUTH = f"Bearer {TOKEN}" if TOKEN.startswith("nbt_") else f"Token {TOKEN}"


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        URL + path,
        data=data,
        method=method,
        headers={"Authorization": AUTH, "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            raw = r.read()
            return json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        sys.exit(f"build_site: {method} {path} {json.dumps(body)} -> {e.code}: {e.read().decode(errors='replace')}")


def find(endpoint, **query):
    q = urllib.parse.urlencode({**query, "limit": 1000})
    return call("GET", f"/api/{endpoint}/?{q}")["results"]


def differs(have, want):
    for k, v in want.items():
        h = have.get(k)
        if isinstance(h, dict):
            if "value" in h:
                h = h["value"]
            elif "id" in h:
                h = h["id"]
        if isinstance(v, float) and h is not None:
            h = float(h)
        if h != v:
            return True
    return False


def ensure(endpoint, key, body):
    """Get the object matching `key` (query params), create it from key+body if absent,
    patch it when a field of body differs. Returns the object."""
    found = find(endpoint, **key)
    if len(found) > 1:
        sys.exit(f"build_site: {endpoint} {key} matches {len(found)} objects")
    if not found:
        return call("POST", f"/api/{endpoint}/", body)
    obj = found[0]
    if differs(obj, body):
        obj = call("PATCH", f"/api/{endpoint}/{obj['id']}/", body)
    return obj


# ------------------------------------------------------------------ catalogue

mfr = ensure("dcim/manufacturers", {"slug": "faultline-lab-co"}, {"name": "Faultline Lab Co", "slug": "faultline-lab-co"})
ROLES = {}
for slug, name, color in [("server", "Server", "2196f3"), ("pdu", "PDU", "ff9800"),
                          ("switch", "Switch", "4caf50"), ("storage", "Storage", "9c27b0")]:
    ROLES[slug] = ensure("dcim/device-roles", {"slug": slug}, {"name": name, "slug": slug, "color": color})

# model, slug, u_height, full depth, power ports [(name, type, maximum_draw)],
# outlets [(name, type, inlet name, feed_leg)]
ONE_PH_OUTLETS = [(f"Outlet {i}", "iec-60320-c13", "Inlet", "A") for i in range(1, 13)]
THREE_PH_OUTLETS = [(f"Outlet {i}", "iec-60320-c13", "Inlet", "ABC"[(i - 1) // 4]) for i in range(1, 13)]
TYPES = {
    "pdu-1ph-32a": ("PDU 1ph 32A", 0, False, [("Inlet", "iec-60309-p-n-e-6h", 7360)], ONE_PH_OUTLETS),
    "pdu-3ph-16a": ("PDU 3ph 16A", 0, False, [("Inlet", "iec-60309-3p-n-e-6h", 11085)], THREE_PH_OUTLETS),
    "server-1u-dual-psu": ("Server 1U dual PSU", 1, True,
                           [("PSU1", "iec-60320-c14", 800), ("PSU2", "iec-60320-c14", 800)], []),
    "server-2u-dual-psu": ("Server 2U dual PSU", 2, True,
                           [("PSU1", "iec-60320-c14", 1400), ("PSU2", "iec-60320-c14", 1400)], []),
    "server-1u-single-psu": ("Server 1U single PSU", 1, True, [("PSU", "iec-60320-c14", 450)], []),
    "storage-2u-triple-psu": ("Storage 2U triple PSU", 2, True,
                              [("PSU1", "iec-60320-c14", 500), ("PSU2", "iec-60320-c14", 500),
                               ("PSU3", "iec-60320-c14", 500)], []),
    "switch-1u-half-depth": ("Switch 1U half-depth", 1, False,
                             [("PSU1", "iec-60320-c14", 150), ("PSU2", "iec-60320-c14", 150)], []),
}
DT = {}
for slug, (model, u, full, ports, outlets) in TYPES.items():
    dt = ensure("dcim/device-types", {"slug": slug}, {
        "manufacturer": mfr["id"], "model": model, "slug": slug,
        "u_height": float(u), "is_full_depth": full})
    DT[slug] = dt
    pt = {}
    for name, typ, maxw in ports:
        pt[name] = ensure("dcim/power-port-templates", {"device_type_id": dt["id"], "name": name},
                          {"device_type": dt["id"], "name": name, "type": typ, "maximum_draw": maxw})
    for name, typ, inlet, leg in outlets:
        ensure("dcim/power-outlet-templates", {"device_type_id": dt["id"], "name": name},
               {"device_type": dt["id"], "name": name, "type": typ,
                "power_port": pt[inlet]["id"], "feed_leg": leg})

# ------------------------------------------------------------------ site, racks, panels, feeds

site = ensure("dcim/sites", {"slug": "faultline-lab"}, {
    "name": "Faultline Lab", "slug": "faultline-lab", "status": "active",
    "description": "Built by faultline scripts/netbox-live.sh to test `faultline import netbox`"})
hall = ensure("dcim/locations", {"site_id": site["id"], "slug": "hall-1"},
              {"name": "Hall 1", "slug": "hall-1", "site": site["id"], "status": "active"})
RACK = {}
for name in ("Rack 01", "Rack 02"):
    RACK[name] = ensure("dcim/racks", {"site_id": site["id"], "name": name},
                        {"name": name, "site": site["id"], "location": hall["id"], "status": "active", "u_height": 42})
PANEL = {}
for name in ("Panel 1", "Panel 2"):
    PANEL[name] = ensure("dcim/power-panels", {"site_id": site["id"], "name": name},
                         {"name": name, "site": site["id"], "location": hall["id"]})

# name: panel, rack, type, phase, voltage, amperage
FEEDS = {
    "Feed A1": ("Panel 1", "Rack 01", "primary", "single-phase", 230, 32),
    "Feed B1": ("Panel 2", "Rack 01", "redundant", "single-phase", 230, 16),  # undersized
    "Feed A2": ("Panel 2", "Rack 02", "primary", "three-phase", 400, 16),
    "Feed B2": ("Panel 2", "Rack 02", "redundant", "three-phase", 400, 16),  # same panel as A2
}
FEED = {}
for name, (panel, rack, typ, phase, volts, amps) in FEEDS.items():
    FEED[name] = ensure("dcim/power-feeds", {"power_panel_id": PANEL[panel]["id"], "name": name}, {
        "power_panel": PANEL[panel]["id"], "rack": RACK[rack]["id"], "name": name, "status": "active",
        "type": typ, "supply": "ac", "phase": phase, "voltage": volts, "amperage": amps,
        "max_utilization": 80})

# ------------------------------------------------------------------ devices

# name: type, role, rack, position, face, {port: allocated_draw or None}
DEVICES = {
    "PDU R01-A": ("pdu-1ph-32a", "pdu", "Rack 01", None, None, {}),
    "PDU R01-B": ("pdu-1ph-32a", "pdu", "Rack 01", None, None, {}),
    "PDU R02-A": ("pdu-3ph-16a", "pdu", "Rack 02", None, None, {}),
    "PDU R02-B": ("pdu-3ph-16a", "pdu", "Rack 02", None, None, {}),
    "legacy 01": ("server-1u-single-psu", "server", "Rack 01", 10, "front", {"PSU": 350}),
    "db 01": ("server-2u-dual-psu", "server", "Rack 01", 20, "front", {"PSU1": 1000, "PSU2": 1000}),
    "app 01": ("server-1u-dual-psu", "server", "Rack 01", 22, "front", {"PSU1": 600, "PSU2": 600}),
    "app 02": ("server-1u-dual-psu", "server", "Rack 01", 23, "front", {"PSU1": 600, "PSU2": 600}),
    "backup 01": ("storage-2u-triple-psu", "storage", "Rack 01", 30, "front",
                  {"PSU1": 150, "PSU2": 150, "PSU3": None}),
    "tor 01": ("switch-1u-half-depth", "switch", "Rack 01", 40, "front", {"PSU1": 75, "PSU2": 75}),
    "oob 01": ("switch-1u-half-depth", "switch", "Rack 01", 40, "rear", {"PSU1": None, "PSU2": None}),
    "compute 01": ("server-1u-dual-psu", "server", "Rack 02", 10, "front", {"PSU1": 500, "PSU2": 500}),
    "compute 02": ("server-1u-dual-psu", "server", "Rack 02", 11, "front", {"PSU1": 500, "PSU2": 500}),
    "compute 03": ("server-1u-dual-psu", "server", "Rack 02", 12, "front", {"PSU1": 500, "PSU2": 500}),
}
DEV = {}
PORT = {}    # (device, port) -> power port
OUTLET = {}  # (device, outlet) -> power outlet
for name, (typ, role, rack, pos, face, draws) in DEVICES.items():
    body = {"name": name, "device_type": DT[typ]["id"], "role": ROLES[role]["id"], "site": site["id"],
            "location": hall["id"], "rack": RACK[rack]["id"], "status": "active"}
    if pos is not None:
        body.update(position=float(pos), face=face)
    DEV[name] = d = ensure("dcim/devices", {"site_id": site["id"], "name": name}, body)
    for p in find("dcim/power-ports", device_id=d["id"]):
        PORT[(name, p["name"])] = p
    for o in find("dcim/power-outlets", device_id=d["id"]):
        OUTLET[(name, o["name"])] = o
    for port, draw in draws.items():
        p = PORT[(name, port)]
        if p.get("allocated_draw") != draw:
            PORT[(name, port)] = call("PATCH", f"/api/dcim/power-ports/{p['id']}/", {"allocated_draw": draw})

# ------------------------------------------------------------------ cables

def cable(a_type, a, b_type, b):
    if a.get("cable") or b.get("cable"):
        return
    call("POST", "/api/dcim/cables/", {
        "a_terminations": [{"object_type": a_type, "object_id": a["id"]}],
        "b_terminations": [{"object_type": b_type, "object_id": b["id"]}],
        "status": "connected", "type": "power"})


for feed, pdu in [("Feed A1", "PDU R01-A"), ("Feed B1", "PDU R01-B"), ("Feed A2", "PDU R02-A"), ("Feed B2", "PDU R02-B")]:
    f = find("dcim/power-feeds", id=FEED[feed]["id"])[0]
    cable("dcim.powerfeed", f, "dcim.powerport", PORT[(pdu, "Inlet")])

# (pdu, outlet, device, port); backup 01 PSU3 stays unconnected on purpose.
PLUGS = [
    ("PDU R01-A", "Outlet 1", "legacy 01", "PSU"),
    ("PDU R01-A", "Outlet 2", "db 01", "PSU1"), ("PDU R01-B", "Outlet 2", "db 01", "PSU2"),
    ("PDU R01-A", "Outlet 3", "app 01", "PSU1"), ("PDU R01-B", "Outlet 3", "app 01", "PSU2"),
    ("PDU R01-A", "Outlet 4", "app 02", "PSU1"), ("PDU R01-B", "Outlet 4", "app 02", "PSU2"),
    ("PDU R01-A", "Outlet 5", "backup 01", "PSU1"), ("PDU R01-B", "Outlet 5", "backup 01", "PSU2"),
    ("PDU R01-A", "Outlet 6", "tor 01", "PSU1"), ("PDU R01-B", "Outlet 6", "tor 01", "PSU2"),
    ("PDU R01-A", "Outlet 7", "oob 01", "PSU1"), ("PDU R01-B", "Outlet 7", "oob 01", "PSU2"),
    # one server per phase leg: outlets 1-4 are leg A, 5-8 leg B, 9-12 leg C
    ("PDU R02-A", "Outlet 1", "compute 01", "PSU1"), ("PDU R02-B", "Outlet 1", "compute 01", "PSU2"),
    ("PDU R02-A", "Outlet 5", "compute 02", "PSU1"), ("PDU R02-B", "Outlet 5", "compute 02", "PSU2"),
    ("PDU R02-A", "Outlet 9", "compute 03", "PSU1"), ("PDU R02-B", "Outlet 9", "compute 03", "PSU2"),
]
for pdu, outlet, dev, port in PLUGS:
    cable("dcim.poweroutlet", OUTLET[(pdu, outlet)], "dcim.powerport", PORT[(dev, port)])

# ------------------------------------------------------------------ check what NetBox itself says

for name in FEEDS:
    f = find("dcim/power-feeds", id=FEED[name]["id"])[0]
    peer = f["link_peers"][0] if f["link_peers"] else None
    print(f"  {name}: {f['amperage']} A {f['voltage']} V {f['phase']['value']} -> "
          f"{peer['device']['name'] + ' ' + peer['name'] if peer else 'nothing'}", file=sys.stderr)
n = len(find("dcim/devices", site_id=site["id"]))
c = len(find("dcim/cables", site_id=site["id"]))
print(f"build_site: site faultline-lab has {n} devices and {c} cables", file=sys.stderr)
