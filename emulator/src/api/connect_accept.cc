// The Winsock 2 ways to connect and accept beyond connect() and accept(): WSAConnect,
// WSAAccept with a condition function, WSAConnectByName and WSAConnectByList
// (docs/windows-code.md, docs/behaviour.md §13). Each is built on the plain calls, so the rules
// of those (errors, blocking, WSAEventSelect) hold unchanged.
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/call.h"
#include "core/sockaddr.h"
#include "core/sockets.h"
#include "rules/inet_text.h"
// The drop-in Windows headers (order-independent; after ours by convention).
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

// What a socket is, read once (the calls below run without holding the world lock between
// steps, as a program's own sequence of calls would).
struct SocketKind {
  int family = AF_INET;
  bool v6only = true;
};

std::optional<SocketKind> kind_of(SOCKET s) {
  auto call = Call::on_socket(s);
  if (!call) {
    return std::nullopt;
  }
  return SocketKind{call->sock().family, call->sock().ip.v6only};
}

// connect() of `s` to `name` that gives up at `deadline`: 0 or the WSA error. The attempt runs
// non-blocking and this waits for it, so a deadline can end it; the socket's own mode is kept.
int connect_until(SOCKET s, const sockaddr* name, int namelen, std::optional<TimePoint> deadline) {
  bool was_nonblocking = false;
  {
    auto call = Call::on_socket(s);
    if (!call) {
      return WSAGetLastError();
    }
    was_nonblocking = call->sock().nonblocking;
    call->sock().nonblocking = true;
  }
  const int rc = connect(s, name, namelen);
  const int error = rc == 0 ? 0 : WSAGetLastError();
  auto call = Call::on_socket(s);
  if (!call) {
    return WSAGetLastError();
  }
  call->sock().nonblocking = was_nonblocking;
  if (error != WSAEWOULDBLOCK) {
    return error;
  }
  Host::State& h = call->host();
  auto settled = [&] {
    Socket* x = h.sockets.find(s);
    if (x == nullptr) {
      return true;
    }
    call->backend().refresh(h, *x);
    return x->state != SocketState::kConnecting;
  };
  const WaitResult r =
      call->wait(settled, deadline, &call->sock(), {"WSAConnectByList", WaitKind::kSocket, s, {}});
  Socket* x = h.sockets.find(s);
  if (x == nullptr) {
    return WSAEINTR;
  }
  if (x->state == SocketState::kConnected) {
    return 0;
  }
  if (x->state == SocketState::kFailed) {
    const int e = x->pending_error;
    x->pending_error = 0;
    return e;
  }
  return r == WaitResult::kTimedOut ? WSAETIMEDOUT : WSAEINTR;
}

// Writes the connected socket's two ends where the caller asked (WSAConnectByName/List).
int report_ends(SOCKET s, LPDWORD local_length, LPSOCKADDR local, LPDWORD remote_length,
                LPSOCKADDR remote) {
  if (local != nullptr && local_length != nullptr) {
    int len = static_cast<int>(*local_length);
    if (getsockname(s, local, &len) != 0) {
      return WSAGetLastError();
    }
    *local_length = static_cast<DWORD>(len);
  }
  if (remote != nullptr && remote_length != nullptr) {
    int len = static_cast<int>(*remote_length);
    if (getpeername(s, remote, &len) != 0) {
      return WSAGetLastError();
    }
    *remote_length = static_cast<DWORD>(len);
  }
  return 0;
}

// The deadline a WSAConnectBy* timeout sets: nullopt for none (NULL), WSAEINVAL (in `error`)
// for a negative one.
std::optional<TimePoint> deadline_of(SOCKET s, const timeval* timeout, int* error) {
  *error = 0;
  if (timeout == nullptr) {
    return std::nullopt;
  }
  if (timeout->tv_sec < 0 || timeout->tv_usec < 0) {
    *error = WSAEINVAL;
    return std::nullopt;
  }
  auto call = Call::on_socket(s);
  if (!call) {
    *error = WSAGetLastError();
    return std::nullopt;
  }
  const auto d =
      std::chrono::seconds(timeout->tv_sec) + std::chrono::microseconds(timeout->tv_usec);
  return saturating_add(call->now(), std::chrono::duration_cast<Duration>(d));
}

// Tries `addresses` in order until one connects or the deadline passes.
BOOL connect_in_turn(SOCKET s, const std::vector<sockaddr_storage>& addresses,
                     const std::vector<int>& lengths, const timeval* timeout, LPDWORD local_length,
                     LPSOCKADDR local, LPDWORD remote_length, LPSOCKADDR remote) {
  int error = 0;
  const std::optional<TimePoint> deadline = deadline_of(s, timeout, &error);
  if (error != 0) {
    return fail(error), FALSE;
  }
  error = WSAEINVAL;  // an empty list
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    error =
        connect_until(s, reinterpret_cast<const sockaddr*>(&addresses[i]), lengths[i], deadline);
    if (error == 0) {
      if (const int e = report_ends(s, local_length, local, remote_length, remote); e != 0) {
        return fail(e), FALSE;
      }
      return TRUE;
    }
    if (error == WSAETIMEDOUT && deadline) {
      break;  // the time given for all of them is spent
    }
  }
  return fail(error), FALSE;
}

BOOL connect_by_name(SOCKET s, const char* node, const char* service, LPDWORD local_length,
                     LPSOCKADDR local, LPDWORD remote_length, LPSOCKADDR remote,
                     const timeval* timeout, LPWSAOVERLAPPED reserved) {
  const std::optional<SocketKind> kind = kind_of(s);
  if (!kind) {
    return FALSE;
  }
  if (reserved != nullptr || node == nullptr || service == nullptr) {
    return fail(WSAEINVAL), FALSE;
  }
  addrinfo hints{};
  hints.ai_family = kind->family == AF_INET6 && !kind->v6only ? AF_UNSPEC : kind->family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  addrinfo* found = nullptr;
  if (const int e = getaddrinfo(node, service, &hints, &found); e != 0) {
    return fail(e), FALSE;
  }
  // The answers in the socket's family: IPv4 ones as ::ffff:a.b.c.d on a dual-stack socket.
  std::vector<sockaddr_storage> addresses;
  std::vector<int> lengths;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    sockaddr_storage out{};
    int length = static_cast<int>(a->ai_addrlen);
    if (a->ai_family == kind->family) {
      std::memcpy(&out, a->ai_addr, a->ai_addrlen);
    } else {
      sockaddr_in v4;
      std::memcpy(&v4, a->ai_addr, sizeof v4);
      const Ipv4Address four{ntohl(v4.sin_addr.s_addr)};
      length = store_address(SocketAddress{Ipv6Address::mapped(four), ntohs(v4.sin_port)}, &out);
    }
    addresses.push_back(out);
    lengths.push_back(length);
  }
  freeaddrinfo(found);
  return connect_in_turn(s, addresses, lengths, timeout, local_length, local, remote_length,
                         remote);
}

}  // namespace

int WSAAPI WSAConnect(SOCKET s, const struct sockaddr* name, int namelen, LPWSABUF lpCallerData,
                      LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS) {
  if (lpSQOS != nullptr || lpGQOS != nullptr) {
    auto call = Call::on_socket(s);
    if (!call) {
      return SOCKET_ERROR;
    }
    return fail(WSAEOPNOTSUPP);  // no flow specification can be met: QoS is not emulated
  }
  (void)lpCallerData;  // TCP carries no connect data (docs/windows-code.md)
  const int rc = connect(s, name, namelen);
  if (rc == 0 && lpCalleeData != nullptr) {
    lpCalleeData->len = 0;  // and none comes back
  }
  return rc;
}

SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr* addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData) {
  if (lpfnCondition == nullptr) {
    return accept(s, addr, addrlen);
  }
  std::array<char, sizeof(sockaddr_in6)> caller_bytes{};
  std::array<char, sizeof(sockaddr_in6)> callee_bytes{};
  WSABUF caller{0, caller_bytes.data()};
  WSABUF callee{0, callee_bytes.data()};
  {
    auto call = Call::on_socket(s);
    if (!call) {
      return INVALID_SOCKET;
    }
    if (call->sock().state != SocketState::kListening) {
      return fail(WSAEINVAL), INVALID_SOCKET;
    }
    if (addr != nullptr && addrlen != nullptr && *addrlen < sockaddr_size(call->sock())) {
      return fail(WSAEFAULT), INVALID_SOCKET;
    }
    SocketAddress peer;
    SocketAddress local;
    if (call->backend().next_connection(*call, s, &peer, &local) != 0) {
      return INVALID_SOCKET;
    }
    const Socket& listener = call->host().sockets.at(s);
    caller.len = static_cast<ULONG>(store_sockaddr(listener, peer, caller_bytes.data()));
    callee.len = static_cast<ULONG>(store_sockaddr(listener, local, callee_bytes.data()));
  }
  // The program's function runs outside the emulator's lock, as any of its code does. TCP has
  // no connect data and no QoS to offer it (NULL), and no socket groups (0).
  GROUP group = 0;
  const int verdict =
      lpfnCondition(&caller, nullptr, nullptr, nullptr, &callee, nullptr, &group, dwCallbackData);
  switch (verdict) {
    case CF_ACCEPT:
      return accept(s, addr, addrlen);
    case CF_DEFER:
      return fail(WSATRY_AGAIN), INVALID_SOCKET;  // it stays queued for the next call
    case CF_REJECT: {
      // The handshake is done already (SO_CONDITIONAL_ACCEPT is not emulated): the connection is
      // taken and reset, so the peer sees WSAECONNRESET on its next call.
      const SOCKET taken = accept(s, nullptr, nullptr);
      if (taken != INVALID_SOCKET) {
        const LINGER abort_on_close{1, 0};
        (void)setsockopt(taken, SOL_SOCKET, SO_LINGER,
                         reinterpret_cast<const char*>(&abort_on_close), sizeof abort_on_close);
        (void)closesocket(taken);
      }
      return fail(WSAECONNREFUSED), INVALID_SOCKET;
    }
    default:
      return fail(WSAEINVAL), INVALID_SOCKET;  // not a condition function's answer
  }
}

BOOL WSAAPI WSAConnectByList(SOCKET s, PSOCKET_ADDRESS_LIST SocketAddress,
                             LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                             LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                             const struct timeval* timeout, LPWSAOVERLAPPED Reserved) {
  if (!kind_of(s)) {
    return FALSE;
  }
  if (Reserved != nullptr || SocketAddress == nullptr || SocketAddress->iAddressCount <= 0) {
    return fail(WSAEINVAL), FALSE;
  }
  std::vector<sockaddr_storage> addresses;
  std::vector<int> lengths;
  for (INT i = 0; i < SocketAddress->iAddressCount; ++i) {
    const SOCKET_ADDRESS& a = SocketAddress->Address[i];
    if (a.lpSockaddr == nullptr || a.iSockaddrLength <= 0 ||
        a.iSockaddrLength > static_cast<INT>(sizeof(sockaddr_storage))) {
      return fail(WSAEFAULT), FALSE;
    }
    sockaddr_storage copy{};
    std::memcpy(&copy, a.lpSockaddr, static_cast<std::size_t>(a.iSockaddrLength));
    addresses.push_back(copy);
    lengths.push_back(a.iSockaddrLength);
  }
  return connect_in_turn(s, addresses, lengths, timeout, LocalAddressLength, LocalAddress,
                         RemoteAddressLength, RemoteAddress);
}

BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPCSTR nodename, LPCSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval* timeout, LPWSAOVERLAPPED Reserved) {
  return connect_by_name(s, nodename, servicename, LocalAddressLength, LocalAddress,
                         RemoteAddressLength, RemoteAddress, timeout, Reserved);
}

BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval* timeout, LPWSAOVERLAPPED Reserved) {
  std::optional<std::string> node;
  std::optional<std::string> service;
  if (nodename != nullptr && !(node = narrow_ascii(nodename))) {
    return fail(WSAHOST_NOT_FOUND), FALSE;
  }
  if (servicename != nullptr && !(service = narrow_ascii(servicename))) {
    return fail(WSATYPE_NOT_FOUND), FALSE;
  }
  return connect_by_name(s, node ? node->c_str() : nullptr, service ? service->c_str() : nullptr,
                         LocalAddressLength, LocalAddress, RemoteAddressLength, RemoteAddress,
                         timeout, Reserved);
}
