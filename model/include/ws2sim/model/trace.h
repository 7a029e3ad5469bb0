// ws2sim/model/trace.h — what happened, when: the structured record of a simulation.
//
// The network records every segment sent, received or dropped and every timer decision (probe
// sent, probe answered, probes suppressed by outstanding data, retransmission, connection closed
// and why), each stamped with virtual time. Writers (trace_writers.h) turn a trace into JSON lines
// or a pcap file; the same seed gives byte-identical output.
//
//   Trace& trace = world.trace();
//   for (const TraceEvent& e : trace.events())
//     if (e.kind == TraceKind::kProbeSent) std::cout << format_time(e.at) << '\n';
//
// A trace stores its events packed (about 30 bytes for a typical event instead of the 144 of a
// `TraceEvent`, in blocks of 4,096 events): a run of 1,000,000 connections records 41 million
// events (bench/README.md). Reading one back builds a `TraceEvent` value, equal to the one
// recorded.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ws2sim/model/address.h"
#include "ws2sim/model/time.h"

namespace ws2sim {

/// Identifies a host within one network.
struct HostId {
  std::uint32_t value = 0;
  friend auto operator<=>(HostId, HostId) = default;
};

/// Why a connection ended. Every reason is distinct so that tests and users can tell a keep-alive
/// drop from a retransmission drop from a reset.
enum class CloseReason : std::uint8_t {
  kOrderly,                ///< Both sides closed with FIN.
  kAborted,                ///< This side aborted (sent RST).
  kResetByPeer,            ///< A RST arrived (peer rebooted, peer aborted, or a middlebox).
  kKeepAliveTimeout,       ///< N keep-alive probes went unanswered.
  kRetransmissionTimeout,  ///< Sent data was retransmitted the maximum number of times.
  kConnectTimeout,         ///< The SYN was retransmitted the maximum number of times.
  kConnectionRefused,      ///< The peer answered the SYN with RST.
  kHostRestarted,          ///< This side's host restarted and forgot the connection.
};
std::string_view to_string(CloseReason r) noexcept;

/// Why the network dropped a segment.
enum class DropCause : std::uint8_t {
  kLoss,        ///< Random loss on the path.
  kPartition,   ///< The path is partitioned in this direction.
  kHostDown,    ///< The destination host is crashed.
  kNatNoFlow,   ///< A NAT/load balancer had no (live) flow for it.
  kNoListener,  ///< Nothing at the destination port; answered with RST if appropriate.
};
std::string_view to_string(DropCause c) noexcept;

/// The kinds of trace event.
enum class TraceKind : std::uint8_t {
  kSegmentSent,
  kSegmentReceived,
  kSegmentDropped,
  kProbeSent,            ///< Keep-alive probe `probe` of `probe_count`.
  kProbeAnswered,        ///< A segment arrived while probes were outstanding.
  kKeepAliveSuppressed,  ///< Timer found data outstanding: no probe, re-checked one idle later.
  kRetransmission,       ///< RTO fired: retransmission number `probe`, next RTO in `duration`.
  kConnectionEstablished,
  kConnectionClosed,  ///< With `reason`.
  kHostCrashed,
  kHostRestarted,
  kPartitioned,     ///< `host` -> `peer` blocked.
  kHealed,          ///< `host` -> `peer` open again.
  kNatFlowExpired,  ///< A middlebox forgot an idle flow.
};
std::string_view to_string(TraceKind k) noexcept;

/// One event. Fields that do not apply to the kind are empty.
struct TraceEvent {
  TimePoint at;
  TraceKind kind = TraceKind::kSegmentSent;
  HostId host;                              ///< Where it happened (sender for kSegmentSent).
  std::optional<std::uint64_t> connection;  ///< Connection serial, unique within a network.
  std::optional<Segment>
      segment;                 ///< For segment events (a probe is a kSegmentSent with keepalive).
  std::optional<HostId> peer;  ///< Partition/heal other end; segment receiver.
  std::optional<CloseReason> reason;
  std::optional<DropCause> drop;
  std::uint32_t probe = 0;           ///< Probe / retransmission number.
  std::uint32_t probe_count = 0;     ///< Of how many.
  std::optional<Duration> duration;  ///< RTO, NAT idle timeout.
  bool retransmission = false;       ///< Segment re-sends sequence space sent before.
  bool keepalive = false;            ///< Segment is a keep-alive probe.

  friend bool operator==(const TraceEvent&, const TraceEvent&) = default;
};

class Trace;

/// The recorded events of a trace, oldest first: a read-only random-access range (`size`,
/// `operator[]`, `front`, `back`, iterators). The trace keeps its events packed, so the range
/// hands out each event as a value built when it is read, not as a reference into storage: to
/// hold on to an event, keep a copy, not a pointer. Reading does not change the trace. A range
/// (and its iterators) stays usable while its trace lives and sees events recorded after it was
/// made: `size()` and `end()` are read when called.
///
///   const TraceEvents events = trace.events();
///   if (!events.empty() && events.back().kind == TraceKind::kConnectionClosed) ...
class TraceEvents {
 public:
  /// A random-access iterator whose `operator*` returns a `TraceEvent` by value.
  class iterator {
   public:
    using iterator_concept = std::random_access_iterator_tag;
    using iterator_category = std::input_iterator_tag;  // `reference` is not a real reference
    using value_type = TraceEvent;
    using difference_type = std::ptrdiff_t;
    using reference = TraceEvent;
    using pointer = void;

    iterator() = default;
    TraceEvent operator*() const;
    TraceEvent operator[](difference_type n) const { return *(*this + n); }
    iterator& operator++() noexcept { return *this += 1; }
    iterator operator++(int) noexcept { return std::exchange(*this, *this + 1); }
    iterator& operator--() noexcept { return *this -= 1; }
    iterator operator--(int) noexcept { return std::exchange(*this, *this - 1); }
    iterator& operator+=(difference_type n) noexcept {
      index_ = static_cast<std::size_t>(static_cast<difference_type>(index_) + n);
      return *this;
    }
    iterator& operator-=(difference_type n) noexcept { return *this += -n; }
    friend iterator operator+(iterator it, difference_type n) noexcept { return it += n; }
    friend iterator operator+(difference_type n, iterator it) noexcept { return it += n; }
    friend iterator operator-(iterator it, difference_type n) noexcept { return it -= n; }
    friend difference_type operator-(const iterator& a, const iterator& b) noexcept {
      return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.index_ == b.index_;
    }
    friend auto operator<=>(const iterator& a, const iterator& b) noexcept {
      return a.index_ <=> b.index_;
    }

   private:
    friend class TraceEvents;
    iterator(const Trace* trace, std::size_t index) noexcept : trace_(trace), index_(index) {}
    const Trace* trace_ = nullptr;
    std::size_t index_ = 0;
  };
  using const_iterator = iterator;
  using value_type = TraceEvent;
  using size_type = std::size_t;

  /// The number of recorded events.
  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  /// Event `i` (requires `i < size()`).
  [[nodiscard]] TraceEvent operator[](std::size_t i) const;
  /// The oldest and the newest event (require `!empty()`).
  [[nodiscard]] TraceEvent front() const { return (*this)[0]; }
  [[nodiscard]] TraceEvent back() const { return (*this)[size() - 1]; }
  [[nodiscard]] iterator begin() const noexcept { return {trace_, 0}; }
  [[nodiscard]] iterator end() const noexcept { return {trace_, size()}; }

 private:
  friend class Trace;
  explicit TraceEvents(const Trace& trace) noexcept : trace_(&trace) {}
  const Trace* trace_;
};

/// An in-memory trace with optional live observers.
class Trace {
 public:
  /// Records `event` if recording is on, and shows it to observers.
  void record(const TraceEvent& event);
  /// Trace::SegmentMark — names a segment the trace stored, so that a later event about the same
  /// segment (its arrival, its drop) can refer to it instead of storing it again.
  struct SegmentMark {
    std::uint64_t epoch = 0;  ///< clear() starts a new epoch: older marks name nothing
    std::uint64_t event = 0;  ///< the event whose record holds the segment's bytes
  };
  /// Records `event` with its `segment` replaced by `segment`: the same as recording such a copy
  /// of `event`, without making the copy unless an observer needs it. The network records its
  /// segment events this way (no copy of each payload). Returns the stored segment's mark, none
  /// when recording is off.
  std::optional<SegmentMark> record(const TraceEvent& event, const Segment& segment);
  /// The same, where `segment` is the one `same_as` names (the segment an earlier event recorded,
  /// unchanged since): the record refers to it, a few bytes instead of the segment's. The mark
  /// is checked against the bytes it names: a mark from before clear(), one naming another
  /// segment, or none stores the segment itself.
  std::optional<SegmentMark> record(const TraceEvent& event, const Segment& segment,
                                    std::optional<SegmentMark> same_as);
  /// All recorded events, in the order they happened (values built on access; see TraceEvents).
  [[nodiscard]] TraceEvents events() const noexcept { return TraceEvents(*this); }
  /// Turns in-memory recording on or off (observers are called either way).
  void set_recording(bool on) noexcept { recording_ = on; }
  [[nodiscard]] bool recording() const noexcept { return recording_; }
  /// True when recording or observed: the network skips building events otherwise.
  [[nodiscard]] bool wanted() const noexcept { return recording_ || !observers_.empty(); }
  /// Calls `fn` for every event recorded from now on.
  void observe(std::function<void(const TraceEvent&)> fn) { observers_.push_back(std::move(fn)); }
  /// Forgets recorded events and frees their memory (observers stay).
  void clear() noexcept;
  /// Trace::memory_bytes — what the recorded events hold (blocks and large payloads); the same
  /// for the same events on every run.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  /// Host names, for writers. Set by the network when hosts are added.
  void name_host(HostId id, std::string name);
  [[nodiscard]] std::string_view host_name(HostId id) const;

  // ---- implementation details ----
 private:
  friend class TraceEvents;

  // Each event is packed into its block's byte stream, field by field, only the fields it has:
  // its kind (a byte), which optional fields follow (a varint of flag bits), its time as the
  // distance from the block's first event (a zigzag varint: a block of events close in time
  // spends two to five bytes on each, not eight), its host, then connection, reason, drop, peer,
  // probe, probe_count and duration when present (varints, or a byte for the two enums), and a
  // segment as raw fixed-size fields (addresses, seq, ack, ports, window, flags) followed by its
  // payload size and bytes; payloads over kMaxInlinePayload are kept in `large_payloads_` and
  // the stream holds their index. A segment recorded before (kSegmentRef: the record of its
  // sending, named by a SegmentMark and checked) is instead the distance back to the event that
  // holds it, never to another reference. `starts` gives where each event begins, so reading event
  // i is direct. Blocks hold kBlockEvents events: event i is event i % kBlockEvents of block i /
  // kBlockEvents. A block's arrays are reserved from the last block's sizes, so growing the trace
  // rarely copies what it holds (a std::vector<TraceEvent> copied every event and faulted in twice
  // the memory as it doubled). A probe segment takes about 40 bytes, its drop 15, a probe event 17,
  // against 64, 64 and 40 as fixed 32-byte heads with 32-bit words (bench/README.md).
  //
  // The arrays grow without zeroing (DefaultInitAllocator): append() writes every byte it keeps.
  template <typename T>
  struct DefaultInitAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {
      using other = DefaultInitAllocator<U>;
    };
    template <typename U>
    void construct(U* p) noexcept {
      ::new (static_cast<void*>(p)) U;  // default-initialized: no zeroing
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  };
  struct Block {
    std::int64_t base_at = 0;  // the first event's time
    std::vector<std::uint32_t, DefaultInitAllocator<std::uint32_t>> starts;
    std::vector<std::uint8_t, DefaultInitAllocator<std::uint8_t>> bytes;
  };
  static constexpr std::size_t kBlockShift = 12;
  static constexpr std::size_t kBlockEvents = std::size_t{1} << kBlockShift;
  static constexpr std::size_t kMaxInlinePayload = 65535;

  // Appends `event` (with `segment`, if not null, as its segment; stored as a reference to event
  // `same_as` when set) and returns the index of the event that holds the segment's bytes.
  std::uint64_t append(const TraceEvent& event, const Segment* segment,
                       std::optional<std::uint64_t> same_as);
  [[nodiscard]] TraceEvent decode(std::size_t i) const;
  [[nodiscard]] std::uint32_t flags_of(std::uint64_t i, const std::uint8_t*& p) const;
  [[nodiscard]] std::uint64_t holder_of(std::uint64_t i) const;
  [[nodiscard]] bool holds_segment(std::uint64_t i, const Segment& s) const;

  std::vector<Block> blocks_;
  std::vector<std::vector<std::uint8_t>> large_payloads_;
  std::size_t size_ = 0;
  std::uint64_t epoch_ = 0;  // clear() counts
  std::vector<std::function<void(const TraceEvent&)>> observers_;
  std::vector<std::string> host_names_;
  bool recording_ = true;
};

inline std::size_t TraceEvents::size() const noexcept {
  return trace_->size_;
}
inline TraceEvent TraceEvents::operator[](std::size_t i) const {
  return trace_->decode(i);
}
inline TraceEvent TraceEvents::iterator::operator*() const {
  return trace_->decode(index_);
}

}  // namespace ws2sim
