// What happened to each connection, from the trace as it is recorded (connection_tracker.h).
#include "connection_tracker.h"

namespace ws2sim::cli::detail {

void ConnectionTracker::on_event(const TraceEvent& e) {
  std::lock_guard lock(mu_);
  if (e.kind == TraceKind::kProbeSent) {
    ++probes_;
  }
  if (e.kind == TraceKind::kHostCrashed) {
    crashed_.emplace(e.host.value, e.at);
  }
  if (!e.connection) {
    return;
  }
  if (e.kind == TraceKind::kSegmentSent && e.segment) {
    const Segment& s = *e.segment;
    // A client's SYN: its connection is claimed once connect() returns, at this same instant.
    if (s.has(tcp_flags::kSyn) && !s.has(tcp_flags::kAck)) {
      syn_serial_.emplace(std::pair{e.host.value, s.source}, *e.connection);
    }
    // The server endpoint's first segment to a claimed client address names it.
    if (const auto it = by_local_.find(s.destination); it != by_local_.end()) {
      Facts& f = facts_[it->second];
      if (!f.server_serial && f.client_serial && e.host == f.server) {
        f.server_serial = e.connection;
        by_serial_.emplace(*e.connection, Side{it->second, false});
      }
    }
  }
  const auto side = by_serial_.find(*e.connection);
  if (side == by_serial_.end()) {
    return;
  }
  Facts& f = facts_[side->second.conn];
  if (side->second.client) {
    if (e.host == f.client) {
      client_event(f, e);
    }
  } else if (e.host == f.server && e.kind == TraceKind::kConnectionClosed && !f.server_closed_at) {
    f.server_closed_at = e.at;
    f.server_reason = e.reason;
  }
}

void ConnectionTracker::client_event(Facts& f, const TraceEvent& e) {
  switch (e.kind) {
    case TraceKind::kProbeSent:
      ++f.probes_sent;
      break;
    case TraceKind::kProbeAnswered:
      ++f.probes_answered;
      break;
    case TraceKind::kSegmentReceived:
      // A RST ends the connection; the segment before it is the last sign of life.
      if (!f.closed_at && e.segment && !e.segment->has(tcp_flags::kRst)) {
        f.last_receive = e.at;
      }
      break;
    case TraceKind::kConnectionEstablished:
      if (!f.established_at) {
        f.established_at = e.at;
      }
      break;
    case TraceKind::kConnectionClosed:
      if (!f.closed_at) {
        f.closed_at = e.at;
        f.reason = e.reason;
      }
      break;
    default:
      break;
  }
}

void ConnectionTracker::claim(std::size_t conn, HostId client, HostId server, SocketAddress local) {
  std::lock_guard lock(mu_);
  Facts& f = facts_[conn];
  f.client = client;
  f.server = server;
  const auto syn = syn_serial_.find({client.value, local});
  if (syn == syn_serial_.end()) {
    return;
  }
  f.client_serial = syn->second;
  by_serial_.emplace(syn->second, Side{conn, true});
  by_local_.emplace(local, conn);
  syn_serial_.erase(syn);
}

void ConnectionTracker::fill(std::size_t conn, ConnectionReport& r) const {
  std::lock_guard lock(mu_);
  const Facts& f = facts_[conn];
  r.client_serial = f.client_serial;
  r.server_serial = f.server_serial;
  r.established_at = f.established_at;
  r.last_receive = f.last_receive;
  r.closed_at = f.closed_at;
  r.reason = f.reason;
  r.server_closed_at = f.server_closed_at;
  r.server_reason = f.server_reason;
  r.probes_sent = f.probes_sent;
  r.probes_answered = f.probes_answered;
  if (const auto it = crashed_.find(f.server.value); it != crashed_.end()) {
    r.server_crashed_at = it->second;
  }
}

std::uint64_t ConnectionTracker::probes() const {
  std::lock_guard lock(mu_);
  return probes_;
}

}  // namespace ws2sim::cli::detail
