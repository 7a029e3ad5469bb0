// The Microsoft extension functions (docs/behaviour.md §17) as timelines: AcceptEx with and without
// a data part, GetAcceptExSockaddrs, SO_UPDATE_ACCEPT_CONTEXT, ConnectEx to a listener and to a
// closed port, DisconnectEx with TF_REUSE_SOCKET, and the GUIDs each profile knows.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

constexpr Duration kEstablished = 2ms;  // SYN 1 ms out, SYN-ACK 1 ms back
constexpr Duration kAccepted = 3ms;     // the client's ACK reaches the server
constexpr ULONG_PTR kListenKey = 1;
constexpr DWORD kRoom = sizeof(sockaddr_in) + 16;

template <typename Fn>
Fn load(SOCKET s, GUID id, int* error = nullptr) {
  Fn fn = nullptr;
  DWORD bytes = 0;
  const int rc = WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &fn, sizeof fn,
                          &bytes, nullptr, nullptr);
  if (error != nullptr) {
    *error = rc == 0 ? 0 : WSAGetLastError();
  }
  return fn;
}

std::string text(const sockaddr* a) {
  const auto* in = reinterpret_cast<const sockaddr_in*>(a);
  char ip[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(in->sin_port));
}

class Extensions : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }

  // GetQueuedCompletionStatus: the error (0 on success), the key and the OVERLAPPED.
  static DWORD dequeue(HANDLE port, ULONG_PTR* key, OVERLAPPED** ov, DWORD* bytes,
                       DWORD ms = INFINITE) {
    return GetQueuedCompletionStatus(port, bytes, key, ov, ms) ? 0 : GetLastError();
  }
};

TEST_F(Extensions, TheGuidsLoadTheFunctionsAndAnUnknownOneIsWsaeinval) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  int error = -1;
  EXPECT_NE(load<LPFN_ACCEPTEX>(s, WSAID_ACCEPTEX, &error), nullptr);
  EXPECT_EQ(error, 0);
  EXPECT_NE(load<LPFN_GETACCEPTEXSOCKADDRS>(s, WSAID_GETACCEPTEXSOCKADDRS), nullptr);
  EXPECT_NE(load<LPFN_CONNECTEX>(s, WSAID_CONNECTEX), nullptr);
  EXPECT_NE(load<LPFN_DISCONNECTEX>(s, WSAID_DISCONNECTEX), nullptr);
  const GUID unknown = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};
  EXPECT_EQ(load<LPFN_ACCEPTEX>(s, unknown, &error), nullptr);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(load<LPFN_ACCEPTEX>(s, WSAID_ACCEPTEX), &AcceptEx) << "the mswsock export";
}

TEST(ExtensionProfiles, Windows2000HasAcceptExButNoConnectEx) {
  World world{1};
  Host& w2k = world.add_host("w2k", "windows-2000", "10.0.0.1").value().get();
  HostScope on(w2k);
  WSADATA data;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  int error = -1;
  EXPECT_NE(load<LPFN_ACCEPTEX>(s, WSAID_ACCEPTEX, &error), nullptr);
  EXPECT_EQ(load<LPFN_CONNECTEX>(s, WSAID_CONNECTEX, &error), nullptr);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(load<LPFN_DISCONNECTEX>(s, WSAID_DISCONNECTEX, &error), nullptr);
  EXPECT_EQ(error, WSAEINVAL);
}

TEST_F(Extensions, AcceptExCompletesOnTheListenersPortAtTheHandshake) {
  HostScope on(*server);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(listener), nullptr, kListenKey, 0);
  SOCKET acceptor = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  char out[2 * kRoom];
  DWORD received = 0xdeadbeef;
  OVERLAPPED ov{};
  ASSERT_FALSE(AcceptEx(listener, acceptor, out, 0, kRoom, kRoom, &received, &ov));
  ASSERT_EQ(WSAGetLastError(), ERROR_IO_PENDING);
  SOCKET c;
  {
    HostScope there(*client);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    u_long one = 1;
    ASSERT_EQ(ioctlsocket(c, FIONBIO, &one), 0);
    EXPECT_EQ(connect_to_server(c), SOCKET_ERROR);
  }
  ULONG_PTR key = 0;
  OVERLAPPED* done = nullptr;
  DWORD bytes = 99;
  ASSERT_EQ(dequeue(port, &key, &done, &bytes), 0U);
  EXPECT_EQ(world.now(), at(kAccepted));
  EXPECT_EQ(key, kListenKey);
  EXPECT_EQ(done, &ov);
  EXPECT_EQ(bytes, 0U);
  sockaddr* local = nullptr;
  sockaddr* remote = nullptr;
  int local_len = 0;
  int remote_len = 0;
  GetAcceptExSockaddrs(out, 0, kRoom, kRoom, &local, &local_len, &remote, &remote_len);
  EXPECT_EQ(local_len, static_cast<int>(sizeof(sockaddr_in)));
  EXPECT_EQ(text(local), "10.0.0.2:443");
  EXPECT_EQ(remote_len, static_cast<int>(sizeof(sockaddr_in)));
  EXPECT_EQ(text(remote), "10.0.0.1:49152");
  sockaddr_in peer{};
  int len = sizeof peer;
  EXPECT_EQ(getpeername(acceptor, reinterpret_cast<sockaddr*>(&peer), &len), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN) << "before SO_UPDATE_ACCEPT_CONTEXT";
  ASSERT_EQ(setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
                       reinterpret_cast<const char*>(&listener), sizeof listener),
            0);
  ASSERT_EQ(getpeername(acceptor, reinterpret_cast<sockaddr*>(&peer), &len), 0);
  EXPECT_EQ(text(reinterpret_cast<sockaddr*>(&peer)), "10.0.0.1:49152");
  {
    HostScope there(*client);
    ASSERT_EQ(send(c, "hi", 2, 0), 2);
  }
  char buf[4] = {};
  EXPECT_EQ(recv(acceptor, buf, sizeof buf, 0), 2);
  EXPECT_EQ(std::string(buf), "hi");
}

TEST_F(Extensions, AcceptExWithADataPartWaitsForTheFirstData) {
  HostScope on(*server);
  WSAEVENT ev = WSACreateEvent();
  SOCKET acceptor = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  char out[16 + 2 * kRoom] = {};
  OVERLAPPED ov{};
  ov.hEvent = ev;
  ASSERT_FALSE(AcceptEx(listener, acceptor, out, 16, kRoom, kRoom, nullptr, &ov));
  ASSERT_EQ(WSAGetLastError(), ERROR_IO_PENDING);
  SOCKET c;
  {
    HostScope there(*client);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_EQ(connect_to_server(c), 0);
    Sleep(500);
    ASSERT_EQ(send(c, "GET /", 5, 0), 5);
  }
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(world.now(), at(kEstablished + 500ms + 1ms)) << "the data, not the handshake";
  DWORD bytes = 0;
  DWORD flags = 0;
  ASSERT_TRUE(WSAGetOverlappedResult(listener, &ov, &bytes, FALSE, &flags));
  EXPECT_EQ(bytes, 5U);
  EXPECT_EQ(std::string(out, 5), "GET /");
  sockaddr* local = nullptr;
  sockaddr* remote = nullptr;
  int local_len = 0;
  int remote_len = 0;
  GetAcceptExSockaddrs(out, 16, kRoom, kRoom, &local, &local_len, &remote, &remote_len);
  EXPECT_EQ(text(remote), "10.0.0.1:49152");
}

TEST_F(Extensions, AcceptExRefusesWhatItCannotUse) {
  HostScope on(*server);
  SOCKET acceptor = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  char out[2 * kRoom];
  OVERLAPPED ov{};
  EXPECT_FALSE(AcceptEx(listener, acceptor, out, 0, kRoom - 1, kRoom, nullptr, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "an address block without its 16 extra bytes";
  EXPECT_FALSE(AcceptEx(listener, acceptor, out, 0, kRoom, kRoom, nullptr, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "not overlapped";
  SOCKET bound = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in any = address("0.0.0.0", 0);
  ASSERT_EQ(bind(bound, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  EXPECT_FALSE(AcceptEx(listener, bound, out, 0, kRoom, kRoom, nullptr, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "a bound accept socket";
  EXPECT_FALSE(AcceptEx(acceptor, bound, out, 0, kRoom, kRoom, nullptr, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "not a listener";
  EXPECT_FALSE(AcceptEx(listener, static_cast<SOCKET>(0x4242), out, 0, kRoom, kRoom, nullptr, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
  ASSERT_FALSE(AcceptEx(listener, acceptor, out, 0, kRoom, kRoom, nullptr, &ov));
  ASSERT_EQ(WSAGetLastError(), ERROR_IO_PENDING);
  OVERLAPPED second{};
  EXPECT_FALSE(AcceptEx(listener, acceptor, out, 0, kRoom, kRoom, nullptr, &second));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "already another AcceptEx's";
}

TEST_F(Extensions, ClosingTheListenerAbortsItsPendingAcceptEx) {
  HostScope on(*server);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(listener), nullptr, kListenKey, 0);
  SOCKET acceptor = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  char out[2 * kRoom];
  OVERLAPPED ov{};
  ASSERT_FALSE(AcceptEx(listener, acceptor, out, 0, kRoom, kRoom, nullptr, &ov));
  ASSERT_EQ(closesocket(listener), 0);
  ULONG_PTR key = 0;
  OVERLAPPED* done = nullptr;
  DWORD bytes = 0;
  EXPECT_EQ(dequeue(port, &key, &done, &bytes, 0), static_cast<DWORD>(ERROR_OPERATION_ABORTED));
  EXPECT_EQ(done, &ov);
  listener = INVALID_SOCKET;
}

TEST_F(Extensions, ConnectExCompletesAtTheHandshakeAndSendsItsData) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  auto connect_ex = load<LPFN_CONNECTEX>(s, WSAID_CONNECTEX);
  ASSERT_NE(connect_ex, nullptr);
  sockaddr_in to = address("10.0.0.2", 443);
  OVERLAPPED ov{};
  char hello[] = "hello";
  EXPECT_FALSE(connect_ex(s, reinterpret_cast<sockaddr*>(&to), sizeof to, hello, 5, nullptr, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL) << "ConnectEx needs a bound socket";
  sockaddr_in any = address("0.0.0.0", 0);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, 5, 0);
  ASSERT_FALSE(connect_ex(s, reinterpret_cast<sockaddr*>(&to), sizeof to, hello, 5, nullptr, &ov));
  ASSERT_EQ(WSAGetLastError(), ERROR_IO_PENDING);
  ULONG_PTR key = 0;
  OVERLAPPED* done = nullptr;
  DWORD bytes = 0;
  ASSERT_EQ(dequeue(port, &key, &done, &bytes), 0U);
  EXPECT_EQ(world.now(), at(kEstablished));
  EXPECT_EQ(bytes, 5U);
  EXPECT_EQ(key, 5U);
  ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, nullptr, 0), 0);
  sockaddr_in peer{};
  int len = sizeof peer;
  ASSERT_EQ(getpeername(s, reinterpret_cast<sockaddr*>(&peer), &len), 0);
  EXPECT_EQ(text(reinterpret_cast<sockaddr*>(&peer)), "10.0.0.2:443");
  SOCKET a = accept_on_server();
  HostScope there(*server);
  char buf[8] = {};
  EXPECT_EQ(recv(a, buf, sizeof buf, 0), 5);
  EXPECT_EQ(std::string(buf), "hello");
}

TEST_F(Extensions, ConnectExToAClosedPortFailsWithConnectionRefusedAfterTheSynRetries) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  auto connect_ex = load<LPFN_CONNECTEX>(s, WSAID_CONNECTEX);
  sockaddr_in any = address("0.0.0.0", 0);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, 5, 0);
  sockaddr_in to = address("10.0.0.2", 444);
  OVERLAPPED ov{};
  ASSERT_FALSE(
      connect_ex(s, reinterpret_cast<sockaddr*>(&to), sizeof to, nullptr, 0, nullptr, &ov));
  ULONG_PTR key = 0;
  OVERLAPPED* done = nullptr;
  DWORD bytes = 0;
  EXPECT_EQ(dequeue(port, &key, &done, &bytes), static_cast<DWORD>(ERROR_CONNECTION_REFUSED));
  // Three SYNs, each answered by RST a round trip later, the next sent 1 s after (§12).
  EXPECT_EQ(world.now(), at(2s + 3 * kEstablished));
  DWORD flags = 0;
  EXPECT_FALSE(WSAGetOverlappedResult(s, &ov, &bytes, FALSE, &flags));
  EXPECT_EQ(WSAGetLastError(), WSAECONNREFUSED);
}

TEST_F(Extensions, DisconnectExWithReuseMakesTheSocketNewAgainForAcceptEx) {
  HostScope on(*server);
  SOCKET c;
  {
    HostScope there(*client);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_EQ(connect_to_server(c), 0);
  }
  SOCKET a = accept(listener, nullptr, nullptr);
  auto disconnect_ex = load<LPFN_DISCONNECTEX>(a, WSAID_DISCONNECTEX);
  EXPECT_FALSE(disconnect_ex(a, nullptr, 0x80, 0));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  ASSERT_TRUE(disconnect_ex(a, nullptr, TF_REUSE_SOCKET, 0));
  char buf[4];
  {
    HostScope there(*client);
    EXPECT_EQ(recv(c, buf, sizeof buf, 0), 0) << "the peer sees an orderly close";
  }
  char out[2 * kRoom];
  OVERLAPPED ov{};
  EXPECT_FALSE(AcceptEx(listener, a, out, 0, kRoom, kRoom, nullptr, &ov));
  EXPECT_EQ(WSAGetLastError(), ERROR_IO_PENDING) << "the reused socket takes the next connection";
}

TEST_F(Extensions, TheAcceptedSocketTakesTheListenersKeepAliveWithTheAcceptContext) {
  HostScope on(*server);
  BOOL on_value = TRUE;
  ASSERT_EQ(setsockopt(listener, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&on_value),
                       sizeof on_value),
            0);
  SOCKET acceptor = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  char out[2 * kRoom];
  OVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  ASSERT_FALSE(AcceptEx(listener, acceptor, out, 0, kRoom, kRoom, nullptr, &ov));
  {
    HostScope there(*client);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_EQ(connect_to_server(c), 0);
  }
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
  auto keepalive = [&] {
    char value = 0;
    int len = 1;
    EXPECT_EQ(getsockopt(acceptor, SOL_SOCKET, SO_KEEPALIVE, &value, &len), 0);
    return value != 0;
  };
  EXPECT_FALSE(keepalive()) << "a new socket's default";
  ASSERT_EQ(setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
                       reinterpret_cast<const char*>(&listener), sizeof listener),
            0);
  EXPECT_TRUE(keepalive()) << "inherited from the listener";
}

}  // namespace
}  // namespace ws2sim::winsock::testing
