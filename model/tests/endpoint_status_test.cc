// Network::status() and status_version(): what a blocked application call polls between events
// (the Winsock emulator's blocking calls, see emulator/src/backend/virtual_time.cc, drive()).
// status() must agree with info() field by field; status_version() must move on every change an
// application can wait for, and must stay put through keep-alive probes to a dead peer so that
// waiting costs nothing. take_status_changes() must name exactly the endpoints that changed, so
// that a caller with many waiting endpoints looks at one per change.
#include <functional>

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

// What take_status_changes() reports after `step`, taken fresh.
StatusChanges changes_after(Network& net, const std::function<void()>& step) {
  StatusChanges changes;
  (void)net.take_status_changes(changes);
  step();
  (void)net.take_status_changes(changes);
  return changes;
}

using Ids = std::vector<EndpointId>;
using Hosts = std::vector<std::uint32_t>;

TEST_F(EndpointStatusTest, ChangesNameExactlyTheEndpointThatDataReached) {
  connect_with(kWindows);
  Network& net = world.network();
  const std::vector<std::uint8_t> bytes{1, 2};
  ASSERT_TRUE(net.send(peer, bytes).ok());
  // Sent at 30 ms: the data reaches `conn` at 40 ms, its ACK `peer` at 50 ms.
  StatusChanges c = changes_after(net, [&] { run_until(45ms); });
  EXPECT_FALSE(c.all);
  EXPECT_EQ(c.endpoints, (Ids{conn}));
  EXPECT_EQ(c.hosts, (Hosts{client.value}));
  EXPECT_TRUE(c.whole_hosts.empty());
  c = changes_after(net, [&] { run_until(100ms); });
  EXPECT_EQ(c.endpoints, (Ids{peer}));  // its send buffer emptied
  EXPECT_EQ(c.hosts, (Hosts{server.value}));
  // Taken: nothing is reported twice.
  c = changes_after(net, [] {});
  EXPECT_TRUE(c.endpoints.empty());
  EXPECT_TRUE(c.hosts.empty());
}

TEST_F(EndpointStatusTest, ANewConnectionNamesItselfItsListenerAndItsChildOnly) {
  connect_with(kWindows);
  Network& net = world.network();
  EndpointId second;
  StatusChanges c = changes_after(net, [&] {
    second = net.connect(client, {net.address(server), 443}).value();
  });
  EXPECT_EQ(c.endpoints, (Ids{second}));
  // SYN at 10 ms (the listener), SYN-ACK at 20 ms (`second`), ACK at 30 ms: the child is
  // established and queued, which the listener's accept_queue shows.
  c = changes_after(net, [&] { run_until(100ms); });
  ASSERT_EQ(c.endpoints.size(), 3U);
  EXPECT_EQ(c.endpoints[0], listener);
  EXPECT_EQ(c.endpoints[1], second);
  EXPECT_EQ(net.status(listener)->accept_queue, 1U);
  const std::optional<EndpointId> child = net.accept(listener).value();
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(c.endpoints[2], *child);
}

TEST_F(EndpointStatusTest, ProbesToADeadPeerNameNothingAndTheDropNamesTheConnection) {
  connect_with(kWindows);
  Network& net = world.network();
  StatusChanges c = changes_after(net, [&] { ASSERT_TRUE(net.crash(server).ok()); });
  EXPECT_EQ(c.whole_hosts, (Hosts{server.value}));  // a fault names no endpoint
  EXPECT_TRUE(c.endpoints.empty());
  c = changes_after(net, [&] { run_until(7209s + 20ms); });
  EXPECT_TRUE(c.endpoints.empty());
  EXPECT_TRUE(c.hosts.empty());
  c = changes_after(net, [&] { run_until(7210s + 20ms); });
  EXPECT_EQ(c.endpoints, (Ids{conn}));
  EXPECT_TRUE(c.whole_hosts.empty());
}

TEST_F(EndpointStatusTest, AnUnknownEndpointMeansLookAtEverything) {
  connect_with(kWindows);
  Network& net = world.network();
  const StatusChanges c = changes_after(
      net, [&] { EXPECT_FALSE(net.send(EndpointId{.index = 9999, .generation = 1}, {}).ok()); });
  EXPECT_TRUE(c.all);
}

}  // namespace
}  // namespace ws2sim::testing
