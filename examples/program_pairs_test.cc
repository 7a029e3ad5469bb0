// Unmodified Windows programs in pairs, in one world (issues 17, 19): the classic getaddrinfo echo
// server (gai_echo_server.c) and client (gai_echo_client.cpp), a select() server
// (select_echo_server.c), a WSAEventSelect server (event_select_server.c), a polling server
// (nonblocking_accept_server.c) and a dual-stack IPv6 server (dual_stack_server.c) with such
// clients, and a completion-port server (iocp_echo_server.c) with ConnectEx clients
// (iocp_echo_client.c), each program's main renamed
// (ws2sim_add_windows_program_library), started as Windows threads on hosts of one world.
// Their whole output is checked: threads take turns in a fixed order, so it is the same on
// every run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "ws2sim/gtest.h"

extern "C" int gai_echo_server_main(void);                     // a C program
extern "C" int select_echo_server_main(void);                  // a C program
extern "C" int event_select_server_main(void);                 // a C program
extern "C" int nonblocking_accept_server_main(void);           // a C program
extern "C" int dual_stack_server_main(int argc, char** argv);  // a C program
extern "C" int iocp_echo_server_main(void);                    // a C program
extern "C" int iocp_echo_client_main(int argc, char** argv);   // a C program
int gai_echo_client_main(int argc, char** argv);               // a C++ program

namespace ws2sim::gtest {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class ProgramPairs : public WinsockTest {
 protected:
  // Runs the server on `server_host` and then the client on `client_host` with argument
  // `name`; returns everything both printed, in order.
  std::string run_pair(Host& server_host, Host& client_host, const std::string& name) {
    ::testing::internal::CaptureStdout();
    start_thread(server_host, "server", [this] { server_exit = gai_echo_server_main(); });
    start_client(client_host, name);
    run_threads();
    std::fflush(stdout);
    return ::testing::internal::GetCapturedStdout();
  }

  // Runs only the client, with argument `name`; returns what it printed.
  std::string run_client(Host& client_host, const std::string& name) {
    ::testing::internal::CaptureStdout();
    start_client(client_host, name);
    run_threads();
    std::fflush(stdout);
    return ::testing::internal::GetCapturedStdout();
  }

  // A server program on "server" (10.0.0.2) and a client on each of two hosts (Windows 10 and
  // `second_profile`), started in that order; returns everything they printed.
  std::string run_server_with_two_clients(int (*server_main)(), std::string_view second_profile) {
    Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
    Host& first = add_host("first", "windows-10-22h2", "10.0.0.1");
    Host& second = add_host("second", second_profile, "10.0.0.3");
    ::testing::internal::CaptureStdout();
    start_thread(server, "server", [this, server_main] { server_exit = server_main(); });
    start_client(first, "server");
    start_client(second, "server");
    run_threads();
    std::fflush(stdout);
    return ::testing::internal::GetCapturedStdout();
  }

  void start_client(Host& client_host, const std::string& name) {
    start_thread(client_host, "client", [this, name] {
      std::string program = "gai_echo_client";
      std::string argument = name;
      std::vector<char*> argv{program.data(), argument.data(), nullptr};
      client_exit = gai_echo_client_main(2, argv.data());
    });
  }

  // dual_stack_server.c on `server_host`, serving one getaddrinfo client per entry of `clients`
  // (a host, and the name it looks up), started in that order; returns what they all printed.
  std::string run_dual_stack_server(Host& server_host,
                                    const std::vector<std::pair<Host*, std::string>>& clients) {
    ::testing::internal::CaptureStdout();
    start_thread(server_host, "server", [this, n = clients.size()] {
      std::string program = "dual_stack_server";
      std::string count = std::to_string(n);
      std::vector<char*> argv{program.data(), count.data(), nullptr};
      server_exit = dual_stack_server_main(2, argv.data());
    });
    for (const auto& [host, name] : clients) {
      start_client(*host, name);
    }
    run_threads();
    std::fflush(stdout);
    return ::testing::internal::GetCapturedStdout();
  }

  // iocp_echo_server.c on `server_host` and an iocp_echo_client.c on each of `clients` (its
  // host, and whether it stays connected after the echo), started in that order, with `fault`
  // (if any) scheduled; returns what they all printed.
  std::string run_iocp(Host& server_host, const std::vector<std::pair<Host*, bool>>& clients,
                       std::optional<std::pair<TimePoint, Fault>> fault = std::nullopt) {
    if (fault) {
      EXPECT_THAT(world.schedule(fault->first, fault->second), IsOk());
    }
    ::testing::internal::CaptureStdout();
    start_thread(server_host, "server", [this] { server_exit = iocp_echo_server_main(); });
    for (const auto& [host, stay] : clients) {
      start_thread(*host, "client", [this, stay = stay] {
        std::string program = "iocp_echo_client";
        std::string address = "10.0.0.2";
        std::string mode = "stay";
        std::vector<char*> argv{program.data(), address.data(), stay ? mode.data() : nullptr,
                                nullptr};
        client_exit = iocp_echo_client_main(stay ? 3 : 2, argv.data());
      });
    }
    run_threads();
    std::fflush(stdout);
    return ::testing::internal::GetCapturedStdout();
  }

  int server_exit = -1;
  int client_exit = -1;
};

constexpr const char* kEchoTranscript =
    "server: listening on port 27015\n"
    "client: connected to {name} at {address}\n"
    "client: sent 25 bytes\n"
    "server: echoed 25 bytes, client closed\n"
    "client: received \"hello through getaddrinfo\"\n"
    "client: server closed the connection\n";

std::string transcript(const std::string& name, const std::string& address) {
  std::string t = kEchoTranscript;
  t.replace(t.find("{name}"), 6, name);
  t.replace(t.find("{address}"), 9, address);
  return t;
}

TEST_F(ProgramPairs, ClientAndServerOnOneHostTalkOverLocalhost) {
  Host& pc = add_host("pc", "windows-10-22h2", "10.0.0.1");
  const std::string out = run_pair(pc, pc, "localhost");
  EXPECT_EQ(out, transcript("localhost", "127.0.0.1"));
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  // localhost answers ::1 first (docs/names.md); the server listens on IPv4 only, so the
  // client's first connect is refused - after Windows' two SYN re-sends, 2 s of virtual time
  // (docs/behaviour.md §12) - and it goes on to 127.0.0.1, as on Windows.
  std::vector<TimePoint> refused;
  for (const TraceEvent& e : world.trace().events()) {
    if (e.kind == TraceKind::kConnectionClosed && e.reason == CloseReason::kConnectionRefused) {
      refused.push_back(e.at);
    }
  }
  ASSERT_EQ(refused.size(), 1U) << "exactly one refused attempt: the one to ::1";
  EXPECT_GE(refused.front() - kEpoch, 2s);
  EXPECT_LT(refused.front() - kEpoch, 3s);
}

// A dual-stack server (dual_stack_server.c: one AF_INET6 socket, IPV6_V6ONLY cleared) on a
// host with an IPv6 address; the getaddrinfo client from a host with IPv6 (it resolves the
// server's IPv6 address first) and from an IPv4-only host (IPv4 first, and the server sees it
// as ::ffff:10.0.0.3). docs/behaviour.md §16.
TEST_F(ProgramPairs, ADualStackServerServesAnIpv6AndAnIpv4Client) {
  Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
  Host& six = add_host("six", "windows-11", "10.0.0.1");
  Host& four = add_host("four", "windows-10-22h2", "10.0.0.3");
  ASSERT_THAT(server.set_ipv6_address("2001:db8::2"), IsOk());
  ASSERT_THAT(six.set_ipv6_address("2001:db8::1"), IsOk());
  const std::string out = run_dual_stack_server(server, {{&six, "server"}, {&four, "server"}});
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  EXPECT_EQ(out,
            "server: listening on [::]:27015, IPv4 and IPv6\n"
            "client: connected to server at 2001:db8::2\n"
            "client: sent 25 bytes\n"
            "client: connected to server at 10.0.0.2\n"
            "client: sent 25 bytes\n"
            "server: client 1 from 2001:db8::1 (AF_INET6)\n"
            "server: echoed 25 bytes to client 1\n"
            "server: client 2 from ::ffff:10.0.0.3 (AF_INET6)\n"
            "server: echoed 25 bytes to client 2\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n");
}

TEST_F(ProgramPairs, OnOneHostADualStackServerTakesLocalhostOverIpv6AtOnce) {
  Host& pc = add_host("pc", "windows-10-22h2", "10.0.0.1");
  const std::string out = run_dual_stack_server(pc, {{&pc, "localhost"}});
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  EXPECT_EQ(out,
            "server: listening on [::]:27015, IPv4 and IPv6\n"
            "client: connected to localhost at ::1\n"
            "client: sent 25 bytes\n"
            "server: client 1 from ::1 (AF_INET6)\n"
            "server: echoed 25 bytes to client 1\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n");
  EXPECT_EQ(world.now(), kEpoch) << "no refused attempt: ::1 answers at once";
}

TEST_F(ProgramPairs, TheClientFindsTheServerHostByItsNameInAnyCase) {
  Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
  Host& client = add_host("client", "windows-11", "10.0.0.1");
  const std::string out = run_pair(server, client, "SERVER");
  EXPECT_EQ(out, transcript("SERVER", "10.0.0.2"));
  EXPECT_EQ(client_exit, 0);
}

TEST_F(ProgramPairs, AnAliasResolvesToItsHost) {
  Host& server = add_host("server", "windows-server-2019", "10.0.0.2");
  Host& client = add_host("client", "windows-xp", "10.0.0.1");
  ASSERT_THAT(server.add_alias("echo.corp.example"), IsOk());
  const std::string out = run_pair(server, client, "echo.corp.example");
  EXPECT_EQ(out, transcript("echo.corp.example", "10.0.0.2"));
}

TEST_F(ProgramPairs, AnUnknownNameIsWsahostNotFound) {
  Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
  Host& client = add_host("client", "windows-10-22h2", "10.0.0.1");
  EXPECT_EQ(run_client(client, "nowhere"), "client: getaddrinfo(nowhere) failed: 11001\n");
  EXPECT_EQ(client_exit, 1);
  (void)server;
}

TEST_F(ProgramPairs, AResolverOutageIsWsatryAgainAndASlowResolverTakesVirtualTime) {
  Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
  Host& client = add_host("client", "windows-10-22h2", "10.0.0.1");
  client.set_resolver({.delay = 3s, .answer = winsock::ResolverAnswer::kTryAgain});
  EXPECT_EQ(run_client(client, "server"), "client: getaddrinfo(server) failed: 11002\n");
  EXPECT_EQ(world.now(), at(3s));
  (void)server;

  // A slow resolver that answers: the connection starts 3 s in.
  client.set_resolver({.delay = 3s});
  const std::string out = run_pair(server, client, "server");
  EXPECT_EQ(out, transcript("server", "10.0.0.2"));
  EXPECT_GE(world.now(), at(6s));
}

TEST_F(ProgramPairs, ASelectServerServesTwoClientsOnTwoHosts) {
  const std::string out = run_server_with_two_clients(select_echo_server_main, "windows-7");
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  // Both clients connect and send at 1-2 ms; the server takes one per select() round (each
  // has already half-closed by then, so it leaves in the same round), then both read the echo.
  // Threads take turns in a fixed order: the same transcript on every run.
  EXPECT_EQ(out,
            "select server: listening on port 27015\n"
            "client: connected to server at 10.0.0.2\n"
            "client: sent 25 bytes\n"
            "client: connected to server at 10.0.0.2\n"
            "client: sent 25 bytes\n"
            "select server: client 1 connected\n"
            "select server: a client left (1 served)\n"
            "select server: client 1 connected\n"
            "select server: a client left (2 served)\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n");
}

TEST_F(ProgramPairs, AnEventSelectServerServesTwoClients) {
  const std::string out = run_server_with_two_clients(event_select_server_main, "windows-xp");
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  // Each client's data and FIN come together; FD_CLOSE (error 0: graceful) is recorded once the
  // server read the data (docs/behaviour.md §15).
  EXPECT_EQ(out,
            "event server: listening on port 27015\n"
            "client: connected to server at 10.0.0.2\n"
            "client: sent 25 bytes\n"
            "client: connected to server at 10.0.0.2\n"
            "client: sent 25 bytes\n"
            "event server: accepted a client\n"
            "event server: a client closed (error 0)\n"
            "event server: accepted a client\n"
            "event server: a client closed (error 0)\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n");
}

TEST_F(ProgramPairs, APollingServerAcceptsOnTheFirstPollAfterTheHandshake) {
  Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
  Host& client = add_host("client", "windows-10-22h2", "10.0.0.1");
  ASSERT_THAT(world.set_link(server, client, {.latency = 120ms}), IsOk());
  ::testing::internal::CaptureStdout();
  start_thread(server, "server", [this] { server_exit = nonblocking_accept_server_main(); });
  start_client(client, "server");
  run_threads();
  std::fflush(stdout);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  // The handshake completes on the server's side at 360 ms (three 120 ms crossings); it polls
  // at 0, 50, ..., 350 ms (8 WSAEWOULDBLOCKs) and accepts at 400 ms, in virtual time.
  EXPECT_EQ(out,
            "polling server: listening on port 27015\n"
            "client: connected to server at 10.0.0.2\n"
            "client: sent 25 bytes\n"
            "polling server: accepted after 8 polls (400 ms)\n"
            "polling server: echoed 25 bytes\n"
            "client: received \"hello through getaddrinfo\"\n"
            "client: server closed the connection\n");
}

// The completion-port pair (issue 19): iocp_echo_server.c (AcceptEx, four workers in
// GetQueuedCompletionStatus, a read always pending, keep-alive {10 s, 1 s}) and
// iocp_echo_client.c (ConnectEx, skip-on-success, keep-alive {10 s, 1 s}). Two clients that
// close after the echo: the server sees each pending read complete with 0 bytes.
TEST_F(ProgramPairs, ACompletionPortServerEchoesTwoConnectExClients) {
  Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
  Host& first = add_host("first", "windows-10-22h2", "10.0.0.1");
  Host& second = add_host("second", "windows-7", "10.0.0.3");
  const std::string out = run_iocp(server, {{&first, false}, {&second, false}});
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  EXPECT_EQ(out,
            "[     0 ms] listening on port 27016\n"
            "[     2 ms] client: connected, sent \"hello through a completion port\"\n"
            "[     2 ms] client: connected, sent \"hello through a completion port\"\n"
            "[     3 ms] connection 1 from 10.0.0.1:49152\n"
            "[     3 ms] connection 1: echo 31 bytes \"hello through a completion port\"\n"
            "[     3 ms] connection 2 from 10.0.0.3:49152\n"
            "[     3 ms] connection 2: echo 31 bytes \"hello through a completion port\"\n"
            "[     4 ms] client: echo \"hello through a completion port\"\n"
            "[     4 ms] client: echo \"hello through a completion port\"\n"
            "[     5 ms] connection 1: the peer closed it\n"
            "[     5 ms] connection 2: the peer closed it\n"
            "[     5 ms] served every connection\n");
}

// The question issue 19 answers: the peer vanishes (a partition: nothing arrives any more, no
// RST) while reads are pending on both sides. Each side's keep-alive ({10 s, 1 s}) gives up
// `idle + N x interval` after the last segment it received - the Windows XP client after its
// 5 probes (15.004 s), the Server 2022 server after 10 (20.005 s) - and the pending read
// completes then with ERROR_SEM_TIMEOUT (121), not the WSAENETRESET a blocking recv would get
// (docs/behaviour.md §17). The other client, on Windows 7, closes normally.
TEST_F(ProgramPairs, APeerThatVanishesEndsBothPendingReadsWithSemTimeout) {
  Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
  Host& xp = add_host("xp", "windows-xp", "10.0.0.1");
  Host& seven = add_host("seven", "windows-7", "10.0.0.3");
  const std::string out =
      run_iocp(server, {{&xp, true}, {&seven, false}},
               std::pair<TimePoint, Fault>{at(5s), PartitionHosts{xp.id(), server.id()}});
  EXPECT_EQ(server_exit, 0);
  EXPECT_EQ(client_exit, 0);
  EXPECT_EQ(out,
            "[     0 ms] listening on port 27016\n"
            "[     2 ms] client: connected, sent \"hello through a completion port\"\n"
            "[     2 ms] client: connected, sent \"hello through a completion port\"\n"
            "[     3 ms] connection 1 from 10.0.0.1:49152\n"
            "[     3 ms] connection 1: echo 31 bytes \"hello through a completion port\"\n"
            "[     3 ms] connection 2 from 10.0.0.3:49152\n"
            "[     3 ms] connection 2: echo 31 bytes \"hello through a completion port\"\n"
            "[     4 ms] client: echo \"hello through a completion port\"\n"
            "[     4 ms] client: echo \"hello through a completion port\"\n"
            "[     5 ms] connection 2: the peer closed it\n"
            "[ 15004 ms] client: the pending read failed: error 121\n"
            "[ 20005 ms] connection 1: pending read failed: error 121\n"
            "[ 20005 ms] served every connection\n");
}

}  // namespace
}  // namespace ws2sim::gtest
