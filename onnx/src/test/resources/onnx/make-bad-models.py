#!/usr/bin/python3
"""Writes tiny ONNX graphs that break the onnx engine's contract (see OnnxContract), one way each:
  rank2-window.onnx     window model whose input x is [batch, time] (rank 2, not 3)
  two-input-window.onnx window model with two inputs
  unknown-op.onnx       window model with an operator ONNX Runtime does not implement (NoSuchOp)
  misnamed-step.onnx    step model whose first LSTM's hidden state is called 'hidden1', not 'h1'
"""
import os
import sys

import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
OPSET = [helper.make_opsetid("", 14)]


def t(name, *dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(dims))


def save(name, nodes, inputs, outputs):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="make-bad-models.py")
    model.ir_version = 8
    onnx.save(model, os.path.join(out, name + ".onnx"))


save("rank2-window", [helper.make_node("Identity", ["x"], ["y"])],
     [t("x", "batch", "time")], [t("y", "batch", "time")])
save("two-input-window", [helper.make_node("Add", ["x", "z"], ["y"])],
     [t("x", "batch", "time", 1), t("z", "batch", "time", 1)], [t("y", "batch", "time", 1)])
save("unknown-op", [helper.make_node("NoSuchOp", ["x"], ["y"])],
     [t("x", "batch", "time", 1)], [t("y", "batch", "time", 1)])
names = [("x", ["batch", 1, 1]), ("conv_in", ["batch", 4, 1]), ("hidden1", ["batch", 2]),
         ("c1", ["batch", 2]), ("h2", ["batch", 2]), ("c2", ["batch", 2])]
outs = ["y", "conv_out", "h1_out", "c1_out", "h2_out", "c2_out"]
save("misnamed-step", [helper.make_node("Identity", [i], [o]) for (i, _), o in zip(names, outs)],
     [t(n, *d) for n, d in names], [t(o, *d) for o, (_, d) in zip(outs, names)])
print("wrote", sorted(os.listdir(out)), file=sys.stderr)
