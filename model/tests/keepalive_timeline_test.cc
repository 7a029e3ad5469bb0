// Keep-alive over the full TCP model, as timelines of exact virtual times.
// RFC 1122 §4.2.3.6; the Windows defaults and the detection formula are in
// docs/behaviour.md §2-3.
#include "test_support.h"

namespace ws2sim::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr KeepAliveConfig kLinux{.enabled = true, .idle = 7200s, .interval = 75s, .probe_count = 9};
constexpr KeepAliveConfig kWindows{.enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10};

using KeepAliveTimeline = ConnectedPair;

TEST_F(KeepAliveTimeline, LinuxDefaultsDropAt7875sAfterLastReceipt) {
  connect_with(kLinux);
  ASSERT_TRUE(net().crash(server).ok());
  run_until(7200s);  // last receipt 20 ms: nothing before 7200.020
  EXPECT_THAT(probes(), IsEmpty());
  run_until(3h);
  std::vector<TimePoint> expected;
  for (int k = 0; k < 9; ++k)
    expected.push_back(at(7200s + 20ms + k * 75s));
  EXPECT_EQ(probes(), expected);
  EXPECT_THAT(closes(), ElementsAre(at(7875s + 20ms)));
  EXPECT_EQ(info().close_reason, CloseReason::kKeepAliveTimeout);
}

TEST_F(KeepAliveTimeline, WindowsDefaultsDropAt7210sAfterLastReceipt) {
  connect_with(kWindows);
  ASSERT_TRUE(net().crash(server).ok());
  run_until(3h);
  ASSERT_THAT(probes(), SizeIs(10));
  EXPECT_EQ(probes().front(), at(7200s + 20ms));
  EXPECT_EQ(probes().back(), at(7209s + 20ms));
  EXPECT_THAT(closes(), ElementsAre(at(7210s + 20ms)));
  EXPECT_EQ(info().close_reason, CloseReason::kKeepAliveTimeout);
}

TEST_F(KeepAliveTimeline, ProbeCarriesSeqOneBeforeSndNxtAndNoData) {
  connect_with(kWindows);
  run_until(7200s + 20ms);
  std::optional<TraceEvent> probe;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kSegmentSent && e.keepalive) probe = e;
  }
  ASSERT_TRUE(probe.has_value());
  // The handshake's ACK was the client's last segment: its SEQ was SND.NXT.
  std::optional<std::uint32_t> snd_nxt;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kSegmentSent && e.host == client && !e.keepalive)
      snd_nxt = e.segment->seq;
  }
  ASSERT_TRUE(snd_nxt.has_value());
  EXPECT_EQ(probe->segment->seq, *snd_nxt - 1);
  EXPECT_TRUE(probe->segment->payload.empty());
  EXPECT_EQ(probe->segment->flags, tcp_flags::kAck);
}

TEST_F(KeepAliveTimeline, GarbageOctetProbeIsAnsweredToo) {
  KeepAliveConfig cfg = kWindows;
  cfg.shape = ProbeShape::kOneGarbageOctet;
  connect_with(cfg);
  run_until(7200s + 40ms);
  EXPECT_THAT(probes(), ElementsAre(at(7200s + 20ms)));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kProbeAnswered), ElementsAre(at(7200s + 40ms)));
  EXPECT_EQ(info().state, TcpState::kEstablished);
}

TEST_F(KeepAliveTimeline, LivePeerAnswersAndNextProbeIsOneIdleAfterTheAnswer) {
  connect_with(kLinux);
  run_until(7200s + 39ms);
  EXPECT_THAT(probes(), ElementsAre(at(7200s + 20ms)));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kProbeAnswered), IsEmpty());
  run_until(7200s + 40ms);  // the ACK for RCV.NXT comes back one round trip later
  EXPECT_THAT(times_of(world.trace(), TraceKind::kProbeAnswered), ElementsAre(at(7200s + 40ms)));
  EXPECT_EQ(info().probes_out, 0U);
  run_until(14400s + 39ms);
  EXPECT_THAT(probes(), SizeIs(1));  // nothing at 7275 s: the answer reset idleness
  run_until(14400s + 40ms);
  EXPECT_THAT(probes(), ElementsAre(at(7200s + 20ms), at(14400s + 40ms)));
  EXPECT_EQ(info().state, TcpState::kEstablished);
}

TEST_F(KeepAliveTimeline, AnsweredProbeResetsTheCounter) {
  connect_with(kLinux);
  ASSERT_TRUE(net().partition(server, client, /*both_ways=*/false).ok());  // answers get lost
  run_until(7300s);
  EXPECT_THAT(probes(), ElementsAre(at(7200s + 20ms), at(7275s + 20ms)));
  EXPECT_EQ(info().probes_out, 2U);
  ASSERT_TRUE(net().heal(server, client, false).ok());
  run_until(7350s + 40ms);  // probe 3 at 7350.020 is answered at 7350.040
  EXPECT_EQ(info().probes_out, 0U);
  std::vector<std::uint32_t> numbers;
  run_until(14550s + 40ms);
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kProbeSent) numbers.push_back(e.probe);
  }
  // After the answer the count starts again from 1, one idle period after the answer.
  EXPECT_THAT(numbers, ElementsAre(1U, 2U, 3U, 1U));
  EXPECT_EQ(probes().back(), at(14550s + 40ms));
}

TEST_F(KeepAliveTimeline, TrafficMovesTheFirstProbeToOneIdleAfterIt) {
  connect_with(kWindows);
  run_until(1000s);
  const std::uint8_t byte = 7;
  ASSERT_TRUE(net().send(peer, {&byte, 1}).ok());  // arrives at the client at 1000.010
  run_until(7200s + 20ms);
  EXPECT_THAT(probes(), IsEmpty());  // lazily re-armed, not probed
  run_until(8200s + 10ms);
  EXPECT_THAT(probes(), ElementsAre(at(8200s + 10ms)));
}

TEST_F(KeepAliveTimeline, OutstandingDataSuppressesProbesAndRetransmissionDropsInstead) {
  connect_with(kWindows, {.initial_rto = 1s, .max_rto = 60s, .max_retransmissions = 10});
  ASSERT_TRUE(net().crash(server).ok());
  run_until(7000s);
  const std::uint8_t data[] = {1, 2, 3};
  ASSERT_TRUE(net().send(conn, data).ok());
  run_until(4h);
  // RTOs 1,2,4,8,16,32,60,60,60,60 s: ten re-sends, the last at 7303 s, the drop one RTO later.
  EXPECT_THAT(times_of(world.trace(), TraceKind::kRetransmission, client), SizeIs(10));
  EXPECT_THAT(times_of(world.trace(), TraceKind::kKeepAliveSuppressed, client),
              ElementsAre(at(7200s + 20ms)));
  EXPECT_THAT(probes(), IsEmpty());
  EXPECT_THAT(closes(), ElementsAre(at(7363s)));
  EXPECT_EQ(info().close_reason, CloseReason::kRetransmissionTimeout);
}

TEST_F(KeepAliveTimeline, RebootedPeerAnswersTheFirstProbeWithReset) {
  connect_with(kWindows);
  ASSERT_TRUE(net().reboot(server).ok());
  run_until(3h);
  EXPECT_THAT(probes(), ElementsAre(at(7200s + 20ms)));
  EXPECT_THAT(closes(), ElementsAre(at(7200s + 40ms)));
  EXPECT_EQ(info().close_reason, CloseReason::kResetByPeer);
}

TEST_F(KeepAliveTimeline, ProbeCountZeroNeverProbesNeverDrops) {
  KeepAliveConfig cfg = kWindows;
  cfg.probe_count = 0;
  connect_with(cfg);
  ASSERT_TRUE(net().crash(server).ok());
  run_until(24h * 30);
  EXPECT_THAT(probes(), IsEmpty());
  EXPECT_EQ(info().state, TcpState::kEstablished);
  EXPECT_FALSE(info().next_keepalive_check.has_value());
}

TEST_F(KeepAliveTimeline, MaximumWindowsIdleOf0xFFFFFFFFmsDoesNotOverflow) {
  KeepAliveConfig cfg = kWindows;
  cfg.idle = milliseconds_u32(0xFFFFFFFF);  // 49 days 17 h 2 min 47.295 s
  connect_with(cfg);
  ASSERT_TRUE(net().crash(server).ok());
  run_until(4294967295ms + 19ms);
  EXPECT_THAT(probes(), IsEmpty());
  run_until(4294967295ms + 1h);
  ASSERT_THAT(probes(), SizeIs(10));
  EXPECT_EQ(probes().front(), at(4294967295ms + 20ms));
  EXPECT_THAT(closes(), ElementsAre(at(4294967295ms + 10s + 20ms)));
}

TEST_F(KeepAliveTimeline, EnablingLaterCountsAFullIdlePeriodFromThen) {
  connect_with({});  // keep-alive off
  run_until(100s);
  ASSERT_TRUE(net().set_keepalive(conn, kWindows).ok());
  ASSERT_TRUE(net().crash(server).ok());
  run_until(3h);
  EXPECT_EQ(probes().front(), at(7300s));
  EXPECT_THAT(closes(), ElementsAre(at(7310s)));
}

TEST_F(KeepAliveTimeline, DisablingStopsProbing) {
  connect_with(kWindows);
  ASSERT_TRUE(net().crash(server).ok());
  run_until(7203s);
  EXPECT_THAT(probes(), SizeIs(3));
  ASSERT_TRUE(net().set_keepalive(conn, {}).ok());
  run_until(24h);
  EXPECT_THAT(probes(), SizeIs(3));
  EXPECT_EQ(info().state, TcpState::kEstablished);
}

TEST_F(KeepAliveTimeline, AcceptedConnectionInheritsListenerKeepAlive) {
  Network& n = world.network();
  client = n.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
  server = n.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
  ASSERT_TRUE(n.set_link(client, server, {.latency = 10ms}).ok());
  EndpointOptions options;
  options.keepalive = kWindows;
  listener = n.listen(server, 443, options).value();
  conn = n.connect(client, {n.address(server), 443}).value();  // client: keep-alive off
  run_until(1s);
  peer = n.accept(listener).value().value();
  EXPECT_EQ(n.info(peer)->options.keepalive, kWindows);
  ASSERT_TRUE(n.crash(client).ok());
  run_until(3h);
  // The server side received the handshake ACK at 30 ms.
  EXPECT_EQ(times_of(world.trace(), TraceKind::kProbeSent, server).front(), at(7200s + 30ms));
  EXPECT_EQ(n.info(peer)->close_reason, CloseReason::kKeepAliveTimeout);
}

}  // namespace
}  // namespace ws2sim::testing
