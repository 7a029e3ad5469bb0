// I/O completion ports (docs/behaviour.md §17): CreateIoCompletionPort (create, associate a
// socket with a key), GetQueuedCompletionStatus(Ex) waiting in the world's time,
// PostQueuedCompletionStatus and SetFileCompletionNotificationModes. A port is a kernel object of
// its host holding a queue of CompletionPackets; overlapped socket operations queue theirs as
// they complete (core/overlapped_io.h).
#include <memory>

#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
#include "core/overlapped_io.h"
#include "rules/ntstatus.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <windows.h>
#include <winsock2.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

// The completion port `port` names on this host, kept alive while waited on, or nullptr.
std::shared_ptr<KernelObject> find_port(const Host::State& host, HANDLE port) {
  const auto it = host.objects.find(handle_value(port));
  if (it == host.objects.end() || it->second->kind != KernelObject::Kind::kCompletionPort) {
    return nullptr;
  }
  return it->second;
}

// How a wait for packets ended: the packets taken, or the Win32 error of an empty wait.
struct Dequeued {
  std::vector<CompletionPacket> packets;
  std::uint32_t error = 0;
};

// Takes up to `most` packets from `port`, waiting up to `ms` (alertable or not) for the first.
// Threads waiting on one port are served in the order they began to wait.
Dequeued dequeue(Call& call, HANDLE port, std::size_t most, DWORD ms, bool alertable,
                 const char* function) {
  Dequeued out;
  const std::shared_ptr<KernelObject> p = find_port(call.host(), port);
  if (p == nullptr) {
    out.error = ERROR_INVALID_HANDLE;
    return out;
  }
  Host::State& host = call.host();
  auto closed = [&] { return find_port(host, port) != p; };
  auto take = [&] {
    while (!p->packets.empty() && out.packets.size() < most) {
      out.packets.push_back(p->packets.front());
      p->packets.pop_front();
    }
  };
  take();
  if (!out.packets.empty()) {
    return out;
  }
  if (alertable && run_apcs(call)) {
    out.error = WAIT_IO_COMPLETION;
    return out;
  }
  if (ms == 0) {
    out.error = WAIT_TIMEOUT;
    return out;
  }
  ThreadState& ts = thread_state();  // captured: the condition may run on another thread
  const WaitResult r = call.wait_to_take(
      [&] { return !p->packets.empty() || closed() || (alertable && !ts.apcs.empty()); }, take,
      deadline_after(call, ms), {function, WaitKind::kObjects, handle_value(port), {}});
  if (out.packets.empty() && r == WaitResult::kReady) {
    take();  // a live host's wait
  }
  if (!out.packets.empty()) {
    return out;
  }
  if (alertable && run_apcs(call)) {
    out.error = WAIT_IO_COMPLETION;
  } else if (closed()) {
    out.error = ERROR_ABANDONED_WAIT_0;  // the port's handle was closed meanwhile (documented)
  } else if (r == WaitResult::kTimedOut) {
    out.error = WAIT_TIMEOUT;
  } else {
    // The world's horizon or a deadlock (World::deadlock), as for the other waits.
    out.error = call.world().deadlock ? ERROR_POSSIBLE_DEADLOCK : ERROR_TIMEOUT;
  }
  return out;
}

}  // namespace

HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                     ULONG_PTR CompletionKey, DWORD /*NumberOfConcurrentThreads*/) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return nullptr;
  }
  Host::State& host = call->host();
  if (FileHandle == INVALID_HANDLE_VALUE) {
    if (ExistingCompletionPort != nullptr) {
      fail_win32(ERROR_INVALID_PARAMETER);
      return nullptr;
    }
    return reinterpret_cast<HANDLE>(
        add_object(call->world(), host, KernelObject::Kind::kCompletionPort));
  }
  Socket* const s = host.sockets.find(handle_value(FileHandle));
  if (s == nullptr) {
    fail_win32(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  if (ExistingCompletionPort != nullptr && find_port(host, ExistingCompletionPort) == nullptr) {
    fail_win32(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  // A handle is associated with one port for its life (documented).
  if (s->completion_port) {
    fail_win32(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  const std::uintptr_t port =
      ExistingCompletionPort != nullptr
          ? handle_value(ExistingCompletionPort)
          : add_object(call->world(), host, KernelObject::Kind::kCompletionPort);
  s->completion_port = PortAssociation{port, CompletionKey};
  return reinterpret_cast<HANDLE>(port);
}

BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                      PULONG_PTR lpCompletionKey, LPOVERLAPPED* lpOverlapped,
                                      DWORD dwMilliseconds) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (lpNumberOfBytesTransferred == nullptr || lpCompletionKey == nullptr ||
      lpOverlapped == nullptr) {
    return fail_win32(ERROR_INVALID_PARAMETER);  // Windows faults; we say why instead
  }
  *lpOverlapped = nullptr;
  const Dequeued d =
      dequeue(*call, CompletionPort, 1, dwMilliseconds, false, "GetQueuedCompletionStatus");
  if (d.packets.empty()) {
    return fail_win32(d.error);
  }
  const CompletionPacket& p = d.packets.front();
  *lpNumberOfBytesTransferred = p.bytes;
  *lpCompletionKey = p.key;
  *lpOverlapped = static_cast<LPOVERLAPPED>(p.overlapped);
  // A failed operation's packet: FALSE with the Win32 error of its status, and the OVERLAPPED
  // (ERROR_SEM_TIMEOUT after a keep-alive drop: docs/behaviour.md §17).
  if (const std::uint32_t e = win32_error_of_status(p.status); e != 0) {
    return fail_win32(e);
  }
  return TRUE;
}

BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                        LPOVERLAPPED_ENTRY lpCompletionPortEntries, ULONG ulCount,
                                        PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
                                        BOOL fAlertable) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (!call->host().profile->completion_port_ex.value) {
    return fail_win32(ERROR_PROC_NOT_FOUND);  // Vista and later (docs/behaviour.md §17)
  }
  if (lpCompletionPortEntries == nullptr || ulNumEntriesRemoved == nullptr || ulCount == 0) {
    return fail_win32(ERROR_INVALID_PARAMETER);
  }
  *ulNumEntriesRemoved = 0;
  const Dequeued d = dequeue(*call, CompletionPort, ulCount, dwMilliseconds, fAlertable != FALSE,
                             "GetQueuedCompletionStatusEx");
  if (d.packets.empty()) {
    return fail_win32(d.error);
  }
  // Every packet, failed or not, is an entry: its status is in Internal.
  for (std::size_t i = 0; i < d.packets.size(); ++i) {
    const CompletionPacket& p = d.packets[i];
    lpCompletionPortEntries[i] =
        OVERLAPPED_ENTRY{p.key, static_cast<LPOVERLAPPED>(p.overlapped), p.status, p.bytes};
  }
  *ulNumEntriesRemoved = static_cast<ULONG>(d.packets.size());
  return TRUE;
}

BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (!post_packet(
          call->host(), handle_value(CompletionPort),
          CompletionPacket{dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped, 0})) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  call->world().wake_host(call->host().id.value);
  return TRUE;
}

BOOL WINAPI SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (!call->host().profile->completion_port_ex.value) {
    return fail_win32(ERROR_PROC_NOT_FOUND);  // Vista and later (docs/behaviour.md §17)
  }
  Socket* const s = call->host().sockets.find(handle_value(FileHandle));
  if (s == nullptr) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  if ((Flags & ~(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE)) != 0) {
    return fail_win32(ERROR_INVALID_PARAMETER);
  }
  // FILE_SKIP_SET_EVENT_ON_HANDLE concerns waits on the handle itself, which sockets here do
  // not signal: accepted, nothing to skip.
  s->skip_port_on_success = (Flags & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) != 0;
  return TRUE;
}
