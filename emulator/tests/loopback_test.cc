// Loopback through Winsock (docs/behaviour.md §14): a server on 127.0.0.1 and a client on
// the same host, the shape of most unit tests of network code; the host's own address; a
// listener bound to loopback is not reachable from other hosts.
#include <gtest/gtest.h>

#include <cstring>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

class WinsockLoopback : public EmulatorTest {
 protected:
  void SetUp() override {
    make_hosts("windows-10-22h2");
    // The path between the two hosts is slow and cut: loopback must not use it.
    ASSERT_TRUE(world.set_link(*client, *server, {.latency = 250ms, .loss = 0.0}).ok());
    ASSERT_TRUE(world.partition(*client, *server).ok());
  }

  // On the client host: a listener bound to `bound`:8080.
  static SOCKET listen_on(const char* bound) {
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in a = address(bound, 8080);
    EXPECT_EQ(bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << WSAGetLastError();
    EXPECT_EQ(listen(l, SOMAXCONN), 0);
    return l;
  }

  static int connect_to(SOCKET s, const char* ip, u_short port = 8080) {
    sockaddr_in a = address(ip, port);
    return connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }

  static std::string text(const sockaddr_in& a) {
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(a.sin_port));
  }
};

TEST_F(WinsockLoopback, AServerOn127001AndAClientOnTheSameHostTalkAtOnce) {
  HostScope on(*client);
  SOCKET l = listen_on("127.0.0.1");
  SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_EQ(connect_to(c, "127.0.0.1"), 0) << WSAGetLastError();
  sockaddr_in peer{};
  int len = sizeof peer;
  SOCKET a = accept(l, reinterpret_cast<sockaddr*>(&peer), &len);
  ASSERT_NE(a, INVALID_SOCKET);
  ASSERT_EQ(send(c, "ping", 4, 0), 4);
  char buf[8] = {};
  ASSERT_EQ(recv(a, buf, sizeof buf, 0), 4);
  EXPECT_STREQ(buf, "ping");
  EXPECT_EQ(world.now(), at(0ms)) << "no path latency on loopback";

  sockaddr_in local{};
  len = sizeof local;
  ASSERT_EQ(getsockname(c, reinterpret_cast<sockaddr*>(&local), &len), 0);
  EXPECT_EQ(text(local), text(peer)) << "the accepted peer is the client's own address";
  EXPECT_EQ(text(local).rfind("127.0.0.1:", 0), 0U);
  len = sizeof local;
  ASSERT_EQ(getsockname(a, reinterpret_cast<sockaddr*>(&local), &len), 0);
  EXPECT_EQ(text(local), "127.0.0.1:8080");
}

TEST_F(WinsockLoopback, BindingALoopbackAddressSucceedsAndAForeignOneDoesNot) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in a = address("127.0.0.2", 0);
  EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  SOCKET t = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in b = address("10.0.0.2", 0);  // the other host's
  EXPECT_EQ(bind(t, reinterpret_cast<sockaddr*>(&b), sizeof b), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEADDRNOTAVAIL);
}

TEST_F(WinsockLoopback, TheHostsOwnAddressIsReachedWithoutThePath) {
  HostScope on(*client);
  SOCKET l = listen_on("0.0.0.0");
  SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_EQ(connect_to(c, "10.0.0.1"), 0) << WSAGetLastError();
  EXPECT_NE(accept(l, nullptr, nullptr), INVALID_SOCKET);
  EXPECT_EQ(world.now(), at(0ms));
}

TEST_F(WinsockLoopback, AListenerOnLoopbackIsNotReachableFromAnotherHost) {
  ASSERT_TRUE(world.heal(*client, *server).ok());
  {
    HostScope on(*server);
    (void)listen_on("127.0.0.1");
  }
  HostScope on(*client);
  SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  EXPECT_EQ(connect_to(c, "10.0.0.2"), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAECONNREFUSED);
}

TEST_F(WinsockLoopback, KeepAliveProbesRunOnALoopbackConnectionAndAreAnswered) {
  HostScope on(*client);
  SOCKET l = listen_on("127.0.0.1");
  SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  tcp_keepalive ka{1, 1000, 500};
  DWORD returned = 0;
  ASSERT_EQ(
      WSAIoctl(c, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr), 0);
  ASSERT_EQ(connect_to(c, "127.0.0.1"), 0);
  ASSERT_NE(accept(l, nullptr, nullptr), INVALID_SOCKET);
  ASSERT_TRUE(world.run_for(3500ms).ok());
  std::size_t probes = 0;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kProbeSent && e.host == client->id()) ++probes;
  }
  EXPECT_EQ(probes, 3U) << "at 1 s, 2 s and 3 s";
  std::size_t answered = 0;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kProbeAnswered && e.host == client->id()) ++answered;
  }
  EXPECT_EQ(answered, 3U) << "each answered at once";
  EXPECT_EQ(send(c, "x", 1, 0), 1) << "still connected";
}

}  // namespace
}  // namespace ws2sim::winsock::testing
