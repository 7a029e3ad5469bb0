// The simulated backend's socket operations (simulated.h): each Winsock socket with a connection
// is a TCP endpoint of the model's Network.
#include "backend/simulated.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/sockaddr.h"
#include "core/sockets.h"
#include "rules/connection_errors.h"
#include "rules/keepalive.h"

namespace ws2sim::winsock::detail {
namespace {

constexpr std::uint16_t kFirstEphemeral = 49152;

// Gives socket `s` of host `h` the model endpoint `id`, and records who holds it
// (World::State::endpoint_owners), so that the model's changes to `id` reach `s`.
void hold(World::State& w, const Host::State& h, Socket& s, EndpointId id) {
  s.endpoint = id;
  w.own_endpoint(h.id.value, s.handle, id);
}

bool port_in_use(const Host::State& h, std::uint16_t port) {
  return h.bound_ports.contains(port);
}

// Whether `s` may bind `at`, whose port other sockets may hold (docs/behaviour.md §13, observed
// in Windows-run tests): only holders whose addresses overlap count (an IPv4 socket and an
// IPV6_V6ONLY one, or two sockets bound to different addresses, share a port; §16); any of them
// with SO_EXCLUSIVEADDRUSE refuses with WSAEACCES; without SO_REUSEADDR the port is
// WSAEADDRINUSE; with it, every holder must have set it too, else WSAEACCES.
int port_sharing_error(const Host::State& h, const Socket& s, const SocketAddress& at) {
  if (!port_in_use(h, at.port)) {
    return 0;
  }
  const AddressScope scope = bind_scope(s, at);
  bool every_holder_reuses = true;
  bool exclusive_holder = false;
  bool overlapping_holder = false;
  h.sockets.for_each([&](const Socket& o) {
    if (&o == &s || !o.owns_port || !o.local || o.local->port != at.port ||
        !bind_scope(o, *o.local).overlaps(scope)) {
      return;
    }
    overlapping_holder = true;
    every_holder_reuses = every_holder_reuses && o.reuseaddr;
    exclusive_holder = exclusive_holder || o.exclusiveaddruse;
  });
  if (!overlapping_holder) {
    return 0;
  }
  if (exclusive_holder) {
    return err::kEacces;
  }
  if (!s.reuseaddr) {
    return err::kEaddrinuse;
  }
  return every_holder_reuses ? 0 : err::kEacces;
}

std::optional<std::uint16_t> pick_ephemeral(Host::State& h) {
  for (std::uint32_t tries = 0; tries <= 65535U - kFirstEphemeral; ++tries) {
    const std::uint16_t port = h.next_ephemeral;
    h.next_ephemeral = port == 65535 ? kFirstEphemeral : static_cast<std::uint16_t>(port + 1);
    if (!port_in_use(h, port)) {
      return port;
    }
  }
  return std::nullopt;
}

EndpointOptions endpoint_options(const Host::State& h, const Socket& s) {
  EndpointOptions o;
  o.keepalive = effective_keepalive(h, s);
  o.retransmission = effective_retransmission(h, s);
  if (s.local) {
    const AddressScope scope = bind_scope(s, *s.local);
    o.local_address = scope.address;  // bound to one address, or to any (nullopt)
    o.family = scope.family;
  }
  return o;
}

// Ends a blocking call whose wait did not find its condition.
int wait_failure(WaitResult r, bool socket_gone) {
  if (socket_gone) {
    return fail(err::kEintr);  // closed by another thread while blocked
  }
  switch (r) {
    case WaitResult::kTimedOut:
      return fail(err::kEtimedout);
    case WaitResult::kCancelled:
    case WaitResult::kHorizon:
    case WaitResult::kReady:
      break;
  }
  return fail(err::kEintr);
}

}  // namespace

TimePoint SimulatedBackend::now() const noexcept {
  return world_->model.now();
}

Network& SimulatedBackend::net() const noexcept {
  return world_->model.network();
}

void SimulatedBackend::pull_received(Socket& s) {
  if (!s.endpoint) {
    return;
  }
  // Blocked calls poll this between events: look before taking (receive() builds a vector).
  if (const auto st = net().status(*s.endpoint); !st.has_value() || st->bytes_readable == 0) {
    return;
  }
  auto data = net().receive(*s.endpoint, std::numeric_limits<std::size_t>::max());
  if (data.ok()) {
    s.rx.append(data->begin(), data->end());
  }
}

bool SimulatedBackend::peer_closed(const Socket& s) const {
  const auto st = net().status(*s.endpoint);
  return st.has_value() && st->peer_closed;
}

int SimulatedBackend::open(Call& /*call*/, Socket& /*s*/) {
  return 0;  // nothing exists in the model until the socket listens or connects
}

int SimulatedBackend::bind(Call& call, Socket& s, SocketAddress a) {
  Host::State& h = call.host();
  // The host's own addresses, any, or loopback: every Windows host has 127.0.0.0/8 and ::1
  // (docs/behaviour.md §14, §16).
  const std::optional<Ipv6Address> own6 = net().ipv6_address(h.id);
  const bool own = a.address == IpAddress{h.address} || (own6 && a.address == IpAddress{*own6});
  if (!a.address.is_unspecified() && !own && !a.address.is_loopback()) {
    return fail(err::kEaddrnotavail);
  }
  if (a.port == 0) {
    const auto port = pick_ephemeral(h);
    if (!port) {
      return fail(err::kEnobufs);
    }
    a.port = *port;
  } else if (const int e = port_sharing_error(h, s, a); e != 0) {
    return fail(e);
  }
  bind_port(h, s, a);
  s.state = SocketState::kBound;
  return 0;
}

int SimulatedBackend::listen(Call& call, Socket& s, int backlog) {
  Host::State& h = call.host();
  const auto queue = static_cast<std::uint32_t>(backlog);
  auto ep = net().listen(h.id, s.local->port, endpoint_options(h, s), queue);
  if (!ep.ok()) {
    return fail(ep.error().code == ErrorCode::kAlreadyExists ? err::kEaddrinuse : err::kEinval);
  }
  hold(*world_, h, s, *ep);
  s.state = SocketState::kListening;
  return 0;
}

int SimulatedBackend::await_queued(Call& call, SocketHandle s, const char* what) {
  Host::State& h = call.host();
  Socket* sock = &h.sockets.at(s);
  const EndpointId listener = *sock->endpoint;
  auto queued = [&] {
    const auto st = net().status(listener);
    return st.has_value() && st->accept_queue > 0;
  };
  if (queued()) {
    return 0;
  }
  if (sock->nonblocking) {
    return fail(err::kEwouldblock);
  }
  const auto r = call.wait([&] { return !h.sockets.contains(s) || queued(); }, std::nullopt, sock,
                           {what, WaitKind::kSocket, s, {}});
  const bool gone = !h.sockets.contains(s);
  if (gone || !queued()) {
    return wait_failure(r, gone);
  }
  return 0;
}

int SimulatedBackend::next_connection(Call& call, SocketHandle s, SocketAddress* peer,
                                      SocketAddress* local) {
  if (const int e = await_queued(call, s, "WSAAccept"); e != 0) {
    return e;
  }
  const EndpointId listener = *call.host().sockets.at(s).endpoint;
  const EndpointInfo info = net().info(*net().next_to_accept(listener).value()).value();
  *peer = *info.remote;
  *local = info.local;
  return 0;
}

SocketHandle SimulatedBackend::accept(Call& call, SocketHandle s, SocketAddress* peer) {
  Host::State& h = call.host();
  Network& net = this->net();
  if (await_queued(call, s, "accept") != 0) {
    return 0;
  }
  Socket* sock = &h.sockets.at(s);
  const EndpointId listener = *sock->endpoint;
  // accept() page: WSAEMFILE when "the queue is nonempty upon entry to accept and there are no
  // descriptors available"; the connection stays queued.
  if (h.sockets.size() >= h.socket_limit) {
    return fail(err::kEmfile), 0;
  }
  const std::optional<EndpointId> child = net.accept(listener).value();
  const EndpointInfo info = net.info(*child).value();
  Socket& accepted = insert_accepted(*world_, h, *sock);
  hold(*world_, h, accepted, *child);
  accepted.local = info.local;
  accepted.peer = info.remote;
  accepted.connected_at = info.established_at;
  apply_keepalive(h, accepted);
  *peer = *info.remote;
  return accepted.handle;
}

int SimulatedBackend::connect(Call& call, SocketHandle s, SocketAddress remote) {
  Host::State& h = call.host();
  Network& net = this->net();
  Socket* sock = &h.sockets.at(s);
  // The implicit bind is committed only once the model accepted the connection: a connect that
  // fails at once leaves the socket unbound and the ephemeral port cursor where it was.
  // An IPv6 destination needs an IPv6 address to send from (docs/behaviour.md §16); an
  // IPv4-mapped one reaches nothing from an IPV6_V6ONLY socket.
  if (const std::optional<Ipv6Address> v6 = remote.address.ipv6()) {
    if (v6->mapped_ipv4() || (!v6->is_loopback() && !net.ipv6_address(h.id))) {
      return fail(err::kEnetunreach);
    }
  }
  const std::uint16_t ephemeral_cursor = h.next_ephemeral;
  std::uint16_t local_port = 0;
  if (sock->local) {
    local_port = sock->local->port;
  } else if (const auto port = pick_ephemeral(h)) {
    local_port = *port;
  } else {
    return fail(err::kEnobufs);
  }
  auto ep = net.connect(h.id, remote, endpoint_options(h, *sock), local_port);
  if (!ep.ok()) {
    h.next_ephemeral = ephemeral_cursor;
    switch (ep.error().code) {
      case ErrorCode::kNotFound:
        return fail(err::kEhostunreach);  // no machine has that address
      case ErrorCode::kAlreadyExists:
        return fail(err::kEaddrinuse);
      default:
        return fail(err::kEinval);
    }
  }
  if (!sock->local) {
    bind_port(h, *sock, SocketAddress{unspecified_address(*sock), local_port});
  }
  hold(*world_, h, *sock, *ep);
  sock->peer = remote;
  sock->state = SocketState::kConnecting;
  sock->pending_error = 0;
  if (sock->nonblocking) {
    return fail(err::kEwouldblock);
  }

  const EndpointId id = *ep;
  auto settled = [&] {
    const auto st = net.status(id);
    return !h.sockets.contains(s) || !st.has_value() || st->established ||
           st->state == TcpState::kClosed;
  };
  const auto r = call.wait(settled, std::nullopt, sock, {"connect", WaitKind::kSocket, s, {}});
  if (!h.sockets.contains(s)) {
    return wait_failure(r, true);
  }
  sock = &h.sockets.at(s);
  refresh(h, *sock);
  if (sock->state == SocketState::kConnected) {
    return 0;
  }
  if (sock->state == SocketState::kFailed) {
    const int e = sock->pending_error;
    sock->pending_error = 0;  // a blocking connect reports it directly, not through SO_ERROR
    return fail(e);
  }
  return wait_failure(r, false);
}

int SimulatedBackend::send(Call& call, SocketHandle s, const char* buf, int len) {
  Host::State& h = call.host();
  const int e = send_now(h, h.sockets.at(s), buf, static_cast<std::uint32_t>(len));
  return e == 0 ? len : fail(e);
}

int SimulatedBackend::send_now(Host::State& host, Socket& s, const char* buf, std::uint32_t len) {
  if (const auto reason = close_reason(s)) {
    return connection_error(host, *reason, false);
  }
  if (len == 0) {
    return 0;
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(buf);
  return net().send(*s.endpoint, {bytes, std::size_t{len}}).ok() ? 0 : err::kEnotconn;
}

bool SimulatedBackend::accept_into(Host::State& host, Socket& listener, Socket& target) {
  Network& net = this->net();
  const auto st = net.status(*listener.endpoint);
  if (!st.has_value() || st->accept_queue == 0) {
    return false;
  }
  const std::optional<EndpointId> child = net.accept(*listener.endpoint).value();
  const EndpointInfo info = net.info(*child).value();
  hold(*world_, host, target, *child);
  target.local = info.local;
  target.owns_port = false;  // it shares the listener's port
  target.peer = info.remote;
  target.connected_at = info.established_at;
  target.state = SocketState::kConnected;
  target.pending_error = 0;
  apply_keepalive(host, target);
  return true;
}

int SimulatedBackend::recv(Call& call, SocketHandle s, char* buf, int len, bool peek,
                           bool wait_all) {
  Host::State& h = call.host();
  Socket* sock = &h.sockets.at(s);
  const auto want = static_cast<std::size_t>(len);
  const bool all = wait_all && !peek;
  auto can_complete = [&](Socket& x) {
    pull_received(x);
    const bool enough = all ? x.rx.size() >= want : !x.rx.empty();
    return enough || len == 0 || peer_closed(x) || close_reason(x).has_value();
  };
  bool in_progress = false;
  if (!can_complete(*sock)) {
    if (sock->nonblocking) {
      return fail(err::kEwouldblock);
    }
    const std::optional<TimePoint> deadline =
        sock->rcvtimeo_ms == 0
            ? std::nullopt
            : std::optional{saturating_add(call.now(), milliseconds_u32(sock->rcvtimeo_ms))};
    const auto r = call.wait(
        [&] {
          Socket* const x = h.sockets.find(s);
          return x == nullptr || can_complete(*x);
        },
        deadline, sock, {"recv", WaitKind::kSocket, s, {}});
    if (!h.sockets.contains(s)) {
      return wait_failure(r, true);
    }
    sock = &h.sockets.at(s);
    if (r != WaitResult::kReady && sock->rx.empty()) {
      return wait_failure(r, false);
    }
    in_progress = true;
  }
  if (!sock->rx.empty() || len == 0) {
    const std::size_t n = std::min(want, sock->rx.size());
    std::copy_n(sock->rx.begin(), n, buf);
    if (!peek) {
      sock->rx.drop_front(n);
    }
    return static_cast<int>(n);
  }
  if (const auto reason = close_reason(*sock); reason && !peer_closed(*sock)) {
    return fail(connection_error(h, *reason, in_progress));
  }
  return 0;  // the peer closed its side: end of stream
}

ReceiveNow SimulatedBackend::receive_now(Host::State& /*host*/, Socket& s,
                                         const std::vector<IoBuffer>& buffers, bool peek) {
  pull_received(s);
  if (!s.rx.empty()) {
    std::uint32_t taken = 0;
    for (const IoBuffer& b : buffers) {
      const std::size_t n = std::min<std::size_t>(b.size, s.rx.size() - taken);
      std::copy_n(s.rx.begin() + static_cast<std::ptrdiff_t>(taken), n, b.data);
      taken += static_cast<std::uint32_t>(n);
      if (taken == s.rx.size()) break;
    }
    if (!peek) {
      s.rx.drop_front(taken);
    }
    return {ReceiveNow::Kind::kData, taken, CloseReason::kOrderly};
  }
  if (peer_closed(s)) {
    return {ReceiveNow::Kind::kEnd, 0, CloseReason::kOrderly};
  }
  if (const std::optional<CloseReason> reason = close_reason(s)) {
    return {ReceiveNow::Kind::kBroken, 0, *reason};
  }
  return {};
}

int SimulatedBackend::shutdown(Call& /*call*/, Socket& s, bool send, bool receive) {
  if (send && !s.send_shutdown) {
    s.send_shutdown = true;
    (void)net().shutdown_send(*s.endpoint);
  }
  if (receive) {
    s.recv_shutdown = true;
  }
  return 0;
}

std::optional<SocketAddress> SimulatedBackend::local_address(Socket& s) {
  if (!s.endpoint) {
    return std::nullopt;
  }
  if (auto info = net().info(*s.endpoint); info.ok() && info->remote) {
    return info->local;
  }
  return std::nullopt;
}

std::optional<SocketAddress> SimulatedBackend::peer_address(Socket& /*s*/) {
  return std::nullopt;  // Socket::peer is the model endpoint's remote address
}

std::uint32_t SimulatedBackend::bytes_readable(Socket& s) {
  pull_received(s);
  return static_cast<std::uint32_t>(std::min<std::size_t>(s.rx.size(), 0xFFFFFFFFU));
}

Readiness SimulatedBackend::readiness(Host::State& /*host*/, Socket& s) {
  Readiness r;
  switch (s.state) {
    case SocketState::kListening: {
      const auto st = net().status(*s.endpoint);
      r.readable = r.rdnorm = st.has_value() && st->accept_queue > 0;
      break;
    }
    case SocketState::kConnected: {
      if (!s.endpoint) {
        break;
      }
      pull_received(s);
      const bool data = !s.rx.empty();
      const bool closed_by_peer = peer_closed(s);
      const std::optional<CloseReason> ended = close_reason(s);
      const bool broken = ended && *ended != CloseReason::kOrderly;
      r.readable = data || closed_by_peer || ended.has_value();
      r.writable = !broken;
      r.rdnorm = data;
      r.wrnorm = !broken;
      r.hup = closed_by_peer || ended.has_value();
      r.err = broken;
      break;
    }
    case SocketState::kFailed:
      r.except = true;
      r.wrnorm = r.hup = r.err = true;
      break;
    case SocketState::kOpen:
    case SocketState::kBound:
    case SocketState::kConnecting:
      break;
  }
  return r;
}

void SimulatedBackend::settle_connect(const Host::State& host, Socket& s) {
  if (!s.endpoint) {
    return;
  }
  // select() polls this between events: the full snapshot only once the connect settled.
  const auto st = net().status(*s.endpoint);
  if (!st.has_value() || (!st->established && st->state != TcpState::kClosed)) {
    return;
  }
  const auto info = net().info(*s.endpoint);
  if (!info.ok()) {
    return;
  }
  if (info->established_at) {
    s.state = SocketState::kConnected;
    s.connected_at = info->established_at;
    s.local = info->local;
  } else if (info->state == TcpState::kClosed && info->close_reason) {
    // A non-blocking connect failed: SO_ERROR reports why; the endpoint is released.
    s.state = SocketState::kFailed;
    s.pending_error = connection_error(host, *info->close_reason, false);
    (void)net().close(*s.endpoint);
    s.endpoint.reset();
  }
}

std::optional<CloseReason> SimulatedBackend::close_reason(const Socket& s) {
  if (!s.endpoint) {
    return std::nullopt;
  }
  const auto st = net().status(*s.endpoint);
  if (!st.has_value() || st->state != TcpState::kClosed) {
    return std::nullopt;
  }
  return st->close_reason;
}

void SimulatedBackend::apply_keepalive(Host::State& host, Socket& s) {
  if (!s.endpoint) {
    return;
  }
  // The endpoint may already be gone from the model's view (dropped): nothing to update then.
  (void)net().set_keepalive(*s.endpoint, effective_keepalive(host, s));
}

void SimulatedBackend::close(Host::State& /*host*/, Socket& s, bool abortive) {
  if (!s.endpoint) {
    return;
  }
  if (abortive) {
    (void)net().abort(*s.endpoint);
  } else {
    (void)net().close(*s.endpoint);
  }
}

}  // namespace ws2sim::winsock::detail
