#!/usr/bin/env bash
# Builds the project's Docker images from what Maven Central and the Debian mirror provide, so no
# image registry is needed:
#
#   local/debian-jre:bookworm   Debian bookworm (debootstrap, minbase) with a headless JRE 17
#   forecaster/kafka:<kafka>    the Kafka broker's Maven jars, KRaft, started like apache/kafka
#   forecaster-job:0.1.0        Flink's Maven jars, the job's cluster jar and models/
#
#   deploy/docker/build-images.sh                 build what is missing or out of date
#   deploy/docker/build-images.sh base            only the Debian base image
#   deploy/docker/build-images.sh --from-registry  build on the public apache/kafka and flink images
#
# An image is rebuilt only when its inputs changed: each carries the hash of its inputs in the
# label io.forecaster.inputs. The jars come from Maven when missing (REBUILD_JARS=1: always).
# Environment: DEBIAN_MIRROR (default: the mirror apt uses), DEBIAN_SUITE (bookworm),
# IMAGES_WORK (scratch folder, default /tmp/forecaster-images). Runs as root (debootstrap); needs
# a Docker engine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
suite="${DEBIAN_SUITE:-bookworm}"
jre_package=openjdk-17-jre-headless
base_image="local/debian-jre:$suite"
work="${IMAGES_WORK:-/tmp/forecaster-images}"
target="$here/target"
label=io.forecaster.inputs

die() { echo "build-images.sh: $*" >&2; exit 1; }
log() { echo "build-images.sh: $*" >&2; }

from_registry=false
only_base=false
case "${1:-}" in
  --from-registry) from_registry=true ;;
  base) only_base=true ;;
  "") ;;
  *) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed)"

# Versions from the build, so the images follow the pom.
pom_property() {
  sed -n "s:.*<$1>\([^<]*\)</$1>.*:\1:p" "$root/pom.xml" | head -n1
}
kafka_version="$(pom_property kafka.version)"
flink_version="$(pom_property flink.version)"
project_version="$(sed -n 's:^  <version>\([^<]*\)</version>.*:\1:p' "$root/pom.xml" | head -n1)"
job_jar="job/target/forecaster-job-$project_version-flink.jar"
kafka_image="forecaster/kafka:$kafka_version"
job_image="forecaster-job:${project_version%-SNAPSHOT}"

# The Debian mirror apt uses: deb822 .sources stanzas or one-line .list entries for the suite.
debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk -v suite="$suite" 'BEGIN { RS = ""; FS = "\n" }
      { uris = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/ && (" " $i " ") ~ (" " suite " ")) ok = 1
        }
        if (ok && uris != "") { split(uris, u, /[ \t]+/); print u[1] } }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    awk -v suite="$suite" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) print $i }' "$f"
  done
}

# Hash of files (paths relative to the root, contents) and extra strings.
inputs_hash() {
  { printf '%s\n' "$@"; } | while read -r item; do
    if [[ -e "$root/$item" ]]; then
      (cd "$root" && find "$item" -type f -print0 | sort -z | xargs -0 sha256sum)
    else
      echo "$item"
    fi
  done | sha256sum | cut -c1-16
}

current_hash() { # image
  docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$1" 2>/dev/null || true
}

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

build_base() {
  local mirror hash rootfs start
  mirror="$(debian_mirror | grep -v security | head -n1 || true)"
  [[ -n "$mirror" ]] || die "no Debian mirror for $suite in /etc/apt/sources.list*; set DEBIAN_MIRROR"
  hash="$(inputs_hash "base-v1 $suite $mirror $jre_package")"
  if [[ "$(current_hash "$base_image")" == "$hash" ]]; then
    log "$base_image is up to date"
    return
  fi
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  start=$SECONDS
  rootfs="$work/rootfs-$suite"
  rm -rf "$rootfs"
  mkdir -p "$work"
  log "debootstrap $suite from $mirror into $rootfs (about a minute) ..."
  debootstrap --variant=minbase --include="$jre_package" "$suite" "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || die "debootstrap failed, see $work/debootstrap.log"
  # What a runtime image never needs: package caches, documentation, manuals, locales.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
  local java_home
  java_home="$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java")")")"
  java_home="${java_home#"$rootfs"}"
  tar -C "$rootfs" -c . | docker import \
    -c "ENV JAVA_HOME=$java_home" \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV LANG=C.UTF-8' \
    -c "LABEL $label=$hash" \
    -m "debootstrap --variant=minbase --include=$jre_package $suite $mirror" \
    - "$base_image" >/dev/null
  rm -rf "$rootfs"
  log "built $base_image in $((SECONDS - start)) s ($(docker image inspect -f '{{.Size}}' "$base_image" | awk '{ printf "%d MB", $1 / 1e6 }'))"
}

# The jars: the job's cluster jar, the Flink cluster's lib (the deploy module) and the broker's;
# built when missing (REBUILD_JARS=1 always), e.g. after `./mvnw -B verify` only the broker's.
build_jars() {
  if [[ "${REBUILD_JARS:-}" == 1 || ! -f "$root/$job_jar" || ! -d "$root/deploy/target/flink/lib" \
    || ! -d "$root/deploy/target/flink/lib-onnx" ]]
  then
    log "Maven: the job's cluster jar and Flink's jars ..."
    (cd "$root" && ./mvnw -B -q package -DskipTests -pl job,deploy -am) \
      || die "the Maven build failed"
  fi
  if [[ "${REBUILD_JARS:-}" == 1 || ! -d "$target/kafka-libs" ]]; then
    log "Maven: the Kafka broker's jars ..."
    (cd "$root" && ./mvnw -B -q -f deploy/docker/pom.xml package) || die "the Maven build failed"
  fi
}

# ONNX Runtime's platform folder for the Docker engine's architecture (the images are built for it).
onnx_platform() {
  local arch
  arch="$(docker info -f '{{.Architecture}}' 2>/dev/null || true)"
  case "$arch" in
    x86_64 | amd64) echo linux-x64 ;;
    aarch64 | arm64) echo linux-aarch64 ;;
    *) die "ONNX Runtime has no Linux natives for the Docker engine's architecture '$arch'" ;;
  esac
}

# The onnx engine on the Flink image's class path, as `deploy/cluster.sh start --onnx` has it
# (deploy/target/flink/lib-onnx, loaded parent-first by config.yaml): the engine, the runtime
# model, Jackson and ONNX Runtime. ONNX Runtime's jar holds the natives of every platform (139 MB,
# most of it Windows and macOS debug symbols); the image gets a copy with only its platform's
# (ai/onnxruntime/native/linux-x64/ or linux-aarch64/), every other entry and every date as they
# are, so that the copy (and the image's input hash) is the same from one build to the next.
stage_onnx() { # lib-dir
  local dir="$1" platform jar
  platform="$(onnx_platform)"
  jar="$(ls "$root"/deploy/target/flink/lib-onnx/onnxruntime-*.jar 2>/dev/null | head -n1 || true)"
  [[ -n "$jar" ]] || die "no ONNX Runtime jar in deploy/target/flink/lib-onnx"
  find "$root/deploy/target/flink/lib-onnx" -name '*.jar' ! -name 'onnxruntime-*' \
    -exec cp {} "$dir/" \;
  python3 - "$jar" "$dir/$(basename "$jar")" "$platform" <<'EOF' \
    || die "cannot copy $jar with the natives of $platform only"
import sys, zipfile
src, dst, platform = sys.argv[1:]
native = "ai/onnxruntime/native/"
keep = native + platform + "/"
kept = 0
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for info in zin.infolist():
        name = info.filename
        if name.startswith(native) and name != native and not name.startswith(keep):
            continue
        kept += name.startswith(keep) and not name.endswith("/")
        zout.writestr(info, zin.read(info))
if kept == 0:
    sys.exit(f"{src} has no natives under {keep}")
EOF
}

# Folders copied into the images: on the Debian base a whole Kafka or Flink installation, on the
# public images only what they lack (the onnx engine's jars in Flink's lib).
stage() {
  rm -rf "$target/kafka-root" "$target/flink-root"
  mkdir -p "$target/kafka-root/etc/forecaster" "$target/flink-root/etc/forecaster" \
    "$target/flink-root/opt/flink/lib"
  echo "kafka $kafka_version" >"$target/kafka-root/etc/forecaster/image"
  echo "flink $flink_version" >"$target/flink-root/etc/forecaster/image"
  stage_onnx "$target/flink-root/opt/flink/lib"
  if [[ "$from_registry" == true ]]; then
    return
  fi
  [[ -d "$target/kafka-libs" ]] || die "missing $target/kafka-libs"
  [[ -d "$root/deploy/target/flink/lib" ]] || die "missing deploy/target/flink/lib"
  mkdir -p "$target/kafka-root/opt/kafka/libs" "$target/kafka-root/opt/kafka/config" \
    "$target/kafka-root/etc/kafka/docker"
  cp "$target/kafka-libs/"*.jar "$target/kafka-root/opt/kafka/libs/"
  cp "$here/kafka/run" "$target/kafka-root/etc/kafka/docker/run"
  cp "$here/kafka/log4j2.yaml" "$target/kafka-root/opt/kafka/config/log4j2.yaml"

  mkdir -p "$target/flink-root/opt/flink/lib" "$target/flink-root/opt/flink/conf" \
    "$target/flink-root/opt/flink/bin"
  # The cluster's jars as deploy/cluster.sh runs them, without RocksDB (50 MB of natives for
  # every platform; the images use the HashMap state backend).
  find "$root/deploy/target/flink/lib" -name '*.jar' ! -name 'frocksdbjni-*' \
    ! -name 'flink-statebackend-rocksdb-*' -exec cp {} "$target/flink-root/opt/flink/lib/" \;
  cp "$here/flink/config.yaml" "$here/flink/log4j-console.properties" \
    "$target/flink-root/opt/flink/conf/"
  cp "$here/flink/flink" "$target/flink-root/opt/flink/bin/flink"
  cp "$here/flink/docker-entrypoint.sh" "$target/flink-root/docker-entrypoint.sh"
  chmod 755 "$target/kafka-root/etc/kafka/docker/run" "$target/flink-root/opt/flink/bin/flink" \
    "$target/flink-root/docker-entrypoint.sh"
}

build_image() { # image dockerfile base [inputs...]
  local image="$1" dockerfile="$2" base="$3" hash start old
  shift 3
  hash="$(inputs_hash "$dockerfile" "$@" "base $base $(image_id "$base")")"
  if [[ "$(current_hash "$image")" == "$hash" ]]; then
    log "$image is up to date"
    return
  fi
  start=$SECONDS
  old="$(image_id "$image")"
  log "building $image on $base ..."
  (cd "$root" && docker build -q -f "$dockerfile" --build-arg "BASE_IMAGE=$base" \
    --label "$label=$hash" -t "$image" .) >/dev/null || die "docker build of $image failed"
  # What this build leaves behind (with vfs each is a full copy of its layers): the image it
  # replaces, unless a container still uses it, and the untagged images of the files stage.
  if [[ -n "$old" && "$old" != "$(image_id "$image")" ]]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
  docker image prune -f --filter label=io.forecaster.stage=files >/dev/null 2>&1 || true
  log "built $image in $((SECONDS - start)) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%d MB", $1 / 1e6 }'))"
}

if [[ "$from_registry" == true ]]; then
  kafka_base="apache/kafka:$kafka_version"
  flink_base="flink:$flink_version-java17"
else
  build_base
  [[ "$only_base" == true ]] && exit 0
  kafka_base="$base_image"
  flink_base="$base_image"
fi
build_jars
stage
build_image "$kafka_image" deploy/docker/kafka/Dockerfile "$kafka_base" deploy/docker/target/kafka-root
build_image "$job_image" deploy/docker/Dockerfile "$flink_base" deploy/docker/target/flink-root \
  "$job_jar" models
docker image ls --filter "label=$label" --format '{{.Repository}}:{{.Tag}}  {{.Size}}' >&2
