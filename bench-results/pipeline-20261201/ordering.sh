#!/bin/bash
# OrderingCostBench: the ordering step of commit 0ee4ee0 ("old": its OrderedSlidingWindow, KeyWindow,
# GridSlidingWindow and GridWindow compiled into $OLD and put ahead of the job module's classes)
# against the current one ("new"), old/new/new/old per configuration, CPU-ns per point of the
# measuring thread.
# Usage (from the project root, after ./mvnw -o -q test-compile -pl job and
#   ./mvnw -o -q dependency:build-classpath -pl job -Dmdep.outputFile=$CP_FILE):
#   run.sh $OLD $CP_FILE SECONDS > raw.txt
OLD=$1
CP=job/target/test-classes:job/target/classes:$(cat "$2")
S=${3:-5}
git log -1 --format='commit %h %s' | cut -c1-100
uname -srm; nproc; java -version 2>&1 | head -1
for conf in "spread hashmap stateful 10" "spread rocksdb stateful 10" "hot hashmap stateful 10" \
            "hot rocksdb stateful 10" "spread hashmap window 1"; do
  for v in old new new old; do
    if [ $v = old ]; then P=$OLD:$CP; else P=$CP; fi
    echo "$(date -u +%H:%M:%S) $v load $(cut -d' ' -f1-3 /proc/loadavg): $(java -cp $P io.forecaster.job.OrderingCostBench $conf $S 2>/dev/null | grep scenario=)"
  done
done
