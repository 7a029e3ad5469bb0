// keepalive_client.cc — the code under test (see keepalive_client.h): SIO_KEEPALIVE_VALS set
// before connect, the sequence libpq and many other clients use.
#include "keepalive_client.h"

#include <mstcpip.h>
#include <ws2tcpip.h>

namespace app {

SOCKET connect_with_keepalive(const char* ip, u_short port, const KeepAlive& keepalive) {
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return INVALID_SOCKET;

  tcp_keepalive settings{1, keepalive.idle_ms, keepalive.interval_ms};
  DWORD returned = 0;
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(port);
  if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &settings, sizeof settings, nullptr, 0, &returned, nullptr,
               nullptr) == SOCKET_ERROR ||
      inet_pton(AF_INET, ip, &server.sin_addr) != 1 ||
      connect(s, reinterpret_cast<sockaddr*>(&server), sizeof server) == SOCKET_ERROR) {
    const int error = WSAGetLastError();
    closesocket(s);
    WSASetLastError(error);  // the caller wants the first error, not closesocket's
    return INVALID_SOCKET;
  }
  return s;
}

int receive(SOCKET s, char* buf, int len) {
  return recv(s, buf, len, 0);
}

}  // namespace app
