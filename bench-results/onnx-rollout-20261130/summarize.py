#!/usr/bin/env python3
"""Medians (min-max over forks' iterations) of windows/s per variant, batch and horizon, from the
JMH JSON files r<round>-<variant>-window-batch-<b>.json in a folder, and the fork medians."""
import json, sys, glob, os, re, statistics
from collections import defaultdict

d = sys.argv[1]
cells = defaultdict(lambda: {"all": [], "forks": [], "cpu": [], "cpuForks": []})
for f in sorted(glob.glob(os.path.join(d, "r*-*.json"))):
    m = re.match(r"r(\d+)-(before|after|fast)-window-batch-(\d+)\.json", os.path.basename(f))
    if not m:
        continue
    try:
        data = json.load(open(f))
    except Exception:
        continue
    for b in data:
        h = int(b["params"]["horizon"])
        rates = b["secondaryMetrics"]["windows"]["rawData"][0]
        key = (int(m.group(3)), h, m.group(2))
        cells[key]["all"] += rates
        cells[key]["forks"].append(statistics.median(rates))
        cpu = b["secondaryMetrics"].get("cpuNanos", {}).get("rawData", [[]])[0]
        per = [r / (c / 1e9) for r, c in zip(rates, cpu) if c]
        if per:
            cells[key]["cpu"] += per
            cells[key]["cpuForks"].append(statistics.median(per))

print("| batch | horizon | variant | windows/s wall, median (min-max) | windows per CPU-second, median (min-max) | fork medians per CPU-second |")
print("|---:|---:|---|---|---|---|")
for key in sorted(cells, key=lambda k: (k[0], k[1], ["before", "after", "fast"].index(k[2]))):
    c = cells[key]
    a = c["all"]
    p = c["cpu"] or [float("nan")]
    print(f"| {key[0]} | {key[1]} | {key[2]} | {statistics.median(a):,.0f} ({min(a):,.0f}-{max(a):,.0f}) n={len(a)} | "
          f"{statistics.median(p):,.0f} ({min(p):,.0f}-{max(p):,.0f}) | "
          + ", ".join(f"{x:,.0f}" for x in c["cpuForks"]) + " |")
med = {k: statistics.median(v["cpu"] or v["all"]) for k, v in cells.items()}
print()
print("Ratios of the per-CPU-second medians:")
print()
for b in sorted({k[0] for k in med}):
    for v in ["before", "after", "fast"]:
        if (b, 1, v) in med and (b, 10, v) in med:
            print(f"batch {b} {v}: H=10 / H=1 = {med[(b, 10, v)] / med[(b, 1, v)]:.2f}")
    if (b, 10, "before") in med and (b, 10, "after") in med:
        print(f"batch {b} H=10: after / before = {med[(b, 10, 'after')] / med[(b, 10, 'before')]:.1f}x")
