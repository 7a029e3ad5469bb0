// The Winsock half of libc_coexistence_test.cc: the same function names (socket, send, recv),
// here the emulated ones.
#include "ws2sim/winsock/world.h"
// The drop-in Windows headers.
#include <winsock2.h>
#include <ws2tcpip.h>

int emulated_socket_roundtrip() {
  ws2sim::winsock::World world{3};
  auto& a = world.add_host("a", "windows-11", "10.0.0.1").value().get();
  auto& b = world.add_host("b", "windows-11", "10.0.0.2").value().get();
  WSADATA wsa;
  SOCKET peer;
  {
    ws2sim::winsock::HostScope on(b);
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(7);
    bind(l, reinterpret_cast<sockaddr*>(&any), sizeof any);
    listen(l, 1);
    ws2sim::winsock::HostScope client(a);
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(7);
    inet_pton(AF_INET, "10.0.0.2", &to.sin_addr);
    connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to);
    send(s, "ping", 4, 0);
    {
      ws2sim::winsock::HostScope server(b);
      peer = accept(l, nullptr, nullptr);
      char buf[8];
      return recv(peer, buf, sizeof buf, 0);
    }
  }
}
