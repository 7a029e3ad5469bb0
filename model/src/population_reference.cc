// The reference population (population_reference.h): one priority-queue event per happening.
#include "ws2sim/model/population_reference.h"

#include <algorithm>
#include <queue>
#include <utility>
#include <vector>

namespace ws2sim {
namespace {

enum Kind : std::uint64_t { kFeed, kTimer, kAnswer };

struct Event {
  std::int64_t time;
  std::uint64_t seq_kind;  // sequence << 2 | kind: orders by (time, sequence)
  std::uint32_t conn;
};

struct Later {
  bool operator()(const Event& a, const Event& b) const noexcept {
    return a.time != b.time ? a.time > b.time : a.seq_kind > b.seq_kind;
  }
};

struct Conn {
  std::int64_t last_receive = 0;
  std::uint32_t probes_out = 0;
  bool active = false;
};

std::int64_t plus(std::int64_t t, Duration d) noexcept {
  return saturating_add(Duration{t}, d).count();
}

}  // namespace

struct ReferencePopulation::Impl {
  explicit Impl(const PopulationConfig& c) : config(c), work(c), conns(c.connections), traffic(c) {
    next_open_at = work.open_time(0).time_since_epoch().count();
    schedule_feed();
  }

  void run(std::int64_t until) {
    while (!queue.empty() && queue.top().time <= until) {
      const Event e = queue.top();
      queue.pop();
      now = e.time;
      ++stats.events;
      switch (static_cast<Kind>(e.seq_kind & 3)) {
        case kFeed:
          feed();
          break;
        case kTimer:
          ++stats.timer_fires;
          timer(e.conn);
          break;
        case kAnswer:
          if (receive(e.conn)) {
            ++stats.probes_answered;
          }
          break;
      }
    }
  }

  void push(std::int64_t at, Kind kind, std::uint32_t conn) {
    queue.push(Event{at, (seq++ << 2) | kind, conn});
    peak_queue = std::max(peak_queue, queue.size());
  }

  // The arrival stream of a Population: opens and traffic by (time, opens first, ...), one feed
  // event at a time.
  [[nodiscard]] bool open_is_next() {
    const PopulationWorkload::Arrival* t = traffic.peek();
    return next_open < config.connections && (t == nullptr || next_open_at <= t->at);
  }

  void schedule_feed() {
    if (next_open == config.connections && traffic.peek() == nullptr) {
      return;
    }
    push(open_is_next() ? next_open_at : traffic.peek()->at, kFeed, 0U);
  }

  void feed() {
    if (open_is_next()) {
      open(static_cast<std::uint32_t>(next_open++));
      if (next_open < config.connections) {
        next_open_at = work.open_time(next_open).time_since_epoch().count();
      }
    } else {
      receive(traffic.peek()->conn);
      traffic.pop();
    }
    schedule_feed();
  }

  void open(std::uint32_t conn) {
    Conn& c = conns[conn];
    const KeepAliveConfig& ka = config.keepalive;
    if (ka.enabled) {
      c = Conn{now, 0, true};
      if (ka.probe_count > 0) {
        push(plus(now, ka.idle), kTimer, conn);
      }
    }
  }

  bool receive(std::uint32_t conn) {
    Conn& c = conns[conn];
    if (!c.active) {
      return false;
    }
    c.last_receive = now;
    const bool answered = c.probes_out > 0;
    c.probes_out = 0;
    return answered;
  }

  // The keep-alive engine's lazy re-check (keepalive.h), with no data ever outstanding.
  void timer(std::uint32_t conn) {
    Conn& c = conns[conn];
    if (!c.active) {
      return;
    }
    const KeepAliveConfig& ka = config.keepalive;
    const std::int64_t idle_until = plus(c.last_receive, ka.idle);
    if (now < idle_until) {
      push(idle_until, kTimer, conn);
      return;
    }
    if (c.probes_out >= ka.probe_count) {
      c = Conn{};
      ++stats.connections_dropped;
      stats.drop_hash += population_drop_mix(conn, TimePoint{Duration{now}});
      return;
    }
    ++c.probes_out;
    ++stats.probes_sent;
    const TimePoint at{Duration{now}};
    if (!work.peer_dead(conn) && work.answers(conn, at)) {
      push(plus(now, config.answer_delay), kAnswer, conn);
    }
    push(plus(now, ka.interval), kTimer, conn);
  }

  PopulationConfig config;
  PopulationWorkload work;
  std::vector<Conn> conns;
  TrafficStream traffic;
  std::uint64_t next_open = 0;
  std::int64_t next_open_at = 0;
  std::priority_queue<Event, std::vector<Event>, Later> queue;
  std::size_t peak_queue = 0;
  std::uint64_t seq = 0;
  std::int64_t now = 0;
  PopulationStats stats;
};

ReferencePopulation::ReferencePopulation(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReferencePopulation::~ReferencePopulation() = default;

Result<std::unique_ptr<ReferencePopulation>> ReferencePopulation::create(
    const PopulationConfig& config) {
  if (Status s = config.validate(); !s.ok()) {
    return s.error();
  }
  return std::unique_ptr<ReferencePopulation>(
      new ReferencePopulation(std::make_unique<Impl>(config)));
}

void ReferencePopulation::run_until(TimePoint t) {
  impl_->run(t.time_since_epoch().count());
}

const PopulationStats& ReferencePopulation::stats() const noexcept {
  return impl_->stats;
}

std::size_t ReferencePopulation::memory_bytes() const noexcept {
  return impl_->conns.capacity() * sizeof(Conn) + impl_->peak_queue * sizeof(Event);
}

}  // namespace ws2sim
