// World: the test-control API of one emulated world (hosts, time, links, faults, live hosts).
#include <algorithm>
#include <array>

#include "backend/contexts.h"
#include "backend/live.h"
#include "backend/simulated.h"
#include "backend/turns.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/names.h"
#include "core/sockets.h"

namespace ws2sim::winsock {

World::State::State(std::uint64_t seed)
    : model(seed),
      simulated(std::make_unique<detail::SimulatedBackend>(*this)),
      clock(simulated.get()) {}
World::State::~State() = default;

// ---- World -----------------------------------------------------------------------------------

World::World(std::uint64_t seed) : state_(std::make_unique<State>(seed)) {}
World::~World() {
  // Windows threads still blocked end now (unwound at their blocking call): they must not
  // outlive the world they wait in.
  std::unique_lock lock(state_->mu);
  if (state_->unfinished > 0) detail::end_threads(*state_, lock);
  lock.unlock();
  if (state_->contexts != nullptr) state_->contexts->shut_down();  // e.g. the fibers' carrier
}

Result<std::reference_wrapper<Host>> World::add_host(std::string name, std::string_view profile,
                                                     std::string_view address) {
  const Profile* p = find_profile(profile);
  if (p == nullptr) {
    std::string known;
    for (const Profile& q : all_profiles()) {
      known += (known.empty() ? "" : ", ") + std::string(q.name);
    }
    return invalid_argument("unknown profile '" + std::string(profile) + "'; known: " + known);
  }
  const std::optional<Ipv4Address> addr = Ipv4Address::parse(address);
  if (!addr) {
    return invalid_argument(std::string("'").append(address).append("' is not an IPv4 address"));
  }
  std::lock_guard lock(state_->mu);
  if (detail::find_name(*state_, name) != nullptr) {
    return Error{ErrorCode::kAlreadyExists, "the name '" + name +
                                                "' is taken by a host or an alias (names are "
                                                "case-insensitive)"};
  }
  Result<HostId> id = state_->model.network().add_host(name, *addr);
  if (!id.ok()) {
    return id.error();
  }
  auto s = std::make_unique<Host::State>();
  s->world = this;
  s->id = *id;
  s->name = std::move(name);
  s->profile = p;
  s->address = *addr;
  s->backend = state_->simulated.get();
  (void)detail::register_name(*state_, *s, s->name);  // free: checked above
  state_->hosts.push_back(std::make_unique<Host>(std::move(s)));
  return std::ref(*state_->hosts.back());
}

Host* World::find_host(std::string_view name) const {
  std::lock_guard lock(state_->mu);
  // The model numbers hosts in the order they were added, as `hosts` holds them.
  const std::optional<HostId> id = state_->model.network().find_host(name);
  return id && id->value < state_->hosts.size() ? state_->hosts[id->value].get() : nullptr;
}

std::vector<Host*> World::hosts() const {
  std::lock_guard lock(state_->mu);
  std::vector<Host*> out;
  for (const auto& h : state_->hosts) {
    out.push_back(h.get());
  }
  return out;
}

TimePoint World::now() const {
  std::lock_guard lock(state_->mu);
  return state_->clock->now();  // virtual time, or real time in a world with live hosts
}

Status World::run_for(Duration d) {
  std::lock_guard lock(state_->mu);
  Status s = state_->model.run_for(d);
  state_->wake_all();
  return s;
}

Status World::run_until(TimePoint t) {
  std::lock_guard lock(state_->mu);
  State& w = *state_;
  Status s = w.memory_budget ? w.model.run_until([&w] { return w.budget_spent_now(); }, t).status()
                             : w.model.run_until(t);
  w.wake_all();
  return s;
}

void World::set_memory_budget(std::optional<std::size_t> bytes) {
  std::lock_guard lock(state_->mu);
  state_->memory_budget = bytes;
  state_->next_budget_check = 0;
}

std::optional<TimePoint> World::budget_spent() const {
  std::lock_guard lock(state_->mu);
  return state_->budget_spent;
}

std::uint64_t World::wakeups() const {
  std::lock_guard lock(state_->mu);
  return state_->wakeups;
}

std::size_t World::memory_bytes() const {
  std::lock_guard lock(state_->mu);
  return state_->model.trace().memory_bytes() + state_->model.scheduler().memory_bytes();
}

bool World::State::budget_spent_now() {
  constexpr std::size_t kBudgetCheckEvents = 4096;
  if (budget_spent) return true;
  if (!memory_budget || model.trace().events().size() < next_budget_check) return false;
  next_budget_check = model.trace().events().size() + kBudgetCheckEvents;
  if (model.trace().memory_bytes() + model.scheduler().memory_bytes() <= *memory_budget) {
    return false;
  }
  budget_spent = model.now();
  horizon = std::min(horizon, model.now());
  return true;
}

void World::set_horizon(TimePoint t) {
  std::lock_guard lock(state_->mu);
  state_->horizon = t;
}

TimePoint World::horizon() const {
  std::lock_guard lock(state_->mu);
  return state_->horizon;
}

namespace {

// A restarted machine's programs are gone: no sockets, no events, no WSAStartup.
void forget_programs(Host::State& h) {
  h.sockets.clear();
  h.bound_ports.clear();
  h.objects.clear();
  h.startup_count = 0;
  h.version = 0;
}

Status apply_fault(World::State& w, const Fault& fault, bool from_model) {
  Status s = std::visit(
      [&](const auto& f) -> Status {
        using F = std::decay_t<decltype(f)>;
        Network& net = w.model.network();
        if constexpr (std::is_same_v<F, CrashHost>) {
          return net.crash(f.host);
        }
        if constexpr (std::is_same_v<F, RestartHost>) {
          return net.restart(f.host);
        }
        if constexpr (std::is_same_v<F, RebootHost>) {
          return net.reboot(f.host);
        }
        if constexpr (std::is_same_v<F, PartitionHosts>) {
          return net.partition(f.a, f.b, f.both_ways);
        }
        if constexpr (std::is_same_v<F, HealHosts>) {
          return net.heal(f.a, f.b, f.both_ways);
        }
      },
      fault);
  if (!s.ok()) {
    return s;
  }
  // The model reports every endpoint whose status the fault changed; the hosts it names look
  // again too (a restart forgets their sockets). `changes` stops a drive (drive()) right after.
  ++w.changes;
  std::visit(
      [&w](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, PartitionHosts> || std::is_same_v<F, HealHosts>) {
          w.touch(f.a.value);
          w.touch(f.b.value);
        } else {
          w.touch(f.host.value);
        }
      },
      fault);
  std::optional<HostId> restarted;
  if (const auto* r = std::get_if<RestartHost>(&fault)) {
    restarted = r->host;
  }
  if (const auto* r = std::get_if<RebootHost>(&fault)) {
    restarted = r->host;
  }
  for (auto& h : w.hosts) {
    if (restarted && h->id() == *restarted) {
      forget_programs(h->state());
    }
  }
  // A control thread's fault: the calls it satisfies go on now. A scheduled one is applied by
  // the model inside drive(), which looks at the touched hosts next.
  if (!from_model) w.wake_all();
  return {};
}

}  // namespace

Status World::set_link(Host& a, Host& b, const PathConfig& path) {
  std::lock_guard lock(state_->mu);
  return state_->model.network().set_link(a.id(), b.id(), path);
}

Status World::crash(Host& h) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, CrashHost{h.id()}, /*from_model=*/false);
}

Status World::restart(Host& h) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, RestartHost{h.id()}, /*from_model=*/false);
}

Status World::reboot(Host& h) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, RebootHost{h.id()}, /*from_model=*/false);
}

Status World::partition(Host& a, Host& b, bool both_ways) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, PartitionHosts{a.id(), b.id(), both_ways}, /*from_model=*/false);
}

Status World::heal(Host& a, Host& b, bool both_ways) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, HealHosts{a.id(), b.id(), both_ways}, /*from_model=*/false);
}

Status World::add_nat(Host& a, Host& b, const NatConfig& config) {
  std::lock_guard lock(state_->mu);
  return state_->model.network().add_nat(a.id(), b.id(), config);
}

Status World::schedule(TimePoint at, const Fault& fault) {
  std::lock_guard lock(state_->mu);
  const auto check = [&](HostId h) -> Status {
    if (h.value >= state_->hosts.size()) {
      return not_found("no such host: #" + std::to_string(h.value));
    }
    return {};
  };
  Status hosts_ok = std::visit(
      [&](const auto& f) -> Status {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, PartitionHosts> || std::is_same_v<F, HealHosts>) {
          if (Status s = check(f.a); !s.ok()) {
            return s;
          }
          return check(f.b);
        } else {
          return check(f.host);
        }
      },
      fault);
  if (!hosts_ok.ok()) {
    return hosts_ok;
  }
  // Scheduled events run with the world lock held (by run_for or a blocked call's driver).
  auto id = state_->model.scheduler().schedule_at(
      at, [w = state_.get(), fault] { (void)apply_fault(*w, fault, /*from_model=*/true); });
  return id.status();
}

std::size_t World::blocked_threads() const {
  std::lock_guard lock(state_->mu);
  return state_->waiters.size();
}

void World::wait_until_blocked(std::size_t n) const {
  std::unique_lock lock(state_->mu);
  state_->cv.wait(lock, [&] { return state_->waiters.size() >= n; });
}

// ---- Windows threads (backend/turns.h) -------------------------------------------------------

Result<std::uint32_t> World::send_console_ctrl(Host& host, std::uint32_t ctrl_type) {
  constexpr std::array<std::uint32_t, 5> kEvents{0, 1, 2, 5, 6};
  if (std::find(kEvents.begin(), kEvents.end(), ctrl_type) == kEvents.end()) {
    return invalid_argument("send_console_ctrl: " + std::to_string(ctrl_type) +
                            " is not a console control event (0, 1, 2, 5 or 6)");
  }
  Host::State* h = &host.state();
  return start_thread(host, "console-ctrl", [this, h, ctrl_type] {
    std::vector<int (*)(std::uint32_t)> handlers;
    {
      std::lock_guard lock(state_->mu);
      if (ctrl_type == 0 && h->ignore_ctrl_c) {
        return;
      }
      handlers = h->ctrl_handlers;
    }
    // Last added first, until one says it handled the event; each runs without the lock, as
    // user code.
    for (auto it = handlers.rbegin(); it != handlers.rend(); ++it) {
      if ((*it)(ctrl_type) != 0) {
        return;
      }
    }
  });
}

Result<std::uint32_t> World::start_thread(Host& host, std::string name,
                                          std::function<void()> body) {
  if (&host.world() != this) {
    return invalid_argument("start_thread: host '" + std::string(host.name()) +
                            "' belongs to another world");
  }
  if (host.live()) {
    return invalid_argument("start_thread: host '" + std::string(host.name()) +
                            "' is live: its calls wait in real time, not in turns");
  }
  if (!body) {
    return invalid_argument("start_thread: no function to run");
  }
  std::lock_guard lock(state_->mu);
  // From a Windows thread of this world the new thread queues for the turn now; from anywhere
  // else it waits for run_threads(), so a test's threads all start together.
  const detail::WinThread* const caller = detail::thread_state().win_thread;
  const bool inside = caller != nullptr && &caller->host->world() == this;
  auto spawned = detail::spawn_thread(
      *state_, host, std::move(name),
      [run = std::move(body)]() -> std::uint32_t {
        run();
        return 0;
      },
      /*suspended=*/false, /*deferred=*/!inside);
  if (!spawned.ok()) {
    return spawned.error();
  }
  return spawned->get().id;
}

Status World::run_threads() {
  std::unique_lock lock(state_->mu);
  State& w = *state_;
  for (detail::WinThread* t : w.not_started) {
    w.count_in(*t);
  }
  w.not_started.clear();
  detail::settle(w);
  w.thread_ended.wait(lock, [&w] { return w.live_threads == 0; });
  if (w.deadlock) {
    return invalid_state(w.deadlock->to_string());
  }
  return {};
}

void World::end_threads() {
  std::lock_guard lock(state_->mu);
  detail::stop_threads(*state_);
}

Status World::set_thread_contexts(ThreadContexts contexts) {
  std::lock_guard lock(state_->mu);
  if (state_->contexts != nullptr) {
    return invalid_state(
        "set_thread_contexts: the world made Windows threads already; choose what they run on "
        "before the first");
  }
  state_->contexts_kind = contexts;
  return {};
}

void World::shuffle_turns(std::optional<std::uint64_t> seed) {
  std::lock_guard lock(state_->mu);
  state_->shuffle.reset();
  if (seed) state_->shuffle.emplace(*seed);
}

std::uint64_t World::turns() const {
  std::lock_guard lock(state_->mu);
  return state_->turns;
}

std::optional<DeadlockReport> World::deadlock() const {
  std::lock_guard lock(state_->mu);
  return state_->deadlock;
}

std::string DeadlockReport::to_string() const {
  std::string out = "deadlock at " + format_time(at) + ": every thread waits for something no " +
                    "thread or timer will signal";
  for (const BlockedThread& t : threads) {
    out +=
        "\n  " + t.thread + " on " + t.host + ": in " + t.function + ", waiting for " + t.waits_on;
  }
  return out;
}

const Trace& World::trace() const {
  return state_->model.trace();
}
ws2sim::World& World::model() noexcept {
  return state_->model;
}

// ---- Live hosts (backend/live.h) -------------------------------------------------------------

bool Host::live() const noexcept {
  return state_->backend == state_->world->state().live.get();
}

Result<std::reference_wrapper<Host>> World::add_live_host(std::string name,
                                                          std::string_view profile) {
  // The model still lists the host (names and ids stay unique across both backends) under a
  // placeholder address (240.255.255.x, reserved class E) no other host of the world has; its real
  // addresses are this machine's.
  std::string placeholder;
  for (std::uint32_t i = 1; i < 255 && placeholder.empty(); ++i) {
    const std::string candidate = "240.255.255." + std::to_string(i);
    const Ipv4Address a = *Ipv4Address::parse(candidate);
    const auto all = hosts();
    if (std::none_of(all.begin(), all.end(), [&](const Host* h) { return h->address() == a; })) {
      placeholder = candidate;
    }
  }
  if (placeholder.empty()) {
    return invalid_argument("no free placeholder address for a live host");
  }
  Result<std::reference_wrapper<Host>> added = add_host(std::move(name), profile, placeholder);
  if (!added.ok()) {
    return added;
  }
  std::lock_guard lock(state_->mu);
  if (!state_->live) {
    state_->live = std::make_unique<detail::LiveBackend>();
    state_->clock = state_->live.get();  // the whole world now runs on real time (live.h)
  }
  added->get().state().backend = state_->live.get();
  return added;
}

std::vector<LiveRecord> World::live_log() const {
  std::lock_guard lock(state_->mu);
  if (!state_->live) {
    return {};
  }
  return state_->live->records();
}

}  // namespace ws2sim::winsock
