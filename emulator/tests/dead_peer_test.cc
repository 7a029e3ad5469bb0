// Dead-peer detection through the Winsock API, on every profile: the call sequences real
// programs use (docs/behaviour.md §9 P1, P2, P3, P6), a crashed server, and a blocking recv
// that returns in virtual time.
#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

// Probe count each version uses with registry defaults (docs/behaviour.md §3), written out
// independently of the profile table: NT 5.x reads the registry (default 5), Vista and later
// send 10.
std::uint32_t expected_default_probes(const Profile& p) {
  return p.major == 5 ? 5U : 10U;
}

class DeadPeer : public EmulatorTest, public ::testing::WithParamInterface<const Profile*> {
 protected:
  void SetUp() override { make_hosts(GetParam()->name); }

  // Crashes the server once the client is connected, then blocks in recv on the client.
  // Returns recv's result and error; the virtual time it returned at is world.now().
  std::pair<int, int> crash_and_recv(SOCKET s) {
    EXPECT_NE(accept_on_server(), INVALID_SOCKET);
    EXPECT_TRUE(world.crash(*server).ok());
    char buf[16];
    const int n = recv(s, buf, sizeof buf, 0);
    return {n, WSAGetLastError()};
  }
};

// Client established at 2 ms (SYN 1 ms out, SYN-ACK 1 ms back): the last segment it received.
constexpr Duration kEstablished = 2ms;

TEST_P(DeadPeer, SoKeepAliveAloneUsesSystemDefaults) {  // P6
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  BOOL yes = TRUE;
  ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&yes), sizeof yes), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  const auto [n, error] = crash_and_recv(s);
  EXPECT_EQ(n, SOCKET_ERROR);
  EXPECT_EQ(error, WSAENETRESET);
  const std::uint32_t probes = expected_default_probes(*GetParam());
  EXPECT_EQ(world.now(), at(2h + probes * 1s + kEstablished));
}

TEST_P(DeadPeer, IoctlBeforeConnectEnablesAndTimes) {  // P1, libpq's {1, 7200000, 1000}
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 60'000, 500};
  DWORD returned = 99;
  ASSERT_EQ(
      WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr), 0);
  EXPECT_EQ(returned, 0U);
  ASSERT_EQ(connect_to_server(s), 0);
  const auto [n, error] = crash_and_recv(s);
  EXPECT_EQ(error, WSAENETRESET);
  const std::uint32_t probes = expected_default_probes(*GetParam());
  EXPECT_EQ(world.now(), at(60s + probes * 500ms + kEstablished));
}

TEST_P(DeadPeer, LaterCallsGetTheProfilesAfterDropError) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 10'000, 1'000};
  DWORD returned = 0;
  ASSERT_EQ(
      WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_EQ(crash_and_recv(s).second, WSAENETRESET);
  char b = 0;
  EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
  EXPECT_EQ(send(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
  HostSwitches sw = client->switches();
  sw.after_drop = AfterDropError::kConnectionReset;
  client->set_switches(sw);
  EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
}

INSTANTIATE_TEST_SUITE_P(EveryProfile, DeadPeer, ::testing::ValuesIn([] {
                           std::vector<const Profile*> v;
                           for (const Profile& p : all_profiles())
                             v.push_back(&p);
                           return v;
                         }()),
                         [](const auto& param_info) {
                           std::string n(param_info.param->name);
                           for (char& c : n)
                             c = (c == '-' || c == '.') ? '_' : c;
                           return n;
                         });

class DeadPeerXp : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-xp"); }
};

TEST_F(DeadPeerXp, TcpMaxDataRetransmissionsAbove255IsClampedTo255Probes) {
  ASSERT_TRUE(client->set_registry(RegistryValue::kTcpMaxDataRetransmissions, 300).ok());
  EXPECT_EQ(client->default_probe_count(), 255U);
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  BOOL yes = TRUE;
  ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&yes), sizeof yes), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENETRESET);
  EXPECT_EQ(world.now(), at(2h + 255s + kEstablished));
}

TEST_F(DeadPeerXp, RegistryKeepAliveTimeAndIntervalApply) {
  ASSERT_TRUE(client->set_registry(RegistryValue::kKeepAliveTime, 300'000).ok());
  ASSERT_TRUE(client->set_registry(RegistryValue::kKeepAliveInterval, 2'000).ok());
  ASSERT_TRUE(client->set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 7).ok());
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  BOOL yes = TRUE;
  ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&yes), sizeof yes), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(world.now(), at(300s + 7 * 2s + kEstablished));  // max(5, 7) probes
}

// With a probe count of 0 keep-alive never probes (no timer at all), so after the crash nothing
// can ever end the recv: the world reports a deadlock at that instant instead of waiting 30 days.
TEST_F(DeadPeerXp, ProbeCountZeroNeverDetectsAndTheWaitIsADeadlock) {
  ASSERT_TRUE(client->set_registry(RegistryValue::kTcpMaxDataRetransmissions, 0).ok());
  ASSERT_TRUE(client->set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 0).ok());
  world.set_horizon(at(24h * 30));
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  BOOL yes = TRUE;
  ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&yes), sizeof yes), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);  // would hang forever on Windows
  ASSERT_TRUE(world.deadlock().has_value());
  EXPECT_EQ(world.now(), world.deadlock()->at);
  EXPECT_LT(world.now(), at(1s)) << "not the 30-day horizon";
}

class DeadPeerModern : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

TEST_F(DeadPeerModern, UnitsBugSecondsTimesThousandMeansNoProbeForSixteenHours) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  BOOL yes = TRUE;
  ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&yes), sizeof yes), 0);
  DWORD idle = 60'000;  // meant 60 s, sent in ms: 60000 s is 16 h 40 min
  ASSERT_EQ(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, reinterpret_cast<char*>(&idle), sizeof idle),
            0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(world.now(), at(60000s + 10s + kEstablished));
}

TEST_F(DeadPeerModern, RebootedPeerResetsAtTheFirstProbe) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 30'000, 1'000};
  DWORD returned = 0;
  ASSERT_EQ(
      WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.reboot(*server).ok());
  char b;
  EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
  EXPECT_EQ(world.now(), at(30s + kEstablished + 2ms));  // probe out, RST back
}

TEST_F(DeadPeerModern, LivePeerKeepsTheConnectionAndDataFlows) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 10'000, 1'000};
  DWORD returned = 0;
  ASSERT_EQ(
      WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  const SOCKET peer = accept_on_server();
  ASSERT_NE(peer, INVALID_SOCKET);
  ASSERT_TRUE(world.run_for(1h).ok());  // 360 idle periods, every probe answered
  {
    HostScope srv(*server);
    ASSERT_EQ(send(peer, "pong", 4, 0), 4);
  }
  char buf[8] = {};
  EXPECT_EQ(recv(s, buf, sizeof buf, 0), 4);
  EXPECT_STREQ(buf, "pong");
  EXPECT_EQ(world.now(), at(1h + 3ms + 1ms));  // sent at 1 h 3 ms, one latency later
}

}  // namespace
}  // namespace ws2sim::winsock::testing
