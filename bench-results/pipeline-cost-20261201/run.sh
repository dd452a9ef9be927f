#!/usr/bin/env bash
# Same-sitting A/B: this commit ("new") against 80e98d1 ("base", a worktree at /work/wt-base
# built with its own Maven repository), stateful S=10 at 10K keys, exactly-once, three rounds
# with identity twins. Run on a quiet machine; nothing else running.
set -u
OUT=/work/main/bench-results/pipeline-cost-20261201
NEW=/work/main
BASE=/work/wt-base
step() {
  local name=$1 dir=$2; shift 2
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git -C "$dir" rev-parse --short HEAD)" | tee -a "$OUT/run.log"
  (cd "$dir" && MAVEN_ARGS="-o -Dmaven.repo.local=/work/m2-base" ./forecaster e2e-bench --repeat 3 --identity "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1)
  tail -8 "$OUT/$name.log" | tee -a "$OUT/run.log"
}
ARR="--job-option ordering.release=arrival"
step new-arrival "$NEW" --case throughput:stateful-s10:10k,throughput:stateful-s10:10k:binary $ARR
step base-arrival "$BASE" --case throughput:stateful-s10:10k,throughput:stateful-s10:10k:binary $ARR
step new-watermark "$NEW" --case throughput:stateful-s10:10k
step base-watermark "$BASE" --case throughput:stateful-s10:10k
step new-arrival-no-reuse "$NEW" --case throughput:stateful-s10:10k $ARR --flink pipeline.object-reuse=false
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
