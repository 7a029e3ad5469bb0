#!/usr/bin/env bash
# Fails when a C++ file of ours differs from what clang-format (the root .clang-format) makes.
set -euo pipefail
cd "$(dirname "$0")/.."
# Not checked: the drop-in Windows headers (C-compatible layout kept by hand) and the programs
# directly in examples/ (unmodified Windows programs: their include order is the one real Windows
# headers need). examples/consumer/ is a user's project written in our style: checked.
files=$(git ls-files '*.h' '*.cc' '*.cpp' | grep -vE '^(emulator/include/winsock/|examples/[^/]+$)' || true)
[ -z "$files" ] && exit 0
bad=0
for f in $files; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then echo "needs clang-format: $f"; bad=1; fi
done
[ $bad -eq 0 ] && echo "check-format: all files formatted"
exit $bad
