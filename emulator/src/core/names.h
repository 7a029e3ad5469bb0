// The world's host names and aliases, as the hosts' resolvers see them (docs/names.md): one
// case-insensitive table in World::State, filled by World::add_host and Host::add_alias.
// Not a public header.
#pragma once

#include <string>
#include <string_view>

#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// check_host_name — `name` can be an alias: 1-255 characters of letters, digits, '-', '_'
/// and '.', not "localhost", not a numeric IPv4 address.
Status check_host_name(std::string_view name);

/// register_name — `name` resolves to `host` from now on; kAlreadyExists if a host or alias
/// has it (in any case). World lock held.
Status register_name(World::State& w, Host::State& host, std::string_view name);

/// find_name — the host named or aliased `name` (any case; one trailing '.' ignored), or
/// nullptr. World lock held.
Host::State* find_name(const World::State& w, std::string_view name);

/// lower_name — `name` in lower case, without one trailing '.': the table's key.
std::string lower_name(std::string_view name);

}  // namespace ws2sim::winsock::detail
