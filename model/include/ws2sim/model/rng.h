// ws2sim/model/rng.h — the seeded random generator.
//
// Determinism rule: the same seed gives the same trace, byte for byte, on every standard library.
// `std::uniform_int_distribution` and friends are implementation-defined, so we never use them;
// this generator (xoshiro256**, seeded through SplitMix64) and its range mappings are our own.
//
//   Rng rng{42};
//   std::uint64_t isn = rng.next_u32();
//   bool lost = rng.chance(loss);   // loss is a Probability
#pragma once

#include <array>
#include <cstdint>

namespace ws2sim {

/// A probability stored as a fixed-point threshold so that draws involve no floating point.
class Probability {
 public:
  /// Never.
  constexpr Probability() = default;
  /// `p` in [0, 1]; callers validate the range at the API edge (see `is_valid_probability`).
  static Probability from_double(double p) noexcept;
  /// Exactly `parts` in a million.
  static constexpr Probability per_million(std::uint32_t parts) noexcept {
    Probability q;
    q.threshold_ = parts >= 1'000'000 ? kAlways : (kAlways / 1'000'000) * parts;
    q.always_ = parts >= 1'000'000;
    return q;
  }
  [[nodiscard]] constexpr bool never() const noexcept { return threshold_ == 0 && !always_; }
  [[nodiscard]] double as_double() const noexcept;

 private:
  friend class Rng;
  static constexpr std::uint64_t kAlways = ~std::uint64_t{0};
  std::uint64_t threshold_ = 0;  // a draw below this is a hit
  bool always_ = false;
};

/// True when `p` is a probability (finite and within [0, 1]).
bool is_valid_probability(double p) noexcept;

/// xoshiro256** seeded with SplitMix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept;

  std::uint64_t next_u64() noexcept;
  std::uint32_t next_u32() noexcept { return static_cast<std::uint32_t>(next_u64() >> 32); }
  /// Uniform in [0, bound) without modulo bias (Lemire's multiply-and-reject). `bound` > 0.
  std::uint64_t below(std::uint64_t bound) noexcept;
  /// True with probability `p`.
  bool chance(Probability p) noexcept;

  /// Rng::first_u64 — what `Rng{seed}.next_u64()` returns, computed without the rest of the state
  /// (the first output reads one state word: one SplitMix64 step instead of four). For callers
  /// that draw once per seed, such as a population's per-probe answer draws.
  static std::uint64_t first_u64(std::uint64_t seed) noexcept;
  /// Rng::first_chance — `Rng{seed}.chance(p)`, at the cost of first_u64().
  static bool first_chance(std::uint64_t seed, Probability p) noexcept;

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace ws2sim
