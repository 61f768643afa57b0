#!/usr/bin/env bash
# Runs the README's test command, `mvn -B verify`, several times in a row while a CPU hog keeps
# every core busy, and reports each run: a suite that only passes on an idle machine is not green.
#
#   scripts/verify-under-load.sh                 3 runs, one busy loop per core
#   scripts/verify-under-load.sh --runs 5 --hogs 4
#   scripts/verify-under-load.sh -- -Dtest='Reload*'      anything after -- goes to mvn
#
# CI=true in the environment is passed on (tests needing outside binaries then fail, not skip).
# Logs: one file per run in a temporary directory, named at the end. Exits 1 if any run failed.
set -euo pipefail

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }

RUNS=3
HOGS=$(nproc)
MVN_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --hogs) HOGS="$2"; shift ;;
    --) shift; MVN_ARGS=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "verify-under-load: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$0")/.."
LOGS=$(mktemp -d /tmp/verify-under-load.XXXXXX)

HOG_PIDS=()
stop_hogs() {
  for pid in "${HOG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM

# One busy loop per core, at the same priority as the build: the suite competes for every core.
for _ in $(seq "$HOGS"); do
  ( while :; do :; done ) &
  HOG_PIDS+=("$!")
done
echo "verify-under-load: $RUNS run(s) of mvn -B verify ${MVN_ARGS[*]:-} with $HOGS busy loop(s) on $(nproc) core(s); logs in $LOGS"

# Totals over the surefire/failsafe/fuzz reports of the run that just ended.
summary() {
  python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
t = f = s = 0
failed = []
for p in glob.glob("target/*-reports/TEST-*.xml"):
    r = ET.parse(p).getroot()
    t += int(r.get("tests", 0)); f += int(r.get("failures", 0)) + int(r.get("errors", 0)); s += int(r.get("skipped", 0))
    for case in r.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(case.get("classname").split(".")[-1] + "." + case.get("name"))
print(f"{t} tests, {f} failed, {s} skipped" + (": " + ", ".join(failed) if failed else ""))
PY
}

passed=0
for run in $(seq "$RUNS"); do
  log="$LOGS/run-$run.log"
  start=$(date +%s)
  status=0
  rm -rf target/surefire-reports target/failsafe-reports target/fuzz-reports # count this run's tests only
  mvn -B verify "${MVN_ARGS[@]}" >"$log" 2>&1 || status=$?
  took=$(( $(date +%s) - start ))
  result="FAIL"
  if [ "$status" -eq 0 ]; then
    result="PASS"
    passed=$((passed + 1))
  fi
  printf 'run %d/%d: %s in %dm%02ds (%s; load average %s) %s\n' "$run" "$RUNS" "$result" $((took / 60)) $((took % 60)) \
    "$(summary)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$log"
done

echo "verify-under-load: $passed of $RUNS passed"
[ "$passed" -eq "$RUNS" ]
