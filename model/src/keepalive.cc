#include "ws2sim/model/keepalive.h"

#include <algorithm>
#include <limits>
#include <string>

namespace ws2sim {
namespace {

constexpr std::int64_t count_of(TimePoint t) noexcept {
  return t.time_since_epoch().count();
}
}  // namespace

Status KeepAliveConfig::validate() const {
  if (idle < Duration::zero()) {
    return invalid_argument("keep-alive idle time is negative (" + format_duration(idle) + ")");
  }
  if (interval < Duration::zero()) {
    return invalid_argument("keep-alive interval is negative (" + format_duration(interval) + ")");
  }
  return {};
}

std::optional<Duration> detection_delay(const KeepAliveConfig& config) {
  if (!config.enabled || config.probe_count == 0) return std::nullopt;
  return saturating_add(config.idle, saturating_mul(config.interval, config.probe_count));
}

KeepAliveEngine::KeepAliveEngine(Scheduler& scheduler, KeepAliveDriver& driver)
    : scheduler_(scheduler),
      driver_(driver),
      attached_(scheduler.attach_timers(Scheduler::TimerClient{
          .nodes = &nodes_,
          .words = &stamps_,
          .fire = &KeepAliveEngine::fire_node,
          .fire_lane = &KeepAliveEngine::fire_lane,
          .self = this,
      })),
      ask_outstanding_(driver.may_have_outstanding_data()) {}

KeepAliveEngine::~KeepAliveEngine() {
  for (std::size_t conn = 0; conn < nodes_.size(); ++conn)
    disarm(static_cast<std::uint32_t>(conn));
  if (attached_) scheduler_.detach_timers();
}

void KeepAliveEngine::reserve(std::uint32_t connections) {
  if (connections != 0) grow(connections - 1);
}

void KeepAliveEngine::grow(std::uint32_t conn) {
  if (conn < nodes_.size()) return;
  const std::size_t size = std::size_t{conn} + 1;
  nodes_.resize(size);
  stamps_.resize(size);
  probing_.resize((size + 63) / 64);
}

std::size_t KeepAliveEngine::memory_bytes() const noexcept {
  // Side tables: about three words per element in libstdc++'s unordered_map.
  return sizeof(*this) + nodes_.capacity() * sizeof(Node) +
         stamps_.capacity() * sizeof(std::int64_t) + probing_.capacity() * sizeof(std::uint64_t) +
         configs_.capacity() * sizeof(KeepAliveConfig) +
         config_users_.capacity() * sizeof(std::uint32_t) + external_.capacity() * sizeof(EventId) +
         (big_counts_.size() + big_tags_.size()) * 4 * sizeof(void*);
}

std::uint32_t KeepAliveEngine::count(std::uint32_t conn) const {
  const std::uint16_t c = nodes_[conn].count;
  return c == kCountOverflow ? big_counts_.at(conn) : c;
}

void KeepAliveEngine::set_count(std::uint32_t conn, std::uint32_t value) {
  Node& n = nodes_[conn];
  if (value < kCountOverflow) {
    if (n.count == kCountOverflow) big_counts_.erase(conn);
    n.count = static_cast<std::uint16_t>(value);
  } else {
    n.count = kCountOverflow;
    big_counts_[conn] = value;
  }
  set_probing(conn, value != 0);
}

std::uint32_t KeepAliveEngine::config_of(std::uint32_t conn) const {
  const std::uint8_t t = nodes_[conn].tag;
  return t == kTagOverflow ? big_tags_.at(conn) : t;
}

void KeepAliveEngine::set_config(std::uint32_t conn, std::uint32_t index) {
  Node& n = nodes_[conn];
  if (n.tag == kTagOverflow) big_tags_.erase(conn);
  if (index < kTagOverflow) {
    n.tag = static_cast<std::uint8_t>(index);
  } else {
    n.tag = kTagOverflow;
    big_tags_[conn] = index;
  }
}

void KeepAliveEngine::reset(std::uint32_t conn) noexcept {
  Node& n = nodes_[conn];
  if (n.count == kCountOverflow) big_counts_.erase(conn);
  if (n.tag == kTagOverflow) big_tags_.erase(conn);
  n = Node{};
  set_probing(conn, false);
}

// Parameter sets are shared and counted: a set nobody uses any more is reused.
std::uint32_t KeepAliveEngine::intern(const KeepAliveConfig& config) {
  if (last_config_ < configs_.size() && config_users_[last_config_] != 0 &&
      configs_[last_config_] == config) {
    ++config_users_[last_config_];
    return last_config_;
  }
  std::size_t free = configs_.size();
  for (std::size_t i = 0; i < configs_.size(); ++i) {
    if (config_users_[i] == 0) {
      free = std::min(free, i);
    } else if (configs_[i] == config) {
      ++config_users_[i];
      last_config_ = static_cast<std::uint32_t>(i);
      return last_config_;
    }
  }
  if (free == configs_.size()) {
    configs_.push_back(config);
    config_users_.push_back(0);
  }
  configs_[free] = config;
  config_users_[free] = 1;
  last_config_ = static_cast<std::uint32_t>(free);
  return last_config_;
}

void KeepAliveEngine::release(std::uint32_t index) noexcept {
  --config_users_[index];
}

Status KeepAliveEngine::start_slow(std::uint32_t conn, const KeepAliveConfig& config) {
  if (config.idle < Duration::zero() || config.interval < Duration::zero()) {
    return config.validate();
  }
  if (!config.enabled) {
    stop(conn);
    return {};
  }
  grow(conn);
  const std::uint32_t index = intern(config);
  disarm(conn);
  const std::int64_t now = count_of(scheduler_.now());
  if (active(conn)) {
    release(config_of(conn));
  } else {
    // Like Linux's tcp_set_keepalive(): a fresh start counts a full idle period from now.
    stamps_[conn] = now;
  }
  set_config(conn, index);
  if (config.probe_count == 0) return {};  // never probe, never drop: no timer at all
  if (count(conn) == 0) {
    // A parameter change re-arms at once for what is left of the new idle time.
    arm_at(conn, std::max(plus(stamps_[conn], config.idle), now));
  } else {
    arm_at(conn, plus(now, config.interval));
  }
  return {};
}

void KeepAliveEngine::stop_slow(std::uint32_t conn) {
  if (conn >= nodes_.size()) return;
  disarm(conn);
  if (active(conn)) release(config_of(conn));
  reset(conn);
}

bool KeepAliveEngine::answer(std::uint32_t conn) {
  set_count(conn, 0);  // clears the bit and any side-table entry
  return true;
}

std::uint32_t KeepAliveEngine::probes_out(std::uint32_t conn) const {
  return conn < nodes_.size() ? count(conn) : 0;
}

std::optional<TimePoint> KeepAliveEngine::next_check(std::uint32_t conn) const {
  if (conn >= nodes_.size() || !armed(conn)) return std::nullopt;
  return TimePoint{Duration{nodes_[conn].due}};
}

std::optional<TimePoint> KeepAliveEngine::last_receive(std::uint32_t conn) const {
  if (!active(conn)) return std::nullopt;
  return TimePoint{Duration{stamps_[conn]}};
}

// Not the scheduler's timer client (or an index a node reference cannot carry): a generic event.
void KeepAliveEngine::arm_external(std::uint32_t conn, std::int64_t at) {
  const EventId id = scheduler_
                         .schedule_at(TimePoint{Duration{at}},
                                      [this, conn] {
                                        nodes_[conn].where = Scheduler::kUnqueued;
                                        fire(conn);
                                      })
                         .value();
  if (conn >= external_.size()) external_.resize(std::size_t{conn} + 1);
  external_[conn] = id;
  Node& n = nodes_[conn];
  n.due = at;
  n.where = Scheduler::kClientQueued;
}

void KeepAliveEngine::disarm(std::uint32_t conn) noexcept {
  Node& n = nodes_[conn];
  if (n.where == Scheduler::kUnqueued) return;
  if (n.where == Scheduler::kClientQueued) {
    scheduler_.cancel(external_[conn]);
    n.where = Scheduler::kUnqueued;
  } else {
    scheduler_.disarm_timer(conn);
  }
}

// After Linux's tcp_keepalive_timer: guard clauses decide when to look again, then exactly one
// re-arm at the end (a dropped connection is not re-armed). Driver calls may start or stop
// connections (and so grow `nodes_` or `configs_`): nothing is held across them by reference,
// and the re-arm only happens if the connection is still watched and nobody re-armed it.
void KeepAliveEngine::fire(std::uint32_t conn) {
  // `conn` < nodes_.size(): only armed nodes fire.
  const std::uint8_t tag = nodes_[conn].tag;
  if (tag == kInactive) return;
  const std::uint32_t index = tag != kTagOverflow ? tag : big_tags_.at(conn);
  const KeepAliveConfig& cfg = configs_[index];
  const std::int64_t now = count_of(scheduler_.now());
  const Duration idle = cfg.idle;
  const Duration interval = cfg.interval;
  const std::uint32_t probe_count = cfg.probe_count;

  std::int64_t next;  // when to look again
  const bool outstanding = ask_outstanding_ && driver_.has_outstanding_data(conn);
  const std::int64_t idle_until = plus(stamps_[conn], idle);
  if (!outstanding && now >= idle_until) [[likely]] {
    // Idle long enough: probe, or drop after `probe_count` unanswered probes.
    Node& n = nodes_[conn];
    const std::uint32_t out = n.count != kCountOverflow ? n.count : big_counts_.at(conn);
    if (out >= probe_count) {
      release(index);
      reset(conn);
      driver_.keepalive_timeout(conn, out);
      return;
    }
    if (out + 1 < kCountOverflow) {
      n.count = static_cast<std::uint16_t>(out + 1);
      if (out == 0) set_probing(conn, true);
    } else {
      set_count(conn, out + 1);
    }
    driver_.send_probe(conn, out + 1, probe_count);
    next = plus(now, interval);
  } else if (outstanding) {
    // Sent data is unacknowledged: the retransmission timer owns liveness (RFC 9293 MUST-26).
    set_count(conn, 0);
    driver_.keepalive_suppressed(conn);
    // Re-checked one idle later; with an idle time of 0, one interval later: re-checking at the
    // same instant would never let time pass (found by fuzz_winsock, docs/reliability.md).
    next = plus(now, idle > Duration::zero() ? idle : interval);
  } else {
    next = idle_until;  // traffic arrived since arming: wait out the remainder
  }
  if (active(conn) && !armed(conn)) [[likely]] {
    arm_at(conn, next);
  }
}

void KeepAliveEngine::fire_node(void* engine, std::uint32_t conn) {
  static_cast<KeepAliveEngine*>(engine)->fire(conn);
}

// A lane batch with fire() compiled into the loop: expiries of timers due one after another (a
// fleet of idle connections probing dead peers) cost one indirect call per batch.
void KeepAliveEngine::fire_lane(void* engine, std::uint8_t lane, std::int64_t limit) {
  auto* self = static_cast<KeepAliveEngine*>(engine);
  self->scheduler_.run_lane_batch(lane, limit, [self](std::uint32_t conn) { self->fire(conn); });
}

}  // namespace ws2sim
