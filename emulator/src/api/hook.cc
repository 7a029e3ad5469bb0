// Windows Sockets 1.1 blocking hooks: WSASetBlockingHook, WSAUnhookBlockingHook, WSAIsBlocking,
// WSACancelBlockingCall.
//
// A program that negotiated version 1.1 may install, per thread, a function that Winsock calls
// repeatedly while a blocking call waits (Call::wait runs it, in virtual time). From inside the
// hook every Winsock call fails with WSAEINPROGRESS (Call::winsock checks it) except
// WSAIsBlocking and WSACancelBlockingCall, which is how a hook ends the call: the blocked call
// then fails with WSAEINTR. Winsock 2 removed the mechanism: with 2.x negotiated the three
// version-checked functions fail with WSAEOPNOTSUPP.
#include "core/call.h"
#include "core/host_state.h"
// Drop-in headers last: they rename glibc's select/fd_set/timeval if those came first.
#include <winsock2.h>

using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

constexpr std::uint16_t kWinsock11 = 0x0101;  // MAKEWORD(1, 1)

// The hook in effect when the program installed none. On Windows it pumps the thread's message
// queue and returns TRUE when it handled a message; an emulated program has no window messages.
INT_PTR WINAPI default_blocking_hook(void) {
  return FALSE;
}

// What the thread's hook slot holds: nullptr stands for the default hook (Call::wait then calls
// nothing), so installing the default explicitly is the same as unhooking.
FARPROC current_hook(const ThreadState& ts) {
  return ts.blocking_hook != nullptr ? ts.blocking_hook : &default_blocking_hook;
}

}  // namespace

FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc) {
  auto call = Call::winsock();
  if (!call) {
    return nullptr;
  }
  if (call->host().version != kWinsock11) {
    return fail(WSAEOPNOTSUPP), nullptr;
  }
  if (lpBlockFunc == nullptr) {
    return fail(WSAEFAULT), nullptr;
  }
  ThreadState& ts = thread_state();
  const FARPROC previous = current_hook(ts);
  // FARPROC and the slot have the same shape: INT_PTR (*)(void).
  ts.blocking_hook = lpBlockFunc == &default_blocking_hook ? nullptr : lpBlockFunc;
  return previous;
}

int WSAAPI WSAUnhookBlockingHook(void) {
  auto call = Call::winsock();
  if (!call) {
    return SOCKET_ERROR;
  }
  if (call->host().version != kWinsock11) {
    return fail(WSAEOPNOTSUPP);
  }
  thread_state().blocking_hook = nullptr;
  return 0;
}

// Callable from inside the hook: host_only skips the WSAEINPROGRESS check.
BOOL WSAAPI WSAIsBlocking(void) {
  auto call = Call::host_only(WSANOTINITIALISED);
  if (!call) {
    return FALSE;
  }
  return thread_state().in_blocking_call ? TRUE : FALSE;
}

// Callable from inside the hook; cancels this thread's blocking call.
int WSAAPI WSACancelBlockingCall(void) {
  auto call = Call::host_only(WSANOTINITIALISED);
  if (!call) {
    return SOCKET_ERROR;
  }
  const Host::State& h = call->host();
  if (h.startup_count == 0) {
    return fail(WSANOTINITIALISED);
  }
  if (h.switches.network_down) {
    return fail(WSAENETDOWN);
  }
  if (h.version != kWinsock11) {
    return fail(WSAEOPNOTSUPP);
  }
  ThreadState& ts = thread_state();
  if (!ts.in_blocking_call) {
    return fail(WSAEINVAL);
  }
  ts.cancel_requested = true;  // Call::wait ends with kCancelled; the call reports WSAEINTR
  return 0;
}
