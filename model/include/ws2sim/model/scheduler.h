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
// go to a FIFO per distinct delay, which is sorted by construction, so arm, cancel and pop are
// O(1) there; other events go to a binary heap.
#pragma once

#include <cstdint>
#include <functional>
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
  struct Entry {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Slot {
    Task task;
    std::int64_t time = 0;
    std::uint32_t generation = 1;
    std::uint8_t queue = 0;  // lane index, or kHeap
    bool live = false;
  };
  // A FIFO of entries that all share one delay; sorted because the clock never goes back.
  struct Lane {
    std::int64_t delay = 0;
    std::vector<Entry> ring;
    std::size_t head = 0;
    std::size_t size = 0;
    void push(const Entry& e);
    [[nodiscard]] const Entry& front() const { return ring[head]; }
    void pop();
  };
  static constexpr std::size_t kMaxLanes = 16;
  static constexpr std::uint8_t kHeap = 0xff;

  [[nodiscard]] bool stale(const Entry& e) const noexcept;
  // Drops stale entries at the heads; returns the queue holding the next live entry
  // (lanes_.size() for the heap), or nullopt when nothing is pending.
  std::optional<std::size_t> peek();
  EventId insert(std::int64_t time, std::int64_t delay, Task task);
  void compact_heap();

  TimePoint now_ = kEpoch;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t live_ = 0;
  std::size_t stale_in_heap_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<Entry> heap_;
  std::vector<Lane> lanes_;
};

}  // namespace ws2sim
