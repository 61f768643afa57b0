#!/usr/bin/env bash
# Soak under faults: the exporter as it ships (the Dockerfile's JVM flags, its own JVM) while each
# upstream (signer /metrics and /info, Bitcoin Core, the Stacks node) flips every 3 to 6 s between
# healthy, hanging, garbage, HTTP 500 and refused; the config is reloaded by SIGHUP every 10 s,
# alternately valid and invalid; 20 scrapes a second. See "Soak under faults" in docs/benchmarks.md.
#
#   bench/soak.sh                  10 minutes; writes its table into docs/benchmarks.md
#   bench/soak.sh --seconds 60     the length every build runs (SoakTest, in mvn verify)
#   bench/soak.sh --output FILE    write the table there instead; --seed N repeats a run's switches
#
# Needs a JDK 17 (java, jcmd) and Maven. Listens on loopback only; stops everything it started.
# Exits 1 if a promise was broken (the table lists each violation).
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

RUN_SECONDS=600
OUTPUT="docs/benchmarks.md"
SEED_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) RUN_SECONDS="$2"; shift ;;
    --output) OUTPUT="$2"; shift ;;
    --seed) SEED_ARGS=(--seed "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/soak.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$0")/.."
for tool in java jcmd mvn; do
  command -v "$tool" >/dev/null || { echo "bench/soak.sh: $tool is missing" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/sbtc-soak.XXXXXX)

echo "bench/soak.sh: compiling; raw output in $WORK"
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath" >/dev/null

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
status=0
java -cp "target/test-classes:target/classes:$(cat "$WORK/classpath")" io.sbtc.exporter.soak.Soak \
  --seconds "$RUN_SECONDS" --output "$WORK/table.md" --dir "$WORK/run" "${SEED_ARGS[@]}" | tee "$WORK/soak.log" || status=$?
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
[ -s "$WORK/table.md" ] || { echo "bench/soak.sh: the soak wrote no result (exit $status)" >&2; exit 1; }

MACHINE="- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')
- Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory; load average before $LOAD_BEFORE, after $LOAD_AFTER (over 1 on this machine means it was shared with other work)
- JVM: $(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')"
RESULT=$(printf '%s\n\n%s\n\n%s\n%s\n' "<!-- soak:start -->" "$MACHINE" "$(cat "$WORK/table.md")" "<!-- soak:end -->")
if [ -f "$OUTPUT" ] && grep -q '^<!-- soak:start -->$' "$OUTPUT"; then
  # Only the part between the markers is replaced: the prose around it is kept.
  RESULT="$RESULT" awk '
    /^<!-- soak:start -->$/ { print ENVIRON["RESULT"]; skip = 1; next }
    /^<!-- soak:end -->$/ { skip = 0; next }
    !skip' "$OUTPUT" >"$OUTPUT.tmp"
  mv "$OUTPUT.tmp" "$OUTPUT"
elif [ -f "$OUTPUT" ]; then
  printf '\n%s\n' "$RESULT" >>"$OUTPUT"
else
  printf '%s\n' "$RESULT" >"$OUTPUT"
fi
echo "bench/soak.sh: table written to $OUTPUT (exit $status)"
exit "$status"
