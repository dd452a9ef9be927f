#!/usr/bin/env bash
# GC A/B for the latency cases: the same e2e-bench cases under ParallelGC (the launcher's default)
# and G1 (the JDK's and Flink's default on a cluster), alternating, GC log per run.
set -u
cd /work/main
OUT=${OUT:?}
CASES=${CASES:-throughput:stateful-s10:10k:at-least-once,latency:stateful-s10:10k:at-least-once:rate=half}
ORDER=${ORDER:-parallel g1}
mkdir -p "$OUT"
for gc in $ORDER; do
  case $gc in
    parallel) flag=-XX:+UseParallelGC ;;
    g1) flag=-XX:+UseG1GC ;;
    g1-20) flag="-XX:+UseG1GC -XX:MaxGCPauseMillis=20" ;;
    zgc) flag=-XX:+UseZGC ;;
  esac
  echo "== $gc $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
  FORECASTER_JAVA_OPTS="-Xss4m $flag -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Xlog:gc:file=$OUT/gc-$gc.log" \
    ./forecaster e2e-bench --case "$CASES" --out "$OUT/$gc" ${EXTRA:-} > "$OUT/$gc.log" 2>&1
  grep -E "latency budget|steady state|points/s, .* forecasts/s over" "$OUT/$gc.log" | tee -a "$OUT/run.log"
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
