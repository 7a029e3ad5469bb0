// WSAIoctl with control codes the TCP/IP provider does not handle, synchronously and overlapped,
// and SIO_KEEPALIVE_VALS refused in an overlapped call (docs/behaviour.md §12). Portable: these
// run on the emulator and, through the native backend, under Wine or on Windows.
#include <cstdio>
#include <string>

#include "ws2sim/conformance/case.h"

#ifndef SIO_IDEAL_SEND_BACKLOG_QUERY
#define SIO_IDEAL_SEND_BACKLOG_QUERY 0x4004747B
#endif

namespace ws2sim::conformance {
namespace {

// NTSTATUS values as OVERLAPPED.Internal holds them (ntstatus.h is awkward next to windows.h).
constexpr ULONG_PTR kStatusNotSupported = 0xC00000BB;
constexpr ULONG_PTR kStatusPending = 0x103;

// Codes Windows' TCP provider rejects on a TCP socket.
constexpr DWORD kUnsupported[] = {SIO_FLUSH, SIO_GET_BROADCAST_ADDRESS, SIO_FIND_ROUTE};

std::string hex(DWORD code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08lX", static_cast<unsigned long>(code));
  return buf;
}

CONFORMANCE_CASE(UnknownCodesSynchronously, "IOCTL.unknown.sync", "IOCTL.null-returned") {
  const SOCKET s = ctx.tcp();
  for (const DWORD code : kUnsupported) {
    const std::string what = "WSAIoctl(" + hex(code) + ")";
    DWORD returned = 0xdeadbeef;
    ctx.check_error(
        "IOCTL.unknown.sync",
        error_of(WSAIoctl(s, code, nullptr, 0, nullptr, 0, &returned, nullptr, nullptr)),
        WSAEOPNOTSUPP, what);
    ctx.check_eq("IOCTL.unknown.sync", returned, 0, what + ": *lpcbBytesReturned");
    ctx.check_error("IOCTL.null-returned",
                    error_of(WSAIoctl(s, code, nullptr, 0, nullptr, 0, nullptr, nullptr, nullptr)),
                    WSAEFAULT, what + " with lpcbBytesReturned NULL");
    WSAOVERLAPPED ov{};
    ctx.check_error("IOCTL.null-returned",
                    error_of(WSAIoctl(s, code, nullptr, 0, nullptr, 0, nullptr, &ov, nullptr)),
                    WSAEFAULT, what + " overlapped with lpcbBytesReturned NULL");
  }
}

CONFORMANCE_CASE(UnknownCodesOverlapped, "IOCTL.unknown.overlapped") {
  const char* id = "IOCTL.unknown.overlapped";
  const SOCKET s = ctx.tcp();
  const WSAEVENT ev = WSACreateEvent();
  for (const DWORD code : kUnsupported) {
    const std::string what = "overlapped WSAIoctl(" + hex(code) + ")";
    WSAOVERLAPPED ov{};
    ov.hEvent = ev;
    ov.Internal = 0xdeadbeef;
    ov.InternalHigh = 0xdeadbeef;
    DWORD returned = 0xdeadbeef;
    ctx.check_error(id,
                    error_of(WSAIoctl(s, code, nullptr, 0, nullptr, 0, &returned, &ov, nullptr)),
                    WSA_IO_PENDING, what);
    ctx.check_eq(id, returned, 0xdeadbeefU, what + ": *lpcbBytesReturned untouched");
    ctx.check(id, signaled(ev, 1000), what + ": the event is signaled");
    ctx.check_eq(id, ov.Internal, kStatusNotSupported, what + ": Internal");
    ctx.check_eq(id, ov.InternalHigh, 0, what + ": InternalHigh");
    DWORD transfer = 0xdeadbeef;
    DWORD flags = 0xdeadbeef;
    const BOOL ok = WSAGetOverlappedResult(s, &ov, &transfer, FALSE, &flags);
    ctx.check(id, ok == FALSE, what + ": WSAGetOverlappedResult fails");
    ctx.check_eq(id, WSAGetLastError(), WSAEOPNOTSUPP, what + ": with WSAEOPNOTSUPP");
    WSAResetEvent(ev);
  }
  WSACloseEvent(ev);
}

CONFORMANCE_CASE(UnknownCodeCompletionRoutine, "IOCTL.unknown.routine") {
  const char* id = "IOCTL.unknown.routine";
  const SOCKET s = ctx.tcp();
  WSAOVERLAPPED ov{};
  DWORD returned = 0xdeadbeef;
  completion() = Completion{};
  ctx.check_error(
      id,
      error_of(WSAIoctl(s, SIO_FLUSH, nullptr, 0, nullptr, 0, &returned, &ov, record_completion)),
      WSA_IO_PENDING, "WSAIoctl(SIO_FLUSH) with a completion routine");
  ctx.check_eq(id, returned, 0xdeadbeefU, "*lpcbBytesReturned untouched");
  ctx.check_eq(id, SleepEx(0, TRUE), WAIT_IO_COMPLETION, "an alertable wait runs the routine");
  ctx.check_eq(id, completion().calls, 1, "routine calls");
  ctx.check_eq(id, completion().error, WSAEOPNOTSUPP, "the routine's error");
  ctx.check_eq(id, completion().bytes, 0, "the routine's byte count");
  ctx.check(id, completion().overlapped == &ov, "the routine gets the caller's OVERLAPPED");
}

CONFORMANCE_CASE(KeepAliveValsShortInputOverlapped, "SIO_KEEPALIVE_VALS.overlapped.short-input") {
  const char* id = "SIO_KEEPALIVE_VALS.overlapped.short-input";
  const SOCKET s = ctx.tcp();
  tcp_keepalive ka{1, 15000, 1500};
  const WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.hEvent = ev;
  ov.Internal = 0xdeadbeef;
  DWORD returned = 0xdeadbeef;
  ctx.check_error(id,
                  error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka - 1, nullptr, 0,
                                    &returned, &ov, nullptr)),
                  WSAEFAULT, "cbInBuffer one byte short");
  ctx.check_eq(id, returned, 0xdeadbeefU, "*lpcbBytesReturned untouched");
  ctx.check_eq(id, ov.Internal, kStatusPending, "Internal reads STATUS_PENDING");
  ctx.check(id, !signaled(ev), "nothing completes");
  ctx.check(id, !keepalive_on(s), "keep-alive stays off");
  WSACloseEvent(ev);
}

CONFORMANCE_CASE(BaseHandleIsTheSocket, "SIO_BASE_HANDLE.itself", "SIO_BASE_HANDLE.overlapped") {
  const struct {
    int family, type;
  } kinds[] = {{AF_INET, SOCK_STREAM}, {AF_INET, SOCK_DGRAM}, {AF_INET6, SOCK_STREAM}};
  for (const auto& k : kinds) {
    if (k.family == AF_INET6 && !ctx.profile().ipv6.value) continue;  // no IPv6 stack (§16)
    const SOCKET s = ctx.keep(socket(k.family, k.type, 0));
    ctx.require(s != INVALID_SOCKET, "socket");
    const std::string what =
        "family " + std::to_string(k.family) + " type " + std::to_string(k.type);
    const char* id = "SIO_BASE_HANDLE.itself";
    SOCKET base = static_cast<SOCKET>(0xdeadbeef);
    DWORD returned = 0xdeadbeef;
    ctx.check_error(id,
                    error_of(WSAIoctl(s, SIO_BASE_HANDLE, nullptr, 0, &base, sizeof base, &returned,
                                      nullptr, nullptr)),
                    0, what);
    ctx.check(id, base == s, what + ": the base handle is the socket");
    ctx.check_eq(id, returned, sizeof(SOCKET), what + ": *lpcbBytesReturned");
    WSAOVERLAPPED ov{};
    ctx.check_error(id,
                    error_of(WSAIoctl(s, SIO_BASE_HANDLE, nullptr, 0, &base, sizeof base, nullptr,
                                      &ov, nullptr)),
                    WSAEFAULT, what + ": lpcbBytesReturned NULL");
    const char* ov_id = "SIO_BASE_HANDLE.overlapped";
    const WSAEVENT ev = WSACreateEvent();
    ov.hEvent = ev;
    base = static_cast<SOCKET>(0xdeadbeef);
    returned = 0xdeadbeef;
    ctx.check_error(ov_id,
                    error_of(WSAIoctl(s, SIO_BASE_HANDLE, nullptr, 0, &base, sizeof base, &returned,
                                      &ov, nullptr)),
                    WSA_IO_PENDING, what + ": overlapped");
    ctx.check_eq(ov_id, returned, 0xdeadbeefU, what + ": *lpcbBytesReturned untouched");
    ctx.check_eq(ov_id, ov.Internal, kStatusNotSupported, what + ": Internal");
    ctx.check(ov_id, base == static_cast<SOCKET>(0xdeadbeef), what + ": nothing written");
    WSACloseEvent(ev);
  }
}

CONFORMANCE_CASE(IdealSendBacklog, "SIO_IDEAL_SEND_BACKLOG_QUERY.values") {
  const char* id = "SIO_IDEAL_SEND_BACKLOG_QUERY.values";
  ULONG backlog = 0;
  DWORD returned = 0;
  const auto query = [&](SOCKET s) {
    return error_of(WSAIoctl(s, SIO_IDEAL_SEND_BACKLOG_QUERY, nullptr, 0, &backlog, sizeof backlog,
                             &returned, nullptr, nullptr));
  };
  ctx.check_error(id, query(ctx.tcp()), WSAENOTCONN, "unconnected TCP socket");
  ctx.check_error(id, query(ctx.connected_tcp()), 0, "connected TCP socket");
  ctx.check_eq(id, backlog, 0x10000, "64 KiB");
  ctx.check_error(id, query(ctx.udp()), WSAEOPNOTSUPP, "UDP socket");
}

CONFORMANCE_CASE(CircularQueueingOnUdp, "SIO_ENABLE_CIRCULAR_QUEUEING.udp") {
  DWORD returned = 0;
  ctx.check_error("SIO_ENABLE_CIRCULAR_QUEUEING.udp",
                  error_of(WSAIoctl(ctx.udp(), SIO_ENABLE_CIRCULAR_QUEUEING, nullptr, 0, nullptr, 0,
                                    &returned, nullptr, nullptr)),
                  0, "UDP socket");
}

}  // namespace
}  // namespace ws2sim::conformance
