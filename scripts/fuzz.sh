#!/usr/bin/env bash
# Builds pfxd's libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS, or only the
# named ones. Seeds: fuzz/corpus/<target> (read, never written); what a run finds is kept in
# $FUZZ_BUILD_DIR/corpus/<target> for the next run. A crash, leak, sanitizer report or
# timeout leaves $FUZZ_BUILD_DIR/artifacts/<target>-* and fails the script; reproduce with
# `$FUZZ_BUILD_DIR/fuzz/fuzz_<target> ARTIFACT`.
# Usage: scripts/fuzz.sh [--build-only] [--time SECONDS (default 60)] [TARGET...]
#   make fuzz SECONDS=600 runs every target for ten minutes; ctest runs each for 30 s.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds=60
build_only=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1 ;;
    --time) seconds="$2"; shift ;;
    *) targets+=("$1") ;;
  esac
  shift
done
if [ ${#targets[@]} -eq 0 ]; then  # every target: fuzz/fuzz_<target>.cc
  for source in "$root"/fuzz/fuzz_*.cc; do
    name=$(basename "$source" .cc)
    targets+=("${name#fuzz_}")
  done
fi

# One configure and build at a time, also when ctest starts several runs at once.
exec 9>"$build.lock"
flock 9
if [ ! -f "$build/build.ninja" ]; then
  CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPFX_FUZZ=ON -DPFX_SANITIZE=address,undefined -DPFX_BUILD_TESTS=OFF -DPFX_BUILD_BENCH=OFF \
    >/dev/null
fi
cmake --build "$build" --target fuzzers -j "$(nproc)" >/dev/null
flock -u 9
[ "$build_only" = 1 ] && exit 0

mkdir -p "$build/artifacts"
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  log="$build/artifacts/$t.log"
  if "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
      "$build/corpus/$t" "$root/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    corpus=$(ls "$build/corpus/$t" | wc -l)
    echo "fuzz_$t: ${runs:-?} executions in ${seconds} s, no finding (corpus $corpus inputs)"
  else
    echo "fuzz_$t: FINDING, see $log and $build/artifacts/$t-*" >&2
    grep -E "ERROR|SUMMARY|runtime error" "$log" | head -5 >&2 || true
    failed=1
  fi
done
exit $failed
