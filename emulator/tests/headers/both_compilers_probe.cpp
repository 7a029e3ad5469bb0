// A small but genuine Windows Winsock program that calls every function ws2sim's drop-in headers
// declare, in the styles real programs use (see docs/behaviour.md §9). It is compiled, not
// run, twice:
//
//   against the real Windows headers (mingw-w64):
//     x86_64-w64-mingw32-g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -c <this file>
//   against ws2sim's headers on Linux, in both include orders (gcc and clang):
//     g++ -std=c++20 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror
//         -I emulator/include/winsock [-DPROBE_LIBC_FIRST] -c <this file>
//
// With ws2sim's headers every undefined symbol of the object is ws2sim_<name> (check with nm).
// check_both_compilers.sh (next to this file) runs all of the above.
// Not part of the GTest binary (the CMake glob takes only *.cc and *.c): nothing here is linked.

#ifdef PROBE_LIBC_FIRST
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#endif

// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <versionhelpers.h>
// clang-format on

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

// Older SDKs (and mingw-w64 10) lack the newer keep-alive options; programs define them.
#ifndef TCP_KEEPALIVE
#define TCP_KEEPALIVE 3
#endif
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE TCP_KEEPALIVE
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif

namespace {

// RtlGetVersion is not in windows.h: programs fetch it from ntdll.
typedef NTSTATUS(NTAPI* RtlGetVersionFn)(PRTL_OSVERSIONINFOW);

DWORD BuildNumberFromNtdll() {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll == NULL) return 0;
  FARPROC proc = GetProcAddress(ntdll, "RtlGetVersion");
  if (proc == NULL) return 0;
  // Through void (*)(void) so that -Wcast-function-type stays quiet, as many programs do.
  RtlGetVersionFn rtl_get_version =
      reinterpret_cast<RtlGetVersionFn>(reinterpret_cast<void (*)(void)>(proc));
  RTL_OSVERSIONINFOW info;
  ZeroMemory(&info, sizeof(info));
  info.dwOSVersionInfoSize = sizeof(info);
  if (rtl_get_version(&info) != 0) return 0;
  return info.dwBuildNumber;
}

bool AtLeastBuild(DWORD build) {
  OSVERSIONINFOEXW wanted;
  ZeroMemory(&wanted, sizeof(wanted));
  wanted.dwOSVersionInfoSize = sizeof(wanted);
  wanted.dwMajorVersion = 10;
  wanted.dwBuildNumber = build;
  DWORDLONG mask = 0;
  VER_SET_CONDITION(mask, VER_MAJORVERSION, VER_GREATER_EQUAL);
  mask = VerSetConditionMask(mask, VER_BUILDNUMBER, VER_GREATER_EQUAL);
  return VerifyVersionInfoW(&wanted, VER_MAJORVERSION | VER_BUILDNUMBER, mask) != FALSE;
}

bool LegacyVersionChecks() {
  OSVERSIONINFOA legacy;
  ZeroMemory(&legacy, sizeof(legacy));
  legacy.dwOSVersionInfoSize = sizeof(legacy);
  OSVERSIONINFOW wide;
  ZeroMemory(&wide, sizeof(wide));
  wide.dwOSVersionInfoSize = sizeof(wide);
  OSVERSIONINFOEXA ex;
  ZeroMemory(&ex, sizeof(ex));
  ex.dwOSVersionInfoSize = sizeof(ex);
  ex.dwMajorVersion = 6;
  const DWORDLONG mask = VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL);
  return GetVersionExA(&legacy) && GetVersionExW(&wide) &&
         VerifyVersionInfoA(&ex, VER_MAJORVERSION, mask) && IsWindowsVistaOrGreater() &&
         IsWindows7SP1OrGreater() && IsWindows10OrGreater() && !IsWindowsServer() &&
         GetModuleHandleA("ws2_32.dll") != NULL;
}

// P1: SIO_KEEPALIVE_VALS alone (libpq style), before connect.
int SetKeepaliveVals(SOCKET s, u_long idle_ms, u_long interval_ms) {
  struct tcp_keepalive ka;
  ka.onoff = 1;
  ka.keepalivetime = idle_ms;
  ka.keepaliveinterval = interval_ms;
  DWORD returned = 0;
  if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 0, &returned, NULL, NULL) != 0) {
    return WSAGetLastError();
  }
  return 0;
}

// P3/P7: options in seconds, probed on a throw-away socket, WSAENOPROTOOPT meaning unsupported.
bool SupportsKeepCnt() {
  SOCKET probe = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (probe == INVALID_SOCKET) return false;
  int count = 5;
  bool supported = setsockopt(probe, IPPROTO_TCP, TCP_KEEPCNT,
                              reinterpret_cast<const char*>(&count), sizeof(count)) == 0 ||
                   WSAGetLastError() != WSAENOPROTOOPT;
  closesocket(probe);
  return supported;
}

int SetKeepaliveSeconds(SOCKET s, int idle, int interval, int count) {
  BOOL on = TRUE;
  if (setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&on), sizeof(on)) != 0)
    return WSAGetLastError();
  if (setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, reinterpret_cast<const char*>(&idle),
                 sizeof(idle)) == SOCKET_ERROR)
    return WSAGetLastError();
  if (setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, reinterpret_cast<const char*>(&interval),
                 sizeof(interval)) == SOCKET_ERROR)
    return WSAGetLastError();
  if (SupportsKeepCnt() && setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT,
                                      reinterpret_cast<const char*>(&count), sizeof(count)) != 0)
    return WSAGetLastError();
  // P6: read it back (one byte on Vista and later).
  char value[4] = {0, 0, 0, 0};
  int value_len = sizeof(value);
  if (getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, value, &value_len) != 0) return WSAGetLastError();
  return value[0] ? 0 : -1;
}

BOOL CALLBACK BlockingHook(void) {
  return FALSE;
}

void BlockingHookRoundTrip() {
  FARPROC hook = reinterpret_cast<FARPROC>(reinterpret_cast<void (*)(void)>(&BlockingHook));
  FARPROC previous = WSASetBlockingHook(hook);
  if (WSAIsBlocking()) WSACancelBlockingCall();
  if (previous != NULL) WSAUnhookBlockingHook();
}

void CALLBACK OnIoctlDone(DWORD error, DWORD transferred, LPWSAOVERLAPPED overlapped, DWORD flags) {
  (void)error;
  (void)transferred;
  (void)overlapped;
  (void)flags;
}

// Overlapped SIO_KEEPALIVE_VALS with an event, then with a completion routine.
int OverlappedKeepalive(SOCKET s) {
  WSAOVERLAPPED ov;
  ZeroMemory(&ov, sizeof(ov));
  ov.hEvent = WSACreateEvent();
  if (ov.hEvent == WSA_INVALID_EVENT) return WSAGetLastError();
  struct tcp_keepalive ka = {1, 15000, 15000};
  DWORD returned = 0;
  int rc = WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 0, &returned, &ov, NULL);
  if (rc == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING) {
    WSAEVENT events[1] = {ov.hEvent};
    DWORD waited = WSAWaitForMultipleEvents(1, events, TRUE, WSA_INFINITE, FALSE);
    if (waited == WSA_WAIT_FAILED || waited == WSA_WAIT_TIMEOUT) rc = SOCKET_ERROR;
  }
  DWORD flags = 0;
  DWORD transferred = 0;
  if (!WSAGetOverlappedResult(s, &ov, &transferred, TRUE, &flags)) rc = WSAGetLastError();
  WSASetEvent(ov.hEvent);
  WSAResetEvent(ov.hEvent);
  WSACloseEvent(ov.hEvent);

  WSAOVERLAPPED ov2;
  ZeroMemory(&ov2, sizeof(ov2));
  WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 0, &returned, &ov2, OnIoctlDone);
  if (SleepEx(0, TRUE) != WAIT_IO_COMPLETION) rc = -1;
  return rc;
}

std::string Describe(const sockaddr_in& address) {
  char text[INET_ADDRSTRLEN] = "";
  inet_ntop(AF_INET, &address.sin_addr, text, sizeof(text));
  char text2[INET_ADDRSTRLEN] = "";
  InetNtopA(AF_INET, &address.sin_addr, text2, sizeof(text2));
  std::string result = text;
  result += ':';
  result += std::to_string(ntohs(address.sin_port));
  result += ' ';
  result += inet_ntoa(address.sin_addr);
  return result;
}

int Server() {
  SOCKET listener = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
  if (listener == INVALID_SOCKET) return WSAGetLastError();
  BOOL exclusive = TRUE;
  setsockopt(listener, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&exclusive),
             sizeof(exclusive));
  sockaddr_in address;
  std::memset(&address, 0, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_port = htons(5432);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == SOCKET_ERROR ||
      listen(listener, SOMAXCONN) == SOCKET_ERROR) {
    closesocket(listener);
    return WSAGetLastError();
  }
  SetKeepaliveVals(listener, 300000, 100000);  // libevent-style, on the listener

  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(listener, &readable);
  timeval timeout = {5, 0};
  if (select(0, &readable, NULL, NULL, &timeout) > 0 && FD_ISSET(listener, &readable)) {
    sockaddr_storage peer;
    int peer_len = sizeof(peer);
    SOCKET client = accept(listener, reinterpret_cast<sockaddr*>(&peer), &peer_len);
    if (client != INVALID_SOCKET) {
      char buffer[512];
      int got = recv(client, buffer, sizeof(buffer), 0);
      if (got > 0) send(client, buffer, got, 0);
      sockaddr_in local;
      int local_len = sizeof(local);
      getsockname(client, reinterpret_cast<sockaddr*>(&local), &local_len);
      std::printf("%s\n", Describe(local).c_str());
      shutdown(client, SD_BOTH);
      closesocket(client);
    }
  }
  closesocket(listener);
  return 0;
}

int Client() {
  SOCKET s = WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
  if (s == INVALID_SOCKET) return WSAGetLastError();
  SetKeepaliveVals(s, 7200000, 1000);  // P1, before connect

  u_long non_blocking = 1;
  ioctlsocket(s, FIONBIO, &non_blocking);

  sockaddr_in server;
  std::memset(&server, 0, sizeof(server));
  server.sin_family = AF_INET;
  server.sin_port = htons(5432);
  if (inet_pton(AF_INET, "127.0.0.1", &server.sin_addr) != 1) {
    server.sin_addr.s_addr = inet_addr("127.0.0.1");
  }
  InetPtonA(AF_INET, "127.0.0.1", &server.sin_addr);
  if (connect(s, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) == SOCKET_ERROR &&
      WSAGetLastError() != WSAEWOULDBLOCK) {
    closesocket(s);
    return WSAGetLastError();
  }
  WSAPOLLFD poll_fd;
  poll_fd.fd = s;
  poll_fd.events = POLLOUT;
  poll_fd.revents = 0;
  if (WSAPoll(&poll_fd, 1, 5000) == 1 && (poll_fd.revents & POLLOUT)) {
    int error = 0;
    int error_len = sizeof(error);
    getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &error_len);
    if (AtLeastBuild(16299) || BuildNumberFromNtdll() >= 16299) {
      SetKeepaliveSeconds(s, 60, 1, 10);  // P3
    } else {
      SetKeepaliveVals(s, 60000, 1000);  // P2 fallback
    }
    OverlappedKeepalive(s);
    u_long pending = 0;
    ioctlsocket(s, FIONREAD, &pending);
    sockaddr_in peer;
    int peer_len = sizeof(peer);
    getpeername(s, reinterpret_cast<sockaddr*>(&peer), &peer_len);
    const char hello[] = "hello";
    send(s, hello, static_cast<int>(std::strlen(hello)), 0);
    std::vector<char> reply(64);
    recv(s, reply.data(), static_cast<int>(reply.size()), MSG_PEEK);
    DWORD connect_seconds = 0;
    int connect_seconds_len = sizeof(connect_seconds);
    getsockopt(s, SOL_SOCKET, SO_CONNECT_TIME, reinterpret_cast<char*>(&connect_seconds),
               &connect_seconds_len);
    u_long wire = htonl(42);
    if (ntohl(wire) != 42) return -1;
  }
  closesocket(s);
  return 0;
}

}  // namespace

int main() {
  WSADATA wsa;
  int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
  if (rc != 0) return rc;
  if (LOBYTE(wsa.wVersion) != 2 || HIBYTE(wsa.wVersion) != 2) {
    WSACleanup();
    return 1;
  }
  WSASetLastError(0);
  SetLastError(ERROR_SUCCESS);
  if (!LegacyVersionChecks())
    std::printf("old Windows (%u)\n", static_cast<unsigned>(GetLastError()));
  BlockingHookRoundTrip();
  rc = Server() | Client();
  HANDLE event = WSACreateEvent();
  CloseHandle(event);
  Sleep(1);
  WSACleanup();
  return rc;
}
