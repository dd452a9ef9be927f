#!/bin/bash
# PointParseBenchmark: the connectors jar of commit 0ee4ee0 ("old", built in $OLD_TREE) against the
# current one ("new") on the same bench class path, old/new/new/old per format, one fork each.
# Usage (from the project root, after ./mvnw -o -q install -DskipTests): run.sh OLD_TREE > raw.txt
OLD_TREE=$1
CPN="bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
CPO="${CPN//$PWD\/connectors\/target/$OLD_TREE/connectors/target}"
git log -1 --format='commit %h %s' | cut -c1-100
uname -srm; nproc; java -version 2>&1 | head -1
for format in JSON BINARY CSV; do
  for v in old new new old; do
    if [ $v = old ]; then P=$CPO; else P=$CPN; fi
    r=$(java -cp "$P" org.openjdk.jmh.Main PointParseBenchmark -p format=$format -f 1 -wi 3 -w 1s -i 5 -r 1s 2>/dev/null | grep -E "^PointParseBenchmark.parse")
    echo "$(date -u +%H:%M:%S) $v load $(cut -d' ' -f1-3 /proc/loadavg): $r"
  done
done
