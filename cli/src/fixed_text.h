// fixed — a number with a fixed count of decimals ("12.5"), as `ws2sim load`'s reports print
// rates. Not a public header.
#pragma once

#include <cstdio>
#include <string>

namespace ws2sim::cli::detail {

/// fixed — `v` with `decimals` digits after the point.
inline std::string fixed(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace ws2sim::cli::detail
