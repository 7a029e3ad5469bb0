// ws2sim/cli/timeline.h — a run as text: the timeline and the per-connection summary.
//
// The timeline merges the model's trace (handshakes, probes, answers, drops, faults, RSTs) with
// the Winsock calls the run made, in the order they happened, one line each:
//
//        time  host    connection   event
//   0:00:00.000  xp      xp-defaults  setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1) = OK
//   2:00:02.001  xp      xp-defaults  keep-alive probe 1/5
//
// Long runs of probes are folded: the first two and the last two lines stay, one line in between
// counts the rest. `TimelineOptions::full` prints every line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ws2sim/cli/runner.h"

namespace ws2sim::cli {

/// One line of the timeline.
struct TimelineLine {
  TimePoint at;
  std::string host;                       ///< Empty for lines that concern no single host.
  std::optional<std::size_t> connection;  ///< Index into RunReport::connections.
  std::string text;
  bool probe = false;   ///< A keep-alive probe sent (exactly one line per probe before folding).
  bool folded = false;  ///< Stands for several folded lines.
};

struct TimelineOptions {
  bool full = false;  ///< Do not fold long runs of probes.
};

/// Every line, in order (folded unless `options.full`).
std::vector<TimelineLine> timeline_lines(const RunReport& report,
                                         const TimelineOptions& options = {});

/// The timeline as aligned text, with a header line.
std::string format_timeline(const RunReport& report, const TimelineOptions& options = {});

/// The per-connection summary: when each connection died and why, detection time from the last
/// received segment, and what the call in progress and the later calls got.
std::string format_summary(const RunReport& report);

}  // namespace ws2sim::cli
