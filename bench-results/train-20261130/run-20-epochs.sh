#!/usr/bin/env bash
# 20 epochs of each trainer on sunspots (course recipe with Adam 1e-3), same seed and windows;
# test MAE on the points from 3000 on, beside last-value. Run from the project root.
set -euo pipefail
out=${OUT:-bench-results/train-$(date -u +%Y%m%d)-$(date -u +%H%M)}
if [ -e "$out" ]; then echo "$out exists; pick a new OUT" >&2; exit 1; fi
mkdir -p "$out"
for t in fast dl4j; do
  { echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD) load $(cat /proc/loadavg)"
    ./forecaster train --data ../shared/data/sunspots/Sunspots.csv \
      --column 'Monthly Mean Total Sunspot Number' --split 3000 --recipe course \
      --optimizer adam --lr 1e-3 --epochs 20 --trainer "$t" --out "/tmp/sunspots-20-$t.zip" 2>&1 \
      | grep -v '^WARNING'
    echo "# $(date -u +%FT%TZ) load $(cat /proc/loadavg)"; } > "$out/train-20-epochs-$t.txt"
done
