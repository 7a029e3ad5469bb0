// Several threads attached to one world: virtual time advances only while every attached thread
// is blocked in an emulated call, so a server thread and a client thread interleave
// deterministically (docs/testing.md, "Rules of virtual time").
#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

class Threads : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

// The server thread accepts and answers each request after a 2 s think time (Sleep, virtual);
// the client thread sends three requests. Every timestamp is exact and the same on every run.
TEST_F(Threads, ClientAndServerThreadsInterleaveDeterministically) {
  std::vector<std::pair<std::string, TimePoint>> server_log;
  std::vector<std::pair<std::string, TimePoint>> client_log;
  // Both threads attach before either makes a call: otherwise the first could run the world
  // alone (see docs/testing.md).
  std::latch attached(2);
  std::thread server_thread([&] {
    HostScope on(*server);
    attached.arrive_and_wait();
    SOCKET c = accept(listener, nullptr, nullptr);
    server_log.emplace_back("accepted", world.now());
    char buf[8];
    for (int i = 0; i < 3; ++i) {
      const int n = recv(c, buf, sizeof buf, 0);
      server_log.emplace_back("request " + std::string(buf, static_cast<std::size_t>(n)),
                              world.now());
      Sleep(2000);
      send(c, "ok", 2, 0);
    }
    closesocket(c);
  });
  std::thread client_thread([&] {
    HostScope on(*client);
    attached.arrive_and_wait();
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect_to_server(s), 0);
    client_log.emplace_back("connected", world.now());
    char buf[8];
    for (const char* req : {"a", "b", "c"}) {
      send(s, req, 1, 0);
      const int n = recv(s, buf, sizeof buf, 0);
      client_log.emplace_back("reply " + std::string(buf, static_cast<std::size_t>(n)),
                              world.now());
    }
    closesocket(s);
  });
  server_thread.join();
  client_thread.join();
  // 1 ms links: connected at 2 ms; the server takes the connection at 3 ms (the final ACK).
  // Request a leaves at 2 ms, arrives 3 ms; reply after 2 s of thinking: 2.003 s, arrives 2.004 s.
  const std::vector<std::pair<std::string, TimePoint>> expected_client{{"connected", at(2ms)},
                                                                       {"reply ok", at(2s + 4ms)},
                                                                       {"reply ok", at(4s + 6ms)},
                                                                       {"reply ok", at(6s + 8ms)}};
  const std::vector<std::pair<std::string, TimePoint>> expected_server{{"accepted", at(3ms)},
                                                                       {"request a", at(3ms)},
                                                                       {"request b", at(2s + 5ms)},
                                                                       {"request c", at(4s + 7ms)}};
  EXPECT_EQ(client_log, expected_client);
  EXPECT_EQ(server_log, expected_server);
}

// Sixteen threads block in recv() on sixteen hosts; data for one of them wakes that one thread
// (and, a second later, the sleeper), not the other fifteen (issue 18: wake only what can
// proceed; every blocked thread used to be woken on every event).
TEST_F(Threads, DataForOneThreadWakesOnlyThatThread) {
  constexpr int kClients = 16;
  std::vector<Host*> hosts;
  for (int i = 0; i < kClients; ++i) {
    hosts.push_back(&world
                         .add_host("c" + std::to_string(i), "windows-10-22h2",
                                   "10.0.1." + std::to_string(i + 1))
                         .value()
                         .get());
  }
  auto main_scope = std::make_unique<HostScope>(*server);  // attached before any client runs
  std::latch attached(kClients);
  std::atomic<int> got_data{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      HostScope on(*hosts[static_cast<std::size_t>(i)]);
      attached.count_down();
      WSADATA data;
      WSAStartup(MAKEWORD(2, 2), &data);
      SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
      ASSERT_EQ(connect_to_server(s), 0);
      char buf[4];
      while (recv(s, buf, sizeof buf, 0) > 0) {
        ++got_data;
      }
      closesocket(s);
    });
  }
  attached.wait();
  std::vector<SOCKET> conns;
  for (int i = 0; i < kClients; ++i) {
    conns.push_back(accept(listener, nullptr, nullptr));
  }
  Sleep(10);  // every client is in recv() now
  const std::uint64_t before = world.wakeups();
  ASSERT_EQ(send(conns[7], "x", 1, 0), 1);
  Sleep(1000);
  EXPECT_EQ(got_data.load(), 1);
  EXPECT_EQ(world.wakeups() - before, 2U);  // the receiver at 1 ms, the sleeper at 1 s
  for (SOCKET c : conns) {
    closesocket(c);
  }
  main_scope.reset();
  for (std::thread& t : clients) {
    t.join();
  }
}

// A thread that is attached but not in a Winsock call holds time still; releasing its scope lets
// the blocked thread's wait complete.
TEST_F(Threads, AnAttachedIdleThreadHoldsTimeUntilItDetaches) {
  std::atomic<bool> sleeper_done{false};
  auto idle_scope = std::make_unique<HostScope>(*server);  // this (main) thread is attached
  std::thread sleeper([&] {
    HostScope on(*client);
    Sleep(60'000);  // cannot finish while the main thread is attached and not blocked
    sleeper_done = true;
  });
  world.wait_until_blocked(1);  // the sleeper has reached Sleep() and is waiting
  EXPECT_EQ(world.blocked_threads(), 1U);
  EXPECT_FALSE(sleeper_done.load());
  EXPECT_EQ(world.now(), kEpoch);
  idle_scope.reset();  // detach: the sleeper is now the only attached thread
  sleeper.join();
  EXPECT_TRUE(sleeper_done.load());
  EXPECT_EQ(world.now(), at(60s));
}

}  // namespace
}  // namespace ws2sim::winsock::testing
