// Overlapped I/O and completion ports as programs meet them (docs/behaviour.md §17): a pending
// WSARecv, what data, a reset, closesocket and CancelIoEx make of it, the completion port's
// packets, and the extension functions' GUIDs. Portable: these run on the emulator and, through
// the native backend, under Wine or on Windows; every connection stays on the machine running
// the case (a listener of the context, connected to and accepted here).
#include <cstring>
#include <string>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

constexpr ULONG_PTR kStatusPending = 0x103;
constexpr ULONG_PTR kStatusCancelled = 0xC0000120;
constexpr ULONG_PTR kStatusConnectionReset = 0xC000020D;
constexpr DWORD kErrorNetnameDeleted = 64;
constexpr DWORD kErrorOperationAborted = 995;

// Both ends of a connection made here: `client` (from ctx.tcp()) and `server` (accepted).
struct Ends {
  SOCKET client;
  SOCKET server;
};

Ends connected_pair(Context& ctx) {
  const SOCKET listener = ctx.listening_tcp();
  const SOCKET client = ctx.tcp();
  ctx.require(ctx.connect_to(client, listener) == 0, "connect to the case's listener");
  const SOCKET server = accept(listener, nullptr, nullptr);
  ctx.require(server != INVALID_SOCKET, "accept");
  return {client, ctx.keep(server)};
}

// An overlapped WSARecv of `buf` on `s`: error_of its return value.
int start_recv(SOCKET s, char* buf, ULONG len, WSAOVERLAPPED* ov) {
  WSABUF b{len, buf};
  DWORD flags = 0;
  return error_of(WSARecv(s, &b, 1, nullptr, &flags, ov, nullptr));
}

// GetQueuedCompletionStatus with a timeout: the error (0 for TRUE) and the OVERLAPPED.
struct Dequeued {
  DWORD error;
  DWORD bytes;
  ULONG_PTR key;
  OVERLAPPED* ov;
};
Dequeued dequeue(HANDLE port, DWORD ms) {
  Dequeued d{0, 0xdeadbeef, 0xdeadbeef, nullptr};
  if (!GetQueuedCompletionStatus(port, &d.bytes, &d.key, &d.ov, ms)) {
    d.error = GetLastError();
  }
  return d;
}

CONFORMANCE_CASE(APendingReadCompletesWithTheData, "OVERLAPPED.recv.pending",
                 "OVERLAPPED.recv.data") {
  const Ends e = connected_pair(ctx);
  char buf[16] = {};
  WSAOVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  const char* id = "OVERLAPPED.recv.pending";
  ctx.check_error(id, start_recv(e.client, buf, sizeof buf, &ov), WSA_IO_PENDING,
                  "overlapped WSARecv with nothing to read");
  ctx.check_eq(id, ov.Internal, kStatusPending, "Internal while pending");
  DWORD bytes = 0;
  DWORD flags = 0;
  ctx.check_error(
      id, WSAGetOverlappedResult(e.client, &ov, &bytes, FALSE, &flags) ? 0 : WSAGetLastError(),
      WSA_IO_INCOMPLETE, "WSAGetOverlappedResult(fWait FALSE) while pending");
  id = "OVERLAPPED.recv.data";
  ctx.require(send(e.server, "ping", 4, 0) == 4, "the peer sends");
  ctx.check(id, signaled(ov.hEvent, 5000), "the event is set");
  ctx.check(id,
            WSAGetOverlappedResult(e.client, &ov, &bytes, TRUE, &flags) == TRUE && bytes == 4 &&
                std::memcmp(buf, "ping", 4) == 0,
            "WSAGetOverlappedResult: 4 bytes, \"ping\"");
  ctx.check_eq(id, ov.Internal, 0U, "Internal: STATUS_SUCCESS");
  ctx.check_eq(id, ov.InternalHigh, 4U, "InternalHigh: the byte count");
  WSACloseEvent(ov.hEvent);
}

CONFORMANCE_CASE(AResetCompletesThePendingRead, "OVERLAPPED.recv.reset") {
  const char* id = "OVERLAPPED.recv.reset";
  const Ends e = connected_pair(ctx);
  const HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(e.client), nullptr, 3, 0);
  ctx.require(port != nullptr, "CreateIoCompletionPort");
  char buf[16];
  WSAOVERLAPPED ov{};
  ctx.require(start_recv(e.client, buf, sizeof buf, &ov) == WSA_IO_PENDING, "a pending read");
  const linger abortive{1, 0};
  setsockopt(e.server, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abortive),
             sizeof abortive);
  closesocket(e.server);  // RST (ctx closing it again later fails harmlessly)
  const Dequeued d = dequeue(port, 5000);
  ctx.check_eq(id, d.error, kErrorNetnameDeleted, "GetQueuedCompletionStatus's error");
  ctx.check(id, d.ov == &ov, "the packet carries the read's OVERLAPPED");
  ctx.check_eq(id, ov.Internal, kStatusConnectionReset, "Internal");
  DWORD bytes = 0;
  DWORD flags = 0;
  ctx.check_error(
      id, WSAGetOverlappedResult(e.client, &ov, &bytes, FALSE, &flags) ? 0 : WSAGetLastError(),
      WSAECONNRESET, "WSAGetOverlappedResult");
  CloseHandle(port);
}

CONFORMANCE_CASE(CloseAbortsThePendingRead, "OVERLAPPED.close.aborted") {
  const char* id = "OVERLAPPED.close.aborted";
  const Ends e = connected_pair(ctx);
  const HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(e.client), nullptr, 3, 0);
  ctx.require(port != nullptr, "CreateIoCompletionPort");
  char buf[16];
  WSAOVERLAPPED ov{};
  ctx.require(start_recv(e.client, buf, sizeof buf, &ov) == WSA_IO_PENDING, "a pending read");
  closesocket(e.client);
  const Dequeued d = dequeue(port, 5000);
  ctx.check_eq(id, d.error, kErrorOperationAborted, "GetQueuedCompletionStatus's error");
  ctx.check(id, d.ov == &ov, "the packet carries the read's OVERLAPPED");
  ctx.check_eq(id, ov.Internal, kStatusCancelled, "Internal");
  CloseHandle(port);
}

CONFORMANCE_CASE(CancelIoExAbortsTheNamedRead, "OVERLAPPED.cancel") {
  const char* id = "OVERLAPPED.cancel";
  const Ends e = connected_pair(ctx);
  char buf[16];
  WSAOVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  ctx.require(start_recv(e.client, buf, sizeof buf, &ov) == WSA_IO_PENDING, "a pending read");
  ctx.check(id, CancelIoEx(reinterpret_cast<HANDLE>(e.client), &ov) == TRUE, "CancelIoEx");
  ctx.check(id, signaled(ov.hEvent, 5000), "the event is set");
  DWORD bytes = 0;
  DWORD flags = 0;
  ctx.check_error(
      id, WSAGetOverlappedResult(e.client, &ov, &bytes, TRUE, &flags) ? 0 : WSAGetLastError(),
      WSA_OPERATION_ABORTED, "WSAGetOverlappedResult");
  ctx.check(id, CancelIoEx(reinterpret_cast<HANDLE>(e.client), &ov) == FALSE,
            "CancelIoEx of a finished operation fails");
  ctx.check_eq(id, GetLastError(), static_cast<DWORD>(ERROR_NOT_FOUND), "with ERROR_NOT_FOUND");
  WSACloseEvent(ov.hEvent);
}

CONFORMANCE_CASE(ThePortQueuesPostedPacketsAndTimesOut, "IOCP.post", "IOCP.timeout") {
  const HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ctx.require(port != nullptr, "CreateIoCompletionPort");
  const char* id = "IOCP.timeout";
  Dequeued d = dequeue(port, 0);
  ctx.check_eq(id, d.error, static_cast<DWORD>(WAIT_TIMEOUT), "an empty port, 0 ms");
  ctx.check(id, d.ov == nullptr, "*lpOverlapped is NULL");
  id = "IOCP.post";
  OVERLAPPED mine{};
  ctx.require(PostQueuedCompletionStatus(port, 42, 7, &mine) == TRUE, "PostQueuedCompletionStatus");
  d = dequeue(port, 0);
  ctx.check(id, d.error == 0 && d.bytes == 42 && d.key == 7 && d.ov == &mine,
            "the packet as posted: 42 bytes, key 7, the caller's OVERLAPPED");
  CloseHandle(port);
}

CONFORMANCE_CASE(KeepAliveValsQueuesAZeroBytePacket, "IOCP.keepalive-vals.packet") {
  const char* id = "IOCP.keepalive-vals.packet";
  const SOCKET s = ctx.tcp();
  const HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, 9, 0);
  ctx.require(port != nullptr, "CreateIoCompletionPort");
  tcp_keepalive ka{1, 10'000, 1'000};
  DWORD returned = 0xdeadbeef;
  WSAOVERLAPPED ov{};
  ctx.check_error(id,
                  error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned,
                                    &ov, nullptr)),
                  0, "overlapped SIO_KEEPALIVE_VALS on an associated socket");
  ctx.check_eq(id, returned, 0xdeadbeefU, "*lpcbBytesReturned is not written");
  const Dequeued d = dequeue(port, 0);
  ctx.check(id, d.error == 0 && d.bytes == 0 && d.key == 9 && d.ov == &ov,
            "a 0-byte packet with status 0 and the call's OVERLAPPED");
  CloseHandle(port);
}

CONFORMANCE_CASE(SkipOnSuccessQueuesNothing, "IOCP.skip-on-success") {
  const char* id = "IOCP.skip-on-success";
  const SOCKET s = ctx.tcp();
  const HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, 9, 0);
  ctx.require(port != nullptr, "CreateIoCompletionPort");
  ctx.check(id,
            SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(s),
                                               FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) == TRUE,
            "SetFileCompletionNotificationModes");
  tcp_keepalive ka{1, 10'000, 1'000};
  DWORD returned = 0;
  WSAOVERLAPPED ov{};
  ctx.require(
      WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, &ov, nullptr) == 0,
      "overlapped SIO_KEEPALIVE_VALS");
  ctx.check_eq(id, dequeue(port, 0).error, static_cast<DWORD>(WAIT_TIMEOUT),
               "no packet for an operation that succeeded at once");
  CloseHandle(port);
}

CONFORMANCE_CASE(TheExtensionGuids, "EXTENSION.guids", "EXTENSION.unknown-guid") {
  const SOCKET s = ctx.tcp();
  auto load = [s](GUID id, void** fn) {
    DWORD bytes = 0;
    return error_of(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, fn, sizeof *fn,
                             &bytes, nullptr, nullptr));
  };
  void* fn = nullptr;
  const char* id = "EXTENSION.guids";
  ctx.check(id, load(WSAID_ACCEPTEX, &fn) == 0 && fn != nullptr, "WSAID_ACCEPTEX");
  fn = nullptr;
  ctx.check(id, load(WSAID_GETACCEPTEXSOCKADDRS, &fn) == 0 && fn != nullptr,
            "WSAID_GETACCEPTEXSOCKADDRS");
  const GUID unknown = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};
  ctx.check_error("EXTENSION.unknown-guid", load(unknown, &fn), WSAEINVAL, "an unknown GUID");
}

CONFORMANCE_CASE(AcceptExCompletesWithTheAddresses, "EXTENSION.acceptex") {
  const char* id = "EXTENSION.acceptex";
  constexpr DWORD kRoom = sizeof(sockaddr_in) + 16;
  const SOCKET listener = ctx.listening_tcp();
  const SOCKET acceptor = ctx.tcp();
  LPFN_ACCEPTEX accept_ex = nullptr;
  LPFN_GETACCEPTEXSOCKADDRS sockaddrs = nullptr;
  GUID accept_id = WSAID_ACCEPTEX;
  GUID sockaddrs_id = WSAID_GETACCEPTEXSOCKADDRS;
  DWORD bytes = 0;
  ctx.require(
      WSAIoctl(listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &accept_id, sizeof accept_id,
               &accept_ex, sizeof accept_ex, &bytes, nullptr, nullptr) == 0 &&
          WSAIoctl(listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &sockaddrs_id, sizeof sockaddrs_id,
                   &sockaddrs, sizeof sockaddrs, &bytes, nullptr, nullptr) == 0,
      "load AcceptEx and GetAcceptExSockaddrs");
  char out[2 * kRoom] = {};
  WSAOVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  const BOOL done = accept_ex(listener, acceptor, out, 0, kRoom, kRoom, &bytes, &ov);
  ctx.check_error(id, done ? 0 : WSAGetLastError(), ERROR_IO_PENDING, "AcceptEx before a client");
  const SOCKET client = ctx.tcp();
  ctx.require(ctx.connect_to(client, listener) == 0, "connect");
  ctx.check(id, signaled(ov.hEvent, 5000), "the event is set");
  sockaddr* local = nullptr;
  sockaddr* remote = nullptr;
  int local_len = 0;
  int remote_len = 0;
  sockaddrs(out, 0, kRoom, kRoom, &local, &local_len, &remote, &remote_len);
  sockaddr_in mine{};
  int len = sizeof mine;
  ctx.require(getsockname(client, reinterpret_cast<sockaddr*>(&mine), &len) == 0, "getsockname");
  ctx.check(id,
            remote_len == static_cast<int>(sizeof(sockaddr_in)) &&
                reinterpret_cast<sockaddr_in*>(remote)->sin_port == mine.sin_port,
            "the remote address is the client's");
  ctx.check_error(id,
                  error_of(setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
                                      reinterpret_cast<const char*>(&listener), sizeof listener)),
                  0, "SO_UPDATE_ACCEPT_CONTEXT");
  WSACloseEvent(ov.hEvent);
}

}  // namespace
}  // namespace ws2sim::conformance
