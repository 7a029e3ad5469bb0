// The run as text: trace events and Winsock calls merged into one timeline; the summary.
#include "ws2sim/cli/timeline.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

constexpr std::size_t kFoldAbove = 6;  // runs of probe lines longer than this are folded
constexpr std::size_t kKeepEachSide = 2;

// The connection a segment belongs to, by the client's address and port.
std::optional<std::size_t> by_segment(const RunReport& r, const Segment& s) {
  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    const auto& local = r.connections[i].local;
    if (local && (s.source == *local || s.destination == *local)) return i;
  }
  return std::nullopt;
}

bool is_client_side(const RunReport& r, std::size_t conn, const TraceEvent& e) {
  return r.connections[conn].client_serial == e.connection;
}

std::string drop_text(DropCause c) {
  switch (c) {
    case DropCause::kLoss:
      return "lost on the path (random loss)";
    case DropCause::kPartition:
      return "lost: the hosts are partitioned";
    case DropCause::kHostDown:
      return "lost: the receiver is down";
    case DropCause::kNatNoFlow:
      return "dropped by the NAT: it has no flow for it";
    case DropCause::kNoListener:
      return "refused: nothing listens there";
  }
  return "dropped";
}

std::string close_text(CloseReason r) {
  switch (r) {
    case CloseReason::kKeepAliveTimeout:
      return "connection dropped: keep-alive timeout";
    case CloseReason::kResetByPeer:
      return "connection reset (RST received)";
    case CloseReason::kRetransmissionTimeout:
      return "connection dropped: retransmission timeout";
    case CloseReason::kConnectTimeout:
      return "connect timed out";
    case CloseReason::kConnectionRefused:
      return "connection refused";
    case CloseReason::kHostRestarted:
      return "connection forgotten: the host restarted";
    case CloseReason::kOrderly:
      return "connection closed";
    case CloseReason::kAborted:
      return "connection aborted (RST sent)";
  }
  return "connection closed";
}

struct Builder {
  const RunReport& r;
  std::vector<TimelineLine> lines;
  // Partition/heal events of one instant, folded into one line.
  struct Group {
    TimePoint at;
    bool cut = false;
    std::size_t line = 0;
    std::vector<std::pair<std::string, std::string>> pairs;  // directed: from, to
  };
  std::optional<Group> group;

  void finish_group() {
    if (!group) return;
    std::vector<std::string> clauses;
    std::vector<bool> done(group->pairs.size(), false);
    for (std::size_t i = 0; i < group->pairs.size(); ++i) {
      if (done[i]) continue;
      const std::string& from = group->pairs[i].first;
      std::vector<std::string> both;
      std::vector<std::string> one;
      for (std::size_t j = i; j < group->pairs.size(); ++j) {
        if (done[j] || group->pairs[j].first != from) continue;
        done[j] = true;
        const std::string& to = group->pairs[j].second;
        bool reverse = false;
        for (std::size_t k = 0; k < group->pairs.size(); ++k) {
          if (!done[k] && group->pairs[k].first == to && group->pairs[k].second == from) {
            done[k] = true;
            reverse = true;
          }
        }
        (reverse ? both : one).push_back(to);
      }
      const auto list = [](const std::vector<std::string>& v) {
        std::string out;
        for (const std::string& x : v)
          out += (out.empty() ? "" : ", ") + x;
        return out;
      };
      if (!both.empty()) clauses.push_back("between " + from + " and " + list(both));
      if (!one.empty()) clauses.push_back("from " + from + " to " + list(one));
    }
    std::string text =
        group->cut ? "partition: segments lost " : "partition healed: segments pass again ";
    for (std::size_t i = 0; i < clauses.size(); ++i)
      text += (i ? "; " : "") + clauses[i];
    lines[group->line].text = text;
    group.reset();
  }

  // True when a NAT that answers with RST sits between the two hosts.
  bool resetting_nat(const std::string& a, const std::string& b) const {
    for (const FaultSpec& f : r.scenario.faults) {
      if (f.kind == FaultKind::kNat && f.nat.on_expiry == NatExpiry::kReset &&
          ((f.host == a && f.other == b) || (f.host == b && f.other == a))) {
        return true;
      }
    }
    return false;
  }
  // The line of the last segment (probe or RST) a host sent on a connection: a drop of it at the
  // same instant is told on that line.
  std::map<std::pair<std::size_t, std::string>, std::size_t> last_sent;

  void add(TimePoint at, std::string host, std::optional<std::size_t> conn, std::string text,
           bool probe = false) {
    lines.push_back({at, std::move(host), conn, std::move(text), probe, false});
  }

  std::string name(HostId h) const { return std::string(r.trace().host_name(h)); }

  void event(const TraceEvent& e) {
    std::optional<std::size_t> conn = r.connection_of(e);
    switch (e.kind) {
      case TraceKind::kConnectionEstablished:
        if (conn && is_client_side(r, *conn, e))
          add(e.at, name(e.host), conn, "connected: handshake complete");
        break;
      case TraceKind::kProbeSent:
        add(e.at, name(e.host), conn,
            "keep-alive probe " + std::to_string(e.probe) + "/" + std::to_string(e.probe_count),
            true);
        if (conn) last_sent[{*conn, name(e.host)}] = lines.size() - 1;
        break;
      case TraceKind::kProbeAnswered:
        add(e.at, name(e.host), conn, "probe answered (ACK)");
        break;
      case TraceKind::kKeepAliveSuppressed:
        add(e.at, name(e.host), conn, "keep-alive timer: data outstanding, no probe");
        break;
      case TraceKind::kRetransmission:
        add(e.at, name(e.host), conn,
            "retransmission " + std::to_string(e.probe) + "/" + std::to_string(e.probe_count) +
                (e.duration ? ", next timeout " + format_duration(*e.duration) : std::string()));
        break;
      case TraceKind::kConnectionClosed:
        if (conn && e.reason) add(e.at, name(e.host), conn, close_text(*e.reason));
        break;
      case TraceKind::kHostCrashed:
        add(e.at, name(e.host), std::nullopt, "host crashed: it stops answering");
        break;
      case TraceKind::kHostRestarted:
        add(e.at, name(e.host), std::nullopt, "host restarted: its connections are forgotten");
        break;
      case TraceKind::kPartitioned:
      case TraceKind::kHealed: {
        // Every partition/heal of one instant becomes one line, written when the group is complete.
        const bool cut = e.kind == TraceKind::kPartitioned;
        if (!group || group->at != e.at || group->cut != cut) {
          finish_group();
          add(e.at, name(e.host), std::nullopt, {});
          group = Group{e.at, cut, lines.size() - 1, {}};
        }
        if (e.peer) group->pairs.emplace_back(name(e.host), name(*e.peer));
        break;
      }
      case TraceKind::kNatFlowExpired: {
        const auto c = e.segment ? by_segment(r, *e.segment) : std::nullopt;
        add(e.at, name(e.host), c,
            "NAT forgot the flow: idle for " +
                (e.duration ? seconds_text(*e.duration) : std::string("too long")));
        break;
      }
      case TraceKind::kSegmentDropped:
        if (e.drop && *e.drop != DropCause::kHostDown && e.segment) {
          const auto c = conn ? conn : by_segment(r, *e.segment);
          if (!c) break;
          const auto sent = last_sent.find({*c, name(e.host)});
          if (sent != last_sent.end() && lines[sent->second].at == e.at) {
            lines[sent->second].text += ", " + drop_text(*e.drop);  // the segment just sent
          } else {
            add(e.at, name(e.host), c,
                "segment " + flags_to_string(e.segment->flags) + " " + drop_text(*e.drop));
          }
        }
        break;
      case TraceKind::kSegmentSent:
        if (e.segment && e.segment->has(tcp_flags::kRst)) {
          const auto c = conn ? conn : by_segment(r, *e.segment);
          std::string text = "RST sent";
          if (!e.connection) {
            const auto to = r.trace().host_name(e.peer.value_or(HostId{}));
            text = e.peer && resetting_nat(name(e.host), std::string(to))
                       ? "RST sent in this host's name by the NAT (the flow expired)"
                       : "RST sent: this host has no such connection";
          }
          add(e.at, name(e.host), c, text);
          if (c) last_sent[{*c, name(e.host)}] = lines.size() - 1;
        }
        break;
      case TraceKind::kSegmentReceived:
        break;
    }
  }

  void build() {
    const auto& events = r.trace().events();
    std::size_t next = 0;
    for (std::size_t i = 0; i <= events.size(); ++i) {
      while (next < r.records.size() && r.records[next].anchor <= i) {
        const CallRecord& c = r.records[next++];
        add(c.at, c.host, c.connection, c.text);
      }
      if (i < events.size()) {
        if (events[i].kind != TraceKind::kPartitioned && events[i].kind != TraceKind::kHealed)
          finish_group();
        event(events[i]);
      }
    }
    finish_group();
  }
};

// Folds long runs of probe lines (probes, answers, NAT drops) of one connection.
std::vector<TimelineLine> fold(std::vector<TimelineLine> lines, std::size_t connections) {
  const auto probe_related = [](const TimelineLine& l) {
    return l.probe || l.text.starts_with("probe answered") || l.text.starts_with("segment ");
  };
  std::vector<std::vector<std::size_t>> runs;
  std::vector<std::vector<std::size_t>> open(connections);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].connection) continue;
    auto& run = open[*lines[i].connection];
    if (probe_related(lines[i])) {
      run.push_back(i);
    } else if (!run.empty()) {
      runs.push_back(std::move(run));
      run.clear();
    }
  }
  for (auto& run : open) {
    if (!run.empty()) runs.push_back(std::move(run));
  }
  std::vector<bool> hide(lines.size(), false);
  std::map<std::size_t, TimelineLine> summary;  // replaces the first hidden line of a run
  for (const auto& run : runs) {
    if (run.size() <= kFoldAbove) continue;
    std::size_t probes = 0;
    std::size_t answers = 0;
    std::vector<TimePoint> probe_times;
    for (std::size_t k = kKeepEachSide; k + kKeepEachSide < run.size(); ++k) {
      const TimelineLine& l = lines[run[k]];
      hide[run[k]] = true;
      if (l.probe) {
        ++probes;
        probe_times.push_back(l.at);
      } else if (l.text.starts_with("probe answered")) {
        ++answers;
      }
    }
    std::string every;
    if (probe_times.size() >= 2) {
      const Duration step = probe_times[1] - probe_times[0];
      bool uniform = true;
      for (std::size_t k = 2; k < probe_times.size(); ++k)
        uniform = uniform && probe_times[k] - probe_times[k - 1] == step;
      if (uniform) every = ", one every " + format_duration(step);
    }
    const std::size_t hidden = run.size() - 2 * kKeepEachSide;
    std::string text =
        "... " + std::to_string(probes) + " more probe" + (probes == 1 ? "" : "s") + every;
    if (answers > 0) {
      text += ", " + std::to_string(answers) + " answered";
    } else if (probes > 0) {
      text += ", none answered";
    }
    if (hidden > probes + answers)
      text += " (" + std::to_string(hidden - probes - answers) + " related lines)";
    text += " ...";
    TimelineLine s = lines[run[kKeepEachSide]];
    s.text = std::move(text);
    s.probe = false;
    s.folded = true;
    summary.emplace(run[kKeepEachSide], std::move(s));
  }
  std::vector<TimelineLine> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (const auto it = summary.find(i); it != summary.end()) out.push_back(it->second);
    if (!hide[i]) out.push_back(std::move(lines[i]));
  }
  return out;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string lpad(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

}  // namespace

std::vector<TimelineLine> timeline_lines(const RunReport& report, const TimelineOptions& options) {
  Builder b{report, {}, {}, {}};
  b.build();
  if (options.full) return std::move(b.lines);
  return fold(std::move(b.lines), report.connections.size());
}

std::string format_timeline(const RunReport& report, const TimelineOptions& options) {
  const std::vector<TimelineLine> lines = timeline_lines(report, options);
  std::size_t host_w = 4;
  std::size_t conn_w = 10;
  std::size_t time_w = 4;
  for (const TimelineLine& l : lines) {
    host_w = std::max(host_w, l.host.size());
    if (l.connection) conn_w = std::max(conn_w, report.connections[*l.connection].name.size());
    time_w = std::max(time_w, format_clock(l.at).size());
  }
  std::ostringstream out;
  out << lpad("time", time_w) << "  " << pad("host", host_w) << "  " << pad("connection", conn_w)
      << "  event\n";
  for (const TimelineLine& l : lines) {
    const std::string conn =
        l.connection ? report.connections[*l.connection].name : std::string("-");
    out << lpad(format_clock(l.at), time_w) << "  " << pad(l.host.empty() ? "-" : l.host, host_w)
        << "  " << pad(conn, conn_w) << "  " << l.text << '\n';
  }
  return out.str();
}

std::string format_summary(const RunReport& report) {
  std::ostringstream out;
  for (const ConnectionReport& c : report.connections) {
    out << c.name << ": " << c.client << " (" << c.profile << ") -> " << c.server << ":" << c.port
        << '\n';
    if (c.calls.empty()) {
      out << "  keep-alive calls: none\n";
    } else {
      out << "  keep-alive calls:\n";
      for (std::size_t k = 0; k < c.calls.size(); ++k) {
        out << "    " << k + 1 << ". " << c.calls[k].call << " = " << describe(c.calls[k].outcome)
            << "  (" << c.calls[k].when << ")\n";
      }
    }
    if (c.connect_error) {
      out << "  " << c.failed_call << " failed: " << wsa_error_text(c.connect_error->error) << '\n';
      continue;
    }
    if (!c.established_at) {
      out << "  never connected\n";
      continue;
    }
    out << "  established " << format_clock(*c.established_at);
    // Live, only the receipts recv() returned are seen: probe answers are the kernel's.
    if (c.last_receive)
      out << (report.live ? ", last data received " : ", last segment received ")
          << format_clock(*c.last_receive);
    if (report.live) {
      out << "; probes: the kernel's (not observed live)\n";
    } else {
      out << "; probes sent " << c.probes_sent << ", answered " << c.probes_answered << '\n';
    }
    if (c.closed_at && c.reason) {
      out << "  died " << format_clock(*c.closed_at) << ": " << to_string(*c.reason);
      if (c.last_receive && !report.live) {
        const Duration d = *c.closed_at - *c.last_receive;
        out << ", " << format_ms(d) << " (" << format_duration(d)
            << ") after the last received segment";
      }
      out << '\n';
    } else if (c.open_at_end) {
      out << "  still connected at the end (" << format_clock(report.end) << ")\n";
    }
    if (c.pending && !c.open_at_end) {
      out << "  the " << c.pending->call << " in progress got "
          << (c.pending->outcome.failed() ? error_text(c.pending->outcome)
                                          : std::to_string(c.pending->outcome.result))
          << " at " << format_clock(c.pending->at) << '\n';
    }
    if (!c.later.empty()) {
      out << "  later calls:";
      bool first = true;
      for (const CallResult& l : c.later) {
        out << (first ? " " : ", ") << l.call << " "
            << (l.outcome.failed() ? error_text(l.outcome) : std::to_string(l.outcome.result));
        first = false;
      }
      out << '\n';
    }
    if (c.server_serial) {
      out << "  server side (" << c.server << "): ";
      const std::optional<TimePoint> crashed = c.server_crashed_at;
      if (c.server_closed_at && c.server_reason) {
        out << "ended " << format_clock(*c.server_closed_at) << ": " << to_string(*c.server_reason)
            << '\n';
      } else if (crashed) {
        out << "gone: the host crashed at " << format_clock(*crashed) << '\n';
      } else if (c.closed_at) {
        out << "still open at the end: nothing told it that the client gave up\n";
      } else {
        out << "still open at the end\n";
      }
    }
  }
  return out.str();
}

}  // namespace ws2sim::cli
