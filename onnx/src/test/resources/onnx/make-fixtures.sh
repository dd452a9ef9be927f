#!/usr/bin/env bash
# Regenerates the ONNX fixtures of the onnx module's tests (and models/sunspots-onnx.zip, the
# benchmarks' ONNX bundle, the export of models/sunspots.zip) from committed params bundles, with tools/onnx/export.py on Debian's
# python3-torch and python3-onnx. CI needs none of this: the outputs are committed.
#   apt-get install -y python3-torch python3-onnx
#   onnx/src/test/resources/onnx/make-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../../../../.."
export OPENBLAS_NUM_THREADS=1
here=onnx/src/test/resources/onnx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in random-scaled sunspots; do
  /usr/bin/python3 tools/onnx/export.py --bundle "model/src/test/resources/golden/$name.zip" \
      --out-dir "$tmp/$name" --bundle-out "$here/$name-onnx.zip" --check 2>&1 | grep -v -i warn
done
/usr/bin/python3 tools/onnx/export.py --bundle models/sunspots.zip \
    --out-dir "$tmp/models" --bundle-out models/sunspots-onnx.zip --check 2>&1 | grep -v -i warn
# tiny graphs that break the contract, for the refusal tests
/usr/bin/python3 "$here/make-bad-models.py" "$here/bad"
