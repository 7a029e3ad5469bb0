// ws2sim/cli/svg.h — pictures as hand-written SVG (no dependency): a run's timeline, a bar chart
// of detection times, and the probe rate of `ws2sim load`.
//
// Every mark carries a class so that tests and style sheets can find it: in the timeline each
// keep-alive probe is exactly one element with class="probe"; answers are class="answer", drops
// class="drop", faults class="fault". Text is XML-escaped; numbers are printed with a fixed
// format, so the same report gives the same bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws2sim/cli/runner.h"
#include "ws2sim/model/time.h"
#include "ws2sim/model/xml.h"

namespace ws2sim::cli {

/// Escapes text for the SVG's elements and attributes (the model's one XML escaper).
using ::ws2sim::xml_escape;

/// A compressed time axis that keeps a run of two hours and ten seconds readable. Between two
/// consecutive instants that must be visible, a stretch of g seconds gets a width of g units up to
/// one second and 1 + ln(g) units beyond (linear for busy periods, logarithmic for idle ones), so
/// probes a second apart stay apart while two idle hours take a few units. Idle stretches of at
/// least a minute and a twentieth of the run are "cuts": drawn as hatched bands of a fixed width,
/// labelled with the time they stand for.
class TimeAxis {
 public:
  /// One stretch between consecutive instants, and where it is drawn.
  struct Stretch {
    TimePoint from;
    TimePoint to;
    double x0 = 0;
    double x1 = 0;
    bool cut = false;
  };
  /// A labelled tick.
  struct Tick {
    TimePoint at;
    double x = 0;
    std::string label;  ///< h:mm:ss, or h:mm:ss.mmm for sub-second ticks
  };
  /// `times`: the instants that must be visible; [start, end] the whole run; x from `left` to
  /// `left + width` pixels.
  TimeAxis(std::vector<TimePoint> times, TimePoint start, TimePoint end, double left, double width);
  /// Pixel position of `t`: monotonic, linear inside each stretch.
  [[nodiscard]] double x(TimePoint t) const;
  [[nodiscard]] const std::vector<Stretch>& stretches() const noexcept { return stretches_; }
  /// The cut stretches only.
  [[nodiscard]] std::vector<Stretch> cuts() const;
  /// Round instants at least `spacing` pixels apart (coarsest first), none inside a cut.
  [[nodiscard]] std::vector<Tick> ticks(double spacing = 70) const;

 private:
  std::vector<Stretch> stretches_;
};

/// The timeline picture of a run: one lane per connection.
std::string timeline_svg(const RunReport& report);

/// One bar of a detection-time chart.
struct Bar {
  std::string label;
  std::optional<Duration> value;  ///< nullopt: never (drawn as a hatched "never" bar)
  std::string note;               ///< Shown after the value, e.g. the recv error.
};

/// A horizontal bar chart, one row per bar (used by `detect --all-profiles --svg`).
std::string bar_chart_svg(std::string_view title, const std::vector<Bar>& bars);

/// One point of a rate chart.
struct RatePoint {
  double t_seconds = 0;  ///< Start of the bucket, seconds since the start.
  double rate = 0;       ///< Per second.
};

/// A line chart of a rate over time (used by `load --svg`).
/// `subtitle` goes under the title; a dashed line marks the mean rate over the whole chart.
std::string rate_chart_svg(std::string_view title, std::string_view subtitle,
                           std::string_view y_label, const std::vector<RatePoint>& points,
                           double bucket_seconds);

}  // namespace ws2sim::cli
