// keepalive_client_test.cc — GoogleTest tests of the client, run on emulated Windows machines.
//
// Each test builds a small world with ws2sim::gtest::WinsockTest, binds this thread to the
// client host with HostScope and calls the code under test. Blocking calls advance virtual
// time, so "30 s idle, then 10 probes a second apart" runs in microseconds.
#include "ws2sim/gtest.h"
// The code under test (it includes the drop-in winsock2.h itself).
#include "keepalive_client.h"

namespace {

using namespace std::chrono_literals;
using ::testing::SizeIs;
using ws2sim::CloseReason;
using ws2sim::gtest::at;
using ws2sim::gtest::ConnectionDropped;
using ws2sim::gtest::FailsWith;
using ws2sim::gtest::Host;
using ws2sim::gtest::HostScope;
using ws2sim::gtest::IsOk;
using ws2sim::gtest::ProbesSentBy;
using ws2sim::gtest::SentProbesAt;
using ws2sim::gtest::Succeeds;

class ClientTest : public ws2sim::gtest::WinsockTest {
 protected:
  // A server 5 ms away, listening on port 443, and a client that has called WSAStartup.
  void make_hosts(std::string_view client_profile) {
    client = &add_host("client", client_profile, "10.0.0.1");
    server = &add_host("server", "windows-server-2022", "10.0.0.2");
    ASSERT_THAT(world.set_link(*client, *server, {.latency = 5ms, .loss = 0.0}), IsOk());
    listen_on(*server, 443);
    startup(*client);
  }

  Host* client = nullptr;
  Host* server = nullptr;
};

TEST_F(ClientTest, NoticesADeadServerWithinFortySeconds) {
  make_hosts("windows-10-22h2");
  HostScope on(*client);  // this thread's Winsock calls now act on the client
  SOCKET s =
      app::connect_with_keepalive("10.0.0.2", 443, {.idle_ms = 30'000, .interval_ms = 1'000});
  ASSERT_THAT(s, Succeeds());  // connected at 10 ms of virtual time (5 ms each way)

  ASSERT_THAT(world.crash(*server), IsOk());  // the server stops answering
  char buf[64];
  EXPECT_THAT(app::receive(s, buf, sizeof buf), FailsWith(WSAENETRESET));

  // 30 s idle after the last segment received (the SYN-ACK at 10 ms), then 10 probes 1 s apart;
  // the connection is dropped 1 s after the last one.
  EXPECT_THAT(world.trace(),
              SentProbesAt(*client, {30s + 10ms, 31s + 10ms, 32s + 10ms, 33s + 10ms, 34s + 10ms,
                                     35s + 10ms, 36s + 10ms, 37s + 10ms, 38s + 10ms, 39s + 10ms}));
  EXPECT_THAT(world.trace(),
              ConnectionDropped(*client, at(40s + 10ms), CloseReason::kKeepAliveTimeout));
  closesocket(s);
}

TEST_F(ClientTest, WindowsXpSendsFiveProbesWithRegistryDefaults) {
  make_hosts("windows-xp");  // XP takes the probe count from TcpMaxDataRetransmissions (5)
  HostScope on(*client);
  SOCKET s = app::connect_with_keepalive("10.0.0.2", 443, {.idle_ms = 60'000, .interval_ms = 500});
  ASSERT_THAT(s, Succeeds());
  ASSERT_THAT(world.crash(*server), IsOk());
  char buf[64];
  EXPECT_THAT(app::receive(s, buf, sizeof buf), FailsWith(WSAENETRESET));
  EXPECT_THAT(world.trace(), ProbesSentBy(*client, SizeIs(5)));
  EXPECT_EQ(world.now(), at(60s + 5 * 500ms + 10ms));
  closesocket(s);
}

TEST_F(ClientTest, ReportsARefusedConnection) {
  make_hosts("windows-11");
  HostScope on(*client);
  // Nothing listens on port 80: the server answers the SYN with RST.
  EXPECT_THAT(app::connect_with_keepalive("10.0.0.2", 80, {}), FailsWith(WSAECONNREFUSED));
}

}  // namespace
