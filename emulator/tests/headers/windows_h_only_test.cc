// As on Windows, windows.h alone (without WIN32_LEAN_AND_MEAN) brings in the sockets API.

#include <gtest/gtest.h>
#include <windows.h>

#include <type_traits>

namespace {

static_assert(std::is_same_v<SOCKET, UINT_PTR>);
static_assert(std::is_same_v<decltype(&setsockopt), int (*)(SOCKET, int, int, const char*, int)>);

TEST(HeaderSpellings, WindowsHeaderAloneProvidesWinsock) {
  EXPECT_EQ(SOL_SOCKET, 0xffff);
  EXPECT_EQ(SO_KEEPALIVE, 0x0008);
  EXPECT_EQ(WSAENOPROTOOPT, 10042);
}

}  // namespace
