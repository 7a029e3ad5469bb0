#include "ws2sim/model/keepalive.h"

#include <algorithm>
#include <string>

namespace ws2sim {

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
    : scheduler_(scheduler), driver_(driver) {}

KeepAliveEngine::~KeepAliveEngine() {
  for (Watch& w : watches_)
    scheduler_.cancel(w.timer);
}

std::uint32_t KeepAliveEngine::intern(const KeepAliveConfig& config) {
  const auto it = std::find(configs_.begin(), configs_.end(), config);
  if (it != configs_.end()) return static_cast<std::uint32_t>(it - configs_.begin());
  configs_.push_back(config);
  return static_cast<std::uint32_t>(configs_.size() - 1);
}

Status KeepAliveEngine::start(std::uint32_t conn, const KeepAliveConfig& config) {
  if (Status s = config.validate(); !s.ok()) return s;
  if (!config.enabled) {
    stop(conn);
    return {};
  }
  if (conn >= watches_.size()) watches_.resize(std::size_t{conn} + 1);
  Watch& w = watches_[conn];
  scheduler_.cancel(w.timer);
  w.timer = {};
  const TimePoint now = scheduler_.now();
  const bool restart = w.active;
  w.config = intern(config);
  if (!restart) {
    // Like Linux's tcp_set_keepalive(): a fresh start counts a full idle period from now.
    w.active = true;
    w.probes_out = 0;
    w.last_receive = now.time_since_epoch().count();
  }
  if (config.probe_count == 0) return {};  // never probe, never drop: no timer at all
  if (w.probes_out == 0) {
    // A parameter change re-arms at once for what is left of the new idle time.
    const TimePoint due = saturating_add(TimePoint{Duration{w.last_receive}}, config.idle);
    arm_at(conn, std::max(due, now));
  } else {
    arm_at(conn, saturating_add(now, config.interval));
  }
  return {};
}

void KeepAliveEngine::stop(std::uint32_t conn) {
  if (conn >= watches_.size()) return;
  Watch& w = watches_[conn];
  scheduler_.cancel(w.timer);
  w = Watch{};
}

bool KeepAliveEngine::on_receive(std::uint32_t conn) {
  if (conn >= watches_.size() || !watches_[conn].active) return false;
  Watch& w = watches_[conn];
  w.last_receive = scheduler_.now().time_since_epoch().count();
  const bool answered = w.probes_out > 0;
  w.probes_out = 0;
  return answered;
}

std::uint32_t KeepAliveEngine::probes_out(std::uint32_t conn) const {
  return conn < watches_.size() ? watches_[conn].probes_out : 0;
}

std::optional<TimePoint> KeepAliveEngine::next_check(std::uint32_t conn) const {
  if (conn >= watches_.size()) return std::nullopt;
  return scheduler_.due_time(watches_[conn].timer);
}

std::optional<TimePoint> KeepAliveEngine::last_receive(std::uint32_t conn) const {
  if (conn >= watches_.size() || !watches_[conn].active) return std::nullopt;
  return TimePoint{Duration{watches_[conn].last_receive}};
}

void KeepAliveEngine::arm_at(std::uint32_t conn, TimePoint at) {
  watches_[conn].timer = scheduler_.schedule_at(at, [this, conn] { fire(conn); }).value();
}

void KeepAliveEngine::fire(std::uint32_t conn) {
  Watch& w = watches_[conn];
  w.timer = {};
  if (!w.active) return;
  const KeepAliveConfig& cfg = configs_[w.config];
  const TimePoint now = scheduler_.now();

  if (driver_.has_outstanding_data(conn)) {
    w.probes_out = 0;
    driver_.keepalive_suppressed(conn);
    if (watches_[conn].active) arm_at(conn, saturating_add(now, cfg.idle));
    return;
  }
  const TimePoint idle_until = saturating_add(TimePoint{Duration{w.last_receive}}, cfg.idle);
  if (now < idle_until) {
    arm_at(conn, idle_until);  // traffic arrived since arming: wait out the remainder
    return;
  }
  if (w.probes_out >= cfg.probe_count) {
    const std::uint32_t sent = w.probes_out;
    w = Watch{};
    driver_.keepalive_timeout(conn, sent);
    return;
  }
  ++w.probes_out;
  const Duration interval = cfg.interval;
  driver_.send_probe(conn, w.probes_out, cfg.probe_count);
  if (watches_[conn].active) arm_at(conn, saturating_add(now, interval));
}

}  // namespace ws2sim
