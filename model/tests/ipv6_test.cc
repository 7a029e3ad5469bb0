// IPv6 in the model (docs/behaviour.md §16): addresses and their text, hosts with an IPv6
// address besides their IPv4 one, ::1, connections and keep-alive over IPv6, ports shared by
// listeners of different families, and IPv6 segments in the trace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.h"

namespace ws2sim::testing {
namespace {

using namespace std::chrono_literals;

Ipv6Address v6(const char* text) {
  const std::optional<Ipv6Address> a = Ipv6Address::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(Ipv6Address{});
}

TEST(Ipv6Text, ParsesRfc4291TextAndWritesRfc5952Text) {
  const std::pair<const char*, const char*> cases[] = {
      {"2001:db8::1", "2001:db8::1"},
      {"2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},  // the first of two equal runs
      {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // one zero group stays
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"fe80::0001", "fe80::1"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
      {"::ffff:10.0.0.1", "::ffff:10.0.0.1"},
      {"::FFFF:0a00:0001", "::ffff:10.0.0.1"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
  };
  for (const auto& [in, out] : cases) {
    EXPECT_EQ(to_string(v6(in)), out) << in;
  }
  for (const char* bad : {"", ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
                          "1:2:3:4:5:6:7", "::ffff:1.2.3", "[::1]", "::1%3", "1:", ":1",
                          "g::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "1::2:3:4:5:6:7:8"}) {
    EXPECT_FALSE(Ipv6Address::parse(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(Ipv6Text, IpAddressKeepsTheFamilyAndSocketAddressesBracketIpv6) {
  const IpAddress a = *IpAddress::parse("10.0.0.1");
  const IpAddress b = *IpAddress::parse("2001:db8::1");
  EXPECT_EQ(a.family(), IpFamily::kIpv4);
  EXPECT_EQ(b.family(), IpFamily::kIpv6);
  EXPECT_EQ(a.ipv4(), Ipv4Address::parse("10.0.0.1"));
  EXPECT_FALSE(b.ipv4().has_value());
  EXPECT_NE(IpAddress{Ipv6Address::mapped(*a.ipv4())}, a) << "a mapped address stays IPv6";
  EXPECT_EQ(Ipv6Address::mapped(*a.ipv4()).mapped_ipv4(), a.ipv4());
  EXPECT_EQ(to_string(SocketAddress{a, 80}), "10.0.0.1:80");
  EXPECT_EQ(to_string(SocketAddress{b, 80}), "[2001:db8::1]:80");
  EXPECT_TRUE(IpAddress{Ipv6Address::loopback()}.is_loopback());
  EXPECT_TRUE(IpAddress{Ipv6Address{}}.is_unspecified());
  EXPECT_TRUE(IpAddress{}.is_unspecified());
}

class Ipv6 : public ::testing::Test {
 protected:
  void SetUp() override {
    Network& net = world.network();
    client = net.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
    server = net.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
    ASSERT_TRUE(net.set_ipv6_address(client, v6("2001:db8::1")).ok());
    ASSERT_TRUE(net.set_ipv6_address(server, v6("2001:db8::2")).ok());
    ASSERT_TRUE(net.set_default_path({.latency = 10ms}).ok());
  }

  World world{3};
  HostId client;
  HostId server;
};

TEST_F(Ipv6, HostsReachEachOtherByTheirIpv6AddressesWithKeepAlive) {
  Network& net = world.network();
  const EndpointId listener = net.listen(server, 443).value();
  EndpointOptions options;
  options.keepalive = {.enabled = true, .idle = 10s, .interval = 1s, .probe_count = 3};
  const EndpointId c = net.connect(client, {v6("2001:db8::2"), 443}, options).value();
  ASSERT_TRUE(world.run_until(at(30ms)).ok());  // the server has the handshake's ACK
  const std::optional<EndpointId> a = net.accept(listener).value();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(to_string(net.info(c)->local.address), "2001:db8::1");
  EXPECT_EQ(to_string(*net.info(*a)->remote), to_string(net.info(c)->local));
  EXPECT_EQ(to_string(net.info(*a)->local), "[2001:db8::2]:443");
  ASSERT_TRUE(net.crash(server).ok());
  ASSERT_TRUE(world.run_until(at(1min)).ok());
  // Established at 20 ms: probes at 10.02 s, 11.02 s and 12.02 s, dropped at 13.02 s.
  EXPECT_THAT(times_of(world.trace(), TraceKind::kProbeSent, client),
              ::testing::ElementsAre(at(10020ms), at(11020ms), at(12020ms)));
  EXPECT_EQ(net.info(c)->close_reason, CloseReason::kKeepAliveTimeout);
  EXPECT_EQ(net.host_at(v6("2001:db8::2")), server);
  EXPECT_EQ(net.ipv6_address(client), v6("2001:db8::1"));
}

TEST_F(Ipv6, Ipv6LoopbackNeedsNoIpv6Address) {
  Network& net = world.network();
  const HostId plain = net.add_host("plain", *Ipv4Address::parse("10.0.0.3")).value();
  const EndpointId listener = net.listen(plain, 80).value();
  const EndpointId c = net.connect(plain, {Ipv6Address::loopback(), 80}).value();
  ASSERT_TRUE(world.run_until(world.now()).ok());
  EXPECT_EQ(net.info(c)->state, TcpState::kEstablished);
  EXPECT_EQ(to_string(net.info(c)->local.address), "::1");
  EXPECT_TRUE(net.accept(listener).value().has_value());
  // Without an address of its own it cannot reach another host's.
  const auto far = net.connect(plain, {v6("2001:db8::2"), 443});
  ASSERT_FALSE(far.ok());
  EXPECT_THAT(far.error().message, ::testing::HasSubstr("no IPv6 address"));
}

TEST_F(Ipv6, AnIpv4ListenerAndAnIpv6OnlyOneShareAPortAndEachTakesItsFamily) {
  Network& net = world.network();
  EndpointOptions only4;
  only4.family = IpFamily::kIpv4;
  EndpointOptions only6;
  only6.family = IpFamily::kIpv6;
  const EndpointId l4 = net.listen(server, 80, only4).value();
  const EndpointId l6 = net.listen(server, 80, only6).value();
  EndpointOptions both;  // a dual-stack listener overlaps both
  const auto dual = net.listen(server, 80, both);
  ASSERT_FALSE(dual.ok());
  EXPECT_EQ(dual.error().code, ErrorCode::kAlreadyExists);
  ASSERT_TRUE(net.connect(client, {*Ipv4Address::parse("10.0.0.2"), 80}).ok());
  ASSERT_TRUE(world.run_until(at(30ms)).ok());
  EXPECT_EQ(net.status(l4)->accept_queue, 1U);
  EXPECT_EQ(net.status(l6)->accept_queue, 0U);
  ASSERT_TRUE(net.connect(client, {v6("2001:db8::2"), 80}).ok());
  ASSERT_TRUE(world.run_until(at(60ms)).ok());
  EXPECT_EQ(net.status(l4)->accept_queue, 1U);
  EXPECT_EQ(net.status(l6)->accept_queue, 1U);
}

TEST_F(Ipv6, AnIpv6OnlyListenerRefusesIpv4AndADualStackOneTakesBoth) {
  Network& net = world.network();
  EndpointOptions only6;
  only6.family = IpFamily::kIpv6;
  const EndpointId l6 = net.listen(server, 80, only6).value();
  const EndpointId refused = net.connect(client, {*Ipv4Address::parse("10.0.0.2"), 80}).value();
  const EndpointId dual = net.listen(server, 81).value();
  const EndpointId by4 = net.connect(client, {*Ipv4Address::parse("10.0.0.2"), 81}).value();
  const EndpointId by6 = net.connect(client, {v6("2001:db8::2"), 81}).value();
  ASSERT_TRUE(world.run_until(at(1min)).ok());
  EXPECT_EQ(net.info(refused)->close_reason, CloseReason::kConnectionRefused);
  EXPECT_EQ(net.status(l6)->accept_queue, 0U);
  EXPECT_EQ(net.status(dual)->accept_queue, 2U);
  EXPECT_EQ(net.info(by4)->state, TcpState::kEstablished);
  EXPECT_EQ(net.info(by6)->state, TcpState::kEstablished);
}

TEST_F(Ipv6, TheTraceKeepsIpv6SegmentsWithTheirPayloads) {
  Network& net = world.network();
  const EndpointId listener = net.listen(server, 443).value();
  const EndpointId c = net.connect(client, {v6("2001:db8::2"), 443}).value();
  ASSERT_TRUE(world.run_until(at(30ms)).ok());
  ASSERT_TRUE(net.accept(listener).value().has_value());
  const std::vector<std::uint8_t> small{1, 2, 3};
  const std::vector<std::uint8_t> large(1000, 7);  // stored apart from the event
  ASSERT_TRUE(net.send(c, small).ok());
  ASSERT_TRUE(world.run_until(at(100ms)).ok());
  ASSERT_TRUE(net.send(c, large).ok());
  ASSERT_TRUE(world.run_until(at(200ms)).ok());
  std::vector<std::vector<std::uint8_t>> payloads;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind != TraceKind::kSegmentSent || !e.segment) {
      continue;
    }
    const bool from_client = e.host == client;
    EXPECT_EQ(to_string(e.segment->source.address), from_client ? "2001:db8::1" : "2001:db8::2");
    EXPECT_EQ(to_string(e.segment->destination.address),
              from_client ? "2001:db8::2" : "2001:db8::1");
    if (!e.segment->payload.empty()) {
      payloads.push_back(e.segment->payload);
    }
  }
  EXPECT_THAT(payloads, ::testing::ElementsAre(small, large));
}

TEST_F(Ipv6, AddressesThatCannotBeAHostsAreRefused) {
  Network& net = world.network();
  const HostId other = net.add_host("other", *Ipv4Address::parse("10.0.0.3")).value();
  for (const char* bad : {"::", "::1", "::ffff:10.0.0.9", "ff02::1"}) {
    const Status s = net.set_ipv6_address(other, v6(bad));
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  const Status taken = net.set_ipv6_address(other, v6("2001:db8::2"));
  ASSERT_FALSE(taken.ok());
  EXPECT_THAT(taken.error().message, ::testing::HasSubstr("belongs to host 'server'"));
  const Status second = net.set_ipv6_address(server, v6("2001:db8::99"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_FALSE(net.ipv6_address(other).has_value()) << "nothing changed";
  EndpointOptions mixed;
  mixed.local_address = IpAddress{v6("2001:db8::2")};
  mixed.family = IpFamily::kIpv4;
  EXPECT_FALSE(net.listen(server, 80, mixed).ok());
}

}  // namespace
}  // namespace ws2sim::testing
