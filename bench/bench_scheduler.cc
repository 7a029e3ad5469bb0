// Scheduler and keep-alive engine operations at 10^4 .. 10^7 pending timers: arm, cancel, re-arm
// on received traffic (a timestamp store), expiry including the engine's handler, and generic
// closure events in a per-delay lane and in the radix heap. Each iteration does a fixed batch of
// operations on a structure of N, so the time per operation should not depend on N: every
// benchmark fits Complexity against O(1).
//
//   bench_scheduler [--smoke] [Google Benchmark flags]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>

#include "gbench.h"
#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/scheduler.h"

namespace {

using namespace std::chrono_literals;
using ws2sim::Duration;
using ws2sim::KeepAliveConfig;
using ws2sim::KeepAliveDriver;
using ws2sim::KeepAliveEngine;
using ws2sim::Scheduler;

constexpr std::int64_t kBatch = 4096;

// Dead peers: probes go nowhere.
class NullDriver final : public KeepAliveDriver {
 public:
  bool has_outstanding_data(std::uint32_t /*conn*/) override { return false; }
  void send_probe(std::uint32_t /*conn*/, std::uint32_t /*probe*/, std::uint32_t /*of*/) override {}
  void keepalive_timeout(std::uint32_t /*conn*/, std::uint32_t /*of*/) override {}
};

constexpr KeepAliveConfig kLinux{
    .enabled = true, .idle = 7200s, .interval = 75s, .probe_count = 10};

// N connections watched by one engine, all armed at t = 0.
struct Timers {
  explicit Timers(std::int64_t n, const KeepAliveConfig& config = kLinux) : count(n) {
    for (std::int64_t c = 0; c < n; ++c)
      (void)engine.start(static_cast<std::uint32_t>(c), config);
  }
  // The next block of kBatch connections, cycling through all of them.
  std::uint32_t next_block() {
    const std::int64_t batch = std::min(kBatch, count);
    if (base + batch > count) base = 0;
    const auto b = static_cast<std::uint32_t>(base);
    base += batch;
    return b;
  }
  std::int64_t count;
  std::int64_t base = 0;
  Scheduler scheduler;
  NullDriver driver;
  KeepAliveEngine engine{scheduler, driver};
};

// Arm: start (from stopped) kBatch connections while N - kBatch others are armed.
void BM_Arm(benchmark::State& state) {
  Timers t(state.range(0));
  const std::int64_t batch = std::min(kBatch, t.count);
  for (auto _ : state) {
    state.PauseTiming();
    const std::uint32_t b = t.next_block();
    for (std::uint32_t c = b; c < b + batch; ++c)
      t.engine.stop(c);
    state.ResumeTiming();
    for (std::uint32_t c = b; c < b + batch; ++c)
      benchmark::DoNotOptimize(t.engine.start(c, kLinux));
  }
  state.SetComplexityN(state.range(0));
  ws2sim::bench::set_time_per_op(state, batch);
}

// Cancel: stop kBatch armed connections among N.
void BM_Cancel(benchmark::State& state) {
  Timers t(state.range(0));
  const std::int64_t batch = std::min(kBatch, t.count);
  for (auto _ : state) {
    const std::uint32_t b = t.next_block();
    for (std::uint32_t c = b; c < b + batch; ++c)
      t.engine.stop(c);
    state.PauseTiming();
    for (std::uint32_t c = b; c < b + batch; ++c)
      (void)t.engine.start(c, kLinux);
    state.ResumeTiming();
  }
  state.SetComplexityN(state.range(0));
  ws2sim::bench::set_time_per_op(state, batch);
}

// Re-arm on received traffic: on_receive is a timestamp store, the timer is not touched.
void BM_ReArmOnTraffic(benchmark::State& state) {
  Timers t(state.range(0));
  const std::int64_t batch = std::min(kBatch, t.count);
  for (auto _ : state) {
    const std::uint32_t b = t.next_block();
    for (std::uint32_t c = b; c < b + batch; ++c)
      benchmark::DoNotOptimize(t.engine.on_receive(c));
  }
  state.SetComplexityN(state.range(0));
  ws2sim::bench::set_time_per_op(state, batch);
}

// Expiry, handler included: N probing connections (1 s idle and interval, never dropped); each
// step pops the earliest timer, re-checks idleness, sends a probe and re-arms 1 s later.
void BM_Expiry(benchmark::State& state) {
  constexpr KeepAliveConfig forever{
      .enabled = true, .idle = 1s, .interval = 1s, .probe_count = 0xFFFF'FFFF};
  Timers t(state.range(0), forever);
  for (auto _ : state) {
    for (std::int64_t i = 0; i < kBatch; ++i)
      t.scheduler.step();
  }
  state.SetComplexityN(state.range(0));
  ws2sim::bench::set_time_per_op(state, kBatch);
}

// Generic closure events (network deliveries, retransmission timers...): N pending, each one
// reschedules itself when it runs. `random` delays go to the radix heap, a fixed one to a lane.
struct Closures {
  Closures(std::int64_t n, bool random_delay) : random(random_delay) {
    for (std::int64_t i = 0; i < n; ++i)
      add();
  }
  void add() {
    const Duration d = random ? Duration{1 + static_cast<std::int64_t>(rng.below(1ULL << 30))}
                              : Duration{std::chrono::seconds(1)};
    (void)scheduler.schedule_in(d, [this] { add(); });
  }
  bool random;
  ws2sim::Rng rng{7};
  Scheduler scheduler;
};

void BM_ClosureEvents(benchmark::State& state, bool random_delay) {
  auto c = std::make_unique<Closures>(state.range(0), random_delay);
  for (auto _ : state) {
    for (std::int64_t i = 0; i < kBatch; ++i)
      c->scheduler.step();
  }
  state.SetComplexityN(state.range(0));
  ws2sim::bench::set_time_per_op(state, kBatch);
}

void register_all(bool smoke) {
  const std::int64_t hi = smoke ? 10'000 : 10'000'000;
  auto shape = [&](benchmark::internal::Benchmark* b) {
    b->RangeMultiplier(10)->Range(10'000, hi)->Complexity(benchmark::o1)->UseRealTime();
    if (smoke) b->Iterations(1);
  };
  shape(benchmark::RegisterBenchmark("BM_Arm", BM_Arm));
  shape(benchmark::RegisterBenchmark("BM_Cancel", BM_Cancel));
  shape(benchmark::RegisterBenchmark("BM_ReArmOnTraffic", BM_ReArmOnTraffic));
  shape(benchmark::RegisterBenchmark("BM_Expiry", BM_Expiry));
  shape(benchmark::RegisterBenchmark("BM_ClosureEvents/lane", BM_ClosureEvents, false));
  shape(benchmark::RegisterBenchmark("BM_ClosureEvents/heap", BM_ClosureEvents, true));
}

}  // namespace

int main(int argc, char** argv) {
  return ws2sim::bench::run_suite(argc, argv, register_all);
}
