#!/usr/bin/env bash
# A real standalone Flink session cluster on this machine, built from Maven-resolved jars:
# one JobManager and one TaskManager as separate processes, bound to 127.0.0.1, memory flags
# computed by Flink's own BashJavaUtils from deploy/conf/config.yaml.
#
#   deploy/cluster.sh start [--dl4j] [--onnx]  start JobManager + TaskManager (--dl4j: DL4J on the
#                                            class path; --onnx: the onnx engine and ONNX Runtime)
#   deploy/cluster.sh start-taskmanager      start one more TaskManager (e.g. after a kill)
#   deploy/cluster.sh stop                   stop every process this script started
#   deploy/cluster.sh status                 processes and the REST overview
#   deploy/cluster.sh submit JAR [ARGS...]   submit with Flink's CLI front end (detached)
#   deploy/cluster.sh submit-rest JAR [ARGS...]  submit through the REST API (/jars/upload, run)
#   deploy/cluster.sh list                   running and scheduled jobs (CLI)
#   deploy/cluster.sh cancel JOB_ID          stop the job with a savepoint, print its path
#   deploy/cluster.sh resume SAVEPOINT JAR [ARGS...]   submit again from a savepoint
#   deploy/cluster.sh sql [FILE.sql]         Flink's SQL client on this cluster, the job jar on its
#                                            class path and FORECAST registered (FILE: run it)
#
# Environment: FORECASTER_CLUSTER_DIR (logs, pids, checkpoints; default /tmp/forecaster-cluster),
# FLINK_CONF_DIR (default deploy/conf), REST (default http://127.0.0.1:8081); for sql scripts
# KAFKA_BOOTSTRAP_SERVERS (replaces ${bootstrap}, default 127.0.0.1:9092) and JOB_JAR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-$here/conf}"
work="${FORECASTER_CLUSTER_DIR:-/tmp/forecaster-cluster}"
rest="${REST:-http://127.0.0.1:8081}"
lib="$here/target/flink/lib"
dl4j_lib="$here/target/flink/lib-dl4j"
onnx_lib="$here/target/flink/lib-onnx"
mkdir -p "$work/log" "$work/pid"

# The module opens Flink needs on Java 17 (as in Flink's own config.yaml).
java_opens=(
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

die() { echo "cluster.sh: $*" >&2; exit 1; }

ensure_lib() {
  if [[ ! -d "$lib" ]]; then
    echo "cluster.sh: resolving Flink jars (./mvnw -pl deploy package) ..." >&2
    (cd "$root" && ./mvnw -B -q -pl deploy package)
  fi
}

# Flink SQL needs the Table jars in lib/ (as in Flink's distribution) and the SQL client in opt/.
ensure_sql_lib() {
  if ! ls "$lib"/flink-table-runtime-*.jar >/dev/null 2>&1 || [[ ! -d "$here/target/flink/opt" ]]; then
    echo "cluster.sh: resolving Flink SQL jars (./mvnw -pl deploy package) ..." >&2
    (cd "$root" && ./mvnw -B -q -pl deploy package -DskipTests)
  fi
}

classpath() {
  local cp
  cp="$(ls "$lib"/*.jar | tr '\n' ':')"
  if [[ -f "$work/dl4j" && -d "$dl4j_lib" ]]; then
    cp="$cp$(ls "$dl4j_lib"/*.jar | tr '\n' ':')"
  fi
  if [[ -f "$work/onnx" && -d "$onnx_lib" ]]; then
    cp="$cp$(ls "$onnx_lib"/*.jar | tr '\n' ':')"
  fi
  echo "${cp%:}"
}

# Flink's BashJavaUtils prints two result lines: JVM flags, then dynamic -D properties.
resource_params() {
  local out
  out="$(java -cp "$(classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$FLINK_CONF_DIR" 2>&1)" || die "BashJavaUtils $1 failed: $out"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

java_opts_all() {
  # env.java.opts.all from config.yaml (a single line), so processes started here get it too.
  sed -n 's/^ *all: *//p' "$FLINK_CONF_DIR/config.yaml" | head -n1
}

start_process() { # name class [args...]
  local name="$1" cls="$2"; shift 2
  local kind="${name%%-*}" params jvm dyn
  if [[ "$kind" == jobmanager ]]; then
    params="$(resource_params GET_JM_RESOURCE_PARAMS)"
  else
    params="$(resource_params GET_TM_RESOURCE_PARAMS)"
  fi
  jvm="$(head -n1 <<<"$params")"
  dyn="$(tail -n1 <<<"$params")"
  # With --dl4j, two glibc malloc arenas: ND4J allocates natively from each job's new task
  # threads, and with glibc's default (8 arenas a core) every new thread's arena kept its freed
  # memory, so the resident set grew by ~45 MB a resubmission (docs/deploy.md).
  local env=()
  if [[ -f "$work/dl4j" ]]; then
    env=(env "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}")
  fi
  # shellcheck disable=SC2086
  nohup "${env[@]}" java $jvm "${java_opens[@]}" $(java_opts_all) \
    -Dlog.file="$work/log/$name.log" \
    -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j.properties" \
    -cp "$(classpath)" "$cls" --configDir "$FLINK_CONF_DIR" "$@" $dyn \
    >"$work/log/$name.out" 2>&1 &
  echo $! >"$work/pid/$name.pid"
  echo "started $name (pid $!), log $work/log/$name.log"
}

wait_rest() {
  local deadline=$((SECONDS + ${1:-60}))
  until curl -sf "$rest/overview" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "REST endpoint $rest not up after ${1:-60}s (see $work/log)"
    sleep 1
  done
}

wait_taskmanagers() { # n
  local deadline=$((SECONDS + 60))
  until [[ "$(curl -sf "$rest/overview" | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p')" -ge "$1" ]]; do
    ((SECONDS < deadline)) || die "fewer than $1 TaskManagers registered after 60s"
    sleep 1
  done
}

cli() {
  java "${java_opens[@]}" -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j-cli.properties" \
    -cp "$(classpath)" org.apache.flink.client.cli.CliFrontend "$@"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    ensure_lib
    ensure_sql_lib
    rm -f "$work/dl4j" "$work/onnx"
    for flag in "$@"; do
      case "$flag" in
        --dl4j)
          # The training module (it registers the dl4j engine), the runtime model, DL4J, ND4J and
          # their natives, loaded parent-first (config.yaml); ./mvnw -pl deploy package puts them
          # in lib-dl4j.
          ls "$dl4j_lib"/forecaster-training-*.jar "$dl4j_lib"/nd4j-native-*.jar >/dev/null 2>&1 \
            || (cd "$root" && ./mvnw -B -q -pl deploy -am package -DskipTests) \
            || die "cannot resolve the dl4j engine's jars into $dl4j_lib"
          touch "$work/dl4j"
          ;;
        --onnx)
          # The onnx module (it registers the onnx engine), the runtime model and ONNX Runtime with
          # its natives, loaded parent-first (config.yaml); ./mvnw -pl deploy package puts them in
          # lib-onnx.
          ls "$onnx_lib"/onnxruntime-*.jar "$onnx_lib"/forecaster-onnx-*.jar >/dev/null 2>&1 \
            || (cd "$root" && ./mvnw -B -q -pl deploy -am package -DskipTests) \
            || die "cannot resolve the onnx engine's jars into $onnx_lib"
          touch "$work/onnx"
          ;;
        *) die "start: unknown option '$flag' (expected --dl4j or --onnx)" ;;
      esac
    done
    curl -sf "$rest/overview" >/dev/null 2>&1 && die "something already answers on $rest"
    start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      --executionMode cluster
    wait_rest 90
    start_process "taskmanager-$(date +%s%N)" org.apache.flink.runtime.taskexecutor.TaskManagerRunner
    wait_taskmanagers 1
    echo "cluster up: $rest"
    ;;
  start-taskmanager)
    start_process "taskmanager-$(date +%s%N)" org.apache.flink.runtime.taskexecutor.TaskManagerRunner
    ;;
  stop)
    for f in "$work"/pid/*.pid; do
      [[ -f "$f" ]] || continue
      pid="$(cat "$f")"
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
        echo "stopped $(basename "$f" .pid) (pid $pid)"
      fi
      rm -f "$f"
    done
    ;;
  status)
    for f in "$work"/pid/*.pid; do
      [[ -f "$f" ]] || continue
      pid="$(cat "$f")"
      if kill -0 "$pid" 2>/dev/null; then s=running; else s=dead; fi
      echo "$(basename "$f" .pid) pid $pid $s"
    done
    curl -sf "$rest/overview" && echo || echo "REST $rest not answering"
    ;;
  submit)
    [[ $# -ge 1 ]] || die "usage: submit JAR [ARGS...]"
    [[ -f "$1" ]] || die "job jar not found: $1"
    cli run -d "$@"
    ;;
  submit-rest)
    [[ $# -ge 1 ]] || die "usage: submit-rest JAR [ARGS...]"
    jar="$1"; shift
    [[ -f "$jar" ]] || die "job jar not found: $jar"
    upload="$(curl -sf -X POST -H 'Expect:' -F "jarfile=@$jar" "$rest/jars/upload")" \
      || die "upload of $jar to $rest failed"
    id="$(sed -n 's/.*"filename":"[^"]*\/\([^"/]*\)".*/\1/p' <<<"$upload")"
    [[ -n "$id" ]] || die "unexpected upload answer: $upload"
    args_json="$(printf '%s\n' "$@" | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' | paste -sd, -)"
    curl -sf -X POST -H 'Content-Type: application/json' \
      -d "{\"programArgsList\":[${args_json}]}" "$rest/jars/$id/run" \
      || die "run of uploaded jar $id failed"
    echo
    ;;
  list)
    cli list
    ;;
  cancel)
    [[ $# -eq 1 ]] || die "usage: cancel JOB_ID"
    cli stop --type canonical "$1"
    ;;
  resume)
    [[ $# -ge 2 ]] || die "usage: resume SAVEPOINT JAR [ARGS...]"
    sp="$1"; shift
    cli run -d -s "$sp" "$@"
    ;;
  sql)
    ensure_sql_lib
    jar="${JOB_JAR:-$(ls "$root"/job/target/forecaster-job-*-flink.jar 2>/dev/null | head -1)}"
    [[ -f "$jar" ]] || die "no job jar: ./mvnw -B package -DskipTests writes job/target/forecaster-job-*-flink.jar"
    init="$work/sql-init.sql"
    echo "CREATE FUNCTION IF NOT EXISTS FORECAST AS 'io.forecaster.job.sql.ForecastFunction';" >"$init"
    args=(-i "$init" -j "$jar")
    if [[ -n "${1:-}" ]]; then
      [[ -f "$1" ]] || die "no such script: $1"
      script="$work/sql-$(basename "$1")"
      sed -e "s|\${bootstrap}|${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}|g" -e "s|\${pwd}|$root|g" \
        "$1" >"$script"
      args+=(-f "$script")
    fi
    java "${java_opens[@]}" -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j-cli.properties" \
      -cp "$(classpath):$(ls "$here"/target/flink/opt/*.jar | tr '\n' ':')" \
      org.apache.flink.table.client.SqlClient embedded "${args[@]}"
    ;;
  *)
    sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "$cmd" ]] || exit 2
    ;;
esac
