// The SVG pictures (docs/cli.md, "Pictures"): well-formed XML (xmllint), every probe counted once
// (alone or in a bin), the broken linear time axis, bounded size, the two-panel charts.
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
using testing::marks;

RunReport play(const std::string& file) {
  Result<Scenario> s = load_scenario(kSourceDir + "/cli/scenarios/" + file);
  EXPECT_TRUE(s.ok()) << s.error().message;
  Result<RunReport> r = run_scenario(*s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

// The value of attribute `name` of the first element of class `cls`.
double attribute(const std::string& svg, const std::string& cls, const std::string& name,
                 std::size_t nth = 0) {
  std::size_t at = svg.find("class=\"" + cls + "\"");
  for (std::size_t k = 0; k < nth && at != std::string::npos; ++k)
    at = svg.find("class=\"" + cls + "\"", at + 1);
  if (at == std::string::npos) return -1;
  const std::size_t v = svg.find(" " + name + "=\"", at);
  return std::stod(svg.substr(v + name.size() + 3));
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

TEST(Svg, TimelinesAreXmlAndCountEveryProbeOnce) {
  testing::TempDir dir;
  for (const char* file : {"demo.json", "nat.json", "faults.json", "calls-in-order.json",
                           "ipv6.json", "names.json", "overlapped.json"}) {
    SCOPED_TRACE(file);
    const RunReport r = play(file);
    const std::string svg = timeline_svg(r);
    testing::write_file(dir.file("t.svg"), svg);
    testing::expect_well_formed_xml(dir.file("t.svg"));
    std::size_t client_probes = 0;
    std::size_t ended = 0;
    for (const ConnectionReport& c : r.connections) {
      client_probes += c.probes_sent;
      ended += c.closed_at || c.connect_error ? 1 : 0;
    }
    EXPECT_EQ(marks(svg, "probe"), client_probes);
    EXPECT_EQ(marks(svg, "answer"), trace_count(r, TraceKind::kProbeAnswered));
    EXPECT_EQ(marks(svg, "drop"), ended);
    EXPECT_EQ(count(svg, "<svg "), 1U);
  }
}

// Regression: a connection that failed before it had a model connection (its lookup failed)
// was drawn alive from its start to the end of the run, with no end mark. Now its lane ends at
// the failure with a cross that names the failed call.
TEST(Svg, AConnectionWhoseLookupFailedEndsThereWithACross) {
  const RunReport r = play("names.json");
  const std::string svg = timeline_svg(r);
  EXPECT_EQ(marks(svg, "drop"), 3U) << "two keep-alive drops and the failed lookup";
  EXPECT_NE(svg.find("getaddrinfo(db.example) failed 0:00:02.000"), std::string::npos);
  // The failed connection's lane is the second; its life line, if any, ends at 2 s, far left
  // of the keep-alive drops at 70 s.
  const double second_life_end = attribute(svg, "life", "x2", 1);
  const double first_life_end = attribute(svg, "life", "x2", 0);
  EXPECT_LT(second_life_end, first_life_end / 4) << svg;
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

// Issue 21: the axis was compressed logarithmically with evenly spaced ticks 0:00:00, 0:00:05,
// 0:00:15, ... Now it is linear: one scale for every panel, explicit breaks between them.
TEST(Svg, AxisIsLinearWithBreaks) {
  // Busy for a minute, idle for two hours, busy for four minutes (the demo's shape).
  std::vector<TimePoint> times{kEpoch, kEpoch + 1s, kEpoch + 60s};
  for (int i = 0; i <= 255; ++i)
    times.push_back(kEpoch + 2h + std::chrono::seconds(i));
  const TimeAxis axis(times, kEpoch, kEpoch + 2h + 5min, 100, 900);
  ASSERT_EQ(axis.breaks().size(), 1U);
  EXPECT_EQ(axis.breaks()[0].from, kEpoch + 60s);
  EXPECT_EQ(axis.breaks()[0].to, kEpoch + 2h);
  EXPECT_NEAR(axis.breaks()[0].x1 - axis.breaks()[0].x0, 56.0, 1e-9);
  ASSERT_EQ(axis.panels().size(), 2U);
  // One scale: a second is as wide in both panels, and the panels' widths are in proportion.
  const double first = axis.x(kEpoch + 30s) - axis.x(kEpoch + 29s);
  const double second = axis.x(kEpoch + 2h + 100s) - axis.x(kEpoch + 2h + 99s);
  EXPECT_NEAR(first, second, 1e-9);
  EXPECT_NEAR(axis.panels()[0].zoom, 1.0, 1e-9);
  EXPECT_NEAR(axis.panels()[1].zoom, 1.0, 1e-9);
  EXPECT_NEAR(axis.x(kEpoch + 60s) - axis.x(kEpoch), 60 * first, 1e-6);
  double last = -1;
  for (int s = 0; s <= 7500; s += 7) {
    const double x = axis.x(kEpoch + std::chrono::seconds(s));
    EXPECT_GE(x, last);
    last = x;
  }
  EXPECT_DOUBLE_EQ(axis.x(kEpoch), 100.0);
  EXPECT_NEAR(axis.x(kEpoch + 2h + 5min), 1000.0, 1e-6);
  // Ticks: round instants, at least 80 px apart, evenly stepped within a panel, none in a break.
  const auto ticks = axis.ticks();
  ASSERT_GE(ticks.size(), 5U);
  EXPECT_EQ(ticks.front().label, "0:00:00");
  for (std::size_t i = 1; i < ticks.size(); ++i) {
    EXPECT_GE(ticks[i].x - ticks[i - 1].x, 80.0 - 1e-9);
    EXPECT_FALSE(ticks[i].at > axis.breaks()[0].from && ticks[i].at < axis.breaks()[0].to)
        << ticks[i].label;
    EXPECT_EQ((ticks[i].at - kEpoch) % std::chrono::seconds(30), Duration::zero())
        << ticks[i].label;
  }
}

TEST(Svg, AShortPanelIsMagnifiedAndSaysSo) {
  // A handshake 40 ms long, two hours idle, then ten minutes of probes: at the common scale the
  // handshake would be a fraction of a pixel.
  std::vector<TimePoint> times{kEpoch, kEpoch + 40ms};
  for (int i = 0; i <= 10; ++i)
    times.push_back(kEpoch + 2h + std::chrono::minutes(i));
  const TimeAxis axis(times, kEpoch, kEpoch + 2h + 10min, 0, 1000);
  ASSERT_EQ(axis.panels().size(), 2U);
  EXPECT_GT(axis.panels()[0].zoom, 100.0);
  EXPECT_NEAR(axis.panels()[0].x1 - axis.panels()[0].x0, 44.0, 1e-9);
  EXPECT_NEAR(axis.panels()[1].zoom, 1.0, 1e-9);
  EXPECT_EQ(axis.ticks().front().label, "0:00:00.000");  // a sub-second scale shows ms
}

TEST(Svg, AxisWithoutLongGapsHasNoBreaks) {
  std::vector<TimePoint> times;
  for (int i = 0; i <= 24; ++i)
    times.push_back(kEpoch + std::chrono::minutes(5 * i));
  const TimeAxis axis(times, kEpoch, kEpoch + 2h + 2min, 0, 1000);
  EXPECT_TRUE(axis.breaks().empty());
  EXPECT_NEAR(axis.x(kEpoch + 1h), 1000.0 * 60 / 122, 1e-6);  // linear
}

Scenario probing(const std::string& duration, int connections) {
  std::string hosts = R"({"name": "b", "profile": "windows-server-2022", "address": "10.0.0.2"})";
  std::string conns;
  for (int i = 0; i < connections; ++i) {
    hosts += R"(, {"name": "c)" + std::to_string(i) + R"(", "profile": ")" +
             (i % 2 ? "windows-10-22h2" : "windows-xp") + R"(", "address": "10.1.)" +
             std::to_string(i / 200) + "." + std::to_string(i % 200 + 1) + R"("})";
    conns += std::string(i ? ", " : "") + R"({"name": "k)" + std::to_string(i) +
             R"(", "from": "c)" + std::to_string(i) +
             R"(", "to": "b", "port": 443, "calls": [{"call": "SIO_KEEPALIVE_VALS", "onoff": 1,
             "keepalivetime": 1000, "keepaliveinterval": 1000}]})";
  }
  return parse_scenario(R"({"name": "probing", "duration": ")" + duration + R"(", "hosts": [)" +
                            hosts + R"(], "connections": [)" + conns + "]}",
                        "probing")
      .value();
}

// Issue 21: a day of 1 s probes was an 18 MB SVG that rendered as a solid bar.
TEST(Svg, DenseProbesAreBinnedAndThePictureStaysSmall) {
  const RunReport r = run_scenario(probing("1d", 1)).value();
  const std::string svg = timeline_svg(r);
  EXPECT_LT(svg.size(), 400'000U);
  EXPECT_EQ(marks(svg, "probe"), r.connections[0].probes_sent);
  EXPECT_GT(r.connections[0].probes_sent, 86'000U);
  const std::string n = std::to_string(r.connections[0].probes_sent);
  EXPECT_NE(svg.find(n + " probes, " + n + " answered"), std::string::npos);
}

// Issue 21: 100 connections made a 4,834 px tall picture. Now alike connections share a lane.
TEST(Svg, ManyConnectionsAreGroupedIntoABoundedHeight) {
  const RunReport r = run_scenario(probing("10s", 100)).value();
  const std::string svg = timeline_svg(r);
  EXPECT_EQ(count(svg, "class=\"lane\""), 2U);  // XP and Windows 10, alike otherwise
  EXPECT_NE(svg.find("50 connections (k0, ...)"), std::string::npos);
  EXPECT_NE(svg.find("50 connections (k1, ...)"), std::string::npos);
  EXPECT_LT(attribute(svg, "lane", "height") * 16 + 300, 1200);
  EXPECT_EQ(marks(svg, "probe"), r.probe_count());
}

// Issue 21: the detect chart made 2h0m5s and 2h0m10s look alike. Its right panel starts at the
// first probe: XP's 5 s of probing is half as long as Windows 10's 10 s.
TEST(Svg, DetectionChartShowsProbingApartFromIdleness) {
  Result<DetectResult> xp = detect({.profile = "windows-xp",
                                    .registry = {},
                                    .calls = {{.kind = CallKind::kSoKeepAlive, .value = 1}},
                                    .nat = {}});
  Result<DetectResult> w10 = detect({.profile = "windows-10-22h2",
                                     .registry = {},
                                     .calls = {{.kind = CallKind::kSoKeepAlive, .value = 1}},
                                     .nat = {}});
  Result<DetectResult> never =
      detect({.profile = "windows-xp",
              .registry = {{winsock::RegistryValue::kTcpMaxDataRetransmissions, 0},
                           {winsock::RegistryValue::kPPTPTcpMaxDataRetransmissions, 0}},
              .calls = {{.kind = CallKind::kSoKeepAlive, .value = 1}},
              .nat = {}});
  ASSERT_TRUE(xp.ok() && w10.ok() && never.ok());
  const std::string chart = detect_svg({*xp, *w10, *never}, "title <with> & escapes");
  EXPECT_EQ(count(chart, "class=\"bar\""), 2U);
  EXPECT_EQ(count(chart, "class=\"never\""), 1U);
  EXPECT_NEAR(attribute(chart, "bar", "width", 1), 2 * attribute(chart, "bar", "width", 0), 1e-6);
  EXPECT_NEAR(attribute(chart, "idle", "width", 0), attribute(chart, "idle", "width", 1), 1e-6);
  EXPECT_THAT(chart, ::testing::HasSubstr("7205000 ms (2h 5s) = 2h idle + 5s probing"));
  // Wide enough for its longest text: the picture's width exceeds where that text ends (at the
  // 10 px font's 6.2 px a character, the layout's own estimate).
  const double width = std::stod(chart.substr(chart.find("width=\"") + 7));
  const std::string longest = "7210000 ms (2h 10s) = 2h idle + 10s probing  WSAENETRESET";
  const std::size_t at = chart.find(">" + longest + "<");
  ASSERT_NE(at, std::string::npos);
  const std::size_t x_at = chart.rfind("<text x=\"", at) + 9;
  EXPECT_LE(std::stod(chart.substr(x_at)) + 6.2 * static_cast<double>(longest.size()), width);
  testing::TempDir dir;
  testing::write_file(dir.file("bars.svg"), chart);
  testing::expect_well_formed_xml(dir.file("bars.svg"));
}

TEST(Svg, RateChartDrawsThreeSeriesAndTheirMeans) {
  RateChart c;
  c.title = "probes";
  c.subtitle = "sub <title>";
  c.bucket_seconds = 60;
  c.end_seconds = 100 * 60;
  for (int i = 0; i < 100; ++i) {
    c.probes.push_back((i * 37) % 101);
    c.answers.push_back((i * 37) % 101 / 2.0);
    c.bytes.push_back((i * 37) % 101 * 60.0);
  }
  c.mean_probes = 50;
  c.mean_answers = 25;
  c.mean_bytes = 3000;
  const std::string svg = rate_chart_svg(c);
  EXPECT_EQ(count(svg, "class=\"rate\""), 1U);
  EXPECT_EQ(count(svg, "class=\"rate-answers\""), 1U);
  EXPECT_EQ(count(svg, "class=\"rate-bytes\""), 1U);
  EXPECT_EQ(count(svg, "class=\"mean\""), 3U);
  EXPECT_THAT(svg, ::testing::HasSubstr("probes, mean 50/s"));
  // The y axis: peak 100 -> a maximum of 100, not 200.
  EXPECT_THAT(svg, ::testing::HasSubstr(">100</text>"));
  EXPECT_THAT(svg, ::testing::Not(::testing::HasSubstr(">200</text>")));
  testing::TempDir dir;
  testing::write_file(dir.file("rate.svg"), svg);
  testing::expect_well_formed_xml(dir.file("rate.svg"));
}

}  // namespace
}  // namespace ws2sim::cli
