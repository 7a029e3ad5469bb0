// Windows Sockets 1.1 blocking hooks: a hook installed with WSASetBlockingHook runs while a
// blocking call waits in virtual time; inside it WSAIsBlocking is TRUE, other Winsock calls fail
// with WSAEINPROGRESS, and WSACancelBlockingCall ends the blocked call with WSAEINTR. Winsock 2
// negotiated: the functions fail with WSAEOPNOTSUPP.
#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

// What the hook saw, and what it should do: the hook is a plain function, so it talks to the test
// through this.
struct HookLog {
  int calls = 0;
  BOOL is_blocking = FALSE;
  SOCKET other_call = 0;  // socket() called from inside the hook
  int other_error = 0;
  bool cancel = false;  // call WSACancelBlockingCall
  int cancel_result = 12345;
};
HookLog g_hook;

// A hook in the FARPROC shape (INT_PTR (*)(void)); real programs often write BOOL instead.
INT_PTR WINAPI test_hook(void) {
  ++g_hook.calls;
  g_hook.is_blocking = WSAIsBlocking();
  g_hook.other_call = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  g_hook.other_error = WSAGetLastError();
  if (g_hook.cancel) g_hook.cancel_result = WSACancelBlockingCall();
  return FALSE;
}

FARPROC hook_proc() {
  return &test_hook;
}

class BlockingHook : public EmulatorTest {
 protected:
  void SetUp() override {
    make_hosts("windows-xp");
    g_hook = HookLog{};
    HostScope on(*client);
    ASSERT_EQ(WSACleanup(), 0);  // the fixture negotiated 2.2; start over with 1.1
    WSADATA data;
    ASSERT_EQ(WSAStartup(MAKEWORD(1, 1), &data), 0);
    ASSERT_EQ(data.wVersion, MAKEWORD(1, 1));
  }

  void TearDown() override {
    // The hook is per thread and the tests share one: put the default back.
    HostScope on(*client);
    (void)WSAUnhookBlockingHook();
  }

  // A connected client socket and its accepted peer on the server.
  void connect_pair() {
    HostScope on(*client);
    client_socket = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_NE(client_socket, INVALID_SOCKET);
    ASSERT_EQ(connect_to_server(client_socket), 0);
    server_socket = accept_on_server();
    ASSERT_NE(server_socket, INVALID_SOCKET);
  }

  SOCKET client_socket = INVALID_SOCKET;
  SOCKET server_socket = INVALID_SOCKET;
};

TEST_F(BlockingHook, RunsDuringABlockingRecvThatStillCompletesInVirtualTime) {
  connect_pair();
  const TimePoint sent = world.now();
  {
    HostScope on(*server);
    ASSERT_EQ(send(server_socket, "hi", 2, 0), 2);  // arrives 1 ms later
  }
  HostScope on(*client);
  ASSERT_NE(WSASetBlockingHook(hook_proc()), nullptr);
  char buf[4] = {};
  EXPECT_EQ(recv(client_socket, buf, sizeof buf, 0), 2);
  EXPECT_STREQ(buf, "hi");
  EXPECT_EQ(world.now(), sent + 1ms);
  EXPECT_GE(g_hook.calls, 1);
  EXPECT_EQ(g_hook.is_blocking, TRUE);
  EXPECT_EQ(g_hook.other_call, INVALID_SOCKET);
  EXPECT_EQ(g_hook.other_error, WSAEINPROGRESS);
  EXPECT_EQ(WSAIsBlocking(), FALSE);  // the call is over
}

TEST_F(BlockingHook, CancellingFromTheHookMakesRecvFailWithWsaeintr) {
  connect_pair();
  const TimePoint start = world.now();
  HostScope on(*client);
  g_hook.cancel = true;
  ASSERT_NE(WSASetBlockingHook(hook_proc()), nullptr);
  char b;
  EXPECT_EQ(recv(client_socket, &b, 1, 0), SOCKET_ERROR);  // no data would ever come
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  EXPECT_EQ(g_hook.calls, 1);
  EXPECT_EQ(g_hook.cancel_result, 0);
  EXPECT_EQ(world.now(), start);  // cancelled before any virtual time passed
}

TEST_F(BlockingHook, CancellingFromTheHookEndsSelectWithWsaeintr) {
  connect_pair();
  HostScope on(*client);
  g_hook.cancel = true;
  ASSERT_NE(WSASetBlockingHook(hook_proc()), nullptr);
  fd_set readfds;
  FD_ZERO(&readfds);
  FD_SET(client_socket, &readfds);
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINTR);
  EXPECT_EQ(g_hook.calls, 1);
  EXPECT_EQ(g_hook.is_blocking, TRUE);
}

TEST_F(BlockingHook, CancelOutsideABlockingCallIsWsaeinval) {
  HostScope on(*client);
  EXPECT_EQ(WSAIsBlocking(), FALSE);
  EXPECT_EQ(WSACancelBlockingCall(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
}

TEST_F(BlockingHook, SetReturnsThePreviousHookAndUnhookRestoresTheDefault) {
  HostScope on(*client);
  const FARPROC default_hook = WSASetBlockingHook(hook_proc());
  ASSERT_NE(default_hook, nullptr);
  EXPECT_NE(default_hook, hook_proc());
  EXPECT_EQ(WSASetBlockingHook(hook_proc()), hook_proc());
  EXPECT_EQ(WSAUnhookBlockingHook(), 0);
  EXPECT_EQ(WSASetBlockingHook(default_hook), default_hook);  // reinstalls the default
  EXPECT_EQ(WSASetBlockingHook(hook_proc()), default_hook);
}

TEST_F(BlockingHook, DefaultHookDoesNotRun) {
  connect_pair();
  HostScope on(*client);
  const FARPROC default_hook = WSASetBlockingHook(hook_proc());
  ASSERT_EQ(WSASetBlockingHook(default_hook), hook_proc());
  fd_set readfds;
  FD_ZERO(&readfds);
  FD_SET(client_socket, &readfds);
  timeval tv{1, 0};
  EXPECT_EQ(select(0, &readfds, nullptr, nullptr, &tv), 0);
  EXPECT_EQ(g_hook.calls, 0);
}

TEST_F(BlockingHook, NullHookIsWsaefault) {
  HostScope on(*client);
  EXPECT_EQ(WSASetBlockingHook(nullptr), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
}

TEST_F(BlockingHook, WithoutWsaStartupTheCallsAreNotInitialised) {
  HostScope on(*client);
  ASSERT_EQ(WSACleanup(), 0);
  EXPECT_EQ(WSASetBlockingHook(hook_proc()), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(WSAUnhookBlockingHook(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(WSACancelBlockingCall(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSADATA data;
  ASSERT_EQ(WSAStartup(MAKEWORD(1, 1), &data), 0);  // for TearDown
}

class BlockingHookWinsock2 : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-xp"); }  // the fixture negotiated 2.2
};

TEST_F(BlockingHookWinsock2, EveryHookFunctionIsWsaeopnotsupp) {
  HostScope on(*client);
  EXPECT_EQ(WSASetBlockingHook(hook_proc()), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  EXPECT_EQ(WSAUnhookBlockingHook(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  EXPECT_EQ(WSACancelBlockingCall(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  EXPECT_EQ(WSAIsBlocking(), FALSE);
}

}  // namespace
}  // namespace ws2sim::winsock::testing
