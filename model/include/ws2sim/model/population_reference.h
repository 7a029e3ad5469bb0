// ws2sim/model/population_reference.h — a population simulated the textbook way, as an oracle.
//
// `ReferencePopulation` runs the workload of a `Population` (population.h) on a plain
// std::priority_queue of (time, sequence) events: every open, traffic segment, timer expiry and
// answer is an event of its own, and the keep-alive logic is the engine's lazy re-check written
// out in a dozen lines. Nothing in it is fast, so nothing in it is clever: it is what the fast
// engine must agree with, stat for stat, on any configuration. The tests compare the two, and
// bench/'s priority-queue baseline harness times it.
//
//   PopulationConfig cfg;
//   cfg.connections = 1000;
//   auto ref = ReferencePopulation::create(cfg).value();
//   ref->run_until(kEpoch + std::chrono::hours(3));
//   ref->stats() == population->stats();     // after population->run_until() to the same time
#pragma once

#include <cstdint>
#include <memory>

#include "ws2sim/model/population.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim {

/// ReferencePopulation — `Population`'s workload and statistics on a priority queue.
class ReferencePopulation {
 public:
  /// ReferencePopulation::create — validates `config` as `Population::create` does.
  static Result<std::unique_ptr<ReferencePopulation>> create(const PopulationConfig& config);
  ~ReferencePopulation();
  ReferencePopulation(const ReferencePopulation&) = delete;
  ReferencePopulation& operator=(const ReferencePopulation&) = delete;

  /// ReferencePopulation::run_until — runs every event due at or before `t` (none if `t` is in
  /// the past).
  void run_until(TimePoint t);
  /// ReferencePopulation::stats — what has run so far, counted as `Population::stats` counts.
  [[nodiscard]] const PopulationStats& stats() const noexcept;
  /// ReferencePopulation::memory_bytes — the per-connection records and the queue at its peak.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  // ---- implementation details ----
  struct Impl;

 private:
  explicit ReferencePopulation(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ws2sim
