#!/usr/bin/env bash
# Fork-to-fork spread at window 60, batch 1 (the alignment-sensitive shape): the engine before
# (main: aligned through Unsafe) and after (final: unaligned, chunk-major), alternating forks.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/engine-align-20261130/spread}
JARS=${JARS:-/work/nounsafe-jars}
ROUNDS=${ROUNDS:-6}
mkdir -p "$OUT"
base=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/model/target/\|/bench/target/' | paste -sd:)
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="main final"; else order="final main"; fi
  for v in $order; do
    CP=$JARS/bench/forecaster-bench-0.1.0-SNAPSHOT.jar:$JARS/$v/forecaster-model-0.1.0-SNAPSHOT.jar:$base
    echo "== round $round $v $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
    java -cp "$CP" org.openjdk.jmh.Main PredictorBenchmark -p engine=fast -p window=60 -p batch=1 \
      -f 1 -wi 3 -w 1 -i 3 -r 2 -t 1 -rf json -rff "$OUT/r$round-$v-Predictor-batch-1.json" \
      > "$OUT/r$round-$v-Predictor-batch-1.txt" 2>&1
    grep -E "^PredictorBenchmark.*windows" "$OUT/r$round-$v-Predictor-batch-1.txt" | tee -a "$OUT/run.log"
  done
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
