// Windows threads on fibers (World::set_thread_contexts, docs/threads.md "What a Windows thread
// runs on"): more threads than the machine gives OS threads, exceptions kept per thread, a
// stack overflow named, and the choice fixed once the first thread exists.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "emulator_fixture.h"
#include "ws2sim/model/sanitizers.h"

namespace ws2sim::winsock::testing {
namespace {

using namespace std::chrono_literals;

class Fibers : public EmulatorTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(world.set_thread_contexts(ThreadContexts::kFibers).ok());
    make_hosts("windows-10-22h2");
  }
};

struct Crowd {
  HANDLE go = nullptr;
  int woken = 0;
  int timed_out = 0;
};

DWORD WINAPI wait_for_go(LPVOID p) {
  auto* crowd = static_cast<Crowd*>(p);
  const DWORD r = WaitForSingleObject(crowd->go, 60'000);
  (r == WAIT_OBJECT_0 ? crowd->woken : crowd->timed_out) += 1;
  return 0;
}

// More Windows threads than this machine has OS threads to give (pid_max is 32,768 here): on
// each of 35 hosts a thread makes 1,000 threads that block on one manual-reset event of its
// process, then releases them all with one SetEvent.
TEST_F(Fibers, ThirtyFiveThousandThreadsWaitOnEventsAndAllWake) {
  constexpr int kHosts = 35;
  constexpr int kPerHost = 1'000;
  std::vector<Crowd> crowds(kHosts);
  int made = 0;
  for (int h = 0; h < kHosts; ++h) {
    Host& host =
        world.add_host("h" + std::to_string(h), "windows-11", "10.1." + std::to_string(h) + ".1")
            .value();
    Crowd& crowd = crowds[static_cast<std::size_t>(h)];
    ASSERT_TRUE(world
                    .start_thread(host, "setter",
                                  [&crowd, &made] {
                                    crowd.go = CreateEventA(nullptr, TRUE, FALSE, nullptr);
                                    for (int i = 0; i < kPerHost; ++i) {
                                      HANDLE t =
                                          CreateThread(nullptr, 0, wait_for_go, &crowd, 0, nullptr);
                                      made += t != nullptr;
                                      CloseHandle(t);
                                    }
                                    Sleep(1000);  // every waiter is blocked by now
                                    SetEvent(crowd.go);
                                  })
                    .ok());
  }
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_EQ(made, kHosts * kPerHost);
  for (const Crowd& crowd : crowds) {
    EXPECT_EQ(crowd.woken, kPerHost);
    EXPECT_EQ(crowd.timed_out, 0);
  }
  EXPECT_EQ(world.now(), kEpoch + 1s) << "released at the SetEvent, not at the timeout";
}

// A thread that parks inside a catch block keeps its exception: another thread throwing and
// catching meanwhile neither sees it (std::uncaught_exceptions) nor loses it for a rethrow.
TEST_F(Fibers, EachThreadKeepsItsOwnExceptionAcrossAPark) {
  std::string first;
  int seen_by_second = -1;
  ASSERT_TRUE(world
                  .start_thread(*client, "first",
                                [&] {
                                  try {
                                    try {
                                      throw std::string("first's");
                                    } catch (const std::string&) {
                                      Sleep(10);  // parks holding a caught exception
                                      throw;      // rethrows the one it caught
                                    }
                                  } catch (const std::string& s) {
                                    first = s;
                                  }
                                })
                  .ok());
  ASSERT_TRUE(world
                  .start_thread(*server, "second",
                                [&] {
                                  try {
                                    throw 42;
                                  } catch (int) {
                                    seen_by_second = std::uncaught_exceptions();
                                  }
                                })
                  .ok());
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_EQ(first, "first's");
  EXPECT_EQ(seen_by_second, 0);
}

TEST_F(Fibers, WhatThreadsRunOnIsChosenBeforeTheFirst) {
  ASSERT_TRUE(world.start_thread(*client, "t", [] {}).ok());
  const Status s = world.set_thread_contexts(ThreadContexts::kOsThreads);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("before the first"), std::string::npos) << s.error().message;
  ASSERT_TRUE(world.run_threads().ok());
}

// Recurses through about 1.25 MiB of stack, writing into every page.
int deep(int depth) {
  volatile char page[4096];
  page[0] = static_cast<char>(depth);
  page[4095] = page[0];
  return depth == 0 ? page[4095] : deep(depth - 1) + page[0];
}

// `sleepers` threads sleep, then one overflows its stack and blocks.
void overflow_after(int sleepers) {
  World w{1};
  (void)w.set_thread_contexts(ThreadContexts::kFibers);
  Host& h = w.add_host("h", "windows-10-22h2", "10.0.0.1").value();
  for (int i = 0; i < sleepers; ++i) {
    (void)w.start_thread(h, "sleeper", [] { Sleep(100); });
  }
  (void)w.start_thread(h, "deep-diver", [] {
    const int sum = deep(320);
    Sleep(static_cast<DWORD>(1 + (sum & 1)));
  });
  (void)w.run_threads();
}

// The first 4,096 stacks of a world have a guard page: an overflow faults there, as on Windows
// (where it is STATUS_STACK_OVERFLOW), before it can write another thread's stack.
// (AddressSanitizer catches the fault itself and exits reporting a stack overflow.)
TEST(FibersDeathTest, AStackOverflowHitsTheGuardPage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
#if defined(WS2SIM_ASAN)
  EXPECT_DEATH(overflow_after(1), "stack-overflow");
#else
  EXPECT_EXIT(overflow_after(1), ::testing::KilledBySignal(SIGSEGV), "");
#endif
}

// Stacks beyond those have a canary page instead (guard pages would use up the process's map
// count): the overflow is found when the thread next switches out, and named. The 4,098th
// stack is the second of a 64-stack mapping, so what it overflows into is another fiber's stack.
TEST(FibersDeathTest, AStackOverflowBeyondTheGuardedStacksIsNamed) {
#if defined(WS2SIM_ASAN)
  GTEST_SKIP() << "AddressSanitizer reports the write into the other fiber's stack first";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(overflow_after(4097),
               "Windows thread 'deep-diver' .* overflowed its 1 MiB fiber stack");
}

}  // namespace
}  // namespace ws2sim::winsock::testing
