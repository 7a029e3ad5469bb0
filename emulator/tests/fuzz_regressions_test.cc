// Regression tests for the bugs the fuzzers and the hardening review found (docs/reliability.md,
// "Bugs found and fixed"). Each test fails on the code before its fix.
#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

class FuzzRegressions : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

// fuzz_winsock, invariant "a failed call changes no state": connect() to an address no host has
// failed with WSAEHOSTUNREACH but left the socket implicitly bound to an ephemeral port (and moved
// the host's port cursor). Now the implicit bind happens only once the connection is under way.
TEST_F(FuzzRegressions, ConnectThatFailsAtOnceLeavesTheSocketUnbound) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in nowhere = address("10.0.0.99", 443);
  EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&nowhere), sizeof nowhere), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEHOSTUNREACH);
  sockaddr_in name{};
  int len = sizeof name;
  EXPECT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&name), &len), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "still unbound";
  // The port the failed call would have taken is still the next one handed out.
  sockaddr_in any = address("0.0.0.0", 0);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  ASSERT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&name), &len), 0);
  EXPECT_EQ(ntohs(name.sin_port), 49152);
}

// Review (invariant "handles never alias"): sockets were numbered from 0x100 and events from
// 0x10000 by two counters, so the 16,321st socket got the first event's value, and
// closesocket(event) closed that socket. Sockets and events now share one handle space.
TEST_F(FuzzRegressions, SocketsAndEventsNeverShareAHandle) {
  HostScope on(*client);
  const WSAEVENT event = WSACreateEvent();
  ASSERT_NE(event, WSA_INVALID_EVENT);
  const auto event_value = reinterpret_cast<SOCKET>(event);
  bool aliased = false;
  for (int i = 0; i < 16'400; ++i) {
    const SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_NE(s, INVALID_SOCKET);
    aliased = aliased || s == event_value;
  }
  EXPECT_FALSE(aliased);
  EXPECT_EQ(closesocket(event_value), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
  EXPECT_EQ(client->socket_count(), 16'400U) << "no socket was closed through the event's handle";
  EXPECT_TRUE(WSASetEvent(event));
}

// fuzz_winsock, a timeout: SIO_KEEPALIVE_VALS with keepalivetime 0 and unacknowledged data made
// the model re-check keep-alive at the same instant for ever, so a blocked recv() never returned.
// Now the re-check comes one interval later and the retransmissions run their course.
TEST_F(FuzzRegressions, ZeroKeepAliveTimeWithDataOutstandingLetsTimePass) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 0, 1000};
  DWORD bytes = 0;
  ASSERT_EQ(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &bytes, nullptr, nullptr),
            0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_TRUE(world.partition(*client, *server).ok());
  ASSERT_EQ(send(s, "x", 1, 0), 1);  // never acknowledged
  char buf[1];
  EXPECT_EQ(recv(s, buf, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAECONNABORTED) << "the retransmissions gave up";
  std::vector<TimePoint> checks;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kKeepAliveSuppressed && e.host == client->id()) checks.push_back(e.at);
  }
  ASSERT_GE(checks.size(), 2U);
  for (std::size_t i = 1; i < checks.size(); ++i)
    EXPECT_EQ(checks[i] - checks[i - 1], 1s) << "one interval apart";
}

}  // namespace
}  // namespace ws2sim::winsock::testing
