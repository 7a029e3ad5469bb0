// Which WSA error a call gets on a connection that ended, by how it ended and the host's profile
// (docs/behaviour.md §2). Not a public header.
#pragma once

#include "core/call.h"
#include "core/host_state.h"
#include "ws2sim/model/trace.h"

namespace ws2sim::winsock::detail {

/// connection_error — the WSA error for a call on a connection that ended with `reason`.
/// `in_progress` is true for a call that was already blocked when it ended (WSAENETRESET for
/// keep-alive).
int connection_error(const Host::State& host, CloseReason reason, bool in_progress);

}  // namespace ws2sim::winsock::detail
