// Shared fixtures for the model's tests: a two-host world with a connected pair, and helpers
// that read the trace as a timeline.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "ws2sim/model/world.h"

namespace ws2sim::testing {

using namespace std::chrono_literals;

/// Instant `d` after the epoch: `at(7200s + 20ms)`.
inline TimePoint at(Duration d) {
  return kEpoch + d;
}

/// Times of every trace event of `kind` (optionally only at `host`).
inline std::vector<TimePoint> times_of(const Trace& trace, TraceKind kind,
                                       std::optional<HostId> host = std::nullopt) {
  std::vector<TimePoint> out;
  for (const TraceEvent& e : trace.events()) {
    if (e.kind == kind && (!host || e.host == *host)) out.push_back(e.at);
  }
  return out;
}

/// A client and a server 10 ms apart (one way), a listener on server:443, and one connection
/// established by t = 30 ms: the client is ESTABLISHED at 20 ms (its last receipt), the server
/// at 30 ms.
class ConnectedPair : public ::testing::Test {
 protected:
  static constexpr Duration kLatency = 10ms;

  explicit ConnectedPair(std::uint64_t seed = 1) : world(seed) {}

  void connect_with(const KeepAliveConfig& client_keepalive,
                    const RetransmissionConfig& retransmission = {}) {
    Network& net = world.network();
    client = net.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
    server = net.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
    ASSERT_TRUE(net.set_link(client, server, {.latency = kLatency, .loss = 0.0}).ok());
    listener = net.listen(server, 443).value();
    EndpointOptions options;
    options.keepalive = client_keepalive;
    options.retransmission = retransmission;
    conn = net.connect(client, {net.address(server), 443}, options).value();
    ASSERT_TRUE(world.run_until(at(30ms)).ok());
    ASSERT_EQ(info().state, TcpState::kEstablished);
    auto accepted = net.accept(listener).value();
    ASSERT_TRUE(accepted.has_value());
    peer = *accepted;
  }

  EndpointInfo info() { return world.network().info(conn).value(); }
  Network& net() { return world.network(); }
  void run_until(Duration d) { ASSERT_TRUE(world.run_until(at(d)).ok()); }
  std::vector<TimePoint> probes() { return times_of(world.trace(), TraceKind::kProbeSent, client); }
  std::vector<TimePoint> closes() {
    return times_of(world.trace(), TraceKind::kConnectionClosed, client);
  }

  World world;
  HostId client;
  HostId server;
  EndpointId listener;
  EndpointId conn;
  EndpointId peer;
};

}  // namespace ws2sim::testing
