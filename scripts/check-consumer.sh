#!/usr/bin/env bash
# Uses ws2sim the way another project does (docs/getting-started.md), from a clean prefix:
#  1. installs the default build (build/default, built by the Quick start) into a fresh prefix,
#     $HOME/ws2sim with HOME a temporary directory;
#  2. runs the shell blocks of docs/getting-started.md marked "<!-- check-consumer: run -->" as
#     written (copy examples/consumer, configure it with CMAKE_PREFIX_PATH only, build, test);
#  3. builds and tests the same project with ws2sim's sources through FetchContent (which is
#     add_subdirectory underneath): ws2sim's own tests and tools must stay out of that build;
#  4. compiles and links a C++ and a C program with `pkg-config --cflags --libs`, and runs them;
#  5. checks that ws2sim's warning flags reach none of the consumer's compile commands, and that
#     the consumer's client code compiles for Windows against the real headers (MinGW-w64).
# Usage: scripts/check-consumer.sh [BUILD_DIR]   (default build/default)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build/default}
[ -f "$build/CMakeCache.txt" ] || { echo "check-consumer: $build is not configured (cmake --preset default)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/ws2sim"
export CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_EXPORT_COMPILE_COMMANDS=ON
fail() { echo "check-consumer: $*"; exit 1; }
step() { echo "-- [${SECONDS}s] $*"; }

step "install $build into a fresh prefix"
cmake --build "$build" --target ws2sim_model ws2sim_winsock ws2sim_harness ws2sim >/dev/null
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for f in include/ws2sim/drop-in/winsock2.h include/ws2sim/winsock/world.h include/ws2sim/gtest.h \
  lib/cmake/ws2sim/ws2sim-config.cmake lib/cmake/ws2sim/ws2sim-config-version.cmake \
  lib/pkgconfig/ws2sim-winsock.pc bin/ws2sim; do
  [ -e "$prefix/$f" ] || fail "the install lacks $f"
done
"$prefix/bin/ws2sim" profiles >/dev/null || fail "the installed ws2sim command does not run"

# No -W flag of ws2sim's (ws2sim_warnings: -Werror, -Wconversion, ...) may reach a consumer's own
# sources: the consumer compiles with its own flags.
check_no_leak() {
  local db=$1/compile_commands.json
  [ -f "$db" ] || fail "no $db"
  local own
  own=$(grep '"command":.*keepalive_client' "$db") || fail "$db has no command for the consumer's sources"
  if grep -E -- ' -Werror| -Wconversion| -Wshadow' <<<"$own"; then
    fail "ws2sim's warning flags leak into the consumer's compile commands ($db)"
  fi
}

consumer() {  # consumer NAME CMAKE_ARGS...: configure, build and test examples/consumer
  local dir="$work/$1"
  shift
  cmake -S examples/consumer -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; fail "configuring the consumer ($*) failed"; }
  cmake --build "$dir" -j2 >"$dir.build.log" 2>&1 || { tail -n 40 "$dir.build.log"; fail "building the consumer ($*) failed"; }
  ctest --test-dir "$dir" --output-on-failure >"$dir.test.log" 2>&1 || { cat "$dir.test.log"; fail "the consumer's tests failed ($*)"; }
  grep -E 'tests passed' "$dir.test.log"
  check_no_leak "$dir"
}

step "docs/getting-started.md steps 2 and 3 against the installed package"
doc=docs/getting-started.md
blocks=$(awk '/<!-- check-consumer: run -->/{m=1;next} m&&/^```/{if(f){f=0;m=0}else{f=1};next} f' "$doc")
grep -q 'ctest' <<<"$blocks" || fail "no runnable blocks found in $doc"
HOME="$work" bash -euo pipefail -c "$blocks" >"$work/doc.log" 2>&1 || { tail -n 40 "$work/doc.log"; fail "the commands of $doc failed"; }
grep -E 'tests passed' "$work/doc.log"
grep -q "$prefix/lib/cmake/ws2sim" "$work/my-project/build/CMakeCache.txt" || fail "the consumer did not use the installed package"
check_no_leak "$work/my-project/build"

step "examples/consumer with ws2sim's sources through FetchContent (add_subdirectory)"
consumer fetched -DWS2SIM_SOURCE="$root" -DFETCHCONTENT_QUIET=ON
targets=$(cmake --build "$work/fetched" --target help)
for t in ws2sim_model_tests ws2sim_winsock_tests ws2sim_conformance ws2sim-versions-doc example_p1_ioctl_before_connect; do
  ! grep -q "^$t:" <<<"$targets" || fail "a subproject build has ws2sim's own target $t"
done

step "an unmodified Windows program with ws2sim_add_windows_program (installed package)"
mkdir -p "$work/program"
cat >"$work/program/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(program LANGUAGES C CXX)
find_package(ws2sim 0.1 REQUIRED)
ws2sim_add_windows_program(p1 "$root/examples/p1_ioctl_before_connect.c")
CMAKE
{ cmake -S "$work/program" -B "$work/program/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" &&
  cmake --build "$work/program/build"; } >"$work/program.log" 2>&1 || { cat "$work/program.log"; fail "building a program with the harness failed"; }
out=$(WS2SIM_PROFILE=windows-xp WS2SIM_LISTEN=10.0.0.2:5432 WS2SIM_CRASH_PEER_AT=1 "$work/program/build/p1" 2>&1 || true)
grep -q "recv failed: error 10052 after 65000 ms" <<<"$out" || { echo "$out"; fail "the harnessed program did not run in the emulator"; }
echo "p1 on emulated Windows XP: recv failed with WSAENETRESET after 65 s of virtual time"

step "pkg-config"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion ws2sim-winsock)" = "$(pkg-config --modversion ws2sim-model)" ] || fail "pkg-config versions differ"
cat >"$work/pc.cc" <<'CC'
#include <cstdio>

#include "ws2sim/winsock/world.h"
#include <winsock2.h>

int main() {
  ws2sim::winsock::World world{1};
  auto host = world.add_host("h", "windows-10-22h2", "10.0.0.1");
  if (!host.ok()) return 1;
  ws2sim::winsock::HostScope on(host->get());
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 2;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  std::printf("pkg-config C++ program: socket %s\n", s == INVALID_SOCKET ? "failed" : "opened");
  return s == INVALID_SOCKET ? 3 : 0;
}
CC
# shellcheck disable=SC2046  # word splitting of pkg-config's output is intended
g++ -std=c++20 "$work/pc.cc" $(pkg-config --cflags --libs ws2sim-winsock) -o "$work/pc-cxx"
"$work/pc-cxx"
# A C program links the same static libraries (the .pc files name the C++ runtime).
cat >"$work/pc.c" <<'C'
#include <stdio.h>
#include <winsock2.h>

int main(void) {
  WSADATA data;
  /* No emulated host is bound to this thread: Winsock is not ready, as the emulator documents. */
  int r = WSAStartup(MAKEWORD(2, 2), &data);
  printf("pkg-config C program: WSAStartup returned %d\n", r);
  return r == WSASYSNOTREADY ? 0 : 1;
}
C
# shellcheck disable=SC2046
gcc -std=c11 "$work/pc.c" $(pkg-config --cflags --libs ws2sim-winsock) -o "$work/pc-c"
"$work/pc-c"

step "examples/consumer/src against the real Windows headers (MinGW-w64)"
mingw=$(command -v x86_64-w64-mingw32-g++ || command -v x86_64-w64-mingw32-g++-win32 || true)
[ -n "$mingw" ] || fail "MinGW-w64 missing; run scripts/setup.sh"
"$mingw" -std=c++20 -Wall -Wextra -Werror -c examples/consumer/src/keepalive_client.cc -o "$work/client.o"

echo "check-consumer: installed package, FetchContent, harness, pkg-config and MinGW checks passed in ${SECONDS}s"
