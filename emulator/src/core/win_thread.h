// KernelObject and WinThread — the waitable objects of a Windows process (events, semaphores,
// mutexes, threads) and the record of a Windows thread the world schedules. Not a public header.
//
// A host is one Windows process: its handles (sockets, events, threads, ...) share the world's
// handle space, and a handle names a KernelObject the host holds; DuplicateHandle adds a second
// handle to the same object. The rules of waiting on them: docs/threads.md.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/thread_state.h"

namespace ws2sim::winsock {
class Host;
}

namespace ws2sim::winsock::detail {

struct WinThread;

/// TlsSlot — one TlsAlloc index of a process. A value a thread stored counts only while the
/// slot's generation is the one it was stored under: TlsFree then TlsAlloc reads as zero.
struct TlsSlot {
  bool used = false;
  std::uint32_t generation = 0;
};

/// kStillActive — GetExitCodeThread's answer while a thread runs (STILL_ACTIVE, 259).
inline constexpr std::uint32_t kStillActive = 259;

/// CompletionPacket — one entry of a completion port's queue (docs/behaviour.md §17): what
/// GetQueuedCompletionStatus hands out.
struct CompletionPacket {
  std::uint32_t bytes = 0;
  std::uintptr_t key = 0;
  void* overlapped = nullptr;  ///< the operation's OVERLAPPED, or PostQueuedCompletionStatus's
  std::uint32_t status = 0;    ///< its NTSTATUS (0: success)
};

/// KernelObject — one kernel object. Which fields mean something depends on `kind`. Every kind
/// but a completion port is waitable (WaitForSingleObject and its kin).
struct KernelObject {
  enum class Kind : std::uint8_t { kEvent, kSemaphore, kMutex, kThread, kCompletionPort };
  explicit KernelObject(Kind k) : kind(k) {}

  Kind kind;
  bool manual_reset = true;            ///< events: a satisfied wait leaves it signaled
  bool signaled = false;               ///< events; threads once they ended
  std::int32_t count = 0;              ///< semaphores: the current count
  std::int32_t maximum = 0;            ///< semaphores: the most it may reach
  std::optional<std::uint32_t> owner;  ///< mutexes: the owning thread's id
  std::uint32_t recursion = 0;         ///< mutexes: how many times the owner holds it
  bool abandoned = false;  ///< mutexes: the owner ended holding it; the next wait says so
  std::uint32_t exit_code = kStillActive;  ///< threads
  WinThread* thread = nullptr;             ///< threads: while the thread record exists
  std::deque<CompletionPacket> packets;    ///< completion ports: queued, oldest first

  /// KernelObject::available — a wait by thread `me` would be satisfied now.
  [[nodiscard]] bool available(std::uint32_t me) const noexcept {
    switch (kind) {
      case Kind::kEvent:
      case Kind::kThread:
        return signaled;
      case Kind::kSemaphore:
        return count > 0;
      case Kind::kMutex:
        return !owner || *owner == me;
      case Kind::kCompletionPort:
        return false;  // not waitable: GetQueuedCompletionStatus takes its packets
    }
    return false;
  }
  /// KernelObject::take — what a satisfied wait by thread `me` does to the object. True if the
  /// wait was satisfied by an abandoned mutex (WAIT_ABANDONED).
  bool take(std::uint32_t me) noexcept {
    switch (kind) {
      case Kind::kEvent:
        if (!manual_reset) {
          signaled = false;
        }
        return false;
      case Kind::kThread:
        return false;
      case Kind::kSemaphore:
        --count;
        return false;
      case Kind::kMutex:
        owner = me;
        ++recursion;
        return std::exchange(abandoned, false);
      case Kind::kCompletionPort:
        return false;
    }
    return false;
  }
};

/// ThreadContext — what a Windows thread runs on: its OS thread, or its fiber. Each kind of
/// Contexts (backend/contexts.h) derives its own.
struct ThreadContext {
  virtual ~ThreadContext() = default;
};

/// WinThread — a Windows thread of a world: made by CreateThread, _beginthreadex or
/// World::start_thread. It runs only while it holds the world's turn (World::State::turn), so
/// one Windows thread runs at a time; the turn passes when the holder blocks, yields or ends.
struct WinThread {
  std::uint32_t id = 0;  ///< GetCurrentThreadId: 4, 8, 12, ... in creation order
  Host* host = nullptr;
  std::string name;
  std::shared_ptr<KernelObject> object;    ///< what its handles name; signaled when it ends
  ThreadState* state = nullptr;            ///< its per-thread state, once it started
  std::unique_ptr<ThreadContext> context;  ///< what it runs on (backend/contexts.h)
  bool queued = false;                     ///< in World::State::runnable
  bool suspended = false;                  ///< CREATE_SUSPENDED and not yet resumed
  bool counted = false;                    ///< counted in World::State::attached and live_threads
  bool started = false;                    ///< its start routine began
  bool ended = false;
  const void* waiting = nullptr;  ///< the Waiter it is blocked in, if any (for the report)
  std::optional<std::uintptr_t> self_handle;  ///< GetCurrentThread() made real, on first use
  std::deque<Apc> early_apcs;  ///< queued before it started: run before its start routine
};

}  // namespace ws2sim::winsock::detail
