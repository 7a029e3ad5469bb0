// FlatIndex<Key> — an open-addressing hash index from an unsigned integer key to a 32-bit slot
// number. The TCP model's connections by (local port, remote address) and hosts by address, both
// looked up once per delivered segment, and the emulator's sockets by handle.
//
//   FlatIndex<std::uint64_t> index;
//   index.insert(key, 7);            // false if the key was already there (nothing changes)
//   std::optional<std::uint32_t> slot = index.find(key);
//   index.erase(key);
//
// Why not std::unordered_map: a lookup there is a modulo by a prime bucket count and a pointer
// chase to a heap node, and every insert allocates one; in the emulator's dead-peer benchmark
// the two maps were ~10% of the run. Here a lookup is one multiply, a shift and a short linear
// probe in one array; inserting allocates only when the table doubles.
//
// Never iterated, so the hash's order can never reach a trace (determinism needs none).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

namespace ws2sim {

template <typename Key>
class FlatIndex {
  static_assert(std::is_unsigned_v<Key> && sizeof(Key) <= 8);

 public:
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// The slot stored for `key`, or nullopt.
  [[nodiscard]] std::optional<std::uint32_t> find(Key key) const noexcept {
    if (size_ == 0) {
      return std::nullopt;
    }
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      const Entry& e = entries_[i];
      if (!e.used) {
        return std::nullopt;
      }
      if (e.key == key) {
        return e.value;
      }
    }
  }

  /// Stores `key` -> `value`. Returns false, changing nothing, if `key` is already present.
  bool insert(Key key, std::uint32_t value) {
    if ((size_ + 1) * 2 > entries_.size()) {
      grow();  // load factor at most 1/2
    }
    std::size_t i = home(key);
    for (; entries_[i].used; i = (i + 1) & mask()) {
      if (entries_[i].key == key) {
        return false;
      }
    }
    entries_[i] = Entry{key, value, true};
    ++size_;
    return true;
  }

  /// Removes `key` if present; returns whether it was.
  bool erase(Key key) noexcept {
    if (size_ == 0) {
      return false;
    }
    std::size_t i = home(key);
    for (; entries_[i].key != key; i = (i + 1) & mask()) {
      if (!entries_[i].used) {
        return false;
      }
    }
    if (!entries_[i].used) {
      return false;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole so that every
    // entry stays reachable from its home without tombstones.
    for (std::size_t j = (i + 1) & mask();; j = (j + 1) & mask()) {
      if (!entries_[j].used) {
        break;
      }
      const std::size_t h = home(entries_[j].key);
      // Move entry j into the hole at i unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) {
        continue;
      }
      entries_[i] = entries_[j];
      i = j;
    }
    entries_[i] = Entry{};
    --size_;
    return true;
  }

  /// Removes every key; the table keeps its capacity.
  void clear() noexcept {
    for (Entry& e : entries_) {
      e = Entry{};
    }
    size_ = 0;
  }

  // ---- implementation details ----------------------------------------------------------------
 private:
  struct Entry {
    Key key = 0;
    std::uint32_t value = 0;
    bool used = false;
  };

  [[nodiscard]] std::size_t mask() const noexcept { return entries_.size() - 1; }
  // Fibonacci hashing: the top bits of key * 2^64/phi spread sequential keys (ports, addresses)
  // over the whole table.
  [[nodiscard]] std::size_t home(Key key) const noexcept {
    return static_cast<std::size_t>((std::uint64_t{key} * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  void grow() {
    std::vector<Entry> old(entries_.empty() ? 16 : entries_.size() * 2);
    old.swap(entries_);
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(entries_.size()));
    size_ = 0;
    for (const Entry& e : old) {
      if (e.used) {
        insert(e.key, e.value);
      }
    }
  }

  std::vector<Entry> entries_;
  std::size_t size_ = 0;
  unsigned shift_ = 64;
};

}  // namespace ws2sim
