// PendingIo and what it is made of: an overlapped operation that waits — a receive for data,
// AcceptEx for a connection (and its first data), ConnectEx for the handshake
// (core/overlapped_io.h, docs/behaviour.md §17). A header of its own so that Host::State can hold
// them. Not a public header.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/socket_table.h"

namespace ws2sim::winsock::detail {

struct ThreadState;
struct WinThread;

/// IoBuffer — one WSABUF of a scatter/gather transfer.
struct IoBuffer {
  char* data = nullptr;
  std::uint32_t size = 0;
};

/// CompletionRoutine — an LPWSAOVERLAPPED_COMPLETION_ROUTINE, as Apc::routine calls it.
using CompletionRoutine = void (*)(std::uint32_t error, std::uint32_t bytes, void* overlapped,
                                   std::uint32_t flags);

/// Issuer — the thread that started an operation: where its completion routine runs.
struct Issuer {
  WinThread* thread = nullptr;   ///< a Windows thread of the world
  ThreadState* other = nullptr;  ///< else the attached thread's state
};

/// IoKind — what a pending operation waits for.
enum class IoKind : std::uint8_t {
  kReceive,  ///< WSARecv: data, the end of the stream or of the connection
  kAccept,   ///< AcceptEx: a connection on `socket` (the listener) for `accept_socket`
  kConnect,  ///< ConnectEx: the handshake of `socket`
};

/// PendingIo — an overlapped operation that waits. Its completion goes to `socket`'s port.
struct PendingIo {
  IoKind kind = IoKind::kReceive;
  SocketHandle socket = 0;
  std::vector<IoBuffer> buffers;  ///< kReceive: the WSABUFs; kAccept: the data part; kConnect:
                                  ///< the data to send once connected
  void* overlapped = nullptr;     ///< the caller's WSAOVERLAPPED
  CompletionRoutine routine = nullptr;
  Issuer issuer;
  bool peek = false;
  // AcceptEx: the socket that takes the connection, where the addresses go (after the data
  // part: `local_size` bytes, then `remote_size`), and whether the connection was taken yet.
  SocketHandle accept_socket = 0;
  char* addresses = nullptr;
  std::uint32_t local_size = 0;
  std::uint32_t remote_size = 0;
  bool accepted = false;
};

/// PendingIoTable — a host's pending operations, by the socket that gets their completion (an
/// AcceptEx's listener), each socket's in the order they were started. Keyed by socket so that a
/// change on one connection looks at that connection's operations alone
/// (backend/virtual_time.cc).
struct PendingIoTable {
  std::map<SocketHandle, std::vector<PendingIo>> by_socket;  ///< no empty lists
  std::map<SocketHandle, SocketHandle> accepting;  ///< an AcceptEx's accept socket → listener

  [[nodiscard]] bool empty() const noexcept { return by_socket.empty(); }
  /// PendingIoTable::has — whether socket `s` has an operation waiting.
  [[nodiscard]] bool has(SocketHandle s) const { return by_socket.contains(s); }
};

}  // namespace ws2sim::winsock::detail
