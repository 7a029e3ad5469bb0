// The virtual-time engine: how a blocked call of the simulated backend waits (simulated.h), and
// how the model runs when nobody can (settle, drive).
//
// The rules (docs/testing.md, "Rules of virtual time"): virtual time advances only while every
// thread attached to the world is blocked in an emulated call; the Windows threads of a world run
// one at a time, the turn passing when the holder blocks (turns.h). The thread that stops
// running last runs the model (drive) until some blocked call can continue or a deadline passes;
// meanwhile nothing else touches the world, so the order of events is the model's alone.
#include <algorithm>
#include <exception>
#include <functional>

#include "backend/contexts.h"
#include "backend/simulated.h"
#include "backend/turns.h"
#include "core/network_events.h"
#include "core/overlapped_io.h"

namespace ws2sim::winsock::detail {
namespace {

using Waiter = World::State::Waiter;

// Brings socket `s` of `host` up to date before the blocked calls look: the network events that
// became true set their events (core/network_events.h), the overlapped operations waiting on it
// that can complete now set their events, queue their routines and packets
// (core/overlapped_io.h), so the waits for those see them.
void sweep_socket(Host::State& host, SocketHandle s) {
  if (Socket* sock = host.sockets.find(s); sock != nullptr && sock->event_select) {
    (void)record_network_events(host, *sock);
  }
  if (!host.pending_io.empty()) {
    (void)sweep_pending_io_of(host, s);
  }
}

// ... and every socket of `host` (after a fault the model names no endpoint for).
void sweep_host(World::State& w, std::uint32_t h) {
  if (h >= w.hosts.size()) {
    return;
  }
  Host::State& host = w.hosts[h]->state();
  if (!host.event_selected.empty()) {
    (void)sweep_network_events(host);
  }
  if (!host.pending_io.empty()) {
    (void)sweep_pending_io(host);
  }
}

// Satisfies the blocked calls that can continue now, looking only where something changed since
// the engine last looked (Network::take_status_changes): the sockets that hold the endpoints the
// model changed, the sockets calls of running threads looked up (Socket::touched), every socket
// of a host a fault concerned, every host after wake_all(). Then the blocked calls of the hosts
// concerned, and of the hosts running threads made calls on (State::touch): a waiter's condition
// reads only its own host's state, so the others cannot have become ready. Each is granted as
// soon as it is found, in the order the calls blocked, so two waits for one auto-reset event do
// not both take it. True if any was.
bool grant_ready(World::State& w, StatusChanges& changes, std::vector<std::uint32_t>& hosts) {
  bool all = w.model.network().take_status_changes(changes);
  hosts.assign(changes.hosts.begin(), changes.hosts.end());
  for (const std::uint32_t h : w.touched) {
    w.touched_flag[h] = false;
    hosts.push_back(h);
  }
  w.touched.clear();
  // A fault touches the hosts it concerns (World's apply_fault); only wake_all() means every host.
  all = all || std::exchange(w.recheck_all, false);
  // The sockets running threads' calls looked up: each host keeps its own list.
  for (const std::uint32_t h : hosts) {
    if (h >= w.hosts.size()) {
      continue;
    }
    Host::State& host = w.hosts[h]->state();
    for (const SocketHandle s : host.touched_sockets) {
      if (Socket* sock = host.sockets.find(s)) {
        sock->touched = false;
      }
      if (!all) {
        sweep_socket(host, s);
      }
    }
    host.touched_sockets.clear();
  }
  bool any = false;
  auto look = [&](Waiter* waiter) {
    if (!waiter->granted && waiter->ready()) {
      w.grant(*waiter);
      any = true;
    }
  };
  if (all) {
    for (const std::uint32_t h : w.event_select_hosts) {
      sweep_host(w, h);
    }
    for (const std::uint32_t h : w.pending_io_hosts) {
      sweep_host(w, h);
    }
    std::for_each(w.waiters.begin(), w.waiters.end(), look);
    return any;
  }
  for (const std::uint32_t h : changes.whole_hosts) {
    sweep_host(w, h);
  }
  for (const EndpointId e : changes.endpoints) {
    if (const World::State::EndpointOwner* o = w.owner_of(e); o != nullptr) {
      sweep_socket(w.hosts[o->host]->state(), o->socket);
    }
  }
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  for (const std::uint32_t h : hosts) {
    if (h < w.waiters_by_host.size()) {
      std::for_each(w.waiters_by_host[h].begin(), w.waiters_by_host[h].end(), look);
    }
  }
  return any;
}

// Lets the blocked calls whose deadline has come (all of them at the horizon) look again.
void time_out_waiters(World::State& w, TimePoint now) {
  auto look = [&w](Waiter* waiter) { w.look_again(*waiter); };
  if (now >= w.horizon) {
    std::for_each(w.waiters.begin(), w.waiters.end(), look);
    return;
  }
  for (auto it = w.deadlines.begin(); it != w.deadlines.end() && it->first <= now; ++it) {
    look(it->second);
  }
}

// Every thread waits for something no thread or timer will ever signal: the world stops here
// (its horizon moves to now), with a report of who waits where (World::deadlock).
void stop_at_deadlock(World::State& w, TimePoint now) {
  w.deadlock = describe_waiters(w, now);
  w.horizon = now;
  time_out_waiters(w, now);
}

// Runs the model until some blocked call can continue, and lets those go on (granted, or told to
// look again). Called with the world lock held when every attached thread is blocked.
//
// While the model runs, a waiter's condition can only change through an endpoint's status (the
// network's status_version(), and which hosts it concerned) or a scheduled fault (the world's
// `changes`); everything else it reads changes only in calls of running threads, and none runs
// now. So conditions are re-evaluated only after events that moved one of the two counters, and
// only on the hosts they concerned: keep-alive timers, probes and dropped segments run back to
// back without polling any socket, and an event on one host never polls the sockets of another.
void drive(World::State& w) {
  Scheduler& sched = w.model.scheduler();
  const Network& net = w.model.network();
  std::uint64_t seen = 0;
  StatusChanges changes;
  std::vector<std::uint32_t> hosts;
  // Two references: small enough for std::function's inline buffer (no allocation). A spent
  // memory budget (World::set_memory_budget) stops the model too: it moves the horizon.
  const std::function<bool()> changed = [&w, &seen] {
    return w.model.network().status_version() + w.changes != seen || w.budget_spent_now();
  };
  while (true) {
    seen = net.status_version() + w.changes;
    if (grant_ready(w, changes, hosts)) {
      // The waits whose deadline is this very instant go on too: everything that ends at an
      // instant is runnable together, in a fixed order (the satisfied first).
      time_out_waiters(w, sched.now());
      return;
    }
    // The nearest deadline of any waiter, or the horizon.
    TimePoint limit = w.horizon;
    if (!w.deadlines.empty()) {
      limit = std::min(limit, w.deadlines.begin()->first);
    }
    if (sched.now() >= limit) {
      time_out_waiters(w, sched.now());
      return;
    }
    if (w.deadlines.empty() && !sched.next_event_time()) {
      stop_at_deadlock(w, sched.now());
      return;
    }
    // Runs events until one moves a counter (then the conditions are evaluated again) or none
    // is due before the nearest deadline (the clock then jumps to it).
    const Result<bool> moved = sched.run_until(changed, limit);
    if (!moved.ok()) {
      time_out_waiters(w, w.horizon = sched.now());
      return;
    }
    if (!*moved) {
      grant_ready(w, changes, hosts);  // a change at the very end
      time_out_waiters(w, sched.now());
      return;
    }
  }
}

// True when nobody can run: no Windows thread holds or waits for the turn, no released call is
// on its way back, and every attached thread (at least one) is blocked.
bool nobody_runs(const World::State& w) {
  return w.turn == nullptr && w.runnable.empty() && w.released == 0 && !w.waiters.empty() &&
         w.waiters.size() == static_cast<std::size_t>(w.attached);
}

}  // namespace

void settle(World::State& w) {
  while (!w.hand_turn() && nobody_runs(w)) {
    drive(w);
  }
}

WaitResult SimulatedBackend::wait(Call& call, Condition ready, std::optional<TimePoint> deadline,
                                  Socket* socket, const Action* acquire, const WaitSite& site) {
  World::State& w = *world_;
  Host::State& host = call.host();
  ThreadState& ts = thread_state();
  WinThread* const self = ts.win_thread;
  // A call that need not wait keeps running (and a Windows thread its turn).
  if (!ts.cancel_requested && !w.terminating && ready()) {
    if (acquire != nullptr) {
      (*acquire)();
    }
    return WaitResult::kReady;
  }
  Waiter me(ready, deadline, host.id.value);
  me.acquire = acquire;
  me.thread = self;
  me.site = site;
  w.waiters.push_back(me);
  if (me.host >= w.waiters_by_host.size()) {
    w.waiters_by_host.resize(me.host + 1);
  }
  w.waiters_by_host[me.host].push_back(me);
  const auto timed = deadline ? std::optional(w.deadlines.emplace(*deadline, &me)) : std::nullopt;
  w.cv.notify_all();  // wait_until_blocked() watches the number of waiters
  const SocketHandle handle = socket != nullptr ? socket->handle : 0;
  if (socket != nullptr) {
    ++socket->blocked_calls;
  }
  ts.in_blocking_call = true;
  const bool hooked = ts.blocking_hook != nullptr && host.version == 0x0101;
  if (self != nullptr) {
    self->waiting = &me;
    if (w.turn == self) {
      w.turn = nullptr;  // blocked: the turn goes on
    }
  }
  // A Windows thread being unwound already (a destructor blocking) fails instead of throwing.
  const bool unwinding = std::uncaught_exceptions() > 0;

  WaitResult result;
  bool terminated = false;
  while (true) {
    w.back(me);
    if (self != nullptr && w.terminating) {
      terminated = !unwinding;
      result = WaitResult::kHorizon;
      break;
    }
    if (self != nullptr && w.turn != self) {
      settle(w);
      if (w.turn != self) {
        w.contexts->park(*self, call.lock());
        continue;
      }
    }
    // Running: the Windows thread holding the turn, or a thread attached with a HostScope.
    if (ts.cancel_requested) {
      result = WaitResult::kCancelled;
      break;
    }
    if (me.granted) {
      // A wait that takes what it waits for has it; one that only looks (a socket readable)
      // looks again: another thread may have taken it first (two threads in accept()).
      if (acquire != nullptr || ready()) {
        result = WaitResult::kReady;
        break;
      }
      me.granted = false;
    } else if (ready()) {
      if (acquire != nullptr) {
        (*acquire)();
      }
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
    if (self != nullptr) {
      w.turn = nullptr;  // still blocked: the turn goes on (next time round)
      continue;
    }
    // A HostScope thread: the last to block drives, once every released call is back.
    if (nobody_runs(w)) {
      settle(w);
      // Driving may have released this call too: it is awake and looks for itself.
      w.back(me);
      if (me.granted || ready() || (deadline && call.now() >= *deadline) ||
          call.now() >= w.horizon) {
        continue;
      }
    }
    me.cv.wait(call.lock());
  }

  w.back(me);
  w.waiters.erase(me);
  w.waiters_by_host[me.host].erase(me);
  if (timed) {
    w.deadlines.erase(*timed);
  }
  if (handle != 0) {
    if (Socket* const s = host.sockets.find(handle); s != nullptr) {
      --s->blocked_calls;
    }
  }
  if (self != nullptr) {
    self->waiting = nullptr;
  }
  ts.in_blocking_call = false;
  ts.cancel_requested = false;
  w.cv.notify_all();  // wait_until_blocked() watches the number of waiters
  if (terminated) {
    throw ThreadTerminated{0};
  }
  return result;
}

}  // namespace ws2sim::winsock::detail
