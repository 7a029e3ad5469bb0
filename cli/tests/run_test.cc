// `run`: scenarios played on the emulator, the summary facts, the timeline, determinism.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"
#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/runner.h"
#include "ws2sim/cli/svg.h"
#include "ws2sim/cli/time_text.h"
#include "ws2sim/cli/timeline.h"
#include "ws2sim/model/trace_writers.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::kSourceDir;
using ::testing::Not;

constexpr int kWsaEintr = 10004;
constexpr int kWsaEnetdown = 10050;
constexpr int kWsaEnetreset = 10052;
constexpr int kWsaEconnreset = 10054;
constexpr int kWsaEnotconn = 10057;
constexpr int kWsaEinval = 10022;
constexpr int kWsaEnoprotoopt = 10042;

Scenario demo() {
  Result<Scenario> s = parse_scenario(demo_scenario(), "demo");
  EXPECT_TRUE(s.ok()) << s.error().message;
  return *s;
}

Scenario example(const std::string& name) {
  Result<Scenario> s = load_scenario(kSourceDir + "/cli/scenarios/" + name);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return *s;
}

RunReport play(const Scenario& s, std::optional<std::uint64_t> seed = {}) {
  Result<RunReport> r = run_scenario(s, seed);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

const ConnectionReport& conn(const RunReport& r, const std::string& name) {
  for (const ConnectionReport& c : r.connections) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no connection " << name;
  return r.connections.front();
}

std::int64_t detection_ms(const ConnectionReport& c) {
  if (!c.closed_at || !c.last_receive) return -1;
  return to_ms(*c.closed_at - *c.last_receive);
}

// Every output of a run, as bytes.
std::string everything(const RunReport& r) {
  std::ostringstream jsonl;
  std::ostringstream pcap;
  EXPECT_TRUE(write_jsonl(r.trace(), jsonl).ok());
  EXPECT_TRUE(write_pcap(r.trace(), pcap).ok());
  return format_timeline(r, {.full = true}) + format_summary(r) + jsonl.str() + pcap.str() +
         timeline_svg(r);
}

TEST(Run, DemoDetectsTheDeadPeerWhenTheSpecSays) {
  const RunReport r = play(demo());
  ASSERT_EQ(r.connections.size(), 4U);
  const ConnectionReport& xp = conn(r, "xp-defaults");
  const ConnectionReport& xp300 = conn(r, "xp-retrans-300");
  const ConnectionReport& w10 = conn(r, "win10-defaults");
  const ConnectionReport& nat = conn(r, "win10-behind-nat");
  EXPECT_EQ(detection_ms(xp), 7'205'000);
  EXPECT_EQ(detection_ms(xp300), 7'455'000);
  EXPECT_EQ(detection_ms(w10), 7'210'000);
  EXPECT_EQ(detection_ms(nat), 7'210'000);  // a live server, but the NAT forgot the flow at 350 s
  EXPECT_EQ(xp.probes_sent, 5U);
  EXPECT_EQ(xp300.probes_sent, 255U);
  EXPECT_EQ(w10.probes_sent, 10U);
  EXPECT_EQ(nat.probes_sent, 10U);
  for (const ConnectionReport* c : {&xp, &xp300, &w10, &nat}) {
    EXPECT_EQ(c->reason, CloseReason::kKeepAliveTimeout) << c->name;
    ASSERT_TRUE(c->pending.has_value()) << c->name;
    EXPECT_EQ(c->pending->outcome.error, kWsaEnetreset) << c->name;  // the recv in progress
    ASSERT_EQ(c->later.size(), 2U) << c->name;
    EXPECT_EQ(c->later[0].outcome.error, kWsaEnotconn) << c->name;  // later recv
    EXPECT_EQ(c->later[1].outcome.error, kWsaEnotconn) << c->name;  // later send
    ASSERT_EQ(c->calls.size(), 1U);
    EXPECT_FALSE(c->calls[0].outcome.failed());
  }
  // The server behind the NAT never learns: its side is still open when the run ends.
  EXPECT_TRUE(nat.server_serial.has_value());
  EXPECT_FALSE(nat.server_closed_at.has_value());
  EXPECT_EQ(r.probe_count(), 280U);
}

// Regression (issue 21): the NAT's "forgot the flow" was placed at the first probe that found it
// gone (2:00:01); the flows expire 350 s after their last segment, the server's ACK at 1.020 s.
// cli/scenarios/ipv6.json (docs/behaviour.md §16): one connection over IPv6 and one over IPv4
// to a dual-stack server; each side of each is found in the trace, both are dropped at 40.06 s
// (last answer 20.06 s + 10 s idle + 10 probes), and the IPv6 one comes from the client's IPv6
// address.
TEST(Run, Ipv6AndIpv4ConnectionsToADualStackServerDieAtTheSameInstant) {
  const RunReport r = play(example("ipv6.json"));
  const ConnectionReport& v6 = conn(r, "over-ipv6");
  const ConnectionReport& v4 = conn(r, "over-ipv4");
  ASSERT_TRUE(v6.local.has_value());
  ASSERT_TRUE(v4.local.has_value());
  EXPECT_EQ(to_string(v6.local->address), "2001:db8::1");
  EXPECT_EQ(to_string(v4.local->address), "10.0.0.1");
  for (const ConnectionReport* c : {&v6, &v4}) {
    SCOPED_TRACE(c->name);
    EXPECT_TRUE(c->client_serial.has_value());
    EXPECT_TRUE(c->server_serial.has_value()) << "the dual-stack listener's side was found";
    EXPECT_EQ(c->reason, CloseReason::kKeepAliveTimeout);
    EXPECT_EQ(c->closed_at, kEpoch + 40060ms);
    EXPECT_EQ(detection_ms(*c), 20'000);
    EXPECT_EQ(c->probes_sent, 12U);
    EXPECT_EQ(c->probes_answered, 2U);
  }
}

// cli/scenarios/overlapped.json (docs/behaviour.md §17): three programs wait for data in the
// three shapes; keep-alive drops all three connections at one instant (40.060 s: last answer
// 20.060 s + 10 s + 10 probes), and each program is told its own error: recv() WSAENETRESET,
// WSAGetOverlappedResult WSAETIMEDOUT, GetQueuedCompletionStatus ERROR_SEM_TIMEOUT (121), the
// two overlapped ones with STATUS_IO_TIMEOUT; their next read fails at once with WSAECONNRESET.
TEST(Run, EachShapeOfReadIsToldItsOwnErrorAtTheSameDrop) {
  const RunReport r = play(example("overlapped.json"));
  struct Expected {
    const char* name;
    const char* call;
    int error;
    bool win32;
    std::optional<std::uint32_t> status;
    const char* later;
    int later_error;
  };
  const Expected rows[] = {
      {"blocking-recv", "recv()", 10052, false, std::nullopt, "recv()", 10057},
      {"overlapped-event", "WSAGetOverlappedResult()", 10060, false, 0xC00000B5U, "WSARecv()",
       10054},
      {"completion-port", "GetQueuedCompletionStatus()", 121, true, 0xC00000B5U, "WSARecv()",
       10054},
  };
  for (const Expected& e : rows) {
    SCOPED_TRACE(e.name);
    const ConnectionReport& c = conn(r, e.name);
    EXPECT_EQ(c.reason, CloseReason::kKeepAliveTimeout);
    EXPECT_EQ(c.closed_at, kEpoch + 40060ms);
    ASSERT_TRUE(c.pending.has_value());
    EXPECT_EQ(c.pending->call, e.call);
    EXPECT_EQ(c.pending->at, kEpoch + 40060ms);
    EXPECT_EQ(c.pending->outcome.error, e.error);
    EXPECT_EQ(c.pending->outcome.win32, e.win32);
    EXPECT_EQ(c.pending->outcome.status, e.status);
    ASSERT_FALSE(c.later.empty());
    EXPECT_EQ(c.later.front().call, e.later);
    EXPECT_EQ(c.later.front().outcome.error, e.later_error);
  }
  EXPECT_THAT(format_summary(r),
              ::testing::HasSubstr("the GetQueuedCompletionStatus() in progress got "
                                   "ERROR_SEM_TIMEOUT (121), STATUS_IO_TIMEOUT at 0:00:40.060"));
}

// cli/scenarios/names.json (docs/names.md): connections that resolve their server's name on
// their own thread, in virtual time: a 300 ms resolver delays only its connection, an outage
// ends its connection with WSATRY_AGAIN after 2 s, the others go on meanwhile.
TEST(Run, ConnectionsResolveTheirServerByNameThroughTheirHostsResolver) {
  const RunReport r = play(example("names.json"));
  const ConnectionReport& slow = conn(r, "slow-dns");
  const ConnectionReport& outage = conn(r, "dns-outage");
  const ConnectionReport& direct = conn(r, "by-host-name");
  EXPECT_EQ(direct.established_at, kEpoch + 4ms) << "no resolver delay: at once";
  EXPECT_EQ(slow.established_at, kEpoch + 304ms) << "300 ms lookup, then the handshake";
  ASSERT_TRUE(outage.connect_error.has_value());
  EXPECT_EQ(outage.connect_error->error, 11002) << "WSATRY_AGAIN";
  EXPECT_EQ(outage.failed_call, "getaddrinfo(db.example)");
  EXPECT_FALSE(outage.established_at.has_value());
  EXPECT_EQ(slow.closed_at, kEpoch + 70324ms);
  EXPECT_EQ(direct.closed_at, kEpoch + 70024ms);
  const std::string timeline = format_timeline(r, {.full = true});
  EXPECT_NE(
      timeline.find("0:00:02.000  app2  dns-outage    getaddrinfo(db.example) = WSATRY_AGAIN"),
      std::string::npos)
      << timeline;
}

TEST(Run, NatForgetsTheFlowIdleTimeoutAfterItsLastSegment) {
  const std::string timeline = format_timeline(play(example("nat.json")), {.full = true});
  EXPECT_THAT(timeline, HasSubstr("0:05:51.020  defaults   so-keepalive  NAT forgot the flow: idle "
                                  "for 350 s\n"));
  EXPECT_THAT(timeline, HasSubstr("0:05:51.020  reset-nat  rst-from-nat  NAT forgot the flow"));
  EXPECT_THAT(timeline, Not(HasSubstr("every-5-min  NAT forgot")));  // its probes keep it
}

// Issue 21: a run that keeps no trace gives the same summary, and the events it streams are the
// bytes the kept trace gives, for every example scenario.
TEST(Run, WithoutTheTraceTheSummaryAndTheStreamedTraceAreTheSame) {
  for (const char* name : {"nat.json", "faults.json", "calls-in-order.json"}) {
    SCOPED_TRACE(name);
    const Scenario s = example(name);
    const RunReport kept = play(s);
    RunOptions options;
    options.keep_trace = false;
    std::ostringstream jsonl;
    std::ostringstream pcap_bytes;
    PcapStream pcap(pcap_bytes);
    options.on_event = [&](const TraceEvent& e, const Trace& t) {
      jsonl << to_jsonl(e, t) << '\n';
      ASSERT_TRUE(pcap.write(e).ok());
    };
    const Result<RunReport> streamed = run_scenario(s, {}, options);
    ASSERT_TRUE(streamed.ok()) << streamed.error().message;
    ASSERT_TRUE(pcap.finish().ok());
    EXPECT_FALSE(streamed->trace_kept);
    EXPECT_TRUE(streamed->trace().events().empty());
    EXPECT_EQ(format_summary(*streamed), format_summary(kept));
    EXPECT_EQ(streamed->probes, kept.probe_count());
    std::ostringstream kept_jsonl;
    std::ostringstream kept_pcap;
    ASSERT_TRUE(write_jsonl(kept.trace(), kept_jsonl).ok());
    ASSERT_TRUE(write_pcap(kept.trace(), kept_pcap).ok());
    EXPECT_EQ(jsonl.str(), kept_jsonl.str());
    EXPECT_EQ(pcap_bytes.str(), kept_pcap.str());
  }
}

// Without the trace, memory no longer grows with virtual time: twenty days of a probe a second
// (1.7 million probes) fit a budget that stops the kept-trace run within days.
TEST(Run, WithoutTheTraceALongRunFitsASmallBudget) {
  const Scenario s = parse_scenario(testing::probe_a_second_json("20d"), "dense").value();
  RunOptions options;
  options.memory_budget = std::size_t{16} << 20;
  EXPECT_EQ(run_scenario(s, {}, options).error().code, ErrorCode::kResourceExhausted);
  options.keep_trace = false;
  const Result<RunReport> r = run_scenario(s, {}, options);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->connections[0].probes_sent, r->connections[0].probes_answered);
  EXPECT_GT(r->connections[0].probes_sent, 1'700'000U);
  EXPECT_TRUE(r->connections[0].open_at_end);
}

TEST(Run, SameSeedSameBytesOtherSeedOtherBytes) {
  const std::string a = everything(play(demo()));
  const std::string b = everything(play(demo()));
  EXPECT_EQ(a, b);
  const Scenario faults = example("faults.json");  // a lossy link: the seed decides what is lost
  const std::string c = everything(play(faults));
  const std::string d = everything(play(faults));
  const std::string e = everything(play(faults, faults.seed + 1));
  EXPECT_EQ(c, d);
  EXPECT_NE(c, e);
}

TEST(Run, ManyConnectionsOnSharedHostsStayDeterministic) {
  // 36 connections from 6 clients to 3 servers, opened at the same instants, with traffic both
  // ways, loss, a reboot and a partition: many threads wake at the same virtual times.
  nlohmann::json j = {{"name", "crowd"}, {"seed", 99}, {"duration", "10m"}};
  j["hosts"] = nlohmann::json::array();
  const char* profiles[] = {"windows-xp",      "windows-7",  "windows-10-1703",
                            "windows-10-22h2", "windows-11", "windows-server-2019"};
  for (int h = 0; h < 6; ++h) {
    j["hosts"].push_back({{"name", "c" + std::to_string(h)},
                          {"profile", profiles[h]},
                          {"address", "10.0.0." + std::to_string(h + 1)}});
  }
  for (int h = 0; h < 3; ++h) {
    j["hosts"].push_back({{"name", "s" + std::to_string(h)},
                          {"profile", "windows-server-2022"},
                          {"address", "10.0.1." + std::to_string(h + 1)}});
  }
  j["links"] = {{{"between", {"c0", "s0"}}, {"latency", "3ms"}, {"loss", 0.2}}};
  j["connections"] = nlohmann::json::array();
  j["traffic"] = nlohmann::json::array();
  for (int i = 0; i < 36; ++i) {
    const std::string name = "k" + std::to_string(i);
    j["connections"].push_back(
        {{"name", name},
         {"from", "c" + std::to_string(i % 6)},
         {"to", "s" + std::to_string(i % 3)},
         {"port", 80 + i % 2},
         {"at", std::to_string(i % 4) + "s"},
         {"calls",
          {{{"call", "SIO_KEEPALIVE_VALS"},
            {"onoff", 1},
            {"keepalivetime", 5000 + 1000 * (i % 5)},
            {"keepaliveinterval", 1000}},
           {{"call", "TCP_KEEPCNT"}, {"value", 3}, {"when", "after-connect"}}}}});
    j["traffic"].push_back({{"at", "20s"}, {"connection", name}, {"bytes", 10 + i}});
    j["traffic"].push_back(
        {{"at", "20s"}, {"connection", name}, {"from", "server"}, {"bytes", 20 + i}});
  }
  j["faults"] = {{{"at", "30s"}, {"type", "reboot"}, {"host", "s1"}},
                 {{"at", "40s"}, {"type", "partition"}, {"between", {"c3", "s2"}}},
                 {{"at", "45s"}, {"type", "heal"}, {"between", {"c3", "s2"}}},
                 {{"at", "50s"}, {"type", "crash"}, {"host", "s0"}}};
  Result<Scenario> s = parse_scenario(j.dump(), "crowd");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const std::string first = everything(play(*s));
  for (int k = 0; k < 3; ++k)
    EXPECT_EQ(everything(play(*s)), first) << "run " << k;
  const RunReport r = play(*s);
  std::size_t reset = 0;
  for (const ConnectionReport& c : r.connections) {
    if (c.pending && c.pending->outcome.error == kWsaEconnreset) ++reset;
  }
  EXPECT_EQ(reset, 12U);  // every connection to the rebooted s1 is reset at its next probe
}

TEST(Run, ConnectionOfAnswersTheSameIndexedAsScanned) {
  // run_scenario indexes the connections by trace serial (the timeline asks for every event);
  // a report without the index scans. Both must name the same connection for every event, and
  // every connection must own events on both of its sides.
  RunReport r = play(example("faults.json"));
  ASSERT_FALSE(r.by_serial.empty());
  std::vector<std::optional<std::size_t>> indexed;
  for (const TraceEvent& e : r.trace().events())
    indexed.push_back(r.connection_of(e));
  r.by_serial.clear();
  std::size_t i = 0;
  std::vector<int> sides(r.connections.size(), 0);
  for (const TraceEvent& e : r.trace().events()) {
    const std::optional<std::size_t> scanned = r.connection_of(e);
    EXPECT_EQ(indexed[i++], scanned) << "event " << i;
    if (scanned) {
      sides[*scanned] |= r.connections[*scanned].client_serial == e.connection ? 1 : 2;
    }
  }
  for (std::size_t c = 0; c < sides.size(); ++c) {
    EXPECT_EQ(sides[c], 3) << r.connections[c].name;
  }
}

TEST(Run, CallsInOrderScenario) {
  const RunReport r = play(example("calls-in-order.json"));
  const ConnectionReport& w1703 = conn(r, "on-1703");
  ASSERT_EQ(w1703.calls.size(), 4U);
  EXPECT_FALSE(w1703.calls[0].outcome.failed());
  EXPECT_FALSE(w1703.calls[1].outcome.failed());
  EXPECT_EQ(w1703.calls[2].outcome.error, kWsaEnoprotoopt);  // TCP_KEEPINTVL: not before 1709
  EXPECT_EQ(w1703.calls[3].outcome.error, kWsaEinval);       // SO_KEEPALIVE while connecting
  EXPECT_EQ(w1703.calls[3].when, "connecting");
  EXPECT_EQ(w1703.probes_sent, 3U);  // TCP_KEEPCNT stayed in effect
  EXPECT_EQ(detection_ms(w1703), 20'000 + 3 * 2'000);
  const ConnectionReport& w1709 = conn(r, "on-1709");
  EXPECT_EQ(detection_ms(w1709), 20'000 + 3 * 5'000);
  const ConnectionReport& xp = conn(r, "on-xp");
  EXPECT_EQ(xp.calls[1].outcome.error, kWsaEnoprotoopt);  // no TCP_KEEPCNT on XP
  EXPECT_FALSE(xp.calls[2].outcome.failed());             // XP allows SO_KEEPALIVE while connecting
  EXPECT_EQ(xp.calls[3].outcome.error, kWsaEnoprotoopt);  // TCP_KEEPIDLE after connect
  EXPECT_EQ(detection_ms(xp), 20'000 + 5 * 2'000);
}

TEST(Run, FaultsScenario) {
  const RunReport r = play(example("faults.json"));
  const ConnectionReport& reboot = conn(r, "peer-reboots");
  EXPECT_EQ(reboot.reason, CloseReason::kResetByPeer);
  EXPECT_EQ(reboot.pending->outcome.error, kWsaEconnreset);
  EXPECT_EQ(reboot.probes_sent, 1U);  // the rebooted server answers the first probe with RST
  const ConnectionReport& partition = conn(r, "short-partition");
  EXPECT_TRUE(partition.open_at_end);
  EXPECT_FALSE(partition.closed_at.has_value());
  const ConnectionReport& down = conn(r, "network-down");
  EXPECT_EQ(down.pending->outcome.error, kWsaEnetreset);
  EXPECT_EQ(down.later[0].outcome.error, kWsaEnetdown);
  EXPECT_EQ(down.calls[0].when, "after-connect");
  const ConnectionReport& lossy = conn(r, "lossy");
  EXPECT_EQ(lossy.later[0].outcome.error, kWsaEconnreset);  // the host's after_drop switch
}

TEST(Run, EdgeCasesEndCleanly) {
  const char* text = R"({
    "name": "edge", "duration": "1m",
    "hosts": [
      {"name": "a", "profile": "windows-10-22h2", "address": "10.0.0.1"},
      {"name": "b", "profile": "windows-xp", "address": "10.0.0.2"},
      {"name": "s", "profile": "windows-server-2022", "address": "10.0.1.1", "listen": [80]},
      {"name": "dead", "profile": "windows-server-2022", "address": "10.0.1.2"}
    ],
    "connections": [
      {"name": "refused", "from": "a", "to": "s", "port": 81},
      {"name": "to-dead", "from": "b", "to": "dead", "port": 80, "at": "1s"},
      {"name": "reboots", "from": "a", "to": "s", "port": 80, "at": "2s"},
      {"name": "late", "from": "b", "to": "s", "port": 80, "at": "59s999ms"},
      {"name": "no-net", "from": "b", "to": "s", "port": 80, "at": "30s"}
    ],
    "faults": [
      {"type": "crash", "host": "dead"},
      {"at": "10s", "type": "reboot", "host": "a"},
      {"at": "29s", "type": "network-down", "host": "b"},
      {"at": "40s", "type": "network-up", "host": "b"}
    ]
  })";
  Result<Scenario> s = parse_scenario(text, "edge");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const RunReport r = play(*s);
  EXPECT_EQ(conn(r, "refused").connect_error->error, 10061);  // WSAECONNREFUSED
  EXPECT_EQ(conn(r, "to-dead").connect_error->error, 10060);  // WSAETIMEDOUT after 3 + 6 + 12 s
  EXPECT_EQ(conn(r, "reboots").pending->outcome.error, kWsaEintr);  // its own host restarted
  EXPECT_EQ(conn(r, "reboots").later[0].outcome.error, 10093);      // WSANOTINITIALISED
  EXPECT_FALSE(conn(r, "late").established_at.has_value());
  EXPECT_FALSE(conn(r, "late").connect_error.has_value());
  EXPECT_EQ(conn(r, "no-net").connect_error->error, kWsaEnetdown);
  EXPECT_EQ(conn(r, "no-net").failed_call, "socket()");
  EXPECT_THAT(format_summary(r), HasSubstr("socket() failed: WSAENETDOWN (10050)"));
}

TEST(Run, TimelineHasOneLinePerProbeUnfoldedAndFoldsLongRuns) {
  const RunReport r = play(demo());
  std::size_t probes = 0;
  for (const TimelineLine& l : timeline_lines(r, {.full = true}))
    probes += l.probe ? 1 : 0;
  EXPECT_EQ(probes, r.probe_count());
  const std::string full = format_timeline(r, {.full = true});
  EXPECT_EQ(testing::count(full, "keep-alive probe "), 280U);
  const std::string folded = format_timeline(r);
  EXPECT_THAT(folded, HasSubstr("... 251 more probes, one every 1s, none answered ..."));
  EXPECT_THAT(folded, HasSubstr("keep-alive probe 255/255"));
  EXPECT_LT(testing::count(folded, "\n"), 90U);
  // Calls appear with their results, in the order made; the blocked recv gets WSAENETRESET.
  EXPECT_THAT(folded, HasSubstr("xp-defaults       setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1) = OK"));
  EXPECT_THAT(
      folded,
      HasSubstr("2:00:06.002  xp         xp-defaults       recv() in progress = SOCKET_ERROR, "
                "WSAENETRESET (10052)"));
  EXPECT_THAT(folded,
              HasSubstr("keep-alive probe 1/10, dropped by the NAT: it has no flow for it"));
  // A call's line comes before the segments it sent: connect() before the handshake completes.
  EXPECT_LT(folded.find("connect(server 10.0.1.1:443) from port 49152"),
            folded.find("connected: handshake"));
}

TEST(Run, SummaryStatesDetectionAndErrors) {
  const std::string summary = format_summary(play(demo()));
  EXPECT_THAT(
      summary,
      HasSubstr("died 2:04:16.002: keepalive-timeout, 7455000 ms (2h 4m 15s) after the last "
                "received segment"));
  EXPECT_THAT(summary, HasSubstr("the recv() in progress got WSAENETRESET (10052) at 2:00:06.002"));
  EXPECT_THAT(summary,
              HasSubstr("later calls: recv() WSAENOTCONN (10057), send() WSAENOTCONN (10057)"));
  EXPECT_THAT(
      summary,
      HasSubstr(
          "server side (api): still open at the end: nothing told it that the client gave up"));
}

TEST(Run, CommandExitCodes) {
  std::ostringstream out;
  std::ostringstream err;
  RunArgs args;
  args.scenario = "/nonexistent.json";
  EXPECT_EQ(command_run(args, out, err), kExitUsage);
  EXPECT_EQ(err.str(), "ws2sim run: /nonexistent.json: cannot open the scenario file\n");
  testing::TempDir dir;
  testing::write_file(dir.file("bad.json"),
                      R"({"duration": "1h", "hosts": [], "connections": []})");
  err.str("");
  args.scenario = dir.file("bad.json");
  EXPECT_EQ(command_run(args, out, err), kExitUsage);
  EXPECT_EQ(err.str(),
            "ws2sim run: " + dir.file("bad.json") + ": /hosts: expected at least two hosts\n");
  err.str("");
  args.scenario = kSourceDir + "/cli/scenarios/demo.json";
  args.trace = "/nonexistent/dir/t.jsonl";
  EXPECT_EQ(command_run(args, out, err), kExitFailure);
  EXPECT_THAT(err.str(), HasSubstr("/nonexistent/dir/t.jsonl"));
}

}  // namespace
}  // namespace ws2sim::cli
