# Shared by bench/run.sh and bench/footprint.sh (sourced, after they cd to the repository and set
# ROOT): a work directory, helpers, the build, the fake upstreams and the exporter's config.
# Everything listens on 127.0.0.1 only; whatever is started here is stopped on exit.

# The exporter as every deployment starts it: the launcher, with its JVM options and the class data
# archive the build writes next to the jar. JAVA_OPTS in the environment reaches it, as it would a user's.
EXPORTER_CMD=("$ROOT/bin/sbtc-signer-exporter")

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d /tmp/sbtc-bench.XXXXXX)
STARTED_PIDS=()
cleanup() {
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# A free loopback port: one nothing answers on.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# Waits until $1 answers 200 (and, with $2, its body contains that text), for at most 60 s.
await() {
  local url=$1 text=${2:-} i
  for i in $(seq 1 600); do
    if body=$(curl -sf "$url" 2>/dev/null) && { [ -z "$text" ] || grep -qF "$text" <<<"$body"; }; then
      return 0
    fi
    sleep 0.1
  done
  echo "$(basename "$0"): $url did not answer${text:+ with $text} within 60 s (logs in $WORK)" >&2
  exit 1
}

# --- build ------------------------------------------------------------------------------------
# BENCH_NO_BUILD=1 reuses the jar, the archive and the bench classes of an earlier build: for a second
# bench script started while the first one's exporters run (a build would replace the jar under them).
if [ "${BENCH_NO_BUILD:-}" = 1 ]; then
  log "not building (BENCH_NO_BUILD=1): the jar, archive and bench classes already in target/"
  goals=()
else
  log "building (mvn -B -q -Pbench package -DskipTests)"
  goals=(package)
fi
mvn -B -q -Pbench "${goals[@]}" -DskipTests dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; exit 1; }
[ -f "$ROOT/target/test-classes/io/sbtc/exporter/bench/Footprint.class" ] \
  || { echo "$(basename "$0"): no bench classes in target/test-classes: build with -Pbench first" >&2; exit 1; }
[ -f "$ROOT/target/sbtc-signer-exporter.jsa" ] || log "no class data archive in target/: the exporter starts without one"
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$WORK/classpath.txt")"
TOOL_JVM=(java -XX:+UseSerialGC -Xmx128m -XX:TieredStopAtLevel=1 -cp "$CP")

# --- fake upstreams: a signer relaying ~400 series, Bitcoin Core, a Stacks node -----------------
"${TOOL_JVM[@]}" io.sbtc.exporter.bench.FakeUpstreams --series 400 --port-file "$WORK/upstreams.port" \
  >"$WORK/upstreams.log" 2>&1 &
STARTED_PIDS+=($!)
for i in $(seq 1 300); do [ -s "$WORK/upstreams.port" ] && break; sleep 0.1; done
UPSTREAM="http://127.0.0.1:$(cat "$WORK/upstreams.port")"
await "$UPSTREAM/metrics"
SIGNER_SERIES=$(curl -sf "$UPSTREAM/metrics" | grep -cv '^#\|^$')

# Every source polled every second: the harshest schedule, each poll a new exposition to encode.
exporter_config() {
  cat >"$WORK/exporter-$1.yml" <<EOF
listen_address: "127.0.0.1:$1"
signer:
  metrics_url: "$UPSTREAM/metrics"
  info_url: "$UPSTREAM/info"
  interval: 1s
  timeout: 900ms
bitcoin:
  rpc_url: "$UPSTREAM"
  rpc_user: "bench"
  rpc_password: "\${SBTC_BENCH_RPC_PASSWORD}"
  interval: 1s
  timeout: 900ms
stacks:
  rpc_url: "$UPSTREAM"
  interval: 1s
  timeout: 900ms
EOF
  echo "$WORK/exporter-$1.yml"
}
export SBTC_BENCH_RPC_PASSWORD="bench-only"

# start_exporter PORT [COMMAND...]: the exporter (by default EXPORTER_CMD) on PORT, once it is ready.
start_exporter() {
  local port=$1
  shift
  [ $# -gt 0 ] || set -- "${EXPORTER_CMD[@]}"
  # The launcher execs java: $! is the JVM.
  "$@" --config "$(exporter_config "$port")" --log.level=warn >"$WORK/exporter-$port.log" 2>&1 &
  STARTED_PIDS+=($!)
  EXPORTER_PID=$!
  await "http://127.0.0.1:$port/-/ready"
  # What actually ran: the JVM's own command line, options up to -jar.
  EXPORTER_JVM=$(tr '\0' '\n' <"/proc/$EXPORTER_PID/cmdline" | sed -n '2,$p' | sed '/^-jar$/,$d' | tr '\n' ' ' | sed 's/ $//')
}

