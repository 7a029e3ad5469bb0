// Layouts, constants and inline helpers of ws2sim's drop-in Windows headers.
//
// Only types, constants, macros and inline helpers are used: the declared functions live in the
// ws2sim library, which this test does not link.
//
// Sizes are those of 64-bit Windows (LLP64) except where a structure holds WCHAR arrays: WCHAR is
// wchar_t, 4 bytes on Linux and 2 on Windows, so those arrays (and whatever follows them) are
// larger here. The tests state the Windows number and the Linux formula side by side.

#include <gtest/gtest.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <versionhelpers.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace {

// ---- Base types ------------------------------------------------------------------------------

static_assert(sizeof(BYTE) == 1 && sizeof(BOOLEAN) == 1 && sizeof(CHAR) == 1 && sizeof(UCHAR) == 1);
static_assert(sizeof(WORD) == 2 && sizeof(USHORT) == 2 && sizeof(SHORT) == 2);
static_assert(sizeof(INT) == 4 && sizeof(UINT) == 4 && sizeof(BOOL) == 4);
static_assert(sizeof(LONG) == 4 && sizeof(ULONG) == 4 && sizeof(DWORD) == 4);
static_assert(std::is_signed_v<LONG> && std::is_unsigned_v<ULONG> && std::is_unsigned_v<DWORD>);
static_assert(sizeof(LONGLONG) == 8 && sizeof(ULONGLONG) == 8 && sizeof(DWORDLONG) == 8);
static_assert(sizeof(UINT_PTR) == sizeof(void*) && sizeof(ULONG_PTR) == sizeof(void*));
static_assert(sizeof(INT_PTR) == sizeof(void*) && sizeof(SIZE_T) == sizeof(void*));
static_assert(std::is_same_v<HANDLE, void*> && std::is_same_v<LPVOID, void*>);
static_assert(std::is_same_v<LPCVOID, const void*> && std::is_same_v<PVOID, void*>);
static_assert(std::is_same_v<LPDWORD, DWORD*>);
static_assert(std::is_same_v<LPSTR, char*> && std::is_same_v<LPCSTR, const char*>);
static_assert(std::is_same_v<PCSTR, const char*> && std::is_same_v<PSTR, char*>);
static_assert(std::is_same_v<WCHAR, wchar_t> && std::is_same_v<LPCWSTR, const wchar_t*>);
static_assert(std::is_same_v<LPWSTR, wchar_t*> && std::is_same_v<PCWSTR, const wchar_t*>);
static_assert(std::is_same_v<NTSTATUS, LONG>);
static_assert(std::is_same_v<FARPROC, INT_PTR (*)(void)>);
static_assert(std::is_pointer_v<HMODULE>);

// ---- Winsock types ---------------------------------------------------------------------------

static_assert(std::is_same_v<SOCKET, UINT_PTR> && sizeof(SOCKET) == sizeof(void*));
static_assert(sizeof(u_char) == 1 && sizeof(u_short) == 2 && sizeof(u_int) == 4);
static_assert(sizeof(u_long) == 4 && std::is_unsigned_v<u_long>);
static_assert(std::is_same_v<GROUP, unsigned int> && std::is_same_v<WSAEVENT, HANDLE>);
static_assert(std::is_same_v<ADDRESS_FAMILY, USHORT>);
static_assert(std::is_same_v<socklen_t, int>);

static_assert(sizeof(tcp_keepalive) == 12);
static_assert(offsetof(tcp_keepalive, onoff) == 0);
static_assert(offsetof(tcp_keepalive, keepalivetime) == 4);
static_assert(offsetof(tcp_keepalive, keepaliveinterval) == 8);

static_assert(sizeof(linger) == 4 && offsetof(linger, l_onoff) == 0 &&
              offsetof(linger, l_linger) == 2);
static_assert(sizeof(timeval) == 8 && offsetof(timeval, tv_sec) == 0 &&
              offsetof(timeval, tv_usec) == 4);
static_assert(std::is_same_v<TIMEVAL, struct timeval>);

static_assert(FD_SETSIZE == 64);
static_assert(sizeof(fd_set) == 8 + 64 * 8);
static_assert(offsetof(fd_set, fd_count) == 0 && offsetof(fd_set, fd_array) == 8);
static_assert(std::is_same_v<decltype(fd_set::fd_count), u_int>);
static_assert(std::is_same_v<decltype(fd_set::fd_array), SOCKET[FD_SETSIZE]>);

static_assert(sizeof(in_addr) == 4);
static_assert(sizeof(sockaddr) == 16 && offsetof(sockaddr, sa_family) == 0 &&
              offsetof(sockaddr, sa_data) == 2);
static_assert(sizeof(sockaddr_in) == 16);
static_assert(offsetof(sockaddr_in, sin_family) == 0 && offsetof(sockaddr_in, sin_port) == 2);
static_assert(offsetof(sockaddr_in, sin_addr) == 4 && offsetof(sockaddr_in, sin_zero) == 8);
static_assert(std::is_same_v<decltype(sockaddr_in::sin_family), short>);
static_assert(sizeof(in6_addr) == 16);
static_assert(sizeof(sockaddr_in6) == 28);
static_assert(offsetof(sockaddr_in6, sin6_port) == 2 && offsetof(sockaddr_in6, sin6_flowinfo) == 4);
static_assert(offsetof(sockaddr_in6, sin6_addr) == 8 &&
              offsetof(sockaddr_in6, sin6_scope_id) == 24);
static_assert(sizeof(SCOPE_ID) == 4);
static_assert(sizeof(sockaddr_storage) == 128 && alignof(sockaddr_storage) == 8);
static_assert(std::is_same_v<SOCKADDR, sockaddr> && std::is_same_v<PSOCKADDR, sockaddr*>);
static_assert(std::is_same_v<LPSOCKADDR, sockaddr*> && std::is_same_v<SOCKADDR_IN, sockaddr_in>);

static_assert(sizeof(WSAPOLLFD) == 16);
static_assert(offsetof(WSAPOLLFD, fd) == 0 && offsetof(WSAPOLLFD, events) == 8 &&
              offsetof(WSAPOLLFD, revents) == 10);
static_assert(std::is_same_v<LPWSAPOLLFD, WSAPOLLFD*>);

static_assert(sizeof(WSAOVERLAPPED) == 32 && std::is_same_v<WSAOVERLAPPED, OVERLAPPED>);
static_assert(offsetof(WSAOVERLAPPED, Internal) == 0 && offsetof(WSAOVERLAPPED, InternalHigh) == 8);
static_assert(offsetof(WSAOVERLAPPED, Offset) == 16 && offsetof(WSAOVERLAPPED, OffsetHigh) == 20);
static_assert(offsetof(WSAOVERLAPPED, Pointer) == 16 && offsetof(WSAOVERLAPPED, hEvent) == 24);
static_assert(std::is_same_v<LPWSAOVERLAPPED, WSAOVERLAPPED*>);
static_assert(std::is_same_v<LPWSAOVERLAPPED_COMPLETION_ROUTINE,
                             void (*)(DWORD, DWORD, LPWSAOVERLAPPED, DWORD)>);

static_assert(sizeof(WSABUF) == 16 && offsetof(WSABUF, len) == 0 && offsetof(WSABUF, buf) == 8);

// WSADATA, 64-bit field order: 2 + 2 + 2 + 2, pointer at 8, 257 + 129 chars from 16, padded to 8.
static_assert(sizeof(WSADATA) == 408);
static_assert(offsetof(WSADATA, wVersion) == 0 && offsetof(WSADATA, wHighVersion) == 2);
static_assert(offsetof(WSADATA, iMaxSockets) == 4 && offsetof(WSADATA, iMaxUdpDg) == 6);
static_assert(offsetof(WSADATA, lpVendorInfo) == 8 && offsetof(WSADATA, szDescription) == 16);
static_assert(offsetof(WSADATA, szSystemStatus) == 16 + WSADESCRIPTION_LEN + 1);

static_assert(sizeof(GUID) == 16 && sizeof(WSAPROTOCOLCHAIN) == 32);
// WSAPROTOCOL_INFOW: 116 bytes of header then 256 WCHARs (628 bytes on Windows).
static_assert(offsetof(WSAPROTOCOL_INFOW, ProviderId) == 20);
static_assert(offsetof(WSAPROTOCOL_INFOW, dwCatalogEntryId) == 36);
static_assert(offsetof(WSAPROTOCOL_INFOW, ProtocolChain) == 40);
static_assert(offsetof(WSAPROTOCOL_INFOW, iVersion) == 72);
static_assert(offsetof(WSAPROTOCOL_INFOW, dwMessageSize) == 108);
static_assert(offsetof(WSAPROTOCOL_INFOW, szProtocol) == 116);
static_assert(sizeof(WSAPROTOCOL_INFOW) == 116 + 256 * sizeof(WCHAR));
static_assert(sizeof(WSAPROTOCOL_INFOA) == 372);

// OSVERSIONINFOEXW: five DWORDs, 128 WCHARs, then 2 + 2 + 2 + 1 + 1 bytes (284 on Windows).
static_assert(offsetof(OSVERSIONINFOEXW, dwMajorVersion) == 4);
static_assert(offsetof(OSVERSIONINFOEXW, dwMinorVersion) == 8);
static_assert(offsetof(OSVERSIONINFOEXW, dwBuildNumber) == 12);
static_assert(offsetof(OSVERSIONINFOEXW, dwPlatformId) == 16);
static_assert(offsetof(OSVERSIONINFOEXW, szCSDVersion) == 20);
constexpr std::size_t kAfterCsd = 20 + 128 * sizeof(WCHAR);
static_assert(offsetof(OSVERSIONINFOEXW, wServicePackMajor) == kAfterCsd);
static_assert(offsetof(OSVERSIONINFOEXW, wServicePackMinor) == kAfterCsd + 2);
static_assert(offsetof(OSVERSIONINFOEXW, wSuiteMask) == kAfterCsd + 4);
static_assert(offsetof(OSVERSIONINFOEXW, wProductType) == kAfterCsd + 6);
static_assert(offsetof(OSVERSIONINFOEXW, wReserved) == kAfterCsd + 7);
static_assert(sizeof(OSVERSIONINFOEXW) == kAfterCsd + 8);
static_assert(sizeof(OSVERSIONINFOW) == kAfterCsd);
static_assert(sizeof(OSVERSIONINFOEXA) == 156 && sizeof(OSVERSIONINFOA) == 148);
static_assert(std::is_same_v<RTL_OSVERSIONINFOW, OSVERSIONINFOW>);
static_assert(std::is_same_v<RTL_OSVERSIONINFOEXW, OSVERSIONINFOEXW>);
static_assert(std::is_same_v<PRTL_OSVERSIONINFOW, OSVERSIONINFOW*>);
static_assert(std::is_same_v<PRTL_OSVERSIONINFOEXW, OSVERSIONINFOEXW*>);
static_assert(std::is_same_v<POSVERSIONINFOW, OSVERSIONINFOW*>);
static_assert(std::is_same_v<LPOSVERSIONINFOW, OSVERSIONINFOW*>);
static_assert(std::is_same_v<POSVERSIONINFOEXW, OSVERSIONINFOEXW*>);
static_assert(std::is_same_v<LPOSVERSIONINFOEXW, OSVERSIONINFOEXW*>);

TEST(WinsockLayout, RuntimeSizesMatchWindows) {
  EXPECT_EQ(sizeof(u_long), 4u);
  EXPECT_EQ(sizeof(DWORD), 4u);
  EXPECT_EQ(sizeof(LONG), 4u);
  EXPECT_EQ(sizeof(BOOL), 4u);
  EXPECT_EQ(sizeof(BOOLEAN), 1u);
  EXPECT_EQ(sizeof(SOCKET), sizeof(void*));
  EXPECT_EQ(sizeof(tcp_keepalive), 12u);
  EXPECT_EQ(sizeof(linger), 4u);
  EXPECT_EQ(sizeof(timeval), 8u);
  EXPECT_EQ(sizeof(fd_set), 520u);
  EXPECT_EQ(sizeof(sockaddr), 16u);
  EXPECT_EQ(sizeof(sockaddr_in), 16u);
  EXPECT_EQ(sizeof(in_addr), 4u);
  EXPECT_EQ(sizeof(sockaddr_in6), 28u);
  EXPECT_EQ(sizeof(sockaddr_storage), 128u);
  EXPECT_EQ(sizeof(WSAPOLLFD), 16u);
  EXPECT_EQ(sizeof(WSAOVERLAPPED), 32u);
  EXPECT_EQ(sizeof(WSADATA), 408u);
}

// ---- Constants of the keep-alive spec (§1) ---------------------------------------------------

TEST(WinsockConstants, SocketLevelOptions) {
  EXPECT_EQ(SOL_SOCKET, 0xffff);
  EXPECT_EQ(SO_DEBUG, 0x0001);
  EXPECT_EQ(SO_ACCEPTCONN, 0x0002);
  EXPECT_EQ(SO_REUSEADDR, 0x0004);
  EXPECT_EQ(SO_KEEPALIVE, 0x0008);
  EXPECT_EQ(SO_DONTROUTE, 0x0010);
  EXPECT_EQ(SO_BROADCAST, 0x0020);
  EXPECT_EQ(SO_USELOOPBACK, 0x0040);
  EXPECT_EQ(SO_LINGER, 0x0080);
  EXPECT_EQ(SO_OOBINLINE, 0x0100);
  EXPECT_EQ(SO_DONTLINGER, ~0x0080);
  EXPECT_EQ(SO_EXCLUSIVEADDRUSE, ~0x0004);
  EXPECT_EQ(SO_SNDBUF, 0x1001);
  EXPECT_EQ(SO_RCVBUF, 0x1002);
  EXPECT_EQ(SO_SNDLOWAT, 0x1003);
  EXPECT_EQ(SO_RCVLOWAT, 0x1004);
  EXPECT_EQ(SO_SNDTIMEO, 0x1005);
  EXPECT_EQ(SO_RCVTIMEO, 0x1006);
  EXPECT_EQ(SO_ERROR, 0x1007);
  EXPECT_EQ(SO_TYPE, 0x1008);
  EXPECT_EQ(SO_CONNECT_TIME, 0x700C);
  EXPECT_EQ(SO_UPDATE_ACCEPT_CONTEXT, 0x700B);
  EXPECT_EQ(SO_UPDATE_CONNECT_CONTEXT, 0x7010);
  EXPECT_EQ(SOMAXCONN, 0x7fffffff);
}

TEST(WinsockConstants, TcpLevelOptions) {
  EXPECT_EQ(IPPROTO_TCP, 6);
  EXPECT_EQ(TCP_NODELAY, 1);
  EXPECT_EQ(TCP_KEEPALIVE, 3);
  EXPECT_EQ(TCP_KEEPIDLE, 3);
  EXPECT_EQ(TCP_KEEPIDLE, TCP_KEEPALIVE);
  EXPECT_EQ(TCP_MAXSEG, 4);
  EXPECT_EQ(TCP_MAXRT, 5);
  EXPECT_EQ(TCP_FASTOPEN, 15);
  EXPECT_EQ(TCP_KEEPCNT, 16);
  EXPECT_EQ(TCP_KEEPINTVL, 17);
  EXPECT_EQ(TCP_BSDURGENT, 0x7000);
}

TEST(WinsockConstants, IoctlCodes) {
  EXPECT_EQ(IOC_IN, 0x80000000u);
  EXPECT_EQ(IOC_OUT, 0x40000000);
  EXPECT_EQ(IOC_VOID, 0x20000000);
  EXPECT_EQ(IOC_WS2, 0x08000000);
  EXPECT_EQ(IOC_VENDOR, 0x18000000);
  EXPECT_EQ(IOC_PROTOCOL, 0x10000000);
  EXPECT_EQ(_WSAIOW(IOC_VENDOR, 4), 0x98000004u);
  EXPECT_EQ(_WSAIO(IOC_WS2, 4), 0x28000004);
  EXPECT_EQ(_WSAIOR(IOC_WS2, 5), 0x48000005);
  EXPECT_EQ(_WSAIORW(IOC_WS2, 6), 0xC8000006u);
  EXPECT_EQ(SIO_KEEPALIVE_VALS, 0x98000004u);
  EXPECT_EQ(SIO_FLUSH, 0x28000004);
  EXPECT_EQ(SIO_GET_EXTENSION_FUNCTION_POINTER, 0xC8000006u);
  EXPECT_EQ(SIO_UDP_CONNRESET, 0x9800000Cu);
  // The BSD-style codes are u_long values, as the SDK's _IOW/_IOR make them: positive, with the
  // same value whatever unsigned type reads them (issue 20 item 9: they were negative LONGs, so
  // (unsigned long)FIONBIO was 0xFFFFFFFF8004667E on LP64). ioctlsocket's LONG parameter makes
  // them negative, as on Windows.
  EXPECT_TRUE((std::is_same_v<decltype(FIONBIO), u_long>));
  EXPECT_GT(FIONBIO, 0u);
  EXPECT_EQ(static_cast<unsigned long>(FIONBIO), 0x8004667EUL);
  EXPECT_EQ(static_cast<unsigned long long>(FIONREAD), 0x4004667FULL);
  EXPECT_EQ(static_cast<LONG>(FIONBIO), -2147195266);
  EXPECT_EQ(static_cast<DWORD>(FIONBIO), 0x8004667Eu);
  EXPECT_EQ(static_cast<DWORD>(FIONREAD), 0x4004667Fu);
  EXPECT_EQ(static_cast<DWORD>(FIOASYNC), 0x8004667Du);
  EXPECT_EQ(static_cast<DWORD>(SIOCATMARK), 0x40047307u);
  // WSAIoctl() takes a DWORD, so the Winsock 2 codes are unsigned.
  EXPECT_TRUE(std::is_unsigned_v<decltype(SIO_KEEPALIVE_VALS)>);
}

TEST(WinsockConstants, ErrorCodesOfTheSpec) {
  EXPECT_EQ(WSABASEERR, 10000);
  EXPECT_EQ(WSAEINTR, 10004);
  EXPECT_EQ(WSAEACCES, 10013);
  EXPECT_EQ(WSAEFAULT, 10014);
  EXPECT_EQ(WSAEINVAL, 10022);
  EXPECT_EQ(WSAEMFILE, 10024);
  EXPECT_EQ(WSAEWOULDBLOCK, 10035);
  EXPECT_EQ(WSAEINPROGRESS, 10036);
  EXPECT_EQ(WSAEALREADY, 10037);
  EXPECT_EQ(WSAENOTSOCK, 10038);
  EXPECT_EQ(WSAEMSGSIZE, 10040);
  EXPECT_EQ(WSAEPROTOTYPE, 10041);
  EXPECT_EQ(WSAENOPROTOOPT, 10042);
  EXPECT_EQ(WSAEOPNOTSUPP, 10045);
  EXPECT_EQ(WSAEAFNOSUPPORT, 10047);
  EXPECT_EQ(WSAEADDRINUSE, 10048);
  EXPECT_EQ(WSAENETDOWN, 10050);
  EXPECT_EQ(WSAENETUNREACH, 10051);
  EXPECT_EQ(WSAENETRESET, 10052);
  EXPECT_EQ(WSAECONNABORTED, 10053);
  EXPECT_EQ(WSAECONNRESET, 10054);
  EXPECT_EQ(WSAENOBUFS, 10055);
  EXPECT_EQ(WSAEISCONN, 10056);
  EXPECT_EQ(WSAENOTCONN, 10057);
  EXPECT_EQ(WSAESHUTDOWN, 10058);
  EXPECT_EQ(WSAETIMEDOUT, 10060);
  EXPECT_EQ(WSAECONNREFUSED, 10061);
  EXPECT_EQ(WSAEHOSTUNREACH, 10065);
  EXPECT_EQ(WSASYSNOTREADY, 10091);
  EXPECT_EQ(WSAVERNOTSUPPORTED, 10092);
  EXPECT_EQ(WSANOTINITIALISED, 10093);
  EXPECT_EQ(WSA_IO_PENDING, 997);
  EXPECT_EQ(WSA_IO_INCOMPLETE, 996);
  EXPECT_EQ(WSA_OPERATION_ABORTED, 995);
}

TEST(WinsockConstants, OtherErrorCodes) {
  EXPECT_EQ(WSAEBADF, 10009);
  EXPECT_EQ(WSAEDESTADDRREQ, 10039);
  EXPECT_EQ(WSAEPROTONOSUPPORT, 10043);
  EXPECT_EQ(WSAESOCKTNOSUPPORT, 10044);
  EXPECT_EQ(WSAEPFNOSUPPORT, 10046);
  EXPECT_EQ(WSAEADDRNOTAVAIL, 10049);
  EXPECT_EQ(WSAETOOMANYREFS, 10059);
  EXPECT_EQ(WSAELOOP, 10062);
  EXPECT_EQ(WSAENAMETOOLONG, 10063);
  EXPECT_EQ(WSAEHOSTDOWN, 10064);
  EXPECT_EQ(WSAENOTEMPTY, 10066);
  EXPECT_EQ(WSAEPROCLIM, 10067);
  EXPECT_EQ(WSAEUSERS, 10068);
  EXPECT_EQ(WSAEDQUOT, 10069);
  EXPECT_EQ(WSAESTALE, 10070);
  EXPECT_EQ(WSAEREMOTE, 10071);
  EXPECT_EQ(WSAEDISCON, 10101);
  EXPECT_EQ(WSAENOMORE, 10102);
  EXPECT_EQ(WSAECANCELLED, 10103);
  EXPECT_EQ(WSAEINVALIDPROCTABLE, 10104);
  EXPECT_EQ(WSAEINVALIDPROVIDER, 10105);
  EXPECT_EQ(WSAEPROVIDERFAILEDINIT, 10106);
  EXPECT_EQ(WSASYSCALLFAILURE, 10107);
  EXPECT_EQ(WSASERVICE_NOT_FOUND, 10108);
  EXPECT_EQ(WSATYPE_NOT_FOUND, 10109);
  EXPECT_EQ(WSA_E_NO_MORE, 10110);
  EXPECT_EQ(WSA_E_CANCELLED, 10111);
  EXPECT_EQ(WSAEREFUSED, 10112);
  EXPECT_EQ(WSAHOST_NOT_FOUND, 11001);
  EXPECT_EQ(WSATRY_AGAIN, 11002);
  EXPECT_EQ(WSANO_RECOVERY, 11003);
  EXPECT_EQ(WSANO_DATA, 11004);
  EXPECT_EQ(WSA_INVALID_HANDLE, 6);
  EXPECT_EQ(WSA_INVALID_PARAMETER, 87);
  EXPECT_EQ(WSA_NOT_ENOUGH_MEMORY, 8);
}

TEST(WinsockConstants, SocketBasics) {
  EXPECT_EQ(INVALID_SOCKET, ~static_cast<SOCKET>(0));
  EXPECT_EQ(SOCKET_ERROR, -1);
  EXPECT_EQ(AF_UNSPEC, 0);
  EXPECT_EQ(AF_INET, 2);
  EXPECT_EQ(AF_INET6, 23);
  EXPECT_EQ(PF_UNSPEC, 0);
  EXPECT_EQ(PF_INET, 2);
  EXPECT_EQ(PF_INET6, 23);
  EXPECT_EQ(SOCK_STREAM, 1);
  EXPECT_EQ(SOCK_DGRAM, 2);
  EXPECT_EQ(SOCK_RAW, 3);
  EXPECT_EQ(IPPROTO_IP, 0);
  EXPECT_EQ(IPPROTO_UDP, 17);
  EXPECT_EQ(IPPROTO_IPV6, 41);
  EXPECT_EQ(IPV6_V6ONLY, 27);
  EXPECT_EQ(INADDR_ANY, 0u);
  EXPECT_EQ(INADDR_LOOPBACK, 0x7f000001);
  EXPECT_EQ(INADDR_NONE, 0xffffffffu);
  EXPECT_EQ(INADDR_BROADCAST, 0xffffffffu);
  EXPECT_EQ(SD_RECEIVE, 0);
  EXPECT_EQ(SD_SEND, 1);
  EXPECT_EQ(SD_BOTH, 2);
  EXPECT_EQ(MSG_OOB, 1);
  EXPECT_EQ(MSG_PEEK, 2);
  EXPECT_EQ(MSG_WAITALL, 8);
  EXPECT_EQ(WSA_FLAG_OVERLAPPED, 0x01);
  EXPECT_EQ(WSADESCRIPTION_LEN, 256);
  EXPECT_EQ(WSASYS_STATUS_LEN, 128);
  EXPECT_EQ(INET_ADDRSTRLEN, 22);
  EXPECT_EQ(INET6_ADDRSTRLEN, 65);
  EXPECT_EQ(WSA_INVALID_EVENT, nullptr);
}

TEST(WinsockConstants, Poll) {
  EXPECT_EQ(POLLRDNORM, 0x0100);
  EXPECT_EQ(POLLRDBAND, 0x0200);
  EXPECT_EQ(POLLIN, 0x0300);
  EXPECT_EQ(POLLPRI, 0x0400);
  EXPECT_EQ(POLLWRNORM, 0x0010);
  EXPECT_EQ(POLLOUT, 0x0010);
  EXPECT_EQ(POLLWRBAND, 0x0020);
  EXPECT_EQ(POLLERR, 0x0001);
  EXPECT_EQ(POLLHUP, 0x0002);
  EXPECT_EQ(POLLNVAL, 0x0004);
}

TEST(WinsockConstants, WaitsAndEvents) {
  EXPECT_EQ(INFINITE, 0xFFFFFFFFu);
  EXPECT_EQ(WAIT_OBJECT_0, 0u);
  EXPECT_EQ(WAIT_IO_COMPLETION, 0xC0u);
  EXPECT_EQ(WAIT_TIMEOUT, 258);
  EXPECT_EQ(WAIT_FAILED, 0xFFFFFFFFu);
  EXPECT_EQ(WSA_WAIT_EVENT_0, 0u);
  EXPECT_EQ(WSA_WAIT_IO_COMPLETION, 0xC0u);
  EXPECT_EQ(WSA_WAIT_TIMEOUT, 258);
  EXPECT_EQ(WSA_WAIT_FAILED, 0xFFFFFFFFu);
  EXPECT_EQ(WSA_INFINITE, 0xFFFFFFFFu);
  EXPECT_EQ(WSA_MAXIMUM_WAIT_EVENTS, 64);
}

TEST(WindowsConstants, VersionQueries) {
  EXPECT_EQ(VER_MINORVERSION, 0x1);
  EXPECT_EQ(VER_MAJORVERSION, 0x2);
  EXPECT_EQ(VER_BUILDNUMBER, 0x4);
  EXPECT_EQ(VER_PLATFORMID, 0x8);
  EXPECT_EQ(VER_SERVICEPACKMINOR, 0x10);
  EXPECT_EQ(VER_SERVICEPACKMAJOR, 0x20);
  EXPECT_EQ(VER_SUITENAME, 0x40);
  EXPECT_EQ(VER_PRODUCT_TYPE, 0x80);
  EXPECT_EQ(VER_EQUAL, 1);
  EXPECT_EQ(VER_GREATER, 2);
  EXPECT_EQ(VER_GREATER_EQUAL, 3);
  EXPECT_EQ(VER_LESS, 4);
  EXPECT_EQ(VER_LESS_EQUAL, 5);
  EXPECT_EQ(VER_AND, 6);
  EXPECT_EQ(VER_OR, 7);
  EXPECT_EQ(VER_NT_WORKSTATION, 1);
  EXPECT_EQ(VER_NT_DOMAIN_CONTROLLER, 2);
  EXPECT_EQ(VER_NT_SERVER, 3);
  EXPECT_EQ(VER_PLATFORM_WIN32_NT, 2);
  EXPECT_EQ(_WIN32_WINNT_NT4, 0x0400);
  EXPECT_EQ(_WIN32_WINNT_WIN2K, 0x0500);
  EXPECT_EQ(_WIN32_WINNT_WINXP, 0x0501);
  EXPECT_EQ(_WIN32_WINNT_WS03, 0x0502);
  EXPECT_EQ(_WIN32_WINNT_VISTA, 0x0600);
  EXPECT_EQ(_WIN32_WINNT_LONGHORN, 0x0600);
  EXPECT_EQ(_WIN32_WINNT_WS08, 0x0600);
  EXPECT_EQ(_WIN32_WINNT_WIN7, 0x0601);
  EXPECT_EQ(_WIN32_WINNT_WIN8, 0x0602);
  EXPECT_EQ(_WIN32_WINNT_WINBLUE, 0x0603);
  EXPECT_EQ(_WIN32_WINNT_WIN10, 0x0A00);
  EXPECT_EQ(_WIN32_WINNT, _WIN32_WINNT_WIN10);  // the default, as in a current SDK
}

TEST(WindowsConstants, StatusAndErrors) {
  EXPECT_EQ(TRUE, 1);
  EXPECT_EQ(FALSE, 0);
  EXPECT_EQ(STATUS_SUCCESS, 0);
  EXPECT_EQ(static_cast<DWORD>(STATUS_INVALID_PARAMETER), 0xC000000Du);
  EXPECT_EQ(static_cast<DWORD>(STATUS_REVISION_MISMATCH), 0xC0000059u);
  EXPECT_LT(STATUS_INVALID_PARAMETER, 0);  // NTSTATUS errors are negative
  EXPECT_FALSE(NT_SUCCESS(STATUS_INVALID_PARAMETER));
  EXPECT_TRUE(NT_SUCCESS(STATUS_SUCCESS));
  EXPECT_EQ(ERROR_INVALID_PARAMETER, 87);
  EXPECT_EQ(ERROR_OLD_WIN_VERSION, 1150);
}

// ---- Helpers and macros ----------------------------------------------------------------------

TEST(WindowsMacros, WordsAndBytes) {
  EXPECT_EQ(MAKEWORD(2, 2), 0x0202);
  EXPECT_EQ(MAKEWORD(1, 2), 0x0201);
  EXPECT_EQ(MAKEWORD(0x1FF, 0x2FF), 0xFFFF);  // each half is truncated to a byte
  EXPECT_EQ(WINSOCK_VERSION, 0x0202);
  EXPECT_EQ(LOBYTE(0x0201), 1);
  EXPECT_EQ(HIBYTE(0x0201), 2);
  EXPECT_EQ(LOWORD(0x12345678), 0x5678);
  EXPECT_EQ(HIWORD(0x12345678), 0x1234);
  EXPECT_TRUE((std::is_same_v<decltype(MAKEWORD(2, 2)), WORD>));
  EXPECT_TRUE((std::is_same_v<decltype(LOBYTE(0)), BYTE>));
}

TEST(WinsockMacros, InAddrUnionAndAccessors) {
  in_addr a{};
  a.S_un.S_un_b.s_b1 = 127;
  a.S_un.S_un_b.s_b2 = 1;
  a.S_un.S_un_b.s_b3 = 2;
  a.S_un.S_un_b.s_b4 = 3;
  EXPECT_EQ(a.s_addr, 0x0302017Fu);  // bytes in memory order on a little-endian host
  EXPECT_EQ(a.S_un.S_addr, a.s_addr);
  EXPECT_EQ(a.s_net, 127);
  EXPECT_EQ(a.s_host, 1);
  EXPECT_EQ(a.s_lh, 2);
  EXPECT_EQ(a.s_impno, 3);
  EXPECT_EQ(a.s_imp, a.S_un.S_un_w.s_w2);
  EXPECT_EQ(a.S_un.S_un_w.s_w1, 0x017F);
  a.s_addr = INADDR_ANY;
  EXPECT_EQ(a.S_un.S_un_b.s_b1, 0);

  in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
  EXPECT_EQ(loopback.s6_addr[15], 1);
  EXPECT_EQ(loopback.s6_bytes[0], 0);
  EXPECT_EQ(loopback.u.Word[7], 0x0100);
}

TEST(WinsockMacros, FdSetHasWindowsSemantics) {
  fd_set set;
  FD_ZERO(&set);
  EXPECT_EQ(set.fd_count, 0u);
  FD_SET(10, &set);
  FD_SET(11, &set);
  FD_SET(10, &set);  // already present: not added twice
  EXPECT_EQ(set.fd_count, 2u);
  FD_SET(12, &set);
  FD_SET(13, &set);
  ASSERT_EQ(set.fd_count, 4u);
  EXPECT_TRUE(FD_ISSET(11, &set));
  EXPECT_FALSE(FD_ISSET(99, &set));
  EXPECT_NE(__WSAFDIsSet(12, &set), 0);

  FD_CLR(11, &set);  // removes and closes the gap, keeping the order
  ASSERT_EQ(set.fd_count, 3u);
  EXPECT_EQ(set.fd_array[0], 10u);
  EXPECT_EQ(set.fd_array[1], 12u);
  EXPECT_EQ(set.fd_array[2], 13u);
  EXPECT_FALSE(FD_ISSET(11, &set));
  FD_CLR(99, &set);  // absent: nothing happens
  EXPECT_EQ(set.fd_count, 3u);
  FD_CLR(13, &set);
  FD_CLR(10, &set);
  ASSERT_EQ(set.fd_count, 1u);
  EXPECT_EQ(set.fd_array[0], 12u);

  FD_ZERO(&set);
  for (SOCKET s = 100; s < 100 + FD_SETSIZE; ++s)
    FD_SET(s, &set);
  EXPECT_EQ(set.fd_count, static_cast<u_int>(FD_SETSIZE));
  FD_SET(static_cast<SOCKET>(5000), &set);  // full: silently ignored
  EXPECT_EQ(set.fd_count, static_cast<u_int>(FD_SETSIZE));
  EXPECT_FALSE(FD_ISSET(5000, &set));
  EXPECT_TRUE(FD_ISSET(100 + FD_SETSIZE - 1, &set));
  FD_SET(INVALID_SOCKET, &set);
  EXPECT_FALSE(FD_ISSET(INVALID_SOCKET, &set));
}

TEST(WinsockMacros, TimevalHelpers) {
  timeval a{1, 500};
  timeval b{1, 600};
  timeval zero{0, 0};
  EXPECT_TRUE(timerisset(&a));
  EXPECT_FALSE(timerisset(&zero));
  EXPECT_TRUE(timercmp(&a, &b, <));
  EXPECT_FALSE(timercmp(&a, &b, >));
  timerclear(&a);
  EXPECT_FALSE(timerisset(&a));
}

TEST(WinsockTypes, TcpKeepaliveAggregateInitialisation) {
  tcp_keepalive ka{1, 7200000, 1000};
  EXPECT_EQ(ka.onoff, 1u);
  EXPECT_EQ(ka.keepalivetime, 7200000u);
  EXPECT_EQ(ka.keepaliveinterval, 1000u);
  tcp_keepalive max{1, 0xFFFFFFFFu, 0xFFFFFFFFu};  // 49.7 days is a valid value
  EXPECT_EQ(max.keepalivetime, 0xFFFFFFFFu);
}

TEST(WinsockTypes, OverlappedUnion) {
  WSAOVERLAPPED ov{};
  ov.Offset = 0x11111111u;
  ov.OffsetHigh = 0x22222222u;
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(ov.Pointer), 0x2222222211111111u);
  EXPECT_EQ(ov.hEvent, nullptr);
}

}  // namespace
