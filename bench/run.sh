#!/usr/bin/env bash
# bench/run.sh — the benchmarks in one command (see bench/README.md):
#   1. installs the ns-3 peer (Debian libns3-dev) if it is missing,
#   2. builds the release preset's benchmark targets,
#   3. runs every workload harness (ws2sim, ns-3, std::priority_queue) on S1–S5, each run in a
#      process of its own, refuses to compare harnesses whose cross-checks differ, and prints one
#      table: wall time with setup, ns/event, events/s, peak RSS, bytes per connection and the
#      ratio to ns-3 measured in the same run (medians of REPS runs; ws2sim's are 3 x REPS),
#   4. runs the Google Benchmark suites (scheduler operations 10^4..10^7, S1–S5 on the
#      population, the Winsock emulator path).
#
#   bench/run.sh                 everything (about 15 minutes on 2 cores)
#   bench/run.sh --smoke         every harness and suite once at a tiny size (CI); no install
#   bench/run.sh --table-only    steps 1-3
#   REPS=5 bench/run.sh          repetitions per (harness, workload); default 3 (S3: 1)
#
# Run it when nothing else runs (check `pgrep -a ninja; pgrep -a cc1plus`): timings are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
gbench=1
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    --table-only) gbench=0 ;;
    *) echo "usage: bench/run.sh [--smoke] [--table-only]" >&2; exit 2 ;;
  esac
done
reps=${REPS:-3}

# ---- 1. the ns-3 peer --------------------------------------------------------------------------
if [ "$smoke" -eq 0 ] && ! dpkg-query -W -f='${Status}' libns3-dev 2>/dev/null | grep -q 'install ok installed'; then
  echo "== installing the ns-3 peer (libns3-dev)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends libns3-dev ||
    { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends libns3-dev; }
fi

# ---- 2. build ----------------------------------------------------------------------------------
echo "== building the release preset (benchmark targets)"
cmake --preset release >/dev/null
targets=(workload_ws2sim workload_pq bench_scheduler bench_population bench_emulator)
if grep -q '^NS3_CORE_LIBRARY:FILEPATH=/' build/release/CMakeCache.txt; then
  targets+=(workload_ns3)
fi
cmake --build --preset release --target "${targets[@]}"
bin=build/release/bin

# ---- 3. workloads ------------------------------------------------------------------------------
echo "== machine: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc)," \
  "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
harnesses=(ws2sim pq)
[ -x "$bin/workload_ns3" ] && harnesses+=(ns3)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Runs are interleaved (ws2sim, pq, ns-3, ws2sim, ...) and pinned to one core, so that every
# harness meets the same phases of a noisy host: the ratio is only fair when measured side by
# side (bench/README.md).
pin=()
command -v taskset >/dev/null && pin=(taskset -c "$(($(nproc) - 1))")
for w in S1 S2 S3 S4 S5; do
  n=()
  r=$reps
  if [ "$smoke" -eq 1 ]; then n=(--connections=1000); r=1; fi
  [ "$w" = S3 ] && [ "$smoke" -eq 0 ] && r=1
  for ((i = 0; i < r; i++)); do
    for h in "${harnesses[@]}"; do
      # ws2sim's runs are short (a tenth of ns-3's or less), so a median of three of them can
      # fall entirely in one phase of a noisy host while each ns-3 run spans several: ws2sim
      # runs three times per round (nine samples around the same ns-3 runs).
      k=1
      [ "$h" = ws2sim ] && [ "$r" -gt 1 ] && k=3
      for ((j = 0; j < k; j++)); do
        echo "   $w $h run $((i * k + j + 1))/$((r * k))" >&2
        "${pin[@]}" "$bin/workload_$h" "$w" "${n[@]}" | grep -E '^(crosscheck|timing) ' >>"$out"
      done
    done
  done
done

# Every crosscheck line of a workload must be the same whatever the harness (and the run).
bad=0
for w in S1 S2 S3 S4 S5; do
  distinct=$(grep "^crosscheck .*workload=$w " "$out" | sed 's/harness=[^ ]* //' | sort -u | wc -l)
  if [ "$distinct" -ne 1 ]; then
    echo "REFUSING TO COMPARE $w: the harnesses disagree on the cross-check:" >&2
    grep "^crosscheck .*workload=$w " "$out" | sort -u >&2
    bad=1
  fi
done
[ "$bad" -eq 0 ] || exit 1
echo "== cross-checks agree (probes sent, answered, drops, timer fires, events, drop hash):"
grep '^crosscheck ' "$out" | sed 's/harness=[^ ]* //' | sort -u | sed 's/^crosscheck /   /'

# One row per (workload, harness): medians over the runs; ratio = ns-3 wall time / this one.
echo "== results (medians; wall = setup + run; B/conn model = state the harness accounts for," \
  "B/conn RSS = peak RSS growth / connections)"
grep '^timing ' "$out" | awk '
  function kv(line, key,   m) { return match(line, " " key "=[^ ]+") ? substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2) : "" }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    k = kv($0, "workload") SUBSEP kv($0, "harness")
    if (!(k in seen)) { seen[k] = 1; order[++rows] = k }
    wall[k] = wall[k] " " kv($0, "total_s"); setup[k] = setup[k] " " kv($0, "setup_s")
    cpu[k] = cpu[k] " " kv($0, "cpu_s"); nspe[k] = nspe[k] " " kv($0, "ns_per_event")
    eps[k] = eps[k] " " kv($0, "events_per_s"); rss[k] = rss[k] " " kv($0, "peak_rss_kib")
    mb[k] = kv($0, "model_bytes_per_conn"); gb[k] = gb[k] " " kv($0, "rss_growth_bytes_per_conn")
  }
  END {
    fmt = "%-4s %-15s %9s %8s %8s %10s %9s %9s %8s %8s %9s\n"
    printf fmt, "wl", "harness", "wall s", "setup s", "cpu s", "ns/event", "Mev/s", "peak MB", "B/conn", "B/c RSS", "vs ns-3"
    for (i = 1; i <= rows; i++) {
      k = order[i]; split(k, p, SUBSEP)
      w = median(wall[k]); ns3 = p[1] SUBSEP "ns-3"
      ratio = (ns3 in wall) ? sprintf("%.1fx", median(wall[ns3]) / w) : "-"
      printf "%-4s %-15s %9.3f %8.3f %8.3f %10.1f %9.2f %9.1f %8s %8.1f %9s\n", p[1], p[2], w,
        median(setup[k]), median(cpu[k]), median(nspe[k]), median(eps[k]) / 1e6,
        median(rss[k]) / 1024, (mb[k] + 0 > 0 ? sprintf("%.1f", mb[k]) : "-"), median(gb[k]), ratio
    }
  }'

# ---- 4. Google Benchmark suites ----------------------------------------------------------------
if [ "$gbench" -eq 1 ]; then
  flags=()
  [ "$smoke" -eq 1 ] && flags=(--smoke)
  for suite in bench_scheduler bench_population bench_emulator; do
    echo "== $suite ${flags[*]}"
    "$bin/$suite" "${flags[@]}"
  done
fi
