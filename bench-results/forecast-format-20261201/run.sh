#!/usr/bin/env bash
# Forecasts written as JSON (the default) and as CBOR (kafka.forecasts.format=CBOR), the same
# sitting: stateful S=10, 10K keys, released on arrival, three rounds each with identity twins;
# JSON points, then binary points. The order alternates so that drift hits both formats.
set -u
OUT=/work/main/bench-results/forecast-format-20261201
cd /work/main
step() {
  local name=$1; shift
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
  ./forecaster e2e-bench --repeat 3 --identity "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  tail -8 "$OUT/$name.log" | tee -a "$OUT/run.log"
}
ARR="--job-option ordering.release=arrival"
CBOR="--job-option kafka.forecasts.format=CBOR"
step json --case throughput:stateful-s10:10k $ARR
step cbor --case throughput:stateful-s10:10k $ARR $CBOR
step binary-cbor --case throughput:stateful-s10:10k:binary $ARR $CBOR
step binary-json --case throughput:stateful-s10:10k:binary $ARR
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
