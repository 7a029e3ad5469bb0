// Tcp — the TCP endpoints of one network: the endpoint table and the RFC 9293 state machine they
// run. Internal to the TCP model; Network (network.h) is its public face.
//
// After smoltcp's sockets, the state machine is told the time: every operation takes `now`, and
// an endpoint says when it next needs attention by arming its retransmission or TIME-WAIT timer
// for an instant it computes from `now`. Only the edges read the clock: the timer callbacks and
// the keep-alive driver callbacks, which the scheduler runs at their instant.
//
//   Tcp tcp(scheduler, rng, trace, hosts, link);
//   const auto ep = tcp.connect(now, host, remote, options, 0);   // sends SYN, arms the RTO
//   tcp.segment_arrives(now, host, segment);                      // a segment was delivered
//
// Segments leave through TcpLink (the network: paths, NAT, loss, latency); hosts' TCP tables
// (ports, listeners, connections) live in the network's Host records, shared by reference.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "endpoint.h"
#include "host.h"
#include "stable_vector.h"
#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/network.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/scheduler.h"
#include "ws2sim/model/trace.h"

namespace ws2sim {

/// TcpLink — what the endpoints need from the network they run on.
class TcpLink {
 public:
  virtual ~TcpLink() = default;
  /// TcpLink::transmit — sends `seg` from host `from` over the path to its destination.
  /// `ep` (nullptr for segments no endpoint sent) and `keepalive_probe` are for the trace.
  virtual void transmit(const Endpoint* ep, HostId from, Segment seg, bool keepalive_probe) = 0;
};

/// Tcp — the endpoints of one network and the state machine they run.
class Tcp final : KeepAliveDriver {
 public:
  Tcp(Scheduler& scheduler, Rng& rng, Trace& trace, std::vector<Host>& hosts, TcpLink& link);
  ~Tcp() override;
  Tcp(const Tcp&) = delete;
  Tcp& operator=(const Tcp&) = delete;

  // ---- The endpoint operations behind Network's API (tcp_endpoints.cc) ----------------------
  Result<EndpointId> listen(HostId host, std::uint16_t port, const EndpointOptions& options,
                            std::uint32_t backlog);
  Result<EndpointId> connect(TimePoint now, HostId host, SocketAddress remote,
                             const EndpointOptions& options, std::uint16_t local_port);
  Result<std::optional<EndpointId>> accept(EndpointId listener);
  Result<std::optional<EndpointId>> next_to_accept(EndpointId listener) const;
  Result<std::size_t> send(TimePoint now, EndpointId id, std::span<const std::uint8_t> bytes);
  Result<std::vector<std::uint8_t>> receive(EndpointId id, std::size_t max);
  Status shutdown_send(TimePoint now, EndpointId id);
  Status close(TimePoint now, EndpointId id);
  Status abort(TimePoint now, EndpointId id);
  Status set_keepalive(EndpointId id, const KeepAliveConfig& config);
  Status set_retransmission(EndpointId id, const RetransmissionConfig& config);
  [[nodiscard]] Result<EndpointInfo> info(EndpointId id) const;
  /// Inline: blocked Winsock calls poll it between events.
  [[nodiscard]] std::optional<EndpointStatus> status(EndpointId id) const noexcept {
    // lookup() without building its error message: the same ids fail.
    if (id.generation == 0 || id.index >= endpoints_.size()) {
      return std::nullopt;
    }
    const Endpoint& ep = endpoints_[id.index];
    if (!ep.in_use || ep.generation != id.generation || ep.released) {
      return std::nullopt;
    }
    EndpointStatus out;
    out.state = ep.state;
    out.close_reason = ep.close_reason;
    out.established = ep.established_at.has_value();
    out.peer_closed = ep.fin_received;
    out.bytes_readable = ep.recv_buffer.size();
    out.accept_queue = ep.accept_queue.size();
    return out;
  }
  [[nodiscard]] std::size_t endpoint_count() const noexcept { return live_endpoints_; }

  // ---- What the network tells the endpoints -------------------------------------------------
  /// Tcp::segment_arrives — `seg` was delivered to running host `host`.
  // `recorded`: the trace's record of the segment when it was sent, if any (the arrival's record
  // refers to it).
  void segment_arrives(TimePoint now, HostId host, const Segment& seg,
                       std::optional<Trace::SegmentMark> recorded = {});
  /// Tcp::freeze_host — `host` crashed: its endpoints' timers stop, their state stays.
  void freeze_host(HostId host);
  /// Tcp::forget_host — crashed `host` restarts without its connections.
  void forget_host(TimePoint now, HostId host);
  /// Tcp::endpoints_of — the in-use endpoints of `host`, in index order (the order the network
  /// visits them in, so the trace does not depend on how the host's list was kept).
  [[nodiscard]] std::vector<std::uint32_t> endpoints_of(HostId host) const;
  /// Tcp::cancel_timers — cancels every endpoint timer (the network is going away).
  void cancel_timers() noexcept;

  /// Tcp::status_version — changes whenever the status() of any endpoint may have changed
  /// (Network::status_version).
  [[nodiscard]] std::uint64_t status_version() const noexcept { return status_version_; }
  /// Tcp::status_may_change — something outside the endpoints (an unknown endpoint) may have
  /// changed any of them.
  void status_may_change() noexcept {
    ++status_version_;
    all_changed_ = true;
  }
  /// Tcp::status_may_change_on — any endpoint of `host` may have changed (a fault).
  void status_may_change_on(HostId host);
  /// Tcp::status_may_change_of — the status of endpoint `id` may have changed (all, if there is
  /// no such endpoint).
  void status_may_change_of(EndpointId id);
  /// Tcp::take_status_changes — Network::take_status_changes.
  bool take_status_changes(StatusChanges& changes);

  // ---- implementation details ----
 private:
  // tcp_endpoints.cc: the table
  Result<std::uint32_t> lookup(EndpointId id) const;
  std::uint32_t allocate_endpoint(HostId host, OptionsRef options);
  // The options of `ep`.
  [[nodiscard]] const EndpointOptions& opt(const Endpoint& ep) const noexcept {
    return options_.get(ep.options);
  }
  void free_endpoint(std::uint32_t index);
  // Whether a binding of `port` overlaps `scope`; frees endpoint `index`'s binding of `port`.
  static bool port_taken(const Host& h, std::uint16_t port, const AddressScope& scope);
  static void release_port(Host& h, std::uint16_t port, std::uint32_t index);
  // The listener a SYN to `to` reaches: one bound to that address, else one bound to any.
  [[nodiscard]] std::optional<std::uint32_t> listener_for(const Host& h,
                                                          const SocketAddress& to) const;
  // The address a connection from host `h` to `remote` sends from.
  static Result<IpAddress> source_address(const Host& h, const IpAddress& remote,
                                          const EndpointOptions& options);
  void maybe_reap(std::uint32_t index);
  // The status of endpoint `index` (in use) may have changed: listed for take_status_changes.
  void changed(std::uint32_t index);
  void list_host(HostId host);
  [[nodiscard]] bool outstanding(const Endpoint& ep) const;

  // tcp_input.cc and tcp.cc: the state machine
  void listener_gets_syn(TimePoint now, std::uint32_t listener, const Segment& seg);
  void process(TimePoint now, std::uint32_t index, const Segment& seg);
  void process_syn_sent(TimePoint now, std::uint32_t index, const Segment& seg);
  // An RST answered our SYN and retries are left: send the SYN again after the retry interval.
  void retry_refused_syn(TimePoint now, std::uint32_t index);
  void on_reset_retry(TimePoint now, std::uint32_t index, std::uint32_t generation);
  // A connecting endpoint's timers never run past its connect deadline (TCP_MAXRT).
  static TimePoint clip_to_deadline(const Endpoint& ep, TimePoint at);
  static bool past_deadline(const Endpoint& ep, TimePoint now);
  bool process_ack(TimePoint now, std::uint32_t index, const Segment& seg);
  void process_text(TimePoint now, std::uint32_t index, const Segment& seg);
  void enter_established(TimePoint now, std::uint32_t index);
  void enter_time_wait(TimePoint now, std::uint32_t index);
  void output(TimePoint now, std::uint32_t index);
  void send_control(std::uint32_t index, std::uint8_t flags, std::uint32_t seq);
  void send_reset_for(HostId host, const Segment& seg);
  static void start_send_sequence(Endpoint& ep) noexcept;
  void send_syn(TimePoint now, std::uint32_t index);
  void arm_rtx(TimePoint now, std::uint32_t index);
  void on_rtx_timer(TimePoint now, std::uint32_t index, std::uint32_t generation);
  void on_time_wait(TimePoint now, std::uint32_t index, std::uint32_t generation);
  void close_connection(TimePoint now, std::uint32_t index, CloseReason reason);
  void freeze(std::uint32_t index);
  [[nodiscard]] TraceEvent event(TimePoint now, TraceKind kind, HostId host) const;

  // KeepAliveDriver: the engine calls these at the timer's instant (an edge: they read the clock)
  bool has_outstanding_data(std::uint32_t conn) override;
  void send_probe(std::uint32_t conn, std::uint32_t probe, std::uint32_t of) override;
  void keepalive_timeout(std::uint32_t conn, std::uint32_t of) override;
  void keepalive_suppressed(std::uint32_t conn) override;

  Scheduler& scheduler_;
  Rng& rng_;
  Trace& trace_;
  std::vector<Host>& hosts_;
  TcpLink& link_;
  KeepAliveEngine keepalive_;
  StableVector<Endpoint> endpoints_;  // never moved as it grows
  OptionsTable options_;              // the endpoints' options, each distinct set once
  std::vector<std::uint32_t> free_endpoints_;
  std::size_t live_endpoints_ = 0;
  std::uint64_t next_serial_ = 1;
  std::uint64_t status_version_ = 0;
  // Since take_status_changes(), each once: the hosts with a change, those changed as a whole,
  // the endpoints (Endpoint::status_listed says which are listed).
  std::vector<std::uint32_t> changed_hosts_;
  std::vector<std::uint32_t> whole_hosts_;
  std::vector<EndpointId> changed_endpoints_;
  std::vector<std::uint8_t> host_flags_;  // by host: kHostListed | kWholeListed
  bool all_changed_ = false;
};

}  // namespace ws2sim
