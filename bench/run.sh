#!/usr/bin/env bash
# Measures /metrics of sbtc-signer-exporter side by side with nginx serving the same bytes and with
# prometheus-node-exporter, all in one run on one machine, and writes the table to docs/benchmarks.md.
#
# Needs a JDK 17 (java, jcmd), Maven, curl, and:   apt-get install wrk nginx prometheus-node-exporter
# Everything listens on 127.0.0.1 only; nothing is installed or left running.
#
#   bench/run.sh             full run: 10-minute memory phase, about 17 minutes in all
#   bench/run.sh --quick     2-minute memory phase and shorter load runs, about 6 minutes
#   bench/run.sh --memory-minutes 30 --output /tmp/bench.md
set -euo pipefail

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  echo "Options: --quick | --memory-minutes N | --load-seconds N | --output FILE"
}

MEMORY_MINUTES=10
LOAD_SECONDS=10
STARTUP_RUNS=5
HANG_PAIRS=4
JMH_ARGS=()
MODE="full"
OUTPUT="docs/benchmarks.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE="quick"; MEMORY_MINUTES=2; LOAD_SECONDS=5; STARTUP_RUNS=3; HANG_PAIRS=2; JMH_ARGS=(-wi 2 -w 1 -i 3 -r 1) ;;
    --memory-minutes) MEMORY_MINUTES="$2"; shift ;;
    --load-seconds) LOAD_SECONDS="$2"; shift ;;
    --output) OUTPUT="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[ "$MODE" = quick ] || [ "$MEMORY_MINUTES" = 10 ] || MODE="custom"

cd "$(dirname "$0")/.."
ROOT=$(pwd)

# --- tools, checked before anything runs -------------------------------------------------------
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter || true)
missing=()
for tool in wrk nginx java jcmd mvn curl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -n "$NODE_EXPORTER" ] || missing+=("prometheus-node-exporter")
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/run.sh: missing: ${missing[*]}" >&2
  echo "  apt-get install wrk nginx prometheus-node-exporter   (and a JDK 17 with Maven and curl)" >&2
  exit 2
fi

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# --- 1. start-up: the launcher to the first /-/ready 200 ----------------------------------------
log "start-up: $STARTUP_RUNS starts with the class data archive, $STARTUP_RUNS without, alternating"
PORT=$(free_port)
# Without the archive the launcher writes: only the JDK's own default archive, as after a Java upgrade.
JDK_ARCHIVE="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -XshowSettings:properties -version 2>&1 | awk '$1 == "java.home" {print $3}')/lib/server/classes.jsa"
: >"$WORK/startup.txt"
: >"$WORK/startup-no-archive.txt"
startup_run() { # startup_run FILE [JAVA_OPTS]
  JAVA_OPTS="${2:-${JAVA_OPTS:-}}" "${TOOL_JVM[@]}" io.sbtc.exporter.bench.StartupTimer 1 "http://127.0.0.1:$PORT/-/ready" "$WORK/startup.log" \
    "${EXPORTER_CMD[@]}" --config "$(exporter_config "$PORT")" --log.level=warn >>"$1"
}
for run in $(seq 1 "$STARTUP_RUNS"); do
  if [ $((run % 2)) = 1 ]; then
    startup_run "$WORK/startup.txt"; startup_run "$WORK/startup-no-archive.txt" "${JAVA_OPTS:-} -XX:SharedArchiveFile=$JDK_ARCHIVE"
  else
    startup_run "$WORK/startup-no-archive.txt" "${JAVA_OPTS:-} -XX:SharedArchiveFile=$JDK_ARCHIVE"; startup_run "$WORK/startup.txt"
  fi
done
median_of() { awk '{print $2}' "$1" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
STARTUP_MS=$(median_of "$WORK/startup.txt")
STARTUP_NO_ARCHIVE_MS=$(median_of "$WORK/startup-no-archive.txt")
STARTUP_ALL=$(awk '{printf "%s%s", sep, $2; sep=", "}' "$WORK/startup.txt")

# --- 2. throughput and latency, against nginx with the same bytes and node_exporter --------------
PORT=$(free_port)
log "throughput: exporter on $PORT"
start_exporter "$PORT"
EXPORTER="http://127.0.0.1:$PORT"
# The payload nginx serves is captured once every source is up: on a busy machine a first poll can time out.
for source in signer_metrics signer_info bitcoin stacks; do
  await "$EXPORTER/metrics" "sbtc_exporter_source_up{source=\"$source\"} 1.0"
done

mkdir -p "$WORK/www" "$WORK/nginx-tmp"
curl -sf "$EXPORTER/metrics" >"$WORK/www/metrics"
curl -sf -H 'Accept-Encoding: gzip' "$EXPORTER/metrics" >"$WORK/www/metrics.gz"
# nginx's workers run as an unprivileged user: let them in.
chmod 711 "$WORK"
chmod 755 "$WORK/www"
chmod 644 "$WORK/www/metrics" "$WORK/www/metrics.gz"
PAYLOAD_BYTES=$(wc -c <"$WORK/www/metrics")
PAYLOAD_GZIP_BYTES=$(wc -c <"$WORK/www/metrics.gz")
EXPOSED_SERIES=$(grep -cv '^#\|^$' "$WORK/www/metrics")

NGINX_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  client_body_temp_path $WORK/nginx-tmp;
  proxy_temp_path $WORK/nginx-tmp;
  fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp;
  scgi_temp_path $WORK/nginx-tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location = /metrics {
      default_type "text/plain; version=0.0.4; charset=utf-8";
      gzip_static on;
    }
  }
}
EOF
nginx -e "$WORK/nginx-error.log" -p "$WORK" -c "$WORK/nginx.conf" &
STARTED_PIDS+=($!)
NGINX="http://127.0.0.1:$NGINX_PORT"

NODE_PORT=$(free_port)
"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$NODE_PORT" >"$WORK/node-exporter.log" 2>&1 &
STARTED_PIDS+=($!)
NODE="http://127.0.0.1:$NODE_PORT"
await "$NGINX/metrics"
await "$NODE/metrics"
NODE_BYTES=$(curl -sf "$NODE/metrics" | wc -c)
cmp -s "$WORK/www/metrics" <(curl -sf "$NGINX/metrics") || { echo "bench/run.sh: nginx does not serve the payload" >&2; exit 1; }

# wrk_run NAME URL CONNECTIONS [HEADER]: prints "requests_per_second p50_ms p99_ms errors" (WRK_THREADS, default 2).
wrk_run() {
  local name=$1 url=$2 conns=$3 out="$WORK/wrk-$1.txt"
  local args=(-t"${WRK_THREADS:-2}" -c"$conns" -d"${LOAD_SECONDS}s" --latency)
  [ $# -ge 4 ] && args+=(-H "$4")
  wrk "${args[@]}" "$url" >"$out" 2>&1
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, errors }' "$out"
}

log "warming up the JIT (${LOAD_SECONDS}s)"
wrk_run warmup "$EXPORTER/metrics" 8 >/dev/null
declare -A R
for conns in 8 64; do
  for target in exporter nginx node; do
    case $target in exporter) url="$EXPORTER/metrics" ;; nginx) url="$NGINX/metrics" ;; node) url="$NODE/metrics" ;; esac
    log "wrk $target, $conns connections, ${LOAD_SECONDS}s"
    R[$target-$conns]=$(wrk_run "$target-$conns" "$url" "$conns")
  done
done
for target in exporter nginx; do
  case $target in exporter) url="$EXPORTER/metrics" ;; nginx) url="$NGINX/metrics" ;; esac
  log "wrk $target gzip, 8 connections, ${LOAD_SECONDS}s"
  R[$target-gzip]=$(wrk_run "$target-gzip" "$url" 8 "Accept-Encoding: gzip")
done

# --- 3. latency while Bitcoin Core hangs 30 s on every call ------------------------------------
# The exporter against itself, healthy and hanging in turn, with one wrk thread: wrk's second
# thread and the exporter's event loop would fight over 2 cores and drown the difference in noise.
bitcoin_timeouts() {
  curl -sf "$EXPORTER/metrics" | awk '/^sbtc_exporter_source_errors_total\{reason="timeout",source="bitcoin"\}/ {print $2 + 0}'
}
HEALTHY_P99=()
HANG_P99=()
TIMEOUTS_BEFORE=$(bitcoin_timeouts)
hang_run() { # hang_run PAIR healthy|hang
  if [ "$2" = hang ]; then
    curl -sf -X POST "$UPSTREAM/control/bitcoin-hang?seconds=30" >/dev/null
    await "$EXPORTER/metrics" 'sbtc_exporter_source_up{source="bitcoin"} 0.0'
  else
    curl -sf -X POST "$UPSTREAM/control/bitcoin-hang?seconds=0" >/dev/null
    await "$EXPORTER/metrics" 'sbtc_exporter_source_up{source="bitcoin"} 1.0'
  fi
  log "hang phase $1/$HANG_PAIRS: $2"
  local p99
  p99=$(WRK_THREADS=1 wrk_run "$2-$1" "$EXPORTER/metrics" 8 | awk '{print $3}')
  if [ "$2" = hang ]; then HANG_P99+=("$p99"); else HEALTHY_P99+=("$p99"); fi
}
# Healthy first in odd pairs, hanging first in even ones, so a drift in the machine's load favours neither.
for pair in $(seq 1 "$HANG_PAIRS"); do
  if [ $((pair % 2)) = 1 ]; then
    hang_run "$pair" healthy; hang_run "$pair" hang
  else
    hang_run "$pair" hang; hang_run "$pair" healthy
  fi
done
TIMEOUTS=$(awk -v a="$TIMEOUTS_BEFORE" -v b="$(bitcoin_timeouts)" 'BEGIN {print b - a}')
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
HEALTHY_MEDIAN=$(median "${HEALTHY_P99[@]}")
HANG_MEDIAN=$(median "${HANG_P99[@]}")

kill "$EXPORTER_PID"
for pid in "${STARTED_PIDS[@]}"; do
  [ "$pid" = "${STARTED_PIDS[0]}" ] || kill "$pid" 2>/dev/null || true # all but the fake upstreams
done
sleep 1

# --- 4. memory: a fresh exporter, polled every second, scraped 50 times a second ----------------
# A fresh node_exporter is scraped alike at the same time, so their RSS compare within one run.
SECONDS_TOTAL=$((MEMORY_MINUTES * 60))
SETTLE=$((SECONDS_TOTAL / 2 < 120 ? SECONDS_TOTAL / 2 : 120))
PORT=$(free_port)
log "memory: ${MEMORY_MINUTES} min at 50 scrapes/s, exporter and node_exporter side by side, settle point at ${SETTLE}s"
start_exporter "$PORT"
NODE_PORT=$(free_port)
"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$NODE_PORT" >"$WORK/node-exporter-memory.log" 2>&1 &
NODE_PID=$!
STARTED_PIDS+=("$NODE_PID")
await "http://127.0.0.1:$NODE_PORT/metrics"
"${TOOL_JVM[@]}" io.sbtc.exporter.bench.SteadyScraper "http://127.0.0.1:$NODE_PORT/metrics" 50 "$SECONDS_TOTAL" "$SETTLE" \
  "$NODE_PID" "$WORK/rss-node-exporter.csv" rss-only >"$WORK/memory-node-exporter.txt" &
NODE_SCRAPER=$!
"${TOOL_JVM[@]}" io.sbtc.exporter.bench.SteadyScraper "http://127.0.0.1:$PORT/metrics" 50 "$SECONDS_TOTAL" "$SETTLE" \
  "$EXPORTER_PID" "$WORK/rss.csv" >"$WORK/memory.txt"
wait "$NODE_SCRAPER"
mem() { awk -v k="$1" '$1 == k {print $2}' "${2:-$WORK/memory.txt}"; }
kill "$EXPORTER_PID" "$NODE_PID"
kill "${STARTED_PIDS[0]}"

# --- 5. parser: JMH on a 10,000-series signer page ---------------------------------------------
log "parser: JMH TextFormatParserBenchmark with -prof gc"
PARSER_SERIES=$("${TOOL_JVM[@]}" io.sbtc.exporter.bench.SignerPayload 10000 | grep -cv '^#\|^$')
java -cp "$CP" org.openjdk.jmh.Main TextFormatParserBenchmark -prof gc -rf csv -rff "$WORK/jmh.csv" "${JMH_ARGS[@]}" \
  >"$WORK/jmh.log" 2>&1 || { tail -30 "$WORK/jmh.log" >&2; exit 1; }
JMH_OPS=$(awk -F, '$1 ~ /parse"$/ {print $5}' "$WORK/jmh.csv")
JMH_BYTES=$(awk -F, '$1 ~ /gc\.alloc\.rate\.norm"$/ {print $5}' "$WORK/jmh.csv")

# --- the table ---------------------------------------------------------------------------------
f() { awk -v v="$1" -v d="${2:-0}" 'BEGIN {printf "%.*f", d, v}'; }
field() { awk -v n="$2" '{print $n}' <<<"$1"; }
pass() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo FAIL; fi; }
group() { awk -v v="$1" 'BEGIN {s = sprintf("%.0f", v); out = ""; while (length(s) > 3) {out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3)} print s out}'; }
rps() { field "${R[$1]}" 1; }
grps() { group "$(rps "$1")"; }
p99() { field "${R[$1]}" 3; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
times() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {printf "%.*f×", d, a / b}'; }
RSS_END=$(mem rss_end_kib); RSS_SETTLE=$(mem rss_settle_kib); RSS_MAX=$(mem rss_max_kib)
NODE_RSS_END=$(mem rss_end_kib "$WORK/memory-node-exporter.txt"); NODE_RSS_MAX=$(mem rss_max_kib "$WORK/memory-node-exporter.txt")
HEAP_END=$(mem live_heap_end_kib); HEAP_SETTLE=$(mem live_heap_settle_kib)
ERRORS=0
for k in "${!R[@]}"; do [[ $k == node-* ]] || ERRORS=$((ERRORS + $(field "${R[$k]}" 4))); done
NODE_ERRORS=$(( $(field "${R[node-8]}" 4) + $(field "${R[node-64]}" 4) ))
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }
SETTLE_LABEL="$(awk -v s="$SETTLE" 'BEGIN {printf (s % 60 ? "%ds" : "min %d"), (s % 60 ? s : s / 60)}')"

TABLE=$(cat <<EOF
| Measurement | sbtc-signer-exporter | Compared with | Ratio | Target | Result |
| --- | ---: | ---: | ---: | --- | --- |
| Scrapes/s, 8 connections | $(grps exporter-8) | nginx $(grps nginx-8) | $(ratio "$(rps exporter-8)" "$(rps nginx-8)") of nginx | ≥ 60% of nginx | $(pass "$(rps exporter-8) >= 0.6 * $(rps nginx-8)") |
| Scrapes/s, 64 connections | $(grps exporter-64) | nginx $(grps nginx-64) | $(ratio "$(rps exporter-64)" "$(rps nginx-64)") of nginx | ≥ 40% of nginx | $(pass "$(rps exporter-64) >= 0.4 * $(rps nginx-64)") |
| p99 latency, 8 connections | $(f "$(p99 exporter-8)" 2) ms | nginx $(f "$(p99 nginx-8)" 2) ms | $(times "$(p99 exporter-8)" "$(p99 nginx-8)") nginx | ≤ 10 ms | $(pass "$(p99 exporter-8) <= 10") |
| p99 latency, 64 connections | $(f "$(p99 exporter-64)" 2) ms | nginx $(f "$(p99 nginx-64)" 2) ms | $(times "$(p99 exporter-64)" "$(p99 nginx-64)") nginx | — | — |
| Scrapes/s vs node_exporter, 8 / 64 connections | $(grps exporter-8) / $(grps exporter-64) | node_exporter $(grps node-8) / $(grps node-64) | $(times "$(rps exporter-8)" "$(rps node-8)" 0) / $(times "$(rps exporter-64)" "$(rps node-64)" 0) node_exporter | — | — |
| p99 vs node_exporter, 8 / 64 connections | $(f "$(p99 exporter-8)" 2) / $(f "$(p99 exporter-64)" 2) ms | node_exporter $(f "$(p99 node-8)" 2) / $(f "$(p99 node-64)" 2) ms | — | — | — |
| Scrapes/s gzip, 8 connections | $(grps exporter-gzip) | nginx gzip_static $(grps nginx-gzip) | $(ratio "$(rps exporter-gzip)" "$(rps nginx-gzip)") of nginx | — | — |
| p99, 8 connections, Bitcoin hanging 30 s per call (median of $HANG_PAIRS) | $(f "$HANG_MEDIAN" 2) ms | healthy $(f "$HEALTHY_MEDIAN" 2) ms | $(times "$HANG_MEDIAN" "$HEALTHY_MEDIAN") healthy | ≤ 1.10× healthy | $(pass "$HANG_MEDIAN <= 1.10 * $HEALTHY_MEDIAN") |
| RSS after $MEMORY_MINUTES min (1 s polls, 50 scrapes/s; max over the run) | $(mib "$RSS_END") (max $(mib "$RSS_MAX")) | node_exporter, scraped alike at the same time: $(mib "$NODE_RSS_END") (max $(mib "$NODE_RSS_MAX")) | $(times "$RSS_END" "$NODE_RSS_END" 1) node_exporter | ≤ 64 MiB | $(pass "$RSS_MAX <= 64 * 1024") |
| RSS growth, $SETTLE_LABEL → min $MEMORY_MINUTES | $(mib $((RSS_END - RSS_SETTLE))) | $(mib "$RSS_SETTLE") → $(mib "$RSS_END") | — | no growth (≤ 2 MiB) | $(pass "$RSS_END - $RSS_SETTLE <= 2048") |
| Live heap after full GC, $SETTLE_LABEL → min $MEMORY_MINUTES | $(mib $((HEAP_END - HEAP_SETTLE))) | $(mib "$HEAP_SETTLE") → $(mib "$HEAP_END") | — | no growth (≤ 1 MiB) | $(pass "$HEAP_END - $HEAP_SETTLE <= 1024") |
| Start-up, bin/sbtc-signer-exporter to first /-/ready 200 (median of $STARTUP_RUNS) | $STARTUP_MS ms | without the class data archive: $STARTUP_NO_ARCHIVE_MS ms (runs: $STARTUP_ALL / $(awk '{printf "%s%s", sep, $2; sep=", "}' "$WORK/startup-no-archive.txt") ms) | $(times "$STARTUP_MS" "$STARTUP_NO_ARCHIVE_MS") without | ≤ 1000 ms | $(pass "$STARTUP_MS <= 1000") |
| Parser, $PARSER_SERIES-series signer page | $(group "$(awk -v o="$JMH_OPS" -v n="$PARSER_SERIES" 'BEGIN {print o * n}')") series/s | $(f "$JMH_OPS" 1) pages/s | — | — | — |
| Parser allocation | $(f "$(awk -v b="$JMH_BYTES" -v n="$PARSER_SERIES" 'BEGIN {print b / n}')" 0) B/series | $(f "$(awk -v b="$JMH_BYTES" 'BEGIN {print b / 1048576}')" 2) MiB/page | — | — | — |
EOF
)

MACHINE=$(cat <<EOF
- Date: $(date -u +"%Y-%m-%d %H:%M UTC"); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo " (with uncommitted changes)")
- Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) memory, Linux $(uname -r); shared with other work, so only the ratios of one run mean much; load average (1, 5, 15 min) $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end
- JVM: $(java -version 2>&1 | sed -n 2p); the exporter ran as \`bin/sbtc-signer-exporter\`, whose JVM options were \`$EXPORTER_JVM\`
- Tools: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'), $(nginx -v 2>&1 | sed 's/.*: //'), node_exporter $("$NODE_EXPORTER" --version 2>&1 | awk 'NR==1 {print $3}')
- Run: $MODE; wrk -t2 for ${LOAD_SECONDS}s per row after a ${LOAD_SECONDS}s warm-up (-t1 for the hang phase); memory phase $MEMORY_MINUTES min
- Payload: the exporter's /metrics, $EXPOSED_SERIES series in $PAYLOAD_BYTES bytes ($PAYLOAD_GZIP_BYTES gzipped), from a signer page of $SIGNER_SERIES series plus the bitcoin and stacks sources, all polled every second; node_exporter's page is $NODE_BYTES bytes
- p99 of each hang-phase run in ms, healthy: $(IFS=/; echo "${HEALTHY_P99[*]}"), hanging: $(IFS=/; echo "${HANG_P99[*]}"); Bitcoin polls that timed out meanwhile: $TIMEOUTS; wrk socket errors and non-2xx answers, exporter and nginx rows: $ERRORS; node_exporter's non-2xx answers (its own limit of 40 requests at once): $NODE_ERRORS; memory phase: $(mem scrapes) scrapes at $(mem rate_per_second)/s, $(mem failures) failed
EOF
)

echo
echo "$TABLE"
echo
echo "$MACHINE"
# Only the part between the markers is replaced: the prose around it is kept.
RESULT=$(printf '%s\n\n%s\n\n%s\n%s\n' "<!-- bench:start -->" "$MACHINE" "$TABLE" "<!-- bench:end -->")
if [ -f "$OUTPUT" ] && grep -q '^<!-- bench:start -->$' "$OUTPUT"; then
  RESULT="$RESULT" awk '
    /^<!-- bench:start -->$/ { print ENVIRON["RESULT"]; skip = 1; next }
    /^<!-- bench:end -->$/ { skip = 0; next }
    !skip' "$OUTPUT" >"$OUTPUT.tmp"
else
  printf '# Benchmarks\n\n%s\n' "$RESULT" >"$OUTPUT.tmp"
fi
mv "$OUTPUT.tmp" "$OUTPUT"
log "table written to $OUTPUT; raw outputs in $WORK"
