// Scatter/gather transfers and overlapped results (docs/behaviour.md §17): WSARecv and WSASend in
// every mode (blocking, non-blocking, overlapped with an event, a completion routine or a
// completion port), GetOverlappedResult(Ex), CancelIo and CancelIoEx. An overlapped receive that
// finds nothing waits as a PendingIo of its host (core/overlapped_io.h); a send completes at once,
// because the model's send buffer never fills.
#include "core/overlapped_io.h"

#include <vector>

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
#include "core/network_events.h"
#include "core/sockets.h"
#include "rules/ntstatus.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <windows.h>
#include <winsock2.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

// The buffers of a WSABUF array: WSAEFAULT (nullopt) for a NULL array with buffers, or a NULL
// buffer with bytes.
std::optional<std::vector<IoBuffer>> io_buffers(const WSABUF* bufs, DWORD count,
                                                std::uint64_t* total) {
  if (bufs == nullptr && count > 0) {
    return std::nullopt;
  }
  std::vector<IoBuffer> out;
  out.reserve(count);
  *total = 0;
  for (DWORD i = 0; i < count; ++i) {
    if (bufs[i].buf == nullptr && bufs[i].len > 0) {
      return std::nullopt;
    }
    out.push_back({bufs[i].buf, bufs[i].len});
    *total += bufs[i].len;
  }
  return out;
}

// WSARecv's and WSASend's shared start: the prologue, a finished non-blocking connect noticed,
// the buffers, and whether the call runs overlapped — an OVERLAPPED on a socket created for
// overlapped I/O (otherwise lpOverlapped is ignored and the call is synchronous, as for
// WSAIoctl). nullopt with the last error set: WSAEFAULT for a NULL array with buffers, a NULL
// buffer with bytes, or no byte count on a synchronous call.
struct Transfer {
  Call call;
  std::vector<IoBuffer> buffers;
  std::uint64_t total = 0;
  bool overlapped = false;
};
std::optional<Transfer> begin_transfer(SOCKET s, const WSABUF* bufs, DWORD count,
                                       const WSAOVERLAPPED* ov, const DWORD* bytes) {
  auto call = Call::on_socket(s);
  if (!call) {
    return std::nullopt;
  }
  call->backend().refresh(call->host(), call->sock());
  const bool overlapped = ov != nullptr && call->sock().overlapped;
  std::uint64_t total = 0;
  auto buffers = io_buffers(bufs, count, &total);
  if (!buffers || (!overlapped && bytes == nullptr)) {
    fail(WSAEFAULT);
    return std::nullopt;
  }
  return Transfer{std::move(*call), std::move(*buffers), total, overlapped};
}

// The transfer checks recv and send share (socket.cc): a datagram socket is not modelled, the
// socket must be connected and its direction not shut down. 0 or the WSA error.
int transfer_state_error(const Socket& s, bool receiving) {
  if (s.type == SOCK_DGRAM) {
    return receiving && s.nonblocking ? WSAEWOULDBLOCK : WSAENOTCONN;
  }
  if (s.state != SocketState::kConnected) {
    return WSAENOTCONN;
  }
  if (receiving ? s.recv_shutdown : s.send_shutdown) {
    return WSAESHUTDOWN;
  }
  return 0;
}

// A connection that keep-alive, retransmissions or a reset ended: a new overlapped call on it
// fails at once with WSAECONNRESET (observed: the reports of the pending read's
// ERROR_SEM_TIMEOUT see the next read fail so; docs/behaviour.md §17).
bool broken(Backend& backend, const Socket& s) {
  const std::optional<CloseReason> ended = backend.close_reason(s);
  return ended && *ended != CloseReason::kOrderly;
}

// The synchronous receive of WSARecv: recv's path into one buffer, then scattered.
int receive_blocking(Call& call, SOCKET s, const std::vector<IoBuffer>& buffers,
                     std::uint64_t total, bool peek, bool wait_all) {
  if (total > static_cast<std::uint64_t>(INT_MAX)) {
    return fail(WSAEINVAL);
  }
  if (buffers.size() == 1) {
    return call.backend().recv(call, s, buffers[0].data, static_cast<int>(total), peek, wait_all);
  }
  std::vector<char> joined(static_cast<std::size_t>(total));
  const int n =
      call.backend().recv(call, s, joined.data(), static_cast<int>(total), peek, wait_all);
  if (n > 0) {
    std::size_t at = 0;
    for (const IoBuffer& b : buffers) {
      const std::size_t take = std::min<std::size_t>(b.size, static_cast<std::size_t>(n) - at);
      std::copy_n(joined.begin() + static_cast<std::ptrdiff_t>(at), take, b.data);
      at += take;
    }
  }
  return n;
}

}  // namespace

int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                   LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  auto t = begin_transfer(s, lpBuffers, dwBufferCount, lpOverlapped, lpNumberOfBytesRecvd);
  if (!t) {
    return SOCKET_ERROR;
  }
  if (lpFlags == nullptr) {
    return fail(WSAEFAULT);
  }
  Call* const call = &t->call;
  Socket& sock = call->sock();
  const bool overlapped = t->overlapped;
  const std::uint64_t total = t->total;
  const std::vector<IoBuffer>& buffers = t->buffers;
  // MSG_PARTIAL and MSG_OOB are not for a stream socket's receive; MSG_WAITALL is for a
  // synchronous one only (docs/behaviour.md §17).
  const auto allowed = static_cast<DWORD>(overlapped ? MSG_PEEK : (MSG_PEEK | MSG_WAITALL));
  if ((*lpFlags & ~allowed) != 0) {
    return fail(WSAEOPNOTSUPP);
  }
  if (const int e = transfer_state_error(sock, true); e != 0) {
    return fail(e);
  }
  const bool peek = (*lpFlags & MSG_PEEK) != 0;
  Host::State& host = call->host();
  if (!overlapped) {
    const int n = receive_blocking(*call, s, buffers, total, peek, (*lpFlags & MSG_WAITALL) != 0);
    if (Socket* after = host.sockets.find(s)) {
      reenable_network_event(host, *after, FD_READ_BIT);
    }
    if (n == SOCKET_ERROR) {
      return SOCKET_ERROR;
    }
    *lpNumberOfBytesRecvd = static_cast<DWORD>(n);
    *lpFlags = 0;
    return 0;
  }
  if (!call->backend().pends_io()) {
    return fail(WSAEOPNOTSUPP);  // live hosts (docs/live.md)
  }
  PendingIo io;
  io.socket = s;
  io.buffers = buffers;
  io.overlapped = lpOverlapped;
  io.routine = routine_of(lpCompletionRoutine);
  io.issuer = current_issuer();
  io.peek = peek;
  *lpFlags = 0;
  // Receives on one socket complete in the order they were started.
  const bool queued_behind = host.pending_io.has(s);
  if (!queued_behind && broken(call->backend(), sock) &&
      call->backend().bytes_readable(sock) == 0) {
    return fail(WSAECONNRESET);
  }
  if (!start_io(host, std::move(io), !queued_behind)) {
    return fail(WSA_IO_PENDING);
  }
  if (lpNumberOfBytesRecvd != nullptr) {
    *lpNumberOfBytesRecvd = static_cast<DWORD>(lpOverlapped->InternalHigh);
  }
  reenable_network_event(host, sock, FD_READ_BIT);
  return 0;
}

int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                   DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  auto t = begin_transfer(s, lpBuffers, dwBufferCount, lpOverlapped, lpNumberOfBytesSent);
  if (!t) {
    return SOCKET_ERROR;
  }
  Call* const call = &t->call;
  Socket& sock = call->sock();
  const bool overlapped = t->overlapped;
  const std::uint64_t total = t->total;
  const std::vector<IoBuffer>& buffers = t->buffers;
  if ((dwFlags & ~static_cast<DWORD>(MSG_DONTROUTE)) != 0) {
    return fail(WSAEOPNOTSUPP);  // MSG_OOB and MSG_PARTIAL on a stream socket
  }
  if (sock.type == SOCK_DGRAM && sock.peer) {
    if (lpNumberOfBytesSent != nullptr) {
      *lpNumberOfBytesSent = static_cast<DWORD>(total);  // datagrams go into the void (send())
    }
    return 0;
  }
  if (const int e = transfer_state_error(sock, false); e != 0) {
    return fail(e);
  }
  if (total > static_cast<std::uint64_t>(INT_MAX)) {
    return fail(WSAEINVAL);
  }
  if (overlapped && broken(call->backend(), sock)) {
    return fail(WSAECONNRESET);
  }
  std::vector<char> joined;
  joined.reserve(static_cast<std::size_t>(total));
  for (const IoBuffer& b : buffers) {
    joined.insert(joined.end(), b.data, b.data + b.size);
  }
  const int n = call->backend().send(*call, s, joined.data(), static_cast<int>(total));
  if (n == SOCKET_ERROR) {
    return SOCKET_ERROR;
  }
  if (lpNumberOfBytesSent != nullptr) {
    *lpNumberOfBytesSent = static_cast<DWORD>(n);
  }
  if (overlapped) {
    Socket* const after = call->host().sockets.find(s);
    if (after != nullptr) {
      complete_io(call->host(), after, lpOverlapped, routine_of(lpCompletionRoutine),
                  current_issuer(), kStatusSuccess, static_cast<std::uint32_t>(n), true, true);
    }
  }
  return 0;
}

namespace {

// GetOverlappedResult(Ex)'s work: waits (up to `ms`, alertable or not) for the operation, then
// reports it with its Win32 error.
BOOL overlapped_result(HANDLE file, LPOVERLAPPED ov, LPDWORD bytes, DWORD ms, bool alertable) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (call->host().sockets.find(handle_value(file)) == nullptr) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  if (ov == nullptr || bytes == nullptr) {
    return fail_win32(ERROR_INVALID_PARAMETER);
  }
  if (ov->Internal == kStatusPending) {
    if (ms == 0) {
      return fail_win32(ERROR_IO_INCOMPLETE);
    }
    ThreadState& ts = thread_state();
    const WaitResult r = call->wait(
        [&] { return ov->Internal != kStatusPending || (alertable && !ts.apcs.empty()); },
        deadline_after(*call, ms), nullptr,
        {"GetOverlappedResult", WaitKind::kOverlapped, reinterpret_cast<std::uintptr_t>(ov), {}});
    if (ov->Internal == kStatusPending) {
      if (alertable && run_apcs(*call)) {
        return fail_win32(WAIT_IO_COMPLETION);
      }
      return fail_win32(r == WaitResult::kTimedOut ? WAIT_TIMEOUT : ERROR_IO_INCOMPLETE);
    }
  }
  *bytes = static_cast<DWORD>(ov->InternalHigh);
  if (const std::uint32_t e = win32_error_of_status(ov->Internal); e != 0) {
    return fail_win32(e);
  }
  return TRUE;
}

}  // namespace

BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                LPDWORD lpNumberOfBytesTransferred, BOOL bWait) {
  return overlapped_result(hFile, lpOverlapped, lpNumberOfBytesTransferred,
                           bWait != FALSE ? INFINITE : 0, false);
}

BOOL WINAPI GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                  LPDWORD lpNumberOfBytesTransferred, DWORD dwMilliseconds,
                                  BOOL bAlertable) {
  return overlapped_result(hFile, lpOverlapped, lpNumberOfBytesTransferred, dwMilliseconds,
                           bAlertable != FALSE);
}

BOOL WINAPI CancelIo(HANDLE hFile) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (call->host().sockets.find(handle_value(hFile)) == nullptr) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  // Only the operations the calling thread started (documented).
  const Issuer me = current_issuer();
  (void)cancel_io(call->host(), handle_value(hFile), nullptr, &me);
  return TRUE;
}

BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (!call->host().profile->completion_port_ex.value) {
    return fail_win32(ERROR_PROC_NOT_FOUND);  // Vista and later (docs/behaviour.md §17)
  }
  if (call->host().sockets.find(handle_value(hFile)) == nullptr) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  // Any thread's operations; none to cancel is ERROR_NOT_FOUND (documented).
  if (cancel_io(call->host(), handle_value(hFile), lpOverlapped, nullptr) == 0) {
    return fail_win32(ERROR_NOT_FOUND);
  }
  return TRUE;
}
