#!/usr/bin/env bash
# Window 60, batch 1 only: more forks of the new engine (the spread between JVMs).
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/engine-batchproj-20261201/spread}
JARS=${JARS:-/work/batchproj-jars}
FORKS=${FORKS:-8}
mkdir -p "$OUT"
base=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/model/target/' | paste -sd:)
CP=bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$JARS/new/forecaster-model-0.1.0-SNAPSHOT.jar:$base
for i in $(seq 1 "$FORKS"); do
  echo "== fork $i new w60-b1 $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
  java -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main PredictorBenchmark \
    -p engine=fast -p window=60 -p batch=1 -f 1 -wi 3 -w 1 -i 3 -r 2 -t 1 \
    -rf json -rff "$OUT/r$i-new-w60-b1.json" > "$OUT/r$i-new-w60-b1.txt" 2>&1
  grep -E "^PredictorBenchmark.*windows" "$OUT/r$i-new-w60-b1.txt" | tee -a "$OUT/run.log"
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
