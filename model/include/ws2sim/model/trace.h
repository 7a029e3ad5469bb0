// ws2sim/model/trace.h — what happened, when: the structured record of a simulation.
//
// The network records every segment sent, received or dropped and every timer decision (probe
// sent, probe answered, probes suppressed by outstanding data, retransmission, connection closed
// and why), each stamped with virtual time. Writers (trace_writers.h) turn a trace into JSON lines
// or a pcap file; the same seed gives byte-identical output.
//
//   Trace& trace = world.trace();
//   for (const TraceEvent& e : trace.events())
//     if (e.kind == TraceKind::kProbeSent) std::cout << format_time(e.at) << '\n';
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws2sim/model/address.h"
#include "ws2sim/model/time.h"

namespace ws2sim {

/// Identifies a host within one network.
struct HostId {
  std::uint32_t value = 0;
  friend auto operator<=>(HostId, HostId) = default;
};

/// Why a connection ended. Every reason is distinct so that tests and users can tell a keep-alive
/// drop from a retransmission drop from a reset.
enum class CloseReason : std::uint8_t {
  kOrderly,                ///< Both sides closed with FIN.
  kAborted,                ///< This side aborted (sent RST).
  kResetByPeer,            ///< A RST arrived (peer rebooted, peer aborted, or a middlebox).
  kKeepAliveTimeout,       ///< N keep-alive probes went unanswered.
  kRetransmissionTimeout,  ///< Sent data was retransmitted the maximum number of times.
  kConnectTimeout,         ///< The SYN was retransmitted the maximum number of times.
  kConnectionRefused,      ///< The peer answered the SYN with RST.
  kHostRestarted,          ///< This side's host restarted and forgot the connection.
};
std::string_view to_string(CloseReason r) noexcept;

/// Why the network dropped a segment.
enum class DropCause : std::uint8_t {
  kLoss,        ///< Random loss on the path.
  kPartition,   ///< The path is partitioned in this direction.
  kHostDown,    ///< The destination host is crashed.
  kNatNoFlow,   ///< A NAT/load balancer had no (live) flow for it.
  kNoListener,  ///< Nothing at the destination port; answered with RST if appropriate.
};
std::string_view to_string(DropCause c) noexcept;

/// The kinds of trace event.
enum class TraceKind : std::uint8_t {
  kSegmentSent,
  kSegmentReceived,
  kSegmentDropped,
  kProbeSent,            ///< Keep-alive probe `probe` of `probe_count`.
  kProbeAnswered,        ///< A segment arrived while probes were outstanding.
  kKeepAliveSuppressed,  ///< Timer found data outstanding: no probe, re-checked one idle later.
  kRetransmission,       ///< RTO fired: retransmission number `probe`, next RTO in `duration`.
  kConnectionEstablished,
  kConnectionClosed,  ///< With `reason`.
  kHostCrashed,
  kHostRestarted,
  kPartitioned,     ///< `host` -> `peer` blocked.
  kHealed,          ///< `host` -> `peer` open again.
  kNatFlowExpired,  ///< A middlebox forgot an idle flow.
};
std::string_view to_string(TraceKind k) noexcept;

/// One event. Fields that do not apply to the kind are empty.
struct TraceEvent {
  TimePoint at;
  TraceKind kind = TraceKind::kSegmentSent;
  HostId host;                              ///< Where it happened (sender for kSegmentSent).
  std::optional<std::uint64_t> connection;  ///< Connection serial, unique within a network.
  std::optional<Segment>
      segment;                 ///< For segment events (a probe is a kSegmentSent with keepalive).
  std::optional<HostId> peer;  ///< Partition/heal other end; segment receiver.
  std::optional<CloseReason> reason;
  std::optional<DropCause> drop;
  std::uint32_t probe = 0;           ///< Probe / retransmission number.
  std::uint32_t probe_count = 0;     ///< Of how many.
  std::optional<Duration> duration;  ///< RTO, NAT idle timeout.
  bool retransmission = false;       ///< Segment re-sends sequence space sent before.
  bool keepalive = false;            ///< Segment is a keep-alive probe.
};

/// An in-memory trace with optional live observers.
class Trace {
 public:
  /// Records `event` if recording is on, and shows it to observers.
  void record(TraceEvent event);
  /// All recorded events, in the order they happened.
  [[nodiscard]] const std::vector<TraceEvent>& events() const noexcept { return events_; }
  /// Turns in-memory recording on or off (observers are called either way).
  void set_recording(bool on) noexcept { recording_ = on; }
  [[nodiscard]] bool recording() const noexcept { return recording_; }
  /// True when recording or observed: the network skips building events otherwise.
  [[nodiscard]] bool wanted() const noexcept { return recording_ || !observers_.empty(); }
  /// Calls `fn` for every event recorded from now on.
  void observe(std::function<void(const TraceEvent&)> fn) { observers_.push_back(std::move(fn)); }
  /// Forgets recorded events (observers stay).
  void clear() noexcept { events_.clear(); }

  /// Host names, for writers. Set by the network when hosts are added.
  void name_host(HostId id, std::string name);
  [[nodiscard]] std::string_view host_name(HostId id) const;

 private:
  std::vector<TraceEvent> events_;
  std::vector<std::function<void(const TraceEvent&)>> observers_;
  std::vector<std::string> host_names_;
  bool recording_ = true;
};

}  // namespace ws2sim
