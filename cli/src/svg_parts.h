// The pieces every ws2sim picture is drawn with: numbers in a fixed format, text, the header
// and its style sheet, round steps and round maxima. Not a public header.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include "ws2sim/model/time.h"
#include "ws2sim/model/xml.h"

namespace ws2sim::cli::svg {

using namespace std::chrono_literals;

/// A coordinate or a length with one decimal: the same picture gives the same bytes.
std::string num(double v);
/// `d` in seconds.
double seconds(Duration d);
/// The SVG header with its style sheet and a white background.
std::string header(double width, double height);
/// A text element; `cls` and `anchor` may be empty.
std::string text(double x, double y, std::string_view s, std::string_view cls = {},
                 std::string_view anchor = {});
/// A <title> child: the tooltip a browser shows.
std::string title(std::string_view s);
/// Roughly how wide `s` is in the style's 12 px (or `px`) font, for layout.
double text_width(std::string_view s, double px = 12);

/// Round time steps for axis ticks, from 1 ms to a year.
inline constexpr std::array<Duration, 33> kSteps{
    1ms, 2ms, 5ms, 10ms, 20ms, 50ms, 100ms, 200ms,   500ms,    1s,       2s,
    5s,  10s, 15s, 30s,  1min, 2min, 5min,  10min,   15min,    30min,    1h,
    2h,  3h,  6h,  12h,  24h,  48h,  96h,   24h * 7, 24h * 14, 24h * 30, 24h * 365,
};
/// The smallest step of kSteps at least `at_least` long (the largest if none is).
Duration round_step(Duration at_least);
/// An instant as an axis label: "2:00:10", "0:00:00.040" for sub-second steps, "20d 6:00:00"
/// from a day on, "20d" for steps of whole days.
std::string clock_label(TimePoint t, Duration step);
/// The smallest "nice" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at least
/// `v`: an axis maximum at most a quarter above the data's.
double nice_max(double v);
/// A rate as an axis label: "0", "1.5", "250", "12k", "1.2M".
std::string rate_label(double v);

}  // namespace ws2sim::cli::svg
