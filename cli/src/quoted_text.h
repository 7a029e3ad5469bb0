// quoted — a user's input between double quotes, as the commands' error messages name it
// ("\"2h0m\" is not a duration ..."). Not a public header.
#pragma once

#include <string>
#include <string_view>

namespace ws2sim::cli::detail {

/// quoted — `text` between double quotes. Messages append to it (`quoted(t) + " is ..."`), which
/// also keeps GCC 12 off its -Wrestrict false positive for `"\"" + std::string(t)`.
inline std::string quoted(std::string_view text) {
  std::string q;
  q.reserve(text.size() + 2);
  q += '"';
  q += text;
  q += '"';
  return q;
}

}  // namespace ws2sim::cli::detail
