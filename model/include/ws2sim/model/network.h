// ws2sim/model/network.h — hosts, paths, faults and TCP endpoints on one virtual network.
//
// The network owns every host and every TCP endpoint of one simulation. Applications (the Winsock
// emulator, tests, the CLI) drive endpoints through this API; segments travel over paths with a
// latency and a seeded loss rate; faults are immediate calls or scheduled actions.
//
//   World w{/*seed=*/7};
//   Network& net = w.network();
//   HostId client = net.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
//   HostId server = net.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
//   EndpointId lst = net.listen(server, 80).value();
//   EndpointOptions opt;
//   opt.keepalive = {.enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10};
//   EndpointId c = net.connect(client, {net.address(server), 80}, opt).value();
//   w.run_for(1s);
//   net.crash(server);
//   w.run_for(3h);                  // probes at 2h+1s ... ; dropped at 2h 0m 11s
//   net.info(c)->close_reason;      // CloseReason::kKeepAliveTimeout
//
// The TCP model: three-way handshake, data with real bytes delivered in order (go-back-N on
// loss, constant 65535-byte window, immediate ACKs), FIN close through TIME_WAIT, RST abort,
// RTO retransmission with exponential backoff and a per-endpoint limit, and keep-alive through
// `KeepAliveEngine`. Out of scope: congestion control, delayed ACKs, options, urgent data.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ws2sim/model/address.h"
#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/scheduler.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/trace.h"

namespace ws2sim {

/// Identifies one TCP endpoint. Stale ids (closed and released) are rejected with kNotFound.
struct EndpointId {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;  // 0 is never issued
  friend bool operator==(EndpointId, EndpointId) = default;
};

/// StatusChanges — what Network::take_status_changes reports: where the status() of endpoints
/// may have changed.
struct StatusChanges {
  /// StatusChanges::all — any endpoint of any host may have changed (an unknown endpoint was
  /// named): look at all of them.
  bool all = false;
  /// StatusChanges::hosts — each host some endpoint of which may have changed, once.
  std::vector<std::uint32_t> hosts;
  /// StatusChanges::whole_hosts — the hosts where any endpoint may have changed without being
  /// named (a fault: a crash, a partition), once each; also in `hosts`.
  std::vector<std::uint32_t> whole_hosts;
  /// StatusChanges::endpoints — each endpoint that may have changed, as it was then (an
  /// endpoint freed since keeps its old generation), in the order of their first change.
  std::vector<EndpointId> endpoints;
};

/// RFC 9293 connection states.
enum class TcpState : std::uint8_t {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kCloseWait,
  kClosing,
  kLastAck,
  kTimeWait,
};
std::string_view to_string(TcpState s) noexcept;

/// Retransmission limits of one endpoint.
struct RetransmissionConfig {
  Duration initial_rto = std::chrono::seconds(1);  ///< First retransmission timeout.
  Duration max_rto = std::chrono::seconds(60);     ///< Backoff doubles up to this.
  std::uint32_t max_retransmissions = 5;           ///< Data: give up after this many re-sends.
  std::uint32_t max_syn_retransmissions = 2;       ///< SYN: give up after this many re-sends.
  /// A SYN answered with RST is sent again this many times, `reset_retry_interval` apart and not
  /// backed off (the peer is reachable), before the connect fails as refused. 0: fail at the
  /// first RST, as RFC 9293 says; Windows re-sends (docs/behaviour.md §12).
  std::uint32_t syn_retries_after_reset = 0;
  Duration reset_retry_interval = std::chrono::seconds(1);
  /// A connect not established this long after it started fails as timed out, whatever re-sends
  /// are left (Windows' TCP_MAXRT). Unset: only the re-send limits end it.
  std::optional<Duration> connect_deadline = std::nullopt;
  [[nodiscard]] Status validate() const;
  friend bool operator==(const RetransmissionConfig&, const RetransmissionConfig&) = default;
};

/// Per-endpoint settings. Accepted endpoints inherit their listener's.
struct EndpointOptions {
  KeepAliveConfig keepalive;
  RetransmissionConfig retransmission;
  Duration time_wait = std::chrono::seconds(120);  ///< 2 x MSL.
  /// The local address the endpoint is bound to: one of the host's addresses or a loopback
  /// address (127.0.0.0/8, ::1). nullopt: any. A listener bound to one takes only connections
  /// to it; a connection bound to one sends from it.
  std::optional<IpAddress> local_address;
  /// For a listener bound to no address: takes connections of this family only (an IPv4
  /// socket, or an IPv6 socket with IPV6_V6ONLY). nullopt: both (a dual-stack socket).
  std::optional<IpFamily> family;
  [[nodiscard]] Status validate() const;
  friend bool operator==(const EndpointOptions&, const EndpointOptions&) = default;
};

/// A path's properties in one direction.
struct PathConfig {
  Duration latency = std::chrono::milliseconds(1);
  double loss = 0.0;  ///< Probability in [0, 1] that a segment is lost.
};

/// What a NAT / load balancer does to a segment of a flow it no longer knows.
enum class NatExpiry : std::uint8_t {
  kDropSilently,  ///< Drop it (most home NATs and firewalls).
  kReset,         ///< Drop it and answer the sender with RST (some load balancers).
};

/// A middlebox between two hosts that forgets flows idle for `idle_timeout`.
struct NatConfig {
  Duration idle_timeout = std::chrono::seconds(350);
  NatExpiry on_expiry = NatExpiry::kDropSilently;
};

/// A snapshot of one endpoint.
struct EndpointInfo {
  HostId host;
  std::uint64_t connection = 0;  ///< Serial used in the trace.
  TcpState state = TcpState::kClosed;
  std::optional<CloseReason> close_reason;
  SocketAddress local;
  std::optional<SocketAddress> remote;
  std::size_t bytes_readable = 0;  ///< Received, not yet read.
  std::size_t bytes_unacked = 0;   ///< Sent or queued, not yet acknowledged.
  bool peer_closed = false;        ///< A FIN arrived: reads end after the buffered bytes.
  std::size_t accept_queue = 0;    ///< Listeners: established connections waiting.
  std::uint32_t probes_out = 0;    ///< Unanswered keep-alive probes.
  std::optional<TimePoint> last_receive;
  std::optional<TimePoint> next_keepalive_check;
  std::optional<TimePoint> established_at;
  EndpointOptions options;
};

/// The part of an endpoint an application waits on (readable, accepted, connected, ended), read
/// without building an `EndpointInfo`: blocked Winsock calls poll it between model events.
struct EndpointStatus {
  TcpState state = TcpState::kClosed;
  std::optional<CloseReason> close_reason;
  bool established = false;        ///< Reached ESTABLISHED at least once.
  bool peer_closed = false;        ///< A FIN arrived: reads end after the buffered bytes.
  std::size_t bytes_readable = 0;  ///< Received, not yet read.
  std::size_t accept_queue = 0;    ///< Listeners: established connections waiting.
};

/// Scheduled faults.
struct CrashHost {
  HostId host;
};
struct RestartHost {
  HostId host;
};
struct RebootHost {
  HostId host;
};
struct PartitionHosts {
  HostId a;
  HostId b;
  bool both_ways = true;
};
struct HealHosts {
  HostId a;
  HostId b;
  bool both_ways = true;
};
using Fault = std::variant<CrashHost, RestartHost, RebootHost, PartitionHosts, HealHosts>;

/// All hosts and TCP endpoints of one simulation.
class Network {
 public:
  Network(Scheduler& scheduler, Rng& rng, Trace& trace);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Hosts and paths ---------------------------------------------------------------------------
  /// Adds a host. Names and addresses are unique; 0.0.0.0 is not a host address.
  Result<HostId> add_host(std::string name, Ipv4Address address);
  [[nodiscard]] std::optional<HostId> find_host(std::string_view name) const;
  /// Network::set_ipv6_address — gives `host` an IPv6 address besides its IPv4 one (a host
  /// has at most one, besides ::1). Refused: ::, ::1, IPv4-mapped and multicast (ff00::/8)
  /// addresses, and an address another host has.
  Status set_ipv6_address(HostId host, const Ipv6Address& address);
  /// The host that has `address` (IPv4 or IPv6); nullopt for loopback and unknown addresses.
  [[nodiscard]] std::optional<HostId> host_at(const IpAddress& address) const;
  /// Address and name of a host (kNotFound-safe variants return empty on unknown ids).
  [[nodiscard]] Ipv4Address address(HostId host) const;
  /// Network::ipv6_address — the host's IPv6 address; nullopt when it has none.
  [[nodiscard]] std::optional<Ipv6Address> ipv6_address(HostId host) const;
  [[nodiscard]] std::string_view name(HostId host) const;
  [[nodiscard]] std::size_t host_count() const noexcept;
  [[nodiscard]] bool is_up(HostId host) const;
  /// The path used when none was set for a pair.
  Status set_default_path(const PathConfig& path);
  /// Sets the path from `from` to `to` (one direction).
  Status set_path(HostId from, HostId to, const PathConfig& path);
  /// Sets both directions between `a` and `b`.
  Status set_link(HostId a, HostId b, const PathConfig& path);
  [[nodiscard]] PathConfig path(HostId from, HostId to) const;

  // Faults ------------------------------------------------------------------------------------
  /// The host stops: it sends nothing, segments to it are dropped, its timers do nothing.
  Status crash(HostId host);
  /// A crashed host comes back without its connections: it answers their segments with RST.
  Status restart(HostId host);
  /// crash + restart at the same instant.
  Status reboot(HostId host);
  /// Drops everything from `a` to `b` (and from `b` to `a` when `both_ways`).
  Status partition(HostId a, HostId b, bool both_ways = true);
  Status heal(HostId a, HostId b, bool both_ways = true);
  /// Puts a NAT / load balancer on the path between `a` and `b` (both directions).
  Status add_nat(HostId a, HostId b, const NatConfig& config);
  /// Schedules a fault for virtual time `at` (validated now).
  Status schedule(TimePoint at, const Fault& fault);

  // Endpoints ---------------------------------------------------------------------------------
  /// Opens a listener on `port` (1-65535) of `host`.
  Result<EndpointId> listen(HostId host, std::uint16_t port, const EndpointOptions& options = {},
                            std::uint32_t backlog = 128);
  /// Starts a connection (sends SYN). `local_port` 0 picks an ephemeral port (49152-65535).
  Result<EndpointId> connect(HostId host, SocketAddress remote, const EndpointOptions& options = {},
                             std::uint16_t local_port = 0);
  /// Takes the next established connection from a listener's queue; nullopt when empty.
  Result<std::optional<EndpointId>> accept(EndpointId listener);
  /// Network::next_to_accept — the connection accept() would take next, left in the queue (a
  /// conditional accept looks at it first); nullopt when none is queued.
  Result<std::optional<EndpointId>> next_to_accept(EndpointId listener) const;
  /// Queues bytes for sending. Fails once the send side is closed or the connection ended.
  Result<std::size_t> send(EndpointId ep, std::span<const std::uint8_t> bytes);
  /// Reads up to `max` received bytes (fewer, or none, if fewer are buffered).
  Result<std::vector<std::uint8_t>> receive(EndpointId ep, std::size_t max);
  /// Closes the send direction (FIN after queued data); the endpoint stays usable for reads.
  Status shutdown_send(EndpointId ep);
  /// Orderly close and release: FIN after queued data; the id is invalid afterwards.
  Status close(EndpointId ep);
  /// Abortive close and release: RST now; the id is invalid afterwards.
  Status abort(EndpointId ep);
  /// Changes keep-alive settings at any time (before connect, on listeners, when established).
  Status set_keepalive(EndpointId ep, const KeepAliveConfig& config);
  /// Changes retransmission limits.
  Status set_retransmission(EndpointId ep, const RetransmissionConfig& config);
  /// A snapshot of the endpoint.
  [[nodiscard]] Result<EndpointInfo> info(EndpointId ep) const;
  /// The waitable part of the endpoint's state: `info()` without the copies; nullopt where
  /// `info()` fails (an unknown or released id). Cheap enough to poll after every event.
  [[nodiscard]] std::optional<EndpointStatus> status(EndpointId ep) const noexcept;
  /// A counter that changes whenever the `status()` of any endpoint may have changed (segment
  /// arrivals, closes, faults, application calls); keep-alive probes, retransmissions and
  /// segments dropped on the way change nothing an application waits on and leave it alone.
  /// A caller polling `status()` between events can skip the poll while the counter stays put.
  [[nodiscard]] std::uint64_t status_version() const noexcept;
  /// Network::take_status_changes — where endpoint statuses may have changed since the last
  /// call: fills `changes` (cleared first) and forgets them. Lets a caller that waits on many
  /// endpoints look only at the ones that changed. Returns `changes.all`.
  bool take_status_changes(StatusChanges& changes);
  /// Number of endpoints alive (including unreleased closed ones).
  [[nodiscard]] std::size_t endpoint_count() const noexcept;

  // ---- implementation details ----
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ws2sim
