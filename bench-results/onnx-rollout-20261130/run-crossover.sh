#!/usr/bin/env bash
# Batch 1, 60-point windows, H = 2, 5, 8, 10: the window-model rerun (before), the step model
# always (commit 1f6caa7) and the choice by estimated cost (a544752), onnx jars swapped on one
# bench class path, one JMH fork per cell per round, order alternating.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/onnx-rollout-20261130/crossover}
JARS=${JARS:-/work/nounsafe-jars}
ROUNDS=${ROUNDS:-2}
mkdir -p "$OUT"
base=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/model/target/\|/onnx/target/\|/bench/target/' | paste -sd:)
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="before step rule"; else order="rule step before"; fi
  for v in $order; do
    case $v in before) onnx=onnx-before ;; step) onnx=onnx-after ;; rule) onnx=onnx-rule ;; esac
    CP=$JARS/bench2/forecaster-bench-0.1.0-SNAPSHOT.jar:$JARS/final/forecaster-model-0.1.0-SNAPSHOT.jar:$JARS/$onnx/forecaster-onnx-0.1.0-SNAPSHOT.jar:$base
    echo "== round $round $v $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
    java -cp "$CP" org.openjdk.jmh.Main 'RolloutBenchmark.window' -p engine=onnx -p batch=1 \
      -p horizon=2,5,8,10 -f 1 -wi 2 -w 1 -i 3 -r 1 -t 1 \
      -rf json -rff "$OUT/r$round-$v.json" > "$OUT/r$round-$v.txt" 2>&1
    grep -E "^RolloutBenchmark.window:windows" "$OUT/r$round-$v.txt" | tee -a "$OUT/run.log"
  done
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
