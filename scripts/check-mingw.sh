#!/usr/bin/env bash
# Proves the examples are genuine Winsock code: builds each one for Windows with MinGW-w64
# against the real Windows SDK headers and links it with ws2_32 (what scripts/setup.sh installs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc=$(command -v x86_64-w64-mingw32-gcc || command -v x86_64-w64-mingw32-gcc-win32 || true)
cxx=$(command -v x86_64-w64-mingw32-g++ || command -v x86_64-w64-mingw32-g++-win32 || true)
[ -n "$cc" ] && [ -n "$cxx" ] || { echo "check-mingw: MinGW-w64 missing; run scripts/setup.sh"; exit 1; }
n=0
for f in examples/*.c examples/*.cpp; do
  [ -e "$f" ] || continue
  exe="$out/$(basename "${f%.*}").exe"
  case "$f" in
    *.c) "$cc" -std=c11 -Wall -Wextra -Werror -O1 "$f" -lws2_32 -o "$exe" ;;
    *) "$cxx" -std=c++17 -Wall -Wextra -Werror -O1 "$f" -lws2_32 -o "$exe" ;;
  esac
  file "$exe" | grep -q 'PE32+' || { echo "check-mingw: $exe is not a Windows executable"; exit 1; }
  n=$((n + 1))
done
echo "check-mingw: $n examples build as Windows programs against the real headers"
