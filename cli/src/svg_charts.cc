// The detection-time chart and the rate chart of `ws2sim load` (svg.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "svg_parts.h"
#include "ws2sim/cli/svg.h"
#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;

using svg::num;
using svg::seconds;
using svg::text;
using svg::title;

// A linear duration scale of five round steps from 0 to at least `max_value`.
struct DurationScale {
  Duration step;
  double pixels_per_second;
};

DurationScale duration_scale(Duration max_value, double width) {
  const Duration step = svg::round_step(std::max<Duration>(max_value / 5, 1ms));
  return {step, width / seconds(step * 5)};
}

void duration_grid(std::ostream& out, const DurationScale& s, double left, double top,
                   double bottom, std::string_view heading) {
  out << text(left, top - 10, heading, "small");
  for (int k = 0; k <= 5; ++k) {
    const double x = left + s.pixels_per_second * seconds(s.step * k);
    out << "<line class=\"grid\" x1=\"" << num(x) << "\" y1=\"" << num(top - 4) << "\" x2=\""
        << num(x) << "\" y2=\"" << num(bottom) << "\"/>\n";
    out << text(x, bottom + 16, format_compact(s.step * k), "small", "middle");
  }
}

}  // namespace

// ---- detection times ---------------------------------------------------------------------------

std::string detection_chart_svg(std::string_view chart_title,
                                const std::vector<DetectionBar>& bars) {
  constexpr double kPanel = 300;
  constexpr double kGap = 56;
  constexpr double kTop = 84;
  constexpr double kRow = 24;
  Duration max_idle = 1s;
  Duration max_probing = 1s;
  double label_w = 0;
  std::vector<std::string> values;
  for (const DetectionBar& b : bars) {
    label_w = std::max(label_w, svg::text_width(b.label));
    std::string v;
    if (b.detection) {
      v = format_ms(*b.detection) + " (" + format_compact(*b.detection) + ")";
      if (b.first_probe) {
        max_idle = std::max(max_idle, *b.first_probe);
        max_probing = std::max(max_probing, *b.detection - *b.first_probe);
        v += " = " + format_compact(*b.first_probe) + " idle + " +
             format_compact(*b.detection - *b.first_probe) + " probing";
      } else {
        max_probing = std::max(max_probing, *b.detection);
      }
    } else {
      v = "never";
      if (b.first_probe) {
        max_idle = std::max(max_idle, *b.first_probe);
      }
    }
    if (!b.note.empty()) {
      v += "  " + b.note;
    }
    values.push_back(std::move(v));
  }
  double value_w = 0;
  for (const std::string& v : values) {
    value_w = std::max(value_w, svg::text_width(v, 10));
  }
  const double left = 20 + label_w + 12;
  const double idle_x = left;
  const double probe_x = left + kPanel + kGap;
  const double value_x = probe_x + kPanel + 16;
  const double width = std::max(value_x + value_w + 20, svg::text_width(chart_title, 16) + 40);
  const double bottom = kTop + kRow * static_cast<double>(bars.size());
  const double height = bottom + 48;
  const DurationScale idle = duration_scale(max_idle, kPanel);
  const DurationScale probing = duration_scale(max_probing, kPanel);

  std::ostringstream out;
  out << svg::header(width, height);
  out << text(20, 28, chart_title, "title");
  out << text(20, 46,
              "time from the last segment received from the peer to the drop, in two parts on "
              "their own linear scales: idle until the first probe, then probing until the drop",
              "small");
  duration_grid(out, idle, idle_x, kTop, bottom, "idle before the first probe");
  duration_grid(out, probing, probe_x, kTop, bottom, "first probe to the drop");
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const DetectionBar& b = bars[i];
    const double y = kTop + kRow * static_cast<double>(i);
    out << text(left - 8, y + 15, b.label, {}, "end");
    if (b.first_probe) {
      const double w = std::max(1.0, idle.pixels_per_second * seconds(*b.first_probe));
      out << "<rect class=\"idle\" x=\"" << num(idle_x) << "\" y=\"" << num(y + 4) << "\" width=\""
          << num(w) << "\" height=\"" << num(kRow - 8) << "\">"
          << title(b.label + ": first probe " + format_compact(*b.first_probe) + " after it")
          << "</rect>\n";
    }
    if (b.detection) {
      const Duration part = b.first_probe ? *b.detection - *b.first_probe : *b.detection;
      const double w = std::max(1.0, probing.pixels_per_second * seconds(part));
      out << "<rect class=\"bar\" x=\"" << num(probe_x) << "\" y=\"" << num(y + 4) << "\" width=\""
          << num(w) << "\" height=\"" << num(kRow - 8) << "\">" << title(b.label + ": " + values[i])
          << "</rect>\n";
    } else {
      out << "<rect class=\"never\" x=\"" << num(probe_x) << "\" y=\"" << num(y + 4)
          << "\" width=\"" << num(kPanel) << "\" height=\"" << num(kRow - 8) << "\">"
          << title(b.label + ": never detected") << "</rect>\n";
    }
    out << text(value_x, y + 15, values[i], "small");
  }
  out << "</svg>\n";
  return out.str();
}

// ---- rates over time ---------------------------------------------------------------------------

namespace {

constexpr double kRateWidth = 1100;
constexpr double kRateLeft = 90;
constexpr double kRateRight = 150;  // room for the mean labels

// At most one point per pixel column: each the busiest of the buckets it covers, so the peak in
// the subtitle is the peak in the picture.
std::vector<std::pair<double, double>> columns(const std::vector<double>& rates,
                                               double bucket_seconds, double end_seconds,
                                               double plot_w) {
  const std::size_t n = rates.size();
  const auto per = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil(static_cast<double>(n) / plot_w)));
  std::vector<std::pair<double, double>> out;  // (t_start, rate)
  for (std::size_t i = 0; i < n; i += per) {
    double v = 0;
    for (std::size_t k = i; k < std::min(n, i + per); ++k) {
      v = std::max(v, rates[k]);
    }
    out.emplace_back(bucket_seconds * static_cast<double>(i), v);
  }
  out.emplace_back(end_seconds, out.empty() ? 0.0 : out.back().second);
  return out;
}

struct RatePanel {
  double top;
  double height;
  double y_max;
  [[nodiscard]] double y(double v) const { return top + height - height * v / y_max; }
};

void rate_series(std::ostream& out, const RatePanel& p, const std::vector<double>& rates,
                 const RateChart& c, double plot_w, std::string_view cls, double mean,
                 std::string_view mean_name, const char* color, double label_dy = 0) {
  const auto xp = [&](double t) { return kRateLeft + plot_w * t / c.end_seconds; };
  const auto points = columns(rates, c.bucket_seconds, c.end_seconds, plot_w);
  out << "<polyline class=\"" << cls << "\" points=\"";
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    out << num(xp(points[i].first)) << "," << num(p.y(points[i].second)) << " "
        << num(xp(points[i + 1].first)) << "," << num(p.y(points[i].second)) << " ";
  }
  out << "\"/>\n";
  out << "<line class=\"mean\" x1=\"" << num(kRateLeft) << "\" y1=\"" << num(p.y(mean))
      << "\" x2=\"" << num(kRateLeft + plot_w) << "\" y2=\"" << num(p.y(mean)) << "\" stroke=\""
      << color << "\"/>\n";
  out << "<text x=\"" << num(kRateLeft + plot_w + 6) << "\" y=\"" << num(p.y(mean) + 4 + label_dy)
      << "\" class=\"small\" style=\"fill:" << color << "\">"
      << xml_escape(std::string(mean_name) + " " + svg::rate_label(mean) + "/s") << "</text>\n";
}

void rate_grid(std::ostream& out, const RatePanel& p, double plot_w, std::string_view label) {
  for (int k = 0; k <= 5; ++k) {
    const double v = p.y_max * k / 5;
    out << "<line class=\"grid\" x1=\"" << num(kRateLeft) << "\" y1=\"" << num(p.y(v)) << "\" x2=\""
        << num(kRateLeft + plot_w) << "\" y2=\"" << num(p.y(v)) << "\"/>\n";
    out << text(kRateLeft - 6, p.y(v) + 4, svg::rate_label(v), "small", "end");
  }
  out << "<line class=\"axis\" x1=\"" << num(kRateLeft) << "\" y1=\"" << num(p.top) << "\" x2=\""
      << num(kRateLeft) << "\" y2=\"" << num(p.top + p.height) << "\"/>\n";
  const double mid = p.top + p.height / 2;
  out << "<text x=\"22\" y=\"" << num(mid) << "\" class=\"small\" transform=\"rotate(-90 22 "
      << num(mid) << ")\" text-anchor=\"middle\">" << xml_escape(label) << "</text>\n";
}

double peak(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

}  // namespace

std::string rate_chart_svg(const RateChart& c) {
  const double plot_w = kRateWidth - kRateLeft - kRateRight;
  const RatePanel top{70, 230, svg::nice_max(std::max(peak(c.probes), peak(c.answers)))};
  const RatePanel bytes{top.top + top.height + 40, 130, svg::nice_max(peak(c.bytes))};
  const double axis_y = bytes.top + bytes.height;
  const double height = axis_y + 80;
  std::ostringstream out;
  out << svg::header(kRateWidth, height);
  out << text(20, 28, c.title, "title");
  out << text(20, 46, c.subtitle, "small");
  rate_grid(out, top, plot_w, "per second");
  rate_grid(out, bytes, plot_w, "bytes per second");
  out << text(kRateLeft + 4, top.top - 6, "probes and answers per second", "small");
  out << text(kRateLeft + 4, bytes.top - 6, "bytes per second on the wire (probes and answers)",
              "small");
  // Answers under probes, wider and lighter: where every probe is answered both stay visible.
  // Mean labels 12 px apart at least.
  const double gap = top.y(c.mean_answers) - top.y(c.mean_probes);
  const double apart = std::abs(gap) < 12 ? (gap >= 0 ? 12 - gap : -(12 + gap)) : 0;
  rate_series(out, top, c.answers, c, plot_w, "rate-answers", c.mean_answers, "answers, mean",
              "#2a9d3a", apart);
  rate_series(out, top, c.probes, c, plot_w, "rate", c.mean_probes, "probes, mean", "#1f5fbf");
  const double lx = kRateLeft + plot_w - 250;
  out << "<line x1=\"" << num(lx) << "\" y1=\"" << num(top.top - 10) << "\" x2=\"" << num(lx + 20)
      << "\" y2=\"" << num(top.top - 10) << "\" stroke=\"#1f5fbf\" stroke-width=\"1.5\"/>\n";
  out << text(lx + 24, top.top - 6, "probes", "small");
  out << "<line x1=\"" << num(lx + 80) << "\" y1=\"" << num(top.top - 10) << "\" x2=\""
      << num(lx + 100) << "\" y2=\"" << num(top.top - 10)
      << "\" stroke=\"#8fd19e\" stroke-width=\"4\"/>\n";
  out << text(lx + 104, top.top - 6, "answers (arrival)", "small");
  rate_series(out, bytes, c.bytes, c, plot_w, "rate-bytes", c.mean_bytes, "mean", "#7b3fa0");
  // The time axis, under the lower panel; its ticks also mark the upper one.
  out << "<line class=\"axis\" x1=\"" << num(kRateLeft) << "\" y1=\"" << num(axis_y) << "\" x2=\""
      << num(kRateLeft + plot_w) << "\" y2=\"" << num(axis_y) << "\"/>\n";
  const Duration step = svg::round_step(std::chrono::duration_cast<Duration>(
      std::chrono::duration<double>(c.end_seconds * 90 / plot_w)));
  for (double t = 0; t <= c.end_seconds + 1e-9; t += seconds(step)) {
    const double x = kRateLeft + plot_w * t / c.end_seconds;
    for (double y : {top.top + top.height, axis_y}) {
      out << "<line class=\"tick\" x1=\"" << num(x) << "\" y1=\"" << num(y) << "\" x2=\"" << num(x)
          << "\" y2=\"" << num(y + 5) << "\"/>\n";
    }
    const TimePoint tp{std::chrono::duration_cast<Duration>(std::chrono::duration<double>(t))};
    out << text(x, axis_y + 18, svg::clock_label(tp, step), "small", "middle");
  }
  const std::size_t per =
      static_cast<std::size_t>(std::ceil(static_cast<double>(c.probes.size()) / plot_w));
  std::string note = "virtual time; buckets of " +
                     format_compact(std::chrono::duration_cast<Duration>(
                         std::chrono::duration<double>(c.bucket_seconds))) +
                     "; dashed: the mean over the whole run";
  if (per > 1) {
    note += "; each step the busiest of " + std::to_string(per) + " buckets";
  }
  out << text(kRateLeft, axis_y + 40, note, "small");
  out << "</svg>\n";
  return out.str();
}

}  // namespace ws2sim::cli
