// Bad input gets a clear error, never a crash, and changes nothing.
#include <cmath>
#include <limits>

#include "test_support.h"

namespace ws2sim::testing {
namespace {

class BadInput : public ConnectedPair {
 protected:
  void SetUp() override { connect_with({}); }
  // Snapshot of what a failed call must leave alone.
  std::tuple<std::size_t, std::size_t, std::size_t, TimePoint> state() {
    return {net().endpoint_count(), world.trace().events().size(),
            world.scheduler().pending_count(), world.now()};
  }
};

TEST_F(BadInput, NegativeKeepAliveDurationsAreRejectedAndNothingIsCreated) {
  const auto before = state();
  EndpointOptions o;
  o.keepalive = {.enabled = true, .idle = -1s};
  const auto r = net().connect(client, {net().address(server), 443}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("negative"), std::string::npos);
  EXPECT_EQ(state(), before);
  EXPECT_EQ(net().set_keepalive(conn, {.enabled = true, .interval = -5ms}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(info().options.keepalive, KeepAliveConfig{});
}

TEST_F(BadInput, UnknownHostsAreNotFound) {
  const auto before = state();
  const HostId ghost{99};
  EXPECT_EQ(net().listen(ghost, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(net().connect(ghost, {net().address(server), 443}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(net().crash(ghost).code(), ErrorCode::kNotFound);
  EXPECT_EQ(net().partition(client, ghost).code(), ErrorCode::kNotFound);
  EXPECT_EQ(net().set_link(ghost, client, {}).code(), ErrorCode::kNotFound);
  EXPECT_EQ(net().schedule(at(1h), RebootHost{ghost}).code(), ErrorCode::kNotFound);
  EXPECT_EQ(net().connect(client, {*Ipv4Address::parse("192.0.2.1"), 80}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(state(), before);
}

TEST_F(BadInput, StaleAndForgedEndpointIdsAreNotFound) {
  const auto before = state();
  for (EndpointId id : {EndpointId{}, EndpointId{12345, 1}, EndpointId{conn.index, 77}}) {
    EXPECT_EQ(net().info(id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(net().close(id).code(), ErrorCode::kNotFound);
    EXPECT_EQ(net().abort(id).code(), ErrorCode::kNotFound);
    EXPECT_EQ(net().receive(id, 1).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(net().set_keepalive(id, {}).code(), ErrorCode::kNotFound);
  }
  EXPECT_EQ(state(), before);
}

TEST_F(BadInput, OperationsOnAClosedEndpointFailCleanly) {
  ASSERT_TRUE(net().close(conn).ok());
  EXPECT_EQ(net().close(conn).code(), ErrorCode::kNotFound);  // double close
  EXPECT_EQ(net().send(conn, std::vector<std::uint8_t>{1}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(net().accept(peer).error().code, ErrorCode::kInvalidState);  // not a listener
}

TEST_F(BadInput, AbsurdPathValuesAreRejected) {
  const PathConfig before = net().path(client, server);
  for (double loss : {-0.1, 1.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EXPECT_EQ(net().set_link(client, server, {.latency = 1ms, .loss = loss}).code(),
              ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(net().set_path(client, server, {.latency = -1ms}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().set_default_path({.latency = -1ns}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().path(client, server).latency, before.latency);
}

TEST_F(BadInput, HostsAndPortsCannotBeTakenTwice) {
  EXPECT_EQ(net().add_host("client", *Ipv4Address::parse("10.9.9.9")).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(net().add_host("other", *Ipv4Address::parse("10.0.0.1")).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(net().add_host("zero", Ipv4Address{}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().add_host("", *Ipv4Address::parse("10.9.9.9")).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().listen(server, 443).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(net().listen(server, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().listen(server, 444, {}, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().connect(client, {net().address(server), 0}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().host_count(), 2U);
}

TEST_F(BadInput, FaultsInTheWrongStateOrTimeAreRejected) {
  EXPECT_EQ(net().restart(server).code(), ErrorCode::kInvalidState);  // it is running
  ASSERT_TRUE(net().crash(server).ok());
  EXPECT_EQ(net().crash(server).code(), ErrorCode::kInvalidState);
  EXPECT_EQ(net().partition(client, client).code(), ErrorCode::kInvalidArgument);
  run_until(10s);
  const auto before = state();
  EXPECT_EQ(net().schedule(at(5s), CrashHost{client}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().add_nat(client, server, {.idle_timeout = 0s}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().add_nat(client, client, {}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(state(), before);
}

TEST_F(BadInput, TimeCannotRunBackwards) {
  run_until(10s);
  EXPECT_EQ(world.run_until(at(5s)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(world.run_for(-1s).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(world.now(), at(10s));
}

TEST_F(BadInput, RetransmissionLimitsAreValidated) {
  EXPECT_EQ(net().set_retransmission(conn, {.initial_rto = 0s}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(net().set_retransmission(conn, {.initial_rto = 2s, .max_rto = 1s}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(info().options.retransmission.initial_rto, 1s);
}

}  // namespace
}  // namespace ws2sim::testing
