#!/usr/bin/env python3
"""Medians (min-max) per cell of the JMH JSON files in a folder: files named
r<round>-<variant>-<shape>.json, one fork each. Prints wall-clock rate and rate per CPU-second
(the benchmark's cpuNanos counter: CPU time of the measuring thread), per variant and shape."""
import json, sys, glob, os, re, statistics
from collections import defaultdict

d = sys.argv[1]
cells = defaultdict(lambda: {"wall": [], "cpu": [], "forks": []})
for f in sorted(glob.glob(os.path.join(d, "r*-*.json"))):
    m = re.match(r"r(\d+)-(main|row-skew|chunk-on|chunk-skew|final|on|skew|off|before|after)-(.*)\.json",
                 os.path.basename(f))
    if not m:
        continue
    variant, shape = m.group(2), m.group(3)
    try:
        data = json.load(open(f))
    except Exception:
        continue
    for b in data:
        sec = b["secondaryMetrics"]
        key = "windows" if "windows" in sec else ("keySteps" if "keySteps" in sec else None)
        if key is None:
            continue
        per_fork = []
        for it, rate in enumerate(sec[key]["rawData"][0]):
            cells[(shape, variant)]["wall"].append(rate)
            if "cpuNanos" in sec:
                cpu = sec["cpuNanos"]["rawData"][0][it]
                r = rate / (cpu / 1e9) if cpu else float("nan")
                cells[(shape, variant)]["cpu"].append(r)
                per_fork.append(r)
            else:
                per_fork.append(rate)
        cells[(shape, variant)]["forks"].append(statistics.median(per_fork))

def fmt(v):
    if not v:
        return "-"
    return f"{statistics.median(v):,.0f} ({min(v):,.0f}-{max(v):,.0f}) n={len(v)}"

print("| shape | variant | wall /s median (min-max) | per CPU-second median (min-max) | fork medians (per CPU-second if counted) | fork spread (max-min)/median |")
print("|---|---|---|---|---|---|")
for (shape, variant) in sorted(cells):
    c = cells[(shape, variant)]
    f = c["forks"]
    spread = (max(f) - min(f)) / statistics.median(f) * 100 if f else float("nan")
    print(f"| {shape} | {variant} | {fmt(c['wall'])} | {fmt(c['cpu'])} | "
          f"{', '.join(f'{x:,.0f}' for x in f)} | {spread:.1f}% |")
