// What Windows keeps per thread: the last error, the host the thread's calls act on, queued
// completion routines (APCs) and the Winsock 1.1 blocking-hook state. Not a public header.
//
//   ThreadState& ts = thread_state();
//   ts.scopes.back();          // the host of the innermost HostScope
//   return fail(WSAEINVAL);    // sets the last error, returns SOCKET_ERROR
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "core/wsa_errors.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::winsock::detail {

/// Apc — a completion routine waiting for its thread's next alertable wait (an APC on Windows).
struct Apc {
  void (*routine)(std::uint32_t error, std::uint32_t bytes, void* overlapped, std::uint32_t flags);
  std::uint32_t error;
  std::uint32_t bytes;
  void* overlapped;
  std::uint32_t flags;
};

/// ThreadState — one thread's Windows state.
struct ThreadState {
  std::vector<Host*> scopes;  // HostScope stack; back() is the current host
  int last_error = 0;
  std::deque<Apc> apcs;
  std::intptr_t (*blocking_hook)() = nullptr;  // Winsock 1.1 WSASetBlockingHook
  bool in_blocking_call = false;               // WSAIsBlocking
  bool cancel_requested = false;               // WSACancelBlockingCall
  bool in_hook = false;                        // the hook is running: calls get WSAEINPROGRESS
  std::uint32_t opentype = 0;  // SO_OPENTYPE: non-zero makes socket() create non-overlapped sockets
};

/// thread_state — the calling thread's state, created on first use.
ThreadState& thread_state() noexcept;

/// thread_state_destroyed — true once the calling thread's state was destroyed (thread or program
/// exit): a HostScope that outlives it (a static object) must not touch it.
bool thread_state_destroyed() noexcept;

/// fail — sets the thread's last error and returns SOCKET_ERROR, the usual failure return.
inline int fail(int wsa_error) noexcept {
  thread_state().last_error = wsa_error;
  return kSocketError;
}

}  // namespace ws2sim::winsock::detail
