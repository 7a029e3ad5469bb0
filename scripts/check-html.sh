#!/usr/bin/env bash
# The reports and pictures a user opens must render (docs/cli.md, "Pictures"): every HTML report
# (`run`, `detect`, `load` with --html; the conformance matrix) in headless Chromium without a
# console error and to a screenshot that is not blank, and every SVG picture through rsvg-convert
# to a PNG that is not blank. Uses the binaries of the default preset's build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/default/bin
for tool in chromium rsvg-convert python3; do
  command -v "$tool" >/dev/null || { echo "check-html: $tool is missing: run scripts/setup.sh"; exit 1; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$bin/ws2sim" run cli/scenarios/demo.json --html "$out/run.html" --svg "$out/run.svg" >/dev/null
"$bin/ws2sim" run cli/scenarios/faults.json --svg "$out/faults.svg" >/dev/null
"$bin/ws2sim" detect --all-profiles --so-keepalive 1 --html "$out/detect.html" \
  --svg "$out/detect.svg" >/dev/null
"$bin/ws2sim" load --connections 100000 --dead-fraction 0.3 --html "$out/load.html" \
  --svg "$out/load.svg" >/dev/null
"$bin/ws2sim_conformance" --report-html "$out/matrix.html" \
  --native-results conformance/results/wine-8.txt --native-name "Wine 8" >/dev/null 2>&1

# Not blank: the decompressed pixel data of a blank page holds a handful of byte values; a page
# with text and pictures holds hundreds.
not_blank() {
  python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    (length,) = struct.unpack(">I", data[pos:pos + 4])
    kind = data[pos + 4:pos + 8]
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + length]
    pos += 12 + length
values = len(set(zlib.decompress(idat)))
sys.exit(0 if values >= 64 else 1)
PY
}

failed=0
for page in run detect load matrix; do
  log="$out/$page.log"
  if ! timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --enable-logging=stderr --v=0 --window-size=1280,1400 \
      --screenshot="$out/$page.png" "file://$out/$page.html" >"$log" 2>&1; then
    echo "check-html: $page.html: chromium failed:"; tail -n 5 "$log"; failed=1; continue
  fi
  if grep -E 'CONSOLE|Uncaught|Failed to load resource' "$log"; then
    echo "check-html: $page.html: console errors (above)"; failed=1
  fi
  not_blank "$out/$page.png" || { echo "check-html: $page.html renders blank"; failed=1; }
done
for picture in run faults detect load; do
  rsvg-convert "$out/$picture.svg" -o "$out/$picture-svg.png" ||
    { echo "check-html: $picture.svg does not render"; failed=1; continue; }
  not_blank "$out/$picture-svg.png" || { echo "check-html: $picture.svg renders blank"; failed=1; }
done
[ $failed -eq 0 ] || exit 1
echo "check-html: 4 HTML reports render in Chromium without console errors, 4 SVG pictures render; none blank"
