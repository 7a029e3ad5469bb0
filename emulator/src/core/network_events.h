// WSAEventSelect's network events (docs/behaviour.md §15): what a socket with an association
// records, when, with which error, and the event it sets. The engine sweeps the hosts whose
// sockets may have changed before it looks at their blocked calls (backend/virtual_time.cc); the
// calls that re-enable an event (recv, accept, ...) sweep their socket at once. Not a public
// header.
#pragma once

#include <cstdint>

#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// associate_events — gives `s` a new WSAEventSelect association (event `event`, FD_* `mask`,
/// nothing recorded), makes it non-blocking, and records what is already true.
void associate_events(Host::State& host, Socket& s, std::uintptr_t event, std::uint32_t mask);

/// record_network_events — records the events of `s` that became true and are asked for and
/// enabled, with their errors, and sets the socket's event if any was. True if any was.
/// World lock held.
bool record_network_events(Host::State& host, Socket& s);

/// sweep_network_events — record_network_events for every associated socket of `host`.
/// True if any event was set.
bool sweep_network_events(Host::State& host);

/// reenable_network_event — the call that re-enables `fd_bit`'s event (recv: FD_READ, accept:
/// FD_ACCEPT, ...) ran on `s`: it may be recorded again, at once if still true.
void reenable_network_event(Host::State& host, Socket& s, int fd_bit);

}  // namespace ws2sim::winsock::detail
