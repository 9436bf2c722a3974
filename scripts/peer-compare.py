#!/usr/bin/env python3
"""Peer comparison: the same questions answered by faultline and by the tools
an engineer would otherwise reach for, on the same generated layout.

(a) Per-device single points of failure: which single power element's
    failure takes each device down. The peer is a straightforward networkx
    program reading the JSON layout: a super-source feeds every utility and
    generator, every power element and PSU is a node with an edge from each
    of its inputs (an ATS, STS, dual-inlet PDU or UPS with bypass is live
    when any input is, so on this OR-graph "X's failure downs v" is exactly
    "X dominates v"), and `networkx.immediate_dominators` gives the
    dominator tree. A device needs `psus_needed` of its n PSUs (a k-of-n
    gate, not an OR), so element X takes it down when X dominates at least
    n - k + 1 of its PSUs. faultline answers with
    `faultline cuts --order 1 --targets-from LIST --format json` (every
    device in one run), keeping the
    `fail` events of power elements. The answers are compared device by
    device on a sample (every device either side finds a single point for,
    plus random ones), and the times of answering for every device printed.

(b) Minimal cut sets up to order 2 of every critical service:
    `faultline cuts --order 2` against `scram -l 2` on
    `faultline export --format opsa-mef`, compared top by top through the
    labels the export writes. The export also has a top per device (each
    with hundreds of order-2 cut sets: tens of millions at 8k devices);
    the script keeps the critical services' tops and the gates below them.

Usage: scripts/peer-compare.py [--racks 2500] [--mef-racks 200] [--seed 1]
       [--flaw-rate 0.02] [--sample 2000] [--runs 3] [--skip-networkx]
       [--skip-scram] [--bin PATH] [--keep DIR]

Each side is timed --runs times; the best run counts for the ratios and
the median is printed beside it.

networkx comes from PyPI: when it is missing, the script makes a venv in
target/peer-venv, installs networkx there and re-runs itself inside it.
scram is the Debian package `scram` (apt-get install -y scram).
Exit status: 0 when every compared answer agrees, 1 otherwise.
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_networkx():
    try:
        import networkx  # noqa: F401

        return
    except ImportError:
        pass
    venv = os.path.join(ROOT, "target", "peer-venv")
    py = os.path.join(venv, "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(py):
        sys.exit("networkx is still missing inside " + venv)
    if not os.path.exists(py):
        print(f"networkx missing: creating {venv} and installing it from PyPI", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([py, "-m", "pip", "install", "--quiet", "networkx"], check=True)
    os.execv(py, [py] + sys.argv)


def faultline_bin(args):
    if args.bin:
        return args.bin
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "faultline")


CPU = {"children": 0.0}


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(cmd, stdout_path=None):
    """Run a command; return (wall seconds, stdout text or None). Its CPU
    time (user + system) is added to CPU["last"]."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    if stdout_path:
        with open(stdout_path, "wb") as out:
            p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE)
        text = None
    else:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        text = p.stdout.decode()
    dt = time.perf_counter() - t0
    CPU["last"] = children_cpu() - c0
    # faultline exits 1 when it finds something: that is an answer, not a failure.
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:4])} ... failed ({p.returncode}):\n{p.stderr.decode()[-2000:]}")
    return dt, text


def repeated(runs, fn):
    """Call fn() `runs` times; return (best wall, median wall, CPU of the
    best run, its result). The best is what the ratios use: on a VM the
    first run touches memory the guest has not used yet and pays seconds
    of system time that later runs do not."""
    results = []
    for _ in range(runs):
        c0, p0, t0 = children_cpu(), time.process_time(), time.perf_counter()
        value = fn()
        wall = time.perf_counter() - t0
        cpu = (children_cpu() - c0) + (time.process_time() - p0)
        results.append((wall, cpu, value))
    walls = sorted(r[0] for r in results)
    best = min(results, key=lambda r: r[0])
    return best[0], walls[len(walls) // 2], best[1], best[2]


def generate(bin_, racks, seed, rate, tmp):
    ron = os.path.join(tmp, f"site-{racks}.ron")
    js = os.path.join(tmp, f"site-{racks}.json")
    run_timed([bin_, "gen", "--racks", str(racks), "--seed", str(seed), "--flaw-rate", str(rate)], ron)
    run_timed([bin_, "export", ron, "--format", "json", "-o", js])
    return ron, js


# ---- (a) the networkx program ---------------------------------------------------


def networkx_spofs(path):
    """Per device: the power elements whose single failure takes it down.
    Returns ({device: set(element ids)}, {phase: seconds}, power element ids)."""
    import networkx as nx

    times = {}
    t0 = time.perf_counter()
    with open(path) as f:
        layout = json.load(f)
    times["read JSON"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    g = nx.DiGraph()
    src = "\0source"
    power = set()
    for el in layout["power"]:
        (kind, e), = el.items()
        pid = e["id"]
        power.add(pid)
        g.add_node(pid)
        if kind in ("Utility", "Generator"):
            g.add_edge(src, pid)
        inputs = []
        if "input" in e and e["input"] is not None:
            inputs.append(e["input"])
        inputs.extend(e.get("inputs") or [])
        if e.get("bypass"):
            inputs.append(e["bypass"])
        for i in inputs:
            g.add_edge(i, pid)
    devices = []
    for rack in layout["racks"]:
        for d in rack["devices"]:
            psus = []
            for i, p in enumerate(d["psus"]):
                node = f'{d["id"]}/{p.get("name") or "psu%d" % (i + 1)}'
                g.add_edge(p["feed"], node)
                psus.append(node)
            devices.append((d["id"], psus, d.get("psus_needed", 1)))
    times["build graph"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    idom = nx.immediate_dominators(g, src)
    times["dominators"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    answer = {}
    for dev, psus, k in devices:
        count = defaultdict(int)
        for p in psus:
            if p not in idom:
                continue  # unreachable: dead already
            x = idom[p]
            while x != src:
                count[x] += 1
                x = idom[x]
        need = len(psus) - k + 1
        answer[dev] = {x for x, c in count.items() if c >= need and x in power}
    times["per-device answer"] = time.perf_counter() - t0
    return answer, times, power


def faultline_spofs(bin_, path, targets, power, tmp):
    """faultline's order-1 cut sets of each target, kept to `fail` events of
    power elements, in one run (targets read from a file).
    Returns ({device: set}, seconds)."""
    answer = {}
    listing = os.path.join(tmp, "targets.txt")
    with open(listing, "w") as f:
        f.write("\n".join(targets) + "\n")
    cmd = [bin_, "cuts", path, "--order", "1", "--format", "json", "--targets-from", listing]
    total, out = run_timed(cmd)
    CPU["cuts"] = CPU["last"]
    for t in json.loads(out)["targets"]:
        s = set()
        for cut in t["cut_sets"]:
            if len(cut) == 1 and cut[0]["kind"] == "fail" and cut[0]["id"] in power:
                s.add(cut[0]["id"])
        answer[t["id"]] = s
    return answer, total


def compare_spofs(args, bin_, tmp):
    print(f"== (a) per-device single points of failure: faultline vs networkx, "
          f"{args.racks} racks ({args.racks * 40} devices)", flush=True)
    _, js = generate(bin_, args.racks, args.seed, args.flaw_rate, tmp)
    print(f"   layout: {os.path.getsize(js) / 1e6:.0f} MB of JSON", flush=True)

    nx_total, nx_median, nx_cpu, (nx_answer, nx_times, power) = repeated(
        args.runs, lambda: networkx_spofs(js))
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in nx_times.items())
    print(f"   networkx: {nx_total:.2f} s wall (median of {args.runs}: {nx_median:.2f} s), {nx_cpu:.2f} s CPU "
          f"for all {len(nx_answer)} devices ({phases})", flush=True)

    devices = sorted(nx_answer)
    # The command alone is timed (not reading its JSON back in Python).
    fl_runs = []
    for _ in range(args.runs):
        answer, wall = faultline_spofs(bin_, js, devices, power, tmp)
        fl_runs.append((wall, CPU["cuts"], answer))
    fl_total, fl_cpu, fl_all = min(fl_runs, key=lambda r: r[0])
    fl_median = sorted(r[0] for r in fl_runs)[len(fl_runs) // 2]
    print(f"   faultline cuts --order 1 (whole process, all devices as targets, --targets-from): "
          f"{fl_total:.2f} s wall (median of {args.runs}: {fl_median:.2f} s), {fl_cpu:.2f} s CPU", flush=True)

    # The sample: every device either side finds a single point for, plus
    # random ones (deterministic).
    rng = random.Random(args.seed)
    flagged = {d for d in devices if nx_answer[d] or fl_all.get(d)}
    sample = sorted(flagged | set(rng.sample(devices, min(args.sample, len(devices)))))
    bad = [d for d in sample if nx_answer[d] != fl_all.get(d)]
    with_spof = sum(1 for d in sample if nx_answer[d])
    print(f"   compared {len(sample)} devices ({with_spof} with a single point of failure, "
          f"{len(flagged)} flagged by either side): {len(bad)} disagree", flush=True)
    for d in bad[:10]:
        print(f"     {d}: networkx {sorted(nx_answer[d])} faultline {sorted(fl_all.get(d, []))}")
    # Everything else agrees too when both answered for every device.
    rest = [d for d in devices if nx_answer[d] != fl_all.get(d)]
    print(f"   all {len(devices)} devices: {len(rest)} disagree", flush=True)
    ratio = nx_total / fl_total if fl_total else float("inf")
    cratio = nx_cpu / fl_cpu if fl_cpu else float("inf")
    print(f"   ratio networkx / faultline: {ratio:.1f}x wall, {cratio:.1f}x CPU", flush=True)
    return not bad and not rest


# ---- (b) scram ---------------------------------------------------------------------


LABEL = re.compile(r'<define-(gate|basic-event) name="([^"]+)"><label>([^<]*)</label>')


def unescape(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def scram_cut_sets(report_path, mef_path):
    """{target id: set of frozensets of "kind id"} from SCRAM's report."""
    names = {}
    with open(mef_path) as f:
        for m in LABEL.finditer(f.read()):
            names[m.group(2)] = unescape(m.group(3))
    with open(report_path) as f:
        report = f.read()
    result = {}
    for chunk in report.split("<sum-of-products ")[1:]:
        head = chunk[: chunk.index(">")]
        top = re.search(r'name="([^"]+)"', head).group(1)
        label = names.get(top, top)
        m = re.match(r"(critical service|device) (.*) down$", label)
        if not m:
            continue
        target = m.group(2)
        sets = set()
        if not head.endswith("/"):
            body = chunk[: chunk.index("</sum-of-products>")]
            for product in body.split("<product ")[1:]:
                events = re.findall(r'<basic-event name="([^"]+)"', product)
                sets.add(frozenset(names[e] for e in events))
        result[target] = sets
    return result


GATE = re.compile(r'^\s*<define-gate name="([^"]+)"><label>([^<]*)</label>')


def critical_only(mef):
    """Drop the device tops from an exported MEF file, and every gate no
    critical service's top reaches."""
    with open(mef) as f:
        lines = f.read().split("\n")
    gates = {}
    for i, line in enumerate(lines):
        m = GATE.match(line)
        if m:
            gates[m.group(1)] = (i, m.group(2), re.findall(r'<gate name="([^"]+)"/>', line))
    keep = set()
    stack = [g for g, (_, label, _) in gates.items() if label.startswith("critical service ")]
    while stack:
        g = stack.pop()
        if g not in keep:
            keep.add(g)
            stack.extend(gates[g][2])
    drop = {i for g, (i, _, _) in gates.items() if g not in keep}
    with open(mef, "w") as f:
        f.write("\n".join(line for i, line in enumerate(lines) if i not in drop))


def compare_scram(args, bin_, tmp):
    print(f"== (b) order-2 cut sets: faultline cuts vs scram -l 2, {args.mef_racks} racks "
          f"({args.mef_racks * 40} devices)", flush=True)
    if not shutil.which("scram"):
        print("   scram is not installed (apt-get install -y scram): skipped")
        return False
    ron, js = generate(bin_, args.mef_racks, args.seed, args.flaw_rate, tmp)
    mef = os.path.join(tmp, "site.xml")
    dt_export, _ = run_timed([bin_, "export", js, "--format", "opsa-mef", "-o", mef])
    print(f"   export: {dt_export:.2f} s, {os.path.getsize(mef) / 1e6:.1f} MB of MEF", flush=True)

    # The export has a top event per critical service and per device; every
    # device has hundreds of order-2 cut sets (each pair of an A-side and a
    # B-side element above it), so keep the critical services' tops and the
    # gates below them (the export writes one definition per line).
    critical_only(mef)
    with open(js) as f:
        layout = json.load(f)
    targets = [s["id"] for s in layout.get("services", []) if s.get("critical")]

    report = os.path.join(tmp, "scram-report.xml")
    dt_scram, med_scram, cpu_scram, _ = repeated(
        args.runs, lambda: run_timed(["scram", "-l", "2", "--no-indent", mef, "-o", report]))
    print(f"   scram -l 2: {dt_scram:.2f} s wall (median of {args.runs}: {med_scram:.2f} s), "
          f"{cpu_scram:.2f} s CPU", flush=True)

    # No --target: the critical services, as in the pruned export.
    dt_fl, med_fl, cpu_fl, (_, out) = repeated(
        args.runs, lambda: run_timed([bin_, "cuts", js, "--order", "2", "--format", "json"]))
    print(f"   faultline cuts --order 2 (whole process, same {len(targets)} targets): "
          f"{dt_fl:.2f} s wall (median of {args.runs}: {med_fl:.2f} s), {cpu_fl:.2f} s CPU", flush=True)

    ours = {}
    for t in json.loads(out)["targets"]:
        ours[t["id"]] = {frozenset(f'{e["kind"]} {e["id"]}' for e in cut) for cut in t["cut_sets"]}
    theirs = scram_cut_sets(report, mef)
    bad = [t for t in targets if ours.get(t, set()) != theirs.get(t, set())]
    total = sum(len(v) for v in ours.values())
    print(f"   {len(targets)} tops, {total} cut sets: {len(bad)} tops disagree", flush=True)
    for t in bad[:5]:
        a, b = ours.get(t, set()), theirs.get(t, set())
        print(f"     {t}: only faultline {sorted(map(sorted, a - b))[:3]}, only scram {sorted(map(sorted, b - a))[:3]}")
    ratio = dt_scram / dt_fl if dt_fl else float("inf")
    cratio = cpu_scram / cpu_fl if cpu_fl else float("inf")
    print(f"   ratio scram / faultline: {ratio:.1f}x wall, {cratio:.1f}x CPU", flush=True)
    return not bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--racks", type=int, default=2500, help="racks for (a) (40 devices each)")
    ap.add_argument("--mef-racks", type=int, default=200, help="racks for (b)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--flaw-rate", type=float, default=0.02)
    ap.add_argument("--sample", type=int, default=2000, help="random devices compared in (a)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each side; the best counts")
    ap.add_argument("--skip-networkx", action="store_true")
    ap.add_argument("--skip-scram", action="store_true")
    ap.add_argument("--bin", help="a faultline binary (default: cargo build --release)")
    ap.add_argument("--keep", help="write the layouts and reports here and keep them")
    args = ap.parse_args()
    if not args.skip_networkx:
        ensure_networkx()
    bin_ = faultline_bin(args)
    tmp = args.keep or tempfile.mkdtemp(prefix="faultline-peer-")
    os.makedirs(tmp, exist_ok=True)
    ok = True
    try:
        if not args.skip_networkx:
            ok &= compare_spofs(args, bin_, tmp)
        if not args.skip_scram:
            ok &= compare_scram(args, bin_, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("all answers agree" if ok else "ANSWERS DIFFER (or a check was skipped)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
