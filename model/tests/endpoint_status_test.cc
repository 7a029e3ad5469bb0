// Network::status() and status_version(): what a blocked application call polls between events
// (the Winsock emulator's blocking calls, see emulator/src/backend/virtual_time.cc, drive()).
// status() must agree with info() field by field; status_version() must move on every change an
// application can wait for, and must stay put through keep-alive probes to a dead peer so that
// waiting costs nothing.
#include "test_support.h"

namespace ws2sim::testing {
namespace {

constexpr KeepAliveConfig kWindows{.enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10};

using EndpointStatusTest = ConnectedPair;

void expect_matches_info(Network& net, EndpointId id) {
  const std::optional<EndpointStatus> st = net.status(id);
  const Result<EndpointInfo> info = net.info(id);
  ASSERT_EQ(st.has_value(), info.ok());
  if (!st) return;
  EXPECT_EQ(st->state, info->state);
  EXPECT_EQ(st->close_reason, info->close_reason);
  EXPECT_EQ(st->established, info->established_at.has_value());
  EXPECT_EQ(st->peer_closed, info->peer_closed);
  EXPECT_EQ(st->bytes_readable, info->bytes_readable);
  EXPECT_EQ(st->accept_queue, info->accept_queue);
}

TEST_F(EndpointStatusTest, AgreesWithInfoThroughAConnectionsLife) {
  connect_with(kWindows);
  Network& net = world.network();
  expect_matches_info(net, conn);
  expect_matches_info(net, peer);
  expect_matches_info(net, listener);
  const std::vector<std::uint8_t> bytes{1, 2, 3};
  ASSERT_TRUE(net.send(peer, bytes).ok());
  run_until(100ms);
  ASSERT_EQ(net.status(conn)->bytes_readable, 3U);
  expect_matches_info(net, conn);
  ASSERT_TRUE(net.shutdown_send(peer).ok());
  run_until(200ms);
  EXPECT_TRUE(net.status(conn)->peer_closed);
  expect_matches_info(net, conn);
  EXPECT_EQ(net.status(conn)->state, TcpState::kCloseWait);
}

TEST_F(EndpointStatusTest, ListenerQueueCountsUnacceptedConnections) {
  connect_with(kWindows);  // the fixture accepted its connection: the queue is empty
  Network& net = world.network();
  EXPECT_EQ(net.status(listener)->accept_queue, 0U);
  ASSERT_TRUE(net.connect(client, {net.address(server), 443}).ok());
  run_until(100ms);
  EXPECT_EQ(net.status(listener)->accept_queue, 1U);
  expect_matches_info(net, listener);
}

TEST_F(EndpointStatusTest, StaleAndReleasedIdsHaveNoStatus) {
  connect_with(kWindows);
  Network& net = world.network();
  EXPECT_FALSE(net.status(EndpointId{}).has_value());
  EXPECT_FALSE(net.status(EndpointId{.index = 9999, .generation = 1}).has_value());
  ASSERT_TRUE(net.abort(conn).ok());
  EXPECT_FALSE(net.status(conn).has_value());  // released by the application: like info()
  EXPECT_FALSE(net.info(conn).ok());
}

TEST_F(EndpointStatusTest, VersionStaysPutThroughProbesToADeadPeerAndMovesOnTheDrop) {
  connect_with(kWindows);
  Network& net = world.network();
  ASSERT_TRUE(net.crash(server).ok());
  const std::uint64_t before = net.status_version();
  // 10 probes at 7200.020 s ... 7209.020 s, all lost: nothing a caller waits on changes.
  run_until(7209s + 20ms);
  ASSERT_EQ(probes().size(), 10U);
  EXPECT_EQ(net.status_version(), before);
  EXPECT_EQ(net.status(conn)->state, TcpState::kEstablished);
  // The drop at 7210.020 s: the version moves, and status() shows why.
  run_until(7210s + 20ms);
  EXPECT_NE(net.status_version(), before);
  EXPECT_EQ(net.status(conn)->state, TcpState::kClosed);
  EXPECT_EQ(net.status(conn)->close_reason, CloseReason::kKeepAliveTimeout);
}

TEST_F(EndpointStatusTest, VersionMovesOnArrivalsFaultsAndApplicationCalls) {
  connect_with(kWindows);
  Network& net = world.network();
  std::uint64_t v = net.status_version();
  const std::vector<std::uint8_t> bytes{7};
  ASSERT_TRUE(net.send(peer, bytes).ok());  // an application call
  EXPECT_NE(net.status_version(), v);
  v = net.status_version();
  run_until(100ms);  // the byte arrives
  EXPECT_NE(net.status_version(), v);
  v = net.status_version();
  ASSERT_TRUE(net.receive(conn, 1).ok());
  EXPECT_NE(net.status_version(), v);
  v = net.status_version();
  ASSERT_TRUE(net.partition(client, server).ok());  // a fault
  EXPECT_NE(net.status_version(), v);
}

}  // namespace
}  // namespace ws2sim::testing
