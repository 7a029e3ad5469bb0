// The WSAEVENT functions (WSACreateEvent, WSACloseEvent, WSASetEvent, WSAResetEvent). A WSAEVENT
// is a manual-reset Win32 event (the same object CreateEvent makes: api/sync.cc); its handle
// shares the world's handle space with sockets.
#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
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
  KernelObject* ev = find_event(call->host(), handle_value(e));
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
  // Manual reset, not signaled; the handle is shared with sockets: they never alias.
  return reinterpret_cast<WSAEVENT>(
      add_object(call->world(), call->host(), KernelObject::Kind::kEvent));
}

BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) {
  return with_event(hEvent, [hEvent](Call& call, KernelObject&) {
    call.host().objects.erase(handle_value(hEvent));
  });
}

BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) {
  return with_event(hEvent, [](Call& call, KernelObject& ev) {
    ev.signaled = true;
    call.world().wake_host(call.host().id.value);
  });
}

BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) {
  return with_event(hEvent, [](Call&, KernelObject& ev) { ev.signaled = false; });
}
