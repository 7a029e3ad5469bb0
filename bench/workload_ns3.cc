// The ns-3 peer: S1–S5 on ns-3 3.37's simulator core (Debian libns3-dev), with the minimal
// keep-alive model bench/README.md describes: one ns-3 event per timer, no packets,
// Linux-style lazy re-check. Same generator (ws2sim::PopulationWorkload), same decisions and the
// same scheduling order as ws2sim::Population; ns-3 orders simultaneous events by insertion, as
// ws2sim does, so the cross-check matches exactly.
//
//   workload_ns3 S1 [--connections=N] [--scheduler=priority-queue|map|heap|list|calendar]
//
// The default is ns3::PriorityQueueScheduler, the fastest ns-3 scheduler on these workloads.
#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/simulator.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "harness.h"
#include "ws2sim/model/time.h"

namespace {

using ws2sim::Duration;
using ws2sim::PopulationConfig;
using ws2sim::PopulationStats;
using ws2sim::PopulationWorkload;
using ws2sim::TimePoint;

struct Conn {
  std::int64_t last_receive = 0;
  std::uint32_t probes_out = 0;
  bool active = false;
};

// ns-3 events call free functions: the model lives in one global.
struct Model {
  explicit Model(const PopulationConfig& c)
      : config(c), work(c), conns(c.connections), traffic(c) {}
  PopulationConfig config;
  PopulationWorkload work;
  std::vector<Conn> conns;
  ws2sim::TrafficStream traffic;
  std::uint64_t next_open = 0;
  std::int64_t next_open_at = 0;
  PopulationStats stats;
};
Model* g = nullptr;

std::int64_t now_ns() {
  return ns3::Simulator::Now().GetNanoSeconds();
}

void at(std::int64_t when, void (*f)(std::uint32_t), std::uint32_t conn) {
  ns3::Simulator::Schedule(ns3::NanoSeconds(when - now_ns()), f, conn);
}

void at(std::int64_t when, void (*f)()) {
  ns3::Simulator::Schedule(ns3::NanoSeconds(when - now_ns()), f);
}

std::int64_t plus(std::int64_t t, Duration d) {
  return ws2sim::saturating_add(Duration{t}, d).count();
}

bool receive(std::uint32_t conn) {
  Conn& c = g->conns[conn];
  if (!c.active) return false;
  c.last_receive = now_ns();
  const bool answered = c.probes_out > 0;
  c.probes_out = 0;
  return answered;
}

void timer(std::uint32_t conn);

void answer(std::uint32_t conn) {
  ++g->stats.events;
  if (receive(conn)) ++g->stats.probes_answered;
}

void open(std::uint32_t conn) {
  const std::int64_t now = now_ns();
  const auto& ka = g->config.keepalive;
  if (ka.enabled) {
    g->conns[conn] = Conn{now, 0, true};
    if (ka.probe_count > 0) at(plus(now, ka.idle), &timer, conn);
  }
}

// The arrival stream of ws2sim::Population: opens and traffic by (time, opens first, ...), one
// feed event at a time.
bool open_is_next() {
  const PopulationWorkload::Arrival* t = g->traffic.peek();
  return g->next_open < g->config.connections && (t == nullptr || g->next_open_at <= t->at);
}

void feed();

void schedule_feed() {
  if (g->next_open == g->config.connections && g->traffic.peek() == nullptr) return;
  at(open_is_next() ? g->next_open_at : g->traffic.peek()->at, &feed);
}

void feed() {
  ++g->stats.events;
  if (open_is_next()) {
    open(static_cast<std::uint32_t>(g->next_open++));
    if (g->next_open < g->config.connections) {
      g->next_open_at = g->work.open_time(g->next_open).time_since_epoch().count();
    }
  } else {
    receive(g->traffic.peek()->conn);
    g->traffic.pop();
  }
  schedule_feed();
}

// The lazy re-check of ws2sim::KeepAliveEngine (no data is ever outstanding here).
void timer(std::uint32_t conn) {
  ++g->stats.events;
  ++g->stats.timer_fires;
  Conn& c = g->conns[conn];
  if (!c.active) return;
  const auto& ka = g->config.keepalive;
  const std::int64_t now = now_ns();
  const std::int64_t idle_until = plus(c.last_receive, ka.idle);
  if (now < idle_until) {
    at(idle_until, &timer, conn);
    return;
  }
  if (c.probes_out >= ka.probe_count) {
    c = Conn{};
    ++g->stats.connections_dropped;
    g->stats.drop_hash += ws2sim::population_drop_mix(conn, TimePoint{Duration{now}});
    return;
  }
  ++c.probes_out;
  ++g->stats.probes_sent;
  if (!g->work.peer_dead(conn) && g->work.answers(conn, TimePoint{Duration{now}})) {
    at(plus(now, g->config.answer_delay), &answer, conn);
  }
  at(plus(now, ka.interval), &timer, conn);
}

const char* scheduler_type(int argc, char** argv) {
  std::string_view name = "priority-queue";
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--scheduler=")) name = a.substr(12);
  }
  if (name == "priority-queue") return "ns3::PriorityQueueScheduler";
  if (name == "map") return "ns3::MapScheduler";
  if (name == "heap") return "ns3::HeapScheduler";
  if (name == "list") return "ns3::ListScheduler";
  if (name == "calendar") return "ns3::CalendarScheduler";
  std::fprintf(stderr, "unknown --scheduler (priority-queue, map, heap, list, calendar)\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ws2sim;
  const bench::Workload w = bench::parse_workload(argc, argv);
  const char* type = scheduler_type(argc, argv);
  bench::Report r;
  r.harness = "ns-3";
  r.workload = &w;
  r.start_rss_kib = bench::current_rss_kib();

  const double cpu0 = bench::cpu_seconds();
  const bench::Stopwatch setup;
  ns3::ObjectFactory factory;
  factory.SetTypeId(type);
  ns3::Simulator::SetScheduler(factory);
  Model model(w.config);
  g = &model;
  model.next_open_at = model.work.open_time(0).time_since_epoch().count();
  schedule_feed();
  if (w.horizon) {  // inclusive, like ws2sim's run_until: stop just after the horizon
    ns3::Simulator::Stop(ns3::NanoSeconds(w.horizon->time_since_epoch().count() + 1));
  }
  r.setup_s = setup.seconds();

  const bench::Stopwatch run;
  ns3::Simulator::Run();
  r.run_s = run.seconds();
  r.cpu_s = bench::cpu_seconds() - cpu0;
  r.stats = model.stats;
  bench::print_crosscheck(r);
  bench::print_timing(r);
  std::printf("note harness=ns-3 scheduler=%s\n", type);
  ns3::Simulator::Destroy();
  g = nullptr;
  return 0;
}
