// The waits: WSAWaitForMultipleEvents, SleepEx, Sleep and WSAGetOverlappedResult, on the
// world's clock (virtual time unless the world has live hosts). An alertable wait runs the
// thread's queued completion routines (APCs), each with the world lock released: it may call
// Winsock. Apc::routine holds the program's LPWSAOVERLAPPED_COMPLETION_ROUTINE and is cast back
// to that type to be called.
#include <algorithm>
#include <vector>

#include "core/call.h"
#include "core/event_objects.h"
#include "core/host_state.h"
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
  if (ms == INFINITE) {
    return std::nullopt;
  }
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
    if (std::all_of(keys.begin(), keys.end(), signaled)) {
      return WSA_WAIT_EVENT_0;
    }
    return std::nullopt;
  }
  const auto it = std::find_if(keys.begin(), keys.end(), signaled);
  if (it == keys.end()) {
    return std::nullopt;
  }
  return WSA_WAIT_EVENT_0 + static_cast<DWORD>(it - keys.begin());
}

}  // namespace

DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL fAlertable) {
  auto call = Call::winsock();
  if (!call) {
    return WSA_WAIT_FAILED;
  }
  if (cEvents == 0 || cEvents > static_cast<DWORD>(WSA_MAXIMUM_WAIT_EVENTS) ||
      lphEvents == nullptr) {
    return wait_failed(WSA_INVALID_PARAMETER);
  }
  Host::State& h = call->host();
  std::vector<std::uintptr_t> keys;
  for (DWORD i = 0; i < cEvents; ++i) {
    if (!h.events.contains(handle_value(lphEvents[i]))) {
      return wait_failed(WSA_INVALID_HANDLE);
    }
    keys.push_back(handle_value(lphEvents[i]));
  }
  const bool all = fWaitAll != FALSE;
  const bool alertable = fAlertable != FALSE;
  // As in the NT kernel, a satisfied wait wins over queued APCs.
  if (const auto r = wait_satisfied(h, keys, all)) {
    return *r;
  }
  if (alertable && run_apcs(*call)) {
    return WSA_WAIT_IO_COMPLETION;
  }
  if (dwTimeout == 0) {
    return WSA_WAIT_TIMEOUT;
  }
  ThreadState& ts = thread_state();  // captured: the predicate may run on another thread
  const WaitResult r = call->wait(
      [&] { return wait_satisfied(h, keys, all).has_value() || (alertable && !ts.apcs.empty()); },
      deadline_after(*call, dwTimeout));
  if (const auto done = wait_satisfied(h, keys, all)) {
    return *done;
  }
  if (alertable && run_apcs(*call)) {
    return WSA_WAIT_IO_COMPLETION;
  }
  if (r == WaitResult::kTimedOut) {
    return WSA_WAIT_TIMEOUT;
  }
  return wait_failed(WSAEINTR);  // the world's horizon, or WSACancelBlockingCall
}

DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
  // No WSAStartup needed. Without a host there is no clock to advance: return at once, leaving
  // the last error as it was.
  auto call = Call::host_only(thread_state().last_error);
  if (!call) {
    return 0;
  }
  const bool alertable = bAlertable != FALSE;
  if (alertable && run_apcs(*call)) {
    return WAIT_IO_COMPLETION;
  }
  if (dwMilliseconds == 0) {
    return 0;
  }
  ThreadState& ts = thread_state();
  (void)call->wait([&] { return alertable && !ts.apcs.empty(); },
                   deadline_after(*call, dwMilliseconds));
  if (alertable && run_apcs(*call)) {
    return WAIT_IO_COMPLETION;
  }
  return 0;
}

void WINAPI Sleep(DWORD dwMilliseconds) {
  (void)SleepEx(dwMilliseconds, FALSE);
}

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                                   BOOL fWait, LPDWORD lpdwFlags) {
  auto call = Call::on_socket(s);
  if (!call) {
    return FALSE;
  }
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
  if (const int e = wsa_error_of_status(lpOverlapped->Internal); e != 0) {
    fail(e);  // the Winsock meaning of the operation's final status
    return FALSE;
  }
  return TRUE;
}
