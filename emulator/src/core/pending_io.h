// PendingIo and what it is made of: an overlapped receive waiting for data (core/overlapped_io.h,
// docs/behaviour.md §17). A header of its own so that Host::State can hold them. Not a public
// header.
#pragma once

#include <cstdint>
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

/// PendingIo — an overlapped receive that waits for data.
struct PendingIo {
  SocketHandle socket = 0;
  std::vector<IoBuffer> buffers;
  void* overlapped = nullptr;  ///< the caller's WSAOVERLAPPED
  CompletionRoutine routine = nullptr;
  Issuer issuer;
  bool peek = false;
};

}  // namespace ws2sim::winsock::detail
