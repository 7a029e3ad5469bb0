// Hand-written SVG: the run timeline, detection-time bars and the load rate chart.
#include "ws2sim/cli/svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

double seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e9;
}

// Round steps for axis ticks.
constexpr std::array<Duration, 27> kSteps{
    1ms, 2ms,  5ms,  10ms, 20ms,  50ms,  100ms, 200ms, 500ms, 1s, 2s, 5s,  10s, 15s,
    30s, 1min, 2min, 5min, 10min, 15min, 30min, 1h,    2h,    3h, 6h, 12h, 24h,
};

std::string clock_label(TimePoint t, Duration step) {
  std::string s = format_clock(t);
  if (step >= 1s && s.ends_with(".000")) s.resize(s.size() - 4);
  return s;
}

// "1h 58m" for long cuts: seconds dropped above an hour, milliseconds above a minute.
std::string cut_label(Duration d) {
  if (d >= 1h) {
    d = std::chrono::duration_cast<std::chrono::minutes>(d);
  } else if (d >= 1min) {
    d = std::chrono::duration_cast<std::chrono::seconds>(d);
  }
  return format_compact(d);
}

const char* kStyle =
    "<style>\n"
    "  text { font-family: DejaVu Sans, Arial, sans-serif; font-size: 12px; fill: #222; }\n"
    "  .title { font-size: 16px; font-weight: bold; }\n"
    "  .small { font-size: 10px; fill: #555; }\n"
    "  .lane { fill: #f7f7f7; }\n"
    "  .life { stroke: #9a9a9a; stroke-width: 2; }\n"
    "  .probe { stroke: #1f5fbf; stroke-width: 1.2; }\n"
    "  .answer { fill: #2a9d3a; }\n"
    "  .drop { stroke: #d62828; stroke-width: 3; fill: none; }\n"
    "  .droplabel { fill: #d62828; font-size: 11px; stroke: white; stroke-width: 3px; paint-order: "
    "stroke; }\n"
    "  .connect { fill: #2a9d3a; }\n"
    "  .data { fill: #7b3fa0; }\n"
    "  .nat { fill: #f08c00; }\n"
    "  .fault { stroke: #d62828; stroke-width: 1; stroke-dasharray: 4 3; }\n"
    "  .faultlabel { fill: #d62828; font-size: 11px; stroke: white; stroke-width: 3px; "
    "paint-order: stroke; }\n"
    "  .gap { fill: url(#hatch); }\n"
    "  .axis { stroke: #222; stroke-width: 1; }\n"
    "  .tick { stroke: #222; stroke-width: 1; }\n"
    "  .grid { stroke: #ddd; stroke-width: 1; }\n"
    "  .bar { fill: #1f5fbf; }\n"
    "  .never { fill: url(#hatch); stroke: #888; }\n"
    "  .rate { stroke: #1f5fbf; stroke-width: 1.5; fill: none; }\n"
    "</style>\n"
    "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c8c8c8\" "
    "stroke-width=\"2\"/></pattern></defs>\n";

std::string header(double width, double height) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
         "width=\"" +
         num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " +
         num(height) + "\">\n" + kStyle + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
}

std::string text(double x, double y, std::string_view s, std::string_view cls = {},
                 std::string_view anchor = {}) {
  std::string out = "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (!cls.empty()) out += " class=\"" + std::string(cls) + "\"";
  if (!anchor.empty()) out += " text-anchor=\"" + std::string(anchor) + "\"";
  return out + ">" + xml_escape(s) + "</text>\n";
}

std::string title(std::string_view s) {
  return "<title>" + xml_escape(s) + "</title>";
}

// Segment of a connection matched by the client's address and port.
bool belongs(const ConnectionReport& c, const Segment& s) {
  return c.local && (s.source == *c.local || s.destination == *c.local);
}

}  // namespace

// ---- the compressed time axis ------------------------------------------------------------------

TimeAxis::TimeAxis(std::vector<TimePoint> times, TimePoint start, TimePoint end, double left,
                   double width) {
  if (end <= start) end = start + 1s;
  for (TimePoint& t : times)
    t = std::clamp(t, start, end);
  times.push_back(start);
  times.push_back(end);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  const Duration cut_from = std::max<Duration>(60s, (end - start) / 20);
  constexpr double kCutWidth = 64;
  std::vector<double> units;
  double total_units = 0;
  std::size_t cut_count = 0;
  for (std::size_t i = 0; i + 1 < times.size(); ++i) {
    const double g = seconds(times[i + 1] - times[i]);
    const bool cut = times[i + 1] - times[i] >= cut_from;
    stretches_.push_back({times[i], times[i + 1], 0, 0, cut});
    units.push_back(cut ? 0.0 : (g <= 1.0 ? g : 1.0 + std::log(g)));
    total_units += units.back();
    cut_count += cut ? 1 : 0;
  }
  const double cut_width =
      std::min(kCutWidth, width / 3 / static_cast<double>(std::max<std::size_t>(cut_count, 1)));
  const double rest = width - cut_width * static_cast<double>(cut_count);
  double x = left;
  for (std::size_t i = 0; i < stretches_.size(); ++i) {
    Stretch& s = stretches_[i];
    s.x0 = x;
    if (s.cut) {
      x += cut_width;
    } else if (total_units > 0) {
      x += units[i] * rest / total_units;
    }
    s.x1 = x;
  }
  stretches_.back().x1 = left + width;  // no rounding gap at the right edge
}

double TimeAxis::x(TimePoint t) const {
  if (t <= stretches_.front().from) return stretches_.front().x0;
  // The stretch holding t: the first one ending at or after it.
  const auto it = std::lower_bound(stretches_.begin(), stretches_.end(), t,
                                   [](const Stretch& s, TimePoint v) { return s.to < v; });
  if (it == stretches_.end()) return stretches_.back().x1;
  const double span = static_cast<double>((it->to - it->from).count());
  if (span <= 0) return it->x0;
  return it->x0 + (it->x1 - it->x0) * static_cast<double>((t - it->from).count()) / span;
}

std::vector<TimeAxis::Stretch> TimeAxis::cuts() const {
  std::vector<Stretch> out;
  for (const Stretch& s : stretches_) {
    if (s.cut) out.push_back(s);
  }
  return out;
}

std::vector<TimeAxis::Tick> TimeAxis::ticks(double spacing) const {
  const TimePoint start = stretches_.front().from;
  const TimePoint end = stretches_.back().to;
  std::vector<Tick> accepted;
  std::vector<double> xs;  // sorted positions of the accepted ticks
  const auto inside_cut = [&](TimePoint t) {
    return std::any_of(stretches_.begin(), stretches_.end(),
                       [&](const Stretch& s) { return s.cut && t > s.from && t < s.to; });
  };
  const auto room = [&](double px) {
    const auto it = std::lower_bound(xs.begin(), xs.end(), px);
    if (it != xs.end() && *it - px < spacing) return false;
    if (it != xs.begin() && px - *(it - 1) < spacing) return false;
    return true;
  };
  const auto accept = [&](TimePoint t, Duration step) {
    const double px = x(t);
    if (inside_cut(t) || !room(px)) return;
    accepted.push_back({t, px, clock_label(t, step)});
    xs.insert(std::lower_bound(xs.begin(), xs.end(), px), px);
  };
  accept(start, 1s);
  // Coarse steps first, so that round instants win over finer ones nearby.
  for (auto step = kSteps.rbegin(); step != kSteps.rend(); ++step) {
    const std::int64_t n = step->count();
    const std::int64_t first = (start.time_since_epoch().count() + n - 1) / n;
    const std::int64_t last = end.time_since_epoch().count() / n;
    if (last - first > 20'000) continue;  // too fine for this run
    for (std::int64_t k = first; k <= last; ++k)
      accept(TimePoint{Duration{k * n}}, *step);
  }
  std::sort(accepted.begin(), accepted.end(),
            [](const Tick& a, const Tick& b) { return a.at < b.at; });
  return accepted;
}

// ---- the run timeline --------------------------------------------------------------------------

std::string timeline_svg(const RunReport& r) {
  const Trace& trace = r.trace();
  constexpr double kWidth = 1200;
  constexpr double kLeft = 220;
  constexpr double kRight = 30;
  constexpr double kTop = 96;
  constexpr double kLane = 46;
  const std::size_t lanes = std::max<std::size_t>(1, r.connections.size());

  // Faults: one label per instant ("db crashed, db restarted"), a partition named once.
  std::map<TimePoint, std::vector<std::string>> faults;
  const auto add_fault = [&](TimePoint at, const std::string& label) {
    auto& labels = faults[at];
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
  };
  std::vector<TimePoint> times;
  std::set<std::pair<TimePoint, std::string>> network_events;  // (at, host) of network-down/up
  for (const CallRecord& c : r.records) {
    times.push_back(c.at);
    if (c.connection) continue;
    if (c.text.starts_with("NAT")) {
      add_fault(c.at, "NAT " + c.host);
    } else if (c.text.starts_with("network down")) {
      add_fault(c.at, c.host + " network down");
      network_events.emplace(c.at, c.host);
    } else if (c.text.starts_with("network up")) {
      add_fault(c.at, c.host + " network up");
      network_events.emplace(c.at, c.host);
    } else {
      add_fault(c.at, c.host + ": " + c.text);
    }
  }
  for (const TraceEvent& e : trace.events()) {
    const auto conn = r.connection_of(e);
    const std::string host(trace.host_name(e.host));
    switch (e.kind) {
      case TraceKind::kHostCrashed:
        add_fault(e.at, host + " crashed");
        times.push_back(e.at);
        break;
      case TraceKind::kHostRestarted:
        add_fault(e.at, host + " restarted");
        times.push_back(e.at);
        break;
      case TraceKind::kPartitioned:
      case TraceKind::kHealed: {
        times.push_back(e.at);
        const std::string peer = e.peer ? std::string(trace.host_name(*e.peer)) : std::string("?");
        if (network_events.contains({e.at, host}) || network_events.contains({e.at, peer})) break;
        const bool cut = e.kind == TraceKind::kPartitioned;
        const std::string a = std::min(host, peer);
        const std::string b = std::max(host, peer);
        add_fault(e.at, (cut ? "partition " : "healed ") + a + "-" + b);
        break;
      }
      case TraceKind::kProbeSent:
      case TraceKind::kProbeAnswered:
      case TraceKind::kConnectionEstablished:
      case TraceKind::kConnectionClosed:
        if (conn) times.push_back(e.at);
        break;
      case TraceKind::kNatFlowExpired:
        times.push_back(e.at);
        break;
      default:
        break;
    }
  }
  const double plot_width = kWidth - kLeft - kRight;
  const TimeAxis axis(times, kEpoch, r.end, kLeft, plot_width);
  const double lanes_bottom = kTop + kLane * static_cast<double>(lanes);
  const double axis_y = lanes_bottom + 8;
  const double height = axis_y + 130;
  const std::vector<TimeAxis::Stretch> cuts = axis.cuts();

  std::ostringstream out;
  out << header(kWidth, height);
  std::string heading = "ws2sim run";
  if (!r.scenario.name.empty()) heading += ": " + r.scenario.name;
  heading += "  (seed " + std::to_string(r.seed) + ", " + format_duration(r.end - kEpoch) +
             " of virtual time)";
  out << text(kLeft, 24, heading, "title");

  // Lanes.
  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    const ConnectionReport& c = r.connections[i];
    const double y0 = kTop + kLane * static_cast<double>(i);
    const double yc = y0 + kLane / 2;
    out << "<rect class=\"lane\" x=\"" << num(kLeft) << "\" y=\"" << num(y0 + 4) << "\" width=\""
        << num(plot_width) << "\" height=\"" << num(kLane - 8) << "\"/>\n";
    out << text(10, yc - 2, c.name);
    out << text(10, yc + 12, c.client + " (" + c.profile + ")", "small");

    // The connection's life: from connect() to its end (or the end of the run).
    std::optional<TimePoint> born;
    for (const CallRecord& rec : r.records) {
      if (rec.connection == i) {
        born = rec.at;
        break;
      }
    }
    if (born) {
      const TimePoint died = c.closed_at.value_or(r.end);
      out << "<line class=\"life\" x1=\"" << num(axis.x(*born)) << "\" y1=\"" << num(yc)
          << "\" x2=\"" << num(axis.x(died)) << "\" y2=\"" << num(yc) << "\"/>\n";
    }
    for (const TraceEvent& e : trace.events()) {
      const bool mine = c.client_serial && e.connection == c.client_serial;
      const double x = axis.x(e.at);
      const std::string when = format_clock(e.at);
      if (mine && e.kind == TraceKind::kProbeSent) {
        out << "<line class=\"probe\" x1=\"" << num(x) << "\" y1=\"" << num(yc - 11) << "\" x2=\""
            << num(x) << "\" y2=\"" << num(yc + 11) << "\">"
            << title(when + " probe " + std::to_string(e.probe) + "/" +
                     std::to_string(e.probe_count))
            << "</line>\n";
      } else if (mine && e.kind == TraceKind::kProbeAnswered) {
        out << "<circle class=\"answer\" cx=\"" << num(x) << "\" cy=\"" << num(yc - 14)
            << "\" r=\"3\">" << title(when + " probe answered") << "</circle>\n";
      } else if (mine && e.kind == TraceKind::kConnectionEstablished) {
        out << "<circle class=\"connect\" cx=\"" << num(x) << "\" cy=\"" << num(yc) << "\" r=\"4\">"
            << title(when + " connected") << "</circle>\n";
      } else if (mine && e.kind == TraceKind::kConnectionClosed && e.reason) {
        const std::string why(to_string(*e.reason));
        out << "<path class=\"drop\" d=\"M" << num(x - 6) << " " << num(yc - 6) << " L"
            << num(x + 6) << " " << num(yc + 6) << " M" << num(x - 6) << " " << num(yc + 6) << " L"
            << num(x + 6) << " " << num(yc - 6) << "\">" << title(when + " " + why) << "</path>\n";
        if (x > kLeft + 0.7 * plot_width) {
          out << text(x - 9, yc - 9, why + " " + when, "droplabel", "end");
        } else {
          out << text(x + 9, yc + 4, why + " " + when, "droplabel");
        }
      } else if (mine &&
                 (e.kind == TraceKind::kSegmentSent || e.kind == TraceKind::kSegmentReceived) &&
                 e.segment && !e.segment->payload.empty() && !e.keepalive) {
        out << "<rect class=\"data\" x=\"" << num(x - 2.5) << "\" y=\"" << num(yc + 6)
            << "\" width=\"5\" height=\"5\">"
            << title(when + (e.kind == TraceKind::kSegmentSent ? " sent " : " received ") +
                     std::to_string(e.segment->payload.size()) + " bytes")
            << "</rect>\n";
      } else if (e.kind == TraceKind::kNatFlowExpired && e.segment && belongs(c, *e.segment)) {
        out << "<circle class=\"nat\" cx=\"" << num(x) << "\" cy=\"" << num(yc + 14)
            << "\" r=\"4\">" << title(when + " NAT forgot the flow") << "</circle>\n";
      }
    }
  }

  // Long idle stretches, hatched over the lanes.
  for (const TimeAxis::Stretch& c : cuts) {
    out << "<rect class=\"gap\" x=\"" << num(c.x0 + 4) << "\" y=\"" << num(kTop - 6)
        << "\" width=\"" << num(c.x1 - c.x0 - 8) << "\" height=\"" << num(lanes_bottom - kTop + 12)
        << "\">" << title(cut_label(c.to - c.from) + " of idle virtual time") << "</rect>\n";
  }

  // Faults: a dashed line across every lane; labels above, each in the first row it fits.
  std::vector<double> row_end(4, -1e9);
  for (const auto& [at, labels] : faults) {
    std::string label;
    for (const std::string& l : labels)
      label += (label.empty() ? "" : ", ") + l;
    label += " " + clock_label(at, 1s);
    const double x = axis.x(at);
    const double w = 6.2 * static_cast<double>(label.size());
    std::size_t row = 0;
    while (row + 1 < row_end.size() && row_end[row] > x)
      ++row;
    row_end[row] = x + w + 8;
    const double ly = 42 + 14 * static_cast<double>(row);
    out << "<line class=\"fault\" x1=\"" << num(x) << "\" y1=\"" << num(ly + 4) << "\" x2=\""
        << num(x) << "\" y2=\"" << num(lanes_bottom) << "\">" << title(label) << "</line>\n";
    out << text(x + 3, ly, label, "faultlabel");
  }

  // The axis: ticks at round instants; a break symbol and the time it stands for at each cut.
  out << "<line class=\"axis\" x1=\"" << num(kLeft) << "\" y1=\"" << num(axis_y) << "\" x2=\""
      << num(kLeft + plot_width) << "\" y2=\"" << num(axis_y) << "\"/>\n";
  for (const TimeAxis::Tick& t : axis.ticks()) {
    out << "<line class=\"tick\" x1=\"" << num(t.x) << "\" y1=\"" << num(axis_y) << "\" x2=\""
        << num(t.x) << "\" y2=\"" << num(axis_y + 5) << "\"/>\n";
    out << text(t.x, axis_y + 18, t.label, "small", "middle");
  }
  for (const TimeAxis::Stretch& c : cuts) {
    const double xm = (c.x0 + c.x1) / 2;
    out << "<rect x=\"" << num(xm - 11) << "\" y=\"" << num(axis_y - 7)
        << "\" width=\"22\" height=\"14\" fill=\"white\"/>\n";
    out << "<path class=\"axis\" d=\"M" << num(xm - 9) << " " << num(axis_y + 6) << " L"
        << num(xm - 3) << " " << num(axis_y - 6) << " M" << num(xm + 3) << " " << num(axis_y + 6)
        << " L" << num(xm + 9) << " " << num(axis_y - 6) << "\"/>\n";
    out << text(xm, axis_y + 34, cut_label(c.to - c.from), "small", "middle");
  }
  out << text(
      kLeft, axis_y + 56,
      "virtual time (h:mm:ss), compressed: busy stretches are linear, quiet ones shrink "
      "logarithmically; hatched bands are long idle stretches, their length under the break.",
      "small");
  // Legend.
  const double ly = axis_y + 84;
  double lx = kLeft;
  out << "<line class=\"legend-probe probe-key\" x1=\"" << num(lx) << "\" y1=\"" << num(ly - 9)
      << "\" x2=\"" << num(lx) << "\" y2=\"" << num(ly + 3)
      << "\" stroke=\"#1f5fbf\" stroke-width=\"1.2\"/>\n";
  out << text(lx + 6, ly, "keep-alive probe", "small");
  lx += 120;
  out << "<circle cx=\"" << num(lx) << "\" cy=\"" << num(ly - 3)
      << "\" r=\"3\" fill=\"#2a9d3a\"/>\n";
  out << text(lx + 6, ly, "probe answered", "small");
  lx += 110;
  out << "<circle cx=\"" << num(lx) << "\" cy=\"" << num(ly - 3)
      << "\" r=\"4\" fill=\"#2a9d3a\"/>\n";
  out << text(lx + 6, ly, "connected", "small");
  lx += 90;
  out << "<rect x=\"" << num(lx - 2.5) << "\" y=\"" << num(ly - 6)
      << "\" width=\"5\" height=\"5\" fill=\"#7b3fa0\"/>\n";
  out << text(lx + 6, ly, "data", "small");
  lx += 60;
  out << "<circle cx=\"" << num(lx) << "\" cy=\"" << num(ly - 3)
      << "\" r=\"4\" fill=\"#f08c00\"/>\n";
  out << text(lx + 6, ly, "NAT forgot the flow", "small");
  lx += 140;
  out << "<path d=\"M" << num(lx - 5) << " " << num(ly - 8) << " L" << num(lx + 5) << " "
      << num(ly + 2) << " M" << num(lx - 5) << " " << num(ly + 2) << " L" << num(lx + 5) << " "
      << num(ly - 8) << "\" stroke=\"#d62828\" stroke-width=\"3\"/>\n";
  out << text(lx + 9, ly, "connection ended", "small");
  lx += 120;
  out << "<line x1=\"" << num(lx) << "\" y1=\"" << num(ly - 10) << "\" x2=\"" << num(lx)
      << "\" y2=\"" << num(ly + 3) << "\" stroke=\"#d62828\" stroke-dasharray=\"4 3\"/>\n";
  out << text(lx + 6, ly, "fault", "small");
  out << "</svg>\n";
  return out.str();
}

// ---- detection-time bars -----------------------------------------------------------------------

std::string bar_chart_svg(std::string_view chart_title, const std::vector<Bar>& bars) {
  constexpr double kWidth = 1100;
  constexpr double kLeft = 250;
  constexpr double kBarArea = 460;
  constexpr double kTop = 64;
  constexpr double kRow = 24;
  Duration max_value = 1s;
  for (const Bar& b : bars) {
    if (b.value) max_value = std::max(max_value, *b.value);
  }
  const double height = kTop + kRow * static_cast<double>(bars.size()) + 60;
  std::ostringstream out;
  out << header(kWidth, height);
  out << text(20, 28, chart_title, "title");
  out << text(20, 46, "detection time after the last segment received from the peer (linear scale)",
              "small");
  // Grid: five steps of a round duration.
  Duration step = kSteps.back();
  for (Duration s : kSteps) {
    if (s * 5 >= max_value) {
      step = s;
      break;
    }
  }
  const double scale = kBarArea / seconds(step * 5);
  const double bottom = kTop + kRow * static_cast<double>(bars.size());
  for (int k = 0; k <= 5; ++k) {
    const double x = kLeft + scale * seconds(step * k);
    out << "<line class=\"grid\" x1=\"" << num(x) << "\" y1=\"" << num(kTop - 4) << "\" x2=\""
        << num(x) << "\" y2=\"" << num(bottom) << "\"/>\n";
    out << text(x, bottom + 16, format_compact(step * k), "small", "middle");
  }
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = kTop + kRow * static_cast<double>(i);
    out << text(kLeft - 8, y + 15, b.label, {}, "end");
    std::string value_text;
    if (b.value) {
      const double w = std::max(1.0, scale * seconds(*b.value));
      value_text = format_ms(*b.value) + " (" + format_duration(*b.value) + ")";
      out << "<rect class=\"bar\" x=\"" << num(kLeft) << "\" y=\"" << num(y + 4) << "\" width=\""
          << num(w) << "\" height=\"" << num(kRow - 8) << "\">"
          << title(b.label + ": " + value_text) << "</rect>\n";
    } else {
      value_text = "never";
      out << "<rect class=\"never\" x=\"" << num(kLeft) << "\" y=\"" << num(y + 4) << "\" width=\""
          << num(kBarArea) << "\" height=\"" << num(kRow - 8) << "\">"
          << title(b.label + ": never detected") << "</rect>\n";
    }
    if (!b.note.empty()) value_text += "  " + b.note;
    out << text(kLeft + kBarArea + 12, y + 15, value_text, "small");
  }
  out << "</svg>\n";
  return out.str();
}

// ---- rate over time ----------------------------------------------------------------------------

std::string rate_chart_svg(std::string_view chart_title, std::string_view subtitle,
                           std::string_view y_label, const std::vector<RatePoint>& points,
                           double bucket_seconds) {
  constexpr double kWidth = 1100;
  constexpr double kLeft = 90;
  constexpr double kRight = 30;
  constexpr double kTop = 60;
  constexpr double kPlotH = 320;
  const double plot_w = kWidth - kLeft - kRight;
  double t_end = bucket_seconds;
  double peak = 0;
  for (const RatePoint& p : points) {
    t_end = std::max(t_end, p.t_seconds + bucket_seconds);
    peak = std::max(peak, p.rate);
  }
  // A round y maximum: 1, 2 or 5 times a power of ten.
  double y_max = 1;
  while (y_max < peak) {
    if (y_max * 2 >= peak) {
      y_max *= 2;
    } else if (y_max * 5 >= peak) {
      y_max *= 5;
    } else {
      y_max *= 10;
    }
  }
  const auto xp = [&](double t) { return kLeft + plot_w * t / t_end; };
  const auto yp = [&](double v) { return kTop + kPlotH - kPlotH * v / y_max; };
  const double height = kTop + kPlotH + 70;
  std::ostringstream out;
  out << header(kWidth, height);
  out << text(20, 28, chart_title, "title");
  out << text(20, 46, subtitle, "small");
  for (int k = 0; k <= 5; ++k) {
    const double v = y_max * k / 5;
    out << "<line class=\"grid\" x1=\"" << num(kLeft) << "\" y1=\"" << num(yp(v)) << "\" x2=\""
        << num(kLeft + plot_w) << "\" y2=\"" << num(yp(v)) << "\"/>\n";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    out << text(kLeft - 6, yp(v) + 4, buf, "small", "end");
  }
  Duration step = kSteps.back();
  for (Duration s : kSteps) {
    if (seconds(s) / t_end * plot_w >= 80) {
      step = s;
      break;
    }
  }
  for (double t = 0; t <= t_end + 1e-9; t += seconds(step)) {
    const double x = xp(t);
    out << "<line class=\"tick\" x1=\"" << num(x) << "\" y1=\"" << num(kTop + kPlotH) << "\" x2=\""
        << num(x) << "\" y2=\"" << num(kTop + kPlotH + 5) << "\"/>\n";
    const TimePoint tp{std::chrono::duration_cast<Duration>(std::chrono::duration<double>(t))};
    out << text(x, kTop + kPlotH + 18, clock_label(tp, step), "small", "middle");
  }
  out << "<line class=\"axis\" x1=\"" << num(kLeft) << "\" y1=\"" << num(kTop + kPlotH)
      << "\" x2=\"" << num(kLeft + plot_w) << "\" y2=\"" << num(kTop + kPlotH) << "\"/>\n";
  out << "<line class=\"axis\" x1=\"" << num(kLeft) << "\" y1=\"" << num(kTop) << "\" x2=\""
      << num(kLeft) << "\" y2=\"" << num(kTop + kPlotH) << "\"/>\n";
  out << "<polyline class=\"rate\" points=\"";
  for (const RatePoint& p : points) {
    out << num(xp(p.t_seconds)) << "," << num(yp(p.rate)) << " "
        << num(xp(p.t_seconds + bucket_seconds)) << "," << num(yp(p.rate)) << " ";
  }
  out << "\"/>\n";
  double sum = 0;
  for (const RatePoint& p : points)
    sum += p.rate * bucket_seconds;
  const double mean = sum / t_end;
  out << "<line class=\"grid\" x1=\"" << num(kLeft) << "\" y1=\"" << num(yp(mean)) << "\" x2=\""
      << num(kLeft + plot_w) << "\" y2=\"" << num(yp(mean))
      << "\" stroke-dasharray=\"6 4\" style=\"stroke:#d62828\"/>\n";
  char mean_text[64];
  std::snprintf(mean_text, sizeof mean_text, "mean %.1f/s", mean);
  out << text(kLeft + plot_w - 4, yp(mean) - 4, mean_text, "small", "end");
  out << text(kLeft, kTop + kPlotH + 40, "virtual time (h:mm:ss)", "small");
  out << "<text x=\"18\" y=\"" << num(kTop + kPlotH / 2)
      << "\" class=\"small\" transform=\"rotate(-90 18 " << num(kTop + kPlotH / 2)
      << ")\" text-anchor=\"middle\">" << xml_escape(y_label) << "</text>\n";
  out << "</svg>\n";
  return out.str();
}

}  // namespace ws2sim::cli
