// The exact Windows signatures of every function the drop-in headers declare, checked at compile
// time (no call is made: the functions live in the ws2sim library, not linked here). With
// UNICODE undefined the TCHAR-style names (WSASocket, GetVersionEx, ...) map to the A functions.

#include <gtest/gtest.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <versionhelpers.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <cstddef>
#include <type_traits>

namespace {

template <typename Expected, typename Actual>
constexpr bool kSame = std::is_same_v<Expected, Actual>;

// winsock2.h
static_assert(kSame<int (*)(WORD, LPWSADATA), decltype(&WSAStartup)>);
static_assert(kSame<int (*)(void), decltype(&WSACleanup)>);
static_assert(kSame<int (*)(void), decltype(&WSAGetLastError)>);
static_assert(kSame<void (*)(int), decltype(&WSASetLastError)>);
static_assert(kSame<SOCKET (*)(int, int, int), decltype(&socket)>);
static_assert(
    kSame<SOCKET (*)(int, int, int, LPWSAPROTOCOL_INFOW, GROUP, DWORD), decltype(&WSASocketW)>);
static_assert(
    kSame<SOCKET (*)(int, int, int, LPWSAPROTOCOL_INFOA, GROUP, DWORD), decltype(&WSASocketA)>);
static_assert(kSame<decltype(&WSASocketA), decltype(&WSASocket)>);
static_assert(kSame<int (*)(SOCKET), decltype(&closesocket)>);
static_assert(kSame<int (*)(SOCKET, const sockaddr*, int), decltype(&bind)>);
static_assert(kSame<int (*)(SOCKET, int), decltype(&listen)>);
static_assert(kSame<SOCKET (*)(SOCKET, sockaddr*, int*), decltype(&accept)>);
static_assert(kSame<int (*)(SOCKET, const sockaddr*, int), decltype(&connect)>);
static_assert(kSame<int (*)(SOCKET, const char*, int, int), decltype(&send)>);
static_assert(kSame<int (*)(SOCKET, char*, int, int), decltype(&recv)>);
static_assert(kSame<int (*)(SOCKET, int), decltype(&shutdown)>);
static_assert(kSame<int (*)(int, fd_set*, fd_set*, fd_set*, const timeval*), decltype(&select)>);
static_assert(kSame<int (*)(LPWSAPOLLFD, ULONG, INT), decltype(&WSAPoll)>);
static_assert(kSame<int (*)(SOCKET, LONG, u_long*), decltype(&ioctlsocket)>);
static_assert(kSame<int (*)(SOCKET, int, int, const char*, int), decltype(&setsockopt)>);
static_assert(kSame<int (*)(SOCKET, int, int, char*, int*), decltype(&getsockopt)>);
static_assert(kSame<int (*)(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPWSAOVERLAPPED,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE),
                    decltype(&WSAIoctl)>);
static_assert(kSame<int (*)(SOCKET, sockaddr*, int*), decltype(&getsockname)>);
static_assert(kSame<int (*)(SOCKET, sockaddr*, int*), decltype(&getpeername)>);
static_assert(kSame<u_short (*)(u_short), decltype(&htons)>);
static_assert(kSame<u_short (*)(u_short), decltype(&ntohs)>);
static_assert(kSame<u_long (*)(u_long), decltype(&htonl)>);
static_assert(kSame<u_long (*)(u_long), decltype(&ntohl)>);
static_assert(kSame<ULONG (*)(const char*), decltype(&inet_addr)>);
static_assert(kSame<char* (*)(in_addr), decltype(&inet_ntoa)>);
static_assert(kSame<WSAEVENT (*)(void), decltype(&WSACreateEvent)>);
static_assert(kSame<BOOL (*)(WSAEVENT), decltype(&WSACloseEvent)>);
static_assert(kSame<BOOL (*)(WSAEVENT), decltype(&WSASetEvent)>);
static_assert(kSame<BOOL (*)(WSAEVENT), decltype(&WSAResetEvent)>);
static_assert(kSame<DWORD (*)(DWORD, const WSAEVENT*, BOOL, DWORD, BOOL),
                    decltype(&WSAWaitForMultipleEvents)>);
static_assert(kSame<BOOL (*)(SOCKET, LPWSAOVERLAPPED, LPDWORD, BOOL, LPDWORD),
                    decltype(&WSAGetOverlappedResult)>);
static_assert(kSame<FARPROC (*)(FARPROC), decltype(&WSASetBlockingHook)>);
static_assert(kSame<int (*)(void), decltype(&WSAUnhookBlockingHook)>);
static_assert(kSame<BOOL (*)(void), decltype(&WSAIsBlocking)>);
static_assert(kSame<int (*)(void), decltype(&WSACancelBlockingCall)>);
static_assert(kSame<int (*)(SOCKET, fd_set*), decltype(&__WSAFDIsSet)>);

// ws2tcpip.h
static_assert(kSame<INT (*)(INT, PCSTR, PVOID), decltype(&inet_pton)>);
static_assert(kSame<PCSTR (*)(INT, const VOID*, PSTR, size_t), decltype(&inet_ntop)>);
static_assert(kSame<decltype(&inet_pton), decltype(&InetPtonA)>);
static_assert(kSame<decltype(&inet_ntop), decltype(&InetNtopA)>);

// windows.h
static_assert(kSame<BOOL (*)(LPOSVERSIONINFOW), decltype(&GetVersionExW)>);
static_assert(kSame<BOOL (*)(LPOSVERSIONINFOA), decltype(&GetVersionExA)>);
static_assert(kSame<BOOL (*)(LPOSVERSIONINFOEXW, DWORD, DWORDLONG), decltype(&VerifyVersionInfoW)>);
static_assert(kSame<BOOL (*)(LPOSVERSIONINFOEXA, DWORD, DWORDLONG), decltype(&VerifyVersionInfoA)>);
static_assert(kSame<ULONGLONG (*)(ULONGLONG, DWORD, BYTE), decltype(&VerSetConditionMask)>);
static_assert(kSame<HMODULE (*)(LPCWSTR), decltype(&GetModuleHandleW)>);
static_assert(kSame<HMODULE (*)(LPCSTR), decltype(&GetModuleHandleA)>);
static_assert(kSame<FARPROC (*)(HMODULE, LPCSTR), decltype(&GetProcAddress)>);
static_assert(kSame<DWORD (*)(DWORD, BOOL), decltype(&SleepEx)>);
static_assert(kSame<void (*)(DWORD), decltype(&Sleep)>);
static_assert(kSame<DWORD (*)(void), decltype(&GetLastError)>);
static_assert(kSame<void (*)(DWORD), decltype(&SetLastError)>);
static_assert(kSame<BOOL (*)(HANDLE), decltype(&CloseHandle)>);
static_assert(kSame<decltype(&GetVersionExA), decltype(&GetVersionEx)>);
static_assert(kSame<decltype(&VerifyVersionInfoA), decltype(&VerifyVersionInfo)>);
static_assert(kSame<decltype(&GetModuleHandleA), decltype(&GetModuleHandle)>);

// versionhelpers.h
static_assert(kSame<BOOL (*)(WORD, WORD, WORD), decltype(&IsWindowsVersionOrGreater)>);
static_assert(kSame<BOOL (*)(void), decltype(&IsWindows10OrGreater)>);
static_assert(kSame<BOOL (*)(void), decltype(&IsWindowsServer)>);

// Conversions a Windows program relies on compile without casts.
[[maybe_unused]] void ProgramStyleExpressions(SOCKET s) {
  u_long mode = 1;
  DWORD bytes = 0;
  tcp_keepalive alive{1, 7200000, 1000};
  int on = 1;
  if (false) {
    (void)ioctlsocket(s, FIONBIO, &mode);
    (void)ioctlsocket(s, FIONREAD, &mode);
    (void)WSAIoctl(s, SIO_KEEPALIVE_VALS, &alive, sizeof(alive), nullptr, 0, &bytes, nullptr,
                   nullptr);
    (void)setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&on), sizeof(on));
    (void)setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, reinterpret_cast<const char*>(&on), sizeof(on));
  }
}

TEST(WinsockPrototypes, CheckedAtCompileTime) {
  SUCCEED();
}

}  // namespace
