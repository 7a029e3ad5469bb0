// World, Host and HostScope: the test-control API, and the virtual-time blocking rule.
#include <algorithm>
#include <cctype>
#include <functional>

#include "internal.h"
#include "live_backend.h"

namespace ws2sim::winsock {
namespace detail {

namespace {

// Trivially destructible, so it stays readable after the ThreadState below is destroyed at thread
// (or program) exit: a HostScope that outlives it (a static object) must not touch it.
thread_local bool thread_state_destroyed = false;

struct ThreadStateHolder {
  ThreadState state;
  ~ThreadStateHolder() { thread_state_destroyed = true; }
};

}  // namespace

ThreadState& thread_state() noexcept {
  thread_local ThreadStateHolder holder;
  return holder.state;
}

std::optional<Call> Call::winsock() {
  ThreadState& ts = thread_state();
  if (ts.scopes.empty()) {
    fail(err::kNotInitialised);  // no host bound: as if WSAStartup never ran on this "machine"
    return std::nullopt;
  }
  Host::State& h = ts.scopes.back()->state();
  Call call{h, h.world->state()};
  if (h.startup_count == 0) {
    fail(err::kNotInitialised);
    return std::nullopt;
  }
  if (h.switches.network_down) {
    fail(err::kEnetdown);
    return std::nullopt;
  }
  if (ts.in_hook) {  // a Winsock 1.1 blocking call is in progress on this thread
    fail(err::kEinprogress);
    return std::nullopt;
  }
  return call;
}

std::optional<Call> Call::host_only(int error_without_host) {
  ThreadState& ts = thread_state();
  if (ts.scopes.empty()) {
    ts.last_error = error_without_host;
    return std::nullopt;
  }
  Host::State& h = ts.scopes.back()->state();
  return Call{h, h.world->state()};
}

Socket* Call::socket(SocketHandle s) const {
  Socket* const found = host_->sockets.find(s);
  if (found == nullptr) {
    fail(err::kEnotsock);
    return nullptr;
  }
  return found;
}

namespace {

// Runs the model until some blocked thread can continue. Called with the world lock held by the
// last thread to block, so every attached thread is waiting and the order of events is the
// model's alone.
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
  // Two references: small enough for std::function's inline buffer (no allocation).
  const std::function<bool()> changed = [&] { return counters() != seen; };
  while (true) {
    seen = counters();
    TimePoint limit = w.horizon;  // nearest deadline of any waiter, or the horizon
    for (const World::State::Waiter* waiter : w.waiters) {
      if (waiter->ready()) return;
      if (waiter->deadline) limit = std::min(limit, *waiter->deadline);
    }
    if (sched.now() >= limit) return;  // a deadline passed, or the horizon
    // Runs events until one moves a counter (then the conditions are evaluated again) or none
    // is due before the nearest deadline (the clock then jumps to it).
    const Result<bool> moved = sched.run_until(changed, limit);
    if (!moved.ok() || !*moved) {
      return;
    }
  }
}

}  // namespace

TimePoint Call::now() const noexcept {
  return world_->live ? live::now(*world_) : world_->model.now();
}

WaitResult Call::wait(Condition ready, std::optional<TimePoint> deadline, Socket* socket) {
  if (host_->live) return live::wait(*this, ready, deadline);  // real time, not the model's
  World::State& w = *world_;
  ThreadState& ts = thread_state();
  World::State::Waiter me{ready, deadline};
  w.waiters.push_back(&me);
  w.cv.notify_all();  // wait_until_blocked() watches the number of waiters
  const SocketHandle handle = socket != nullptr ? socket->handle : 0;
  if (socket != nullptr) ++socket->blocked_calls;
  ts.in_blocking_call = true;
  const bool hooked = ts.blocking_hook != nullptr && host_->version == 0x0101;

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
    if (deadline && now() >= *deadline) {
      result = WaitResult::kTimedOut;
      break;
    }
    if (now() >= w.horizon) {
      result = WaitResult::kHorizon;
      break;
    }
    if (hooked) {
      // Winsock 1.1 calls the blocking hook while a call blocks; it may call
      // WSACancelBlockingCall (and any other Winsock call gets WSAEINPROGRESS).
      ts.in_hook = true;
      lock_.unlock();
      ts.blocking_hook();
      lock_.lock();
      ts.in_hook = false;
      if (ts.cancel_requested) continue;
    }
    if (w.waiters.size() == static_cast<std::size_t>(w.attached)) {
      drive(w);
      w.cv.notify_all();
      if (ready() || (deadline && now() >= *deadline) || now() >= w.horizon) continue;
    }
    w.cv.wait(lock_);
  }

  w.waiters.erase(std::find(w.waiters.begin(), w.waiters.end(), &me));
  if (handle != 0) {
    if (Socket* const s = host_->sockets.find(handle); s != nullptr) {
      --s->blocked_calls;
    }
  }
  ts.in_blocking_call = false;
  ts.cancel_requested = false;
  w.cv.notify_all();  // one fewer blocked thread: another may have to drive now
  return result;
}

}  // namespace detail

// ---- registry --------------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 4> kRegistryNames{"KeepAliveTime", "KeepAliveInterval",
                                                         "TcpMaxDataRetransmissions",
                                                         "PPTPTcpMaxDataRetransmissions"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view to_string(RegistryValue v) noexcept {
  return kRegistryNames[static_cast<std::size_t>(v)];
}

std::optional<RegistryValue> parse_registry_value(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRegistryNames.size(); ++i) {
    if (iequals(name, kRegistryNames[i])) return static_cast<RegistryValue>(i);
  }
  return std::nullopt;
}

// ---- Host ------------------------------------------------------------------------------------

Host::Host(std::unique_ptr<State> state) : state_(std::move(state)) {}
Host::~Host() = default;

std::string_view Host::name() const noexcept {
  return state_->name;
}
const Profile& Host::profile() const noexcept {
  return *state_->profile;
}
Ipv4Address Host::address() const noexcept {
  return state_->address;
}
HostId Host::id() const noexcept {
  return state_->id;
}
World& Host::world() const noexcept {
  return *state_->world;
}

Status Host::set_registry(RegistryValue value, std::uint32_t data) {
  const bool milliseconds =
      value == RegistryValue::kKeepAliveTime || value == RegistryValue::kKeepAliveInterval;
  if (milliseconds && data == 0) {
    return invalid_argument(std::string(to_string(value)) +
                            " must be from 1 to 0xFFFFFFFF milliseconds, got 0");
  }
  if (value == RegistryValue::kPPTPTcpMaxDataRetransmissions && data > 0xFF) {
    return invalid_argument("PPTPTcpMaxDataRetransmissions must be from 0 to 0xFF, got " +
                            std::to_string(data));
  }
  std::lock_guard lock(state_->world->state().mu);
  state_->registry[static_cast<std::size_t>(value)] = data;
  return {};
}

void Host::clear_registry(RegistryValue value) {
  std::lock_guard lock(state_->world->state().mu);
  state_->registry[static_cast<std::size_t>(value)].reset();
}

std::optional<std::uint32_t> Host::registry(RegistryValue value) const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->registry[static_cast<std::size_t>(value)];
}

HostSwitches Host::switches() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->switches;
}

void Host::set_switches(const HostSwitches& s) {
  std::lock_guard lock(state_->world->state().mu);
  state_->switches = s;
}

std::size_t Host::socket_count() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->sockets.size();
}

Status Host::set_socket_limit(std::size_t limit) {
  if (limit == 0) return invalid_argument("the socket limit must be at least 1, got 0");
  std::lock_guard lock(state_->world->state().mu);
  state_->socket_limit = limit;
  return {};
}

std::size_t Host::socket_limit() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->socket_limit;
}

std::uint32_t Host::default_probe_count() const {
  std::lock_guard lock(state_->world->state().mu);
  return detail::registry_probe_count(*state_);
}

// ---- World -----------------------------------------------------------------------------------

World::World(std::uint64_t seed) : state_(std::make_unique<State>(seed)) {}
World::~World() = default;

Result<std::reference_wrapper<Host>> World::add_host(std::string name, std::string_view profile,
                                                     std::string_view address) {
  const Profile* p = find_profile(profile);
  if (p == nullptr) {
    std::string known;
    for (const Profile& q : all_profiles())
      known += (known.empty() ? "" : ", ") + std::string(q.name);
    return invalid_argument("unknown profile '" + std::string(profile) + "'; known: " + known);
  }
  const std::optional<Ipv4Address> addr = Ipv4Address::parse(address);
  if (!addr) return invalid_argument("'" + std::string(address) + "' is not an IPv4 address");
  std::lock_guard lock(state_->mu);
  Result<HostId> id = state_->model.network().add_host(name, *addr);
  if (!id.ok()) return id.error();
  auto s = std::make_unique<Host::State>();
  s->world = this;
  s->id = *id;
  s->name = std::move(name);
  s->profile = p;
  s->address = *addr;
  state_->hosts.push_back(std::make_unique<Host>(std::move(s)));
  return std::ref(*state_->hosts.back());
}

Host* World::find_host(std::string_view name) const {
  std::lock_guard lock(state_->mu);
  for (const auto& h : state_->hosts) {
    if (h->name() == name) return h.get();
  }
  return nullptr;
}

std::vector<Host*> World::hosts() const {
  std::lock_guard lock(state_->mu);
  std::vector<Host*> out;
  for (const auto& h : state_->hosts)
    out.push_back(h.get());
  return out;
}

TimePoint World::now() const {
  std::lock_guard lock(state_->mu);
  if (state_->live) return detail::live::now(*state_);  // live mode: real time (live.h)
  return state_->model.now();
}

Status World::run_for(Duration d) {
  std::lock_guard lock(state_->mu);
  Status s = state_->model.run_for(d);
  state_->cv.notify_all();
  return s;
}

Status World::run_until(TimePoint t) {
  std::lock_guard lock(state_->mu);
  Status s = state_->model.run_until(t);
  state_->cv.notify_all();
  return s;
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
  h.events.clear();
  h.startup_count = 0;
  h.version = 0;
}

Status apply_fault(World::State& w, const Fault& fault) {
  Status s = std::visit(
      [&](const auto& f) -> Status {
        using F = std::decay_t<decltype(f)>;
        Network& net = w.model.network();
        if constexpr (std::is_same_v<F, CrashHost>) return net.crash(f.host);
        if constexpr (std::is_same_v<F, RestartHost>) return net.restart(f.host);
        if constexpr (std::is_same_v<F, RebootHost>) return net.reboot(f.host);
        if constexpr (std::is_same_v<F, PartitionHosts>)
          return net.partition(f.a, f.b, f.both_ways);
        if constexpr (std::is_same_v<F, HealHosts>) return net.heal(f.a, f.b, f.both_ways);
      },
      fault);
  if (!s.ok()) return s;
  ++w.changes;  // blocked calls re-check their conditions (drive())
  std::optional<HostId> restarted;
  if (const auto* r = std::get_if<RestartHost>(&fault)) restarted = r->host;
  if (const auto* r = std::get_if<RebootHost>(&fault)) restarted = r->host;
  for (auto& h : w.hosts) {
    if (restarted && h->id() == *restarted) forget_programs(h->state());
  }
  w.cv.notify_all();
  return {};
}

}  // namespace

Status World::set_link(Host& a, Host& b, const PathConfig& path) {
  std::lock_guard lock(state_->mu);
  return state_->model.network().set_link(a.id(), b.id(), path);
}

Status World::crash(Host& h) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, CrashHost{h.id()});
}

Status World::restart(Host& h) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, RestartHost{h.id()});
}

Status World::reboot(Host& h) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, RebootHost{h.id()});
}

Status World::partition(Host& a, Host& b, bool both_ways) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, PartitionHosts{a.id(), b.id(), both_ways});
}

Status World::heal(Host& a, Host& b, bool both_ways) {
  std::lock_guard lock(state_->mu);
  return apply_fault(*state_, HealHosts{a.id(), b.id(), both_ways});
}

Status World::add_nat(Host& a, Host& b, const NatConfig& config) {
  std::lock_guard lock(state_->mu);
  return state_->model.network().add_nat(a.id(), b.id(), config);
}

Status World::schedule(TimePoint at, const Fault& fault) {
  std::lock_guard lock(state_->mu);
  const auto check = [&](HostId h) -> Status {
    if (h.value >= state_->hosts.size())
      return not_found("no such host: #" + std::to_string(h.value));
    return {};
  };
  Status hosts_ok = std::visit(
      [&](const auto& f) -> Status {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, PartitionHosts> || std::is_same_v<F, HealHosts>) {
          if (Status s = check(f.a); !s.ok()) return s;
          return check(f.b);
        } else {
          return check(f.host);
        }
      },
      fault);
  if (!hosts_ok.ok()) return hosts_ok;
  // Scheduled events run with the world lock held (by run_for or a blocked call's driver).
  auto id = state_->model.scheduler().schedule_at(
      at, [w = state_.get(), fault] { (void)apply_fault(*w, fault); });
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

const Trace& World::trace() const {
  return state_->model.trace();
}
ws2sim::World& World::model() noexcept {
  return state_->model;
}

// ---- HostScope -------------------------------------------------------------------------------

namespace {

bool bound_to_world(const detail::ThreadState& ts, const World* w) {
  return std::any_of(ts.scopes.begin(), ts.scopes.end(),
                     [w](const Host* h) { return &h->world() == w; });
}

}  // namespace

HostScope::HostScope(Host& host) : host_(&host) {
  detail::ThreadState& ts = detail::thread_state();
  World::State& w = host.world().state();
  std::lock_guard lock(w.mu);
  if (!bound_to_world(ts, &host.world())) ++w.attached;
  ts.scopes.push_back(&host);
}

HostScope::~HostScope() {
  World::State& w = host_->world().state();
  if (detail::thread_state_destroyed) {  // at program exit, after thread-locals are gone
    std::lock_guard lock(w.mu);
    --w.attached;
    w.cv.notify_all();
    return;
  }
  detail::ThreadState& ts = detail::thread_state();
  std::lock_guard lock(w.mu);
  // Scopes are RAII objects on one thread's stack, so they end in reverse order.
  ts.scopes.erase(std::find(ts.scopes.rbegin(), ts.scopes.rend(), host_).base() - 1);
  if (!bound_to_world(ts, &host_->world())) {
    --w.attached;
    w.cv.notify_all();  // the remaining threads may all be blocked now
  }
}

Host* current_host() noexcept {
  const detail::ThreadState& ts = detail::thread_state();
  return ts.scopes.empty() ? nullptr : ts.scopes.back();
}

}  // namespace ws2sim::winsock
