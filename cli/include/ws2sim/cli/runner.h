// ws2sim/cli/runner.h — plays a scenario on the Winsock emulator (`ws2sim run`, `ws2sim demo`).
//
// Every keep-alive call, connect, send and recv is a real Winsock call on an emulated host.
// Each connection gets one thread, bound to its client host with a HostScope, that waits for the
// handshake and then sits in a blocking recv(), so that a keep-alive drop reaches a call in
// progress (WSAENETRESET) exactly as on Windows. One more thread (the "director") makes every
// other call at its virtual time: socket(), the calls before connect(), connect(), sends, the
// faults the model cannot schedule itself. Only one thread acts at any virtual instant, the
// director first, so the run — and hence every output — is a function of the scenario and the
// seed alone.
//
//   Result<Scenario> s = load_scenario("cli/scenarios/nat.json");
//   Result<RunReport> r = run_scenario(*s, {});
//   std::cout << format_timeline(*r) << format_summary(*r);   // timeline.h
//   write_jsonl_file(r->trace(), "nat.jsonl");
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ws2sim/cli/budget.h"
#include "ws2sim/cli/scenario.h"
#include "ws2sim/cli/winsock_calls.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"
#include "ws2sim/model/trace.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::cli {

/// One Winsock-level step of the run, as the timeline shows it.
struct CallRecord {
  TimePoint at;
  std::size_t anchor = 0;  ///< Trace events recorded before it: its place among them.
  std::optional<std::size_t> connection;  ///< Index into Scenario::connections.
  std::string host;
  std::string text;  ///< "setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1) = OK", "send(100 bytes) = 100"
};

/// A Winsock call and what it returned.
struct CallResult {
  std::string call;
  CallOutcome outcome;
  TimePoint at;
  std::string when;  ///< Keep-alive calls: "before-connect", "connecting" or "after-connect".
};

/// What happened to one connection.
struct ConnectionReport {
  std::string name;
  std::string client;
  std::string server;
  std::string profile;
  std::uint16_t port = 0;
  std::vector<CallResult> calls;               ///< The scenario's keep-alive calls, in order.
  std::optional<CallOutcome> connect_error;    ///< connect() failed (refused, timed out, ...).
  std::string failed_call = "connect()";       ///< The call connect_error is about.
  std::optional<SocketAddress> local;          ///< The client's address and ephemeral port.
  std::optional<std::uint64_t> client_serial;  ///< Trace connection serial, client side.
  std::optional<std::uint64_t> server_serial;  ///< Trace connection serial, server side.
  std::optional<TimePoint> established_at;
  std::optional<TimePoint> last_receive;  ///< Last segment the client received before the end.
  std::optional<TimePoint> closed_at;     ///< When the client's side of the connection ended.
  std::optional<CloseReason> reason;
  std::optional<TimePoint> server_closed_at;  ///< When the server's side ended, if it did.
  std::optional<CloseReason> server_reason;
  std::optional<TimePoint> server_crashed_at;  ///< When the server's host first crashed, if it did.
  std::uint32_t probes_sent = 0;
  std::uint32_t probes_answered = 0;
  std::uint64_t bytes_received = 0;   ///< By the client's recv().
  std::optional<CallResult> pending;  ///< The blocking recv() in progress when it ended.
  std::vector<CallResult> later;      ///< Calls made after that.
  bool open_at_end = false;           ///< Still connected when the scenario's time ran out.
};

/// The result of one run. Holds the emulated world so that the trace stays readable.
struct RunReport {
  Scenario scenario;
  std::uint64_t seed = 0;
  TimePoint end;
  std::vector<CallRecord> records;  ///< Sorted by (anchor, at, connection, order made).
  std::vector<ConnectionReport> connections;
  std::unique_ptr<winsock::World> world;
  /// `ws2sim run --live`: real sockets and real time; times are real time since the start, the
  /// model trace is empty and `live_log` says what Linux was given and what it reported.
  bool live = false;
  std::vector<winsock::LiveRecord> live_log;

  /// Every probe sent in the run, by any endpoint (counted as they happened: also when the
  /// trace was not kept).
  std::uint64_t probes = 0;
  /// False when the run kept no trace (RunOptions::keep_trace): trace() is then empty and only
  /// the summary can be printed.
  bool trace_kept = true;

  [[nodiscard]] const Trace& trace() const { return world->trace(); }
  /// The scenario connection a trace event belongs to (client or server side), if any. Constant
  /// time once index_connections() ran (run_scenario does); a linear scan before.
  [[nodiscard]] std::optional<std::size_t> connection_of(const TraceEvent& e) const;
  /// index_connections — indexes `connections` by their trace serials for connection_of(); call
  /// again after changing them.
  void index_connections();
  /// The trace serials of `connections` (client and server side), to their index.
  std::unordered_map<std::uint64_t, std::size_t> by_serial;
  /// Every probe-sent event of the run (the same as `probes`).
  [[nodiscard]] std::size_t probe_count() const { return static_cast<std::size_t>(probes); }
};

class Progress;

/// RunOptions — what a run may use and whom it tells how far it got.
struct RunOptions {
  /// The memory the run may hold: its connections' set-up (run_setup_bytes) and then the
  /// model's trace and scheduler, checked as the run goes (World::set_memory_budget).
  std::size_t memory_budget = kDefaultMemoryBudget;
  /// Told the virtual time and the number of trace events every few thousand events.
  Progress* progress = nullptr;
  /// False: the run keeps no trace in memory (the timeline, the picture and trace() are then
  /// unavailable; the report's connections and summary are complete). Memory stays bounded by
  /// the connections, whatever the duration.
  bool keep_trace = true;
  /// Called with every trace event as it is recorded (kept or not), e.g. to stream it to a file.
  std::function<void(const TraceEvent&, const Trace&)> on_event;
};

/// run_setup_bytes — what `scenario` needs before its first event: its hosts and connections
/// (each connection has a thread, its sockets and their model endpoints; measured, docs/cli.md).
double run_setup_bytes(const Scenario& scenario);

/// Plays `scenario`. `seed` overrides the scenario's seed. Fails when the emulator rejects the
/// set-up (which a validated scenario never makes it do), and with one sentence when the run
/// needs more memory than `options.memory_budget`: before it starts (set-up) or when the trace
/// outgrows the rest of the budget (saying how much the whole run would need).
Result<RunReport> run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed = {},
                               const RunOptions& options = {});

/// Why `scenario` cannot run live (the first feature live mode lacks, named), or nullopt.
std::optional<std::string> live_unsupported(const Scenario& scenario);

/// Plays `scenario` on live hosts (real Linux sockets) in a private network namespace whose
/// loopback carries the scenario's addresses, in real time; crash, partition, heal and
/// network-down/up become nftables rules at their instant. Needs root, `ip` and `nft`.
Result<RunReport> run_scenario_live(const Scenario& scenario);

}  // namespace ws2sim::cli
