#include "ws2sim/model/scheduler.h"

#include <algorithm>
#include <utility>

namespace ws2sim {
namespace {

// Heap order: the smallest (time, seq) on top.
struct Later {
  template <typename E>
  bool operator()(const E& a, const E& b) const noexcept {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

template <typename E>
bool earlier(const E& a, const E& b) noexcept {
  return a.time != b.time ? a.time < b.time : a.seq < b.seq;
}

}  // namespace

Scheduler::Scheduler() {
  lanes_.reserve(kMaxLanes);
}

void Scheduler::Lane::push(const Entry& e) {
  if (size == ring.size()) {
    std::vector<Entry> grown;
    grown.reserve(std::max<std::size_t>(16, ring.size() * 2));
    for (std::size_t i = 0; i < size; ++i)
      grown.push_back(ring[(head + i) % ring.size()]);
    grown.resize(grown.capacity());
    ring = std::move(grown);
    head = 0;
  }
  ring[(head + size) % ring.size()] = e;
  ++size;
}

void Scheduler::Lane::pop() {
  head = (head + 1) % ring.size();
  --size;
}

bool Scheduler::stale(const Entry& e) const noexcept {
  const Slot& s = slots_[e.slot];
  return !s.live || s.generation != e.generation;
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
  slot.time = time;
  slot.live = true;
  ++live_;
  const Entry entry{time, next_seq_++, index, slot.generation};

  // A fixed delay from `now` keeps a lane sorted: reuse one, or open one while there is room.
  auto lane = std::find_if(lanes_.begin(), lanes_.end(),
                           [delay](const Lane& l) { return l.delay == delay; });
  if (lane == lanes_.end() && lanes_.size() < kMaxLanes && delay > 0) {
    lanes_.push_back(Lane{delay, {}, 0, 0});
    lane = lanes_.end() - 1;
  }
  if (lane != lanes_.end()) {
    lane->push(entry);
    slot.queue = static_cast<std::uint8_t>(lane - lanes_.begin());
  } else {
    heap_.push_back(entry);
    std::push_heap(heap_.begin(), heap_.end(), Later{});
    slot.queue = kHeap;
  }
  return EventId{index, slot.generation};
}

bool Scheduler::cancel(EventId id) noexcept {
  if (!is_pending(id)) return false;
  Slot& slot = slots_[id.slot];
  slot.task.reset();
  slot.live = false;
  ++slot.generation;
  if (slot.generation == 0) slot.generation = 1;  // 0 is never issued
  free_slots_.push_back(id.slot);
  --live_;
  if (slot.queue == kHeap) {
    ++stale_in_heap_;
    if (stale_in_heap_ > 1024 && stale_in_heap_ > heap_.size() / 2) compact_heap();
  }
  return true;
}

void Scheduler::compact_heap() {
  std::erase_if(heap_, [this](const Entry& e) { return stale(e); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  stale_in_heap_ = 0;
}

bool Scheduler::is_pending(EventId id) const noexcept {
  return id.generation != 0 && id.slot < slots_.size() && slots_[id.slot].live &&
         slots_[id.slot].generation == id.generation;
}

std::optional<TimePoint> Scheduler::due_time(EventId id) const noexcept {
  if (!is_pending(id)) return std::nullopt;
  return TimePoint{Duration{slots_[id.slot].time}};
}

std::optional<std::size_t> Scheduler::peek() {
  std::optional<std::size_t> best;
  const Entry* best_entry = nullptr;
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    Lane& lane = lanes_[i];
    while (lane.size > 0 && stale(lane.front()))
      lane.pop();
    if (lane.size > 0 && (best_entry == nullptr || earlier(lane.front(), *best_entry))) {
      best = i;
      best_entry = &lane.front();
    }
  }
  while (!heap_.empty() && stale(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
    --stale_in_heap_;
  }
  if (!heap_.empty() && (best_entry == nullptr || earlier(heap_.front(), *best_entry))) {
    best = lanes_.size();
  }
  return best;
}

std::optional<TimePoint> Scheduler::next_event_time() {
  const auto q = peek();
  if (!q) return std::nullopt;
  const Entry& e = *q == lanes_.size() ? heap_.front() : lanes_[*q].front();
  return TimePoint{Duration{e.time}};
}

bool Scheduler::step() {
  const auto q = peek();
  if (!q) return false;
  Entry e;
  if (*q == lanes_.size()) {
    e = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  } else {
    e = lanes_[*q].front();
    lanes_[*q].pop();
  }
  Slot& slot = slots_[e.slot];
  Task task = std::move(slot.task);
  slot.live = false;
  ++slot.generation;
  if (slot.generation == 0) slot.generation = 1;
  free_slots_.push_back(e.slot);
  --live_;
  now_ = TimePoint{Duration{e.time}};
  ++events_run_;
  task();  // may schedule or cancel other events; `slot` may be reused from here on
  return true;
}

Status Scheduler::run_until(TimePoint until) {
  if (until < now_) {
    return invalid_argument("cannot run until " + format_time(until) +
                            ": the clock is already at " + format_time(now_));
  }
  for (auto next = next_event_time(); next && *next <= until; next = next_event_time())
    step();
  now_ = until;
  return {};
}

Status Scheduler::run_for(Duration d) {
  if (d < Duration::zero()) {
    return invalid_argument("cannot run for a negative duration (" + format_duration(d) + ")");
  }
  return run_until(saturating_add(now_, d));
}

Result<bool> Scheduler::run_until(const std::function<bool()>& done, TimePoint deadline) {
  if (deadline < now_) {
    return invalid_argument("cannot run until " + format_time(deadline) +
                            ": the clock is already at " + format_time(now_));
  }
  while (!done()) {
    const auto next = next_event_time();
    if (!next || *next > deadline) {
      now_ = deadline;
      return false;
    }
    step();
  }
  return true;
}

}  // namespace ws2sim
