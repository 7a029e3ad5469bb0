// The `ws2sim` binary end to end: help and exit codes, the demo's files (the pcap checked with
// tshark, the pictures with xmllint; both tools are required), determinism across processes,
// and CLI11 keeping detect's calls in command-line order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace ws2sim::cli {
namespace {

using testing::count;
using ::testing::HasSubstr;
using testing::kBinary;
using testing::kSourceDir;
using testing::quoted;
using testing::run_command;

testing::CommandResult ws2sim(const std::string& args, bool with_stderr = true) {
  return run_command(quoted(kBinary) + " " + args, with_stderr);
}

// Lines consisting of digits only (frame numbers printed by tshark -T fields -e frame.number).
std::size_t count_frame_lines(const std::string& output) {
  std::istringstream lines(output);
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) ++n;
  }
  return n;
}

TEST(Cli, HelpOnEveryCommand) {
  for (const char* cmd : {"", "run ", "detect ", "load ", "profiles ", "demo "}) {
    SCOPED_TRACE(cmd);
    const auto r = ws2sim(std::string(cmd) + "--help");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("Usage:"));
  }
  EXPECT_THAT(ws2sim("--help").output,
              HasSubstr("Exit codes: 0 ok, 1 run-time failure, 2 usage or bad input"));
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(ws2sim("").exit_code, 2);
  EXPECT_EQ(ws2sim("frobnicate").exit_code, 2);
  EXPECT_EQ(ws2sim("detect --profile windows-xp --bogus").exit_code, 2);
  EXPECT_EQ(ws2sim("detect --so-keepalive 1").exit_code, 2);  // no profile
  EXPECT_EQ(ws2sim("detect --profile windows-12").exit_code, 2);
  EXPECT_EQ(ws2sim("detect --profile windows-xp --tcp-keepcnt many").exit_code, 2);
  EXPECT_EQ(ws2sim("detect --profile windows-xp --tcp-keepcnt 3 4").exit_code,
            2);  // one value per option
  EXPECT_EQ(ws2sim("run").exit_code, 2);
  testing::TempDir dir;
  testing::write_file(
      dir.file("bad.json"),
      R"({"duration": "1h", "hosts": [{"name": "a", "profile": "windows-xp", "address": "10.0.0.1"},
                         {"name": "b", "profile": "windows-xp", "address": "10.0.0.2"}],
                         "connections": [{"from": "a", "to": "b", "port": 1, "calls": [{"call": "SIO_KEEPALIVE_VALS",
                         "onoff": "on", "keepalivetime": 1, "keepaliveinterval": 1}]}]})");
  const auto r = ws2sim("run " + quoted(dir.file("bad.json")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "ws2sim run: " + dir.file("bad.json") +
                          ": /connections/0/calls/0/onoff: expected a whole number from 0 to "
                          "4294967295, got \"on\"\n");
}

// Issue 21: numbers were bent (-1 and 99999999999999999999 became 2^64 - 1, "" became 0 or 1),
// conflicting or repeated options were quietly resolved, and usage errors did not name the command.
TEST(Cli, NumbersAreReadStrictly) {
  const std::string scenario = quoted(kSourceDir + "/cli/scenarios/nat.json");
  const struct {
    std::string args;
    std::string message;
  } cases[] = {
      {"run " + scenario + " --seed -1",
       "ws2sim run: --seed: expected a whole number from 0 to 18446744073709551615, got \"-1\"\n"},
      {"run " + scenario + " --seed 99999999999999999999",
       "ws2sim run: --seed: expected a whole number from 0 to 18446744073709551615, got "
       "\"99999999999999999999\"\n"},
      {"run " + scenario + " --seed ''",
       "ws2sim run: --seed: expected a whole number from 0 to 18446744073709551615, got an empty "
       "value\n"},
      {"load --connections -1",
       "ws2sim load: --connections: expected a whole number from 0 to 18446744073709551615, got "
       "\"-1\"\n"},
      {"load --count 4294967296",
       "ws2sim load: --count: expected a whole number from 0 to 4294967295, got \"4294967296\"\n"},
      {"load --seed 1e3",
       "ws2sim load: --seed: expected a whole number from 0 to 18446744073709551615, got "
       "\"1e3\"\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const auto r = ws2sim(c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output, c.message);
  }
}

TEST(Cli, ConflictsAndUnknownCommandsAreNamed) {
  auto r = ws2sim("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "ws2sim: unknown command \"frobnicate\": run, detect, load, profiles or demo (ws2sim "
            "--help)\n");
  r = ws2sim("detect --profile windows-xp --all-profiles");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output,
              HasSubstr("ws2sim detect: --profile and --all-profiles exclude each other"));
  r = ws2sim("detect --profile windows-xp --registry KeepAliveTime=1 --registry KeepAliveTime=2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "ws2sim detect: --registry KeepAliveTime=2: KeepAliveTime is already set (to 1)\n");
  r = ws2sim("detect --profile windows-xp --nat 350s,reset");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "ws2sim detect: --nat after the idle timeout comes \"drop\" or \"rst\", not "
            "\"reset\"\n");
  r = ws2sim("run " + quoted(kSourceDir + "/cli/scenarios/nat.json") +
             " --summary-only --svg x.svg");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "ws2sim run: --summary-only keeps no timeline: it cannot take --svg\n");
  r = ws2sim("detect --profile windows-xp --bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "ws2sim detect: The following argument was not expected: --bogus\n");
  r = ws2sim("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.output, ::testing::MatchesRegex("ws2sim [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST(Cli, RunTimeFailureExitsWithOne) {
  const auto r = ws2sim("run " + quoted(kSourceDir + "/cli/scenarios/nat.json") +
                        " --pcap /nonexistent/x.pcap");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

// Issue 21: a bad output path was found only after the run had printed and written the other
// files; two flags naming one file overwrote each other.
TEST(Cli, OutputsAreCheckedBeforeTheRunAndWrittenAllOrNone) {
  testing::TempDir dir;
  const std::string scenario = quoted(kSourceDir + "/cli/scenarios/nat.json");
  auto r = ws2sim("run " + scenario + " --trace " + quoted(dir.file("a.jsonl")) + " --svg " +
                  quoted(dir.file("b.svg")) + " --pcap /nonexistent/x.pcap");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "ws2sim run: --pcap /nonexistent/x.pcap: no such folder\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.jsonl")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("b.svg")));
  r = ws2sim("run " + scenario + " --trace " + quoted(dir.file("f")) + " --pcap " +
             quoted(dir.file("f")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "ws2sim run: --trace and --pcap name the same file (" + dir.file("f") + ")\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("f")));
  r = ws2sim("run " + scenario + " --trace " + quoted(dir.file("a.jsonl")) + " --pcap " +
                 quoted(dir.file("a.pcap")),
             /*with_stderr=*/false);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir.file("a.jsonl")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("a.pcap")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.jsonl.ws2sim-partial")));
}

TEST(Cli, DemoWritesItsFilesAndThePcapAgreesWithTheTimeline) {
  const std::optional<std::string> tshark = testing::find_on_path("tshark");
  ASSERT_TRUE(tshark.has_value())
      << "tshark is not on PATH: run scripts/setup.sh, then rerun the tests";
  testing::TempDir dir;
  const auto demo = ws2sim("demo --out " + quoted(dir.file("out")), false);
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  for (const char* f :
       {"demo.json", "demo.jsonl", "demo.pcap", "demo-timeline.svg", "detect-all-profiles.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.file("out/") + f)) << f;
  }
  testing::expect_well_formed_xml(dir.file("out/demo-timeline.svg"));
  testing::expect_well_formed_xml(dir.file("out/detect-all-profiles.svg"));

  // The timeline's probes, unfolded, by running the scenario the demo wrote.
  const auto full = ws2sim("run --full " + quoted(dir.file("out/demo.json")), false);
  ASSERT_EQ(full.exit_code, 0) << full.output;
  const std::size_t timeline_probes = count(full.output, "keep-alive probe ");
  EXPECT_EQ(timeline_probes, 280U);
  EXPECT_EQ(testing::marks(testing::read_file(dir.file("out/demo-timeline.svg")), "probe"),
            timeline_probes);

  const auto keep_alive = run_command(quoted(*tshark) + " -r " + quoted(dir.file("out/demo.pcap")) +
                                          " -Y tcp.analysis.keep_alive -T fields -e frame.number",
                                      false);
  ASSERT_EQ(keep_alive.exit_code, 0) << keep_alive.output;
  EXPECT_EQ(count_frame_lines(keep_alive.output), timeline_probes);

  // The trace has one JSON object per line, and as many probe-sent events.
  const std::string jsonl = testing::read_file(dir.file("out/demo.jsonl"));
  std::istringstream lines(jsonl);
  std::string line;
  std::size_t probe_events = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    probe_events += j["kind"] == "probe-sent" ? 1 : 0;
  }
  EXPECT_EQ(probe_events, timeline_probes);
}

TEST(Cli, DemoIsTheSameBytesInEveryProcess) {
  testing::TempDir dir;
  const auto a = ws2sim("demo --out " + quoted(dir.file("a")), false);
  const auto b = ws2sim("demo --out " + quoted(dir.file("b")), false);
  ASSERT_EQ(a.exit_code, 0);
  ASSERT_EQ(b.exit_code, 0);
  std::string a_out = a.output;
  for (std::size_t at = a_out.find(dir.file("a")); at != std::string::npos;
       at = a_out.find(dir.file("a"))) {
    a_out.replace(at, dir.file("a").size(), dir.file("b"));
  }
  EXPECT_EQ(a_out, b.output);
  for (const char* f :
       {"demo.jsonl", "demo.pcap", "demo-timeline.svg", "detect-all-profiles.svg"}) {
    EXPECT_EQ(testing::read_file(dir.file("a/") + f), testing::read_file(dir.file("b/") + f)) << f;
  }
  EXPECT_THAT(a.output, HasSubstr("xp-retrans-300    keep-alive probe 255/255"));
}

TEST(Cli, DetectKeepsTheCallsInCommandLineOrder) {
  const auto r = ws2sim(
      "detect --profile windows-10-1703 --tcp-keepintvl 5 --keepalive-vals 1,60000,1000 "
      "--so-keepalive 0 "
      "--tcp-keepcnt 3 --so-keepalive 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j["calls"].size(), 5U);
  EXPECT_EQ(j["calls"][0]["call"], "setsockopt(IPPROTO_TCP, TCP_KEEPINTVL, 5)");
  EXPECT_EQ(j["calls"][0]["error"], "WSAENOPROTOOPT");
  EXPECT_EQ(j["calls"][1]["call"], "WSAIoctl(SIO_KEEPALIVE_VALS, {1, 60000, 1000})");
  EXPECT_EQ(j["calls"][2]["call"], "setsockopt(SOL_SOCKET, SO_KEEPALIVE, 0)");
  EXPECT_EQ(j["calls"][3]["call"], "setsockopt(IPPROTO_TCP, TCP_KEEPCNT, 3)");
  EXPECT_EQ(j["calls"][4]["call"], "setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1)");
  // SO_KEEPALIVE off and on again keeps the ioctl's times and the count (docs/behaviour.md §3).
  EXPECT_EQ(j["detection_ms"], 63000);
  EXPECT_EQ(j["probes"], 3);
}

TEST(Cli, DetectTheIssueExample) {
  const auto r = ws2sim(
      "detect --profile windows-xp --registry TcpMaxDataRetransmissions=300 --so-keepalive 1 "
      "--json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["profile"], "windows-xp");
  EXPECT_EQ(j["probes"], 255);
  EXPECT_EQ(j["detection_ms"], 7455000);
  EXPECT_EQ(j["error"], "WSAENETRESET");
  const auto text = ws2sim(
      "detect --profile windows-xp --registry TcpMaxDataRetransmissions=300 --so-keepalive 1");
  EXPECT_THAT(text.output,
              HasSubstr("detected  7455000 ms (2h 4m 15s) after the last received segment"));
  EXPECT_THAT(text.output,
              HasSubstr("probes    255: the first 2h 0m 0s after the last received segment, then "
                        "one every 1s"));
}

TEST(Cli, DetectAllProfilesWithSvg) {
  testing::TempDir dir;
  const auto r = ws2sim("detect --all-profiles --so-keepalive 1 --tcp-keepcnt 4 --svg " +
                        quoted(dir.file("d.svg")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("windows-10-1703        OK, OK              4       7204000"));
  EXPECT_THAT(r.output, HasSubstr("windows-xp             OK, WSAENOPROTOOPT  5       7205000"));
  testing::expect_well_formed_xml(dir.file("d.svg"));
  const auto json = ws2sim("detect --all-profiles --so-keepalive 1 --json", false);
  const auto j = nlohmann::json::parse(json.output);
  EXPECT_EQ(j["results"].size(), 18U);
}

TEST(Cli, ProfilesListEveryVersionWithGrades) {
  const auto text = ws2sim("profiles");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_THAT(
      text.output,
      HasSubstr(
          "windows-10-1703        10.0.15063  yes [O]            no [D]               yes [D]"));
  const auto j = nlohmann::json::parse(ws2sim("profiles --json", false).output);
  ASSERT_EQ(j["profiles"].size(), 18U);
  for (const auto& p : j["profiles"]) {
    for (const auto& [name, fact] : p["facts"].items()) {
      EXPECT_THAT(fact["evidence"].get<std::string>(),
                  ::testing::AnyOf("documented", "observed", "rfc", "inferred"))
          << p["name"] << " " << name;
    }
  }
  EXPECT_EQ(j["profiles"][1]["name"], "windows-xp");
  EXPECT_EQ(j["profiles"][1]["facts"]["tcp_keepalive_option"]["value"], "no");
  EXPECT_EQ(j["profiles"][1]["facts"]["tcp_keepalive_option"]["evidence"], "observed");
}

// Issue 21: --html writes one self-contained page: inline SVG, the text, no script, nothing
// fetched from anywhere.
TEST(Cli, HtmlReportsAreSelfContained) {
  testing::TempDir dir;
  const std::string nat = quoted(kSourceDir + "/cli/scenarios/nat.json");
  struct Case {
    std::string command;
    std::string must_hold;
  };
  for (const Case& c : std::vector<Case>{
           {"run " + nat + " --html " + quoted(dir.file("run.html")),
            "NAT forgot the flow: idle for 350 s"},
           {"detect --all-profiles --so-keepalive 1 --html " + quoted(dir.file("detect.html")),
            "windows-server-2003"},
           {"load --connections 1000 --html " + quoted(dir.file("load.html")), "probes sent"}}) {
    SCOPED_TRACE(c.command);
    const auto r = ws2sim(c.command);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("(report, HTML)"));
    const std::string name = c.command.substr(0, c.command.find(' ')) + ".html";
    const std::string page = testing::read_file(dir.file(name));
    EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
    EXPECT_EQ(count(page, "<svg "), 1U);
    EXPECT_EQ(count(page, "<?xml"), 0U);
    EXPECT_EQ(count(page, "<script"), 0U);
    EXPECT_EQ(count(page, "http://"), count(page, "http://www.w3.org/2000/svg"));
    EXPECT_EQ(count(page, "https://"), 0U);
    EXPECT_THAT(page, HasSubstr(c.must_hold));
  }
  const auto same =
      ws2sim("run " + nat + " --svg " + quoted(dir.file("x")) + " --html " + quoted(dir.file("x")));
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_THAT(same.output, HasSubstr("--svg and --html name the same file"));
}

}  // namespace
}  // namespace ws2sim::cli
