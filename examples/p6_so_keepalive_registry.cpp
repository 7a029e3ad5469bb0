// P6 (docs/behaviour.md §9): SO_KEEPALIVE alone, as MySQL, OpenSSH for Windows and Boost.Asio's
// keep_alive option do. The timing then comes from the system: on Windows XP from the registry
// (KeepAliveTime, KeepAliveInterval, TcpMaxDataRetransmissions), on Vista and later 2 h / 1 s /
// 10 probes. It also shows how many bytes getsockopt(SO_KEEPALIVE) writes (4 on XP, 1 from Vista).
// Genuine Winsock code: it also builds with x86_64-w64-mingw32-g++ against the real headers.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <cstdio>
#include <cstring>

int main() {
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  BOOL on = TRUE;
  if (setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&on), sizeof on) != 0) {
    std::printf("setsockopt(SO_KEEPALIVE) failed: %d\n", WSAGetLastError());
    return 1;
  }
  DWORD value = 0;
  int len = sizeof value;
  getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&value), &len);
  std::printf("getsockopt(SO_KEEPALIVE) wrote %d byte(s), value %lu\n", len,
              static_cast<unsigned long>(value));

  sockaddr_in addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(3306);
  addr.sin_addr.s_addr = inet_addr("10.0.0.2");
  if (connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::printf("connect failed: %d\n", WSAGetLastError());
    return 1;
  }
  const ULONGLONG start = GetTickCount64();
  char buf[16];
  const int n = recv(s, buf, sizeof buf, 0);
  std::printf("recv returned %d, error %d, after %llu ms\n", n, n < 0 ? WSAGetLastError() : 0,
              static_cast<unsigned long long>(GetTickCount64() - start));
  closesocket(s);
  WSACleanup();
  return 0;
}
