#!/usr/bin/env bash
# Latency at half the maximum rate, three rounds, with the benchmark's append times in rings:
# stateful S=10 and window S=1 at 10K keys, at-least-once, released on arrival, CBOR forecasts,
# low-latency profile; each latency case after its throughput case in the same round.
set -u
OUT=/work/main/bench-results/latency-rounds-20261201
cd /work/main
echo "== $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
FORECASTER_JAVA_OPTS="-Xss4m -XX:+UseParallelGC -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Xlog:gc*:file=$OUT/gc.log:uptime,time" \
  ./forecaster e2e-bench --repeat 3 --job-option ordering.release=arrival --job-option kafka.forecasts.format=CBOR \
  --case throughput:stateful-s10:10k:at-least-once,latency:stateful-s10:10k:at-least-once:rate=half:low-latency,throughput:window-s1:10k:at-least-once,latency:window-s1:10k:at-least-once:rate=half:low-latency \
  --out "$OUT" > "$OUT/console.log" 2>&1
tail -30 "$OUT/console.log" | tee -a "$OUT/run.log"
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
