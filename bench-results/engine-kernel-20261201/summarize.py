#!/usr/bin/env python3
"""Tables of a run-compare.sh folder: per variant (main, kernel, onnx) and shape, windows or
key-steps per second wall-clock and per CPU-second of the measuring thread (the benchmark's
cpuNanos counter), median (min-max) over all iterations, each fork's median, the fork medians'
spread; then ratios (median over median, the range pairing the extreme fork medians).
Usage: summarize.py FOLDER"""
import glob, json, os, re, statistics, sys
from collections import defaultdict

VARIANTS = ("main", "kernel", "onnx")
d = sys.argv[1]
cells = defaultdict(lambda: {"wall": [], "cpu": [], "forks": []})
for f in sorted(glob.glob(os.path.join(d, "r*-*.json"))):
    m = re.match(r"r(\d+)-(main|kernel|onnx)-((?:w\d+|step)-b\d+)\.json", os.path.basename(f))
    if not m:
        continue
    try:
        data = json.load(open(f))
    except Exception:
        continue
    for b in data:
        sec = b["secondaryMetrics"]
        counter = "windows" if "windows" in sec else "keySteps"
        rates = sec[counter]["rawData"][0]
        cpus = sec["cpuNanos"]["rawData"][0]
        per = [r / (c / 1e9) for r, c in zip(rates, cpus)]
        c = cells[(m.group(3), m.group(2))]
        c["wall"] += rates
        c["cpu"] += per
        c["forks"].append(statistics.median(per))


def k(x):
    return f"{x / 1000:.2f}K" if x >= 1000 else f"{x:.0f}"


def fmt(v):
    return f"{k(statistics.median(v))} ({k(min(v))}-{k(max(v))})" if v else "-"


def order(s):
    a, b = s.split("-")
    return (a == "step", -int(a[1:]) if a != "step" else 0, int(b[1:]))


shapes = sorted({s for s, _ in cells}, key=order)
print("## Per CPU-second (median (min-max) over iterations), fork medians, fork spread\n")
print("Windows/s for w*, key-steps/s for step-*.\n")
print("| shape | variant | per CPU-second | wall-clock | fork medians per CPU-second | fork spread |")
print("|---|---|---:|---:|---|---:|")
for s in shapes:
    for v in VARIANTS:
        c = cells.get((s, v))
        if not c or not c["forks"]:
            continue
        f = c["forks"]
        spread = (max(f) - min(f)) / statistics.median(f) * 100
        print(f"| {s} | {v} | {fmt(c['cpu'])} | {fmt(c['wall'])} | {', '.join(k(x) for x in f)} | {spread:.1f}% |")
print("\n## Ratios per CPU-second: median / median (extreme fork medians paired)\n")
print("| shape | main | kernel | onnx | kernel / main | kernel / onnx | main / onnx |")
print("|---|---:|---:|---:|---:|---:|---:|")


def ratio(a, b):
    if not a or not b:
        return "-"
    return (f"{statistics.median(a) / statistics.median(b):.2f}x "
            f"({min(a) / max(b):.2f}-{max(a) / min(b):.2f})")


for s in shapes:
    o, n, x = (cells.get((s, v), {}).get("forks", []) for v in VARIANTS)
    med = lambda v: k(statistics.median(v)) if v else "-"
    print(f"| {s} | {med(o)} | {med(n)} | {med(x)} | {ratio(n, o)} | {ratio(n, x)} | {ratio(o, x)} |")
