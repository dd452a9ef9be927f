#!/usr/bin/python3
"""Single-precision GEMM rate of the BLAS that Debian's torch and numpy load, in GFLOP/s.

Multiplies two N x N float32 matrices repeatedly (torch.mm and numpy.matmul) and reports
2*N^3 / seconds, the best and median of several timed rounds. Also reports which BLAS library
the process mapped and, if it is OpenBLAS, its config string and the kernel (core) it chose.
Prints one JSON object on stdout.

Run with one BLAS thread and without the variables that pin an older OpenBLAS kernel:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
      /usr/bin/python3 tools/pytorch/sgemm_rate.py
"""

import argparse
import ctypes
import json
import os
import statistics
import time

import numpy as np
import torch


def mapped_blas():
    """Paths of the BLAS/LAPACK shared objects mapped into this process."""
    libs = set()
    with open("/proc/self/maps") as fh:
        for line in fh:
            path = line.split()[-1]
            name = os.path.basename(path)
            if "blas" in name or "lapack" in name:
                libs.add(path)
    return sorted(libs)


def openblas_info(libs):
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {
                "library": path,
                "realpath": os.path.realpath(path),
                "corename": lib.openblas_get_corename().decode(),
                "config": lib.openblas_get_config().decode(),
                "num_threads": lib.openblas_get_num_threads(),
            }
    return None


def rate(mm, a, b, n, rounds, seconds):
    mm(a, b)  # warm-up
    rates = []
    for _ in range(rounds):
        count, start = 0, time.perf_counter()
        while True:
            mm(a, b)
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        rates.append(2.0 * n ** 3 * count / elapsed / 1e9)
    return {"best": max(rates), "median": statistics.median(rates), "min": min(rates),
            "rounds": [round(r, 2) for r in rates]}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1024)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=1.0)
    args = p.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((args.n, args.n), dtype=np.float32)
    b = rng.standard_normal((args.n, args.n), dtype=np.float32)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    load_before = os.getloadavg()
    result = {
        "n": args.n,
        "torch_gflops": rate(torch.mm, ta, tb, args.n, args.rounds, args.seconds),
        "numpy_gflops": rate(np.matmul, a, b, args.n, args.rounds, args.seconds),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "torch_threads": torch.get_num_threads(),
        "env": {k: os.environ.get(k) for k in
                ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE",
                 "OPENBLAS_L2_SIZE")},
        "blas_libraries": mapped_blas(),
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
    result["openblas"] = openblas_info(result["blas_libraries"])
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
