#!/usr/bin/env bash
# Stateful S=10 at half its maximum rate with the benchmark's append times in rings (ce1825f):
# the collector (ParallelGC, the launcher's; G1, the JDK's default and a cluster's) and the
# checkpoint interval (5 s, the benchmark's default; 60 s). Each step: the throughput case, then
# the latency case at half of it (10K keys, at-least-once, released on arrival, CBOR forecasts,
# low-latency profile), GC logged; latency-timeline.csv in each result folder.
set -u
OUT=/work/main/bench-results/latency-gc-cp-20261201
cd /work/main
CP="$(cat /tmp/cli-classpath.txt)"
JAR=/tmp/cli-ce1825f.jar
step() {
  local name=$1 gc=$2; shift 2
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) cli jar $JAR gc $gc $*" | tee -a "$OUT/run.log"
  OMP_NUM_THREADS=1 java -Xss4m $gc -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
    -Xlog:gc*:file=$OUT/$name-gc.log:uptime,time \
    --add-modules jdk.incubator.vector -Dlog4j2.configurationFile=/work/main/conf/log4j2-cli.properties \
    -cp "$JAR:$CP" io.forecaster.cli.ForecasterCli e2e-bench \
    --job-option ordering.release=arrival --job-option kafka.forecasts.format=CBOR \
    --case throughput:stateful-s10:10k:at-least-once,latency:stateful-s10:10k:at-least-once:rate=half:low-latency \
    "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  grep -E "points/s, |steady state|in the steady state|budget" "$OUT/$name.log" | tee -a "$OUT/run.log"
}
step g1-cp5 -XX:+UseG1GC
step parallel-cp60 -XX:+UseParallelGC --checkpoint-interval 60s
step g1-cp60 -XX:+UseG1GC --checkpoint-interval 60s
step parallel-cp5 -XX:+UseParallelGC
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
