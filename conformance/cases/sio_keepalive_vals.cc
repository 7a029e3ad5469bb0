// WSAIoctl(SIO_KEEPALIVE_VALS): the SIO_KEEPALIVE_VALS page (parameters, overlapped behaviour,
// return value, error rows) and docs/behaviour.md §6. Portable: these run on the emulator and,
// through run-wine.sh, against a real Winsock.
#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

constexpr tcp_keepalive kValues{1, 15'000, 1'500};

int ioctl_keepalive(SOCKET s, const void* in, DWORD in_size, void* out, DWORD out_size,
                    DWORD* returned, WSAOVERLAPPED* ov = nullptr,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr) {
  return error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, const_cast<void*>(in), in_size, out, out_size,
                           returned, ov, routine));
}

CONFORMANCE_CASE(SucceedsWithZeroBytesReturned, "SIO_KEEPALIVE_VALS.return.success",
                 "SIO_KEEPALIVE_VALS.bytes-returned.zero",
                 "SIO_KEEPALIVE_VALS.requirements.windows-2000",
                 "SIO_KEEPALIVE_VALS.sync.done-on-return") {
  const SOCKET s = ctx.tcp();
  DWORD returned = 77;
  const int rc = WSAIoctl(s, SIO_KEEPALIVE_VALS, const_cast<tcp_keepalive*>(&kValues),
                          sizeof kValues, nullptr, 0, &returned, nullptr, nullptr);
  ctx.check_eq("SIO_KEEPALIVE_VALS.return.success", rc, 0, "WSAIoctl(SIO_KEEPALIVE_VALS) returned");
  ctx.check("SIO_KEEPALIVE_VALS.requirements.windows-2000", rc == 0,
            "SIO_KEEPALIVE_VALS refused: " + error_name(error_of(rc)));
  ctx.check_eq("SIO_KEEPALIVE_VALS.bytes-returned.zero", returned, 0U, "*lpcbBytesReturned");
  ctx.check("SIO_KEEPALIVE_VALS.sync.done-on-return", keepalive_on(s),
            "getsockopt(SO_KEEPALIVE) right after the call reads TRUE");
}

CONFORMANCE_CASE(FailureReturnsSocketError, "SIO_KEEPALIVE_VALS.return.failure") {
  DWORD returned = 0;
  WSASetLastError(0);
  const int rc = WSAIoctl(INVALID_SOCKET, SIO_KEEPALIVE_VALS, const_cast<tcp_keepalive*>(&kValues),
                          sizeof kValues, nullptr, 0, &returned, nullptr, nullptr);
  const int error = WSAGetLastError();
  ctx.check_eq("SIO_KEEPALIVE_VALS.return.failure", rc, SOCKET_ERROR, "WSAIoctl on INVALID_SOCKET");
  ctx.check("SIO_KEEPALIVE_VALS.return.failure", error != 0,
            "WSAGetLastError() after a failed WSAIoctl is 0");
}

CONFORMANCE_CASE(NullInputIsRefused, "SIO_KEEPALIVE_VALS.in-buffer.required") {
  const SOCKET s = ctx.tcp();
  DWORD returned = 77;
  ctx.check_error_in("SIO_KEEPALIVE_VALS.in-buffer.required",
                     ioctl_keepalive(s, nullptr, sizeof kValues, nullptr, 0, &returned),
                     {WSAEFAULT, WSAEINVAL}, "lpvInBuffer NULL");
  ctx.check("SIO_KEEPALIVE_VALS.in-buffer.required", !keepalive_on(s),
            "a refused call changed nothing");
}

CONFORMANCE_CASE(InputShorterThanTheStructIsRefused, "SIO_KEEPALIVE_VALS.cb-in-buffer.minimum") {
  const char* id = "SIO_KEEPALIVE_VALS.cb-in-buffer.minimum";
  const SOCKET s = ctx.tcp();
  DWORD returned = 0;
  for (const DWORD size : {0U, 4U, 11U}) {
    ctx.check_error_in(id, ioctl_keepalive(s, &kValues, size, nullptr, 0, &returned),
                       {WSAEFAULT, WSAEINVAL}, "cbInBuffer " + std::to_string(size));
  }
  ctx.check(id, !keepalive_on(s), "refused calls changed nothing");
  const DWORD bigger[4] = {1, 15'000, 1'500, 0};
  for (const DWORD size : {12U, 16U}) {
    ctx.check_error(id, ioctl_keepalive(s, bigger, size, nullptr, 0, &returned), 0,
                    "cbInBuffer " + std::to_string(size));
  }
}

CONFORMANCE_CASE(ShortOrNullInputIsEfaultWithZeroBytes, "SIO_KEEPALIVE_VALS.in-buffer.efault") {
  const char* id = "SIO_KEEPALIVE_VALS.in-buffer.efault";
  const SOCKET s = ctx.tcp();
  DWORD returned = 77;
  ctx.check_error(id, ioctl_keepalive(s, nullptr, sizeof kValues, nullptr, 0, &returned), WSAEFAULT,
                  "lpvInBuffer NULL");
  ctx.check_eq(id, returned, 0U, "lpvInBuffer NULL: *lpcbBytesReturned");
  returned = 77;
  ctx.check_error(id, ioctl_keepalive(s, &kValues, sizeof kValues - 1, nullptr, 0, &returned),
                  WSAEFAULT, "cbInBuffer 11");
  ctx.check_eq(id, returned, 0U, "cbInBuffer 11: *lpcbBytesReturned");
}

CONFORMANCE_CASE(NoOutputIsWritten, "SIO_KEEPALIVE_VALS.out-buffer.unused") {
  const char* id = "SIO_KEEPALIVE_VALS.out-buffer.unused";
  const SOCKET s = ctx.tcp();
  DWORD returned = 0;
  ctx.check_error(id, ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 0, &returned), 0,
                  "no output buffer");
  unsigned char out[16];
  for (unsigned char& b : out)
    b = 0xAB;
  (void)ioctl_keepalive(s, &kValues, sizeof kValues, out, sizeof out, &returned);
  bool untouched = true;
  for (const unsigned char b : out)
    untouched = untouched && b == 0xAB;
  ctx.check(id, untouched, "the output buffer offered was written to");
}

CONFORMANCE_CASE(OutputBufferIsIgnored, "SIO_KEEPALIVE_VALS.out-buffer.ignored") {
  const char* id = "SIO_KEEPALIVE_VALS.out-buffer.ignored";
  const SOCKET s = ctx.tcp();
  char out[16] = {};
  DWORD returned = 77;
  ctx.check_error(id, ioctl_keepalive(s, &kValues, sizeof kValues, out, sizeof out, &returned), 0,
                  "lpvOutBuffer non-NULL, cbOutBuffer 16");
  ctx.check_eq(id, returned, 0U, "*lpcbBytesReturned");
  ctx.check(id, keepalive_on(s), "keep-alive switched on");
  ctx.check_error(id, ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 4, &returned), 0,
                  "lpvOutBuffer NULL, cbOutBuffer 4");
}

CONFORMANCE_CASE(NullBytesReturnedIsEfault, "SIO_KEEPALIVE_VALS.bytes-returned.null") {
  const char* id = "SIO_KEEPALIVE_VALS.bytes-returned.null";
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 0, nullptr), WSAEFAULT,
                  "lpcbBytesReturned NULL");
  const WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.Internal = 0x55;
  ov.hEvent = ev;
  ctx.check_error(id, ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 0, nullptr, &ov),
                  WSAEFAULT, "lpcbBytesReturned NULL, overlapped");
  ctx.check(id, !signaled(ev), "a refused overlapped call signalled its event");
  ctx.check(id, !keepalive_on(s), "refused calls changed nothing");
  WSACloseEvent(ev);
}

CONFORMANCE_CASE(NonOverlappedSocketIgnoresOverlappedAndRoutine,
                 "SIO_KEEPALIVE_VALS.overlapped.ignored-without-attribute",
                 "SIO_KEEPALIVE_VALS.completion-routine.ignored-without-attribute") {
  const char* ov_id = "SIO_KEEPALIVE_VALS.overlapped.ignored-without-attribute";
  const char* cr_id = "SIO_KEEPALIVE_VALS.completion-routine.ignored-without-attribute";
  const SOCKET s = ctx.keep(WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, 0));
  ctx.require(s != INVALID_SOCKET, "WSASocketW without WSA_FLAG_OVERLAPPED failed");
  const WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.hEvent = ev;
  DWORD returned = 77;
  completion() = Completion{};
  ctx.check_error(
      ov_id,
      ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 0, &returned, &ov, record_completion),
      0, "WSAIoctl with lpOverlapped on a non-overlapped socket");
  ctx.check_eq(ov_id, returned, 0U, "*lpcbBytesReturned (synchronous completion)");
  ctx.check(ov_id, !signaled(ev), "the event was signalled");
  ctx.check(ov_id, keepalive_on(s), "keep-alive switched on");
  ctx.check_eq(cr_id, SleepEx(0, TRUE), 0U, "an alertable SleepEx(0) found work queued");
  ctx.check_eq(cr_id, completion().calls, 0, "completion routine calls");
  WSACloseEvent(ev);
}

CONFORMANCE_CASE(OverlappedCallReportsCompletion, "SIO_KEEPALIVE_VALS.overlapped.completion") {
  const char* id = "SIO_KEEPALIVE_VALS.overlapped.completion";
  const SOCKET s = ctx.tcp();  // socket() sockets have the overlapped attribute
  const WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.hEvent = ev;
  DWORD returned = 77;
  ctx.check_error_in(id, ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 0, &returned, &ov),
                     {0, WSA_IO_PENDING}, "overlapped WSAIoctl");
  ctx.check(id, signaled(ev, 1'000), "the event is signalled (waited 1 s)");
  DWORD transferred = 99;
  DWORD flags = 99;
  ctx.check(id, WSAGetOverlappedResult(s, &ov, &transferred, TRUE, &flags) != FALSE,
            "WSAGetOverlappedResult reports success");
  ctx.check_eq(id, transferred, 0U, "bytes transferred");
  WSACloseEvent(ev);
}

CONFORMANCE_CASE(OverlappedWithoutRoutineCompletesAtOnce,
                 "SIO_KEEPALIVE_VALS.overlapped.immediate") {
  const char* id = "SIO_KEEPALIVE_VALS.overlapped.immediate";
  const SOCKET s = ctx.tcp();
  const WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.Internal = 0x55;
  ov.InternalHigh = 0x66;
  ov.hEvent = ev;
  DWORD returned = 77;
  ctx.check_error(id, ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 0, &returned, &ov), 0,
                  "overlapped WSAIoctl returns 0");
  ctx.check_eq(id, returned, 77U, "*lpcbBytesReturned left alone");
  ctx.check(id, signaled(ev), "the event is signalled at once");
  ctx.check_eq(id, ov.Internal, 0U, "status (Internal)");
  ctx.check_eq(id, ov.InternalHigh, 0U, "bytes (InternalHigh)");
  WSACloseEvent(ev);
}

CONFORMANCE_CASE(CompletionRoutineRunsAtTheNextAlertableWait,
                 "SIO_KEEPALIVE_VALS.completion-routine.called",
                 "SIO_KEEPALIVE_VALS.completion-routine.alertable") {
  const char* called = "SIO_KEEPALIVE_VALS.completion-routine.called";
  const char* id = "SIO_KEEPALIVE_VALS.completion-routine.alertable";
  const SOCKET s = ctx.tcp();
  WSAOVERLAPPED ov{};
  DWORD returned = 77;
  completion() = Completion{};
  ctx.check_error(
      id,
      ioctl_keepalive(s, &kValues, sizeof kValues, nullptr, 0, &returned, &ov, record_completion),
      0, "overlapped WSAIoctl with a completion routine returns 0");
  ctx.check_eq(id, returned, 0U, "*lpcbBytesReturned");
  ctx.check_eq(id, completion().calls, 0, "routine calls before any wait");
  SleepEx(0, FALSE);
  ctx.check_eq(id, completion().calls, 0, "routine calls after a non-alertable wait");
  ctx.check_eq(id, SleepEx(0, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION),
               "the next alertable SleepEx(0)");
  ctx.check_eq(id, completion().calls, 1, "routine calls after the alertable wait");
  if (completion().calls == 0) SleepEx(1'000, TRUE);  // give a late completion its chance
  ctx.check_eq(called, completion().calls, 1, "routine calls (waited up to 1 s, alertable)");
  ctx.check_eq(called, completion().error, 0U, "the routine's error argument");
  ctx.check_eq(called, completion().bytes, 0U, "the routine's byte count");
  ctx.check(called, completion().overlapped == &ov, "the routine got the caller's WSAOVERLAPPED");
  ctx.check_eq(id, SleepEx(0, TRUE), 0U, "a second alertable SleepEx(0): nothing left");
  ctx.check_eq(id, completion().calls, 1, "the routine runs once");
}

CONFORMANCE_CASE(InvalidControlCodeIsRefused, "SIO_KEEPALIVE_VALS.error.wsaeinval.code") {
  const SOCKET s = ctx.tcp();
  DWORD returned = 0;
  ctx.check_error_in(
      "SIO_KEEPALIVE_VALS.error.wsaeinval.code",
      error_of(WSAIoctl(s, 0x98000099, nullptr, 0, nullptr, 0, &returned, nullptr, nullptr)),
      {WSAEINVAL, WSAEOPNOTSUPP}, "control code 0x98000099");
}

CONFORMANCE_CASE(UnknownControlCodeIsEopnotsupp, "SIO_KEEPALIVE_VALS.unknown-code") {
  const SOCKET s = ctx.tcp();
  DWORD returned = 0;
  ctx.check_error(
      "SIO_KEEPALIVE_VALS.unknown-code",
      error_of(WSAIoctl(s, 0x98000099, nullptr, 0, nullptr, 0, &returned, nullptr, nullptr)),
      WSAEOPNOTSUPP, "control code 0x98000099");
}

CONFORMANCE_CASE(SioFlushOnTcpIsEopnotsupp, "SIO_KEEPALIVE_VALS.sio-flush-tcp") {
  const SOCKET s = ctx.tcp();
  DWORD returned = 0;
  ctx.check_error(
      "SIO_KEEPALIVE_VALS.sio-flush-tcp",
      error_of(WSAIoctl(s, SIO_FLUSH, nullptr, 0, nullptr, 0, &returned, nullptr, nullptr)),
      WSAEOPNOTSUPP, "SIO_FLUSH on a TCP socket");
}

CONFORMANCE_CASE(DatagramSocketIsEnoprotooptForTheIoctl,
                 "SIO_KEEPALIVE_VALS.error.wsaenoprotoopt.datagram") {
  ctx.check_error("SIO_KEEPALIVE_VALS.error.wsaenoprotoopt.datagram",
                  keepalive_vals(ctx.udp(), 1, 15'000, 1'500), WSAENOPROTOOPT,
                  "SIO_KEEPALIVE_VALS on a datagram socket");
}

CONFORMANCE_CASE(NotASocketIsEnotsockForTheIoctl, "SIO_KEEPALIVE_VALS.error.wsaenotsock") {
  const char* id = "SIO_KEEPALIVE_VALS.error.wsaenotsock";
  ctx.check_error(id, keepalive_vals(INVALID_SOCKET, 1, 15'000, 1'500), WSAENOTSOCK,
                  "INVALID_SOCKET");
  const SOCKET closed = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ctx.require(closed != INVALID_SOCKET && closesocket(closed) == 0, "socket/closesocket failed");
  ctx.check_error(id, keepalive_vals(closed, 1, 15'000, 1'500), WSAENOTSOCK, "a closed socket");
}

CONFORMANCE_CASE(WorksBeforeAndAfterConnectAndOnListeners,
                 "SIO_KEEPALIVE_VALS.before-connect-and-listeners") {
  const char* id = "SIO_KEEPALIVE_VALS.before-connect-and-listeners";
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, keepalive_vals(s, 1, 7'200'000, 1'000), 0, "before connect");
  ctx.require(ctx.connect(s) == 0, "connect failed");
  ctx.check_error(id, keepalive_vals(s, 1, 20'000, 2'000), 0, "after connect");
  const SOCKET listener = ctx.listening_tcp();
  ctx.check_error(id, keepalive_vals(listener, 1, 7'200'000, 1'000), 0, "on a listening socket");
  ctx.check(id, keepalive_on(listener), "keep-alive on for the listener");
}

CONFORMANCE_CASE(MaximumTimesAreAccepted, "SIO_KEEPALIVE_VALS.max-values") {
  ctx.check_error("SIO_KEEPALIVE_VALS.max-values",
                  keepalive_vals(ctx.tcp(), 1, 0xFFFFFFFF, 0xFFFFFFFF), 0,
                  "{1, 0xFFFFFFFF, 0xFFFFFFFF}");
}

CONFORMANCE_CASE(ZeroTimeAndIntervalAreAccepted, "KEEPALIVE.zero-values.accepted") {
  const SOCKET s = ctx.tcp();
  ctx.check_error("KEEPALIVE.zero-values.accepted", keepalive_vals(s, 1, 0, 0), 0, "{1, 0, 0}");
}

CONFORMANCE_CASE(GetsockoptReadsTheIoctlsSwitch, "KEEPALIVE.sio-readback") {
  const char* id = "KEEPALIVE.sio-readback";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 15'000, 1'500) == 0, "SIO_KEEPALIVE_VALS {1, ...} failed");
  ctx.check(id, keepalive_on(s), "after onoff = 1, SO_KEEPALIVE reads TRUE");
  ctx.require(keepalive_vals(s, 0, 15'000, 1'500) == 0, "SIO_KEEPALIVE_VALS {0, ...} failed");
  ctx.check(id, !keepalive_on(s), "after onoff = 0, SO_KEEPALIVE reads FALSE");
}

}  // namespace
}  // namespace ws2sim::conformance
