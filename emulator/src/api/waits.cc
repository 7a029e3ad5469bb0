// The waits: WaitForSingleObject(Ex), WaitForMultipleObjects(Ex), WSAWaitForMultipleEvents,
// SleepEx, Sleep and WSAGetOverlappedResult, on the world's clock (virtual time unless the world
// has live hosts). An alertable wait runs the thread's queued completion routines (APCs), each with
// the world lock released: it may call Winsock. Apc::routine holds the program's
// LPWSAOVERLAPPED_COMPLETION_ROUTINE and is cast back to that type to be called.
#include <algorithm>
#include <vector>

#include "backend/turns.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
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

namespace ws2sim::winsock::detail {

bool run_apcs(Call& call) {
  ThreadState& ts = thread_state();
  bool ran = false;
  while (!ts.apcs.empty()) {
    const Apc apc = ts.apcs.front();
    ts.apcs.pop_front();
    ran = true;
    call.lock().unlock();
    if (apc.user != nullptr) {
      apc.user(apc.parameter);  // QueueUserAPC
    } else {
      const auto routine = reinterpret_cast<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(
          reinterpret_cast<void (*)()>(apc.routine));
      routine(apc.error, apc.bytes, static_cast<LPWSAOVERLAPPED>(apc.overlapped), apc.flags);
    }
    call.lock().lock();
  }
  return ran;
}

std::optional<TimePoint> deadline_after(const Call& call, std::uint32_t ms) {
  if (ms == INFINITE) {
    return std::nullopt;
  }
  return saturating_add(call.now(), milliseconds_u32(ms));
}

ObjectWait wait_for_objects(Call& call, const std::vector<std::uintptr_t>& handles, bool wait_all,
                            std::uint32_t ms, bool alertable, const char* function) {
  Host::State& h = call.host();
  // The objects, kept alive while waited on even if a handle is closed meanwhile (as on Windows).
  std::vector<std::shared_ptr<KernelObject>> objects;
  for (const std::uintptr_t handle : handles) {
    const auto it = h.objects.find(handle);
    if (it == h.objects.end()) {
      return {WAIT_FAILED, ERROR_INVALID_HANDLE};
    }
    objects.push_back(it->second);
  }
  const std::uint32_t me = current_thread_id(call.world());
  // Wait-any: the lowest index that is available; wait-all: 0 once all are, at once.
  auto satisfied = [&]() -> std::optional<std::size_t> {
    if (wait_all) {
      const bool all = std::all_of(objects.begin(), objects.end(),
                                   [me](const auto& o) { return o->available(me); });
      return all ? std::optional<std::size_t>(0) : std::nullopt;
    }
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (objects[i]->available(me)) {
        return i;
      }
    }
    return std::nullopt;
  };
  std::optional<DWORD> outcome;
  auto take = [&] {
    const std::optional<std::size_t> i = satisfied();
    if (!i) {
      return;  // woken for an APC
    }
    bool abandoned = false;
    if (wait_all) {
      for (const auto& o : objects) {
        abandoned = o->take(me) || abandoned;
      }
    } else {
      abandoned = objects[*i]->take(me);
    }
    outcome = static_cast<DWORD>((abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0) + *i);
  };
  // As in the NT kernel, a satisfied wait wins over queued APCs.
  take();
  if (outcome) {
    return {*outcome, 0};
  }
  if (alertable && run_apcs(call)) {
    return {WAIT_IO_COMPLETION, 0};
  }
  if (ms == 0) {
    return {WAIT_TIMEOUT, 0};
  }
  ThreadState& ts = thread_state();  // captured: the condition may run on another thread
  WaitSite site{function, WaitKind::kObjects, handles.size() == 1 ? handles[0] : 0, {}};
  if (objects.size() == 1 && objects[0]->owner) {
    site.held_by = objects[0]->owner;
  }
  const WaitResult r =
      call.wait_to_take([&] { return satisfied().has_value() || (alertable && !ts.apcs.empty()); },
                        take, deadline_after(call, ms), site);
  if (!outcome && r == WaitResult::kReady) {
    take();  // a live host's wait
  }
  if (outcome) {
    return {*outcome, 0};
  }
  if (alertable && run_apcs(call)) {
    return {WAIT_IO_COMPLETION, 0};
  }
  if (r == WaitResult::kTimedOut) {
    return {WAIT_TIMEOUT, 0};
  }
  // The world's horizon or a deadlock (World::deadlock), or WSACancelBlockingCall.
  return {WAIT_FAILED, call.world().deadlock ? ERROR_POSSIBLE_DEADLOCK : ERROR_TIMEOUT};
}

}  // namespace ws2sim::winsock::detail

namespace {

DWORD wait_failed(int error) {
  thread_state().last_error = error;
  return WSA_WAIT_FAILED;
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
  std::vector<std::uintptr_t> keys;
  for (DWORD i = 0; i < cEvents; ++i) {
    keys.push_back(handle_value(lphEvents[i]));
  }
  // WaitForMultipleObjectsEx underneath, as on Windows: any waitable handle will do.
  const ObjectWait r = wait_for_objects(*call, keys, fWaitAll != FALSE, dwTimeout,
                                        fAlertable != FALSE, "WSAWaitForMultipleEvents");
  if (r.result == WAIT_FAILED) {
    // A bad handle is WSA_INVALID_HANDLE (the same value); a wait that could never end fails
    // with WSAEINTR, like the other blocking Winsock calls.
    return wait_failed(r.error == ERROR_INVALID_HANDLE ? WSA_INVALID_HANDLE : WSAEINTR);
  }
  return r.result;
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL bAlertable) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return WAIT_FAILED;
  }
  if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS || lpHandles == nullptr) {
    thread_state().last_error = ERROR_INVALID_PARAMETER;
    return WAIT_FAILED;
  }
  std::vector<std::uintptr_t> keys;
  for (DWORD i = 0; i < nCount; ++i) {
    keys.push_back(current_thread_handle(*call, lpHandles[i]));
  }
  const ObjectWait r = wait_for_objects(*call, keys, bWaitAll != FALSE, dwMilliseconds,
                                        bAlertable != FALSE, "WaitForMultipleObjects");
  if (r.result == WAIT_FAILED) {
    thread_state().last_error = r.error;
  }
  return r.result;
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds) {
  return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return WAIT_FAILED;
  }
  const ObjectWait r = wait_for_objects(*call, {current_thread_handle(*call, hHandle)}, false,
                                        dwMilliseconds, bAlertable != FALSE, "WaitForSingleObject");
  if (r.result == WAIT_FAILED) {
    thread_state().last_error = r.error;
  }
  return r.result;
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
  return WaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
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
    // Sleep(0) gives the rest of the turn to another runnable thread, if there is one.
    (void)yield_turn(call->world(), call->lock());
    return 0;
  }
  ThreadState& ts = thread_state();
  (void)call->wait([&] { return alertable && !ts.apcs.empty(); },
                   deadline_after(*call, dwMilliseconds), nullptr,
                   {"Sleep", WaitKind::kNothing, 0, {}});
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
                     std::nullopt, nullptr,
                     {"WSAGetOverlappedResult",
                      WaitKind::kOverlapped,
                      reinterpret_cast<std::uintptr_t>(lpOverlapped),
                      {}});
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
