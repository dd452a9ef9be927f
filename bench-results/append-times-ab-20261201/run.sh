#!/usr/bin/env bash
# The benchmark's own garbage against the latency it reports: e2e-bench of commit 71e0851 (append
# times of sampled points in a boxed ConcurrentHashMap, kept 60 s) against daf2104 (a primitive
# ring per sampled key, and the latency timeline), alternated twice. Only the cli module differs;
# both run on the job and libraries of daf2104 (identical to 71e0851's outside cli). Each step:
# the throughput case, then the latency case at half of it (stateful S=10, 10K keys,
# at-least-once, released on arrival, CBOR forecasts, low-latency profile), GC logged.
set -u
OUT=/work/main/bench-results/append-times-ab-20261201
cd /work/main
CP="$(cat /tmp/cli-classpath.txt)"
step() {
  local name=$1 jar=$2
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) cli jar $jar" | tee -a "$OUT/run.log"
  OMP_NUM_THREADS=1 java -Xss4m -XX:+UseParallelGC -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
    -Xlog:gc*:file=$OUT/$name-gc.log:uptime,time \
    --add-modules jdk.incubator.vector -Dlog4j2.configurationFile=/work/main/conf/log4j2-cli.properties \
    -cp "$jar:$CP" io.forecaster.cli.ForecasterCli e2e-bench \
    --job-option ordering.release=arrival --job-option kafka.forecasts.format=CBOR \
    --case throughput:stateful-s10:10k:at-least-once,latency:stateful-s10:10k:at-least-once:rate=half:low-latency \
    --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  grep -E "points/s, |steady state|in the steady state" "$OUT/$name.log" | tee -a "$OUT/run.log"
  echo "  full collections: $(grep -cE 'Pause Full \(Ergonomics\).*ms$' $OUT/$name-gc.log) ($(grep -E 'Pause Full \(Ergonomics\).*ms$' $OUT/$name-gc.log | grep -oE '[0-9.]+ms$' | tr '\n' ' '))" | tee -a "$OUT/run.log"
}
OLD=/tmp/cli-71e0851.jar
NEW=/tmp/cli-daf2104.jar
step map-1 $OLD
step ring-1 $NEW
step map-2 $OLD
step ring-2 $NEW
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
