/* P1 (docs/behaviour.md §9): keep-alive through SIO_KEEPALIVE_VALS alone, set before
 * connect(), in the style of libpq and hiredis. Genuine Winsock code: it also builds with
 * x86_64-w64-mingw32-gcc against the real Windows headers.
 *
 * It connects to 10.0.0.2:5432, waits in recv() and reports how the wait ended and how long it
 * took. Under ws2sim (WS2SIM_CRASH_PEER_AT=...) the peer dies and recv() fails with
 * WSAENETRESET after keepalivetime + N x keepaliveinterval. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  WSADATA wsa;
  SOCKET s;
  struct tcp_keepalive ka;
  DWORD returned = 0;
  struct sockaddr_in addr;
  char buf[64];
  ULONGLONG start;
  int n;

  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
    printf("WSAStartup failed\n");
    return 1;
  }
  s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) {
    printf("socket failed: %d\n", WSAGetLastError());
    return 1;
  }
  ka.onoff = 1;
  ka.keepalivetime = 60000;     /* ms of idleness before the first probe */
  ka.keepaliveinterval = 1000;  /* ms between unanswered probes */
  if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, &returned, NULL, NULL) ==
      SOCKET_ERROR) {
    printf("WSAIoctl(SIO_KEEPALIVE_VALS) failed: %d\n", WSAGetLastError());
    return 1;
  }
  printf("SIO_KEEPALIVE_VALS ok, bytes returned %lu\n", (unsigned long)returned);

  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(5432);
  inet_pton(AF_INET, "10.0.0.2", &addr.sin_addr);
  if (connect(s, (struct sockaddr*)&addr, sizeof addr) == SOCKET_ERROR) {
    printf("connect failed: %d\n", WSAGetLastError());
    return 1;
  }
  start = GetTickCount64();
  n = recv(s, buf, sizeof buf, 0);
  if (n == SOCKET_ERROR) {
    printf("recv failed: error %d after %llu ms\n", WSAGetLastError(),
           (unsigned long long)(GetTickCount64() - start));
  } else {
    printf("recv returned %d after %llu ms\n", n, (unsigned long long)(GetTickCount64() - start));
  }
  closesocket(s);
  WSACleanup();
  return 0;
}
