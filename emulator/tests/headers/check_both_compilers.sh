#!/usr/bin/env bash
# Compiles both_compilers_probe.cpp against the real Windows headers (mingw-w64, if installed) and
# against ws2sim's drop-in headers (g++ and clang++, both include orders), then checks that every
# function the probe calls resolves to a ws2sim_<name> symbol. Compile-only: nothing is linked.
# Usage: emulator/tests/headers/check_both_compilers.sh   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
include="$here/../../include/winsock"
probe="$here/both_compilers_probe.cpp"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
strict=(-std=c++20 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror)

if command -v x86_64-w64-mingw32-g++ >/dev/null; then
  x86_64-w64-mingw32-g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -c "$probe" -o "$out/mingw.o"
  echo "mingw-w64 (real Windows headers): ok"
else
  echo "mingw-w64 not installed: skipped (apt-get install mingw-w64)"
fi
for compiler in g++ clang++; do
  command -v "$compiler" >/dev/null || continue
  "$compiler" "${strict[@]}" -I "$include" -c "$probe" -o "$out/$compiler.o"
  "$compiler" "${strict[@]}" -DPROBE_LIBC_FIRST -I "$include" -c "$probe" -o "$out/$compiler-libc.o"
  echo "$compiler (ws2sim headers, both include orders): ok"
done
count=$(nm -u "$out/g++.o" | grep -c ' ws2sim_' || true)
echo "ws2sim_ symbols referenced by the probe: $count (54 functions are declared)"
[ "$count" -eq 54 ]
