// Faults: NAT idle timeouts, partitions, crashes and restarts, as timelines.
#include <algorithm>

#include "test_support.h"

namespace ws2sim::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr KeepAliveConfig kWindows{.enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10};

class NatTimeout : public ConnectedPair {
 protected:
  void behind_nat(NatExpiry mode, Duration idle) {
    KeepAliveConfig cfg = kWindows;
    cfg.idle = idle;
    Network& n = world.network();
    client = n.add_host("client", *Ipv4Address::parse("192.168.1.10")).value();
    server = n.add_host("server", *Ipv4Address::parse("203.0.113.5")).value();
    ASSERT_TRUE(n.set_link(client, server, {.latency = 10ms}).ok());
    ASSERT_TRUE(n.add_nat(client, server, {.idle_timeout = 350s, .on_expiry = mode}).ok());
    listener = n.listen(server, 443).value();
    EndpointOptions options;
    options.keepalive = cfg;
    conn = n.connect(client, {n.address(server), 443}, options).value();
    run_until(30ms);
    peer = n.accept(listener).value().value();
  }
};

TEST_F(NatTimeout, TwoHourIdleLosesTheFlowAndEveryProbe) {
  behind_nat(NatExpiry::kDropSilently, 2h);
  run_until(3h);
  EXPECT_THAT(probes(), SizeIs(10));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kNatFlowExpired), SizeIs(1));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kProbeAnswered), IsEmpty());
  EXPECT_THAT(closes(), ElementsAre(at(7210s + 20ms)));
  EXPECT_EQ(info().close_reason, CloseReason::kKeepAliveTimeout);
  // The server never heard a thing: its side is still established (a half-open connection).
  EXPECT_EQ(net().info(peer)->state, TcpState::kEstablished);
}

// Regression: the NAT forgot a flow only when the next segment reached it (the trace said
// 7200.020 s); it forgets it idle_timeout after its last segment, the handshake's ACK at 20 ms.
TEST_F(NatTimeout, FlowExpiresIdleTimeoutAfterItsLastSegment) {
  behind_nat(NatExpiry::kDropSilently, 2h);
  run_until(350s + 20ms - 1ns);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kNatFlowExpired), IsEmpty());
  run_until(350s + 20ms);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kNatFlowExpired), ElementsAre(at(350s + 20ms)));
  const TraceEvents events = world.trace().events();
  const TraceEvent expired = *std::find_if(events.begin(), events.end(), [](const TraceEvent& e) {
    return e.kind == TraceKind::kNatFlowExpired;
  });
  EXPECT_EQ(expired.host, client);  // the NAT's first end, as added
  EXPECT_EQ(expired.peer, server);
  ASSERT_TRUE(expired.segment.has_value());  // the flow's last segment: the client's ACK
  EXPECT_EQ(expired.segment->source.address, net().address(client));
  EXPECT_EQ(expired.segment->flags, tcp_flags::kAck);
  run_until(3h);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kNatFlowExpired), SizeIs(1));
}

TEST_F(NatTimeout, TrafficPostponesTheExpiry) {
  behind_nat(NatExpiry::kDropSilently, 2h);
  run_until(300s);
  const std::uint8_t b = 1;
  ASSERT_TRUE(net().send(conn, {&b, 1}).ok());  // at 300 s; the server's ACK passes at 300.010 s
  run_until(3h);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kNatFlowExpired),
              ElementsAre(at(300s + 10ms + 350s)));
}

TEST_F(NatTimeout, ThreeHundredSecondIdleKeepsTheFlowAlive) {
  behind_nat(NatExpiry::kDropSilently, 300s);
  run_until(3h);
  EXPECT_EQ(info().state, TcpState::kEstablished);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kNatFlowExpired), IsEmpty());
  // A probe every 300.020 s, each answered.
  const auto sent = probes();
  ASSERT_THAT(sent, SizeIs(35));
  EXPECT_EQ(sent[0], at(300s + 20ms));
  EXPECT_EQ(sent[1], at(600s + 40ms));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kProbeAnswered), SizeIs(35));
}

TEST_F(NatTimeout, ResettingMiddleboxAnswersTheFirstProbeWithRst) {
  behind_nat(NatExpiry::kReset, 2h);
  run_until(3h);
  EXPECT_THAT(probes(), ElementsAre(at(7200s + 20ms)));
  EXPECT_THAT(closes(), ElementsAre(at(7200s + 30ms)));
  EXPECT_EQ(info().close_reason, CloseReason::kResetByPeer);
}

using Faults = ConnectedPair;

TEST_F(Faults, CrashedHostDropsArrivingSegmentsAndKeepsItsState) {
  connect_with({});
  ASSERT_TRUE(net().crash(server).ok());
  const std::uint8_t b = 1;
  ASSERT_TRUE(net().send(conn, {&b, 1}).ok());
  run_until(2s);
  std::size_t host_down = 0;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kSegmentDropped && e.drop == DropCause::kHostDown) ++host_down;
  }
  EXPECT_GE(host_down, 1U);
  EXPECT_FALSE(net().is_up(server));
  EXPECT_EQ(net().info(peer)->state, TcpState::kEstablished);  // frozen, not closed
}

TEST_F(Faults, RestartForgetsConnectionsAndAnswersWithReset) {
  connect_with({});
  ASSERT_TRUE(net().crash(server).ok());
  run_until(10s);
  ASSERT_TRUE(net().restart(server).ok());
  EXPECT_EQ(net().info(peer).error().code, ErrorCode::kNotFound);  // the handle is gone
  const std::uint8_t b = 1;
  ASSERT_TRUE(net().send(conn, {&b, 1}).ok());  // sent at 10 s, RST back at 10.020 s
  run_until(11s);
  EXPECT_THAT(closes(), ElementsAre(at(10s + 20ms)));
  EXPECT_EQ(info().close_reason, CloseReason::kResetByPeer);
}

TEST_F(Faults, ScheduledFaultsHappenAtTheirTime) {
  connect_with(kWindows);
  ASSERT_TRUE(net().schedule(at(100s), CrashHost{server}).ok());
  ASSERT_TRUE(net().schedule(at(200s), RestartHost{server}).ok());
  run_until(3h);
  EXPECT_THAT(times_of(world.trace(), TraceKind::kHostCrashed), ElementsAre(at(100s)));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kHostRestarted), ElementsAre(at(200s)));
  EXPECT_EQ(info().close_reason, CloseReason::kResetByPeer);
}

TEST_F(Faults, OneWayPartitionLosesOnlyThatDirection) {
  connect_with({});
  ASSERT_TRUE(net().partition(client, server, /*both_ways=*/false).ok());
  const std::uint8_t b = 9;
  ASSERT_TRUE(net().send(peer, {&b, 1}).ok());  // server -> client still works
  run_until(1s);
  EXPECT_EQ(info().bytes_readable, 1U);
  std::size_t partitioned = 0;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kSegmentDropped && e.drop == DropCause::kPartition) ++partitioned;
  }
  EXPECT_EQ(partitioned, 1U);  // the client's ACK of that byte
}

TEST_F(Faults, HealedPartitionLetsRetransmissionsThrough) {
  connect_with({});
  ASSERT_TRUE(net().partition(client, server).ok());
  const std::uint8_t data[] = {1, 2, 3, 4};
  ASSERT_TRUE(net().send(conn, data).ok());  // at 30 ms; RTO 1 s, 2 s, ...
  run_until(2s);
  ASSERT_TRUE(net().heal(client, server).ok());
  run_until(10s);
  EXPECT_EQ(net().info(peer)->bytes_readable, 4U);
  EXPECT_EQ(info().bytes_unacked, 0U);
  EXPECT_EQ(info().state, TcpState::kEstablished);
}

}  // namespace
}  // namespace ws2sim::testing

namespace ws2sim::testing {
namespace {

// Regression: a restarting host's listener used to "abort" its not-yet-accepted connections by
// sending RSTs at restart time. A rebooted machine sends nothing; the peer learns of the reboot
// only when its next segment is answered with RST.
TEST_F(Faults, RebootSendsNothingEvenForUnacceptedConnections) {
  Network& n = world.network();
  client = n.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
  server = n.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
  ASSERT_TRUE(n.set_link(client, server, {.latency = 10ms}).ok());
  listener = n.listen(server, 443).value();
  conn = n.connect(client, {n.address(server), 443}).value();  // never accepted
  run_until(1s);
  ASSERT_TRUE(n.reboot(server).ok());
  run_until(1h);
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kSegmentSent && e.at >= at(1s)) {
      ADD_FAILURE() << "segment sent at " << format_time(e.at) << " by host " << e.host.value;
    }
  }
  EXPECT_EQ(info().state, TcpState::kEstablished);  // the client has not noticed yet
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kConnectionClosed && e.host == server) {
      EXPECT_EQ(e.reason, CloseReason::kHostRestarted);
    }
  }
}

}  // namespace
}  // namespace ws2sim::testing
