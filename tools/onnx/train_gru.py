#!/usr/bin/python3
"""Trains a small GRU forecaster on the sunspots series and exports it as an ONNX window model.

An architecture the fast engine does not have (one GRU layer of --units, no convolution, then one
linear unit), so only the `onnx` engine can serve it. The window model follows the contract of
docs/onnx.md: x [b, t, 1] -> y [b, t, 1] on the MODEL's scale (the network sees
(x - offset) / scale; the bundle's --scaling carries offset and scale, fitted here on the training
points only), zero initial state, step t forecasting step t+1. There is no step model (the
contract's step model carries two LSTMs' states), so the bundle serves window mode only.

Honest split, as `forecaster train --split 3000` has it: points [0, split) are the model's; their
first 90% train it, the last 10% choose the epoch (early stopping on the one-step-ahead MAE of the
last window position); points from --split on (the test points `forecaster evaluate --split`
scores) are never read here.

Seeded (torch, numpy) and one thread, so a run repeats its result on the same machine and torch.
Run with Debian's interpreter (apt-get install -y python3-torch python3-onnx):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/onnx/train_gru.py \
      --data ../shared/data/sunspots/Sunspots.csv --out onnx/src/test/resources/onnx/gru/window.onnx
It prints the --scaling to give `forecaster import`, and writes OUT.sha256 and
OUT.reference.csv (PyTorch's forecasts of the last validation window, raw scale).
"""

import argparse
import csv
import hashlib
import sys
import time

import numpy as np
import torch
from torch import nn

OPSET = 14


class GruForecaster(nn.Module):
    def __init__(self, units):
        super().__init__()
        self.gru = nn.GRU(input_size=1, hidden_size=units, batch_first=True)
        self.out = nn.Linear(units, 1)

    def forward(self, x):  # x [b, t, 1] -> y [b, t, 1]
        h, _ = self.gru(x)
        return self.out(h)


def load(path, column):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return np.array([float(r[column]) for r in rows], dtype=np.float64)


def windows(series, start, end, w):
    """Every window of w inputs and w next-step targets whose targets lie in [start, end)."""
    xs, ys = [], []
    for t_end in range(max(start, w), end):  # t_end: index of the last target
        xs.append(series[t_end - w:t_end])
        ys.append(series[t_end - w + 1:t_end + 1])
    return (torch.from_numpy(np.array(xs, dtype=np.float32))[..., None],
            torch.from_numpy(np.array(ys, dtype=np.float32))[..., None])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--column", default="Monthly Mean Total Sunspot Number")
    p.add_argument("--split", type=int, default=3000, help="first test point (never read)")
    p.add_argument("--window", type=int, default=60)
    p.add_argument("--units", type=int, default=32)
    p.add_argument("--epochs", type=int, default=80)
    p.add_argument("--patience", type=int, default=15)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seed", type=int, default=20261130)
    p.add_argument("--out", required=True, help="the ONNX window model to write")
    a = p.parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(1)
    series = load(a.data, a.column)[:a.split]  # the test points are not read
    n_train = int(round(a.split * 0.9))
    offset = round(float(series[:n_train].mean()), 3)
    scale = round(float(series[:n_train].std()), 3)
    scaled = (series - offset) / scale

    x_tr, y_tr = windows(scaled, 0, n_train, a.window)
    x_va, y_va = windows(scaled, n_train, a.split, a.window)
    net = GruForecaster(a.units)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.97)
    loss_fn = nn.HuberLoss(delta=1.0)
    best, best_state, best_epoch, started = float("inf"), None, 0, time.time()
    for epoch in range(1, a.epochs + 1):
        net.train()
        perm = torch.randperm(len(x_tr))
        for i in range(0, len(perm), a.batch):
            idx = perm[i:i + a.batch]
            opt.zero_grad()
            loss = loss_fn(net(x_tr[idx]), y_tr[idx])
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
        sched.step()
        net.eval()
        with torch.no_grad():
            val_mae = float((net(x_va)[:, -1, 0] - y_va[:, -1, 0]).abs().mean()) * scale
        if val_mae < best:
            best, best_epoch = val_mae, epoch
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
        print(f"epoch {epoch:3d} val_mae {val_mae:.4f} (best {best:.4f} @ {best_epoch})",
              file=sys.stderr)
        if epoch - best_epoch >= a.patience:
            break
    net.load_state_dict(best_state)
    net.eval()
    baseline = float(np.abs(series[n_train:a.split] - series[n_train - 1:a.split - 1]).mean())
    print(f"trained in {time.time() - started:.0f} s; best epoch {best_epoch}, val_mae {best:.4f}"
          f" beside last-value {baseline:.4f} on the {a.split - n_train} validation points",
          file=sys.stderr)

    with torch.no_grad():
        torch.onnx.export(net, (torch.zeros(2, 7, 1),), a.out, input_names=["x"],
                          output_names=["y"], opset_version=OPSET,
                          dynamic_axes={"x": {0: "batch", 1: "time"},
                                        "y": {0: "batch", 1: "time"}})
    # PyTorch's own forecasts of the last validation window, on the raw scale, so the Java side
    # can check ONNX Runtime against PyTorch (no test point is read for this either)
    last = series[a.split - a.window:a.split]
    with torch.no_grad():
        x = torch.from_numpy(((last - offset) / scale).astype(np.float32))[None, :, None]
        pred = net(x)[0, :, 0].numpy().astype(np.float64) * scale + offset
    with open(a.out + ".reference.csv", "w") as fh:
        fh.write(f"# input points {a.split - a.window}..{a.split - 1} of {a.column}; "
                 f"scaling {offset},{scale}; PyTorch {torch.__version__}\n")
        fh.write("input,pytorch_prediction\n")
        for v, y in zip(last, pred):
            fh.write(f"{v!r},{y!r}\n")
    import onnx
    model = onnx.load(a.out)
    onnx.checker.check_model(model)
    ops = sorted({n.op_type for n in model.graph.node})
    digest = hashlib.sha256(open(a.out, "rb").read()).hexdigest()
    with open(a.out + ".sha256", "w") as fh:
        fh.write(f"{digest}  {a.out.rsplit('/', 1)[-1]}\n")
    print(f"wrote {a.out} (ops {', '.join(ops)}; sha256 {digest})", file=sys.stderr)
    print(f"--scaling {offset},{scale} --window {a.window}")


if __name__ == "__main__":
    main()
