// WSAConnect, WSAAccept with a condition function, WSAConnectByName and WSAConnectByList
// (docs/windows-code.md): each is the plain call plus its extras, timed in virtual time.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

std::string text(const sockaddr* a) {
  char buf[INET6_ADDRSTRLEN] = {};
  u_short port = 0;
  if (a->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(a);
    inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    port = ntohs(v6->sin6_port);
    return "[" + std::string(buf) + "]:" + std::to_string(port);
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(a);
  inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(v4->sin_port));
}

// What a condition function saw, and what it answers.
struct Seen {
  int answer = CF_ACCEPT;
  int calls = 0;
  std::string caller;
  std::string callee;
  bool no_data_no_qos = false;
};

int CALLBACK condition(LPWSABUF caller_id, LPWSABUF caller_data, LPQOS sqos, LPQOS gqos,
                       LPWSABUF callee_id, LPWSABUF callee_data, GROUP* g, DWORD_PTR data) {
  auto* seen = reinterpret_cast<Seen*>(data);
  ++seen->calls;
  seen->caller = text(reinterpret_cast<const sockaddr*>(caller_id->buf));
  seen->callee = text(reinterpret_cast<const sockaddr*>(callee_id->buf));
  seen->no_data_no_qos = caller_data == nullptr && callee_data == nullptr && sqos == nullptr &&
                         gqos == nullptr && g != nullptr && *g == 0;
  return seen->answer;
}

class ConnectAccept : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }

  // A client socket connected to the server's listener; its local address as text.
  std::string connect_client(SOCKET* out) {
    HostScope on(*client);
    *out = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    EXPECT_EQ(connect_to_server(*out), 0);
    sockaddr_in local{};
    int len = sizeof local;
    EXPECT_EQ(getsockname(*out, reinterpret_cast<sockaddr*>(&local), &len), 0);
    return text(reinterpret_cast<sockaddr*>(&local));
  }
};

TEST_F(ConnectAccept, WsaConnectIsConnectWithoutConnectDataOrQos) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in to = address("10.0.0.2", 443);
  char back[8];
  WSABUF callee{sizeof back, back};
  ASSERT_EQ(WSAConnect(s, reinterpret_cast<sockaddr*>(&to), sizeof to, nullptr, &callee, nullptr,
                       nullptr),
            0);
  EXPECT_EQ(callee.len, 0U) << "no connect data comes back over TCP";
  EXPECT_EQ(world.now(), at(2ms)) << "one round trip, as connect()";
  SOCKET t = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  QOS qos{};
  EXPECT_EQ(
      WSAConnect(t, reinterpret_cast<sockaddr*>(&to), sizeof to, nullptr, nullptr, &qos, nullptr),
      SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  EXPECT_EQ(WSAConnect(s, reinterpret_cast<sockaddr*>(&to), sizeof to, nullptr, nullptr, nullptr,
                       nullptr),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEISCONN) << "connect()'s own checks apply";
}

TEST_F(ConnectAccept, TheConditionFunctionSeesBothEndsAndItsDataBeforeAccepting) {
  SOCKET c;
  const std::string client_end = connect_client(&c);
  HostScope on(*server);
  Seen seen;
  sockaddr_in peer{};
  int len = sizeof peer;
  const SOCKET a = WSAAccept(listener, reinterpret_cast<sockaddr*>(&peer), &len, condition,
                             reinterpret_cast<DWORD_PTR>(&seen));
  ASSERT_NE(a, INVALID_SOCKET) << WSAGetLastError();
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.caller, client_end);
  EXPECT_EQ(seen.callee, "10.0.0.2:443");
  EXPECT_TRUE(seen.no_data_no_qos);
  EXPECT_EQ(text(reinterpret_cast<sockaddr*>(&peer)), client_end);
}

TEST_F(ConnectAccept, WithoutAConditionFunctionItIsAccept) {
  SOCKET c;
  const std::string client_end = connect_client(&c);
  HostScope on(*server);
  sockaddr_in peer{};
  int len = sizeof peer;
  ASSERT_NE(WSAAccept(listener, reinterpret_cast<sockaddr*>(&peer), &len, nullptr, 0),
            INVALID_SOCKET)
      << WSAGetLastError();
  EXPECT_EQ(text(reinterpret_cast<sockaddr*>(&peer)), client_end);
}

TEST_F(ConnectAccept, ADeferredConnectionStaysQueuedAndARejectedOneIsReset) {
  SOCKET first;
  const std::string first_end = connect_client(&first);
  SOCKET second;
  const std::string second_end = connect_client(&second);
  {
    HostScope on(*server);
    Seen seen;
    seen.answer = CF_DEFER;
    EXPECT_EQ(WSAAccept(listener, nullptr, nullptr, condition, reinterpret_cast<DWORD_PTR>(&seen)),
              INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSATRY_AGAIN);
    EXPECT_EQ(seen.caller, first_end);
    seen.answer = CF_REJECT;
    EXPECT_EQ(WSAAccept(listener, nullptr, nullptr, condition, reinterpret_cast<DWORD_PTR>(&seen)),
              INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAECONNREFUSED);
    EXPECT_EQ(seen.caller, first_end) << "the deferred connection was still first";
    seen.answer = 7;
    EXPECT_EQ(WSAAccept(listener, nullptr, nullptr, condition, reinterpret_cast<DWORD_PTR>(&seen)),
              INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "not a condition function's answer";
    seen.answer = CF_ACCEPT;
    EXPECT_NE(WSAAccept(listener, nullptr, nullptr, condition, reinterpret_cast<DWORD_PTR>(&seen)),
              INVALID_SOCKET);
    EXPECT_EQ(seen.caller, second_end);
    EXPECT_EQ(seen.calls, 4);
  }
  HostScope on(*client);
  char b = 0;
  EXPECT_EQ(recv(first, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAECONNRESET) << "the rejected client was reset";
}

TEST_F(ConnectAccept, WsaAcceptChecksLikeAccept) {
  HostScope on(*server);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  Seen seen;
  EXPECT_EQ(WSAAccept(s, nullptr, nullptr, condition, reinterpret_cast<DWORD_PTR>(&seen)),
            INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "not listening";
  u_long on_ = 1;
  ASSERT_EQ(ioctlsocket(listener, static_cast<LONG>(FIONBIO), &on_), 0);
  EXPECT_EQ(WSAAccept(listener, nullptr, nullptr, condition, reinterpret_cast<DWORD_PTR>(&seen)),
            INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK) << "nothing queued on a non-blocking listener";
  EXPECT_EQ(seen.calls, 0);
}

TEST_F(ConnectAccept, ConnectByNameReachesAnIpv4ServerFromADualStackSocket) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  DWORD off = 0;
  ASSERT_EQ(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<char*>(&off), sizeof off), 0);
  sockaddr_in6 local{};
  sockaddr_in6 remote{};
  DWORD local_len = sizeof local;
  DWORD remote_len = sizeof remote;
  char node[] = "server";
  char service[] = "https";
  ASSERT_TRUE(WSAConnectByNameA(s, node, service, &local_len, reinterpret_cast<sockaddr*>(&local),
                                &remote_len, reinterpret_cast<sockaddr*>(&remote), nullptr,
                                nullptr))
      << WSAGetLastError();
  EXPECT_EQ(remote_len, 28U);
  EXPECT_EQ(text(reinterpret_cast<sockaddr*>(&remote)), "[::ffff:10.0.0.2]:443");
  EXPECT_EQ(text(reinterpret_cast<sockaddr*>(&local)).rfind("[::ffff:10.0.0.1]:", 0), 0U);
  SOCKET t = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  char nowhere[] = "nowhere";
  EXPECT_FALSE(
      WSAConnectByNameA(t, nowhere, service, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAHOST_NOT_FOUND);
  WSAOVERLAPPED reserved{};
  EXPECT_FALSE(
      WSAConnectByNameA(t, node, service, nullptr, nullptr, nullptr, nullptr, nullptr, &reserved));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
}

TEST_F(ConnectAccept, ConnectByListTriesEachAddressUntilOneAnswers) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in closed = address("10.0.0.2", 8081);  // refused: about 2 s on Windows 10
  sockaddr_in open = address("10.0.0.2", 443);
  std::vector<char> storage(sizeof(SOCKET_ADDRESS_LIST) + sizeof(SOCKET_ADDRESS));
  auto* list = reinterpret_cast<SOCKET_ADDRESS_LIST*>(storage.data());
  list->iAddressCount = 2;
  list->Address[0] = {reinterpret_cast<LPSOCKADDR>(&closed), sizeof closed};
  list->Address[1] = {reinterpret_cast<LPSOCKADDR>(&open), sizeof open};
  sockaddr_in remote{};
  DWORD remote_len = sizeof remote;
  ASSERT_TRUE(WSAConnectByList(s, list, nullptr, nullptr, &remote_len,
                               reinterpret_cast<sockaddr*>(&remote), nullptr, nullptr))
      << WSAGetLastError();
  EXPECT_EQ(text(reinterpret_cast<sockaddr*>(&remote)), "10.0.0.2:443");
  EXPECT_GE(world.now(), at(2s)) << "after the refused first address";
  EXPECT_LT(world.now(), at(3s));
  list->iAddressCount = 0;
  SOCKET t = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  EXPECT_FALSE(WSAConnectByList(t, list, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
}

TEST_F(ConnectAccept, ConnectByListGivesUpAtItsTimeout) {
  ASSERT_TRUE(world.partition(*client, *server).ok());
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in to = address("10.0.0.2", 443);
  SOCKET_ADDRESS_LIST list{1, {{reinterpret_cast<LPSOCKADDR>(&to), sizeof to}}};
  const timeval timeout{1, 500'000};
  EXPECT_FALSE(WSAConnectByList(s, &list, nullptr, nullptr, nullptr, nullptr, &timeout, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAETIMEDOUT);
  EXPECT_EQ(world.now(), at(1500ms));
}

}  // namespace
}  // namespace ws2sim::winsock::testing
