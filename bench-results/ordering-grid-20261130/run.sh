#!/bin/bash
# OrderingCostBench on a time grid, the GridSlidingWindow of before (commit bcfba5b: each slot's
# release timer scans every held point of its key) and after (each timer walks its own slot's
# points), next to each other in one run: old, new, new, old for each configuration. "old" puts the two classes of bcfba5b
# (GridSlidingWindow, GridWindow, compiled into $OLD) ahead of the job module's classes.
# Usage (from the project root, after ./mvnw -o -q test-compile -pl job and
#   ./mvnw -o -q dependency:build-classpath -pl job -Dmdep.outputFile=$CP_FILE):
#   bench-results/ordering-grid-20261130/run.sh $OLD $CP_FILE SECONDS > raw.txt
OLD=$1
CP=job/target/test-classes:job/target/classes:$(cat "$2")
SECONDS_MEASURED=${3:-5}
git log -1 --format='commit %h %s' | cut -c1-100
uname -srm; nproc; java -version 2>&1 | head -1
for conf in "hot hashmap stateful 10 1s" "hot hashmap stateful 10 10ms" \
            "hot rocksdb stateful 10 1s" "hot rocksdb stateful 10 10ms" \
            "hot hashmap window 10 1s" \
            "spread hashmap stateful 10 1s" "spread rocksdb stateful 10 1s"; do
  set -- $conf
  for v in old new new old; do
    if [ $v = old ]; then P=$OLD:$CP; else P=$CP; fi
    echo "$(date -u +%H:%M:%S) $v load $(cut -d' ' -f1-3 /proc/loadavg): $(java -cp $P io.forecaster.job.OrderingCostBench $1 $2 $3 $4 $SECONDS_MEASURED $5 2>/dev/null | grep scenario=)"
  done
done
