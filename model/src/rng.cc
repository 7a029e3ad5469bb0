#include "ws2sim/model/rng.h"

#include <cmath>

namespace ws2sim {

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

std::uint64_t Rng::below_rejecting(std::uint64_t bound, U128 m) noexcept {
  // Lemire: the high half of a 128-bit product, rejecting the biased low region.
  const std::uint64_t threshold = (0 - bound) % bound;
  auto low = static_cast<std::uint64_t>(m);
  while (low < threshold) {
    m = static_cast<U128>(next_u64()) * bound;
    low = static_cast<std::uint64_t>(m);
  }
  return static_cast<std::uint64_t>(m >> 64);
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
