// The broken time axis of the timeline picture (svg.h, TimeAxis).
#include <algorithm>
#include <cmath>

#include "svg_parts.h"
#include "ws2sim/cli/svg.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;

using svg::seconds;

constexpr double kBreakWidth = 56;  // a break's band, at most
constexpr double kMinPanel = 44;    // a panel too short at the common scale gets this much

}  // namespace

TimeAxis::TimeAxis(std::vector<TimePoint> times, TimePoint start, TimePoint end, double left,
                   double width) {
  if (end <= start) {
    end = start + 1s;
  }
  for (TimePoint& t : times) {
    t = std::clamp(t, start, end);
  }
  times.push_back(start);
  times.push_back(end);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());

  // Panels: the instants closer than a break to the one before.
  const Duration break_from = std::max<Duration>(60s, (end - start) / 20);
  panels_.push_back({times.front(), times.front()});
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] - panels_.back().to >= break_from) {
      breaks_.push_back({panels_.back().to, times[i]});
      panels_.push_back({times[i], times[i]});
    } else {
      panels_.back().to = times[i];
    }
  }

  // Widths: one common scale; a panel narrower than kMinPanel at it gets kMinPanel.
  const std::size_t n = panels_.size();
  const double break_w =
      breaks_.empty() ? 0 : std::min(kBreakWidth, width / 4 / static_cast<double>(breaks_.size()));
  const double avail = width - break_w * static_cast<double>(breaks_.size());
  const double min_panel = std::min(kMinPanel, avail / static_cast<double>(n));
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = seconds(panels_[i].to - panels_[i].from);
  }
  std::vector<bool> widened(n, false);
  double scale = 0;  // pixels per second
  for (bool changed = true; changed;) {
    changed = false;
    double free_w = avail;
    double free_d = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (widened[i]) {
        free_w -= min_panel;
      } else {
        free_d += d[i];
      }
    }
    scale = free_d > 0 ? free_w / free_d : 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!widened[i] && d[i] * scale < min_panel) {
        widened[i] = true;
        changed = true;
      }
    }
  }
  // Every panel widened (all too short): they share the width, each on its own scale, and
  // the zoom is said against the least magnified.
  const bool all_widened = std::all_of(widened.begin(), widened.end(), [](bool w) { return w; });
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = all_widened ? avail / static_cast<double>(n) : widened[i] ? min_panel : d[i] * scale;
  }
  if (all_widened) {
    scale = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (d[i] > 0) {
        scale = scale == 0 ? w[i] / d[i] : std::min(scale, w[i] / d[i]);
      }
    }
  }
  double x = left;
  for (std::size_t i = 0; i < n; ++i) {
    Panel& p = panels_[i];
    if (d[i] > 0) {
      p.x0 = x;
      p.x1 = x + w[i];
      p.zoom = scale > 0 ? (w[i] / d[i]) / scale : 1;
    } else {
      p.x0 = p.x1 = x + w[i] / 2;  // a single instant, in the middle of its room
    }
    x += w[i];
    if (i < breaks_.size()) {
      breaks_[i].x0 = x;
      x += break_w;
      breaks_[i].x1 = x;
    }
  }
}

double TimeAxis::x(TimePoint t) const {
  const auto lerp = [](TimePoint t0, TimePoint t1, double x0, double x1, TimePoint v) {
    const double span = static_cast<double>((t1 - t0).count());
    return span <= 0 ? (x0 + x1) / 2
                     : x0 + (x1 - x0) * static_cast<double>((v - t0).count()) / span;
  };
  if (t <= panels_.front().from) {
    return panels_.front().x0;
  }
  for (std::size_t i = 0; i < panels_.size(); ++i) {
    const Panel& p = panels_[i];
    if (t <= p.to) {
      return lerp(p.from, p.to, p.x0, p.x1, t);
    }
    if (i < breaks_.size() && t < breaks_[i].to) {
      // Inside the break: across its band, from this panel's end to the next one's start.
      return lerp(breaks_[i].from, breaks_[i].to, p.x1, panels_[i + 1].x0, t);
    }
  }
  return panels_.back().x1;
}

std::vector<TimeAxis::Tick> TimeAxis::ticks(double spacing) const {
  std::vector<Tick> out;
  const auto room = [&](double px) { return out.empty() || px - out.back().x >= spacing; };
  for (const Panel& p : panels_) {
    const double d = seconds(p.to - p.from);
    bool any = false;
    if (d > 0) {
      const double per_second = (p.x1 - p.x0) / d;
      const Duration step = svg::round_step(std::chrono::duration_cast<Duration>(
          std::chrono::duration<double>(spacing / per_second)));
      const std::int64_t n = step.count();
      const std::int64_t first = (p.from.time_since_epoch().count() + n - 1) / n;
      const std::int64_t last = p.to.time_since_epoch().count() / n;
      for (std::int64_t k = first; k <= last; ++k) {
        const TimePoint t{Duration{k * n}};
        const double px = x(t);
        if (!room(px)) {
          continue;
        }
        out.push_back({t, px, svg::clock_label(t, step)});
        any = true;
      }
    }
    // A panel too short for a round instant says where it is; a little closer is allowed.
    if (!any && (out.empty() || p.x0 - out.back().x >= spacing * 0.75)) {
      const bool whole = (p.from - kEpoch) % std::chrono::seconds(1) == Duration::zero();
      out.push_back({p.from, p.x0, svg::clock_label(p.from, whole ? Duration{1s} : Duration{1ms})});
    }
  }
  return out;
}

}  // namespace ws2sim::cli
