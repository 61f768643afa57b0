#!/usr/bin/env bash
# A long fuzzing run of the parsers that read upstream data (mvn verify runs each for 20 s).
# Usage: scripts/fuzz.sh [seconds] [fuzz test class]   e.g. scripts/fuzz.sh 1800
# Findings (crashing inputs) are written to the current directory as crash-*; add them to the
# test's Inputs directory under src/test/resources so they become regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"
target="${2:-io.sbtc.exporter.fuzz.TextFormatParserFuzzTest}"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz-classpath.txt -Dmdep.includeScope=test
corpus="target/fuzz-corpus/${target##*.}"
mkdir -p "$corpus"
exec java -cp "target/test-classes:target/classes:$(cat target/fuzz-classpath.txt)" \
  com.code_intelligence.jazzer.Jazzer --target_class="$target" \
  -max_total_time="$seconds" "$corpus" "src/test/resources/${target//.//}Inputs/"*/
