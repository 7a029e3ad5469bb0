// What keep-alive does to pending overlapped operations, in virtual time (ws2sim only;
// docs/behaviour.md §17): the read completes with STATUS_IO_TIMEOUT at the drop's instant —
// ERROR_SEM_TIMEOUT from a completion port, WSAETIMEDOUT from WSAGetOverlappedResult and to a
// completion routine — and the next overlapped read fails at once with WSAECONNRESET. On every
// profile: the instant follows the profile's probe count.
#include <string>

#include "ws2sim/conformance/sim.h"

namespace ws2sim::conformance {
namespace {

constexpr ULONG_PTR kStatusIoTimeout = 0xC00000B5;
constexpr DWORD kErrorSemTimeout = 121;

// Probes with registry defaults (docs/behaviour.md §3): 5 where the registry gives the count,
// 10 where it is fixed.
std::uint32_t probes_of(const winsock::Profile& p) {
  return p.probe_count.value == winsock::ProbeCountRule::kRegistry ? 5U : 10U;
}

// A connected client socket with keep-alive {10 s, 1 s}, and the instant it was established.
SimContext::Pair keepalive_connection(SimContext& ctx, SOCKET s) {
  tcp_keepalive ka{1, 10'000, 1'000};
  DWORD returned = 0;
  ctx.require(
      WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr) == 0,
      "SIO_KEEPALIVE_VALS");
  return ctx.connect_pair(s);
}

int start_recv(SOCKET s, char* buf, ULONG len, WSAOVERLAPPED* ov,
               LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr) {
  WSABUF b{len, buf};
  DWORD flags = 0;
  return error_of(WSARecv(s, &b, 1, nullptr, &flags, ov, routine));
}

SIM_CASE(APendingReadTimesOutAtTheKeepAliveDrop, "OVERLAPPED.keepalive.port",
         "OVERLAPPED.keepalive.result", "OVERLAPPED.keepalive.later-call") {
  const SOCKET s = ctx.tcp();
  const SimContext::Pair pair = keepalive_connection(ctx, s);
  const HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, 4, 0);
  ctx.require(port != nullptr, "CreateIoCompletionPort");
  char buf[16];
  WSAOVERLAPPED ov{};
  ctx.require(start_recv(s, buf, sizeof buf, &ov) == WSA_IO_PENDING, "a pending read");
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crash the server");
  DWORD bytes = 0xdeadbeef;
  ULONG_PTR key = 0;
  OVERLAPPED* done = nullptr;
  const BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
  const DWORD error = ok ? 0 : GetLastError();
  const char* id = "OVERLAPPED.keepalive.port";
  const TimePoint expected = pair.established + 10s + probes_of(ctx.profile()) * 1s;
  ctx.check(
      id, ctx.world().now() == expected,
      "completed at " + format_time(ctx.world().now()) + ", expected " + format_time(expected));
  ctx.check_eq(id, error, kErrorSemTimeout, "GetQueuedCompletionStatus's error");
  ctx.check(id, done == &ov && key == 4 && bytes == 0, "the read's OVERLAPPED, key, 0 bytes");
  id = "OVERLAPPED.keepalive.result";
  ctx.check_eq(id, ov.Internal, kStatusIoTimeout, "Internal");
  DWORD flags = 0;
  ctx.check_error(id, WSAGetOverlappedResult(s, &ov, &bytes, FALSE, &flags) ? 0 : WSAGetLastError(),
                  WSAETIMEDOUT, "WSAGetOverlappedResult");
  id = "OVERLAPPED.keepalive.later-call";
  WSAOVERLAPPED again{};
  ctx.check_error(id, start_recv(s, buf, sizeof buf, &again), WSAECONNRESET,
                  "the next overlapped WSARecv");
  CloseHandle(port);
}

SIM_CASE(ACompletionRoutineGetsWsaeTimedOut, "OVERLAPPED.keepalive.routine") {
  const char* id = "OVERLAPPED.keepalive.routine";
  const SOCKET s = ctx.tcp();
  const SimContext::Pair pair = keepalive_connection(ctx, s);
  char buf[16];
  WSAOVERLAPPED ov{};
  completion() = Completion{};
  ctx.require(start_recv(s, buf, sizeof buf, &ov, record_completion) == WSA_IO_PENDING,
              "a pending read with a completion routine");
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crash the server");
  ctx.check_eq(id, SleepEx(INFINITE, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION),
               "the alertable wait ends for the routine");
  const TimePoint expected = pair.established + 10s + probes_of(ctx.profile()) * 1s;
  ctx.check(id, ctx.world().now() == expected,
            "at " + format_time(ctx.world().now()) + ", expected " + format_time(expected));
  ctx.check(id, completion().calls == 1 && completion().overlapped == &ov,
            "the routine ran once, with the read's OVERLAPPED");
  ctx.check_eq(id, completion().error, static_cast<DWORD>(WSAETIMEDOUT), "its dwError");
}

}  // namespace
}  // namespace ws2sim::conformance
