#!/usr/bin/env bash
# The fast engine before and after the window path's batched input projections, and ONNX
# Runtime, in one run: the model jar swapped on one bench class path, one JMH fork per cell per
# round, the variants' order rotated every round. Variants:
#   old   fast engine of commit e924ef4 (every step computes [x, h] W)
#   new   fast engine of commit 2b74cd0 (input projections batched over the window)
#   onnx  the onnx engine (ONNX Runtime, 1 thread) on models/sunspots-onnx.zip
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench-results/engine-batchproj-20261201/compare}
JARS=${JARS:-/work/batchproj-jars}
ROUNDS=${ROUNDS:-4}
mkdir -p "$OUT"
base=$(tr ':' '\n' < bench/target/classpath.txt | grep -v '/model/target/' | paste -sd:)
variants=(old new onnx)
shapes=("60 1" "60 16" "60 128" "30 1" "30 16" "30 128")
echo "== start $(date -u +%FT%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
for round in $(seq 1 "$ROUNDS"); do
  n=${#variants[@]}
  for s in "${shapes[@]}"; do
    set -- $s; win=$1; batch=$2
    for i in $(seq 0 $((n - 1))); do
      v=${variants[$(( (i + round - 1) % n ))]}
      case $v in
        old) jar=old; engine=fast ;; new) jar=new; engine=fast ;; onnx) jar=new; engine=onnx ;;
      esac
      CP=bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$JARS/$jar/forecaster-model-0.1.0-SNAPSHOT.jar:$base
      tag=w$win-b$batch
      echo "== round $round $v $tag $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
      java -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main PredictorBenchmark \
        -p engine=$engine -p window=$win -p batch=$batch -f 1 -wi 3 -w 1 -i 3 -r 2 -t 1 \
        -rf json -rff "$OUT/r$round-$v-$tag.json" > "$OUT/r$round-$v-$tag.txt" 2>&1
      grep -E "^PredictorBenchmark.*windows" "$OUT/r$round-$v-$tag.txt" | tee -a "$OUT/run.log"
    done
  done
done
echo "== end $(date -u +%FT%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
