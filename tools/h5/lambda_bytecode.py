#!/usr/bin/env python3
"""Prints, as JSON, the "function" entry Keras 2 stores for a few Lambda bodies: base64 of the
marshalled code object (keras.utils.generic_utils.func_dump), as compiled by the Python running
this script. Fixture for the importer's Lambda tests (training/src/test/resources/keras/lambdas.json):

    for v in 3.8 3.9 3.10 3.11 3.12 3.13; do ~/.pyenv/versions/$v*/bin/python lambda_bytecode.py; done
"""
import base64
import json
import marshal
import sys

BODIES = ["x * 400", "400 * x", "x * 100", "x * 400.0", "x * 400 + 1", "tf.expand_dims(x, axis=-1)", "x"]


def func_dump(body):
    code = eval("lambda x: " + body).__code__
    return base64.encodebytes(marshal.dumps(code)).decode("ascii")


print(json.dumps({"python": "%d.%d" % sys.version_info[:2],
                  "lambdas": {b: func_dump(b) for b in BODIES}}))
