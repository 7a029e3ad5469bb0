// WSAIoctl(SIO_KEEPALIVE_VALS) per docs/behaviour.md §6 on every profile, FIONBIO/FIONREAD through
// WSAIoctl, overlapped completion (event, completion routine as an APC), and the event and wait
// functions (WSACreateEvent ... WSAWaitForMultipleEvents, SleepEx, Sleep, CloseHandle).
#include <future>
#include <thread>

#include "options_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

// What a completion routine saw.
struct Completion {
  int calls = 0;
  DWORD error = 99;
  DWORD bytes = 99;
  LPWSAOVERLAPPED overlapped = nullptr;
  DWORD flags = 99;
  SOCKET probe = INVALID_SOCKET;  // if set, the routine reads SO_KEEPALIVE on it
  std::int64_t probed = -2;
};
Completion g_done;

void CALLBACK on_complete(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
  ++g_done.calls;
  g_done.error = error;
  g_done.bytes = bytes;
  g_done.overlapped = ov;
  g_done.flags = flags;
  // A Winsock call from the routine: it runs with the world lock released.
  if (g_done.probe != INVALID_SOCKET)
    g_done.probed = read_opt(g_done.probe, SOL_SOCKET, SO_KEEPALIVE);
}

// An overlapped SIO_KEEPALIVE_VALS {1, 15000, 1500}.
int overlapped_keepalive(SOCKET s, WSAOVERLAPPED* ov, DWORD* returned,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr) {
  tcp_keepalive ka{1, 15'000, 1'500};
  return WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, returned, ov, routine);
}

bool signaled(WSAEVENT e) {
  return WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0;
}

using Ioctl = ProfileTest;

// ---- docs/behaviour.md §6 on every profile
// ------------------------------------------------------------------

TEST_P(Ioctl, KeepAliveValsSucceedsBeforeAndAfterConnectAndOnListeners) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  DWORD returned = 77;
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500, &returned)), 0)
      << "docs/behaviour.md §6: supported on 2000 and later";
  EXPECT_EQ(returned, 0U)
      << "docs/behaviour.md §6: success, not overlapped: *lpcbBytesReturned = 0";
  EXPECT_TRUE(keepalive_on(s));
  ASSERT_EQ(connect_to_server(s), 0);
  returned = 77;
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 20'000, 2'000, &returned)), 0) << "after connect";
  EXPECT_EQ(returned, 0U);
  SOCKET lst = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = address("0.0.0.0", 9000);
  ASSERT_EQ(bind(lst, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(lst, 5), 0);
  EXPECT_EQ(error_of(keepalive_vals(lst, 1, 7'200'000, 1'000)), 0) << "clients.md P1: listeners";
  EXPECT_TRUE(keepalive_on(lst));
}

TEST_P(Ioctl, ZeroAndMaximumTimesAreAcceptedWithoutOverflow) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 0, 0)), 0)
      << "docs/behaviour.md §2: time and interval 0 accepted";
  EXPECT_TRUE(keepalive_on(s));
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 0xFFFFFFFF, 0xFFFFFFFF)), 0)
      << "clients.md: 0xFFFFFFFF ms is a valid 49.7-day timeout";
  if (spec().tcp_keepalive_3) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 4'294'967);
  }
  if (spec().tcp_keepintvl) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPINTVL), 4'294'967);
  }
}

TEST_P(Ioctl, ShortOrNullInputIsEfaultWithZeroBytesReturned) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 15'000, 1'500};
  DWORD returned = 77;
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, nullptr, sizeof ka, nullptr, 0, &returned,
                              nullptr, nullptr)),
            WSAEFAULT)
      << "docs/behaviour.md §6: lpvInBuffer NULL -> WSAEFAULT";
  EXPECT_EQ(returned, 0U) << "docs/behaviour.md §6: *lpcbBytesReturned set to 0";
  returned = 77;
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka - 1, nullptr, 0, &returned,
                              nullptr, nullptr)),
            WSAEFAULT)
      << "docs/behaviour.md §6: cbInBuffer < 12 -> WSAEFAULT";
  EXPECT_EQ(returned, 0U);
  EXPECT_EQ(
      error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, 0, nullptr, 0, &returned, nullptr, nullptr)),
      WSAEFAULT);
  EXPECT_FALSE(keepalive_on(s)) << "a failed call changes nothing";
  if (spec().tcp_keepalive_3) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 7200);
  }
}

TEST_P(Ioctl, NullBytesReturnedIsEfaultOverlappedOrNot) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 15'000, 1'500};
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, nullptr, nullptr,
                              nullptr)),
            WSAEFAULT)
      << "docs/behaviour.md §6: lpcbBytesReturned NULL -> WSAEFAULT";
  WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.Internal = 0x55;
  ov.hEvent = ev;
  EXPECT_EQ(error_of(overlapped_keepalive(s, &ov, nullptr)), WSAEFAULT)
      << "docs/behaviour.md §6: lpcbBytesReturned NULL -> WSAEFAULT, overlapped too";
  EXPECT_FALSE(signaled(ev)) << "a failed call completes nothing";
  EXPECT_EQ(ov.Internal, 0x55U);
  EXPECT_FALSE(keepalive_on(s));
}

TEST_P(Ioctl, DatagramSocketIsEnoprotoopt) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), WSAENOPROTOOPT)
      << "docs/behaviour.md §6: datagram socket -> WSAENOPROTOOPT";
}

TEST_P(Ioctl, ProviderWithoutKeepAliveIoctlIsEopnotsupp) {
  HostSwitches sw = client->switches();
  sw.no_keepalive_ioctl = true;
  client->set_switches(sw);
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), WSAEOPNOTSUPP)
      << "docs/behaviour.md §6: transport provider without support -> WSAEOPNOTSUPP";
  EXPECT_FALSE(keepalive_on(s));
}

TEST_P(Ioctl, OutputBufferIsIgnored) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 15'000, 1'500};
  char out[16] = {};
  DWORD returned = 77;
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, out, sizeof out, &returned,
                              nullptr, nullptr)),
            0)
      << "docs/behaviour.md §6 (inferred): non-NULL lpvOutBuffer / cbOutBuffer ignored";
  EXPECT_EQ(returned, 0U);
  EXPECT_TRUE(keepalive_on(s));
}

TEST_P(Ioctl, UnknownCodeAndSioFlushAreEopnotsupp) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  DWORD returned = 0;
  EXPECT_EQ(error_of(WSAIoctl(s, 0x98000099, nullptr, 0, nullptr, 0, &returned, nullptr, nullptr)),
            WSAEOPNOTSUPP)
      << "docs/behaviour.md §6: unknown control code -> WSAEOPNOTSUPP";
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_FLUSH, nullptr, 0, nullptr, 0, &returned, nullptr, nullptr)),
            WSAEOPNOTSUPP)
      << "docs/behaviour.md §6: SIO_FLUSH on TCP -> WSAEOPNOTSUPP";
}

TEST_P(Ioctl, OverlappedWithEventCompletesAtOnceAndLeavesBytesReturned) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);  // socket() sockets are overlapped
  WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.Internal = 0x55;
  ov.InternalHigh = 0x66;
  ov.hEvent = ev;
  DWORD returned = 77;
  EXPECT_EQ(overlapped_keepalive(s, &ov, &returned), 0) << "docs/behaviour.md §6: returns 0";
  EXPECT_EQ(returned, 77U)
      << "docs/behaviour.md §6: overlapped without routine: *lpcbBytesReturned untouched";
  EXPECT_TRUE(signaled(ev)) << "docs/behaviour.md §6: completes immediately, hEvent signaled";
  EXPECT_EQ(ov.Internal, 0U) << "status 0";
  EXPECT_EQ(ov.InternalHigh, 0U) << "0 bytes";
  EXPECT_TRUE(keepalive_on(s));
  DWORD transfer = 5;
  DWORD flags = 9;
  EXPECT_TRUE(WSAGetOverlappedResult(s, &ov, &transfer, FALSE, &flags));
  EXPECT_EQ(transfer, 0U);
  EXPECT_EQ(flags, 0U);
}

TEST_P(Ioctl, OverlappedIsIgnoredOnANonOverlappedSocket) {
  HostScope on(*client);
  SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, 0);
  ASSERT_NE(s, INVALID_SOCKET);
  WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.Internal = 0x55;
  ov.hEvent = ev;
  DWORD returned = 77;
  g_done = Completion{};
  EXPECT_EQ(overlapped_keepalive(s, &ov, &returned, on_complete), 0);
  EXPECT_EQ(returned, 0U) << "no WSA_FLAG_OVERLAPPED: lpOverlapped ignored, synchronous result";
  EXPECT_FALSE(signaled(ev));
  EXPECT_EQ(ov.Internal, 0x55U);
  EXPECT_EQ(SleepEx(0, TRUE), 0U) << "no completion routine queued";
  EXPECT_EQ(g_done.calls, 0);
  EXPECT_TRUE(keepalive_on(s));
}

TEST_P(Ioctl, CompletionRoutineRunsOnceAtTheNextAlertableWait) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.hEvent = ev;
  DWORD returned = 77;
  g_done = Completion{};
  g_done.probe = s;
  EXPECT_EQ(overlapped_keepalive(s, &ov, &returned, on_complete), 0)
      << "docs/behaviour.md §6: returns 0";
  EXPECT_EQ(returned, 0U)
      << "docs/behaviour.md §6: with a completion routine, *lpcbBytesReturned = 0";
  EXPECT_EQ(g_done.calls, 0) << "docs/behaviour.md §6: not run before an alertable wait";
  EXPECT_EQ(SleepEx(0, FALSE), 0U);
  EXPECT_EQ(g_done.calls, 0) << "a non-alertable wait does not run it";
  const TimePoint before = world.now();
  EXPECT_EQ(SleepEx(0, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION))
      << "docs/behaviour.md §6: the routine runs at the next alertable wait";
  EXPECT_EQ(g_done.calls, 1) << "exactly once";
  EXPECT_EQ(g_done.error, 0U);
  EXPECT_EQ(g_done.bytes, 0U);
  EXPECT_EQ(g_done.overlapped, &ov);
  EXPECT_EQ(g_done.flags, 0U);
  EXPECT_EQ(g_done.probed, 1) << "the routine called getsockopt: the world lock was released";
  EXPECT_EQ(SleepEx(0, TRUE), 0U);
  EXPECT_EQ(g_done.calls, 1) << "not run twice";
  EXPECT_EQ(world.now(), before);
  EXPECT_FALSE(signaled(ev)) << "WSAIoctl page: hEvent is signaled only without a routine";
}

TEST_P(Ioctl, AlertableEventWaitRunsTheCompletionRoutine) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  DWORD returned = 77;
  g_done = Completion{};
  ASSERT_EQ(overlapped_keepalive(s, &ov, &returned, on_complete), 0);
  const TimePoint before = world.now();
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, TRUE), WSA_WAIT_IO_COMPLETION)
      << "alertable wait with a queued routine -> WSA_WAIT_IO_COMPLETION";
  EXPECT_EQ(g_done.calls, 1);
  EXPECT_EQ(world.now(), before);
}

// ---- Bad input and generic errors --------------------------------------------------------------

TEST_P(Ioctl, GenericErrorsAreExactAndChangeNothing) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(keepalive_vals(INVALID_SOCKET, 1, 15'000, 1'500)), WSAENOTSOCK)
      << "docs/behaviour.md §6: INVALID_SOCKET -> WSAENOTSOCK";
  SOCKET closed = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(closesocket(closed), 0);
  EXPECT_EQ(error_of(keepalive_vals(closed, 1, 15'000, 1'500)), WSAENOTSOCK) << "closed handle";
  SOCKET theirs = INVALID_SOCKET;
  {
    HostScope srv(*server);
    theirs = socket(AF_INET, SOCK_STREAM, 0);
  }
  EXPECT_EQ(error_of(keepalive_vals(theirs, 1, 15'000, 1'500)), WSAENOTSOCK)
      << "another host's socket";
  {
    HostScope srv(*server);
    EXPECT_FALSE(keepalive_on(theirs));
  }
  HostSwitches sw = client->switches();
  sw.network_down = true;
  client->set_switches(sw);
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), WSAENETDOWN);
  sw.network_down = false;
  client->set_switches(sw);
  EXPECT_FALSE(keepalive_on(s));
  ASSERT_EQ(WSACleanup(), 0);
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), WSANOTINITIALISED)
      << "after the last WSACleanup";
  Host& fresh = world.add_host("fresh", GetParam()->name, "10.0.0.3").value().get();
  HostScope f(fresh);
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), WSANOTINITIALISED)
      << "before WSAStartup";
}

INSTANTIATE_TEST_SUITE_P(IoctlEveryProfile, Ioctl, ::testing::ValuesIn(every_profile()),
                         profile_test_name);

// ---- One version: strict mode, FIONBIO, FIONREAD
// -------------------------------------------------

class IoctlOn : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

TEST_F(IoctlOn, StrictDocumentationModeRejectsWithEinval) {
  HostSwitches sw = client->switches();
  sw.strict_documentation = true;
  client->set_switches(sw);
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  tcp_keepalive ka{1, 15'000, 1'500};
  DWORD returned = 77;
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka - 1, nullptr, 0, &returned,
                              nullptr, nullptr)),
            WSAEINVAL)
      << "strict mode: input not acceptable -> WSAEINVAL";
  EXPECT_EQ(returned, 0U);
  char out[4];
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, out, sizeof out, &returned,
                              nullptr, nullptr)),
            WSAEINVAL)
      << "strict mode: the output buffer must be NULL";
  EXPECT_EQ(error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 4, &returned, nullptr,
                              nullptr)),
            WSAEINVAL)
      << "strict mode: cbOutBuffer must be 0";
  EXPECT_FALSE(keepalive_on(s));
  EXPECT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), 0);
}

TEST_F(IoctlOn, FionbioAndFionreadThroughWsaIoctl) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect_to_server(s), 0);
  const SOCKET peer = accept_on_server();
  ASSERT_NE(peer, INVALID_SOCKET);
  u_long mode = 1;
  DWORD returned = 77;
  EXPECT_EQ(error_of(WSAIoctl(s, static_cast<DWORD>(FIONBIO), &mode, 2, nullptr, 0, &returned,
                              nullptr, nullptr)),
            WSAEFAULT)
      << "FIONBIO needs a u_long";
  EXPECT_EQ(WSAIoctl(s, static_cast<DWORD>(FIONBIO), &mode, sizeof mode, nullptr, 0, &returned,
                     nullptr, nullptr),
            0);
  EXPECT_EQ(returned, 0U);
  char b[8];
  EXPECT_EQ(error_of(recv(s, b, sizeof b, 0)), WSAEWOULDBLOCK) << "FIONBIO made it non-blocking";
  {
    HostScope srv(*server);
    ASSERT_EQ(send(peer, "hello", 5, 0), 5);
  }
  ASSERT_TRUE(world.run_for(10ms).ok());
  u_long n = 0;
  EXPECT_EQ(error_of(WSAIoctl(s, static_cast<DWORD>(FIONREAD), nullptr, 0, &n, 2, &returned,
                              nullptr, nullptr)),
            WSAEFAULT)
      << "FIONREAD: cbOutBuffer too small";
  EXPECT_EQ(WSAIoctl(s, static_cast<DWORD>(FIONREAD), nullptr, 0, &n, sizeof n, &returned, nullptr,
                     nullptr),
            0);
  EXPECT_EQ(n, 5U);
  EXPECT_EQ(returned, static_cast<DWORD>(sizeof(u_long)));
}

// ---- Events and WSAWaitForMultipleEvents
// ---------------------------------------------------------

class EventTest : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

TEST_F(EventTest, CreateGivesAnUnsignaledManualResetEvent) {
  HostScope on(*client);
  WSAEVENT ev = WSACreateEvent();
  ASSERT_NE(ev, WSA_INVALID_EVENT);
  EXPECT_FALSE(signaled(ev)) << "WSACreateEvent: not signaled";
  EXPECT_TRUE(WSASetEvent(ev));
  EXPECT_TRUE(signaled(ev));
  EXPECT_TRUE(signaled(ev)) << "manual reset: a satisfied wait does not reset it";
  EXPECT_TRUE(WSAResetEvent(ev));
  EXPECT_FALSE(signaled(ev));
  EXPECT_TRUE(WSACloseEvent(ev));
  EXPECT_NE(WSACreateEvent(), ev) << "handles are not reused";
}

TEST_F(EventTest, InvalidHandlesFailWithWsaInvalidHandle) {
  HostScope on(*client);
  WSAEVENT ev = WSACreateEvent();
  ASSERT_TRUE(WSACloseEvent(ev));
  for (WSAEVENT bad : {ev, WSA_INVALID_EVENT, reinterpret_cast<WSAEVENT>(0x1234)}) {
    EXPECT_FALSE(WSASetEvent(bad));
    EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
    EXPECT_FALSE(WSAResetEvent(bad));
    EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
    EXPECT_FALSE(WSACloseEvent(bad));
    EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  }
  WSAEVENT theirs = WSA_INVALID_EVENT;
  {
    HostScope srv(*server);
    theirs = WSACreateEvent();
  }
  EXPECT_FALSE(WSASetEvent(theirs)) << "another host's event";
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  {
    HostScope srv(*server);
    EXPECT_FALSE(signaled(theirs)) << "and it stays unsignaled";
  }
}

TEST_F(EventTest, CloseHandleClosesEvents) {
  HostScope on(*client);
  WSAEVENT ev = WSACreateEvent();
  EXPECT_TRUE(CloseHandle(ev));
  EXPECT_FALSE(WSASetEvent(ev));
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  EXPECT_FALSE(CloseHandle(ev));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST_F(EventTest, WaitParameterErrors) {
  HostScope on(*client);
  WSAEVENT evs[WSA_MAXIMUM_WAIT_EVENTS + 1];
  for (WSAEVENT& e : evs)
    e = WSACreateEvent();
  EXPECT_EQ(WSAWaitForMultipleEvents(0, evs, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_PARAMETER) << "count 0";
  EXPECT_EQ(WSAWaitForMultipleEvents(WSA_MAXIMUM_WAIT_EVENTS + 1, evs, FALSE, 0, FALSE),
            WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_PARAMETER) << "count above WSA_MAXIMUM_WAIT_EVENTS";
  EXPECT_EQ(WSAWaitForMultipleEvents(WSA_MAXIMUM_WAIT_EVENTS, evs, FALSE, 0, FALSE),
            WSA_WAIT_TIMEOUT)
      << "64 events are allowed";
  EXPECT_EQ(WSAWaitForMultipleEvents(1, nullptr, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_PARAMETER) << "NULL array";
  WSAEVENT mixed[2] = {evs[0], reinterpret_cast<WSAEVENT>(0x1234)};
  EXPECT_EQ(WSAWaitForMultipleEvents(2, mixed, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE) << "unknown handle";
}

TEST_F(EventTest, WaitAnyReturnsTheLowestSignaledIndexAndWaitAllNeedsAll) {
  HostScope on(*client);
  WSAEVENT evs[3] = {WSACreateEvent(), WSACreateEvent(), WSACreateEvent()};
  ASSERT_TRUE(WSASetEvent(evs[2]));
  ASSERT_TRUE(WSASetEvent(evs[1]));
  EXPECT_EQ(WSAWaitForMultipleEvents(3, evs, FALSE, 0, FALSE), WSA_WAIT_EVENT_0 + 1);
  EXPECT_EQ(WSAWaitForMultipleEvents(3, evs, TRUE, 0, FALSE), WSA_WAIT_TIMEOUT);
  ASSERT_TRUE(WSASetEvent(evs[0]));
  EXPECT_EQ(WSAWaitForMultipleEvents(3, evs, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(WSAWaitForMultipleEvents(3, evs, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
}

// Inferred from the NT kernel's wait order: a wait that is already satisfied returns the event
// even when it is alertable and completion routines are queued; they run at the next one.
TEST_F(EventTest, ASatisfiedAlertableWaitReturnsTheEventBeforeQueuedRoutines) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  WSAOVERLAPPED ov{};
  DWORD returned = 0;
  g_done = Completion{};
  ASSERT_EQ(overlapped_keepalive(s, &ov, &returned, on_complete), 0);
  WSAEVENT ev = WSACreateEvent();
  ASSERT_TRUE(WSASetEvent(ev));
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, TRUE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(g_done.calls, 0) << "the routine waits for the next alertable wait";
  EXPECT_EQ(SleepEx(0, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(g_done.calls, 1);
}

TEST_F(EventTest, TimeoutsAdvanceVirtualTimeExactly) {
  HostScope on(*client);
  WSAEVENT ev = WSACreateEvent();
  const TimePoint t0 = world.now();
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  EXPECT_EQ(world.now(), t0) << "timeout 0 returns at once";
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, 1'500, TRUE), WSA_WAIT_TIMEOUT);
  EXPECT_EQ(world.now(), t0 + 1500ms) << "a 1500 ms wait ends 1500 ms later";
}

// Nothing can ever signal the event: the world stops at once with a deadlock report (a wait
// that would never end on Windows), and the wait fails with WSAEINTR.
TEST_F(EventTest, AnInfiniteWaitNothingCanEndIsADeadlock) {
  world.set_horizon(at(1h));
  HostScope on(*client);
  WSAEVENT ev = WSACreateEvent();
  const TimePoint t0 = world.now();
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  EXPECT_EQ(world.now(), t0);
  ASSERT_TRUE(world.deadlock().has_value());
  EXPECT_EQ(world.deadlock()->threads.at(0).function, "WSAWaitForMultipleEvents");
  EXPECT_EQ(world.deadlock()->threads.at(0).thread, "a thread attached with HostScope");
}

TEST_F(EventTest, AnotherThreadSignalsAnInfiniteWait) {
  HostScope on(*client);
  WSAEVENT ev = WSACreateEvent();
  std::promise<void> attached;
  std::thread other([&] {
    HostScope me(*client);
    attached.set_value();
    Sleep(5'000);
    WSASetEvent(ev);
  });
  attached.get_future().wait();  // both threads take part in the time rule before we block
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(world.now(), at(5s)) << "signaled after the other thread's 5 s Sleep";
  other.join();
}

TEST_F(EventTest, EventFunctionsNeedWsaStartupAndOverlappedResultNeedsAnOverlapped) {
  Host& fresh = world.add_host("fresh", "windows-10-22h2", "10.0.0.3").value().get();
  {
    HostScope f(fresh);
    EXPECT_EQ(WSACreateEvent(), WSA_INVALID_EVENT);
    EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED) << "WSACreateEvent page: WSANOTINITIALISED";
  }
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  DWORD transfer = 0;
  DWORD flags = 0;
  EXPECT_FALSE(WSAGetOverlappedResult(s, nullptr, &transfer, FALSE, &flags));
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT) << "NULL overlapped -> WSAEFAULT";
}

// ---- SleepEx and Sleep
// ---------------------------------------------------------------------------

class SleepTest : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }
};

TEST_F(SleepTest, SleepExAdvancesVirtualTimeByExactlyTheRequestedMilliseconds) {
  HostScope on(*client);
  const TimePoint t0 = world.now();
  EXPECT_EQ(SleepEx(1'500, FALSE), 0U);
  EXPECT_EQ(world.now(), t0 + 1500ms);
  EXPECT_EQ(SleepEx(0, FALSE), 0U);
  EXPECT_EQ(world.now(), t0 + 1500ms) << "SleepEx(0) does not advance time";
  EXPECT_EQ(SleepEx(250, TRUE), 0U) << "alertable, nothing queued: the full sleep";
  EXPECT_EQ(world.now(), t0 + 1750ms);
  Sleep(250);
  EXPECT_EQ(world.now(), t0 + 2s);
}

TEST_F(SleepTest, SleepNeedsNoWsaStartup) {
  Host& fresh = world.add_host("fresh", "windows-xp", "10.0.0.3").value().get();
  HostScope f(fresh);
  WSASetLastError(1234);
  EXPECT_EQ(SleepEx(100, FALSE), 0U);
  EXPECT_EQ(world.now(), at(100ms));
  EXPECT_EQ(WSAGetLastError(), 1234) << "Sleep leaves the last error alone";
}

TEST_F(SleepTest, AlertableSleepRunsQueuedRoutinesAndReturnsAtOnce) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  WSAOVERLAPPED ov{};
  DWORD returned = 0;
  g_done = Completion{};
  ASSERT_EQ(overlapped_keepalive(s, &ov, &returned, on_complete), 0);
  const TimePoint t0 = world.now();
  EXPECT_EQ(SleepEx(1'000, FALSE), 0U) << "non-alertable: sleeps, routine not run";
  EXPECT_EQ(g_done.calls, 0);
  EXPECT_EQ(world.now(), t0 + 1s);
  EXPECT_EQ(SleepEx(1'000, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(g_done.calls, 1);
  EXPECT_EQ(world.now(), t0 + 1s) << "returns at once with WAIT_IO_COMPLETION";
}

TEST_F(SleepTest, WithoutAHostSleepReturnsAtOnce) {
  DWORD r = 99;
  std::thread([&] { r = SleepEx(1'000, TRUE); }).join();
  EXPECT_EQ(r, 0U);
  EXPECT_EQ(world.now(), kEpoch);
}

}  // namespace
}  // namespace ws2sim::winsock::testing
