// SocketTable — a host's emulated sockets by handle. Not a public header.
//
//   SocketTable table;
//   Socket& s = table.insert(std::move(fresh));  // keyed by fresh.handle
//   if (Socket* p = table.find(handle)) ...;      // nullptr if the handle is not a socket here
//   for (SocketHandle h : table.sorted_handles()) ...;  // WSACleanup: in handle order
//
// Every Winsock call looks its socket up, and a blocked call's condition does so each time the
// model may have changed it, so lookup is a FlatIndex probe (one multiply and shift) rather
// than a tree walk or a prime modulo. Sockets live in their own allocations: a Socket& stays
// valid until that socket is erased, whatever else is inserted.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "ws2sim/model/flat_index.h"

namespace ws2sim::winsock::detail {

struct Socket;
using SocketHandle = std::uintptr_t;  // SOCKET

template <typename S>  // Socket; a template only so this header can precede its definition
class BasicSocketTable {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }
  [[nodiscard]] bool empty() const noexcept { return index_.size() == 0; }

  /// The socket for `handle`, or nullptr.
  [[nodiscard]] S* find(SocketHandle handle) const noexcept {
    const auto slot = index_.find(handle);
    return slot ? slots_[*slot].get() : nullptr;
  }
  [[nodiscard]] bool contains(SocketHandle handle) const noexcept {
    return index_.find(handle).has_value();
  }
  /// The socket for `handle`, which must be present (std::out_of_range otherwise).
  [[nodiscard]] S& at(SocketHandle handle) const {
    S* s = find(handle);
    if (s == nullptr) {
      throw std::out_of_range("no such socket handle");
    }
    return *s;
  }

  /// Adds `s` under `s.handle`, which must not be present yet (handles are never reused).
  S& insert(S s) {
    const SocketHandle handle = s.handle;
    std::uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(std::make_unique<S>(std::move(s)));
    } else {
      slot = free_.back();
      free_.pop_back();
      slots_[slot] = std::make_unique<S>(std::move(s));
    }
    index_.insert(handle, slot);
    return *slots_[slot];
  }

  /// Removes the socket for `handle`, if present.
  void erase(SocketHandle handle) {
    const auto slot = index_.find(handle);
    if (!slot) {
      return;
    }
    index_.erase(handle);
    slots_[*slot].reset();
    free_.push_back(*slot);
  }

  void clear() noexcept {
    index_.clear();
    slots_.clear();
    free_.clear();
  }

  /// Calls `f(const S&)` for every socket, in slot order.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& s : slots_) {
      if (s) {
        f(*s);
      }
    }
  }

  /// Every handle, ascending: the order in which a host's sockets are reset (never the hash's).
  [[nodiscard]] std::vector<SocketHandle> sorted_handles() const {
    std::vector<SocketHandle> out;
    out.reserve(size());
    for (const auto& s : slots_) {
      if (s) {
        out.push_back(s->handle);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // ---- implementation details ----------------------------------------------------------------
 private:
  FlatIndex<SocketHandle> index_;          // handle -> slot
  std::vector<std::unique_ptr<S>> slots_;  // nullptr: free
  std::vector<std::uint32_t> free_;        // free slots, reused last-freed first
};

}  // namespace ws2sim::winsock::detail
