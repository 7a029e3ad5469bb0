#include "ws2sim/model/rng.h"

#include <cmath>

namespace ws2sim {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

bool is_valid_probability(double p) noexcept {
  return std::isfinite(p) && p >= 0.0 && p <= 1.0;
}

Probability Probability::from_double(double p) noexcept {
  Probability q;
  if (!(p > 0.0)) {
    return q;  // also maps NaN to "never"; callers validate first
  }
  if (p >= 1.0) {
    q.threshold_ = kAlways;
    q.always_ = true;
    return q;
  }
  // p * 2^64, computed exactly enough in long double and truncated once: a fixed mapping.
  q.threshold_ = static_cast<std::uint64_t>(std::ldexp(static_cast<long double>(p), 64));
  return q;
}

double Probability::as_double() const noexcept {
  if (always_) {
    return 1.0;
  }
  return static_cast<double>(std::ldexp(static_cast<long double>(threshold_), -64));
}

Rng::Rng(std::uint64_t seed) noexcept {
  std::uint64_t state = seed;
  for (auto& word : s_) {
    word = splitmix64(state);
  }
}

std::uint64_t Rng::next_u64() noexcept {
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

std::uint64_t Rng::below(std::uint64_t bound) noexcept {
  if (bound <= 1) {
    return 0;
  }
  // Lemire: the high half of a 128-bit product, rejecting the biased low region.
  __extension__ using U128 = unsigned __int128;
  U128 m = static_cast<U128>(next_u64()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<U128>(next_u64()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

std::uint64_t Rng::first_u64(std::uint64_t seed) noexcept {
  // next_u64()'s result depends on s_[1] alone, the second SplitMix64 output.
  std::uint64_t state = seed + 0x9e3779b97f4a7c15ULL;
  const std::uint64_t s1 = splitmix64(state);
  return rotl(s1 * 5, 7) * 9;
}

bool Rng::first_chance(std::uint64_t seed, Probability p) noexcept {
  if (p.always_) {
    return true;
  }
  if (p.threshold_ == 0) {
    return false;
  }
  return first_u64(seed) < p.threshold_;
}

bool Rng::chance(Probability p) noexcept {
  if (p.always_) {
    return true;
  }
  if (p.threshold_ == 0) {
    return false;
  }
  return next_u64() < p.threshold_;
}

}  // namespace ws2sim
