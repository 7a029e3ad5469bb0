// The scheduler (scheduler.h): slots, lanes, the choice of the next event, the run loops. The
// radix heap is in scheduler_heap.cc.
#include "ws2sim/model/scheduler.h"

#include <algorithm>
#include <utility>

namespace ws2sim {

// Ordering without a sequence number per lane event. An event's sequence number is taken when it
// is scheduled and the clock never goes back, so a smaller sequence number means an earlier or
// equal scheduling instant (`arm`). Within a lane, events run in the order they were appended,
// which is sequence order. Between queues, events due at the same instant are ordered by `arm`,
// and two of them can only share `arm` if they share the delay too (due - arm): a delay with a lane
// always uses it, so the other one is in the heap and was scheduled before that lane was opened
// (lanes are only reassigned when empty). Hence: (due, arm), heap first on a full tie; the heap
// itself yields (due, seq) order. The source (an arrival stream) uses no lane, so it can fully
// tie with one: it records the tail of the lane with its delay when armed, and the entries before
// that mark go first (Source::lane_mark). This is exactly the (time, sequence) order.

Scheduler::Scheduler() = default;

bool Scheduler::attach_timers(const TimerClient& client) noexcept {
  if (nodes_ != nullptr) return false;
  nodes_ = client.nodes;
  words_ = client.words;
  fire_ = client.fire;
  fire_lane_ = client.fire_lane;
  client_ = client.self;
  return true;
}

void Scheduler::detach_timers() noexcept {
  if (nodes_ != nullptr) {
    // The client disarmed its nodes; drop their stale heap entries while they can be checked.
    compact_heap();
  }
  nodes_ = nullptr;
  words_ = nullptr;
  fire_ = nullptr;
  fire_lane_ = nullptr;
  client_ = nullptr;
}

Result<EventId> Scheduler::schedule_at(TimePoint at, Task task) {
  if (at < now_) {
    return invalid_argument("cannot schedule an event at " + format_time(at) +
                            ", before the current time " + format_time(now_));
  }
  return insert(at.time_since_epoch().count(), (at - now_).count(), std::move(task));
}

Result<EventId> Scheduler::schedule_in(Duration delay, Task task) {
  if (delay < Duration::zero()) {
    return invalid_argument("cannot schedule an event a negative delay (" + format_duration(delay) +
                            ") ahead");
  }
  const TimePoint at = saturating_add(now_, delay);
  return insert(at.time_since_epoch().count(), (at - now_).count(), std::move(task));
}

EventId Scheduler::insert(std::int64_t time, std::int64_t delay, Task task) {
  std::uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  slot.task = std::move(task);
  slot.due = time;
  slot.live = true;
  ++live_;
  enqueue(index | kGenericBit, time, delay);
  return EventId{index, slots_[index].generation};
}

// A delay gets a lane the second time it is seen (one-off delays stay in the heap), while one of
// the kMaxLanes lanes is free or empty.
std::uint8_t Scheduler::lane_for(std::int64_t delay) noexcept {
  if (delay <= 0) return kInHeap;
  for (std::uint8_t i = 0; i < lane_count_; ++i) {
    if (lanes_[i].delay() == delay) return i;
  }
  // One-off delays only overwrite their own slot, so a recurring delay is rarely forgotten.
  std::int64_t& seen =
      seen_delays_[(static_cast<std::uint64_t>(delay) * 0x9e3779b97f4a7c15ULL) >> 58];
  if (seen != delay) {
    seen = delay;
    return kInHeap;
  }
  std::uint8_t lane = kInHeap;
  if (lane_count_ < kMaxLanes) {
    lane = lane_count_++;
  } else {
    for (std::uint8_t i = 0; i < kMaxLanes; ++i) {
      if (lanes_[i].live() == 0) {
        lane = i;
        break;
      }
    }
    if (lane == kInHeap) return kInHeap;
  }
  lanes_[lane].open(delay);                           // a reused lane starts small again
  if (source_.lane == lane) source_.lane = kNowhere;  // its positions start again
  return lane;
}

void Scheduler::enqueue(std::uint32_t ref, std::int64_t due, std::int64_t delay) {
  note_scheduled(due);
  const std::uint8_t lane = lane_for(delay);
  if (lane != kInHeap) {
    if (lane != last_lane_) {
      other_lane_ = std::exchange(last_lane_, lane);
    }
    lane_append(lane, ref, due);
    return;
  }
  const std::uint64_t seq = next_seq_++;
  const std::int64_t arm = now_.time_since_epoch().count();
  if ((ref & kGenericBit) != 0) {
    Slot& s = slots_[ref & ~kGenericBit];
    s.where = kInHeap;
    heap_push(HeapEntry{due, arm, seq, ref, s.generation});
  } else {
    TimerNode& n = (*nodes_)[ref];
    n.where = kInHeap;
    n.pos = static_cast<std::uint32_t>(seq);
    heap_push(HeapEntry{due, arm, seq, ref, 0});
  }
}

void Scheduler::lane_append(std::uint8_t lane, std::uint32_t ref, std::int64_t due) {
  TimerLane& l = lanes_[lane];
  if (l.full()) {
    // At least half the ring holes left by cancels: squeeze them out instead of growing.
    if (l.mostly_holes()) {
      l.compact([this](std::uint32_t r, std::uint32_t pos) { moved(r, pos); },
                source_.lane == lane ? &source_.lane_mark : nullptr);
    } else {
      l.grow();
    }
  }
  bool first = false;
  const std::uint32_t pos = l.push(ref, due, &first);
  if ((ref & kGenericBit) != 0) {
    Slot& s = slots_[ref & ~kGenericBit];
    s.pos = pos;
    s.where = lane;
  } else {
    TimerNode& n = (*nodes_)[ref];
    n.pos = pos;
    n.where = lane;
  }
  if (first) nonempty_lanes_ |= 1U << lane;
}

void Scheduler::release_slot(std::uint32_t index) noexcept {
  Slot& slot = slots_[index];
  slot.live = false;
  slot.where = kNowhere;
  ++slot.generation;
  if (slot.generation == 0) slot.generation = 1;  // 0 is never issued
  free_slots_.push_back(index);
  --live_;
}

bool Scheduler::cancel(EventId id) noexcept {
  if (!is_pending(id)) return false;
  Slot& slot = slots_[id.slot];
  slot.task.reset();
  const std::uint8_t where = slot.where;
  if (where != kInHeap) lane_remove(where, slot.pos);
  release_slot(id.slot);
  if (where == kInHeap) heap_stale_added();
  return true;
}

bool Scheduler::is_pending(EventId id) const noexcept {
  return id.generation != 0 && id.slot < slots_.size() && slots_[id.slot].live &&
         slots_[id.slot].generation == id.generation;
}

std::optional<TimePoint> Scheduler::due_time(EventId id) const noexcept {
  if (!is_pending(id)) return std::nullopt;
  return TimePoint{Duration{slots_[id.slot].due}};
}

std::uint8_t Scheduler::peek() noexcept {
  std::uint8_t best = kNowhere;
  std::int64_t best_due = 0;
  std::int64_t best_arm = 0;
  std::int64_t second = kNoBound;  // earliest due time among the heads not chosen
  for (std::uint32_t mask = nonempty_lanes_; mask != 0; mask &= mask - 1) {
    const auto i = static_cast<std::uint8_t>(__builtin_ctz(mask));
    const TimerLane& l = lanes_[i];
    const std::int64_t due = l.head_due();
    const std::int64_t arm = due - l.delay();
    if (best == kNowhere || due < best_due || (due == best_due && arm < best_arm)) {
      if (best != kNowhere) second = std::min(second, best_due);
      best = i;
      best_due = due;
      best_arm = arm;
    } else {
      second = std::min(second, due);
    }
  }
  // The heap's side: its top, or the source event if that would be the top were it in the heap
  // (smaller (due, seq)); it then meets the lanes' best as the heap's top does.
  std::uint8_t side = kNowhere;
  std::int64_t side_due = 0;
  std::int64_t side_arm = 0;
  if (heap_size_ != 0) {
    if (const HeapEntry* top = heap_top(); top != nullptr) {
      side = kInHeap;
      side_due = top->due;
      side_arm = top->arm;
      if (source_.armed &&
          (source_.due < top->due || (source_.due == top->due && source_.seq < top->seq))) {
        side = kSource;
        side_due = source_.due;
        side_arm = source_.arm;
        second = std::min(second, top->due);
      } else if (source_.armed) {
        second = std::min(second, source_.due);
      }
    }
  }
  if (side == kNowhere && source_.armed) {
    side = kSource;
    side_due = source_.due;
    side_arm = source_.arm;
  }
  if (side != kNowhere) {
    // A full tie (due, arm) with a lane: the heap's entry was scheduled before that lane was
    // opened; the source goes first unless the lane's head was scheduled before it.
    if (best == kNowhere || side_due < best_due ||
        (side_due == best_due &&
         (side_arm < best_arm ||
          (side_arm == best_arm && (side != kSource || !lane_head_before_source(best)))))) {
      if (best != kNowhere) second = std::min(second, best_due);
      best = side;
    } else {
      second = std::min(second, side_due);
    }
  }
  runner_up_due_ = second;
  return best;
}

std::int64_t Scheduler::head_due(std::uint8_t q) noexcept {
  if (q == kInHeap) return heap_top()->due;
  if (q == kSource) return source_.due;
  return lanes_[q].head_due();
}

void Scheduler::run_next(std::uint8_t queue) {
  if (queue == kSource) {
    source_.armed = false;
    --live_;
    advance_to(source_.due);
    source_.run(source_.client);
    return;
  }
  std::uint32_t ref;
  if (queue == kInHeap) {
    const HeapEntry* top = heap_top();
    ref = top->ref;
    const std::int64_t due = top->due;
    heap_pop();
    advance_to(due);
  } else {
    ref = lane_pop(queue);
  }
  if ((ref & kGenericBit) != 0) {
    run_closure(ref & ~kGenericBit);
  } else {
    (*nodes_)[ref].where = kNowhere;
    --live_;
    fire_(client_, ref);
  }
}

void Scheduler::run_closure(std::uint32_t index) {
  Task task = std::move(slots_[index].task);
  release_slot(index);
  task();  // may schedule or cancel other events; the slot may be reused from here on
}

std::optional<TimePoint> Scheduler::next_event_time() {
  const std::uint8_t q = peek();
  if (q == kNowhere) return std::nullopt;
  return TimePoint{Duration{head_due(q)}};
}

void Scheduler::drain() {
  for (std::uint8_t q = peek(); q != kNowhere; q = peek())
    run_batch(q, kNoBound);
}

void Scheduler::run_batch(std::uint8_t q, std::int64_t limit) {
  if (q == kSource) {
    run_source_batch(limit);
    return;
  }
  if (q >= kMaxLanes) {  // the heap: one event
    run_next(q);
    return;
  }
  if (fire_lane_ != nullptr) {
    fire_lane_(client_, q, limit);  // the timer client's own copy of run_lane_batch
  } else {
    run_lane_batch(q, limit, [this](std::uint32_t node) { fire_(client_, node); });
  }
}

bool Scheduler::step() {
  const std::uint8_t q = peek();
  if (q == kNowhere) return false;
  run_next(q);
  return true;
}

Status Scheduler::run_until(TimePoint until) {
  if (until < now_) {
    return invalid_argument("cannot run until " + format_time(until) +
                            ": the clock is already at " + format_time(now_));
  }
  const std::int64_t limit = until.time_since_epoch().count();
  for (std::uint8_t q = peek(); q != kNowhere; q = peek()) {
    const std::int64_t due = head_due(q);
    if (due > limit) break;
    run_batch(q, limit);
  }
  now_ = until;
  return {};
}

Status Scheduler::run_for(Duration d) {
  if (d < Duration::zero()) {
    return invalid_argument("cannot run for a negative duration (" + format_duration(d) + ")");
  }
  return run_until(saturating_add(now_, d));
}

void Scheduler::run_source_batch(std::int64_t limit) {
  batch_bound_ = runner_up_due_;
  in_source_batch_ = true;
  source_limit_ = limit;
  do {
    run_next(kSource);
  } while (source_.armed && source_.due < batch_bound_ && source_.due <= limit);
  in_source_batch_ = false;
  batch_bound_ = kNoBound;
}

Result<bool> Scheduler::run_until(const std::function<bool()>& done, TimePoint deadline) {
  if (deadline < now_) {
    return invalid_argument("cannot run until " + format_time(deadline) +
                            ": the clock is already at " + format_time(now_));
  }
  const std::int64_t limit = deadline.time_since_epoch().count();
  while (!done()) {
    const std::uint8_t q = peek();  // once per event: the emulator's blocking calls run here
    if (q == kNowhere || head_due(q) > limit) {
      now_ = deadline;
      return false;
    }
    run_next(q);
  }
  return true;
}

std::size_t Scheduler::memory_bytes() const noexcept {
  std::size_t rings = 0;
  for (const TimerLane& l : lanes_)
    rings += l.memory_bytes();
  return sizeof(*this) + slots_.capacity() * sizeof(Slot) +
         free_slots_.capacity() * sizeof(std::uint32_t) + heap_bytes() + rings;
}

}  // namespace ws2sim
