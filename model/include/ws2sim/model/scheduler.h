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
// go to a TimerLane per distinct delay (timer_lane.h), sorted by construction, so arm, cancel and
// pop are O(1) there; other events go to a monotone radix heap (amortised O(log span)). Two kinds
// of client skip closures altogether, through the public API below: a timer client (the
// keep-alive engine) whose timers are 16-byte nodes queued in those same structures, and an
// event source (a population's arrival stream) that produces its events in time order.
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
#include "ws2sim/model/timer_lane.h"

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
  /// Runs events until none is pending; the clock stays at the last one's time.
  void drain();

  /// Bytes the scheduler holds (its queues, slots and rings).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  // ---- Timer client --------------------------------------------------------------------------
  // One client per scheduler may own many timers without closures, slots or event ids: the
  // keep-alive engine, with one timer per connection. The client keeps an array of TimerNodes
  // indexed by its own ids (a connection's index) and, optionally, a parallel array of 8-byte
  // words the scheduler prefetches with the node (the engine's receive stamps). A node is armed
  // for an instant, disarmed, and fired: the scheduler calls the client's `fire` with the node's
  // id, in the same (time, sequence) order as every other event.

  /// TimerNode — one client timer, 16 bytes. The scheduler owns `due`, `pos` and `where`; `count`
  /// and `tag` are the client's.
  struct TimerNode {
    std::int64_t due = 0;  ///< ns since the epoch, while queued
    std::uint32_t pos = 0;
    std::uint16_t count = 0;
    std::uint8_t tag = 0xFF;
    std::uint8_t where = 0xFF;  ///< kUnqueued, kClientQueued, or the scheduler's queue
  };
  /// TimerNode::where of a node that is not queued.
  static constexpr std::uint8_t kUnqueued = 0xFF;
  /// TimerNode::where the client may set for a node it queued itself, as an ordinary event (a
  /// client that is not the attached one, or an id the node array cannot hold).
  static constexpr std::uint8_t kClientQueued = 0xFD;
  /// Node ids from this value on cannot be queued as nodes.
  static constexpr std::uint32_t kMaxTimerNodes = 0x8000'0000U;

  /// TimerClient — what attach_timers() needs. `fire_lane`, if set, runs a whole batch of one
  /// lane with the client's fire compiled in (an instantiation of run_lane_batch()).
  struct TimerClient {
    std::vector<TimerNode>* nodes = nullptr;
    std::vector<std::int64_t>* words = nullptr;  ///< same size as `nodes`
    void (*fire)(void* self, std::uint32_t node) = nullptr;
    void (*fire_lane)(void* self, std::uint8_t lane, std::int64_t limit) = nullptr;
    void* self = nullptr;
  };
  /// Makes `client` the timer client; false if the scheduler has one already.
  bool attach_timers(const TimerClient& client) noexcept;
  /// Forgets the timer client (its nodes must all be disarmed).
  void detach_timers() noexcept;

  /// Queues node `id` for `at` (ns since the epoch, at or after now). The node must not be
  /// queued. Inline: the engine re-arms on every expiry, nearly always into the lane it used
  /// last.
  void arm_timer(std::uint32_t id, std::int64_t at) {
    TimerNode& n = (*nodes_)[id];
    n.due = at;
    ++live_;
    note_scheduled(at);  // enqueue() notes it again on the slow path: harmless, and cheaper here
    const std::int64_t delay = at - now_.time_since_epoch().count();
    std::uint8_t hint = last_lane_;
    if (hint < lane_count_ && lanes_[hint].delay() != delay) {
      hint = other_lane_;  // re-arms alternate between two delays (an interval and an idle time)
    }
    if (hint < lane_count_ && lanes_[hint].delay() == delay && !lanes_[hint].full()) {
      bool first = false;
      n.pos = lanes_[hint].push(id, at, &first);
      n.where = hint;
      if (first) {
        nonempty_lanes_ |= 1U << hint;
      }
      return;
    }
    enqueue(id, at, delay);
  }
  /// Dequeues node `id` if the scheduler holds it; returns whether it did. Inline: a lane
  /// removal is a hole store and two counts.
  bool disarm_timer(std::uint32_t id) noexcept {
    TimerNode& n = (*nodes_)[id];
    if (n.where == kUnqueued || n.where == kClientQueued) {
      return false;
    }
    if (n.where == kInHeap) {
      n.where = kUnqueued;
      heap_stale_added();
    } else {
      lane_remove(n.where, n.pos);
      n.where = kUnqueued;
    }
    --live_;
    return true;
  }

  /// Runs lane `q`'s events while each is the next event of the whole scheduler and due by
  /// `limit`, with `fire(node)` running a timer node (generic events run their closures).
  ///
  /// Why a batch: every other queue's head is due at or after the bound peek() recorded, and only
  /// a newly scheduled event can come before it (note_scheduled() lowers the bound). A lane is a
  /// FIFO in (time, sequence) order, so while its head is due strictly before the bound it is the
  /// next event: thousands of probe timers due one after another cost one queue comparison per
  /// batch instead of one per event. A template, so that the timer client instantiates it with
  /// its own fire inline (TimerClient::fire_lane): one indirect call per batch, not per event.
  template <class Fire>
  void run_lane_batch(std::uint8_t q, std::int64_t limit, Fire fire) {
    batch_bound_ = runner_up_due_;
    const TimerLane& l = lanes_[q];
    do {
      const std::uint32_t ref = lane_pop(q);
      if ((ref & kGenericBit) != 0) {
        run_closure(ref & ~kGenericBit);
      } else {
        (*nodes_)[ref].where = kUnqueued;
        --live_;
        fire(ref);
      }
    } while (l.live() != 0 && l.head_due() < batch_bound_ && l.head_due() <= limit);
    batch_bound_ = kNoBound;
  }

  // ---- Event source --------------------------------------------------------------------------
  // One client may produce its own events in time order, one pending at a time: a population's
  // arrival stream, where delivering arrival k schedules arrival k+1. Its one pending event takes
  // a sequence number like any other and runs in the same (time, sequence) order, but it costs
  // no slot, closure or heap push and pop; and while its next arrival is due strictly before
  // every other queue's head, arrivals run back to back without comparing the queues again.

  /// Sets the function the source's event runs (`run(client)`), which usually re-arms it.
  void set_source(void (*run)(void* client), void* client) noexcept {
    source_.run = run;
    source_.client = client;
  }
  /// Arms the source's event for `at` (ns since the epoch, at or after now). It must not be
  /// armed, and set_source() must have been called.
  void arm_source(std::int64_t at) noexcept {
    // In a source batch the bound is the other queues' (run_source_batch).
    if (!in_source_batch_) {
      note_scheduled(at);
    }
    source_.due = at;
    source_.arm = now_.time_since_epoch().count();
    source_.seq = next_seq_++;
    source_.armed = true;
    ++live_;
    mark_source_in_lane();
  }

  /// Scheduler::source_runs_on — for the source's run function, once it has delivered an
  /// arrival: true when its next arrival, due at `at`, is also the next event of the whole
  /// scheduler within the current run (due strictly before every other queue's head and every
  /// event scheduled meanwhile, and not past the run's limit). The clock then stands at `at` and
  /// the arrival counts as an event run: the source delivers it at once, without arming. False
  /// (always, outside a source batch: step() runs one event): the source calls arm_source(at).
  bool source_runs_on(std::int64_t at) noexcept {
    if (!in_source_batch_ || at >= batch_bound_ || at > source_limit_) {
      return false;
    }
    advance_to(at);
    return true;
  }

  // ---- implementation details ----
 private:
  // Events are referred to by a 32-bit reference: a generic slot (kGenericBit set) or a node of
  // the timer client (whose node index is the client's id).
  static constexpr std::uint32_t kGenericBit = kMaxTimerNodes;
  // Where an event is queued: a lane index (< kMaxLanes), the heap, the source, or nowhere.
  static constexpr std::uint8_t kMaxLanes = 16;
  static constexpr std::uint8_t kNowhere = kUnqueued;
  static constexpr std::uint8_t kInHeap = 0xFE;
  static constexpr std::uint8_t kSource = 0xFC;
  static_assert(sizeof(TimerNode) == 16);

  struct Slot {
    Task task;
    std::int64_t due = 0;
    std::uint32_t pos = 0;
    std::uint32_t generation = 1;
    std::uint8_t where = kNowhere;
    bool live = false;
  };
  // Events whose delay has no lane, in a monotone radix heap of 6-bit digits (a hierarchical
  // timing wheel that cascades on its minimum): an entry sits in bucket (level, digit) where
  // `level` is the highest 6-bit digit in which its due time differs from `heap_base_` and
  // `digit` is its value of that digit. Level 0 buckets hold one due time each, in sequence order
  // (a FIFO from `heap_head0_[digit]`). `heap_base_` only moves to the due time of an event about
  // to run, so it never passes the clock and every new entry fits. An entry moves down at most
  // 11 levels, about 3 for delays of minutes. `arm` is the clock when the event was scheduled.
  // The heap's code is in scheduler_heap.cc.
  struct HeapEntry {
    std::int64_t due;
    std::int64_t arm;
    std::uint64_t seq;
    std::uint32_t ref;
    std::uint32_t generation;  // generic slots only
  };
  // The source's one pending event. Lane entries take no sequence number, so a lane event and
  // the source due at the same instant and scheduled at the same instant (hence with the same
  // delay) are ordered by position: `lane_mark` is the tail of the lane with the source's delay
  // when the source was armed (kNowhere: no such lane then), and the lane's entries before it
  // were scheduled first.
  struct Source {
    std::int64_t due = 0;
    std::int64_t arm = 0;
    std::uint64_t seq = 0;
    std::uint32_t lane_mark = 0;
    std::uint8_t lane = kUnqueued;
    bool armed = false;
    void (*run)(void* client) = nullptr;
    void* client = nullptr;
  };
  // Events a lane's head is this far ahead of are prefetched when they move up.
  static constexpr std::uint32_t kPrefetch = 16;

  // Records, in source_, the tail of the non-empty lane whose delay is the source's (if any).
  void mark_source_in_lane() noexcept {
    source_.lane = kNowhere;
    const std::int64_t delay = source_.due - source_.arm;
    for (std::uint32_t mask = nonempty_lanes_; mask != 0; mask &= mask - 1) {
      const auto i = static_cast<std::uint8_t>(__builtin_ctz(mask));
      if (lanes_[i].delay() == delay) {
        source_.lane = i;
        source_.lane_mark = lanes_[i].tail_position();
        return;
      }
    }
  }
  // True when lane `q`'s head, due and scheduled at the source's instants, was scheduled first.
  [[nodiscard]] bool lane_head_before_source(std::uint8_t q) const noexcept {
    return source_.lane == q &&
           static_cast<std::int32_t>(lanes_[q].head_position() - source_.lane_mark) < 0;
  }
  // The due time of the head of queue `q` (a lane, kInHeap or kSource; not kNowhere).
  [[nodiscard]] std::int64_t head_due(std::uint8_t q) noexcept;
  [[nodiscard]] bool stale(const HeapEntry& e) const noexcept;
  // The queue holding the next event (a lane index, kInHeap or kSource), or kNowhere when none
  // is pending.
  std::uint8_t peek() noexcept;
  void run_next(std::uint8_t queue);
  [[gnu::noinline]] void run_closure(std::uint32_t index);
  // Runs the event peek() just chose from queue `q` (due at or before `limit`); if `q` is a lane
  // or the source, then also its following events while each is the next event and due by
  // `limit` (run_lane_batch, run_source_batch).
  void run_batch(std::uint8_t q, std::int64_t limit);
  // run_batch() on the source: it re-arms itself for the next arrival, which runs at once while
  // it is due strictly before every other queue's head and every event scheduled meanwhile.
  void run_source_batch(std::int64_t limit);
  // Takes the head of lane `q` (not empty) and moves the clock to it; returns its reference.
  std::uint32_t lane_pop(std::uint8_t q) noexcept {
    TimerLane& l = lanes_[q];
    advance_to(l.head_due());
    bool more = false;
    const std::uint32_t ref = l.pop(&more);
    if (!more) {
      nonempty_lanes_ &= ~(1U << q);
    } else {
      // The events kPrefetch places on are fetched now; the new head was fetched that long ago.
      if (const std::uint32_t ahead = l.ahead(kPrefetch); ahead != TimerLane::kHole) {
        prefetch(ahead);
      }
      settle(l);
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
    TimerLane& l = lanes_[lane];
    if (l.remove(pos)) {
      settle(l);
    } else if (l.live() == 0) {
      nonempty_lanes_ &= ~(1U << lane);
    }
  }
  // Drops the holes at a lane's head and caches the new head's due time (the lane is not empty).
  void settle(TimerLane& l) noexcept {
    l.settle([this](std::uint32_t ref) { return due_of(ref); });
  }
  // Records an entry's new position after TimerLane::compact.
  void moved(std::uint32_t ref, std::uint32_t pos) noexcept {
    if ((ref & kGenericBit) != 0) {
      slots_[ref & ~kGenericBit].pos = pos;
    } else {
      (*nodes_)[ref].pos = pos;
    }
  }
  // Always inline: GCC treats a function that only prefetches as free of side effects and drops
  // every call to an out-of-line copy (it did when this grew a branch, and the arrival-heavy
  // workloads lost a fifth of their speed).
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
  // scheduler_heap.cc
  void heap_push(const HeapEntry& e);
  // The smallest live entry by (due, seq), or nullptr; drops stale entries on the way. Inline:
  // the choice of the next event asks for it every time, and it is nearly always cached.
  const HeapEntry* heap_top() noexcept {
    if (heap_cached_) {
      return &heap_[heap_min_bucket_][heap_min_index_];
    }
    return heap_find_top();
  }
  const HeapEntry* heap_find_top() noexcept;
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
  // Batches: peek() records the earliest head among the queues it did not choose; while the
  // chosen lane's (or the source's) head is due strictly before that (lowered by every event
  // scheduled since), it is the next event without comparing the queues again. Strictly: a tie
  // is left to peek().
  static constexpr std::int64_t kNoBound = std::numeric_limits<std::int64_t>::max();
  std::int64_t runner_up_due_ = kNoBound;
  std::int64_t batch_bound_ = kNoBound;
  bool in_source_batch_ = false;   // arm_source() leaves batch_bound_ alone then
  std::int64_t source_limit_ = 0;  // the limit of the source batch under way
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t live_ = 0;
  std::size_t stale_in_heap_ = 0;
  std::uint32_t nonempty_lanes_ = 0;  // bit i: lanes_[i] holds events
  std::uint8_t lane_count_ = 0;
  std::uint8_t last_lane_ = kMaxLanes;   // the lane enqueue() used last
  std::uint8_t other_lane_ = kMaxLanes;  // the one it used before that
  std::array<TimerLane, kMaxLanes> lanes_{};
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
  std::vector<std::int64_t>* words_ = nullptr;
  void (*fire_)(void* self, std::uint32_t node) = nullptr;
  void (*fire_lane_)(void* self, std::uint8_t lane, std::int64_t limit) = nullptr;
  void* client_ = nullptr;
};

}  // namespace ws2sim
