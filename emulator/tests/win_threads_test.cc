// Windows threads and wait objects on virtual time (docs/threads.md): CreateThread, the waits,
// events, semaphores, mutexes, critical sections, condition variables, APCs, TLS; the turn rule
// that makes multi-threaded programs deterministic; the deadlock report.
#include <process.h>

#include <sstream>
#include <string>
#include <vector>

#include "emulator_fixture.h"
#include "ws2sim/model/trace_writers.h"

namespace ws2sim::winsock::testing {
namespace {

// Starts `body` as a Windows thread of `host` (World::start_thread), failing the test if it
// cannot.
void start(World& w, Host& host, std::string name, std::function<void()> body) {
  ASSERT_TRUE(w.start_thread(host, std::move(name), std::move(body)).ok());
}

// Every test runs on both kinds of thread context (World::set_thread_contexts): the turns, and
// so what the threads do, must not depend on what they run on.
class WinThreads : public EmulatorTest, public ::testing::WithParamInterface<ThreadContexts> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(world.set_thread_contexts(GetParam()).ok());
    make_hosts("windows-10-22h2");
  }
};

std::string contexts_name(const ::testing::TestParamInfo<ThreadContexts>& info) {
  return info.param == ThreadContexts::kFibers ? "Fibers" : "OsThreads";
}

INSTANTIATE_TEST_SUITE_P(Contexts, WinThreads,
                         ::testing::Values(ThreadContexts::kOsThreads, ThreadContexts::kFibers),
                         contexts_name);

DWORD WINAPI sleep_then_exit(LPVOID arg) {
  Sleep(*static_cast<DWORD*>(arg));
  return 42;
}

// A thread handle is a join in virtual time: WaitForSingleObject returns when the thread ends,
// after its 5 s Sleep, and GetExitCodeThread says what it returned.
TEST_P(WinThreads, WaitingOnAThreadHandleJoinsItInVirtualTime) {
  start(world, *client, "main", [&] {
    DWORD ms = 5'000;
    DWORD id = 0;
    HANDLE t = CreateThread(nullptr, 0, sleep_then_exit, &ms, 0, &id);
    ASSERT_NE(t, nullptr);
    EXPECT_NE(id, GetCurrentThreadId());
    DWORD code = 0;
    ASSERT_TRUE(GetExitCodeThread(t, &code));
    EXPECT_EQ(code, static_cast<DWORD>(STILL_ACTIVE));
    EXPECT_EQ(WaitForSingleObject(t, 1'000), WAIT_TIMEOUT);
    EXPECT_EQ(world.now(), at(1s));
    EXPECT_EQ(WaitForSingleObject(t, INFINITE), WAIT_OBJECT_0);
    EXPECT_EQ(world.now(), at(5s)) << "joined when the thread's Sleep ended";
    ASSERT_TRUE(GetExitCodeThread(t, &code));
    EXPECT_EQ(code, 42U);
    EXPECT_TRUE(CloseHandle(t));
    EXPECT_FALSE(CloseHandle(t));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  });
  ASSERT_TRUE(world.run_threads().ok());
}

unsigned __stdcall count_and_end(void* arg) {
  InterlockedIncrement(static_cast<LONG*>(arg));
  _endthreadex(7);
  return 0;  // not reached
}

TEST_P(WinThreads, BeginThreadExAndEndThreadEx) {
  start(world, *client, "main", [&] {
    LONG n = 0;
    unsigned id = 0;
    const uintptr_t t = _beginthreadex(nullptr, 0, count_and_end, &n, 0, &id);
    ASSERT_NE(t, 0U);
    EXPECT_EQ(WaitForSingleObject(reinterpret_cast<HANDLE>(t), INFINITE), WAIT_OBJECT_0);
    DWORD code = 0;
    GetExitCodeThread(reinterpret_cast<HANDLE>(t), &code);
    EXPECT_EQ(code, 7U) << "_endthreadex's code";
    EXPECT_EQ(n, 1);
  });
  ASSERT_TRUE(world.run_threads().ok());
}

// SetEvent on an auto-reset event with two waiters lets exactly one go: the first to wait.
TEST_P(WinThreads, AnAutoResetEventReleasesExactlyOneWaiter) {
  std::vector<std::string> order;
  HANDLE ev = nullptr;
  start(world, *client, "setter", [&] {
    ev = CreateEventA(nullptr, FALSE, FALSE, nullptr);
    for (const char* name : {"first", "second"}) {
      start(world, *client, name, [&order, &ev, name] {
        const DWORD r = WaitForSingleObject(ev, 10'000);
        order.push_back(std::string(name) + (r == WAIT_OBJECT_0 ? " got it" : " timed out"));
      });
    }
    Sleep(1'000);  // both wait now
    EXPECT_TRUE(SetEvent(ev));
    EXPECT_EQ(WaitForSingleObject(ev, 0), static_cast<DWORD>(WAIT_TIMEOUT))
        << "the waiter took it at the signal: nothing left to steal";
    order.push_back("set at " + format_time(world.now()));
  });
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_THAT(order, ::testing::ElementsAre("set at 1.000s", "first got it", "second timed out"));
  EXPECT_EQ(world.now(), at(10s));
}

TEST_P(WinThreads, SemaphoresCountAndRefuseTooManyPosts) {
  start(world, *client, "main", [&] {
    HANDLE s = CreateSemaphoreA(nullptr, 1, 2, nullptr);
    EXPECT_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(s, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    LONG previous = -1;
    EXPECT_TRUE(ReleaseSemaphore(s, 2, &previous));
    EXPECT_EQ(previous, 0);
    EXPECT_FALSE(ReleaseSemaphore(s, 1, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_TOO_MANY_POSTS));
    EXPECT_EQ(CreateSemaphoreA(nullptr, 3, 2, nullptr), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  });
  ASSERT_TRUE(world.run_threads().ok());
}

// A mutex whose owner ended holding it is abandoned: the next wait gets WAIT_ABANDONED and owns it.
TEST_P(WinThreads, AMutexHeldByAThreadThatEndedIsAbandoned) {
  start(world, *client, "main", [&] {
    HANDLE m = CreateMutexA(nullptr, FALSE, nullptr);
    auto take_and_end = [](LPVOID p) -> DWORD {
      return WaitForSingleObject(static_cast<HANDLE>(p), INFINITE);
    };
    HANDLE t = CreateThread(nullptr, 0, take_and_end, m, 0, nullptr);
    WaitForSingleObject(t, INFINITE);
    EXPECT_FALSE(ReleaseMutex(m)) << "not ours";
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_OWNER));
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0) << "recursive";
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_FALSE(ReleaseMutex(m));
  });
  ASSERT_TRUE(world.run_threads().ok());
}

// A critical section held across a Sleep keeps the other thread waiting in virtual time.
TEST_P(WinThreads, ACriticalSectionHeldAcrossASleepMakesTheOtherWaitInVirtualTime) {
  CRITICAL_SECTION cs;
  InitializeCriticalSection(&cs);
  TimePoint entered{};
  start(world, *client, "holder", [&] {
    EnterCriticalSection(&cs);
    Sleep(3'000);
    LeaveCriticalSection(&cs);
  });
  start(world, *client, "waiter", [&] {
    EXPECT_FALSE(TryEnterCriticalSection(&cs));
    EnterCriticalSection(&cs);
    entered = world.now();
    EXPECT_EQ(cs.RecursionCount, 1);
    LeaveCriticalSection(&cs);
  });
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_EQ(entered, at(3s));
  DeleteCriticalSection(&cs);
}

// A producer and a consumer on a condition variable: the consumer sleeps until woken, in order.
TEST_P(WinThreads, AConditionVariableHandsItemsFromProducerToConsumer) {
  CRITICAL_SECTION cs;
  InitializeCriticalSection(&cs);
  CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
  std::vector<int> queue;
  std::vector<std::string> got;
  start(world, *client, "consumer", [&] {
    EnterCriticalSection(&cs);
    for (int n = 0; n < 3; ++n) {
      while (queue.empty()) {
        ASSERT_TRUE(SleepConditionVariableCS(&cv, &cs, INFINITE));
      }
      got.push_back(std::to_string(queue.front()) + "@" + format_time(world.now()));
      queue.erase(queue.begin());
    }
    EXPECT_FALSE(SleepConditionVariableCS(&cv, &cs, 500));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_TIMEOUT));
    LeaveCriticalSection(&cs);
  });
  start(world, *client, "producer", [&] {
    for (int n = 1; n <= 3; ++n) {
      Sleep(1'000);
      EnterCriticalSection(&cs);
      queue.push_back(n);
      LeaveCriticalSection(&cs);
      WakeConditionVariable(&cv);
    }
  });
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_THAT(got, ::testing::ElementsAre("1@1.000s", "2@2.000s", "3@3.000s"));
}

TEST_P(WinThreads, WaitAllTakesEveryObjectAtOnceAndWaitAnyTheFirst) {
  start(world, *client, "main", [&] {
    HANDLE a = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    HANDLE b = CreateSemaphoreA(nullptr, 1, 1, nullptr);
    HANDLE both[] = {a, b};
    EXPECT_EQ(WaitForMultipleObjects(2, both, TRUE, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_EQ(WaitForSingleObject(b, 0), WAIT_OBJECT_0) << "the failed wait-all took nothing";
    ReleaseSemaphore(b, 1, nullptr);
    EXPECT_EQ(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_OBJECT_0 + 1);
    ReleaseSemaphore(b, 1, nullptr);
    SetEvent(a);
    EXPECT_EQ(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(b, 0), static_cast<DWORD>(WAIT_TIMEOUT)) << "taken by wait-all";
    EXPECT_EQ(WaitForMultipleObjects(0, both, FALSE, 0), WAIT_FAILED);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    HANDLE bad = reinterpret_cast<HANDLE>(0x7777);
    EXPECT_EQ(WaitForSingleObject(bad, 0), WAIT_FAILED);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  });
  ASSERT_TRUE(world.run_threads().ok());
}

void CALLBACK note_apc(ULONG_PTR p) {
  ++*reinterpret_cast<int*>(p);
}

// QueueUserAPC: an alertable wait of the target returns WAIT_IO_COMPLETION after running it; a
// thread created suspended runs APCs queued before it started ahead of its start routine.
TEST_P(WinThreads, AnApcEndsAnAlertableWaitOfItsThread) {
  int ran = 0;
  DWORD result = 0;
  TimePoint when{};
  start(world, *client, "main", [&] {
    auto wait_alertable = [](LPVOID) -> DWORD {
      return SleepEx(60'000, TRUE) == WAIT_IO_COMPLETION ? 1 : 0;
    };
    HANDLE t = CreateThread(nullptr, 0, wait_alertable, nullptr, 0, nullptr);
    Sleep(2'000);
    ASSERT_NE(QueueUserAPC(note_apc, t, reinterpret_cast<ULONG_PTR>(&ran)), 0U);
    WaitForSingleObject(t, INFINITE);
    when = world.now();
    GetExitCodeThread(t, &result);
    auto check = [](LPVOID p) -> DWORD { return *static_cast<int*>(p) == 2 ? 1 : 0; };
    HANDLE s = CreateThread(nullptr, 0, check, &ran, CREATE_SUSPENDED, nullptr);
    QueueUserAPC(note_apc, s, reinterpret_cast<ULONG_PTR>(&ran));
    EXPECT_EQ(ResumeThread(s), 1U);
    WaitForSingleObject(s, INFINITE);
    DWORD code = 0;
    GetExitCodeThread(s, &code);
    EXPECT_EQ(code, 1U) << "the APC ran before the start routine";
  });
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_EQ(result, 1U);
  EXPECT_EQ(when, at(2s));
}

TEST_P(WinThreads, ThreadLocalStorageIsPerThreadAndFreedSlotsReadZero) {
  start(world, *client, "main", [&] {
    const DWORD slot = TlsAlloc();
    ASSERT_NE(slot, TLS_OUT_OF_INDEXES);
    int mine = 1;
    ASSERT_TRUE(TlsSetValue(slot, &mine));
    auto other = [](LPVOID p) -> DWORD {
      const DWORD s = *static_cast<DWORD*>(p);
      return TlsGetValue(s) == nullptr ? 1 : 0;
    };
    DWORD arg = slot;
    HANDLE t = CreateThread(nullptr, 0, other, &arg, 0, nullptr);
    WaitForSingleObject(t, INFINITE);
    DWORD code = 0;
    GetExitCodeThread(t, &code);
    EXPECT_EQ(code, 1U) << "another thread's slot starts empty";
    EXPECT_EQ(TlsGetValue(slot), &mine);
    EXPECT_TRUE(TlsFree(slot));
    EXPECT_EQ(TlsAlloc(), slot);
    EXPECT_EQ(TlsGetValue(slot), nullptr) << "a freed and reallocated slot reads zero";
    EXPECT_EQ(TlsGetValue(5000), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  });
  ASSERT_TRUE(world.run_threads().ok());
}

// ---- The deadlock report ---------------------------------------------------------------------

// Two threads taking two critical sections in opposite orders: the world stops at the instant
// both block, and the report names each thread, the section it waits for and who holds it.
TEST_P(WinThreads, ALockOrderDeadlockIsReported) {
  CRITICAL_SECTION a;
  CRITICAL_SECTION b;
  InitializeCriticalSection(&a);
  InitializeCriticalSection(&b);
  bool passed_a = false;
  bool passed_b = false;
  start(world, *client, "takes-a-then-b", [&] {
    EnterCriticalSection(&a);
    Sleep(100);
    EnterCriticalSection(&b);
    passed_a = true;  // never reached: the thread ends at the deadlock
  });
  start(world, *client, "takes-b-then-a", [&] {
    EnterCriticalSection(&b);
    Sleep(100);
    EnterCriticalSection(&a);
    passed_b = true;
  });
  const Status s = world.run_threads();
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(passed_a);
  EXPECT_FALSE(passed_b);
  const std::optional<DeadlockReport> report = world.deadlock();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->at, at(100ms));
  ASSERT_EQ(report->threads.size(), 2U);
  std::ostringstream a_text;
  a_text << "critical section 0x" << std::hex << reinterpret_cast<std::uintptr_t>(&a);
  EXPECT_EQ(report->threads[0].thread, "takes-a-then-b (thread 4)");
  EXPECT_EQ(report->threads[0].function, "EnterCriticalSection");
  EXPECT_THAT(report->threads[1].waits_on, ::testing::StartsWith(a_text.str()));
  EXPECT_THAT(report->threads[1].waits_on, ::testing::EndsWith("held by thread 4"));
  EXPECT_THAT(s.error().message, ::testing::HasSubstr("deadlock at 0.100s"));
  EXPECT_THAT(s.error().message, ::testing::HasSubstr("takes-b-then-a (thread 8) on client: in "
                                                      "EnterCriticalSection, waiting for"));
}

// A blocking call nothing can ever complete (recv on an idle connection without keep-alive)
// is the one-thread form: the world stops then, not 400 days later, and recv fails.
TEST_P(WinThreads, ARecvNothingCanEndIsReportedAtOnce) {
  start(world, *client, "reader", [&] {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect_to_server(s), 0);
    char b;
    EXPECT_EQ(recv(s, &b, 1, 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  });
  EXPECT_FALSE(world.run_threads().ok());
  ASSERT_TRUE(world.deadlock().has_value());
  // The last thing that happens: the server takes the handshake's final ACK at 3 ms.
  EXPECT_EQ(world.deadlock()->at, at(3ms));
  EXPECT_EQ(world.deadlock()->threads.at(0).function, "recv");
  EXPECT_THAT(world.deadlock()->threads.at(0).waits_on, ::testing::StartsWith("socket 0x"));
  EXPECT_EQ(world.now(), at(3ms));
}

// ---- Determinism -------------------------------------------------------------------------------

// A 16-thread server: a main thread creates 16 workers with CreateThread; each accepts one
// client, echoes its requests and appends to a log the workers share without a lock (one
// thread runs at a time). 16 client threads on 4 hosts connect at the same instants.
struct Outcome {
  std::string trace;
  std::string log;
  std::uint64_t turns = 0;
};

struct ServerShared {
  SOCKET listener;
  std::vector<std::string>* log;
};

DWORD WINAPI echo_worker(LPVOID p) {
  auto* shared = static_cast<ServerShared*>(p);
  SOCKET c = accept(shared->listener, nullptr, nullptr);
  if (c == INVALID_SOCKET) return 1;
  char buf[16];
  int n = 0;
  while ((n = recv(c, buf, sizeof buf, 0)) > 0) {
    shared->log->push_back("worker " + std::to_string(GetCurrentThreadId()) + " echoes " +
                           std::string(buf, static_cast<std::size_t>(n)));
    send(c, buf, n, 0);
  }
  closesocket(c);
  return 0;
}

Outcome run_sixteen_thread_server(std::uint64_t seed, std::optional<std::uint64_t> shuffle,
                                  ThreadContexts contexts = ThreadContexts::kOsThreads) {
  constexpr int kThreads = 16;
  World w{seed};
  EXPECT_TRUE(w.set_thread_contexts(contexts).ok());
  if (shuffle) w.shuffle_turns(shuffle);
  Host& server = w.add_host("server", "windows-server-2022", "10.0.0.2").value();
  std::vector<Host*> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(
        &w.add_host("client" + std::to_string(i), "windows-11", "10.0.1." + std::to_string(i + 1))
             .value()
             .get());
    (void)w.set_link(*clients.back(), server, {.latency = 3ms, .loss = 0.0});
  }
  std::vector<std::string> log;
  ServerShared shared{INVALID_SOCKET, &log};
  start(w, server, "server-main", [&] {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    shared.listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = ipv4_address("0.0.0.0", 80);
    bind(shared.listener, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(shared.listener, SOMAXCONN);
    HANDLE workers[kThreads];
    for (HANDLE& h : workers) {
      h = CreateThread(nullptr, 0, echo_worker, &shared, 0, nullptr);
    }
    WaitForMultipleObjects(kThreads, workers, TRUE, INFINITE);
    log.push_back("all workers done at " + format_time(w.now()));
  });
  for (int i = 0; i < kThreads; ++i) {
    Host& h = *clients[static_cast<std::size_t>(i % 4)];
    start(w, h, "client-" + std::to_string(i), [&log, i, &w] {
      WSADATA d;
      WSAStartup(MAKEWORD(2, 2), &d);
      Sleep(10);  // the server listens by now
      SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a = ipv4_address("10.0.0.2", 80);
      connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
      for (int k = 0; k < 3; ++k) {
        const std::string msg = std::to_string(i) + "." + std::to_string(k);
        send(s, msg.data(), static_cast<int>(msg.size()), 0);
        char buf[16];
        const int n = recv(s, buf, sizeof buf, 0);
        log.push_back("client " + std::to_string(i) + " got " +
                      std::string(buf, static_cast<std::size_t>(std::max(n, 0))) + " at " +
                      format_time(w.now()));
      }
      closesocket(s);
    });
  }
  EXPECT_TRUE(w.run_threads().ok());
  Outcome out;
  std::ostringstream trace;
  EXPECT_TRUE(write_jsonl(w.trace(), trace).ok());
  out.trace = trace.str();
  for (const std::string& line : log)
    out.log += line + "\n";
  out.turns = w.turns();
  return out;
}

TEST(WinThreadsDeterminism, ASixteenThreadServerGivesTheSameTraceTwoHundredTimes) {
  const Outcome first = run_sixteen_thread_server(5, std::nullopt);
  ASSERT_NE(first.log.find("all workers done"), std::string::npos) << first.log;
  EXPECT_EQ(std::count(first.log.begin(), first.log.end(), '\n'), 16 * 3 * 2 + 1);
  for (int run = 1; run < 200; ++run) {
    const Outcome again = run_sixteen_thread_server(5, std::nullopt);
    ASSERT_EQ(again.trace, first.trace) << "run " << run << ": the traces differ";
    ASSERT_EQ(again.log, first.log) << "run " << run << ": the threads interleaved differently";
    ASSERT_EQ(again.turns, first.turns);
  }
}

// A shuffle seed picks another interleaving of same-instant turns, the same one every time.
TEST(WinThreadsDeterminism, AShuffleSeedPicksAnotherInterleavingAndRepeatsIt) {
  const Outcome fifo = run_sixteen_thread_server(5, std::nullopt);
  const Outcome one = run_sixteen_thread_server(5, 1);
  EXPECT_EQ(run_sixteen_thread_server(5, 1).log, one.log);
  EXPECT_NE(one.log, fifo.log) << "shuffled turns interleave the threads differently";
  EXPECT_NE(run_sixteen_thread_server(5, 2).log, one.log);
}

// What the threads run on changes nothing they do: the same trace, log and turns on fibers as
// on OS threads, FIFO and shuffled, and on fibers too the same two hundred times.
TEST(WinThreadsDeterminism, FibersTakeTheSameTurnsAsOsThreads) {
  for (const std::optional<std::uint64_t> shuffle : {std::optional<std::uint64_t>(), {3}}) {
    const Outcome os = run_sixteen_thread_server(5, shuffle, ThreadContexts::kOsThreads);
    const Outcome fibers = run_sixteen_thread_server(5, shuffle, ThreadContexts::kFibers);
    EXPECT_EQ(fibers.trace, os.trace);
    EXPECT_EQ(fibers.log, os.log);
    EXPECT_EQ(fibers.turns, os.turns);
  }
  const Outcome first = run_sixteen_thread_server(5, std::nullopt, ThreadContexts::kFibers);
  for (int run = 1; run < 200; ++run) {
    const Outcome again = run_sixteen_thread_server(5, std::nullopt, ThreadContexts::kFibers);
    ASSERT_EQ(again.trace, first.trace) << "run " << run << ": the traces differ";
    ASSERT_EQ(again.log, first.log) << "run " << run;
  }
}

}  // namespace
}  // namespace ws2sim::winsock::testing

namespace ws2sim::winsock::testing {
namespace {

// A condition variable nobody will ever wake: the sleep fails with ERROR_POSSIBLE_DEADLOCK (not
// ERROR_TIMEOUT) after taking its critical section again, and the thread goes on.
TEST_P(WinThreads, ASleepOnAConditionVariableNobodyWakesFailsAsADeadlock) {
  CRITICAL_SECTION cs;
  InitializeCriticalSection(&cs);
  CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
  DWORD error = 0;
  LONG depth = 0;
  start(world, *client, "sleeper", [&] {
    EnterCriticalSection(&cs);
    EXPECT_FALSE(SleepConditionVariableCS(&cv, &cs, INFINITE));
    error = GetLastError();
    depth = cs.RecursionCount;
    LeaveCriticalSection(&cs);
  });
  EXPECT_FALSE(world.run_threads().ok());
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_POSSIBLE_DEADLOCK));
  EXPECT_EQ(depth, 1) << "the section is held again";
  ASSERT_TRUE(world.deadlock().has_value());
  EXPECT_EQ(world.deadlock()->threads.at(0).function, "SleepConditionVariableCS");
}

}  // namespace
}  // namespace ws2sim::winsock::testing

namespace ws2sim::winsock::testing {
namespace {

// Regression: a thread's OS thread may start before its creator has filled in its record; it
// must not read the record (its host) until the creator lets go of the world.
TEST_P(WinThreads, ManyThreadsStartedAtOnceEachRunOnItsOwnHost) {
  constexpr int kThreads = 200;
  int on_client = 0;
  int on_server = 0;
  for (int i = 0; i < kThreads; ++i) {
    Host& h = i % 2 == 0 ? *client : *server;
    start(world, h, "t" + std::to_string(i), [&, i] {
      (i % 2 == 0 ? on_client : on_server) += current_host() == (i % 2 == 0 ? client : server);
    });
  }
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_EQ(on_client, kThreads / 2);
  EXPECT_EQ(on_server, kThreads / 2);
}

}  // namespace
}  // namespace ws2sim::winsock::testing
