// HeapOptional<T> — std::optional's interface with the value on the heap: a pointer's size while
// empty. For a part of a struct that most instances never have (a Fifo's storage, a socket's
// WSAEventSelect record), so that a million of them do not carry it inline
// (docs/architecture.md, "Memory"). Copies copy the value; moves move the pointer.
//
//   HeapOptional<EventSelect> es;   // 8 bytes, empty
//   es = EventSelect{};             // allocated
//   if (es) es->mask = FD_READ;
//   es.reset();
#pragma once

#include <memory>
#include <utility>

namespace ws2sim {

/// HeapOptional — an optional T held through a pointer (see the banner).
template <typename T>
class HeapOptional {
 public:
  HeapOptional() = default;
  HeapOptional(const HeapOptional& other)
      : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  HeapOptional(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(const HeapOptional& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  HeapOptional& operator=(HeapOptional&&) noexcept = default;
  ~HeapOptional() = default;
  /// HeapOptional::operator= — holds `value` from now on.
  HeapOptional& operator=(T value) {
    value_ = std::make_unique<T>(std::move(value));
    return *this;
  }

  [[nodiscard]] bool has_value() const noexcept { return value_ != nullptr; }
  explicit operator bool() const noexcept { return has_value(); }
  T& operator*() noexcept { return *value_; }
  const T& operator*() const noexcept { return *value_; }
  T* operator->() noexcept { return value_.get(); }
  const T* operator->() const noexcept { return value_.get(); }
  /// HeapOptional::reset — empty again (the value freed).
  void reset() noexcept { value_.reset(); }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace ws2sim
