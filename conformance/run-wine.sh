#!/usr/bin/env bash
# The native backend under Wine: builds the portable conformance cases as a Windows program with
# MinGW-w64 against the real Windows headers, runs it under wine64 in a throw-away prefix, and
# writes the result lines that `ws2sim_conformance --native-results` turns into a report column.
#
#   conformance/run-wine.sh [--out DIR] [--report BINARY] [--check | --update] [--build-only]
#
#   --out DIR        where the .exe, wine-8.txt and the reports go (default build/wine)
#   --report BINARY  then run BINARY (ws2sim_conformance) with the fresh results and write
#                    DIR/conformance.{md,json,xml}
#   --check          fail when the fresh results differ from conformance/results/wine-8.txt
#   --update         copy the fresh results to conformance/results/wine-8.txt
#   --build-only     only build DIR/ws2sim_conformance_native.exe (to run on another machine)
#
# Installs Debian's wine64 when it is missing (as root, or with sudo). If Wine cannot run, the
# results file says "not-run <reason>" and the report shows the column as not run; the script
# itself then exits 0 unless --check is given (the committed results were a real run).
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/wine
report=""
mode=""
build_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --report) report=$2; shift 2 ;;
    --check | --update) mode=$1; shift ;;
    --build-only) build_only=1; shift ;;
    *) echo "run-wine: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
results="$out/wine-8.txt"
exe="$out/ws2sim_conformance_native.exe"
committed=conformance/results/wine-8.txt

not_run() {
  printf 'ws2sim-conformance-native 1\nnot-run %s\n' "$1" >"$results"
  echo "run-wine: Wine did not run: $1"
}

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

# 1. Build the portable cases for Windows (cases/sim_*.cc need the emulator: left out).
cxx=$(command -v x86_64-w64-mingw32-g++ || command -v x86_64-w64-mingw32-g++-win32 || true)
[ -n "$cxx" ] || { echo "run-wine: MinGW-w64 missing; run scripts/setup.sh" >&2; exit 1; }
cases=()
for f in conformance/cases/*.cc; do
  case "$(basename "$f")" in sim_*) ;; *) cases+=("$f") ;; esac
done
# The profile table comes along: cases ask it which options a version has.
sources=(conformance/src/case.cc conformance/src/native_main.cc emulator/src/rules/profiles.cc
  "${cases[@]}")
newer=$(find "${sources[@]}" conformance/include emulator/include/ws2sim/winsock/profile.h \
  -newer "$exe" 2>/dev/null | head -n 1 || true)
if [ -f "$exe" ] && [ -z "$newer" ]; then
  echo "run-wine: $exe is up to date"
else
  t0=$(seconds)
  "$cxx" -std=c++20 -O1 -Wall -Wextra -Wpedantic -Wshadow -Werror -static -Iconformance/include \
    -Iemulator/include -Imodel/include \
    "${sources[@]}" -lws2_32 -o "$exe"
  echo "run-wine: built $exe (${#cases[@]} case files) in $(elapsed "$t0") s"
fi
[ $build_only -eq 1 ] && exit 0

# 2. Wine: Debian's wine64 (its binary lives in /usr/lib/wine).
# WS2SIM_WINE overrides (another Wine build, or a stand-in to test the not-run path).
find_wine() {
  [ -n "${WS2SIM_WINE:-}" ] && { echo "$WS2SIM_WINE"; return; }
  command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; } || true
}
wine=$(find_wine)
if [ -z "$wine" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  t0=$(seconds)
  echo "run-wine: installing wine64"
  if DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q wine64 >"$out/apt.log" 2>&1 ||
    { $sudo apt-get update -q >>"$out/apt.log" 2>&1 &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q wine64 >>"$out/apt.log" 2>&1; }; then
    echo "run-wine: wine64 installed in $(elapsed "$t0") s"
  fi
  wine=$(find_wine)
fi

status=0
if [ -z "$wine" ]; then
  not_run "wine64 is not installed and apt-get could not install it ($(tail -n 1 "$out/apt.log" 2>/dev/null))"
else
  # 3. A throw-away prefix, no debug output, every step bounded.
  prefix=$(mktemp -d)
  trap 'WINEPREFIX="$prefix" timeout 20 "$(dirname "$wine")/wineserver" -k 2>/dev/null || true; rm -rf "$prefix"' EXIT
  export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  t0=$(seconds)
  if timeout 180 "$wine" wineboot -i >"$out/wineboot.log" 2>&1; then rc=0; else rc=$?; fi
  if [ $rc -ne 0 ]; then
    not_run "wineboot -i failed (exit $rc$([ $rc -eq 124 ] && echo ', timed out after 180 s')): $(tail -n 1 "$out/wineboot.log")"
  else
    echo "run-wine: prefix ready in $(elapsed "$t0") s ($("$wine" --version 2>/dev/null || echo wine))"
    t0=$(seconds)
    if timeout 180 "$wine" "$exe" >"$results.tmp" 2>"$out/wine-stderr.log"; then rc=0; else rc=$?; fi
    if [ $rc -eq 0 ] && grep -q '^end ' "$results.tmp"; then
      tr -d '\r' <"$results.tmp" >"$results"
      rm -f "$results.tmp"
      echo "run-wine: ran the cases in $(elapsed "$t0") s: $(grep -c ' pass$' "$results") pass," \
        "$(grep -c '^result .* fail ' "$results" || true) fail -> $results"
    else
      not_run "the runner failed under Wine (exit $rc, $(grep -c '^result ' "$results.tmp") result lines): $(tail -n 1 "$out/wine-stderr.log" 2>/dev/null)"
    fi
  fi
fi

# 4. The report with this column.
if [ -n "$report" ]; then
  "$report" --gtest_brief=1 --native-results "$results" --native-name "Wine 8" \
    --report-md "$out/conformance.md" --report-json "$out/conformance.json" \
    --report-junit "$out/conformance.xml" >"$out/report.log" 2>&1 || [ $? -eq 1 ]
  echo "run-wine: report in $out/conformance.{md,json,xml}"
fi

case "$mode" in
  --update)
    cp "$results" "$committed"
    echo "run-wine: updated $committed"
    ;;
  --check)
    if ! diff -u "$committed" "$results"; then
      echo "run-wine: the Wine results differ from $committed (rerun with --update and regenerate" \
        "docs/conformance.md if the change is expected)"
      status=1
    else
      echo "run-wine: results match $committed"
    fi
    ;;
esac
exit $status
