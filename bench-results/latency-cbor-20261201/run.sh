#!/usr/bin/env bash
# Latency at half the maximum rate, at-least-once, released on arrival, low-latency profile,
# stateful S=10 at 10K keys: forecasts as CBOR, then as JSON; one round each (a throughput case
# measures the maximum rate first, in the same JVM). Also exercises the settle rule.
set -u
OUT=/work/main/bench-results/latency-cbor-20261201
cd /work/main
step() {
  local name=$1; shift
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
  ./forecaster e2e-bench "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  tail -12 "$OUT/$name.log" | tee -a "$OUT/run.log"
}
CASES="--case throughput:stateful-s10:10k:at-least-once,latency:stateful-s10:10k:at-least-once:rate=half:low-latency"
step cbor --job-option ordering.release=arrival --job-option kafka.forecasts.format=CBOR $CASES
step json --job-option ordering.release=arrival $CASES
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
