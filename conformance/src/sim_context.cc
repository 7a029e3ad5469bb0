// The ws2sim backend's context (sim.h): a two-host world per case run.
#include <string>

#include "ws2sim/conformance/sim.h"

namespace ws2sim::conformance {
namespace {

constexpr u_short kServerPort = 443;

sockaddr_in address(const char* ip, u_short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

Target target_of(const winsock::Profile& p) {
  return Target{std::string(p.name),
                p.major,
                p.minor,
                p.build,
                p.product == winsock::ProductType::kServer,
                &p};
}

}  // namespace

SimContext::SimContext(const winsock::Profile& profile, bool strict, std::vector<std::string> ids)
    : Context(target_of(profile), std::move(ids)), world_(std::make_unique<winsock::World>(1)) {
  auto c = world_->add_host("client", profile.name, "10.0.0.1");
  auto s = world_->add_host("server", "windows-server-2022", "10.0.0.2");
  require(c.ok() && s.ok(), "the test world could not be built");
  client_ = &c.value().get();
  server_ = &s.value().get();
  if (strict) {
    winsock::HostSwitches sw = client_->switches();
    sw.strict_documentation = true;
    client_->set_switches(sw);
  }
  WSADATA data;
  {
    winsock::HostScope on(*server_);
    require(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup on the server failed");
    listener_ = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in any = address("0.0.0.0", kServerPort);
    require(bind(listener_, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0 &&
                listen(listener_, SOMAXCONN) == 0,
            "the server could not listen");
  }
  on_client_ = std::make_unique<winsock::HostScope>(*client_);
  require(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup on the client failed");
}

SimContext::~SimContext() {
  close_sockets();  // while still bound to the client
  on_client_.reset();
}

int SimContext::connect(SOCKET s) {
  sockaddr_in a = address("10.0.0.2", kServerPort);
  return error_of(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
}

int SimContext::connect_nonblocking(SOCKET s) {
  u_long on = 1;
  require(ioctlsocket(s, static_cast<LONG>(FIONBIO), &on) == 0, "FIONBIO failed");
  return connect(s);
}

SOCKET SimContext::listening_tcp() {
  const SOCKET s = tcp();
  sockaddr_in any = address("0.0.0.0", 0);
  require(bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0 && listen(s, 5) == 0,
          "bind/listen failed");
  return s;
}

sockaddr_in SimContext::address_of(SOCKET listener) {
  sockaddr_in a{};
  int len = sizeof a;
  require(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0,
          "getsockname on a listener failed");
  a.sin_addr.s_addr = htonl(0x0A000001);  // bound to 0.0.0.0 on the client host, 10.0.0.1
  return a;
}

SOCKET SimContext::accept_on_server() {
  winsock::HostScope on(*server_);
  const SOCKET s = accept(listener_, nullptr, nullptr);
  require(s != INVALID_SOCKET, "the server accepted no connection");
  server_sockets_.push_back(s);
  return s;
}

SimContext::Pair SimContext::connect_pair(SOCKET s) {
  const int e = connect(s);
  require(e == 0, "connect to the server failed: " + error_name(e));
  const TimePoint established = world_->now();
  return Pair{accept_on_server(), established};
}

int SimContext::crash_server_and_recv(SOCKET s) {
  require(world_->crash(*server_).ok(), "crashing the server failed");
  char buf[16];
  return error_of(recv(s, buf, sizeof buf, 0) == SOCKET_ERROR ? SOCKET_ERROR : 0);
}

void SimContext::server_send(SOCKET peer, int n) {
  winsock::HostScope on(*server_);
  const std::string data(static_cast<std::size_t>(n), 'x');
  require(send(peer, data.data(), n, 0) == n, "the server could not send");
}

void SimContext::set_client_switches(const winsock::HostSwitches& s) {
  client_->set_switches(s);
}

Duration SimContext::elapsed() const {
  return world_->now() - kEpoch;
}

std::vector<TimePoint> SimContext::client_probes() const {
  std::vector<TimePoint> out;
  for (const TraceEvent& e : world_->trace().events()) {
    if (e.kind == TraceKind::kProbeSent && e.host == client_->id()) out.push_back(e.at);
  }
  return out;
}

std::vector<Segment> SimContext::client_probe_segments() const {
  std::vector<Segment> out;
  for (const TraceEvent& e : world_->trace().events()) {
    if (e.kind == TraceKind::kSegmentSent && e.keepalive && e.host == client_->id() && e.segment)
      out.push_back(*e.segment);
  }
  return out;
}

std::optional<TimePoint> SimContext::last_client_receipt(TimePoint t) const {
  std::optional<TimePoint> last;
  for (const TraceEvent& e : world_->trace().events()) {
    if (e.at > t) break;
    if (e.kind == TraceKind::kSegmentReceived && e.host == client_->id()) last = e.at;
  }
  return last;
}

std::optional<Segment> SimContext::last_client_segment_before(TimePoint t) const {
  std::optional<Segment> last;
  for (const TraceEvent& e : world_->trace().events()) {
    if (e.at >= t) break;
    if (e.kind == TraceKind::kSegmentSent && !e.keepalive && e.host == client_->id() && e.segment)
      last = *e.segment;
  }
  return last;
}

std::optional<TimePoint> SimContext::client_close(CloseReason reason) const {
  for (const TraceEvent& e : world_->trace().events()) {
    if (e.kind == TraceKind::kConnectionClosed && e.host == client_->id() && e.reason == reason)
      return e.at;
  }
  return std::nullopt;
}

}  // namespace ws2sim::conformance
