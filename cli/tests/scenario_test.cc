// Scenario files: the good ones parse to what they say; every bad one is rejected with the file
// name, the JSON pointer of the offending value and what was expected.
#include "ws2sim/cli/scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::kSourceDir;

json base() {
  return json::parse(R"({
    "name": "base", "seed": 4, "duration": "3h",
    "hosts": [
      {"name": "client", "profile": "windows-10-1703", "address": "10.0.0.1",
       "registry": {"KeepAliveTime": 60000}},
      {"name": "server", "profile": "windows-server-2022", "address": "10.0.0.2"}
    ],
    "links": [{"between": ["client", "server"], "latency": "5ms", "loss": 0.01}],
    "connections": [
      {"name": "first", "from": "client", "to": "server", "port": 443,
       "calls": [{"call": "SO_KEEPALIVE", "value": 1}]},
      {"name": "second", "from": "client", "to": "server", "port": 443, "at": "1s",
       "calls": [
         {"call": "SIO_KEEPALIVE_VALS", "onoff": 1, "keepalivetime": 60000, "keepaliveinterval": 1000},
         {"call": "TCP_KEEPCNT", "value": 3, "when": "connecting"},
         {"call": "TCP_KEEPINTVL", "value": 5, "when": "after-connect"}
       ]}
    ],
    "traffic": [{"at": "2s", "connection": "second", "from": "server", "bytes": 10}],
    "faults": [
      {"at": "60s", "type": "crash", "host": "server"},
      {"type": "nat", "between": ["client", "server"], "idle_timeout": "350s", "on_expiry": "reset"}
    ]
  })");
}

// The error message for `base()` changed by `edit`.
std::string error_after(const std::function<void(json&)>& edit) {
  json j = base();
  edit(j);
  Result<Scenario> s = parse_scenario(j.dump(), "bad.json");
  if (s.ok()) return "(accepted)";
  return s.error().message;
}

TEST(Scenario, BaseParsesIntoItsFields) {
  Result<Scenario> r = parse_scenario(base().dump(), "base.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Scenario& s = *r;
  EXPECT_EQ(s.name, "base");
  EXPECT_EQ(s.seed, 4U);
  EXPECT_EQ(s.duration, 3h);
  ASSERT_EQ(s.hosts.size(), 2U);
  ASSERT_EQ(s.hosts[0].registry.size(), 1U);
  EXPECT_EQ(s.hosts[0].registry[0].first, winsock::RegistryValue::kKeepAliveTime);
  EXPECT_EQ(s.hosts[0].registry[0].second, 60000U);
  ASSERT_EQ(s.links.size(), 1U);
  EXPECT_EQ(s.links[0].path.latency, 5ms);
  EXPECT_DOUBLE_EQ(s.links[0].path.loss, 0.01);
  ASSERT_EQ(s.connections.size(), 2U);
  EXPECT_EQ(s.connections[1].at, 1s);
  ASSERT_EQ(s.connections[1].calls.size(), 3U);
  EXPECT_EQ(s.connections[1].calls[0].call, (KeepAliveCall{.kind = CallKind::kKeepAliveVals,
                                                           .onoff = 1,
                                                           .keepalivetime = 60000,
                                                           .keepaliveinterval = 1000}));
  EXPECT_EQ(s.connections[1].calls[0].when, CallPhase::kBeforeConnect);
  EXPECT_EQ(s.connections[1].calls[1].when, CallPhase::kConnecting);
  EXPECT_EQ(s.connections[1].calls[2].when, CallPhase::kAfterConnect);
  ASSERT_EQ(s.traffic.size(), 1U);
  EXPECT_TRUE(s.traffic[0].from_server);
  ASSERT_EQ(s.faults.size(), 2U);
  EXPECT_EQ(s.faults[0].kind, FaultKind::kCrash);
  EXPECT_EQ(s.faults[1].kind, FaultKind::kNat);
  EXPECT_EQ(s.faults[1].at, 0s);
  EXPECT_EQ(s.faults[1].nat.idle_timeout, 350s);
  EXPECT_EQ(s.faults[1].nat.on_expiry, NatExpiry::kReset);
}

TEST(Scenario, EveryExampleScenarioParses) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSourceDir + "/cli/scenarios")) {
    if (entry.path().extension() != ".json") continue;
    Result<Scenario> s = load_scenario(entry.path().string());
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    ++n;
  }
  EXPECT_GE(n, 4U);
}

TEST(Scenario, TheDemoFileIsTheBuiltInScenario) {
  EXPECT_EQ(testing::read_file(kSourceDir + "/cli/scenarios/demo.json"), demo_scenario());
}

TEST(Scenario, BadValueNamesFileJsonPointerAndExpectation) {
  EXPECT_EQ(error_after([](json& j) { j["connections"][1]["calls"][0]["onoff"] = "yes"; }),
            "bad.json: /connections/1/calls/0/onoff: expected a whole number from 0 to 4294967295, "
            "got \"yes\"");
  EXPECT_EQ(
      error_after([](json& j) { j["connections"][1]["calls"][0]["keepalivetime"] = 4294967296LL; }),
      "bad.json: /connections/1/calls/0/keepalivetime: expected a whole number from 0 to "
      "4294967295, got "
      "4294967296");
  EXPECT_EQ(error_after([](json& j) { j["connections"][0]["calls"][0]["value"] = -1; }),
            "bad.json: /connections/0/calls/0/value: expected a whole number from 0 to 4294967295, "
            "got -1");
  EXPECT_EQ(error_after([](json& j) { j["connections"][0]["port"] = 0; }),
            "bad.json: /connections/0/port: expected a whole number from 1 to 65535, got 0");
  EXPECT_EQ(error_after([](json& j) { j["links"][0]["loss"] = 1.5; }),
            "bad.json: /links/0/loss: expected a probability from 0 to 1, got 1.5");
  EXPECT_EQ(error_after([](json& j) { j["seed"] = 1.5; }),
            "bad.json: /seed: expected a whole number from 0 to 18446744073709551615, got 1.5");
}

// Regression: 140 KB of nested brackets crashed `ws2sim run` (the error path converted the whole
// value to text recursively to quote 60 characters of it).
TEST(Scenario, DeepNestingIsAnErrorNotACrash) {
  const std::string arrays = std::string(140'000, '[') + std::string(140'000, ']');
  auto r = parse_scenario(arrays, "deep.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "deep.json: nested deeper than 32 levels");
  std::string objects;
  for (int i = 0; i < 50'000; ++i)
    objects += "{\"a\":";
  objects += "1" + std::string(50'000, '}');
  r = parse_scenario(objects, "deep.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "deep.json: nested deeper than 32 levels");
  // Within the limit, a wrongly typed deep value is quoted in at most 60 characters.
  const std::string message = error_after([](json& j) {
    json deep = json::array();
    for (int i = 0; i < 30; ++i)
      deep = json::array({deep});
    j["hosts"][0] = deep;
  });
  EXPECT_EQ(message, "bad.json: /hosts/0: expected an object, got " + std::string(31, '[') +
                         std::string(26, ']') + "...");
}

TEST(Scenario, DuplicateFieldsAreErrors) {
  auto r = parse_scenario(R"({"seed": 1, "seed": 2})", "dup.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "dup.json: (top level): duplicate field \"seed\"");
  r = parse_scenario(R"({"hosts": [{"name": "a"}, {"name": "b", "name": "c"}]})", "dup.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "dup.json: /hosts/1: duplicate field \"name\"");
}

TEST(Scenario, UnknownAndMissingFields) {
  EXPECT_EQ(error_after([](json& j) { j["connections"][0]["calls"][0]["onoff"] = 1; }),
            "bad.json: /connections/0/calls/0/onoff: unknown field \"onoff\" for SO_KEEPALIVE "
            "(expected one "
            "of: call, when, value)");
  EXPECT_EQ(error_after([](json& j) { j["hosts"][1]["profil"] = "x"; }),
            "bad.json: /hosts/1/profil: unknown field \"profil\" for a host (expected one of: "
            "name, profile, "
            "address, ipv6, aliases, resolver, registry, switches, listen)");
  EXPECT_EQ(
      error_after([](json& j) { j["connections"][1]["calls"][0].erase("keepaliveinterval"); }),
      "bad.json: /connections/1/calls/0: missing required field \"keepaliveinterval\" (time "
      "between "
      "unanswered probes, ms)");
  EXPECT_EQ(error_after([](json& j) { j.erase("duration"); }),
            "bad.json: (top level): missing required field \"duration\" (how much virtual time to "
            "run, e.g. "
            "\"3h\")");
  EXPECT_EQ(
      error_after([](json& j) { j["connections"][0]["calls"][0]["call"] = "SO_KEEPALIVES"; }),
      "bad.json: /connections/0/calls/0/call: expected one of SO_KEEPALIVE, SIO_KEEPALIVE_VALS, "
      "TCP_KEEPIDLE, TCP_KEEPALIVE, TCP_KEEPINTVL, TCP_KEEPCNT, got \"SO_KEEPALIVES\"");
}

TEST(Scenario, ReferencesAndNames) {
  EXPECT_EQ(error_after([](json& j) { j["connections"][0]["to"] = "srever"; }),
            "bad.json: /connections/0/to: no host named \"srever\" (hosts: client, server)");
  EXPECT_EQ(error_after([](json& j) { j["traffic"][0]["connection"] = "third"; }),
            "bad.json: /traffic/0/connection: no connection named \"third\" (connections: first, "
            "second)");
  EXPECT_EQ(error_after([](json& j) { j["hosts"][1]["name"] = "client"; }),
            "bad.json: /hosts/1/name: another host is already called \"client\"");
  // Regression: with 100,000 hosts the message listed every name (a 1 MB line).
  EXPECT_EQ(error_after([](json& j) {
              for (int i = 0; i < 1000; ++i) {
                j["hosts"].push_back({{"name", "extra" + std::to_string(i)},
                                      {"profile", "windows-10-22h2"},
                                      {"address", "10.9." + std::to_string(i / 250) + "." +
                                                      std::to_string(i % 250 + 1)}});
              }
              j["connections"][0]["to"] = "srever";
            }),
            "bad.json: /connections/0/to: no host named \"srever\" (hosts: client, server, "
            "extra0, extra1, extra2, extra3, extra4, extra5, extra6, extra7 and 992 more)");
  EXPECT_EQ(error_after([](json& j) { j["hosts"][1]["address"] = "10.0.0.1"; }),
            "bad.json: /hosts/1/address: address 10.0.0.1 is already host \"client\"'s");
  EXPECT_EQ(error_after([](json& j) { j["hosts"][1]["address"] = "10.0.0.256"; }),
            "bad.json: /hosts/1/address: expected an IPv4 address such as \"10.0.0.1\", got "
            "\"10.0.0.256\"");
  EXPECT_EQ(error_after([](json& j) { j["connections"][1]["name"] = "first"; }),
            "bad.json: /connections/1/name: another connection is already called \"first\"");
  EXPECT_EQ(
      error_after([](json& j) { j["connections"][0]["to"] = "client"; }),
      "bad.json: /connections/0/to: a connection needs two different hosts, got \"client\" twice");
  EXPECT_EQ(error_after([](json& j) {
              j["faults"][1]["between"] = json::array({"server", "server"});
            }),
            "bad.json: /faults/1/between/1: expected two different hosts, got \"server\" twice");
}

// IPv6 (docs/behaviour.md §16): "ipv6" host addresses and "family" on connections.
TEST(Scenario, Ipv6AddressesAndFamilies) {
  auto dual = [](json& j) {
    j["hosts"][0]["ipv6"] = "2001:db8::1";
    j["hosts"][1]["ipv6"] = "2001:DB8::2";
    j["connections"][0]["family"] = "ipv6";
  };
  Result<Scenario> ok = parse_scenario(
      [&] {
        json j = base();
        dual(j);
        return j.dump();
      }(),
      "dual.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->hosts[1].ipv6, "2001:DB8::2");
  EXPECT_EQ(ok->connections[0].family, IpFamily::kIpv6);
  EXPECT_EQ(ok->connections[1].family, IpFamily::kIpv4);
  EXPECT_EQ(error_after([](json& j) { j["hosts"][0]["ipv6"] = "2001:db8::g"; }),
            "bad.json: /hosts/0/ipv6: expected an IPv6 address such as \"2001:db8::1\", got "
            "\"2001:db8::g\"");
  EXPECT_EQ(error_after([](json& j) { j["hosts"][0]["ipv6"] = "::1"; }),
            "bad.json: /hosts/0/ipv6: ::1 cannot be a host's address (unspecified, loopback, "
            "IPv4-mapped or multicast)");
  EXPECT_EQ(error_after([&](json& j) {
              dual(j);
              j["hosts"][1]["ipv6"] = "2001:db8:0::1";
            }),
            "bad.json: /hosts/1/ipv6: address 2001:db8:0::1 is already host \"client\"'s");
  EXPECT_EQ(error_after([](json& j) { j["connections"][0]["family"] = "ipv6"; }),
            "bad.json: /connections/0/family: an IPv6 connection needs both hosts to have an "
            "\"ipv6\" address; host \"client\" has none");
  EXPECT_EQ(error_after([](json& j) {
              j["hosts"][0]["profile"] = "windows-server-2003";
              j["hosts"][0]["ipv6"] = "2001:db8::1";
            }),
            "bad.json: /hosts/0/ipv6: windows-server-2003 (Windows Server 2003 / XP x64) has no "
            "IPv6 stack by default (docs/behaviour.md §16)");
  EXPECT_EQ(error_after([](json& j) { j["connections"][0]["family"] = 6; }),
            "bad.json: /connections/0/family: expected \"ipv4\" or \"ipv6\", got 6");
}

// docs/behaviour.md §17: a connection's "read".
TEST(Scenario, AConnectionsReadShape) {
  Result<Scenario> ok = parse_scenario(
      [&] {
        json j = base();
        j["connections"][0]["read"] = "completion-port";
        return j.dump();
      }(),
      "read.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->connections[0].read, ReadMode::kCompletionPort);
  EXPECT_EQ(ok->connections[1].read, ReadMode::kRecv) << "the default";
  EXPECT_EQ(error_after([](json& j) { j["connections"][0]["read"] = "iocp"; }),
            "bad.json: /connections/0/read: expected \"recv\", \"overlapped\" or "
            "\"completion-port\", got \"iocp\"");
}

// Names (docs/names.md): "aliases", "resolver" and a connection's "to_name".
TEST(Scenario, AliasesResolversAndNamesToConnectTo) {
  auto named = [](json& j) {
    j["hosts"][1]["aliases"] = json::array({"db.example", "DB"});
    j["hosts"][0]["resolver"] = {{"delay", "250ms"}, {"answer", "no-recovery"}};
    j["connections"][0]["to_name"] = "DB.EXAMPLE";
  };
  json good = base();
  named(good);
  Result<Scenario> ok = parse_scenario(good.dump(), "names.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->hosts[1].aliases, (std::vector<std::string>{"db.example", "DB"}));
  ASSERT_TRUE(ok->hosts[0].resolver.has_value());
  EXPECT_EQ(ok->hosts[0].resolver->delay, 250ms);
  EXPECT_EQ(ok->hosts[0].resolver->answer, winsock::ResolverAnswer::kNoRecovery);
  EXPECT_EQ(ok->connections[0].to_name, "DB.EXAMPLE");
  EXPECT_EQ(error_after([&](json& j) {
              named(j);
              j["hosts"][1]["aliases"][1] = "CLIENT";
            }),
            "bad.json: /hosts/1/aliases/1: the name \"CLIENT\" is taken by host \"client\" (host "
            "names and aliases are case-insensitive)");
  EXPECT_EQ(error_after([&](json& j) {
              named(j);
              j["hosts"][1]["aliases"][0] = "localhost";
            }),
            "bad.json: /hosts/1/aliases/0: 'localhost' is every host's own loopback name");
  EXPECT_EQ(error_after([&](json& j) {
              named(j);
              j["connections"][0]["to_name"] = "client";
            }),
            "bad.json: /connections/0/to_name: \"client\" is not a name of host \"server\" (its "
            "name or one of its \"aliases\")");
  EXPECT_EQ(error_after([&](json& j) {
              named(j);
              j["hosts"][0]["resolver"]["answer"] = "broken";
            }),
            "bad.json: /hosts/0/resolver/answer: expected \"answers\", \"try-again\" or "
            "\"no-recovery\", got \"broken\"");
}

TEST(Scenario, ProfilesRegistryAndSwitches) {
  EXPECT_THAT(
      error_after([](json& j) { j["hosts"][0]["profile"] = "windows-12"; }),
      ::testing::StartsWith("bad.json: /hosts/0/profile: unknown profile \"windows-12\" (known: "
                            "windows-2000, windows-xp,"));
  // Ranges are the emulator's own: its message, at the value's path.
  EXPECT_EQ(error_after([](json& j) { j["hosts"][0]["registry"]["KeepAliveTime"] = 0; }),
            "bad.json: /hosts/0/registry/KeepAliveTime: KeepAliveTime must be from 1 to 0xFFFFFFFF "
            "milliseconds, got 0");
  EXPECT_EQ(error_after(
                [](json& j) { j["hosts"][0]["registry"]["PPTPTcpMaxDataRetransmissions"] = 256; }),
            "bad.json: /hosts/0/registry/PPTPTcpMaxDataRetransmissions: "
            "PPTPTcpMaxDataRetransmissions must be "
            "from 0 to 0xFF, got 256");
  EXPECT_EQ(
      error_after([](json& j) { j["hosts"][0]["registry"]["KeepAliveTimeout"] = 1; }),
      "bad.json: /hosts/0/registry/KeepAliveTimeout: unknown registry value \"KeepAliveTimeout\" "
      "(expected KeepAliveTime, KeepAliveInterval, TcpMaxDataRetransmissions or "
      "PPTPTcpMaxDataRetransmissions)");
  EXPECT_EQ(
      error_after([](json& j) {
        j["hosts"][0]["switches"] = {{"after_drop", "WSAENETRESET"}};
      }),
      "bad.json: /hosts/0/switches/after_drop: expected \"WSAENOTCONN\" or \"WSAECONNRESET\", got "
      "\"WSAENETRESET\"");
  EXPECT_EQ(error_after([](json& j) {
              j["hosts"][0]["switches"] = {{"network_down", 1}};
            }),
            "bad.json: /hosts/0/switches/network_down: expected true or false, got 1");
}

TEST(Scenario, TimesAndOrder) {
  EXPECT_EQ(error_after([](json& j) { j["duration"] = "3 hours"; }),
            "bad.json: /duration: expected a duration: \"3 hours\" is not a duration (a unit is "
            "missing); "
            "write it as whole numbers with units d, h, m, s, ms, e.g. \"350s\", \"2h0m10s\", "
            "\"1500ms\"");
  EXPECT_EQ(error_after([](json& j) { j["duration"] = 3; }),
            "bad.json: /duration: expected a duration string such as \"350s\", \"2h0m10s\" or "
            "\"1500ms\", "
            "got 3");
  EXPECT_EQ(error_after([](json& j) { j["faults"][0]["at"] = "4h"; }),
            "bad.json: /faults/0/at: \"4h\" is after the end of the scenario (duration 3h 0m 0s)");
  EXPECT_EQ(
      error_after([](json& j) { j["connections"][1]["calls"][2]["when"] = "before-connect"; }),
      "bad.json: /connections/1/calls/2/when: calls run in list order: a \"before-connect\" call "
      "cannot "
      "follow a \"connecting\" call");
  EXPECT_EQ(error_after([](json& j) { j["connections"][1]["calls"][2]["when"] = "later"; }),
            "bad.json: /connections/1/calls/2/when: expected \"before-connect\", \"connecting\" or "
            "\"after-connect\", got \"later\"");
}

TEST(Scenario, FaultsAndTraffic) {
  EXPECT_EQ(
      error_after([](json& j) { j["faults"][0]["type"] = "explode"; }),
      "bad.json: /faults/0/type: expected one of crash, restart, reboot, partition, heal, nat, "
      "network-down, network-up, got \"explode\"");
  EXPECT_EQ(error_after([](json& j) {
              j["faults"][0]["between"] = json::array({"client", "server"});
            }),
            "bad.json: /faults/0/between: unknown field \"between\" for a \"crash\" fault "
            "(expected one of: at, "
            "type, host)");
  EXPECT_EQ(error_after([](json& j) { j["faults"][1]["on_expiry"] = "ignore"; }),
            "bad.json: /faults/1/on_expiry: expected \"drop\" or \"reset\", got \"ignore\"");
  EXPECT_EQ(error_after([](json& j) { j["traffic"][0]["from"] = "both"; }),
            "bad.json: /traffic/0/from: expected \"client\" or \"server\", got \"both\"");
  EXPECT_EQ(error_after([](json& j) { j["traffic"][0]["bytes"] = 0; }),
            "bad.json: /traffic/0/bytes: expected a whole number from 1 to 65535, got 0");
}

TEST(Scenario, NotJsonOrNotAnObject) {
  Result<Scenario> s = parse_scenario("{\n  \"name\": \"x\",\n  \"hosts\": [\n}", "broken.json");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(
      s.error().message,
      ::testing::StartsWith("broken.json: not valid JSON: parse error at line 4, column 1"));
  s = parse_scenario("[1, 2]", "array.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "array.json: (top level): expected an object, got [1,2]");
  s = load_scenario("/nonexistent/ws2sim.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "/nonexistent/ws2sim.json: cannot open the scenario file");
}

TEST(Scenario, DurationsReadAsWholeMilliseconds) {
  EXPECT_EQ(*parse_duration("2h0m10s"), 7210s);
  EXPECT_EQ(*parse_duration("1500ms"), 1500ms);
  EXPECT_EQ(*parse_duration("1d"), 24h);
  EXPECT_EQ(*parse_duration("0s"), 0s);
  EXPECT_FALSE(parse_duration("1.5s").ok());
  EXPECT_FALSE(parse_duration("-1s").ok());
  EXPECT_FALSE(parse_duration("1w").ok());
  EXPECT_FALSE(parse_duration("").ok());
  EXPECT_FALSE(parse_duration("99999999999999999999s").ok());
}

// Regression (issue 21): "1h1h" read as 2 h. Each unit once, largest first.
TEST(Scenario, DurationUnitsComeOnceLargestFirst) {
  auto d = parse_duration("1h1h");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.error().message, ::testing::HasSubstr("the unit \"h\" is given twice"));
  d = parse_duration("30m1h");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.error().message, ::testing::HasSubstr("units go from the largest down"));
  EXPECT_EQ(*parse_duration("1d2h3m4s5ms"), 93'784'005ms);
}

}  // namespace
}  // namespace ws2sim::cli
