#!/usr/bin/env bash
# End to end through Docker Compose: brings up deploy/docker-compose.yml (Kafka, JobManager,
# TaskManager and the one-shot client that submits the job with the wind model), replays the
# first DAYS days of the 12 Irish wind stations into Kafka from the host with `./forecaster
# replay`, reads the forecasts back from the host with `./forecaster tail` (read_committed) and
# checks them against the offline forecasts of the same model (`./forecaster predict --forecasts`):
# every forecast the job wrote is expected, once, with the same predictions; each station has
# them for a run of consecutive windows from its first. Beside it, in the TaskManager's third slot,
# an onnx job (--engine onnx, models/sunspots-onnx.zip; the onnx engine and ONNX Runtime are on the
# image's class path) forecasts SUNSPOTS sunspots points (one a day) on topics of its own, checked
# the same way against `./forecaster predict --engine onnx`. Then takes everything down (also on
# failure or Ctrl-C).
#
#   deploy/docker/compose-roundtrip.sh [DAYS]        (default 150 days: 91 windows a station)
#
# SUNSPOTS=0 leaves the onnx job out (default 160 points: 101 windows).
#
# Needs the images (deploy/docker/build-images.sh) and the project built (./forecaster builds it
# on first use). Environment: FORECASTER_KAFKA_PORT / FORECASTER_UI_PORT (default: free ports),
# ROUNDTRIP_DIR (work folder, default /tmp/forecaster-compose-roundtrip), DATA (the wind CSV).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
days="${1:-150}"
window=60
work="${ROUNDTRIP_DIR:-/tmp/forecaster-compose-roundtrip}"
data="${DATA:-$root/../shared/data/wind-ireland/wind_daily_long.csv}"
[[ -f "$data" ]] || data=/work/shared/data/wind-ireland/wind_daily_long.csv
sunspots="${SUNSPOTS:-160}"
sunspots_data="$root/../shared/data/sunspots/Sunspots.csv"
[[ -f "$sunspots_data" ]] || sunspots_data=/work/shared/data/sunspots/Sunspots.csv
project="forecaster-roundtrip-$$"
start=$SECONDS

die() { echo "compose-roundtrip.sh: $*" >&2; exit 1; }
log() { echo "compose-roundtrip.sh: [$((SECONDS - start)) s] $*" >&2; }

[[ -f "$data" ]] || die "wind data not found (../shared/data/wind-ireland/wind_daily_long.csv)"
[[ "$sunspots" == 0 || -f "$sunspots_data" ]] \
  || die "sunspots data not found (../shared/data/sunspots/Sunspots.csv); SUNSPOTS=0 skips the onnx job"
if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose_cmd=(docker-compose)
else
  die "neither the docker compose plugin nor docker-compose is installed"
fi
for image in forecaster/kafka:4.2.0 forecaster-job:0.1.0; do
  docker image inspect "$image" >/dev/null 2>&1 \
    || die "image $image missing: run deploy/docker/build-images.sh"
done

free_port() { # first port from $1 up that nothing on 127.0.0.1 answers
  local p="$1"
  while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
export FORECASTER_KAFKA_PORT="${FORECASTER_KAFKA_PORT:-$(free_port 19094)}"
export FORECASTER_UI_PORT="${FORECASTER_UI_PORT:-$(free_port 18081)}"
bootstrap="127.0.0.1:$FORECASTER_KAFKA_PORT"
compose=("${compose_cmd[@]}" -p "$project" -f "$root/deploy/docker-compose.yml")

rm -rf "$work"
mkdir -p "$work"
down() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    "${compose[@]}" logs --no-color >"$work/compose.log" 2>&1 || true
    echo "compose-roundtrip.sh: failed; container logs in $work/compose.log" >&2
  fi
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  exit $rc
}
trap down EXIT
trap 'exit 130' INT TERM

# The first $days days of every station (the file is key,date,value, each station in date order).
cutoff="$(date -u -d "1961-01-01 + $days days" +%F)"
awk -F, -v cutoff="$cutoff" 'NR == 1 || $2 < cutoff' "$data" >"$work/points.csv"
stations="$(tail -n +2 "$work/points.csv" | cut -d, -f1 | sort -u | wc -l)"
log "$((stations * days)) points: $stations stations, $days days up to $cutoff"

log "offline forecasts of models/wind.zip (predict --forecasts) ..."
"$root/forecaster" predict --model "$root/models/wind.zip" --data "$work/points.csv" \
  --key-column key --time-column date --column value --interval 1d --forecasts --engine fast \
  >"$work/expected.csv"
if [[ "$sunspots" != 0 ]]; then
  # The first $sunspots monthly means, one a day from 1961-01-01 (the job counts windows of the
  # points as they come; one a day puts the offline forecasts on the same windows).
  python3 - "$sunspots_data" "$sunspots" >"$work/sunspots.csv" <<'EOF'
import csv, datetime, sys
rows = list(csv.DictReader(open(sys.argv[1])))[: int(sys.argv[2])]
print("key,date,value")
day = datetime.date(1961, 1, 1)
for i, r in enumerate(rows):
    print(f"sunspots,{day + datetime.timedelta(days=i)},{r['Monthly Mean Total Sunspot Number']}")
EOF
  log "offline forecasts of models/sunspots-onnx.zip (predict --forecasts --engine onnx) ..."
  "$root/forecaster" predict --model "$root/models/sunspots-onnx.zip" --data "$work/sunspots.csv" \
    --key-column key --time-column date --column value --interval 1d --forecasts --engine onnx \
    >"$work/sunspots-expected.csv"
fi

log "starting Kafka on $bootstrap ..."
"${compose[@]}" up -d kafka >/dev/null 2>&1
deadline=$((SECONDS + 120))
until "${compose[@]}" logs kafka 2>/dev/null | grep -q 'Transitioning from RECOVERY to RUNNING'; do
  ((SECONDS < deadline)) || die "Kafka not running after 120 s"
  sleep 1
done

log "replaying the points from the host ..."
"$root/forecaster" replay -b "$bootstrap" -t sensor-points --partitions 4 --key-column key \
  --time-column date --value-column value --no-progress "$work/points.csv" 2>&1 \
  | sed 's/^/  /' >&2
if [[ "$sunspots" != 0 ]]; then
  "$root/forecaster" replay -b "$bootstrap" -t sunspots-points --partitions 1 --key-column key \
    --time-column date --value-column value --no-progress "$work/sunspots.csv" 2>&1 \
    | sed 's/^/  /' >&2
fi

log "starting the JobManager and TaskManager, submitting the job (client) ..."
"${compose[@]}" up -d >/dev/null 2>&1
client="$("${compose[@]}" ps -q client)"
deadline=$((SECONDS + 240))
while :; do
  state="$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' "$client")"
  [[ "$state" == "exited 0 "* ]] && break
  ((SECONDS < deadline)) || die "the client did not submit the job within 240 s ($state)"
  sleep 2
done
"${compose[@]}" logs --no-color client 2>/dev/null | grep -o 'JobID [0-9a-f]*' | tail -n1 \
  | sed 's/^/  submitted: /' >&2
onnx_submit=
if [[ "$sunspots" != 0 ]]; then
  # in the background, while the wind job's forecasts are read
  log "submitting the onnx job (--engine onnx, models/sunspots-onnx.zip) to the third slot ..."
  "${compose[@]}" run --rm --no-deps -T client flink run -d -p 1 -m jobmanager:8081 \
    /opt/flink/usrlib/forecaster-job.jar \
    --model.path /opt/flink/usrlib/models/sunspots-onnx.zip --engine onnx --mode window \
    --kafka.bootstrap.servers kafka:9092 --kafka.points.topic sunspots-points \
    --kafka.forecasts.topic sunspots-forecasts --kafka.dead-letters.topic sunspots-dead-letters \
    --kafka.group.id forecaster-onnx --kafka.sink.transactional-id-prefix forecaster-onnx \
    >"$work/onnx-submit.log" 2>&1 &
  onnx_submit=$!
fi

# Expected: every window but the last of each station, which waits for a later point to pass
# the event-time watermark.
expected="$(($(wc -l <"$work/expected.csv") - 1))"
least=$((stations * (days - window)))
log "reading forecasts from the host (at least $least of $expected) ..."
# The forecasts topic appears with the job's first committed output.
deadline=$((SECONDS + 180))
until "$root/forecaster" tail -b "$bootstrap" --from beginning --max 1 --idle-timeout 1s \
  >/dev/null 2>&1; do
  ((SECONDS < deadline)) || die "no forecasts topic after 180 s"
  sleep 2
done
"$root/forecaster" tail -b "$bootstrap" --from beginning --format json --max "$least" \
  --idle-timeout 180s >"$work/forecasts.jsonl"
# Whatever else the job commits shortly after.
"$root/forecaster" tail -b "$bootstrap" --from beginning --format json --idle-timeout 15s \
  >"$work/forecasts.jsonl"

# Every received forecast expected, once, equal within 1e-4; each key's windows a run from its
# first; at least LEAST of them.
check() { # expected.csv received.jsonl window least
  python3 - "$@" <<'EOF'
import csv, json, sys
from collections import defaultdict

expected_file, received_file, window, least = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
expected = {}
with open(expected_file) as f:
    for row in csv.DictReader(f):
        expected[(row["key"], row["window_end"])] = [float(x) for x in row["predictions"].split()]
seen, by_key, errors = set(), defaultdict(list), []
with open(received_file) as f:
    for line in f:
        r = json.loads(line)
        k = (r["sensor"], r["windowEnd"])
        if k in seen:
            errors.append(f"duplicate {k}")
        seen.add(k)
        want = expected.get(k)
        if want is None:
            errors.append(f"unexpected {k}")
            continue
        got = [float(x) for x in r["predictions"]]
        if len(got) != window or any(abs(a - b) > 1e-4 for a, b in zip(got, want)):
            errors.append(f"{k}: predictions differ from the offline forecasts")
        by_key[r["sensor"]].append(r["windowEnd"])
for key in sorted({k for k, _ in expected}):
    ends = sorted(by_key.get(key, []))
    offline = sorted(e for k, e in expected if k == key)
    if ends != offline[: len(ends)]:
        errors.append(f"{key}: windows are not a run from the first ({len(ends)} received)")
if len(seen) < least:
    errors.append(f"only {len(seen)} forecasts, expected at least {least}")
for e in errors[:20]:
    print("  " + e, file=sys.stderr)
exact = sum(1 for k in seen if k in expected)
print(f"  {len(seen)} forecasts received, {exact} equal to the offline ones within 1e-4,"
      f" {len(expected)} possible, {len(errors)} problems", file=sys.stderr)
sys.exit(1 if errors else 0)
EOF
}
check "$work/expected.csv" "$work/forecasts.jsonl" "$window" "$least"
if [[ "$sunspots" != 0 ]]; then
  # every window but the last, which waits for a later point to pass the watermark
  least=$((sunspots - window))
  wait "$onnx_submit" || die "the onnx job was not submitted (see $work/onnx-submit.log)"
  grep -o 'JobID [0-9a-f]*' "$work/onnx-submit.log" | sed 's/^/  submitted: /' >&2
  log "reading the onnx job's forecasts from the host (at least $least) ..."
  deadline=$((SECONDS + 120))
  until "$root/forecaster" tail -b "$bootstrap" -t sunspots-forecasts --from beginning --max 1 \
    --idle-timeout 1s >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "no sunspots-forecasts topic after 120 s"
    sleep 2
  done
  "$root/forecaster" tail -b "$bootstrap" -t sunspots-forecasts --from beginning --format json \
    --max "$least" --idle-timeout 120s >"$work/sunspots-forecasts.jsonl"
  "$root/forecaster" tail -b "$bootstrap" -t sunspots-forecasts --from beginning --format json \
    --idle-timeout 5s >"$work/sunspots-forecasts.jsonl"
  check "$work/sunspots-expected.csv" "$work/sunspots-forecasts.jsonl" "$window" "$least"
  # The TaskManager (the container's process 1) maps ONNX Runtime's library from one file: the
  # copy its class path's jar extracted.
  libs="$("${compose[@]}" exec -T taskmanager \
    sh -c "grep -o '/[^ ]*libonnxruntime\.so' /proc/1/maps | sort -u" || true)"
  [[ "$(grep -c . <<<"$libs")" == 1 ]] \
    || die "the TaskManager maps ONNX Runtime's library from $(grep -c . <<<"$libs") files: $libs"
  echo "  the TaskManager maps $libs" >&2
fi
log "round trip passed"
