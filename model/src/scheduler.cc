#include "ws2sim/model/scheduler.h"

#include <algorithm>
#include <utility>

namespace ws2sim {
namespace {

template <typename E>
bool earlier(const E& a, const E& b) noexcept {
  return a.due != b.due ? a.due < b.due : a.seq < b.seq;
}

constexpr int kDigitBits = 6;
constexpr std::uint64_t kDigitMask = 63;

// The radix heap bucket of `key` relative to `base` (key >= base >= 0): level * 64 + digit.
std::size_t bucket_of(std::int64_t base, std::int64_t key) noexcept {
  const auto x = static_cast<std::uint64_t>(key ^ base);
  const int level = x == 0 ? 0 : (63 - __builtin_clzll(x)) / kDigitBits;
  const auto digit = (static_cast<std::uint64_t>(key) >> (level * kDigitBits)) & kDigitMask;
  return static_cast<std::size_t>(level) * 64 + static_cast<std::size_t>(digit);
}

}  // namespace

// Ordering without a sequence number per lane event. An event's sequence number is taken when it
// is scheduled and the clock never goes back, so a smaller sequence number means an earlier or
// equal scheduling instant (`arm`). Within a lane, events run in the order they were appended,
// which is sequence order. Between queues, events due at the same instant are ordered by `arm`,
// and two of them can only share `arm` if they share the delay too (due - arm): a delay with a lane
// always uses it, so the other one is in the heap and was scheduled before that lane was opened
// (lanes are only reassigned when empty). Hence: (due, arm), heap first on a full tie; the heap
// itself yields (due, seq) order. This is exactly the (time, sequence) order.

Scheduler::Scheduler() = default;

bool Scheduler::attach_timers(std::vector<TimerNode>* nodes, std::vector<std::int64_t>* words,
                              TimerFire fire, TimerLaneBatch fire_lane, void* client) noexcept {
  if (nodes_ != nullptr) return false;
  nodes_ = nodes;
  words_ = words;
  fire_ = fire;
  fire_lane_ = fire_lane;
  client_ = client;
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

bool Scheduler::stale(const HeapEntry& e) const noexcept {
  if ((e.ref & kGenericBit) != 0) {
    const Slot& s = slots_[e.ref & ~kGenericBit];
    return !s.live || s.generation != e.generation;
  }
  // A node re-armed into the heap has a new sequence number; the low half and the due time
  // both matching a stale entry would take 2^32 heap insertions in between (the same bound as
  // a slot's 32-bit generation).
  const TimerNode& n = (*nodes_)[e.ref];
  return n.where != kInHeap || n.pos != static_cast<std::uint32_t>(e.seq) || n.due != e.due;
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
    if (lanes_[i].delay == delay) return i;
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
      if (lanes_[i].live == 0) {
        lane = i;
        break;
      }
    }
    if (lane == kInHeap) return kInHeap;
  }
  Lane& l = lanes_[lane];
  l.delay = delay;
  l.head = l.tail = l.live = 0;
  if (l.ring.size() > 4096) {  // a reused lane starts small again
    l.ring = {};
    l.capacity = 0;
    l.mask = 0;
  }
  return lane;
}

void Scheduler::enqueue(std::uint32_t ref, std::int64_t due, std::int64_t delay) {
  note_scheduled(due);
  const std::uint8_t lane = lane_for(delay);
  if (lane != kInHeap) {
    last_lane_ = lane;
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

void Scheduler::lane_compact(Lane& l) noexcept {
  std::uint32_t w = l.head;  // the head is live (lane_settle), so it stays where it is
  for (std::uint32_t p = l.head; p != l.tail; ++p) {
    const std::uint32_t ref = l.at(p);
    if (ref == kNil) continue;
    l.at(w) = ref;  // w <= p: nothing unread is overwritten
    if ((ref & kGenericBit) != 0) {
      slots_[ref & ~kGenericBit].pos = w;
    } else {
      (*nodes_)[ref].pos = w;
    }
    ++w;
  }
  l.tail = w;
}

void Scheduler::lane_append(std::uint8_t lane, std::uint32_t ref, std::int64_t due) {
  Lane& l = lanes_[lane];
  if (l.full() && !l.ring.empty() && l.live <= l.mask / 2) {
    // At least half the ring is holes left by cancels: squeeze them out instead of growing.
    // Otherwise a lane whose head stays armed (the clock has not reached it) while other
    // timers are cancelled and re-armed behind it would grow by one entry per arm, without
    // bound (BM_Arm did exactly this: the ring reached 10^8 entries). Amortized O(1): each
    // compaction moves at most as many entries as there were holes.
    lane_compact(l);
  } else if (l.full()) {
    // Double, keeping every entry at its absolute position (modulo the new size).
    std::vector<std::uint32_t> grown(std::max<std::size_t>(16, l.ring.size() * 2));
    const auto mask = static_cast<std::uint32_t>(grown.size() - 1);
    for (std::uint32_t p = l.head; p != l.tail; ++p)
      grown[p & mask] = l.at(p);
    l.ring = std::move(grown);
    l.capacity = l.ring.size();
    l.mask = mask;
  }
  l.at(l.tail) = ref;
  if ((ref & kGenericBit) != 0) {
    Slot& s = slots_[ref & ~kGenericBit];
    s.pos = l.tail;
    s.where = lane;
  } else {
    TimerNode& n = (*nodes_)[ref];
    n.pos = l.tail;
    n.where = lane;
  }
  ++l.tail;
  if (l.live++ == 0) {
    l.head_due = due;
    nonempty_lanes_ |= 1U << lane;
  }
}

void Scheduler::heap_place(const HeapEntry& e) {
  const std::size_t b = bucket_of(heap_base_, e.due);
  const std::size_t level = b / kDigits;
  const std::size_t digit = b % kDigits;
  std::vector<HeapEntry>& bucket = heap_[b];
  if (level == 0 && heap_head0_[digit] == bucket.size() && !bucket.empty()) {
    bucket.clear();
    heap_head0_[digit] = 0;
  }
  bucket.push_back(e);
  heap_digits_[level] |= std::uint64_t{1} << digit;
  heap_levels_ |= 1U << level;
}

void Scheduler::heap_push(const HeapEntry& e) {
  heap_place(e);
  ++heap_size_;
  // A new minimum lands in the lowest bucket in use (buckets grow with the key), so the cached
  // top either stays or becomes this entry.
  if (heap_cached_ && earlier(e, heap_[heap_min_bucket_][heap_min_index_])) {
    heap_min_bucket_ = static_cast<std::uint16_t>(bucket_of(heap_base_, e.due));
    heap_min_index_ = heap_[heap_min_bucket_].size() - 1;
  }
}

const Scheduler::HeapEntry* Scheduler::heap_top() noexcept {
  if (heap_cached_) return &heap_[heap_min_bucket_][heap_min_index_];
  while (heap_levels_ != 0) {
    const auto level = static_cast<std::size_t>(__builtin_ctz(heap_levels_));
    const auto digit = static_cast<std::size_t>(__builtin_ctzll(heap_digits_[level]));
    const std::size_t b = level * kDigits + digit;
    std::vector<HeapEntry>& v = heap_[b];
    std::size_t best = v.size();
    if (level == 0) {
      // One due time, in sequence order: the first live entry.
      std::uint32_t& head = heap_head0_[digit];
      while (head < v.size() && stale(v[head])) {
        ++head;
        --heap_size_;
        --stale_in_heap_;
      }
      if (head < v.size()) best = head;
    } else {
      // The minimum by (due, seq), found without reading the entries' nodes or slots: a stale
      // check is a cache miss per entry, and was half of heap_top() in S2, whose heap holds
      // only live remainder timers. Only a stale minimum (it cannot become the top: the base
      // would move past a live entry's scheduling instant) makes the bucket squeeze out every
      // stale entry and look again, so a bucket is squeezed at most once per visit.
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (best == v.size() || earlier(v[i], v[best])) best = i;
      }
      if (best < v.size() && stale_in_heap_ != 0 && stale(v[best])) {
        best = v.size();
        std::size_t kept = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (stale(v[i])) {
            --heap_size_;
            --stale_in_heap_;
            continue;
          }
          v[kept] = v[i];
          if (best == v.size() || earlier(v[kept], v[best])) best = kept;
          ++kept;
        }
        v.resize(kept);  // when nothing is kept, best (the old size) is past the end
      }
    }
    if (best < v.size()) {
      // The top is usually found long before it runs (lane events and arrivals come first):
      // fetch its node or slot now rather than when it fires.
      prefetch(v[best].ref);
      heap_cached_ = true;
      heap_min_bucket_ = static_cast<std::uint16_t>(b);
      heap_min_index_ = best;
      return &v[best];
    }
    v.clear();
    if (level == 0) heap_head0_[digit] = 0;
    heap_digits_[level] &= ~(std::uint64_t{1} << digit);
    if (heap_digits_[level] == 0) heap_levels_ &= ~(1U << level);
  }
  return nullptr;
}

void Scheduler::heap_pop() {
  heap_cached_ = false;
  --heap_size_;
  const std::size_t b = heap_min_bucket_;
  const std::size_t level = b / kDigits;
  const std::size_t digit = b % kDigits;
  std::vector<HeapEntry>& v = heap_[b];
  if (level == 0) {
    // heap_top() stepped over the stale entries ahead of the minimum, and a valid cached minimum
    // never has live ones ahead of it; step over whatever precedes it all the same.
    const std::size_t skipped = heap_min_index_ - heap_head0_[digit];
    heap_size_ -= skipped;
    stale_in_heap_ -= skipped;
    heap_head0_[digit] = static_cast<std::uint32_t>(heap_min_index_);
    if (++heap_head0_[digit] == v.size()) {
      v.clear();
      if (v.capacity() > 64) std::vector<HeapEntry>().swap(v);
      heap_head0_[digit] = 0;
      heap_digits_[0] &= ~(std::uint64_t{1} << digit);
      if (heap_digits_[0] == 0) heap_levels_ &= ~1U;
    }
    return;
  }
  // The clock is about to move to the minimum: rebase on it and spread its bucket over the lower
  // levels (every other bucket keeps its place). Level 0 was empty, so the entries due at the
  // new base arrive there together; they are put in sequence order (usually there is one).
  heap_base_ = v[heap_min_index_].due;
  v[heap_min_index_] = v.back();
  v.pop_back();
  // The emptied bucket starts again from nothing (buckets take turns being large), and the
  // scratch vector keeps at most a small buffer.
  heap_scratch_.clear();
  heap_scratch_.swap(v);
  if (v.capacity() > 64) std::vector<HeapEntry>().swap(v);
  heap_digits_[level] &= ~(std::uint64_t{1} << digit);
  if (heap_digits_[level] == 0) heap_levels_ &= ~(1U << level);
  for (const HeapEntry& e : heap_scratch_) {
    heap_place(e);
    // Entries within 2^18 ns of the new base run next among the heap's: fetch their state now.
    if ((static_cast<std::uint64_t>(e.due ^ heap_base_) >> (3 * kDigitBits)) == 0) prefetch(e.ref);
  }
  if (heap_scratch_.capacity() > 1024) std::vector<HeapEntry>().swap(heap_scratch_);
  const std::size_t d0 = static_cast<std::size_t>(heap_base_) & kDigitMask;
  std::vector<HeapEntry>& b0 = heap_[d0];
  if (b0.size() > 1) {
    std::sort(b0.begin(), b0.end(),
              [](const HeapEntry& x, const HeapEntry& y) { return x.seq < y.seq; });
  }
}

void Scheduler::heap_stale_added() {
  heap_cached_ = false;
  ++stale_in_heap_;
  if (stale_in_heap_ > 1024 && stale_in_heap_ > heap_size_ / 2) compact_heap();
}

void Scheduler::compact_heap() {
  heap_size_ = 0;
  heap_levels_ = 0;
  heap_digits_ = {};
  for (std::size_t b = 0; b < heap_.size(); ++b) {
    std::vector<HeapEntry>& v = heap_[b];
    if (b < kDigits) {
      v.erase(v.begin(), v.begin() + heap_head0_[b]);
      heap_head0_[b] = 0;
    }
    std::erase_if(v, [this](const HeapEntry& e) { return stale(e); });
    heap_size_ += v.size();
    if (!v.empty()) {
      heap_digits_[b / kDigits] |= std::uint64_t{1} << (b % kDigits);
      heap_levels_ |= 1U << (b / kDigits);
    }
  }
  stale_in_heap_ = 0;
  heap_cached_ = false;
}

std::size_t Scheduler::heap_bytes() const noexcept {
  std::size_t bytes = heap_scratch_.capacity() * sizeof(HeapEntry);
  for (const auto& b : heap_)
    bytes += b.capacity() * sizeof(HeapEntry);
  return bytes;
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
    const Lane& l = lanes_[i];
    const std::int64_t arm = l.head_due - l.delay;
    if (best == kNowhere || l.head_due < best_due || (l.head_due == best_due && arm < best_arm)) {
      if (best != kNowhere) second = std::min(second, best_due);
      best = i;
      best_due = l.head_due;
      best_arm = arm;
    } else {
      second = std::min(second, l.head_due);
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
    if (best == kNowhere || side_due < best_due || (side_due == best_due && side_arm <= best_arm)) {
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
  return lanes_[q].head_due;
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
  for (const Lane& l : lanes_)
    rings += l.ring.capacity() * sizeof(std::uint32_t);
  return sizeof(*this) + slots_.capacity() * sizeof(Slot) +
         free_slots_.capacity() * sizeof(std::uint32_t) + heap_bytes() + rings;
}

}  // namespace ws2sim
