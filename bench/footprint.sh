#!/usr/bin/env bash
# Where the exporter's memory goes. Runs the memory phase of bench/run.sh (every source polled each
# second, 50 scrapes/s, the same fake upstreams) with Native Memory Tracking for several exporters at
# once, side by side, and prints for each what NMT says every part committed and how much of that is
# resident, read page by page (src/bench/java/io/sbtc/exporter/bench/Footprint.java).
#
# Needs a JDK 17 (java, jcmd), Maven and curl. Everything listens on 127.0.0.1 only.
#
#   bench/footprint.sh [--minutes 10] [--plain] [--variant LABEL OPTIONS]... [--compare-jar JAR]
#                      [--compare-launcher LAUNCHER] [--no-nmt]
#
# The first column is always bin/sbtc-signer-exporter as it ships. Then:
#   --plain                    the same jar under java -jar with no options (the README's command before the launcher)
#   --variant LABEL OPTIONS    the launcher with OPTIONS added to JAVA_OPTS; a word NAME=VALUE is set in its
#                              environment instead (docs/benchmarks.md lists the variants it was run with)
#   --compare-jar JAR          another build, run as java $COMPARE_JAVA_OPTS -jar JAR
#   --compare-launcher PATH    another build's launcher, with its jar and archive next to it, as it ships
#                              (e.g. an earlier commit's bin/ and jar laid out as the release tarball)
# Without any of them, --plain.
#   --no-nmt                   without Native Memory Tracking: only RSS, the mean of the last minute, for
#                              each; NMT's own cost (1-2 MiB) then does not blur a difference of a few MiB
#
# NMT's detail mode costs memory of its own (its row, and its bookkeeping in the C heap), so RSS here
# is a few MiB above what bench/run.sh measures without it.
set -euo pipefail

MINUTES=10
PLAIN=no
NMT=yes
COMPARE_JAR=""
COMPARE_LAUNCHER=""
VARIANT_LABELS=()
VARIANT_OPTIONS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift ;;
    --plain) PLAIN=yes ;;
    --no-nmt) NMT=no ;;
    --variant) VARIANT_LABELS+=("$2"); VARIANT_OPTIONS+=("$3"); shift 2 ;;
    --compare-jar) COMPARE_JAR="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
    --compare-launcher) COMPARE_LAUNCHER="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/footprint.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$PLAIN" = yes ] || [ ${#VARIANT_LABELS[@]} -gt 0 ] || [ -n "$COMPARE_JAR" ] || [ -n "$COMPARE_LAUNCHER" ] || PLAIN=yes

cd "$(dirname "$0")/.."
ROOT=$(pwd)
for tool in java jcmd mvn curl; do
  command -v "$tool" >/dev/null || { echo "bench/footprint.sh: missing: $tool" >&2; exit 2; }
done
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

NMT_JAVA_OPTS=-XX:NativeMemoryTracking=detail
[ "$NMT" = yes ] || NMT_JAVA_OPTS=""
SECONDS_TOTAL=$((MINUTES * 60))
LABELS=()
PIDS=()
measure() { # measure LABEL COMMAND...: starts one exporter and scrapes it in the background
  local label=$1 port
  shift
  port=$(free_port)
  start_exporter "$port" "$@"
  LABELS+=("$label")
  PIDS+=("$EXPORTER_PID")
  CSVS+=("$WORK/rss-$port.csv")
  "${TOOL_JVM[@]}" io.sbtc.exporter.bench.SteadyScraper "http://127.0.0.1:$port/metrics" 50 "$SECONDS_TOTAL" "$SECONDS_TOTAL" \
    "$EXPORTER_PID" "$WORK/rss-$port.csv" rss-only >"$WORK/memory-$port.txt" &
  SCRAPERS+=($!)
}
SCRAPERS=()
CSVS=()
log "footprint: ${MINUTES} min at 50 scrapes/s${NMT_JAVA_OPTS:+, with $NMT_JAVA_OPTS}"
JAVA_OPTS="${JAVA_OPTS:-} $NMT_JAVA_OPTS" measure "bin/sbtc-signer-exporter" "${EXPORTER_CMD[@]}"
for i in "${!VARIANT_LABELS[@]}"; do
  VARIANT_ENV=()
  VARIANT_JAVA_OPTS="${JAVA_OPTS:-} $NMT_JAVA_OPTS"
  for word in ${VARIANT_OPTIONS[$i]}; do
    if [[ $word =~ ^[A-Z_][A-Z0-9_]*= ]]; then VARIANT_ENV+=("$word"); else VARIANT_JAVA_OPTS+=" $word"; fi
  done
  measure "${VARIANT_LABELS[$i]}" env "${VARIANT_ENV[@]}" JAVA_OPTS="$VARIANT_JAVA_OPTS" "${EXPORTER_CMD[@]}"
done
if [ "$PLAIN" = yes ]; then
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  measure "java -jar, no options" java ${JAVA_OPTS:-} $NMT_JAVA_OPTS -jar "$ROOT/target/sbtc-signer-exporter.jar"
fi
if [ -n "$COMPARE_JAR" ]; then
  # shellcheck disable=SC2086
  measure "java \$COMPARE_JAVA_OPTS -jar $(basename "$COMPARE_JAR")" java ${COMPARE_JAVA_OPTS:-} $NMT_JAVA_OPTS -jar "$COMPARE_JAR"
fi
if [ -n "$COMPARE_LAUNCHER" ]; then
  JAVA_OPTS="${JAVA_OPTS:-} $NMT_JAVA_OPTS" measure "$COMPARE_LAUNCHER" "$COMPARE_LAUNCHER"
fi
wait "${SCRAPERS[@]}"

ARGS=()
for i in "${!PIDS[@]}"; do ARGS+=("${LABELS[$i]}=${PIDS[$i]}=${CSVS[$i]}"); done
echo
echo "After $MINUTES min; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(java -version 2>&1 | sed -n 2p); load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end${COMPARE_JAR:+; COMPARE_JAVA_OPTS=\`${COMPARE_JAVA_OPTS:-}\`}"
echo
if [ "$NMT" = yes ]; then
  "${TOOL_JVM[@]}" io.sbtc.exporter.bench.Footprint "${ARGS[@]}"
else
  echo "| Exporter | RSS, mean of the last minute (MiB) | RSS at the end (MiB) |"
  echo "| --- | ---: | ---: |"
  for i in "${!PIDS[@]}"; do
    awk -F, -v label="${LABELS[$i]}" -v from=$((SECONDS_TOTAL - 60)) 'NR > 1 && $1 >= from {sum += $2; n++; last = $2}
      END {printf "| %s | %.1f | %.1f |\n", label, sum / n / 1024, last / 1024}' "${CSVS[$i]}"
  done
fi
log "raw outputs in $WORK"
