// Network::Impl — the network's own state: hosts, paths, partitions, NATs, segments in flight and
// scheduled faults. The TCP endpoints and their state machine are Tcp's (tcp.h); the network
// carries their segments (TcpLink). Not a public header.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "host.h"
#include "tcp.h"
#include "ws2sim/model/flat_index.h"
#include "ws2sim/model/network.h"

namespace ws2sim {

/// FlowKey — a TCP flow as a middlebox sees it: its two ends, the smaller first.
using FlowKey = std::pair<SocketAddress, SocketAddress>;

/// NatFlow — one flow a middlebox remembers: when it last saw a segment of it, that segment (the
/// trace names the flow by it when the flow expires), and the timer that forgets the flow.
struct NatFlow {
  TimePoint last_activity;
  Segment last_segment;
  EventId expiry;
};

/// Nat — a middlebox between two hosts and the flows it remembers.
struct Nat {
  HostId a;
  HostId b;
  NatConfig config;
  std::map<FlowKey, NatFlow> flows;
};

struct Network::Impl final : TcpLink {
  Impl(Scheduler& s, Rng& r, Trace& t)
      : scheduler(s), rng(r), trace(t), tcp(s, r, t, hosts, *this) {}
  ~Impl() override;

  Scheduler& scheduler;
  Rng& rng;
  Trace& trace;
  std::vector<Host> hosts;  // before tcp: it holds a reference
  Tcp tcp;
  FlatIndex<std::uint32_t> address_index;                        // host by address; never iterated
  std::map<Ipv6Address, std::uint32_t> address6_index;           // host by IPv6 address
  std::map<std::string, std::uint32_t, std::less<>> name_index;  // host by name
  PathConfig default_path;
  std::map<std::pair<std::uint32_t, std::uint32_t>, PathConfig> paths;
  std::set<std::pair<std::uint32_t, std::uint32_t>> partitions;  // directed
  std::vector<Nat> nats;
  // A segment on its way and the host it goes to (for a loopback address: its sender).
  struct InFlight {
    Segment segment;
    HostId to;
    std::optional<Trace::SegmentMark> recorded;  // its kSegmentSent record, when traced
  };
  std::vector<std::optional<InFlight>> in_flight;
  std::vector<std::uint32_t> free_in_flight;
  std::vector<EventId> fault_events;

  // network_impl.cc
  Status check_host(HostId h) const;
  // The options' local address, if any, is one of host `h`'s: its own or a loopback one.
  Status check_local_address(HostId h, const EndpointOptions& options) const;
  const PathConfig& path_for(HostId from, HostId to) const;
  std::optional<HostId> host_by_address(const IpAddress& a) const;
  // The host a segment from `from` to `a` reaches: `from` itself for 127.0.0.0/8 and ::1.
  std::optional<HostId> route(HostId from, const IpAddress& a) const;
  // TcpLink: a segment an endpoint (or a host, for `ep` null) sends.
  void transmit(const Endpoint* ep, HostId from, Segment seg, bool keepalive_probe) override;
  void send(const Endpoint* ep, HostId from, Segment&& seg, bool keepalive_probe, bool via_nat);
  // Puts `seg` on its way to `to`, arriving `latency` from now.
  void in_transit(Segment&& seg, HostId to, Duration latency,
                  std::optional<Trace::SegmentMark> recorded);
  bool nat_pass(HostId from, HostId to, const Segment& seg);
  void nat_expiry_due(std::size_t nat, const FlowKey& key);
  // Arms `flow`'s expiry; `key` must be its key inside Nat::flows.
  void nat_arm(std::size_t nat, const FlowKey& key, NatFlow& flow);
  void nat_forget(Nat& nat, std::map<FlowKey, NatFlow>::iterator it);
  void deliver(std::uint32_t slot);
  Status apply(const Fault& fault);
  void record(const TraceEvent& e) { trace.record(e); }
  std::optional<Trace::SegmentMark> record(const TraceEvent& e, const Segment& seg,
                                           std::optional<Trace::SegmentMark> same_as = {}) {
    return trace.record(e, seg, same_as);
  }
  TraceEvent event(TraceKind kind, HostId host) const;
};

}  // namespace ws2sim
