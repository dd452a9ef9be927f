#!/usr/bin/env bash
# Seconds per training epoch (weight updates only) of both trainers on the sunspots workload:
# io.forecaster.bench.TrainEpochBench, the median of the epochs after the first, wall clock and
# process CPU time, /proc/loadavg on every line. Run from the project root after
#   ./mvnw -B -q install -DskipTests -pl bench -am
set -euo pipefail
out=${OUT:-bench-results/train-$(date -u +%Y%m%d)/epoch-bench-$(date -u +%H%M).txt}
if [ -e "$out" ]; then echo "$out exists; pick a new OUT" >&2; exit 1; fi
mkdir -p "$(dirname "$out")"
cp="bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
java=(java -Xss4m -XX:+UseParallelGC -Dorg.bytedeco.javacpp.maxPhysicalBytes=0
  --add-modules jdk.incubator.vector -cp "$cp" io.forecaster.bench.TrainEpochBench)
csv=../shared/data/sunspots/Sunspots.csv
{
  echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD) $(nproc) CPUs, $(java -version 2>&1 | head -1)"
  echo "# $(grep -m1 'model name' /proc/cpuinfo)"
  OMP_NUM_THREADS=1 "${java[@]}" fast 8 1 "$csv" 2>&1
  OMP_NUM_THREADS=1 "${java[@]}" fast 8 2 "$csv" 2>&1
  OMP_NUM_THREADS=1 "${java[@]}" dl4j 5 1 "$csv" 2>&1
  echo "# $(date -u +%FT%TZ) load $(cat /proc/loadavg)"
} | grep -v '^WARNING\|^SLF4J' > "$out"
