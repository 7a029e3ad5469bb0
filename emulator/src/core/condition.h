// Condition and WaitResult — what a blocked call waits for, and why its wait ended. Not a public
// header; shared by the call prologue (call.h), the blocked-call list (host_state.h) and the
// backends' waits.
#pragma once

#include <cstdint>
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

/// WaitResult — why a blocking wait ended.
enum class WaitResult : std::uint8_t {
  kReady,      // the condition holds
  kTimedOut,   // the deadline passed
  kCancelled,  // WSACancelBlockingCall
  kHorizon,    // nothing could ever make it ready before the world's horizon
};

}  // namespace ws2sim::winsock::detail
