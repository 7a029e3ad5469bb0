// The TCP endpoint: handshake, byte streams, close, abort, retransmission limits.
#include <numeric>
#include <span>

#include "test_support.h"

namespace ws2sim::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

using Tcp = ConnectedPair;

TEST_F(Tcp, HandshakeEstablishesBothSidesOneAndOneAndAHalfRoundTripsLater) {
  connect_with({});
  EXPECT_THAT(times_of(world.trace(), TraceKind::kConnectionEstablished, client),
              ElementsAre(at(20ms)));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kConnectionEstablished, server),
              ElementsAre(at(30ms)));
  EXPECT_EQ(info().remote->port, 443);
  EXPECT_GE(info().local.port, 49152);
}

TEST_F(Tcp, BytesArriveInOrderAcrossALossyPath) {
  connect_with({}, {.initial_rto = 200ms, .max_rto = 5s, .max_retransmissions = 50});
  ASSERT_TRUE(net().set_link(client, server, {.latency = 10ms, .loss = 0.2}).ok());
  std::vector<std::uint8_t> data(100'000);
  std::iota(data.begin(), data.end(), std::uint8_t{0});
  ASSERT_EQ(net().send(conn, data).value(), data.size());
  run_until(10min);
  EXPECT_EQ(net().receive(peer, 1'000'000).value(), data);
  EXPECT_EQ(info().bytes_unacked, 0U);
  EXPECT_GT(times_of(world.trace(), TraceKind::kRetransmission).size(), 0U);
}

TEST_F(Tcp, ReceiveReturnsAtMostWhatWasAsked) {
  connect_with({});
  const std::uint8_t data[] = {'a', 'b', 'c'};
  ASSERT_TRUE(net().send(peer, data).ok());
  run_until(1s);
  EXPECT_THAT(net().receive(conn, 2).value(), ElementsAre('a', 'b'));
  EXPECT_THAT(net().receive(conn, 2).value(), ElementsAre('c'));
  EXPECT_TRUE(net().receive(conn, 2).value().empty());
}

// Regression for the buffers' front-removal (model/src/fifo.h compacts once 4096 bytes were
// taken): small reads interleaved with arrivals, across many compactions, keep every byte in order.
TEST_F(Tcp, SmallReadsWhileBytesKeepArrivingKeepTheStreamInOrder) {
  connect_with({});
  std::vector<std::uint8_t> data(50'000);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  std::vector<std::uint8_t> got;
  for (std::size_t sent = 0; sent < data.size(); sent += 5'000) {
    ASSERT_TRUE(net().send(peer, std::span(data).subspan(sent, 5'000)).ok());
    run_until(1s + std::chrono::milliseconds(static_cast<std::int64_t>(sent)));
    for (int k = 0; k < 300; ++k) {
      const std::vector<std::uint8_t> part = net().receive(conn, 13).value();
      got.insert(got.end(), part.begin(), part.end());
    }
  }
  run_until(2min);
  const std::vector<std::uint8_t> rest = net().receive(conn, 1'000'000).value();
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, data);
  EXPECT_EQ(world.network().info(peer)->bytes_unacked, 0U);
}

TEST_F(Tcp, OrderlyCloseWalksBothSidesToClosed) {
  connect_with({});
  ASSERT_TRUE(net().shutdown_send(conn).ok());  // client FIN at 30 ms
  run_until(1s);
  EXPECT_EQ(info().state, TcpState::kFinWait2);
  EXPECT_EQ(net().info(peer)->state, TcpState::kCloseWait);
  EXPECT_TRUE(net().info(peer)->peer_closed);
  ASSERT_TRUE(net().close(peer).ok());  // server FIN at 1 s, reaches the client at 1.010 s
  run_until(2s);
  EXPECT_EQ(info().state, TcpState::kTimeWait);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kConnectionClosed, server),
              ElementsAre(at(1020ms)));
  run_until(1010ms + 120s);
  EXPECT_EQ(info().state, TcpState::kClosed);
  EXPECT_EQ(info().close_reason, CloseReason::kOrderly);
}

TEST_F(Tcp, AbortSendsResetAndThePeerSeesResetByPeer) {
  connect_with({});
  ASSERT_TRUE(net().abort(peer).ok());
  run_until(1s);
  EXPECT_EQ(info().close_reason, CloseReason::kResetByPeer);
  EXPECT_EQ(net().info(peer).error().code, ErrorCode::kNotFound);  // released
}

TEST_F(Tcp, ConnectToAClosedPortIsRefused) {
  connect_with({});
  const EndpointId c = net().connect(client, {net().address(server), 8080}).value();
  run_until(1s);
  EXPECT_EQ(net().info(c)->close_reason, CloseReason::kConnectionRefused);
}

// docs/behaviour.md §12: Windows sends an RST-answered SYN again, a fixed interval later.
TEST_F(Tcp, ARefusedSynIsResentAtTheRetryIntervalWhenConfigured) {
  connect_with({});  // established at 30 ms; the path is 10 ms each way
  EndpointOptions o;
  o.retransmission.syn_retries_after_reset = 2;
  o.retransmission.reset_retry_interval = 1s;
  const EndpointId c = net().connect(client, {net().address(server), 8080}, o).value();
  run_until(1min);
  // RST back at 50 ms; SYNs again at 1.05 s and 2.07 s; refused at the third RST, 2.09 s.
  EXPECT_THAT(times_of(world.trace(), TraceKind::kRetransmission, client),
              ElementsAre(at(1s + 50ms), at(2s + 70ms)));
  EXPECT_EQ(net().info(c)->close_reason, CloseReason::kConnectionRefused);
  EXPECT_THAT(closes(), ElementsAre(at(2s + 90ms)));
}

TEST_F(Tcp, WithoutRetriesARefusedSynFailsAtTheFirstReset) {
  connect_with({});
  const EndpointId c = net().connect(client, {net().address(server), 8080}).value();
  run_until(1min);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kRetransmission, client), SizeIs(0));
  EXPECT_THAT(closes(), ElementsAre(at(50ms)));
  EXPECT_EQ(net().info(c)->close_reason, CloseReason::kConnectionRefused);
}

TEST_F(Tcp, AConnectDeadlineEndsAnUnansweredConnectEarly) {
  connect_with({});
  ASSERT_TRUE(net().crash(server).ok());
  EndpointOptions o;
  o.retransmission.connect_deadline = 2500ms;
  o.retransmission.max_syn_retransmissions = 100;
  const EndpointId c = net().connect(client, {net().address(server), 443}, o).value();  // 30 ms
  run_until(1min);
  // SYN re-sent at 1 s and 3 s would come after the deadline: only the first one goes.
  EXPECT_THAT(times_of(world.trace(), TraceKind::kRetransmission, client), SizeIs(1));
  EXPECT_EQ(net().info(c)->close_reason, CloseReason::kConnectTimeout);
  EXPECT_THAT(closes(), ElementsAre(at(2s + 530ms)));
}

TEST_F(Tcp, ConnectToACrashedHostTimesOutAfterTheSynRetransmissions) {
  connect_with({});
  ASSERT_TRUE(net().crash(server).ok());
  const EndpointId c = net().connect(client, {net().address(server), 443}).value();  // at 30 ms
  run_until(1min);
  // SYN, re-sent after 1 s and 2 s more; given up 4 s after that.
  EXPECT_THAT(times_of(world.trace(), TraceKind::kRetransmission, client), SizeIs(2));
  EXPECT_EQ(net().info(c)->close_reason, CloseReason::kConnectTimeout);
  EXPECT_THAT(closes(), ElementsAre(at(7s + 30ms)));
}

TEST_F(Tcp, ReleasedEndpointsAreReapedAndTheirIdsRejected) {
  connect_with({});
  const std::size_t before = net().endpoint_count();
  ASSERT_TRUE(net().abort(conn).ok());
  run_until(1s);
  EXPECT_EQ(net().info(conn).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(net().send(conn, std::vector<std::uint8_t>{1}).error().code, ErrorCode::kNotFound);
  EXPECT_LT(net().endpoint_count(), before);
}

TEST_F(Tcp, SendAfterTheConnectionDroppedSaysWhy) {
  connect_with({});
  ASSERT_TRUE(net().abort(peer).ok());
  run_until(1s);
  const auto r = net().send(conn, std::vector<std::uint8_t>{1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConnectionClosed);
  EXPECT_NE(r.error().message.find("reset"), std::string::npos);
}

}  // namespace
}  // namespace ws2sim::testing

namespace ws2sim::testing {
namespace {

// The backlog bounds established-but-unaccepted plus half-open connections; a SYN beyond it is
// ignored, and the client's SYN retransmission gets in once the application accepts.
TEST_F(Tcp, FullBacklogIgnoresSynsUntilTheApplicationAccepts) {
  Network& n = world.network();
  client = n.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
  server = n.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
  ASSERT_TRUE(n.set_link(client, server, {.latency = 10ms}).ok());
  listener = n.listen(server, 443, {}, /*backlog=*/2).value();
  const EndpointId a = n.connect(client, {n.address(server), 443}).value();
  const EndpointId b = n.connect(client, {n.address(server), 443}).value();
  const EndpointId c = n.connect(client, {n.address(server), 443}).value();
  run_until(500ms);
  EXPECT_EQ(n.info(a)->state, TcpState::kEstablished);
  EXPECT_EQ(n.info(b)->state, TcpState::kEstablished);
  EXPECT_EQ(n.info(c)->state, TcpState::kSynSent);  // its SYN was ignored
  EXPECT_EQ(n.info(listener)->accept_queue, 2U);
  ASSERT_TRUE(n.accept(listener).value().has_value());
  run_until(1s + 20ms);  // c's SYN is re-sent at 1 s (initial RTO), answered at 1.020 s
  EXPECT_EQ(n.info(c)->state, TcpState::kEstablished);
  EXPECT_EQ(n.info(c)->established_at, at(1s + 20ms));
}

// Regression: the first SYN and SYN|ACK were traced as retransmissions whenever the random ISN
// lay "before" 0 in sequence space (snd_max started at 0). Only a re-sent SYN is one.
TEST(TcpTrace, OnlyReSentSegmentsAreMarkedRetransmissionsWhateverTheIsn) {
  for (std::uint64_t seed = 1; seed <= 64; ++seed) {
    World w(seed);
    Network& n = w.network();
    const HostId a = n.add_host("a", *Ipv4Address::parse("10.0.0.1")).value();
    const HostId b = n.add_host("b", *Ipv4Address::parse("10.0.0.2")).value();
    ASSERT_TRUE(n.set_link(a, b, {.latency = 10ms}).ok());
    const HostId c = n.add_host("c", *Ipv4Address::parse("10.0.0.3")).value();  // no listener
    ASSERT_TRUE(n.set_link(a, c, {.latency = 10ms}).ok());
    ASSERT_TRUE(n.listen(b, 443).ok());
    ASSERT_TRUE(n.connect(a, {n.address(b), 443}).ok());
    ASSERT_TRUE(n.partition(a, c).ok());
    ASSERT_TRUE(n.connect(a, {n.address(c), 80}).ok());  // SYN at 0, re-sent at 1 s
    ASSERT_TRUE(w.run_until(at(1500ms)).ok());
    std::vector<TimePoint> resent;
    std::size_t sent = 0;
    for (const TraceEvent& e : w.trace().events()) {
      if (e.kind != TraceKind::kSegmentSent) continue;
      ++sent;
      if (e.retransmission) resent.push_back(e.at);
    }
    EXPECT_EQ(sent, 5U) << "seed " << seed;  // SYN, SYN|ACK, ACK; SYN to c twice
    EXPECT_THAT(resent, ElementsAre(at(1s))) << "seed " << seed;
  }
}

}  // namespace
}  // namespace ws2sim::testing
