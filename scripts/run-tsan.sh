#!/usr/bin/env bash
# ThreadSanitizer on the threading tests: configures the `tsan` preset (clang, -fsanitize=thread),
# builds only ws2sim_threading_tests (emulator/tests/threads_test.cc, concurrency_test.cc and
# win_threads_test.cc) and ws2sim_conformance, and runs them (the conformance cases on four
# threads). Any data race fails the run (halt_on_error). See docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset tsan >/dev/null
cmake --build build/tsan --target ws2sim_threading_tests ws2sim_conformance -j2
# Several times: a race needs the right interleaving to show.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build/tsan/bin/ws2sim_threading_tests --gtest_repeat=20 --gtest_brief=1 \
  --gtest_filter='-WinThreadsDeterminism.*'
# The 16-thread server's 200 runs (one test) once: 200 interleavings of 33 threads already.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build/tsan/bin/ws2sim_threading_tests --gtest_brief=1 --gtest_filter='WinThreadsDeterminism.*' 
# The conformance matrix with its cases on four threads at once (ws2sim_conformance -j): each case
# has a world of its own, so nothing may be shared between them (docs/reliability.md).
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build/tsan/bin/ws2sim_conformance -j 4 --gtest_repeat=5 --gtest_brief=1
