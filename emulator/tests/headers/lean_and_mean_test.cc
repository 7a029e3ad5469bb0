// WIN32_LEAN_AND_MEAN keeps the sockets API out of windows.h, as on Windows, and the sockets
// headers can still be included afterwards, under every file-name spelling real programs use.

#define WIN32_LEAN_AND_MEAN
#include <Windows.h>

#ifdef _WINSOCK2API_
#error "windows.h must not include winsock2.h under WIN32_LEAN_AND_MEAN"
#endif
#ifdef SOCKET_ERROR
#error "windows.h must not define the sockets API under WIN32_LEAN_AND_MEAN"
#endif

// clang-format off
#include <WinSock2.h>
#include <Winsock2.h>
#include <winsock.h>
#include <WS2tcpip.h>
#include <Ws2tcpip.h>
#include <MSWSock.h>
#include <MSTcpIP.h>
#include <VersionHelpers.h>
#include <windows.h>
#include <winsock2.h>
// clang-format on

#include <gtest/gtest.h>

namespace {

static_assert(sizeof(fd_set) == 520 && sizeof(tcp_keepalive) == 12);

TEST(HeaderSpellings, LeanWindowsThenSocketsUnderEverySpelling) {
  EXPECT_EQ(SO_CONNECT_TIME, 0x700C);
  EXPECT_EQ(SIO_KEEPALIVE_VALS, 0x98000004u);
  EXPECT_EQ(TCP_KEEPCNT, 16);
  EXPECT_EQ(MAKEWORD(2, 2), 0x0202);
}

}  // namespace
