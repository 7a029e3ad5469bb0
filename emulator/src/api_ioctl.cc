// WSAIoctl (SIO_KEEPALIVE_VALS per spec §6, FIONBIO, FIONREAD), the WSAEVENT functions, the
// waits (WSAWaitForMultipleEvents, SleepEx, Sleep), WSAGetOverlappedResult and CloseHandle.
//
// Overlapped operations here complete at once. Their WSAOVERLAPPED gets Internal = the WSA error
// (0: success; STATUS_PENDING while an operation is still running) and InternalHigh = the byte
// count. A completion routine is queued as an APC on the calling thread and runs at that thread's
// next alertable wait, with the world lock released (it may call Winsock). Apc::routine holds the
// program's LPWSAOVERLAPPED_COMPLETION_ROUTINE and is cast back to that type to be called.
#include <algorithm>
#include <cstring>
#include <iterator>
#include <vector>

#include "internal.h"
// The drop-in headers after internal.h, as a Windows program sees them.
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

constexpr ULONG_PTR kStatusPending = 0x103;  // STATUS_PENDING: the operation is still running
constexpr std::uintptr_t kEventHandleStep = 4;

// ---- Events
// --------------------------------------------------------------------------------------

std::uintptr_t handle_value(HANDLE h) {
  return reinterpret_cast<std::uintptr_t>(h);
}

Event* find_event(Host::State& h, HANDLE e) {
  const auto it = h.events.find(handle_value(e));
  return it == h.events.end() ? nullptr : &it->second;
}

// Signals `e` if it is an event of this host, waking threads that wait for it.
void signal_event(Call& call, HANDLE e) {
  if (Event* ev = find_event(call.host(), e)) {
    ev->signaled = true;
    call.world().cv.notify_all();
  }
}

// Runs an event function on a valid event of this host; FALSE with WSA_INVALID_HANDLE otherwise.
template <typename F>
BOOL with_event(WSAEVENT e, F f) {
  auto call = Call::winsock();
  if (!call) return FALSE;
  Event* ev = find_event(call->host(), e);
  if (ev == nullptr) {
    fail(WSA_INVALID_HANDLE);
    return FALSE;
  }
  f(*call, *ev);
  return TRUE;
}

// ---- APCs and waits
// ------------------------------------------------------------------------------

// Runs every completion routine queued to this thread, each with the world lock released.
// True if any ran.
bool run_apcs(Call& call) {
  ThreadState& ts = thread_state();
  bool ran = false;
  while (!ts.apcs.empty()) {
    const Apc apc = ts.apcs.front();
    ts.apcs.pop_front();
    ran = true;
    const auto routine = reinterpret_cast<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(
        reinterpret_cast<void (*)()>(apc.routine));
    call.lock().unlock();
    routine(apc.error, apc.bytes, static_cast<LPWSAOVERLAPPED>(apc.overlapped), apc.flags);
    call.lock().lock();
  }
  return ran;
}

// The deadline of a wait of `ms` milliseconds (INFINITE: none).
std::optional<TimePoint> deadline_after(const Call& call, DWORD ms) {
  if (ms == INFINITE) return std::nullopt;
  return saturating_add(call.now(), milliseconds_u32(ms));
}

DWORD wait_failed(int error) {
  thread_state().last_error = error;
  return WSA_WAIT_FAILED;
}

// Wait-any: WSA_WAIT_EVENT_0 + the lowest signaled index; wait-all: WSA_WAIT_EVENT_0 once all
// are signaled. Events closed meanwhile count as unsignaled.
std::optional<DWORD> wait_satisfied(const Host::State& h, const std::vector<std::uintptr_t>& keys,
                                    bool wait_all) {
  auto signaled = [&h](std::uintptr_t k) {
    const auto it = h.events.find(k);
    return it != h.events.end() && it->second.signaled;
  };
  if (wait_all) {
    if (std::all_of(keys.begin(), keys.end(), signaled)) return WSA_WAIT_EVENT_0;
    return std::nullopt;
  }
  const auto it = std::find_if(keys.begin(), keys.end(), signaled);
  if (it == keys.end()) return std::nullopt;
  return WSA_WAIT_EVENT_0 + static_cast<DWORD>(it - keys.begin());
}

// ---- WSAIoctl ----------------------------------------------------------------------------------

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
  if (h.switches.no_keepalive_ioctl || !h.profile->sio_keepalive_vals.value) return WSAEOPNOTSUPP;
  if (s.type != SOCK_STREAM) return WSAENOPROTOOPT;
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
  if (strict && (io.out != nullptr || io.out_size != 0)) return WSAEINVAL;
  tcp_keepalive ka;
  std::memcpy(&ka, io.in, sizeof ka);
  Socket& s = io.sock;
  s.keepalive = ka.onoff != 0;
  if (ka.onoff != 0) {
    s.keepalive_idle = milliseconds_u32(ka.keepalivetime);
    s.keepalive_interval = milliseconds_u32(ka.keepaliveinterval);
  }
  apply_keepalive(io.call.host(), s);
  *bytes = 0;
  return 0;
}

int run_fionbio(Ioctl& io, DWORD* bytes) {
  if (io.in == nullptr || io.in_size < sizeof(u_long)) return WSAEFAULT;
  u_long mode;
  std::memcpy(&mode, io.in, sizeof mode);
  io.sock.nonblocking = mode != 0;
  *bytes = 0;
  return 0;
}

int run_fionread(Ioctl& io, DWORD* bytes) {
  if (io.out == nullptr || io.out_size < sizeof(u_long)) return WSAEFAULT;
  pull_received(io.call.net(), io.sock);
  const auto n = static_cast<u_long>(std::min<std::size_t>(io.sock.rx.size(), 0xFFFFFFFFU));
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
    signal_event(call, ov->hEvent);
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
  auto call = Call::winsock();
  if (!call) return SOCKET_ERROR;
  Socket* sock = call->socket(s);
  if (sock == nullptr) return SOCKET_ERROR;
  const auto* code = std::find_if(std::begin(kCodes), std::end(kCodes),
                                  [&](const ControlCode& c) { return c.code == dwIoControlCode; });
  if (code == std::end(kCodes)) return fail(WSAEOPNOTSUPP);
  if (const int e = code->supported(call->host(), *sock); e != 0) return fail(e);
  if (lpcbBytesReturned == nullptr) return fail(WSAEFAULT);  // overlapped or not (observed)
  Ioctl io{*call, *sock, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned};
  DWORD bytes = 0;
  if (const int e = code->run(io, &bytes); e != 0) return fail(e);
  return complete(*call, *sock, bytes, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
}

// ---- Events ----------------------------------------------------------------------------------

WSAEVENT WSAAPI WSACreateEvent(void) {
  auto call = Call::winsock();
  if (!call) return WSA_INVALID_EVENT;
  winsock::World::State& w = call->world();
  const std::uintptr_t handle = w.next_handle;  // shared with sockets: handles never alias
  w.next_handle += kEventHandleStep;
  call->host().events.emplace(handle, Event{});  // manual reset, not signaled
  return reinterpret_cast<WSAEVENT>(handle);
}

BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) {
  return with_event(
      hEvent, [hEvent](Call& call, Event&) { call.host().events.erase(handle_value(hEvent)); });
}

BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) {
  return with_event(hEvent, [](Call& call, Event& ev) {
    ev.signaled = true;
    call.world().cv.notify_all();
  });
}

BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) {
  return with_event(hEvent, [](Call&, Event& ev) { ev.signaled = false; });
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) return FALSE;
  if (call->host().events.erase(handle_value(hObject)) == 0) {
    thread_state().last_error = ERROR_INVALID_HANDLE;
    return FALSE;
  }
  return TRUE;
}

// ---- Waits -------------------------------------------------------------------------------------

DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL fAlertable) {
  auto call = Call::winsock();
  if (!call) return WSA_WAIT_FAILED;
  if (cEvents == 0 || cEvents > static_cast<DWORD>(WSA_MAXIMUM_WAIT_EVENTS) ||
      lphEvents == nullptr) {
    return wait_failed(WSA_INVALID_PARAMETER);
  }
  Host::State& h = call->host();
  std::vector<std::uintptr_t> keys;
  for (DWORD i = 0; i < cEvents; ++i) {
    if (!h.events.contains(handle_value(lphEvents[i]))) return wait_failed(WSA_INVALID_HANDLE);
    keys.push_back(handle_value(lphEvents[i]));
  }
  const bool all = fWaitAll != FALSE;
  const bool alertable = fAlertable != FALSE;
  // As in the NT kernel, a satisfied wait wins over queued APCs.
  if (const auto r = wait_satisfied(h, keys, all)) return *r;
  if (alertable && run_apcs(*call)) return WSA_WAIT_IO_COMPLETION;
  if (dwTimeout == 0) return WSA_WAIT_TIMEOUT;
  ThreadState& ts = thread_state();  // captured: the predicate may run on another thread
  const WaitResult r = call->wait(
      [&] { return wait_satisfied(h, keys, all).has_value() || (alertable && !ts.apcs.empty()); },
      deadline_after(*call, dwTimeout));
  if (const auto done = wait_satisfied(h, keys, all)) return *done;
  if (alertable && run_apcs(*call)) return WSA_WAIT_IO_COMPLETION;
  if (r == WaitResult::kTimedOut) return WSA_WAIT_TIMEOUT;
  return wait_failed(WSAEINTR);  // the world's horizon, or WSACancelBlockingCall
}

DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
  // No WSAStartup needed. Without a host there is no clock to advance: return at once, leaving
  // the last error as it was.
  auto call = Call::host_only(thread_state().last_error);
  if (!call) return 0;
  const bool alertable = bAlertable != FALSE;
  if (alertable && run_apcs(*call)) return WAIT_IO_COMPLETION;
  if (dwMilliseconds == 0) return 0;
  ThreadState& ts = thread_state();
  (void)call->wait([&] { return alertable && !ts.apcs.empty(); },
                   deadline_after(*call, dwMilliseconds));
  if (alertable && run_apcs(*call)) return WAIT_IO_COMPLETION;
  return 0;
}

void WINAPI Sleep(DWORD dwMilliseconds) {
  (void)SleepEx(dwMilliseconds, FALSE);
}

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                                   BOOL fWait, LPDWORD lpdwFlags) {
  auto call = Call::winsock();
  if (!call) return FALSE;
  if (call->socket(s) == nullptr) return FALSE;
  if (lpOverlapped == nullptr || lpcbTransfer == nullptr || lpdwFlags == nullptr) {
    fail(WSAEFAULT);
    return FALSE;
  }
  if (lpOverlapped->Internal == kStatusPending) {
    if (fWait == FALSE) {
      fail(WSA_IO_INCOMPLETE);
      return FALSE;
    }
    (void)call->wait([lpOverlapped] { return lpOverlapped->Internal != kStatusPending; },
                     std::nullopt);
    if (lpOverlapped->Internal == kStatusPending) {
      fail(WSAEINTR);
      return FALSE;
    }
  }
  *lpcbTransfer = static_cast<DWORD>(lpOverlapped->InternalHigh);
  *lpdwFlags = 0;
  if (lpOverlapped->Internal != 0) {
    fail(static_cast<int>(lpOverlapped->Internal));  // the operation's WSA error
    return FALSE;
  }
  return TRUE;
}
