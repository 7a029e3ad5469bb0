// The socket lifecycle calls (socket, bind, listen, accept, connect, send, recv, shutdown,
// getsockname, getpeername, ioctlsocket, closesocket, WSAStartup, WSACleanup): results, and the
// exact error for bad input with no change of state.
#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

class SocketApi : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

TEST_F(SocketApi, StartupNegotiatesVersions) {
  HostScope on(*client);
  WSADATA d;
  EXPECT_EQ(WSAStartup(MAKEWORD(1, 0), &d), WSAVERNOTSUPPORTED);
  EXPECT_EQ(WSAStartup(MAKEWORD(0, 9), &d), WSAVERNOTSUPPORTED);
  EXPECT_EQ(WSAStartup(MAKEWORD(2, 2), nullptr), WSAEFAULT);
  ASSERT_EQ(WSAStartup(MAKEWORD(1, 1), &d), 0);
  EXPECT_EQ(d.wVersion, MAKEWORD(1, 1));
  EXPECT_EQ(d.wHighVersion, MAKEWORD(2, 2));
  ASSERT_EQ(WSAStartup(MAKEWORD(3, 0), &d), 0);  // newer than 2.2: 2.2 is offered
  EXPECT_EQ(d.wVersion, MAKEWORD(2, 2));
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 1), &d), 0);
  EXPECT_EQ(d.wVersion, MAKEWORD(2, 1));
  EXPECT_STREQ(d.szSystemStatus, "Running");
}

TEST_F(SocketApi, CleanupIsReferenceCountedAndResetsSockets) {
  HostScope on(*client);
  WSADATA d;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);  // second reference (make_hosts took one)
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(WSACleanup(), 0);
  EXPECT_EQ(client->socket_count(), 1U);  // one reference left: still running
  ASSERT_EQ(WSACleanup(), 0);
  EXPECT_EQ(client->socket_count(), 0U);  // last cleanup deallocates every socket
  EXPECT_EQ(closesocket(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(WSACleanup(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

// The host's socket table is a hash table; WSACleanup must still reset its sockets in handle
// order, so the trace never depends on the hash. Three connections opened in order: their RSTs
// leave in the same order.
TEST_F(SocketApi, CleanupResetsSocketsInHandleOrder) {
  HostScope on(*client);
  std::vector<std::uint16_t> ports;  // local ports, in socket creation (handle) order
  for (int i = 0; i < 3; ++i) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect_to_server(s), 0);
    ASSERT_NE(accept_on_server(), INVALID_SOCKET);
    sockaddr_in local{};
    int len = sizeof local;
    ASSERT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&local), &len), 0);
    ports.push_back(ntohs(local.sin_port));
  }
  const std::size_t before = world.trace().events().size();
  ASSERT_EQ(WSACleanup(), 0);
  std::vector<std::uint16_t> reset_order;
  const auto events = world.trace().events();
  for (std::size_t i = before; i < events.size(); ++i) {
    const TraceEvent e = events[i];
    if (e.kind == TraceKind::kSegmentSent && e.segment && e.segment->has(tcp_flags::kRst))
      reset_order.push_back(e.segment->source.port);
  }
  EXPECT_EQ(reset_order, ports);
}

TEST_F(SocketApi, CallsWithoutAHostScopeFailWithNotInitialised) {
  EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSADATA d;
  EXPECT_EQ(WSAStartup(MAKEWORD(2, 2), &d), WSASYSNOTREADY);
}

TEST_F(SocketApi, SocketRejectsUnsupportedCombinations) {
  HostScope on(*client);
  const std::size_t before = client->socket_count();
  EXPECT_EQ(socket(AF_UNSPEC + 99, SOCK_STREAM, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  EXPECT_EQ(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEPROTOTYPE);
  EXPECT_EQ(socket(AF_INET, 99, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAESOCKTNOSUPPORT);
  EXPECT_EQ(client->socket_count(), before);
}

TEST_F(SocketApi, HandlesAreNeverReusedAndForeignOnesAreNotSockets) {
  SOCKET server_socket;
  {
    HostScope on(*server);
    server_socket = socket(AF_INET, SOCK_STREAM, 0);
  }
  HostScope on(*client);
  SOCKET a = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(closesocket(a), 0);
  SOCKET b = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_NE(a, b);
  for (SOCKET bad : {a, server_socket, INVALID_SOCKET, SOCKET{0}}) {
    EXPECT_EQ(closesocket(bad), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    char c;
    EXPECT_EQ(recv(bad, &c, 1, 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
  }
}

TEST_F(SocketApi, BindChecksAddressLengthFamilyAndUse) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = address("10.0.0.1", 8080);
  EXPECT_EQ(bind(s, nullptr, sizeof a), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a - 1), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  sockaddr_in other = address("10.9.9.9", 8080);
  EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&other), sizeof other), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEADDRNOTAVAIL);
  sockaddr name{};
  int len = sizeof name;
  EXPECT_EQ(getsockname(s, &name, &len), SOCKET_ERROR);  // still unbound
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), SOCKET_ERROR);  // twice
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  SOCKET t = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEADDRINUSE);
  sockaddr_in got{};
  len = sizeof got;
  ASSERT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&got), &len), 0);
  EXPECT_EQ(ntohs(got.sin_port), 8080);
  EXPECT_EQ(len, static_cast<int>(sizeof got));
}

TEST_F(SocketApi, ListenNeedsABoundStreamSocket) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(listen(s, 5), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  SOCKET d = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_EQ(listen(d, 5), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  EXPECT_EQ(accept(s, nullptr, nullptr), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
}

TEST_F(SocketApi, ConnectErrors) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in zero = address("0.0.0.0", 443);
  EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&zero), sizeof zero), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEADDRNOTAVAIL);
  sockaddr_in closed = address("10.0.0.2", 8081);
  EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&closed), sizeof closed), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAECONNREFUSED);
  EXPECT_EQ(world.now(), at(2s + 6ms));  // docs/behaviour.md §12: three SYNs, three RSTs
  ASSERT_EQ(connect_to_server(s), 0);    // a failed connect may be retried on the same socket
  EXPECT_EQ(connect_to_server(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEISCONN);
}

TEST_F(SocketApi, ConnectToASilentHostTimesOutAfterTwentyOneSeconds) {
  ASSERT_TRUE(world.crash(*server).ok());
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect_to_server(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAETIMEDOUT);
  EXPECT_EQ(world.now(), at(21s));  // SYN, then 3 s and 6 s retransmissions, given up 12 s later
}

TEST_F(SocketApi, NonBlockingConnectRecvAndAccept) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  u_long yes = 1;
  ASSERT_EQ(ioctlsocket(s, FIONBIO, &yes), 0);
  EXPECT_EQ(connect_to_server(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
  EXPECT_EQ(connect_to_server(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEALREADY);
  char c;
  EXPECT_EQ(recv(s, &c, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
  ASSERT_TRUE(world.run_for(10ms).ok());
  EXPECT_EQ(recv(s, &c, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
  EXPECT_EQ(connect_to_server(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEISCONN);
}

TEST_F(SocketApi, SendRecvArgumentsAndShutdown) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  char c = 'x';
  EXPECT_EQ(send(s, &c, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
  ASSERT_EQ(connect_to_server(s), 0);
  EXPECT_EQ(send(s, nullptr, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(send(s, &c, -1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(recv(s, nullptr, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(shutdown(s, 7), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  ASSERT_EQ(shutdown(s, SD_SEND), 0);
  EXPECT_EQ(send(s, &c, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAESHUTDOWN);
  EXPECT_EQ(send(s, &c, 0, 0), SOCKET_ERROR);  // still shut down, even for zero bytes
}

TEST_F(SocketApi, PeekWaitAllAndOrderlyCloseEndOfStream) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect_to_server(s), 0);
  const SOCKET peer = accept_on_server();
  {
    HostScope srv(*server);
    ASSERT_EQ(send(peer, "hello", 5, 0), 5);
    ASSERT_EQ(closesocket(peer), 0);
  }
  char buf[16] = {};
  EXPECT_EQ(recv(s, buf, 2, MSG_PEEK), 2);
  EXPECT_EQ(recv(s, buf, 5, MSG_WAITALL), 5);
  EXPECT_STREQ(buf, "hello");
  EXPECT_EQ(recv(s, buf, sizeof buf, 0), 0);  // FIN: end of stream
  sockaddr_in peer_name{};
  int len = sizeof peer_name;
  ASSERT_EQ(getpeername(s, reinterpret_cast<sockaddr*>(&peer_name), &len), 0);
  EXPECT_EQ(ntohs(peer_name.sin_port), 443);
}

TEST_F(SocketApi, ReceiveTimeoutEndsABlockingRecvInVirtualTime) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect_to_server(s), 0);
  DWORD timeout_ms = 1500;
  ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<char*>(&timeout_ms),
                       sizeof timeout_ms),
            0);
  char c;
  EXPECT_EQ(recv(s, &c, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAETIMEDOUT);
  EXPECT_EQ(world.now(), at(2ms + 1500ms));
}

TEST_F(SocketApi, NetworkDownFailsEveryCall) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  HostSwitches sw;
  sw.network_down = true;
  client->set_switches(sw);
  EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAENETDOWN);
  EXPECT_EQ(closesocket(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENETDOWN);
  client->set_switches({});
  EXPECT_EQ(closesocket(s), 0);  // nothing changed meanwhile
}

TEST_F(SocketApi, AddressTextConversions) {
  in_addr a{};
  EXPECT_EQ(inet_pton(AF_INET, "192.0.2.33", &a), 1);
  EXPECT_EQ(ntohl(a.s_addr), 0xC0000221U);
  EXPECT_EQ(inet_pton(AF_INET, "192.0.2", &a), 0);
  EXPECT_EQ(inet_pton(12345, "1.2.3.4", &a), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  char text[INET_ADDRSTRLEN];
  EXPECT_STREQ(inet_ntop(AF_INET, &a, text, sizeof text), "192.0.2.33");
  EXPECT_EQ(inet_ntop(AF_INET, &a, text, 4), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(inet_addr("10.1"), htonl(0x0A000001U));  // classic short form
  EXPECT_EQ(inet_addr("nonsense"), INADDR_NONE);
  a.s_addr = htonl(0x7F000001U);
  EXPECT_STREQ(inet_ntoa(a), "127.0.0.1");
  EXPECT_EQ(htons(0x1234), 0x3412);
  EXPECT_EQ(ntohl(htonl(0xA1B2C3D4U)), 0xA1B2C3D4U);
}

// The README's pattern, world.add_host(...).value(), with a mistyped profile: the exception names
// the profile and the known ones (it used to say only "wrong index for variant").
TEST(WorldControl, ValueOfAFailedAddHostNamesTheReason) {
  World world{1};
  try {
    (void)world.add_host("client", "windows-12", "10.0.0.1").value();
    FAIL() << "add_host accepted an unknown profile";
  } catch (const BadResultAccess& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown profile 'windows-12'"), std::string::npos) << what;
    EXPECT_NE(what.find("windows-10-22h2"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace ws2sim::winsock::testing
