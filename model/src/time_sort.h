// model/src/time_sort.h — the traffic stream's sort of one time bucket (internal).
//
// A bucket holds traffic segments whose times lie in [base, base + 2^width_shift), appended in
// generation order, which is (connection, segment) order. A stable sort by time alone therefore
// gives (time, connection, segment) order, without comparing the tie-breakers.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "ws2sim/model/population.h"

namespace ws2sim {

/// One stable counting-sort pass of `v` by the 11-bit digit of the offset from `base` that starts
/// at bit `shift`. `scratch` is working space; the result ends up in `v`.
inline void counting_pass_by_time(std::vector<PopulationWorkload::Arrival>& v,
                                  std::vector<PopulationWorkload::Arrival>& scratch,
                                  std::int64_t base, int shift) {
  constexpr std::size_t kRadix = std::size_t{1} << 11;
  const auto digit = [base, shift](const PopulationWorkload::Arrival& a) {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(a.at - base) >> shift) &
                                    (kRadix - 1));
  };
  std::array<std::uint32_t, kRadix> count{};
  for (const PopulationWorkload::Arrival& a : v)
    ++count[digit(a)];
  std::uint32_t sum = 0;
  for (std::uint32_t& c : count)
    sum = std::exchange(c, sum) + c;
  scratch.resize(v.size());
  for (const PopulationWorkload::Arrival& a : v)
    scratch[count[digit(a)]++] = a;
  v.swap(scratch);
}

/// A stable LSD radix sort of `v` by time, 11 bits a pass over the offset from `base` (only the
/// digits the largest offset has). `scratch` is working space.
inline void radix_sort_by_time(std::vector<PopulationWorkload::Arrival>& v,
                               std::vector<PopulationWorkload::Arrival>& scratch,
                               std::int64_t base) {
  std::uint64_t span = 0;
  for (const PopulationWorkload::Arrival& a : v)
    span = std::max(span, static_cast<std::uint64_t>(a.at - base));
  for (int shift = 0; shift < 64 && (span >> shift) != 0; shift += 11)
    counting_pass_by_time(v, scratch, base, shift);
}

/// Sorts one bucket by time, stably. One counting pass by the offset's top 11 bits, then an
/// insertion sort: the stream sizes its buckets to a few thousand segments spread over the
/// bucket's time, so a run of equal top digits is about one segment long and each segment moves
/// a step or two (three radix passes cost about twice as much on a population with traffic).
/// Clustered times (many distinct times under one digit) would make the insertion sort quadratic,
/// so past a budget of moves it stops and radix_sort_by_time() finishes: every step is stable, so
/// equal times stay in generation order either way. Returns false when it had to fall back (for
/// tests).
inline bool sort_by_time(std::vector<PopulationWorkload::Arrival>& v,
                         std::vector<PopulationWorkload::Arrival>& scratch, std::int64_t base,
                         int width_shift) {
  const std::size_t n = v.size();
  if (n < 2) return true;
  if (n > 64) counting_pass_by_time(v, scratch, base, width_shift > 11 ? width_shift - 11 : 0);
  std::size_t budget = 8 * n + 256;
  for (std::size_t i = 1; i < n; ++i) {
    const PopulationWorkload::Arrival a = v[i];
    std::size_t j = i;
    for (; j > 0 && a.at < v[j - 1].at; --j)
      v[j] = v[j - 1];
    v[j] = a;
    const std::size_t moved = i - j;
    if (moved > budget) {
      radix_sort_by_time(v, scratch, base);
      return false;
    }
    budget -= moved;
  }
  return true;
}

}  // namespace ws2sim
