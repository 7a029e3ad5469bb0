// Loopback (docs/behaviour.md §14): every host has 127.0.0.0/8; a host's segments to
// itself never leave it, so no latency, loss, partition or NAT applies, and keep-alive runs on
// such connections as on any other.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.h"

namespace ws2sim::testing {
namespace {

using namespace std::chrono_literals;

class Loopback : public ::testing::Test {
 protected:
  void SetUp() override {
    Network& net = world.network();
    host = net.add_host("host", *Ipv4Address::parse("10.0.0.1")).value();
    other = net.add_host("other", *Ipv4Address::parse("10.0.0.2")).value();
    // A slow, lossy, partitioned path to the other host: none of it may touch loopback.
    ASSERT_TRUE(net.set_default_path({.latency = 300ms, .loss = 0.5}).ok());
    ASSERT_TRUE(net.partition(host, other).ok());
  }

  // Connects `host` to its own `to`:8080 (a listener there, bound to `bound` if given) and
  // accepts; returns {client, accepted}.
  std::pair<EndpointId, EndpointId> connect_to_self(const char* to,
                                                    std::optional<Ipv4Address> bound = {},
                                                    const KeepAliveConfig& keepalive = {}) {
    Network& net = world.network();
    EndpointOptions listening;
    listening.local_address = bound;
    const EndpointId listener = net.listen(host, 8080, listening).value();
    EndpointOptions options;
    options.keepalive = keepalive;
    const EndpointId c = net.connect(host, {*Ipv4Address::parse(to), 8080}, options).value();
    EXPECT_TRUE(world.run_until(world.now()).ok());
    const std::optional<EndpointId> a = net.accept(listener).value();
    EXPECT_TRUE(a.has_value());
    return {c, a.value_or(EndpointId{})};
  }

  World world{1};
  HostId host;
  HostId other;
};

TEST_F(Loopback, AConnectionToItselfIsEstablishedAtTheSameInstant) {
  const auto [c, a] = connect_to_self("127.0.0.1");
  const EndpointInfo ci = world.network().info(c).value();
  EXPECT_EQ(ci.state, TcpState::kEstablished);
  EXPECT_EQ(ci.established_at, at(0ms));
  EXPECT_EQ(to_string(ci.local.address), "127.0.0.1");
  EXPECT_EQ(to_string(world.network().info(a)->remote->address), "127.0.0.1");
  EXPECT_EQ(world.network().info(a)->remote->port, ci.local.port);
}

TEST_F(Loopback, EveryAddressOf127Slash8IsTheHostItself) {
  const auto [c, a] = connect_to_self("127.1.2.3");
  const EndpointInfo ci = world.network().info(c).value();
  EXPECT_EQ(ci.state, TcpState::kEstablished);
  EXPECT_EQ(to_string(ci.local.address), "127.0.0.1");
  EXPECT_EQ(to_string(world.network().info(a)->local.address), "127.1.2.3");
}

TEST_F(Loopback, TheHostsOwnAddressIsReachedWithoutThePath) {
  const auto [c, a] = connect_to_self("10.0.0.1");
  const EndpointInfo ci = world.network().info(c).value();
  EXPECT_EQ(ci.established_at, at(0ms));
  EXPECT_EQ(to_string(ci.local.address), "10.0.0.1");
  const std::uint8_t bytes[] = {1, 2, 3};
  ASSERT_TRUE(world.network().send(c, bytes).ok());
  ASSERT_TRUE(world.run_until(world.now()).ok());
  EXPECT_THAT(world.network().receive(a, 10).value(), ::testing::ElementsAre(1, 2, 3));
}

TEST_F(Loopback, KeepAliveProbesOnALoopbackConnectionAreAnsweredExactlyOnceASecond) {
  const auto [c, a] =
      connect_to_self("127.0.0.1", std::nullopt, {.enabled = true, .idle = 1s, .interval = 1s});
  ASSERT_TRUE(world.run_until(at(5500ms)).ok());
  EXPECT_THAT(times_of(world.trace(), TraceKind::kProbeSent, host),
              ::testing::ElementsAre(at(1s), at(2s), at(3s), at(4s), at(5s)));
  EXPECT_EQ(world.network().info(c)->state, TcpState::kEstablished);
  EXPECT_EQ(world.network().info(c)->probes_out, 0U);
  (void)a;
}

TEST_F(Loopback, AListenerBoundToLoopbackRefusesTheHostsOwnAddress) {
  Network& net = world.network();
  EndpointOptions listening;
  listening.local_address = Ipv4Address::loopback();
  ASSERT_TRUE(net.listen(host, 8080, listening).ok());
  const EndpointId c = net.connect(host, {*Ipv4Address::parse("10.0.0.1"), 8080}).value();
  ASSERT_TRUE(world.run_until(at(1min)).ok());
  EXPECT_EQ(net.info(c)->state, TcpState::kClosed);
  EXPECT_EQ(net.info(c)->close_reason, CloseReason::kConnectionRefused);
}

TEST_F(Loopback, ARestartAfterACrashForgetsBothEnds) {
  const auto [c, a] = connect_to_self("127.0.0.1");
  ASSERT_TRUE(world.network().crash(host).ok());
  ASSERT_TRUE(world.network().restart(host).ok());
  EXPECT_FALSE(world.network().info(c).ok());
  EXPECT_FALSE(world.network().info(a).ok());
}

TEST_F(Loopback, LoopbackAndForeignAddressesAreRefusedWhereTheyCannotBe) {
  Network& net = world.network();
  const auto loop = net.add_host("h", *Ipv4Address::parse("127.0.0.5"));
  ASSERT_FALSE(loop.ok());
  EXPECT_THAT(loop.error().message, ::testing::HasSubstr("loopback"));
  EndpointOptions foreign;
  foreign.local_address = Ipv4Address::parse("10.0.0.2");
  const auto l = net.listen(host, 8080, foreign);
  ASSERT_FALSE(l.ok());
  EXPECT_THAT(l.error().message, ::testing::HasSubstr("not an address of host 'host'"));
}

}  // namespace
}  // namespace ws2sim::testing
