// ws2sim/model/keepalive.h — the keep-alive timer engine (RFC 1122 §4.2.3.6).
//
// One engine watches many connections. Its per-connection state is small and its timer work is
// lazy, after Linux's `tcp_keepalive_timer`: a received segment only stamps a time (no timer is
// touched); when the timer fires, the engine recomputes idleness and does exactly one of
//   - nothing more (keep-alive off, or the probe count is 0: never probe, never drop),
//   - re-arm for the remainder of the idle time (traffic arrived since the timer was armed),
//   - re-arm after a full idle period because sent data is outstanding (RFC 9293 MUST-26: the
//     retransmission timer owns liveness then),
//   - send probe k of N and re-arm one interval later,
//   - report the connection dead after N unanswered probes.
// Hence detection time from the last received segment is `idle + N x interval`.
//
//   KeepAliveConfig cfg{.enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10};
//   engine.start(conn, cfg);          // when the connection is established
//   engine.on_receive(conn);          // on every acceptable segment: a timestamp store
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <vector>

#include "ws2sim/model/scheduler.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim {

/// What a probe carries. Windows 2000 could be told to add one garbage octet; both shapes make a
/// live peer answer with an ACK for its RCV.NXT.
enum class ProbeShape : std::uint8_t {
  kNoData,           ///< SEQ = SND.NXT - 1, no payload (the common shape).
  kOneGarbageOctet,  ///< SEQ = SND.NXT - 1, one payload octet.
};

/// Keep-alive parameters of one connection.
struct KeepAliveConfig {
  bool enabled = false;                         ///< Off by default (RFC 1122: MUST default to off).
  Duration idle = std::chrono::hours(2);        ///< Idle time before the first probe.
  Duration interval = std::chrono::seconds(1);  ///< Time between unanswered probes.
  std::uint32_t probe_count = 10;  ///< Unanswered probes before the drop; 0 = never probe.
  ProbeShape shape = ProbeShape::kNoData;

  /// Checks the ranges: durations must not be negative.
  [[nodiscard]] Status validate() const;
  friend bool operator==(const KeepAliveConfig&, const KeepAliveConfig&) = default;
};

/// When a peer that went silent at `last_receive` is declared dead: `idle + probe_count x
/// interval` later. nullopt when keep-alive is off or the probe count is 0 (never).
std::optional<Duration> detection_delay(const KeepAliveConfig& config);

/// What the engine needs from the transport that owns the connections.
class KeepAliveDriver {
 public:
  virtual ~KeepAliveDriver() = default;
  /// True while sent data (or a FIN) is unacknowledged or queued: probes are suppressed then.
  virtual bool has_outstanding_data(std::uint32_t conn) = 0;
  /// False if has_outstanding_data() never returns true (connections that never send, such as a
  /// `Population`'s): the engine then skips that call on every expiry. Asked once, when the
  /// engine is constructed.
  [[nodiscard]] virtual bool may_have_outstanding_data() const { return true; }
  /// Send probe number `probe` (1-based) of `of`.
  virtual void send_probe(std::uint32_t conn, std::uint32_t probe, std::uint32_t of) = 0;
  /// `of` probes went unanswered: the connection is dead.
  virtual void keepalive_timeout(std::uint32_t conn, std::uint32_t of) = 0;
  /// The timer found data outstanding and deferred probing by one idle period.
  virtual void keepalive_suppressed(std::uint32_t /*conn*/) {}
};

/// Keep-alive timers for a dense range of connection indices.
class KeepAliveEngine {
 public:
  KeepAliveEngine(Scheduler& scheduler, KeepAliveDriver& driver);
  KeepAliveEngine(const KeepAliveEngine&) = delete;
  KeepAliveEngine& operator=(const KeepAliveEngine&) = delete;
  ~KeepAliveEngine();

  /// Starts (or restarts with new parameters) watching `conn`; idleness counts from now unless
  /// the connection already had a receive stamp. A disabled config is the same as `stop`.
  /// Like Linux, a change of parameters re-arms the timer at once.
  /// Inline fast path (arm/cancel are per-connection hot paths, bench/README.md):
  /// a fresh start with valid parameters that repeat the last interned set.
  Status start(std::uint32_t conn, const KeepAliveConfig& config) {
    // Only enabled, validated sets are interned: equal to one, `config` is enabled and valid.
    if (conn < nodes_.size() && nodes_[conn].tag == kInactive && last_config_ < kTagOverflow &&
        last_config_ < configs_.size() && config_users_[last_config_] != 0 &&
        configs_[last_config_] == config) {
      // An unwatched node is disarmed, has no probes out and no side-table entries (reset()
      // cleared them). Like Linux's tcp_set_keepalive(), a fresh start counts a full idle
      // period from now.
      ++config_users_[last_config_];
      const std::int64_t now = scheduler_.now().time_since_epoch().count();
      stamps_[conn] = now;
      nodes_[conn].tag = static_cast<std::uint8_t>(last_config_);
      if (config.probe_count != 0) {
        arm_at(conn, plus(now, config.idle));  // 0: no timer at all
      }
      return {};
    }
    return start_slow(conn, config);
  }
  /// Stops watching `conn` and cancels its timer; forgets its receive stamp.
  void stop(std::uint32_t conn) {
    if (conn >= nodes_.size()) {
      return;
    }
    Node& n = nodes_[conn];
    if (n.tag < kTagOverflow && n.count == 0 && n.where != Scheduler::kClientQueued) {
      // The common case: no probes out, no side-table entries, queued (if at all) in the
      // scheduler itself.
      if (n.where != Scheduler::kUnqueued) {
        scheduler_.disarm_timer(conn);
      }
      --config_users_[n.tag];
      n = Node{};
      return;
    }
    stop_slow(conn);
  }
  /// Records that an acceptable segment arrived now. Returns true if that answered a probe.
  /// Inline: it runs on every received segment and is a validated-id timestamp store. The stamp
  /// lives in an array of its own and a bitmap says which connections have probes out, so an
  /// idle connection's receive touches 8 bytes and not its timer node (bench/README.md:
  /// re-arm on received traffic is a timestamp store). Unwatched connections
  /// have no probes out; their stamp is not read until start() writes a fresh one.
  bool on_receive(std::uint32_t conn) {
    if (conn >= stamps_.size()) {
      return false;
    }
    stamps_[conn] = scheduler_.now().time_since_epoch().count();
    if ((probing_[conn / 64] & (std::uint64_t{1} << (conn % 64))) == 0) {
      [[likely]] return false;
    }
    return answer(conn);
  }

  /// Unanswered probes so far (0 when idle or unwatched).
  [[nodiscard]] std::uint32_t probes_out(std::uint32_t conn) const;
  /// When the next keep-alive decision is due, if the timer is armed.
  [[nodiscard]] std::optional<TimePoint> next_check(std::uint32_t conn) const;
  /// Last time `on_receive` (or `start`) stamped the connection.
  [[nodiscard]] std::optional<TimePoint> last_receive(std::uint32_t conn) const;

  /// Makes room for connections 0 .. `connections` - 1 up front, so that each first start()
  /// takes the inline path (a start beyond the arrays grows them on the general path).
  void reserve(std::uint32_t connections);
  /// Fetches what on_receive(conn) will touch into the cache (a caller that knows which
  /// connections receive next: a population's sorted arrivals).
  void prefetch(std::uint32_t conn) const noexcept {
    if (conn < stamps_.size()) {
      __builtin_prefetch(&stamps_[conn]);
    }
  }
  /// Bytes the engine holds (nodes, stamps, bitmap, parameter sets, side tables).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  // ---- implementation details ----
 private:
  // Per connection: a 16-byte node shared with the scheduler (see Scheduler::TimerNode; count =
  // probes out, tag = parameter set, kInactive: not watched), the last receive time in
  // `stamps_` (ns; the scheduler prefetches it with the node), and one bit in `probing_`, set
  // exactly while the count is not 0 (24 bytes and a bit in all). Probe counts from 0xFFFF and
  // parameter sets from kTagOverflow on live in side tables, so nothing is limited. The first
  // engine on a scheduler queues its nodes in the scheduler's lanes directly; a further engine
  // arms generic events instead (their ids in `external_`).
  using Node = Scheduler::TimerNode;
  static constexpr std::uint8_t kInactive = 0xFF;
  static constexpr std::uint8_t kTagOverflow = 0xFE;
  static constexpr std::uint16_t kCountOverflow = 0xFFFF;

  Status start_slow(std::uint32_t conn, const KeepAliveConfig& config);
  void stop_slow(std::uint32_t conn);
  // t + d, clamped to the representable range.
  static std::int64_t plus(std::int64_t t, Duration d) noexcept {
    std::int64_t sum;
    if (__builtin_add_overflow(t, d.count(), &sum)) [[unlikely]] {
      return d.count() > 0 ? std::numeric_limits<std::int64_t>::max()
                           : std::numeric_limits<std::int64_t>::min();
    }
    return sum;
  }
  static void fire_node(void* engine, std::uint32_t conn);
  static void fire_lane(void* engine, std::uint8_t lane, std::int64_t limit);
  // Inline into fire_lane's loop (keepalive.cc is the only caller).
  [[gnu::always_inline]] inline void fire(std::uint32_t conn);
  void arm_at(std::uint32_t conn, std::int64_t at) {
    if (attached_ && conn < Scheduler::kMaxTimerNodes) {
      scheduler_.arm_timer(conn, at);
    } else {
      arm_external(conn, at);
    }
  }
  // on_receive() for a connection with probes out: clears the count, returns true.
  [[gnu::noinline]] bool answer(std::uint32_t conn);
  void set_probing(std::uint32_t conn, bool on) noexcept {
    const std::uint64_t bit = std::uint64_t{1} << (conn % 64);
    probing_[conn / 64] = on ? (probing_[conn / 64] | bit) : (probing_[conn / 64] & ~bit);
  }
  // Makes room for connection `conn` in the node, stamp and bitmap arrays.
  void grow(std::uint32_t conn);
  [[gnu::noinline]] void arm_external(std::uint32_t conn, std::int64_t at);
  void disarm(std::uint32_t conn) noexcept;
  [[nodiscard]] bool armed(std::uint32_t conn) const noexcept {
    return nodes_[conn].where != Scheduler::kUnqueued;
  }
  [[nodiscard]] bool active(std::uint32_t conn) const noexcept {
    return conn < nodes_.size() && nodes_[conn].tag != kInactive;
  }
  [[nodiscard]] std::uint32_t count(std::uint32_t conn) const;
  void set_count(std::uint32_t conn, std::uint32_t value);
  [[nodiscard]] std::uint32_t config_of(std::uint32_t conn) const;
  void set_config(std::uint32_t conn, std::uint32_t index);
  // Forgets everything about `conn` (its timer must be disarmed).
  void reset(std::uint32_t conn) noexcept;
  std::uint32_t intern(const KeepAliveConfig& config);
  void release(std::uint32_t index) noexcept;

  Scheduler& scheduler_;
  KeepAliveDriver& driver_;
  std::vector<Node> nodes_;
  std::vector<std::int64_t> stamps_;      // same size as nodes_
  std::vector<std::uint64_t> probing_;    // bit i: connection i has probes out
  std::vector<KeepAliveConfig> configs_;  // few distinct parameter sets, shared and counted
  std::vector<std::uint32_t> config_users_;
  std::uint32_t last_config_ = 0;  // the set interned last (most starts repeat it)
  std::unordered_map<std::uint32_t, std::uint32_t> big_counts_;  // lookups only, never iterated
  std::unordered_map<std::uint32_t, std::uint32_t> big_tags_;    // lookups only, never iterated
  std::vector<EventId> external_;  // generic events of an engine that is not the timer client
  bool attached_ = false;
  bool ask_outstanding_ = true;  // driver_.may_have_outstanding_data()
};

}  // namespace ws2sim
