#!/usr/bin/env bash
# Runs libFuzzer targets for a fixed time each: run-fuzzers.sh BUILD_DIR SECONDS TARGET...
# Seeds: the golden TensorFlow files that target reads (copied into BUILD_DIR/corpus-TARGET;
# the project never holds copies). A crash leaves its input in BUILD_DIR and fails the run.
set -euo pipefail
build="$1"; seconds="$2"; shift 2
golden="$(cd "$(dirname "$0")/.." && pwd)/../shared/golden"

seed() {  # seed TARGET: copy the golden files of the target's kind into its corpus
  local dir="$build/corpus-$1"
  mkdir -p "$dir"
  [ -d "$golden" ] || return 0
  case "$1" in
    checkpoint_fuzz) find "$golden" -name '*.index' -exec cp -n {} "$dir/" \; ;;
    events_fuzz)     find "$golden" -name '*tfevents*' -size -4M -exec cp -n {} "$dir/" \; ;;
    graph_def_fuzz)  find "$golden" \( -name '*.pb' -o -name '*.pbtxt' -o -name '*.meta' \) \
                       -size -4M -exec cp -n {} "$dir/" \; ;;
  esac
}

status=0
rm -f "$build"/crash-* "$build"/leak-* "$build"/timeout-*  # from an earlier run
for t in "$@"; do
  seed "$t"
  echo "== $t: ${seconds}s"
  if ! (cd "$build" && ASAN_OPTIONS=detect_leaks=1 "./bin/$t" -max_total_time="$seconds" \
          -rss_limit_mb=4096 -print_final_stats=1 "corpus-$t" 2>&1 | tail -n 25); then
    status=1
  fi
  # libFuzzer's exit code is lost in the pipe above; a crash file is the reliable sign.
  if ls "$build"/crash-* "$build"/leak-* "$build"/timeout-* >/dev/null 2>&1; then
    echo "$t: found a failing input:" "$build"/crash-* "$build"/leak-* "$build"/timeout-* 2>/dev/null
    status=1
  fi
done
exit $status
