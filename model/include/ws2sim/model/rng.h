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
  explicit Rng(std::uint64_t seed) noexcept {
    std::uint64_t state = seed;
    for (auto& word : s_) {
      word = splitmix64(state);
    }
  }

  std::uint64_t next_u64() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  std::uint32_t next_u32() noexcept { return static_cast<std::uint32_t>(next_u64() >> 32); }
  /// Uniform in [0, bound) without modulo bias (Lemire's multiply-and-reject). `bound` > 0.
  std::uint64_t below(std::uint64_t bound) noexcept {
    if (bound <= 1) {
      return 0;
    }
    const U128 m = static_cast<U128>(next_u64()) * bound;
    if (static_cast<std::uint64_t>(m) < bound) [[unlikely]] {
      return below_rejecting(bound, m);
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  /// True with probability `p`.
  bool chance(Probability p) noexcept;

  /// Rng::first_u64 — what `Rng{seed}.next_u64()` returns, computed without the rest of the state
  /// (the first output reads one state word: one SplitMix64 step instead of four). For callers
  /// that draw once per seed, such as a population's per-probe answer draws.
  static std::uint64_t first_u64(std::uint64_t seed) noexcept {
    // next_u64()'s result depends on s_[1] alone, the second SplitMix64 output.
    std::uint64_t state = seed + kGolden;
    const std::uint64_t s1 = splitmix64(state);
    return rotl(s1 * 5, 7) * 9;
  }
  /// Rng::first_chance — `Rng{seed}.chance(p)`, at the cost of first_u64().
  static bool first_chance(std::uint64_t seed, Probability p) noexcept {
    if (p.always_) {
      return true;
    }
    if (p.threshold_ == 0) {
      return false;
    }
    return first_u64(seed) < p.threshold_;
  }

  // ---- implementation details ----
  // Inline: a population draws several values per connection and one per probe, and a call per
  // draw cost more than the draw (docs/architecture.md, "the population's generator").
 private:
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  static constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += kGolden);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // below()'s rare path: the first product fell in the low region that may be biased.
  __extension__ using U128 = unsigned __int128;
  std::uint64_t below_rejecting(std::uint64_t bound, U128 m) noexcept;

  std::array<std::uint64_t, 4> s_{};
};

}  // namespace ws2sim
