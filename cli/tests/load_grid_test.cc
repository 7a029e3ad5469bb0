// `ws2sim load --grid`: the points of a grid, each the run it names, and the same output on any
// number of jobs; every malformed grid refused before anything runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"
#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/load.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

LoadArgs small_grid() {
  LoadArgs a;
  a.connections = 5'000;
  a.spread = "10m";
  a.idle = "1m";
  a.dead_fraction = 0.25;
  a.duration = "30m";
  a.grid = {"interval=1s,10s", "count=2,5,9"};
  return a;
}

struct Output {
  int code;
  std::string out;
  std::string err;
};
Output run(const LoadArgs& a) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = command_load(a, out, err);
  return {code, out.str(), err.str()};
}

TEST(LoadGrid, PointsAreTheProductWithTheFirstAxisSlowest) {
  const Result<std::vector<LoadGridPoint>> points = load_grid_points(small_grid());
  ASSERT_TRUE(points.ok()) << points.error().message;
  ASSERT_EQ(points->size(), 6U);
  using Values = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ((*points)[0].values, (Values{{"interval", "1s"}, {"count", "2"}}));
  EXPECT_EQ((*points)[2].values, (Values{{"interval", "1s"}, {"count", "9"}}));
  EXPECT_EQ((*points)[3].values, (Values{{"interval", "10s"}, {"count", "2"}}));
  EXPECT_EQ((*points)[5].config.population.keepalive.interval, 10s);
  EXPECT_EQ((*points)[5].config.population.keepalive.probe_count, 9U);
  EXPECT_EQ((*points)[5].config.population.connections, 5'000U);  // the options' values
}

TEST(LoadGrid, EveryPointIsTheRunItNamesAlone) {
  const LoadArgs a = small_grid();
  Result<std::vector<LoadGridPoint>> points = load_grid_points(a);
  ASSERT_TRUE(points.ok());
  const std::vector<LoadGridPoint> copy = *points;
  const Result<LoadGridResult> g =
      run_load_grid(std::move(points).value(), {"interval", "count"}, 2, 1ULL << 30, nullptr);
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(g->reports.size(), 6U);
  for (std::size_t i = 0; i < copy.size(); ++i) {
    const Result<LoadReport> alone = run_load(copy[i].config);
    ASSERT_TRUE(alone.ok());
    EXPECT_EQ(g->reports[i].stats.drop_hash, alone->stats.drop_hash) << i;
    EXPECT_EQ(g->reports[i].stats.probes_sent, alone->stats.probes_sent) << i;
    EXPECT_EQ(g->reports[i].probes, alone->probes) << i;
  }
  // More probes before the drop: more probes sent, whatever the interval.
  EXPECT_LT(g->reports[0].stats.probes_sent, g->reports[1].stats.probes_sent);
  EXPECT_LT(g->reports[1].stats.probes_sent, g->reports[2].stats.probes_sent);
}

TEST(LoadGrid, AnyNumberOfJobsPrintsTheSerialOutput) {
  LoadArgs a = small_grid();
  testing::TempDir dir;
  a.jobs = 1;
  a.json = true;
  const Output serial_json = run(a);
  ASSERT_EQ(serial_json.code, kExitOk) << serial_json.err;
  a.json = false;
  a.csv = dir.file("serial.csv");
  const Output serial_text = run(a);
  ASSERT_EQ(serial_text.code, kExitOk) << serial_text.err;
  for (unsigned jobs : {2U, 4U, 7U}) {
    a.jobs = jobs;
    a.json = true;
    a.csv.reset();
    EXPECT_EQ(run(a).out, serial_json.out) << jobs << " jobs";
    a.json = false;
    a.csv = dir.file("parallel.csv");
    const Output text = run(a);
    EXPECT_EQ(text.out.substr(0, text.out.find("wrote")),
              serial_text.out.substr(0, serial_text.out.find("wrote")));
    EXPECT_EQ(testing::read_file(dir.file("parallel.csv")),
              testing::read_file(dir.file("serial.csv")));
  }
  const nlohmann::json j = nlohmann::json::parse(serial_json.out);
  EXPECT_EQ(j["grid"], nlohmann::json::array({"interval", "count"}));
  ASSERT_EQ(j["points"].size(), 6U);
  EXPECT_EQ(j["points"][4]["point"]["count"], "5");
  EXPECT_EQ(j["points"][4]["run"]["keepalive"]["interval_ms"], 10'000);
  const std::string csv = testing::read_file(dir.file("serial.csv"));
  EXPECT_THAT(csv, ::testing::StartsWith("interval,count,probes_sent,probes_answered,"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
}

TEST(LoadGrid, MalformedGridsAreRefusedByNameBeforeAnyRun) {
  const auto refused = [](std::vector<std::string> grid, std::vector<std::string> given = {}) {
    LoadArgs a = small_grid();
    a.grid = std::move(grid);
    a.given = std::move(given);
    const Output o = run(a);
    EXPECT_EQ(o.code, kExitUsage);
    EXPECT_EQ(o.out, "");
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    return o.err;
  };
  EXPECT_THAT(refused({"count"}), HasSubstr("--grid count: expected NAME=VALUE,VALUE"));
  EXPECT_THAT(refused({"probes=1,2"}), HasSubstr("no parameter 'probes' (names: connections,"));
  EXPECT_THAT(refused({"count=1,x"}), HasSubstr("'x' is not a whole number"));
  EXPECT_THAT(refused({"count=1,,2"}), HasSubstr("--grid count=1,,2: an empty value"));
  EXPECT_THAT(refused({"idle=2 hours"}), HasSubstr("is not a duration"));
  EXPECT_THAT(refused({"count=1", "count=2"}), HasSubstr("'count' is a grid axis twice"));
  EXPECT_THAT(refused({"interval=1s,2s"}, {"interval"}),
              HasSubstr("--interval is also given: a parameter is an option or a grid axis"));
  EXPECT_THAT(refused({"dead-fraction=0.5,1.5"}),
              HasSubstr("grid point dead-fraction=1.5: dead_fraction must be within [0, 1]"));
  // 101 x 100 points.
  std::string seeds = "seed=0";
  for (int i = 1; i <= 100; ++i)
    seeds += "," + std::to_string(i);
  std::string counts = "count=0";
  for (int i = 1; i < 100; ++i)
    counts += "," + std::to_string(i);
  EXPECT_THAT(refused({seeds, counts}), HasSubstr("more than 10000 points; split it"));
}

TEST(LoadGrid, PicturesAndZeroJobsAreRefused) {
  LoadArgs a = small_grid();
  a.svg = "x.svg";
  Output o = run(a);
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_THAT(o.err, HasSubstr("--svg: draws one run; with --grid write the table"));
  a.svg.reset();
  a.jobs = 0;
  o = run(a);
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_THAT(o.err, HasSubstr("-j: at least 1"));
}

TEST(LoadGrid, TheMemoryBudgetIsSharedByTheRunsAtOnce) {
  LoadArgs a = small_grid();
  a.grid = {"connections=1000,20000000"};
  a.memory_budget = "1G";
  a.jobs = 2;
  const Output o = run(a);
  EXPECT_EQ(o.code, kExitFailure);
  EXPECT_EQ(o.out, "");
  EXPECT_THAT(o.err, HasSubstr("grid point connections=20000000: this run needs"));
  EXPECT_THAT(o.err, HasSubstr("the memory budget is 512 MiB: the budget is shared by 2 runs"));
}

}  // namespace
}  // namespace ws2sim::cli
