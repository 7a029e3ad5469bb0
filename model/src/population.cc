#include "ws2sim/model/population.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "time_sort.h"
#include "ws2sim/model/rng.h"
#include "ws2sim/model/scheduler.h"

namespace ws2sim {
namespace {

constexpr std::uint64_t kMaxConnections = 0x7FFF'FFFF;  // the engine's node index range

// Domain tags keep the per-purpose draws independent of each other.
constexpr std::uint64_t kOpenTag = 0x6f70656e'00000000ULL;
constexpr std::uint64_t kDeadTag = 0x64656164'00000000ULL;
constexpr std::uint64_t kAnswerTag = 0x616e7377'00000000ULL;

constexpr std::uint64_t mix64(std::uint64_t z) noexcept {  // SplitMix64's finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A draw's seed is a purpose's key, one per seed (computed once, in PopulationWorkload), mixed
// with the key of (connection, index). A yes/no draw needs only the first output of the generator
// so seeded: Rng::first_chance gives it without seeding the whole state.
std::uint64_t purpose_key(std::uint64_t seed, std::uint64_t tag) noexcept {
  return mix64(seed ^ tag);
}
std::uint64_t conn_key(std::uint64_t conn, std::uint64_t index) noexcept {
  return mix64(conn + 0x9e3779b97f4a7c15ULL * (index + 1));
}

// floor(i * span / n) exactly, without overflow or a 128-bit division (span >= 0, i <= n < 2^32):
// with span = q n + r, it is i q + floor(i r / n), and i r < n^2 < 2^64.
std::int64_t stratum(std::uint64_t i, std::int64_t span, std::uint64_t n) noexcept {
  const auto s = static_cast<std::uint64_t>(span);
  return static_cast<std::int64_t>(i * (s / n) + i * (s % n) / n);
}

std::string seconds_text(Duration d) {
  return format_duration(d);
}

}  // namespace

std::uint64_t population_drop_mix(std::uint64_t conn, TimePoint at) noexcept {
  return mix64(mix64(conn + 1) ^ static_cast<std::uint64_t>(at.time_since_epoch().count()));
}

Status PopulationConfig::validate() const {
  if (connections == 0) return invalid_argument("a population needs at least one connection");
  if (connections > kMaxConnections) {
    return invalid_argument("at most " + std::to_string(kMaxConnections) +
                            " connections in one population (asked for " +
                            std::to_string(connections) + ")");
  }
  if (open_spread < Duration::zero()) {
    return invalid_argument("open_spread is negative (" + seconds_text(open_spread) + ")");
  }
  if (Status s = keepalive.validate(); !s.ok()) return s;
  if (!is_valid_probability(dead_fraction)) {
    return invalid_argument("dead_fraction must be within [0, 1] (got " +
                            std::to_string(dead_fraction) + ")");
  }
  if (!is_valid_probability(answer_probability)) {
    return invalid_argument("answer_probability must be within [0, 1] (got " +
                            std::to_string(answer_probability) + ")");
  }
  if (answer_delay < Duration::zero()) {
    return invalid_argument("answer_delay is negative (" + seconds_text(answer_delay) + ")");
  }
  if (traffic_window < Duration::zero()) {
    return invalid_argument("traffic_window is negative (" + seconds_text(traffic_window) + ")");
  }
  if (traffic_segments > 0 && traffic_window == Duration::zero()) {
    return invalid_argument("traffic_segments > 0 needs a positive traffic_window");
  }
  // An answer at the probe's instant restarts an idle time of 0, so the next probe is due at
  // that instant too, and so on: the run would never leave it.
  if (keepalive.enabled && keepalive.probe_count > 0 && keepalive.idle == Duration::zero() &&
      keepalive.interval == Duration::zero() && answer_delay == Duration::zero() &&
      dead_fraction < 1.0 && answer_probability > 0.0) {
    return invalid_argument(
        "keep-alive idle, interval and answer_delay are all 0 while live peers answer: every "
        "answer would start the next probe at the same instant and time would never advance; "
        "make one of them positive");
  }
  return {};
}

PopulationWorkload::PopulationWorkload(const PopulationConfig& config)
    : config_(config),
      dead_(Probability::from_double(config.dead_fraction)),
      answer_(Probability::from_double(config.answer_probability)),
      open_key_(purpose_key(config.seed, kOpenTag)),
      dead_key_(purpose_key(config.seed, kDeadTag)),
      answer_key_(purpose_key(config.seed, kAnswerTag)) {
  if (config_.connections != 0) {
    const auto span =
        static_cast<std::uint64_t>(std::max<std::int64_t>(config_.open_spread.count(), 0));
    open_q_ = span / config_.connections;
    open_r_ = span % config_.connections;
  }
  constexpr std::uint32_t kTabulated = 4096;
  if (config_.traffic_segments != 0 && config_.traffic_segments <= kTabulated) {
    segment_bounds_.resize(std::size_t{config_.traffic_segments} + 1);
    for (std::uint32_t k = 0; k <= config_.traffic_segments; ++k)
      segment_bounds_[k] = stratum(k, config_.traffic_window.count(), config_.traffic_segments);
  }
}

// Each connection has one generator: its first draw places the open within the connection's
// stratum of the spread, the next ones its traffic segments within theirs.
Rng PopulationWorkload::connection_rng(std::uint64_t conn) const noexcept {
  return Rng{open_key_ ^ conn_key(conn, 0)};
}

TimePoint PopulationWorkload::open_time(std::uint64_t conn) const noexcept {
  Rng rng = connection_rng(conn);
  return open_draw(conn, rng);
}

TimePoint PopulationWorkload::open_draw(std::uint64_t conn, Rng& rng) const noexcept {
  // stratum(i, open_spread, n) = i q + floor(i r / n) with q and r precomputed.
  const std::uint64_t n = config_.connections;
  const auto lo = static_cast<std::int64_t>(conn * open_q_ + conn * open_r_ / n);
  const auto hi = static_cast<std::int64_t>((conn + 1) * open_q_ + (conn + 1) * open_r_ / n);
  const auto offset = rng.below(static_cast<std::uint64_t>(hi - lo));
  return kEpoch + Duration{lo + static_cast<std::int64_t>(offset)};
}

Duration PopulationWorkload::segment_draw(std::uint32_t k, Rng& rng) const noexcept {
  std::int64_t lo;
  std::int64_t hi;
  if (!segment_bounds_.empty()) {
    lo = segment_bounds_[k];
    hi = segment_bounds_[std::size_t{k} + 1];
  } else {
    const std::int64_t span = config_.traffic_window.count();
    const std::uint32_t n = config_.traffic_segments;
    lo = stratum(k, span, n);
    hi = stratum(std::uint64_t{k} + 1, span, n);
  }
  return Duration{lo + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(hi - lo)))};
}

TimePoint PopulationWorkload::traffic_time(std::uint64_t conn, std::uint32_t k) const noexcept {
  Rng rng = connection_rng(conn);
  const TimePoint open = open_draw(conn, rng);
  Duration offset{};
  for (std::uint32_t j = 0; j <= k; ++j)
    offset = segment_draw(j, rng);
  return saturating_add(open, offset);
}

bool PopulationWorkload::peer_dead(std::uint64_t conn) const noexcept {
  if (config_.dead_fraction >= 1.0) return true;
  if (config_.dead_fraction <= 0.0) return false;
  return Rng::first_chance(dead_key_ ^ conn_key(conn, 0), dead_);
}

bool PopulationWorkload::answers(std::uint64_t conn, TimePoint at) const noexcept {
  if (config_.answer_probability >= 1.0) return true;
  if (config_.answer_probability <= 0.0) return false;
  const auto t = static_cast<std::uint64_t>(at.time_since_epoch().count());
  return Rng::first_chance(answer_key_ ^ conn_key(conn, t), answer_);
}

TrafficStream::TrafficStream(const PopulationConfig& config) : work_(config) {
  if (config.traffic_segments == 0) {
    next_conn_ = config.connections;
    return;
  }
  // Buckets a power of two wide, a few thousand segments each on average, in a ring one window
  // long (at most 1024 buckets). Few wide buckets, not many narrow ones: every new connection
  // scatters its segments over the whole window, and with ~10^4 buckets each append was a cache
  // miss; a few hundred bucket tails stay in cache, and sorting a bucket of thousands when it
  // is complete costs less than those misses.
  const std::int64_t window = std::max<std::int64_t>(config.traffic_window.count(), 1);
  const double segments =
      static_cast<double>(config.connections) * static_cast<double>(config.traffic_segments);
  const double span = static_cast<double>(config.open_spread.count() + window);
  const double target = std::max(1.0, span * 4096.0 / segments);
  while (static_cast<double>(width()) * 2 <= target || window / width() + 2 > (1 << 10))
    ++width_shift_;
  std::size_t ring = 1;
  while (ring < static_cast<std::size_t>(window / width() + 2))
    ring *= 2;
  buckets_.resize(ring);
  bucket_ = work_.open_time(0).time_since_epoch().count() >> width_shift_;
}

const PopulationWorkload::Arrival* TrafficStream::peek() {
  if (ready_pos_ != ready_.size()) return &ready_[ready_pos_];
  // Every connection generated and every bucket sorted: nothing can come any more (a
  // population without traffic asks on every open).
  if (pending_ == 0 && next_conn_ == work_.config().connections) return nullptr;
  while (ready_pos_ == ready_.size()) {
    if (!refill()) return nullptr;
    refilled_ = true;
  }
  return &ready_[ready_pos_];
}

// Sorts the next non-empty bucket into `ready_`. Bucket b is complete once every connection
// opening before its end has been generated: later ones cannot reach back into it.
bool TrafficStream::refill() {
  const PopulationConfig& c = work_.config();
  ready_.clear();
  ready_pos_ = 0;
  while (ready_.empty()) {
    if (pending_ == 0) {
      if (next_conn_ == c.connections) return false;
      // Nothing pending: jump to the next connection's first bucket.
      bucket_ =
          std::max(bucket_, work_.open_time(next_conn_).time_since_epoch().count() >> width_shift_);
    }
    const std::int64_t end = (bucket_ + 1) << width_shift_;  // exclusive
    while (next_conn_ < c.connections) {
      Rng rng = work_.connection_rng(next_conn_);
      const TimePoint open = work_.open_draw(next_conn_, rng);
      if (open.time_since_epoch().count() >= end) break;
      for (std::uint32_t k = 0; k < c.traffic_segments; ++k) {
        const std::int64_t t =
            saturating_add(open, work_.segment_draw(k, rng)).time_since_epoch().count();
        buckets_[static_cast<std::size_t>(t >> width_shift_) & (buckets_.size() - 1)].push_back(
            {t, static_cast<std::uint32_t>(next_conn_), k});
        ++pending_;
      }
      ++next_conn_;
    }
    std::vector<PopulationWorkload::Arrival>& b =
        buckets_[static_cast<std::size_t>(bucket_) & (buckets_.size() - 1)];
    ready_.swap(b);
    pending_ -= ready_.size();
    ++bucket_;
  }
  sort_by_time(ready_, scratch_, (bucket_ - 1) << width_shift_, width_shift_);
  return true;
}

std::size_t TrafficStream::memory_bytes() const noexcept {
  std::size_t bytes =
      sizeof(*this) +
      (ready_.capacity() + scratch_.capacity()) * sizeof(PopulationWorkload::Arrival) +
      buckets_.capacity() * sizeof(std::vector<PopulationWorkload::Arrival>);
  for (const auto& b : buckets_)
    bytes += b.capacity() * sizeof(PopulationWorkload::Arrival);
  return bytes;
}

// The driver: the peer of every connection, and the events that deliver arrivals (opens, traffic)
// and answers. Those events are counted so that timer_fires = events run - them.
struct Population::Impl final : KeepAliveDriver {
  explicit Impl(const PopulationConfig& c)
      : config(c),
        work(c),
        all_dead(c.dead_fraction >= 1.0),
        never_answer(c.answer_probability <= 0.0),
        engine(scheduler, *this) {}

  PopulationConfig config;
  PopulationWorkload work;
  bool all_dead;
  bool never_answer;
  bool silent_probes = all_dead || never_answer;  // and no on_probe hook
  Scheduler scheduler;
  KeepAliveEngine engine;  // after the scheduler: it cancels its timers on destruction
  mutable PopulationStats stats;
  std::function<void(std::uint64_t, TimePoint)> probe_hook;
  TrafficStream traffic{config};
  std::uint64_t next_open = 0;
  std::int64_t next_open_at = 0;
  std::uint64_t own_events = 0;  // arrivals delivered, answers
  // An answer due at the instant of its probe is, as an event, queued behind everything else due
  // then; but with no traffic nothing else due then can touch its connection (the connection's
  // own timer is re-armed after the probe, so it comes later still), and other connections
  // cannot see it. Applying it inside send_probe() therefore changes no outcome and saves an
  // event's queueing: S4 and S5 answer millions of probes (bench/README.md). It still counts as
  // an event. model/tests/population_reference_test.cc checks the equivalence, ties included.
  bool answer_at_once = config.answer_delay == Duration::zero() && config.traffic_segments == 0;
  std::uint64_t answers_at_once = 0;  // answers applied so (events the scheduler did not run)

  // Traffic arrivals this far ahead have their connection's node fetched in advance.
  static constexpr std::size_t kLookahead = 16;

  void prefetch_node(std::uint32_t conn) const noexcept { engine.prefetch(conn); }

  // The next arrival is an open (opens come first on a tie), else traffic.peek().
  [[nodiscard]] bool open_is_next() {
    const PopulationWorkload::Arrival* t = traffic.peek();
    return next_open < config.connections && (t == nullptr || next_open_at <= t->at);
  }

  void note_next_open() {
    if (next_open < config.connections) {
      next_open_at = work.open_time(next_open).time_since_epoch().count();
    }
  }

  // The time of the next arrival, if any.
  [[nodiscard]] std::optional<std::int64_t> next_arrival() {
    if (next_open == config.connections && traffic.peek() == nullptr) return std::nullopt;
    return open_is_next() ? next_open_at : traffic.peek()->at;
  }

  void schedule_feed() {
    if (const auto at = next_arrival()) scheduler.arm_source(*at);  // >= now: in time order
  }

  // The source's event: delivers arrivals while each next one is also the scheduler's next event
  // (Scheduler::source_runs_on), then arms for the one that is not.
  void feed() {
    for (;;) {
      deliver();
      const std::optional<std::int64_t> at = next_arrival();
      if (!at) return;
      if (!scheduler.source_runs_on(*at)) {
        scheduler.arm_source(*at);
        return;
      }
    }
  }

  void deliver() {
    ++own_events;
    if (open_is_next()) {
      const auto conn = static_cast<std::uint32_t>(next_open++);
      note_next_open();
      (void)engine.start(conn, config.keepalive);  // validated in create()
      return;
    }
    engine.on_receive(traffic.peek()->conn);
    traffic.pop();
    // Fetch the nodes of the segments to come: the first kLookahead + 1 when a batch is sorted,
    // else the one kLookahead places on.
    if (traffic.peek() != nullptr) {
      const auto up = traffic.upcoming();
      if (traffic.take_refilled()) {
        for (std::size_t i = 0; i <= kLookahead && i < up.size(); ++i)
          prefetch_node(up[i].conn);
      } else if (up.size() > kLookahead) {
        prefetch_node(up[kLookahead].conn);
      }
    }
  }

  bool has_outstanding_data(std::uint32_t /*conn*/) override { return false; }
  [[nodiscard]] bool may_have_outstanding_data() const override { return false; }

  // Every probe costs a count; a probe into silence (a fleet of dead peers sends millions)
  // costs nothing more, so it returns before anything that needs registers saved.
  void send_probe(std::uint32_t conn, std::uint32_t /*probe*/, std::uint32_t /*of*/) override {
    ++stats.probes_sent;
    if (silent_probes) [[likely]]
      return;
    probe_reaches_peer(conn);
  }

  // A probe that is watched (on_probe) or that a live peer may answer.
  [[gnu::noinline]] void probe_reaches_peer(std::uint32_t conn) {
    const TimePoint now = scheduler.now();
    if (probe_hook) probe_hook(conn, now);
    if (all_dead || never_answer || work.peer_dead(conn) || !work.answers(conn, now)) return;
    if (answer_at_once) {
      // The engine is inside fire() for `conn`: it holds nothing across send_probe(), and this
      // leaves the state the queued answer would (a fresh stamp, no probes out, the timer as
      // fire() re-arms it).
      ++own_events;
      ++answers_at_once;
      if (engine.on_receive(conn)) ++stats.probes_answered;
      return;
    }
    (void)scheduler.schedule_in(config.answer_delay, [this, conn] {
      ++own_events;
      if (engine.on_receive(conn)) ++stats.probes_answered;
    });
  }

  void keepalive_timeout(std::uint32_t conn, std::uint32_t /*of*/) override {
    ++stats.connections_dropped;
    stats.drop_hash += population_drop_mix(conn, scheduler.now());
  }
};

Population::Population(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Population::~Population() = default;

Result<std::unique_ptr<Population>> Population::create(const PopulationConfig& config) {
  if (Status s = config.validate(); !s.ok()) return s.error();
  auto impl = std::make_unique<Impl>(config);
  // Every connection's node, stamp and bit exist up front, so each open takes start()'s inline
  // path (a start beyond the arrays grows them on the general path).
  impl->engine.reserve(static_cast<std::uint32_t>(config.connections));
  impl->scheduler.set_source([](void* self) { static_cast<Impl*>(self)->feed(); }, impl.get());
  impl->note_next_open();
  impl->schedule_feed();
  return std::unique_ptr<Population>(new Population(std::move(impl)));
}

Status Population::run_until(TimePoint t) {
  return impl_->scheduler.run_until(t);
}

void Population::drain_until(TimePoint t) {
  for (std::optional<TimePoint> next = impl_->scheduler.next_event_time(); next && *next <= t;
       next = impl_->scheduler.next_event_time()) {
    impl_->scheduler.step();
  }
}

std::optional<TimePoint> Population::next_event_time() {
  return impl_->scheduler.next_event_time();
}

Status Population::run_to_completion() {
  const PopulationConfig& c = impl_->config;
  if (c.dead_fraction < 1.0 && c.answer_probability > 0.0 && c.keepalive.enabled &&
      c.keepalive.probe_count > 0) {
    return invalid_argument(
        "run_to_completion would never end: live peers (dead_fraction < 1) answer probes "
        "(answer_probability > 0) and keep their connections open; use run_until");
  }
  impl_->scheduler.drain();
  return {};
}

const PopulationStats& Population::stats() const noexcept {
  impl_->stats.events = impl_->scheduler.events_run() + impl_->answers_at_once;
  impl_->stats.timer_fires = impl_->stats.events - impl_->own_events;
  return impl_->stats;
}

TimePoint Population::now() const noexcept {
  return impl_->scheduler.now();
}

void Population::on_probe(std::function<void(std::uint64_t conn, TimePoint at)> fn) {
  impl_->probe_hook = std::move(fn);
  impl_->silent_probes = !impl_->probe_hook && (impl_->all_dead || impl_->never_answer);
}

std::size_t Population::memory_bytes() const noexcept {
  return sizeof(Impl) + impl_->engine.memory_bytes() - sizeof(KeepAliveEngine) +
         impl_->scheduler.memory_bytes() - sizeof(Scheduler) + impl_->traffic.memory_bytes() -
         sizeof(TrafficStream);
}

}  // namespace ws2sim
