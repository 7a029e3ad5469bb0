// P3 (docs/behaviour.md §9): version-gated keep-alive, in the style of curl >= 8.18 and
// libuv >= 1.52. The program asks ntdll for the real version with RtlGetVersion (fetched through
// GetProcAddress, as libuv does), then:
//   build >= 16299 (Windows 10 1709): SO_KEEPALIVE + TCP_KEEPIDLE / TCP_KEEPINTVL in seconds,
//                                     and TCP_KEEPCNT (from build 15063);
//   older:                            SIO_KEEPALIVE_VALS in milliseconds.
// Genuine Winsock code: it also builds with x86_64-w64-mingw32-g++ against the real headers.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>

#include <cstdio>
#include <cstring>

#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE 3
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif

namespace {

typedef LONG(WINAPI* RtlGetVersionFn)(PRTL_OSVERSIONINFOW);

DWORD windows_build() {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return 0;
  auto fn = reinterpret_cast<RtlGetVersionFn>(
      reinterpret_cast<void*>(GetProcAddress(ntdll, "RtlGetVersion")));
  if (fn == nullptr) return 0;
  RTL_OSVERSIONINFOW info;
  std::memset(&info, 0, sizeof info);
  info.dwOSVersionInfoSize = sizeof info;
  if (fn(&info) != 0) return 0;
  std::printf("running on Windows %lu.%lu build %lu\n", static_cast<unsigned long>(info.dwMajorVersion),
              static_cast<unsigned long>(info.dwMinorVersion),
              static_cast<unsigned long>(info.dwBuildNumber));
  return info.dwBuildNumber;
}

bool set_int(SOCKET s, int level, int name, DWORD value, const char* what) {
  if (setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof value) == 0) {
    return true;
  }
  std::printf("setsockopt(%s) failed: %d\n", what, WSAGetLastError());
  return false;
}

}  // namespace

int main() {
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const DWORD idle_s = 30;
  const DWORD interval_s = 2;
  const DWORD build = windows_build();
  if (build >= 16299) {
    std::printf("using TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT\n");
    set_int(s, SOL_SOCKET, SO_KEEPALIVE, TRUE, "SO_KEEPALIVE");
    set_int(s, IPPROTO_TCP, TCP_KEEPIDLE, idle_s, "TCP_KEEPIDLE");
    set_int(s, IPPROTO_TCP, TCP_KEEPINTVL, interval_s, "TCP_KEEPINTVL");
    set_int(s, IPPROTO_TCP, TCP_KEEPCNT, 4, "TCP_KEEPCNT");
  } else {
    std::printf("using SIO_KEEPALIVE_VALS\n");
    tcp_keepalive ka{1, idle_s * 1000, interval_s * 1000};
    DWORD returned = 0;
    if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr) != 0) {
      std::printf("WSAIoctl failed: %d\n", WSAGetLastError());
    }
  }
  sockaddr_in addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(443);
  inet_pton(AF_INET, "10.0.0.2", &addr.sin_addr);
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
