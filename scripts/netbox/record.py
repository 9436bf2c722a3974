#!/usr/bin/env python3
"""Record the GET responses `faultline import netbox` makes, as test fixtures.

    record.py --set NAME --out DIR [--site SLUG]...

Environment: NETBOX_URL, NETBOX_TOKEN (v2 `nbt_...` or v1), NETBOX_SITE
(comma-separated slugs when --site is not given). Run by
scripts/netbox-live.sh record. Writes DIR/index.json and one file per
response; see tests/fixtures/netbox/README.md for the layout and the
normalisation (volatile timestamps fixed, server origin replaced by
http://netbox.invalid). Standard library only.
"""
import argparse
import json
import os
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request

PLACEHOLDER_ORIGIN = "http://netbox.invalid"
FIXED_TIME = "2000-01-01T00:00:00Z"
VOLATILE = {"created", "last_updated"}
FULL_LIMIT = 1000
SMALL_LIMIT = 5

ap = argparse.ArgumentParser()
ap.add_argument("--set", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--site", action="append")
args = ap.parse_args()

URL = os.environ["NETBOX_URL"].rstrip("/")
TOKEN = os.environ["NETBOX_TOKEN"]
AUTH = f"Bearer {TOKEN}" if TOKEN.startswith("nbt_") else f"Token {TOKEN}"
SITES = args.site or [s for s in os.environ.get("NETBOX_SITE", "").split(",") if s]
if not SITES:
    sys.exit("record: no site (--site or NETBOX_SITE)")


def get(path_query, auth=AUTH):
    headers = {"Accept": "application/json"}
    if auth:
        headers["Authorization"] = auth
    req = urllib.request.Request(URL + path_query, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=300) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def normalise(v):
    if isinstance(v, dict):
        return {k: (FIXED_TIME if k in VOLATILE and v[k] is not None else normalise(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [normalise(x) for x in v]
    if isinstance(v, str) and v.startswith(URL):
        return PLACEHOLDER_ORIGIN + v[len(URL):]
    return v


def rel(url):
    """A `next` link as path?query, for the next request."""
    if url is None:
        return None
    p = urllib.parse.urlsplit(url)
    return p.path + ("?" + p.query if p.query else "")


out = args.out
if os.path.isdir(out):
    shutil.rmtree(out)
os.makedirs(out)
index = []


def save(name, path_query, status, body, headers):
    ctype = headers.get("Content-Type", "")
    entry = {"request": path_query, "status": status, "content_type": ctype.split(";")[0], "file": name}
    # NetBox names its API version in a header on every API answer: a way to tell NetBox apart.
    api_version = {k.lower(): v for k, v in headers.items()}.get("api-version")
    if api_version:
        entry["api_version"] = api_version
    if "json" not in ctype:
        # An HTML page carries per-request tokens and the host name: not kept.
        entry["file"] = None
        index.append(entry)
        return entry
    if "json" in ctype:
        data = normalise(json.loads(body))
        if name == "status.json" and isinstance(data, dict) and "hostname" in data:
            data["hostname"] = "netbox-live"  # the recording machine's name
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
    else:
        with open(os.path.join(out, name), "wb") as f:
            f.write(body)
    index.append(entry)
    return entry


def record_list(stem, endpoint, params, limit):
    """All pages of a list endpoint; returns the total count."""
    q = urllib.parse.urlencode(list(params) + [("limit", limit)])
    path_query = f"/api/{endpoint}/?{q}"
    page = 1
    count = None
    while path_query:
        status, headers, body = get(path_query)
        if status != 200:
            sys.exit(f"record: GET {path_query} -> {status}: {body[:300]!r}")
        name = f"{stem}.limit{limit}.p{page}.json" if limit != FULL_LIMIT else f"{stem}.json"
        if limit == FULL_LIMIT and page > 1:
            name = f"{stem}.p{page}.json"
        save(name, path_query, status, body, headers)
        data = json.loads(body)
        count = data["count"]
        path_query = rel(data["next"])
        page += 1
    return count


# What the importer reads. Filtering by site slug (`site=`) works on every one
# of these list endpoints in NetBox 4.7; device types and roles are global.
status, headers, body = get("/api/status/")
save("status.json", "/api/status/", status, body, headers)
counts = {}
for site in SITES:
    prefix = site if len(SITES) > 1 else ""
    def stem(s):
        return f"{prefix}.{s}" if prefix else s
    site_q = [("site", site)]
    plan = [
        ("sites", "dcim/sites", [("slug", site)]),
        ("locations", "dcim/locations", site_q),
        ("racks", "dcim/racks", site_q),
        ("devices", "dcim/devices", site_q),
        ("power-panels", "dcim/power-panels", site_q),
        ("power-feeds", "dcim/power-feeds", site_q),
        ("power-ports", "dcim/power-ports", site_q),
        ("power-outlets", "dcim/power-outlets", site_q),
        ("cables", "dcim/cables", site_q),
    ]
    for s, endpoint, params in plan:
        counts[stem(s)] = record_list(stem(s), endpoint, params, FULL_LIMIT)
    # Small pages: count/next/previous exercised over several pages.
    for s, endpoint, params in plan[3:]:
        record_list(stem(s), endpoint, params, SMALL_LIMIT)
for s, endpoint in [("device-types", "dcim/device-types"), ("device-roles", "dcim/device-roles"),
                    ("manufacturers", "dcim/manufacturers")]:
    counts[s] = record_list(s, endpoint, [], FULL_LIMIT)

# Error answers of the same server, for the importer's error paths.
for name, auth in [("error-no-token", None),
                   ("error-bad-v2-token", "Bearer nbt_AAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"),
                   ("error-bad-v1-token", "Token 0123456789abcdef0123456789abcdef01234567")]:
    q = f"/api/dcim/sites/?{urllib.parse.urlencode([('slug', SITES[0]), ('limit', FULL_LIMIT)])}"
    status, headers, body = get(q, auth)
    e = save(f"{name}.json", q, status, body, headers)
    e["authorization"] = auth
status, headers, body = get("/api/dcim/no-such-endpoint/")
save("error-not-found.json", "/api/dcim/no-such-endpoint/", status, body, headers)

with open(os.path.join(out, "index.json"), "w", encoding="utf-8") as f:
    json.dump({"set": args.set, "netbox_version": json.loads(open(os.path.join(out, "status.json")).read()).get("netbox-version"),
               "origin": PLACEHOLDER_ORIGIN, "sites": SITES, "counts": counts, "responses": index},
              f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"record: {args.set}: {len(index)} responses in {out} ({', '.join(f'{k} {v}' for k, v in counts.items())})",
      file=sys.stderr)
