// bench/gbench.h — what the Google Benchmark suites share: a main() that understands --smoke
// (every benchmark once, at its smallest size, so CI keeps them from rotting), and a counter
// that reads as time per operation.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string_view>

namespace ws2sim::bench {

/// Removes `flag` from argv; true if it was there.
inline bool take_flag(int& argc, char** argv, std::string_view flag) {
  bool found = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == flag) {
      found = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return found;
}

/// "time_per_op": wall time per operation when each iteration does `ops_per_iteration` of them.
inline void set_time_per_op(benchmark::State& state, std::int64_t ops_per_iteration) {
  state.SetItemsProcessed(state.iterations() * ops_per_iteration);
  state.counters["time_per_op"] =
      benchmark::Counter(static_cast<double>(state.iterations() * ops_per_iteration),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

/// The main() of a suite: `register_all(smoke)` registers its benchmarks.
template <typename Register>  // void(bool smoke)
int run_suite(int argc, char** argv, Register register_all) {
  const bool smoke = take_flag(argc, argv, "--smoke");
  register_all(smoke);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace ws2sim::bench
