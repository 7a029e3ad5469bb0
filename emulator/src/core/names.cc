// The world's name table (names.h).
#include "core/names.h"

#include <cctype>

#include "ws2sim/model/address.h"

namespace ws2sim::winsock::detail {

std::string lower_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  std::string out(name);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Status check_host_name(std::string_view name) {
  if (name.empty() || name.size() > 255) {
    return invalid_argument("a host name has 1 to 255 characters, '" + std::string(name) +
                            "' has " + std::to_string(name.size()));
  }
  for (const char c : name) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    if (!ok) {
      return invalid_argument("host name '" + std::string(name) +
                              "': only letters, digits, '-', '_' and '.' may appear");
    }
  }
  if (lower_name(name) == "localhost") {
    return invalid_argument("'localhost' is every host's own loopback name");
  }
  if (Ipv4Address::parse(name)) {
    return invalid_argument(std::string("'").append(name).append("' is an address, not a name"));
  }
  return {};
}

Status register_name(World::State& w, Host::State& host, std::string_view name) {
  std::string key = lower_name(name);
  if (w.names.contains(key)) {
    return Error{ErrorCode::kAlreadyExists,
                 "the name '" + std::string(name) +
                     "' is taken by a host or an alias (names are case-insensitive)"};
  }
  w.names.emplace(std::move(key), &host);
  return {};
}

Host::State* find_name(const World::State& w, std::string_view name) {
  const auto it = w.names.find(lower_name(name));
  return it == w.names.end() ? nullptr : it->second;
}

}  // namespace ws2sim::winsock::detail
