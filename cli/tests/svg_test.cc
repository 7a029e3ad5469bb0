// The SVG pictures: well-formed XML (xmllint), one tick per probe, the compressed time axis.
#include "ws2sim/cli/svg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.h"
#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/detect.h"
#include "ws2sim/cli/runner.h"
#include "ws2sim/cli/scenario.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using testing::count;
using testing::kSourceDir;

RunReport play(const std::string& file) {
  Result<Scenario> s = load_scenario(kSourceDir + "/cli/scenarios/" + file);
  EXPECT_TRUE(s.ok()) << s.error().message;
  Result<RunReport> r = run_scenario(*s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

std::size_t trace_count(const RunReport& r, TraceKind kind) {
  std::size_t n = 0;
  for (const TraceEvent& e : r.trace().events())
    n += e.kind == kind ? 1 : 0;
  return n;
}

TEST(Svg, XmlEscape) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y")), "x y");
}

TEST(Svg, TimelinesAreXmlWithOneTickPerProbe) {
  testing::TempDir dir;
  for (const char* file : {"demo.json", "nat.json", "faults.json", "calls-in-order.json"}) {
    SCOPED_TRACE(file);
    const RunReport r = play(file);
    const std::string svg = timeline_svg(r);
    testing::write_file(dir.file("t.svg"), svg);
    testing::expect_well_formed_xml(dir.file("t.svg"));
    EXPECT_EQ(count(svg, "class=\"probe\""), r.probe_count());
    EXPECT_EQ(count(svg, "class=\"answer\""), trace_count(r, TraceKind::kProbeAnswered));
    std::size_t ended = 0;
    for (const ConnectionReport& c : r.connections)
      ended += c.closed_at ? 1 : 0;
    EXPECT_EQ(count(svg, "class=\"drop\""), ended);
    EXPECT_EQ(count(svg, "<svg "), 1U);
  }
}

TEST(Svg, NamesAreEscaped) {
  Result<Scenario> s = parse_scenario(R"({"name": "a<b>&c", "duration": "1m",
      "hosts": [{"name": "x", "profile": "windows-xp", "address": "10.0.0.1"},
                {"name": "y", "profile": "windows-xp", "address": "10.0.0.2"}],
      "connections": [{"from": "x", "to": "y", "port": 1}]})",
                                      "esc");
  ASSERT_TRUE(s.ok()) << s.error().message;
  Result<RunReport> r = run_scenario(*s);
  ASSERT_TRUE(r.ok());
  const std::string svg = timeline_svg(*r);
  EXPECT_THAT(svg, ::testing::HasSubstr("a&lt;b&gt;&amp;c"));
  testing::TempDir dir;
  testing::write_file(dir.file("e.svg"), svg);
  testing::expect_well_formed_xml(dir.file("e.svg"));
}

TEST(Svg, AxisCutsLongIdleStretchesAndStaysMonotonic) {
  // Busy for a minute, idle for two hours, busy for four minutes (the demo's shape).
  std::vector<TimePoint> times{kEpoch, kEpoch + 1s, kEpoch + 60s};
  for (int i = 0; i <= 255; ++i)
    times.push_back(kEpoch + 2h + std::chrono::seconds(i));
  const TimeAxis axis(times, kEpoch, kEpoch + 2h + 5min, 100, 900);
  const auto cuts = axis.cuts();
  ASSERT_EQ(cuts.size(), 1U);
  EXPECT_EQ(cuts[0].from, kEpoch + 60s);
  EXPECT_EQ(cuts[0].to, kEpoch + 2h);
  EXPECT_NEAR(cuts[0].x1 - cuts[0].x0, 64.0, 1e-9);
  // Probes one second apart stay apart; the first minute keeps some room.
  EXPECT_GT(axis.x(kEpoch + 2h + 1s) - axis.x(kEpoch + 2h), 2.0);
  EXPECT_GT(axis.x(kEpoch + 60s) - axis.x(kEpoch), 15.0);
  double last = -1;
  for (int s = 0; s <= 7500; s += 7) {
    const double x = axis.x(kEpoch + std::chrono::seconds(s));
    EXPECT_GE(x, last);
    last = x;
  }
  EXPECT_DOUBLE_EQ(axis.x(kEpoch), 100.0);
  EXPECT_NEAR(axis.x(kEpoch + 2h + 5min), 1000.0, 1e-6);
  // Ticks: round instants, at least 70 px apart, none inside the cut.
  const auto ticks = axis.ticks();
  ASSERT_GE(ticks.size(), 5U);
  EXPECT_EQ(ticks.front().label, "0:00:00");
  for (std::size_t i = 1; i < ticks.size(); ++i) {
    EXPECT_GE(ticks[i].x - ticks[i - 1].x, 70.0 - 1e-9);
    EXPECT_FALSE(ticks[i].at > cuts[0].from && ticks[i].at < cuts[0].to) << ticks[i].label;
  }
}

TEST(Svg, AxisWithoutLongGapsHasNoCuts) {
  // A probe every five minutes for two hours: no stretch is long enough to cut, and a burst of
  // ten probes a second apart near the end still spreads over many pixels.
  std::vector<TimePoint> times;
  for (int i = 0; i <= 24; ++i)
    times.push_back(kEpoch + std::chrono::minutes(5 * i));
  for (int i = 1; i <= 10; ++i)
    times.push_back(kEpoch + 2h + std::chrono::seconds(i));
  const TimeAxis axis(times, kEpoch, kEpoch + 2h + 2min, 0, 1000);
  EXPECT_TRUE(axis.cuts().empty());
  EXPECT_GT(axis.x(kEpoch + 2h + 10s) - axis.x(kEpoch + 2h + 1s), 40.0);
}

TEST(Svg, DetectBarChartAndRateChartAreXml) {
  Result<std::vector<DetectResult>> all =
      detect_all_profiles({.profile = {},
                           .registry = {},
                           .calls = {{.kind = CallKind::kSoKeepAlive, .value = 1}},
                           .nat = {}});
  ASSERT_TRUE(all.ok());
  // One profile never detects: XP without probes.
  Result<DetectResult> never =
      detect({.profile = "windows-xp",
              .registry = {{winsock::RegistryValue::kTcpMaxDataRetransmissions, 0},
                           {winsock::RegistryValue::kPPTPTcpMaxDataRetransmissions, 0}},
              .calls = {{.kind = CallKind::kSoKeepAlive, .value = 1}},
              .nat = {}});
  ASSERT_TRUE(never.ok());
  all->push_back(*never);
  const std::string bars = detect_svg(*all, "title <with> & escapes");
  EXPECT_EQ(count(bars, "class=\"bar\""), all->size() - 1);
  EXPECT_EQ(count(bars, "class=\"never\""), 1U);
  testing::TempDir dir;
  testing::write_file(dir.file("bars.svg"), bars);
  testing::expect_well_formed_xml(dir.file("bars.svg"));

  std::vector<RatePoint> points;
  for (int i = 0; i < 100; ++i)
    points.push_back({i * 60.0, static_cast<double>((i * 37) % 101)});
  const std::string rate =
      rate_chart_svg("probes", "sub <title>", "probes per second", points, 60.0);
  EXPECT_EQ(count(rate, "class=\"rate\""), 1U);
  testing::write_file(dir.file("rate.svg"), rate);
  testing::expect_well_formed_xml(dir.file("rate.svg"));
}

}  // namespace
}  // namespace ws2sim::cli
