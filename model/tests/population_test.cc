// Tests for ws2sim/model/population.h: exact small-N timelines, live and dead peers, bad
// configurations, determinism, agreement with the full TCP model (Network), and a randomised
// cross-check of the scheduler's (time, sequence) order under the mixed load a population puts
// on it (intrusive keep-alive nodes in lanes and heap, closures in lanes and heap).
#include "ws2sim/model/population.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"
#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/scheduler.h"

namespace ws2sim::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// 3 connections opening at exactly 0, 1 and 2 ns (a 3 ns spread leaves each a 1 ns stratum),
// 100 ms idle, 3 probes 50 ms apart, every peer dead.
PopulationConfig three_dead() {
  PopulationConfig c;
  c.connections = 3;
  c.open_spread = 3ns;
  c.keepalive = {.enabled = true, .idle = 100ms, .interval = 50ms, .probe_count = 3};
  c.dead_fraction = 1.0;
  return c;
}

std::unique_ptr<Population> make(const PopulationConfig& c) {
  auto p = Population::create(c);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : nullptr;
}

// Every probe, per connection.
struct ProbeLog {
  std::map<std::uint64_t, std::vector<TimePoint>> at;
  void attach(Population& p) {
    p.on_probe([this](std::uint64_t conn, TimePoint t) { at[conn].push_back(t); });
  }
};

// A population run to completion with every probe logged (heap-held: the hook points at `log`).
struct LoggedRun {
  std::unique_ptr<Population> pop;
  ProbeLog log;
};
std::unique_ptr<LoggedRun> run_logged(const PopulationConfig& c) {
  auto r = std::make_unique<LoggedRun>();
  r->pop = make(c);
  if (r->pop == nullptr) return r;
  r->log.attach(*r->pop);
  EXPECT_TRUE(r->pop->run_to_completion().ok());
  return r;
}

// ---- exact timelines ----

TEST(PopulationTimeline, ThreeDeadPeersProbeAtIdlePlusIntervalsAndDropAfterTheLast) {
  ASSERT_EQ(PopulationWorkload(three_dead()).open_time(0), at(0ns));
  ASSERT_EQ(PopulationWorkload(three_dead()).open_time(1), at(1ns));
  ASSERT_EQ(PopulationWorkload(three_dead()).open_time(2), at(2ns));
  auto pop = make(three_dead());
  ProbeLog log;
  log.attach(*pop);

  ASSERT_TRUE(pop->run_until(at(100ms - 1ns)).ok());
  EXPECT_TRUE(log.at.empty()) << "nothing before the idle time";
  EXPECT_EQ(pop->stats().connections_dropped, 0U);

  ASSERT_TRUE(pop->run_to_completion().ok());
  for (std::uint64_t conn = 0; conn < 3; ++conn) {
    const Duration open{static_cast<std::int64_t>(conn)};
    EXPECT_THAT(log.at[conn],
                ElementsAreArray({at(open + 100ms), at(open + 150ms), at(open + 200ms)}))
        << "connection " << conn;
  }
  const PopulationStats& s = pop->stats();
  EXPECT_EQ(s.probes_sent, 9U);
  EXPECT_EQ(s.probes_answered, 0U);
  EXPECT_EQ(s.connections_dropped, 3U);
  EXPECT_EQ(s.timer_fires, 12U);  // per connection: idle, two intervals that probe, the drop
  EXPECT_EQ(s.events, 15U);       // plus three opens
  // Dropped at open + idle + 3 x interval = open + 250 ms.
  const std::uint64_t expected = population_drop_mix(0, at(250ms)) +
                                 population_drop_mix(1, at(250ms + 1ns)) +
                                 population_drop_mix(2, at(250ms + 2ns));
  EXPECT_EQ(s.drop_hash, expected);
  EXPECT_EQ(pop->now(), at(250ms + 2ns));  // the clock stops at the last event
}

TEST(PopulationTimeline, NoDropOneNanosecondBeforeIdlePlusProbesTimesInterval) {
  auto pop = make(three_dead());
  ASSERT_TRUE(pop->run_until(at(250ms - 1ns)).ok());
  EXPECT_EQ(pop->stats().connections_dropped, 0U);
  ASSERT_TRUE(pop->run_until(at(250ms)).ok());
  EXPECT_EQ(pop->stats().connections_dropped, 1U);
}

TEST(PopulationTimeline, OpenTimesAreNondecreasingAndEachWithinItsStratum) {
  PopulationConfig c;
  c.connections = 1000;
  c.open_spread = 1h;
  const PopulationWorkload w(c);
  const Duration stratum = Duration{1h} / 1000;
  for (std::uint64_t i = 0; i < c.connections; ++i) {
    const TimePoint t = w.open_time(i);
    EXPECT_GE(t, at(stratum * static_cast<std::int64_t>(i)));
    EXPECT_LT(t, at(stratum * static_cast<std::int64_t>(i + 1)));
  }
}

TEST(PopulationTimeline, TrafficResetsTheIdleClockSoTheDropFollowsTheLastSegment) {
  PopulationConfig c = three_dead();
  c.traffic_segments = 4;
  c.traffic_window = 40ms;  // segment k within [10k, 10k + 10) ms after the open
  const auto run = run_logged(c);
  ASSERT_NE(run->pop, nullptr);
  const PopulationWorkload w(c);
  std::uint64_t expected_hash = 0;
  for (std::uint32_t conn = 0; conn < 3; ++conn) {
    std::vector<TimePoint> segments;
    for (std::uint32_t k = 0; k < 4; ++k)
      segments.push_back(w.traffic_time(conn, k));
    ASSERT_TRUE(std::is_sorted(segments.begin(), segments.end()));
    EXPECT_GE(segments.front(), w.open_time(conn));
    EXPECT_LT(segments.back(), w.open_time(conn) + 40ms);
    const TimePoint last = segments.back();
    EXPECT_THAT(run->log.at[conn], ElementsAreArray({last + 100ms, last + 150ms, last + 200ms}));
    expected_hash += population_drop_mix(conn, last + 250ms);
  }
  EXPECT_EQ(run->pop->stats().drop_hash, expected_hash);
  // The first timer found traffic since it was armed and re-armed for the remainder once.
  EXPECT_EQ(run->pop->stats().timer_fires, 15U);
  EXPECT_EQ(run->pop->stats().events, 15U + 3U + 12U);
}

// Arrivals run back to back while nothing else is due before the next one (a source batch); a
// timer due between two arrivals must still run between them. Here a connection's probes and
// its drop fall between its open and its first segment (strata of 100 s), so the segments find
// the connection closed and change nothing.
TEST(PopulationTimeline, ProbesAndTheDropBeforeTheFirstSegmentRunBeforeIt) {
  PopulationConfig c = three_dead();
  c.keepalive = {.enabled = true, .idle = 1s, .interval = 1s, .probe_count = 3};
  c.traffic_segments = 2;
  c.traffic_window = 200s;  // segment 0 within [0, 100) s after the open, segment 1 after that
  const auto run = run_logged(c);
  ASSERT_NE(run->pop, nullptr);
  const PopulationWorkload w(c);
  std::uint64_t expected_hash = 0;
  for (std::uint32_t conn = 0; conn < 3; ++conn) {
    const TimePoint open = w.open_time(conn);
    ASSERT_GT(w.traffic_time(conn, 0), open + 4s) << "the drop comes before segment 0";
    EXPECT_THAT(run->log.at[conn], ElementsAreArray({open + 1s, open + 2s, open + 3s}));
    expected_hash += population_drop_mix(conn, open + 4s);
  }
  EXPECT_EQ(run->pop->stats().connections_dropped, 3U);
  EXPECT_EQ(run->pop->stats().drop_hash, expected_hash);
}

// ---- live peers ----

TEST(PopulationLivePeers, AnswerProbabilityOneNeverDrops) {
  PopulationConfig c;
  c.connections = 500;
  c.open_spread = 10min;
  c.dead_fraction = 0.0;
  c.answer_probability = 1.0;
  c.answer_delay = 10ms;
  auto pop = make(c);
  ProbeLog log;
  log.attach(*pop);
  ASSERT_TRUE(pop->run_until(at(24h)).ok());
  const PopulationStats& s = pop->stats();
  EXPECT_EQ(s.connections_dropped, 0U);
  EXPECT_GT(s.probes_sent, 500U * 10);
  EXPECT_EQ(s.probes_answered, s.probes_sent) << "every probe answered (none in flight at 24 h)";
  // One probe per idle period, each an answer's round trip after the previous one.
  const TimePoint open = PopulationWorkload(c).open_time(7);
  const std::vector<TimePoint>& probes = log.at[7];
  ASSERT_GE(probes.size(), 3U);
  EXPECT_EQ(probes[0], open + 7200s);
  EXPECT_EQ(probes[1], open + 7200s + 10ms + 7200s);
  EXPECT_EQ(probes[2], open + 2 * (7200s + 10ms) + 7200s);
}

TEST(PopulationLivePeers, RunToCompletionRefusesWhenLivePeersKeepConnectionsOpen) {
  PopulationConfig c;
  c.connections = 10;
  c.dead_fraction = 0.5;
  auto pop = make(c);
  const Status s = pop->run_to_completion();
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.error().message, HasSubstr("run_until"));
  EXPECT_EQ(pop->stats().events, 0U) << "refused without running anything";
}

TEST(PopulationLivePeers, HalfDeadDropsAboutHalfAndExactlyTheSameCountEveryRun) {
  PopulationConfig c;
  c.connections = 10'000;
  c.dead_fraction = 0.5;
  c.answer_probability = 1.0;
  c.seed = 42;
  const TimePoint horizon = at(1h + 7200s + 10 * 75s);  // every connection through one cycle
  auto a = make(c);
  auto b = make(c);
  ASSERT_TRUE(a->run_until(horizon).ok());
  ASSERT_TRUE(b->run_until(horizon).ok());
  EXPECT_EQ(a->stats(), b->stats());
  EXPECT_EQ(a->stats().connections_dropped, 4'986U);  // this seed's draw
  const PopulationWorkload w(c);
  std::uint64_t dead = 0;
  for (std::uint64_t i = 0; i < c.connections; ++i)
    dead += w.peer_dead(i) ? 1 : 0;
  EXPECT_EQ(a->stats().connections_dropped, dead) << "exactly the dead peers are dropped";
}

TEST(PopulationLivePeers, AnswerProbabilityHalfDropsOnlyAfterTenMissesInARow) {
  PopulationConfig c;
  c.connections = 20'000;
  c.open_spread = 1h;
  c.dead_fraction = 0.0;
  c.answer_probability = 0.5;
  auto pop = make(c);
  ASSERT_TRUE(pop->run_until(at(6h)).ok());
  const PopulationStats& s = pop->stats();
  EXPECT_GT(s.probes_answered, 0U);
  // A drop needs 10 unanswered probes in a row (1 in 1024 per idle cycle).
  EXPECT_GT(s.connections_dropped, 0U);
  EXPECT_LT(s.connections_dropped, 200U);
  EXPECT_NEAR(static_cast<double>(s.probes_answered) / static_cast<double>(s.probes_sent), 0.5,
              0.01);
}

// ---- configuration errors ----

TEST(PopulationConfigValidate, RejectsAbsurdValuesNamingTheField) {
  struct Case {
    void (*mutate)(PopulationConfig&);
    const char* word;
  };
  const Case cases[] = {
      {[](PopulationConfig& c) { c.connections = 0; }, "at least one connection"},
      {[](PopulationConfig& c) { c.connections = 1ULL << 31; }, "connections"},
      {[](PopulationConfig& c) { c.open_spread = -1ns; }, "open_spread"},
      {[](PopulationConfig& c) { c.keepalive.idle = -1s; }, "idle"},
      {[](PopulationConfig& c) { c.keepalive.interval = -1s; }, "interval"},
      {[](PopulationConfig& c) { c.dead_fraction = 1.5; }, "dead_fraction"},
      {[](PopulationConfig& c) { c.dead_fraction = -0.1; }, "dead_fraction"},
      {[](PopulationConfig& c) { c.dead_fraction = std::nan(""); }, "dead_fraction"},
      {[](PopulationConfig& c) { c.answer_probability = 2.0; }, "answer_probability"},
      {[](PopulationConfig& c) { c.answer_probability = std::numeric_limits<double>::infinity(); },
       "answer_probability"},
      {[](PopulationConfig& c) { c.answer_delay = -1ms; }, "answer_delay"},
      {[](PopulationConfig& c) { c.traffic_window = -1ms; }, "traffic_window"},
      {[](PopulationConfig& c) {
         c.traffic_segments = 4;
         c.traffic_window = Duration::zero();
       },
       "traffic_window"},
      // Found hanging `ws2sim load --idle 0s --interval 0s`: each answer re-probes at once.
      {[](PopulationConfig& c) {
         c.keepalive.idle = Duration::zero();
         c.keepalive.interval = Duration::zero();
         c.dead_fraction = 0.5;
       },
       "time would never advance"},
  };
  for (const Case& k : cases) {
    PopulationConfig c;
    k.mutate(c);
    const Status s = c.validate();
    ASSERT_FALSE(s.ok()) << k.word;
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(s.error().message, HasSubstr(k.word));
    const auto created = Population::create(c);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().message, s.error().message);
  }
}

TEST(PopulationConfigValidate, AcceptsTheDefaultsAndTheEdges) {
  EXPECT_TRUE(PopulationConfig{}.validate().ok());
  PopulationConfig c;
  c.connections = (1ULL << 31) - 1;
  c.open_spread = Duration::zero();
  c.dead_fraction = 0.0;
  c.answer_probability = 0.0;
  c.keepalive.enabled = false;
  EXPECT_TRUE(c.validate().ok());
  // Idle and interval 0 are fine when every peer is dead, answers take time, or idle is set.
  PopulationConfig z;
  z.keepalive.idle = Duration::zero();
  z.keepalive.interval = Duration::zero();
  EXPECT_TRUE(z.validate().ok()) << "all dead";
  z.dead_fraction = 0.0;
  z.answer_delay = 1ns;
  EXPECT_TRUE(z.validate().ok()) << "answers 1 ns later";
  z.answer_delay = Duration::zero();
  z.keepalive.idle = 1ns;
  EXPECT_TRUE(z.validate().ok()) << "1 ns idle";
}

TEST(PopulationConfigValidate, KeepAliveOffOrZeroProbesOpensEverythingAndDropsNothing) {
  for (const bool enabled : {false, true}) {
    PopulationConfig c = three_dead();
    c.keepalive.enabled = enabled;
    c.keepalive.probe_count = 0;
    auto pop = make(c);
    ASSERT_TRUE(pop->run_to_completion().ok());
    EXPECT_EQ(pop->stats().events, 3U);
    EXPECT_EQ(pop->stats().timer_fires, 0U);
    EXPECT_EQ(pop->stats().connections_dropped, 0U);
  }
}

// ---- determinism ----

TEST(PopulationDeterminism, SameSeedSameStatsDifferentSeedDifferentDropHash) {
  PopulationConfig c;
  c.connections = 5'000;
  c.traffic_segments = 2;
  c.seed = 11;
  auto a = make(c);
  auto b = make(c);
  ASSERT_TRUE(a->run_to_completion().ok());
  ASSERT_TRUE(b->run_to_completion().ok());
  EXPECT_EQ(a->stats(), b->stats());
  c.seed = 12;
  auto other = make(c);
  ASSERT_TRUE(other->run_to_completion().ok());
  EXPECT_NE(other->stats().drop_hash, a->stats().drop_hash);
  EXPECT_EQ(other->stats().connections_dropped, a->stats().connections_dropped);
}

TEST(PopulationDeterminism, RunningInStepsGivesTheSameStatsAsOneRun) {
  PopulationConfig c;
  c.connections = 3'000;
  c.dead_fraction = 0.3;
  c.answer_probability = 0.7;
  c.answer_delay = 20ms;
  auto whole = make(c);
  auto steps = make(c);
  ASSERT_TRUE(whole->run_until(at(5h)).ok());
  for (TimePoint t = at(7min); t < at(5h); t += 7min)
    ASSERT_TRUE(steps->run_until(t).ok());
  ASSERT_TRUE(steps->run_until(at(5h)).ok());
  EXPECT_EQ(whole->stats(), steps->stats());
}

TEST(PopulationDeterminism, RunUntilThePastFailsAndChangesNothing) {
  auto pop = make(three_dead());
  ASSERT_TRUE(pop->run_until(at(120ms)).ok());
  const PopulationStats before = pop->stats();
  EXPECT_EQ(pop->run_until(at(110ms)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pop->now(), at(120ms));
  EXPECT_EQ(pop->stats(), before);
}

TEST(PopulationMemory, IdleConnectionsHoldThirtyTwoBytesOfModelStateEach) {
  PopulationConfig c;
  c.connections = 100'000;
  auto pop = make(c);
  ASSERT_TRUE(pop->run_until(at(1h + 1s)).ok());  // every connection open and idle
  EXPECT_LE(pop->memory_bytes(), c.connections * 32 + std::size_t{64} * 1024);
}

// ---- agreement with the full TCP model ----

// Five connections over Network with a crashed server, some of them receiving data first, and
// the same keep-alive settings on a population whose connections receive one segment each: the
// probes and the drop come at the same offsets from each connection's last receipt.
TEST(PopulationAgreesWithTcp, ProbeAndDropTimesFromTheLastReceiptMatchTheNetworkModel) {
  const KeepAliveConfig ka{.enabled = true, .idle = 10s, .interval = 2s, .probe_count = 4};

  World w{3};
  Network& net = w.network();
  const HostId client = net.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
  const HostId server = net.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
  ASSERT_TRUE(net.set_link(client, server, {.latency = 5ms, .loss = 0.0}).ok());
  const EndpointId listener = net.listen(server, 443).value();
  EndpointOptions options;
  options.keepalive = ka;
  std::vector<EndpointId> conns;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(w.run_until(at(i * 1s + 3ms)).ok());
    conns.push_back(net.connect(client, {net.address(server), 443}, options).value());
  }
  ASSERT_TRUE(w.run_until(at(5s)).ok());
  std::vector<EndpointId> peers;
  peers.reserve(5);
  for (int i = 0; i < 5; ++i)
    peers.push_back(net.accept(listener).value().value());
  for (int i = 1; i < 5; i += 2) {  // data for connections 1 and 3
    ASSERT_TRUE(w.run_until(at(5s + i * 100ms)).ok());
    const std::uint8_t byte = 'x';
    ASSERT_TRUE(net.send(peers[static_cast<std::size_t>(i)], {&byte, 1}).ok());
  }
  ASSERT_TRUE(w.run_until(at(6s)).ok());
  std::vector<TimePoint> last;
  std::vector<std::uint64_t> serial;
  for (const EndpointId c : conns) {
    const EndpointInfo info = net.info(c).value();
    last.push_back(*info.last_receive);
    serial.push_back(info.connection);
  }
  ASSERT_TRUE(net.crash(server).ok());
  ASSERT_TRUE(w.run_until(at(1min)).ok());

  // Offsets of the probes and of the drop from the last receipt, per connection.
  using Offsets = std::vector<Duration>;
  std::vector<Offsets> tcp(5);
  for (const TraceEvent& e : w.trace().events()) {
    for (std::size_t i = 0; i < 5; ++i) {
      if (e.host != client || e.connection != serial[i]) continue;
      if (e.kind == TraceKind::kProbeSent ||
          (e.kind == TraceKind::kConnectionClosed && e.reason == CloseReason::kKeepAliveTimeout)) {
        tcp[i].push_back(e.at - last[i]);
      }
    }
  }
  const Offsets expected{10s, 12s, 14s, 16s, 18s};  // 4 probes, then the drop
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_EQ(tcp[i], expected) << "TCP connection " << i;

  PopulationConfig c;
  c.connections = 5;
  c.open_spread = 5s;
  c.keepalive = ka;
  c.traffic_segments = 1;
  c.traffic_window = 1s;
  c.seed = 9;
  auto pop = make(c);
  ProbeLog log;
  log.attach(*pop);
  ASSERT_TRUE(pop->run_to_completion().ok());
  const PopulationWorkload work(c);
  std::uint64_t hash = 0;
  for (std::uint32_t i = 0; i < 5; ++i) {
    const TimePoint receipt = work.traffic_time(i, 0);
    Offsets offsets;
    for (const TimePoint t : log.at[i])
      offsets.push_back(t - receipt);
    hash += population_drop_mix(i, receipt + expected.back());
    EXPECT_EQ(offsets, Offsets(expected.begin(), expected.end() - 1)) << "population " << i;
  }
  EXPECT_EQ(pop->stats().drop_hash, hash) << "drops at the last receipt + 18 s";
}

// ---- the shared engine under a mixed load ----

// A reference model of the scheduler's contract: events run in (due, order of scheduling).
// Keep-alive engines (whose timers are intrusive nodes) and closures at fixed and random delays,
// with cancellations and restarts, must interleave exactly in that order.
class OrderingDriver final : public KeepAliveDriver {
 public:
  explicit OrderingDriver(std::vector<std::pair<TimePoint, std::uint64_t>>& log, const Scheduler& s)
      : log_(log), s_(s) {}
  bool has_outstanding_data(std::uint32_t /*conn*/) override { return false; }
  void send_probe(std::uint32_t conn, std::uint32_t /*probe*/, std::uint32_t /*of*/) override {
    log_.emplace_back(s_.now(), 1'000'000 + conn);
  }
  void keepalive_timeout(std::uint32_t conn, std::uint32_t /*of*/) override {
    log_.emplace_back(s_.now(), 2'000'000 + conn);
  }

 private:
  std::vector<std::pair<TimePoint, std::uint64_t>>& log_;
  const Scheduler& s_;
};

TEST(SchedulerUnderLoad, KeepAliveNodesAndClosuresRunInTimeThenSchedulingOrder) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Scheduler s;
    std::vector<std::pair<TimePoint, std::uint64_t>> log;
    OrderingDriver driver(log, s);
    KeepAliveEngine engine(s, driver);
    Rng rng{seed};
    // Closures record (due, id); ids are taken in scheduling order.
    struct Closure {
      TimePoint due;
      std::uint64_t id;
    };
    std::vector<Closure> scheduled;
    std::vector<EventId> ids;
    std::vector<Closure> ran;
    std::uint64_t next_id = 0;
    const KeepAliveConfig cfg{.enabled = true, .idle = 3ms, .interval = 1ms, .probe_count = 2};
    const Duration fixed[] = {1ms, 2ms, 3ms};  // shared with the engine's delays
    for (int round = 0; round < 400; ++round) {
      const auto conn = static_cast<std::uint32_t>(rng.below(50));
      switch (rng.below(6)) {
        case 0:
          ASSERT_TRUE(engine.start(conn, cfg).ok());
          break;
        case 1:
          engine.stop(conn);
          break;
        case 2:
          engine.on_receive(conn);
          break;
        case 3:
        case 4: {
          const Duration d = rng.below(2) == 0
                                 ? fixed[rng.below(3)]
                                 : Duration{static_cast<std::int64_t>(rng.below(4'000'000))};
          const Closure c{s.now() + d, next_id++};
          scheduled.push_back(c);
          ids.push_back(s.schedule_in(d, [&ran, c] { ran.push_back(c); }).value());
          break;
        }
        default:
          if (!ids.empty()) s.cancel(ids[rng.below(ids.size())]);
          break;
      }
      ASSERT_TRUE(s.run_for(Duration{static_cast<std::int64_t>(rng.below(700'000))}).ok());
    }
    ASSERT_TRUE(s.run_for(1s).ok());
    // Closures ran in (due, scheduling order), each at its due time.
    for (std::size_t i = 1; i < ran.size(); ++i) {
      EXPECT_TRUE(ran[i - 1].due < ran[i].due ||
                  (ran[i - 1].due == ran[i].due && ran[i - 1].id < ran[i].id))
          << "seed " << seed << ": closure " << ran[i].id << " after " << ran[i - 1].id;
    }
    // Keep-alive decisions happened in time order.
    EXPECT_TRUE(std::is_sorted(log.begin(), log.end(),
                               [](const auto& a, const auto& b) { return a.first < b.first; }));
    EXPECT_EQ(s.pending_count(), 0U);
  }
}

// The engine's 24-byte node keeps probes-out in 16 bits and the parameter set in 8: larger values
// live in side tables, with exactly the same behaviour.
class CountingDriver final : public KeepAliveDriver {
 public:
  explicit CountingDriver(const Scheduler& s) : s_(s) {}
  bool has_outstanding_data(std::uint32_t /*conn*/) override { return false; }
  void send_probe(std::uint32_t conn, std::uint32_t probe, std::uint32_t of) override {
    ++probes[conn];
    last_probe = probe;
    last_of = of;
  }
  void keepalive_timeout(std::uint32_t conn, std::uint32_t of) override {
    drops[conn] = s_.now();
    last_of = of;
  }
  std::map<std::uint32_t, std::uint32_t> probes;
  std::map<std::uint32_t, TimePoint> drops;
  std::uint32_t last_probe = 0;
  std::uint32_t last_of = 0;

 private:
  const Scheduler& s_;
};

TEST(EngineSideTables, SeventyThousandProbesAreCountedExactlyAndAnAnswerResetsThem) {
  Scheduler s;
  CountingDriver d(s);
  KeepAliveEngine e(s, d);
  const KeepAliveConfig many{.enabled = true, .idle = 1ms, .interval = 1us, .probe_count = 70'000};
  ASSERT_TRUE(e.start(0, many).ok());
  ASSERT_TRUE(e.start(1, many).ok());
  ASSERT_TRUE(s.run_until(at(1ms + 66'000us - 1us)).ok());
  EXPECT_EQ(e.probes_out(0), 66'000U);
  EXPECT_TRUE(e.on_receive(1)) << "answers probe 66,000 of connection 1";
  EXPECT_EQ(e.probes_out(1), 0U);
  ASSERT_TRUE(s.run_until(at(1h)).ok());
  EXPECT_EQ(d.probes[0], 70'000U);
  EXPECT_EQ(d.drops[0], at(1ms + 70'000us));
  EXPECT_EQ(d.probes[1], 66'000U + 70'000U);
  EXPECT_EQ(d.drops[1], at(1ms + 66'000us - 1us + 1ms + 70'000us));
  EXPECT_EQ(d.last_of, 70'000U);
  EXPECT_EQ(e.probes_out(0), 0U);
}

TEST(EngineSideTables, ThreeHundredDistinctParameterSetsEachKeepTheirOwnTiming) {
  Scheduler s;
  CountingDriver d(s);
  KeepAliveEngine e(s, d);
  for (std::uint32_t c = 0; c < 300; ++c) {
    const KeepAliveConfig cfg{.enabled = true,
                              .idle = Duration{std::chrono::milliseconds(c + 1)},
                              .interval = 1ms,
                              .probe_count = 1};
    ASSERT_TRUE(e.start(c, cfg).ok());
    EXPECT_EQ(e.next_check(c), at(Duration{std::chrono::milliseconds(c + 1)}));
  }
  for (std::uint32_t c = 0; c < 300; c += 2)
    e.stop(c);  // frees half of the sets for reuse
  const KeepAliveConfig other{.enabled = true, .idle = 1s, .interval = 1ms, .probe_count = 1};
  for (std::uint32_t c = 300; c < 400; ++c)
    ASSERT_TRUE(e.start(c, other).ok());
  ASSERT_TRUE(s.run_until(at(2s)).ok());
  for (std::uint32_t c = 1; c < 300; c += 2)
    EXPECT_EQ(d.drops[c], at(Duration{std::chrono::milliseconds(c + 1)} + 1ms)) << c;
  for (std::uint32_t c = 300; c < 400; ++c)
    EXPECT_EQ(d.drops[c], at(1s + 1ms)) << c;
  EXPECT_EQ(d.drops.size(), 150U + 100U);
  EXPECT_EQ(s.pending_count(), 0U);
}

// A reference for the scheduler's contract: a map ordered by (due, order of scheduling). Closures
// at random, repeated and zero delays (lanes, holes, the radix heap), cancellations of pending and
// finished events, and events scheduled from inside events, checked step by step.
TEST(SchedulerUnderLoad, RandomScheduleCancelAndRunMatchAReferenceOrder) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Scheduler s;
    Rng rng{seed * 7919};
    std::map<std::pair<TimePoint, std::uint64_t>, int> reference;  // (due, order) -> id
    std::vector<std::pair<EventId, std::pair<TimePoint, std::uint64_t>>> ids;
    std::vector<int> ran;
    std::uint64_t order = 0;
    int next_id = 0;
    const Duration fixed[] = {0ns, 1ms, 7ms, 7ms, 30ms, 1s};
    std::function<void(int)> schedule = [&](int depth) {
      Duration d;
      switch (rng.below(3)) {
        case 0:
          d = fixed[rng.below(6)];
          break;
        case 1:
          d = Duration{static_cast<std::int64_t>(rng.below(50'000'000))};
          break;
        default:
          d = Duration{static_cast<std::int64_t>(rng.below(1ULL << 40))};
          break;
      }
      const int id = next_id++;
      const auto key = std::make_pair(s.now() + d, order++);
      reference.emplace(key, id);
      const EventId e = s.schedule_in(d, [&, id, depth] {
                           ran.push_back(id);
                           if (depth < 2 && rng.below(3) == 0) schedule(depth + 1);
                         }).value();
      ids.emplace_back(e, key);
    };
    for (int round = 0; round < 3000; ++round) {
      const auto op = rng.below(10);
      if (op < 5) {
        schedule(0);
      } else if (op < 7 && !ids.empty()) {
        const auto& [e, key] = ids[rng.below(ids.size())];
        const bool pending = reference.count(key) != 0;
        EXPECT_EQ(s.cancel(e), pending);
        reference.erase(key);
      } else {
        const TimePoint until = s.now() + Duration{static_cast<std::int64_t>(rng.below(
                                              rng.below(4) == 0 ? 1ULL << 41 : 20'000'000))};
        ran.clear();
        // Events scheduled from inside events join the reference as they are scheduled, so
        // replay the reference alongside: everything due by `until`, in (due, order).
        ASSERT_TRUE(s.run_until(until).ok());
        std::vector<int> expected;
        while (!reference.empty() && reference.begin()->first.first <= until) {
          expected.push_back(reference.begin()->second);
          reference.erase(reference.begin());
        }
        ASSERT_EQ(ran, expected) << "seed " << seed << " round " << round;
        EXPECT_EQ(s.pending_count(), reference.size());
      }
    }
  }
}

// Ties: a keep-alive timer and closures due at one instant run in the order they were scheduled,
// whether the delay is still new (the heap) or has a lane, and re-armed timers of earlier rounds
// come first because their engine re-armed them earlier.
class TieDriver final : public KeepAliveDriver {
 public:
  explicit TieDriver(std::vector<std::string>& log) : log_(log) {}
  bool has_outstanding_data(std::uint32_t /*conn*/) override { return false; }
  void send_probe(std::uint32_t conn, std::uint32_t /*probe*/, std::uint32_t /*of*/) override {
    log_.push_back("probe " + std::to_string(conn));
  }
  void keepalive_timeout(std::uint32_t conn, std::uint32_t /*of*/) override {
    log_.push_back("drop " + std::to_string(conn));
  }

 private:
  std::vector<std::string>& log_;
};

TEST(SchedulerUnderLoad, TimersAndClosuresDueAtOneInstantRunInSchedulingOrder) {
  Scheduler s;
  std::vector<std::string> log;
  TieDriver driver(log);
  KeepAliveEngine engine(s, driver);
  const KeepAliveConfig cfg{.enabled = true, .idle = 3ms, .interval = 3ms, .probe_count = 5};
  for (std::uint32_t round = 0; round < 4; ++round) {
    const TimePoint t = s.now();
    const std::string r = std::to_string(round);
    ASSERT_TRUE(
        s.schedule_in(3ms, [&log, round] { log.push_back("a " + std::to_string(round)); }).ok());
    ASSERT_TRUE(engine.start(round, cfg).ok());
    ASSERT_TRUE(s.schedule_at(t + 3ms, [&log, round] {
                   log.push_back("b " + std::to_string(round));
                 }).ok());
    log.clear();
    ASSERT_TRUE(s.run_until(t + 3ms).ok());
    std::vector<std::string> expected;
    for (std::uint32_t earlier = 0; earlier < round; ++earlier)
      expected.push_back("probe " + std::to_string(earlier));
    expected.insert(expected.end(), {"a " + r, "probe " + r, "b " + r});
    EXPECT_EQ(log, expected) << "round " << round;
  }
}

}  // namespace
}  // namespace ws2sim::testing
