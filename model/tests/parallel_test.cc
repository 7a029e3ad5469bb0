// for_each_index (model/parallel.h): every index once, whatever the number of jobs, and the same
// results as one job — here with whole worlds, as a sweep runs them.
#include "ws2sim/model/parallel.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ws2sim/model/population.h"

namespace ws2sim {
namespace {

// One world per index: a population of dead peers run to completion; its drop hash.
std::uint64_t world_hash(std::size_t i) {
  PopulationConfig c;
  c.connections = 2'000 + i * 100;
  c.open_spread = std::chrono::seconds(60);
  c.keepalive = {.enabled = true,
                 .idle = std::chrono::seconds(10),
                 .interval = std::chrono::seconds(1),
                 .probe_count = 3};
  c.dead_fraction = 1.0;
  c.seed = 7 + i;
  auto pop = Population::create(c).value();
  EXPECT_TRUE(pop->run_to_completion().ok());
  return pop->stats().drop_hash;
}

TEST(ForEachIndex, WorldsRunOnSeveralJobsGiveTheSerialResults) {
  constexpr std::size_t kWorlds = 9;
  std::vector<std::uint64_t> serial(kWorlds);
  for_each_index(kWorlds, 1, [&](std::size_t i) { serial[i] = world_hash(i); });
  EXPECT_NE(serial[0], serial[1]);  // the worlds differ: a mix-up would show
  for (unsigned jobs : {2U, 3U, 16U}) {
    std::vector<std::uint64_t> parallel(kWorlds);
    for_each_index(kWorlds, jobs, [&](std::size_t i) { parallel[i] = world_hash(i); });
    EXPECT_EQ(parallel, serial) << jobs << " jobs";
  }
}

TEST(ForEachIndex, EveryIndexRunsExactlyOnce) {
  std::vector<int> runs(1000, 0);
  for_each_index(runs.size(), 4, [&](std::size_t i) { ++runs[i]; });
  EXPECT_EQ(runs, std::vector<int>(1000, 1));
  for_each_index(0, 4, [](std::size_t) { FAIL() << "no index to run"; });
}

TEST(ForEachIndex, TheLowestFailingIndexIsRethrown) {
  auto fail_from_5 = [](std::size_t i) {
    if (i >= 5) throw std::runtime_error("index " + std::to_string(i));
  };
  for (unsigned jobs : {1U, 2U, 8U}) {
    try {
      for_each_index(20, jobs, fail_from_5);
      ADD_FAILURE() << "nothing thrown";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "index 5") << jobs << " jobs";
    }
  }
}

TEST(ForEachIndex, DefaultJobsIsAtLeastOne) {
  EXPECT_GE(default_jobs(), 1U);
}

}  // namespace
}  // namespace ws2sim
