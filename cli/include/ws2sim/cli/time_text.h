// ws2sim/cli/time_text.h — durations and instants as the command line reads and prints them.
//
//   parse_duration("2h0m10s");        // 7210 s
//   parse_duration("350s");           // 350 s;  also "1500ms", "1d", "90m"
//   format_clock(kEpoch + 7210s);     // "2:00:10.000"
#pragma once

#include <string>
#include <string_view>

#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim::cli {

/// Parses one or more `<whole number><unit>` parts, units d, h, m, s, ms (e.g. "2h0m10s",
/// "350s", "1500ms"). The result is whole milliseconds, at most 100 years. The error says what
/// was expected.
Result<Duration> parse_duration(std::string_view text);

/// An instant as h:mm:ss.mmm since the start, e.g. "2:00:10.000"; from a day on with the days
/// first, "20d 6:00:00.000".
std::string format_clock(TimePoint t);

/// A span without zero parts: "2h", "1h 30m", "5m 50s", "1.5s", "350ms", "0s".
std::string format_compact(Duration d);

/// Whole seconds as "350 s", anything else as format_compact.
std::string seconds_text(Duration d);

/// A span in milliseconds: "7210000 ms".
std::string format_ms(Duration d);

/// Whole milliseconds of `d` (rounded toward zero).
std::int64_t to_ms(Duration d);

}  // namespace ws2sim::cli
