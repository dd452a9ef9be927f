#!/usr/bin/python3
"""Independent PyTorch implementation of the Conv1D-LSTM forecaster, built from a model bundle.

Reads a bundle zip (bundle.json + params.f32, DL4J's flat parameter order), rebuilds the network
with torch.nn modules, and either
  golden: writes golden inputs and outputs (JSON) that the Java equality tests compare with, or
  bench:  measures PyTorch's windows/s and stateful key-steps/s on the shapes of docs/benchmarks.md.

Run with Debian's interpreter and one BLAS thread (PyTorch otherwise oversubscribes the cores):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/pytorch/forecaster_torch.py golden \
      --bundle model/src/test/resources/golden/random-raw.zip \
      --out model/src/test/resources/golden/random-raw.json
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/pytorch/forecaster_torch.py bench \
      --bundle models/sunspots.zip --seconds 3
For bench, install OpenBLAS (apt-get install libopenblas0-pthread; Debian's torch otherwise runs
on reference BLAS, ~15x slower sgemm) and unset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for that
command (they pin an older kernel); --windows/--steps/--threads/--no-processes pick the shapes.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import sys
import time
import zipfile

import numpy as np
import torch
from torch import nn

# DL4J's LSTM gate blocks are [cell input | forget | output | input]; PyTorch wants [i | f | g | o].
DL4J_BLOCK_FOR_TORCH_GATE = [3, 1, 0, 2]


def read_bundle(path):
    with zipfile.ZipFile(path) as z:
        meta = json.loads(z.read("bundle.json"))
        params = np.frombuffer(z.read("params.f32"), dtype="<f4").astype(np.float32)
    return meta, params


class Forecaster(nn.Module):
    """Conv1D(causal, relu) -> LSTM -> LSTM -> Dense(relu) -> Dense(relu) -> Dense -> x scale."""

    def __init__(self, hp):
        super().__init__()
        self.k = hp["kernelSize"]
        self.conv = nn.Conv1d(1, hp["convFilters"], hp["kernelSize"])
        self.lstm1 = nn.LSTM(hp["convFilters"], hp["lstm1Units"], batch_first=True)
        self.lstm2 = nn.LSTM(hp["lstm1Units"], hp["lstm2Units"], batch_first=True)
        self.d1 = nn.Linear(hp["lstm2Units"], hp["dense1Units"])
        self.d2 = nn.Linear(hp["dense1Units"], hp["dense2Units"])
        self.out = nn.Linear(hp["dense2Units"], 1)
        self.scale = float(hp["outputScale"])

    def tail(self, conv_out, state=None):
        """conv_out [B, T, F] -> (predictions [B, T], state)."""
        s1, s2 = (None, None) if state is None else state
        h1, s1 = self.lstm1(conv_out, s1)
        h2, s2 = self.lstm2(h1, s2)
        y = self.out(torch.relu(self.d2(torch.relu(self.d1(h2)))))
        return y[..., 0] * self.scale, (s1, s2)

    def forward(self, x):
        """x [B, T] model-scale inputs -> [B, T] model-scale predictions (zero state)."""
        padded = nn.functional.pad(x.unsqueeze(1), (self.k - 1, 0))  # causal: zeros before t=0
        conv = torch.relu(self.conv(padded)).transpose(1, 2)
        return self.tail(conv)[0]

    def step(self, recent, state):
        """recent [B, k] last k model-scale inputs (oldest first) -> ([B] predictions, state)."""
        conv = torch.relu(self.conv(recent.unsqueeze(1))).transpose(1, 2)  # [B, 1, F]
        y, state = self.tail(conv, state)
        return y[:, 0], state


def load_weights(model, hp, p):
    """Sets the model's weights from DL4J's flat order (see FastWeights.java for the layout)."""
    at = 0

    def take(n):
        nonlocal at
        v = p[at:at + n]
        at += n
        return v

    f, k = hp["convFilters"], hp["kernelSize"]
    conv_b = take(f)
    conv_w = take(k * f).reshape(k, f)  # [tap][filter], tap 0 = oldest
    model.conv.bias.data = torch.from_numpy(conv_b.copy())
    model.conv.weight.data = torch.from_numpy(conv_w.T.copy()).reshape(f, 1, k)

    def lstm(layer, n_in, h):
        w = take(n_in * 4 * h).reshape(4 * h, n_in)  # DL4J 'f'-ordered [nIn, 4H]
        rw = take(h * 4 * h).reshape(4 * h, h)
        b = take(4 * h)
        order = np.concatenate([np.arange(blk * h, (blk + 1) * h) for blk in DL4J_BLOCK_FOR_TORCH_GATE])
        layer.weight_ih_l0.data = torch.from_numpy(w[order].copy())
        layer.weight_hh_l0.data = torch.from_numpy(rw[order].copy())
        layer.bias_ih_l0.data = torch.from_numpy(b[order].copy())
        layer.bias_hh_l0.data = torch.zeros(4 * h)

    lstm(model.lstm1, f, hp["lstm1Units"])
    lstm(model.lstm2, hp["lstm1Units"], hp["lstm2Units"])

    def dense(layer, n_in, n_out):
        layer.weight.data = torch.from_numpy(take(n_in * n_out).reshape(n_out, n_in).copy())
        layer.bias.data = torch.from_numpy(take(n_out).copy())

    dense(model.d1, hp["lstm2Units"], hp["dense1Units"])
    dense(model.d2, hp["dense1Units"], hp["dense2Units"])
    dense(model.out, hp["dense2Units"], 1)
    if at != len(p):
        raise ValueError(f"bundle has {len(p)} parameters, the network reads {at}")


def build(bundle_path):
    meta, params = read_bundle(bundle_path)
    hp = meta["hyperParams"]
    model = Forecaster(hp)
    load_weights(model, hp, params)
    model.eval()
    scaling = meta.get("scaling") or {"offset": 0.0, "scale": 1.0}
    return meta, model, float(scaling["offset"]), float(scaling["scale"])


def sunspot_like(rng, n):
    """A noisy 11-year cycle between 0 and ~300, like the monthly sunspot numbers."""
    i = np.arange(n) + rng.uniform(0, 132)
    x = 150 * (0.5 - 0.5 * np.cos(2 * np.pi * i / 132.0)) + 30 * rng.standard_normal(n) + 10
    return np.maximum(x, 0).astype(np.float32)


def golden(args):
    meta, model, offset, scale = build(args.bundle)
    rng = np.random.default_rng(args.seed)
    cases = []
    for batch, length in [(1, 1), (1, 120), (4, 60), (33, 30), (7, 120), (1024, 2)]:
        raw = np.stack([sunspot_like(rng, length) for _ in range(batch)])
        x = torch.from_numpy((raw - np.float32(offset)) / np.float32(scale))
        with torch.no_grad():
            y = model(x).numpy().astype(np.float64) * scale + offset
        cases.append({
            "batch": batch,
            "length": length,
            "inputs": [float(v) for v in raw.reshape(-1)],
            "outputs": [float(np.float32(v)) for v in y.reshape(-1)],
        })
    with open(args.bundle, "rb") as fh:
        sha = hashlib.sha256(fh.read()).hexdigest()
    doc = {
        "bundle": os.path.basename(args.bundle),
        "bundleSha256": sha,
        "producer": "tools/pytorch/forecaster_torch.py golden (torch "
        + torch.__version__ + ", numpy " + np.__version__ + ")",
        "cases": cases,
    }
    with open(args.out, "w") as fh:
        json.dump(doc, fh, indent=None, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {args.out}: {len(cases)} cases, bundle sha256 {sha[:12]}", file=sys.stderr)


def time_windows(model, batch, length, seconds, threads):
    torch.set_num_threads(threads)
    rng = np.random.default_rng(1)
    x = torch.from_numpy(np.stack([sunspot_like(rng, length) for _ in range(batch)]) / 100)
    with torch.inference_mode():
        end = time.perf_counter() + min(1.0, seconds / 3)
        while time.perf_counter() < end:
            model(x)
        n, start, cpu = 0, time.perf_counter(), time.process_time()
        while True:
            model(x)
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return n * batch, elapsed, time.process_time() - cpu


def time_steps(model, hp, batch, seconds, threads):
    torch.set_num_threads(threads)
    rng = np.random.default_rng(2)
    k = hp["kernelSize"]
    series = torch.from_numpy(np.stack([sunspot_like(rng, 256) for _ in range(batch)]) / 100)
    recent = torch.zeros(batch, k)
    state = None
    with torch.inference_mode():
        t, n, start, cpu, warm_end = 0, 0, None, 0, time.perf_counter() + min(1.0, seconds / 3)
        while True:
            recent = torch.cat([recent[:, 1:], series[:, t % 256:t % 256 + 1]], dim=1)
            _, state = model.step(recent, state)
            t += 1
            now = time.perf_counter()
            if start is None:
                if now >= warm_end:
                    start, n, cpu = now, 0, time.process_time()
                continue
            n += 1
            if now - start >= seconds:
                return n * batch, now - start, time.process_time() - cpu


def _worker(args_tuple):
    kind, bundle, shape, seconds = args_tuple
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    meta, model, _, _ = build(bundle)
    if kind == "windows":
        return time_windows(model, shape[0], shape[1], seconds, 1)
    return time_steps(model, meta["hyperParams"], shape[0], seconds, 1)


def parse_windows(spec):
    """"60x1,30x128" -> [(60, 1), (30, 128)] (window x batch)."""
    return [tuple(int(v) for v in item.split("x")) for item in spec.split(",") if item]


def parse_ints(spec):
    return [int(v) for v in spec.split(",") if v]


def blas_info():
    """The BLAS library this process mapped and, for OpenBLAS, the kernel it chose."""
    try:
        from sgemm_rate import mapped_blas, openblas_info  # same directory
        libs = mapped_blas()
        return {"libraries": libs, "openblas": openblas_info(libs)}
    except Exception as e:  # informational only
        return {"error": repr(e)}


def bench(args):
    meta, model, _, _ = build(args.bundle)
    hp = meta["hyperParams"]
    rows = []
    threads_list = parse_ints(args.threads)
    load_before = os.getloadavg()
    print(f"torch {torch.__version__}, python {platform.python_version()}, "
          f"load {load_before}", file=sys.stderr)
    def row(what, threads, mode, results, **shape):
        # results: (count, wall seconds, cpu seconds) per process; rate = sum of per-process
        # rates, cpu_rate = count per CPU-second (the machine's other load taken out)
        rows.append({"what": what, **shape, "threads": threads, "mode": mode,
                     "rate": sum(n / w for n, w, _ in results),
                     "cpu_rate": sum(n for n, _, _ in results) / sum(c for _, _, c in results),
                     "load": os.getloadavg()[0]})
        print(json.dumps(rows[-1]), file=sys.stderr)

    for length, batch in parse_windows(args.windows):
        for threads in threads_list:
            r = time_windows(model, batch, length, args.seconds, threads)
            row("windows/s", threads, "intra-op", [r], window=length, batch=batch)
        if args.processes:
            # two processes of one thread each: PyTorch's share-nothing configuration
            with multiprocessing.get_context("spawn").Pool(2) as pool:
                rs = pool.map(_worker, [("windows", args.bundle, (batch, length), args.seconds)] * 2)
            row("windows/s", 2, "2 processes", rs, window=length, batch=batch)
    for batch in parse_ints(args.steps):
        for threads in threads_list:
            r = time_steps(model, hp, batch, args.seconds, threads)
            row("key-steps/s", threads, "intra-op", [r], batch=batch)
        if args.processes:
            with multiprocessing.get_context("spawn").Pool(2) as pool:
                rs = pool.map(_worker, [("steps", args.bundle, (batch,), args.seconds)] * 2)
            row("key-steps/s", 2, "2 processes", rs, batch=batch)
    env = {k: os.environ.get(k) for k in
           ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    doc = {"torch": torch.__version__, "python": platform.python_version(),
           "seconds": args.seconds, "env": env, "blas": blas_info(),
           "load_before": load_before, "load_after": os.getloadavg(), "rows": rows}
    out = json.dumps(doc, indent=1)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(out + "\n")
    print(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("golden", help="write golden inputs/outputs for the Java tests")
    g.add_argument("--bundle", required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--seed", type=int, default=20261126)
    b = sub.add_parser("bench", help="measure PyTorch on the benchmark shapes")
    b.add_argument("--bundle", required=True)
    b.add_argument("--seconds", type=float, default=3.0)
    b.add_argument("--out")
    b.add_argument("--windows", default="30x1,30x16,30x128,30x1024,60x1,60x16,60x128,60x1024",
                   help="window x batch shapes to time, comma-separated")
    b.add_argument("--steps", default="1,16,256,1024", help="stepping batch sizes")
    b.add_argument("--threads", default="1,2", help="intra-op thread counts")
    b.add_argument("--no-processes", dest="processes", action="store_false",
                   help="skip the 2-processes-of-1-thread runs")
    args = parser.parse_args()
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("warning: set OPENBLAS_NUM_THREADS=1 (PyTorch oversubscribes the cores otherwise)",
              file=sys.stderr)
    golden(args) if args.cmd == "golden" else bench(args)


if __name__ == "__main__":
    main()
