// Determinism at scale (docs/reliability.md): 200 seeded random scenarios, each with lossy links
// and faults, played twice through the whole stack (scenario parser, runner threads, emulator,
// model, writers) give byte-identical JSON-lines traces and pcaps; the same scenario under
// another seed gives a different trace.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "ws2sim/cli/runner.h"
#include "ws2sim/cli/scenario.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/trace_writers.h"

namespace ws2sim::cli {
namespace {

constexpr int kScenarios = 200;

// A random but valid scenario: 2-4 hosts on random profiles, lossy links, 1-3 connections with
// random keep-alive calls, some traffic and 1-4 faults, within 10 to 40 virtual minutes.
std::string random_scenario(std::uint64_t seed) {
  Rng rng(seed);
  auto pick = [&](auto const& list) { return list[rng.below(std::size(list))]; };
  static constexpr const char* kProfiles[] = {"windows-xp",          "windows-7",
                                              "windows-10-1703",     "windows-10-22h2",
                                              "windows-server-2022", "windows-11"};
  nlohmann::json s;
  s["name"] = "random-" + std::to_string(seed);
  s["seed"] = seed;
  const std::uint64_t minutes = 10 + rng.below(31);
  s["duration"] = std::to_string(minutes) + "m";
  const std::uint64_t hosts = 2 + rng.below(3);
  for (std::uint64_t h = 0; h < hosts; ++h) {
    nlohmann::json host{{"name", "h" + std::to_string(h)},
                        {"profile", pick(kProfiles)},
                        {"address", "10.0.0." + std::to_string(h + 1)}};
    if (rng.below(3) == 0) host["registry"] = {{"TcpMaxDataRetransmissions", rng.below(8)}};
    s["hosts"].push_back(host);
  }
  for (std::uint64_t a = 0; a < hosts; ++a) {
    for (std::uint64_t b = a + 1; b < hosts; ++b) {
      s["links"].push_back({{"between", {"h" + std::to_string(a), "h" + std::to_string(b)}},
                            {"latency", std::to_string(1 + rng.below(80)) + "ms"},
                            {"loss", 0.01 * static_cast<double>(1 + rng.below(20))}});
    }
  }
  const std::uint64_t connections = 1 + rng.below(3);
  for (std::uint64_t c = 0; c < connections; ++c) {
    const std::uint64_t from = rng.below(hosts);
    const std::uint64_t to = (from + 1 + rng.below(hosts - 1)) % hosts;
    nlohmann::json conn{{"name", "c" + std::to_string(c)},
                        {"from", "h" + std::to_string(from)},
                        {"to", "h" + std::to_string(to)},
                        {"port", 1000 + c},
                        {"at", std::to_string(rng.below(30)) + "s"}};
    switch (rng.below(4)) {
      case 0:
        conn["calls"].push_back({{"call", "SO_KEEPALIVE"}, {"value", 1}});
        break;
      case 1:
        conn["calls"].push_back({{"call", "SIO_KEEPALIVE_VALS"},
                                 {"onoff", 1},
                                 {"keepalivetime", 5'000 + rng.below(120'000)},
                                 {"keepaliveinterval", 500 + rng.below(5'000)}});
        break;
      case 2:
        conn["calls"].push_back({{"call", "TCP_KEEPIDLE"}, {"value", 10 + rng.below(100)}});
        conn["calls"].push_back(
            {{"call", "SO_KEEPALIVE"}, {"value", 1}, {"when", "after-connect"}});
        break;
      default:
        break;  // no keep-alive
    }
    s["connections"].push_back(conn);
    for (std::uint64_t t = rng.below(4); t > 0; --t) {
      nlohmann::json traffic{{"at", std::to_string(31 + rng.below(300)) + "s"},
                             {"connection", "c" + std::to_string(c)},
                             {"bytes", 1 + rng.below(3000)}};
      if (rng.below(2) == 0) traffic["from"] = "server";
      s["traffic"].push_back(traffic);
    }
  }
  static constexpr const char* kFaults[] = {"crash",        "reboot",     "partition", "heal",
                                            "network-down", "network-up", "nat"};
  for (std::uint64_t f = 1 + rng.below(4); f > 0; --f) {
    const std::string type = pick(kFaults);
    const std::string a = "h" + std::to_string(rng.below(hosts));
    const std::string b =
        "h" + std::to_string((rng.below(hosts - 1) + 1 + std::stoul(a.substr(1))) % hosts);
    nlohmann::json fault{{"at", std::to_string(1 + rng.below(minutes * 60 - 1)) + "s"},
                         {"type", type}};
    if (type == "partition" || type == "heal") {
      fault["between"] = {a, b};
    } else if (type == "nat") {
      fault["between"] = {a, b};
      fault["idle_timeout"] = std::to_string(30 + rng.below(300)) + "s";
    } else {
      fault["host"] = a;
    }
    s["faults"].push_back(fault);
  }
  return s.dump();
}

struct Output {
  std::string jsonl;
  std::string pcap;
  std::size_t events = 0;
};

Output play(const Scenario& s, std::optional<std::uint64_t> seed = {}) {
  Result<RunReport> r = run_scenario(s, seed);
  EXPECT_TRUE(r.ok()) << r.error().message;
  if (!r.ok()) return {};
  std::ostringstream jsonl;
  std::ostringstream pcap;
  EXPECT_TRUE(write_jsonl(r->trace(), jsonl).ok());
  EXPECT_TRUE(write_pcap(r->trace(), pcap).ok());
  return {jsonl.str(), pcap.str(), r->trace().events().size()};
}

TEST(DeterminismAtScale, TwoHundredRandomScenariosReplayByteForByte) {
  std::size_t events = 0;
  std::size_t lost = 0;
  for (std::uint64_t seed = 1; seed <= kScenarios; ++seed) {
    const std::string text = random_scenario(seed);
    Result<Scenario> s = parse_scenario(text, "random");
    ASSERT_TRUE(s.ok()) << s.error().message << "\n" << text;
    const Output first = play(*s);
    const Output second = play(*s);
    ASSERT_FALSE(first.jsonl.empty()) << text;
    ASSERT_EQ(first.jsonl, second.jsonl) << "seed " << seed << ": the traces differ\n" << text;
    ASSERT_EQ(first.pcap, second.pcap) << "seed " << seed << ": the pcaps differ";
    events += first.events;
    for (std::size_t at = first.jsonl.find("\"drop\":\"loss\""); at != std::string::npos;
         at = first.jsonl.find("\"drop\":\"loss\"", at + 1)) {
      ++lost;
    }
  }
  // The scenarios did exercise the lossy paths: segments were lost, plenty of events happened.
  EXPECT_GT(lost, 100U);
  EXPECT_GT(events, 20'000U);
}

TEST(DeterminismAtScale, AnotherSeedGivesAnotherTrace) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Result<Scenario> s = parse_scenario(random_scenario(seed), "random");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_NE(play(*s).jsonl, play(*s, seed + 1'000'000).jsonl) << "seed " << seed;
  }
}

}  // namespace
}  // namespace ws2sim::cli
