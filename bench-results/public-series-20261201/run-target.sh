#!/usr/bin/env bash
# Default `train` on the four public series with one `--target` (and any further options after it),
# two series at a time on the 2-core machine; one log per series with the commit and the load.
# Usage: [TAG=name] run-target.sh TARGET [more train options...]  (TAG goes into the log names)
set -u
cd "$(dirname "$0")/../.."
target=$1; shift
out=bench-results/public-series-20261201
run() {
  local name=$1; shift
  local log=$out/$target${TAG:+-$TAG}-$name.log
  { echo "# date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
    echo "# uptime before: $(uptime)"
    echo "\$ ./forecaster train $* --target $target"
    ./forecaster train "$@" --target "$target" --out /tmp/public-$target${TAG:+-$TAG}-$name.zip 2>&1 | grep -v '^WARNING'
    echo "# uptime after: $(uptime)"; } > "$log"
}
run hourly --data data/public/seattle-weather-hourly-normals.csv --column temperature --time-column date --interval 1h --split 0.8 "$@" &
run daily --data data/public/weather.csv --column temp_max --key-column location --time-column date --interval 1d --split 0.8 "$@" &
wait
run weekly --data data/public/co2-weekly.csv --column co2 --time-column date --interval 7d --split 0.8 "$@" &
run monthly --data data/public/co2-concentration.csv --column CO2 --time-column Date --interval 43829min --origin 1970-01-16T00:00:00Z --split 0.8 "$@" &
wait
