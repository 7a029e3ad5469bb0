// Overlapped I/O and completion ports (docs/behaviour.md §17), as timelines: WSARecv/WSASend in
// every mode, a pending receive completing with data, with the end of the stream, and with the
// end of the connection — STATUS_IO_TIMEOUT at the keep-alive drop's instant (ERROR_SEM_TIMEOUT
// from a completion port, WSAETIMEDOUT from WSAGetOverlappedResult and to a completion routine),
// STATUS_CONNECTION_RESET after RST, STATUS_CANCELLED on close and cancel — and the port itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

constexpr Duration kEstablished = 2ms;  // SYN 1 ms out, SYN-ACK 1 ms back
constexpr Duration kAccepted = 3ms;     // the client's ACK reaches the server's accept
constexpr Duration kOneWay = 1ms;       // a segment from the server reaches the client
constexpr ULONG_PTR kKey = 7;
constexpr DWORD kStatusPending = 0x103;
constexpr DWORD kStatusIoTimeout = 0xC00000B5;
constexpr DWORD kStatusConnectionReset = 0xC000020D;
constexpr DWORD kStatusCancelled = 0xC0000120;

class Overlapped : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }

  // On the client: a connected socket (keep-alive {10 s, 1 s} if `keepalive`), and the
  // server's end of it.
  SOCKET connected(bool keepalive, SOCKET* server_end) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (keepalive) {
      EXPECT_EQ(set_keepalive_vals(s, 10'000, 1'000), 0);
    }
    EXPECT_EQ(connect_to_server(s), 0);
    *server_end = accept_on_server();
    EXPECT_NE(*server_end, INVALID_SOCKET);
    return s;
  }

  // On the server: sends `text` on `s`.
  void server_sends(SOCKET s, const std::string& text) {
    HostScope on(*server);
    ASSERT_EQ(send(s, text.data(), static_cast<int>(text.size()), 0),
              static_cast<int>(text.size()));
  }

  // An overlapped WSARecv of `buf` on `s`: its return value, and the error when it failed.
  static int start_recv(SOCKET s, char* buf, ULONG len, WSAOVERLAPPED* ov,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr) {
    WSABUF b{len, buf};
    DWORD flags = 0;
    DWORD got = 0xdeadbeef;
    const int rc = WSARecv(s, &b, 1, &got, &flags, ov, routine);
    return rc == 0 ? 0 : WSAGetLastError();
  }

  // GetQueuedCompletionStatus on `port`: the packet and the error, if it failed.
  struct Packet {
    BOOL ok;
    DWORD error;
    DWORD bytes;
    ULONG_PTR key;
    OVERLAPPED* ov;
  };
  static Packet dequeue(HANDLE port, DWORD ms = INFINITE) {
    Packet p{FALSE, 0, 0xdeadbeef, 0xdeadbeef, nullptr};
    p.ok = GetQueuedCompletionStatus(port, &p.bytes, &p.key, &p.ov, ms);
    p.error = p.ok ? 0 : GetLastError();
    return p;
  }
};

TEST_F(Overlapped, BlockingWsaRecvScattersIntoTheBuffersInOrder) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  server_sends(peer, "hello world");
  char a[5];
  char b[20] = {};
  WSABUF bufs[2] = {{sizeof a, a}, {sizeof b, b}};
  DWORD got = 0;
  DWORD flags = 0;
  ASSERT_EQ(WSARecv(s, bufs, 2, &got, &flags, nullptr, nullptr), 0);
  EXPECT_EQ(got, 11U);
  EXPECT_EQ(std::string(a, 5), "hello");
  EXPECT_EQ(std::string(b), " world");
  EXPECT_EQ(flags, 0U);
}

TEST_F(Overlapped, WsaSendGathersAndNonBlockingWsaRecvWouldBlock) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  u_long one = 1;
  ASSERT_EQ(ioctlsocket(s, FIONBIO, &one), 0);
  char buf[8];
  WSABUF b{sizeof buf, buf};
  DWORD got = 0;
  DWORD flags = 0;
  EXPECT_EQ(WSARecv(s, &b, 1, &got, &flags, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
  char x[] = "ab";
  char y[] = "cde";
  WSABUF out[2] = {{2, x}, {3, y}};
  DWORD sent = 0;
  ASSERT_EQ(WSASend(s, out, 2, &sent, 0, nullptr, nullptr), 0);
  EXPECT_EQ(sent, 5U);
  HostScope there(*server);
  char in[8] = {};
  ASSERT_EQ(recv(peer, in, sizeof in, 0), 5);
  EXPECT_EQ(std::string(in), "abcde");
}

TEST_F(Overlapped, ArgumentsAreCheckedBeforeAnythingHappens) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  char buf[4];
  WSABUF b{sizeof buf, buf};
  DWORD got = 0;
  DWORD flags = 0;
  EXPECT_EQ(WSARecv(s, &b, 1, &got, nullptr, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT) << "lpFlags NULL";
  EXPECT_EQ(WSARecv(s, &b, 1, nullptr, &flags, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT) << "no byte count and not overlapped";
  WSABUF bad{4, nullptr};
  EXPECT_EQ(WSARecv(s, &bad, 1, &got, &flags, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT) << "a NULL buffer with bytes";
  flags = MSG_PARTIAL;
  EXPECT_EQ(WSARecv(s, &b, 1, &got, &flags, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP) << "MSG_PARTIAL on a stream socket";
  EXPECT_EQ(WSASend(s, &b, 1, &got, MSG_OOB, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  EXPECT_EQ(WSARecv(static_cast<SOCKET>(0x4242), &b, 1, &got, &flags, nullptr, nullptr),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
}

TEST_F(Overlapped, APendingReceiveCompletesWhenDataArrivesAndSetsItsEvent) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  char buf[16] = {};
  WSAOVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov), WSA_IO_PENDING);
  EXPECT_EQ(ov.Internal, kStatusPending);
  EXPECT_FALSE(HasOverlappedIoCompleted(&ov));
  DWORD bytes = 0;
  DWORD flags = 0;
  EXPECT_FALSE(WSAGetOverlappedResult(s, &ov, &bytes, FALSE, &flags));
  EXPECT_EQ(WSAGetLastError(), WSA_IO_INCOMPLETE);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 0, FALSE),
            static_cast<DWORD>(WSA_WAIT_TIMEOUT));
  server_sends(peer, "ping");
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(world.now(), at(kAccepted + kOneWay)) << "one hop after the send";
  EXPECT_EQ(ov.Internal, 0U);
  EXPECT_EQ(ov.InternalHigh, 4U);
  ASSERT_TRUE(WSAGetOverlappedResult(s, &ov, &bytes, FALSE, &flags));
  EXPECT_EQ(bytes, 4U);
  EXPECT_EQ(std::string(buf), "ping");
}

TEST_F(Overlapped, DataAlreadyThereCompletesAtOnceAndStillQueuesItsPacket) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  ASSERT_NE(port, nullptr);
  server_sends(peer, "abc");
  Sleep(10);
  char buf[8];
  WSAOVERLAPPED ov{};
  WSABUF b{sizeof buf, buf};
  DWORD got = 0;
  DWORD flags = 0;
  ASSERT_EQ(WSARecv(s, &b, 1, &got, &flags, &ov, nullptr), 0);
  EXPECT_EQ(got, 3U);
  const Packet p = dequeue(port, 0);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.bytes, 3U);
  EXPECT_EQ(p.key, kKey);
  EXPECT_EQ(p.ov, &ov);
  EXPECT_EQ(dequeue(port, 0).error, static_cast<DWORD>(WAIT_TIMEOUT)) << "exactly one packet";
}

TEST_F(Overlapped, SkipOnSuccessQueuesNoPacketForAnImmediateSuccessOnly) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  ASSERT_TRUE(SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(s),
                                                 FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
  server_sends(peer, "abc");
  Sleep(10);
  char buf[8];
  WSAOVERLAPPED ov{};
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov), 0);
  EXPECT_EQ(dequeue(port, 0).error, static_cast<DWORD>(WAIT_TIMEOUT))
      << "none: it succeeded at once";
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov), WSA_IO_PENDING);
  server_sends(peer, "de");
  const Packet p = dequeue(port);
  ASSERT_TRUE(p.ok) << "a pending one still completes through the port";
  EXPECT_EQ(p.bytes, 2U);
  EXPECT_FALSE(SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(s), 0x4));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

// The question of issue 19: the peer vanished while a read is pending. On Windows the read
// completes with STATUS_IO_TIMEOUT at the instant keep-alive gives up (10 probes on Vista+):
// GetQueuedCompletionStatus fails with ERROR_SEM_TIMEOUT (121), WSAGetOverlappedResult with
// WSAETIMEDOUT — not the WSAENETRESET of a blocking recv. The next overlapped read fails at once
// with WSAECONNRESET.
TEST_F(Overlapped, AKeepAliveDropCompletesThePendingReadWithSemTimeoutAtTheDropInstant) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(true, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  char buf[16];
  WSAOVERLAPPED ov{};
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov), WSA_IO_PENDING);
  ASSERT_TRUE(world.crash(*server).ok());
  const Packet p = dequeue(port);
  EXPECT_EQ(world.now(), at(10s + 10 * 1s + kEstablished));
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.error, static_cast<DWORD>(ERROR_SEM_TIMEOUT));
  EXPECT_EQ(p.ov, &ov);
  EXPECT_EQ(p.key, kKey);
  EXPECT_EQ(p.bytes, 0U);
  EXPECT_EQ(ov.Internal, kStatusIoTimeout);
  DWORD bytes = 0;
  DWORD flags = 0;
  EXPECT_FALSE(WSAGetOverlappedResult(s, &ov, &bytes, TRUE, &flags));
  EXPECT_EQ(WSAGetLastError(), WSAETIMEDOUT);
  EXPECT_FALSE(GetOverlappedResult(reinterpret_cast<HANDLE>(s), &ov, &bytes, FALSE));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SEM_TIMEOUT));
  WSAOVERLAPPED again{};
  EXPECT_EQ(start_recv(s, buf, sizeof buf, &again), WSAECONNRESET);
  EXPECT_EQ(dequeue(port, 0).error, static_cast<DWORD>(WAIT_TIMEOUT)) << "nothing queued for it";
}

void CALLBACK record_completion(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD /*flags*/) {
  auto* seen = static_cast<std::vector<DWORD>*>(ov->Pointer);
  seen->push_back(error);
  seen->push_back(bytes);
}

TEST_F(Overlapped, ACompletionRoutineGetsWsaeTimedOutAtTheDropInItsAlertableWait) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(true, &peer);
  char buf[16];
  std::vector<DWORD> seen;
  WSAOVERLAPPED ov{};
  ov.Pointer = &seen;
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov, record_completion), WSA_IO_PENDING);
  server_sends(peer, "hi");
  EXPECT_EQ(SleepEx(INFINITE, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(seen, (std::vector<DWORD>{0, 2}));
  EXPECT_EQ(world.now(), at(kAccepted + kOneWay));
  seen.clear();
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov, record_completion), WSA_IO_PENDING);
  ASSERT_TRUE(world.crash(*server).ok());
  EXPECT_EQ(SleepEx(INFINITE, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(seen, (std::vector<DWORD>{WSAETIMEDOUT, 0}));
  EXPECT_EQ(world.now(), at(kAccepted + kOneWay + 10s + 10 * 1s))
      << "idle counts from the last segment received";
}

TEST_F(Overlapped, AResetCompletesThePendingReadWithNetnameDeleted) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  char buf[16];
  WSAOVERLAPPED ov{};
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov), WSA_IO_PENDING);
  {
    HostScope there(*server);
    const linger abortive{1, 0};
    ASSERT_EQ(setsockopt(peer, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abortive),
                         sizeof abortive),
              0);
    ASSERT_EQ(closesocket(peer), 0);  // RST
  }
  const Packet p = dequeue(port);
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.error, static_cast<DWORD>(ERROR_NETNAME_DELETED));
  EXPECT_EQ(ov.Internal, kStatusConnectionReset);
  EXPECT_EQ(world.now(), at(kAccepted + kOneWay));
  DWORD bytes = 0;
  DWORD flags = 0;
  EXPECT_FALSE(WSAGetOverlappedResult(s, &ov, &bytes, FALSE, &flags));
  EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
}

TEST_F(Overlapped, AnOrderlyCloseCompletesThePendingReadWithZeroBytes) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  char buf[16];
  WSAOVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &ov), WSA_IO_PENDING);
  {
    HostScope there(*server);
    ASSERT_EQ(shutdown(peer, SD_SEND), 0);
  }
  DWORD bytes = 99;
  DWORD flags = 0;
  ASSERT_TRUE(WSAGetOverlappedResult(s, &ov, &bytes, TRUE, &flags));
  EXPECT_EQ(bytes, 0U);
  EXPECT_EQ(world.now(), at(kAccepted + kOneWay));
}

TEST_F(Overlapped, CloseAndCancelCompleteThePendingReadWithOperationAborted) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  char buf[16];
  WSAOVERLAPPED first{};
  WSAOVERLAPPED second{};
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &first), WSA_IO_PENDING);
  ASSERT_EQ(start_recv(s, buf, sizeof buf, &second), WSA_IO_PENDING);
  ASSERT_TRUE(CancelIoEx(reinterpret_cast<HANDLE>(s), &first));
  Packet p = dequeue(port, 0);
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.error, static_cast<DWORD>(ERROR_OPERATION_ABORTED));
  EXPECT_EQ(p.ov, &first);
  EXPECT_EQ(first.Internal, kStatusCancelled);
  EXPECT_EQ(second.Internal, kStatusPending) << "only the one named";
  EXPECT_FALSE(CancelIoEx(reinterpret_cast<HANDLE>(s), &first));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_FOUND));
  ASSERT_EQ(closesocket(s), 0);
  p = dequeue(port, 0);
  EXPECT_EQ(p.error, static_cast<DWORD>(ERROR_OPERATION_ABORTED));
  EXPECT_EQ(p.ov, &second);
  EXPECT_EQ(world.now(), at(kAccepted)) << "no time passed";
  EXPECT_EQ(second.Internal, kStatusCancelled);
}

TEST_F(Overlapped, ReceivesOnOneSocketCompleteInTheOrderTheyWereStarted) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  char one[3] = {};
  char two[3] = {};
  WSAOVERLAPPED a{};
  WSAOVERLAPPED b{};
  ASSERT_EQ(start_recv(s, one, sizeof one, &a), WSA_IO_PENDING);
  ASSERT_EQ(start_recv(s, two, sizeof two, &b), WSA_IO_PENDING);
  server_sends(peer, "abcdef");
  EXPECT_EQ(dequeue(port).ov, &a);
  EXPECT_EQ(dequeue(port).ov, &b);
  EXPECT_EQ(std::string(one, 3), "abc");
  EXPECT_EQ(std::string(two, 3), "def");
}

TEST_F(Overlapped, AZeroByteReadWaitsForDataWithoutTakingIt) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  WSABUF none{0, nullptr};
  DWORD flags = 0;
  WSAOVERLAPPED ov{};
  ASSERT_EQ(WSARecv(s, &none, 1, nullptr, &flags, &ov, nullptr), SOCKET_ERROR);
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  server_sends(peer, "data");
  const Packet p = dequeue(port);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.bytes, 0U);
  u_long readable = 0;
  ASSERT_EQ(ioctlsocket(s, FIONREAD, &readable), 0);
  EXPECT_EQ(readable, 4U) << "the data is still there (libuv's zero-read)";
}

TEST_F(Overlapped, AnOverlappedSendCompletesAtOnceThroughThePort) {
  HostScope on(*client);
  SOCKET peer;
  SOCKET s = connected(false, &peer);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  char x[] = "xyz";
  WSABUF b{3, x};
  WSAOVERLAPPED ov{};
  DWORD sent = 0;
  ASSERT_EQ(WSASend(s, &b, 1, &sent, 0, &ov, nullptr), 0);
  EXPECT_EQ(sent, 3U);
  const Packet p = dequeue(port, 0);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.bytes, 3U);
  EXPECT_EQ(p.ov, &ov);
}

TEST_F(Overlapped, SioKeepaliveValsOverlappedQueuesAZeroBytePacket) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, kKey, 0);
  tcp_keepalive ka{1, 10'000, 1'000};
  DWORD returned = 0xdeadbeef;
  WSAOVERLAPPED ov{};
  ASSERT_EQ(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, &ov, nullptr),
            0);
  EXPECT_EQ(returned, 0xdeadbeefU) << "*lpcbBytesReturned not written";
  const Packet p = dequeue(port, 0);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.bytes, 0U);
  EXPECT_EQ(p.ov, &ov);
  ASSERT_TRUE(SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(s),
                                                 FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
  ASSERT_EQ(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, &ov, nullptr),
            0);
  EXPECT_EQ(dequeue(port, 0).error, static_cast<DWORD>(WAIT_TIMEOUT));
}

TEST_F(Overlapped, TheQueueWaitsInVirtualTimeAndTakesPostedPacketsInOrder) {
  HostScope on(*client);
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 4);
  ASSERT_NE(port, nullptr);
  const Packet empty = dequeue(port, 250);
  EXPECT_FALSE(empty.ok);
  EXPECT_EQ(empty.error, static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(empty.ov, nullptr);
  EXPECT_EQ(world.now(), at(250ms));
  WSAOVERLAPPED a{};
  ASSERT_TRUE(PostQueuedCompletionStatus(port, 1, 11, &a));
  ASSERT_TRUE(PostQueuedCompletionStatus(port, 2, 22, nullptr));
  OVERLAPPED_ENTRY entries[4];
  ULONG removed = 0;
  ASSERT_TRUE(GetQueuedCompletionStatusEx(port, entries, 4, &removed, 0, FALSE));
  ASSERT_EQ(removed, 2U);
  EXPECT_EQ(entries[0].lpCompletionKey, 11U);
  EXPECT_EQ(entries[0].lpOverlapped, &a);
  EXPECT_EQ(entries[0].dwNumberOfBytesTransferred, 1U);
  EXPECT_EQ(entries[1].lpCompletionKey, 22U);
  EXPECT_FALSE(GetQueuedCompletionStatusEx(port, entries, 4, &removed, 100, FALSE));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(world.now(), at(350ms));
  EXPECT_FALSE(PostQueuedCompletionStatus(reinterpret_cast<HANDLE>(0x4242), 0, 0, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(CloseHandle(port));
}

TEST_F(Overlapped, AssociationIsOncePerSocketAndOnlyWithAPort) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  HANDLE ev = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  EXPECT_EQ(CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), ev, 1, 0), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE)) << "an event is no port";
  EXPECT_EQ(CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), port, 1, 0), port);
  EXPECT_EQ(CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), port, 2, 0), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 0, 0), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

// Regression: accept() copied the listener's port association into the accepted socket, so the
// socket could not be associated with a port of its own (ERROR_INVALID_PARAMETER) and its
// completions went to the listener's port with the listener's key.
TEST_F(Overlapped, AnAcceptedSocketIsAssociatedWithNoPortUntilItsOwnCall) {
  HANDLE listener_port = nullptr;
  {
    HostScope on(*server);
    listener_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
    ASSERT_EQ(CreateIoCompletionPort(reinterpret_cast<HANDLE>(listener), listener_port, 1, 0),
              listener_port);
    ASSERT_TRUE(SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(listener),
                                                   FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
  }
  SOCKET server_end = INVALID_SOCKET;
  SOCKET c = INVALID_SOCKET;
  {
    HostScope client_side(*client);
    c = connected(false, &server_end);
  }
  HostScope on(*server);
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  EXPECT_EQ(CreateIoCompletionPort(reinterpret_cast<HANDLE>(server_end), port, kKey, 0), port);
  {
    HostScope client_side(*client);
    ASSERT_EQ(send(c, "hi", 2, 0), 2);
  }
  Sleep(10);  // the data is there: the read completes at once
  char buf[8] = {};
  WSAOVERLAPPED ov{};
  EXPECT_EQ(start_recv(server_end, buf, sizeof buf, &ov), 0);
  // Not skipped (the listener's mode is its own): exactly one packet, on the socket's own port.
  const Packet p = dequeue(port, 0);
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.key, kKey);
  EXPECT_EQ(p.bytes, 2U);
  EXPECT_EQ(dequeue(port, 0).error, static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(dequeue(listener_port, 0).error, static_cast<DWORD>(WAIT_TIMEOUT));
}

// A worker pool: four threads wait on one port; every packet is taken exactly once, the same way
// on every run.
struct Pool {
  HANDLE port;
  std::vector<std::pair<int, ULONG_PTR>> taken;  // (worker, key)
};
struct Worker {
  Pool* pool;
  int id;
};

DWORD WINAPI worker_main(LPVOID p) {
  auto* w = static_cast<Worker*>(p);
  for (;;) {
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED* ov = nullptr;
    if (!GetQueuedCompletionStatus(w->pool->port, &bytes, &key, &ov, INFINITE)) {
      return GetLastError();
    }
    if (key == 0) {
      return 0;  // the quit packet
    }
    w->pool->taken.emplace_back(w->id, key);
    Sleep(5);  // work
  }
}

TEST_F(Overlapped, WorkerThreadsShareOnePortAndClosingItEndsTheirWait) {
  auto run = [this] {
    Pool pool{nullptr, {}};
    std::vector<Worker> workers;
    HostScope on(*client);
    pool.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 4);
    workers.reserve(4);
    std::vector<HANDLE> threads;
    for (int i = 0; i < 4; ++i) {
      workers.push_back({&pool, i});
      threads.push_back(CreateThread(nullptr, 0, worker_main, &workers.back(), 0, nullptr));
    }
    Sleep(1);  // every worker waits
    for (ULONG_PTR k = 1; k <= 8; ++k) {
      EXPECT_TRUE(PostQueuedCompletionStatus(pool.port, 0, k, nullptr));
    }
    Sleep(100);
    EXPECT_TRUE(PostQueuedCompletionStatus(pool.port, 0, 0, nullptr));  // one quits
    Sleep(1);
    EXPECT_TRUE(CloseHandle(pool.port));  // the others' waits end
    EXPECT_EQ(WaitForMultipleObjects(4, threads.data(), TRUE, INFINITE), WAIT_OBJECT_0);
    std::vector<DWORD> codes;
    for (HANDLE t : threads) {
      DWORD code = 0;
      GetExitCodeThread(t, &code);
      codes.push_back(code);
    }
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes, (std::vector<DWORD>{0, ERROR_ABANDONED_WAIT_0, ERROR_ABANDONED_WAIT_0,
                                         ERROR_ABANDONED_WAIT_0}));
    return pool.taken;
  };
  const auto first = run();
  ASSERT_EQ(first.size(), 8U);
  std::vector<ULONG_PTR> keys;
  for (const auto& [worker, key] : first)
    keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<ULONG_PTR>{1, 2, 3, 4, 5, 6, 7, 8})) << "each exactly once";
  std::set<int> workers_used;
  for (const auto& [worker, key] : first)
    workers_used.insert(worker);
  EXPECT_EQ(workers_used.size(), 4U) << "the work spread over the pool";
}

TEST(OverlappedProfiles, TheVistaFunctionsAreMissingBeforeVista) {
  World world{1};
  Host& xp = world.add_host("xp", "windows-xp", "10.0.0.1").value().get();
  HostScope on(xp);
  WSADATA data;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, 1, 0);
  ASSERT_NE(port, nullptr) << "completion ports exist on NT 5";
  OVERLAPPED_ENTRY e;
  ULONG n = 0;
  EXPECT_FALSE(GetQueuedCompletionStatusEx(port, &e, 1, &n, 0, FALSE));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_PROC_NOT_FOUND));
  EXPECT_FALSE(SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(s), 1));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_PROC_NOT_FOUND));
  EXPECT_FALSE(CancelIoEx(reinterpret_cast<HANDLE>(s), nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_PROC_NOT_FOUND));
  EXPECT_TRUE(CancelIo(reinterpret_cast<HANDLE>(s)));
}

}  // namespace
}  // namespace ws2sim::winsock::testing
