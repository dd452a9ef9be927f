#!/usr/bin/env bash
# Default `train` (the default recipe, nothing tuned) on series outside the four public ones:
# sunspots (the course's split), the twelve Irish wind stations, and two columns of
# vega-datasets' seattle-weather.csv (daily, 2012-2015), which is not committed: the script
# extracts it from the vega-datasets npm tarball that tools/data/fetch-public-series.sh downloads
# (pass its path as $1). Two runs at a time; one log per series.
set -u
cd "$(dirname "$0")/../.."
tgz=${1:?path of vega-datasets-3.2.1.tgz}
out=bench-results/public-series-20261201
tmp=$(mktemp -d)
tar xzf "$tgz" -C "$tmp" package/data/seattle-weather.csv
run() {
  local name=$1; shift
  local log=$out/heldout-$name.log
  { echo "# date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
    echo "# uptime before: $(uptime)"
    echo "\$ ./forecaster train $*"
    ./forecaster train "$@" --out /tmp/heldout-$name.zip 2>&1 | grep -v '^WARNING'
    echo "# uptime after: $(uptime)"; } > "$log"
}
run sunspots --data ../shared/data/sunspots/Sunspots.csv --column "Monthly Mean Total Sunspot Number" --split 3000 &
run seattle-temp-min --data "$tmp/package/data/seattle-weather.csv" --column temp_min --time-column date --interval 1d --split 0.8 &
wait
run seattle-wind --data "$tmp/package/data/seattle-weather.csv" --column wind --time-column date --interval 1d --split 0.8 &
run wind-stations --data ../shared/data/wind-ireland/wind_daily_long.csv --column value --key-column key --time-column date --interval 1d --split 0.7 &
wait
rm -rf "$tmp"
