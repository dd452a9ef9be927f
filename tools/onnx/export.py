#!/usr/bin/python3
"""Exports a seed-family model bundle (bundle.json + params.f32) as ONNX window and step models.

Reuses tools/pytorch/forecaster_torch.py's network (same weights, same layout), then
torch.onnx.export(opset 14) with dynamic batch (and, for the window model, time) axes. Both models
work on MODEL-scale values: the bundle's scaling stays in the bundle and the Java `onnx` engine
applies it, exactly as the `fast` engine does.

The contract (docs/onnx.md):
  window.onnx  x [b, t, 1] -> y [b, t, 1]              (zero initial state, causal conv)
  step.onnx    x [b, 1, 1], conv_in [b, k-1, 1], h1 [b, u1], c1 [b, u1], h2 [b, u2], c2 [b, u2]
            -> y [b, 1, 1], conv_out [b, k-1, 1], h1_out, c1_out, h2_out, c2_out
  conv_in holds the last k-1 model-scale inputs, oldest first (zeros before the first point);
  conv_out = conv_in shifted left by one with x appended.

Writes DIR/window.onnx, DIR/step.onnx and, with --bundle-out, an ONNX bundle (format "onnx": the
zip holds bundle.json, window.onnx, step.onnx) carrying the source bundle's metadata. --check
compares the exported graphs' shapes with onnx.checker and the step model against the window
model in PyTorch. Run with Debian's interpreter:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/onnx/export.py --bundle models/sunspots.zip \
      --out-dir /tmp/sunspots-onnx --bundle-out models/sunspots-onnx.zip --check
"""

import argparse
import copy
import io
import json
import os
import sys
import zipfile

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
import forecaster_torch  # noqa: E402

OPSET = 14


class Window(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):  # x [b, t, 1] -> y [b, t, 1]
        return self.net(x[..., 0]).unsqueeze(-1)


class Step(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, conv_in, h1, c1, h2, c2):
        recent = torch.cat([conv_in, x], dim=1)  # [b, k, 1], oldest first
        conv = torch.relu(self.net.conv(recent.transpose(1, 2))).transpose(1, 2)  # [b, 1, F]
        o1, (h1o, c1o) = self.net.lstm1(conv, (h1.unsqueeze(0), c1.unsqueeze(0)))
        o2, (h2o, c2o) = self.net.lstm2(o1, (h2.unsqueeze(0), c2.unsqueeze(0)))
        y = self.net.out(torch.relu(self.net.d2(torch.relu(self.net.d1(o2))))) * self.net.scale
        return y, recent[:, 1:, :], h1o[0], c1o[0], h2o[0], c2o[0]


STEP_INPUTS = ["x", "conv_in", "h1", "c1", "h2", "c2"]
STEP_OUTPUTS = ["y", "conv_out", "h1_out", "c1_out", "h2_out", "c2_out"]


def export(bundle, out_dir):
    meta, net, _, _ = forecaster_torch.build(bundle)
    hp = meta["hyperParams"]
    k, u1, u2 = hp["kernelSize"], hp["lstm1Units"], hp["lstm2Units"]
    os.makedirs(out_dir, exist_ok=True)
    window_path = os.path.join(out_dir, "window.onnx")
    step_path = os.path.join(out_dir, "step.onnx")
    with torch.no_grad():
        torch.onnx.export(Window(net), (torch.zeros(2, 7, 1),), window_path,
                          input_names=["x"], output_names=["y"], opset_version=OPSET,
                          dynamic_axes={"x": {0: "batch", 1: "time"},
                                        "y": {0: "batch", 1: "time"}})
        b = 3
        example = (torch.zeros(b, 1, 1), torch.zeros(b, k - 1, 1), torch.zeros(b, u1),
                   torch.zeros(b, u1), torch.zeros(b, u2), torch.zeros(b, u2))
        torch.onnx.export(Step(net), example, step_path,
                          input_names=STEP_INPUTS, output_names=STEP_OUTPUTS,
                          opset_version=OPSET,
                          dynamic_axes={n: {0: "batch"} for n in STEP_INPUTS + STEP_OUTPUTS})
    return meta, net, window_path, step_path


def check(net, hp, window_path, step_path):
    import onnx
    for p in (window_path, step_path):
        onnx.checker.check_model(onnx.load(p))
    # stepping in PyTorch through the exported module equals the window model
    rng = np.random.default_rng(7)
    x = torch.from_numpy(rng.standard_normal((4, 25)).astype(np.float32))
    k, u1, u2 = hp["kernelSize"], hp["lstm1Units"], hp["lstm2Units"]
    with torch.no_grad():
        full = net(x)
        step = Step(net)
        s = [torch.zeros(4, k - 1, 1), torch.zeros(4, u1), torch.zeros(4, u1),
             torch.zeros(4, u2), torch.zeros(4, u2)]
        ys = []
        for t in range(x.shape[1]):
            y, *s = step(x[:, t:t + 1, None], *s)
            ys.append(y[:, 0, 0])
        stepped = torch.stack(ys, dim=1)
    diff = float((full - stepped).abs().max())
    print(f"check: onnx.checker ok; step vs window max abs diff {diff:.3g}", file=sys.stderr)
    if diff > 1e-3 * max(1.0, float(full.abs().max())):
        raise SystemExit("step model disagrees with the window model")


def write_bundle(meta, window_path, step_path, out):
    meta = copy.deepcopy(meta)
    meta["format"] = "onnx"
    meta["formatVersion"] = 2  # ModelBundle.ONNX_FORMAT_VERSION: older builds refuse the bundle
    meta["source"] = "tools/onnx/export.py from " + (meta.get("modelId") or "?") + ": " \
        + str(meta.get("source"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bundle.json", json.dumps(meta, indent=2))
        z.write(window_path, "window.onnx")
        z.write(step_path, "step.onnx")
    with open(out, "wb") as fh:
        fh.write(buf.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", required=True, help="seed-family bundle (.zip)")
    parser.add_argument("--out-dir", required=True, help="folder for window.onnx and step.onnx")
    parser.add_argument("--bundle-out", help="also write an ONNX bundle (.zip) here")
    parser.add_argument("--check", action="store_true", help="check the exported models")
    args = parser.parse_args()
    torch.manual_seed(0)
    meta, net, window_path, step_path = export(args.bundle, args.out_dir)
    if args.check:
        check(net, meta["hyperParams"], window_path, step_path)
    if args.bundle_out:
        write_bundle(meta, window_path, step_path, args.bundle_out)
    print(f"wrote {window_path} and {step_path}"
          + (f" and {args.bundle_out}" if args.bundle_out else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
