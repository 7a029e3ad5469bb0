// Workloads S1–S5 (bench/README.md) on ws2sim::Population, the model's own engine and
// scheduler. The population is built outside the timed region; each benchmark prints its
// cross-check (probes sent, answered, drops, timer fires, drop hash) before its timing line.
// BM_S1_Scaling runs S1 from 10^4 to 10^7 connections: total time fits O(N), i.e. flat ns/event.
//
//   bench_population [--smoke] [Google Benchmark flags]
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include "gbench.h"
#include "harness.h"

namespace {

void BM_Workload(benchmark::State& state, const char* name) {
  const auto w = ws2sim::bench::make_workload(name, static_cast<std::uint64_t>(state.range(0)));
  std::uint64_t events = 0;
  std::size_t bytes = 0;
  bool printed = false;
  for (auto _ : state) {
    state.PauseTiming();
    auto pop = ws2sim::Population::create(w->config).value();
    state.ResumeTiming();
    const ws2sim::Status s = w->horizon ? pop->run_until(*w->horizon) : pop->run_to_completion();
    state.PauseTiming();
    if (!s.ok()) {
      state.SkipWithError(s.error().message.c_str());
      break;
    }
    const ws2sim::PopulationStats& st = pop->stats();
    events = st.events;
    bytes = pop->memory_bytes();
    if (!printed) {
      ws2sim::bench::Report r;
      r.harness = "ws2sim";
      r.workload = &*w;
      r.stats = st;
      ws2sim::bench::print_crosscheck(r);
      printed = true;
    }
    pop.reset();
    state.ResumeTiming();
  }
  state.SetComplexityN(state.range(0));
  state.counters["events"] = static_cast<double>(events);
  state.counters["time_per_event"] =
      benchmark::Counter(static_cast<double>(events) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["bytes_per_conn"] =
      static_cast<double>(bytes) / static_cast<double>(w->config.connections);
  state.SetItemsProcessed(static_cast<std::int64_t>(events) * state.iterations());
}

void register_all(bool smoke) {
  struct Size {
    const char* name;
    std::int64_t connections;
  };
  const Size sizes[] = {{"S1", 1'000'000},
                        {"S2", 1'000'000},
                        {"S3", 10'000'000},
                        {"S4", 1'000'000},
                        {"S5", 1'000'000}};
  for (const Size& s : sizes) {
    auto* b =
        benchmark::RegisterBenchmark((std::string("BM_") + s.name).c_str(), BM_Workload, s.name);
    b->Arg(smoke ? 1'000 : s.connections)->Unit(benchmark::kMillisecond)->UseRealTime();
    // S3 (ten million) and S5 (a week of answered probes) are long: one iteration.
    b->Iterations(smoke || s.connections > 1'000'000 || std::string(s.name) == "S5" ? 1 : 3);
  }
  auto* scaling = benchmark::RegisterBenchmark("BM_S1_Scaling", BM_Workload, "S1");
  scaling->RangeMultiplier(10)
      ->Range(10'000, smoke ? 10'000 : 10'000'000)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->Complexity(benchmark::oN);
  if (smoke) scaling->Iterations(1);
}

}  // namespace

int main(int argc, char** argv) {
  return ws2sim::bench::run_suite(argc, argv, register_all);
}
