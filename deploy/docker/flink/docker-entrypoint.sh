#!/bin/bash
# Entry point of the job image on the Debian base, with the commands of the flink image's:
#   jobmanager    a session cluster's JobManager (StandaloneSessionClusterEntrypoint)
#   taskmanager   a TaskManager (TaskManagerRunner)
#   COMMAND...    anything else, e.g. `flink run -d -m jobmanager:8081 JAR ARGS...`
# FLINK_PROPERTIES (lines "key: value") replace or add lines of conf/config.yaml. Memory flags
# come from Flink's own BashJavaUtils, as in deploy/cluster.sh.
set -euo pipefail

export FLINK_HOME="${FLINK_HOME:-/opt/flink}"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-$FLINK_HOME/conf}"
config="$FLINK_CONF_DIR/config.yaml"

if [[ -n "${FLINK_PROPERTIES:-}" ]]; then
  keys="$(sed -n 's/^[[:space:]]*\([^#:[:space:]][^:]*\):.*/\1/p' <<<"$FLINK_PROPERTIES")"
  grep -v -F -f <(sed 's/.*/&:/' <<<"$keys") "$config" >"$config.new" || true
  printf '%s\n' "$FLINK_PROPERTIES" >>"$config.new"
  mv "$config.new" "$config"
fi

classpath() { local jars=("$FLINK_HOME"/lib/*.jar); (IFS=:; echo "${jars[*]}"); }

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

run_process() { # GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS class [args...]
  local which="$1" cls="$2" out jvm dyn opts
  shift 2
  out="$(java -cp "$(classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils "$which" \
    --configDir "$FLINK_CONF_DIR" 2>&1)" || { echo "BashJavaUtils failed: $out" >&2; exit 1; }
  out="$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<<"$out")"
  jvm="$(head -n1 <<<"$out")"
  dyn="$(tail -n1 <<<"$out")"
  opts="$(sed -n 's/^env\.java\.opts\.all:[[:space:]]*//p' "$config" | tail -n1)"
  # shellcheck disable=SC2086
  exec java $jvm "${java_opens[@]}" $opts \
    -Dlog.file="$FLINK_HOME/log/$(hostname).log" \
    -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j-console.properties" \
    -cp "$(classpath)" "$cls" --configDir "$FLINK_CONF_DIR" "$@" $dyn
}

mkdir -p "$FLINK_HOME/log"
case "${1:-help}" in
  jobmanager)
    shift
    run_process GET_JM_RESOURCE_PARAMS \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      --executionMode cluster "$@"
    ;;
  taskmanager)
    shift
    run_process GET_TM_RESOURCE_PARAMS org.apache.flink.runtime.taskexecutor.TaskManagerRunner "$@"
    ;;
  help)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    exec "$@"
    ;;
esac
