// The timeline picture of a run (svg.h, timeline_svg): lanes of connections over a broken
// linear time axis, dense marks binned, many connections grouped.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "svg_parts.h"
#include "ws2sim/cli/svg.h"
#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;

using svg::num;
using svg::text;
using svg::title;

constexpr double kWidth = 1200;
constexpr double kLeft = 220;
constexpr double kRight = 30;
constexpr double kTop = 96;
constexpr double kLane = 54;
constexpr std::size_t kMaxLanes = 16;
constexpr double kBin = 2;  // marks closer than this many pixels share one mark

// "1h 58m" for long breaks: seconds dropped above an hour, milliseconds above a minute.
std::string break_label(Duration d) {
  if (d >= 1h) {
    d = std::chrono::duration_cast<std::chrono::minutes>(d);
  } else if (d >= 1min) {
    d = std::chrono::duration_cast<std::chrono::seconds>(d);
  }
  return format_compact(d);
}

// One lane: a connection, or a group of connections alike in profile, calls and outcome.
struct Lane {
  std::vector<std::size_t> conns;
  std::string label;
  std::string sublabel;
};

std::string outcome(const ConnectionReport& c) {
  if (c.connect_error) {
    return "connect failed";
  }
  if (c.reason) {
    return std::string(to_string(*c.reason));
  }
  return "open at the end";
}

// When each connection that never had a model connection to end (a failed lookup, a connect
// that failed at once) gave up: its last record; nullopt for every other connection. One pass
// over the records.
std::vector<std::optional<TimePoint>> gave_up_times(const RunReport& r) {
  std::vector<std::optional<TimePoint>> last(r.connections.size());
  for (const CallRecord& rec : r.records) {
    if (rec.connection && *rec.connection < last.size()) {
      last[*rec.connection] = rec.at;
    }
  }
  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    if (!r.connections[i].connect_error || r.connections[i].closed_at) {
      last[i].reset();
    }
  }
  return last;
}

std::vector<Lane> lanes_of(const RunReport& r) {
  std::vector<Lane> lanes;
  if (r.connections.size() <= kMaxLanes) {
    for (std::size_t i = 0; i < r.connections.size(); ++i) {
      const ConnectionReport& c = r.connections[i];
      lanes.push_back({{i}, c.name, c.client + " (" + c.profile + ")"});
    }
    return lanes;
  }
  // Group: same client profile, same calls, same outcome.
  std::map<std::string, std::size_t> by_key;
  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    const ConnectionReport& c = r.connections[i];
    std::string key = c.profile + "|" + outcome(c);
    for (const CallResult& call : c.calls) {
      key += "|" + call.call;
    }
    auto [it, added] = by_key.emplace(key, lanes.size());
    if (added) {
      if (lanes.size() + 1 == kMaxLanes) {
        lanes.push_back({{}, "", "other connections"});
        it->second = lanes.size() - 1;
      } else if (lanes.size() == kMaxLanes) {
        it->second = kMaxLanes - 1;  // the last lane takes every further group
      } else {
        lanes.push_back({{}, "", c.profile + ", " + outcome(c)});
      }
    }
    lanes[it->second].conns.push_back(i);
  }
  for (Lane& l : lanes) {
    const ConnectionReport& first = r.connections[l.conns.front()];
    l.label = l.conns.size() == 1
                  ? first.name
                  : std::to_string(l.conns.size()) + " connections (" + first.name + ", ...)";
  }
  return lanes;
}

// Marks of one kind in one lane, binned by pixel column.
enum class Mark : std::uint8_t { kProbe, kAnswer, kData, kConnect, kDrop, kNat };
struct Bin {
  std::size_t count = 0;
  TimePoint first;
  TimePoint last;
  std::string what;  // the first mark's description
};
using Bins = std::map<std::pair<Mark, long>, Bin>;

void add(Bins& bins, Mark m, double x, TimePoint at, const std::string& what) {
  Bin& b = bins[{m, static_cast<long>((x - kLeft) / kBin)}];
  if (b.count == 0) {
    b.first = at;
    b.what = what;
  }
  b.last = at;
  ++b.count;
}

std::string span_text(const Bin& b) {
  return b.first == b.last ? format_clock(b.first)
                           : format_clock(b.first) + " - " + format_clock(b.last);
}

std::string count_attr(const Bin& b) {
  return " data-count=\"" + std::to_string(b.count) + "\"";
}

void draw_bin(std::ostream& out, Mark m, const Bin& b, const TimeAxis& axis, double yc) {
  const double x0 = axis.x(b.first);
  const double x1 = axis.x(b.last);
  const double xm = (x0 + x1) / 2;
  const bool one = b.count == 1;
  const std::string tip = one ? format_clock(b.first) + " " + b.what
                              : std::to_string(b.count) + " x " + b.what + ", " + span_text(b);
  switch (m) {
    case Mark::kProbe:
      if (one) {
        out << "<line class=\"probe\" x1=\"" << num(x0) << "\" y1=\"" << num(yc - 11) << "\" x2=\""
            << num(x0) << "\" y2=\"" << num(yc + 11) << "\">" << title(tip) << "</line>\n";
      } else {
        out << "<rect class=\"probes\"" << count_attr(b) << " x=\"" << num(x0 - 0.6) << "\" y=\""
            << num(yc - 11) << "\" width=\"" << num(std::max(1.2, x1 - x0 + 1.2))
            << "\" height=\"22\">" << title(tip) << "</rect>\n";
      }
      break;
    case Mark::kAnswer:
      out << "<circle class=\"" << (one ? "answer\"" : "answers\"" + count_attr(b)) << " cx=\""
          << num(xm) << "\" cy=\"" << num(yc - 14) << "\" r=\"3\">" << title(tip) << "</circle>\n";
      break;
    case Mark::kData:
      out << "<rect class=\"" << (one ? "data\"" : "datas\"" + count_attr(b)) << " x=\""
          << num(x0 - 2.5) << "\" y=\"" << num(yc + 6) << "\" width=\""
          << num(std::max(5.0, x1 - x0 + 5)) << "\" height=\"5\">" << title(tip) << "</rect>\n";
      break;
    case Mark::kConnect:
      out << "<circle class=\"connect\"" << (one ? "" : count_attr(b)) << " cx=\"" << num(xm)
          << "\" cy=\"" << num(yc) << "\" r=\"4\">" << title(tip) << "</circle>\n";
      break;
    case Mark::kDrop:
      out << "<path class=\"" << (one ? "drop\"" : "drops\"" + count_attr(b)) << " d=\"M"
          << num(xm - 6) << " " << num(yc - 6) << " L" << num(xm + 6) << " " << num(yc + 6) << " M"
          << num(xm - 6) << " " << num(yc + 6) << " L" << num(xm + 6) << " " << num(yc - 6) << "\">"
          << title(tip) << "</path>\n";
      break;
    case Mark::kNat:
      out << "<circle class=\"nat\"" << (one ? "" : count_attr(b)) << " cx=\"" << num(xm)
          << "\" cy=\"" << num(yc + 14) << "\" r=\"4\">" << title(tip) << "</circle>\n";
      break;
  }
}

void legend(std::ostream& out, double ly) {
  double lx = kLeft;
  // A key: its mark (drawn at lx), its label, and the room the pair takes.
  const auto key = [&](const std::string& mark, double label_dx, const char* label, double room) {
    out << mark << text(lx + label_dx, ly, label, "small");
    lx += room;
  };
  const auto dot = [&](double r, const char* colour) {
    return "<circle cx=\"" + num(lx) + "\" cy=\"" + num(ly - 3) + "\" r=\"" + num(r) +
           "\" fill=\"" + colour + "\"/>\n";
  };
  key("<line x1=\"" + num(lx) + "\" y1=\"" + num(ly - 9) + "\" x2=\"" + num(lx) + "\" y2=\"" +
          num(ly + 3) + "\" stroke=\"#1f5fbf\" stroke-width=\"1.2\"/>\n",
      6, "keep-alive probe", 110);
  key("<rect x=\"" + num(lx - 3) + "\" y=\"" + num(ly - 9) +
          "\" width=\"6\" height=\"12\" fill=\"#1f5fbf\" fill-opacity=\"0.6\"/>\n",
      7, "probes binned (hover: count)", 170);
  key(dot(3, "#2a9d3a"), 6, "answered", 75);
  key(dot(4, "#2a9d3a"), 6, "connected", 80);
  key("<rect x=\"" + num(lx - 2.5) + "\" y=\"" + num(ly - 6) +
          "\" width=\"5\" height=\"5\" fill=\"#7b3fa0\"/>\n",
      6, "data", 50);
  key(dot(4, "#f08c00"), 6, "NAT forgot the flow", 130);
  key("<path d=\"M" + num(lx - 5) + " " + num(ly - 8) + " L" + num(lx + 5) + " " + num(ly + 2) +
          " M" + num(lx - 5) + " " + num(ly + 2) + " L" + num(lx + 5) + " " + num(ly - 8) +
          "\" stroke=\"#d62828\" stroke-width=\"3\"/>\n",
      9, "connection ended", 115);
  key("<line x1=\"" + num(lx) + "\" y1=\"" + num(ly - 10) + "\" x2=\"" + num(lx) + "\" y2=\"" +
          num(ly + 3) + "\" stroke=\"#d62828\" stroke-dasharray=\"4 3\"/>\n",
      6, "fault", 0);
}

}  // namespace

std::string timeline_svg(const RunReport& r) {
  const Trace& trace = r.trace();
  const std::vector<Lane> lanes = lanes_of(r);
  const std::vector<std::optional<TimePoint>> gave_up = gave_up_times(r);
  std::vector<std::size_t> lane_of(r.connections.size(), 0);
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    for (std::size_t c : lanes[l].conns) {
      lane_of[c] = l;
    }
  }

  // Faults: one label per instant ("db crashed, db restarted"), a partition named once.
  std::map<TimePoint, std::vector<std::string>> faults;
  const auto add_fault = [&](TimePoint at, const std::string& label) {
    auto& labels = faults[at];
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
      labels.push_back(label);
    }
  };
  std::vector<TimePoint> times;
  std::set<std::pair<TimePoint, std::string>> network_events;  // (at, host) of network-down/up
  for (const CallRecord& c : r.records) {
    times.push_back(c.at);
    if (c.connection) {
      continue;
    }
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
  std::set<TimePoint> ended;  // detections and other ends, ticked on the axis
  for (const TraceEvent& e : trace.events()) {
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
        if (network_events.contains({e.at, host}) || network_events.contains({e.at, peer})) {
          break;
        }
        std::string label = e.kind == TraceKind::kPartitioned ? "partition " : "healed ";
        label += std::min(host, peer);
        label += '-';
        label += std::max(host, peer);
        add_fault(e.at, label);
        break;
      }
      case TraceKind::kProbeSent:
      case TraceKind::kProbeAnswered:
      case TraceKind::kConnectionEstablished:
      case TraceKind::kNatFlowExpired:
        times.push_back(e.at);
        break;
      case TraceKind::kConnectionClosed:
        times.push_back(e.at);
        if (const auto c = r.connection_of(e);
            c && r.connections[*c].client_serial == e.connection) {
          ended.insert(e.at);
        }
        break;
      default:
        break;
    }
  }
  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    if (const std::optional<TimePoint> at = gave_up[i]) {
      times.push_back(*at);
      ended.insert(*at);
    }
  }
  const double plot_width = kWidth - kLeft - kRight;
  const TimeAxis axis(times, kEpoch, r.end, kLeft, plot_width);

  // Every mark, binned per lane.
  std::vector<Bins> bins(lanes.size());
  std::map<SocketAddress, std::size_t> by_local;
  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    if (r.connections[i].local) {
      by_local.emplace(*r.connections[i].local, i);
    }
  }
  for (const TraceEvent& e : trace.events()) {
    if (e.kind == TraceKind::kNatFlowExpired && e.segment) {
      auto it = by_local.find(e.segment->source);
      if (it == by_local.end()) {
        it = by_local.find(e.segment->destination);
      }
      if (it != by_local.end()) {
        add(bins[lane_of[it->second]], Mark::kNat, axis.x(e.at), e.at, "NAT forgot the flow");
      }
      continue;
    }
    const auto conn = r.connection_of(e);
    if (!conn || r.connections[*conn].client_serial != e.connection) {
      continue;
    }
    Bins& b = bins[lane_of[*conn]];
    const double x = axis.x(e.at);
    if (e.kind == TraceKind::kProbeSent) {
      add(b, Mark::kProbe, x, e.at,
          "probe " + std::to_string(e.probe) + "/" + std::to_string(e.probe_count));
    } else if (e.kind == TraceKind::kProbeAnswered) {
      add(b, Mark::kAnswer, x, e.at, "probe answered");
    } else if (e.kind == TraceKind::kConnectionEstablished) {
      add(b, Mark::kConnect, x, e.at, "connected");
    } else if (e.kind == TraceKind::kConnectionClosed && e.reason) {
      add(b, Mark::kDrop, x, e.at, std::string(to_string(*e.reason)));
    } else if ((e.kind == TraceKind::kSegmentSent || e.kind == TraceKind::kSegmentReceived) &&
               e.segment && !e.segment->payload.empty() && !e.keepalive) {
      add(b, Mark::kData, x, e.at,
          std::string(e.kind == TraceKind::kSegmentSent ? "sent " : "received ") +
              std::to_string(e.segment->payload.size()) + " bytes");
    }
  }

  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    if (const std::optional<TimePoint> at = gave_up[i]) {
      add(bins[lane_of[i]], Mark::kDrop, axis.x(*at), *at,
          r.connections[i].failed_call + " failed");
    }
  }

  const double lanes_bottom =
      kTop + kLane * static_cast<double>(std::max<std::size_t>(1, lanes.size()));
  const double axis_y = lanes_bottom + 8;
  const double height = axis_y + 130;
  std::ostringstream out;
  out << svg::header(kWidth, height);
  std::string heading = "ws2sim run";
  if (!r.scenario.name.empty()) {
    heading += ": " + r.scenario.name;
  }
  heading += "  (seed " + std::to_string(r.seed) + ", " + format_compact(r.end - kEpoch) +
             " of virtual time, " + std::to_string(r.connections.size()) + " connection" +
             (r.connections.size() == 1 ? "" : "s") + ")";
  out << text(kLeft, 24, heading, "title");

  // Lane backgrounds and names; then the breaks, hatched over them; then the marks on top.
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    const Lane& lane = lanes[l];
    const double y0 = kTop + kLane * static_cast<double>(l);
    const double yc = y0 + kLane / 2;
    out << "<rect class=\"lane\" x=\"" << num(kLeft) << "\" y=\"" << num(y0 + 4) << "\" width=\""
        << num(plot_width) << "\" height=\"" << num(kLane - 8) << "\"/>\n";
    std::uint64_t probes = 0;
    std::uint64_t answered = 0;
    for (std::size_t c : lane.conns) {
      probes += r.connections[c].probes_sent;
      answered += r.connections[c].probes_answered;
    }
    out << text(10, yc - 6, lane.label) << text(10, yc + 8, lane.sublabel, "small")
        << text(10, yc + 20,
                std::to_string(probes) + " probe" + (probes == 1 ? "" : "s") + ", " +
                    std::to_string(answered) + " answered",
                "small");
  }
  for (const TimeAxis::Break& b : axis.breaks()) {
    out << "<rect class=\"gap\" x=\"" << num(b.x0 + 3) << "\" y=\"" << num(kTop - 6)
        << "\" width=\"" << num(b.x1 - b.x0 - 6) << "\" height=\"" << num(lanes_bottom - kTop + 12)
        << "\">" << title(break_label(b.to - b.from) + " of idle virtual time, cut out")
        << "</rect>\n";
  }
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    const Lane& lane = lanes[l];
    const double y0 = kTop + kLane * static_cast<double>(l);
    const double yc = y0 + kLane / 2;
    // The lane's life: from the first connect() to the last end (or the end of the run).
    std::optional<TimePoint> born;
    TimePoint died = kEpoch;
    for (std::size_t c : lane.conns) {
      for (const CallRecord& rec : r.records) {
        if (rec.connection == c) {
          born = born ? std::min(*born, rec.at) : rec.at;
          break;
        }
      }
      died = std::max(died, r.connections[c].closed_at.value_or(gave_up[c].value_or(r.end)));
    }
    if (born) {
      out << "<line class=\"life\" x1=\"" << num(axis.x(*born)) << "\" y1=\"" << num(yc)
          << "\" x2=\"" << num(axis.x(died)) << "\" y2=\"" << num(yc) << "\"/>\n";
    }
    bool labelled = false;
    for (const auto& [key, bin] : bins[l]) {
      draw_bin(out, key.first, bin, axis, yc);
      if (key.first != Mark::kDrop || labelled) {
        continue;
      }
      labelled = true;  // the lane's first end, in words, above the probes
      std::string label =
          (bin.count == 1 ? bin.what : std::to_string(bin.count) + " x " + bin.what) + " " +
          span_text(bin);
      // A lane of one connection also says what its program was told (docs/behaviour.md §17:
      // the same drop is WSAENETRESET to recv(), ERROR_SEM_TIMEOUT to a completion port).
      if (lane.conns.size() == 1) {
        const ConnectionReport& c = r.connections[lane.conns.front()];
        if (c.pending && c.pending->outcome.failed() && !c.open_at_end) {
          label += ": " + c.pending->call + " " + error_text(c.pending->outcome);
        }
      }
      const double x = axis.x(bin.first);
      if (x > kLeft + 0.6 * plot_width) {
        out << text(x - 9, yc - 14, label, "droplabel", "end");
      } else {
        out << text(x + 9, yc + 4, label, "droplabel");
      }
    }
  }

  // Faults: a dashed line across every lane; labels above, each in the first row it fits.
  std::vector<double> row_end(4, -1e9);
  for (const auto& [at, labels] : faults) {
    std::string label;
    for (const std::string& l : labels) {
      label += (label.empty() ? "" : ", ") + l;
    }
    label += ' ';
    label += svg::clock_label(at, 1s);
    const double x = axis.x(at);
    std::size_t row = 0;
    while (row + 1 < row_end.size() && row_end[row] > x) {
      ++row;
    }
    row_end[row] = x + svg::text_width(label, 11) + 8;
    const double ly = 42 + 14 * static_cast<double>(row);
    out << "<line class=\"fault\" x1=\"" << num(x) << "\" y1=\"" << num(ly + 4) << "\" x2=\""
        << num(x) << "\" y2=\"" << num(lanes_bottom) << "\">" << title(label) << "</line>\n";
    out << text(x + 3, ly, label, "faultlabel");
  }

  // The axis, panel by panel; ticks at round instants, red ticks at faults and ends.
  for (const TimeAxis::Panel& p : axis.panels()) {
    const double x0 = std::max(kLeft, p.x1 > p.x0 ? p.x0 : p.x0 - 20);
    const double x1 = std::min(kLeft + plot_width, p.x1 > p.x0 ? p.x1 : p.x1 + 20);
    out << "<line class=\"axis\" x1=\"" << num(x0) << "\" y1=\"" << num(axis_y) << "\" x2=\""
        << num(x1) << "\" y2=\"" << num(axis_y) << "\"/>\n";
    if (p.zoom > 1.05) {
      char zoom[32];
      std::snprintf(zoom, sizeof zoom, "\xC3\x97%.0f", p.zoom);  // "×12"
      out << text((x0 + x1) / 2, axis_y + 46, std::string("magnified ") + zoom, "small", "middle");
    }
  }
  for (const TimeAxis::Tick& t : axis.ticks()) {
    out << "<line class=\"tick\" x1=\"" << num(t.x) << "\" y1=\"" << num(axis_y) << "\" x2=\""
        << num(t.x) << "\" y2=\"" << num(axis_y + 5) << "\"/>\n";
    out << text(t.x, axis_y + 18, t.label, "small", "middle");
  }
  std::set<long> ticked;  // one event tick per pixel column
  const auto event_tick = [&](TimePoint at, const std::string& what) {
    const double x = axis.x(at);
    if (!ticked.insert(static_cast<long>(x / kBin)).second) {
      return;
    }
    out << "<line class=\"eventtick\" x1=\"" << num(x) << "\" y1=\"" << num(axis_y - 5)
        << "\" x2=\"" << num(x) << "\" y2=\"" << num(axis_y + 1) << "\">"
        << title(format_clock(at) + " " + what) << "</line>\n";
  };
  for (const auto& [at, labels] : faults) {
    event_tick(at, labels.front());
  }
  for (TimePoint at : ended) {
    event_tick(at, "a connection ended");
  }
  for (const TimeAxis::Break& b : axis.breaks()) {
    const double xm = (b.x0 + b.x1) / 2;
    out << "<path class=\"axis\" d=\"M" << num(xm - 9) << " " << num(axis_y + 6) << " L"
        << num(xm - 3) << " " << num(axis_y - 6) << " M" << num(xm + 3) << " " << num(axis_y + 6)
        << " L" << num(xm + 9) << " " << num(axis_y - 6) << "\"/>\n";
    out << text(xm, axis_y + 32, break_label(b.to - b.from), "small", "middle");
  }
  out << text(kLeft, axis_y + 64,
              "virtual time (h:mm:ss), linear; hatched bands cut out idle stretches (their length "
              "under the break); marks closer than 2 px are binned, their count in the tooltip.",
              "small");
  legend(out, axis_y + 92);
  out << "</svg>\n";
  return out.str();
}

}  // namespace ws2sim::cli
