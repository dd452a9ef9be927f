#!/usr/bin/env bash
# Default `train` (no options beyond the data, its grid and the split) on the four public series,
# two at a time on the 2-core machine; one log per series with the commit and the load.
set -u
cd "$(dirname "$0")/../.."
out=bench-results/public-series-20261130
run() {
  local name=$1; shift
  local log=$out/default-$name.log
  { echo "# date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
    echo "# uptime before: $(uptime)"
    echo "\$ ./forecaster train $*"
    ./forecaster train "$@" --out /tmp/public-default-$name.zip 2>&1 | grep -v '^WARNING'
    echo "# uptime after: $(uptime)"; } > "$log"
}
run hourly --data data/public/seattle-weather-hourly-normals.csv --column temperature --time-column date --interval 1h --split 0.8 &
run daily --data data/public/weather.csv --column temp_max --key-column location --time-column date --interval 1d --split 0.8 &
wait
run weekly --data data/public/co2-weekly.csv --column co2 --time-column date --interval 7d --split 0.8 &
run monthly --data data/public/co2-concentration.csv --column CO2 --time-column Date --interval 43829min --origin 1970-01-16T00:00:00Z --split 0.8 &
wait
