// Limits (docs/reliability.md): the socket table and the ephemeral ports run out cleanly, a
// million sockets fit on one host, and years of virtual time and the largest keep-alive times
// (0xFFFFFFFF ms) neither overflow nor wrap.
#include <limits>

#include "emulator_fixture.h"
#include "ws2sim/model/sanitizers.h"

namespace ws2sim::winsock::testing {
namespace {

// Under a sanitizer (the debug preset) or without optimisation, the million-socket test runs at a
// tenth of its size: ASan's bookkeeping makes a million emulated sockets take minutes there.
#if defined(__OPTIMIZE__)
constexpr bool kOptimised = true;
#else
constexpr bool kOptimised = false;
#endif
constexpr std::size_t kManySockets =
    kAddressSanitizer || kThreadSanitizer || !kOptimised ? 100'000 : 1'000'000;

class Limits : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

TEST_F(Limits, TheDefaultSocketLimitIsAProcessHandleTable) {
  EXPECT_EQ(client->socket_limit(), std::size_t{1} << 24);
  EXPECT_FALSE(client->set_socket_limit(0).ok()) << "a host that can open no socket is refused";
  EXPECT_EQ(client->socket_limit(), std::size_t{1} << 24) << "a refused setting changes nothing";
}

// socket() page: WSAEMFILE, "no more socket descriptors are available". The failed call creates
// nothing; closing one socket makes room for exactly one more, with a new handle.
TEST_F(Limits, SocketTableExhaustionGivesWsaemfile) {
  HostScope on(*client);
  ASSERT_TRUE(client->set_socket_limit(100).ok());
  std::vector<SOCKET> open;
  for (int i = 0; i < 100; ++i) {
    open.push_back(socket(AF_INET, SOCK_STREAM, 0));
    ASSERT_NE(open.back(), INVALID_SOCKET) << "socket " << i;
  }
  EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEMFILE);
  EXPECT_EQ(WSASocketW(AF_INET, SOCK_DGRAM, 0, nullptr, 0, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEMFILE);
  EXPECT_EQ(client->socket_count(), 100U);

  ASSERT_EQ(closesocket(open.front()), 0);
  const SOCKET again = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_NE(again, INVALID_SOCKET);
  EXPECT_GT(again, open.back()) << "handles are never reused";
  EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEMFILE);
}

// accept() page: WSAEMFILE when "the queue is nonempty upon entry to accept and there are no
// descriptors available". The connection stays queued and is accepted once there is room.
TEST_F(Limits, AcceptWithAFullTableLeavesTheConnectionQueued) {
  {
    HostScope on(*client);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect_to_server(s), 0);
  }
  HostScope on(*server);
  ASSERT_TRUE(server->set_socket_limit(1).ok());  // the listener alone fills it
  EXPECT_EQ(accept(listener, nullptr, nullptr), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEMFILE);
  EXPECT_EQ(server->socket_count(), 1U);
  ASSERT_TRUE(server->set_socket_limit(2).ok());
  EXPECT_NE(accept(listener, nullptr, nullptr), INVALID_SOCKET) << WSAGetLastError();
}

// 16,384 ephemeral ports (49152-65535): one more implicit bind fails with WSAENOBUFS ("no buffer
// space is available", the bind and connect pages), and the failing socket stays unbound.
TEST_F(Limits, EphemeralPortExhaustionGivesWsaenobufs) {
  HostScope on(*client);
  sockaddr_in any = address("0.0.0.0", 0);
  for (int i = 0; i < 16'384; ++i) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any), 0) << "port " << i;
  }
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOBUFS);
  EXPECT_EQ(connect_to_server(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOBUFS);
  sockaddr_in name{};
  int len = sizeof name;
  EXPECT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&name), &len), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "still unbound";
}

// A million sockets on one host (a tenth under sanitizers): all open, all distinct, all closed.
TEST_F(Limits, AMillionSocketsOnOneHost) {
  HostScope on(*client);
  std::vector<SOCKET> open;
  open.reserve(kManySockets);
  for (std::size_t i = 0; i < kManySockets; ++i) {
    open.push_back(socket(AF_INET, SOCK_STREAM, 0));
    if (open.back() == INVALID_SOCKET) FAIL() << "socket " << i << ": " << WSAGetLastError();
  }
  EXPECT_EQ(client->socket_count(), kManySockets);
  EXPECT_TRUE(std::is_sorted(open.begin(), open.end()));
  EXPECT_EQ(std::adjacent_find(open.begin(), open.end()), open.end()) << "two handles alias";
  const DWORD on_off = 1;
  EXPECT_EQ(setsockopt(open.back(), SOL_SOCKET, SO_KEEPALIVE,
                       reinterpret_cast<const char*>(&on_off), sizeof on_off),
            0);
  for (SOCKET s : open) {
    if (closesocket(s) != 0) FAIL() << "closesocket: " << WSAGetLastError();
  }
  EXPECT_EQ(client->socket_count(), 0U);
}

// The largest keep-alive times SIO_KEEPALIVE_VALS takes (0xFFFFFFFF ms, 49.7 days) against a dead
// peer: ten probes 49.7 days apart and a drop after eleven periods (1.5 years), exact to the ms.
TEST_F(Limits, MaximalKeepAliveTimesRunForYearsExactly) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 0xFFFFFFFF, 0xFFFFFFFF};
  DWORD bytes = 0;
  ASSERT_EQ(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &bytes, nullptr, nullptr),
            0);
  ASSERT_EQ(connect_to_server(s), 0);  // established at 2 ms
  ASSERT_TRUE(world.crash(*server).ok());
  const Duration period = std::chrono::milliseconds(0xFFFFFFFFLL);
  world.set_horizon(at(2ms + 12 * period));
  char buf[1];
  EXPECT_EQ(recv(s, buf, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENETRESET);
  EXPECT_EQ(world.now(), at(2ms + 11 * period));

  std::vector<TimePoint> probes;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kProbeSent && e.host == client->id()) probes.push_back(e.at);
  }
  ASSERT_EQ(probes.size(), 10U);
  EXPECT_EQ(probes.front(), at(2ms + period)) << "the first probe after 0xFFFFFFFF ms idle";
  EXPECT_EQ(probes.back(), at(2ms + 10 * period));
  // GetTickCount wraps every 2^32 ms, as on Windows; GetTickCount64 does not.
  const auto ms = static_cast<ULONGLONG>(2 + 11 * 0xFFFFFFFFULL);
  EXPECT_EQ(GetTickCount64(), ms);
  EXPECT_EQ(GetTickCount(), static_cast<DWORD>(ms));
}

// A memory budget ends the world where the model outgrows it, like a horizon: the blocked call
// fails with WSAEINTR at that instant, the same instant on every run, and no later event runs.
TEST_F(Limits, MemoryBudgetStopsTheWorldAtTheSameInstantEveryRun) {
  const auto run_once = [](std::size_t budget) {
    World w{5};
    Host& c = w.add_host("client", "windows-10-22h2", "10.0.0.1").value();
    Host& p = w.add_host("peer", "windows-server-2022", "10.0.0.2").value();
    WSADATA data;
    {
      HostScope on(p);
      WSAStartup(MAKEWORD(2, 2), &data);
      SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      sockaddr_in a = EmulatorTest::address("0.0.0.0", 443);
      bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a);
      listen(l, SOMAXCONN);
    }
    HostScope on(c);
    WSAStartup(MAKEWORD(2, 2), &data);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    tcp_keepalive ka{1, 1000, 1000};  // a probe a second, each answered: the trace only grows
    DWORD bytes = 0;
    WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &bytes, nullptr, nullptr);
    sockaddr_in to = EmulatorTest::address("10.0.0.2", 443);
    EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    w.set_horizon(at(24h * 365 * 10));
    w.set_memory_budget(budget);
    char buf[1];
    EXPECT_EQ(recv(s, buf, 1, 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINTR);
    EXPECT_EQ(w.budget_spent(), w.now());
    EXPECT_LE(w.memory_bytes(), budget + (std::size_t{1} << 20));  // one check's worth more
    return std::pair{w.now(), w.trace().events().size()};
  };
  const auto [first_at, first_events] = run_once(std::size_t{8} << 20);
  EXPECT_GT(first_at, at(1h));
  EXPECT_LT(first_at, at(24h * 30));
  EXPECT_EQ(run_once(std::size_t{8} << 20), std::pair(first_at, first_events));
  const auto [bigger_at, bigger_events] = run_once(std::size_t{16} << 20);
  EXPECT_GT(bigger_at, first_at);  // twice the budget, about twice the run
  EXPECT_GT(bigger_events, first_events * 3 / 2);
}

// Two centuries of virtual time, then to the end of the clock: the clock saturates instead of
// overflowing, and calls made there still work (UBSan checks the arithmetic in the debug preset).
TEST_F(Limits, CenturiesOfVirtualTimeSaturateCleanly) {
  SOCKET s;
  {
    HostScope on(*client);
    s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect_to_server(s), 0);  // keep-alive off: nothing happens for two centuries
  }
  SOCKET accepted = accept_on_server();  // at 3 ms, when the final ACK arrives
  ASSERT_NE(accepted, INVALID_SOCKET);
  const Duration century = std::chrono::hours(24 * 36525);
  ASSERT_TRUE(world.run_for(2 * century).ok());
  EXPECT_EQ(world.now(), at(3ms + 2 * century));
  HostScope on(*client);
  DWORD connect_time = 0;
  int len = sizeof connect_time;
  ASSERT_EQ(
      getsockopt(s, SOL_SOCKET, SO_CONNECT_TIME, reinterpret_cast<char*>(&connect_time), &len), 0);
  EXPECT_EQ(connect_time, 0xFFFFFFFE) << "seconds past 2^32 - 2 read as the largest value";
  EXPECT_EQ(send(s, "x", 1, 0), 1);

  ASSERT_TRUE(world.run_for(2 * century).ok());  // past the end of the clock: saturates
  EXPECT_EQ(world.now(), TimePoint::max());
  EXPECT_EQ(send(s, "y", 1, 0), 1);
  Sleep(0xFFFFFFFE);  // a wait whose deadline is past the end of time returns
  EXPECT_EQ(world.now(), TimePoint::max());
}

}  // namespace
}  // namespace ws2sim::winsock::testing
