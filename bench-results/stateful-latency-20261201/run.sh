#!/usr/bin/env bash
# Stateful S=10 latency at one fixed rate (103,500 points/s), at-least-once, three rounds each,
# released on arrival and at the watermark.
set -u
cd "$(dirname "$0")/../.."
OUT=bench-results/stateful-latency-20261201
for mode in arrival watermark; do
  echo "== $mode $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a $OUT/run.log
  ./forecaster e2e-bench --repeat 3 --job-option ordering.release=$mode \
    --case latency:stateful-s10:10k:at-least-once:rate=103500 --out $OUT/$mode > $OUT/$mode.log 2>&1
  grep -E "steady state \(|median" $OUT/$mode.log | cut -c1-200 | tee -a $OUT/run.log
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/run.log
