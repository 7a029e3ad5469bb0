// The virtual-time engine: how a blocked call of the simulated backend waits (simulated.h).
//
// The rule: virtual time advances only while every thread attached to the world is blocked in an
// emulated call. The last thread to block runs the model (drive) until some blocked call can
// continue or a deadline passes; meanwhile nothing else touches the world, so the order of
// events is the model's alone (docs/testing.md, "Rules of virtual time").
#include <algorithm>
#include <functional>

#include "backend/simulated.h"

namespace ws2sim::winsock::detail {
namespace {

// Runs the model until some blocked thread can continue. Called with the world lock held by the
// last thread to block, so every attached thread is waiting.
//
// While the model runs, a waiter's condition can only change through an endpoint's status (the
// network's status_version()) or a scheduled fault (the world's `changes`); everything else it
// reads changes only in calls of running threads, and none runs now. So conditions are
// re-evaluated only after events that moved one of the two counters: keep-alive timers, probes
// and dropped segments run back to back without polling any socket.
void drive(World::State& w) {
  Scheduler& sched = w.model.scheduler();
  const Network& net = w.model.network();
  auto counters = [&net, &w] { return net.status_version() + w.changes; };  // both only grow
  std::uint64_t seen = 0;
  // Two references: small enough for std::function's inline buffer (no allocation). A spent
  // memory budget (World::set_memory_budget) stops the model too: it moves the horizon.
  const std::function<bool()> changed = [&w, &seen] {
    return w.model.network().status_version() + w.changes != seen || w.budget_spent_now();
  };
  while (true) {
    seen = counters();
    TimePoint limit = w.horizon;  // nearest deadline of any waiter, or the horizon
    for (const World::State::Waiter* waiter : w.waiters) {
      if (waiter->ready()) {
        return;
      }
      if (waiter->deadline) {
        limit = std::min(limit, *waiter->deadline);
      }
    }
    if (sched.now() >= limit) {
      return;  // a deadline passed, or the horizon
    }
    // Runs events until one moves a counter (then the conditions are evaluated again) or none
    // is due before the nearest deadline (the clock then jumps to it).
    const Result<bool> moved = sched.run_until(changed, limit);
    if (!moved.ok() || !*moved) {
      return;
    }
  }
}

}  // namespace

WaitResult SimulatedBackend::wait(Call& call, Condition ready, std::optional<TimePoint> deadline,
                                  Socket* socket) {
  World::State& w = *world_;
  Host::State& host = call.host();
  ThreadState& ts = thread_state();
  World::State::Waiter me{ready, deadline};
  w.waiters.push_back(&me);
  w.cv.notify_all();  // wait_until_blocked() watches the number of waiters
  const SocketHandle handle = socket != nullptr ? socket->handle : 0;
  if (socket != nullptr) {
    ++socket->blocked_calls;
  }
  ts.in_blocking_call = true;
  const bool hooked = ts.blocking_hook != nullptr && host.version == 0x0101;

  WaitResult result;
  while (true) {
    if (ts.cancel_requested) {
      result = WaitResult::kCancelled;
      break;
    }
    if (ready()) {
      result = WaitResult::kReady;
      break;
    }
    if (deadline && call.now() >= *deadline) {
      result = WaitResult::kTimedOut;
      break;
    }
    if (call.now() >= w.horizon) {
      result = WaitResult::kHorizon;
      break;
    }
    if (hooked) {
      // Winsock 1.1 calls the blocking hook while a call blocks; it may call
      // WSACancelBlockingCall (and any other Winsock call gets WSAEINPROGRESS).
      ts.in_hook = true;
      call.lock().unlock();
      ts.blocking_hook();
      call.lock().lock();
      ts.in_hook = false;
      if (ts.cancel_requested) {
        continue;
      }
    }
    if (w.waiters.size() == static_cast<std::size_t>(w.attached)) {
      drive(w);
      w.cv.notify_all();
      if (ready() || (deadline && call.now() >= *deadline) || call.now() >= w.horizon) {
        continue;
      }
    }
    w.cv.wait(call.lock());
  }

  w.waiters.erase(std::find(w.waiters.begin(), w.waiters.end(), &me));
  if (handle != 0) {
    if (Socket* const s = host.sockets.find(handle); s != nullptr) {
      --s->blocked_calls;
    }
  }
  ts.in_blocking_call = false;
  ts.cancel_requested = false;
  w.cv.notify_all();  // one fewer blocked thread: another may have to drive now
  return result;
}

}  // namespace ws2sim::winsock::detail
