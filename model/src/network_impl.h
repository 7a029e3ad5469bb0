// Internal state of ws2sim::Network. Not a public header.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stable_vector.h"
#include "ws2sim/model/fifo.h"
#include "ws2sim/model/flat_index.h"
#include "ws2sim/model/network.h"

namespace ws2sim {

inline constexpr std::uint16_t kWindow = 65535;  // constant advertised window
inline constexpr std::size_t kMss = 1460;        // bytes per data segment
inline constexpr std::uint16_t kFirstEphemeral = 49152;

struct Endpoint {
  std::uint32_t generation = 1;
  bool in_use = false;
  bool released = false;  // the application let go: reap once closed
  bool binds_port = false;
  std::uint64_t serial = 0;
  HostId host;
  SocketAddress local;
  std::optional<SocketAddress> remote;
  TcpState state = TcpState::kClosed;
  std::optional<CloseReason> close_reason;
  EndpointOptions options;
  // listener
  std::uint32_t backlog = 0;
  std::uint32_t half_open = 0;  // children in SYN-RECEIVED
  Fifo<std::uint32_t> accept_queue;
  std::optional<std::uint32_t> parent;  // listener, until accepted
  // send sequence space: [snd_una, snd_nxt) in flight, snd_max the highest ever sent
  std::uint32_t iss = 0;
  std::uint32_t snd_una = 0;
  std::uint32_t snd_nxt = 0;
  std::uint32_t snd_max = 0;
  Fifo<std::uint8_t> send_buffer;  // data from snd_una on (acked bytes are popped)
  bool fin_queued = false;         // the application closed its send side
  bool fin_sent = false;
  // receive
  std::uint32_t irs = 0;
  std::uint32_t rcv_nxt = 0;
  Fifo<std::uint8_t> recv_buffer;
  bool fin_received = false;
  // timers
  EventId rtx_timer;
  std::uint32_t retransmissions = 0;
  Duration rto{};
  EventId time_wait_timer;
  std::optional<TimePoint> established_at;
};

struct Host {
  std::string name;
  Ipv4Address address;
  bool up = true;
  std::uint16_t next_ephemeral = kFirstEphemeral;
  std::set<std::uint16_t> bound_ports;
  std::map<std::uint16_t, std::uint32_t> listeners;
  FlatIndex<std::uint64_t> connections;  // by connection_key(); never iterated
};

struct Nat {
  HostId a;
  HostId b;
  NatConfig config;
  std::map<std::pair<SocketAddress, SocketAddress>, TimePoint> flows;  // last activity
};

struct Network::Impl final : KeepAliveDriver {
  Impl(Scheduler& s, Rng& r, Trace& t) : scheduler(s), rng(r), trace(t), keepalive(s, *this) {}
  ~Impl() override;

  Scheduler& scheduler;
  Rng& rng;
  Trace& trace;
  KeepAliveEngine keepalive;
  std::vector<Host> hosts;
  FlatIndex<std::uint32_t> address_index;  // host by address; never iterated
  PathConfig default_path;
  std::map<std::pair<std::uint32_t, std::uint32_t>, PathConfig> paths;
  std::set<std::pair<std::uint32_t, std::uint32_t>> partitions;  // directed
  std::vector<Nat> nats;
  StableVector<Endpoint> endpoints;  // never moved as it grows
  std::vector<std::uint32_t> free_endpoints;
  std::size_t live_endpoints = 0;
  std::uint64_t next_serial = 1;
  std::vector<std::optional<Segment>> in_flight;
  std::vector<std::uint32_t> free_in_flight;
  std::vector<EventId> fault_events;
  // Network::status_version(): bumped by everything that can change an endpoint's status.
  std::uint64_t status_version = 0;
  void status_may_change() noexcept { ++status_version; }

  // network.cc
  Status check_host(HostId h) const;
  const PathConfig& path_for(HostId from, HostId to) const;
  std::optional<HostId> host_by_address(Ipv4Address a) const;
  void transmit(const Endpoint* ep, HostId from, Segment seg, bool keepalive_probe = false,
                bool via_nat = true);
  bool nat_pass(HostId from, HostId to, const Segment& seg);
  void deliver(std::uint32_t slot);
  void send_reset_for(HostId host, const Segment& seg);
  Status apply(const Fault& fault);
  void record(const TraceEvent& e) { trace.record(e); }
  void record(const TraceEvent& e, const Segment& seg) { trace.record(e, seg); }
  TraceEvent event(TraceKind kind, HostId host) const;

  // tcp.cc
  Result<std::uint32_t> lookup(EndpointId id) const;
  std::uint32_t allocate_endpoint(HostId host);
  void free_endpoint(std::uint32_t index);
  static std::uint64_t connection_key(std::uint16_t local_port, const SocketAddress& remote);
  void segment_arrives(HostId host, const Segment& seg);
  void listener_gets_syn(std::uint32_t listener, const Segment& seg);
  void process(std::uint32_t index, const Segment& seg);
  void process_syn_sent(std::uint32_t index, const Segment& seg);
  bool process_ack(std::uint32_t index, const Segment& seg);
  void process_text(std::uint32_t index, const Segment& seg);
  void enter_established(std::uint32_t index);
  void enter_time_wait(std::uint32_t index);
  void output(std::uint32_t index);
  void send_control(std::uint32_t index, std::uint8_t flags, std::uint32_t seq);
  static void start_send_sequence(Endpoint& ep) noexcept;
  void send_syn(std::uint32_t index);
  void arm_rtx(std::uint32_t index);
  void on_rtx_timer(std::uint32_t index, std::uint32_t generation);
  void on_time_wait(std::uint32_t index, std::uint32_t generation);
  void close_connection(std::uint32_t index, CloseReason reason);
  void freeze(std::uint32_t index);
  void maybe_reap(std::uint32_t index);
  bool outstanding(const Endpoint& ep) const;

  // KeepAliveDriver
  bool has_outstanding_data(std::uint32_t conn) override;
  void send_probe(std::uint32_t conn, std::uint32_t probe, std::uint32_t of) override;
  void keepalive_timeout(std::uint32_t conn, std::uint32_t of) override;
  void keepalive_suppressed(std::uint32_t conn) override;
};

}  // namespace ws2sim
