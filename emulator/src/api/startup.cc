// WSAStartup, WSACleanup and the per-thread last error.
#include <cstring>

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
// Drop-in headers last: they rename glibc's select/fd_set/timeval if those came first.
#include <windows.h>
#include <winsock2.h>

using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

constexpr WORD kHighestVersion = MAKEWORD(2, 2);

// The version the DLL agrees to for a request (Winsock 2 offers 1.1 to 2.2).
WORD negotiate(WORD requested) {
  const BYTE major = LOBYTE(requested);
  const BYTE minor = HIBYTE(requested);
  if (major == 1) {
    return MAKEWORD(1, 1);
  }
  if (major == 2 && minor <= 2) {
    return requested;
  }
  return kHighestVersion;
}

}  // namespace

int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
  ThreadState& ts = thread_state();
  // WSAStartup returns its error instead of setting the last error.
  if (ts.scopes.empty()) {
    return WSASYSNOTREADY;
  }
  Host::State& h = ts.scopes.back()->state();
  std::lock_guard lock(h.world->state().mu);
  if (h.switches.network_down) {
    return WSASYSNOTREADY;
  }
  if (ts.in_hook) {
    return WSAEINPROGRESS;
  }
  const BYTE major = LOBYTE(wVersionRequested);
  const BYTE minor = HIBYTE(wVersionRequested);
  if (major < 1 || (major == 1 && minor < 1)) {
    return WSAVERNOTSUPPORTED;
  }
  if (lpWSAData == nullptr) {
    return WSAEFAULT;
  }
  const WORD version = negotiate(wVersionRequested);
  std::memset(lpWSAData, 0, sizeof *lpWSAData);
  lpWSAData->wVersion = version;
  lpWSAData->wHighVersion = kHighestVersion;
  std::strcpy(lpWSAData->szDescription, "WinSock 2.0");
  std::strcpy(lpWSAData->szSystemStatus, "Running");
  // Winsock 2 reports 0 for the 1.1-era limits unless 1.1 was negotiated.
  lpWSAData->iMaxSockets = version == MAKEWORD(1, 1) ? 32767 : 0;
  lpWSAData->iMaxUdpDg = version == MAKEWORD(1, 1) ? 65467 : 0;
  ++h.startup_count;
  h.version = version;
  return 0;
}

int WSAAPI WSACleanup(void) {
  auto call = Call::winsock();
  if (!call) {
    return SOCKET_ERROR;
  }
  Host::State& h = call->host();
  if (--h.startup_count == 0) {
    // "Sockets open when WSACleanup is called are reset and automatically deallocated."
    // In handle order, so the trace of the resets never depends on the table's hash order.
    for (const SocketHandle s : h.sockets.sorted_handles()) {
      destroy_socket(h, s, true);
    }
    h.version = 0;
    call->world().wake_host(call->host().id.value);
  }
  return 0;
}

int WSAAPI WSAGetLastError(void) {
  return thread_state().last_error;
}
void WSAAPI WSASetLastError(int iError) {
  thread_state().last_error = iError;
}
DWORD WINAPI GetLastError(void) {
  return static_cast<DWORD>(thread_state().last_error);
}
void WINAPI SetLastError(DWORD dwErrCode) {
  thread_state().last_error = static_cast<int>(dwErrCode);
}
