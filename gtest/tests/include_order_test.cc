// ws2sim/gtest.h included after the drop-in Windows headers (a user's header that includes
// winsock2.h first): it still compiles, warning-free, and its matchers work.
#include <mstcpip.h>
#include <windows.h>
#include <winsock2.h>
// Then the helpers.
#include "ws2sim/gtest.h"

namespace {

using ws2sim::gtest::FailsWith;
using ws2sim::gtest::HostScope;
using ws2sim::gtest::IsWsaError;

class AfterWindowsHeaders : public ws2sim::gtest::WinsockTest {};

TEST_F(AfterWindowsHeaders, MatchersWork) {
  HostScope on(add_host("client", "windows-10-22h2", "10.0.0.1"));
  // No WSAStartup on this host yet: calls fail with WSANOTINITIALISED.
  EXPECT_THAT(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), FailsWith(WSANOTINITIALISED));
  EXPECT_THAT(WSAGetLastError(), IsWsaError(WSANOTINITIALISED));
}

}  // namespace
