// ConnectionTracker — what happened to each connection of a run, gathered from the trace as it
// is recorded, so that a run need not keep its trace (`ws2sim run --summary-only`) and the
// report costs one pass however many connections there are. Not a public header.
//
// A connection is known by its client's address and port (its "local" address, read with
// getsockname() right after connect()): its client endpoint sent the SYN from there, its server
// endpoint sends to there. Events of the endpoints so identified fill its ConnectionReport.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ws2sim/cli/runner.h"
#include "ws2sim/model/trace.h"

namespace ws2sim::cli::detail {

class ConnectionTracker {
 public:
  explicit ConnectionTracker(std::size_t connections) : facts_(connections) {}

  /// ConnectionTracker::on_event — every trace event, in order (a Trace observer).
  void on_event(const TraceEvent& e);
  /// ConnectionTracker::claim — connection `conn` connected from `local` on host `client` to
  /// host `server`; called right after connect(), at the instant its SYN was sent.
  void claim(std::size_t conn, HostId client, HostId server, SocketAddress local);
  /// ConnectionTracker::fill — writes what was seen of `conn` into its report.
  void fill(std::size_t conn, ConnectionReport& report) const;
  /// ConnectionTracker::probes — every probe sent in the run, by any endpoint.
  [[nodiscard]] std::uint64_t probes() const;

 private:
  struct Facts {
    HostId client;
    HostId server;
    std::optional<std::uint64_t> client_serial;
    std::optional<std::uint64_t> server_serial;
    std::optional<TimePoint> established_at;
    std::optional<TimePoint> last_receive;
    std::optional<TimePoint> closed_at;
    std::optional<CloseReason> reason;
    std::optional<TimePoint> server_closed_at;
    std::optional<CloseReason> server_reason;
    std::uint32_t probes_sent = 0;
    std::uint32_t probes_answered = 0;
  };
  struct Side {
    std::size_t conn;
    bool client;
  };

  void client_event(Facts& f, const TraceEvent& e);

  mutable std::mutex mu_;  // events come from whichever thread drives the world
  std::vector<Facts> facts_;
  std::map<std::pair<std::uint32_t, SocketAddress>, std::uint64_t> syn_serial_;  // by host, source
  std::map<SocketAddress, std::size_t> by_local_;
  std::unordered_map<std::uint64_t, Side> by_serial_;
  std::map<std::uint32_t, TimePoint> crashed_;  // host -> first crash
  std::uint64_t probes_ = 0;
};

}  // namespace ws2sim::cli::detail
