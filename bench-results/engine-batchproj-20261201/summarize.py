#!/usr/bin/env python3
"""Tables of a run-compare.sh folder: per variant and shape, windows/s wall-clock and per
CPU-second of the measuring thread (the benchmark's cpuNanos counter), median (min-max) over all
iterations, each fork's median, the fork medians' spread; then ratios new/old and new/onnx (median
over median, the range pairing the extreme fork medians). Usage: summarize.py FOLDER"""
import glob, json, os, re, statistics, sys
from collections import defaultdict

d = sys.argv[1]
cells = defaultdict(lambda: {"wall": [], "cpu": [], "forks": [], "fwall": []})
for f in sorted(glob.glob(os.path.join(d, "r*-*.json"))):
    m = re.match(r"r(\d+)-(old|new|onnx)-(w\d+-b\d+)\.json", os.path.basename(f))
    if not m:
        continue
    try:
        data = json.load(open(f))
    except Exception:
        continue
    for b in data:
        sec = b["secondaryMetrics"]
        rates = sec["windows"]["rawData"][0]
        cpus = sec["cpuNanos"]["rawData"][0]
        per = [r / (c / 1e9) for r, c in zip(rates, cpus)]
        c = cells[(m.group(3), m.group(2))]
        c["wall"] += rates
        c["cpu"] += per
        c["forks"].append(statistics.median(per))
        c["fwall"].append(statistics.median(rates))


def k(x):
    return f"{x / 1000:.2f}K" if x >= 1000 else f"{x:.0f}"


def fmt(v):
    return f"{k(statistics.median(v))} ({k(min(v))}-{k(max(v))})" if v else "-"


shapes = sorted({s for s, _ in cells}, key=lambda s: (-int(s.split("-")[0][1:]), int(s.split("-")[1][1:])))
print("## Windows per CPU-second (median (min-max) over iterations), fork medians, fork spread\n")
print("| shape | variant | per CPU-second | wall-clock | fork medians per CPU-second | fork spread |")
print("|---|---|---:|---:|---|---:|")
for s in shapes:
    for v in ("old", "new", "onnx"):
        c = cells.get((s, v))
        if not c or not c["forks"]:
            continue
        f = c["forks"]
        spread = (max(f) - min(f)) / statistics.median(f) * 100
        print(f"| {s} | {v} | {fmt(c['cpu'])} | {fmt(c['wall'])} | {', '.join(k(x) for x in f)} | {spread:.1f}% |")
print("\n## Ratios per CPU-second: median / median (extreme fork medians paired)\n")
print("| shape | old | new | onnx | new / old | new / onnx | old / onnx |")
print("|---|---:|---:|---:|---:|---:|---:|")


def ratio(a, b):
    if not a or not b:
        return "-"
    return (f"{statistics.median(a) / statistics.median(b):.2f}x "
            f"({min(a) / max(b):.2f}-{max(a) / min(b):.2f})")


for s in shapes:
    o, n, x = (cells.get((s, v), {}).get("forks", []) for v in ("old", "new", "onnx"))
    med = lambda v: k(statistics.median(v)) if v else "-"
    print(f"| {s} | {med(o)} | {med(n)} | {med(x)} | {ratio(n, o)} | {ratio(n, x)} | {ratio(o, x)} |")
