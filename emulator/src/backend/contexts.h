// Contexts: what the code of a world's Windows threads runs on. Not a public header.
//
// The turn (turns.h) decides which Windows thread runs; a Contexts makes it run. Two kinds
// (World::set_thread_contexts, docs/threads.md "What a Windows thread runs on"):
//   - OS threads (the default): each Windows thread has its own OS thread, parked on a
//     condition variable while it does not hold the turn. thread_local variables of user code
//     are per Windows thread, as on Windows; the machine's thread limit bounds a world (about
//     32,000 here: pid_max and vm.max_map_count).
//   - Fibers: every Windows thread of the world is a fiber of one OS thread (the carrier), on
//     its own 1 MiB stack; handing the turn on is a context switch, not a futex round trip, and
//     a world holds as many threads as memory allows. thread_local variables are the carrier's:
//     shared by the world's Windows threads.
// Both run the same engine: a Windows thread starts on its first turn, parks in a loop that
// re-checks what it waits for, and is resumed when it gets the turn or the world ends threads.
//
//   std::unique_ptr<Contexts> c = make_fiber_contexts(world_state);
//   c->start(thread, [&] { run_thread(world_state, thread, body); });   // world lock held
//   while (world_state.turn != &me) c->park(me, lock);                 // in a blocking call
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// Contexts — runs the Windows threads of one world (see the banner).
class Contexts {
 public:
  virtual ~Contexts() = default;
  /// Contexts::start — gives `t` a context that runs `entry` when first resumed; `entry` is
  /// called without the world lock and the context ends when it returns. World lock held. A
  /// resource-exhausted error when the system gives none (nothing is then registered).
  virtual Status start(WinThread& t, std::function<void()> entry) = 0;
  /// Contexts::park — the calling Windows thread `me` waits until it is resumed; `lock` (the
  /// world lock) is held before and after. It may return early: callers re-check in a loop.
  virtual void park(WinThread& me, std::unique_lock<std::mutex>& lock) = 0;
  /// Contexts::resume — `t` should look again: it got the turn, or the world ends its threads.
  /// World lock held.
  virtual void resume(WinThread& t) = 0;
  /// Contexts::shut_down — every context ended (State::unfinished is 0): releases what is left
  /// (the carrier thread, the stacks). World lock not held.
  virtual void shut_down() = 0;
};

/// make_os_thread_contexts — one OS thread per Windows thread (the default).
std::unique_ptr<Contexts> make_os_thread_contexts(World::State& w);

/// make_fiber_contexts — every Windows thread a fiber of one carrier OS thread.
std::unique_ptr<Contexts> make_fiber_contexts(World::State& w);

}  // namespace ws2sim::winsock::detail
