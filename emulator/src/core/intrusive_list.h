// IntrusiveList — objects linked through a hook they hold: added at the end and removed from
// anywhere in constant time, visited in the order they were added. Not a public header.
//
// The blocked calls of a world live on their threads' stacks and are listed in the order they
// blocked (host_state.h): with 100,000 of them, removing one from a vector cost a search and a
// move of the rest, on every wake-up.
//
//   struct Item { ListHook<Item> hook; };
//   IntrusiveList<Item, &Item::hook> items;
//   items.push_back(a);  items.push_back(b);  items.erase(a);   // b is front()
//   for (Item* i : items) { ... }
#pragma once

#include <cstddef>
#include <iterator>

namespace ws2sim::winsock::detail {

/// ListHook — what an object holds to be in one IntrusiveList.
template <typename T>
struct ListHook {
  T* prev = nullptr;
  T* next = nullptr;
};

/// IntrusiveList — see the banner. It owns nothing: an object must be erased before it dies.
template <typename T, ListHook<T> T::*Hook>
class IntrusiveList {
 public:
  /// IntrusiveList::iterator — visits the objects as pointers, front to back.
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T*;
    using difference_type = std::ptrdiff_t;
    using pointer = T* const*;
    using reference = T*;
    iterator() = default;
    explicit iterator(T* at) : at_(at) {}
    T* operator*() const { return at_; }
    iterator& operator++() {
      at_ = (at_->*Hook).next;
      return *this;
    }
    iterator operator++(int) {
      iterator was = *this;
      ++*this;
      return was;
    }
    bool operator==(const iterator& other) const = default;

   private:
    T* at_ = nullptr;
  };

  IntrusiveList() = default;
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  IntrusiveList(IntrusiveList&& other) noexcept
      : head_(other.head_), tail_(other.tail_), size_(other.size_) {
    other.head_ = other.tail_ = nullptr;
    other.size_ = 0;
  }
  IntrusiveList& operator=(IntrusiveList&&) = delete;

  /// IntrusiveList::push_back — `x` (in no list of this hook) becomes the last.
  void push_back(T& x) {
    ListHook<T>& h = x.*Hook;
    h.prev = tail_;
    h.next = nullptr;
    (tail_ != nullptr ? (tail_->*Hook).next : head_) = &x;
    tail_ = &x;
    ++size_;
  }
  /// IntrusiveList::erase — takes `x` (in this list) out.
  void erase(T& x) {
    ListHook<T>& h = x.*Hook;
    (h.prev != nullptr ? (h.prev->*Hook).next : head_) = h.next;
    (h.next != nullptr ? (h.next->*Hook).prev : tail_) = h.prev;
    h.prev = h.next = nullptr;
    --size_;
  }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// IntrusiveList::front — the first; the list must not be empty.
  [[nodiscard]] T& front() const noexcept { return *head_; }
  [[nodiscard]] iterator begin() const noexcept { return iterator(head_); }
  [[nodiscard]] iterator end() const noexcept { return iterator(); }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace ws2sim::winsock::detail
