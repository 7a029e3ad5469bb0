// ws2sim/cli/svg.h — pictures as hand-written SVG (no dependency): a run's timeline, a chart of
// detection times, and the rates of `ws2sim load`.
//
// Pictures tell the truth (docs/cli.md, "Pictures"): time runs linearly; a long idle stretch is
// cut out as an explicit, hatched, labelled break; marks too dense to tell apart are binned (one
// mark for all the probes of a couple of pixels, with their count); many connections are grouped
// so the picture keeps a bounded size. Every mark carries a class so that tests and style sheets
// can find it: a probe drawn alone is one element with class="probe", binned probes one element
// with class="probes" and data-count="N"; likewise "answer"/"answers", "drop"/"drops". Text is
// XML-escaped; numbers are printed with a fixed format, so the same report gives the same bytes.
//
//   std::string svg = timeline_svg(run_scenario(scenario).value());
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

/// TimeAxis — a linear time axis with breaks. The instants that must be visible are grouped into
/// panels wherever they lie closer than a break (a minute, or a twentieth of the run, whichever is
/// longer); the stretches between panels are breaks of a fixed width. All panels share one scale,
/// except a panel too short to see at it, which is widened to a minimum width and says by how
/// much it is magnified (`zoom`).
class TimeAxis {
 public:
  /// A stretch drawn linearly.
  struct Panel {
    TimePoint from;
    TimePoint to;
    double x0 = 0;    ///< Where `from` is drawn.
    double x1 = 0;    ///< Where `to` is drawn.
    double zoom = 1;  ///< Its scale over the common one (1: the common scale).
  };
  /// A stretch cut out of the axis.
  struct Break {
    TimePoint from;
    TimePoint to;
    double x0 = 0;
    double x1 = 0;
  };
  /// A labelled tick.
  struct Tick {
    TimePoint at;
    double x = 0;
    std::string label;  ///< h:mm:ss, h:mm:ss.mmm for sub-second steps, with days first from 1d
  };
  /// `times`: the instants that must be visible; [start, end] the whole run; x from `left` to
  /// `left + width` pixels.
  TimeAxis(std::vector<TimePoint> times, TimePoint start, TimePoint end, double left, double width);
  /// Pixel position of `t`: monotonic; linear inside a panel, and across a break's band.
  [[nodiscard]] double x(TimePoint t) const;
  [[nodiscard]] const std::vector<Panel>& panels() const noexcept { return panels_; }
  [[nodiscard]] const std::vector<Break>& breaks() const noexcept { return breaks_; }
  /// Round instants of each panel at least `spacing` pixels apart; a panel too short for any
  /// round instant gets its start labelled.
  [[nodiscard]] std::vector<Tick> ticks(double spacing = 80) const;

 private:
  std::vector<Panel> panels_;
  std::vector<Break> breaks_;
};

/// The timeline picture of a run: a lane per connection (or per group of like connections when
/// there are more than 16), at most 16 lanes. Needs the run's trace (not --summary-only).
std::string timeline_svg(const RunReport& report);

/// One row of the detection-time chart.
struct DetectionBar {
  std::string label;
  std::optional<Duration> first_probe;  ///< Idle before the first probe; nullopt: no probe.
  std::optional<Duration> detection;    ///< To the drop; nullopt: never.
  std::string note;                     ///< Shown after the value, e.g. the recv error.
};

/// The detection-time chart (`detect --svg`): one row per result, in two panels on their own
/// linear scales, so that 5 s against 10 s of probing shows after two hours of idleness: the
/// idle time before the first probe, and the time from the first probe to the drop.
std::string detection_chart_svg(std::string_view title, const std::vector<DetectionBar>& bars);

/// What the rate chart of `ws2sim load` shows.
struct RateChart {
  std::string title;
  std::string subtitle;
  double bucket_seconds = 1;
  double end_seconds = 1;       ///< The run's end: the last bucket may be cut short.
  std::vector<double> probes;   ///< Per second, one per bucket.
  std::vector<double> answers;  ///< Per second, one per bucket.
  std::vector<double> bytes;    ///< Per second, one per bucket.
  double mean_probes = 0;
  double mean_answers = 0;
  double mean_bytes = 0;
};

/// Two panels over one time axis: probes and answers per second, and bytes per second on the
/// wire; each with its mean over the whole run as a dashed line, y from 0 to a round number at
/// most a quarter above the peak.
std::string rate_chart_svg(const RateChart& chart);

}  // namespace ws2sim::cli
