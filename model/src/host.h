// Host — one machine of the network, as the network and its TCP endpoints see it. Internal to
// the TCP model (network.cc, tcp.cc).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ws2sim/model/address.h"
#include "ws2sim/model/flat_index.h"

namespace ws2sim {

/// kFirstEphemeral — the first port of Windows' and IANA's ephemeral range (49152-65535).
inline constexpr std::uint16_t kFirstEphemeral = 49152;

/// PortBinding — an endpoint holding a local port: a listener for the addresses of its scope, a
/// connecting endpoint for every address (AddressScope{}).
struct PortBinding {
  std::uint32_t endpoint = 0;
  AddressScope scope;
};

/// ConnectionIndex — a host's connections by local port and remote address: IPv4 remotes in a
/// flat index of one 64-bit key each (the common case, and the one at scale), IPv6 ones in a map.
class ConnectionIndex {
 public:
  void insert(std::uint16_t local_port, const SocketAddress& remote, std::uint32_t endpoint) {
    if (const std::optional<Ipv4Address> v4 = remote.address.ipv4()) {
      v4_.insert(key(local_port, *v4, remote.port), endpoint);
    } else {
      v6_.emplace(std::tuple{local_port, remote.address, remote.port}, endpoint);
    }
  }
  [[nodiscard]] std::optional<std::uint32_t> find(std::uint16_t local_port,
                                                  const SocketAddress& remote) const {
    if (const std::optional<Ipv4Address> v4 = remote.address.ipv4()) {
      return v4_.find(key(local_port, *v4, remote.port));
    }
    const auto it = v6_.find(std::tuple{local_port, remote.address, remote.port});
    return it == v6_.end() ? std::nullopt : std::optional<std::uint32_t>{it->second};
  }
  void erase(std::uint16_t local_port, const SocketAddress& remote) {
    if (const std::optional<Ipv4Address> v4 = remote.address.ipv4()) {
      v4_.erase(key(local_port, *v4, remote.port));
    } else {
      v6_.erase(std::tuple{local_port, remote.address, remote.port});
    }
  }
  void clear() noexcept {
    v4_.clear();
    v6_.clear();
  }

 private:
  static std::uint64_t key(std::uint16_t local_port, Ipv4Address a, std::uint16_t port) {
    return (std::uint64_t{local_port} << 48) | (std::uint64_t{a.value} << 16) | port;
  }
  FlatIndex<std::uint64_t> v4_;  // never iterated
  std::map<std::tuple<std::uint16_t, IpAddress, std::uint16_t>, std::uint32_t> v6_;
};

/// Host — a machine: its name and addresses, whether it runs, and its TCP demultiplexing tables.
struct Host {
  std::string name;
  Ipv4Address address;
  std::optional<Ipv6Address> address6;  // besides ::1; nullopt: an IPv4-only host
  bool up = true;
  std::uint16_t next_ephemeral = kFirstEphemeral;
  std::map<std::uint16_t, std::vector<PortBinding>> ports;  // who holds each bound port
  ConnectionIndex connections;
  /// Every in-use endpoint of the host, in no order (Endpoint::host_slot is each one's place):
  /// a crash or restart visits the host's endpoints, not the network's.
  std::vector<std::uint32_t> endpoints;
};

}  // namespace ws2sim
