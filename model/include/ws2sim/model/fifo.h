// Fifo<T> — a first-in first-out buffer on one vector: appends at the back, removes from the
// front by moving a head index. The TCP model's send/receive buffers and accept queues, and the
// emulator's per-socket receive buffer.
//
//   Fifo<std::uint8_t> q;
//   q.append(bytes.begin(), bytes.end());
//   q.drop_front(3);                     // the first three bytes are gone
//   std::uint8_t first = q.front();
//
// Why not std::deque: libstdc++'s deque allocates a 512-byte block and a map as soon as it is
// constructed and its move constructor may throw, so a vector of endpoints holding three of them
// cost ~1.7 KB of allocations per endpoint and copied every endpoint when it grew. A Fifo
// allocates nothing until something is appended and moves without throwing.
#pragma once

#include <cstddef>
#include <iterator>
#include <vector>

namespace ws2sim {

template <typename T>
class Fifo {
 public:
  using const_iterator = typename std::vector<T>::const_iterator;

  [[nodiscard]] std::size_t size() const noexcept { return items_.size() - head_; }
  [[nodiscard]] bool empty() const noexcept { return head_ == items_.size(); }
  [[nodiscard]] const_iterator begin() const noexcept {
    return items_.begin() + static_cast<std::ptrdiff_t>(head_);
  }
  [[nodiscard]] const_iterator end() const noexcept { return items_.end(); }
  [[nodiscard]] const T& front() const noexcept { return items_[head_]; }

  void push_back(const T& item) { items_.push_back(item); }
  template <typename It>
  void append(It first, It last) {
    items_.insert(items_.end(), first, last);
  }
  /// Removes the first `n` items (at most size()).
  void drop_front(std::size_t n) noexcept {
    head_ += n;
    if (head_ == items_.size()) {
      clear();
    } else if (head_ >= kCompactAt && head_ * 2 >= items_.size()) {
      // Compact once the dead prefix is at least half: amortised O(1) per item.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void pop_front() noexcept { drop_front(1); }
  void clear() noexcept {
    items_.clear();
    head_ = 0;
  }

  // ---- implementation details ----
 private:
  static constexpr std::size_t kCompactAt = 4096;
  std::vector<T> items_;
  std::size_t head_ = 0;  // items_[0, head_) were removed
};

}  // namespace ws2sim
