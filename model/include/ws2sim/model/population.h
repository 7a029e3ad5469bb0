// ws2sim/model/population.h — N keep-alive-only connections on the model's own engine.
//
// A population is the keep-alive half of N TCP connections, nothing else: the same
// `KeepAliveEngine` and `Scheduler` the TCP model (`Network`) uses, with a driver that models the
// peer instead of TCP segments. A probe reaches the peer or not (`dead_fraction`,
// `answer_probability`); an answer comes back `answer_delay` later and counts as a received
// segment; traffic segments before the peer dies reset the idle clock. It answers "what does
// keep-alive do to a million connections over hours" in a fraction of a second, and it is what
// `ws2sim load` and the benchmarks (bench/) run.
//
//   PopulationConfig cfg;                        // 1 M dead peers, 7200 s, 10 x 75 s
//   auto pop = Population::create(cfg).value();
//   pop->run_to_completion();                    // until every connection is dropped
//   pop->stats().connections_dropped;            // 1'000'000
//
// The workload is a pure function of the seed (see `PopulationWorkload`): connection i opens at a
// time drawn uniformly within the i-th 1/N of [0, open_spread) (jittered, so connection ids are
// in opening order); its k-th traffic segment arrives uniformly within the k-th 1/n of
// [open, open + traffic_window); whether its peer is dead, and whether a live peer answers the
// probe sent at time t, are seeded draws keyed by (connection, t). Nothing depends on the order
// in which events run, so other harnesses (an ns-3 model, a priority-queue baseline) reproduce
// the same statistics exactly.
//
// Opens and traffic segments form one arrival stream, ordered by (time, opens first, connection,
// segment). One event at a time delivers it: the event for arrival k+1 is scheduled when arrival
// k is delivered, and an answer when its probe was sent; events that fall on the same instant run
// in (time, scheduling order), as everywhere in the model. (An answer due at its probe's own
// instant, in a population without traffic, is applied as the probe leaves: the outcome and the
// counts are the same, see population.cc.) `ReferencePopulation` (population_reference.h) runs
// the same workload one queued event at a time, and the tests hold the two to the same stats.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim {

/// The shape of a population.
struct PopulationConfig {
  std::uint64_t connections = 1'000'000;
  Duration open_spread = std::chrono::hours(1);  ///< open times uniform over [0, open_spread)
  KeepAliveConfig keepalive{.enabled = true,
                            .idle = std::chrono::seconds(7200),
                            .interval = std::chrono::seconds(75),
                            .probe_count = 10};
  double dead_fraction = 1.0;       ///< peers that never answer (chosen per connection, seeded)
  double answer_probability = 1.0;  ///< a live peer answers each probe with this probability
  Duration answer_delay = Duration::zero();  ///< round trip of an answer
  std::uint32_t traffic_segments = 0;        ///< received segments per connection after it opens
  Duration traffic_window = std::chrono::minutes(10);  ///< ...within [open, open + window)
  std::uint32_t probe_bytes = 40;  ///< on-the-wire size of a probe (IPv4 + TCP headers)
  std::uint64_t seed = 1;

  /// Rejects absurd values with a sentence naming the field: 0 or more than 2^31 - 1
  /// connections, negative durations, fractions outside [0, 1], traffic with an empty window.
  [[nodiscard]] Status validate() const;
};

/// The cross-check every harness prints before any timing.
struct PopulationStats {
  std::uint64_t probes_sent = 0;
  std::uint64_t probes_answered = 0;  ///< answers that arrived while a probe was out
  std::uint64_t connections_dropped = 0;
  std::uint64_t timer_fires = 0;  ///< keep-alive timer expiries (each re-check counts)
  std::uint64_t drop_hash = 0;    ///< sum of population_drop_mix(connection, drop time)
  std::uint64_t events = 0;       ///< everything run: timer fires, opens, traffic segments, answers
  friend bool operator==(const PopulationStats&, const PopulationStats&) = default;
};

/// The order-independent hash term of one drop (a 64-bit mix of both; the stats sum them).
std::uint64_t population_drop_mix(std::uint64_t conn, TimePoint at) noexcept;

/// The seeded workload of a population, as pure functions (shared with the bench harnesses).
class PopulationWorkload {
 public:
  explicit PopulationWorkload(const PopulationConfig& config);
  /// When connection `conn` (< connections) opens; nondecreasing in `conn`.
  [[nodiscard]] TimePoint open_time(std::uint64_t conn) const noexcept;
  /// When segment `k` (< traffic_segments) reaches connection `conn`; nondecreasing in `k`.
  [[nodiscard]] TimePoint traffic_time(std::uint64_t conn, std::uint32_t k) const noexcept;
  /// True when the peer of `conn` never answers.
  [[nodiscard]] bool peer_dead(std::uint64_t conn) const noexcept;
  /// True when the peer of `conn` answers the probe sent at `at` (live peers only).
  [[nodiscard]] bool answers(std::uint64_t conn, TimePoint at) const noexcept;

  /// One traffic segment reaching a connection.
  struct Arrival {
    std::int64_t at;  ///< ns since the epoch
    std::uint32_t conn;
    std::uint32_t segment;
    friend bool operator==(const Arrival&, const Arrival&) = default;
  };
  [[nodiscard]] const PopulationConfig& config() const noexcept { return config_; }

 private:
  friend class TrafficStream;
  // One generator per connection draws its open time, then its segments in order.
  [[nodiscard]] Rng connection_rng(std::uint64_t conn) const noexcept;
  TimePoint open_draw(std::uint64_t conn, Rng& rng) const noexcept;
  Duration segment_draw(std::uint32_t k, Rng& rng) const noexcept;
  PopulationConfig config_;
  // The two fractions as thresholds, converted once (a conversion per probe cost a fifth of S4).
  Probability dead_;
  Probability answer_;
  // The per-seed half of the open, dead and answer draws' seeds, also computed once.
  std::uint64_t open_key_;
  std::uint64_t dead_key_;
  std::uint64_t answer_key_;
  // Divisions are the generator's main cost (a 64-bit divide per stratum bound), so what does not
  // depend on the connection is computed once: open_spread = open_q_ x connections + open_r_,
  // and the bounds of every segment's stratum when there are few segments (else computed).
  std::uint64_t open_q_ = 0;
  std::uint64_t open_r_ = 0;
  std::vector<std::int64_t> segment_bounds_;  // traffic_segments + 1 entries, or none
};

/// Every traffic segment of a population in (time, connection, segment) order, generated as it
/// is consumed: a segment is at most traffic_window after its connection opens and connections
/// open in index order, so the stream is produced one time bucket at a time and holds about one
/// window of segments.
class TrafficStream {
 public:
  explicit TrafficStream(const PopulationConfig& config);
  /// The next segment, or nullptr when there are no more. Valid until pop().
  const PopulationWorkload::Arrival* peek();
  /// Moves past peek()'s segment.
  void pop() noexcept { ++ready_pos_; }
  /// The segments from peek()'s on that are already generated and sorted (for prefetching).
  [[nodiscard]] std::span<const PopulationWorkload::Arrival> upcoming() const noexcept {
    return {ready_.data() + ready_pos_, ready_.size() - ready_pos_};
  }
  /// True once after peek() sorted a new batch into upcoming().
  bool take_refilled() noexcept { return std::exchange(refilled_, false); }
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  bool refill();
  PopulationWorkload work_;
  std::vector<std::vector<PopulationWorkload::Arrival>> buckets_;  // a ring of time buckets
  std::vector<PopulationWorkload::Arrival> ready_;                 // the current bucket, sorted
  std::vector<PopulationWorkload::Arrival> scratch_;               // radix sort's other half
  std::size_t ready_pos_ = 0;
  std::uint64_t next_conn_ = 0;  // connections below this have their segments in buckets
  std::int64_t bucket_ = 0;      // index (time / width) of the next bucket to sort
  int width_shift_ = 0;          // buckets are 2^width_shift_ ns wide
  [[nodiscard]] std::int64_t width() const noexcept { return std::int64_t{1} << width_shift_; }
  std::size_t pending_ = 0;  // segments in buckets_
  bool refilled_ = false;
};

/// N keep-alive-only connections on a scheduler of their own.
class Population {
 public:
  /// Validates `config` and builds everything up front (the engine's nodes for every connection).
  static Result<std::unique_ptr<Population>> create(const PopulationConfig& config);
  ~Population();
  Population(const Population&) = delete;
  Population& operator=(const Population&) = delete;

  /// Advances the population's own virtual clock to `t`. Fails if `t` is before `now()`.
  Status run_until(TimePoint t);
  /// Population::drain_until — runs every event due at or before `t`, one at a time; the clock
  /// stays at the last one's time (run_to_completion in slices, for a progress line).
  void drain_until(TimePoint t);
  /// Population::next_event_time — when the next event is due; none: nothing is left to run.
  [[nodiscard]] std::optional<TimePoint> next_event_time();
  /// Runs until no event is pending. Fails (and runs nothing) when that would never happen:
  /// live peers that answer probes keep their connections open forever.
  Status run_to_completion();
  [[nodiscard]] const PopulationStats& stats() const noexcept;
  [[nodiscard]] TimePoint now() const noexcept;
  /// Called for every probe sent (connection, time) when set; nullptr by default (no cost).
  void on_probe(std::function<void(std::uint64_t conn, TimePoint at)> fn);
  /// Memory held: the engine's per-connection nodes and parameter sets, the scheduler, and the
  /// traffic stream's window of segments when there is traffic.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  // ---- implementation details ----
  struct Impl;

 private:
  explicit Population(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ws2sim
