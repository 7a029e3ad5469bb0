// WSAIoctl: SIO_KEEPALIVE_VALS (docs/behaviour.md §6), FIONBIO and FIONREAD, each a row of one
// table of control codes.
//
// Overlapped operations here complete at once. Their WSAOVERLAPPED gets Internal = the WSA error
// (0: success) and InternalHigh = the byte count. A completion routine is queued as an APC on the
// calling thread and runs at that thread's next alertable wait (api/waits.cc).
#include <algorithm>
#include <cstring>
#include <iterator>

#include "backend/backend.h"
#include "core/call.h"
#include "core/event_objects.h"
#include "core/host_state.h"
#include "rules/keepalive.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

// One WSAIoctl call's arguments.
struct Ioctl {
  Call& call;
  Socket& sock;
  LPVOID in;
  DWORD in_size;
  LPVOID out;
  DWORD out_size;
  LPDWORD returned;
};

struct ControlCode {
  DWORD code;
  // Whether this host and socket support the code: 0 or a WSA error.
  int (*supported)(const Host::State&, const Socket&);
  // Performs it, setting the byte count of the output: 0 or a WSA error (nothing changed).
  int (*run)(Ioctl&, DWORD* bytes);
};

int always(const Host::State&, const Socket&) {
  return 0;
}

int keepalive_vals_supported(const Host::State& h, const Socket& s) {
  if (h.switches.no_keepalive_ioctl || !h.profile->sio_keepalive_vals.value) {
    return WSAEOPNOTSUPP;
  }
  if (s.type != SOCK_STREAM) {
    return WSAENOPROTOOPT;
  }
  return 0;
}

// SIO_KEEPALIVE_VALS: onoff != 0 switches keep-alive on with the times (ms, 0 accepted);
// onoff == 0 switches it off and leaves the stored times alone.
int run_keepalive_vals(Ioctl& io, DWORD* bytes) {
  const bool strict = io.call.host().switches.strict_documentation;
  if (io.in == nullptr || io.in_size < sizeof(tcp_keepalive)) {
    *io.returned = 0;
    return strict ? WSAEINVAL : WSAEFAULT;
  }
  if (strict && (io.out != nullptr || io.out_size != 0)) {
    return WSAEINVAL;
  }
  tcp_keepalive ka;
  std::memcpy(&ka, io.in, sizeof ka);
  Socket& s = io.sock;
  s.keepalive = ka.onoff != 0;
  if (ka.onoff != 0) {
    s.keepalive_idle = milliseconds_u32(ka.keepalivetime);
    s.keepalive_interval = milliseconds_u32(ka.keepaliveinterval);
  }
  io.call.backend().apply_keepalive(io.call.host(), s);
  *bytes = 0;
  return 0;
}

int run_fionbio(Ioctl& io, DWORD* bytes) {
  if (io.in == nullptr || io.in_size < sizeof(u_long)) {
    return WSAEFAULT;
  }
  u_long mode;
  std::memcpy(&mode, io.in, sizeof mode);
  io.sock.nonblocking = mode != 0;
  *bytes = 0;
  return 0;
}

int run_fionread(Ioctl& io, DWORD* bytes) {
  if (io.out == nullptr || io.out_size < sizeof(u_long)) {
    return WSAEFAULT;
  }
  const u_long n = io.call.backend().bytes_readable(io.sock);
  std::memcpy(io.out, &n, sizeof n);
  *bytes = sizeof n;
  return 0;
}

// Everything else, SIO_FLUSH on TCP included (observed), is WSAEOPNOTSUPP.
constexpr ControlCode kCodes[] = {
    {SIO_KEEPALIVE_VALS, keepalive_vals_supported, run_keepalive_vals},
    {static_cast<DWORD>(FIONBIO), always, run_fionbio},
    {static_cast<DWORD>(FIONREAD), always, run_fionread},
};

// Finishes a successful WSAIoctl. Not overlapped: *returned = bytes. Overlapped (only on a socket
// created for overlapped I/O): completes at once; without a completion routine *returned is left
// alone and hEvent signaled; with one, *returned is written and the routine queued.
int complete(Call& call, const Socket& sock, DWORD bytes, LPDWORD returned, LPWSAOVERLAPPED ov,
             LPWSAOVERLAPPED_COMPLETION_ROUTINE routine) {
  if (ov == nullptr || !sock.overlapped) {
    *returned = bytes;
    return 0;
  }
  ov->Internal = 0;
  ov->InternalHigh = bytes;
  if (routine == nullptr) {
    signal_event(call, handle_value(ov->hEvent));
    return 0;
  }
  *returned = bytes;
  thread_state().apcs.push_back(
      Apc{reinterpret_cast<decltype(Apc::routine)>(reinterpret_cast<void (*)()>(routine)), 0, bytes,
          ov, 0});
  return 0;
}

}  // namespace

int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket* sock = &call->sock();
  const auto* code = std::find_if(std::begin(kCodes), std::end(kCodes),
                                  [&](const ControlCode& c) { return c.code == dwIoControlCode; });
  if (code == std::end(kCodes)) {
    return fail(WSAEOPNOTSUPP);
  }
  if (const int e = code->supported(call->host(), *sock); e != 0) {
    return fail(e);
  }
  if (lpcbBytesReturned == nullptr) {
    return fail(WSAEFAULT);  // overlapped or not (observed)
  }
  Ioctl io{*call, *sock, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned};
  DWORD bytes = 0;
  if (const int e = code->run(io, &bytes); e != 0) {
    return fail(e);
  }
  return complete(*call, *sock, bytes, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
}
