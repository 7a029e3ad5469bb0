// Host: one emulated Windows machine's control API (profile, registry, switches, limits), and
// the registry value names.
#include <algorithm>
#include <cctype>

#include "core/call.h"
#include "core/host_state.h"
#include "core/names.h"
#include "rules/keepalive.h"

namespace ws2sim::winsock {

// ---- registry --------------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 4> kRegistryNames{"KeepAliveTime", "KeepAliveInterval",
                                                         "TcpMaxDataRetransmissions",
                                                         "PPTPTcpMaxDataRetransmissions"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view to_string(RegistryValue v) noexcept {
  return kRegistryNames[static_cast<std::size_t>(v)];
}

std::optional<RegistryValue> parse_registry_value(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRegistryNames.size(); ++i) {
    if (iequals(name, kRegistryNames[i])) {
      return static_cast<RegistryValue>(i);
    }
  }
  return std::nullopt;
}

// ---- Host ------------------------------------------------------------------------------------

Host::Host(std::unique_ptr<State> state) : state_(std::move(state)) {}
Host::~Host() = default;

std::string_view Host::name() const noexcept {
  return state_->name;
}
const Profile& Host::profile() const noexcept {
  return *state_->profile;
}
Ipv4Address Host::address() const noexcept {
  return state_->address;
}
Status Host::set_ipv6_address(std::string_view address) {
  const std::optional<Ipv6Address> a = Ipv6Address::parse(address);
  if (!a) {
    return invalid_argument(std::string("'").append(address).append("' is not an IPv6 address"));
  }
  if (live()) {
    return invalid_state("host '" + state_->name + "' is live: live hosts are IPv4 only");
  }
  if (!state_->profile->ipv6.value) {  // docs/behaviour.md §16
    return invalid_state(std::string(state_->profile->name) + " (" +
                         std::string(state_->profile->display) +
                         ") has no IPv6 stack by default (docs/behaviour.md §16)");
  }
  std::lock_guard lock(state_->world->state().mu);
  return state_->world->state().model.network().set_ipv6_address(state_->id, *a);
}

std::optional<Ipv6Address> Host::ipv6_address() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->world->state().model.network().ipv6_address(state_->id);
}

HostId Host::id() const noexcept {
  return state_->id;
}
World& Host::world() const noexcept {
  return *state_->world;
}

Status Host::set_registry(RegistryValue value, std::uint32_t data) {
  const bool milliseconds =
      value == RegistryValue::kKeepAliveTime || value == RegistryValue::kKeepAliveInterval;
  if (milliseconds && data == 0) {
    return invalid_argument(std::string(to_string(value)) +
                            " must be from 1 to 0xFFFFFFFF milliseconds, got 0");
  }
  if (value == RegistryValue::kPPTPTcpMaxDataRetransmissions && data > 0xFF) {
    return invalid_argument("PPTPTcpMaxDataRetransmissions must be from 0 to 0xFF, got " +
                            std::to_string(data));
  }
  std::lock_guard lock(state_->world->state().mu);
  state_->registry[static_cast<std::size_t>(value)] = data;
  return {};
}

void Host::clear_registry(RegistryValue value) {
  std::lock_guard lock(state_->world->state().mu);
  state_->registry[static_cast<std::size_t>(value)].reset();
}

std::optional<std::uint32_t> Host::registry(RegistryValue value) const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->registry[static_cast<std::size_t>(value)];
}

HostSwitches Host::switches() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->switches;
}

void Host::set_switches(const HostSwitches& s) {
  std::lock_guard lock(state_->world->state().mu);
  state_->switches = s;
}

std::size_t Host::socket_count() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->sockets.size();
}

Status Host::set_socket_limit(std::size_t limit) {
  if (limit == 0) {
    return invalid_argument("the socket limit must be at least 1, got 0");
  }
  std::lock_guard lock(state_->world->state().mu);
  state_->socket_limit = limit;
  return {};
}

std::size_t Host::socket_limit() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->socket_limit;
}

std::uint32_t Host::default_probe_count() const {
  std::lock_guard lock(state_->world->state().mu);
  return detail::registry_probe_count(*state_);
}

// ---- names (docs/names.md) -----------------------------------------------------------------

Status Host::add_alias(std::string alias) {
  if (Status s = detail::check_host_name(alias); !s.ok()) {
    return s;
  }
  std::lock_guard lock(state_->world->state().mu);
  if (Status s = detail::register_name(state_->world->state(), *state_, alias); !s.ok()) {
    return s;
  }
  state_->aliases.push_back(std::move(alias));
  return {};
}

std::vector<std::string> Host::aliases() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->aliases;
}

void Host::set_resolver(const Resolver& resolver) {
  std::lock_guard lock(state_->world->state().mu);
  state_->resolver = resolver;
}

Resolver Host::resolver() const {
  std::lock_guard lock(state_->world->state().mu);
  return state_->resolver;
}

}  // namespace ws2sim::winsock
