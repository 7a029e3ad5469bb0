// WSAIoctl: SIO_KEEPALIVE_VALS (docs/behaviour.md §6), SIO_TCP_INITIAL_RTO (§12), FIONBIO,
// FIONREAD and SIOCATMARK, each a row of one table of control codes.
//
// Overlapped operations here complete at once (core/overlapped_io.h complete_io): their
// WSAOVERLAPPED gets Internal = the final NTSTATUS (rules/ntstatus.h) and InternalHigh = the byte
// count; then a completion routine is queued as an APC on the calling thread (it runs at that
// thread's next alertable wait, api/waits.cc), or the event is set and a packet goes to the
// socket's completion port (docs/behaviour.md §17).
// Unknown codes and refused calls: docs/behaviour.md §12.
#include <algorithm>
#include <cstring>
#include <iterator>

#include "api/extensions.h"
#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
#include "core/overlapped_io.h"
#include "core/user_memory.h"
#include "rules/keepalive.h"
#include "rules/ntstatus.h"
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

// Where Windows carries a code out, which decides what an overlapped call reports
// (docs/behaviour.md §12, observed in Wine's tests run on Windows).
enum class Handler : std::uint8_t {
  // The TCP/IP driver: an overlapped success leaves *lpcbBytesReturned alone (without a completion
  // routine) and reports the byte count in InternalHigh; a refusal zeroes *lpcbBytesReturned
  // synchronously, or sets Internal to STATUS_PENDING overlapped.
  kStack,
  // ws2_32 itself (FIONBIO, FIONREAD, SIOCATMARK): *lpcbBytesReturned is always written, an
  // overlapped call then completes with 0 bytes; a refusal touches neither.
  kWinsock,
  // ws2_32 answers it only synchronously (SIO_BASE_HANDLE): overlapped, the call goes to the
  // driver, which does not know it — pending, then STATUS_NOT_SUPPORTED.
  kWinsockSynchronous,
};

struct ControlCode {
  DWORD code;
  Handler handler;
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

int stream_only(const Host::State&, const Socket& s) {
  return s.type == SOCK_STREAM ? 0 : WSAEOPNOTSUPP;
}

int initial_rto_supported(const Host::State& h, const Socket& s) {
  return h.profile->sio_tcp_initial_rto.value ? stream_only(h, s) : WSAEOPNOTSUPP;
}

// SIO_TCP_INITIAL_RTO: the SYN re-send count for this socket's next connect (docs/behaviour.md
// §12). 0 and 0xFF mean the system's; TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS means none, so a
// refused connect fails at the first RST (libuv sets it for loopback). The RTT is accepted but
// not modelled: the first SYN timeout stays the system's.
int run_initial_rto(Ioctl& io, DWORD* bytes) {
  if (io.in == nullptr || io.in_size < sizeof(TCP_INITIAL_RTO_PARAMETERS)) {
    return WSAEFAULT;
  }
  TCP_INITIAL_RTO_PARAMETERS p;
  std::memcpy(&p, io.in, sizeof p);
  if (p.MaxSynRetransmissions == TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS) {
    io.sock.syn_retransmissions = 0;
  } else if (p.MaxSynRetransmissions == TCP_INITIAL_RTO_DEFAULT_MAX_SYN_RETRANSMISSIONS ||
             p.MaxSynRetransmissions == TCP_INITIAL_RTO_UNSPECIFIED_MAX_SYN_RETRANSMISSIONS) {
    io.sock.syn_retransmissions.reset();
  } else {
    io.sock.syn_retransmissions = p.MaxSynRetransmissions;
  }
  *bytes = 0;
  return 0;
}

int run_fionbio(Ioctl& io, DWORD* bytes) {
  if (io.in == nullptr || io.in_size < sizeof(u_long)) {
    return WSAEFAULT;
  }
  u_long mode;
  std::memcpy(&mode, io.in, sizeof mode);
  if (mode == 0 && io.sock.event_select) {
    return WSAEINVAL;  // WSAEventSelect made it non-blocking (docs/behaviour.md §15)
  }
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

// SIOCATMARK: TRUE, "no urgent data waiting" — the model carries none.
int run_siocatmark(Ioctl& io, DWORD* bytes) {
  if (io.out == nullptr || io.out_size < sizeof(u_long)) {
    return WSAEFAULT;
  }
  const u_long at_mark = TRUE;
  std::memcpy(io.out, &at_mark, sizeof at_mark);
  *bytes = sizeof at_mark;
  return 0;
}

// SIO_BASE_HANDLE: the socket itself — no layered provider sits between it and the base one.
int run_base_handle(Ioctl& io, DWORD* bytes) {
  if (io.out == nullptr || io.out_size < sizeof(SOCKET)) {
    return WSAEFAULT;
  }
  const SOCKET base = io.sock.handle;
  std::memcpy(io.out, &base, sizeof base);
  *bytes = sizeof base;
  return 0;
}

int ideal_send_backlog_supported(const Host::State& h, const Socket& s) {
  return h.profile->ideal_send_backlog.value ? stream_only(h, s) : WSAEOPNOTSUPP;
}
int datagram_only(const Host::State&, const Socket& s) {
  return s.type == SOCK_DGRAM ? 0 : WSAEOPNOTSUPP;
}

// SIO_IDEAL_SEND_BACKLOG_QUERY: how many bytes to keep queued; 64 KiB on a connected socket
// (observed), WSAENOTCONN before.
constexpr u_long kIdealSendBacklog = 0x10000;
int run_ideal_send_backlog(Ioctl& io, DWORD* bytes) {
  if (io.sock.state != SocketState::kConnected) {
    return WSAENOTCONN;
  }
  if (io.out == nullptr || io.out_size < sizeof(u_long)) {
    return WSAEFAULT;
  }
  std::memcpy(io.out, &kIdealSendBacklog, sizeof kIdealSendBacklog);
  *bytes = sizeof kIdealSendBacklog;
  return 0;
}

// SIO_ENABLE_CIRCULAR_QUEUEING on a UDP socket: accepted (observed); the model drops nothing.
int run_nothing(Ioctl&, DWORD* bytes) {
  *bytes = 0;
  return 0;
}

// SIO_GET_EXTENSION_FUNCTION_POINTER: AcceptEx and its kin (api/extensions.cc).
int run_extension_pointer(Ioctl& io, DWORD* bytes) {
  std::uint32_t n = 0;
  const int e = extension_function(io.call.host(), io.in, io.in_size, io.out, io.out_size, &n);
  *bytes = n;
  return e;
}

// Everything else, SIO_FLUSH on TCP included (observed), is WSAEOPNOTSUPP.
constexpr ControlCode kCodes[] = {
    {SIO_KEEPALIVE_VALS, Handler::kStack, keepalive_vals_supported, run_keepalive_vals},
    {SIO_TCP_INITIAL_RTO, Handler::kStack, initial_rto_supported, run_initial_rto},
    {static_cast<DWORD>(FIONBIO), Handler::kWinsock, always, run_fionbio},
    {static_cast<DWORD>(FIONREAD), Handler::kWinsock, always, run_fionread},
    {static_cast<DWORD>(SIOCATMARK), Handler::kWinsock, always, run_siocatmark},
    {SIO_BASE_HANDLE, Handler::kWinsockSynchronous, always, run_base_handle},
    {SIO_IDEAL_SEND_BACKLOG_QUERY, Handler::kStack, ideal_send_backlog_supported,
     run_ideal_send_backlog},
    {SIO_ENABLE_CIRCULAR_QUEUEING, Handler::kStack, datagram_only, run_nothing},
    {SIO_GET_EXTENSION_FUNCTION_POINTER, Handler::kWinsock, always, run_extension_pointer},
};

// Whether WSAIoctl runs this call overlapped: an OVERLAPPED on a socket created for overlapped
// I/O (otherwise lpOverlapped is ignored and the call is synchronous).
bool overlapped_call(const Socket& sock, LPWSAOVERLAPPED ov) {
  return ov != nullptr && sock.overlapped;
}

// Completes an overlapped operation with `status` and `bytes` (complete_io). `at_once`: the
// call returns success (a port's skip-on-success mode then queues no packet).
void finish_overlapped(Call& call, const Socket& sock, std::uint32_t status, DWORD bytes,
                       LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                       bool at_once) {
  complete_io(call.host(), &sock, ov, routine_of(routine), current_issuer(), status, bytes, at_once,
              true);
}

// Finishes a successful WSAIoctl. Not overlapped: *returned = bytes. Overlapped: completes at
// once; the Handler says whether *returned is written and what the completion reports.
int complete(Call& call, const ControlCode& code, const Socket& sock, DWORD bytes, LPDWORD returned,
             LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine) {
  if (!overlapped_call(sock, ov)) {
    *returned = bytes;
    return 0;
  }
  if (code.handler != Handler::kStack) {
    *returned = bytes;
    finish_overlapped(call, sock, kStatusSuccess, 0, ov, routine, true);
    return 0;
  }
  if (routine != nullptr) {
    *returned = bytes;
  }
  finish_overlapped(call, sock, kStatusSuccess, bytes, ov, routine, true);
  return 0;
}

// A code Windows' TCP/IP provider does not handle: synchronously WSAEOPNOTSUPP with
// *returned = 0; overlapped it goes pending and completes with STATUS_NOT_SUPPORTED, *returned
// untouched (observed, docs/behaviour.md §12).
int unsupported(Call& call, const Socket& sock, LPDWORD returned, LPWSAOVERLAPPED ov,
                LPWSAOVERLAPPED_COMPLETION_ROUTINE routine) {
  if (!overlapped_call(sock, ov)) {
    *returned = 0;
    return fail(WSAEOPNOTSUPP);
  }
  finish_overlapped(call, sock, kStatusNotSupported, 0, ov, routine, false);
  return fail(WSA_IO_PENDING);
}

// A known code that failed its checks. The driver's: synchronously *returned = 0; overlapped,
// *returned is left and Internal reads STATUS_PENDING (observed for SIO_KEEPALIVE_VALS with a
// short input buffer). ws2_32's: neither is touched (observed for FIONREAD and SIOCATMARK with a
// short output buffer). docs/behaviour.md §12. Nothing completes.
int refused(const ControlCode& code, const Socket& sock, int error, LPDWORD returned,
            LPWSAOVERLAPPED ov) {
  if (code.handler != Handler::kStack) {
    return fail(error);
  }
  if (overlapped_call(sock, ov)) {
    ov->Internal = kStatusPending;
  } else {
    *returned = 0;
  }
  return fail(error);
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
  Socket& sock = call->sock();
  // Checked before the code is looked up, overlapped or not (observed).
  if (bad_user_pointer(lpcbBytesReturned)) {
    return fail(WSAEFAULT);
  }
  const auto* code = std::find_if(std::begin(kCodes), std::end(kCodes),
                                  [&](const ControlCode& c) { return c.code == dwIoControlCode; });
  if (code == std::end(kCodes)) {
    return unsupported(*call, sock, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
  }
  if (const int e = code->supported(call->host(), sock); e != 0) {
    if (e == WSAEOPNOTSUPP) {
      return unsupported(*call, sock, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
    }
    return fail(e);
  }
  if (code->handler == Handler::kWinsockSynchronous && overlapped_call(sock, lpOverlapped)) {
    return unsupported(*call, sock, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
  }
  Ioctl io{*call, sock, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned};
  DWORD bytes = 0;
  if (const int e = code->run(io, &bytes); e != 0) {
    return refused(*code, sock, e, lpcbBytesReturned, lpOverlapped);
  }
  return complete(*call, *code, sock, bytes, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
}
