// StableVector<T> — a growable array in fixed chunks: elements never move, and growing never
// copies what is already stored. Internal to the TCP model (the network's endpoints).
//
//   StableVector<Endpoint> endpoints;
//   Endpoint& e = endpoints.emplace_back();  // `e` stays valid as the array grows
//   endpoints[0].state = TcpState::kListen;
//
// Why not std::vector: the network's endpoints are ~300 bytes each and an emulated world may
// hold hundreds of thousands. Doubling a vector moved every endpoint and touched twice the
// memory at every growth (5% of the emulator's dead-peer benchmark was that move and its page
// faults). Indexing costs one more load: the chunk's address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <type_traits>
#include <vector>

namespace ws2sim {

template <typename T>
class StableVector {
 public:
  static constexpr std::size_t kChunkBits = 10;  // 1,024 elements per chunk
  static constexpr std::size_t kChunk = std::size_t{1} << kChunkBits;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  [[nodiscard]] T& operator[](std::size_t i) noexcept {
    return chunks_[i >> kChunkBits].data()[i & (kChunk - 1)];
  }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    return chunks_[i >> kChunkBits].data()[i & (kChunk - 1)];
  }

  /// Appends a value-initialised element and returns it.
  T& emplace_back() {
    if ((size_ & (kChunk - 1)) == 0) {
      // Reserved, never constructed ahead: a small network touches only the memory it uses,
      // and a chunk never reallocates, so its elements never move.
      chunks_.emplace_back().reserve(kChunk);
    }
    ++size_;
    return chunks_.back().emplace_back();
  }

  /// Forward iteration in index order (range-for).
  template <bool Const>
  class Iterator {
   public:
    using Owner = std::conditional_t<Const, const StableVector, StableVector>;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = std::conditional_t<Const, const T&, T&>;
    using pointer = std::conditional_t<Const, const T*, T*>;
    using iterator_category = std::forward_iterator_tag;
    Iterator() = default;
    Iterator(Owner* v, std::size_t i) : v_(v), i_(i) {}
    reference operator*() const { return (*v_)[i_]; }
    pointer operator->() const { return &(*v_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++i_;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.i_ == b.i_; }

   private:
    Owner* v_ = nullptr;
    std::size_t i_ = 0;
  };
  [[nodiscard]] Iterator<false> begin() noexcept { return {this, 0}; }
  [[nodiscard]] Iterator<false> end() noexcept { return {this, size_}; }
  [[nodiscard]] Iterator<true> begin() const noexcept { return {this, 0}; }
  [[nodiscard]] Iterator<true> end() const noexcept { return {this, size_}; }

  // ---- implementation details ----------------------------------------------------------------
 private:
  std::vector<std::vector<T>> chunks_;  // each with capacity kChunk, filled in order
  std::size_t size_ = 0;
};

}  // namespace ws2sim
