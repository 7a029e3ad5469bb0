// `detect`: the detection times and call results of the spec (docs/behaviour.md
// §2, §3, §5; clients.md P4), measured by really running the calls on emulated sockets.
#include "ws2sim/cli/detect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/time_text.h"
#include "ws2sim/winsock/profile.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using winsock::RegistryValue;

constexpr int kWsaEnoprotoopt = 10042;
constexpr int kWsaEnetreset = 10052;
constexpr int kWsaEintr = 10004;

const KeepAliveCall kSoKeepAliveOn{.kind = CallKind::kSoKeepAlive, .value = 1};

DetectResult run(DetectRequest q) {
  Result<DetectResult> r = detect(q);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? std::move(r).value() : DetectResult{};
}

TEST(Detect, Windows10DefaultsTwoHoursTenProbesTenSeconds) {
  const DetectResult r =
      run({.profile = "windows-10-22h2", .registry = {}, .calls = {kSoKeepAliveOn}, .nat = {}});
  ASSERT_EQ(r.calls.size(), 1U);
  EXPECT_FALSE(r.calls[0].second.failed());
  EXPECT_EQ(r.probe_times.size(), 10U);
  ASSERT_TRUE(r.detection.has_value());
  EXPECT_EQ(to_ms(*r.detection), 7'210'000);
  EXPECT_EQ(r.recv->error, kWsaEnetreset);
  EXPECT_EQ(r.reason, CloseReason::kKeepAliveTimeout);
  // First probe two hours after the last received segment, then one a second.
  EXPECT_EQ(r.probe_times.front() - r.last_receive, 2h);
  EXPECT_EQ(r.probe_times.back() - r.last_receive, 2h + 9s);
}

// IPv6 (docs/behaviour.md §16): keep-alive knows no IP version. Every profile with an IPv6 stack
// detects a dead IPv6 peer at the same instant, with the same probes and the same error, as an
// IPv4 one; 2000/XP/2003 have no IPv6 stack, so the IPv6 sweep leaves them out.
TEST(Detect, OverIpv6EveryProfileDetectsAsOverIpv4) {
  DetectRequest q{.profile = "", .registry = {}, .calls = {kSoKeepAliveOn}, .nat = {}};
  const Result<std::vector<DetectResult>> v4 = detect_all_profiles(q);
  q.family = IpFamily::kIpv6;
  const Result<std::vector<DetectResult>> v6 = detect_all_profiles(q);
  ASSERT_TRUE(v4.ok() && v6.ok());
  ASSERT_EQ(v4->size(), 18U);
  ASSERT_EQ(v6->size(), 15U);
  for (const DetectResult& b : *v6) {
    SCOPED_TRACE(b.profile);
    const auto a = std::find_if(v4->begin(), v4->end(),
                                [&](const DetectResult& r) { return r.profile == b.profile; });
    ASSERT_NE(a, v4->end());
    EXPECT_TRUE(winsock::find_profile(b.profile)->ipv6.value);
    EXPECT_EQ(b.family, IpFamily::kIpv6);
    EXPECT_EQ(b.peer, "[2001:db8::2]:443");
    EXPECT_EQ(a->peer, "10.0.0.2:443");
    EXPECT_EQ(b.probe_times, a->probe_times);
    EXPECT_EQ(b.detection, a->detection);
    ASSERT_TRUE(b.recv.has_value());
    EXPECT_EQ(b.recv->error, a->recv->error);
  }
}

// docs/behaviour.md §17: the same drop, told three ways. On every profile an overlapped read
// ends at the instant a blocking recv() does, with WSAETIMEDOUT (WSAGetOverlappedResult) or
// ERROR_SEM_TIMEOUT (GetQueuedCompletionStatus), each with STATUS_IO_TIMEOUT.
TEST(Detect, OverlappedReadsEndWithTheirOwnErrorsAtTheRecvInstantOnEveryProfile) {
  DetectRequest q{.profile = "", .registry = {}, .calls = {kSoKeepAliveOn}, .nat = {}};
  const Result<std::vector<DetectResult>> blocking = detect_all_profiles(q);
  q.read = ReadMode::kOverlapped;
  const Result<std::vector<DetectResult>> overlapped = detect_all_profiles(q);
  q.read = ReadMode::kCompletionPort;
  const Result<std::vector<DetectResult>> port = detect_all_profiles(q);
  ASSERT_TRUE(blocking.ok() && overlapped.ok() && port.ok());
  ASSERT_EQ(port->size(), blocking->size());
  for (std::size_t i = 0; i < port->size(); ++i) {
    const DetectResult& a = (*blocking)[i];
    SCOPED_TRACE(a.profile);
    for (const DetectResult* b : {&(*overlapped)[i], &(*port)[i]}) {
      EXPECT_EQ(b->detection, a.detection);
      EXPECT_EQ(b->recv_returned, a.recv_returned);
      ASSERT_TRUE(b->recv.has_value());
      EXPECT_EQ(b->recv->status, std::optional<std::uint32_t>{0xC00000B5U});
    }
    EXPECT_EQ(a.recv->error, kWsaEnetreset);
    EXPECT_EQ((*overlapped)[i].recv->error, 10060);
    EXPECT_FALSE((*overlapped)[i].recv->win32);
    EXPECT_EQ((*port)[i].recv->error, 121);
    EXPECT_TRUE((*port)[i].recv->win32);
    EXPECT_EQ((*port)[i].read_call, "GetQueuedCompletionStatus()");
  }
  std::ostringstream out;
  std::ostringstream err;
  DetectArgs args;
  args.profile = "windows-11";
  args.calls = {kSoKeepAliveOn};
  args.read = "completion-port";
  args.json = true;
  ASSERT_EQ(command_detect(args, out, err), 0) << err.str();
  const nlohmann::json j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["read"], "completion-port");
  EXPECT_EQ(j["error"], "ERROR_SEM_TIMEOUT");
  EXPECT_EQ(j["error_code"], 121);
  EXPECT_EQ(j["status"], "STATUS_IO_TIMEOUT");
  args.read = "epoll";
  std::ostringstream bad;
  EXPECT_NE(command_detect(args, out, bad), 0);
  EXPECT_EQ(bad.str(),
            "ws2sim detect: --read: expected recv, overlapped or completion-port, got \"epoll\"\n");
}

TEST(Detect, OverIpv6OnAVersionWithoutAnIpv6StackIsAnError) {
  std::ostringstream out;
  std::ostringstream err;
  DetectArgs args;
  args.profile = "windows-xp";
  args.calls = {kSoKeepAliveOn};
  args.ipv6 = true;
  EXPECT_NE(command_detect(args, out, err), 0);
  EXPECT_EQ(err.str(),
            "ws2sim detect: --ipv6: windows-xp (Windows XP) has no IPv6 stack by default "
            "(docs/behaviour.md §16)\n");
  EXPECT_EQ(out.str(), "");
}

TEST(Detect, TheIpv6FlagShowsInTheTextAndTheJson) {
  std::ostringstream out;
  std::ostringstream err;
  DetectArgs args;
  args.profile = "windows-11";
  args.calls = {kSoKeepAliveOn};
  args.ipv6 = true;
  ASSERT_EQ(command_detect(args, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), ::testing::HasSubstr("connect() to [2001:db8::2]:443, the peer crashes"));
  args.json = true;
  std::ostringstream json_out;
  ASSERT_EQ(command_detect(args, json_out, err), 0) << err.str();
  const nlohmann::json j = nlohmann::json::parse(json_out.str());
  EXPECT_EQ(j["family"], "ipv6");
  EXPECT_EQ(j["peer"], "[2001:db8::2]:443");
  EXPECT_EQ(j["detection_ms"], 7'210'000);
}

TEST(Detect, WindowsXpDefaultsFiveProbes) {
  const DetectResult r =
      run({.profile = "windows-xp", .registry = {}, .calls = {kSoKeepAliveOn}, .nat = {}});
  EXPECT_EQ(r.probe_times.size(), 5U);
  ASSERT_TRUE(r.detection.has_value());
  EXPECT_EQ(to_ms(*r.detection), 7'205'000);
  EXPECT_EQ(r.recv->error, kWsaEnetreset);
}

TEST(Detect, XpTcpMaxDataRetransmissions300IsClampedTo255Probes) {
  const DetectResult r = run({.profile = "windows-xp",
                              .registry = {{RegistryValue::kTcpMaxDataRetransmissions, 300}},
                              .calls = {kSoKeepAliveOn},
                              .nat = {}});
  EXPECT_EQ(r.probe_times.size(), 255U);
  ASSERT_TRUE(r.detection.has_value());
  EXPECT_EQ(to_ms(*r.detection), 7'455'000);
}

TEST(Detect, RegistryTimesApplyOnVistaButNotTheCount) {
  const DetectResult r = run({.profile = "windows-7",
                              .registry = {{RegistryValue::kKeepAliveTime, 60'000},
                                           {RegistryValue::kKeepAliveInterval, 2'000},
                                           {RegistryValue::kTcpMaxDataRetransmissions, 3}},
                              .calls = {kSoKeepAliveOn},
                              .nat = {}});
  EXPECT_EQ(r.probe_times.size(), 10U);
  EXPECT_EQ(to_ms(*r.detection), 60'000 + 10 * 2'000);
}

TEST(Detect, Windows1703RejectsTcpKeepIntvlWhileEarlierCallsStayInEffect) {  // clients.md P4
  const DetectResult r = run({.profile = "windows-10-1703",
                              .registry = {},
                              .calls = {{.kind = CallKind::kKeepAliveVals,
                                         .onoff = 1,
                                         .keepalivetime = 60'000,
                                         .keepaliveinterval = 1'000},
                                        {.kind = CallKind::kTcpKeepCnt, .value = 3},
                                        {.kind = CallKind::kTcpKeepIntvl, .value = 5}},
                              .nat = {}});
  ASSERT_EQ(r.calls.size(), 3U);
  EXPECT_EQ(r.calls[0].second, (CallOutcome{0, 0}));
  EXPECT_EQ(r.calls[1].second, (CallOutcome{0, 0}));
  EXPECT_EQ(r.calls[2].second, (CallOutcome{-1, kWsaEnoprotoopt}));
  // 60 s idle, 3 probes (TCP_KEEPCNT) 1 s apart (the ioctl's interval, not TCP_KEEPINTVL's 5 s).
  EXPECT_EQ(r.probe_times.size(), 3U);
  EXPECT_EQ(to_ms(*r.detection), 63'000);
  EXPECT_EQ(describe(r.calls[2].second), "WSAENOPROTOOPT (10042)");
}

TEST(Detect, TheSameCallsOn1709AllSucceed) {
  const DetectResult r = run({.profile = "windows-10-1709",
                              .registry = {},
                              .calls = {{.kind = CallKind::kKeepAliveVals,
                                         .onoff = 1,
                                         .keepalivetime = 60'000,
                                         .keepaliveinterval = 1'000},
                                        {.kind = CallKind::kTcpKeepCnt, .value = 3},
                                        {.kind = CallKind::kTcpKeepIntvl, .value = 5}},
                              .nat = {}});
  EXPECT_FALSE(r.calls[2].second.failed());
  EXPECT_EQ(to_ms(*r.detection), 60'000 + 3 * 5'000);
}

TEST(Detect, OrderMattersTheLastWriterWins) {
  const KeepAliveCall idle{.kind = CallKind::kTcpKeepIdle, .value = 30};
  const KeepAliveCall vals{.kind = CallKind::kKeepAliveVals,
                           .onoff = 1,
                           .keepalivetime = 90'000,
                           .keepaliveinterval = 1'000};
  const DetectResult a =
      run({.profile = "windows-11", .registry = {}, .calls = {idle, vals}, .nat = {}});
  const DetectResult b =
      run({.profile = "windows-11", .registry = {}, .calls = {vals, idle}, .nat = {}});
  EXPECT_EQ(to_ms(*a.detection), 90'000 + 10 * 1'000);
  EXPECT_EQ(to_ms(*b.detection), 30'000 + 10 * 1'000);
}

TEST(Detect, XpRejectsTcpKeepAliveOption) {  // clients.md P5
  const DetectResult r =
      run({.profile = "windows-xp",
           .registry = {},
           .calls = {kSoKeepAliveOn, {.kind = CallKind::kTcpKeepAlive, .value = 10}},
           .nat = {}});
  EXPECT_EQ(r.calls[1].second.error, kWsaEnoprotoopt);
  EXPECT_EQ(to_ms(*r.detection), 7'205'000);  // the system defaults remain
}

TEST(Detect, NeverDetectedEndsAtTheHorizonWithWsaEintr) {
  const DetectResult no_calls =
      run({.profile = "windows-10-22h2", .registry = {}, .calls = {}, .nat = {}});
  EXPECT_FALSE(no_calls.detection.has_value());
  EXPECT_EQ(no_calls.recv->error, kWsaEintr);
  EXPECT_TRUE(no_calls.probe_times.empty());

  const DetectResult zero = run({.profile = "windows-xp",
                                 .registry = {{RegistryValue::kTcpMaxDataRetransmissions, 0},
                                              {RegistryValue::kPPTPTcpMaxDataRetransmissions, 0}},
                                 .calls = {kSoKeepAliveOn},
                                 .nat = {}});
  EXPECT_FALSE(zero.detection.has_value());
  EXPECT_EQ(zero.recv->error, kWsaEintr);
  const nlohmann::ordered_json j = detect_json(zero);
  EXPECT_TRUE(j["detection_ms"].is_null());
  EXPECT_EQ(j["error"], "WSAEINTR");
  EXPECT_EQ(j["error_code"], kWsaEintr);
}

TEST(Detect, BadRequestsAreErrorsNotCrashes) {
  EXPECT_FALSE(detect({.profile = "windows-12", .registry = {}, .calls = {}, .nat = {}}).ok());
  Result<DetectResult> r = detect({.profile = "windows-xp",
                                   .registry = {{RegistryValue::kKeepAliveTime, 0}},
                                   .calls = {},
                                   .nat = {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "KeepAliveTime must be from 1 to 0xFFFFFFFF milliseconds, got 0");
}

TEST(Detect, JsonShape) {
  const DetectResult r =
      run({.profile = "windows-10-1703",
           .registry = {{RegistryValue::kKeepAliveInterval, 500}},
           .calls = {kSoKeepAliveOn, {.kind = CallKind::kTcpKeepIntvl, .value = 5}},
           .nat = {}});
  const nlohmann::ordered_json j = detect_json(r);
  EXPECT_EQ(j["profile"], "windows-10-1703");
  ASSERT_TRUE(j["calls"].is_array());
  ASSERT_EQ(j["calls"].size(), 2U);
  EXPECT_EQ(j["calls"][0]["call"], "setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1)");
  EXPECT_EQ(j["calls"][0]["result"], 0);
  EXPECT_TRUE(j["calls"][0]["error"].is_null());
  EXPECT_EQ(j["calls"][1]["call"], "setsockopt(IPPROTO_TCP, TCP_KEEPINTVL, 5)");
  EXPECT_EQ(j["calls"][1]["result"], -1);
  EXPECT_EQ(j["calls"][1]["error"], "WSAENOPROTOOPT");
  EXPECT_EQ(j["calls"][1]["error_code"], kWsaEnoprotoopt);
  EXPECT_EQ(j["probes"], 10);
  ASSERT_EQ(j["probe_schedule_ms"].size(), 10U);
  EXPECT_EQ(j["probe_schedule_ms"][0], 7'200'000);
  EXPECT_EQ(j["probe_schedule_ms"][9], 7'200'000 + 9 * 500);
  EXPECT_EQ(j["detection_ms"], 7'205'000);
  EXPECT_EQ(j["error"], "WSAENETRESET");
  EXPECT_EQ(j["error_code"], kWsaEnetreset);
  EXPECT_EQ(j["reason"], "keepalive-timeout");
  EXPECT_EQ(j["registry"]["KeepAliveInterval"], 500);
}

TEST(Detect, AllProfilesGivesOneResultPerProfileInTableOrder) {
  Result<std::vector<DetectResult>> all =
      detect_all_profiles({.profile = {}, .registry = {}, .calls = {kSoKeepAliveOn}, .nat = {}});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), winsock::all_profiles().size());
  for (std::size_t i = 0; i < all->size(); ++i) {
    const DetectResult& r = (*all)[i];
    EXPECT_EQ(r.profile, winsock::all_profiles()[i].name);
    EXPECT_EQ(to_ms(*r.detection), winsock::all_profiles()[i].major == 5 ? 7'205'000 : 7'210'000)
        << r.profile;
  }
  const std::string table = format_detect_table(*all);
  EXPECT_THAT(table, ::testing::HasSubstr("windows-xp             OK     5       7205000"));
  EXPECT_THAT(table, ::testing::HasSubstr("windows-11             OK     10      7210000"));
}

// `-j N` runs the experiments of --all-profiles at once, each in a world of its own: the text,
// the JSON and the chart are the serial run's byte for byte, for any number of jobs (more jobs
// than profiles included), over every read mode and with a NAT (whose experiment runs twice).
TEST(DetectAllProfiles, AnyNumberOfJobsGivesTheSerialOutput) {
  const auto output = [](DetectArgs args, unsigned jobs, bool json) {
    args.all_profiles = true;
    args.jobs = jobs;
    args.json = json;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(command_detect(args, out, err), 0) << err.str();
    EXPECT_EQ(err.str(), "");
    return out.str();
  };
  DetectArgs plain;
  plain.calls = {kSoKeepAliveOn};
  DetectArgs port = plain;
  port.read = "completion-port";
  port.calls = {{.kind = CallKind::kKeepAliveVals,
                 .onoff = 1,
                 .keepalivetime = 30'000,
                 .keepaliveinterval = 500}};
  DetectArgs nat = plain;
  nat.nat = "600s,drop";
  DetectArgs overlapped_v6 = plain;
  overlapped_v6.read = "overlapped";
  overlapped_v6.ipv6 = true;
  for (const DetectArgs& args : {plain, port, nat, overlapped_v6}) {
    for (const bool json : {false, true}) {
      const std::string serial = output(args, 1, json);
      ASSERT_FALSE(serial.empty());
      for (const unsigned jobs : {2U, 3U, 7U, 64U}) {
        EXPECT_EQ(output(args, jobs, json), serial) << "jobs " << jobs << " json " << json;
      }
    }
  }
  // The library call behind it: the same results, in table order.
  const DetectRequest q{.profile = {}, .registry = {}, .calls = {kSoKeepAliveOn}, .nat = {}};
  const Result<std::vector<DetectResult>> one = detect_all_profiles(q, 1);
  const Result<std::vector<DetectResult>> many = detect_all_profiles(q, 5);
  ASSERT_TRUE(one.ok() && many.ok());
  ASSERT_EQ(one->size(), many->size());
  for (std::size_t i = 0; i < one->size(); ++i) {
    EXPECT_EQ(detect_json((*one)[i]), detect_json((*many)[i])) << (*one)[i].profile;
  }
}

TEST(DetectAllProfiles, JobsAreRefusedWithoutAllProfilesAndAtZero) {
  DetectArgs args;
  args.calls = {kSoKeepAliveOn};
  args.profile = "windows-11";
  args.jobs = 2;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(command_detect(args, out, err), 2);
  EXPECT_EQ(err.str(),
            "ws2sim detect: -j: runs the experiments of --all-profiles at once; one --profile is "
            "one experiment\n");
  args.profile.clear();
  args.all_profiles = true;
  args.jobs = 0;
  std::ostringstream zero;
  EXPECT_EQ(command_detect(args, out, zero), 2);
  EXPECT_EQ(zero.str(), "ws2sim detect: -j: at least 1 experiment at a time\n");
  EXPECT_EQ(out.str(), "");
  // An experiment that fails fails the command with the serial run's error, whatever -j is.
  const DetectRequest bad{.profile = {},
                          .registry = {{RegistryValue::kKeepAliveTime, 0}},
                          .calls = {kSoKeepAliveOn},
                          .nat = {}};
  const Result<std::vector<DetectResult>> serial = detect_all_profiles(bad, 1);
  ASSERT_FALSE(serial.ok());
  EXPECT_EQ(serial.error().message,
            "KeepAliveTime must be from 1 to 0xFFFFFFFF milliseconds, got 0");
  for (const unsigned jobs : {2U, 18U}) {
    const Result<std::vector<DetectResult>> parallel = detect_all_profiles(bad, jobs);
    ASSERT_FALSE(parallel.ok());
    EXPECT_EQ(parallel.error().message, serial.error().message);
  }
}

TEST(Detect, CommandLineValueParsers) {
  EXPECT_EQ(*parse_keepalive_vals("1,60000,1000"), (KeepAliveCall{.kind = CallKind::kKeepAliveVals,
                                                                  .onoff = 1,
                                                                  .keepalivetime = 60000,
                                                                  .keepaliveinterval = 1000}));
  EXPECT_EQ(parse_keepalive_vals("1,60000").error().message,
            "\"1,60000\": expected ONOFF,TIME_MS,INTERVAL_MS, e.g. 1,60000,1000");
  EXPECT_FALSE(parse_keepalive_vals("1,2,3,4").ok());
  EXPECT_FALSE(parse_keepalive_vals("1,,3").ok());
  EXPECT_EQ(*parse_dword("0xFFFFFFFF"), 0xFFFFFFFFU);
  EXPECT_EQ(parse_dword("4294967296").error().message,
            "\"4294967296\" does not fit a DWORD (0 to 4294967295)");
  const auto reg = parse_registry_assignment("tcpmaxdataretransmissions=300");
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->first, RegistryValue::kTcpMaxDataRetransmissions);
  EXPECT_EQ(reg->second, 300U);
  EXPECT_FALSE(parse_registry_assignment("KeepAliveTime").ok());
}

// Issue 21: `detect --nat`. The peer lives behind a NAT that forgets flows idle for 350 s.
NatConfig nat_350s(NatExpiry on_expiry) {
  return {.idle_timeout = 350s, .on_expiry = on_expiry};
}

TEST(DetectNat, DefaultKeepAliveComesTooLateAndTheProbesAreDropped) {
  const DetectResult r = run({.profile = "windows-10-22h2",
                              .registry = {},
                              .calls = {kSoKeepAliveOn},
                              .nat = nat_350s(NatExpiry::kDropSilently)});
  ASSERT_TRUE(r.nat_forgot.has_value());
  EXPECT_EQ(*r.nat_forgot - r.last_receive, 350s);  // the client's ACK left with the SYN-ACK
  EXPECT_EQ(r.probe_times.size(), 10U);
  EXPECT_EQ(r.probes_answered, 0U);
  ASSERT_TRUE(r.detection.has_value());
  EXPECT_EQ(*r.detection, 2h + 10s);
  EXPECT_EQ(r.reason, CloseReason::kKeepAliveTimeout);
  ASSERT_TRUE(r.recv.has_value());
  EXPECT_EQ(r.recv->error, kWsaEnetreset);  // a blocked recv() sees the drop, at the drop
  EXPECT_EQ(r.recv_returned, r.last_receive + 2h + 10s);
}

TEST(DetectNat, ResettingNatEndsTheConnectionAtTheFirstProbe) {
  const DetectResult r = run({.profile = "windows-10-22h2",
                              .registry = {},
                              .calls = {kSoKeepAliveOn},
                              .nat = nat_350s(NatExpiry::kReset)});
  ASSERT_EQ(r.probe_times.size(), 1U);
  EXPECT_EQ(r.reason, CloseReason::kResetByPeer);
  ASSERT_TRUE(r.recv.has_value());
  EXPECT_EQ(r.recv->error, 10054);                     // WSAECONNRESET
  EXPECT_EQ(r.recv_returned - r.probe_times[0], 1ms);  // the NAT's RST crosses the 1 ms link
}

TEST(DetectNat, ProbesShorterThanTheNatTimeoutKeepTheFlow) {
  const DetectResult r = run({.profile = "windows-10-22h2",
                              .registry = {},
                              .calls = {{.kind = CallKind::kKeepAliveVals,
                                         .value = 0,
                                         .onoff = 1,
                                         .keepalivetime = 300'000,
                                         .keepaliveinterval = 1'000}},
                              .nat = nat_350s(NatExpiry::kDropSilently)});
  EXPECT_FALSE(r.nat_forgot.has_value());
  EXPECT_EQ(r.probes_answered, 3U);
  EXPECT_FALSE(r.detection.has_value());
  EXPECT_FALSE(r.recv.has_value());  // still blocked: the connection lives
  const nlohmann::ordered_json j = detect_json(r);
  EXPECT_EQ(j["nat"]["idle_timeout_ms"], 350'000);
  EXPECT_TRUE(j["nat_forgot_ms"].is_null());
  EXPECT_TRUE(j["recv_result"].is_null());
}

TEST(DetectNat, WithoutKeepAliveTheNatForgetsAndNothingElseHappens) {
  const DetectResult r = run({.profile = "windows-10-22h2",
                              .registry = {},
                              .calls = {},
                              .nat = nat_350s(NatExpiry::kDropSilently)});
  ASSERT_TRUE(r.nat_forgot.has_value());
  EXPECT_TRUE(r.probe_times.empty());
  EXPECT_FALSE(r.detection.has_value());
  EXPECT_FALSE(r.recv.has_value());
  EXPECT_EQ(r.recv_returned, *r.nat_forgot);  // the run stops when nothing more can happen
}

TEST(DetectNat, TheOptionIsReadStrictly) {
  EXPECT_EQ(parse_nat("350s")->idle_timeout, 350s);
  EXPECT_EQ(parse_nat("350s")->on_expiry, NatExpiry::kDropSilently);
  EXPECT_EQ(parse_nat("5m,rst")->on_expiry, NatExpiry::kReset);
  EXPECT_EQ(parse_nat("5m,drop")->on_expiry, NatExpiry::kDropSilently);
  for (const char* bad : {"", "0s", "350", "350s,", "350s,reset", ",rst", "350s,rst,rst"}) {
    EXPECT_FALSE(parse_nat(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ws2sim::cli
