#!/usr/bin/env bash
# The stateful inference operator alone (InferenceCostBench), this commit ("new") against
# 80e98d1 ("base", worktree /work/wt-base with the same bench file), alternating, quiet machine.
set -u
OUT=/work/main/bench-results/pipeline-cost-20261201/operator
run() {
  local name=$1 dir=$2 cp=$3 engine=$4
  echo "== $name $engine $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git -C "$dir" rev-parse --short HEAD)" | tee -a "$OUT/run.log"
  (cd "$dir" && java -Xss4m -XX:+UseParallelGC --add-modules jdk.incubator.vector \
    -cp job/target/test-classes:job/target/classes:$(cat "$cp") \
    io.forecaster.job.InferenceCostBench /work/main/models/sunspots.zip "$engine" 10000 10 10 3 2>/dev/null) \
    | tee -a "$OUT/run.log"
}
for round in 1 2; do
  for engine in identity fast; do
    run new /work/main /tmp/cp-main.txt $engine
    run base /work/wt-base /tmp/cp-base.txt $engine
  done
done
echo "== end $(date -u +%T)" | tee -a "$OUT/run.log"
