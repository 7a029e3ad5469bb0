// The socket lifecycle: socket, WSASocket, closesocket, bind, listen, accept, connect, send,
// recv, shutdown, getsockname, getpeername, ioctlsocket.
#include <algorithm>
#include <cstring>

#include "internal.h"
#include "live_backend.h"
// The drop-in Windows headers (order-independent; after ours by convention).
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

constexpr std::uint16_t kFirstEphemeral = 49152;
constexpr int kMaxBacklog = 200;

bool port_in_use(const Host::State& h, std::uint16_t port) {
  return h.bound_ports.contains(port);
}

std::optional<std::uint16_t> pick_ephemeral(Host::State& h) {
  for (std::uint32_t tries = 0; tries <= 65535U - kFirstEphemeral; ++tries) {
    const std::uint16_t port = h.next_ephemeral;
    h.next_ephemeral = port == 65535 ? kFirstEphemeral : static_cast<std::uint16_t>(port + 1);
    if (!port_in_use(h, port)) return port;
  }
  return std::nullopt;
}

sockaddr_in to_sockaddr(const SocketAddress& a) {
  sockaddr_in out{};
  out.sin_family = AF_INET;
  out.sin_port = htons(a.port);
  out.sin_addr.s_addr = htonl(a.address.value);
  return out;
}

// Writes `a` to a caller's sockaddr buffer; WSAEFAULT when it is too small.
int write_address(const SocketAddress& a, sockaddr* name, int* namelen) {
  if (name == nullptr || namelen == nullptr || *namelen < static_cast<int>(sizeof(sockaddr_in))) {
    return fail(WSAEFAULT);
  }
  const sockaddr_in sin = to_sockaddr(a);
  std::memcpy(name, &sin, sizeof sin);
  *namelen = sizeof sin;
  return 0;
}

// Reads an IPv4 destination or bind address. 0 or a WSA error.
int read_address(const Socket& s, const sockaddr* name, int namelen, SocketAddress* out) {
  if (name == nullptr || namelen < static_cast<int>(sizeof(sockaddr_in))) return WSAEFAULT;
  sockaddr_in sin;
  std::memcpy(&sin, name, sizeof sin);
  if (s.family != AF_INET || sin.sin_family != AF_INET) return WSAEAFNOSUPPORT;
  *out = SocketAddress{Ipv4Address{ntohl(sin.sin_addr.s_addr)}, ntohs(sin.sin_port)};
  return 0;
}

EndpointOptions endpoint_options(const Host::State& h, const Socket& s) {
  EndpointOptions o;
  o.keepalive = effective_keepalive(h, s);
  o.retransmission = effective_retransmission(h);
  return o;
}

// Ends a blocking call whose wait did not find its condition.
int wait_failure(WaitResult r, bool socket_gone) {
  if (socket_gone) return fail(WSAEINTR);  // closed by another thread while blocked
  switch (r) {
    case WaitResult::kTimedOut:
      return fail(WSAETIMEDOUT);
    case WaitResult::kCancelled:
    case WaitResult::kHorizon:
    case WaitResult::kReady:
      break;
  }
  return fail(WSAEINTR);
}

SOCKET create(Call& call, int af, int type, int protocol, bool overlapped) {
  if (af != AF_INET && af != AF_INET6) return fail(WSAEAFNOSUPPORT), INVALID_SOCKET;
  if (type == SOCK_STREAM) {
    if (protocol != 0 && protocol != IPPROTO_TCP) {
      return fail(protocol == IPPROTO_UDP ? WSAEPROTOTYPE : WSAEPROTONOSUPPORT), INVALID_SOCKET;
    }
    protocol = IPPROTO_TCP;
  } else if (type == SOCK_DGRAM) {
    if (protocol != 0 && protocol != IPPROTO_UDP) {
      return fail(protocol == IPPROTO_TCP ? WSAEPROTOTYPE : WSAEPROTONOSUPPORT), INVALID_SOCKET;
    }
    protocol = IPPROTO_UDP;
  } else {
    return fail(WSAESOCKTNOSUPPORT), INVALID_SOCKET;
  }
  // socket() page: WSAEMFILE, "no more socket descriptors are available".
  if (call.host().sockets.size() >= call.host().socket_limit)
    return fail(WSAEMFILE), INVALID_SOCKET;
  ws2sim::winsock::World::State& w = call.world();
  const SocketHandle handle = w.next_handle;
  w.next_handle += 4;  // like Windows, multiples of four; never reused within a world
  Socket s;
  s.handle = handle;
  s.family = af;
  s.type = type;
  s.protocol = protocol;
  s.overlapped = overlapped;
  Socket& stored = call.host().sockets.insert(std::move(s));
  if (call.host().live) {
    if (const int e = live::open(call, stored); e != 0) {
      call.host().sockets.erase(handle);
      return fail(e), INVALID_SOCKET;
    }
  }
  return handle;
}

}  // namespace

SOCKET WSAAPI socket(int af, int type, int protocol) {
  auto call = Call::winsock();
  if (!call) return INVALID_SOCKET;
  return create(*call, af, type, protocol, /*overlapped=*/true);
}

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  auto call = Call::winsock();
  if (!call) return INVALID_SOCKET;
  if (g != 0) return fail(WSAEINVAL), INVALID_SOCKET;  // socket groups are reserved
  if (lpProtocolInfo != nullptr) {
    af = lpProtocolInfo->iAddressFamily;
    type = lpProtocolInfo->iSocketType;
    protocol = lpProtocolInfo->iProtocol;
  }
  return create(*call, af, type, protocol, (dwFlags & WSA_FLAG_OVERLAPPED) != 0);
}

SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  auto call = Call::winsock();
  if (!call) return INVALID_SOCKET;
  if (g != 0) return fail(WSAEINVAL), INVALID_SOCKET;
  if (lpProtocolInfo != nullptr) {
    af = lpProtocolInfo->iAddressFamily;
    type = lpProtocolInfo->iSocketType;
    protocol = lpProtocolInfo->iProtocol;
  }
  return create(*call, af, type, protocol, (dwFlags & WSA_FLAG_OVERLAPPED) != 0);
}

int WSAAPI closesocket(SOCKET s) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  // SO_LINGER on with a zero timeout closes abortively (RST); otherwise gracefully.
  const bool abortive = sock->linger_onoff != 0 && sock->linger_seconds == 0;
  destroy_socket(call->host(), call->net(), s, abortive);
  call->world().cv.notify_all();  // calls blocked on it elsewhere end with WSAEINTR
  return 0;
}

int WSAAPI bind(SOCKET s, const struct sockaddr* name, int namelen) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  SocketAddress a;
  if (const int e = read_address(*sock, name, namelen, &a); e != 0) return fail(e);
  if (sock->live) return live::bind(*call, *sock, a);
  if (sock->state != SocketState::kOpen || sock->local) return fail(WSAEINVAL);  // bound already
  Host::State& h = call->host();
  if (a.address.value != 0 && a.address != h.address) return fail(WSAEADDRNOTAVAIL);
  if (a.port == 0) {
    const auto port = pick_ephemeral(h);
    if (!port) return fail(WSAENOBUFS);
    a.port = *port;
  } else if (port_in_use(h, a.port) && !sock->reuseaddr) {
    return fail(WSAEADDRINUSE);
  }
  bind_port(h, *sock, a);
  sock->state = SocketState::kBound;
  return 0;
}

int WSAAPI listen(SOCKET s, int backlog) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  refresh_state(call->host(), call->net(), *sock);
  if (sock->type != SOCK_STREAM) return fail(WSAEOPNOTSUPP);
  if (sock->live) return live::listen(*call, *sock, std::clamp(backlog, 1, kMaxBacklog));
  if (sock->state == SocketState::kConnected || sock->state == SocketState::kConnecting) {
    return fail(WSAEISCONN);
  }
  if (sock->state == SocketState::kListening) return 0;  // a second listen() only adjusts backlog
  if (sock->state != SocketState::kBound) return fail(WSAEINVAL);  // bind() first
  // Windows itself bounds the backlog (SOMAXCONN means "a reasonable maximum").
  const auto queue = static_cast<std::uint32_t>(std::clamp(backlog, 1, kMaxBacklog));
  Host::State& h = call->host();
  auto ep = call->net().listen(h.id, sock->local->port, endpoint_options(h, *sock), queue);
  if (!ep.ok())
    return fail(ep.error().code == ErrorCode::kAlreadyExists ? WSAEADDRINUSE : WSAEINVAL);
  sock->endpoint = *ep;
  sock->state = SocketState::kListening;
  return 0;
}

SOCKET WSAAPI accept(SOCKET s, struct sockaddr* addr, int* addrlen) {
  auto call = Call::winsock();
  if (!call) return INVALID_SOCKET;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return INVALID_SOCKET;
  if (sock->state != SocketState::kListening) return fail(WSAEINVAL), INVALID_SOCKET;
  if (addr != nullptr && (addrlen == nullptr || *addrlen < static_cast<int>(sizeof(sockaddr_in)))) {
    return fail(WSAEFAULT), INVALID_SOCKET;
  }
  if (sock->live) {
    SocketAddress peer;
    const SocketHandle accepted = live::accept(*call, s, &peer);
    if (accepted == 0) return INVALID_SOCKET;
    if (addr != nullptr && write_address(peer, addr, addrlen) != 0) return INVALID_SOCKET;
    return accepted;
  }
  Host::State& h = call->host();
  Network& net = call->net();
  const EndpointId listener = *sock->endpoint;
  auto queued = [&] {
    const auto st = net.status(listener);
    return st.has_value() && st->accept_queue > 0;
  };
  if (!queued()) {
    if (sock->nonblocking) return fail(WSAEWOULDBLOCK), INVALID_SOCKET;
    const auto r =
        call->wait([&] { return !h.sockets.contains(s) || queued(); }, std::nullopt, sock);
    const bool gone = !h.sockets.contains(s);
    if (gone || !queued()) return wait_failure(r, gone), INVALID_SOCKET;
    sock = &h.sockets.at(s);
  }
  // accept() page: WSAEMFILE when "the queue is nonempty upon entry to accept and there are no
  // descriptors available"; the connection stays queued.
  if (h.sockets.size() >= h.socket_limit) return fail(WSAEMFILE), INVALID_SOCKET;
  const std::optional<EndpointId> child = net.accept(listener).value();
  const EndpointInfo info = net.info(*child).value();

  Socket accepted = *sock;  // an accepted socket has the listening socket's properties
  accepted.handle = call->world().next_handle;
  call->world().next_handle += 4;
  accepted.state = SocketState::kConnected;
  accepted.endpoint = child;
  accepted.local = info.local;
  accepted.peer = info.remote;
  accepted.connected_at = info.established_at;
  accepted.pending_error = 0;
  accepted.rx.clear();
  accepted.blocked_calls = 0;
  accepted.owns_port = false;  // it shares the listener's port
  const SOCKET handle = accepted.handle;
  Socket& stored = h.sockets.insert(std::move(accepted));
  apply_keepalive(h, stored);
  if (addr != nullptr && write_address(*info.remote, addr, addrlen) != 0) {
    return INVALID_SOCKET;  // unreachable: the length was checked above
  }
  return handle;
}

int WSAAPI connect(SOCKET s, const struct sockaddr* name, int namelen) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  Host::State& h = call->host();
  Network& net = call->net();
  refresh_state(h, net, *sock);
  switch (sock->state) {
    case SocketState::kListening:
      return fail(WSAEINVAL);
    case SocketState::kConnected:
      return fail(WSAEISCONN);
    case SocketState::kConnecting:
      return fail(WSAEALREADY);
    default:
      break;
  }
  SocketAddress remote;
  if (const int e = read_address(*sock, name, namelen, &remote); e != 0) return fail(e);
  if (remote.address.value == 0 || remote.port == 0) return fail(WSAEADDRNOTAVAIL);
  if (sock->type == SOCK_DGRAM) {  // a datagram "connect" only sets the default destination
    sock->peer = remote;
    return 0;
  }
  if (sock->live) return live::connect(*call, s, remote);
  // The implicit bind is committed only once the model accepted the connection: a connect that
  // fails at once leaves the socket unbound and the ephemeral port cursor where it was.
  const std::uint16_t ephemeral_cursor = h.next_ephemeral;
  std::uint16_t local_port = 0;
  if (sock->local) {
    local_port = sock->local->port;
  } else if (const auto port = pick_ephemeral(h)) {
    local_port = *port;
  } else {
    return fail(WSAENOBUFS);
  }
  auto ep = net.connect(h.id, remote, endpoint_options(h, *sock), local_port);
  if (!ep.ok()) {
    h.next_ephemeral = ephemeral_cursor;
    switch (ep.error().code) {
      case ErrorCode::kNotFound:
        return fail(WSAEHOSTUNREACH);  // no machine has that address
      case ErrorCode::kAlreadyExists:
        return fail(WSAEADDRINUSE);
      default:
        return fail(WSAEINVAL);
    }
  }
  if (!sock->local) bind_port(h, *sock, SocketAddress{Ipv4Address{0}, local_port});
  sock->endpoint = *ep;
  sock->peer = remote;
  sock->state = SocketState::kConnecting;
  sock->pending_error = 0;
  if (sock->nonblocking) return fail(WSAEWOULDBLOCK);

  const EndpointId id = *ep;
  auto settled = [&] {
    const auto st = net.status(id);
    return !h.sockets.contains(s) || !st.has_value() || st->established ||
           st->state == TcpState::kClosed;
  };
  const auto r = call->wait(settled, std::nullopt, sock);
  if (!h.sockets.contains(s)) return wait_failure(r, true);
  sock = &h.sockets.at(s);
  refresh_state(h, net, *sock);
  if (sock->state == SocketState::kConnected) return 0;
  if (sock->state == SocketState::kFailed) {
    const int e = sock->pending_error;
    sock->pending_error = 0;  // a blocking connect reports it directly, not through SO_ERROR
    return fail(e);
  }
  return wait_failure(r, false);
}

int WSAAPI send(SOCKET s, const char* buf, int len, int flags) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  Host::State& h = call->host();
  Network& net = call->net();
  refresh_state(h, net, *sock);
  if (len < 0) return fail(WSAEINVAL);
  if (buf == nullptr && len > 0) return fail(WSAEFAULT);
  if ((flags & ~MSG_DONTROUTE) != 0) return fail(WSAEOPNOTSUPP);
  if (sock->type == SOCK_DGRAM) {
    return sock->peer ? len : fail(WSAENOTCONN);  // datagrams are not modelled: sent into the void
  }
  if (sock->state != SocketState::kConnected) return fail(WSAENOTCONN);
  if (sock->send_shutdown) return fail(WSAESHUTDOWN);
  if (sock->live) return live::send(*call, s, buf, len);
  if (const auto reason = close_reason(net, *sock))
    return fail(connection_error(h, *reason, false));
  if (len == 0) return 0;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(buf);
  auto sent = net.send(*sock->endpoint, {bytes, static_cast<std::size_t>(len)});
  if (!sent.ok()) return fail(WSAENOTCONN);
  return len;
}

int WSAAPI recv(SOCKET s, char* buf, int len, int flags) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  Host::State& h = call->host();
  Network& net = call->net();
  refresh_state(h, net, *sock);
  if (len < 0) return fail(WSAEINVAL);
  if (buf == nullptr && len > 0) return fail(WSAEFAULT);
  if ((flags & ~(MSG_PEEK | MSG_WAITALL)) != 0) return fail(WSAEOPNOTSUPP);
  if (sock->type == SOCK_DGRAM) return sock->nonblocking ? fail(WSAEWOULDBLOCK) : fail(WSAENOTCONN);
  if (sock->state != SocketState::kConnected) return fail(WSAENOTCONN);
  if (sock->recv_shutdown) return fail(WSAESHUTDOWN);
  if (sock->live) {
    return live::recv(*call, s, buf, len, (flags & MSG_PEEK) != 0, (flags & MSG_WAITALL) != 0);
  }

  const auto want = static_cast<std::size_t>(len);
  const bool wait_all = (flags & MSG_WAITALL) != 0 && (flags & MSG_PEEK) == 0;
  auto peer_closed = [&](const Socket& x) {
    const auto st = net.status(*x.endpoint);
    return st.has_value() && st->peer_closed;
  };
  auto can_complete = [&](Socket& x) {
    pull_received(net, x);
    const bool enough = wait_all ? x.rx.size() >= want : !x.rx.empty();
    return enough || len == 0 || peer_closed(x) || close_reason(net, x).has_value();
  };
  bool in_progress = false;
  if (!can_complete(*sock)) {
    if (sock->nonblocking) return fail(WSAEWOULDBLOCK);
    const std::optional<TimePoint> deadline =
        sock->rcvtimeo_ms == 0
            ? std::nullopt
            : std::optional{saturating_add(call->now(), milliseconds_u32(sock->rcvtimeo_ms))};
    const auto r = call->wait(
        [&] {
          Socket* const x = h.sockets.find(s);
          return x == nullptr || can_complete(*x);
        },
        deadline, sock);
    if (!h.sockets.contains(s)) return wait_failure(r, true);
    sock = &h.sockets.at(s);
    if (r != WaitResult::kReady && sock->rx.empty()) return wait_failure(r, false);
    in_progress = true;
  }
  if (!sock->rx.empty() || len == 0) {
    const std::size_t n = std::min(want, sock->rx.size());
    std::copy_n(sock->rx.begin(), n, buf);
    if ((flags & MSG_PEEK) == 0) sock->rx.drop_front(n);
    return static_cast<int>(n);
  }
  if (const auto reason = close_reason(net, *sock); reason && !peer_closed(*sock)) {
    return fail(connection_error(h, *reason, in_progress));
  }
  return 0;  // the peer closed its side: end of stream
}

int WSAAPI shutdown(SOCKET s, int how) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  refresh_state(call->host(), call->net(), *sock);
  if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) return fail(WSAEINVAL);
  if (sock->live) return live::shutdown(*call, *sock, how != SD_RECEIVE, how != SD_SEND);
  if (sock->state != SocketState::kConnected) return fail(WSAENOTCONN);
  if (how != SD_RECEIVE && !sock->send_shutdown) {
    sock->send_shutdown = true;
    (void)call->net().shutdown_send(*sock->endpoint);
  }
  if (how != SD_SEND) sock->recv_shutdown = true;
  return 0;
}

int WSAAPI getsockname(SOCKET s, struct sockaddr* name, int* namelen) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  refresh_state(call->host(), call->net(), *sock);
  if (!sock->local) return fail(WSAEINVAL);  // not bound yet
  if (sock->live) {
    const auto local = live::local_address(*sock);
    return write_address(local.value_or(*sock->local), name, namelen);
  }
  SocketAddress a = *sock->local;
  if (sock->endpoint) {
    if (auto info = call->net().info(*sock->endpoint); info.ok() && info->remote) a = info->local;
  }
  return write_address(a, name, namelen);
}

int WSAAPI getpeername(SOCKET s, struct sockaddr* name, int* namelen) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  refresh_state(call->host(), call->net(), *sock);
  if (sock->state != SocketState::kConnected || !sock->peer) return fail(WSAENOTCONN);
  if (sock->live)
    return write_address(live::peer_address(*sock).value_or(*sock->peer), name, namelen);
  return write_address(*sock->peer, name, namelen);
}

int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long* argp) {
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  if (argp == nullptr) return fail(WSAEFAULT);
  if (cmd == FIONBIO) {
    sock->nonblocking = *argp != 0;
    return 0;
  }
  if (cmd == FIONREAD && sock->live) {
    *argp = live::bytes_readable(*sock);
    return 0;
  }
  if (cmd == FIONREAD) {
    pull_received(call->net(), *sock);
    *argp = static_cast<u_long>(std::min<std::size_t>(sock->rx.size(), 0xFFFFFFFFU));
    return 0;
  }
  return fail(WSAEINVAL);
}
