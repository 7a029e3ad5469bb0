// The example of docs/testing.md, compiled and run as a test (scripts/check-docs.sh keeps the two
// identical).
#include <gtest/gtest.h>

#include <chrono>

#include "ws2sim/winsock/world.h"
// The drop-in Windows headers come after the ws2sim headers.
#include <mstcpip.h>
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace std::chrono_literals;
using ws2sim::winsock::Host;
using ws2sim::winsock::HostScope;
using ws2sim::winsock::World;

// The code under test: ordinary Winsock code, as it would run on Windows.
SOCKET connect_with_keepalive(const char* ip, u_short port) {
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  tcp_keepalive ka{1, 30'000, 1'000};  // probe after 30 s idle, then every second
  DWORD returned = 0;
  WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, ip, &addr.sin_addr);
  connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  return s;
}

TEST(MyClient, NoticesADeadServerWithinFortySeconds) {
  World world{/*seed=*/42};
  Host& client = world.add_host("client", "windows-10-22h2", "10.0.0.1").value();
  Host& server = world.add_host("server", "windows-server-2022", "10.0.0.2").value();
  ASSERT_TRUE(world.set_link(client, server, {.latency = 5ms, .loss = 0.0}).ok());

  WSADATA wsa;
  {
    HostScope on(server);  // this thread's Winsock calls now act on the server
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(443);
    bind(listener, reinterpret_cast<sockaddr*>(&any), sizeof any);
    listen(listener, SOMAXCONN);
  }

  HostScope on(client);
  WSAStartup(MAKEWORD(2, 2), &wsa);
  SOCKET s = connect_with_keepalive("10.0.0.2", 443);  // returns at 10 ms of virtual time
  ASSERT_NE(s, INVALID_SOCKET);

  ASSERT_TRUE(world.crash(server).ok());  // the server stops answering
  char buf[64];
  EXPECT_EQ(recv(s, buf, sizeof buf, 0), SOCKET_ERROR);  // blocks in virtual time...
  EXPECT_EQ(WSAGetLastError(), WSAENETRESET);            // ...until keep-alive gives up
  // 30 s idle + 10 probes x 1 s after the last segment received (the SYN-ACK at 10 ms).
  EXPECT_EQ(world.now(), ws2sim::kEpoch + 40s + 10ms);
  closesocket(s);
  WSACleanup();
}
