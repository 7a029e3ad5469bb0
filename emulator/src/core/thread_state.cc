// The per-thread Windows state (thread_state.h).
#include "core/thread_state.h"

namespace ws2sim::winsock::detail {
namespace {

// Trivially destructible, so it stays readable after the ThreadState below is destroyed at thread
// (or program) exit.
thread_local bool destroyed = false;

struct ThreadStateHolder {
  ThreadState state;
  ~ThreadStateHolder() { destroyed = true; }
};

}  // namespace

ThreadState& thread_state() noexcept {
  thread_local ThreadStateHolder holder;
  return holder.state;
}

bool thread_state_destroyed() noexcept {
  return destroyed;
}

}  // namespace ws2sim::winsock::detail
