// ws2sim/model/scheduler.h — the discrete-event scheduler and the virtual clock it owns.
//
// Ordering invariant: events run in increasing (time, sequence) order, where the sequence number
// is taken when the event is scheduled. Two events at the same instant therefore run in the order
// they were scheduled, on every run and every platform. The clock only moves when events run, and
// it jumps straight to the next event's time.
//
// Event ids are always valid to use: cancelling an event that already ran, was cancelled, or
// belongs to a recycled slot returns false and does nothing.
//
//   Scheduler s;
//   EventId probe = s.schedule_in(std::chrono::seconds(100), [&] { ... }).value();
//   s.run_until(kEpoch + std::chrono::seconds(95));   // nothing yet
//   s.cancel(probe);                                  // true: it had not run
//   s.run_for(std::chrono::hours(2));                 // the clock is now 2 h 95 s
//
// Scale: arming never allocates per event (closures live in `InlineTask`, slots are recycled).
// Events scheduled a fixed delay ahead — keep-alive idle and interval timers, path latencies —
// go to a FIFO per distinct delay (a ring of 32-bit references), which is sorted by
// construction, so arm, cancel and pop are O(1) there; other events go to a monotone radix heap
// (amortised O(log span)). The keep-alive engine's timers are 16-byte nodes queued in those same
// structures without closure, slot or event id; see the implementation details below.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "ws2sim/model/inline_task.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim {

/// Identifies one scheduled event. A default-constructed id names no event.
struct EventId {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  // 0 is never issued
  friend bool operator==(EventId, EventId) = default;
};

/// The work an event does: a closure of at most 48 bytes.
using Task = InlineTask<48>;

/// A deterministic discrete-event scheduler that owns the virtual clock.
class Scheduler {
 public:
  Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// The current virtual time.
  [[nodiscard]] TimePoint now() const noexcept { return now_; }

  /// Schedules `task` at instant `at`. Fails if `at` is before `now()`.
  Result<EventId> schedule_at(TimePoint at, Task task);
  /// Schedules `task` after `delay`. Fails if `delay` is negative.
  Result<EventId> schedule_in(Duration delay, Task task);

  /// Cancels a pending event. Returns false if it already ran or was cancelled.
  bool cancel(EventId id) noexcept;
  /// True while the event has neither run nor been cancelled.
  [[nodiscard]] bool is_pending(EventId id) const noexcept;
  /// When the event is due, while it is pending.
  [[nodiscard]] std::optional<TimePoint> due_time(EventId id) const noexcept;

  /// The time of the next pending event, if any.
  [[nodiscard]] std::optional<TimePoint> next_event_time();
  /// The number of pending events.
  [[nodiscard]] std::size_t pending_count() const noexcept { return live_; }
  /// The number of events run since construction.
  [[nodiscard]] std::uint64_t events_run() const noexcept { return events_run_; }

  /// Runs the next event, moving the clock to its time. Returns false if none is pending.
  bool step();
  /// Runs every event due at or before `until`, then sets the clock to `until` (if later).
  /// Fails if `until` is before `now()`.
  Status run_until(TimePoint until);
  /// `run_until(now() + d)`. Fails if `d` is negative.
  Status run_for(Duration d);
  /// Runs events until `done()` holds (checked before each event and once at the start), or no
  /// event is due at or before `deadline`; in that case the clock is set to `deadline`.
  /// Returns true if `done()` held. Fails if `deadline` is before `now()`.
  Result<bool> run_until(const std::function<bool()>& done, TimePoint deadline);

  // ---- implementation details ----
 private:
  friend class KeepAliveEngine;
  friend class Population;

  // Events are referred to by a 32-bit reference: a generic slot (kGenericBit set) or a node of
  // the attached timer client (the keep-alive engine, whose node index is its connection index).
  static constexpr std::uint32_t kGenericBit = 0x8000'0000U;
  static constexpr std::uint32_t kNil = 0xFFFF'FFFFU;
  // Where an event is queued: a lane index (< kMaxLanes), the heap, or nowhere.
  static constexpr std::uint8_t kMaxLanes = 16;
  static constexpr std::uint8_t kNowhere = 0xFF;
  static constexpr std::uint8_t kInHeap = 0xFE;
  static constexpr std::uint8_t kExternal = 0xFD;  // client bookkeeping: armed as a generic event
  static constexpr std::uint8_t kSource = 0xFC;    // the source event (see Source)

  // The timer of one keep-alive connection: 16 bytes, no closure and no event id (the node's
  // index is the connection's). The scheduler owns `due`, `pos` and `where`; `count` and `tag`
  // belong to the client. `pos` is the node's position in its lane's ring, or the low half of its
  // heap entry's sequence number. The client may keep a parallel array of 8-byte words per node
  // (the engine's receive stamps), which the scheduler prefetches with the node.
  struct TimerNode {
    std::int64_t due = 0;  // ns since epoch, while queued
    std::uint32_t pos = 0;
    std::uint16_t count = 0;
    std::uint8_t tag = 0xFF;
    std::uint8_t where = kNowhere;
  };
  static_assert(sizeof(TimerNode) == 16);
  using TimerFire = void (*)(void* client, std::uint32_t node);
  // The timer client's instantiation of run_lane_batch() (its fire compiled inline), or null.
  using TimerLaneBatch = void (*)(void* client, std::uint8_t lane, std::int64_t limit);

  struct Slot {
    Task task;
    std::int64_t due = 0;
    std::uint32_t pos = 0;
    std::uint32_t generation = 1;
    std::uint8_t where = kNowhere;
    bool live = false;
  };
  // A FIFO of events that share one delay: a ring of references (absolute positions, power-of-two
  // capacity), sorted by (time, sequence) because the clock never goes back and events are
  // appended as scheduled. A cancelled event leaves a hole (kNil) that the head skips. The ring
  // makes the next events known in advance, so their state is prefetched kPrefetch pops ahead.
  struct Lane {
    std::int64_t delay = 0;
    std::int64_t head_due = 0;  // due time of at(head) while live > 0
    std::vector<std::uint32_t> ring;
    std::uint64_t capacity = 0;  // ring.size(): 0 or a power of two
    std::uint32_t mask = 0;      // ring.size() - 1 when the ring is not empty
    std::uint32_t head = 0;      // tail - head entries, holes included
    std::uint32_t tail = 0;
    std::uint32_t live = 0;
    [[nodiscard]] std::uint32_t& at(std::uint32_t pos) noexcept { return ring.data()[pos & mask]; }
    // One comparison on the arm path: an empty ring (capacity 0) is full.
    [[nodiscard]] bool full() const noexcept { return std::uint64_t{tail - head} >= capacity; }
  };
  static constexpr std::uint32_t kPrefetch = 16;
  // Events whose delay has no lane, in a monotone radix heap of 6-bit digits (a hierarchical
  // timing wheel that cascades on its minimum): an entry sits in bucket (level, digit) where
  // `level` is the highest 6-bit digit in which its due time differs from `heap_base_` and
  // `digit` is its value of that digit. Level 0 buckets hold one due time each, in sequence order
  // (a FIFO from `heap_head0_[digit]`). `heap_base_` only moves to the due time of an event about
  // to run, so it never passes the clock and every new entry fits. An entry moves down at most
  // 11 levels, about 3 for delays of minutes. `arm` is the clock when the event was scheduled.
  struct HeapEntry {
    std::int64_t due;
    std::int64_t arm;
    std::uint64_t seq;
    std::uint32_t ref;
    std::uint32_t generation;  // generic slots only
  };

  // One event outside the queues for a client that produces its own events in time order, one
  // pending at a time (the population's arrival stream: each delivery schedules the next). It
  // takes a sequence number like a heap entry and is merged with the queues' heads exactly as if
  // it were in the heap, but costs no slot, closure or heap push and pop: S2 delivers 5 M
  // arrivals, and through the radix heap each cascaded down about three levels.
  struct Source {
    std::int64_t due = 0;
    std::int64_t arm = 0;
    std::uint64_t seq = 0;
    bool armed = false;
    void (*run)(void* client) = nullptr;
    void* client = nullptr;
  };
  // Arms the source event for `at` (>= now). Precondition: it is not armed, `run` is set.
  void arm_source(std::int64_t at) noexcept {
    // In a source batch the bound is the other queues' (run_source_batch).
    if (!in_source_batch_) note_scheduled(at);
    source_.due = at;
    source_.arm = now_.time_since_epoch().count();
    source_.seq = next_seq_++;
    source_.armed = true;
    ++live_;
  }
  // The due time of the head of queue `q` (a lane, kInHeap or kSource; not kNowhere).
  [[nodiscard]] std::int64_t head_due(std::uint8_t q) noexcept;

  // The timer client (one per scheduler; further engines use generic events).
  bool attach_timers(std::vector<TimerNode>* nodes, std::vector<std::int64_t>* words,
                     TimerFire fire, TimerLaneBatch fire_lane, void* client) noexcept;
  void detach_timers() noexcept;
  // Queues node `id` for `at` (>= now). Precondition: the node is not queued. Inline: the
  // engine re-arms on every expiry, nearly always into the lane it used last.
  void arm_timer(std::uint32_t id, std::int64_t at) {
    TimerNode& n = (*nodes_)[id];
    n.due = at;
    ++live_;
    note_scheduled(at);  // enqueue() notes it again on the slow path: harmless, and cheaper here
    const std::int64_t delay = at - now_.time_since_epoch().count();
    const std::uint8_t hint = last_lane_;
    if (hint < lane_count_ && lanes_[hint].delay == delay && !lanes_[hint].full()) {
      Lane& l = lanes_[hint];
      l.at(l.tail) = id;
      n.pos = l.tail++;
      n.where = hint;
      if (l.live++ == 0) {
        l.head_due = at;
        nonempty_lanes_ |= 1U << hint;
      }
      return;
    }
    enqueue(id, at, delay);
  }
  // Dequeues node `id` if queued; returns whether it was. Inline: a lane removal is a hole
  // store and two counts (the keep-alive engine's cancel path).
  bool disarm_timer(std::uint32_t id) noexcept {
    TimerNode& n = (*nodes_)[id];
    if (n.where == kNowhere) return false;
    if (n.where == kInHeap) {
      n.where = kNowhere;
      heap_stale_added();
    } else {
      lane_remove(n.where, n.pos);
      n.where = kNowhere;
    }
    --live_;
    return true;
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  [[nodiscard]] bool stale(const HeapEntry& e) const noexcept;
  // The queue holding the next event (a lane index, kInHeap or kSource), or kNowhere when none
  // is pending.
  std::uint8_t peek() noexcept;
  void run_next(std::uint8_t queue);
  [[gnu::noinline]] void run_closure(std::uint32_t index);
  // Runs events until none is pending; the clock stays at the last one's time.
  void drain();
  // Runs the event peek() just chose from queue `q` (due at or before `limit`); if `q` is a lane
  // or the source, then also its following events while each is the next event and due by
  // `limit` (run_lane_batch, run_source_batch).
  void run_batch(std::uint8_t q, std::int64_t limit);
  // run_batch() on lane `q`, with `fire(node)` running a timer node. Every other queue's head is
  // due at or after runner_up_due_, and only a newly scheduled event can come before it
  // (note_scheduled() lowers the bound). A lane is a FIFO in (time, sequence) order, so while
  // its head is due strictly before the bound it is the next event: S1's probes run in batches
  // this way, one queue comparison per batch instead of per event. A template, so that the timer
  // client instantiates it with its own fire inline (attach_timers' `fire_lane`): one indirect
  // call per batch instead of per event.
  template <class Fire>
  void run_lane_batch(std::uint8_t q, std::int64_t limit, Fire fire) {
    batch_bound_ = runner_up_due_;
    const Lane& l = lanes_[q];
    do {
      const std::uint32_t ref = lane_pop(q);
      if ((ref & kGenericBit) != 0) {
        run_closure(ref & ~kGenericBit);
      } else {
        (*nodes_)[ref].where = kNowhere;
        --live_;
        fire(ref);
      }
    } while (l.live != 0 && l.head_due < batch_bound_ && l.head_due <= limit);
    batch_bound_ = kNoBound;
  }
  // run_batch() on the source: it re-arms itself for the next arrival, which runs at once while
  // it is due strictly before every other queue's head and every event scheduled meanwhile (S2's
  // first hour is arrivals only: one batch instead of a peek() per arrival).
  void run_source_batch(std::int64_t limit);
  // Takes the head of lane `q` (not empty) and moves the clock to it; returns its reference.
  std::uint32_t lane_pop(std::uint8_t q) noexcept {
    Lane& l = lanes_[q];
    const std::uint32_t ref = l.at(l.head);
    advance_to(l.head_due);
    ++l.head;
    if (--l.live == 0) {
      l.head = l.tail;
      nonempty_lanes_ &= ~(1U << q);
    } else {
      // The events kPrefetch places on are fetched now; the new head was fetched that long ago.
      if (l.tail - l.head > kPrefetch) {
        const std::uint32_t ahead = l.at(l.head + kPrefetch);
        if (ahead != kNil) prefetch(ahead);
      }
      lane_settle(l);
    }
    return ref;
  }
  // Moves the clock to the event about to run, and counts it.
  void advance_to(std::int64_t due) noexcept {
    now_ = TimePoint{Duration{due}};
    ++events_run_;
  }
  // Every newly scheduled event may end a batch: one due before the bound runs first.
  void note_scheduled(std::int64_t due) noexcept {
    if (due < batch_bound_) {
      batch_bound_ = due;
    }
  }
  EventId insert(std::int64_t time, std::int64_t delay, Task task);
  void enqueue(std::uint32_t ref, std::int64_t due, std::int64_t delay);
  std::uint8_t lane_for(std::int64_t delay) noexcept;
  void lane_append(std::uint8_t lane, std::uint32_t ref, std::int64_t due);
  void lane_remove(std::uint8_t lane, std::uint32_t pos) noexcept {
    Lane& l = lanes_[lane];
    l.at(pos) = kNil;
    if (--l.live == 0) {
      l.head = l.tail;  // only holes were left
      nonempty_lanes_ &= ~(1U << lane);
    } else if (pos == l.head) {
      lane_settle(l);
    }
  }
  // Moves the live entries of `l` together from its head on, in order (their `pos` follow).
  void lane_compact(Lane& l) noexcept;
  // Drops the holes at the head and caches the new head's due time (the lane is not empty).
  void lane_settle(Lane& l) noexcept {
    while (l.at(l.head) == kNil)
      ++l.head;
    l.head_due = due_of(l.at(l.head));
  }
  // Always inline: GCC treats a function that only prefetches as free of side effects and drops
  // every call to an out-of-line copy (it did when this grew a branch: S2 lost 20%).
  [[gnu::always_inline]] void prefetch(std::uint32_t ref) const noexcept {
    if ((ref & kGenericBit) != 0) {
      const char* p = reinterpret_cast<const char*>(&slots_[ref & ~kGenericBit]);
      __builtin_prefetch(p);
      __builtin_prefetch(p + sizeof(Slot) - 1);
    } else {
      // 16-byte nodes in a vector never straddle a cache line.
      __builtin_prefetch(&(*nodes_)[ref]);
      __builtin_prefetch(&(*words_)[ref]);
    }
  }
  void heap_push(const HeapEntry& e);
  // The smallest live entry by (due, seq), or nullptr; drops stale entries on the way.
  const HeapEntry* heap_top() noexcept;
  void heap_place(const HeapEntry& e);
  // Removes the entry heap_top() returned (nothing may be pushed or cancelled in between).
  void heap_pop();
  void heap_stale_added();
  void compact_heap();
  [[nodiscard]] std::size_t heap_bytes() const noexcept;
  void release_slot(std::uint32_t index) noexcept;

  [[nodiscard]] std::int64_t due_of(std::uint32_t ref) const noexcept {
    return (ref & kGenericBit) != 0 ? slots_[ref & ~kGenericBit].due : (*nodes_)[ref].due;
  }

  TimePoint now_ = kEpoch;
  // Lane batches: peek() records the earliest head among the queues it did not choose; while
  // the chosen lane's head is due strictly before that (lowered by every event scheduled since),
  // it is the next event without comparing the queues again. Strictly: a tie is left to peek().
  static constexpr std::int64_t kNoBound = std::numeric_limits<std::int64_t>::max();
  std::int64_t runner_up_due_ = kNoBound;
  std::int64_t batch_bound_ = kNoBound;
  bool in_source_batch_ = false;  // arm_source() leaves batch_bound_ alone then
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t live_ = 0;
  std::size_t stale_in_heap_ = 0;
  std::uint32_t nonempty_lanes_ = 0;  // bit i: lanes_[i] holds events
  std::uint8_t lane_count_ = 0;
  std::uint8_t last_lane_ = kMaxLanes;  // the lane enqueue() used last
  std::array<Lane, kMaxLanes> lanes_{};
  std::array<std::int64_t, 64> seen_delays_{};  // delays seen once, direct-mapped by a hash
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  static constexpr int kDigitBits = 6;
  static constexpr std::size_t kDigits = 64;
  static constexpr std::size_t kLevels = 11;  // 66 bits cover every due time
  std::array<std::vector<HeapEntry>, kLevels * kDigits> heap_;
  std::array<std::uint64_t, kLevels> heap_digits_{};  // bit d: bucket (level, d) holds entries
  std::array<std::uint32_t, kDigits> heap_head0_{};
  std::uint32_t heap_levels_ = 0;  // bit l: level l holds entries
  std::vector<HeapEntry> heap_scratch_;
  std::size_t heap_size_ = 0;  // entries held, stale ones included
  std::int64_t heap_base_ = 0;
  bool heap_cached_ = false;  // heap_top() is heap_[heap_min_bucket_][heap_min_index_]
  std::uint16_t heap_min_bucket_ = 0;
  std::size_t heap_min_index_ = 0;
  Source source_;
  std::vector<TimerNode>* nodes_ = nullptr;
  std::vector<std::int64_t>* words_ = nullptr;  // the client's parallel array (same size)
  TimerFire fire_ = nullptr;
  TimerLaneBatch fire_lane_ = nullptr;
  void* client_ = nullptr;
};

}  // namespace ws2sim
