// What Windows keeps per thread: the last error, the host the thread's calls act on, queued
// completion routines (APCs) and the Winsock 1.1 blocking-hook state. Not a public header.
//
//   ThreadState& ts = thread_state();
//   ts.scopes.back();          // the host of the innermost HostScope
//   return fail(WSAEINVAL);    // sets the last error, returns SOCKET_ERROR
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "core/wsa_errors.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::winsock::detail {

/// Apc — a routine waiting for its thread's next alertable wait (an APC on Windows): an
/// overlapped operation's completion routine, or one QueueUserAPC queued (`user`).
struct Apc {
  void (*routine)(std::uint32_t error, std::uint32_t bytes, void* overlapped, std::uint32_t flags);
  std::uint32_t error;
  std::uint32_t bytes;
  void* overlapped;
  std::uint32_t flags;
  void (*user)(std::uintptr_t parameter) = nullptr;  ///< QueueUserAPC's routine (then no `routine`)
  std::uintptr_t parameter = 0;
};

struct WinThread;

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
  WinThread* win_thread = nullptr;  // set for a Windows thread of a world (core/win_thread.h)
  // TlsSetValue's values by (host, slot): the slot's generation when stored, and the value.
  std::map<std::pair<const void*, std::uint32_t>, std::pair<std::uint32_t, void*>> tls;
  std::uint32_t outside_id = 0;  // GetCurrentThreadId of a thread that is not a Windows thread
  // gethostbyname & co.: the entry the last one returned, the thread's until its next call
  // (Windows keeps it in thread-local storage).
  std::shared_ptr<void> name_entry;
};

/// thread_state — the calling thread's state, created on first use.
ThreadState& thread_state() noexcept;

/// bind_thread_state — from now on thread_state() on the calling OS thread is `state` (a fiber's,
/// backend/contexts.h), or its own again when nullptr.
void bind_thread_state(ThreadState* state) noexcept;

/// thread_state_destroyed — true once the calling thread's state was destroyed (thread or program
/// exit): a HostScope that outlives it (a static object) must not touch it.
bool thread_state_destroyed() noexcept;

/// fail — sets the thread's last error and returns SOCKET_ERROR, the usual failure return.
inline int fail(int wsa_error) noexcept {
  thread_state().last_error = wsa_error;
  return kSocketError;
}

}  // namespace ws2sim::winsock::detail
