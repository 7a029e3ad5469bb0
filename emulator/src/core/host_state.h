// Host::State and World::State — what a Windows machine and a whole emulated world hold behind
// the public Host and World classes. Not a public header.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/condition.h"
#include "core/socket.h"
#include "ws2sim/model/world.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::winsock::detail {

class Backend;
class SimulatedBackend;
class LiveBackend;
class Clock;

/// Event — a WSAEVENT (manual-reset event).
struct Event {
  bool signaled = false;
};

}  // namespace ws2sim::winsock::detail

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
  std::map<std::uintptr_t, detail::Event> events;
  std::uint16_t next_ephemeral = 49152;
  std::map<std::uint16_t, std::uint32_t> bound_ports;  // port -> sockets that bound it
  std::size_t socket_limit = Host::kDefaultSocketLimit;
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

  // One lock for the whole world: every emulated call holds it, so calls from several threads
  // are serialised and the model is never touched concurrently.
  std::mutex mu;
  std::condition_variable cv;
  int attached = 0;  // threads bound to a host of this world
  /// A blocked call. `ready` may read the sockets of its host and the model endpoints' status()
  /// (not the rest of EndpointInfo): the virtual-time engine re-evaluates it only when those may
  /// have changed (backend/virtual_time.cc).
  struct Waiter {
    detail::Condition ready;
    std::optional<TimePoint> deadline;
  };
  std::vector<Waiter*> waiters;  // one per thread blocked in an emulated call
  std::uint64_t changes = 0;     // bumped by scheduled faults, which may change any socket
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
