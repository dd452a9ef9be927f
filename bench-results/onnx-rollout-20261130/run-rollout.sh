#!/usr/bin/env bash
# onnx engine, Predictor.forecast over 60-point windows, before (window model rerun per extra
# step) and after (step model: T + H - 1 step calls), onnx jars swapped on one bench classpath,
# one JMH fork per cell per round, order alternating; fast engine beside them for reference.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/onnx-rollout-20261130}
JARS=${JARS:-/work/nounsafe-jars}
ROUNDS=${ROUNDS:-3}
base=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/model/target/\|/onnx/target/\|/bench/target/' | paste -sd:)
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="before after fast"; else order="after fast before"; fi
  for v in $order; do
    case $v in before) onnx=onnx-before; engine=onnx ;; after) onnx=onnx-after; engine=onnx ;;
      fast) onnx=onnx-after; engine=fast ;; esac
    CP=$JARS/bench2/forecaster-bench-0.1.0-SNAPSHOT.jar:$JARS/final/forecaster-model-0.1.0-SNAPSHOT.jar:$JARS/$onnx/forecaster-onnx-0.1.0-SNAPSHOT.jar:$base
    for batch in 1 256; do
      tag=window-batch-$batch
      echo "== round $round $v $tag $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
      java -cp "$CP" org.openjdk.jmh.Main 'RolloutBenchmark.window' -p engine=$engine -p batch=$batch \
        -p horizon=1,10 -f 1 -wi 2 -w 2 -i 3 -r 2 -t 1 \
        -rf json -rff "$OUT/r$round-$v-$tag.json" > "$OUT/r$round-$v-$tag.txt" 2>&1
      grep -E "^RolloutBenchmark.window:windows" "$OUT/r$round-$v-$tag.txt" | tee -a "$OUT/run.log"
    done
  done
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
