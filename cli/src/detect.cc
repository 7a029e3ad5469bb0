// `ws2sim detect`: the keep-alive calls on an emulated socket, a crashed peer, a blocking recv.
#include "ws2sim/cli/detect.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ws2sim/cli/svg.h"
#include "ws2sim/cli/time_text.h"
#include "ws2sim/model/parallel.h"
#include "ws2sim/winsock/errors.h"
#include "ws2sim/winsock/profile.h"
// The drop-in Windows headers last, after every ws2sim and standard header.
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;
using winsock::HostScope;

constexpr std::uint16_t kPort = 443;
// The blocked recv() gives up here (WSAEINTR): the peer is "never" detected. Every schedule a
// registry or SIO_KEEPALIVE_VALS can set (at most 255 x 49.7 days) ends long before; only
// TCP_KEEPIDLE/TCP_KEEPINTVL values of centuries reach it.
constexpr Duration kHorizon = std::chrono::hours(24 * 365 * 200);

constexpr const char* kClientIpv6 = "2001:db8::1";
constexpr const char* kPeerIpv6 = "2001:db8::2";

// The peer's address (`any`: the wildcard it listens on) in the family's sockaddr.
sockaddr_storage socket_address(IpFamily family, bool any, int* length) {
  sockaddr_storage out{};
  if (family == IpFamily::kIpv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&out);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(kPort);
    inet_pton(AF_INET6, any ? "::" : kPeerIpv6, &a->sin6_addr);
    *length = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&out);
    a->sin_family = AF_INET;
    a->sin_port = htons(kPort);
    inet_pton(AF_INET, any ? "0.0.0.0" : "10.0.0.2", &a->sin_addr);
    *length = sizeof(sockaddr_in);
  }
  return out;
}

int socket_family(IpFamily family) {
  return family == IpFamily::kIpv6 ? AF_INET6 : AF_INET;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string recv_text(const DetectResult& r) {
  if (!r.recv) return "still blocked";
  return r.recv->failed() ? error_text(*r.recv) : std::to_string(r.recv->result);
}

std::string schedule_text(const DetectResult& r) {
  if (r.probe_times.empty()) return "none";
  std::string s = std::to_string(r.probe_times.size()) + ": the first " +
                  format_duration(r.probe_times.front() - r.last_receive) +
                  (r.nat ? " after the SYN-ACK" : " after the last received segment");
  if (r.probe_times.size() >= 2) {
    const Duration step = r.probe_times[1] - r.probe_times[0];
    bool uniform = true;
    for (std::size_t i = 2; i < r.probe_times.size(); ++i) {
      uniform = uniform && r.probe_times[i] - r.probe_times[i - 1] == step;
    }
    s += uniform
             ? ", then one every " + format_duration(step)
             : ", the last " + format_duration(r.probe_times.back() - r.last_receive) + " after it";
  }
  return s;
}

// Kept alive once this many probes were answered: nothing changes between one probe and the next,
// so the schedule repeats from then on.
constexpr std::size_t kAnsweredProbesForSteadyState = 3;

// How the experiment waits for the outcome.
enum class Wait : std::uint8_t {
  kBlockingRecv,  // recv() blocks until the connection ends (or the horizon)
  kWatch,         // no call blocks: the world runs until the outcome is known
};

// The peer stays up behind the NAT. No thread blocks: the world runs one instant at a time until
// the connection ends, keep-alive has kept the flow alive, or nothing more is scheduled (keep-alive
// off: the NAT forgets the flow and then nothing happens, ever).
void watch_until_known(winsock::World& world, DetectResult& r) {
  std::size_t seen = 0;
  std::size_t answered = 0;
  bool closed = false;
  while (!closed && answered < kAnsweredProbesForSteadyState) {
    const std::optional<TimePoint> next = world.model().scheduler().next_event_time();
    if (!next || *next > world.horizon()) break;
    (void)world.run_until(*next);
    const TraceEvents events = world.model().trace().events();
    for (; seen < events.size(); ++seen) {
      const TraceEvent e = events[seen];
      answered += e.kind == TraceKind::kProbeAnswered ? 1 : 0;
      closed = closed || e.kind == TraceKind::kConnectionClosed;
    }
  }
  r.recv_returned = world.now();
}

Result<DetectResult> experiment(const DetectRequest& q, Wait wait) {
  const winsock::Profile* profile = winsock::find_profile(q.profile);
  winsock::World world{1};
  world.set_horizon(kEpoch + kHorizon);
  auto client_added = world.add_host("client", q.profile, "10.0.0.1");
  if (!client_added.ok()) return client_added.error();
  winsock::Host& client = client_added->get();
  winsock::Host& peer = world.add_host("peer", "windows-server-2022", "10.0.0.2").value();
  if (q.family == IpFamily::kIpv6) {
    // Fixed, valid and free addresses: only a profile without IPv6 refuses (docs/behaviour.md
    // §16), and the peer's has it.
    if (Status s = client.set_ipv6_address(kClientIpv6); !s.ok()) {
      return invalid_argument("--ipv6: " + s.error().message);
    }
    (void)peer.set_ipv6_address(kPeerIpv6);
  }
  for (const auto& [value, data] : q.registry) {
    if (Status s = client.set_registry(value, data); !s.ok()) return s.error();
  }

  WSADATA data;
  {
    HostScope on(peer);
    WSAStartup(MAKEWORD(2, 2), &data);
    SOCKET l = socket(socket_family(q.family), SOCK_STREAM, IPPROTO_TCP);
    int length = 0;
    const sockaddr_storage any = socket_address(q.family, true, &length);
    if (bind(l, reinterpret_cast<const sockaddr*>(&any), length) != 0 ||
        listen(l, SOMAXCONN) != 0) {
      return invalid_state("the peer could not listen: " + wsa_error_text(WSAGetLastError()));
    }
  }

  DetectResult r;
  r.profile = q.profile;
  r.display = std::string(profile->display) + ", NT " + std::to_string(profile->major) + "." +
              std::to_string(profile->minor) + " build " + std::to_string(profile->build);
  r.registry = q.registry;
  r.nat = q.nat;
  r.family = q.family;
  r.read = q.read;
  r.read_call = std::string(wait_call(q.read));
  r.peer = q.family == IpFamily::kIpv6 ? "[" + std::string(kPeerIpv6) + "]:" + std::to_string(kPort)
                                       : "10.0.0.2:" + std::to_string(kPort);
  if (q.nat) {
    if (Status st = world.add_nat(client, peer, *q.nat); !st.ok()) return st.error();
  }
  HostScope on(client);
  WSAStartup(MAKEWORD(2, 2), &data);
  const SOCKET s = socket(socket_family(q.family), SOCK_STREAM, IPPROTO_TCP);
  for (const KeepAliveCall& call : q.calls)
    r.calls.emplace_back(call, execute(call, s));
  int length = 0;
  const sockaddr_storage to = socket_address(q.family, false, &length);
  if (connect(s, reinterpret_cast<const sockaddr*>(&to), length) != 0) {
    return invalid_state("connect() to the peer failed: " + wsa_error_text(WSAGetLastError()));
  }
  if (!q.nat) {
    if (Status st = world.crash(peer); !st.ok()) return st.error();
  }
  if (wait == Wait::kWatch) {
    watch_until_known(world, r);
  } else {
    char buf[16];
    PendingReader reader(s, q.read);
    const Read read = reader.read(buf, sizeof buf);
    r.read_call = read.call;
    if (!read.still_waiting) r.recv = read.outcome;
    r.recv_returned = world.now();
  }

  std::optional<TimePoint> closed;
  bool handshake_seen = false;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kNatFlowExpired && !r.nat_forgot) r.nat_forgot = e.at;
    if (e.host != client.id() || !e.connection) continue;
    if (e.kind == TraceKind::kSegmentReceived && !handshake_seen) {
      r.last_receive = e.at;  // the SYN-ACK
      handshake_seen = true;
    }
    if (e.kind == TraceKind::kProbeSent) r.probe_times.push_back(e.at);
    if (e.kind == TraceKind::kProbeAnswered) ++r.probes_answered;
    if (e.kind == TraceKind::kConnectionClosed && !closed) {
      closed = e.at;
      r.reason = e.reason;
    }
  }
  if (closed) r.detection = *closed - r.last_receive;
  return r;
}

}  // namespace

Result<NatConfig> parse_nat(std::string_view text) {
  const std::size_t comma = text.find(',');
  const std::string_view idle = text.substr(0, comma);
  Result<Duration> d = parse_duration(idle);
  if (!d.ok())
    return invalid_argument("idle timeout \"" + std::string(idle) + "\": " + d.error().message);
  if (*d <= Duration::zero())
    return invalid_argument("idle timeout must be positive, got \"" + std::string(idle) + "\"");
  NatConfig nat{.idle_timeout = *d, .on_expiry = NatExpiry::kDropSilently};
  if (comma == std::string_view::npos) return nat;
  const std::string_view mode = text.substr(comma + 1);
  if (mode == "rst") {
    nat.on_expiry = NatExpiry::kReset;
  } else if (mode != "drop") {
    return invalid_argument("after the idle timeout comes \"drop\" or \"rst\", not \"" +
                            std::string(mode) + "\"");
  }
  return nat;
}

Result<DetectResult> detect(const DetectRequest& q) {
  if (!q.nat) return experiment(q, Wait::kBlockingRecv);
  // Behind a NAT the peer lives: a blocked recv() returns only if the connection ends. The first
  // pass finds out whether it does; if so, the second (same seed, same run) blocks in recv() so
  // that the result says what a program blocked in it sees, at the instant it sees it.
  Result<DetectResult> watched = experiment(q, Wait::kWatch);
  if (!watched.ok() || !watched->detection) return watched;
  return experiment(q, Wait::kBlockingRecv);
}

Result<std::vector<DetectResult>> detect_all_profiles(const DetectRequest& request, unsigned jobs) {
  std::vector<DetectRequest> requests;
  for (const winsock::Profile& p : winsock::all_profiles()) {
    if (request.family == IpFamily::kIpv6 && !p.ipv6.value) continue;  // IPv4-only versions
    requests.push_back(request);
    requests.back().profile = std::string(p.name);
  }
  // Each experiment writes its own slot only (ws2sim/model/parallel.h).
  std::vector<std::optional<Result<DetectResult>>> slots(requests.size());
  for_each_index(requests.size(), jobs, [&](std::size_t i) { slots[i] = detect(requests[i]); });
  std::vector<DetectResult> out;
  out.reserve(slots.size());
  for (std::optional<Result<DetectResult>>& r : slots) {
    if (!r->ok()) {
      return r->error();
    }
    out.push_back(std::move(*r).value());
  }
  return out;
}

std::string format_detect(const DetectResult& r) {
  std::ostringstream out;
  out << "profile   " << r.profile << " (" << r.display << ")\n";
  out << "registry  ";
  if (r.registry.empty()) out << "defaults (no Tcpip\\Parameters values set)";
  for (std::size_t i = 0; i < r.registry.size(); ++i) {
    out << (i ? ", " : "") << winsock::to_string(r.registry[i].first) << " = "
        << r.registry[i].second;
  }
  out << '\n';
  if (r.calls.empty()) out << "calls     none (keep-alive stays off)\n";
  std::size_t width = 0;
  for (const auto& [call, outcome] : r.calls)
    width = std::max(width, describe(call).size());
  for (std::size_t i = 0; i < r.calls.size(); ++i) {
    out << (i == 0 ? "calls     " : "          ") << i + 1 << ". "
        << pad(describe(r.calls[i].first), width) << "  " << describe(r.calls[i].second) << '\n';
  }
  if (r.nat) {
    out << "then      connect() to " << r.peer << "; the peer stays alive; its SYN-ACK arrived at "
        << format_clock(r.last_receive) << '\n';
    out << "nat       forgets flows idle for " << format_duration(r.nat->idle_timeout) << ", then "
        << (r.nat->on_expiry == NatExpiry::kReset ? "answers with RST" : "drops their segments")
        << "; "
        << (r.nat_forgot ? "forgot this one at " + format_clock(*r.nat_forgot)
                         : std::string("kept this one"))
        << '\n';
  } else {
    out << "then      connect() to " << r.peer
        << ", the peer crashes; its last segment (the SYN-ACK) arrived at "
        << format_clock(r.last_receive) << '\n';
  }
  out << "probes    " << schedule_text(r);
  if (r.nat) out << "; " << r.probes_answered << " answered";
  out << '\n';
  if (r.detection) {
    out << (r.nat ? "dropped   " : "detected  ") << format_ms(*r.detection) << " ("
        << format_duration(*r.detection) << ") after the "
        << (r.nat ? "SYN-ACK" : "last received segment");
    if (r.reason) out << ": " << to_string(*r.reason);
    if (r.nat)
      out << " (the peer is alive: the NAT "
          << (r.nat->on_expiry == NatExpiry::kReset ? "reset the connection" : "dropped the probes")
          << ")";
    out << '\n';
  } else if (r.nat && r.probes_answered > 0) {
    out << "dropped   never: every probe was answered and kept the NAT's flow alive (stopped after "
        << r.probes_answered << "; the schedule repeats)\n";
  } else if (r.nat) {
    out << "dropped   never: keep-alive sends nothing, so the connection stays open although the "
           "NAT forgot it; the next segment either side sends "
        << (r.nat->on_expiry == NatExpiry::kReset ? "is answered with RST" : "is dropped") << '\n';
  } else {
    out << "detected  never: the blocked recv() was still waiting after 200 years of virtual "
           "time\n";
  }
  const std::string label = r.read == ReadMode::kRecv ? "recv()    " : "read      ";
  if (!r.recv) {
    out << label << "still blocked when the run stopped at " << format_clock(r.recv_returned)
        << ": the connection lives\n";
  } else {
    out << label << (r.read == ReadMode::kRecv ? "" : r.read_call + " ")
        << (r.recv->failed() ? (r.recv->win32 ? "FALSE, " : "SOCKET_ERROR, ") + error_text(*r.recv)
                             : std::to_string(r.recv->result))
        << " at " << format_clock(r.recv_returned) << (r.detection ? "" : " (the horizon)") << '\n';
  }
  return out.str();
}

std::string format_detect_table(const std::vector<DetectResult>& results) {
  std::vector<std::vector<std::string>> rows;
  const std::string read_column =
      results.empty() ? "recv()" : std::string(wait_call(results.front().read));
  rows.push_back(
      {"profile", "calls", "probes", "detection_ms", "detection", read_column + " error"});
  for (const DetectResult& r : results) {
    std::string calls;
    for (const auto& [call, outcome] : r.calls) {
      calls += (calls.empty() ? "" : ", ") +
               (outcome.failed() ? wsa_error_name(outcome.error) : std::string("OK"));
    }
    rows.push_back({r.profile, calls.empty() ? "-" : calls, std::to_string(r.probe_times.size()),
                    r.detection ? std::to_string(to_ms(*r.detection)) : "never",
                    r.detection ? format_duration(*r.detection) : "-", recv_text(r)});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += (i ? "  " : "") + (i + 1 < row.size() ? pad(row[i], width[i]) : row[i]);
    out << line << '\n';
  }
  return out.str();
}

nlohmann::ordered_json detect_json(const DetectResult& r) {
  nlohmann::ordered_json j;
  j["profile"] = r.profile;
  j["display"] = r.display;
  j["family"] = r.family == IpFamily::kIpv6 ? "ipv6" : "ipv4";
  j["peer"] = r.peer;
  nlohmann::ordered_json reg = nlohmann::ordered_json::object();
  for (const auto& [value, data] : r.registry)
    reg[std::string(winsock::to_string(value))] = data;
  j["registry"] = reg;
  nlohmann::ordered_json calls = nlohmann::ordered_json::array();
  for (const auto& [call, outcome] : r.calls) {
    nlohmann::ordered_json c;
    c["call"] = describe(call);
    c["result"] = outcome.result;
    c["error"] = outcome.failed() ? nlohmann::ordered_json(wsa_error_name(outcome.error))
                                  : nlohmann::ordered_json(nullptr);
    c["error_code"] =
        outcome.failed() ? nlohmann::ordered_json(outcome.error) : nlohmann::ordered_json(nullptr);
    calls.push_back(c);
  }
  j["calls"] = calls;
  j["probes"] = r.probe_times.size();
  nlohmann::ordered_json times = nlohmann::ordered_json::array();
  for (TimePoint t : r.probe_times)
    times.push_back(to_ms(t - r.last_receive));
  j["probe_schedule_ms"] = times;
  j["last_receive_ms"] = to_ms(r.last_receive - kEpoch);
  j["detection_ms"] =
      r.detection ? nlohmann::ordered_json(to_ms(*r.detection)) : nlohmann::ordered_json(nullptr);
  j["reason"] = r.reason ? nlohmann::ordered_json(std::string(to_string(*r.reason)))
                         : nlohmann::ordered_json(nullptr);
  if (r.nat) {
    j["nat"] = {{"idle_timeout_ms", to_ms(r.nat->idle_timeout)},
                {"on_expiry", r.nat->on_expiry == NatExpiry::kReset ? "rst" : "drop"}};
    j["nat_forgot_ms"] = r.nat_forgot ? nlohmann::ordered_json(to_ms(*r.nat_forgot - kEpoch))
                                      : nlohmann::ordered_json(nullptr);
    j["probes_answered"] = r.probes_answered;
  }
  const bool failed = r.recv && r.recv->failed();
  j["read"] = std::string(to_string(r.read));
  j["read_call"] = r.read_call;
  j["recv_result"] =
      r.recv ? nlohmann::ordered_json(r.recv->result) : nlohmann::ordered_json(nullptr);
  j["error"] =
      failed ? nlohmann::ordered_json(error_name(*r.recv)) : nlohmann::ordered_json(nullptr);
  j["error_code"] =
      failed ? nlohmann::ordered_json(r.recv->error) : nlohmann::ordered_json(nullptr);
  const std::optional<std::string_view> status =
      r.recv && r.recv->status ? winsock::ntstatus_name(*r.recv->status) : std::nullopt;
  j["status"] =
      status ? nlohmann::ordered_json(std::string(*status)) : nlohmann::ordered_json(nullptr);
  return j;
}

std::string detect_svg(const std::vector<DetectResult>& results, const std::string& title) {
  std::vector<DetectionBar> bars;
  for (const DetectResult& r : results) {
    DetectionBar b;
    b.label = r.profile;
    if (!r.probe_times.empty()) b.first_probe = r.probe_times.front() - r.last_receive;
    b.detection = r.detection;
    b.note = r.recv && r.recv->failed() ? error_name(*r.recv) : std::string();
    for (const auto& [call, outcome] : r.calls) {
      if (outcome.failed())
        b.note += "; " + std::string(call_name(call.kind)) + " " + wsa_error_name(outcome.error);
    }
    bars.push_back(std::move(b));
  }
  return detection_chart_svg(title, bars);
}

}  // namespace ws2sim::cli
