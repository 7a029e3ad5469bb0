#include "ws2sim/cli/time_text.h"

#include <cstdio>

#include "quoted_text.h"

namespace ws2sim::cli {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMaxMs = 100LL * 366 * 86400 * kMsPerSecond;  // about 100 years

Error bad_duration(std::string_view text, const std::string& why) {
  return invalid_argument(detail::quoted(text) + " is not a duration (" + why +
                          "); write it as whole numbers with units d, h, m, s, ms, e.g. \"350s\", "
                          "\"2h0m10s\", \"1500ms\"");
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return bad_duration(text, "it is empty");
  std::int64_t total_ms = 0;
  std::int64_t previous_scale = 0;  // units go from the largest down, each once: "1h30m"
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return bad_duration(text, "a number must come first");
    std::int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > kMaxMs) return bad_duration(text, "longer than 100 years");
      ++i;
    }
    std::size_t j = i;
    while (j < text.size() && ((text[j] >= 'a' && text[j] <= 'z')))
      ++j;
    const std::string_view unit = text.substr(i, j - i);
    std::int64_t scale = 0;
    if (unit == "d") {
      scale = 86400 * kMsPerSecond;
    } else if (unit == "h") {
      scale = 3600 * kMsPerSecond;
    } else if (unit == "m") {
      scale = 60 * kMsPerSecond;
    } else if (unit == "s") {
      scale = kMsPerSecond;
    } else if (unit == "ms") {
      scale = 1;
    } else if (unit.empty()) {
      return bad_duration(text, "a unit is missing");
    } else {
      return bad_duration(text, "unknown unit \"" + std::string(unit) + "\"");
    }
    if (scale == previous_scale) {
      return bad_duration(text, "the unit \"" + std::string(unit) + "\" is given twice");
    }
    if (previous_scale != 0 && scale > previous_scale) {
      return bad_duration(text, "units go from the largest down (\"1h30m\", not \"30m1h\")");
    }
    previous_scale = scale;
    if (n > kMaxMs / scale) return bad_duration(text, "longer than 100 years");
    total_ms += n * scale;
    if (total_ms > kMaxMs) return bad_duration(text, "longer than 100 years");
    i = j;
  }
  return Duration{total_ms * 1'000'000};
}

std::string format_clock(TimePoint t) {
  const std::int64_t ms = to_ms(t.time_since_epoch());
  // From a day on the days come first ("20d 6:00:00.000"): 1752000:00:00.000 is unreadable.
  const std::int64_t days = ms / 86'400'000;
  if (days > 0) {
    return std::to_string(days) + "d " + format_clock(t - std::chrono::hours(24 * days));
  }
  const std::int64_t h = ms / 3'600'000;
  const std::int64_t m = (ms / 60'000) % 60;
  const std::int64_t s = (ms / 1000) % 60;
  const std::int64_t frac = ms % 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", static_cast<long long>(h),
                static_cast<long long>(m), static_cast<long long>(s), static_cast<long long>(frac));
  return buf;
}

std::string format_compact(Duration d) {
  if (d <= Duration::zero())
    return d == Duration::zero() ? "0s" : std::string("-").append(format_compact(-d));
  const std::int64_t ns = d.count();
  constexpr std::int64_t kS = 1'000'000'000;
  const std::int64_t days = ns / (86400 * kS);
  const std::int64_t h = ns / (3600 * kS) % 24;
  const std::int64_t m = ns / (60 * kS) % 60;
  const std::int64_t rest = ns % (60 * kS);
  std::string out;
  const auto part = [&](std::int64_t v, const char* unit) {
    if (v == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(v) + unit;
  };
  part(days, "d");
  part(h, "h");
  part(m, "m");
  if (rest != 0) {
    if (!out.empty()) out += ' ';
    out += format_duration(Duration{rest});
  }
  return out;
}

std::string seconds_text(Duration d) {
  if (d > Duration::zero() && d.count() % 1'000'000'000 == 0)
    return std::to_string(whole_seconds(d)) + " s";
  return format_compact(d);
}

std::string format_ms(Duration d) {
  return std::to_string(to_ms(d)) + " ms";
}

std::int64_t to_ms(Duration d) {
  return whole_milliseconds(d);
}

}  // namespace ws2sim::cli
