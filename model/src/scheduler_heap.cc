// The scheduler's radix heap (scheduler.h, "implementation details"): the events whose delay has
// no lane. Entries are ordered by (due, seq); see the comment on HeapEntry for the layout.
#include <algorithm>
#include <utility>

#include "ws2sim/model/scheduler.h"

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

const Scheduler::HeapEntry* Scheduler::heap_find_top() noexcept {
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
      if (head < v.size()) {
        best = head;
      }
    } else {
      // The minimum by (due, seq), found without reading the entries' nodes or slots: a stale
      // check is a cache miss per entry, and was half of heap_top()'s time when connections with
      // traffic fill the heap with live "rest of the idle time" timers. Only a stale minimum (it
      // cannot become the top: the base would move past a live entry's scheduling instant) makes
      // the bucket squeeze out every stale entry and look again, so a bucket is squeezed at most
      // once per visit.
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (best == v.size() || earlier(v[i], v[best])) {
          best = i;
        }
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
          if (best == v.size() || earlier(v[kept], v[best])) {
            best = kept;
          }
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
    if (level == 0) {
      heap_head0_[digit] = 0;
    }
    heap_digits_[level] &= ~(std::uint64_t{1} << digit);
    if (heap_digits_[level] == 0) {
      heap_levels_ &= ~(1U << level);
    }
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
      if (v.capacity() > 64) {
        std::vector<HeapEntry>().swap(v);
      }
      heap_head0_[digit] = 0;
      heap_digits_[0] &= ~(std::uint64_t{1} << digit);
      if (heap_digits_[0] == 0) {
        heap_levels_ &= ~1U;
      }
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
  if (v.capacity() > 64) {
    std::vector<HeapEntry>().swap(v);
  }
  heap_digits_[level] &= ~(std::uint64_t{1} << digit);
  if (heap_digits_[level] == 0) {
    heap_levels_ &= ~(1U << level);
  }
  for (const HeapEntry& e : heap_scratch_) {
    heap_place(e);
    // Entries within 2^18 ns of the new base run next among the heap's: fetch their state now.
    if ((static_cast<std::uint64_t>(e.due ^ heap_base_) >> (3 * kDigitBits)) == 0) {
      prefetch(e.ref);
    }
  }
  if (heap_scratch_.capacity() > 1024) {
    std::vector<HeapEntry>().swap(heap_scratch_);
  }
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
  if (stale_in_heap_ > 1024 && stale_in_heap_ > heap_size_ / 2) {
    compact_heap();
  }
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
  for (const auto& b : heap_) {
    bytes += b.capacity() * sizeof(HeapEntry);
  }
  return bytes;
}

}  // namespace ws2sim
