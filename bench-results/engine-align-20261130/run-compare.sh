#!/usr/bin/env bash
# Before/after in one run: model jars swapped on the same bench classpath, one JMH fork per
# cell per round, the variants' order rotated every round. Variants (jars under $JARS):
#   main       the engine before (row-major weights, aligned through sun.misc.Unsafe)
#   row-skew   the same with the weights forced 8 bytes past a cache line (experiment patch)
#   chunk-on   chunk-major weights, aligned through Unsafe (experiment patch)
#   chunk-skew chunk-major weights, 8 bytes past a line (experiment patch)
#   final      chunk-major weights, no Unsafe: wherever the JVM puts the array
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/engine-align-20261130/compare}
JARS=${JARS:-/work/nounsafe-jars}
ROUNDS=${ROUNDS:-4}
mkdir -p "$OUT"
base=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/model/target/' | paste -sd:)
variants=(main row-skew chunk-on chunk-skew final)
for round in $(seq 1 "$ROUNDS"); do
  n=${#variants[@]}
  for i in $(seq 0 $((n - 1))); do
    v=${variants[$(( (i + round - 1) % n ))]}
    case $v in
      main) jar=main; prop=on ;; row-skew) jar=row-exp; prop=skew ;;
      chunk-on) jar=chunk-exp; prop=on ;; chunk-skew) jar=chunk-exp; prop=skew ;;
      final) jar=final; prop=on ;;
    esac
    CP=$JARS/bench/forecaster-bench-0.1.0-SNAPSHOT.jar:$JARS/$jar/forecaster-model-0.1.0-SNAPSHOT.jar:$base
    for shape in "PredictorBenchmark -p engine=fast -p window=60 -p batch=1" \
                 "PredictorBenchmark -p engine=fast -p window=60 -p batch=128" \
                 "StepperBenchmark -p engine=fast -p batch=256"; do
      tag=$(echo "$shape" | awk '{print $1}' | sed 's/Benchmark//')-$(echo "$shape" | grep -o 'batch=[0-9]*' | tr = -)
      echo "== round $round $v $tag $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
      java -cp "$CP" org.openjdk.jmh.Main $shape -f 1 -wi 3 -w 1 -i 3 -r 2 -t 1 \
        -jvmArgsPrepend "-Dforecaster.engine.align=$prop" \
        -rf json -rff "$OUT/r$round-$v-$tag.json" > "$OUT/r$round-$v-$tag.txt" 2>&1
      grep -E "^(Predictor|Stepper)Benchmark.*(windows|keySteps)" "$OUT/r$round-$v-$tag.txt" | tee -a "$OUT/run.log"
    done
  done
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
