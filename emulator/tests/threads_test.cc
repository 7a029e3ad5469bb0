// Several threads attached to one world: virtual time advances only while every attached thread
// is blocked in an emulated call, so a server thread and a client thread interleave
// deterministically (docs/testing.md, "Rules of virtual time").
#include <atomic>
#include <latch>
#include <thread>

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
