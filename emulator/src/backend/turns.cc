// The turn (turns.h): handing it on, satisfying waits, starting and ending Windows threads, and
// the deadlock report. The model-driving half of the engine is in virtual_time.cc.
#include "backend/turns.h"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "backend/backend.h"
#include "backend/contexts.h"
#include "core/thread_state.h"

namespace ws2sim::winsock {

using detail::WinThread;

void World::State::grant(Waiter& waiter) {
  if (waiter.granted) {
    return;
  }
  if (waiter.acquire != nullptr) {
    (*waiter.acquire)();
  }
  waiter.granted = true;
  if (waiter.thread != nullptr) {
    make_runnable(*waiter.thread);
  } else {
    release(waiter);
  }
}

bool World::State::hand_turn() {
  if (turn != nullptr) {
    return true;
  }
  if (runnable.empty()) {
    return false;
  }
  // FIFO, or a seeded pick among the runnable threads (World::shuffle_turns).
  const std::size_t i = shuffle ? static_cast<std::size_t>(shuffle->below(runnable.size())) : 0;
  WinThread* const next = runnable[i];
  runnable.erase(runnable.begin() + static_cast<std::ptrdiff_t>(i));
  next->queued = false;
  turn = next;
  ++turns;
  contexts->resume(*next);
  return true;
}

void World::State::wake_all() {
  recheck_all = true;
  cv.notify_all();
  // The satisfied waits go on; of the others only those whose time is up look again (the clock
  // moved by hand, the horizon moved, the world ends its threads): a fault that satisfies one
  // call of ten thousand wakes one thread, not ten thousand.
  const TimePoint now = clock->now();
  for (Waiter* waiter : waiters) {
    if (!waiter->granted && waiter->ready()) {
      grant(*waiter);
    } else if (terminating || now >= horizon || (waiter->deadline && *waiter->deadline <= now)) {
      look_again(*waiter);
    }
  }
  hand_turn();
}

void World::State::wake_host(std::uint32_t host) {
  touch(host);
  cv.notify_all();
  if (host < waiters_by_host.size()) {
    // In the order they blocked: the first waiter of an auto-reset event gets it.
    for (Waiter* waiter : waiters_by_host[host]) {
      if (!waiter->granted && waiter->ready()) {
        grant(*waiter);
      }
    }
  }
  hand_turn();
}

void World::State::wake_one() {
  cv.notify_all();
  if (!waiters.empty()) {
    look_again(waiters.front());
  }
  hand_turn();
}

}  // namespace ws2sim::winsock

namespace ws2sim::winsock::detail {

namespace {

// Marks `t` ended: its handle is signaled, the mutexes it holds are abandoned, and the threads
// waiting for any of that are satisfied. World lock held.
void finish_thread(World::State& w, WinThread& t, std::uint32_t exit_code) {
  t.ended = true;
  t.object->signaled = true;
  t.object->exit_code = exit_code;
  Host::State& h = t.host->state();
  for (auto& [handle, object] : h.objects) {
    if (object->kind == KernelObject::Kind::kMutex && object->owner == t.id) {
      object->owner.reset();
      object->recursion = 0;
      object->abandoned = true;
    }
  }
  if (t.queued) {
    w.runnable.erase(std::find(w.runnable.begin(), w.runnable.end(), &t));
    t.queued = false;
  }
  if (t.counted) {
    t.counted = false;
    --w.attached;
    --w.live_threads;
  }
  if (w.turn == &t) {
    w.turn = nullptr;
  }
  w.wake_host(h.id.value);
  settle(w);
  w.cv.notify_all();  // wait_until_blocked() watches
  if (w.live_threads == 0) {
    w.thread_ended.notify_all();  // run_threads() watches
  }
}

// The OS thread of a Windows thread: waits for its first turn, runs the start routine, ends.
void run_thread(World::State& w, WinThread& t, const std::function<std::uint32_t()>& body) {
  ThreadState& ts = thread_state();
  bool run = false;
  {
    // The record is complete once the creator releases the lock: read it only after.
    std::unique_lock lock(w.mu);
    ts.win_thread = &t;
    ts.scopes.push_back(t.host);
    t.state = &ts;
    while (w.turn != &t && !w.terminating) {
      w.contexts->park(t, lock);
    }
    t.started = true;
    run = !w.terminating;
    ts.apcs.insert(ts.apcs.end(), t.early_apcs.begin(), t.early_apcs.end());
    t.early_apcs.clear();
  }
  std::uint32_t code = 0;
  if (run) {
    try {
      // APCs queued before the thread started run before its start routine, as on Windows.
      while (!ts.apcs.empty() && ts.apcs.front().user != nullptr) {
        const Apc apc = ts.apcs.front();
        ts.apcs.pop_front();
        apc.user(apc.parameter);
      }
      code = body();
    } catch (const ThreadTerminated& ended) {  // ExitThread, or the world ended its threads
      code = ended.exit_code;
    }
  }
  std::unique_lock lock(w.mu);
  ts.scopes.pop_back();
  ts.win_thread = nullptr;
  t.state = nullptr;
  finish_thread(w, t, code);
  if (--w.unfinished == 0) {
    w.thread_ended.notify_all();  // the world's destructor watches
  }
}

}  // namespace

Result<std::reference_wrapper<WinThread>> spawn_thread(World::State& w, Host& host,
                                                       std::string name,
                                                       std::function<std::uint32_t()> body,
                                                       bool suspended, bool deferred) {
  if (w.contexts == nullptr) {
    w.contexts = w.contexts_kind == ThreadContexts::kFibers ? make_fiber_contexts(w)
                                                            : make_os_thread_contexts(w);
  }
  // Its context first: if the system has none left to give (an OS thread, a stack), nothing is
  // registered and the caller gets an error value.
  auto record = std::make_unique<WinThread>();
  WinThread& t = *record;
  if (Status s = w.contexts->start(t, [&w, &t, run = std::move(body)] { run_thread(w, t, run); });
      !s.ok()) {
    return resource_exhausted("no thread for '" + name + "': " + s.error().message);
  }
  // It waits for the world lock (held by the caller) before it reads anything below.
  t.id = w.next_thread_id;
  w.next_thread_id += 4;
  t.host = &host;
  t.name = std::move(name);
  t.object = std::make_shared<KernelObject>(KernelObject::Kind::kThread);
  t.object->thread = &t;
  t.suspended = suspended;
  w.threads.push_back(std::move(record));
  if (deferred) {
    w.not_started.push_back(&t);
  } else if (!suspended) {
    w.count_in(t);
  }
  ++w.unfinished;
  return std::ref(t);
}

void resume_thread(World::State& w, WinThread& t) {
  if (!t.suspended) {
    return;
  }
  t.suspended = false;
  w.count_in(t);
}

bool yield_turn(World::State& w, std::unique_lock<std::mutex>& lock) {
  WinThread* const me = thread_state().win_thread;
  if (me == nullptr || w.turn != me || w.runnable.empty()) {
    return false;
  }
  w.turn = nullptr;
  w.make_runnable(*me);
  w.hand_turn();
  while (w.turn != me && !w.terminating) {
    w.contexts->park(*me, lock);
  }
  return true;
}

void stop_threads(World::State& w) {
  w.terminating = true;
  if (w.contexts != nullptr) {
    for (const auto& t : w.threads) {
      w.contexts->resume(*t);
    }
  }
  // Threads held for run_threads() are released to end at once.
  for (WinThread* t : w.not_started) {
    w.count_in(*t);
  }
  w.not_started.clear();
  w.wake_all();
}

void end_threads(World::State& w, std::unique_lock<std::mutex>& lock) {
  stop_threads(w);
  w.thread_ended.wait(lock, [&] { return w.unfinished == 0; });
}

namespace {

std::string hex(std::uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string thread_name(const WinThread* t) {
  if (t == nullptr) {
    return "a thread attached with HostScope";
  }
  return t->name + " (thread " + std::to_string(t->id) + ")";
}

std::string describe_site(const WaitSite& site) {
  const std::string held =
      site.held_by ? " held by thread " + std::to_string(*site.held_by) : std::string();
  switch (site.kind) {
    case WaitKind::kNothing:
      return "nothing but time, without a deadline";
    case WaitKind::kSocket:
      return "socket " + hex(site.object);
    case WaitKind::kSockets:
      return "several sockets";
    case WaitKind::kObjects:
      return site.object != 0 ? "object " + hex(site.object) + held : "several objects";
    case WaitKind::kCriticalSection:
      return "critical section " + hex(site.object) + held;
    case WaitKind::kSrwLock:
      return "SRW lock " + hex(site.object) + held;
    case WaitKind::kConditionVariable:
      return "condition variable " + hex(site.object);
    case WaitKind::kOverlapped:
      return "overlapped operation " + hex(site.object);
  }
  return "?";
}

}  // namespace

DeadlockReport describe_waiters(const World::State& w, TimePoint at) {
  DeadlockReport report{at, {}};
  for (const World::State::Waiter* waiter : w.waiters) {
    BlockedThread b;
    b.thread = thread_name(waiter->thread);
    b.host = waiter->host < w.hosts.size() ? std::string(w.hosts[waiter->host]->name()) : "?";
    b.function = waiter->site.function;
    b.waits_on = describe_site(waiter->site);
    report.threads.push_back(std::move(b));
  }
  return report;
}

}  // namespace ws2sim::winsock::detail
