#!/usr/bin/env bash
# Alignment on / off / skewed (8 bytes past a line), interleaved, one JMH fork per cell per round.
# Needs the experiment-only property forecaster.engine.align in CacheLineAligned (see README.md).
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/engine-align-20261130/modes}
mkdir -p "$OUT"
CP=bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)
JMH="-f 1 -wi 3 -w 1 -i 3 -r 2 -t 1 -rf json"
for round in 1 2 3; do
  for mode in on skew off; do
    for shape in "PredictorBenchmark -p engine=fast -p window=60 -p batch=1" \
                 "PredictorBenchmark -p engine=fast -p window=60 -p batch=128" \
                 "StepperBenchmark -p engine=fast -p batch=256"; do
      tag=$(echo "$shape" | awk '{print $1}' | sed 's/Benchmark//')-$(echo "$shape" | grep -o 'batch=[0-9]*' | tr = -)
      echo "== round $round mode $mode $tag $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
      java --add-modules jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main $shape $JMH \
        -jvmArgsPrepend "-Dforecaster.engine.align=$mode" \
        -rff "$OUT/r$round-$mode-$tag.json" > "$OUT/r$round-$mode-$tag.txt" 2>&1
      grep -E "^(Predictor|Stepper)Benchmark" "$OUT/r$round-$mode-$tag.txt" | tee -a "$OUT/run.log"
    done
  done
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
