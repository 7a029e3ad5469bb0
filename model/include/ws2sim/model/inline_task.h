// ws2sim/model/inline_task.h — a move-only `void()` callable stored inline.
//
// Scheduled events hold their work in an `InlineTask`, so arming a timer never allocates: the
// closure is placement-constructed in a fixed buffer. A closure that does not fit is a compile
// error, not a silent heap allocation.
//
//   InlineTask<48> t{[ep = this, id] { ep->on_timer(id); }};
//   t();
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace ws2sim {

/// A type-erased, move-only `void()` callable with `Capacity` bytes of inline storage.
template <std::size_t Capacity>
class InlineTask {
 public:
  InlineTask() = default;

  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, InlineTask>>>
  InlineTask(F&& f) {  // NOLINT(google-explicit-constructor)
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= Capacity, "closure too large for InlineTask: capture less");
    static_assert(alignof(Fn) <= alignof(std::max_align_t), "closure over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<Fn>, "closure must be nothrow-movable");
    ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
    ops_ = &kOps<Fn>;
  }

  InlineTask(InlineTask&& other) noexcept { take(other); }
  InlineTask& operator=(InlineTask&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InlineTask(const InlineTask&) = delete;
  InlineTask& operator=(const InlineTask&) = delete;
  ~InlineTask() { reset(); }

  /// True when a callable is stored.
  explicit operator bool() const noexcept { return ops_ != nullptr; }

  /// Calls the stored callable. Precondition: `bool(*this)`.
  void operator()() { ops_->call(buf_); }

  /// Destroys the stored callable, if any.
  void reset() noexcept {
    if (ops_ != nullptr) {
      ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }

  // ---- implementation details ----
 private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* dst, void* src) noexcept;
    void (*destroy)(void*) noexcept;
  };
  template <typename Fn>
  static constexpr Ops kOps{
      [](void* p) { (*static_cast<Fn*>(p))(); },
      [](void* dst, void* src) noexcept {
        ::new (dst) Fn(std::move(*static_cast<Fn*>(src)));
        static_cast<Fn*>(src)->~Fn();
      },
      [](void* p) noexcept { static_cast<Fn*>(p)->~Fn(); },
  };

  void take(InlineTask& other) noexcept {
    if (other.ops_ != nullptr) {
      other.ops_->move(buf_, other.buf_);
      ops_ = other.ops_;
      other.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char buf_[Capacity];
  const Ops* ops_ = nullptr;
};

}  // namespace ws2sim
