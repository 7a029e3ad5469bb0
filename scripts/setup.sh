#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the tools need. Idempotent and
# non-interactive; run as root on Debian 12 (CI and a fresh machine run it the same way).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config      # toolchain (CMake >= 3.25 with presets)
  libgtest-dev libgmock-dev             # tests
  libbenchmark-dev                      # benchmarks
  nlohmann-json3-dev                    # JSON trace and scenario files
  libcli11-dev                          # command-line parsing
  libboost-dev                          # Boost.Asio for live sockets
  iproute2 nftables                     # live-mode tests: `ip netns` and packet drops (nft)
  tshark                                # checks our pcaps with Wireshark's dissectors
  libxml2-utils                         # xmllint: the CLI tests check the SVGs are well-formed XML
  chromium librsvg2-bin python3         # check-html.sh: reports in headless Chromium, SVGs to PNG
  gcc-mingw-w64-x86-64-win32 g++-mingw-w64-x86-64-win32  # examples against real Windows headers
  clang-format clang-tidy               # style and lint
  clang libclang-rt-14-dev              # fuzz and tsan presets: libFuzzer and sanitizer runtimes
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
