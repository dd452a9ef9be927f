#!/usr/bin/env python3
"""Medians and min-max spreads of a run-benchmarks.sh folder, as Markdown tables.

One sample per round: for JMH the mean of one fork's measurement iterations (the fork's score),
for PyTorch one timed repetition. Cells are "median (min-max)" over the rounds; the ratio column
is median(fast) / median(PyTorch) (and median(fast) / median(onnx)), with the spread from the extreme pairings
(min fast / max PyTorch .. max fast / min PyTorch). Two tables per kind: the wall-clock rate and
the rate per CPU-second the measuring thread got (JMH cpuNanos counter, PyTorch process_time),
which takes the machine's other load out. For 2 threads, PyTorch is two processes of one
thread each (rates summed), JMH two threads each with its own engine instance.
"""
import glob
import json
import os
import re
import statistics
import sys

d = sys.argv[1] if len(sys.argv) > 1 else "."


def k(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e4:
        return f"{v / 1e3:.1f}K"
    return f"{v:.0f}"


def cell(xs):
    if not xs:
        return "-"
    return f"{k(statistics.median(xs))} ({k(min(xs))}-{k(max(xs))})"


def spread(xs):
    """The spread between JVMs (one fork each): (max - min) / median, in percent."""
    if len(xs) < 2:
        return "-"
    return f"{100 * (max(xs) - min(xs)) / statistics.median(xs):.1f}%"


def ratio(fast, torch):
    if not fast or not torch:
        return "-"
    m = statistics.median(fast) / statistics.median(torch)
    lo, hi = min(fast) / max(torch), max(fast) / min(torch)
    f = (lambda v: f"{v:.2f}") if m >= 1 else (lambda v: f"{v:.3f}")
    return f"{f(m)}x ({f(lo)}-{f(hi)})"


# samples[(kind, shape, threads, who)] = {"wall": [...], "cpu": [...]}
samples = {}


def add(key, wall, cpu):
    s = samples.setdefault(key, {"wall": [], "cpu": []})
    s["wall"].append(wall)
    s["cpu"].append(cpu)


for path in sorted(glob.glob(os.path.join(d, "jmh-*-t*-r*.json"))):
    if os.path.getsize(path) == 0:
        continue
    for r in json.load(open(path)):
        p = r["params"]
        sec = r["secondaryMetrics"]
        if "windows" in sec:
            kind, shape, counter = "windows", (int(p["window"]), int(p["batch"])), "windows"
        else:
            kind, shape, counter = "steps", (int(p["batch"]),), "keySteps"
        for fork_w, fork_c in zip(sec[counter]["rawData"], sec["cpuNanos"]["rawData"]):
            wall = statistics.mean(fork_w)
            cpu_s = statistics.mean(fork_c) / 1e9
            add((kind, shape, r["threads"], p["engine"]), wall, wall / cpu_s if cpu_s else None)

for path in sorted(glob.glob(os.path.join(d, "torch-t*-r*.json"))):
    for row in json.load(open(path))["rows"]:
        # 1 thread: intra-op; 2 threads: two 1-thread processes (rates summed), like JMH -t 2's
        # two independent engine instances
        if not ((row["mode"] == "intra-op" and row["threads"] == 1) or row["mode"] == "2 processes"):
            continue
        if row["what"] == "windows/s":
            kind, shape = "windows", (row["window"], row["batch"])
        else:
            kind, shape = "steps", (row["batch"],)
        add((kind, shape, row["threads"], "pytorch"), row["rate"], row["cpu_rate"])

rounds = len(glob.glob(os.path.join(d, "torch-t1-r*.json")))
for p in sorted(glob.glob(os.path.join(d, "sgemm-*.json")), key=os.path.getmtime):
    name = os.path.basename(p)[len("sgemm-"):-len(".json")]
    if os.path.getsize(p):
        s = json.load(open(p))
        print(f"sgemm {name}: torch.mm {s['n']}^3 float32, 1 thread: median "
              f"{s['torch_gflops']['median']:.1f} GFLOP/s ({s['torch_gflops']['min']:.1f}-"
              f"{s['torch_gflops']['best']:.1f}); numpy {s['numpy_gflops']['median']:.1f}; "
              f"OpenBLAS kernel {(s.get('openblas') or {}).get('corename')}  ")
print()

threads = sorted({key[2] for key in samples})
for t in threads:
    for measure, label in (("wall", "wall-clock"), ("cpu", "per CPU-second")):
        for kind, unit, shapes in (
                ("windows", "windows/s", sorted({key[1] for key in samples if key[0] == "windows"},
                                                key=lambda s: (-s[0], s[1]))),
                ("steps", "key-steps/s", sorted({key[1] for key in samples if key[0] == "steps"}))):
            print(f"### {unit}, {t} thread(s), {label}: median (min-max)\n")
            head = "| window | batch |" if kind == "windows" else "| batch |"
            print(head + " n | PyTorch+OpenBLAS | fast | onnx | dl4j | fast / PyTorch | fast / onnx"
                  " | dl4j / PyTorch | spread fast / onnx |")
            print("|" + "---:|" * (len(head.split("|")) - 2)
                  + "---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for shape in shapes:
                def get(who):
                    return [v for v in samples.get((kind, shape, t, who), {}).get(measure, [])
                            if v is not None]
                pt, fa, ox, dl = get("pytorch"), get("fast"), get("onnx"), get("dl4j")
                n = f"{len(pt)}/{len(fa)}/{len(ox)}/{len(dl)}"
                print("| " + " | ".join(str(v) for v in shape) + f" | {n} | {cell(pt)} | "
                      f"{cell(fa)} | {cell(ox)} | {cell(dl)} | {ratio(fa, pt)} | {ratio(fa, ox)}"
                      f" | {ratio(dl, pt)} | {spread(fa)} / {spread(ox)} |")
            print()

print("n = samples PyTorch/fast/onnx/dl4j (rounds; one JMH fork per round). Spread: (max - min)"
      " / median over the forks, the spread between JVMs.")
log = os.path.join(d, "run.log")
if os.path.exists(log):
    loads = [float(m.group(1)) for m in re.finditer(r"loadavg (\S+)", open(log).read())]
    if loads:
        print(f"1-min load average over the run.log marks: min {min(loads):.2f}, "
              f"median {statistics.median(loads):.2f}, max {max(loads):.2f} ({len(loads)} marks).")
