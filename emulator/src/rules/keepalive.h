// Where a socket's keep-alive and retransmission parameters come from (docs/behaviour.md §3):
// the socket's own values, else the host's registry, else Windows' defaults; the probe count
// from the profile's rule. Pure functions of the host and socket. Not a public header.
#pragma once

#include <cstdint>

#include "core/call.h"
#include "core/host_state.h"
#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/network.h"

namespace ws2sim::winsock::detail {

/// registry_probe_count — the probe count the profile's rule gives with the host's registry.
std::uint32_t registry_probe_count(const Host::State& host);
/// effective_keepalive — the keep-alive parameters the connection of `s` should run with.
KeepAliveConfig effective_keepalive(const Host::State& host, const Socket& s);
/// effective_retransmission — the retransmission limits the connection of `s` runs with: the
/// host's (registry TcpMaxDataRetransmissions, the profile's SYN re-sends after RST), narrowed by
/// the socket's SIO_TCP_INITIAL_RTO.
RetransmissionConfig effective_retransmission(const Host::State& host, const Socket& s);

}  // namespace ws2sim::winsock::detail
