#!/usr/bin/env bash
set -u
cd /work/main
OUT=/work/main/bench-results/arrival-20261201
while pgrep -f arrival-latency.sh > /dev/null; do sleep 5; done
echo "== stateful-arrival-same-rate $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
./forecaster e2e-bench --case latency:stateful-s10:10k:at-least-once:rate=103500 --job-option ordering.release=arrival --out "$OUT/stateful-arrival-same-rate" > "$OUT/stateful-arrival-same-rate.log" 2>&1
grep -E "latency budget|steady state" "$OUT/stateful-arrival-same-rate.log" | tee -a "$OUT/run.log"
echo "== eo-repeat3 $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" | tee -a "$OUT/run.log"
./forecaster e2e-bench --repeat 3 --identity --case throughput:stateful-s10:10k,throughput:stateful-s10:10k:binary --job-option ordering.release=arrival --out "$OUT/eo-repeat3" > "$OUT/eo-repeat3.log" 2>&1
tail -8 "$OUT/eo-repeat3.log" | tee -a "$OUT/run.log"
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/run.log"
