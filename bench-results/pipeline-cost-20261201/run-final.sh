#!/usr/bin/env bash
# The code as committed (object reuse on by default): arrival JSON, three rounds with identity
# twins, with object reuse (the default) and without it (--flink pipeline.object-reuse=false).
set -u
OUT=/work/main/bench-results/pipeline-cost-20261201
cd /work/main
step() {
  local name=$1; shift
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
  ./forecaster e2e-bench --repeat 3 --identity "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  tail -8 "$OUT/$name.log" | tee -a "$OUT/run.log"
}
ARR="--job-option ordering.release=arrival"
step final-arrival --case throughput:stateful-s10:10k $ARR
step final-arrival-no-reuse --case throughput:stateful-s10:10k $ARR --flink pipeline.object-reuse=false
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
