#!/usr/bin/env bash
# Measures both engines (JMH) and PyTorch on the same shapes, one after the other, and writes the
# raw results to bench/results/ (BENCHMARKS.md quotes them). Run from the project root after
#   ./mvnw -B -q install -DskipTests -pl bench -am
# Needs Debian's python3-torch for the PyTorch part (apt-get install -y python3-torch).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
cp="bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
log() { echo "$(date -u +%FT%TZ) $* | $(uptime | sed 's/.*load/load/')" | tee -a "$out/run.log"; }

log "start $(git rev-parse --short HEAD 2>/dev/null || echo "${COMMIT:-?}") on $(getconf _NPROCESSORS_ONLN) cores: $(lscpu | sed -n 's/^Model name: *//p')"
log "pytorch"
/usr/bin/python3 tools/pytorch/forecaster_torch.py bench --bundle models/sunspots.zip \
    --seconds "${TORCH_SECONDS:-3}" --out "$out/pytorch.json" 2> "$out/pytorch.log"
for t in 1 2; do
  for b in PredictorBenchmark StepperBenchmark; do
    log "jmh $b -t $t"
    java -cp "$cp" org.openjdk.jmh.Main "$b" -t "$t" -prof gc ${JMH_ARGS:-} \
        -rf json -rff "$out/jmh-$b-t$t.json" > "$out/jmh-$b-t$t.log" 2>&1
  done
done
log "done"
