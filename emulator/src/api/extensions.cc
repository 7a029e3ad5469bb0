// The Microsoft extension functions (docs/behaviour.md §17): AcceptEx, GetAcceptExSockaddrs,
// ConnectEx and DisconnectEx — found through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER), as
// libuv, Boost.Asio and .NET find them, or called by name from mswsock — and the two
// SO_UPDATE_*_CONTEXT options that finish what they started. AcceptEx and ConnectEx wait as
// PendingIo of their host (core/overlapped_io.h).
#include "api/extensions.h"

#include <algorithm>
#include <cstring>

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
#include "core/overlapped_io.h"
#include "core/sockaddr.h"
#include "core/sockets.h"
#include "rules/ntstatus.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

BOOL PASCAL connect_ex(SOCKET s, const sockaddr* name, int namelen, PVOID send_buffer,
                       DWORD send_length, LPDWORD sent, LPOVERLAPPED ov);
BOOL PASCAL disconnect_ex(SOCKET s, LPOVERLAPPED ov, DWORD flags, DWORD reserved);

// Starts an overlapped operation that may have to wait: completes it at once if it can (TRUE,
// `*bytes` written), else leaves it pending (FALSE, WSA_IO_PENDING).
BOOL start(Host::State& host, PendingIo io, LPDWORD bytes) {
  auto* const ov = static_cast<OVERLAPPED*>(io.overlapped);
  if (start_io(host, std::move(io), true)) {
    if (bytes != nullptr) {
      *bytes = static_cast<DWORD>(ov->InternalHigh);
    }
    // The operation's own status: an immediate failure is the call's failure too.
    if (const int e = wsa_error_of_status(ov->Internal); e != 0) {
      fail(e);
      return FALSE;
    }
    return TRUE;
  }
  fail(WSA_IO_PENDING);
  return FALSE;
}

// The room an AcceptEx address block needs: the family's sockaddr and 16 bytes (documented).
std::uint32_t address_room(const Socket& listener) {
  return static_cast<std::uint32_t>(sockaddr_size(listener)) + 16;
}

// Whether an AcceptEx waiting on some listener already uses `accept_socket`.
bool accepting_into(const Host::State& host, SocketHandle accept_socket) {
  return host.pending_io.accepting.contains(accept_socket);
}

}  // namespace

BOOL PASCAL AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer,
                     DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
                     DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
                     LPOVERLAPPED lpOverlapped) {
  auto call = Call::on_socket(sListenSocket);
  if (!call) {
    return FALSE;
  }
  Host::State& host = call->host();
  Socket& listener = call->sock();
  Socket* const target = call->socket(sAcceptSocket);
  if (target == nullptr) {
    return FALSE;  // WSAENOTSOCK
  }
  // The accept socket must be new (not bound, not connected, not another AcceptEx's), the
  // listener listening, the call overlapped, and each address block big enough (documented;
  // the codes inferred).
  if (lpOverlapped == nullptr || listener.state != SocketState::kListening ||
      target->state != SocketState::kOpen || accepting_into(host, sAcceptSocket) ||
      target->family != listener.family || dwLocalAddressLength < address_room(listener) ||
      dwRemoteAddressLength < address_room(listener)) {
    fail(WSAEINVAL);
    return FALSE;
  }
  if (lpOutputBuffer == nullptr) {
    fail(WSAEFAULT);
    return FALSE;
  }
  if (!call->backend().pends_io()) {
    fail(WSAEOPNOTSUPP);  // live hosts (docs/live.md)
    return FALSE;
  }
  PendingIo io;
  io.kind = IoKind::kAccept;
  io.socket = sListenSocket;
  io.buffers = {IoBuffer{static_cast<char*>(lpOutputBuffer), dwReceiveDataLength}};
  io.overlapped = lpOverlapped;
  io.issuer = current_issuer();
  io.accept_socket = sAcceptSocket;
  io.addresses = static_cast<char*>(lpOutputBuffer) + dwReceiveDataLength;
  io.local_size = dwLocalAddressLength;
  io.remote_size = dwRemoteAddressLength;
  return start(host, std::move(io), lpdwBytesReceived);
}

VOID PASCAL GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                 DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
                                 sockaddr** LocalSockaddr, LPINT LocalSockaddrLength,
                                 sockaddr** RemoteSockaddr, LPINT RemoteSockaddrLength) {
  // Each block: the sockaddr's length as an int, then the sockaddr (written by AcceptEx). A
  // length that does not fit its block (a buffer AcceptEx never filled) reads as 0.
  auto parse = [](char* block, DWORD size, sockaddr** addr, LPINT length) {
    int n = 0;
    std::memcpy(&n, block, sizeof n);
    const bool fits = n >= 0 && static_cast<DWORD>(n) + sizeof(int) <= size;
    *length = fits ? n : 0;
    *addr = reinterpret_cast<sockaddr*>(block + sizeof(int));
  };
  char* const local = static_cast<char*>(lpOutputBuffer) + dwReceiveDataLength;
  parse(local, dwLocalAddressLength, LocalSockaddr, LocalSockaddrLength);
  parse(local + dwLocalAddressLength, dwRemoteAddressLength, RemoteSockaddr, RemoteSockaddrLength);
}

namespace {

BOOL PASCAL connect_ex(SOCKET s, const sockaddr* name, int namelen, PVOID send_buffer,
                       DWORD send_length, LPDWORD sent, LPOVERLAPPED ov) {
  auto call = Call::on_socket(s);
  if (!call) {
    return FALSE;
  }
  Socket& sock = call->sock();
  call->backend().refresh(call->host(), sock);
  // Documented: the socket must be bound and not connected; the call is overlapped.
  if (sock.state == SocketState::kConnected || sock.state == SocketState::kConnecting) {
    fail(sock.state == SocketState::kConnected ? WSAEISCONN : WSAEALREADY);
    return FALSE;
  }
  if (ov == nullptr || sock.state != SocketState::kBound || sock.type != SOCK_STREAM) {
    fail(WSAEINVAL);
    return FALSE;
  }
  if (send_buffer == nullptr && send_length > 0) {
    fail(WSAEFAULT);
    return FALSE;
  }
  SocketAddress remote;
  if (const int e = read_sockaddr(sock, name, namelen, &remote); e != 0) {
    fail(e);
    return FALSE;
  }
  if (!call->backend().pends_io()) {
    fail(WSAEOPNOTSUPP);  // live hosts (docs/live.md)
    return FALSE;
  }
  // The connect starts as a non-blocking one would; the handshake's end completes the call.
  const bool was_nonblocking = sock.nonblocking;
  sock.nonblocking = true;
  const int rc = call->backend().connect(*call, s, remote);
  const int error = rc == 0 ? 0 : WSAGetLastError();
  if (Socket* const after = call->host().sockets.find(s)) {
    after->nonblocking = was_nonblocking;
  }
  if (rc != 0 && error != WSAEWOULDBLOCK) {
    fail(error);
    return FALSE;
  }
  PendingIo io;
  io.kind = IoKind::kConnect;
  io.socket = s;
  io.buffers = {IoBuffer{static_cast<char*>(send_buffer), send_length}};
  io.overlapped = ov;
  io.issuer = current_issuer();
  return start(call->host(), std::move(io), sent);
}

BOOL PASCAL disconnect_ex(SOCKET s, LPOVERLAPPED ov, DWORD flags, DWORD reserved) {
  auto call = Call::on_socket(s);
  if (!call) {
    return FALSE;
  }
  Host::State& host = call->host();
  Socket& sock = call->sock();
  if ((flags & ~static_cast<DWORD>(TF_REUSE_SOCKET)) != 0 || reserved != 0) {
    fail(WSAEINVAL);
    return FALSE;
  }
  if (sock.state != SocketState::kConnected) {
    fail(WSAENOTCONN);
    return FALSE;
  }
  if ((flags & TF_REUSE_SOCKET) != 0) {
    // The connection is closed gracefully and the socket is new again: AcceptEx or (after a
    // bind) ConnectEx may use it (documented; the socket keeps its port association).
    host.backend->close(host, sock, false);
    release_port(host, sock);
    sock.endpoint.reset();
    sock.rx.clear();
    sock.local.reset();
    sock.peer.reset();
    sock.owns_port = false;
    sock.state = SocketState::kOpen;
    sock.send_shutdown = sock.recv_shutdown = false;
    sock.accept_context_pending = sock.connect_context_pending = false;
    sock.connected_at.reset();
  } else if (!sock.send_shutdown) {
    (void)call->backend().shutdown(*call, sock, true, false);
  }
  if (ov != nullptr && sock.overlapped) {
    complete_io(host, &sock, ov, nullptr, current_issuer(), kStatusSuccess, 0, true, true);
  }
  return TRUE;
}

// A GUID, and the function it names, and whether the profile has it.
struct Extension {
  GUID id;
  void (*function)();
  const Graded<bool> Profile::*available;  // nullptr: every profile
};

const Extension kExtensions[] = {
    {WSAID_ACCEPTEX, reinterpret_cast<void (*)()>(&AcceptEx), nullptr},
    {WSAID_GETACCEPTEXSOCKADDRS, reinterpret_cast<void (*)()>(&GetAcceptExSockaddrs), nullptr},
    {WSAID_CONNECTEX, reinterpret_cast<void (*)()>(&connect_ex), &Profile::connectex},
    {WSAID_DISCONNECTEX, reinterpret_cast<void (*)()>(&disconnect_ex), &Profile::connectex},
};

}  // namespace

namespace ws2sim::winsock::detail {

int extension_function(const Host::State& host, const void* in, std::uint32_t in_size, void* out,
                       std::uint32_t out_size, std::uint32_t* bytes) {
  if (in == nullptr || in_size < sizeof(GUID) || out == nullptr || out_size < sizeof(void*)) {
    return WSAEFAULT;
  }
  for (const Extension& e : kExtensions) {
    if (std::memcmp(&e.id, in, sizeof(GUID)) != 0) {
      continue;
    }
    if (e.available != nullptr && !((*host.profile).*e.available).value) {
      break;
    }
    std::memcpy(out, &e.function, sizeof e.function);
    *bytes = sizeof e.function;
    return 0;
  }
  return WSAEINVAL;  // an unknown GUID (observed)
}

bool is_update_context(int level, int optname) noexcept {
  return level == SOL_SOCKET &&
         (optname == SO_UPDATE_ACCEPT_CONTEXT || optname == SO_UPDATE_CONNECT_CONTEXT);
}

int update_context(Call& call, int optname, const char* optval, int optlen) {
  Socket& sock = call.sock();
  if (optname == SO_UPDATE_CONNECT_CONTEXT) {
    if (sock.state != SocketState::kConnected) {
      return fail(WSAENOTCONN);
    }
    sock.connect_context_pending = false;
    return 0;
  }
  SOCKET listener_handle = 0;
  if (optval == nullptr || optlen < static_cast<int>(sizeof(SOCKET))) {
    return fail(WSAEFAULT);
  }
  std::memcpy(&listener_handle, optval, sizeof listener_handle);
  const Socket* const listener = call.host().sockets.find(listener_handle);
  if (listener == nullptr || listener->state != SocketState::kListening ||
      sock.state != SocketState::kConnected) {
    return fail(listener == nullptr ? WSAENOTSOCK : WSAEINVAL);
  }
  // The accepted socket takes the listener's properties, keep-alive among them, as accept()
  // gives them (documented: "inherits the properties of the listening socket").
  sock.accept_context_pending = false;
  sock.keepalive = listener->keepalive;
  sock.keepalive_idle = listener->keepalive_idle;
  sock.keepalive_interval = listener->keepalive_interval;
  sock.keepalive_count = listener->keepalive_count;
  sock.nodelay = listener->nodelay;
  sock.linger_onoff = listener->linger_onoff;
  sock.linger_seconds = listener->linger_seconds;
  sock.rcvbuf = listener->rcvbuf;
  sock.sndbuf = listener->sndbuf;
  sock.nonblocking = listener->nonblocking;
  call.backend().apply_keepalive(call.host(), sock);
  return 0;
}

}  // namespace ws2sim::winsock::detail
