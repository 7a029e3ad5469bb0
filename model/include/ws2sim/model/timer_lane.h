// ws2sim/model/timer_lane.h — a FIFO of scheduled events that all share one delay.
//
// Events scheduled the same fixed delay ahead (a keep-alive idle time, an interval, a path
// latency) come due in the order they were scheduled, because the clock never goes back. A queue
// per delay is therefore sorted by construction: arming appends, expiry pops the head, and
// cancelling leaves a hole that the head skips. All three are O(1), against O(log n) for a heap.
// The Scheduler keeps up to 16 such lanes next to its heap; this class is one lane.
//
//   TimerLane lane;
//   lane.open(/*delay=*/75'000'000'000);
//   const std::uint32_t pos = lane.push(ref, due);   // caller made room (grow/compact) first
//   lane.remove(pos);                                // a cancel: leaves a hole
//   const std::uint32_t next = lane.pop();           // the oldest live entry
//
// Entries are 32-bit references the owner interprets (a scheduler slot or a timer node). Their
// positions are absolute and never reused while queued, so an owner can keep an entry's position
// to cancel it later; compact() reports every move.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ws2sim {

/// TimerLane — one delay's FIFO of event references (see the file comment).
class TimerLane {
 public:
  /// TimerLane::kHole — a cancelled entry.
  static constexpr std::uint32_t kHole = 0xFFFF'FFFFU;

  /// TimerLane::open — empties the lane and gives it `delay`; a ring grown large by an earlier
  /// delay starts small again.
  void open(std::int64_t delay) noexcept {
    delay_ = delay;
    head_ = tail_ = live_ = 0;
    if (ring_.size() > kShrinkAbove) {
      ring_ = {};
      capacity_ = 0;
      mask_ = 0;
    }
  }

  /// TimerLane::delay — the delay every entry was scheduled with (ns).
  [[nodiscard]] std::int64_t delay() const noexcept { return delay_; }
  /// TimerLane::live — entries queued, holes not counted.
  [[nodiscard]] std::uint32_t live() const noexcept { return live_; }
  /// TimerLane::head_position — the position of the oldest live entry; valid while live() > 0.
  [[nodiscard]] std::uint32_t head_position() const noexcept { return head_; }
  /// TimerLane::tail_position — the position the next push() will take.
  [[nodiscard]] std::uint32_t tail_position() const noexcept { return tail_; }
  /// TimerLane::head_due — the due time of the oldest live entry (ns); valid while live() > 0.
  [[nodiscard]] std::int64_t head_due() const noexcept { return head_due_; }
  /// TimerLane::full — no room for one more entry (an empty ring of capacity 0 is full): one
  /// comparison on the arm path.
  [[nodiscard]] bool full() const noexcept { return std::uint64_t{tail_ - head_} >= capacity_; }
  /// TimerLane::mostly_holes — at least half the ring is holes: compact() rather than grow().
  [[nodiscard]] bool mostly_holes() const noexcept { return !ring_.empty() && live_ <= mask_ / 2; }

  /// TimerLane::push — appends `ref`, due at `due`, and returns its position. The lane must not
  /// be full(). Returns true in `*first` when the lane was empty before.
  std::uint32_t push(std::uint32_t ref, std::int64_t due, bool* first) noexcept {
    at(tail_) = ref;
    *first = live_++ == 0;
    if (*first) {
      head_due_ = due;
    }
    return tail_++;
  }

  /// TimerLane::remove — cancels the entry at `pos`. Returns true when the lane still has live
  /// entries and `pos` was the head: the owner must settle() it then.
  bool remove(std::uint32_t pos) noexcept {
    at(pos) = kHole;
    if (--live_ == 0) {
      head_ = tail_;  // only holes were left
      return false;
    }
    return pos == head_;
  }

  /// TimerLane::pop — takes the head (the lane is not empty) and returns its reference. Returns
  /// true in `*more` when live entries remain: the owner must settle() the new head then.
  std::uint32_t pop(bool* more) noexcept {
    const std::uint32_t ref = at(head_);
    ++head_;
    *more = --live_ != 0;
    if (!*more) {
      head_ = tail_;
    }
    return ref;
  }

  /// TimerLane::ahead — the entry `n` places behind the head, or kHole when there is none (for
  /// prefetching the state of events about to run).
  [[nodiscard]] std::uint32_t ahead(std::uint32_t n) const noexcept {
    return tail_ - head_ > n ? at(head_ + n) : kHole;
  }

  /// TimerLane::settle — drops the holes at the head and caches the new head's due time, read by
  /// `due_of(ref)`. The lane is not empty.
  template <class DueOf>
  void settle(DueOf due_of) noexcept {
    while (at(head_) == kHole) {
      ++head_;
    }
    head_due_ = due_of(at(head_));
  }

  /// TimerLane::grow — doubles the ring, keeping every entry at its absolute position.
  void grow() {
    std::vector<std::uint32_t> grown(std::max<std::size_t>(16, ring_.size() * 2));
    const auto mask = static_cast<std::uint32_t>(grown.size() - 1);
    for (std::uint32_t p = head_; p != tail_; ++p) {
      grown[p & mask] = at(p);
    }
    ring_ = std::move(grown);
    capacity_ = ring_.size();
    mask_ = mask;
  }

  /// TimerLane::compact — moves the live entries together from the head on, in order, calling
  /// `moved(ref, new_position)` for each. Amortised O(1) per cancel: it moves at most as many
  /// entries as there were holes. Without it, a lane whose head stays armed while timers behind
  /// it are cancelled and re-armed would grow by one entry per arm, without bound.
  /// `mark`, when given, is a position between head and tail that the owner keeps as a boundary
  /// ("entries before it were pushed before X"); it is moved along, so the same entries stay
  /// before it.
  template <class Moved>
  void compact(Moved moved, std::uint32_t* mark = nullptr) {
    std::uint32_t w = head_;  // the head is live (settled), so it stays where it is
    for (std::uint32_t p = head_; p != tail_; ++p) {
      if (mark != nullptr && p == *mark) {
        *mark = w;
        mark = nullptr;
      }
      const std::uint32_t ref = at(p);
      if (ref == kHole) {
        continue;
      }
      at(w) = ref;  // w <= p: nothing unread is overwritten
      moved(ref, w);
      ++w;
    }
    if (mark != nullptr && *mark == tail_) {
      *mark = w;
    }
    tail_ = w;
  }

  /// TimerLane::memory_bytes — the ring's allocation.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return ring_.capacity() * sizeof(std::uint32_t);
  }

  // ---- implementation details ----
 private:
  static constexpr std::size_t kShrinkAbove = 4096;

  [[nodiscard]] std::uint32_t& at(std::uint32_t pos) noexcept { return ring_.data()[pos & mask_]; }
  [[nodiscard]] std::uint32_t at(std::uint32_t pos) const noexcept {
    return ring_.data()[pos & mask_];
  }

  std::int64_t delay_ = 0;
  std::int64_t head_due_ = 0;  // due time of at(head_) while live_ > 0
  std::vector<std::uint32_t> ring_;
  std::uint64_t capacity_ = 0;  // ring_.size(): 0 or a power of two
  std::uint32_t mask_ = 0;      // ring_.size() - 1 when the ring is not empty
  std::uint32_t head_ = 0;      // tail_ - head_ entries, holes included
  std::uint32_t tail_ = 0;
  std::uint32_t live_ = 0;
};

}  // namespace ws2sim
