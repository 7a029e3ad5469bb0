// Tests for ws2sim/model/population_reference.h, and through it for Population: the fast engine
// (lanes, intrusive timer nodes, an arrival stream, answers applied at the instant of their
// probe) must count exactly what the textbook priority-queue simulation counts, on every
// configuration of a grid that includes the ties (everything opening at 0, answers due with the
// probe's own re-check, probes every nanosecond colliding with traffic).
#include "ws2sim/model/population_reference.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ws2sim/model/population.h"

namespace ws2sim::testing {
namespace {

using namespace std::chrono_literals;

std::string describe(const PopulationStats& s) {
  return "probes_sent=" + std::to_string(s.probes_sent) +
         " answered=" + std::to_string(s.probes_answered) +
         " dropped=" + std::to_string(s.connections_dropped) +
         " timer_fires=" + std::to_string(s.timer_fires) + " events=" + std::to_string(s.events) +
         " drop_hash=" + std::to_string(s.drop_hash);
}

// One keep-alive timing with the spread, traffic window and horizon that suit its scale.
struct Timing {
  const char* name;
  KeepAliveConfig keepalive;
  Duration spread;
  Duration window;
  Duration horizon;
};

std::vector<Timing> timings() {
  return {
      {"windows-default",
       {.enabled = true, .idle = 7200s, .interval = 75s, .probe_count = 10},
       1h,
       10min,
       5h},
      {"zero-interval",
       {.enabled = true, .idle = 600s, .interval = 0s, .probe_count = 3},
       30min,
       10min,
       2h},
      {"one-probe",
       {.enabled = true, .idle = 60s, .interval = 60s, .probe_count = 1},
       10min,
       2min,
       1h},
      {"every-nanosecond",
       {.enabled = true, .idle = 1ns, .interval = 1ns, .probe_count = 4},
       1000ns,
       1000ns,
       2500ns},
      {"never-probes",
       {.enabled = true, .idle = 60s, .interval = 10s, .probe_count = 0},
       10min,
       2min,
       1h},
  };
}

// Runs both to a quarter, a half, three quarters and all of the horizon and compares each time;
// adds the final stats to `total`.
void expect_agreement(const PopulationConfig& c, Duration horizon, PopulationStats& total) {
  auto pop = Population::create(c);
  auto ref = ReferencePopulation::create(c);
  ASSERT_TRUE(pop.ok() && ref.ok());
  for (int quarter = 1; quarter <= 4; ++quarter) {
    const TimePoint t = kEpoch + horizon * quarter / 4;
    ASSERT_TRUE(pop.value()->run_until(t).ok());
    ref.value()->run_until(t);
    const PopulationStats& fast = pop.value()->stats();
    const PopulationStats& slow = ref.value()->stats();
    ASSERT_EQ(fast, slow) << "at " << format_time(t) << "\n  population: " << describe(fast)
                          << "\n  reference:  " << describe(slow);
  }
  const PopulationStats& s = ref.value()->stats();
  total.probes_sent += s.probes_sent;
  total.probes_answered += s.probes_answered;
  total.connections_dropped += s.connections_dropped;
  total.events += s.events;
}

TEST(PopulationAgreesWithReference, OnEveryConfigurationOfAGrid) {
  std::uint64_t seed = 1;
  int runs = 0;
  PopulationStats total;
  for (const Timing& timing : timings()) {
    for (const std::uint64_t connections : {5, 300}) {
      for (const Duration spread : {Duration::zero(), timing.spread}) {
        for (const double dead : {0.0, 0.4, 1.0}) {
          for (const double answer : {0.0, 0.5, 1.0}) {
            for (const Duration delay : {Duration::zero(), Duration{1ns}, timing.keepalive.interval,
                                         Duration{timing.keepalive.interval / 2}}) {
              for (const std::uint32_t segments : {0U, 3U}) {
                PopulationConfig c;
                c.connections = connections;
                c.open_spread = spread;
                c.keepalive = timing.keepalive;
                c.dead_fraction = dead;
                c.answer_probability = answer;
                c.answer_delay = delay;
                c.traffic_segments = segments;
                c.traffic_window = timing.window;
                c.seed = seed++;
                SCOPED_TRACE(
                    std::string(timing.name) + " connections=" + std::to_string(connections) +
                    " spread=" + format_duration(spread) + " dead=" + std::to_string(dead) +
                    " answer=" + std::to_string(answer) + " delay=" + format_duration(delay) +
                    " segments=" + std::to_string(segments) + " seed=" + std::to_string(c.seed));
                expect_agreement(c, timing.horizon, total);
                if (::testing::Test::HasFatalFailure()) return;
                ++runs;
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(runs, 5 * 2 * 2 * 3 * 3 * 4 * 2);
  // The grid is not vacuous: probes went out, were answered and went unanswered to the drop.
  EXPECT_GT(total.probes_answered, 10'000U);
  EXPECT_GT(total.probes_sent, total.probes_answered + 10'000U);
  EXPECT_GT(total.connections_dropped, 1'000U);
  std::printf("grid: %d runs, %llu events, %llu probes, %llu answered, %llu drops\n", runs,
              static_cast<unsigned long long>(total.events),
              static_cast<unsigned long long>(total.probes_sent),
              static_cast<unsigned long long>(total.probes_answered),
              static_cast<unsigned long long>(total.connections_dropped));
}

}  // namespace
}  // namespace ws2sim::testing
