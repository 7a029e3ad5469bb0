// select and WSAPoll as timelines in virtual time: timeouts that end at an exact instant, data
// and connections that make sockets ready when they arrive, connects that finish or fail, the
// keep-alive drop, and every error row. Behaviour that Wine's conformance tests observed on real
// Windows (dlls/ws2_32/tests/sock.c test_select, test_WSAPoll) is marked "observed".
#include <array>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

// The client's connect completes when the SYN-ACK arrives (1 ms out, 1 ms back); the server's
// accept queue gets the connection when the client's ACK arrives one latency later.
constexpr Duration kClientEstablished = 2ms;
constexpr Duration kServerEstablished = 3ms;

fd_set set_of(std::initializer_list<SOCKET> sockets) {
  fd_set s;
  FD_ZERO(&s);
  for (SOCKET x : sockets)
    FD_SET(x, &s);
  return s;
}

class ReadinessTest : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }

  // A connected pair: `client_socket` on the client, `server_socket` on the server.
  void connect_pair() {
    HostScope on(*client);
    client_socket = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_NE(client_socket, INVALID_SOCKET);
    ASSERT_EQ(connect_to_server(client_socket), 0);
    server_socket = accept_on_server();
    ASSERT_NE(server_socket, INVALID_SOCKET);
  }

  void server_send(const char* data, int len) {
    HostScope on(*server);
    ASSERT_EQ(send(server_socket, data, len, 0), len);
  }

  void server_close() {
    HostScope on(*server);
    ASSERT_EQ(closesocket(server_socket), 0);
  }

  // A non-blocking client socket whose connect to `port` is under way.
  SOCKET start_nonblocking_connect(u_short port) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    u_long yes = 1;
    EXPECT_EQ(ioctlsocket(s, FIONBIO, &yes), 0);
    sockaddr_in a = address("10.0.0.2", port);
    EXPECT_EQ(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
    return s;
  }

  // Keep-alive 10 s idle / 1 s interval on the client socket, then the server crashes: the drop
  // comes after 10 unanswered probes (Vista and later).
  TimePoint arrange_keepalive_drop() {
    HostScope on(*client);
    client_socket = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    tcp_keepalive ka{1, 10'000, 1'000};
    DWORD returned = 0;
    EXPECT_EQ(WSAIoctl(client_socket, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned,
                       nullptr, nullptr),
              0);
    EXPECT_EQ(connect_to_server(client_socket), 0);
    server_socket = accept_on_server();
    EXPECT_TRUE(world.crash(*server).ok());
    return at(kClientEstablished + 10s + 10 * 1s);
  }

  SOCKET client_socket = INVALID_SOCKET;
  SOCKET server_socket = INVALID_SOCKET;
};

using Select = ReadinessTest;
using Poll = ReadinessTest;

// ---- select: timelines -------------------------------------------------------------------------

TEST_F(Select, TimeoutWithNoTrafficReturnsZeroAtExactlyTheDeadline) {
  connect_pair();
  HostScope on(*client);
  const TimePoint start = world.now();
  fd_set readfds = set_of({client_socket});
  timeval tv{5, 0};
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &tv), 0);
  EXPECT_EQ(world.now(), start + 5s);
  EXPECT_EQ(readfds.fd_count, 0U);
}

TEST_F(Select, MicrosecondsCountInTheTimeout) {
  connect_pair();
  HostScope on(*client);
  const TimePoint start = world.now();
  fd_set readfds = set_of({client_socket});
  timeval tv{1, 250'000};
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &tv), 0);
  EXPECT_EQ(world.now(), start + 1250ms);
}

TEST_F(Select, ZeroTimeoutPollsWithoutAdvancingTime) {
  connect_pair();
  HostScope on(*client);
  const TimePoint start = world.now();
  fd_set readfds = set_of({client_socket});
  fd_set writefds = set_of({client_socket});
  timeval tv{0, 0};
  EXPECT_EQ(select(0, &readfds, &writefds, nullptr, &tv), 1);  // writable, nothing to read
  EXPECT_EQ(world.now(), start);
  EXPECT_EQ(readfds.fd_count, 0U);
  EXPECT_TRUE(FD_ISSET(client_socket, &writefds));
}

TEST_F(Select, DataArrivingLaterEndsTheWaitWhenItArrives) {
  ASSERT_TRUE(world.set_link(*client, *server, PathConfig{.latency = 250ms}).ok());
  connect_pair();  // 500 ms handshake: established at 500 ms (client), 750 ms (server)
  ASSERT_TRUE(world.run_for(1s).ok());
  const TimePoint sent = world.now();
  server_send("hello", 5);
  HostScope on(*client);
  fd_set readfds = set_of({client_socket});
  timeval tv{10, 0};
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &tv), 1);
  EXPECT_EQ(world.now(), sent + 250ms);
  EXPECT_EQ(readfds.fd_count, 1U);
  EXPECT_TRUE(FD_ISSET(client_socket, &readfds));
  char buf[8] = {};
  EXPECT_EQ(recv(client_socket, buf, sizeof buf, 0), 5);
  EXPECT_STREQ(buf, "hello");
  // Read out: not readable any more.
  readfds = set_of({client_socket});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &zero), 0);
}

TEST_F(Select, ListenerBecomesReadableWhenAClientConnects) {
  SOCKET c;
  {
    HostScope on(*client);
    c = start_nonblocking_connect(443);
  }
  HostScope on(*server);
  fd_set readfds = set_of({listener});
  fd_set writefds = set_of({listener});
  fd_set exceptfds = set_of({listener});
  timeval tv{10, 0};
  EXPECT_EQ(select(0, &readfds, &writefds, &exceptfds, &tv), 1);
  EXPECT_EQ(world.now(), at(kServerEstablished));
  EXPECT_TRUE(FD_ISSET(listener, &readfds));
  EXPECT_EQ(writefds.fd_count, 0U);  // a listener is never writable
  EXPECT_EQ(exceptfds.fd_count, 0U);
  EXPECT_NE(accept(listener, nullptr, nullptr), INVALID_SOCKET);
  readfds = set_of({listener});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &zero), 0);  // queue empty again
  (void)c;
}

TEST_F(Select, NonBlockingConnectShowsInWritefdsWhenEstablished) {
  HostScope on(*client);
  SOCKET s = start_nonblocking_connect(443);
  fd_set writefds = set_of({s});
  fd_set exceptfds = set_of({s});
  timeval tv{10, 0};
  EXPECT_EQ(select(0, nullptr, &writefds, &exceptfds, &tv), 1);
  EXPECT_EQ(world.now(), at(kClientEstablished));
  EXPECT_TRUE(FD_ISSET(s, &writefds));
  EXPECT_EQ(exceptfds.fd_count, 0U);
  int error = -1;
  int len = sizeof error;
  EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &len), 0);
  EXPECT_EQ(error, 0);
}

TEST_F(Select, RefusedNonBlockingConnectShowsInExceptfdsOnly) {
  HostScope on(*client);
  SOCKET s = start_nonblocking_connect(444);  // nothing listens there: RST
  fd_set readfds = set_of({s});
  fd_set writefds = set_of({s});
  fd_set exceptfds = set_of({s});
  timeval tv{10, 0};
  EXPECT_EQ(select(0, &readfds, &writefds, &exceptfds, &tv), 1);
  // docs/behaviour.md §12: RST at 2 ms, the SYN sent twice more 1 s apart, refused at the third RST
  EXPECT_EQ(world.now(), at(2s + 6ms));
  EXPECT_EQ(readfds.fd_count, 0U);
  EXPECT_EQ(writefds.fd_count, 0U);
  EXPECT_TRUE(FD_ISSET(s, &exceptfds));
  int error = 0;
  int len = sizeof error;
  EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &len), 0);
  EXPECT_EQ(error, WSAECONNREFUSED);
  // It stays in exceptfds on later calls (observed).
  exceptfds = set_of({s});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, nullptr, nullptr, &exceptfds, &zero), 1);
}

TEST_F(Select, SoErrorOfARefusedConnectIsNotClearedByReadingIt) {
  // Observed (Wine's test_select on Windows): two getsockopt(SO_ERROR) after a refused
  // non-blocking connect both read WSAECONNREFUSED.
  HostScope on(*client);
  SOCKET s = start_nonblocking_connect(444);
  fd_set exceptfds = set_of({s});
  timeval tv{10, 0};
  ASSERT_EQ(select(0, nullptr, nullptr, &exceptfds, &tv), 1);
  for (int i = 0; i < 2; ++i) {
    int error = 0;
    int len = sizeof error;
    EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &len), 0);
    EXPECT_EQ(error, WSAECONNREFUSED) << "read #" << i + 1;
  }
}

TEST_F(Select, RefusedBlockingConnectAlsoShowsInExceptfds) {  // observed
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in a = address("10.0.0.2", 444);
  ASSERT_EQ(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a), SOCKET_ERROR);
  ASSERT_EQ(WSAGetLastError(), WSAECONNREFUSED);
  fd_set readfds = set_of({s});
  fd_set writefds = set_of({s});
  fd_set exceptfds = set_of({s});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, &readfds, &writefds, &exceptfds, &zero), 1);
  EXPECT_TRUE(FD_ISSET(s, &exceptfds));
  EXPECT_EQ(writefds.fd_count, 0U);
}

TEST_F(Select, ConnectInProgressIsInNoSet) {
  ASSERT_TRUE(world.set_link(*client, *server, PathConfig{.latency = 100ms}).ok());
  HostScope on(*client);
  SOCKET s = start_nonblocking_connect(443);
  fd_set readfds = set_of({s});
  fd_set writefds = set_of({s});
  fd_set exceptfds = set_of({s});
  timeval tv{0, 150'000};  // the handshake needs 200 ms
  EXPECT_EQ(select(0, &readfds, &writefds, &exceptfds, &tv), 0);
  EXPECT_EQ(world.now(), at(150ms));
}

TEST_F(Select, PeerCloseMakesTheSocketReadableAndRecvReturnsZero) {
  connect_pair();
  const TimePoint closed = world.now();
  server_close();
  HostScope on(*client);
  fd_set readfds = set_of({client_socket});
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, nullptr), 1);
  EXPECT_EQ(world.now(), closed + 1ms);  // the FIN's trip
  EXPECT_TRUE(FD_ISSET(client_socket, &readfds));
  // Still writable after the peer's FIN (observed).
  fd_set writefds = set_of({client_socket});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, nullptr, &writefds, nullptr, &zero), 1);
  char b;
  EXPECT_EQ(recv(client_socket, &b, 1, 0), 0);
}

TEST_F(Select, StaysWritableAfterShutdownSend) {  // observed at the AFD level
  connect_pair();
  HostScope on(*client);
  ASSERT_EQ(shutdown(client_socket, SD_SEND), 0);
  fd_set writefds = set_of({client_socket});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, nullptr, &writefds, nullptr, &zero), 1);
}

TEST_F(Select, KeepAliveDropMakesTheSocketReadableAndTheNextRecvFails) {
  const TimePoint dropped = arrange_keepalive_drop();
  HostScope on(*client);
  fd_set readfds = set_of({client_socket});
  fd_set writefds = set_of({client_socket});
  // Writable until the drop, so ask for reading only first.
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, nullptr), 1);
  EXPECT_EQ(world.now(), dropped);
  EXPECT_TRUE(FD_ISSET(client_socket, &readfds));
  timeval zero{0, 0};
  EXPECT_EQ(select(0, nullptr, &writefds, nullptr, &zero), 0);  // dropped: not writable
  char b;
  EXPECT_EQ(recv(client_socket, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);  // a later call (docs/behaviour.md §2 default)
}

TEST_F(Select, DatagramSocketIsWritable) {  // observed for an unbound UDP socket
  HostScope on(*client);
  SOCKET u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  fd_set readfds = set_of({u});
  fd_set writefds = set_of({u});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, &readfds, &writefds, nullptr, &zero), 1);
  EXPECT_TRUE(FD_ISSET(u, &writefds));
}

TEST_F(Select, CountsEverySetAndRewritesThemInOrder) {
  connect_pair();
  server_send("x", 1);
  ASSERT_TRUE(world.run_for(1ms).ok());  // delivered: readable as well as writable
  HostScope on(*client);
  SOCKET idle = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  fd_set readfds = set_of({idle, client_socket});
  fd_set writefds = set_of({idle, client_socket});
  fd_set exceptfds = set_of({idle, client_socket});
  timeval tv{1, 0};
  EXPECT_EQ(select(0, &readfds, &writefds, &exceptfds, &tv), 2);  // readable + writable
  ASSERT_EQ(readfds.fd_count, 1U);
  EXPECT_EQ(readfds.fd_array[0], client_socket);
  ASSERT_EQ(writefds.fd_count, 1U);
  EXPECT_EQ(writefds.fd_array[0], client_socket);
  EXPECT_EQ(exceptfds.fd_count, 0U);
}

TEST_F(Select, ASocketListedTwiceCountsOnce) {  // observed
  connect_pair();
  HostScope on(*client);
  fd_set writefds;
  writefds.fd_count = 2;
  writefds.fd_array[0] = client_socket;
  writefds.fd_array[1] = client_socket;
  timeval zero{0, 0};
  EXPECT_EQ(select(0, nullptr, &writefds, nullptr, &zero), 1);
  EXPECT_EQ(writefds.fd_count, 1U);
  EXPECT_EQ(writefds.fd_array[0], client_socket);
}

TEST_F(Select, OneSetPassedAsReadAndWriteCountsEachSocketOnce) {  // observed
  connect_pair();
  server_send("x", 1);
  ASSERT_TRUE(world.run_for(1ms).ok());
  HostScope on(*client);
  SOCKET idle_udp = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);  // writable only
  fd_set both = set_of({idle_udp, client_socket});             // client: readable and writable
  timeval tv{1, 0};
  // Three events (client readable, client writable, UDP writable), two distinct entries.
  EXPECT_EQ(select(0, &both, &both, nullptr, &tv), 2);
  EXPECT_EQ(both.fd_count, 2U);
  EXPECT_TRUE(FD_ISSET(idle_udp, &both));
  EXPECT_TRUE(FD_ISSET(client_socket, &both));
}

TEST_F(Select, NfdsIsIgnored) {
  connect_pair();
  HostScope on(*client);
  for (int nfds : {0, 1, -5, 12345}) {
    fd_set writefds = set_of({client_socket});
    timeval zero{0, 0};
    EXPECT_EQ(select(nfds, nullptr, &writefds, nullptr, &zero), 1) << nfds;
  }
}

TEST_F(Select, NullTimeoutWaitsUntilTheHorizonThenFailsWithWsaeintr) {
  connect_pair();
  world.set_horizon(at(1h));
  HostScope on(*client);
  // A keep-alive timer is pending (at 2 h), so the wait is not a deadlock: it ends at the horizon.
  const BOOL yes = TRUE;
  ASSERT_EQ(setsockopt(client_socket, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&yes),
                       sizeof yes),
            0);
  fd_set readfds = set_of({client_socket});
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  EXPECT_EQ(world.now(), at(1h));
  EXPECT_FALSE(world.deadlock().has_value());
}

// With nothing pending anywhere, the same wait can never end: a deadlock, reported at once.
TEST_F(Select, NullTimeoutWithNothingPendingIsADeadlockAtOnce) {
  connect_pair();
  const TimePoint t0 = world.now();
  HostScope on(*client);
  fd_set readfds = set_of({client_socket});
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  EXPECT_EQ(world.now(), t0);
  ASSERT_TRUE(world.deadlock().has_value());
  EXPECT_EQ(world.deadlock()->threads.at(0).function, "select");
  EXPECT_EQ(world.deadlock()->threads.at(0).waits_on, "several sockets");
}

// ---- select: errors ----------------------------------------------------------------------------

TEST_F(Select, AllSetsNullOrEmptyIsWsaeinval) {  // observed
  HostScope on(*client);
  timeval zero{0, 0};
  EXPECT_EQ(select(0, nullptr, nullptr, nullptr, &zero), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  fd_set r = set_of({}), w = set_of({}), e = set_of({});
  EXPECT_EQ(select(0, &r, &w, &e, &zero), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(select(0, &r, &w, &e, nullptr), SOCKET_ERROR);  // no wait either
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(world.now(), kEpoch);
}

TEST_F(Select, ANonSocketInAnySetIsWsaenotsockAndTheSetsAreLeftAlone) {  // observed
  connect_pair();
  HostScope on(*client);
  const std::array<SOCKET, 3> bad{INVALID_SOCKET, static_cast<SOCKET>(0xabacab), listener};
  for (SOCKET b : bad) {  // `listener` belongs to the server host
    for (int which = 0; which < 3; ++which) {
      fd_set sets[3] = {set_of({client_socket}), set_of({client_socket}), set_of({client_socket})};
      FD_SET(b, &sets[which]);
      timeval zero{0, 0};
      EXPECT_EQ(select(0, &sets[0], &sets[1], &sets[2], &zero), SOCKET_ERROR);
      EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
      EXPECT_EQ(sets[which].fd_count, 2U);
      EXPECT_EQ(sets[(which + 1) % 3].fd_count, 1U);
    }
  }
}

TEST_F(Select, AClosedSocketIsWsaenotsock) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_EQ(closesocket(s), 0);
  fd_set readfds = set_of({s});
  timeval zero{0, 0};
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &zero), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
}

TEST_F(Select, NegativeTimeoutFieldsAreWsaeinval) {
  connect_pair();
  HostScope on(*client);
  for (const timeval tv : {timeval{-1, 0}, timeval{0, -1}, timeval{-5, -5}}) {
    fd_set writefds = set_of({client_socket});
    EXPECT_EQ(select(0, nullptr, &writefds, nullptr, &tv), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  }
}

TEST_F(Select, GenericErrors) {
  connect_pair();
  HostScope on(*client);
  fd_set writefds = set_of({client_socket});
  timeval zero{0, 0};
  HostSwitches sw = client->switches();
  sw.network_down = true;
  client->set_switches(sw);
  EXPECT_EQ(select(0, nullptr, &writefds, nullptr, &zero), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENETDOWN);
  sw.network_down = false;
  client->set_switches(sw);
  ASSERT_EQ(WSACleanup(), 0);
  EXPECT_EQ(select(0, nullptr, &writefds, nullptr, &zero), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

// ---- WSAPoll -----------------------------------------------------------------------------------

constexpr SHORT kAll = POLLRDNORM | POLLRDBAND | POLLWRNORM;

// One WSAPoll on one socket: {result, revents}.
std::pair<int, SHORT> poll_one(SOCKET s, SHORT events, INT timeout) {
  WSAPOLLFD fd{s, events, static_cast<SHORT>(0x7ead)};
  const int n = WSAPoll(&fd, 1, timeout);
  return {n, fd.revents};
}

TEST_F(Poll, TimeoutReturnsZeroAtExactlyTheDeadline) {
  connect_pair();
  HostScope on(*client);
  const TimePoint start = world.now();
  EXPECT_EQ(poll_one(client_socket, POLLRDNORM, 1500), std::make_pair(0, SHORT{0}));
  EXPECT_EQ(world.now(), start + 1500ms);
}

TEST_F(Poll, ZeroTimeoutPollsWithoutAdvancingTime) {
  connect_pair();
  HostScope on(*client);
  const TimePoint start = world.now();
  EXPECT_EQ(poll_one(client_socket, POLLRDNORM, 0), std::make_pair(0, SHORT{0}));
  EXPECT_EQ(poll_one(client_socket, kAll, 0), std::make_pair(1, SHORT{POLLWRNORM}));
  EXPECT_EQ(world.now(), start);
}

TEST_F(Poll, DataArrivingLaterEndsTheWaitWhenItArrives) {
  ASSERT_TRUE(world.set_link(*client, *server, PathConfig{.latency = 250ms}).ok());
  connect_pair();
  ASSERT_TRUE(world.run_for(1s).ok());
  const TimePoint sent = world.now();
  server_send("data", 4);
  HostScope on(*client);
  EXPECT_EQ(poll_one(client_socket, POLLRDNORM | POLLRDBAND, -1),
            std::make_pair(1, SHORT{POLLRDNORM}));
  EXPECT_EQ(world.now(), sent + 250ms);
  EXPECT_EQ(poll_one(client_socket, kAll, 0), std::make_pair(1, SHORT{POLLRDNORM | POLLWRNORM}));
}

TEST_F(Poll, ListenerReportsPollrdnormForAQueuedConnection) {  // observed
  {
    HostScope on(*client);
    (void)start_nonblocking_connect(443);
  }
  HostScope on(*server);
  EXPECT_EQ(poll_one(listener, kAll, 0), std::make_pair(0, SHORT{0}));
  EXPECT_EQ(poll_one(listener, POLLIN, 10'000), std::make_pair(1, SHORT{POLLRDNORM}));
  EXPECT_EQ(world.now(), at(kServerEstablished));
  EXPECT_EQ(poll_one(listener, POLLRDBAND | POLLWRNORM, 0), std::make_pair(0, SHORT{0}));
}

TEST_F(Poll, NonBlockingConnectReportsPollwrnormWhenEstablished) {
  HostScope on(*client);
  SOCKET s = start_nonblocking_connect(443);
  EXPECT_EQ(poll_one(s, kAll, 10'000), std::make_pair(1, SHORT{POLLWRNORM}));
  EXPECT_EQ(world.now(), at(kClientEstablished));
}

TEST_F(Poll, RefusedConnectReportsWrnormHupAndErr) {  // observed
  HostScope on(*client);
  SOCKET s = start_nonblocking_connect(444);
  EXPECT_EQ(poll_one(s, kAll, 10'000), std::make_pair(1, SHORT{POLLWRNORM | POLLHUP | POLLERR}));
  EXPECT_EQ(world.now(), at(2s + 6ms));  // docs/behaviour.md §12: the third RST
  EXPECT_EQ(poll_one(s, 0, 0), std::make_pair(1, SHORT{POLLHUP | POLLERR}));
}

TEST_F(Poll, PeerCloseReportsPollhupWhateverWasAsked) {  // observed
  connect_pair();
  const TimePoint closed = world.now();
  server_close();
  HostScope on(*client);
  EXPECT_EQ(poll_one(client_socket, 0, -1), std::make_pair(1, SHORT{POLLHUP}));
  EXPECT_EQ(world.now(), closed + 1ms);
  EXPECT_EQ(poll_one(client_socket, kAll, 0), std::make_pair(1, SHORT{POLLWRNORM | POLLHUP}));
}

TEST_F(Poll, PeerCloseWithDataPendingReportsRdnormToo) {  // observed
  connect_pair();
  server_send("data", 4);
  server_close();
  HostScope on(*client);
  ASSERT_TRUE(world.run_for(10ms).ok());
  EXPECT_EQ(poll_one(client_socket, kAll, 0),
            std::make_pair(1, SHORT{POLLRDNORM | POLLWRNORM | POLLHUP}));
}

TEST_F(Poll, KeepAliveDropReportsHupAndErr) {
  const TimePoint dropped = arrange_keepalive_drop();
  HostScope on(*client);
  EXPECT_EQ(poll_one(client_socket, POLLRDNORM, -1), std::make_pair(1, SHORT{POLLHUP | POLLERR}));
  EXPECT_EQ(world.now(), dropped);
  char b;
  EXPECT_EQ(recv(client_socket, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
}

TEST_F(Poll, ReportsEachEntryAndCountsTheReadyOnes) {
  connect_pair();
  HostScope on(*client);
  SOCKET idle = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  WSAPOLLFD fds[3] = {{idle, kAll, 0}, {client_socket, kAll, 0}, {client_socket, POLLRDNORM, 0}};
  EXPECT_EQ(WSAPoll(fds, 3, 0), 1);
  EXPECT_EQ(fds[0].revents, 0);
  EXPECT_EQ(fds[1].revents, POLLWRNORM);
  EXPECT_EQ(fds[2].revents, 0);
}

TEST_F(Poll, InfiniteTimeoutEndsAtTheHorizonWithWsaeintr) {
  connect_pair();
  world.set_horizon(at(2h));
  HostScope on(*client);
  // A pending keep-alive timer (at 2 h) makes this a wait for the horizon, not a deadlock.
  const BOOL yes = TRUE;
  ASSERT_EQ(setsockopt(client_socket, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&yes),
                       sizeof yes),
            0);
  EXPECT_EQ(poll_one(client_socket, POLLRDNORM, -1).first, SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  EXPECT_EQ(world.now(), at(2h));
}

// ---- WSAPoll: errors and invalid entries -------------------------------------------------------

TEST_F(Poll, ZeroCountIsWsaeinvalAndNullArrayIsWsaefault) {  // observed
  HostScope on(*client);
  for (INT timeout : {0, 1}) {
    EXPECT_EQ(WSAPoll(nullptr, 0, timeout), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
    EXPECT_EQ(WSAPoll(nullptr, 1, timeout), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  }
  WSAPOLLFD fd{INVALID_SOCKET, POLLRDNORM, 0};
  EXPECT_EQ(WSAPoll(&fd, 0, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
}

TEST_F(Poll, EventsOtherThanRdnormRdbandWrnormAreWsaeinval) {  // observed
  connect_pair();
  HostScope on(*client);
  const std::array<SHORT, 11> invalid{POLLERR, POLLHUP, POLLNVAL, 0x8,    POLLWRBAND, 0x40,
                                      0x80,    POLLPRI, 0x800,    0x1000, 0x2000};
  for (SHORT events : invalid) {
    WSAPOLLFD fds[2] = {{client_socket, POLLWRNORM, 0x7ead}, {client_socket, events, 0x7ead}};
    EXPECT_EQ(WSAPoll(fds, 2, 0), SOCKET_ERROR) << events;
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
    EXPECT_EQ(fds[0].revents, 0);
    EXPECT_EQ(fds[1].revents, 0);
  }
}

TEST_F(Poll, NonSocketEntriesGetPollnvalButDoNotCount) {  // observed
  connect_pair();
  HostScope on(*client);
  WSAPOLLFD fds[3] = {{INVALID_SOCKET, POLLERR, 0x7ead},  // flags of INVALID_SOCKET unchecked
                      {client_socket, POLLRDNORM, 0x7ead},
                      {static_cast<SOCKET>(0xabacab), POLLRDNORM, 0x7ead}};
  EXPECT_EQ(WSAPoll(fds, 3, 0), 0);
  EXPECT_EQ(fds[0].revents, POLLNVAL);
  EXPECT_EQ(fds[1].revents, 0);
  EXPECT_EQ(fds[2].revents, POLLNVAL);
  // With a timeout, the valid entry is what the call waits for.
  const TimePoint start = world.now();
  EXPECT_EQ(WSAPoll(fds, 3, 200), 0);
  EXPECT_EQ(world.now(), start + 200ms);
}

TEST_F(Poll, OnlyNonSocketEntriesIsWsaenotsock) {  // observed
  connect_pair();
  HostScope on(*client);
  WSAPOLLFD fds[3] = {{INVALID_SOCKET, POLLERR, 0x7ead},
                      {static_cast<SOCKET>(0xabacab), POLLERR, 0x7ead},
                      {listener, POLLRDNORM, 0x7ead}};  // the server host's socket
  EXPECT_EQ(WSAPoll(fds, 3, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
  for (const WSAPOLLFD& fd : fds)
    EXPECT_EQ(fd.revents, POLLNVAL);
}

TEST_F(Poll, GenericErrors) {
  connect_pair();
  HostScope on(*client);
  HostSwitches sw = client->switches();
  sw.network_down = true;
  client->set_switches(sw);
  EXPECT_EQ(poll_one(client_socket, POLLWRNORM, 0).first, SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENETDOWN);
  sw.network_down = false;
  client->set_switches(sw);
  ASSERT_EQ(WSACleanup(), 0);
  EXPECT_EQ(poll_one(client_socket, POLLWRNORM, 0).first, SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

}  // namespace
}  // namespace ws2sim::winsock::testing
