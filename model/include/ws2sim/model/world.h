// ws2sim/model/world.h — one simulation: clock, seeded generator, trace and network together.
//
// Every piece of model state belongs to a World; many worlds can live in one process and never
// share anything. Tests advance time with one verb, `run_for` (or `run_until`).
//
//   World w{42};
//   HostId a = w.network().add_host("a", *Ipv4Address::parse("10.0.0.1")).value();
//   w.run_for(std::chrono::hours(2));
//   w.now();   // kEpoch + 2h
#pragma once

#include <cstdint>
#include <functional>

#include "ws2sim/model/network.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/scheduler.h"
#include "ws2sim/model/trace.h"

namespace ws2sim {

/// A self-contained simulation.
class World {
 public:
  explicit World(std::uint64_t seed)
      : seed_(seed), rng_(seed), network_(scheduler_, rng_, trace_) {}
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  [[nodiscard]] TimePoint now() const noexcept { return scheduler_.now(); }
  Scheduler& scheduler() noexcept { return scheduler_; }
  Network& network() noexcept { return network_; }
  Trace& trace() noexcept { return trace_; }
  Rng& rng() noexcept { return rng_; }

  /// Advances virtual time by `d`, running every event due meanwhile.
  Status run_for(Duration d) { return scheduler_.run_for(d); }
  /// Advances virtual time to `t`.
  Status run_until(TimePoint t) { return scheduler_.run_until(t); }
  /// Runs until `done()` holds or `deadline`; true if it held.
  Result<bool> run_until(const std::function<bool()>& done, TimePoint deadline) {
    return scheduler_.run_until(done, deadline);
  }

 private:
  std::uint64_t seed_;
  Scheduler scheduler_;
  Rng rng_;
  Trace trace_;
  Network network_;  // last: it refers to the members above
};

}  // namespace ws2sim
