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
# the sunspots GRU, an architecture the fast engine does not have: trained (seeded, about 20 s),
# exported (gru/window.onnx, its .sha256 and PyTorch's reference forecasts) and imported
/usr/bin/python3 tools/onnx/train_gru.py --data ../shared/data/sunspots/Sunspots.csv \
    --out "$here/gru/window.onnx" >"$tmp/gru.args" 2>"$tmp/gru.log" || { cat "$tmp/gru.log"; exit 1; }
grep -v -i warn "$tmp/gru.log" | tail -2
# shellcheck disable=SC2046
./forecaster import "$here/gru/window.onnx" $(cat "$tmp/gru.args") --model-id sunspots-gru \
    --out "$here/sunspots-gru-onnx.zip"
