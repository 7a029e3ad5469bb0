// The thread's last error after calls that succeed (docs/behaviour.md §10). Portable: these run
// on the emulator and, through the native backend, under Wine or on Windows.
#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

constexpr DWORD kStale = 0xdeadbeef;

// Runs `call` (which must succeed) with a stale last error in place; returns the last error
// WSAGetLastError and GetLastError read afterwards (they are one per-thread value).
template <typename F>
void expect_after_success(Context& ctx, const char* id, const char* what, F call, DWORD expected) {
  SetLastError(kStale);
  const bool ok = call();
  ctx.require(ok, std::string(what) + " failed");
  ctx.check_eq(id, static_cast<DWORD>(WSAGetLastError()), expected,
               std::string("WSAGetLastError() after ") + what);
  ctx.check_eq(id, GetLastError(), expected, std::string("GetLastError() after ") + what);
}

void check_successful_calls(Context& ctx, const char* id, DWORD expected) {
  SOCKET s = INVALID_SOCKET;
  expect_after_success(
      ctx, id, "socket()",
      [&] {
        s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        return s != INVALID_SOCKET;
      },
      expected);
  ctx.keep(s);
  expect_after_success(
      ctx, id, "setsockopt(SO_KEEPALIVE)",
      [&] { return set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1) == 0; }, expected);
  expect_after_success(
      ctx, id, "getsockopt(SO_KEEPALIVE)",
      [&] {
        DWORD value = 0;
        int len = sizeof value;
        return getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&value), &len) == 0;
      },
      expected);
  expect_after_success(
      ctx, id, "ioctlsocket(FIONBIO)",
      [&] {
        u_long on = 1;
        return ioctlsocket(s, static_cast<LONG>(FIONBIO), &on) == 0;
      },
      expected);
}

CONFORMANCE_CASE(SuccessfulCallsClearTheLastError, "LASTERROR.success-clears") {
  check_successful_calls(ctx, "LASTERROR.success-clears", 0);
}

CONFORMANCE_CASE(SuccessfulCallsKeepTheLastError, "LASTERROR.success-keeps") {
  check_successful_calls(ctx, "LASTERROR.success-keeps", kStale);
}

}  // namespace
}  // namespace ws2sim::conformance
