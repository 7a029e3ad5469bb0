// Fixtures for the emulator's tests: a world with a client and a server host, and helpers that
// perform the usual Winsock sequences on them.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "ws2sim/winsock/world.h"
// The drop-in headers, exactly as a Windows program includes them.
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::winsock::testing {

using namespace std::chrono_literals;

inline TimePoint at(Duration d) {
  return kEpoch + d;
}

/// ipv4_address — a sockaddr_in for dotted-quad `ip` and `port`.
inline sockaddr_in ipv4_address(const char* ip, u_short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

/// A world with `client` (running the profile under test) and `server` (Windows Server 2022)
/// 1 ms apart. Each side has called WSAStartup(2.2). The server listens on 10.0.0.2:443.
class EmulatorTest : public ::testing::Test {
 protected:
  void make_hosts(std::string_view client_profile) {
    client = &world.add_host("client", client_profile, "10.0.0.1").value().get();
    server = &world.add_host("server", "windows-server-2022", "10.0.0.2").value().get();
    WSADATA data;
    {
      HostScope on(*server);
      ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
      listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      ASSERT_NE(listener, INVALID_SOCKET);
      sockaddr_in a = address("0.0.0.0", 443);
      ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
      ASSERT_EQ(listen(listener, SOMAXCONN), 0);
    }
    HostScope on(*client);
    ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  }

  static sockaddr_in address(const char* ip, u_short port) { return ipv4_address(ip, port); }

  /// WSAIoctl(SIO_KEEPALIVE_VALS) {1, time_ms, interval_ms} on `s`: 0 or the WSA error.
  static int set_keepalive_vals(SOCKET s, ULONG time_ms, ULONG interval_ms) {
    tcp_keepalive ka{1, time_ms, interval_ms};
    DWORD returned = 0;
    return WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr,
                    nullptr) == 0
               ? 0
               : WSAGetLastError();
  }

  /// connect() the client socket `s` to the server (call inside a client HostScope).
  static int connect_to_server(SOCKET s) {
    sockaddr_in a = address("10.0.0.2", 443);
    return connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }

  /// Takes the connection waiting on the server's listener.
  SOCKET accept_on_server() {
    HostScope on(*server);
    return accept(listener, nullptr, nullptr);
  }

  World world{1};
  Host* client = nullptr;
  Host* server = nullptr;
  SOCKET listener = INVALID_SOCKET;
};

}  // namespace ws2sim::winsock::testing
