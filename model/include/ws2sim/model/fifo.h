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
// allocates nothing until something is appended, moves without throwing, and is one pointer
// while it never held anything: a million idle connections hold eight of them each (three per
// endpoint, one per emulated socket), 24 bytes apiece saved (docs/architecture.md, "Memory").
#pragma once

#include <cstddef>
#include <iterator>
#include <vector>

#include "ws2sim/model/heap_optional.h"

namespace ws2sim {

template <typename T>
class Fifo {
 public:
  using const_iterator = const T*;

  [[nodiscard]] std::size_t size() const noexcept {
    return body_ ? body_->items.size() - body_->head : 0;
  }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] const_iterator begin() const noexcept {
    return body_ ? body_->items.data() + body_->head : nullptr;
  }
  [[nodiscard]] const_iterator end() const noexcept {
    return body_ ? body_->items.data() + body_->items.size() : nullptr;
  }
  [[nodiscard]] const T& front() const noexcept { return body_->items[body_->head]; }

  void push_back(const T& item) { body().items.push_back(item); }
  template <typename It>
  void append(It first, It last) {
    if (first == last) return;
    std::vector<T>& items = body().items;
    items.insert(items.end(), first, last);
  }
  /// Removes the first `n` items (at most size()).
  void drop_front(std::size_t n) noexcept {
    if (n == 0) return;
    Body& b = *body_;
    b.head += n;
    if (b.head == b.items.size()) {
      clear();
    } else if (b.head >= kCompactAt && b.head * 2 >= b.items.size()) {
      // Compact once the dead prefix is at least half: amortised O(1) per item.
      b.items.erase(b.items.begin(), b.items.begin() + static_cast<std::ptrdiff_t>(b.head));
      b.head = 0;
    }
  }
  void pop_front() noexcept { drop_front(1); }
  /// Empties the buffer; its memory stays for the next items, as a vector's does.
  void clear() noexcept {
    if (body_) {
      body_->items.clear();
      body_->head = 0;
    }
  }

  // ---- implementation details ----
 private:
  static constexpr std::size_t kCompactAt = 4096;
  struct Body {
    std::vector<T> items;
    std::size_t head = 0;  // items[0, head) were removed
  };
  Body& body() {
    if (!body_) {
      body_ = Body{};
    }
    return *body_;
  }
  HeapOptional<Body> body_;  // copies copy the items
};

}  // namespace ws2sim
