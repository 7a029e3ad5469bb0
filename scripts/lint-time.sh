#!/usr/bin/env bash
# Time is injected: nothing under model/ or emulator/ may read the wall clock or a global RNG.
# The only escape hatch is a file listed in scripts/wall-clock-allowlist.txt (live mode).
set -euo pipefail
shopt -s extglob
cd "$(dirname "$0")/.."
pattern='system_clock|steady_clock|high_resolution_clock|gettimeofday|clock_gettime|\btime\(|\bstd::time\b|random_device|\brand\(|\bsrand\(|mt19937|default_random_engine|uniform_int_distribution|uniform_real_distribution|<random>|sleep_for|sleep_until|\busleep\('
allow=()
[ -f scripts/wall-clock-allowlist.txt ] && mapfile -t allow < <(grep -v '^#' scripts/wall-clock-allowlist.txt | grep -v '^$')
# Code only: comments may name what they forbid.
hits=$(grep -rnE "$pattern" model emulator --include='*.h' --include='*.cc' --include='*.cpp' 2>/dev/null |
  while IFS= read -r hit; do
    code=${hit#*:*:}
    code=${code%%//*}
    case "$code" in *([[:space:]])\**|*([[:space:]])/\**) continue ;; esac
    printf '%s\n' "$code" | grep -qE "$pattern" && printf '%s\n' "$hit"
  done || true)
for a in "${allow[@]}"; do hits=$(printf '%s\n' "$hits" | grep -v "^$a:" || true); done
hits=$(printf '%s\n' "$hits" | grep -v '^$' || true)
if [ -n "$hits" ]; then
  echo "lint-time: wall-clock or global-RNG use in model/ or emulator/ (inject time instead):"
  printf '%s\n' "$hits"
  exit 1
fi
echo "lint-time: model/ and emulator/ read no wall clock and no global RNG"
