// The GoogleTest helpers (ws2sim/gtest.h) on a real world: each matcher matches what happened,
// and fails with a message that says what happened instead.
#include <gtest/gtest-spi.h>
#include <mstcpip.h>  // SIO_KEEPALIVE_VALS, after the ws2sim headers like every drop-in header

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "ws2sim/gtest.h"
// Sleep, for a thread that waits forever.
#include <windows.h>

namespace {

using namespace std::chrono_literals;
using ::testing::DescribeMatcher;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ws2sim::CloseReason;
using ws2sim::Trace;
using ws2sim::gtest::at;
using ws2sim::gtest::ConnectionDropped;
using ws2sim::gtest::FailsWith;
using ws2sim::gtest::Host;
using ws2sim::gtest::HostScope;
using ws2sim::gtest::IsOk;
using ws2sim::gtest::IsWsaError;
using ws2sim::gtest::ProbesSentBy;
using ws2sim::gtest::SentProbesAt;
using ws2sim::gtest::Succeeds;

// What a matcher says about a value it is given.
template <typename T, typename M>
std::string explain(const M& matcher, const T& value) {
  ::testing::StringMatchResultListener listener;
  ::testing::Matcher<const T&>(matcher).MatchAndExplain(value, &listener);
  return listener.str();
}

sockaddr_in address(const char* ip, u_short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

// The fixture as a user derives it: a client on Windows 10 and a server 5 ms away listening on 443.
class Helpers : public ws2sim::gtest::WinsockTest {
 protected:
  void SetUp() override {
    client = &add_host("client", "windows-10-22h2", "10.0.0.1");
    server = &add_host("server", "windows-server-2022", "10.0.0.2");
    ASSERT_THAT(world.set_link(*client, *server, {.latency = 5ms, .loss = 0.0}), IsOk());
    listen_on(*server, 443);
    startup(*client);
  }

  // Connects with SIO_KEEPALIVE_VALS {1, 30 s, 1 s}, crashes the server and blocks in recv until
  // keep-alive gives up. Returns recv's result (its error is the thread's last error).
  int keepalive_gives_up() {
    HostScope on(*client);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    tcp_keepalive ka{1, 30'000, 1'000};
    DWORD returned = 0;
    EXPECT_THAT(
        WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr),
        Succeeds());
    sockaddr_in to = address("10.0.0.2", 443);
    EXPECT_THAT(connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to), Succeeds());
    EXPECT_THAT(world.crash(*server), IsOk());
    char buf[16];
    return recv(s, buf, sizeof buf, 0);
  }

  // The probe instants of keepalive_gives_up(): established at 10 ms (SYN-ACK back after 5 + 5),
  // idle 30 s, then one a second.
  static std::vector<ws2sim::TimePoint> expected_probes() {
    std::vector<ws2sim::TimePoint> t;
    t.reserve(10);
    for (int i = 0; i < 10; ++i) {
      t.push_back(at(30s + 10ms + i * 1s));
    }
    return t;
  }

  Host* client = nullptr;
  Host* server = nullptr;
};

// ---- Succeeds / FailsWith / IsWsaError ----------------------------------------------------------

TEST_F(Helpers, FailsWithMatchesTheErrorOfTheCallJustMade) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_THAT(s, Succeeds());
  sockaddr_in to = address("10.0.0.2", 80);  // nothing listens there: RST
  const int r = connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to);
  EXPECT_THAT(r, FailsWith(WSAECONNREFUSED));
  EXPECT_THAT(r, Not(FailsWith(WSAETIMEDOUT)));
  EXPECT_THAT(r, Not(Succeeds()));
  EXPECT_EQ(explain<int>(FailsWith(WSAECONNREFUSED), r),
            "the call failed with WSAECONNREFUSED (10061)");
}

TEST_F(Helpers, FailsWithNamesTheActualErrorWhenItDiffers) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in to = address("10.0.0.2", 80);
  const int r = connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to);
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(r, FailsWith(WSAETIMEDOUT)),
      "Expected: fails (SOCKET_ERROR or INVALID_SOCKET) with WSAETIMEDOUT "
      "(10060)\n  Actual: -1 (of type int), the call failed with WSAECONNREFUSED (10061)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(r, Succeeds()),
                          "the call failed with WSAECONNREFUSED (10061)");
}

TEST_F(Helpers, FailsWithSaysWhenTheCallSucceeded) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in to = address("10.0.0.2", 443);
  const int r = connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to);
  EXPECT_THAT(r, Succeeds());
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(r, FailsWith(WSAECONNREFUSED)),
                          "the call succeeded (returned 0)");
}

TEST_F(Helpers, SocketResultsFailAsInvalidSocket) {
  HostScope on(*client);
  const SOCKET bad = socket(AF_INET, SOCK_STREAM, 9999);  // no such protocol
  EXPECT_THAT(bad, FailsWith(WSAEPROTONOSUPPORT));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(bad, Succeeds()),
                          "the call failed with WSAEPROTONOSUPPORT (10043)");
}

TEST(WsaErrorMatcher, NamesBothErrors) {
  EXPECT_THAT(10052, IsWsaError(WSAENETRESET));
  EXPECT_THAT(0, IsWsaError(0));
  EXPECT_EQ(DescribeMatcher<int>(IsWsaError(WSAENETRESET)), "is WSAENETRESET (10052)");
  EXPECT_EQ(DescribeMatcher<int>(IsWsaError(WSAENETRESET), /*negation=*/true),
            "is not WSAENETRESET (10052)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(WSAECONNRESET, IsWsaError(WSAENETRESET)),
                          "Actual: 10054 (of type int), which is WSAECONNRESET (10054)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(0, IsWsaError(WSAENETRESET)), "which is 0 (no error)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(4242, IsWsaError(0)), "which is error 4242");
}

TEST(ErrorNames, EveryCodeOfTheHeaderHasItsName) {
  EXPECT_EQ(ws2sim::winsock::wsa_error_name(WSAENETRESET), "WSAENETRESET");
  EXPECT_EQ(ws2sim::winsock::wsa_error_name(WSA_IO_PENDING), "WSA_IO_PENDING");
  EXPECT_EQ(ws2sim::winsock::wsa_error_name(WSANO_DATA), "WSANO_DATA");
  EXPECT_EQ(ws2sim::winsock::wsa_error_name(0), std::nullopt);
  EXPECT_EQ(ws2sim::winsock::wsa_error_name(10001), std::nullopt);
  EXPECT_EQ(ws2sim::winsock::describe_wsa_error(WSAETIMEDOUT), "WSAETIMEDOUT (10060)");
}

// ---- IsOk ---------------------------------------------------------------------------------------

TEST(IsOkMatcher, ExplainsTheError) {
  ws2sim::winsock::World world{1};
  EXPECT_THAT(world.add_host("a", "windows-10-22h2", "10.0.0.1"), IsOk());
  const auto bad = world.add_host("b", "windows-99", "10.0.0.2");
  EXPECT_THAT(bad, Not(IsOk()));
  EXPECT_THAT(explain<decltype(bad)>(IsOk(), bad), HasSubstr("it failed: "));
  EXPECT_THAT(explain<decltype(bad)>(IsOk(), bad), HasSubstr(bad.error().message));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(bad.status(), IsOk()), bad.error().message);
}

// ---- Trace matchers -----------------------------------------------------------------------------

TEST_F(Helpers, ProbesAndDropMatchWhatHappened) {
  EXPECT_THAT(keepalive_gives_up(), FailsWith(WSAENETRESET));
  const Trace& trace = world.trace();
  EXPECT_THAT(trace, SentProbesAt(*client, expected_probes()));
  EXPECT_THAT(trace,
              SentProbesAt(*client, {30s + 10ms, 31s + 10ms, 32s + 10ms, 33s + 10ms, 34s + 10ms,
                                     35s + 10ms, 36s + 10ms, 37s + 10ms, 38s + 10ms, 39s + 10ms}));
  EXPECT_THAT(trace, SentProbesAt(*server, std::vector<ws2sim::TimePoint>{}));
  EXPECT_THAT(trace, ProbesSentBy(*client, SizeIs(10)));
  EXPECT_THAT(trace, ProbesSentBy(*server, IsEmpty()));
  EXPECT_THAT(trace, ConnectionDropped(*client, at(40s + 10ms), CloseReason::kKeepAliveTimeout));
  EXPECT_THAT(trace, ConnectionDropped(*client, CloseReason::kKeepAliveTimeout));
  EXPECT_THAT(trace, Not(ConnectionDropped(*client, CloseReason::kResetByPeer)));
  EXPECT_THAT(trace, Not(ConnectionDropped(*server, CloseReason::kKeepAliveTimeout)));
  EXPECT_EQ(world.now(), at(40s + 10ms));
}

TEST_F(Helpers, ProbeTimesMismatchShowsTheFirstDifference) {
  keepalive_gives_up();
  std::vector<ws2sim::TimePoint> late = expected_probes();
  late[3] += 500ms;
  EXPECT_EQ(explain<Trace>(SentProbesAt(*client, late), world.trace()),
            "client sent 10 probes, at 30.010s, 31.010s, 32.010s, 33.010s, 34.010s, 35.010s, "
            "36.010s, 37.010s, 38.010s, 39.010s; the first difference is probe 4: at 33.010s, "
            "expected at 33.510s");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(world.trace(), SentProbesAt(*client, {30s + 10ms, 31s + 10ms})),
      "probe 3 at 32.010s was not expected");
  std::vector<ws2sim::TimePoint> more = expected_probes();
  more.push_back(at(40s + 10ms));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(world.trace(), SentProbesAt(*client, more)),
                          "probe 11, expected at 40.010s, was not sent");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(world.trace(), SentProbesAt(*server, {1s})),
                          "server sent no keep-alive probes; probe 1, expected at 1.000s");
}

TEST_F(Helpers, ProbeMatchersDescribeWhatTheyWant) {
  EXPECT_EQ(DescribeMatcher<const Trace&>(SentProbesAt(*client, {30s, 31s + 500ms})),
            "has client sending exactly 2 keep-alive probes, at 30.000s, 31.500s");
  EXPECT_EQ(DescribeMatcher<const Trace&>(SentProbesAt(*client, std::vector<ws2sim::TimePoint>{})),
            "has client sending no keep-alive probes");
  EXPECT_EQ(DescribeMatcher<const Trace&>(ProbesSentBy(*client, SizeIs(10))),
            "has client's keep-alive probe instants (size is equal to 10)");
  EXPECT_EQ(DescribeMatcher<const Trace&>(
                ConnectionDropped(*client, at(40s + 10ms), CloseReason::kKeepAliveTimeout)),
            "has a connection of client closed at 40.010s because of keepalive-timeout");
}

TEST_F(Helpers, InnerProbeMatchersPrintInstants) {
  keepalive_gives_up();
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(world.trace(), ProbesSentBy(*client, ElementsAre(at(30s)))),
                          "(has 1 element that is equal to 30.000s)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(world.trace(), ProbesSentBy(*client, SizeIs(9))),
                          "Expected: has client's keep-alive probe instants (size is equal to 9)\n"
                          "  Actual: a trace of 40 events from 0.000s to 40.010s (of type "
                          "ws2sim::Trace), client sent 10 probes, at 30.010s");
}

TEST_F(Helpers, DropMismatchListsTheClosesThatHappened) {
  keepalive_gives_up();
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(world.trace(),
                  ConnectionDropped(*client, at(40s), CloseReason::kKeepAliveTimeout)),
      "client's connections closed: connection 2 at 40.010s (keepalive-timeout)");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(world.trace(), ConnectionDropped(*client, CloseReason::kRetransmissionTimeout)),
      "(keepalive-timeout)");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(world.trace(), ConnectionDropped(*server, CloseReason::kKeepAliveTimeout)),
      "no connection of server closed");
}

TEST_F(Helpers, TraceMatchersSayWhenRecordingIsOff) {
  world.model().trace().set_recording(false);
  keepalive_gives_up();
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(world.trace(), ProbesSentBy(*client, SizeIs(10))),
                          "client sent no keep-alive probes (the trace's recording is off)");
}

// ---- Timeline, instants, fixture ----------------------------------------------------------------

TEST(FormatInstant, ExactWithAtLeastMilliseconds) {
  using ws2sim::gtest::format_instant;
  EXPECT_EQ(format_instant(at(0s)), "0.000s");
  EXPECT_EQ(format_instant(at(30s + 10ms)), "30.010s");
  EXPECT_EQ(format_instant(at(2h + 10s)), "7210.000s");
  EXPECT_EQ(format_instant(at(30s + 10500us)), "30.0105s");
  EXPECT_EQ(format_instant(at(1ns)), "0.000000001s");
  EXPECT_EQ(::testing::PrintToString(at(1500ms)), "1.500s");
}

TEST_F(Helpers, TimelineTellsTheStoryWithoutSegments) {
  keepalive_gives_up();
  const std::string timeline = ws2sim::gtest::describe_timeline(world.trace());
  EXPECT_THAT(timeline, HasSubstr("  0.010s client: connection 2 established\n"));
  EXPECT_THAT(timeline, HasSubstr("server crashed\n"));
  EXPECT_THAT(timeline, HasSubstr("  30.010s client: keep-alive probe 1/10 (connection 2)\n"));
  EXPECT_THAT(timeline, HasSubstr("  40.010s client: connection 2 closed (keepalive-timeout)\n"));
  EXPECT_THAT(timeline, Not(HasSubstr("segment")));
  const std::string short_one = ws2sim::gtest::describe_timeline(world.trace(), 2);
  EXPECT_THAT(short_one, HasSubstr("more\n"));
  EXPECT_EQ(std::count(short_one.begin(), short_one.end(), '\n'), 3);
}

TEST_F(Helpers, AddHostFailsTheTestWithTheReason) {
  try {
    add_host("ghost", "windows-99", "10.0.0.9");
    ADD_FAILURE() << "add_host accepted an unknown profile";
  } catch (const ws2sim::gtest::SetupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("add_host(\"ghost\", \"windows-99\", \"10.0.0.9\") failed: "));
  }
}

TEST_F(Helpers, ListenOnTwiceFailsWithAddressInUse) {
  try {
    listen_on(*server, 443);
    ADD_FAILURE() << "a second listener on 443 was accepted";
  } catch (const ws2sim::gtest::SetupError& e) {
    EXPECT_STREQ(e.what(), "listen_on(server, 443): bind failed with WSAEADDRINUSE (10048)");
  }
}

// A server thread and a client thread in one line each: the server's accept and the client's
// connect meet in virtual time, taking turns.
TEST_F(Helpers, StartThreadRunsAServerAndAClientTakingTurns) {
  std::vector<std::string> steps;
  start_thread(*server, "server", [&] {
    sockaddr_in a = address("0.0.0.0", 80);
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(l, 1);
    steps.push_back("listening");
    SOCKET c = accept(l, nullptr, nullptr);
    steps.push_back(c == INVALID_SOCKET ? "accept failed"
                                        : "accepted at " + ws2sim::format_time(world.now()));
  });
  start_thread(*client, "client", [&] {
    sockaddr_in a = address("10.0.0.2", 80);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    steps.push_back(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? "connected"
                                                                               : "connect failed");
  });
  run_threads();
  EXPECT_THAT(steps, ElementsAre("listening", "connected", "accepted at 0.015s"));
}

TEST_F(Helpers, RunThreadsFailsTheTestWithTheDeadlockReport) {
  start_thread(*client, "stuck", [] { Sleep(INFINITE); });
  EXPECT_NONFATAL_FAILURE(run_threads(), "stuck (thread 4) on client: in Sleep");
}

// for_each_shuffle names the seed of a failing interleaving. (It also stops after the first
// failing seed; under EXPECT_NONFATAL_FAILURE the failure is intercepted, so that part is not
// visible here.)
TEST(ForEachShuffle, NamesTheSeedThatFailed) {
  std::vector<std::uint64_t> seeds;
  EXPECT_NONFATAL_FAILURE(ws2sim::gtest::for_each_shuffle(10,
                                                          [&](std::uint64_t seed) {
                                                            seeds.push_back(seed);
                                                            EXPECT_NE(seed, 3U);
                                                          }),
                          "shuffle seed 3");
  EXPECT_EQ(seeds.front(), 1U);
}

}  // namespace
