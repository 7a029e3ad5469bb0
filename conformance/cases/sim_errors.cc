// Error rows and modes that need the test-control API (ws2sim only): a failed network subsystem,
// a Winsock 1.1 blocking call in progress, another machine's socket, a host that never called
// WSAStartup, a provider without SIO_KEEPALIVE_VALS, and strict-documentation mode.
#include "ws2sim/conformance/sim.h"

namespace ws2sim::conformance {
namespace {

SIM_CASE(NetworkDownFailsBothCalls, "SO_KEEPALIVE.error.wsaenetdown",
         "SIO_KEEPALIVE_VALS.error.wsaenetdown") {
  const SOCKET s = ctx.tcp();
  winsock::HostSwitches down = ctx.client().switches();
  down.network_down = true;
  ctx.set_client_switches(down);
  ctx.check_error("SO_KEEPALIVE.error.wsaenetdown",
                  error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENETDOWN, "setsockopt");
  ctx.check_error("SO_KEEPALIVE.error.wsaenetdown", get_dword(s, SOL_SOCKET, SO_KEEPALIVE).outcome,
                  WSAENETDOWN, "getsockopt");
  ctx.check_error("SIO_KEEPALIVE_VALS.error.wsaenetdown", keepalive_vals(s, 1, 15'000, 1'500),
                  WSAENETDOWN, "WSAIoctl");
  down.network_down = false;
  ctx.set_client_switches(down);
  ctx.check("SO_KEEPALIVE.error.wsaenetdown", !keepalive_on(s), "the failed calls changed nothing");
  ctx.check("SIO_KEEPALIVE_VALS.error.wsaenetdown", !keepalive_on(s),
            "the failed calls changed nothing");
}

// What the blocking hook saw (per thread: the hook runs on the thread blocked in the call, and
// cases may run on several threads at once).
struct HookLog {
  int calls = 0;
  SOCKET socket = INVALID_SOCKET;
  int set_error = 0;
  int ioctl_error = 0;
};
thread_local HookLog g_hook;

INT_PTR WINAPI hook(void) {
  ++g_hook.calls;
  g_hook.set_error = error_of(set_dword(g_hook.socket, SOL_SOCKET, SO_KEEPALIVE, 1));
  g_hook.ioctl_error = keepalive_vals(g_hook.socket, 1, 15'000, 1'500);
  return FALSE;
}

SIM_CASE(CallsFromABlockingHookAreEinprogress, "SO_KEEPALIVE.error.wsaeinprogress.blocking-call",
         "SIO_KEEPALIVE_VALS.error.wsaeinprogress") {
  WSADATA data;
  ctx.require(WSACleanup() == 0, "WSACleanup failed");
  ctx.require(WSAStartup(MAKEWORD(1, 1), &data) == 0, "WSAStartup(1.1) failed");
  const SOCKET s = ctx.tcp();
  const SOCKET peer = ctx.connect_pair(s).peer;
  g_hook = HookLog{};
  g_hook.socket = s;
  ctx.server_send(peer, 2);  // arrives 1 ms later: recv blocks until then
  ctx.require(WSASetBlockingHook(reinterpret_cast<FARPROC>(&hook)) != nullptr,
              "WSASetBlockingHook failed");
  char buf[4];
  const int n = recv(s, buf, sizeof buf, 0);
  (void)WSAUnhookBlockingHook();
  ctx.require(n == 2 && g_hook.calls > 0, "the blocking recv did not run the hook");
  ctx.check_error("SO_KEEPALIVE.error.wsaeinprogress.blocking-call", g_hook.set_error,
                  WSAEINPROGRESS, "setsockopt(SO_KEEPALIVE) from the blocking hook");
  ctx.check_error("SIO_KEEPALIVE_VALS.error.wsaeinprogress", g_hook.ioctl_error, WSAEINPROGRESS,
                  "WSAIoctl(SIO_KEEPALIVE_VALS) from the blocking hook");
  ctx.check("SO_KEEPALIVE.error.wsaeinprogress.blocking-call", !keepalive_on(s),
            "the refused calls changed nothing");
  ctx.check("SIO_KEEPALIVE_VALS.error.wsaeinprogress", !keepalive_on(s),
            "the refused calls changed nothing");
}

SIM_CASE(AnotherMachinesSocketIsNotASocket, "SO_KEEPALIVE.error.wsaenotsock",
         "SIO_KEEPALIVE_VALS.error.wsaenotsock") {
  SOCKET theirs = INVALID_SOCKET;
  {
    winsock::HostScope on(ctx.server());
    theirs = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  }
  ctx.require(theirs != INVALID_SOCKET, "socket on the server failed");
  ctx.check_error("SO_KEEPALIVE.error.wsaenotsock",
                  error_of(set_dword(theirs, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOTSOCK,
                  "setsockopt on the server's socket from the client");
  ctx.check_error("SIO_KEEPALIVE_VALS.error.wsaenotsock", keepalive_vals(theirs, 1, 15'000, 1'500),
                  WSAENOTSOCK, "WSAIoctl on the server's socket from the client");
}

SIM_CASE(NotInitialisedBeforeWsaStartup, "SO_KEEPALIVE.error.wsanotinitialised") {
  const SOCKET s = ctx.tcp();
  winsock::Host& fresh =
      ctx.world().add_host("fresh", ctx.profile().name, "10.0.0.3").value().get();
  winsock::HostScope on(fresh);
  ctx.check_error("SO_KEEPALIVE.error.wsanotinitialised",
                  error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSANOTINITIALISED,
                  "setsockopt on a machine that never called WSAStartup");
}

SIM_CASE(ProviderWithoutTheIoctlIsEopnotsupp, "SIO_KEEPALIVE_VALS.error.wsaeopnotsupp.provider") {
  const char* id = "SIO_KEEPALIVE_VALS.error.wsaeopnotsupp.provider";
  const SOCKET s = ctx.tcp();
  winsock::HostSwitches sw = ctx.client().switches();
  sw.no_keepalive_ioctl = true;
  ctx.set_client_switches(sw);
  ctx.check_error(id, keepalive_vals(s, 1, 15'000, 1'500), WSAEOPNOTSUPP,
                  "SIO_KEEPALIVE_VALS with a provider that lacks it");
  ctx.check(id, !keepalive_on(s), "the failed call changed nothing");
}

// ---- Strict-documentation mode (the host follows the pages literally) ------------------------

SIM_CASE(StrictModeDwordRule, "SO_KEEPALIVE.optlen.dword.strict", "SO_KEEPALIVE.get.dword.strict") {
  const char* set_id = "SO_KEEPALIVE.optlen.dword.strict";
  const char* get_id = "SO_KEEPALIVE.get.dword.strict";
  for (const int len : {0, 1, 2, 3, -1}) {
    const SOCKET s = ctx.tcp();
    ctx.check_error(set_id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1, len)), WSAEFAULT,
                    "optlen " + std::to_string(len));
    ctx.check(set_id, !keepalive_on(s), "a refused call changed nothing");
  }
  const SOCKET s = ctx.tcp();
  ctx.check_error(set_id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 0x100)), 0,
                  "setsockopt(0x100)");
  const Got g = get_dword(s, SOL_SOCKET, SO_KEEPALIVE, 8);
  ctx.check_error(get_id, g.outcome, 0, "getsockopt with *optlen 8");
  ctx.check_eq(get_id, g.value, 1U, "a whole BOOL, TRUE (0x100 is non-zero as a DWORD)");
  ctx.check_eq(get_id, g.len, 4, "*optlen after the call");
  ctx.check_error(get_id, get_dword(s, SOL_SOCKET, SO_KEEPALIVE, 2).outcome, WSAEFAULT,
                  "getsockopt with *optlen 2");
}

SIM_CASE(StrictModeIoctlParameters, "SIO_KEEPALIVE_VALS.error.wsaeinval.input",
         "SIO_KEEPALIVE_VALS.cb-out-buffer.zero") {
  const char* in_id = "SIO_KEEPALIVE_VALS.error.wsaeinval.input";
  const char* out_id = "SIO_KEEPALIVE_VALS.cb-out-buffer.zero";
  const SOCKET s = ctx.tcp();
  tcp_keepalive ka{1, 15'000, 1'500};
  DWORD returned = 77;
  ctx.check_error(in_id,
                  error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, nullptr, sizeof ka, nullptr, 0,
                                    &returned, nullptr, nullptr)),
                  WSAEINVAL, "lpvInBuffer NULL");
  ctx.check_eq(in_id, returned, 0U, "*lpcbBytesReturned after lpvInBuffer NULL");
  returned = 77;
  ctx.check_error(in_id,
                  error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka - 1, nullptr, 0,
                                    &returned, nullptr, nullptr)),
                  WSAEINVAL, "cbInBuffer 11");
  ctx.check_eq(in_id, returned, 0U, "*lpcbBytesReturned after cbInBuffer 11");
  char out[4];
  ctx.check_error(out_id,
                  error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 4, &returned,
                                    nullptr, nullptr)),
                  WSAEINVAL, "cbOutBuffer 4");
  ctx.check_error(out_id,
                  error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, out, sizeof out,
                                    &returned, nullptr, nullptr)),
                  WSAEINVAL, "lpvOutBuffer non-NULL");
  ctx.check(out_id, !keepalive_on(s), "the refused calls changed nothing");
  ctx.check(in_id, !keepalive_on(s), "the refused calls changed nothing");
  ctx.check_error(out_id, keepalive_vals(s, 1, 15'000, 1'500), 0,
                  "the same call with no output buffer");
}

}  // namespace
}  // namespace ws2sim::conformance
