// `load`: the probe counts of a population, bucketed; the shape of the JSON; a million
// connections.
#include "ws2sim/cli/load.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "test_support.h"
#include "ws2sim/cli/commands.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

LoadConfig dead_peers(std::uint64_t n) {
  LoadConfig c;
  c.population.connections = n;
  c.population.open_spread = 1h;
  c.population.keepalive = {.enabled = true, .idle = 7200s, .interval = 75s, .probe_count = 10};
  c.population.dead_fraction = 1.0;
  return c;
}

std::uint64_t sum(const std::vector<std::uint64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::uint64_t{0});
}

TEST(Load, DeadPeersEveryConnectionSendsItsProbesAndDrops) {
  const Result<LoadReport> r = run_load(dead_peers(20'000));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->completed);
  EXPECT_EQ(r->stats.probes_sent, 200'000U);
  EXPECT_EQ(r->stats.connections_dropped, 20'000U);
  EXPECT_EQ(sum(r->probes), r->stats.probes_sent);
  EXPECT_EQ(sum(r->answers), 0U);
  EXPECT_EQ(r->bucket, 1min);  // about 3 h 12 min in at most 300 buckets
  // No probe before the first idle period ends; all done by spread + idle + 10 x 75 s.
  EXPECT_EQ(r->probes[0], 0U);
  EXPECT_LE(r->end, kEpoch + 1h + 7200s + 750s);
  EXPECT_GE(r->peak_probes_per_second(), r->mean_probes_per_second());
  // Steady state: 20000 connections opened over an hour, each probing every 75 s for 750 s.
  EXPECT_NEAR(r->peak_probes_per_second(), 20'000.0 / 3600.0 * 10.0 * 75.0 / 75.0, 2.0);
  EXPECT_DOUBLE_EQ(r->mean_bytes_per_second(), r->mean_probes_per_second() * 40.0);
}

TEST(Load, LivePeersAnswerAndTheAnswersCountOnTheWire) {
  LoadConfig c = dead_peers(5'000);
  c.population.dead_fraction = 0.2;
  c.population.answer_delay = 30ms;
  c.duration = 6h;
  c.bucket = 10min;
  const Result<LoadReport> r = run_load(c);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->completed);
  EXPECT_EQ(r->end, kEpoch + 6h);
  EXPECT_EQ(r->probes.size(), 36U);
  EXPECT_EQ(sum(r->probes), r->stats.probes_sent);
  EXPECT_GT(sum(r->answers), 0U);
  EXPECT_NEAR(static_cast<double>(r->stats.connections_dropped), 1000.0, 120.0);  // about a fifth
  EXPECT_GT(r->mean_bytes_per_second(), r->mean_probes_per_second() * 40.0);
}

TEST(Load, SameSeedSameNumbers) {
  LoadConfig c = dead_peers(10'000);
  c.population.dead_fraction = 0.5;
  c.duration = 5h;
  const auto a = run_load(c);
  const auto b = run_load(c);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(load_json(*a).dump(), load_json(*b).dump());
  c.population.seed = 2;
  EXPECT_NE(load_json(*run_load(c)).dump(), load_json(*a).dump());
}

TEST(Load, JsonShape) {
  const Result<LoadReport> r = run_load(dead_peers(1'000));
  ASSERT_TRUE(r.ok());
  const nlohmann::ordered_json j = load_json(*r);
  for (const char* key : {"connections", "spread_ms", "keepalive", "dead_fraction", "end_ms",
                          "bucket_ms", "probes_sent", "probes_answered", "connections_dropped",
                          "peak_probes_per_second", "peak_at_ms", "mean_probes_per_second",
                          "peak_bytes_per_second", "mean_bytes_per_second", "buckets"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["probes_sent"], 10'000);
  EXPECT_EQ(j["keepalive"]["interval_ms"], 75'000);
  EXPECT_EQ(j["buckets"].size(), r->probes.size());
  EXPECT_EQ(j["buckets"][0]["t_ms"], 0);
  testing::TempDir dir;
  testing::write_file(dir.file("l.svg"), load_svg(*r));
  testing::expect_well_formed_xml(dir.file("l.svg"));
}

TEST(Load, BadConfigurationsAreUsageErrors) {
  LoadArgs a;
  a.connections = 10;
  a.dead_fraction = 2.0;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(command_load(a, out, err), kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("dead_fraction must be within [0, 1]"));
  a.dead_fraction = 1.0;
  a.idle = "2 hours";
  err.str("");
  EXPECT_EQ(command_load(a, out, err), kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("ws2sim load: --idle: \"2 hours\" is not a duration"));
  a.idle = "2h";
  a.bucket = "1ms";
  err.str("");
  EXPECT_EQ(command_load(a, out, err), kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("choose a wider one"));
}

// Regression: `ws2sim load --idle 0s --interval 0s` used to run forever at one instant (each
// answer at once re-started the probing). It is refused in one line, before anything runs.
TEST(Load, AnswersThatWouldStopTimeAreAUsageError) {
  LoadArgs a;
  a.connections = 3;
  a.spread = "1s";
  a.idle = "0s";
  a.interval = "0s";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(command_load(a, out, err), kExitUsage);
  const std::string message = err.str();
  EXPECT_THAT(message, HasSubstr("ws2sim load: keep-alive idle, interval and answer_delay are "
                                 "all 0 while live peers answer"));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
  EXPECT_EQ(out.str(), "");
  // An answer that takes any time at all lets time advance: the same run completes.
  a.answer_delay = "1ms";
  a.duration = "2s";
  err.str("");
  EXPECT_EQ(command_load(a, out, err), kExitOk) << err.str();
}

// A million connections run through (how fast is bench/'s question: tests never time).
TEST(Load, AMillionConnectionsSendTheirProbesAndDrop) {
  const Result<LoadReport> r = run_load(dead_peers(1'000'000));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.probes_sent, 10'000'000U);
  EXPECT_EQ(r->stats.connections_dropped, 1'000'000U);
}

// Issue 21: with a bucket wider than the run (`--bucket 100d` over 5 h) the peak was 2000 probes
// over 100 days, below the mean over 5 h. A rate divides by the time the bucket covered.
TEST(Load, ABucketWiderThanTheRunShowsTheMean) {
  LoadConfig c;
  c.population.connections = 1000;
  c.population.open_spread = 1h;  // as `ws2sim load` sets it
  c.population.keepalive = {.enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10};
  c.population.dead_fraction = 0.0;
  c.bucket = 100 * 24h;
  const Result<LoadReport> r = run_load(c);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->probes.size(), 1U);
  EXPECT_DOUBLE_EQ(r->covered_seconds(0), 5 * 3600.0 + 20);  // 1 h + two cycles of 2 h 10 s
  EXPECT_DOUBLE_EQ(r->peak_probes_per_second(), r->mean_probes_per_second());
  EXPECT_DOUBLE_EQ(r->peak_bytes_per_second(), r->mean_bytes_per_second());
}

TEST(Load, EveryBucketsRatesAgreeWithTheTotals) {
  LoadConfig c;
  c.population.connections = 5000;
  c.population.dead_fraction = 0.2;
  c.population.answer_probability = 0.5;
  c.duration = 3h + 17min;  // the last 2-minute bucket is cut short
  const Result<LoadReport> r = run_load(c);
  ASSERT_TRUE(r.ok());
  double probes = 0;
  double answers = 0;
  for (std::size_t i = 0; i < r->probes.size(); ++i) {
    probes += r->probes_per_second(i) * r->covered_seconds(i);
    answers += r->answers_per_second(i) * r->covered_seconds(i);
  }
  EXPECT_NEAR(probes, static_cast<double>(r->stats.probes_sent), 1e-6 * probes);
  EXPECT_NEAR(probes / (3 * 3600 + 17 * 60), r->mean_probes_per_second(), 1e-9);
  EXPECT_NEAR(answers / (3 * 3600 + 17 * 60), r->mean_answers_per_second(), 1e-9);
  const std::string csv = load_csv(*r);
  EXPECT_TRUE(csv.starts_with("t_s,probes_per_s,answers_per_s,bytes_per_s\n0.000,"));
  EXPECT_EQ(testing::count(csv, "\n"), r->probes.size() + 1);
}

// Issue 21: `--count 0` said "every connection dropped" next to "connections dropped 0".
TEST(Load, NoProbesIsNotEveryConnectionDropped) {
  LoadConfig c;
  c.population.connections = 100;
  c.population.keepalive.probe_count = 0;
  const Result<LoadReport> r = run_load(c);
  ASSERT_TRUE(r.ok());
  const std::string text = format_load(*r);
  EXPECT_THAT(text, HasSubstr("ran until nothing was left to run (0 of 100 connections dropped)"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("every connection dropped")));
}

}  // namespace
}  // namespace ws2sim::cli
