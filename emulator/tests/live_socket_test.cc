// Live hosts on this machine's loopback (no root needed): unmodified Winsock calls on real Linux
// sockets, with the profile's semantics and the live log of what Linux was given.
#include <gtest/gtest.h>

#include <string>

#include "ws2sim/winsock/world.h"
// The drop-in Windows headers, as an unmodified program sees them.
#include <mstcpip.h>
#include <winsock2.h>
#include <ws2tcpip.h>

namespace {

using ws2sim::winsock::Host;
using ws2sim::winsock::HostScope;
using ws2sim::winsock::LiveRecord;
using ws2sim::winsock::RegistryValue;
using ws2sim::winsock::World;

class LiveSockets : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = &world_.add_live_host("client", "windows-10-22h2").value().get();
    server_ = &world_.add_live_host("server", "windows-server-2022").value().get();
    for (Host* h : {client_, server_}) {
      HostScope on(*h);
      WSADATA d;
      ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);
    }
  }

  // A listener on 127.0.0.1 (kernel-chosen port) on the server; its address in `addr_`.
  SOCKET listen_on_loopback() {
    HostScope on(*server_);
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    addr_.sin_family = AF_INET;
    addr_.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.1", &addr_.sin_addr);
    EXPECT_EQ(bind(l, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_), 0);
    EXPECT_EQ(listen(l, 4), 0);
    int len = sizeof addr_;
    EXPECT_EQ(getsockname(l, reinterpret_cast<sockaddr*>(&addr_), &len), 0);
    return l;
  }

  // The client's live-log entries of kind `what`.
  std::vector<std::string> client_log(const std::string& what) const {
    std::vector<std::string> out;
    for (const LiveRecord& r : world_.live_log()) {
      if (r.host == "client" && r.what == what) out.push_back(r.detail);
    }
    return out;
  }

  World world_{1};
  Host* client_ = nullptr;
  Host* server_ = nullptr;
  sockaddr_in addr_{};
};

TEST_F(LiveSockets, HostsAreLive) {
  EXPECT_TRUE(client_->live());
  World emulated{1};
  EXPECT_FALSE(emulated.add_host("h", "windows-xp", "10.0.0.1").value().get().live());
}

TEST(LiveHosts, PlaceholderAddressesAvoidEmulatedHostsAndBadProfilesFail) {
  World world{1};
  ASSERT_TRUE(world.add_host("emulated", "windows-xp", "240.255.255.1").ok());
  auto live = world.add_live_host("live", "windows-xp");
  ASSERT_TRUE(live.ok()) << live.error().message;
  EXPECT_TRUE(live->get().live());
  const auto bad = world.add_live_host("bad", "windows-95");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("unknown profile"), std::string::npos);
  EXPECT_FALSE(world.add_live_host("live", "windows-xp").ok());  // names stay unique
}

TEST_F(LiveSockets, BytesCrossARealConnection) {
  const SOCKET l = listen_on_loopback();
  SOCKET c;
  {
    HostScope on(*client_);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_), 0)
        << WSAGetLastError();
    EXPECT_EQ(send(c, "hello", 5, 0), 5);
  }
  HostScope on(*server_);
  sockaddr_in peer{};
  int len = sizeof peer;
  const SOCKET a = accept(l, reinterpret_cast<sockaddr*>(&peer), &len);
  ASSERT_NE(a, INVALID_SOCKET) << WSAGetLastError();
  EXPECT_EQ(ntohl(peer.sin_addr.s_addr), 0x7F000001U);
  char buf[8] = {};
  EXPECT_EQ(recv(a, buf, 5, MSG_WAITALL), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  EXPECT_EQ(closesocket(a), 0);
  EXPECT_EQ(closesocket(l), 0);
  HostScope on_client(*client_);
  EXPECT_EQ(recv(c, buf, 1, 0), 0);  // the server closed: end of stream
  EXPECT_EQ(closesocket(c), 0);
}

TEST_F(LiveSockets, ConnectToAClosedPortIsRefused) {
  const SOCKET l = listen_on_loopback();
  {
    HostScope on(*server_);
    closesocket(l);  // the port is free again: nothing listens there
  }
  HostScope on(*client_);
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  EXPECT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAECONNREFUSED);
}

TEST_F(LiveSockets, SubSecondKeepAliveIsRoundedUpAndLogged) {
  HostScope on(*client_);
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  tcp_keepalive ka{1, 1500, 500};
  DWORD bytes = 0;
  ASSERT_EQ(WSAIoctl(c, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &bytes, nullptr, nullptr),
            0);  // succeeds, as on Windows
  const auto set = client_log("keepalive-set");
  ASSERT_FALSE(set.empty());
  EXPECT_EQ(set.back(), "SO_KEEPALIVE=1 TCP_KEEPIDLE=2 TCP_KEEPINTVL=1 TCP_KEEPCNT=10");
  EXPECT_EQ(client_log("clamped"),
            (std::vector<std::string>{"TCP_KEEPIDLE rounded-up: windows 1.5s -> linux 2 s",
                                      "TCP_KEEPINTVL rounded-up: windows 500ms -> linux 1 s"}));
  // Windows' own view is unchanged: getsockopt reads Windows' value in whole seconds.
  DWORD idle = 0;
  int len = sizeof idle;
  EXPECT_EQ(getsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, reinterpret_cast<char*>(&idle), &len), 0);
  EXPECT_EQ(idle, 1U);
}

TEST_F(LiveSockets, TcpKeepCntAbove127IsClampedButSucceeds) {
  HostScope on(*client_);
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  BOOL on_ = TRUE;
  ASSERT_EQ(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&on_), sizeof on_), 0);
  DWORD count = 200;
  EXPECT_EQ(setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, reinterpret_cast<char*>(&count), sizeof count),
            0);
  EXPECT_EQ(client_log("keepalive-set").back(),
            "SO_KEEPALIVE=1 TCP_KEEPIDLE=7200 TCP_KEEPINTVL=1 TCP_KEEPCNT=127");
  EXPECT_EQ(client_log("clamped"),
            (std::vector<std::string>{"TCP_KEEPCNT lowered-to-maximum: windows 200 -> linux 127"}));
}

TEST(LiveXp, ZeroProbesSwitchLinuxKeepAliveOff) {
  World world{1};
  Host& xp = world.add_live_host("xp", "windows-xp").value();
  ASSERT_TRUE(xp.set_registry(RegistryValue::kTcpMaxDataRetransmissions, 0).ok());
  ASSERT_TRUE(xp.set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 0).ok());
  HostScope on(xp);
  WSADATA d;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  DWORD on_ = 1;  // XP: the DWORD rule
  ASSERT_EQ(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&on_), sizeof on_), 0);
  std::vector<std::string> set;
  std::vector<std::string> clamped;
  for (const LiveRecord& r : world.live_log()) {
    if (r.what == "keepalive-set") set.push_back(r.detail);
    if (r.what == "clamped") clamped.push_back(r.detail);
  }
  ASSERT_FALSE(set.empty());
  EXPECT_EQ(set.back(), "SO_KEEPALIVE=0 TCP_KEEPIDLE=7200 TCP_KEEPINTVL=1 TCP_KEEPCNT=1");
  EXPECT_EQ(clamped, (std::vector<std::string>{"TCP_KEEPCNT switched-off: windows 0 -> linux 0"}));
  // Windows still reads keep-alive as on.
  DWORD v = 0;
  int len = sizeof v;
  EXPECT_EQ(getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&v), &len), 0);
  EXPECT_EQ(v, 1U);
}

TEST_F(LiveSockets, SelectSeesAPendingConnectionAndData) {
  const SOCKET l = listen_on_loopback();
  SOCKET c;
  {
    HostScope on(*client_);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_), 0);
  }
  HostScope on(*server_);
  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(l, &readable);
  timeval forever_enough{5, 0};
  ASSERT_EQ(select(0, &readable, nullptr, nullptr, &forever_enough), 1);
  EXPECT_TRUE(FD_ISSET(l, &readable));
  const SOCKET a = accept(l, nullptr, nullptr);
  ASSERT_NE(a, INVALID_SOCKET);
  FD_ZERO(&readable);
  FD_SET(a, &readable);
  timeval none{0, 0};
  EXPECT_EQ(select(0, &readable, nullptr, nullptr, &none), 0);  // nothing sent yet
  {
    HostScope on_client(*client_);
    ASSERT_EQ(send(c, "x", 1, 0), 1);
  }
  FD_ZERO(&readable);
  FD_SET(a, &readable);
  EXPECT_EQ(select(0, &readable, nullptr, nullptr, &forever_enough), 1);
}

// Regression: a listener's accept() with nothing queued blocked inside Asio, holding the world
// lock, instead of failing with WSAEWOULDBLOCK on a non-blocking listener.
TEST_F(LiveSockets, NonBlockingAcceptWithNothingQueuedWouldBlock) {
  const SOCKET l = listen_on_loopback();
  HostScope on(*server_);
  u_long nonblocking = 1;
  ASSERT_EQ(ioctlsocket(l, FIONBIO, &nonblocking), 0);
  EXPECT_EQ(accept(l, nullptr, nullptr), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
}

TEST_F(LiveSockets, NonBlockingRecvWouldBlock) {
  const SOCKET l = listen_on_loopback();
  HostScope on(*client_);
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_), 0);
  u_long nonblocking = 1;
  ASSERT_EQ(ioctlsocket(c, FIONBIO, &nonblocking), 0);
  char b = 0;
  EXPECT_EQ(recv(c, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
  (void)l;
}

TEST_F(LiveSockets, RecvTimeoutIsWsaeTimedOut) {
  const SOCKET l = listen_on_loopback();
  HostScope on(*client_);
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  DWORD ms = 50;
  ASSERT_EQ(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<char*>(&ms), sizeof ms), 0);
  ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_), 0);
  char b = 0;
  EXPECT_EQ(recv(c, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAETIMEDOUT);
  (void)l;
}

TEST_F(LiveSockets, BlockingCallsEndWithWsaeintrAtTheHorizon) {
  const SOCKET l = listen_on_loopback();
  HostScope on(*client_);
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_), 0);
  world_.set_horizon(world_.now() + std::chrono::milliseconds(50));
  char b = 0;
  EXPECT_EQ(recv(c, &b, 1, 0), SOCKET_ERROR);  // nothing ever arrives
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  (void)l;
}

TEST_F(LiveSockets, DatagramSocketsAreRefusedAndLogged) {
  HostScope on(*client_);
  EXPECT_EQ(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAESOCKTNOSUPPORT);
}

}  // namespace
