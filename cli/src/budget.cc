// Memory budgets and sizes (budget.h).
#include "ws2sim/cli/budget.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>

#include "quoted_text.h"

namespace ws2sim::cli {
namespace {

constexpr std::size_t kMinBudget = std::size_t{1} << 20;
constexpr std::size_t kMaxBudget = std::size_t{1} << 40;

std::string expected(std::string_view text, std::string_view why) {
  return detail::quoted(text) + " is not a size (" + std::string(why) +
         "); write bytes with an optional unit K, M, G or T (powers of 1024), e.g. \"512M\", "
         "\"4G\"";
}

}  // namespace

Result<std::size_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr == begin) {
    return invalid_argument(expected(text, "no number"));
  }
  if (ec == std::errc::result_out_of_range) {
    return invalid_argument(expected(text, "too large"));
  }
  std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  static constexpr std::array<std::pair<std::string_view, int>, 9> kUnits{{{"", 0},
                                                                           {"K", 10},
                                                                           {"KiB", 10},
                                                                           {"M", 20},
                                                                           {"MiB", 20},
                                                                           {"G", 30},
                                                                           {"GiB", 30},
                                                                           {"T", 40},
                                                                           {"TiB", 40}}};
  for (const auto& [name, shift] : kUnits) {
    if (unit != name) {
      continue;
    }
    if (value > (kMaxBudget >> shift)) {
      return invalid_argument(detail::quoted(text) + " is more than the largest budget, 1T");
    }
    const std::size_t bytes = static_cast<std::size_t>(value) << shift;
    if (bytes < kMinBudget) {
      return invalid_argument(detail::quoted(text) + " is less than the smallest budget, 1M");
    }
    return bytes;
  }
  return invalid_argument(expected(text, "unknown unit \"" + std::string(unit) + "\""));
}

std::string format_size(double bytes) {
  static constexpr std::array<const char*, 5> kNames{"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (unit + 1 < kNames.size() && bytes >= 1024.0) {
    bytes /= 1024.0;
    ++unit;
  }
  // One decimal below 10 of a unit (3.5 GiB), whole numbers above (220 GiB); bytes are whole.
  const double shown =
      unit > 0 && bytes < 10.0 ? std::round(bytes * 10.0) / 10.0 : std::round(bytes);
  std::string number = std::to_string(static_cast<std::uint64_t>(shown));
  const auto tenths = static_cast<std::uint64_t>(std::llround(shown * 10.0)) % 10;
  if (unit > 0 && shown < 10.0 && tenths != 0) {
    number += '.';
    number += std::to_string(tenths);
  }
  return number + " " + kNames[unit];
}

std::string over_budget(std::string_view what, double bytes, std::size_t budget,
                        std::string_view remedies) {
  return "this run needs ~" + format_size(bytes) + " (" + std::string(what) +
         ") but the memory budget is " + format_size(static_cast<double>(budget)) + ": " +
         std::string(remedies) + ", or raise --memory-budget";
}

}  // namespace ws2sim::cli
