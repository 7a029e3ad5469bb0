// The baseline harness: S1–S5 on a plain std::priority_queue of (time, sequence) events with
// Linux-style lazy re-check, i.e. the textbook design, with no per-delay FIFOs and no intrusive
// nodes. Same generator (ws2sim::PopulationWorkload), same keep-alive decisions, and the same
// scheduling order as ws2sim::Population, so the cross-check matches exactly.
//
//   workload_pq S1 [--connections=N]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <queue>
#include <vector>

#include "harness.h"
#include "ws2sim/model/time.h"

namespace {

using ws2sim::Duration;
using ws2sim::PopulationConfig;
using ws2sim::PopulationStats;
using ws2sim::PopulationWorkload;
using ws2sim::TimePoint;

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

std::int64_t plus(std::int64_t t, Duration d) {
  return ws2sim::saturating_add(Duration{t}, d).count();
}

class Baseline {
 public:
  explicit Baseline(const PopulationConfig& c)
      : config_(c), work_(c), conns_(c.connections), traffic_(c) {
    next_open_at_ = work_.open_time(0).time_since_epoch().count();
    schedule_feed();
  }

  void run(std::int64_t until) {
    while (!queue_.empty() && queue_.top().time <= until) {
      const Event e = queue_.top();
      queue_.pop();
      now_ = e.time;
      ++stats_.events;
      switch (static_cast<Kind>(e.seq_kind & 3)) {
        case kFeed:
          feed();
          break;
        case kTimer:
          ++stats_.timer_fires;
          timer(e.conn);
          break;
        case kAnswer:
          if (receive(e.conn)) ++stats_.probes_answered;
          break;
      }
    }
  }

  [[nodiscard]] PopulationStats stats() const { return stats_; }
  [[nodiscard]] std::size_t memory_bytes() const {
    return conns_.capacity() * sizeof(Conn) + peak_queue_ * sizeof(Event);
  }

 private:
  void push(std::int64_t at, Kind kind, std::uint32_t conn) {
    queue_.push(Event{at, (seq_++ << 2) | kind, conn});
    peak_queue_ = std::max(peak_queue_, queue_.size());
  }

  // The arrival stream of ws2sim::Population: opens and traffic by (time, opens first, ...),
  // one feed event at a time.
  [[nodiscard]] bool open_is_next() {
    const PopulationWorkload::Arrival* t = traffic_.peek();
    return next_open_ < config_.connections && (t == nullptr || next_open_at_ <= t->at);
  }

  void schedule_feed() {
    if (next_open_ == config_.connections && traffic_.peek() == nullptr) return;
    push(open_is_next() ? next_open_at_ : traffic_.peek()->at, kFeed, 0U);
  }

  void feed() {
    if (open_is_next()) {
      open(static_cast<std::uint32_t>(next_open_++));
      if (next_open_ < config_.connections) {
        next_open_at_ = work_.open_time(next_open_).time_since_epoch().count();
      }
    } else {
      receive(traffic_.peek()->conn);
      traffic_.pop();
    }
    schedule_feed();
  }

  void open(std::uint32_t conn) {
    Conn& c = conns_[conn];
    const auto& ka = config_.keepalive;
    if (ka.enabled) {
      c = Conn{now_, 0, true};
      if (ka.probe_count > 0) push(plus(now_, ka.idle), kTimer, conn);
    }
  }

  bool receive(std::uint32_t conn) {
    Conn& c = conns_[conn];
    if (!c.active) return false;
    c.last_receive = now_;
    const bool answered = c.probes_out > 0;
    c.probes_out = 0;
    return answered;
  }

  // The lazy re-check of ws2sim::KeepAliveEngine (no data is ever outstanding here).
  void timer(std::uint32_t conn) {
    Conn& c = conns_[conn];
    if (!c.active) return;
    const auto& ka = config_.keepalive;
    const std::int64_t idle_until = plus(c.last_receive, ka.idle);
    if (now_ < idle_until) {
      push(idle_until, kTimer, conn);
      return;
    }
    if (c.probes_out >= ka.probe_count) {
      c = Conn{};
      ++stats_.connections_dropped;
      stats_.drop_hash += ws2sim::population_drop_mix(conn, TimePoint{Duration{now_}});
      return;
    }
    ++c.probes_out;
    ++stats_.probes_sent;
    const TimePoint now{Duration{now_}};
    if (!work_.peer_dead(conn) && work_.answers(conn, now)) {
      push(plus(now_, config_.answer_delay), kAnswer, conn);
    }
    push(plus(now_, ka.interval), kTimer, conn);
  }

  PopulationConfig config_;
  PopulationWorkload work_;
  std::vector<Conn> conns_;
  ws2sim::TrafficStream traffic_;
  std::uint64_t next_open_ = 0;
  std::int64_t next_open_at_ = 0;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::size_t peak_queue_ = 0;
  std::uint64_t seq_ = 0;
  std::int64_t now_ = 0;
  PopulationStats stats_;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace ws2sim;
  const bench::Workload w = bench::parse_workload(argc, argv);
  bench::Report r;
  r.harness = "priority_queue";
  r.workload = &w;
  r.start_rss_kib = bench::current_rss_kib();
  const double cpu0 = bench::cpu_seconds();
  const bench::Stopwatch setup;
  Baseline b(w.config);
  r.setup_s = setup.seconds();
  const bench::Stopwatch run;
  b.run(w.horizon ? w.horizon->time_since_epoch().count() : kEndOfTime.time_since_epoch().count());
  r.run_s = run.seconds();
  r.cpu_s = bench::cpu_seconds() - cpu0;
  r.stats = b.stats();
  r.model_bytes = b.memory_bytes();
  bench::print_crosscheck(r);
  bench::print_timing(r);
  return 0;
}
