// The memory budget and the progress line of `ws2sim run` (run_budget.h).
#include "run_budget.h"

#include <cstdint>

#include "ws2sim/cli/progress.h"
#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

// Measured on `ws2sim run` (/usr/bin/time, peak RSS): 100 connections 13 MB, 1,000 connections
// 33 MB, each with its own client host; the difference is 22 KiB a connection (its thread, its
// sockets and endpoints, its records), rounded up.
constexpr double kBytesPerConnection = 24.0 * 1024;
constexpr double kBytesPerHost = 2.0 * 1024;
// Trace events between two progress reports.
constexpr std::uint64_t kEventsPerReport = 4096;

}  // namespace

double run_setup_bytes(const Scenario& scenario) {
  return static_cast<double>(scenario.connections.size()) * kBytesPerConnection +
         static_cast<double>(scenario.hosts.size()) * kBytesPerHost;
}

namespace detail {

Status start_run_budget(winsock::World& world, const Scenario& scenario,
                        const RunOptions& options) {
  const double setup = run_setup_bytes(scenario);
  if (setup > static_cast<double>(options.memory_budget)) {
    return resource_exhausted(over_budget(std::to_string(scenario.connections.size()) +
                                              " connections at ~" +
                                              format_size(kBytesPerConnection) + " each",
                                          setup, options.memory_budget, "use fewer connections"));
  }
  world.set_memory_budget(options.memory_budget - static_cast<std::size_t>(setup));
  if (options.progress != nullptr && options.progress->active()) {
    world.model().trace().observe(
        [progress = options.progress, n = std::uint64_t{0}](const TraceEvent& e) mutable {
          if (++n % kEventsPerReport == 0) {
            progress->update(e.at, n);
          }
        });
  }
  return {};
}

Status check_run_budget(const winsock::World& world, const Scenario& scenario,
                        const RunOptions& options) {
  const std::optional<TimePoint> spent = world.budget_spent();
  if (!spent) {
    return {};
  }
  const Duration reached = *spent - kEpoch;
  const double held = static_cast<double>(world.memory_bytes());
  // The trace grows with virtual time: the whole duration at the rate seen so far.
  const double rate = reached > Duration::zero() ? static_cast<double>(scenario.duration.count()) /
                                                       static_cast<double>(reached.count())
                                                 : 1.0;
  const double whole = run_setup_bytes(scenario) + held * rate;
  return resource_exhausted(
      "the memory budget (" + format_size(static_cast<double>(options.memory_budget)) +
      ") ran out at " + format_compact(reached) + " of " + format_compact(scenario.duration) +
      " (the trace held " + std::to_string(world.trace().events().size()) + " events, " +
      format_size(held) + "); at that rate the whole run needs ~" + format_size(whole) +
      ": keep no trace (--summary-only, which streams --trace and --pcap to their files), "
      "shorten \"duration\", use fewer connections, or raise --memory-budget");
}

}  // namespace detail
}  // namespace ws2sim::cli
