#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each one for a
# bounded time from the committed seed corpus (fuzz/corpus/<target>/), after replaying the inputs
# of bugs found before (fuzz/regressions/<target>/). Fails on any crash, leak, timeout or broken
# invariant; the input that did it is left in build/fuzz/artifacts/.
#
#   fuzz/run.sh --ci                 # CI: every target, 20 s each
#   fuzz/run.sh --time 600 winsock   # a longer run of one target
#
# New interesting inputs collect in build/fuzz/corpus/<target>/ (not committed). Figures of the
# last long run are in docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) seconds=20 ;;
    --time) seconds="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=(winsock scenario trace)

cmake --preset fuzz >/dev/null
cmake --build build/fuzz --target "${targets[@]/#/fuzz_}" -j2

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p build/fuzz/artifacts
status=0
for t in "${targets[@]}"; do
  bin="build/fuzz/bin/fuzz_$t"
  work="build/fuzz/corpus/$t"
  mkdir -p "$work"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
    echo "== fuzz_$t: replaying $(ls "fuzz/regressions/$t" | wc -l) regression inputs"
    "$bin" "fuzz/regressions/$t"/* >"build/fuzz/$t-regressions.log" 2>&1 ||
      { tail -40 "build/fuzz/$t-regressions.log"; status=1; continue; }
  fi
  echo "== fuzz_$t: ${seconds}s"
  if "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
      -artifact_prefix="build/fuzz/artifacts/$t-" "${dict[@]}" "$work" "fuzz/corpus/$t" \
      >"build/fuzz/$t.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$t.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "build/fuzz/$t.log")
    echo "   ok: $runs executions ($rate/s), corpus $(ls "$work" | wc -l) inputs"
  else
    grep -v '^#[0-9]' "build/fuzz/$t.log" | tail -40
    echo "   FAILED: see build/fuzz/$t.log and build/fuzz/artifacts/"
    status=1
  fi
done
exit $status
