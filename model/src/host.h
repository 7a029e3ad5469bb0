// Host — one machine of the network, as the network and its TCP endpoints see it. Internal to
// the TCP model (network.cc, tcp.cc).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ws2sim/model/address.h"
#include "ws2sim/model/flat_index.h"

namespace ws2sim {

/// kFirstEphemeral — the first port of Windows' and IANA's ephemeral range (49152-65535).
inline constexpr std::uint16_t kFirstEphemeral = 49152;

/// Host — a machine: its name and address, whether it runs, and its TCP demultiplexing tables.
struct Host {
  std::string name;
  Ipv4Address address;
  bool up = true;
  std::uint16_t next_ephemeral = kFirstEphemeral;
  std::set<std::uint16_t> bound_ports;
  std::map<std::uint16_t, std::uint32_t> listeners;  // port -> listening endpoint
  FlatIndex<std::uint64_t> connections;  // endpoint by Tcp::connection_key(); never iterated
  /// Every in-use endpoint of the host, in no order (Endpoint::host_slot is each one's place):
  /// a crash or restart visits the host's endpoints, not the network's.
  std::vector<std::uint32_t> endpoints;
};

}  // namespace ws2sim
