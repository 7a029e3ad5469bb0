// ws2sim/model/time.h — virtual time for the deterministic model.
//
// Every duration and instant in ws2sim is an integer count of nanoseconds behind `std::chrono`
// types. There is no `now()` here on purpose: the only clock is the one a `Scheduler` owns, and
// it moves only when the scheduler runs events (see scheduler.h). Nothing in model/ or emulator/
// reads the wall clock.
//
// Units are converted exactly once, at the API edge, by the named functions below:
//
//   Duration idle = ws2sim::milliseconds_u32(keepalive.keepalivetime);  // SIO_KEEPALIVE_VALS
//   Duration intvl = ws2sim::seconds_u32(tcp_keepintvl_value);          // TCP_KEEPINTVL
//
// Both are total over their input type: 0xFFFFFFFF ms (49.7 days) and 0xFFFFFFFF s (136 years)
// fit in the 292-year range of a signed 64-bit nanosecond count.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace ws2sim {

/// A signed span of virtual time in nanoseconds.
using Duration = std::chrono::duration<std::int64_t, std::nano>;

/// The virtual clock type. It has no `now()`: read the time from a `Scheduler`.
struct VirtualClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = Duration;
  using time_point = std::chrono::time_point<VirtualClock, Duration>;
  static constexpr bool is_steady = true;
};

/// An instant of virtual time: nanoseconds since the start of a simulation.
using TimePoint = VirtualClock::time_point;

/// The instant every simulation starts at.
inline constexpr TimePoint kEpoch{};

/// The largest representable instant (about 292 years after the epoch).
inline constexpr TimePoint kEndOfTime{Duration::max()};

/// Milliseconds as Windows passes them in a 32-bit `u_long` (SIO_KEEPALIVE_VALS, registry DWORDs).
constexpr Duration milliseconds_u32(std::uint32_t ms) noexcept {
  return Duration{static_cast<std::int64_t>(ms) * 1'000'000};
}

/// Seconds as Windows passes them in a 32-bit value (TCP_KEEPIDLE, TCP_KEEPINTVL).
constexpr Duration seconds_u32(std::uint32_t s) noexcept {
  return Duration{static_cast<std::int64_t>(s) * 1'000'000'000};
}

/// `a + b`, clamped to the representable range instead of overflowing.
constexpr Duration saturating_add(Duration a, Duration b) noexcept {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  const std::int64_t x = a.count();
  const std::int64_t y = b.count();
  if (y > 0 && x > kMax - y) return Duration{kMax};
  if (y < 0 && x < kMin - y) return Duration{kMin};
  return Duration{x + y};
}

/// `t + d`, clamped to [kEpoch's minimum, kEndOfTime] instead of overflowing.
constexpr TimePoint saturating_add(TimePoint t, Duration d) noexcept {
  return TimePoint{saturating_add(t.time_since_epoch(), d)};
}

/// `n * d`, clamped instead of overflowing (used for "N probes x interval").
constexpr Duration saturating_mul(Duration d, std::int64_t n) noexcept {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  const std::int64_t x = d.count();
  if (x == 0 || n == 0) return Duration{0};
  if ((x > 0) == (n > 0)) {
    if (x > 0 ? x > kMax / n : x < kMax / n) return Duration{kMax};
  } else {
    if (x > 0 ? n < kMin / x : x < kMin / n) return Duration{kMin};
  }
  return Duration{x * n};
}

/// Whole milliseconds in `d`, rounded toward zero.
constexpr std::int64_t whole_milliseconds(Duration d) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// Whole seconds in `d`, rounded toward zero.
constexpr std::int64_t whole_seconds(Duration d) noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

/// Human-readable duration, exact to the nanosecond: "2h 0m 10s", "350ms", "1.5s", "0s".
std::string format_duration(Duration d);

/// An instant as seconds since the epoch with millisecond precision: "7210.000s".
std::string format_time(TimePoint t);

}  // namespace ws2sim
