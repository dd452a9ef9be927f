#!/usr/bin/python3
"""Writes the TF.js fixture model as a Keras 2 HDF5 file (what the course's model.save("x.h5") makes).

No TensorFlow can be installed here, so this script writes the file with h5py, following the
layout of Keras 2's legacy HDF5 saving (tf.keras 2.x, hdf5_format.save_model_to_hdf5):

  /                      attrs: keras_version, backend (str), model_config (JSON, bytes)
  /model_weights         attrs: layer_names, backend, keras_version
  /model_weights/<layer> attrs: weight_names, e.g. b"lstm/lstm_cell/kernel:0"
  /model_weights/<layer>/<weight name>   float32 dataset (the weight name's "/" make groups)

The layer configs are the ones tf.keras 2.x writes for the course's Sequential model, ending in
Lambda(lambda x: x * 400) whose "function" holds that lambda's marshalled bytecode, as Keras's
func_dump stores it. The weights are copied from the TF.js fixture (model.json + shards), so both
files hold the same network and share reference outputs.

    /usr/bin/python3 tools/h5/write_keras_h5.py [tfjs_dir] [out.h5] [--lambda-source "x * 400"]

Needs Debian's python3-h5py and python3-numpy (run with /usr/bin/python3).
"""
import base64
import json
import marshal
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(REPO, "model", "src", "test", "resources", "keras")
KERAS_VERSION = "2.11.0"


def read_tfjs(model_dir):
    """Topology and weights (name -> float32 array) of a TF.js layers model."""
    with open(os.path.join(model_dir, "model.json")) as f:
        model = json.load(f)
    weights = {}
    for group in model["weightsManifest"]:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if spec["dtype"] != "float32" or "quantization" in spec:
                raise ValueError("unsupported weight %s: %s" % (spec["name"], spec))
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            arr = np.frombuffer(data, dtype="<f4", count=count, offset=offset)
            weights[spec["name"]] = arr.reshape(spec["shape"]).copy()
            offset += 4 * count
    return model["modelTopology"], weights


def initializer(name, **config):
    return {"class_name": name, "config": dict(config)}


def common(name):
    return {"name": name, "trainable": True, "dtype": "float32"}


def conv1d(c):
    cfg = common(c["name"])
    cfg.update({
        "batch_input_shape": [None, None, 1],
        "filters": c["filters"], "kernel_size": c["kernel_size"], "strides": c["strides"],
        "padding": c["padding"], "data_format": "channels_last",
        "dilation_rate": c["dilation_rate"], "groups": 1, "activation": c["activation"],
        "use_bias": c["use_bias"],
        "kernel_initializer": initializer("GlorotUniform", seed=None),
        "bias_initializer": initializer("Zeros"),
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None,
    })
    return {"class_name": "Conv1D", "config": cfg}


def lstm(c):
    cfg = common(c["name"])
    cfg.update({
        "return_sequences": c["return_sequences"], "return_state": False, "go_backwards": False,
        "stateful": False, "unroll": False, "time_major": False, "units": c["units"],
        "activation": c["activation"], "recurrent_activation": c["recurrent_activation"],
        "use_bias": c["use_bias"],
        "kernel_initializer": initializer("GlorotUniform", seed=None),
        "recurrent_initializer": initializer("Orthogonal", gain=1.0, seed=None),
        "bias_initializer": initializer("Zeros"), "unit_forget_bias": True,
        "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
        "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
        "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 2,
    })
    return {"class_name": "LSTM", "config": cfg}


def dense(c):
    cfg = common(c["name"])
    cfg.update({
        "units": c["units"], "activation": c["activation"], "use_bias": c["use_bias"],
        "kernel_initializer": initializer("GlorotUniform", seed=None),
        "bias_initializer": initializer("Zeros"),
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None,
    })
    return {"class_name": "Dense", "config": cfg}


def lambda_layer(name, source):
    """A Lambda as Keras stores it: func_dump's base64 of the marshalled code object."""
    code = eval("lambda x: " + source).__code__  # the course's lambda, compiled by this Python
    raw = base64.encodebytes(marshal.dumps(code)).decode("ascii")
    cfg = common(name)
    cfg.update({
        "function": [raw, None, None], "function_type": "lambda", "module": "__main__",
        "output_shape": None, "output_shape_type": "raw", "output_shape_module": None,
        "arguments": {},
    })
    return {"class_name": "Lambda", "config": cfg}


def keras_config(topology, lambda_source):
    layers = [{"class_name": "InputLayer", "config": {
        "batch_input_shape": [None, None, 1], "dtype": "float32", "sparse": False,
        "ragged": False, "name": "conv1d_input"}}]
    converters = {"Conv1D": conv1d, "LSTM": lstm, "Dense": dense}
    for layer in topology["config"]["layers"]:
        cls, c = layer["class_name"], layer["config"]
        if cls == "Lambda":
            layers.append(lambda_layer(c["name"], lambda_source))
        elif cls in converters:
            layers.append(converters[cls](c))
        else:
            raise ValueError("no Keras 2 config for TF.js layer class " + cls)
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


def keras_weight_names(cls, layer):
    """Weight variable names as tf.keras 2.x reports them (LSTM weights live in its cell)."""
    if cls == "LSTM":
        return [layer + "/lstm_cell/" + w + ":0" for w in ("kernel", "recurrent_kernel", "bias")]
    return [layer + "/" + w + ":0" for w in ("kernel", "bias")]


def write_h5(path, config, weights):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
        layers = config["config"]["layers"][1:]  # the InputLayer is not a model layer
        g.attrs["layer_names"] = np.array([l["config"]["name"].encode("utf8") for l in layers])
        for layer in sorted(layers, key=lambda l: l["config"]["name"]):
            name, cls = layer["config"]["name"], layer["class_name"]
            lg = g.create_group(name)
            names = [] if cls == "Lambda" else keras_weight_names(cls, name)
            lg.attrs["weight_names"] = np.array([n.encode("utf8") for n in names], dtype="S")
            for full in names:
                short = full.rsplit("/", 1)[1].split(":")[0]
                lg.create_dataset(full, data=weights[name + "/" + short].astype("<f4"))


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    source = "x * 400"
    if "--lambda-source" in argv:
        source = argv[argv.index("--lambda-source") + 1]
        args.remove(source)
    tfjs_dir = args[0] if args else os.path.join(FIXTURES, "tfjs")
    out = args[1] if len(args) > 1 else os.path.join(FIXTURES, "h5", "sunspots_seed.h5")
    topology, weights = read_tfjs(tfjs_dir)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    write_h5(out, keras_config(topology, source), weights)
    print("wrote %s (%d weights, Lambda: lambda x: %s)" % (out, len(weights), source))


if __name__ == "__main__":
    main(sys.argv[1:])
