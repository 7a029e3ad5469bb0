// The socket lifecycle: socket, WSASocket, closesocket, bind, listen, accept, connect, send,
// recv, shutdown, getsockname, getpeername, ioctlsocket.
//
// Each function checks its arguments and the socket's Winsock state in Windows' order, then
// hands the operation to the host's backend (backend/backend.h), which carries it out on the
// model or on a real socket.
#include <algorithm>
#include <cstring>

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/network_events.h"
#include "core/sockaddr.h"
#include "core/sockets.h"
#include "core/user_memory.h"
// The drop-in Windows headers (order-independent; after ours by convention).
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

constexpr int kMaxBacklog = 200;

// A socket AcceptEx or ConnectEx connected, before SO_UPDATE_ACCEPT_CONTEXT /
// SO_UPDATE_CONNECT_CONTEXT (docs/behaviour.md §17).
bool awaits_context(const Socket& s) {
  return s.accept_context_pending || s.connect_context_pending;
}

// send/recv's shared start: the prologue, a finished non-blocking connect noticed, then the
// buffer (a negative length is WSAEINVAL, a NULL buffer with bytes WSAEFAULT). nullopt with the
// last error set when one fails.
std::optional<Call> begin_transfer(SOCKET s, const char* buf, int len) {
  auto call = Call::on_socket(s);
  if (!call) {
    return call;
  }
  call->backend().refresh(call->host(), call->sock());
  if (len < 0) {
    fail(WSAEINVAL);
    call.reset();
  } else if (buf == nullptr && len > 0) {
    fail(WSAEFAULT);
    call.reset();
  }
  return call;
}

SOCKET create(Call& call, int af, int type, int protocol, bool overlapped) {
  // A host without an IPv6 stack (2000/XP/2003 as installed) has no AF_INET6 provider
  // (docs/behaviour.md §16).
  const bool has_family = af == AF_INET || (af == AF_INET6 && call.host().profile->ipv6.value);
  if (!has_family) {
    return fail(WSAEAFNOSUPPORT), INVALID_SOCKET;
  }
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
  if (call.host().sockets.size() >= call.host().socket_limit) {
    return fail(WSAEMFILE), INVALID_SOCKET;
  }
  Socket s;
  s.handle = new_handle(call.world());
  s.family = af;
  s.type = type;
  s.protocol = protocol;
  s.overlapped = overlapped;
  const SocketHandle handle = s.handle;
  Socket& stored = call.host().sockets.insert(std::move(s));
  if (const int e = call.backend().open(call, stored); e != 0) {
    call.host().sockets.erase(handle);
    return fail(e), INVALID_SOCKET;
  }
  return handle;
}

// WSASocketA/W: the protocol info, if given, overrides the three numbers.
template <typename Info>
SOCKET create_from(Call& call, int af, int type, int protocol, const Info* info, GROUP g,
                   DWORD flags) {
  if (g != 0) {
    return fail(WSAEINVAL), INVALID_SOCKET;  // socket groups are reserved
  }
  if (info != nullptr) {
    af = info->iAddressFamily;
    type = info->iSocketType;
    protocol = info->iProtocol;
  }
  return create(call, af, type, protocol, (flags & WSA_FLAG_OVERLAPPED) != 0);
}

}  // namespace

SOCKET WSAAPI socket(int af, int type, int protocol) {
  auto call = Call::winsock();
  if (!call) {
    return INVALID_SOCKET;
  }
  // SO_OPENTYPE (api/options.cc): a thread that asked for synchronous sockets gets
  // non-overlapped ones from socket(); WSASocket follows its flags alone.
  return create(*call, af, type, protocol, /*overlapped=*/thread_state().opentype == 0);
}

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  auto call = Call::winsock();
  if (!call) {
    return INVALID_SOCKET;
  }
  return create_from(*call, af, type, protocol, lpProtocolInfo, g, dwFlags);
}

SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  auto call = Call::winsock();
  if (!call) {
    return INVALID_SOCKET;
  }
  return create_from(*call, af, type, protocol, lpProtocolInfo, g, dwFlags);
}

int WSAAPI closesocket(SOCKET s) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  const Socket& sock = call->sock();
  // SO_LINGER on with a zero timeout closes abortively (RST); otherwise gracefully.
  const bool abortive = sock.linger_onoff != 0 && sock.linger_seconds == 0;
  destroy_socket(call->host(), s, abortive);
  call->world().wake_host(call->host().id.value);  // calls blocked on it end with WSAEINTR
  return 0;
}

int WSAAPI bind(SOCKET s, const struct sockaddr* name, int namelen) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  SocketAddress a;
  if (const int e = read_sockaddr(sock, name, namelen, &a); e != 0) {
    return fail(e);
  }
  if (sock.state != SocketState::kOpen || sock.local) {
    return fail(WSAEINVAL);  // bound already
  }
  return call->backend().bind(*call, sock, a);
}

int WSAAPI listen(SOCKET s, int backlog) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  call->backend().refresh(call->host(), sock);
  if (sock.type != SOCK_STREAM) {
    return fail(WSAEOPNOTSUPP);
  }
  if (sock.state == SocketState::kConnected || sock.state == SocketState::kConnecting) {
    return fail(WSAEISCONN);
  }
  if (sock.state == SocketState::kListening) {
    return 0;  // a second listen() only adjusts backlog
  }
  if (sock.state != SocketState::kBound) {
    return fail(WSAEINVAL);  // bind() first
  }
  // Windows itself bounds the backlog (SOMAXCONN means "a reasonable maximum").
  return call->backend().listen(*call, sock, std::clamp(backlog, 1, kMaxBacklog));
}

SOCKET WSAAPI accept(SOCKET s, struct sockaddr* addr, int* addrlen) {
  auto call = Call::on_socket(s);
  if (!call) {
    return INVALID_SOCKET;
  }
  const Socket& sock = call->sock();
  if (sock.state != SocketState::kListening) {
    return fail(WSAEINVAL), INVALID_SOCKET;
  }
  // The address is written only when both pointers are given; a NULL addrlen means "no address"
  // even with a buffer (observed, docs/behaviour.md §13).
  const bool wants_address = addr != nullptr && addrlen != nullptr;
  if (wants_address && *addrlen < sockaddr_size(sock)) {
    return fail(WSAEFAULT), INVALID_SOCKET;
  }
  SocketAddress peer;
  const SocketHandle accepted = call->backend().accept(*call, s, &peer);
  Host::State& host = call->host();
  if (Socket* listener = host.sockets.find(s)) {
    // An accepted socket has its listener's WSAEventSelect association (documented).
    Socket* a = accepted != 0 ? host.sockets.find(accepted) : nullptr;
    if (a != nullptr && listener->event_select) {
      associate_events(host, *a, listener->event_select->event, listener->event_select->mask);
    }
    reenable_network_event(host, *listener, FD_ACCEPT_BIT);
  }
  if (accepted == 0) {
    return INVALID_SOCKET;
  }
  if (wants_address) {
    write_sockaddr(host.sockets.at(accepted), peer, addr, addrlen);  // the length was checked
  }
  return accepted;
}

int WSAAPI connect(SOCKET s, const struct sockaddr* name, int namelen) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  call->backend().refresh(call->host(), sock);
  switch (sock.state) {
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
  if (const int e = read_sockaddr(sock, name, namelen, &remote); e != 0) {
    return fail(e);
  }
  if (remote.address.is_unspecified() || remote.port == 0) {
    return fail(WSAEADDRNOTAVAIL);
  }
  if (sock.type == SOCK_DGRAM) {  // a datagram "connect" only sets the default destination
    sock.peer = remote;
    return 0;
  }
  if (sock.event_select) {
    sock.event_select->connect_pending = true;  // FD_CONNECT when it settles
  }
  return call->backend().connect(*call, s, remote);
}

int WSAAPI send(SOCKET s, const char* buf, int len, int flags) {
  auto call = begin_transfer(s, buf, len);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  if ((flags & ~MSG_DONTROUTE) != 0) {
    return fail(WSAEOPNOTSUPP);
  }
  if (sock.type == SOCK_DGRAM) {
    return sock.peer ? len : fail(WSAENOTCONN);  // datagrams are not modelled: sent into the void
  }
  if (sock.state != SocketState::kConnected) {
    return fail(WSAENOTCONN);
  }
  if (sock.send_shutdown) {
    return fail(WSAESHUTDOWN);
  }
  return call->backend().send(*call, s, buf, len);
}

int WSAAPI recv(SOCKET s, char* buf, int len, int flags) {
  auto call = begin_transfer(s, buf, len);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  if ((flags & ~(MSG_PEEK | MSG_WAITALL)) != 0) {
    return fail(WSAEOPNOTSUPP);
  }
  if (sock.type == SOCK_DGRAM) {
    return sock.nonblocking ? fail(WSAEWOULDBLOCK) : fail(WSAENOTCONN);
  }
  if (sock.state != SocketState::kConnected) {
    return fail(WSAENOTCONN);
  }
  if (sock.recv_shutdown) {
    return fail(WSAESHUTDOWN);
  }
  const int n =
      call->backend().recv(*call, s, buf, len, (flags & MSG_PEEK) != 0, (flags & MSG_WAITALL) != 0);
  // recv re-enables FD_READ, whatever it returned (docs/behaviour.md §15).
  if (Socket* after = call->host().sockets.find(s)) {
    reenable_network_event(call->host(), *after, FD_READ_BIT);
  }
  return n;
}

int WSAAPI shutdown(SOCKET s, int how) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  call->backend().refresh(call->host(), sock);
  if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) {
    return fail(WSAEINVAL);
  }
  if (sock.state != SocketState::kConnected || awaits_context(sock)) {
    return fail(WSAENOTCONN);
  }
  return call->backend().shutdown(*call, sock, how != SD_RECEIVE, how != SD_SEND);
}

int WSAAPI getsockname(SOCKET s, struct sockaddr* name, int* namelen) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  call->backend().refresh(call->host(), sock);
  if (awaits_context(sock)) {
    return fail(WSAENOTCONN);
  }
  if (!sock.local) {
    return fail(WSAEINVAL);  // not bound yet
  }
  const SocketAddress local = call->backend().local_address(sock).value_or(*sock.local);
  if (const int e = write_sockaddr(sock, local, name, namelen); e != 0) {
    return fail(e);
  }
  return 0;
}

int WSAAPI getpeername(SOCKET s, struct sockaddr* name, int* namelen) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  call->backend().refresh(call->host(), sock);
  // A connect still in progress already has its peer (observed, docs/behaviour.md §13).
  const bool has_peer =
      sock.state == SocketState::kConnected || sock.state == SocketState::kConnecting;
  if (!has_peer || !sock.peer || awaits_context(sock)) {
    return fail(WSAENOTCONN);
  }
  const SocketAddress peer = call->backend().peer_address(sock).value_or(*sock.peer);
  if (const int e = write_sockaddr(sock, peer, name, namelen); e != 0) {
    return fail(e);
  }
  return 0;
}

int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long* argp) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  if (bad_user_pointer(argp)) {
    return fail(WSAEFAULT);
  }
  // The codes are u_long; the parameter is a LONG, as on Windows: compare the bit patterns.
  const auto code = static_cast<u_long>(cmd);
  if (code == FIONBIO) {
    if (*argp == 0 && sock.event_select) {
      return fail(WSAEINVAL);  // WSAEventSelect made it non-blocking (docs/behaviour.md §15)
    }
    sock.nonblocking = *argp != 0;
    return 0;
  }
  if (code == FIONREAD) {
    *argp = call->backend().bytes_readable(sock);
    return 0;
  }
  if (code == SIOCATMARK) {
    *argp = TRUE;  // no urgent data is ever waiting: the model carries none (documented meaning)
    return 0;
  }
  return fail(WSAEINVAL);
}
