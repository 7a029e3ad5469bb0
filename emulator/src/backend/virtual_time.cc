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

using Waiter = World::State::Waiter;

// The blocked calls that can continue now, looking only where something changed since the
// engine last looked: the hosts whose endpoints the model changed (Network::take_status_changes),
// the hosts running threads made calls on (State::touch), every host after a fault or wake_all().
// A waiter's condition reads only its own host's state, so the others cannot have become ready.
std::vector<Waiter*> ready_waiters(World::State& w, std::vector<std::uint32_t>& hosts) {
  hosts.clear();
  bool all = w.model.network().take_status_changes(hosts);
  for (const std::uint32_t h : w.touched) {
    w.touched_flag[h] = false;
    hosts.push_back(h);
  }
  w.touched.clear();
  all = all || std::exchange(w.recheck_all, false) || w.changes != w.changes_seen;
  w.changes_seen = w.changes;
  std::vector<Waiter*> out;
  if (all) {
    for (Waiter* waiter : w.waiters) {
      if (waiter->ready()) out.push_back(waiter);
    }
    return out;
  }
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  for (const std::uint32_t h : hosts) {
    if (h >= w.waiters_by_host.size()) continue;
    for (Waiter* waiter : w.waiters_by_host[h]) {
      if (waiter->ready()) out.push_back(waiter);
    }
  }
  return out;
}

// The blocked calls whose deadline has come (all of them at the horizon).
std::vector<Waiter*> timed_out_waiters(const World::State& w, TimePoint now) {
  if (now >= w.horizon) return w.waiters;
  std::vector<Waiter*> out;
  for (auto it = w.deadlines.begin(); it != w.deadlines.end() && it->first <= now; ++it) {
    out.push_back(it->second);
  }
  return out;
}

// Runs the model until some blocked thread can continue, and returns the ones that can. Called
// with the world lock held by the last thread to block, so every attached thread is waiting.
//
// While the model runs, a waiter's condition can only change through an endpoint's status (the
// network's status_version(), and which hosts it concerned) or a scheduled fault (the world's
// `changes`); everything else it reads changes only in calls of running threads, and none runs
// now. So conditions are re-evaluated only after events that moved one of the two counters, and
// only on the hosts they concerned: keep-alive timers, probes and dropped segments run back to
// back without polling any socket, and an event on one host never polls the sockets of another.
std::vector<Waiter*> drive(World::State& w) {
  Scheduler& sched = w.model.scheduler();
  const Network& net = w.model.network();
  std::uint64_t seen = 0;
  std::vector<std::uint32_t> hosts;
  // Two references: small enough for std::function's inline buffer (no allocation). A spent
  // memory budget (World::set_memory_budget) stops the model too: it moves the horizon.
  const std::function<bool()> changed = [&w, &seen] {
    return w.model.network().status_version() + w.changes != seen || w.budget_spent_now();
  };
  while (true) {
    seen = net.status_version() + w.changes;
    std::vector<Waiter*> ready = ready_waiters(w, hosts);
    if (!ready.empty()) return ready;
    // The nearest deadline of any waiter, or the horizon.
    TimePoint limit = w.horizon;
    if (!w.deadlines.empty()) limit = std::min(limit, w.deadlines.begin()->first);
    if (sched.now() >= limit) return timed_out_waiters(w, sched.now());
    // Runs events until one moves a counter (then the conditions are evaluated again) or none
    // is due before the nearest deadline (the clock then jumps to it).
    const Result<bool> moved = sched.run_until(changed, limit);
    if (!moved.ok()) return w.waiters;
    if (!*moved) {
      std::vector<Waiter*> out = ready_waiters(w, hosts);  // a change at the very end
      const std::vector<Waiter*> timed_out = timed_out_waiters(w, sched.now());
      out.insert(out.end(), timed_out.begin(), timed_out.end());
      return out;
    }
  }
}

}  // namespace

WaitResult SimulatedBackend::wait(Call& call, Condition ready, std::optional<TimePoint> deadline,
                                  Socket* socket) {
  World::State& w = *world_;
  Host::State& host = call.host();
  ThreadState& ts = thread_state();
  Waiter me(ready, deadline, host.id.value);
  w.waiters.push_back(&me);
  if (me.host >= w.waiters_by_host.size()) w.waiters_by_host.resize(me.host + 1);
  w.waiters_by_host[me.host].push_back(&me);
  const auto timed = deadline ? std::optional(w.deadlines.emplace(*deadline, &me)) : std::nullopt;
  w.cv.notify_all();  // wait_until_blocked() watches the number of waiters
  const SocketHandle handle = socket != nullptr ? socket->handle : 0;
  if (socket != nullptr) {
    ++socket->blocked_calls;
  }
  ts.in_blocking_call = true;
  const bool hooked = ts.blocking_hook != nullptr && host.version == 0x0101;

  WaitResult result;
  while (true) {
    w.back(me);
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
    // The last to block drives, once every released call is back and blocked again.
    if (w.waiters.size() == static_cast<std::size_t>(w.attached) && w.released == 0) {
      // Wake only the calls that can continue: a thousand threads blocked in recv() sleep on
      // while one of them gets its data.
      for (Waiter* runnable : drive(w)) {
        if (runnable != &me) w.release(*runnable);
      }
      // A fault the model applied while driving may have released every waiter (wake_all),
      // this one too: it is awake and looks for itself.
      w.back(me);
      if (ready() || (deadline && call.now() >= *deadline) || call.now() >= w.horizon) {
        continue;
      }
    }
    me.cv.wait(call.lock());
  }

  w.back(me);
  w.waiters.erase(std::find(w.waiters.begin(), w.waiters.end(), &me));
  std::vector<Waiter*>& mine = w.waiters_by_host[me.host];
  mine.erase(std::find(mine.begin(), mine.end(), &me));
  if (timed) w.deadlines.erase(*timed);
  if (handle != 0) {
    if (Socket* const s = host.sockets.find(handle); s != nullptr) {
      --s->blocked_calls;
    }
  }
  ts.in_blocking_call = false;
  ts.cancel_requested = false;
  w.cv.notify_all();  // wait_until_blocked() watches the number of waiters
  return result;
}

}  // namespace ws2sim::winsock::detail
