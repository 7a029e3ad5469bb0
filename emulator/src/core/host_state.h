// Host::State and World::State — what a Windows machine and a whole emulated world hold behind
// the public Host and World classes. Not a public header.
#pragma once

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/condition.h"
#include "core/intrusive_list.h"
#include "core/pending_io.h"
#include "core/socket.h"
#include "core/win_thread.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/world.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::winsock::detail {

class Backend;
class SimulatedBackend;
class LiveBackend;
class Clock;

}  // namespace ws2sim::winsock::detail

namespace ws2sim::winsock::detail {
class Contexts;
}

namespace ws2sim::winsock {

/// Host::State — one Windows machine: its profile, registry, sockets, events and backend.
struct Host::State {
  World* world = nullptr;
  HostId id;
  std::string name;
  const Profile* profile = nullptr;
  Ipv4Address address;
  std::array<std::optional<std::uint32_t>, 4> registry{};
  HostSwitches switches;
  int startup_count = 0;
  std::uint16_t version = 0;  // negotiated, as MAKEWORD(major, minor)
  detail::SocketTable sockets;
  // Kernel objects by handle (events, semaphores, mutexes, threads); DuplicateHandle makes a
  // second handle to the same object.
  std::map<std::uintptr_t, std::shared_ptr<detail::KernelObject>> objects;
  std::vector<detail::TlsSlot> tls_slots;                                    // TlsAlloc's indexes
  std::map<std::string, std::weak_ptr<detail::KernelObject>> named_objects;  // CreateEvent(name)
  std::map<const void*, std::deque<std::uint64_t>> condition_waits;  // CONDITION_VARIABLE queues
  std::map<const void*, std::vector<std::uint64_t>> condition_woken;
  std::uint64_t next_condition_ticket = 1;
  std::uint16_t next_ephemeral = 49152;
  std::map<std::uint16_t, std::uint32_t> bound_ports;  // port -> sockets that bound it
  std::size_t socket_limit = Host::kDefaultSocketLimit;
  std::vector<std::string> aliases;  // Host::add_alias
  // Sockets with a WSAEventSelect association (core/network_events.h); closed ones are
  // dropped on the next sweep.
  std::vector<detail::SocketHandle> event_selected;
  bool in_event_select_hosts = false;  // listed in World::State::event_select_hosts
  // Overlapped operations waiting (core/overlapped_io.h).
  detail::PendingIoTable pending_io;
  bool in_pending_io_hosts = false;  // listed in World::State::pending_io_hosts
  // Sockets that calls of running threads looked up since the engine last looked (Socket::
  // touched): their network events and pending operations are looked at again.
  std::vector<detail::SocketHandle> touched_sockets;
  Resolver resolver;
  // SetConsoleCtrlHandler's handlers, in the order added; ignore_ctrl_c is its (NULL, TRUE).
  std::vector<int (*)(std::uint32_t)> ctrl_handlers;
  bool ignore_ctrl_c = false;
  // Carries out this host's socket operations and waits: the world's simulated backend, or its
  // live one for World::add_live_host (live.h).
  detail::Backend* backend = nullptr;
};

/// World::State — the model, the hosts, the world lock and the blocked calls.
struct World::State {
  explicit State(std::uint64_t seed);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  ws2sim::World model;
  std::vector<std::unique_ptr<Host>> hosts;
  // The hosts that ever had a WSAEventSelect association, each once: what the engine sweeps
  // when it looks at every host (core/network_events.h), so a large world without one pays
  // nothing.
  std::vector<std::uint32_t> event_select_hosts;
  // The hosts that ever had a pending overlapped operation, each once (core/overlapped_io.h).
  std::vector<std::uint32_t> pending_io_hosts;
  /// EndpointOwner — the socket that took a model endpoint (by the endpoint's index), so that a
  /// change the model reports on the endpoint reaches that socket alone (backend/virtual_time.cc).
  struct EndpointOwner {
    std::uint32_t generation = 0;  ///< of the endpoint taken; 0: none
    std::uint32_t host = 0;
    detail::SocketHandle socket = 0;
  };
  std::vector<EndpointOwner> endpoint_owners;
  /// State::own_endpoint — socket `s` of host `host` holds model endpoint `id` now.
  void own_endpoint(std::uint32_t host, detail::SocketHandle s, EndpointId id) {
    if (id.index >= endpoint_owners.size()) {
      endpoint_owners.resize(std::max<std::size_t>(id.index + 1, endpoint_owners.size() * 2));
    }
    endpoint_owners[id.index] = EndpointOwner{id.generation, host, s};
  }
  /// State::owner_of — who took endpoint `id`, if anybody did.
  [[nodiscard]] const EndpointOwner* owner_of(EndpointId id) const noexcept {
    if (id.index >= endpoint_owners.size() ||
        endpoint_owners[id.index].generation != id.generation) {
      return nullptr;
    }
    return &endpoint_owners[id.index];
  }
  // Every host name and alias, lower-cased, to its host: what the hosts' resolvers answer.
  std::map<std::string, Host::State*, std::less<>> names;

  // One lock for the whole world: every emulated call holds it, so calls from several threads
  // are serialised and the model is never touched concurrently.
  std::mutex mu;
  // Watched by wait_until_blocked() (the number of waiters); blocked calls wait on their own.
  std::condition_variable cv;
  int attached = 0;  // threads bound to a host of this world
  /// A blocked call. `ready` may read the sockets of its host and the model endpoints' status()
  /// (not the rest of EndpointInfo): the virtual-time engine re-evaluates it only when those may
  /// have changed (backend/virtual_time.cc). Each waits on its own condition variable, so that
  /// an event wakes only the calls it lets continue.
  struct Waiter {
    Waiter(detail::Condition r, std::optional<TimePoint> d, std::uint32_t h)
        : ready(r), deadline(d), host(h) {}
    detail::Condition ready;
    std::optional<TimePoint> deadline;
    std::uint32_t host;  ///< The model id of the host whose state `ready` reads.
    std::condition_variable cv;
    bool released = false;  ///< Told to look again, and not yet back: see `released`.
    /// What a satisfied wait takes (detail::Action), if anything; applied with `granted`.
    const detail::Action* acquire = nullptr;
    bool granted = false;  ///< Found satisfied (and `acquire` applied): it returns kReady.
    /// The Windows thread blocked here; nullptr for a thread attached with a HostScope.
    detail::WinThread* thread = nullptr;
    detail::WaitSite site;
    detail::ListHook<Waiter> in_world;  ///< in `waiters`
    detail::ListHook<Waiter> in_host;   ///< in `waiters_by_host`
  };
  /// WaiterList — blocked calls in the order they blocked.
  using WaiterList = detail::IntrusiveList<Waiter, &Waiter::in_world>;
  using HostWaiterList = detail::IntrusiveList<Waiter, &Waiter::in_host>;
  /// State::release — tells a blocked call to look again. Until it is back (holding the lock),
  /// it counts as running: nobody drives the model meanwhile, so time cannot pass a call that
  /// may continue now.
  void release(Waiter& waiter) {
    if (!waiter.released) {
      waiter.released = true;
      ++released;
      ++wakeups;  // a call released twice before it is back looks once
    }
    waiter.cv.notify_one();
  }
  /// State::back — the blocked call `waiter` holds the lock again (after a release).
  void back(Waiter& waiter) {
    if (waiter.released) {
      waiter.released = false;
      --released;
    }
  }
  /// State::wake_all — after a change made outside the model (an event set, a socket closed, a
  /// thread detached, the clock moved by hand): every blocked call looks again, and whoever is
  /// last to block drives the model. Rare; the model's own events wake only the calls they let
  /// continue.
  void wake_all();
  /// State::wake_host — after a change a running thread made on host `host` outside the model
  /// (a socket closed, an event set, WSACleanup): the calls blocked there that it satisfies are
  /// satisfied now, in the order they blocked (backend/turns.cc).
  void wake_host(std::uint32_t host);
  /// State::wake_one — a thread detached or ended: if every remaining one is blocked, one of
  /// them must drive the model now; releasing one lets it find out.
  void wake_one();
  /// State::touch — a call of a running thread on host `host` may have changed what the calls
  /// blocked there wait on: they are looked at again before time moves (backend/virtual_time.cc).
  void touch(std::uint32_t host) {
    if (host >= touched_flag.size()) {
      touched_flag.resize(host + 1, false);
    }
    if (!touched_flag[host]) {
      touched_flag[host] = true;
      touched.push_back(host);
    }
  }
  WaiterList waiters;  // one per thread blocked in an emulated call
  // The same waiters by host, and those with a deadline by deadline: the engine looks only at
  // the ones an event can concern (backend/virtual_time.cc).
  std::vector<HostWaiterList> waiters_by_host;
  std::multimap<TimePoint, Waiter*> deadlines;
  std::vector<std::uint32_t> touched;  // hosts touched by calls since the engine last looked
  std::vector<bool> touched_flag;      // by host: in `touched`
  bool recheck_all = false;            // wake_all() since the engine last looked
  std::size_t released = 0;            // waiters released and not yet back
  std::uint64_t wakeups = 0;           // release() calls: World::wakeups()
  std::uint64_t changes =
      0;  // bumped by every fault: stops a drive so the touched hosts are looked at
  // Windows threads (core/win_thread.h) and the turn: at most one Windows thread runs at a
  // time; the others wait for `turn`. `runnable` holds the threads that may run now, in the
  // order they became runnable; the next turn goes to the first, or to a seeded pick among them
  // when the order is shuffled (World::shuffle_turns). Rules: docs/testing.md.
  std::vector<std::unique_ptr<detail::WinThread>> threads;
  detail::WinThread* turn = nullptr;
  std::deque<detail::WinThread*> runnable;
  std::vector<detail::WinThread*> not_started;  // started from outside: wait for run_threads()
  std::optional<Rng> shuffle;
  std::uint64_t turns = 0;                 // turns handed out: World::turns()
  std::uint32_t next_thread_id = 4;        // thread ids are multiples of four, as on Windows
  bool terminating = false;                // end every Windows thread at its next blocking call
  std::optional<DeadlockReport> deadlock;  // World::deadlock
  /// State::make_runnable — `t` may run now: it joins the queue for the turn.
  void make_runnable(detail::WinThread& t) {
    if (!t.queued && !t.ended) {
      t.queued = true;
      runnable.push_back(&t);
    }
  }
  std::size_t live_threads = 0;  // Windows threads made runnable and not yet ended
  // Notified when a Windows thread ends: run_threads() and the destructor wait on it (not on
  // `cv`, which every blocking call notifies).
  std::condition_variable thread_ended;
  std::size_t unfinished = 0;  // contexts not yet finished (World's destructor waits for 0)
  // What the Windows threads run on (backend/contexts.h): made with the first thread, of the
  // kind World::set_thread_contexts chose.
  ThreadContexts contexts_kind = ThreadContexts::kOsThreads;
  std::unique_ptr<detail::Contexts> contexts;
  /// State::grant — the wait `waiter` is satisfied: takes what it waits for and lets its thread
  /// run (a Windows thread joins the turn queue; another thread is released).
  void grant(Waiter& waiter);
  /// State::look_again — a blocked call must look at its state again (a deadline, the horizon,
  /// a fault): a Windows thread queues for the turn, another thread is released.
  void look_again(Waiter& waiter) {
    if (waiter.thread != nullptr) {
      make_runnable(*waiter.thread);
    } else {
      release(waiter);
    }
  }
  /// State::count_in — `t` is attached from now on (it counts in the time rule) and runnable.
  void count_in(detail::WinThread& t) {
    t.counted = true;
    ++attached;
    ++live_threads;
    make_runnable(t);
  }
  /// State::hand_turn — if no Windows thread holds the turn, gives it to the next runnable one.
  /// False when none is runnable.
  bool hand_turn();

  // Sockets and events share one handle space, as in a Windows process's handle table: a socket
  // and an event never have the same value (they did with two counters after 16,320 sockets).
  detail::SocketHandle next_handle = 0x100;
  TimePoint horizon = kEpoch + std::chrono::hours(24 * 400);
  // The memory budget (World::set_memory_budget): the model's bytes are measured every
  // kBudgetCheckEvents trace events, so the check costs nothing per event.
  std::optional<std::size_t> memory_budget;
  std::optional<TimePoint> budget_spent;
  std::size_t next_budget_check = 0;  // trace size at which to measure again
  /// State::budget_spent_now — true (and the world's horizon moved to now) once the model holds
  /// more than the budget.
  bool budget_spent_now();

  // The backends: every host's is the simulated one unless it was added live.
  std::unique_ptr<detail::SimulatedBackend> simulated;
  std::unique_ptr<detail::LiveBackend> live;  // created by the first add_live_host
  // The clock every call of this world reads: virtual time, or real time once the world has a
  // live host (live.h).
  const detail::Clock* clock = nullptr;
};

}  // namespace ws2sim::winsock
