// The per-thread Windows state (thread_state.h).
#include "core/thread_state.h"

namespace ws2sim::winsock::detail {
namespace {

// Trivially destructible, so it stays readable after the ThreadState below is destroyed at thread
// (or program) exit.
thread_local bool destroyed = false;
// The state of the fiber running on this OS thread, if one does (bind_thread_state).
thread_local ThreadState* bound = nullptr;

struct ThreadStateHolder {
  ThreadState state;
  ~ThreadStateHolder() { destroyed = true; }
};

}  // namespace

ThreadState& thread_state() noexcept {
  if (bound != nullptr) {
    return *bound;
  }
  thread_local ThreadStateHolder holder;
  return holder.state;
}

void bind_thread_state(ThreadState* state) noexcept {
  bound = state;
}

bool thread_state_destroyed() noexcept {
  return destroyed;
}

}  // namespace ws2sim::winsock::detail
