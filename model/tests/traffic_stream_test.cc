// Tests for ws2sim::TrafficStream (population.h): the stream must yield every traffic segment of
// a workload exactly once, in (time, connection, segment) order, whatever the shape of the
// workload. The reference is the workload's own pure function (traffic_time) and std::sort.
// Shapes cover the stream's sorting paths: small buckets, spread-out buckets (counting pass plus
// insertion sort), and clustered times where the insertion sort gives up and the LSD radix sort
// finishes; also more segments than the generator tabulates.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "time_sort.h"
#include "ws2sim/model/population.h"
#include "ws2sim/model/rng.h"

namespace ws2sim::testing {
namespace {

using namespace std::chrono_literals;
using Arrival = PopulationWorkload::Arrival;

std::vector<Arrival> reference(const PopulationConfig& c) {
  const PopulationWorkload w(c);
  std::vector<Arrival> all;
  for (std::uint32_t conn = 0; conn < c.connections; ++conn) {
    for (std::uint32_t k = 0; k < c.traffic_segments; ++k)
      all.push_back({w.traffic_time(conn, k).time_since_epoch().count(), conn, k});
  }
  std::sort(all.begin(), all.end(), [](const Arrival& x, const Arrival& y) {
    return std::tie(x.at, x.conn, x.segment) < std::tie(y.at, y.conn, y.segment);
  });
  return all;
}

std::vector<Arrival> streamed(const PopulationConfig& c) {
  TrafficStream s(c);
  std::vector<Arrival> out;
  for (const Arrival* a = s.peek(); a != nullptr; a = s.peek()) {
    out.push_back(*a);
    s.pop();
  }
  return out;
}

struct Shape {
  std::string name;
  std::uint64_t connections;
  Duration open_spread;
  Duration traffic_window;
  std::uint32_t segments;
};

class TrafficStreamShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(TrafficStreamShapes, YieldsEverySegmentOnceInTimeConnectionSegmentOrder) {
  const Shape& s = GetParam();
  PopulationConfig c;
  c.connections = s.connections;
  c.open_spread = s.open_spread;
  c.traffic_window = s.traffic_window;
  c.traffic_segments = s.segments;
  c.seed = 11;
  ASSERT_TRUE(c.validate().ok());
  const std::vector<Arrival> want = reference(c);
  const std::vector<Arrival> got = streamed(c);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got[i], want[i]) << "first difference at position " << i << ": got connection "
                               << got[i].conn << " segment " << got[i].segment << " at "
                               << got[i].at << " ns, want connection " << want[i].conn
                               << " segment " << want[i].segment << " at " << want[i].at << " ns";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, TrafficStreamShapes,
    ::testing::Values(
        // S2's shape, scaled down: buckets of thousands, spread out.
        Shape{"S2Like", 20000, 1h, 10min, 4},
        // Few segments per bucket: the insertion sort alone.
        Shape{"Sparse", 50, 1h, 10min, 2},
        // Everything opens at once and talks within 5 us: many segments share a counting digit
        // and many share an instant (ties broken by connection, then segment).
        Shape{"ClusteredInstants", 3000, 0ns, 5us, 8},
        // Bursts: each connection's 64 segments within 64 ns of its open, opens spread out.
        Shape{"Bursts", 500, 1s, 64ns, 64},
        // More segments per connection than the generator tabulates (4096).
        Shape{"ManySegments", 3, 10s, 1s, 5000}),
    [](const ::testing::TestParamInfo<Shape>& p) { return p.param.name; });

// The bucket sort itself on inputs the stream's sizing makes rare. Each input is built in
// (connection, segment) order like a bucket; the expected order is std::stable_sort by time.
std::vector<Arrival> stable_by_time(std::vector<Arrival> v) {
  std::stable_sort(v.begin(), v.end(),
                   [](const Arrival& x, const Arrival& y) { return x.at < y.at; });
  return v;
}

TEST(SortByTime, ManyDistinctTimesUnderOneDigitFallBackToTheRadixSortAndStayStable) {
  // 4,000 segments within the first 2^20 ns of a 2^40 ns bucket: all under top digit 0, so the
  // insertion sort would be quadratic. Times repeat (below 500 distinct) to check stability.
  Rng rng(5);
  std::vector<Arrival> v;
  for (std::uint32_t i = 0; i < 4000; ++i)
    v.push_back({1'000'000 + static_cast<std::int64_t>(rng.below(500)) * 2048, i / 4, i % 4});
  const std::vector<Arrival> want = stable_by_time(v);
  std::vector<Arrival> scratch;
  EXPECT_FALSE(sort_by_time(v, scratch, 1'000'000, 40)) << "expected the radix fallback";
  EXPECT_EQ(v, want);
}

TEST(SortByTime, SpreadTimesAreSortedWithoutTheFallback) {
  Rng rng(6);
  std::vector<Arrival> v;
  for (std::uint32_t i = 0; i < 4000; ++i)
    v.push_back({static_cast<std::int64_t>(rng.below(std::uint64_t{1} << 31)), i, 0});
  const std::vector<Arrival> want = stable_by_time(v);
  std::vector<Arrival> scratch;
  EXPECT_TRUE(sort_by_time(v, scratch, 0, 31));
  EXPECT_EQ(v, want);
}

TEST(SortByTime, EmptyAndSingleBucketsAreLeftAlone) {
  std::vector<Arrival> v;
  std::vector<Arrival> scratch;
  EXPECT_TRUE(sort_by_time(v, scratch, 0, 20));
  EXPECT_TRUE(v.empty());
  v.push_back({7, 1, 2});
  EXPECT_TRUE(sort_by_time(v, scratch, 0, 20));
  EXPECT_EQ(v, (std::vector<Arrival>{{7, 1, 2}}));
}

}  // namespace
}  // namespace ws2sim::testing
