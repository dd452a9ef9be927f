#!/usr/bin/env python3
"""Turns bench/results (JMH JSON + PyTorch JSON from run-benchmarks.sh) into docs/benchmarks.md tables.

Each cell is "wall rate / rate per CPU-second": the wall-clock rate is what the machine gave
during the run; the rate per CPU-second divides by the CPU time the measuring threads actually
got (the machine's other load taken out; 2 threads on 2 free cores would reach twice it).
"""
import json
import os
import sys

d = sys.argv[1] if len(sys.argv) > 1 else "bench/results"


def jmh(name):
    rows = []
    for t in (1, 2):
        p = os.path.join(d, f"jmh-{name}-t{t}.json")
        if os.path.exists(p) and os.path.getsize(p) > 0:  # empty while JMH is still running
            rows += json.load(open(p))
    return rows


def k(v):
    if v is None:
        return "-"
    return f"{v / 1000:.1f}K" if v >= 10000 else f"{v:.0f}"


def cell(rate, cpu_rate):
    return "-" if rate is None else f"{k(rate)} / {k(cpu_rate)}"


def jrow(rows, threads, **params):
    for r in rows:
        if r["threads"] == threads and all(r["params"].get(a) == str(v) for a, v in params.items()):
            return r
    return None


def jcell(rows, threads, counter, **params):
    r = jrow(rows, threads, **params)
    if r is None or counter not in r["secondaryMetrics"]:
        return "-"
    rate = r["secondaryMetrics"][counter]["score"]
    cpu = r["secondaryMetrics"]["cpuNanos"]["score"] / 1e9
    return cell(rate, rate / cpu if cpu > 0 else None)


torch_path = os.path.join(d, "pytorch.json")
torch = json.load(open(torch_path))["rows"] if os.path.exists(torch_path) else []


def pcell(what, threads, mode, **kw):
    for r in torch:
        if r["what"] == what and r["threads"] == threads and r["mode"] == mode and all(
                r.get(a) == v for a, v in kw.items()):
            return cell(r["rate"], r.get("cpu_rate"))
    return "-"


pred = jmh("PredictorBenchmark")
print("### Windows per second: wall / per CPU-second\n")
print("| window | batch | fast 1 thr | fast 2 thr | dl4j 1 thr | dl4j 2 thr | PyTorch 1 thr"
      " | PyTorch 2 thr | PyTorch 2 proc |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for w in (30, 60):
    for b in (1, 16, 128, 1024):
        cells = [jcell(pred, t, "windows", engine=e, window=w, batch=b)
                 for e in ("fast", "dl4j") for t in (1, 2)]
        cells += [pcell("windows/s", 1, "intra-op", window=w, batch=b),
                  pcell("windows/s", 2, "intra-op", window=w, batch=b),
                  pcell("windows/s", 2, "2 processes", window=w, batch=b)]
        print(f"| {w} | {b} | " + " | ".join(cells) + " |")

step = jmh("StepperBenchmark")
print("\n### Stateful key-steps per second: wall / per CPU-second\n")
print("| batch | fast 1 thr | fast 2 thr | dl4j 1 thr | dl4j 2 thr | PyTorch 1 thr"
      " | PyTorch 2 thr | PyTorch 2 proc |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for b in (1, 16, 256, 1024):
    cells = [jcell(step, t, "keySteps", engine=e, batch=b) for e in ("fast", "dl4j") for t in (1, 2)]
    cells += [pcell("key-steps/s", 1, "intra-op", batch=b),
              pcell("key-steps/s", 2, "intra-op", batch=b),
              pcell("key-steps/s", 2, "2 processes", batch=b)]
    print(f"| {b} | " + " | ".join(cells) + " |")

print("\n### Bytes allocated per window / per key-step (JMH `-prof gc`, 1 thread)\n")
print("| shape | fast | dl4j |")
print("|---|---:|---:|")


def per(rows, n, **params):
    r = jrow(rows, 1, **params)
    m = r and r["secondaryMetrics"].get("gc.alloc.rate.norm")
    return "-" if not m else f"{m['score'] / n:.2f}"


for w in (30, 60):
    for b in (1, 16, 128, 1024):
        print(f"| window {w}, batch {b} | "
              + " | ".join(per(pred, b, engine=e, window=w, batch=b) for e in ("fast", "dl4j")) + " |")
for b in (1, 16, 256, 1024):
    print(f"| step, batch {b} | "
          + " | ".join(per(step, b, engine=e, batch=b) for e in ("fast", "dl4j")) + " |")
