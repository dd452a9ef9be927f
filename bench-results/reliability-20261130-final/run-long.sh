#!/usr/bin/env bash
# The long fault-injection runs on the final code, HashMap then RocksDB, with uptime samples.
set -u
cd /work/main
out=bench-results/reliability-20261130-final
mkdir -p $out
./mvnw -B -o -q install -DskipTests > /tmp/longruns-install.log 2>&1 || { echo install failed; exit 1; }
( while true; do echo "$(date -u +%T) $(uptime)"; sleep 30; done ) > $out/uptime-samples.txt &
sampler=$!
cd deploy
for be in hashmap rocksdb; do
  echo "== $be $(date -u +%T)" >> ../$out/runs.log
  ../mvnw -B -o verify -Preliability -Dit.test=FaultInjectionITCase -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false -Dreliability.state-backend=$be > /tmp/longrun-$be.log 2>&1
  echo "exit $? $(date -u +%T)" >> ../$out/runs.log
  grep -E "Tests run:|FAIL" /tmp/longrun-$be.log | tail -3 >> ../$out/runs.log
  ls -t target/reliability/*.txt 2>/dev/null | head -1 | xargs -I{} cp {} ../$out/fault-injection-long-$be.txt
done
kill $sampler
