// Threading guarantees (docs/testing.md, "Threads"; docs/reliability.md): worlds on different
// threads share nothing; threads on different hosts of one world, and threads sharing one host,
// are serialised by the world's lock. These tests also run under ThreadSanitizer (the `tsan`
// preset, scripts/run-tsan.sh), which is where a data race would show.
#include <algorithm>
#include <atomic>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

// One thread, one world: the dead-peer timeline of a keep-alive socket. Returns when recv()
// ended and with what.
struct DeadPeerResult {
  TimePoint ended;
  int error = 0;
};

sockaddr_in ipv4(const char* ip, u_short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

DeadPeerResult dead_peer_in_own_world(std::uint64_t seed, DWORD idle_ms) {
  World world{seed};
  Host& client = world.add_host("client", "windows-10-22h2", "10.0.0.1").value();
  Host& server = world.add_host("server", "windows-server-2022", "10.0.0.2").value();
  WSADATA data;
  SOCKET listener;
  {
    HostScope on(server);
    WSAStartup(MAKEWORD(2, 2), &data);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = ipv4("0.0.0.0", 80);
    bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(listener, SOMAXCONN);
  }
  HostScope on(client);
  WSAStartup(MAKEWORD(2, 2), &data);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, idle_ms, 1000};
  DWORD bytes = 0;
  WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &bytes, nullptr, nullptr);
  sockaddr_in to = ipv4("10.0.0.2", 80);
  connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to);
  (void)world.crash(server);
  char buf[4];
  const int r = recv(s, buf, sizeof buf, 0);
  return {world.now(), r == SOCKET_ERROR ? WSAGetLastError() : 0};
}

// Worlds share nothing: eight threads, each with its own world, get the single-threaded answer.
// Connected at 2 ms; idle 10 s (+ i s), then 10 probes 1 s apart: WSAENETRESET at 20.002 s + i s.
TEST(Concurrency, WorldsOnDifferentThreadsAreIndependent) {
  constexpr int kThreads = 8;
  std::vector<DeadPeerResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&results, i] {
      results[static_cast<std::size_t>(i)] = dead_peer_in_own_world(
          static_cast<std::uint64_t>(i), 10'000 + 1'000 * static_cast<DWORD>(i));
    });
  }
  for (auto& t : threads)
    t.join();
  for (int i = 0; i < kThreads; ++i) {
    const DeadPeerResult& r = results[static_cast<std::size_t>(i)];
    EXPECT_EQ(r.error, WSAENETRESET) << "thread " << i;
    EXPECT_EQ(r.ended, at(20s + 2ms + std::chrono::seconds(i))) << "thread " << i;
  }
}

class SharedWorld : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

// Four client hosts, each driven by its own thread, talk to one server whose four threads share
// its listener: every request gets its own answer, nothing is lost or crossed.
TEST_F(SharedWorld, ThreadsOnTheirOwnHostsAndThreadsSharingOneHost) {
  constexpr int kClients = 4;
  constexpr int kRequests = 5;
  std::vector<Host*> clients{client};
  for (int i = 1; i < kClients; ++i) {
    clients.push_back(
        &world.add_host("client" + std::to_string(i), "windows-11", "10.0.1." + std::to_string(i))
             .value()
             .get());
  }
  std::latch attached(2 * kClients);
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {  // server worker: one connection each, from the shared listener
      HostScope on(*server);
      attached.arrive_and_wait();
      SOCKET c = accept(listener, nullptr, nullptr);
      ASSERT_NE(c, INVALID_SOCKET) << WSAGetLastError();
      char buf[1];
      while (recv(c, buf, 1, 0) == 1) {
        const char reply = static_cast<char>(buf[0] + 1);
        send(c, &reply, 1, 0);
      }
      closesocket(c);
    });
    threads.emplace_back([&, i] {
      HostScope on(*clients[static_cast<std::size_t>(i)]);
      WSADATA data;
      WSAStartup(MAKEWORD(2, 2), &data);
      attached.arrive_and_wait();
      SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
      ASSERT_EQ(connect_to_server(s), 0) << WSAGetLastError();
      for (int k = 0; k < kRequests; ++k) {
        const char request = static_cast<char>('a' + 2 * k);
        char reply = 0;
        ASSERT_EQ(send(s, &request, 1, 0), 1);
        ASSERT_EQ(recv(s, &reply, 1, 0), 1);
        EXPECT_EQ(reply, request + 1);
        ++answered;
      }
      shutdown(s, SD_SEND);
      char rest;
      EXPECT_EQ(recv(s, &rest, 1, 0), 0);  // the server worker closed after our FIN
      closesocket(s);
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(answered.load(), kClients * kRequests);
  EXPECT_EQ(server->socket_count(), 1U) << "only the listener is left";
}

// A socket closed by one thread while another is blocked in recv() on it: the blocked call ends
// with WSAEINTR (as on Windows) and the closing thread's call succeeds.
// This thread stays attached (and not blocked) throughout, so virtual time cannot move: the
// reader waits until the close, not until the world's horizon.
TEST_F(SharedWorld, CloseFromAnotherThreadEndsABlockedRecv) {
  HostScope main_on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect_to_server(s), 0);
  int error = 0;
  std::thread reader([&] {
    HostScope on(*client);
    char buf[8];
    EXPECT_EQ(recv(s, buf, sizeof buf, 0), SOCKET_ERROR);
    error = WSAGetLastError();
  });
  world.wait_until_blocked(1);
  EXPECT_EQ(closesocket(s), 0);
  reader.join();
  EXPECT_EQ(error, WSAEINTR);
  EXPECT_EQ(world.now(), at(2ms)) << "no virtual time passed";
}

// Many threads on one host making non-blocking calls at once: handles stay unique, each thread
// keeps its own last error, and the socket table ends exactly as the threads left it.
TEST_F(SharedWorld, ConcurrentNonBlockingCallsOnOneHost) {
  constexpr int kThreads = 4;
  constexpr int kSockets = 300;
  std::vector<std::vector<SOCKET>> kept(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> wrong_errors{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HostScope on(*client);
      for (int i = 0; i < kSockets; ++i) {
        SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
        const DWORD on_off = 1;
        setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&on_off), 4);
        // A call failing on this thread sets this thread's error only.
        if (closesocket(INVALID_SOCKET) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK) {
          ++wrong_errors;
        }
        if (i % 2 == 0) {
          closesocket(s);
        } else {
          kept[static_cast<std::size_t>(t)].push_back(s);
        }
      }
    });
  }
  // Meanwhile this (unattached) thread reads the world through the control API.
  for (int i = 0; i < 100; ++i) {
    (void)client->socket_count();
    (void)world.now();
    (void)client->set_registry(RegistryValue::kKeepAliveTime, 60'000);
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(wrong_errors.load(), 0);
  std::set<SOCKET> all;
  for (const auto& k : kept)
    all.insert(k.begin(), k.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kSockets / 2)) << "handles alias";
  EXPECT_EQ(client->socket_count(), all.size());
}

}  // namespace
}  // namespace ws2sim::winsock::testing
