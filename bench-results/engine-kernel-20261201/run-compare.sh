#!/usr/bin/env bash
# main's fast engine, this branch's fast engine and ONNX Runtime in one run: the model jar swapped
# on one bench class path, one JMH fork per cell per round, the variants' order rotated every
# round. Variants (jars under $JARS/<name>/forecaster-model-0.1.0-SNAPSHOT.jar):
#   main    fast engine of main (commit 0ee4ee0's model module)
#   kernel  fast engine of this branch
#   onnx    the onnx engine (ONNX Runtime, 1 thread) on models/sunspots-onnx.zip
# JMHFLAGS: more JMH options, e.g. "-jvmArgsPrepend -XX:ObjectAlignmentInBytes=32".
# SHAPES: comma-separated "window batch" pairs for PredictorBenchmark, "step batch" for StepperBenchmark.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/engine-kernel-20261201/compare}
JARS=${JARS:-/work/kernel-jars}
ROUNDS=${ROUNDS:-1}
ITER=${ITER:--wi 3 -w 1 -i 3 -r 2}
mkdir -p "$OUT"
base=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/model/target/' | paste -sd:)
variants=(main kernel onnx)
SHAPES=${SHAPES:-"60 1,60 16,60 128,60 1024,30 1,30 16,30 128,30 1024,step 1,step 256"}
IFS=, read -r -a shapes <<< "$SHAPES"
echo "== start $(date -u +%FT%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
for round in $(seq 1 "$ROUNDS"); do
  n=${#variants[@]}
  for s in "${shapes[@]}"; do
    set -- $s; win=$1; batch=$2
    for i in $(seq 0 $((n - 1))); do
      v=${variants[$(( (i + round - 1) % n ))]}
      case $v in
        main) jar=main; engine=fast ;; kernel) jar=kernel; engine=fast ;; onnx) jar=kernel; engine=onnx ;;
      esac
      CP=bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$JARS/$jar/forecaster-model-0.1.0-SNAPSHOT.jar:$base
      if [ "$win" = step ]; then
        tag=step-b$batch; bench=StepperBenchmark; params="-p batch=$batch"
      else
        tag=w$win-b$batch; bench=PredictorBenchmark; params="-p window=$win -p batch=$batch"
      fi
      echo "== round $round $v $tag $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
      java -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main $bench \
        -p engine=$engine $params -f 1 $ITER -t 1 ${JMHFLAGS:-} \
        -rf json -rff "$OUT/r$round-$v-$tag.json" > "$OUT/r$round-$v-$tag.txt" 2>&1
      grep -E "^(Predictor|Stepper)Benchmark.*(windows|keySteps) " "$OUT/r$round-$v-$tag.txt" | tee -a "$OUT/run.log"
    done
  done
done
echo "== end $(date -u +%FT%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
