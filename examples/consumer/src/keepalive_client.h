// keepalive_client.h — a user's own Winsock code: a client that turns on TCP keep-alive. It
// builds for Windows against the real headers (ws2_32), and on Linux against ws2sim's drop-ins.
#pragma once

#include <winsock2.h>

namespace app {

/// When to start probing an idle connection, and how often to probe (SIO_KEEPALIVE_VALS).
struct KeepAlive {
  ULONG idle_ms = 30'000;
  ULONG interval_ms = 1'000;
};

/// Opens a TCP connection to ip:port with keep-alive set before connecting. On failure returns
/// INVALID_SOCKET with WSAGetLastError() telling why.
SOCKET connect_with_keepalive(const char* ip, u_short port, const KeepAlive& keepalive);

/// Receives up to `len` bytes. Returns the count, 0 when the server closed, or SOCKET_ERROR
/// with WSAGetLastError() telling why (WSAENETRESET: keep-alive found the server dead).
int receive(SOCKET s, char* buf, int len);

}  // namespace app
