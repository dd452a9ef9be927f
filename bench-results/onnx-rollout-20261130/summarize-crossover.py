#!/usr/bin/env python3
"""Windows per CPU-second (median over forks' iterations, min-max) per variant and horizon."""
import json, sys, glob, os, re, statistics
from collections import defaultdict
d = sys.argv[1]
cells = defaultdict(list)
for f in sorted(glob.glob(os.path.join(d, "r*-*.json"))):
    v = re.match(r"r\d+-(\w+)\.json", os.path.basename(f)).group(1)
    for b in json.load(open(f)):
        h = int(b["params"]["horizon"])
        rates = b["secondaryMetrics"]["windows"]["rawData"][0]
        cpu = b["secondaryMetrics"]["cpuNanos"]["rawData"][0]
        cells[(h, v)] += [r / (c / 1e9) for r, c in zip(rates, cpu) if c]
print("| horizon | before (window rerun) | step model always | chosen by cost |")
print("|---:|---:|---:|---:|")
for h in sorted({k[0] for k in cells}):
    row = []
    for v in ["before", "step", "rule"]:
        x = cells.get((h, v), [])
        row.append(f"{statistics.median(x):,.0f} ({min(x):,.0f}-{max(x):,.0f})" if x else "-")
    print(f"| {h} | " + " | ".join(row) + " |")
