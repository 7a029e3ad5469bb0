// Memory budgets and the progress line (budget.h, progress.h), and the budget as `run` and
// `load` apply it: refusals before the work, a run stopped mid-way with what it would need.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"
#include "ws2sim/cli/budget.h"
#include "ws2sim/cli/load.h"
#include "ws2sim/cli/progress.h"
#include "ws2sim/cli/runner.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Budget, SizesAreReadStrictly) {
  EXPECT_EQ(*parse_size("4G"), std::size_t{4} << 30);
  EXPECT_EQ(*parse_size("512M"), std::size_t{512} << 20);
  EXPECT_EQ(*parse_size("512MiB"), std::size_t{512} << 20);
  EXPECT_EQ(*parse_size("1048576"), std::size_t{1} << 20);
  EXPECT_EQ(*parse_size("1T"), std::size_t{1} << 40);
  for (const char* bad :
       {"", "G", "-1G", "4g", "4GB", "1.5G", "4 G", "2T", "1023K", "0", "99999999999999999999"}) {
    EXPECT_FALSE(parse_size(bad).ok()) << bad;
  }
  EXPECT_THAT(parse_size("4GB").error().message, HasSubstr("unknown unit \"GB\""));
}

TEST(Budget, SizesArePrintedInTheLargestUnit) {
  EXPECT_EQ(format_size(512), "512 B");
  EXPECT_EQ(format_size(12.0 * 1024), "12 KiB");
  EXPECT_EQ(format_size(3.5 * 1024 * 1024 * 1024), "3.5 GiB");
  EXPECT_EQ(format_size(4.0 * 1024 * 1024 * 1024), "4 GiB");
  EXPECT_EQ(format_size(220.4 * 1024 * 1024 * 1024), "220 GiB");
}

// A fake wall clock that the test moves.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  Progress::WallClock fn() {
    return [this] { return now; };
  }
};

TEST(Progress, SilentForTheFirstSecondThenOnceASecond) {
  FakeClock clock;
  std::ostringstream err;
  Progress p({.command = "ws2sim run", .total = 10 * 24h, .mode = ProgressMode::kOn}, err,
             /*terminal=*/false, clock.fn());
  clock.now += 900ms;
  p.update(kEpoch + 24h, 1000);
  EXPECT_EQ(err.str(), "");
  clock.now += 200ms;  // 1.1 s in
  p.update(kEpoch + 24h, 2'000'000);
  EXPECT_EQ(err.str(),
            "ws2sim run: 1d of 10d virtual (10.0%), 2.0M events, 1.8M/s, about 10s left\n");
  clock.now += 500ms;
  p.update(kEpoch + 48h, 3'000'000);
  EXPECT_EQ(err.str().find('\n'), err.str().size() - 1) << "at most once a second";
  p.finish();  // not a terminal: nothing to erase
  EXPECT_THAT(err.str(), ::testing::EndsWith("left\n"));
}

TEST(Progress, StepsCountPointsOfAGrid) {
  FakeClock clock;
  std::ostringstream err;
  Progress p({.command = "ws2sim load", .total = 0s, .mode = ProgressMode::kOn}, err,
             /*terminal=*/false, clock.fn());
  clock.now += 500ms;
  p.update_steps(1, 8, "points");
  EXPECT_EQ(err.str(), "");  // nothing in the first second
  clock.now += 1500ms;       // 2 s in, a quarter done: 6 s left
  p.update_steps(2, 8, "points");
  EXPECT_EQ(err.str(), "ws2sim load: 2 of 8 points done (25.0%), about 6s left\n");
}

TEST(Progress, OnATerminalTheLineRewritesItselfAndIsErased) {
  FakeClock clock;
  std::ostringstream err;
  Progress p({.command = "ws2sim load", .total = 0s, .mode = ProgressMode::kAuto}, err,
             /*terminal=*/true, clock.fn());
  clock.now += 2s;
  p.update(kEpoch + 2h, 500);
  EXPECT_EQ(err.str(), "\rws2sim load: 2h virtual, 500 events, 250/s\x1b[K");
  p.finish();
  EXPECT_THAT(err.str(), ::testing::EndsWith("\r\x1b[K"));
}

TEST(Progress, AutoIsSilentOffATerminalAndQuietAlways) {
  FakeClock clock;
  std::ostringstream err;
  Progress piped({.command = "x", .total = 1h, .mode = ProgressMode::kAuto}, err, false,
                 clock.fn());
  Progress quiet({.command = "x", .total = 1h, .mode = ProgressMode::kOff}, err, true, clock.fn());
  clock.now += 5s;
  piped.update(kEpoch + 1min, 1);
  quiet.update(kEpoch + 1min, 1);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(progress_mode(false, true), ProgressMode::kOff);
  EXPECT_EQ(progress_mode(true, false), ProgressMode::kOn);
  EXPECT_EQ(progress_mode(false, false), ProgressMode::kAuto);
}

// Issue 21: `load --connections 1000000000` ended in std::bad_alloc, `--traffic 1000000000`
// grew to gigabytes; both are refused before anything is allocated.
TEST(LoadBudget, RefusedBeforeTheRunWithWhatItWouldNeed) {
  LoadConfig c;
  c.population.connections = 1'000'000'000;
  const Result<LoadReport> r = run_load(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(r.error().message,
            "this run needs ~37 GiB (1000000000 connections) but the memory budget is 4 GiB: use "
            "fewer connections, or raise --memory-budget");
  c.population.connections = 1000;
  c.population.traffic_segments = 1'000'000'000;
  EXPECT_THAT(run_load(c).error().message,
              StartsWith("this run needs ~4.9 TiB (1000 connections with 1000000000 traffic "
                         "segments each)"));
  // A population that fits runs: the refusal is about size, not about traffic as such.
  c.population.traffic_segments = 3;
  EXPECT_TRUE(run_load(c).ok());
}

TEST(LoadBudget, TheProgressLineDoesNotChangeTheResult) {
  LoadConfig c;
  c.population.connections = 20'000;
  c.population.dead_fraction = 0.5;
  c.population.traffic_segments = 3;
  c.duration = 4h;
  const Result<LoadReport> plain = run_load(c);
  FakeClock clock;
  std::ostringstream err;
  Progress p({.command = "ws2sim load", .total = 0s, .mode = ProgressMode::kOn}, err, false,
             [&clock] {
               clock.now += 10ms;  // each reading 10 ms later: a report every 100 slices
               return clock.now;
             });
  const Result<LoadReport> reported =
      run_load(c, {.memory_budget = kDefaultMemoryBudget, .progress = &p});
  ASSERT_TRUE(plain.ok() && reported.ok());
  EXPECT_EQ(load_json(*plain), load_json(*reported));
  EXPECT_THAT(err.str(), HasSubstr("ws2sim load: 2h of 4h virtual (50.0%)"));
}

RunOptions within(std::size_t budget) {
  RunOptions o;
  o.memory_budget = budget;
  return o;
}

Scenario one_probe_a_second(const std::string& duration) {
  return parse_scenario(testing::probe_a_second_json(duration), "dense").value();
}

// Issue 21: a probe a second for ten years filled 8.9 GB in a minute. The run stops when the
// trace outgrows the budget, at the same instant every time, and says what it would need.
TEST(RunBudget, TheTraceOutgrowingTheBudgetStopsTheRun) {
  const Scenario s = one_probe_a_second("3650d");
  const Result<RunReport> r = run_scenario(s, {}, within(std::size_t{32} << 20));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_THAT(r.error().message, StartsWith("the memory budget (32 MiB) ran out at "));
  EXPECT_THAT(r.error().message, HasSubstr(" of 3650d (the trace held "));
  // About six trace events a second for ten years at 30-60 bytes each (docs/architecture.md,
  // the trace's packing): tens of GiB, extrapolated from the rate seen when the budget ran out.
  const std::string& m = r.error().message;
  const std::size_t needs = m.find("the whole run needs ~");
  const std::size_t gib = m.find(" GiB: keep no trace (--summary-only");
  ASSERT_NE(needs, std::string::npos);
  ASSERT_NE(gib, std::string::npos);
  const double whole = std::stod(m.substr(needs + 21, gib - needs - 21));
  EXPECT_GE(whole, 40.0) << m;
  EXPECT_LE(whole, 140.0) << m;
  const Result<RunReport> again = run_scenario(s, {}, within(std::size_t{32} << 20));
  EXPECT_EQ(again.error().message, r.error().message);
  // A day of it fits and runs to the end.
  EXPECT_TRUE(run_scenario(one_probe_a_second("1d"), {}, within(std::size_t{32} << 20)).ok());
}

TEST(RunBudget, TooManyConnectionsAreRefusedBeforeTheRun) {
  std::string hosts = R"({"name": "b", "profile": "windows-server-2022", "address": "10.0.0.2"})";
  std::string conns;
  for (int i = 0; i < 100; ++i) {
    hosts += R"(, {"name": "c)" + std::to_string(i) +
             R"(", "profile": "windows-10-22h2", "address": "10.1.0.)" + std::to_string(i + 1) +
             R"("})";
    conns += std::string(i ? ", " : "") + R"({"name": "k)" + std::to_string(i) +
             R"(", "from": "c)" + std::to_string(i) + R"(", "to": "b", "port": 443})";
  }
  const Scenario s = parse_scenario(R"({"name": "many", "duration": "1h", "hosts": [)" + hosts +
                                        R"(], "connections": [)" + conns + "]}",
                                    "many")
                         .value();
  const Result<RunReport> r = run_scenario(s, {}, within(std::size_t{1} << 20));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "this run needs ~2.5 MiB (100 connections at ~24 KiB each) but the memory budget is "
            "1 MiB: use fewer connections, or raise --memory-budget");
}

}  // namespace
}  // namespace ws2sim::cli
