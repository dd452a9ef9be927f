#!/usr/bin/env bash
# Where stateful S=10's p99 at half rate comes from. Each step: the throughput case (the maximum
# rate, and a warm JVM), then the latency case at half of it (CBOR forecasts, released on arrival,
# low-latency profile), with the JVM's collections logged.
set -u
OUT=/work/main/bench-results/latency-stalls-20261201
cd /work/main
step() {
  local name=$1 gc=$2; shift 2
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD) gc $gc" | tee -a "$OUT/run.log"
  FORECASTER_JAVA_OPTS="-Xss4m $gc -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Xlog:gc*,safepoint:file=$OUT/$name-gc.log:uptime,time" \
    ./forecaster e2e-bench "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  tail -4 "$OUT/$name.log" | tee -a "$OUT/run.log"
  grep -E "Pause Full.*ms$" "$OUT/$name-gc.log" | tail -8 | tee -a "$OUT/run.log"
}
CASE="--job-option ordering.release=arrival --job-option kafka.forecasts.format=CBOR --case throughput:stateful-s10:10k:at-least-once,latency:stateful-s10:10k:at-least-once:rate=half:low-latency"
step ${1:-ring-parallel} "${2:--XX:+UseParallelGC}" $CASE
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
