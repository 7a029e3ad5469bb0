#!/usr/bin/env bash
# Generated documents must match what the code generates now (run after the default build).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/default/bin
bad=0
if ! "$bin/ws2sim-versions-doc" | diff -u docs/versions.md - >/tmp/ws2sim-versions.diff; then
  echo "check-generated: docs/versions.md is stale; run: $bin/ws2sim-versions-doc > docs/versions.md"
  head -n 20 /tmp/ws2sim-versions.diff
  bad=1
fi
[ $bad -eq 0 ] && echo "check-generated: generated documents are current"
exit $bad
