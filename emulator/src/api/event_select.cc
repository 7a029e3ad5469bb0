// WSAEventSelect and WSAEnumNetworkEvents (docs/behaviour.md §15): the classic event-driven
// server loop. What records the events and sets the event object is core/network_events.h.
#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
#include "core/network_events.h"
// The drop-in header after ours, as a Windows program sees it.
#include <winsock2.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket& sock = call->sock();
  Host::State& host = call->host();
  const auto mask = static_cast<std::uint32_t>(lNetworkEvents);
  if ((mask & ~static_cast<std::uint32_t>(FD_ALL_EVENTS)) != 0) {
    return fail(WSAEINVAL);
  }
  // The socket is non-blocking from now on, even when the association is cancelled (lNetworkEvents
  // 0): only another WSAEventSelect can change that (documented).
  sock.nonblocking = true;
  if (mask == 0) {
    sock.event_select.reset();
    return 0;
  }
  if (find_event(host, handle_value(hEventObject)) == nullptr) {
    return fail(WSAEINVAL);
  }
  // A new association replaces the old one; what was recorded is forgotten (documented).
  associate_events(host, sock, handle_value(hEventObject), mask);
  return 0;
}

int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                LPWSANETWORKEVENTS lpNetworkEvents) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  if (lpNetworkEvents == nullptr) {
    return fail(WSAEFAULT);
  }
  Socket& sock = call->sock();
  if (hEventObject != nullptr) {
    KernelObject* ev = find_event(call->host(), handle_value(hEventObject));
    if (ev == nullptr) {
      return fail(WSAEINVAL);
    }
    ev->signaled = false;  // reset, as WSAResetEvent
  }
  *lpNetworkEvents = WSANETWORKEVENTS{};
  if (!sock.event_select) {
    return 0;
  }
  EventSelect& es = *sock.event_select;
  lpNetworkEvents->lNetworkEvents = static_cast<LONG>(es.recorded);
  for (std::size_t bit = 0; bit < es.errors.size(); ++bit) {
    lpNetworkEvents->iErrorCode[bit] = (es.recorded & (1U << bit)) != 0 ? es.errors[bit] : 0;
  }
  es.recorded = 0;
  es.errors = {};
  return 0;
}
