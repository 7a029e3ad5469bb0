// The WSAEVENT functions (WSACreateEvent, WSACloseEvent, WSASetEvent, WSAResetEvent) and
// CloseHandle on an event. Events are manual-reset; their handles share the world's handle space
// with sockets.
#include "core/call.h"
#include "core/event_objects.h"
#include "core/host_state.h"
#include "core/sockets.h"
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

// Runs an event function on a valid event of this host; FALSE with WSA_INVALID_HANDLE otherwise.
template <typename F>
BOOL with_event(WSAEVENT e, F f) {
  auto call = Call::winsock();
  if (!call) {
    return FALSE;
  }
  Event* ev = find_event(call->host(), handle_value(e));
  if (ev == nullptr) {
    fail(WSA_INVALID_HANDLE);
    return FALSE;
  }
  f(*call, *ev);
  return TRUE;
}

}  // namespace

WSAEVENT WSAAPI WSACreateEvent(void) {
  auto call = Call::winsock();
  if (!call) {
    return WSA_INVALID_EVENT;
  }
  const std::uintptr_t handle = new_handle(call->world());  // shared with sockets: never alias
  call->host().events.emplace(handle, Event{});             // manual reset, not signaled
  return reinterpret_cast<WSAEVENT>(handle);
}

BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) {
  return with_event(
      hEvent, [hEvent](Call& call, Event&) { call.host().events.erase(handle_value(hEvent)); });
}

BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) {
  return with_event(hEvent, [](Call& call, Event& ev) {
    ev.signaled = true;
    call.world().wake_host(call.host().id.value);
  });
}

BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) {
  return with_event(hEvent, [](Call&, Event& ev) { ev.signaled = false; });
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (call->host().events.erase(handle_value(hObject)) == 0) {
    thread_state().last_error = ERROR_INVALID_HANDLE;
    return FALSE;
  }
  return TRUE;
}
