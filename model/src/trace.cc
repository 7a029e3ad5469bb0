#include "ws2sim/model/trace.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace ws2sim {

std::string_view to_string(CloseReason r) noexcept {
  switch (r) {
    case CloseReason::kOrderly:
      return "orderly";
    case CloseReason::kAborted:
      return "aborted";
    case CloseReason::kResetByPeer:
      return "reset-by-peer";
    case CloseReason::kKeepAliveTimeout:
      return "keepalive-timeout";
    case CloseReason::kRetransmissionTimeout:
      return "retransmission-timeout";
    case CloseReason::kConnectTimeout:
      return "connect-timeout";
    case CloseReason::kConnectionRefused:
      return "connection-refused";
    case CloseReason::kHostRestarted:
      return "host-restarted";
  }
  return "unknown";
}

std::string_view to_string(DropCause c) noexcept {
  switch (c) {
    case DropCause::kLoss:
      return "loss";
    case DropCause::kPartition:
      return "partition";
    case DropCause::kHostDown:
      return "host-down";
    case DropCause::kNatNoFlow:
      return "nat-no-flow";
    case DropCause::kNoListener:
      return "no-listener";
  }
  return "unknown";
}

std::string_view to_string(TraceKind k) noexcept {
  switch (k) {
    case TraceKind::kSegmentSent:
      return "segment-sent";
    case TraceKind::kSegmentReceived:
      return "segment-received";
    case TraceKind::kSegmentDropped:
      return "segment-dropped";
    case TraceKind::kProbeSent:
      return "probe-sent";
    case TraceKind::kProbeAnswered:
      return "probe-answered";
    case TraceKind::kKeepAliveSuppressed:
      return "keepalive-suppressed";
    case TraceKind::kRetransmission:
      return "retransmission";
    case TraceKind::kConnectionEstablished:
      return "connection-established";
    case TraceKind::kConnectionClosed:
      return "connection-closed";
    case TraceKind::kHostCrashed:
      return "host-crashed";
    case TraceKind::kHostRestarted:
      return "host-restarted";
    case TraceKind::kPartitioned:
      return "partitioned";
    case TraceKind::kHealed:
      return "healed";
    case TraceKind::kNatFlowExpired:
      return "nat-flow-expired";
  }
  return "unknown";
}

void Trace::record(TraceEvent event) {
  if (observers_.empty()) {
    if (recording_) events_.push_back(std::move(event));
    return;
  }
  // Observers see the caller's copy, not a reference into `events_`: an observer may record
  // further events (and so grow the vector) without invalidating what it is looking at.
  if (recording_) events_.push_back(event);
  for (std::size_t i = 0; i < observers_.size(); ++i) {
    observers_[i](event);
  }
}

void Trace::name_host(HostId id, std::string name) {
  if (id.value >= host_names_.size()) host_names_.resize(std::size_t{id.value} + 1);
  host_names_[id.value] = std::move(name);
}

std::string_view Trace::host_name(HostId id) const {
  if (id.value >= host_names_.size() || host_names_[id.value].empty()) return "?";
  return host_names_[id.value];
}

}  // namespace ws2sim
