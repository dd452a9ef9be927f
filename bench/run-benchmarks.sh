#!/usr/bin/env bash
# Same-run comparison of PyTorch (Debian's python3-torch on OpenBLAS) and the engines fast, onnx
# (ONNX Runtime on models/sunspots-onnx.zip, the ONNX export of the same model) and dl4j (JMH) on
# the same shapes. ROUNDS rounds, each one PyTorch repetition of every shape and one JMH fork of
# every benchmark, in alternating order (PyTorch first in odd rounds, JMH first in even ones), so
# both see the same machine conditions; bench/summarize.py turns the rounds into medians with
# min-max spreads. Writes everything to a NEW folder, $OUT (default bench/results/<date>-openblas),
# with /proc/loadavg logged before and after every part (run.log).
#
# Run from anywhere, after
#   ./mvnw -B -q install -DskipTests -pl bench -am
#   apt-get install -y python3-torch libopenblas0-pthread   # OpenBLAS as the BLAS alternative
# e.g.  OUT=bench/results/20261130-openblas bench/run-benchmarks.sh
#
# Knobs (environment): ROUNDS (3), THREADS ("1"; "1 2" adds a 2-thread pass), TORCH_SECONDS (3),
# WINDOWS ("60x1,60x16,60x128,60x1024,30x128", window x batch), STEPS ("1,256,1024"),
# JMH_ARGS ("-wi 2 -w 2s -i 3 -r 2s"; each round runs one fork, -f 1, of each benchmark),
# TORCH (1; 0 leaves PyTorch and its sgemm out: the engines fast, onnx and dl4j alone).
# PyTorch runs with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 and OPENBLAS_CORETYPE /
# OPENBLAS_L2_SIZE unset for its command alone (they pin an older OpenBLAS kernel); its thread
# count is torch.set_num_threads(1) for the 1-thread pass; the 2-thread pass runs two processes of
# one thread each (rates summed), as JMH -t 2 runs two independent engine instances. The sgemm rate of that same setup is measured at the start
# and after each thread pass (sgemm-*.json).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/results/$(date -u +%Y%m%d)-openblas}
rounds=${ROUNDS:-3}
threads=${THREADS:-1}
torch_seconds=${TORCH_SECONDS:-3}
windows=${WINDOWS:-60x1,60x16,60x128,60x1024,30x128}
steps=${STEPS:-1,256,1024}
jmh_args=${JMH_ARGS:--wi 2 -w 2s -i 3 -r 2s}
torch=${TORCH:-1}
bundle=models/sunspots.zip
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "$out exists and is not empty; pick a new OUT" >&2
  exit 1
fi
mkdir -p "$out"
cp="bench/target/forecaster-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
torch_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1)
log() { echo "$(date -u +%FT%TZ) $* | loadavg $(cat /proc/loadavg)" | tee -a "$out/run.log"; }

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (dirty)')"
  echo "model name: $(lscpu | sed -n 's/^Model name: *//p')"
  echo "cores online: $(getconf _NPROCESSORS_ONLN)"
  echo "loadavg: $(cat /proc/loadavg)"
  echo "rounds: $rounds, threads: $threads, torch: $torch, torch seconds: $torch_seconds"
  echo "windows: $windows, steps: $steps"
  echo "JMH_ARGS: $jmh_args"
  echo "java env: OMP_NUM_THREADS=$OMP_NUM_THREADS OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS" \
       "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-<unset>}"
  echo "torch command env: ${torch_env[*]}"
  echo; java -version 2>&1
  if (( torch )); then
    echo; /usr/bin/python3 -c 'import torch, numpy; print("torch", torch.__version__, "numpy", numpy.__version__)'
  fi
  echo; update-alternatives --display libblas.so.3-x86_64-linux-gnu || true
  echo; lscpu
} > "$out/machine.txt" 2>&1

# JMH invocations: one PredictorBenchmark per distinct window (its batches), one StepperBenchmark.
declare -a jmh_names jmh_params
for w in $(tr ',' '\n' <<<"$windows" | cut -dx -f1 | sort -un); do
  bs=$(tr ',' '\n' <<<"$windows" | awk -F x -v w="$w" '$1 == w { printf "%s%s", s, $2; s = "," }')
  jmh_names+=("PredictorBenchmark-w$w"); jmh_params+=("PredictorBenchmark -p window=$w -p batch=$bs")
done
jmh_names+=("StepperBenchmark"); jmh_params+=("StepperBenchmark -p batch=$steps")

sgemm() {
  (( torch )) || return 0
  log "sgemm $1"
  "${torch_env[@]}" /usr/bin/python3 tools/pytorch/sgemm_rate.py > "$out/sgemm-$1.json"
  log "sgemm $1 done: $(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("torch %.1f GFLOP/s, numpy %.1f, kernel %s" % (d["torch_gflops"]["median"], d["numpy_gflops"]["median"], (d["openblas"] or {}).get("corename")))' "$out/sgemm-$1.json")"
}
torch_part() {  # round threads
  (( torch )) || return 0
  local mode=(--threads 1 --no-processes)
  (( $2 == 1 )) || mode=(--threads "")  # 2 threads: the two 1-thread processes only
  log "round $1 pytorch -t $2"
  "${torch_env[@]}" /usr/bin/python3 tools/pytorch/forecaster_torch.py bench --bundle "$bundle" \
      --seconds "$torch_seconds" --windows "$windows" --steps "$steps" "${mode[@]}" \
      --out "$out/torch-t$2-r$1.json" > /dev/null 2> "$out/torch-t$2-r$1.log"
  log "round $1 pytorch -t $2 done"
}
jmh_part() {  # round threads
  for i in "${!jmh_names[@]}"; do
    local f="$out/jmh-${jmh_names[$i]}-t$2-r$1"
    log "round $1 jmh ${jmh_names[$i]} -t $2"
    # shellcheck disable=SC2086
    java -cp "$cp" org.openjdk.jmh.Main ${jmh_params[$i]} -t "$2" -f 1 -prof gc $jmh_args \
        -rf json -rff "$f.json" > "$f.log" 2>&1
    log "round $1 jmh ${jmh_names[$i]} -t $2 done"
  done
}

log "start $(git rev-parse --short HEAD) on $(getconf _NPROCESSORS_ONLN) cores: $(lscpu | sed -n 's/^Model name: *//p')"
sgemm start
for t in $threads; do
  for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then torch_part "$r" "$t"; jmh_part "$r" "$t"
    else jmh_part "$r" "$t"; torch_part "$r" "$t"; fi
  done
  sgemm "after-t$t"
done
log "done"
/usr/bin/python3 bench/summarize.py "$out" > "$out/tables.md"
echo "tables: $out/tables.md"
