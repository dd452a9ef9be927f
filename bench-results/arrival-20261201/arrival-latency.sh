#!/usr/bin/env bash
# ordering.release=arrival against watermark: stateful S=10 and window S=1, throughput then latency
# at half of it, default and low-latency profile, at-least-once, 10K keys, MiniCluster.
set -u
cd /work/main
OUT=${OUT:?}
mkdir -p "$OUT"
S="throughput:stateful-s10:10k:at-least-once,latency:stateful-s10:10k:at-least-once:rate=half,latency:stateful-s10:10k:at-least-once:rate=half:low-latency"
W="throughput:window-s1:10k:at-least-once,latency:window-s1:10k:at-least-once:rate=half,latency:window-s1:10k:at-least-once:rate=half:low-latency"
run() { # name cases [job options...]
  local name=$1 cases=$2; shift 2
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
  ./forecaster e2e-bench --case "$cases" --out "$OUT/$name" "$@" > "$OUT/$name.log" 2>&1
  grep -E "latency budget|steady state|points/s, .* over" "$OUT/$name.log" | tee -a "$OUT/run.log"
}
run stateful-arrival "$S" --job-option ordering.release=arrival
run stateful-watermark "$S"
run window-arrival "$W" --job-option ordering.release=arrival
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
