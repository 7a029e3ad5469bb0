// Condition and WaitResult — what a blocked call waits for, and why its wait ended. Not a public
// header; shared by the call prologue (call.h), the blocked-call list (host_state.h) and the
// backends' waits.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>

namespace ws2sim::winsock::detail {

/// Condition — what a blocked call waits for: a non-owning reference to a `bool()` callable,
/// usually a lambda in the blocked call's own frame, which outlives the wait. Unlike
/// std::function it never allocates (a blocking call builds one per call).
class Condition {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, Condition> &&
           std::is_invocable_r_v<bool, const F&>) Condition(const F& f)
  noexcept  // NOLINT(google-explicit-constructor): used like a lambda
      : object_(&f), call_([](const void* o) { return (*static_cast<const F*>(o))(); }) {}
  bool operator()() const { return call_(object_); }

 private:
  const void* object_;
  bool (*call_)(const void*);
};

/// Action — what a satisfied wait takes, applied by whoever finds the wait satisfied, in the same
/// step (an auto-reset event resets, a semaphore's count drops, a mutex gets its owner): as on
/// Windows, a signal satisfies a waiter at once, so no other thread can take the object between
/// the signal and the waiter's turn. A non-owning reference to a `void()` callable, like
/// Condition.
class Action {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, Action> && std::is_invocable_v<const F&>)
      Action(const F& f)
  noexcept  // NOLINT(google-explicit-constructor): used like a lambda
      : object_(&f), call_([](const void* o) { (*static_cast<const F*>(o))(); }) {}
  void operator()() const { call_(object_); }

 private:
  const void* object_;
  void (*call_)(const void*);
};

/// WaitKind — what kind of thing a blocked call waits on, for the deadlock report.
enum class WaitKind : std::uint8_t {
  kNothing,          // Sleep: only time
  kSocket,           // a socket's state
  kSockets,          // several sockets (select, WSAPoll)
  kObjects,          // kernel objects: events, semaphores, mutexes, threads
  kCriticalSection,  // a CRITICAL_SECTION (its owner is in the structure)
  kSrwLock,          // an SRWLOCK
  kConditionVariable,
  kOverlapped,  // an overlapped operation's completion
};

/// WaitSite — where a blocked call waits and on what: the Windows function, the kind of object
/// and its handle or address. Read only by the deadlock report (World::deadlock).
struct WaitSite {
  const char* function = "a blocking call";
  WaitKind kind = WaitKind::kNothing;
  std::uintptr_t object = 0;             // handle or address; 0: none or several
  std::optional<std::uint32_t> held_by;  // a lock's owner (thread id) when the wait began
};

/// WaitResult — why a blocking wait ended.
enum class WaitResult : std::uint8_t {
  kReady,      // the condition holds
  kTimedOut,   // the deadline passed
  kCancelled,  // WSACancelBlockingCall
  kHorizon,    // nothing could ever make it ready before the world's horizon (or a deadlock)
};

/// ThreadTerminated — thrown from a blocking call of a Windows thread whose world ends its
/// threads (its process exits, World's destructor): unwinds the thread's stack to the
/// thread's start routine, the way TerminateThread ends it without returning. Also how
/// ExitThread ends the calling thread (with its exit code).
struct ThreadTerminated {
  std::uint32_t exit_code;
};

}  // namespace ws2sim::winsock::detail
