#include "ws2sim/model/time.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ws2sim {

std::string format_duration(Duration d) {
  if (d == Duration::zero()) return "0s";
  std::string out;
  // Work in unsigned magnitude so that Duration::min() has a magnitude too.
  const bool negative = d < Duration::zero();
  std::uint64_t ns =
      negative ? ~static_cast<std::uint64_t>(d.count()) + 1 : static_cast<std::uint64_t>(d.count());
  if (negative) out += '-';
  constexpr std::uint64_t kSec = 1'000'000'000;
  if (ns < kSec) {
    char buf[32];
    if (ns % 1'000'000 == 0) {
      std::snprintf(buf, sizeof buf, "%llums", static_cast<unsigned long long>(ns / 1'000'000));
    } else if (ns % 1'000 == 0) {
      std::snprintf(buf, sizeof buf, "%lluus", static_cast<unsigned long long>(ns / 1'000));
    } else {
      std::snprintf(buf, sizeof buf, "%lluns", static_cast<unsigned long long>(ns));
    }
    return out + buf;
  }
  const std::uint64_t total_s = ns / kSec;
  const std::uint64_t frac = ns % kSec;
  const std::uint64_t days = total_s / 86400;
  const std::uint64_t h = (total_s % 86400) / 3600;
  const std::uint64_t m = (total_s % 3600) / 60;
  const std::uint64_t s = total_s % 60;
  char buf[96];
  char sec[40];
  if (frac == 0) {
    std::snprintf(sec, sizeof sec, "%llus", static_cast<unsigned long long>(s));
  } else {
    // Trim trailing zeros of the fraction: 1.500000000 -> 1.5
    char f[16];
    std::snprintf(f, sizeof f, "%09llu", static_cast<unsigned long long>(frac));
    std::string fs = f;
    while (!fs.empty() && fs.back() == '0')
      fs.pop_back();
    std::snprintf(sec, sizeof sec, "%llu.%ss", static_cast<unsigned long long>(s), fs.c_str());
  }
  if (days > 0) {
    std::snprintf(buf, sizeof buf, "%llud %lluh %llum %s", static_cast<unsigned long long>(days),
                  static_cast<unsigned long long>(h), static_cast<unsigned long long>(m), sec);
  } else if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lluh %llum %s", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(m), sec);
  } else if (m > 0) {
    std::snprintf(buf, sizeof buf, "%llum %s", static_cast<unsigned long long>(m), sec);
  } else {
    std::snprintf(buf, sizeof buf, "%s", sec);
  }
  return out + buf;
}

std::string format_time(TimePoint t) {
  const std::int64_t ns = t.time_since_epoch().count();
  const std::lldiv_t q = std::lldiv(ns, 1'000'000'000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%03llds", (ns < 0 ? "-" : ""), std::llabs(q.quot),
                std::llabs(q.rem) / 1'000'000);
  return buf;
}

}  // namespace ws2sim
